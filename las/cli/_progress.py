"""The progress bar of every long command: done/total, rate and elapsed time, on stderr.

In a terminal the bar redraws in place; when stderr is a file or a pipe, rich prints the
final state once when the work ends, so logs still record counts and rate.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from ._output import stderr


class RateColumn(ProgressColumn):
    """Items per second since the start (steadier than rich's windowed speed for small counts)."""

    def render(self, task: Task) -> Text:
        elapsed = task.finished_time if task.finished else task.elapsed
        if not elapsed or not task.completed:
            return Text("-/s")
        return Text(f"{task.completed / elapsed:.1f}/s")


class Bar:
    """A started bar; :meth:`advance` counts finished items, :meth:`describe` changes the label."""

    def __init__(self, progress: Progress, task_id: TaskID) -> None:
        self._progress = progress
        self._task_id = task_id

    def advance(self, count: int = 1) -> None:
        self._progress.advance(self._task_id, count)

    def describe(self, description: str) -> None:
        self._progress.update(self._task_id, description=description)


@contextmanager
def progress_bar(description: str, total: int | None) -> Iterator[Bar]:
    """Show a bar for ``total`` items (None: unknown total) while the block runs."""
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        console=stderr(),
    )
    with progress:
        task_id = progress.add_task(description, total=total)
        yield Bar(progress, task_id)
