"""The rules that turn Python arguments into the API's wire form, in one place.

- :func:`camel`: snake_case names to the API's camelCase (``dataset_id`` -> ``datasetId``).
- :func:`given`: the arguments that were given, i.e. those whose value is not None, so an
  optional argument left out is not sent (``False``, ``0`` and ``""`` are sent).
- :func:`fields`: a request body of given fields plus a caller's extra (snake_case) arguments.
- :func:`path`: a request path with each id put in as one whole, checked segment.
- :func:`timestamp`: a datetime as the API's ISO 8601 string.
- :func:`model_arguments`: ``create_model``'s two call shapes (the reference's and 11.x's) as one.
- :func:`empty_lists`: list arguments lucidtech-las 11.x sends as ``[]`` when given as None.

The Client builds query strings, paths and bodies with them, and the resource layer its arguments.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from .exceptions import InvalidIdError

__all__ = [
    "Queryparam",
    "camel",
    "empty_lists",
    "fields",
    "given",
    "model_arguments",
    "path",
    "timestamp",
]

Queryparam = str | list[str]
"""A query filter: one value, or a list sent as repeated parameters."""

_DOT_SEGMENTS = ("", ".", "..")


def camel(name: str) -> str:
    """The API's camelCase name for a snake_case one.

    >>> camel("retention_in_days")
    'retentionInDays'
    """
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def given(**arguments: Any) -> dict[str, Any]:
    """The keyword arguments whose value is not None.

    >>> given(name="invoices", description=None, max_results=0)
    {'name': 'invoices', 'max_results': 0}
    """
    return {name: value for name, value in arguments.items() if value is not None}


def fields(optional_args: dict[str, Any] | None = None, **named: Any) -> dict[str, Any]:
    """A request body: named fields that were passed (not None) plus the caller's extras.

    ``named`` keys are already the API's names; ``optional_args`` keys are converted to camelCase
    and kept even when None (an explicit null, e.g. to clear a description).

    >>> fields({"retention_in_days": 7}, name="invoices", description=None)
    {'name': 'invoices', 'retentionInDays': 7}
    """
    body = given(**named)
    for key, value in (optional_args or {}).items():
        body[camel(key)] = value
    return body


def path(template: str, **ids: str) -> str:
    """A path from a template and the ids to put in it, each one whole segment.

    Ids keep their ``:``; anything else path-like (``/``, ``%``, ``?``, ``#``) is percent-encoded.
    An id that would change the path (empty, ``.`` or ``..``, which URL normalisation removes)
    or that is None is refused before any request.

    >>> path("/documents/{document_id}", document_id="las:document:a/b")
    '/documents/las:document:a%2Fb'

    Raises:
        InvalidIdError: naming the argument and showing the path as it would have been sent.
    """
    segments = {}
    for name, value in ids.items():
        if value is None or value in _DOT_SEGMENTS:
            shown = template.format(**{key: quote(str(ids[key]), safe=":") for key in ids})
            raise InvalidIdError(
                f"{name}={value!r} is not an id: the request would go to {shown!r}, "
                f"{'not the path it names' if value is not None else 'which names nothing'}. "
                f"Pass the id of the resource (like 'las:<kind>:<id>')."
            )
        segments[name] = quote(str(value), safe=":")
    return template.format(**segments)


def timestamp(value: str | datetime.datetime | None) -> str | None:
    """A datetime as ISO 8601 (a naive one taken as UTC); a string or None as it is."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.isoformat()
    return value


def model_arguments(
    args: tuple[Any, ...], width: Any, height: Any, field_config: Any
) -> tuple[int | None, int | None, Mapping[str, Any]]:
    """``create_model``'s ``(width, height, field_config)`` from either call shape.

    The reference client takes ``create_model(width, height, field_config)``; lucidtech-las 11.x
    takes ``create_model(field_config, *, width=None, height=None)``. Which one a call is is told
    by its first positional argument: a mapping is 11.x's ``field_config``, anything else the
    reference's ``width``. Keywords work with both.

    >>> model_arguments((300, 200, {"total": {}}), None, None, None)
    (300, 200, {'total': {}})
    >>> model_arguments(({"total": {}},), 300, None, None)
    (300, None, {'total': {}})

    Raises:
        TypeError: too many positional arguments, one also given by keyword, or no field_config;
            as Python says it for any call that does not fit the signature.
    """
    names = (
        ("field_config",) if args and isinstance(args[0], Mapping) else ("width", "height", "field_config")
    )
    if len(args) > len(names):
        shape = "field_config" if len(names) == 1 else "width, height, field_config"
        raise TypeError(
            f"create_model() takes at most {len(names)} positional argument(s) ({shape}), got {len(args)}"
        )
    values = {"width": width, "height": height, "field_config": field_config}
    for name, value in zip(names, args, strict=False):  # fewer args than names is fine
        if values[name] is not None:
            raise TypeError(f"create_model() got multiple values for argument {name!r}")
        values[name] = value
    if values["field_config"] is None:
        raise TypeError("create_model() missing required argument: 'field_config'")
    return values["width"], values["height"], values["field_config"]


def empty_lists(optional_args: dict[str, Any], *names: str) -> dict[str, Any]:
    """``optional_args`` with each of ``names`` that is given as None turned into ``[]`` (as
    lucidtech-las 11.x sends ``role_ids=None``: the API's lists are not nullable)."""
    for name in names:
        if name in optional_args and optional_args[name] is None:
            optional_args[name] = []
    return optional_args
