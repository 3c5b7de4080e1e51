"""A minimal HTTP/1.1 keep-alive server (asyncio, one process) that answers every GET with one
canned JSON body after ``delay`` seconds (a stand-in for the API's and the network's latency),
and ``POST /token`` with a token at once.

It does almost no CPU work per request, so it is not the bottleneck: the thread scaling figure
measured against it is whether the client lets threads overlap their waits, as they do against
the real API, where a call spends most of its time waiting for the network and the service.

Given a :class:`Listing`, it also answers a list path with pages built once, before it serves:
``GET <path>`` is the first page, ``GET <path>?...&nextToken=<token>`` the page with that token
(a dict lookup), so a client walking the listing pays for everything and the server for almost
nothing. The listing benchmark measures the client's CPU against it (``benchmarks/run.py``).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import socket
from multiprocessing.connection import Connection
from typing import NamedTuple

TOKEN = "canned-benchmark-token"


class Listing(NamedTuple):
    """A listing served from pages built once: ``total`` copies of ``item`` (each with its own
    ``id_key``, e.g. ``documentId``), ``page_size`` per page under ``key``, chained by ``nextToken``."""

    path: str
    key: str
    item: dict[str, object]
    id_key: str
    total: int
    page_size: int


def build_pages(listing: Listing) -> dict[str, bytes]:
    """Every page's JSON body, by the ``nextToken`` that asks for it ("" for the first page)."""
    pages: dict[str, bytes] = {}
    prefix = str(listing.item[listing.id_key])[:-32]
    count = -(-listing.total // listing.page_size)
    for number in range(count):
        first = number * listing.page_size
        items = [
            {**listing.item, listing.id_key: f"{prefix}{index:032x}"}
            for index in range(first, min(first + listing.page_size, listing.total))
        ]
        next_token = f"page{number + 1}" if number + 1 < count else None
        body = {listing.key: items, "nextToken": next_token}
        pages["" if number == 0 else f"page{number}"] = json.dumps(body, separators=(",", ":")).encode()
    return pages


def _page_token(target: str) -> str:
    """The nextToken of a request target (``/documents?maxResults=100&nextToken=page7``), or ""."""
    _, _, query = target.partition("?")
    for part in query.split("&"):
        name, _, value = part.partition("=")
        if name == "nextToken":
            return value
    return ""


class _Protocol(asyncio.Protocol):
    opened = 0  # connections accepted by this server process (see CannedServer.connections)

    def __init__(
        self,
        document: bytes,
        token: bytes,
        delay: float,
        path: str = "",
        pages: dict[str, bytes] | None = None,
    ) -> None:
        self.delay = delay
        self.buffer = b""
        self.document = document
        self.token = token
        self.path = path
        self.pages = pages or {}
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        _Protocol.opened += 1
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            token = head.startswith("POST /token")
            body = self.token if token else self._body(head[: head.find("\r\n")])
            answer = (
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + str(len(body)).encode()
                + b"\r\n\r\n"
                + body
            )
            assert self.transport is not None
            if token or not self.delay:
                self.transport.write(answer)
            else:
                asyncio.get_running_loop().call_later(self.delay, self._write, answer)

    def _body(self, request_line: str) -> bytes:
        target = request_line.split(" ", 2)[1]
        if self.pages and target.partition("?")[0] == self.path:
            return self.pages[_page_token(target)]
        return self.document

    def _write(self, answer: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(answer)


def _serve(
    connection: Connection, document: dict[str, object], delay: float, listing: Listing | None
) -> None:
    async def main() -> None:
        body = json.dumps(document, separators=(",", ":")).encode()
        token = json.dumps({"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600}).encode()
        path, pages = (listing.path, build_pages(listing)) if listing is not None else ("", None)
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: _Protocol(body, token, delay, path, pages), "127.0.0.1", 0)
        connection.send(server.sockets[0].getsockname()[1])
        while await loop.run_in_executor(None, connection.recv) == "connections":
            connection.send(_Protocol.opened)
        server.close()

    asyncio.run(main())


class CannedServer:
    """The canned server in a child process; ``url`` is its base URL. With ``listing``, it also
    serves that listing's pages (built in the child before ``url`` is known)."""

    where = "canned asyncio subprocess"

    def __init__(
        self, document: dict[str, object], delay: float = 0.0, listing: Listing | None = None
    ) -> None:
        self.delay = delay
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, document, delay, listing), daemon=True)
        self._process.start()
        self.url = f"http://127.0.0.1:{self._connection.recv()}"

    def connections(self) -> int:
        """How many connections the server has accepted since it started."""
        self._connection.send("connections")
        return int(self._connection.recv())

    def stop(self) -> None:
        self._connection.send("stop")
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()

    def __enter__(self) -> CannedServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
