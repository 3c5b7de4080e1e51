"""Running ``las`` in-process against a shared in-process emulator, and the real console script.

Most tests call :func:`run` (any arguments) or the ``las`` fixture (arguments after
``--endpoint URL``, the secret in ``LAS_CLIENT_SECRET``): they run the console script's own
function, :func:`las.__main__.main`, in this process, with the environment, the working
directory and stdin/stdout/stderr of a fresh process, and give back its exit code and output
(a process start costs more than most commands). :func:`run_script` runs the installed console
script in a subprocess, for the few behaviours that need a real process: the entry point
itself, pipes, signals, an interpreter without the ``cli`` extra.

Each test module gets one emulator (module-scoped fixture ``server``) with the secret
:data:`SECRET`, as ``las serve --client-secret SECRET`` would have. The environment is cleaned
of ``LAS_*`` variables and ``HOME`` points to an empty directory, so no user credentials or
token cache are read.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import pytest

from las.__main__ import main
from las.demo import sample_pdf
from las.testing import Emulator

LAS = Path(sys.executable).with_name("las")
SECRET = "cli-test-secret"
TIMEOUT = 60


@dataclass
class Result:
    """What a run of ``las`` left: exit code, stdout, stderr."""

    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


@dataclass
class Server:
    """A running emulator, as ``las serve`` prints it: its URL and organization id."""

    url: str
    organization_id: str


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("LAS_")}
    env.update(HOME=str(home), PYTHONIOENCODING="utf-8", **extra)
    return env


@contextmanager
def environment(env: Mapping[str, str]) -> Iterator[None]:
    """``os.environ`` is exactly ``env`` inside the block, and as it was after it."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def working_directory(path: Path | None) -> Iterator[None]:
    saved = Path.cwd()
    if path is not None:
        os.chdir(path)
    try:
        yield
    finally:
        os.chdir(saved)


def exit_status(exit: SystemExit) -> int:
    """The status a process ending with ``exit`` reports (``sys.exit("text")`` is 1)."""
    if exit.code is None or isinstance(exit.code, int):
        return exit.code or 0
    print(exit.code, file=sys.stderr)
    return 1


def printed(stream: io.TextIOWrapper) -> str:
    stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8")


def run(
    *args: str,
    home: Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    stdout: TextIO | None = None,
    stdin: TextIO | None = None,
) -> Result:
    """Run ``las ARGS`` in this process, as the console script would, and return what it left.

    Nothing of the run outlives it: ``os.environ``, the working directory and ``sys.std*``
    are restored, whatever the command did. With ``stdout`` (a pipe, say), the command writes
    there, and the result's ``stdout`` is empty. stdin is empty and not a terminal, unless
    ``stdin`` is given (a :class:`Terminal`, say).
    """
    # Text streams over bytes, as a process has: click writes bytes to ``.buffer``.
    out, err = (io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True) for _ in range(2))
    saved = sys.stdin, sys.stdout, sys.stderr
    with environment(env or clean_env(home)), working_directory(cwd):
        sys.stdin, sys.stdout, sys.stderr = stdin or io.StringIO(), stdout or out, err
        try:
            code = main(list(args))
        except SystemExit as exit:
            code = exit_status(exit)
        finally:
            sys.stdin, sys.stdout, sys.stderr = saved
    return Result(code, printed(out), printed(err))


class Terminal(io.StringIO):
    """A stdin that is a terminal, on which a person has typed ``typed``."""

    def isatty(self) -> bool:
        return True


def run_script(*args: str, home: Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> Result:
    """Run the installed console script ``las ARGS`` in a new process and return what it left."""
    assert LAS.exists(), f"the console script {LAS} is missing: pip install -e '.[dev]'"
    done = subprocess.run(
        [str(LAS), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env or clean_env(home),
        timeout=TIMEOUT,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture(autouse=True)
def _no_real_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """HOME is an empty directory in every test, also one calling ``las.cli.main`` directly:
    no test reads the user's credentials or writes an upload journal under the real ~/.lucidtech."""
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("anyhome")))


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty HOME: no ~/.lucidtech credentials, no token cache."""
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def server_emulator() -> Iterator[Emulator]:
    """One emulator for the module, with the secret ``las serve --client-secret SECRET`` would
    have (a fixture of its own, so tests/conftest.py checks what each test's commands send it)."""
    with Emulator(client_secret=SECRET) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def server(server_emulator: Emulator) -> Server:
    """The module's emulator, as ``las serve`` prints it."""
    return Server(server_emulator.url, server_emulator.organization_id)


@pytest.fixture
def las(server: Server, home: Path) -> Callable[..., Result]:
    """Run ``las --endpoint URL ARGS`` with ``LAS_CLIENT_SECRET`` set (with ``cwd=`` when given)."""

    def run_against_server(*args: str, cwd: Path | None = None) -> Result:
        env = clean_env(home, LAS_CLIENT_SECRET=SECRET)
        return run("--endpoint", server.url, *args, home=home, cwd=cwd, env=env)

    return run_against_server


def write_profile(home: Path, section: str, server: Server, client_id: str, client_secret: str) -> None:
    """A section of ``HOME/.lucidtech/credentials.cfg`` (mode 0600) pointing at ``server``."""
    config = home / ".lucidtech" / "credentials.cfg"
    config.parent.mkdir(exist_ok=True)
    config.write_text(
        f"[{section}]\nclient_id = {client_id}\nclient_secret = {client_secret}\n"
        f"auth_endpoint = {server.url}\napi_endpoint = {server.url}\n"
    )
    config.chmod(0o600)


def created_id(result: Result, key: str) -> str:
    """The id of what a ``--json`` create printed, after checking it succeeded."""
    assert result.code == 0, result.stderr
    value = result.json()[key]
    assert isinstance(value, str)
    return value


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    """A small valid PDF file."""
    path = tmp_path / "invoice.pdf"
    path.write_bytes(sample_pdf("INV-1", "10.00", "2026-01-01"))
    return path
