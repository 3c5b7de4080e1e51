"""Raw HTTP/1.1 over a socket, for tests that send what no HTTP client library would send, and
read the answers strictly: every answer must be a well-formed HTTP/1.1 response in the API's
JSON shape, and a connection the server closes without one is a failure."""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

STATUS_LINE = re.compile(rb"HTTP/1\.1 (\d{3}) [^\r\n]*\r\n")


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # names lowercased
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def message(self) -> str:
        message = self.json["message"]
        assert isinstance(message, str), self.body[:300]
        return message


def parse_answers(raw: bytes) -> list[Answer]:
    """Split what a connection received into final answers (interim 1xx ones are checked and
    skipped); AssertionError for anything malformed."""
    answers = []
    rest = raw
    while rest:
        found = STATUS_LINE.match(rest)
        assert found, f"not an HTTP/1.1 status line: {rest[:200]!r}"
        head, separator, rest = (b"\r\n" + rest[found.end() :]).partition(b"\r\n\r\n")
        assert separator, f"headers without their end: {head[:300]!r}"
        headers = {}
        for line in head.split(b"\r\n")[1:]:
            name, colon, value = line.decode("latin-1").partition(":")
            assert colon, f"malformed header line {line!r}"
            headers[name.strip().lower()] = value.strip()
        if found.group(1).startswith(b"1"):
            continue  # 100 Continue: the final answer follows
        length = int(headers["content-length"])
        assert len(rest) >= length, f"answer body cut short: {len(rest)} of {length} bytes"
        body, rest = rest[:length], rest[length:]
        answers.append(Answer(int(found.group(1)), headers, body))
    return answers


def read_to_end(connection: socket.socket, timeout: float = 10.0) -> bytes:
    """Everything the server sends until it closes; TimeoutError if it does not within ``timeout``."""
    deadline = time.monotonic() + timeout
    received = b""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"the server kept the connection open; received {received[:200]!r}")
        connection.settimeout(remaining)
        chunk = connection.recv(65536)
        if not chunk:
            return received
        received += chunk


def read_answer(connection: socket.socket, timeout: float = 10.0) -> Answer:
    """Read one answer from a connection that stays open (keep-alive)."""
    deadline = time.monotonic() + timeout
    received = b""
    while True:
        head, separator, rest = received.partition(b"\r\n\r\n")
        if separator:
            length = re.search(rb"\r\nContent-Length: (\d+)\r\n", head + b"\r\n")
            assert length, head
            if len(rest) >= int(length.group(1)):
                return only(parse_answers(head + separator + rest[: int(length.group(1))]))
        connection.settimeout(max(0.001, deadline - time.monotonic()))
        chunk = connection.recv(65536)
        assert chunk, f"the server closed the connection; received {received[:200]!r}"
        received += chunk


def only(answers: list[Answer]) -> Answer:
    assert len(answers) == 1, answers
    return answers[0]


class Server(Protocol):
    """Where an emulator listens (an :class:`~las.testing.Emulator` or one in another process)."""

    @property
    def host(self) -> str: ...

    @property
    def port(self) -> int: ...


def exchange(
    emulator: Server, data: bytes, *, half_close: bool = True, timeout: float = 10.0
) -> list[Answer]:
    """Send ``data`` on a fresh connection (then close our side unless ``half_close=False``), read
    until the server closes, and return its answers, checked to be well formed.

    The sending goes on in a thread while the answers are read, as an HTTP client does: a server
    that refuses a large request from its headers answers at once and stops reading what is
    still on its way (after a grace period), so a client still sending then gets a broken pipe,
    not the answer it would have read meanwhile. A reset before any answer still fails."""
    with socket.create_connection((emulator.host, emulator.port), timeout=timeout) as connection:

        def send() -> None:
            try:
                connection.sendall(data)
                if half_close:
                    connection.shutdown(socket.SHUT_WR)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server stopped reading: its answer, read below, is what counts

        sender = threading.Thread(target=send, name="raw-http-send", daemon=True)
        sender.start()
        try:
            return parse_answers(read_to_end(connection, timeout))
        finally:
            sender.join(timeout)


def assert_error_shape(answer: Answer, status: int | None = None) -> None:
    """A 4xx or 5xx answer in the API's shape: JSON ``{"message": "..."}``."""
    if status is not None:
        assert answer.status == status, (answer.status, answer.body[:300])
    assert answer.headers.get("content-type") == "application/json", answer.headers
    assert answer.message


def rss_bytes() -> int:
    """The resident set size of this process (the emulator runs in it), from /proc."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


@contextmanager
def peak_rss_growth() -> Iterator[list[int]]:
    """Sample RSS every few milliseconds while the block runs; yields a list whose one item is,
    after the block, the peak growth in bytes over the RSS at its start."""
    baseline = rss_bytes()
    peak = [baseline]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.005):
            peak[0] = max(peak[0], rss_bytes())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    result = [0]
    try:
        yield result
    finally:
        done.set()
        sampler.join()
        result[0] = max(peak[0], rss_bytes()) - baseline
