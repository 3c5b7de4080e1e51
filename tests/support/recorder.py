"""A tiny scripted HTTP server on loopback for transport tests.

It records every request and answers from a script (a queue of canned replies), falling back
to ``200 {"nextToken": null}``. It also serves an OAuth2 token endpoint. It knows nothing of
the API's semantics: that is the emulator's job (``las.testing``).
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

CLIENT_ID = "test-client"
CLIENT_SECRET = "test-secret-do-not-log"


@dataclass
class Reply:
    """A canned answer. ``drop`` closes the connection without answering; ``delay`` waits first."""

    status: int = 200
    body: Any = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    delay: float = 0.0
    dribble: float = 0.0  # send the body one byte at a time, this many seconds apart
    stall: float = 0.0  # send the headers and half the body, then nothing for this many seconds


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    raw_path: str = ""  # the path as sent, still percent-encoded

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class Recorder:
    """The server's state: the script, what it received, and the tokens it issued."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.script: deque[tuple[str | None, Reply]] = deque()
        self.requests: list[Recorded] = []
        self.token_requests = 0
        self.token_ttl = 3600.0
        self.token_delay = 0.0
        self.valid_tokens: set[str] = set()
        self._counter = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def reply(self, *replies: Reply, path: str | None = None) -> None:
        """Queue replies, used in order by the next API requests (optionally only for a path)."""
        with self.lock:
            self.script.extend((path, reply) for reply in replies)

    def revoke_tokens(self) -> None:
        with self.lock:
            self.valid_tokens.clear()

    @property
    def api_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path != "/token"]

    def _next_reply(self, path: str) -> Reply:
        with self.lock:
            for index, (wanted, reply) in enumerate(self.script):
                if wanted is None or path.startswith(wanted):
                    del self.script[index]
                    return reply
        return Reply(body={"nextToken": None})

    def _issue_token(self) -> dict[str, Any]:
        with self.lock:
            self.token_requests += 1
            token = f"token-{next(self._counter)}"
            self.valid_tokens.add(token)
        return {"access_token": token, "token_type": "Bearer", "expires_in": self.token_ttl}


def _handler(recorder: Recorder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in separate writes

        def log_message(self, format: str, *args: Any) -> None:  # silence stderr
            pass

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            headers = {"Content-Type": "application/json", **(headers or {})}
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            try:
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the client gave up (its deadline) and closed the connection
                self.close_connection = True

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            path = unquote(parts.path)
            with recorder.lock:
                recorder.requests.append(
                    Recorded(self.command, path, parse_qs(parts.query), dict(self.headers), body, parts.path)
                )
            if path == "/token":
                expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
                if self.headers.get("Authorization") != f"Basic {expected}":
                    self._send(401, b'{"message":"invalid client credentials"}')
                    return
                time.sleep(recorder.token_delay)
                self._send(200, json.dumps(recorder._issue_token()).encode())
                return
            auth = self.headers.get("Authorization", "")
            presigned = path.startswith("/files/")  # a file URL: no token, as object storage
            if not presigned and auth.removeprefix("Bearer ") not in recorder.valid_tokens:
                self._send(401, b'{"message":"Unauthorized"}')
                return
            reply = recorder._next_reply(path)
            if reply.delay:
                time.sleep(reply.delay)
            if reply.drop:
                self.close_connection = True
                self.connection.close()
                return
            raw = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
            if reply.dribble or reply.stall:
                self._dribble(reply, raw)
                return
            self._send(reply.status, raw, reply.headers)

        def _dribble(self, reply: Reply, raw: bytes) -> None:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.flush()
            try:
                if reply.stall:
                    self.wfile.write(raw[: len(raw) // 2])
                    self.wfile.flush()
                    time.sleep(reply.stall)
                    self.wfile.write(raw[len(raw) // 2 :])
                    self.wfile.flush()
                for byte in raw if not reply.stall else b"":
                    time.sleep(reply.dribble)
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
            except OSError:  # the client gave up and closed the connection
                self.close_connection = True

        do_GET = do_POST = do_PATCH = do_DELETE = _handle

    return Handler
