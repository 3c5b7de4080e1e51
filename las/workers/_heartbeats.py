"""Heartbeats: one background thread that tells the API executions are still being worked on.

The API times out a transition execution that goes 60 seconds without a heartbeat (the
reference client: "Must be done at minimum once every 60 seconds"). :class:`Heartbeats` sends
one for every registered execution right away and then every ``interval`` seconds, from one
daemon thread however many executions there are. A heartbeat that fails is logged (and
counted), never raised: losing one is survivable, crashing the work is not.
"""

from __future__ import annotations

import logging
import threading
import time
from types import TracebackType
from typing import Final

from ..client import Client

__all__ = ["DEFAULT_HEARTBEAT_INTERVAL", "HEARTBEAT_LIMIT", "Heartbeats", "check_interval"]

log = logging.getLogger("las.workers")

HEARTBEAT_LIMIT: Final = 60.0
"""Seconds the API waits for a heartbeat before it times the execution out."""
DEFAULT_HEARTBEAT_INTERVAL: Final = 20.0
"""Seconds between heartbeats: a third of the limit, so two may be lost in a row."""


def check_interval(interval: float) -> float:
    """``interval`` if it is a usable heartbeat interval, else ValueError saying why."""
    if not 0 < interval < HEARTBEAT_LIMIT:
        raise ValueError(
            f"heartbeat_interval must be above 0 and below the API's {HEARTBEAT_LIMIT:g}-second "
            f"heartbeat limit, got {interval!r}; the default is {DEFAULT_HEARTBEAT_INTERVAL:g}"
        )
    return float(interval)


class Heartbeats:
    """Send heartbeats for the registered executions until they are removed or this is closed.

    Args:
        client: sends the heartbeats (``POST .../heartbeats``; the Session retries them).
        interval: seconds between two heartbeats of one execution (below 60).

    Example::

        with Heartbeats(client, interval=20) as heartbeats:
            heartbeats.add(transition_id, execution_id)
            ...  # the long work
            heartbeats.remove(transition_id, execution_id)

    Attributes:
        sent: heartbeats the API accepted.
        failures: heartbeats that failed (each is logged as a warning).
    """

    def __init__(self, client: Client, interval: float = DEFAULT_HEARTBEAT_INTERVAL) -> None:
        self.client = client
        self.interval = check_interval(interval)
        self.sent = 0
        self.failures = 0
        self._due: dict[tuple[str, str], float] = {}  # (transition id, execution id) -> next beat
        self._condition = threading.Condition()
        self._sending: tuple[str, str] | None = None  # the execution whose heartbeat is on the wire
        self._closed = False
        self._thread: threading.Thread | None = None

    def add(self, transition_id: str, execution_id: str) -> None:
        """Start beating for this execution: the first heartbeat goes out at once (nothing
        happens once these Heartbeats are closed)."""
        with self._condition:
            if self._closed:
                return
            self._due[(transition_id, execution_id)] = 0.0
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="las-heartbeats", daemon=True)
                self._thread.start()
            self._condition.notify_all()

    def remove(self, transition_id: str, execution_id: str) -> None:
        """Stop beating for this execution. If its heartbeat is on the wire, wait for the
        answer: once this returns, no heartbeat for it is sent or in flight (so a completion
        sent next never races one)."""
        key = (transition_id, execution_id)
        with self._condition:
            self._due.pop(key, None)
            while self._sending == key and self._thread is not threading.current_thread():
                self._condition.wait()

    def close(self) -> None:
        """Stop the thread and wait for it. Idempotent."""
        with self._condition:
            self._closed = True
            self._due.clear()
            self._condition.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def __enter__(self) -> Heartbeats:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _run(self) -> None:
        while True:
            key: tuple[str, str] | None = None
            with self._condition:
                while not self._closed:
                    now = time.monotonic()
                    key = next((key for key, due in self._due.items() if due <= now), None)
                    if key is not None:
                        self._due[key] = now + self.interval
                        self._sending = key
                        break
                    wait = min(self._due.values(), default=now + self.interval) - now
                    self._condition.wait(timeout=wait)
                if self._closed or key is None:
                    return
            try:
                self._beat(*key)
            finally:
                with self._condition:
                    self._sending = None
                    self._condition.notify_all()

    def _beat(self, transition_id: str, execution_id: str) -> None:
        try:
            self.client.send_heartbeat(transition_id, execution_id)
        except Exception as error:
            with self._condition:
                self.failures += 1
            log.warning("heartbeat for %s failed (the work goes on): %s", execution_id, error)
        else:
            with self._condition:
                self.sent += 1
