"""``las serve`` run in-process for tests."""

from __future__ import annotations

import contextlib
import io
import threading
import time
from collections.abc import Iterator

from las.testing.cli import serve


@contextlib.contextmanager
def serving(argv: list[str]) -> Iterator[str]:
    """Run ``serve(argv)`` on a thread; yield what it printed while it runs."""
    stop = threading.Event()
    output = io.StringIO()

    def run() -> None:
        with contextlib.redirect_stdout(output):
            serve(argv, stop=stop)

    thread = threading.Thread(target=run)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while "Ctrl-C" not in output.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
        yield output.getvalue()
    finally:
        stop.set()
        thread.join(5)
