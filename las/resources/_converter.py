"""The one converter between the API's JSON and the SDK's attrs classes.

It owns every name and format mapping of response bodies, so no other module spells a
camelCase field name:

- names: the attrs field ``created_time`` is the wire field ``createdTime`` (:func:`wire_name`);
  the few fields whose Python name is not the snake_case of the wire name are listed in
  ``_RENAMES``. Dictionary *keys* (labels, asset names, environment variables) are data and are
  never renamed.
- timestamps: ISO 8601 strings (as the contract's pattern allows: ``T`` or space, with or
  without separators, ``Z`` or ``+hh:mm``) <-> timezone-aware :class:`datetime.datetime`;
  a timestamp without offset is taken as UTC.
- bytes: base64 strings (document and asset content) <-> :class:`bytes`.
- unknown fields: kept in the object's ``extra`` dict and written back by :func:`unstructure`,
  never an error.

Usage (resources do this for you)::

    document = converter.structure(payload, Document)
    payload_again = converter.unstructure(document)
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar, Union, cast, get_args, get_origin

import attrs
import cattrs

__all__ = [
    "EXTRA_FIELD",
    "converter",
    "present_fields",
    "structure_page",
    "to_camel",
    "unstructure",
    "wire_name",
]

T = TypeVar("T")

#: The attrs field that holds the fields the SDK does not know, by their wire names.
EXTRA_FIELD = "extra"

# (class name, python field) -> wire name, where the wire name is not simply to_camel(field).
_RENAMES: dict[tuple[str, str], str] = {
    # transition.assets is the relationship (name -> Asset); the ids live in asset_ids.
    ("Transition", "asset_ids"): "assets",
}
_NEXT_TOKEN = "nextToken"

converter = cattrs.Converter()


def to_camel(name: str) -> str:
    """``"number_of_data_bundles"`` -> ``"numberOfDataBundles"``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def wire_name(cls: type[Any], field: str) -> str:
    """The wire (JSON) name of an attrs field of ``cls``, e.g. ``created_time`` -> ``createdTime``."""
    for klass in cls.__mro__:
        renamed = _RENAMES.get((klass.__name__, field))
        if renamed is not None:
            return renamed
    return to_camel(field)


_FIELDS_CACHE: dict[type[Any], tuple[tuple[str, str, Any, bool], ...]] = {}


def _wire_fields(cls: type[Any]) -> tuple[tuple[str, str, Any, bool], ...]:
    """(python name, wire name, type, optional) of each data field of an attrs class."""
    cached = _FIELDS_CACHE.get(cls)
    if cached is not None:
        return cached
    attrs.resolve_types(cls)
    result = []
    for field in attrs.fields(cls):
        if field.name == EXTRA_FIELD or not field.init:
            continue
        optional = type(None) in get_args(field.type)
        result.append((field.name, wire_name(cls, field.name), field.type, optional))
    _FIELDS_CACHE[cls] = tuple(result)
    return _FIELDS_CACHE[cls]


def present_fields(cls: type[Any], data: Mapping[str, Any]) -> frozenset[str]:
    """The Python names of the fields of ``cls`` that a wire payload carries."""
    return frozenset(name for name, wire, _, _ in _wire_fields(cls) if wire in data)


def structure_page(data: Mapping[str, Any], items_field: str) -> tuple[list[Any], str | None]:
    """Split a list response into its raw items and next token.

    ``items_field`` is the snake_case name of the items (``"app_clients"`` -> ``appClients``).
    """
    items = data.get(to_camel(items_field)) or []
    token = data.get(_NEXT_TOKEN)
    return list(items), token if isinstance(token, str) and token else None


def unstructure(obj: Any) -> Any:
    """The JSON value of an SDK object (camelCase names, ISO timestamps, unknown fields kept)."""
    return converter.unstructure(obj)


# --- timestamps -------------------------------------------------------------------------------

_TIMESTAMP = re.compile(
    r"(?P<year>\d{4})-?(?P<month>\d{2})-?(?P<day>\d{2})(?:[ T])?"
    r"(?P<hour>\d{2}):?(?P<minute>\d{2}):?(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,6}))?"
    r"(?P<zone>Z|z|[+-]\d{2}:?\d{2})?"
)


def parse_timestamp(value: str) -> datetime:
    """Parse the API's ISO 8601 timestamps into an aware datetime (UTC when no offset is given)."""
    match = _TIMESTAMP.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"not an ISO 8601 timestamp: {value!r}")
    parts = match.groupdict()
    zone = parts["zone"]
    if zone is None or zone in ("Z", "z"):
        tz = timezone.utc
    else:
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    fraction = (parts["fraction"] or "0").ljust(6, "0")
    return datetime(
        int(parts["year"]),
        int(parts["month"]),
        int(parts["day"]),
        int(parts["hour"]),
        int(parts["minute"]),
        int(parts["second"]),
        int(fraction),
        tzinfo=tz,
    )


def format_timestamp(value: datetime) -> str:
    """An aware datetime as ISO 8601, ``Z`` for UTC (naive datetimes are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _structure_datetime(value: Any, _: type[Any]) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, timezone.utc)
    return parse_timestamp(str(value))


converter.register_structure_hook(datetime, _structure_datetime)
converter.register_unstructure_hook(datetime, format_timestamp)


# --- bytes (base64 on the wire) -------------------------------------------------------------------


def _structure_bytes(value: Any, _: type[Any]) -> bytes:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    text = str(value)
    if text.startswith("data:") and "," in text:  # a data URI: data:<type>;base64,<payload>
        text = text.split(",", 1)[1]
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return text.encode("utf-8")


converter.register_structure_hook(bytes, _structure_bytes)
converter.register_unstructure_hook(bytes, lambda value: base64.b64encode(value).decode("ascii"))


# --- JSON scalars that may be one of several types ------------------------------------------------

_SCALARS = (str, bool, int, float, type(None))


def _is_scalar_union(typ: Any) -> bool:
    origin = get_origin(typ)
    if origin is not Union and type(typ).__name__ != "UnionType":
        return False
    return all(arg in _SCALARS for arg in get_args(typ)) and any(
        arg is not type(None) for arg in get_args(typ)
    )


def _structure_scalar_union(value: Any, typ: Any) -> Any:
    args = get_args(typ)
    if value is None:
        if type(None) in args:
            return None
        raise ValueError(f"null is not a {typ}")
    if type(value) in args:
        return value
    if str in args:
        return str(value)
    raise ValueError(f"{value!r} is not a {typ}")


converter.register_structure_hook_func(_is_scalar_union, _structure_scalar_union)


# --- attrs classes: names, unknown fields, nulls --------------------------------------------------


def _has_extra(cls: Any) -> bool:
    return isinstance(cls, type) and attrs.has(cls) and any(f.name == EXTRA_FIELD for f in attrs.fields(cls))


def _default_of(field: attrs.Attribute) -> Any:  # type: ignore[type-arg]
    default: Any = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return default.factory()
    return default


def _structure_model(data: Any, cls: type[T]) -> T:
    if not isinstance(data, Mapping):
        raise TypeError(f"expected a JSON object for {cls.__name__}, got {type(data).__name__}")
    fields_by_name = {field.name: field for field in attrs.fields(cast(Any, cls))}
    kwargs: dict[str, Any] = {}
    known: set[str] = set()
    for name, wire, typ, optional in _wire_fields(cls):
        known.add(wire)
        if wire not in data:
            continue
        value = data[wire]
        if value is None and not optional:
            # A null where the contract promises a value: keep the field's empty default.
            kwargs[name] = _default_of(fields_by_name[name])
            continue
        kwargs[name] = converter.structure(value, typ)
    kwargs[EXTRA_FIELD] = {key: value for key, value in data.items() if key not in known}
    obj = cls(**kwargs)
    # Which fields the payload carried: lazy completion and unstructure read it.
    obj.__dict__["_present"] = frozenset(name for name in kwargs if name != EXTRA_FIELD)
    return obj


def _unstructure_model(obj: Any) -> dict[str, Any]:
    cls = type(obj)
    present = obj.__dict__.get("_present")
    state = obj.__dict__
    result: dict[str, Any] = {}
    for name, wire, _, _ in _wire_fields(cls):
        if name not in state:  # not loaded (lazy) - nothing to write
            continue
        value = state[name]
        if value is None and (present is None or name not in present):
            continue  # never set: omit rather than send null
        result[wire] = converter.unstructure(value)
    result.update(state.get(EXTRA_FIELD) or {})
    return result


converter.register_structure_hook_func(_has_extra, _structure_model)
converter.register_unstructure_hook_func(_has_extra, _unstructure_model)
