"""How the bytes of a connection become requests: reads bounded by deadlines, and the body framed
by ``Content-Length`` or ``Transfer-Encoding: chunked`` within :data:`~las.testing._limits.MAX_BODY_BYTES`.

A body too large is refused (413) from its declared length, before any of it is read; malformed
framing (a length that is not digits, a bad chunk, both framings at once, an unknown transfer
coding, a connection that ends inside the body) is refused with 400. Either way the server
answers :class:`FramingError` and closes the connection, since what follows cannot be told
apart from the next request.
"""

from __future__ import annotations

import io
import math
import re
import socket
import time
from email.message import Message
from typing import Final

from las.testing._limits import MAX_BODY_BYTES

MAX_CHUNK_LINE: Final = 4096  # a chunk-size line with its extensions, or a trailer line
MAX_TRAILER_LINES: Final = 100  # as many as the standard library allows headers
_CHUNK_SIZE: Final = re.compile(rb"[0-9A-Fa-f]{1,16}")
_MIB: Final = MAX_BODY_BYTES // (1024 * 1024)


class FramingError(Exception):
    """The body cannot be read as sent; ``status`` (400 or 413) and the message are the answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _too_large(size: str) -> FramingError:
    return FramingError(
        413,
        f"request body too large: {size} bytes; the emulator takes at most {MAX_BODY_BYTES} "
        f"({_MIB} MiB), more than the largest request of the API (a document of 6,250,000 "
        "base64 characters)",
    )


def body_length(headers: Message, limit: int = MAX_BODY_BYTES) -> int | None:
    """The declared length of the body (0 without one), or None for a chunked body.

    ``limit`` is the most bytes the body may hold (a file upload's is its own, larger).

    Raises:
        FramingError: 413 for a declared length over the limit; 400 for a ``Content-Length`` that
            is not a number of bytes, conflicting lengths, both framings, or a transfer coding
            other than ``chunked``.
    """
    lengths = headers.get_all("Content-Length") or []
    codings = headers.get_all("Transfer-Encoding") or []
    if codings:
        if lengths:
            raise FramingError(400, "send either Content-Length or Transfer-Encoding: chunked, not both")
        coding = ",".join(codings).strip().lower()
        if coding != "chunked":
            raise FramingError(
                400,
                f"unsupported Transfer-Encoding {coding[:40]!r}; send Content-Length or "
                "Transfer-Encoding: chunked",
            )
        return None
    if not lengths:
        return 0
    values = {str(value).strip() for value in lengths}
    if len(values) > 1:
        raise FramingError(400, "conflicting Content-Length headers; send one")
    text = values.pop()
    if not (text.isascii() and text.isdigit()):
        raise FramingError(400, f"Content-Length must be a number of bytes (digits only), got {text[:40]!r}")
    if len(text) > 12 or int(text) > limit:
        raise _too_large(text if len(text) <= 20 else f"{text[:20]}...")
    return int(text)


def read_body(length: int | None, stream: io.BufferedIOBase) -> bytes:
    """Read the body of ``length`` bytes (None: chunked) from ``stream``.

    Raises:
        FramingError: 400 for a malformed chunk or a connection that ended inside the body; 413
            when chunks add up to more than the limit (reading stops there).
        TimeoutError: the client stopped sending (see :class:`DeadlineReader`).
    """
    if length is not None:
        return _read_exactly(stream, length)
    chunks: list[bytes] = []
    total = 0
    while True:
        line = _read_line(stream, "chunk size")
        size_text = line.split(b";", 1)[0].strip()
        if not _CHUNK_SIZE.fullmatch(size_text):
            raise FramingError(400, f"invalid chunk size {size_text[:20]!r}; expected hexadecimal digits")
        size = int(size_text, 16)
        if size == 0:
            break
        total += size
        if total > MAX_BODY_BYTES:
            raise _too_large(f"more than {MAX_BODY_BYTES}")
        chunks.append(_read_exactly(stream, size))
        end = stream.read(1)
        if end == b"\r":
            end += stream.read(1)
        if end not in (b"\r\n", b"\n"):
            if end in (b"", b"\r"):
                raise FramingError(400, "the connection ended inside the chunked body")
            raise FramingError(400, f"a chunk goes on past its declared size ({size} bytes) without CRLF")
    for _ in range(MAX_TRAILER_LINES):
        if _read_line(stream, "trailer") in (b"\r\n", b"\n"):
            return b"".join(chunks)
    raise FramingError(400, f"more than {MAX_TRAILER_LINES} trailer lines after the chunked body")


def _read_exactly(stream: io.BufferedIOBase, size: int) -> bytes:
    data = stream.read(size) if size else b""
    if len(data) < size:
        raise FramingError(400, f"the connection ended after {len(data)} of the body's {size} bytes")
    return data


def _read_line(stream: io.BufferedIOBase, what: str) -> bytes:
    line = stream.readline(MAX_CHUNK_LINE + 1)
    if not line.endswith(b"\n"):
        if len(line) > MAX_CHUNK_LINE:
            raise FramingError(
                400, f"a {what} line of the chunked body is longer than {MAX_CHUNK_LINE} bytes"
            )
        raise FramingError(400, f"the connection ended inside the chunked body (in a {what} line)")
    return line


class DeadlineReader(io.RawIOBase):
    """The bytes a connection receives, each read cut at a deadline (buffer it with
    :class:`io.BufferedReader`).

    :meth:`await_request` starts the wait for a request: the first byte must come within
    ``idle_timeout``; from then on the whole request (line, headers, body) must arrive within
    ``request_timeout`` of that byte, however the client spaces its bytes. A read past the deadline
    raises :class:`TimeoutError` and sets :attr:`timed_out`; :attr:`started` tells whether a byte
    of the request had arrived, :attr:`ended` whether the client closed its side.
    """

    def __init__(self, connection: socket.socket) -> None:
        super().__init__()
        self._connection = connection
        self._deadline = math.inf
        self._request_timeout = math.inf
        self.started = False
        self.timed_out = False
        self.ended = False

    def await_request(self, idle_timeout: float, request_timeout: float) -> None:
        self._deadline = time.monotonic() + idle_timeout
        self._request_timeout = request_timeout
        self.started = self.timed_out = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        remaining = self._deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise TimeoutError("deadline passed")
            self._connection.settimeout(remaining)
            count = self._connection.recv_into(buffer)
        except TimeoutError:
            self.timed_out = True
            raise
        if count == 0:
            self.ended = True
        elif not self.started:
            self.started = True
            self._deadline = time.monotonic() + self._request_timeout
        return count
