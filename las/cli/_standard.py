"""The verbs every command group has (list, get, delete, rename), made from one table row each.

A group module declares only what differs: the Client method, the id arguments, the columns and
the help line. What the verbs do is written once here:

    standard_list(group, "list_models", "models", COLUMNS, "List models.")
    standard_get(group, "get_model", [("model_id", MODEL_ID)], "Show a model.")
    standard_delete(group, "delete_model", [("model_id", MODEL_ID)], "Delete a model.")
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from las.client import Client

from ._context import App, pass_app
from ._download import save_content
from ._output import Column, show_done, show_file, show_object, show_page
from ._params import ParamType, list_page, named, paging

# A positional argument of a command: its parameter name and its type (an id type, mostly).
Argument = tuple[str, ParamType]
# A decorator adding one option (``click.option(...)``) to a command.
Option = Callable[[Callable[..., Any]], Callable[..., Any]]
# What a command shows of an object for people (e.g. a file's content as its size).
Shown = Callable[[App, Any], Any]


def _checked(method: str) -> str:
    """The name of a Client method, checked when the command is declared, not when it runs.

    Raises:
        TypeError: ``Client`` has no such method (a typo in a group's table).
    """
    if not callable(getattr(Client, method, None)):
        raise TypeError(f"las.Client has no method {method!r}")
    return method


def _command(
    group: click.Group,
    name: str,
    help: str,
    arguments: Sequence[Argument],
    options: Sequence[Option],
    run: Callable[..., None],
) -> click.Command:
    """A command running ``run(app, *argument values, **option values)``; help and params as given.

    The parameters appear in the order given: the arguments, then the options.
    """
    argument_names = [argument_name for argument_name, _ in arguments]

    def callback(app: App, **given: Any) -> None:
        ids = [given.pop(argument_name) for argument_name in argument_names]
        run(app, *ids, **given)

    function: Callable[..., Any] = pass_app(callback)
    for option in reversed(options):
        function = option(function)
    for argument_name, kind in reversed(arguments):
        function = click.argument(argument_name, type=kind)(function)
    return group.command(name, help=help)(function)


def standard_list(
    group: click.Group,
    method: str,
    key: str,
    columns: Sequence[Column],
    help: str,
    *,
    name: str = "list",
    noun: str | None = None,
    arguments: Sequence[Argument] = (),
    options: Sequence[Option] = (),
) -> click.Command:
    """Add ``las GROUP list``: one page (or ``--all``) of ``client.<method>`` as a table.

    Args:
        method: the Client list method, e.g. ``"list_models"``.
        key: the answer's field holding the items, e.g. ``"models"``.
        columns: the table's columns.
        noun: what one item is called under the table (default: ``key`` without its ``s``).
        arguments: ids passed positionally to the method (a parent's, e.g. the model's).
        options: filter options; each value is passed by its name, repeatable ones as a list
            (None when not given).
    """
    _checked(method)

    def run(
        app: App, *ids: str, max_results: int | None, next_token: str | None, all_pages: bool, **filters: Any
    ) -> None:
        # A repeatable option not given is no filter at all (None), not an empty list.
        given = {
            filter_name: (list(value) or None) if isinstance(value, tuple) else value
            for filter_name, value in filters.items()
        }
        page = list_page(
            getattr(app.client, method),
            *ids,
            max_results=max_results,
            next_token=next_token,
            all_pages=all_pages,
            key=key,
            **given,
        )
        show_page(app, page, key, columns, noun=noun or key.removesuffix("s"))

    return _command(group, name, help, arguments, [*options, paging], run)


def standard_get(
    group: click.Group,
    method: str,
    arguments: Sequence[Argument],
    help: str,
    *,
    name: str = "get",
    shown: Shown | None = None,
    download_help: str | None = None,
) -> click.Command:
    """Add ``las GROUP get ID``: ``client.<method>(ID)`` as a table of its fields.

    Args:
        shown: what people see of the object (``--json`` shows what it returns too).
        download_help: for an object holding a file: the help of a ``--download-content PATH``
            option that writes its base64 ``content`` decoded (never over another file without
            ``--overwrite``: see :func:`save_content`); people see the content's size.
    """
    _checked(method)
    if download_help is None:

        def run(app: App, *ids: str) -> None:
            data = getattr(app.client, method)(*ids)
            show_object(app, shown(app, data) if shown else data)

        return _command(group, name, help, arguments, (), run)

    def run_with_file(
        app: App, *ids: str, download_content: Path | None, overwrite: bool, output_content: bool
    ) -> None:
        if overwrite and download_content is None:
            raise click.UsageError("--overwrite is for --download-content PATH: pass both, or neither")
        data = getattr(app.client, method)(*ids)
        if download_content is not None:
            try:
                content = base64.b64decode(data.get("content") or "", validate=True)
            except binascii.Error as error:
                raise click.ClickException(f"the API's content is not valid base64: {error}") from None
            try:
                save_content(download_content, content, overwrite=overwrite)
            except OSError as error:
                raise click.BadParameter(
                    error.strerror or str(error), param_hint="--download-content"
                ) from None
        if output_content:
            app.json_requested = True  # the official CLI's JSON, content in full (it cuts it without)
        show_file(app, data)

    download = click.option(
        "--download-content", "-d", type=click.Path(dir_okay=False, path_type=Path), help=download_help
    )
    overwrite = click.option(
        "--overwrite",
        is_flag=True,
        help="Replace a file already at the --download-content path (else it is kept and the command exits 2).",
    )
    output_content = click.option(
        "--output-content",
        is_flag=True,
        help="Print the answer as JSON with its content (as --json does; the official CLI's flag).",
    )
    return _command(group, name, help, arguments, [download, overwrite, output_content], run_with_file)


def standard_delete(
    group: click.Group, method: str, arguments: Sequence[Argument], help: str, *, name: str = "delete"
) -> click.Command:
    """Add ``las GROUP delete ID``: ``client.<method>(ID)``, then "Deleted ID" (the last id)."""
    _checked(method)

    def run(app: App, *ids: str) -> None:
        show_done(app, getattr(app.client, method)(*ids), f"Deleted {ids[-1]}")

    return _command(group, name, help, arguments, (), run)


def standard_rename(
    group: click.Group,
    method: str,
    arguments: Sequence[Argument],
    noun: str,
    help: str,
    *,
    name: str = "update",
) -> click.Command:
    """Add ``las GROUP update ID --name N --description D``; neither given is a usage error."""
    _checked(method)

    def run(app: App, *ids: str, **fields: str | None) -> None:
        changed = named(**fields)
        if not changed:
            raise click.UsageError("nothing to update: give --name and/or --description")
        show_object(app, getattr(app.client, method)(*ids, **changed), heading=f"Updated {noun}")

    return _command(
        group, name, help, arguments, [click.option("--name"), click.option("--description")], run
    )
