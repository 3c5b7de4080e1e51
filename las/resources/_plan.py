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

A list page is built by :meth:`Plan.listed`, which checks more cheaply and converts later: every
field of every item is checked when the page arrives (its JSON type, and the items of nested
lists and objects, field by field), so a mistyped value still fails the page; values kept as
they are (strings, numbers, lists of strings...) are held at once; the *deferred* fields, whose
value is built (timestamps, nested objects), are converted on first read from the kept body and
then held. A timestamp that is a string but not ISO 8601 therefore raises when first read on a
listed object (when its answer arrives on a fetched one).

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
    "reader",
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
    type: Any
    """The field's type without None (what the arrival check of a listed item checks)."""
    deferred: bool
    """Its value is built (a timestamp, nested objects): on a listed object, converted on first read."""
    file_url: str | None = None
    """A bytes field whose content may be at a URL instead: the wire name of that URL's field."""
    empty_object: bool = False
    """A list the contract may answer as ``{}`` (no items): see :data:`EMPTY_OBJECT`."""

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
        self._listed: Callable[..., list[Any]] | None = None

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
        if self.known.issuperset(data):
            return {}
        return {key: value for key, value in data.items() if key not in self.known}

    def listed(self, items: list[Any], page: Any, hold: Callable[[Any, Any], None]) -> list[Any]:
        """The objects of a list page's ``items``, each checked now (every field's JSON type,
        nested items included), its kept values held, its deferred fields left to be converted on
        first read, and ``hold(obj, (page, item))`` called (the page's metadata and the item's
        body, which the object keeps). Generated on first use, as ``values``.

        Raises:
            WireError: an item that is not the contract's (the message is :attr:`values`'s).
        """
        listed = self._listed
        if listed is None:
            listed = self._listed = _compile_listed(self)
        return listed(items, page, hold)


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


def reader(field: FieldPlan) -> Convert:
    """The converter of a deferred field, generated (straight-line code, nested objects built
    in one loop): the values ``field.convert`` gives, at a fraction of the calls. A value it does
    not take as it expects goes to ``field.convert``, which raises naming the problem (or, if the
    generated code was stricter than it, converts it anyway)."""
    typ, slow = field.type, cast(Convert, field.convert)
    scope: dict[str, Any] = {"slow": slow, "WireError": WireError, "fromisoformat": datetime.fromisoformat}
    scope["utc"] = timezone.utc
    origin, args = typing.get_origin(typ), typing.get_args(typ)
    lines = ["def read(raw, client):"]
    if typ is datetime:
        lines += [
            "    try:",
            *(
                ["        raw = raw[:-1] + '+00:00' if raw[-1:] == 'Z' else raw"]
                if _ISO_Z_NEEDS_OFFSET
                else []
            ),
            "        value = fromisoformat(raw)",
            "    except (TypeError, ValueError):",
            "        return slow(raw, client)",
            "    return value if value.tzinfo is not None else value.replace(tzinfo=utc)",
        ]
    elif isinstance(typ, type) and attrs.has(typ):
        lines += _indented(["item = raw", *_object_lines("item", typ, scope), "return obj"])
    elif origin is list and args and isinstance(args[0], type) and attrs.has(args[0]):
        loop = ["for item in raw:", *_indented(_object_lines("item", args[0], scope)), "    append(obj)"]
        lines += _indented(["if type(raw) is not list:", "    return slow(raw, client)", "result = []"])
        lines += _indented(["append = result.append", *loop, "return result"])
    elif origin is dict and len(args) == 2 and isinstance(args[1], type) and attrs.has(args[1]):
        loop = [
            "for key, item in raw.items():",
            *_indented(_object_lines("item", args[1], scope)),
            "    result[key] = obj",
        ]
        lines += _indented(
            [
                "if type(raw) is not dict:",
                "    return slow(raw, client)",
                "result = {}",
                *loop,
                "return result",
            ]
        )
    else:
        return slow  # other shapes (a list of timestamps, ...) are rare: the generic converter
    exec(compile("\n".join(lines), f"<reader of {field.wire}>", "exec"), scope)
    return cast(Convert, scope["read"])


def _object_lines(item: str, cls: type[Any], scope: dict[str, Any]) -> list[str]:
    """Lines that build ``obj``, an object of ``cls``, from the wire object ``item`` as
    ``plan_of(cls).values`` and ``extra`` would, or ``return slow(raw, client)`` on anything else."""
    name = f"cls_{len(scope)}"
    scope[name] = cls
    build = getattr(cls, "_from_wire", None)
    if build is not None:  # a resource builds itself, bound to the client
        return [
            "try:",
            f"    obj = {name}._from_wire({item}, client)",
            "except WireError:",
            "    return slow(raw, client)",
        ]
    plan = plan_of(cls)
    scope[f"{name}_plan"] = plan
    scope[f"{name}_new"] = cls.__new__
    scope[f"{name}_known"] = plan.known
    lines = [
        f"if type({item}) is not dict:",
        "    return slow(raw, client)",
        f"obj = {name}_new({name})",
        "held = obj.__dict__",
    ]
    for field in plan.eager:
        target, field_name = f"held[{field.name!r}]", f"{name}_{field.name}"
        scope[field_name] = field
        lines.append(f"value = {item}.get({field.wire!r})")
        if field.required:
            lines += ["if value is None:", "    return slow(raw, client)"]
        else:
            default = "None" if field.factory is None else f"{field_name}.factory()"
            lines += ["if value is None:", f"    {target} = {default}"]
        if field.kept is None:
            lines += ["else:", f"    {target} = value"]
            continue
        scope[f"{field_name}_kept"] = field.kept
        lines += [f"elif type(value) in {field_name}_kept:", f"    {target} = value"]
        if field.convert is None:
            lines += ["else:", "    return slow(raw, client)"]
        else:
            lines += ["else:", "    try:", f"        {target} = {field_name}.convert(value, client)"]
            lines += ["    except WireError:", "        return slow(raw, client)"]
    lines += [  # Plan.extra, without a call for the common item that has no field unknown here
        f"if not {name}_known.issuperset({item}):",
        f"    held[{EXTRA_FIELD!r}] = {name}_plan.extra({item})",
    ]
    return lines


# Nested objects deeper than this are checked on arrival by converting them (and dropping the result).
_INLINE_DEPTH = 4


def _compile_listed(plan: Plan) -> Callable[..., list[Any]]:
    """Generate the builder of list pages (see :meth:`Plan.listed`).

    Each field takes one block: get it, check it (:func:`_arrival_check`), hold it unless it is
    deferred. A failed check calls ``refuse(item)``, which runs :attr:`Plan.values` on the item
    so that the error names the field and the value exactly as for a fetched object.
    """

    def refuse(data: Any) -> None:
        plan.values(data, None)
        raise WireError(f"{plan.cls.__name__} item refused on arrival: {_shown(data)}")  # pragma: no cover

    scope: dict[str, Any] = {
        "new": plan.cls.__new__,
        "cls": plan.cls,
        "refuse": refuse,
        "WireError": WireError,
    }
    lines = [
        "def listed(items, page, hold):",
        "    objects = []",
        "    append = objects.append",
        "    for data in items:",
        "        if type(data) is not dict:",
        "            refuse(data)",
        "        get = data.get",
        "        obj = new(cls)",
        "        held = obj.__dict__",
    ]
    for index, field in enumerate(plan.eager):
        scope[f"factory{index}"] = field.factory
        target = f"held[{field.name!r}]"
        default = "None" if field.factory is None else f"factory{index}()"
        hold = [] if field.deferred else [f"{target} = raw"]
        block = [f"raw = get({field.wire!r})"]
        test = _type_test("raw", field.type, scope)
        if (
            test is not None
            and not (field.required or field.lazy)
            and (field.deferred or field.factory is None)
        ):
            block += [f"if {test} and raw is not None:", "    refuse(data)", *hold]  # the common case
        else:
            check = _arrival_check("raw", field.type, 0, scope)
            if field.empty_object and check:  # {} is no items, as the field's converter reads it
                check = ["if type(raw) is not dict or raw:", *_indented(check)]
            if field.required:
                block += (check or ["if raw is None:", "    refuse(data)"]) + hold
            else:
                block += ["if raw is not None:", *_indented(check + hold)]
                if field.lazy:  # absent: loaded when read; null: its default, as values() does
                    block += [f"elif {field.wire!r} in data:", f"    {target} = {default}"]
                elif not field.deferred:  # (a deferred one is given its default when read)
                    block += ["else:", f"    {target} = {default}"]
        lines += _indented(block, 2)
    lines += [
        "        hold(obj, (page, data))",
        "        append(obj)",
        "    return objects",
    ]
    exec(compile("\n".join(lines), f"<listed plan of {plan.cls.__qualname__}>", "exec"), scope)
    return cast("Callable[..., list[Any]]", scope["listed"])


def _arrival_check(value: str, typ: Any, depth: int, scope: dict[str, Any]) -> list[str]:
    """Lines that call ``refuse(data)`` unless ``value`` (a local name, not None) holds a wire
    value of ``typ``: its JSON type, then each item of a list or dict and each field of a nested
    object, as :attr:`Plan.values` would read them (None is refused where it would be)."""
    if typ is Any:
        return []
    test = _type_test(value, typ, scope)
    if test is not None:
        return [f"if {test}:", "    refuse(data)"]
    origin, args = typing.get_origin(typ), typing.get_args(typ)
    item, inner = f"item{depth}", f"raw{depth + 1}"
    if origin is list or typ is list:
        lines = [f"if type({value}) is not list:", "    refuse(data)"]
        check = _arrival_check(item, args[0] if args else Any, depth + 1, scope)
        return lines + ([f"for {item} in {value}:", *_indented(check)] if check else [])
    if origin is dict or typ is dict:
        lines = [f"if type({value}) is not dict:", "    refuse(data)"]
        check = _arrival_check(item, args[1] if args else Any, depth + 1, scope)
        return lines + ([f"for {item} in {value}.values():", *_indented(check)] if check else [])
    if isinstance(typ, type) and attrs.has(typ):
        if depth >= _INLINE_DEPTH:  # deep nesting: convert to check (slower, as strict)
            name = f"convert_{len(scope)}"
            scope[name] = _reader(typ)[1]
            return ["try:", f"    {name}({value}, None)", "except WireError:", "    refuse(data)"]
        lines = [f"if type({value}) is not dict:", "    refuse(data)"]
        for field in plan_of(typ).eager:
            lines.append(f"{inner} = {value}.get({field.wire!r})")
            test = _type_test(inner, field.type, scope)
            check = _arrival_check(inner, field.type, depth + 1, scope)
            if field.required:
                lines += check or [f"if {inner} is None:", "    refuse(data)"]
            elif test is not None:
                lines += [f"if {test} and {inner} is not None:", "    refuse(data)"]
            elif check:
                lines += [f"if {inner} is not None:", *_indented(check)]
        return lines
    raise TypeError(
        f"the plan cannot check fields of type {typ}"
    )  # pragma: no cover - _reader refused it first


def _type_test(value: str, typ: Any, scope: dict[str, Any]) -> str | None:
    """The condition under which ``value`` is not a wire value of ``typ``, for a scalar, a union
    of scalars or a timestamp (None for other types)."""
    if typ is datetime:
        return f"type({value}) is not str"
    if typ in _SCALARS or typing.get_origin(typ) in (Union, types.UnionType):
        kept = cast("frozenset[type[Any]]", _reader(typ)[0])
        if len(kept) <= 3:  # a chain of `is not`, strings first, costs less than a set lookup
            ordered = sorted(kept, key=lambda kind: (kind is not str, kind.__name__))
            scope.update((kind.__name__, kind) for kind in ordered)
            return " and ".join(f"type({value}) is not {kind.__name__}" for kind in ordered)
        name = f"kept_{len(scope)}"
        scope[name] = kept
        return f"type({value}) not in {name}"
    return None


def _indented(lines: list[str], levels: int = 1) -> list[str]:
    return [("    " * levels) + line for line in lines]


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
        type=inner,
        deferred=inner is not bytes and _builds(inner),
        file_url=field.metadata.get(FILE_URL),
        empty_object=bool(field.metadata.get(EMPTY_OBJECT)),
    )


def _builds(typ: Any) -> bool:
    """Whether reading ``typ`` builds a new value (a datetime, an object) rather than keeping the wire's."""
    if typ is datetime or (isinstance(typ, type) and attrs.has(typ)):
        return True
    origin, args = typing.get_origin(typ), typing.get_args(typ)
    if origin is list or origin is dict:
        return _builds(args[-1]) if args else False
    return False


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
        return frozenset(), _nested(typ)
    raise TypeError(f"the plan cannot read fields of type {typ}")


def _checked(typ: Any) -> Convert | None:
    """A converter for one item of a list or dict (None: any item is kept)."""
    kept, convert = _reader(typ)
    if kept is None:
        return None
    if not kept and convert is not None:
        return convert  # an object: its converter checks it

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


def _nested(cls: type[Any]) -> Convert:
    """The converter of a nested object of ``cls``: a resource builds itself (bound to the
    client); any other class is filled by its plan, compiled on first use."""
    build = getattr(cls, "_from_wire", None)
    if build is not None:
        return cast(Convert, build)
    plan: Plan | None = None
    new = cast("Callable[[type[Any]], Any]", cls.__new__)

    def nested(value: Any, client: Any) -> Any:
        nonlocal plan
        if plan is None:
            plan = plan_of(cls)
        obj = new(cls)
        held = plan.values(value, client, False, obj.__dict__)
        extra = plan.extra(value)
        if extra:  # else the class gives an empty one when read (see _base.Struct)
            held[EXTRA_FIELD] = extra
        return obj

    return nested


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
