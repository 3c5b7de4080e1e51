""".ci/jobs.sh, the background jobs of .ci/run: a job's output is printed under its title when
it is finished, a failed job fails the run with its status, and the run's exit stops what is
still running (the job and the processes it started)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="bash runs .ci/run")


def run(script: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", f"set -euo pipefail\n. {ROOT / '.ci' / 'jobs.sh'}\n{script}"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )


def test_a_job_that_passes_prints_its_output_under_its_title_and_the_run_goes_on(tmp_path: Path) -> None:
    done = run('background one "the first job" bash -c "echo from the job"\nfinish one\necho after', tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines == [
        "(in the background from here: the first job)",
        "== the first job (ran in the background)",
        "from the job",
        "after",
    ]
    assert [path.name for path in tmp_path.iterdir()] == []  # its logs are removed at exit


def test_a_job_that_fails_fails_the_run_with_its_status_after_printing_its_output(tmp_path: Path) -> None:
    done = run(
        'background two "a failing job" bash -c "echo what went wrong; exit 3"\nfinish two\necho after',
        tmp_path,
    )
    assert done.returncode == 3
    assert "what went wrong" in done.stdout
    assert "FAILED: a failing job (exit status 3)" in done.stdout
    assert "after" not in done.stdout


def test_the_runs_exit_stops_a_job_still_running_and_what_it_started(tmp_path: Path) -> None:
    started = tmp_path / "pid"
    script = f"background slow 'a slow job' bash -c 'sleep 600 & echo $! > {started}; wait'\n"
    script += f"while [ ! -s {started} ]; do sleep 0.05; done\nexit 5"
    done = run(script, tmp_path)
    assert done.returncode == 5
    assert_ends(int(started.read_text()), "the job's child kept running after the run exited")


def assert_ends(pid: int, failure: str) -> None:
    """Wait up to 10 s for process ``pid`` to end; kill it and fail with ``failure`` if it does not."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(pid, 9)
    pytest.fail(failure)


def test_a_term_to_the_run_stops_its_jobs_too(tmp_path: Path) -> None:
    """.ci/run stops .ci/lowest-versions by a TERM to its process group, and lowest-versions runs a
    job of its own in a group of that job's own: the TERM must end that job as well."""
    import signal

    started = tmp_path / "pid"
    script = f"set -euo pipefail\n. {ROOT / '.ci' / 'jobs.sh'}\n"
    script += f"background slow 'a slow job' bash -c 'sleep 600 & echo $! > {started}; wait'\n"
    script += "sleep 600\n"
    run = subprocess.Popen(
        ["bash", "-c", script],
        cwd=tmp_path,
        env={**os.environ, "TMPDIR": str(tmp_path)},
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not (started.exists() and started.read_text().strip()):
            assert time.monotonic() < deadline, "the job did not start"
            time.sleep(0.05)
        os.killpg(run.pid, signal.SIGTERM)  # the run and its foreground command, as .ci/run does
        assert run.wait(timeout=30) == 143
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    assert_ends(int(started.read_text()), "the job's child kept running after the run was sent TERM")


def test_ci_runs_the_floors_the_wheel_and_the_real_clients_as_jobs_and_finishes_each() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    for name, script in [
        ("floors", ".ci/lowest-versions"),
        ("wheel", ".ci/packaging"),
        ("clients", ".ci/real-clients"),
    ]:
        assert f"background {name} " in ci and f"bash {script}\n" in ci
        assert f"\nfinish {name}\n" in ci


def test_the_docs_requirements_are_the_docs_extras(tmp_path: Path) -> None:
    """.ci/run installs the docs extra's tools from .ci/extra_requirements.py's list: every
    requirement of the extra, and an extra that does not exist is an error, not an empty list."""
    from importlib import metadata

    script = str(ROOT / ".ci" / "extra_requirements.py")
    listed = subprocess.run([sys.executable, script, "docs"], capture_output=True, text=True, check=True)
    declared = [
        requirement.split(";")[0].strip()
        for requirement in metadata.requires("lucidtech-las-sdk") or []
        if 'extra == "docs"' in requirement
    ]
    assert declared and listed.stdout.split() == declared
    missing = subprocess.run([sys.executable, script, "nothing"], capture_output=True, text=True)
    assert missing.returncode != 0 and "no extra 'nothing'" in missing.stderr


def test_ci_caches_bytecode_and_starts_the_floors_right_after_the_demo() -> None:
    """README: .ci/run unsets PYTHONDONTWRITEBYTECODE before anything runs, and the floors' run
    starts after the demo (whose install it reads the floors from) and before the first suite."""
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    demo = lines.index(
        "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/python -m las demo"
    )
    suite = lines.index(
        "python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev]' && .venv/bin/python -m pytest"
    )
    assert lines.index("unset PYTHONDONTWRITEBYTECODE") < demo
    floors = next(number for number, line in enumerate(lines) if line.startswith("background floors "))
    assert demo < floors < suite


def test_the_floors_run_tries_a_quarter_of_each_fuzz_tests_examples() -> None:
    """.ci/lowest-versions sets LAS_FUZZ_SHARE=0.25 (tests/support/examples.py); the share is
    applied (never below 10 examples, never above the test's own), and a share outside (0, 1] is refused."""
    [line] = [
        line for line in (ROOT / ".ci" / "lowest-versions").read_text().splitlines() if "-m pytest" in line
    ]
    assert line.startswith("LAS_FUZZ_SHARE=0.25 ")
    for share, printed in [("0.25", "38 10 8"), ("", "150 25 8"), ("1", "150 25 8")]:
        done = shares_with(share)
        assert done.stdout.split() == printed.split(), done.stderr
    for share in ("0", "1.5", "-1", "a quarter", "nan"):
        done = shares_with(share)
        assert done.returncode != 0 and "LAS_FUZZ_SHARE must be above 0 and at most 1" in done.stderr


def shares_with(share: str) -> subprocess.CompletedProcess[str]:
    """share_of(150), share_of(25) and share_of(8), printed by a Python with LAS_FUZZ_SHARE=share."""
    code = "from tests.support.examples import share_of; print(share_of(150), share_of(25), share_of(8))"
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "LAS_FUZZ_SHARE": share},
    )


def test_copy_tracked_copies_what_git_tracks_and_nothing_else_into_a_new_directory(tmp_path: Path) -> None:
    """.ci/copy_tracked.py (the wheel's build and the floors' install on python3 work from its
    copy, so nothing is written in the checkout while a suite runs there)."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    script = str(ROOT / ".ci" / "copy_tracked.py")
    copy = tmp_path / "copy"
    subprocess.run([sys.executable, script, str(copy)], cwd=ROOT, check=True, timeout=60)
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    expected = {name for name in tracked.stdout.splitlines() if (ROOT / name).is_file()}
    copied = {str(path.relative_to(copy)) for path in copy.rglob("*") if path.is_file()}
    assert copied == expected
    assert (copy / "las" / "__init__.py").read_bytes() == (ROOT / "las" / "__init__.py").read_bytes()
    again = subprocess.run([sys.executable, script, str(copy)], cwd=ROOT, capture_output=True, text=True)
    assert again.returncode != 0 and "FileExistsError" in again.stderr
