"""Type-check user programs against an installed wheel, as a user's ``mypy --strict`` would.

Usage: ``python tests/packaging/check_typing.py VENV_PYTHON`` (run by ``.ci/packaging``), with
mypy installed beside this interpreter. mypy resolves ``las`` from VENV_PYTHON's site-packages
only (the programs are copied to a temporary directory, away from the checkout), so a missing
``py.typed`` or a lost annotation shows here.

- ``typing_user_program.py`` must pass.
- ``typing_wrong_uses.py`` must fail with exactly the error codes its ``# expect: CODE``
  comments name, on those lines, and no other error.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOOD = "typing_user_program.py"
WRONG = "typing_wrong_uses.py"
ERROR = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): error: .*\[(?P<code>[a-z-]+)\]$")


def mypy(python: str, program: Path) -> tuple[int, str]:
    config = program.parent / "mypy.ini"
    config.write_text("[mypy]\n")  # none of the checkout's settings: strictness comes from --strict
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(config),
            "--python-executable",
            python,
            "--cache-dir",
            str(program.parent / ".mypy_cache"),
            "--show-error-codes",
            "--no-pretty",
            "--no-error-summary",
            program.name,
        ],
        cwd=program.parent,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return run.returncode, run.stdout + run.stderr


def expected_errors(program: Path) -> set[tuple[int, str]]:
    return {
        (number, match.group(1))
        for number, line in enumerate(program.read_text().splitlines(), start=1)
        if (match := re.search(r"# expect: ([a-z-]+)$", line))
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    python = argv[0]
    failures = []
    with tempfile.TemporaryDirectory(prefix="las-typing-") as work:
        for name in (GOOD, WRONG):
            shutil.copy(HERE / name, Path(work) / name)
        status, output = mypy(python, Path(work) / GOOD)
        if status != 0:
            failures.append(f"{GOOD} must type-check with mypy --strict, got:\n{output}")
        else:
            print(f"ok  {GOOD} passes mypy --strict against the installed wheel")
        status, output = mypy(python, Path(work) / WRONG)
        found = {
            (int(match["line"]), match["code"])
            for line in output.splitlines()
            if (match := ERROR.match(line.strip()))
        }
        expected = expected_errors(HERE / WRONG)
        if status == 0 or found != expected:
            failures.append(
                f"{WRONG} must fail mypy --strict with exactly {sorted(expected)}; "
                f"exit {status}, got {sorted(found)}:\n{output}"
            )
        else:
            print(f"ok  {WRONG} fails mypy --strict with exactly {sorted(expected)}")
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
