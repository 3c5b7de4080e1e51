"""How much a test made this process's resident memory grow (Linux: /proc/self/statm)."""

from __future__ import annotations

import os
import threading


class Resident:
    """The most resident memory of this process above what it was at the start, sampled
    every few milliseconds (a thread), for work too long to trace every allocation of."""

    @staticmethod
    def available() -> bool:
        return os.path.exists("/proc/self/statm")

    def __init__(self) -> None:
        self.start = self.most = self._now()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def _now() -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _sample(self) -> None:
        while not self.stop.wait(0.005):
            self.most = max(self.most, self._now())

    def restart(self) -> None:
        """Measure from now on (between the examples of a fuzz test)."""
        self.start = self.most = self._now()

    def __enter__(self) -> Resident:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()

    @property
    def grew(self) -> int:
        return max(self.most, self._now()) - self.start
