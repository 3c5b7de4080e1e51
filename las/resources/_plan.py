"""How a class is built from the API's JSON: one plan per class, compiled once, used everywhere.

A plan lists, for each attrs field of a class, its wire name (``created_time`` -> ``createdTime``),
the Python types a wire value may already have (kept as it is: ``str``, ``int``, ...), and the
converter for anything else (timestamps, nested objects, lists and dicts of them). Get, list,
update answers and nested objects all go through :func:`plan_of` and :meth:`Plan.values`.

The plan checks, it never repairs: a value of the wrong type (``12345`` where the contract says
a string), a timestamp that is not ISO 8601, a list where an object is expected, raise
:class:`WireError`, which the resource layer turns into :class:`las.InvalidResponseError`. A
``null`` or an absent optional field gives the field's default (None, or an empty list/dict).

``bytes`` fields (document and asset ``content``) stay base64 text in the kept wire body and
are decoded when read (:func:`decode_base64`), so a listed or fetched object costs no decoding
until its content is used.

Dictionary *keys* (labels, asset names, environment variables) are data and are never renamed.
"""

from __future__ import annotations

import base64
import binascii
import re
import sys
import threading
import types
import typing
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any, Union, cast

import attrs

from .._wire import camel as to_camel

__all__ = [
    "EMPTY_OBJECT",
    "EXTRA_FIELD",
    "FILE_URL",
    "LAZY",
    "FieldPlan",
    "Plan",
    "WireError",
    "decode_base64",
    "format_timestamp",
    "parse_timestamp",
    "plan_of",
    "to_camel",
    "to_wire",
    "wire_name",
]

#: The attrs metadata key of a field the API leaves out of lists (see ``_base.lazy``).
LAZY = "las.lazy"
#: The attrs metadata key naming the wire field whose URL holds a bytes field's content when the
#: answer carries none (a document's ``fileUrl``, 2024-11-29).
FILE_URL = "las.file_url"
#: The attribute that holds the fields the SDK does not know, by their wire names.
EXTRA_FIELD = "extra"
#: The attrs metadata key of a list field a contract may answer as an empty object (``{}``: no
#: items), as 2024-11-29 does for a prediction's items. Any other object is still an error.
EMPTY_OBJECT = "las.empty_object"

# (class name, python field) -> wire name, where the wire name is not simply to_camel(field).
_RENAMES: dict[tuple[str, str], str] = {
    # transition.assets is the relationship (name -> Asset); the ids live in asset_ids.
    ("Transition", "asset_ids"): "assets",
}

Convert = Callable[[Any, Any], Any]
"""``convert(value, client)``: a wire value as its Python value (``client`` binds nested resources)."""


class WireError(ValueError):
    """A response value that is not what the contract declares (the message names where)."""


def wire_name(cls: type[Any], field: str) -> str:
    """The wire (JSON) name of an attrs field of ``cls``, e.g. ``created_time`` -> ``createdTime``."""
    for klass in cls.__mro__:
        renamed = _RENAMES.get((klass.__name__, field))
        if renamed is not None:
            return renamed
    return to_camel(field)


# --- timestamps -------------------------------------------------------------------------------

_TIMESTAMP = re.compile(
    r"(?P<year>\d{4})-?(?P<month>\d{2})-?(?P<day>\d{2})(?:[ T])?"
    r"(?P<hour>\d{2}):?(?P<minute>\d{2}):?(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,6}))?"
    r"(?P<zone>Z|z|[+-]\d{2}:?\d{2})?"
)


# Python 3.10's fromisoformat reads "+00:00" but not "Z", the API's usual suffix.
_ISO_Z_NEEDS_OFFSET = sys.version_info < (3, 11)


def parse_timestamp(value: str) -> datetime:
    """An ISO 8601 timestamp of the contract as an aware datetime (UTC when it has no offset).

    ``datetime.fromisoformat`` reads every form on Python 3.11+; the pattern below reads what
    3.10's cannot (``Z``, compact ``20240301T123000+0200``).

    Raises:
        WireError: not a timestamp.
    """
    try:
        if _ISO_Z_NEEDS_OFFSET and value[-1:] == "Z":
            value = value[:-1] + "+00:00"
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = _parse_timestamp_slowly(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)


def _parse_timestamp_slowly(value: str) -> datetime:
    match = _TIMESTAMP.fullmatch(value.strip())
    if match is None:
        raise WireError(f"not an ISO 8601 timestamp: {value!r}")
    parts = match.groupdict()
    zone = parts["zone"]
    tz = timezone.utc
    if zone is not None and zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    fraction = int((parts["fraction"] or "0").ljust(6, "0"))
    year, month, day, hour, minute, second = (
        int(parts[name]) for name in ("year", "month", "day", "hour", "minute", "second")
    )
    try:
        return datetime(year, month, day, hour, minute, second, fraction, tzinfo=tz)
    except ValueError as error:
        raise WireError(f"not a valid timestamp: {value!r} ({error})") from None


def format_timestamp(value: datetime) -> str:
    """An aware datetime as ISO 8601, ``Z`` for UTC (naive datetimes are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _timestamp(value: Any, _: Any) -> datetime:
    if type(value) is not str:
        raise WireError(f"expected an ISO 8601 timestamp string, got {_shown(value)}")
    return parse_timestamp(value)


def decode_base64(value: Any) -> bytes:
    """Base64 text (or a ``data:<type>;base64,<payload>`` URI) as bytes.

    Raises:
        WireError: not a string, or not valid base64 (never "repaired" into the text's bytes).
    """
    if type(value) is not str:
        raise WireError(f"expected base64 text, got {_shown(value)}")
    text = value.split(",", 1)[1] if value.startswith("data:") and "," in value else value
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise WireError(f"not valid base64: {_shown(value)}") from None


# --- plans -------------------------------------------------------------------------------------


@attrs.frozen
class FieldPlan:
    """How one field is read from the wire."""

    name: str
    wire: str
    kept: frozenset[type[Any]] | None
    """Types a wire value is kept as it is; None: any value is kept."""
    convert: Convert | None
    """Converter for values not of a ``kept`` type; None: such a value is an error."""
    factory: Callable[[], Any] | None
    """Builds the default (an empty list or dict); None: the default is None."""
    lazy: bool
    """Declared with ``lazy()``: the API leaves it out of lists."""
    base64: bool
    """A bytes field: kept as base64 text in the wire body, decoded when read."""
    required: bool
    """No default: a body without it is not the contract's."""
    file_url: str | None = None
    """A bytes field whose content may be at a URL instead: the wire name of that URL's field."""

    def value(self, raw: Any, client: Any) -> Any:
        """The Python value of a present, non-null wire value."""
        if self.kept is None or type(raw) in self.kept:
            return raw
        if self.convert is None:
            raise WireError(f"{self.wire}: expected {_names(self.kept)}, got {_shown(raw)}")
        try:
            return self.convert(raw, client)
        except WireError as error:
            raise WireError(f"{self.wire}: {error}") from None


class Plan:
    """Every field of one class, in declaration order; built once by :func:`plan_of`."""

    def __init__(self, cls: type[Any]) -> None:
        hints = typing.get_type_hints(cls)
        self.cls = cls
        self.fields: tuple[FieldPlan, ...] = tuple(
            _field_plan(cls, field, hints[field.name])
            for field in attrs.fields(cls)
            if field.name != EXTRA_FIELD and field.init
        )
        #: Fields built with the object (bytes fields stay base64 text until read).
        self.eager = tuple(field for field in self.fields if not field.base64)
        self.known = frozenset(field.wire for field in self.fields)
        self.by_name = {field.name: field for field in self.fields}
        self.values = _compile(self)

    values: Callable[..., dict[str, Any]]
    """``values(data, client, skip_absent_lazy=False, result=None)``: the Python value of each
    field of a wire object, by name, written into ``result`` (a new dict when None), which is
    returned. With ``skip_absent_lazy``, lazy fields the body does not carry are left out (they
    load later). Raises :class:`WireError` when ``data`` is not an object, lacks a required
    field or has a mistyped one.

    It is generated once per class, as attrs generates ``__init__``: straight-line code, one
    block per field, costs about half of a loop over the fields, on every listed item."""

    def extra(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The wire fields this class does not declare."""
        return {key: value for key, value in data.items() if key not in self.known}


def _compile(plan: Plan) -> Callable[..., dict[str, Any]]:
    """Generate ``plan.values`` (see :class:`Plan`); every value it uses is passed in, never text."""
    lines = [
        "def values(data, client, skip_absent_lazy=False, result=None):",
        "    if type(data) is not dict:",
        "        raise WireError(f'expected a JSON object for {cls.__name__}, got {shown(data)}')",
        "    if result is None:",
        "        result = {}",
        "    get = data.get",
    ]
    scope: dict[str, Any] = {
        "WireError": WireError,
        "shown": _shown,
        "cls": plan.cls,
        "fromisoformat": datetime.fromisoformat,
        "utc": timezone.utc,
    }
    for index, field in enumerate(plan.eager):
        scope[f"f{index}"], scope[f"kept{index}"], scope[f"factory{index}"] = field, field.kept, field.factory
        wire, target = repr(field.wire), f"result[{field.name!r}]"
        lines.append(f"    raw = get({wire})")
        lines.append("    if raw is not None:")
        if field.kept is None:
            lines.append(f"        {target} = raw")
        elif field.convert is _timestamp:  # the common case inline; anything else reports its field
            lines.append("        try:")
            if _ISO_Z_NEEDS_OFFSET:
                lines.append("            raw = raw[:-1] + '+00:00' if raw[-1:] == 'Z' else raw")
            lines.append("            raw = fromisoformat(raw)")
            lines.append(f"            {target} = raw if raw.tzinfo is not None else raw.replace(tzinfo=utc)")
            lines.append("        except (TypeError, ValueError):")
            lines.append(f"            {target} = f{index}.value(raw, client)")
        else:
            lines.append(
                f"        {target} = raw if type(raw) in kept{index} else f{index}.value(raw, client)"
            )
        if field.required:
            lines.append("    else:")
            lines.append(
                f"        raise WireError(f'{{cls.__name__}} without \"{field.wire}\": {{shown(data)}}')"
            )
        else:
            default = "None" if field.factory is None else f"factory{index}()"
            if field.lazy:
                lines.append(f"    elif not (skip_absent_lazy and {wire} not in data):")
            else:
                lines.append("    else:")
            lines.append(f"        {target} = {default}")
    lines.append("    return result")
    exec(compile("\n".join(lines), f"<plan of {plan.cls.__qualname__}>", "exec"), scope)
    return cast("Callable[..., dict[str, Any]]", scope["values"])


_PLANS: dict[type[Any], Plan] = {}
_PLANS_LOCK = threading.Lock()


def plan_of(cls: type[Any]) -> Plan:
    """The plan of an attrs class, compiled on first use."""
    plan = _PLANS.get(cls)
    if plan is None:
        with _PLANS_LOCK:
            plan = _PLANS.get(cls)
            if plan is None:
                plan = _PLANS[cls] = Plan(cls)
    return plan


def _field_plan(cls: type[Any], field: attrs.Attribute, typ: Any) -> FieldPlan:  # type: ignore[type-arg]
    default: Any = field.default
    factory = default.factory if isinstance(default, attrs.Factory) else None  # type: ignore[arg-type]
    inner, optional = _without_none(typ)
    kept, convert = _reader(inner)
    if field.metadata.get(EMPTY_OBJECT) and convert is not None:
        convert = _empty_object_as_no_items(convert)
    return FieldPlan(
        name=field.name,
        wire=wire_name(cls, field.name),
        kept=kept,
        convert=convert,
        factory=factory,
        lazy=bool(field.metadata.get(LAZY)),
        base64=inner is bytes,
        required=default is attrs.NOTHING and not optional,
        file_url=field.metadata.get(FILE_URL),
    )


def _without_none(typ: Any) -> tuple[Any, bool]:
    if typing.get_origin(typ) in (Union, types.UnionType):
        args = [arg for arg in typing.get_args(typ) if arg is not type(None)]
        optional = len(args) < len(typing.get_args(typ))
        return (args[0] if len(args) == 1 else Union[tuple(args)]), optional  # noqa: UP007
    return typ, False


_SCALARS: dict[Any, frozenset[type[Any]]] = {
    str: frozenset({str}),
    int: frozenset({int}),
    float: frozenset({float, int}),
    bool: frozenset({bool}),
    bytes: frozenset({str}),
}


def _reader(typ: Any) -> tuple[frozenset[type[Any]] | None, Convert | None]:
    """(kept types, converter) for a field type without None."""
    if typ is Any:
        return None, None
    if typ in _SCALARS:
        return _SCALARS[typ], None
    if typ is datetime:
        return frozenset(), _timestamp
    origin, args = typing.get_origin(typ), typing.get_args(typ)
    if origin in (Union, types.UnionType):
        kept: frozenset[type[Any]] = frozenset()
        for arg in args:
            arg_kept, arg_convert = _reader(arg)
            if arg_kept is None or arg_convert is not None:
                raise TypeError(f"the plan reads unions of scalars only, not {typ}")
            kept |= arg_kept
        return kept, None
    if origin is list:
        item = _checked(args[0] if args else Any)
        if item is None:
            return frozenset({list}), None
        return frozenset(), lambda value, client: _list(value, client, item)
    if origin is dict or typ is dict:
        item = _checked(args[1] if args else Any)
        if item is None:
            return frozenset({dict}), None
        return frozenset(), lambda value, client: _dict(value, client, item)
    if isinstance(typ, type) and attrs.has(typ):
        return frozenset(), lambda value, client: _nested(typ, value, client)
    raise TypeError(f"the plan cannot read fields of type {typ}")


def _checked(typ: Any) -> Convert | None:
    """A converter for one item of a list or dict (None: any item is kept)."""
    kept, convert = _reader(typ)
    if kept is None:
        return None

    def item(value: Any, client: Any) -> Any:
        if type(value) in kept:
            return value
        if convert is None:
            raise WireError(f"expected {_names(kept)}, got {_shown(value)}")
        return convert(value, client)

    return item


def _empty_object_as_no_items(convert: Convert) -> Convert:
    def read(value: Any, client: Any) -> Any:
        return [] if type(value) is dict and not value else convert(value, client)

    return read


def _list(value: Any, client: Any, item: Convert) -> list[Any]:
    if type(value) is not list:
        raise WireError(f"expected a list, got {_shown(value)}")
    return [item(entry, client) for entry in value]


def _dict(value: Any, client: Any, item: Convert) -> dict[str, Any]:
    if type(value) is not dict:
        raise WireError(f"expected an object, got {_shown(value)}")
    return {key: item(entry, client) for key, entry in value.items()}


def _nested(cls: type[Any], value: Any, client: Any) -> Any:
    build = getattr(cls, "_from_wire", None)  # resources (bound to a client) build themselves
    if build is not None:
        return build(value, client)
    plan = plan_of(cls)
    obj = object.__new__(cls)
    plan.values(value, client, False, obj.__dict__)
    obj.__dict__[EXTRA_FIELD] = plan.extra(value)
    return obj


# --- to the wire -------------------------------------------------------------------------------


def to_wire(value: Any) -> Any:
    """A Python value as JSON: SDK objects as camelCase objects (None fields left out),
    datetimes as ISO 8601, bytes as base64; lists and dicts item by item."""
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Mapping):
        return {key: to_wire(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_wire(item) for item in value]
    if attrs.has(type(value)):
        plan = plan_of(type(value))
        state = value.__dict__
        body = {
            field.wire: to_wire(state[field.name])
            for field in plan.fields
            if state.get(field.name) is not None
        }
        body.update(state.get(EXTRA_FIELD) or {})
        return body
    return value


def _names(kept: frozenset[type[Any]]) -> str:
    return " or ".join(sorted(typ.__name__ for typ in kept)) or "another type"


def _shown(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:80]}{'...' if len(text) > 80 else ''}"
