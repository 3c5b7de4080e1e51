"""The emulator in its own process, so its CPU work does not share the GIL with the client
being measured, and its allocations stay out of the client's tracemalloc figures.

:class:`ServerProcess` starts ``las.testing.Emulator`` in a child process (spawn) and drives it
through a pipe: seed documents, reset, read the token count. :class:`InProcessServer` has the
same surface over an emulator in this process, for comparison.
"""

from __future__ import annotations

import multiprocessing
import secrets
from multiprocessing.connection import Connection
from typing import Any

from las.testing import Emulator

CLIENT_ID = "las-benchmark-client"


def _serve(connection: Connection, client_secret: str) -> None:
    with Emulator(client_id=CLIENT_ID, client_secret=client_secret) as emulator:
        connection.send(emulator.url)
        while True:
            command, argument = connection.recv()
            if command == "stop":
                connection.send(None)
                return
            connection.send(_run(emulator, command, argument))


def _run(emulator: Emulator, command: str, argument: Any) -> Any:
    if command == "seed":
        return emulator.seed_documents(argument)
    if command == "reset":
        emulator.reset()
        return None
    if command == "token_requests":
        return emulator.token_requests
    if command == "clear_requests":
        emulator.clear_requests()
        return None
    raise ValueError(f"unknown command {command!r}")


class ServerProcess:
    """An emulator serving from a child process on loopback."""

    where = "subprocess"

    def __init__(self) -> None:
        self.client_id = CLIENT_ID
        self.client_secret = secrets.token_urlsafe(32)
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, self.client_secret), daemon=True)
        self._process.start()
        self.url: str = self._connection.recv()

    def _call(self, command: str, argument: Any = None) -> Any:
        self._connection.send((command, argument))
        return self._connection.recv()

    def seed_documents(self, n: int) -> list[str]:
        return list(self._call("seed", n))

    def reset(self) -> None:
        self._call("reset")

    @property
    def token_requests(self) -> int:
        return int(self._call("token_requests"))

    def stop(self) -> None:
        if self._process.is_alive():
            self._call("stop")
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class InProcessServer:
    """The same surface over an emulator in this process (its threads share the client's GIL)."""

    where = "in-process"

    def __init__(self) -> None:
        self.client_id = CLIENT_ID
        self.client_secret = secrets.token_urlsafe(32)
        self.emulator = Emulator(client_id=CLIENT_ID, client_secret=self.client_secret).start()
        self.url = self.emulator.url

    def seed_documents(self, n: int) -> list[str]:
        return self.emulator.seed_documents(n)

    def reset(self) -> None:
        self.emulator.reset()

    @property
    def token_requests(self) -> int:
        return self.emulator.token_requests

    def stop(self) -> None:
        self.emulator.stop()

    def __enter__(self) -> InProcessServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
