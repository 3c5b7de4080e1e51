"""How commands print: the API's JSON with ``--json``, tables for people otherwise.

Results go to stdout; progress, notes and errors to stderr, so ``las --json ... > out.json``
stays valid JSON while a bar still shows in the terminal.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ._context import App
from ._words import counted

# A column of a list table: its header, and the item field (or a function of the item) it shows.
Column = tuple[str, str | Callable[[Mapping[str, Any]], Any]]

# The columns of an execution (of a workflow or a transition) in a list table.
EXECUTION_COLUMNS: list[Column] = [
    ("execution id", "executionId"),
    ("status", "status"),
    ("started", "startTime"),
    ("ended", "endTime"),
]

_SHOWN_VALUE = 120  # characters of a nested value shown in a table cell; --json shows all


def _console(stream: Any) -> Console:
    # Not a terminal (a pipe, a file, a test): no width limit, so ids are never cut.
    width = None if stream.isatty() else 10_000
    # emoji=False: ids hold ":secret:"-like codes rich would otherwise turn into pictures.
    return Console(file=stream, width=width, highlight=False, soft_wrap=False, emoji=False)


def stdout() -> Console:
    """A console on stdout (for results)."""
    return _console(sys.stdout)


def emit(renderable: Any) -> None:
    """Print a table (or text) on stdout; to a file or pipe without the cells' trailing padding."""
    console = stdout()
    if sys.stdout.isatty():
        console.print(renderable)
        return
    with console.capture() as captured:
        console.print(renderable)
    sys.stdout.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


def stderr() -> Console:
    """A console on stderr (for progress and notes)."""
    return _console(sys.stderr)


def pick(data: Any, path: str) -> Any:
    """The value at a dotted ``path`` of an answer: ``datasetId``, ``executions.0.executionId``.

    Raises:
        click.UsageError: naming the part that is missing and what is there instead.
    """
    for part in path.split("."):
        if isinstance(data, Mapping) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            there = (
                f"its fields: {', '.join(data)}"
                if isinstance(data, Mapping)
                else f"a list of {len(data)}"
                if isinstance(data, list)
                else f"a {type(data).__name__}"
            )
            raise click.UsageError(f"--field {path}: the answer has no {part!r}; {there}")
    return data


def print_json(app: App, data: Any) -> None:
    """The API's JSON as is, indented, on stdout; with ``--field PATH`` only that value (a string bare).

    Raises:
        click.UsageError: the answer has no such field.
    """
    if app.field is not None:
        data = pick(data, app.field)
        if isinstance(data, str):
            sys.stdout.write(data + "\n")
            return
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def note(text: str) -> None:
    """A line for people on stderr (never mixed into ``--json`` output)."""
    stderr().print(escape(text))


def cell(value: Any) -> str:
    """A value as a table cell: scalars as they are, nested values as short JSON."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    else:
        text = str(value)
    if len(text) > _SHOWN_VALUE:
        text = text[: _SHOWN_VALUE - 1] + f"… ({len(text)} chars; --json shows all)"
    return text


def _value_of(item: Mapping[str, Any], source: str | Callable[[Mapping[str, Any]], Any]) -> Any:
    return source(item) if callable(source) else item.get(source)


def show_items(
    items: Sequence[Mapping[str, Any]], columns: Sequence[Column], *, noun: str, summary: str = ""
) -> None:
    """A table with one row per item, then their number (``2 documents``) and ``summary``."""
    table = Table(title=None, show_edge=False, pad_edge=False, box=None, header_style="bold")
    for header, _ in columns:
        table.add_column(header, overflow="fold")
    for item in items:
        table.add_row(*(escape(cell(_value_of(item, source))) for _, source in columns))
    if items:
        emit(table)
    emit(escape(counted(len(items), noun) + (f": {summary}" if summary else "")))


def show_page(app: App, page: Mapping[str, Any], key: str, columns: Sequence[Column], *, noun: str) -> None:
    """A list answer: the JSON as is, or a table plus how to get the next page."""
    if app.json_output:
        print_json(app, page)
        return
    show_items(page.get(key) or [], columns, noun=noun)
    if page.get("nextToken"):
        emit(escape(f"more: add --next-token {page['nextToken']} (or --all for every page)"))


def show_object(app: App, data: Mapping[str, Any] | None, *, heading: str | None = None) -> None:
    """One object: the JSON as is, or a two-column table of its fields."""
    if app.json_output:
        print_json(app, data)
        return
    if heading:
        emit(escape(heading))
    if not data:
        return
    table = Table(show_header=False, show_edge=False, pad_edge=False, box=None)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for key, value in data.items():
        table.add_row(escape(key), escape(cell(value)))
    emit(table)


def show_done(app: App, data: Mapping[str, Any] | None, message: str) -> None:
    """An answer whose fields people need not read (a delete, a heartbeat): a line, or the JSON."""
    if app.json_output:
        print_json(app, data)
    else:
        emit(escape(message))


def without_content(data: Mapping[str, Any], field: str = "content") -> dict[str, Any]:
    """The object with a base64 ``content`` replaced by its size, for people to read."""
    shown = dict(data)
    content = shown.get(field)
    if isinstance(content, str):
        shown[field] = f"<{len(content) * 3 // 4} bytes; --json or --download-content shows it>"
    return shown


def show_file(app: App, data: Mapping[str, Any], *, heading: str | None = None) -> None:
    """An object holding a file (a document, an asset): the JSON as is, or with its content as a size."""
    show_object(app, data if app.json_output else without_content(data), heading=heading)


def joined(values: Iterable[Any]) -> str:
    return ", ".join(str(value) for value in values)
