"""Argument types and option sets shared by the command groups.

Bad arguments are usage errors (exit 2) found before any request: an id of the wrong kind,
a file that is not JSON, a ``label=value`` without ``=``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from las import ids, paginate
from las.exceptions import InvalidIdError

from ._group import several
from ._sources import SourceError, ground_truth_of

F = TypeVar("F", bound=Callable[..., Any])

if TYPE_CHECKING:  # click >= 8.2 types ParamType by value; older clicks cannot subscript it at runtime
    ParamType = click.ParamType[Any]
else:
    ParamType = click.ParamType


class IdType(ParamType):
    """An id of one kind (``las:document:<hex>``), checked before any request.

    Args:
        kind: the id kind, e.g. ``ids.DOCUMENT``.
        also: other values the API takes in its place (``me`` for the caller's organization).
    """

    def __init__(self, kind: str, also: tuple[str, ...] = ()) -> None:
        self.kind = kind
        self.also = also
        self.name = f"{kind.upper().replace('-', '_')}_ID"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if value in self.also:
            return str(value)
        try:
            return ids.require_id(self.kind, value)
        except InvalidIdError as error:
            self.fail(str(error), param, ctx)


class JsonType(ParamType):
    """A JSON value given inline (``'{"a": 1}'``) or as the path of a JSON file."""

    name = "JSON|PATH"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        text, origin = value, "the argument"
        if not value.lstrip().startswith(("{", "[")):
            path = Path(value)
            if not path.is_file():
                self.fail(f"{value!r} is neither inline JSON nor the path of a file", param, ctx)
            try:
                text, origin = path.read_text(encoding="utf-8"), str(path)
            except (OSError, UnicodeDecodeError) as error:
                self.fail(f"cannot read {value}: {error}", param, ctx)
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            self.fail(f"{origin} is not valid JSON: {error}", param, ctx)


class KeyValueType(ParamType):
    """``KEY=VALUE`` (the value may hold ``=``), returned as a ``(key, value)`` pair."""

    name = "KEY=VALUE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        key, sep, rest = str(value).partition("=")
        if not sep or not key:
            self.fail(f"expected KEY=VALUE, got {value!r}", param, ctx)
        return (key, rest)


class SecondsType(ParamType):
    """A finite number of seconds above 0 (``nan``, ``inf``, ``0`` and negatives are refused)."""

    name = "SECONDS"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            seconds = math.nan
        if not (0 < seconds < math.inf):
            self.fail(f"expected a finite number of seconds above 0, got {value!r}", param, ctx)
        return seconds


class GroundTruthType(JsonType):
    """A ground truth file (or inline JSON): ``[{"label": ..., "value": ...}]`` or ``{"label": value}``."""

    name = "JSON|PATH"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, list):
            return value
        try:
            return ground_truth_of(super().convert(value, param, ctx), value)
        except SourceError as error:
            self.fail(str(error), param, ctx)


class StringMapType(JsonType):
    """A JSON object of strings (``{"NAME": "value"}``), inline or the path of a file."""

    name = "JSON|PATH"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        data = super().convert(value, param, ctx)
        if not isinstance(data, dict) or not all(isinstance(each, str) for each in data.values()):
            self.fail(f'{value!r}: expected a JSON object of strings, {{"NAME": "value", ...}}', param, ctx)
        return data


class KeyValueOrMapType(ParamType):
    """``KEY=VALUE``, or a JSON object of strings (inline or a file's path): a list of pairs."""

    name = "KEY=VALUE|JSON|PATH"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, list):
            return value
        text = str(value)
        if "=" in text and not text.lstrip().startswith("{"):
            return [KEY_VALUE.convert(text, param, ctx)]
        return list(STRING_MAP.convert(text, param, ctx).items())


class UrlType(ParamType):
    """An http(s) URL (so that an id after a list of URLs is not taken for one)."""

    name = "URL"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if not str(value).startswith(("http://", "https://")):
            self.fail(f"expected an http(s):// URL, got {value!r}", param, ctx)
        return str(value)


JSON = JsonType()
SECONDS = SecondsType()
KEY_VALUE = KeyValueType()
GROUND_TRUTH = GroundTruthType()
STRING_MAP = StringMapType()
KEY_VALUE_OR_MAP = KeyValueOrMapType()
URL = UrlType()
DOCUMENT_ID = IdType(ids.DOCUMENT)
DATASET_ID = IdType(ids.DATASET)
MODEL_ID = IdType(ids.MODEL)
DATA_BUNDLE_ID = IdType(ids.DATA_BUNDLE)
WORKFLOW_ID = IdType(ids.WORKFLOW)
WORKFLOW_EXECUTION_ID = IdType(ids.WORKFLOW_EXECUTION)
TRANSITION_ID = IdType(ids.TRANSITION)
TRANSITION_EXECUTION_ID = IdType(ids.TRANSITION_EXECUTION)
SECRET_ID = IdType(ids.SECRET)
ASSET_ID = IdType(ids.ASSET)
USER_ID = IdType(ids.USER)
APP_CLIENT_ID = IdType(ids.APP_CLIENT)
# How the API sorts listed executions (workflow and transition executions alike).
SORT_BY = click.Choice(["startTime", "endTime"])
ORDER = click.Choice(["ascending", "descending"])
ORGANIZATION_ID = IdType(ids.ORGANIZATION, also=("me",))  # /organizations/me: the caller's
LOG_ID = IdType(ids.LOG)
CONSENT_ID = IdType(ids.CONSENT)


def ground_truth_options(function: F) -> F:
    """Add ``--ground-truth/-g LABEL=VALUE`` (the official CLI's ``--ground-truth-fields``) and
    ``--ground-truth-path FILE``; the command reads them with :func:`ground_truth_list`."""
    function = click.option(
        "--ground-truth-path",
        "ground_truth_file",
        type=GROUND_TRUTH,
        help='JSON file (or inline JSON): [{"label": ..., "value": ...}] or {"label": value}.',
    )(function)
    return several(
        "--ground-truth",
        "--ground-truth-fields",
        "-g",
        "ground_truth",
        type=KEY_VALUE,
        help="LABEL=VALUE (repeat the flag, or list several after it).",
    )(function)


def ground_truth_list(
    pairs: tuple[tuple[str, str], ...], from_file: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]] | None:
    """The API's ground truth list from ``--ground-truth`` pairs or ``--ground-truth-path`` (None: neither).

    Raises:
        click.UsageError: both were given (as in the official CLI, they exclude each other).
    """
    if pairs and from_file is not None:
        raise click.UsageError(
            "give the ground truth either as --ground-truth LABEL=VALUE or --ground-truth-path FILE"
        )
    if from_file is not None:
        return from_file
    truth: list[dict[str, Any]] = [{"label": label, "value": value} for label, value in pairs]
    return truth or None


def named(**fields: Any) -> dict[str, Any]:
    """The optional name/description style fields that were given (None means not given)."""
    return {key: value for key, value in fields.items() if value is not None}


def paging(function: F) -> F:
    """Add ``--max-results``, ``--next-token`` and ``--all`` to a list command."""
    function = click.option("--all", "all_pages", is_flag=True, help="Follow nextToken and list every page.")(
        function
    )
    function = click.option("--next-token", "-n", help="Continue from this token (from a previous page).")(
        function
    )
    function = click.option(
        "--max-results", "-m", type=click.IntRange(min=1), help="At most this many items per page."
    )(function)
    return function


def list_page(
    list_method: Callable[..., Mapping[str, Any]],
    *args: Any,
    key: str,
    max_results: int | None,
    next_token: str | None,
    all_pages: bool,
    **filters: Any,
) -> dict[str, Any]:
    """One page of a Client list method, or with ``all_pages`` every page merged into one answer.

    The merged answer has the shape of a page: the items under ``key``, ``nextToken`` null.
    """
    filters = {name: value for name, value in filters.items() if value not in (None, ())}
    if not all_pages:
        return dict(list_method(*args, max_results=max_results, next_token=next_token, **filters))
    items = list(paginate(list_method, *args, page_size=max_results, next_token=next_token, **filters))
    return {key: items, "nextToken": None}
