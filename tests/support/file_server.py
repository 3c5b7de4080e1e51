"""A stand-in for the object storage behind presigned file URLs, on loopback, for transport tests.

``PUT /files/<name>`` takes a body with a ``Content-Length`` (411 without one, 501 for a chunked
body: presigned object storage URLs refuse both) and keeps its bytes (or only their size and
SHA-256 with ``keep=False``, so a memory measurement in the test process is not the server's);
``GET /files/<name>`` answers them. Every arrival is recorded, headers included, before any
fault is applied, so tests count attempts. Faults are scripted per method, in order:

- ``Fault(status=503)``: answer that status (the body read first, as a server does);
- ``Fault(drop=True)``: read part of the request, then close the connection without answering;
- ``Fault(silent=seconds)``: read the request, then say nothing for that long.

It knows nothing of the API; the API's answers (``fileUrl``) come from :mod:`tests.support.recorder`.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_PIECE = 256 * 1024


@dataclass
class Fault:
    status: int = 0
    drop: bool = False
    silent: float = 0.0
    retry_after: str | None = None  # sent as Retry-After with ``status``


@dataclass
class Arrival:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Stored:
    size: int
    sha256: str
    data: bytes | None


class FileServer:
    """The server's state: scripted faults, arrivals, and what was stored under each name."""

    def __init__(self, *, keep: bool = True) -> None:
        self.keep = keep
        self.lock = threading.Lock()
        self.faults: dict[str, deque[Fault]] = {"PUT": deque(), "GET": deque()}
        self.arrivals: list[Arrival] = []
        self.files: dict[str, Stored] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail(self, method: str, *faults: Fault) -> None:
        with self.lock:
            self.faults[method].extend(faults)

    def url_for(self, name: str, query: str = "X-Amz-Signature=secret-signature") -> str:
        return f"{self.url}/files/{name}?{query}"

    def count(self, method: str) -> int:
        return sum(1 for arrival in self.arrivals if arrival.method == method)

    def _fault(self, method: str) -> Fault | None:
        with self.lock:
            queue = self.faults.get(method)
            return queue.popleft() if queue else None


def _handler(server: FileServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(
            self,
            status: int,
            body: bytes = b"",
            content_type: str = "application/xml",
            retry_after: str | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            if retry_after is not None:
                self.send_header("Retry-After", retry_after)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _handle(self) -> None:
            name = self.path.split("?", 1)[0].removeprefix("/files/")
            with server.lock:
                server.arrivals.append(Arrival(self.command, self.path, dict(self.headers)))
            fault = server._fault(self.command)
            if self.command == "PUT":
                self._put(name, fault)
            else:
                self._get(name, fault)

        def _put(self, name: str, fault: Fault | None) -> None:
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                self.close_connection = True
                self._send(501, b"<Error><Code>NotImplemented</Code></Error>")
                return
            length = self.headers.get("Content-Length")
            if length is None:
                self.close_connection = True
                self._send(411, b"<Error><Code>MissingContentLength</Code></Error>")
                return
            left = int(length)
            if fault is not None and fault.drop:
                self.rfile.read(min(left, _PIECE))
                self.close_connection = True
                self.connection.close()
                return
            digest, pieces = hashlib.sha256(), []
            while left:
                piece = self.rfile.read(min(left, _PIECE))
                if not piece:
                    return
                left -= len(piece)
                digest.update(piece)
                if server.keep:
                    pieces.append(piece)
            if fault is not None and fault.silent:
                time.sleep(fault.silent)
                return
            if fault is not None and fault.status:
                self._send(
                    fault.status,
                    b"<Error><Code>SlowDown</Code><Message>Please reduce</Message></Error>",
                    retry_after=fault.retry_after,
                )
                return
            data = b"".join(pieces) if server.keep else None
            with server.lock:
                server.files[name] = Stored(int(length), digest.hexdigest(), data)
            self._send(200)

        def _get(self, name: str, fault: Fault | None) -> None:
            if fault is not None and fault.drop:
                self.close_connection = True
                self.connection.close()
                return
            if fault is not None and fault.silent:
                time.sleep(fault.silent)
                return
            if fault is not None and fault.status:
                self._send(
                    fault.status,
                    b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>",
                )
                return
            stored = server.files.get(name)
            if stored is None or stored.data is None:
                self._send(404, b"<Error><Code>NoSuchKey</Code></Error>")
                return
            self._send(200, stored.data, "application/octet-stream")

        do_GET = do_PUT = _handle

    return Handler
