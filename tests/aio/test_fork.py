"""An AsyncSession across ``os.fork()``: the parent's pooled connections stay the parent's.

Whatever a forked child does with a session the parent had used (close it, as the SDK advises,
use it, or just exit), the parent's next calls are answered, and each create reaches the API
exactly once (a create that times out after the server did it would be duplicated by a retry).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest

import las
from las.testing import Emulator

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

PDF = b"%PDF-1.4 fork"
# Short, so that a parent whose answers can no longer arrive fails in seconds, not a minute.
TIMEOUT = (2.0, 3.0)


def _creates(emulator: Emulator) -> int:
    return sum(1 for r in emulator.requests if (r.method, r.path) == ("POST", "/documents"))


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """The parent's event loop, kept across the fork (as a long-running program keeps one)."""
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def _in_child(report: Callable[[], str]) -> str:
    """Fork; the child runs ``report`` and writes what it returns (or its error) to the parent."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        os.close(read_fd)
        try:
            try:
                text = report()
            except BaseException as error:
                text = f"error {error!r}"
            os.write(write_fd, text.encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        text = pipe.read().decode()
    os.waitpid(pid, 0)
    return text


def _child_closes(client: las.AsyncClient) -> Coroutine[Any, Any, str]:
    async def run() -> str:
        await client.session.close()
        return "closed"

    return run()


def _child_closes_then_creates(client: las.AsyncClient) -> Coroutine[Any, Any, str]:
    async def run() -> str:
        await client.session.close()
        created = await client.create_document(PDF + b" child", "application/pdf")
        await client.session.close()
        return "created " + created["documentId"][:13]

    return run()


def _child_creates(client: las.AsyncClient) -> Coroutine[Any, Any, str]:
    async def run() -> str:
        created = await client.create_document(PDF + b" child", "application/pdf")
        return "created " + created["documentId"][:13]

    return run()


@pytest.mark.parametrize(
    ("child", "expected", "child_creates"),
    [
        (_child_closes, "closed", 0),
        (_child_closes_then_creates, "created las:document:", 1),
        (_child_creates, "created las:document:", 1),
    ],
    ids=["close", "close-then-create", "create"],
)
def test_what_a_forked_child_does_with_the_session_leaves_the_parents_connections_working(
    las_emulator: Emulator,
    tmp_path: Path,
    loop: asyncio.AbstractEventLoop,
    child: Callable[[las.AsyncClient], Coroutine[Any, Any, str]],
    expected: str,
    child_creates: int,
) -> None:
    session = las_emulator.async_session(cache_path=tmp_path / "cache.json", timeout=TIMEOUT)
    client = las.AsyncClient(session=session)
    loop.run_until_complete(client.create_document(PDF, "application/pdf"))  # a pooled connection now

    assert _in_child(lambda: asyncio.run(child(client))) == expected

    for n in range(3):  # the parent's pooled connection still carries its calls
        loop.run_until_complete(client.create_document(PDF + bytes([n]), "application/pdf"))
    loop.run_until_complete(session.close())
    assert _creates(las_emulator) == 1 + child_creates + 3  # one POST per create: nothing resent
    assert len(loop.run_until_complete(_all_documents(las_emulator, tmp_path))) == 1 + child_creates + 3


async def _all_documents(emulator: Emulator, tmp_path: Path) -> list[dict[str, Any]]:
    async with las.AsyncClient(emulator.credentials(cache_path=tmp_path / "cache.json")) as client:
        return [document async for document in las.paginate_async(client.list_documents)]


# A child that never touches the session and ends normally: the interpreter's finalizers run in
# it (in the tests above the child leaves with os._exit), and must not close the parent's pool.
_EXITING_CHILD = textwrap.dedent(
    """
    import asyncio, json, os, sys
    import las
    from las.testing import Emulator

    emulator = Emulator().start()  # not in a `with`: the child must not stop the parent's server
    client = emulator.async_client(cache_path=sys.argv[1], timeout=(2.0, 3.0))
    loop = asyncio.new_event_loop()
    loop.run_until_complete(client.create_document(b"%PDF-1.4 a", "application/pdf"))
    pid = os.fork()
    if pid == 0:
        sys.exit(0)  # the child ends as a program does: finalizers run
    os.waitpid(pid, 0)
    try:
        loop.run_until_complete(client.create_document(b"%PDF-1.4 b", "application/pdf"))
        error = None
    except Exception as raised:
        error = repr(raised)
    loop.run_until_complete(client.session.close())
    posts = sum(1 for r in emulator.requests if (r.method, r.path) == ("POST", "/documents"))
    print(json.dumps({"error": error, "posts": posts}))
    emulator.stop()
    """
)


def test_a_forked_child_that_exits_normally_leaves_the_parents_connections_working(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _EXITING_CHILD, str(tmp_path / "cache.json")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["error"] is None and outcome["posts"] == 2, outcome
    assert "Unclosed" not in done.stderr  # nothing in the child reported the parent's pool
