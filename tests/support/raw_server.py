"""A raw-socket HTTP server on loopback whose answers are scripted byte by byte, for the bodies
and pacing a real server would not send: a gzip body of empty blocks, a chunk-size line or a
header dribbled a byte at a time, a request body taken slowly. It counts the connections it
accepted, so a test sees whether a connection was used again.

Every script stops when the server is closed (:attr:`RawServer.stopped`), so no answer outlives
its test.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterable

Answer = Callable[["RawServer", socket.socket, bytes], None]


class RawServer:
    """Each connection: read a request's head (and, unless ``read_body`` is False, its
    ``Content-Length`` body), then ``answer(server, conn, head)`` writes whatever it wants; then
    the next request on the same connection (keep-alive)."""

    def __init__(self, answer: Answer, *, read_body: bool = True, receive_buffer: int = 0) -> None:
        self.answer = answer
        self.read_body = read_body
        self.stopped = threading.Event()
        self.connections = 0
        self.heads: list[bytes] = []
        self._sock = socket.socket()
        if receive_buffer:  # inherited by accepted connections: a small window for slow reads
            self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._conns: list[socket.socket] = []
        self._threads = [threading.Thread(target=self._serve, daemon=True)]
        self._threads[0].start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.connections += 1
            self._conns.append(conn)
            thread = threading.Thread(target=self._one, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _one(self, conn: socket.socket) -> None:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn.settimeout(10)
        buffer = b""
        try:
            while not self.stopped.is_set():
                while b"\r\n\r\n" not in buffer:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buffer += data
                head, buffer = buffer.split(b"\r\n\r\n", 1)
                self.heads.append(head)
                if self.read_body:
                    length = _content_length(head)
                    while len(buffer) < length:
                        data = conn.recv(65536)
                        if not data:
                            return
                        buffer += data
                    buffer = buffer[length:]
                self.answer(self, conn, head)
        except OSError:
            pass
        finally:
            conn.close()

    def send_spaced(self, conn: socket.socket, pieces: Iterable[bytes], every: float) -> None:
        """Send each piece ``every`` seconds apart, until done or the server is closed."""
        for piece in pieces:
            if self.stopped.wait(every):
                return
            conn.sendall(piece)

    def close(self) -> None:
        self.stopped.set()
        try:
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() (a close alone does not)
        except OSError:
            pass
        self._sock.close()
        for conn in self._conns:  # a thread waiting for a next request returns at once
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in self._threads:
            thread.join(5)


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


def gzip_of_nothing(empty_blocks: int) -> tuple[bytes, list[bytes], bytes]:
    """A valid gzip body that decodes to b"": its header, ``empty_blocks`` empty stored deflate
    blocks (5 bytes each, each decoding to nothing) and the final empty block with the trailer."""
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    return header, [b"\x00\x00\x00\xff\xff"] * empty_blocks, b"\x03\x00" + b"\x00" * 8
