"""Progress of a bulk run: the snapshot handed to ``on_progress`` and a ready-made printer."""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any, Generic, Protocol, TextIO, TypeVar

import attrs

__all__ = ["Progress", "progress_printer"]


@attrs.frozen
class Progress:
    """A snapshot handed to an ``on_progress`` callback after each item.

    Attributes:
        done: items finished so far.
        total: items in all, when the input has a length (a list), else None.
        counts: items finished per status.
        elapsed: seconds since the run started.
        last: the result of the item that just finished.
    """

    done: int
    total: int | None
    counts: dict[str, int]
    elapsed: float
    last: Any

    @property
    def rate(self) -> float:
        """Items per second so far."""
        return self.done / self.elapsed if self.elapsed > 0 else 0.0


class _Result(Protocol):
    @property
    def index(self) -> int: ...
    @property
    def status(self) -> str: ...


R = TypeVar("R", bound=_Result)


class Tally(Generic[R]):
    """The results of a bulk run as items finish: ``on_progress`` and the progress line after
    each, then all of them in input order. The one tally of every bulk run (upload, ingest,
    predict; threads or tasks): it is only ever called from the thread that runs the loop."""

    def __init__(
        self,
        total: int | None,
        on_progress: Callable[[Progress], None] | None,
        *,
        progress_bar: bool = False,
    ) -> None:
        """``total``: items in all when known; ``progress_bar``: keep a status line on stderr
        (:func:`progress_printer`) as well as calling ``on_progress``."""
        self.total = total
        self.on_progress = on_progress
        self.printer = progress_printer() if progress_bar else None
        self.started = time.perf_counter()
        self.results: list[R] = []
        self.counts: Counter[str] = Counter()

    def add(self, result: R) -> None:
        self.results.append(result)
        self.counts[result.status] += 1
        if self.on_progress is None and self.printer is None:
            return
        progress = Progress(len(self.results), self.total, dict(self.counts), self.elapsed(), result)
        if self.on_progress is not None:
            self.on_progress(progress)
        if self.printer is not None:
            self.printer(progress)

    def close(self) -> None:
        """End the status line, when there is one that the last item did not end."""
        if (
            self.printer is not None
            and self.results
            and (self.total is None or len(self.results) < self.total)
        ):
            sys.stderr.write("\n")
            sys.stderr.flush()

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def in_order(self) -> list[R]:
        return sorted(self.results, key=lambda result: result.index)


def progress_printer(stream: TextIO | None = None) -> Callable[[Progress], None]:
    """An ``on_progress`` callback that keeps one status line up to date on ``stream`` (stderr).

    The line shows done/total, the counts per status and the rate; it ends with a newline when
    the last item of a sized input is done.

    Example::

        las.bulk.ingest(paths, dataset=dataset_id, journal="upload.jsonl",
                        on_progress=las.bulk.progress_printer())
    """

    def show(progress: Progress) -> None:
        out = stream if stream is not None else sys.stderr
        of = f"/{progress.total}" if progress.total is not None else ""
        counts = ", ".join(f"{count} {status}" for status, count in sorted(progress.counts.items()))
        out.write(f"\r{progress.done}{of} ({counts}) {progress.rate:.1f}/s")
        if progress.total is not None and progress.done >= progress.total:
            out.write("\n")
        out.flush()

    return show
