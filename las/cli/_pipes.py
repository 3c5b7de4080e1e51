"""A reader that leaves early (``las documents list | head -1``) cuts the output, not the command.

When the other end of stdout or stderr is closed, what is still to print goes nowhere: the
command finishes its work and exits with its own code (0 when it did what was asked, 1 when
an item failed), the same for tables, ``--json`` and ``--field``, with no traceback and
nothing on stderr. A shell's ``set -o pipefail`` thus sees the command's verdict, never the
pipe's (the convention of dying by SIGPIPE, status 141, would fail every such pipeline).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO


class _PipeGuard:
    """A text stream that drops what it is given once its reader is gone (``BrokenPipeError``)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.reader_gone = False

    def write(self, text: str) -> int:
        if not self.reader_gone:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._drop_output()
        return len(text)

    def flush(self) -> None:
        if not self.reader_gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._drop_output()

    def _drop_output(self) -> None:
        self.reader_gone = True
        # What the stream still buffers would fail again when the interpreter flushes it at exit
        # (Python then prints "Exception ignored" and exits 120): point it at /dev/null instead.
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(null, self._stream.fileno())
            finally:
                os.close(null)
        except (OSError, ValueError):  # no file descriptor (a test's capture): nothing to flush
            pass

    def __getattr__(self, name: str) -> Any:  # isatty, encoding, fileno, buffer: the stream's own
        return getattr(self._stream, name)


@contextmanager
def quiet_when_the_reader_leaves() -> Iterator[None]:
    """Inside the block, ``sys.stdout`` and ``sys.stderr`` drop output once their reader is gone."""
    saved = sys.stdout, sys.stderr
    guards = [_PipeGuard(stream) if stream is not None else None for stream in saved]
    sys.stdout, sys.stderr = guards  # a TextIO in all that is used (write, flush, the rest delegated)
    try:
        yield
    finally:
        for guard in guards:
            if guard is not None:
                guard.flush()  # a reader gone before the last bytes is found here, not at exit
        sys.stdout, sys.stderr = saved
