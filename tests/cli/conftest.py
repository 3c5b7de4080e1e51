"""Running the real ``las`` console script in a subprocess, against a shared ``las serve``.

Each test module gets one ``las serve`` process (module-scoped fixture ``server``); tests
call :func:`run` (any arguments) or the ``las`` fixture (arguments after
``--endpoint URL --client-secret S``). The environment is cleaned of ``LAS_*`` variables and
``HOME`` points to an empty directory, so no user credentials or token cache are read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from las.demo import sample_pdf

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
    """A running ``las serve``: its URL and the organization id it printed."""

    url: str
    organization_id: str


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("LAS_")}
    env.update(HOME=str(home), PYTHONIOENCODING="utf-8", **extra)
    return env


def run(*args: str, home: Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> Result:
    """Run ``las ARGS`` and return what it left."""
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


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty HOME: no ~/.lucidtech credentials, no token cache."""
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def server(home: Path) -> Iterator[Server]:
    """One ``las serve`` for the module, started through the console script."""
    process = subprocess.Popen(
        [str(LAS), "serve", "--client-secret", SECRET],
        stdout=subprocess.PIPE,
        text=True,
        env=clean_env(home),
    )
    assert process.stdout is not None
    printed: dict[str, str] = {}
    for line in process.stdout:
        key, _, value = line.strip().partition(":")
        printed[key] = value.strip().split()[0] if value.strip() else ""
        if line.startswith("Press Ctrl-C"):
            break
    try:
        yield Server(printed["api endpoint"], printed["organization id"])
    finally:
        process.terminate()
        process.wait(10)
        process.stdout.close()


@pytest.fixture
def las(server: Server, home: Path) -> Callable[..., Result]:
    """Run ``las --endpoint URL --client-secret S ARGS`` (with ``cwd=`` when given)."""

    def run_against_server(*args: str, cwd: Path | None = None) -> Result:
        return run("--endpoint", server.url, "--client-secret", SECRET, *args, home=home, cwd=cwd)

    return run_against_server


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
