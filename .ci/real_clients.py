"""Run each lucidtech-las release of tests/client/compatibility.py, installed from PyPI into a
throwaway venv of its own, with the script written for it, against ``las serve`` of its contract.

The emulator is judged here by clients no one here wrote: a release that fails means the emulator
(or the release) strays from the contract. They cannot share an environment with this package
(both install the import package ``las``), hence one venv per release. Both releases fetch their
token from ``https://{auth_endpoint}/token``, so the emulator serves HTTPS (``--tls``) with a
throwaway CA that ``REQUESTS_CA_BUNDLE`` trusts. Run by ``.ci/real-clients`` with the dev venv's
Python (it has the ``tls`` extra); pip's cache makes a second run fast.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
import time
import venv
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.client.compatibility import RELEASES, Release  # noqa: E402

SERVE_START_SECONDS = 30
SCRIPT_SECONDS = 120
_NOISE = "is ignored: it is neither a file nor a directory"  # pip's word on this machine's extra indexes


def install(release: Release, into: Path) -> Path:
    """A venv at ``into`` with lucidtech-las ``release.version`` from PyPI; its Python.

    The venv gets no pip of its own (ensurepip takes longer than the rest together): this
    Python's pip installs into it (``pip --python``), from pip's cache after the first run.
    """
    venv.create(into, with_pip=False)
    python = into / "bin" / "python"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--disable-pip-version-check",
            f"lucidtech-las=={release.version}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write("".join(line for line in done.stderr.splitlines(True) if _NOISE not in line))
        raise SystemExit(f"could not install lucidtech-las {release.version} from PyPI")
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import importlib.metadata as m, las; print(m.version('lucidtech-las'), las.__file__)",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=into,  # not the checkout: its ./las must not be the one imported
    ).stdout.split()
    assert where[0] == release.version and where[1].startswith(str(into)), where
    return python


def serve(contract: str, secret: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """``las serve --tls --contract ...`` of this checkout, and the environment it prints."""
    process = subprocess.Popen(
        [sys.executable, "-m", "las", "serve", "--tls", "--contract", contract, "--client-secret", secret],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert process.stdout is not None
    environment: dict[str, str] = {}
    deadline = time.monotonic() + SERVE_START_SECONDS
    for line in process.stdout:  # the exports, then "Press Ctrl-C to stop."
        if line.strip().startswith("export "):
            for pair in line.split()[1:]:
                name, _, value = pair.partition("=")
                environment[name] = value
        if "Ctrl-C" in line or time.monotonic() > deadline:
            break
    if "LAS_API_ENDPOINT" not in environment or "REQUESTS_CA_BUNDLE" not in environment:
        process.terminate()
        raise SystemExit(f"las serve --tls --contract {contract} did not start: {environment}")
    return process, environment


def run(release: Release, python: Path, home: Path) -> float:
    """The release's script against ``las serve`` of its contract; the seconds it took."""
    process, served = serve(release.contract, secrets.token_urlsafe(24))
    try:
        started = time.monotonic()
        done = subprocess.run(
            [str(python), str(release.script)],
            env={"PATH": os.environ.get("PATH", ""), "HOME": str(home), **served},
            cwd=home,
            capture_output=True,
            text=True,
            timeout=SCRIPT_SECONDS,
            check=False,
        )
        if done.returncode != 0:
            sys.stderr.write(done.stdout + done.stderr)
            raise SystemExit(
                f"lucidtech-las {release.version} failed {release.script.name} against las serve "
                f"--contract {release.contract}: the emulator or the release strays from the contract"
            )
        return time.monotonic() - started
    finally:
        process.terminate()  # SIGTERM: las serve stops and removes its throwaway CA
        process.wait(10)


def check(release: Release, work: Path) -> str:
    """Install ``release``, run its script; what to print."""
    began = time.monotonic()
    home = work / f"home-{release.version}"
    home.mkdir()
    python = install(release, work / f"venv-{release.version}")
    seconds = run(release, python, home)
    return (
        f"lucidtech-las {release.version}: {release.script.name} passed against las serve "
        f"--contract {release.contract} ({seconds:.1f} s; {time.monotonic() - began:.1f} s with its venv)"
    )


def main() -> None:
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="las-real-clients-") as work, ThreadPoolExecutor() as pool:
        # Side by side: each mostly waits on pip's index and its own subprocesses.
        for outcome in [pool.submit(check, release, Path(work)) for release in RELEASES]:
            print(outcome.result(), flush=True)
    print(f"real clients: {time.monotonic() - began:.1f} s")


if __name__ == "__main__":
    main()
