"""Run every ``console`` block of docs/cli.md, in order, in one shell, and compare what it prints.

A block is a transcript: ``$ command`` (``> `` lines continue it) followed by the lines it prints
on stdout. Runs of spaces compare equal (table column widths follow the ids), and ``...`` in an
expected line matches anything. Every command line must exit 0; the page shows other exit codes
with ``; echo "exit $?"``, as a reader would type it.

The shell is real (bash: variables, ``$(...)``, pipes, heredocs); its ``las`` is a function
that hands the arguments, working directory and environment to this test process, which runs
them in-process (``tests.cli.conftest.run``) and hands back the output and exit code: a few
milliseconds a command where a console script takes half a second to start.
"""

from __future__ import annotations

import json
import os
import re
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from las.demo import sample_pdf
from tests.cli.conftest import SECRET, Server, run

# The shell's `las`: standard library only, started without site packages (-S) to start fast.
FORWARDER = """
import json, os, socket, sys
with socket.socket(socket.AF_UNIX) as connection:
    connection.connect(sys.argv[1])
    request = {"args": sys.argv[2:], "cwd": os.getcwd(), "env": dict(os.environ)}
    connection.sendall(json.dumps(request).encode() + b"\\n")
    answer = json.loads(connection.makefile("rb").read())
sys.stdout.write(answer["stdout"])
sys.stderr.write(answer["stderr"])
sys.exit(answer["code"])
"""


class _RunHere(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        request = json.loads(self.rfile.readline())
        home = Path(request["env"]["HOME"])
        result = run(*request["args"], home=home, cwd=Path(request["cwd"]), env=request["env"])
        self.wfile.write(json.dumps(result.__dict__).encode())


@pytest.fixture
def las_function(tmp_path: Path) -> Iterator[str]:
    """A bash function ``las`` running each command in this process, one at a time."""
    socket_path = tmp_path / "las.sock"
    forwarder = tmp_path / "las_forwarder.py"
    forwarder.write_text(FORWARDER)
    with socketserver.UnixStreamServer(str(socket_path), _RunHere) as server:
        serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        serving.start()
        yield f'las() {{ "{sys.executable}" -I -S "{forwarder}" "{socket_path}" "$@"; }}\n'
        server.shutdown()
        serving.join(5)


PAGE = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def transcript(page: str) -> list[tuple[str, list[str]]]:
    """``(command, expected stdout lines)`` of every console block, in order."""
    steps: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", page, flags=re.DOTALL):
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif line.startswith("> ") and steps and not steps[-1][1]:
                steps[-1] = (steps[-1][0] + "\n" + line[2:], [])
            else:
                steps[-1][1].append(line)
    return steps


def matches(expected: list[str], actual: str) -> bool:
    def normal(lines: list[str]) -> str:
        return "\n".join(" ".join(line.split()) for line in lines)

    pattern = re.escape(normal(expected)).replace(re.escape("..."), ".*?")
    return re.fullmatch(pattern, normal(actual.splitlines()), flags=re.DOTALL) is not None


def test_the_page_has_examples_of_every_long_operation() -> None:
    commands = " ".join(command for command, _ in transcript(PAGE.read_text()))
    for verb in ("create-documents", "datasets download", "executions wait", "las predict", "--field"):
        assert verb in commands


def test_every_console_example_prints_what_the_page_shows(
    server: Server, tmp_path: Path, las_function: str
) -> None:
    # The folder the page describes: a.pdf with a.json, b.pdf, notes.txt.
    invoices = tmp_path / "invoices"
    invoices.mkdir()
    (invoices / "a.pdf").write_bytes(sample_pdf("A-1", "10.00", "2026-01-01"))
    (invoices / "a.json").write_text(json.dumps({"invoice_number": "A-1", "total_amount": "10.00"}))
    (invoices / "b.pdf").write_bytes(sample_pdf("B-2", "20.00", "2026-01-02"))
    (invoices / "notes.txt").write_text("to do")

    steps = transcript(PAGE.read_text())
    script = las_function + "".join(
        f"echo '@@step {number}@@'\n{command}\necho \"@@exit $?@@\"\n"
        for number, (command, _) in enumerate(steps)
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("LAS_")}
    env.update(
        HOME=str(tmp_path),
        LAS_ENDPOINT=server.url,
        LAS_CLIENT_SECRET=SECRET,
    )
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    outputs = re.split(r"@@step \d+@@\n", done.stdout)[1:]
    assert len(outputs) == len(steps), done.stderr
    for (command, expected), output in zip(steps, outputs, strict=True):
        printed, _, code = output.rpartition("@@exit ")
        if code.strip() != "0@@":
            pytest.fail(f"`{command}` exited {code.strip()[:-2]}:\n{printed}\nstderr:\n{done.stderr}")
        if not matches(expected, printed):
            pytest.fail(f"`{command}` printed:\n{printed}\nthe page shows:\n" + "\n".join(expected))
