"""The AsyncSession's pool: one connection per concurrent call, kept and reused; never more than
``max_connections``. Counted by a loopback server that answers after a short wait."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

import las

DOCUMENT = {"documentId": "las:document:" + "a" * 32, "contentType": "application/pdf"}


class CountingServer:
    """HTTP/1.1 keep-alive on loopback: tokens at once, every other request after ``delay``."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.connections = 0
        self.requests = 0
        self.url = ""
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                lines = head.decode("latin-1").split("\r\n")
                length = next(
                    (
                        int(line.split(":", 1)[1])
                        for line in lines
                        if line.lower().startswith("content-length:")
                    ),
                    0,
                )
                await reader.readexactly(length)
                if lines[0].startswith("POST /token"):
                    body = json.dumps({"access_token": "t", "token_type": "Bearer", "expires_in": 3600})
                else:
                    self.requests += 1
                    await asyncio.sleep(self.delay)
                    body = json.dumps(DOCUMENT)
                data = body.encode()
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                    + str(len(data)).encode()
                    + b"\r\n\r\n"
                    + data
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest_asyncio.fixture
async def server() -> AsyncIterator[CountingServer]:
    counting = CountingServer(delay=0.05)
    await counting.start()
    yield counting
    await counting.stop()


async def calls_in_tasks(server: CountingServer, tmp_path: Path, tasks: int, max_connections: int) -> int:
    """Connections the server accepted while ``tasks`` tasks made 3 calls each; checks every answer."""
    credentials = las.Credentials("id", "secret", server.url, server.url, cache_path=tmp_path / "cache.json")
    await asyncio.to_thread(credentials.access_token)  # the token's connection is not the pool's
    before = server.connections
    async with las.AsyncClient(credentials, max_connections=max_connections) as client:

        async def work() -> None:
            for _ in range(3):
                assert (await client.get_document(DOCUMENT["documentId"])) == DOCUMENT

        await asyncio.gather(*(work() for _ in range(tasks)))
    assert server.requests == 3 * tasks
    return server.connections - before


@pytest.mark.asyncio
async def test_concurrent_calls_open_one_connection_each_and_reuse_them(
    server: CountingServer, tmp_path: Path
) -> None:
    assert await calls_in_tasks(server, tmp_path, tasks=8, max_connections=100) == 8


@pytest.mark.asyncio
async def test_max_connections_caps_the_pool_and_every_call_still_completes(
    server: CountingServer, tmp_path: Path
) -> None:
    assert await calls_in_tasks(server, tmp_path, tasks=8, max_connections=3) == 3
