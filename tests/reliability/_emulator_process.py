"""An emulator in a process of its own, so that a test can measure the emulator's memory alone
(the test's own allocations, hypothesis' included, stay out of it) and reset it between examples.
"""

from __future__ import annotations

import gc
import multiprocessing
import threading
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

import requests

from tests.testing._raw_http import rss_bytes


def _serve(channel: Connection, options: dict[str, Any]) -> None:
    from las.testing import Emulator

    peak = [rss_bytes()]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.002):
            peak[0] = max(peak[0], rss_bytes())

    threading.Thread(target=sample, daemon=True).start()
    with Emulator(**options) as emulator:
        channel.send((emulator.host, emulator.port, emulator.client_id, emulator.client_secret))
        while (command := channel.recv()) != "stop":
            if command == "reset":
                emulator.reset()
                channel.send(None)
            elif command == "memory":
                gc.collect()
                current = rss_bytes()
                channel.send((current, max(peak[0], current)))
                peak[0] = current
    done.set()


class EmulatorProcess:
    """``with EmulatorProcess(idle_timeout=2) as emulator:`` an :class:`~las.testing.Emulator`
    (with these options) serving from a spawned process; ``host``/``port``/``client_id``/
    ``client_secret`` as on the Emulator."""

    def __init__(self, **options: Any) -> None:
        context = multiprocessing.get_context("spawn")  # no fork of a process full of threads
        self._channel, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, options), daemon=True)

    def __enter__(self) -> EmulatorProcess:
        self._process.start()
        if not self._channel.poll(60):
            raise RuntimeError("the emulator process did not start within 60 s")
        self.host, self.port, self.client_id, self.client_secret = self._channel.recv()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._channel.send("stop")
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def access_token(self) -> str:
        """A fresh access token of the emulator's own app client."""
        response = requests.post(
            f"{self.url}/token?grant_type=client_credentials",
            auth=(self.client_id, self.client_secret),
            timeout=10,
        )
        response.raise_for_status()
        return str(response.json()["access_token"])

    def reset(self) -> None:
        """Forget every resource and recorded request (tokens stay valid)."""
        self._channel.send("reset")
        self._channel.recv()

    def memory(self) -> tuple[int, int]:
        """The process's resident memory now, and its peak since the last call, in bytes."""
        self._channel.send("memory")
        current, peak = self._channel.recv()
        return int(current), int(peak)
