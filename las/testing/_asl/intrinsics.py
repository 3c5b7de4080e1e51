"""Intrinsic functions (spec: "Intrinsic Functions"): ``States.Format('{} items', $.n)``.

The emulator runs ``States.Format``, ``StringToJson``, ``JsonToString``, ``Array``,
``ArrayPartition``, ``ArrayContains``, ``ArrayRange``, ``ArrayGetItem``, ``ArrayLength``,
``ArrayUnique``, ``Base64Encode``, ``Base64Decode``, ``Hash``, ``JsonMerge`` (shallow),
``MathAdd``, ``StringSplit`` (each character of the second argument is a delimiter; empty pieces
are dropped) and ``UUID`` (a random version 4 UUID, as in Step Functions).
``States.MathRandom`` is refused when run (its results are not reproducible); any other name
fails the execution with ``States.Runtime`` naming it.

Arguments are string literals in single quotes (``\\'``, ``\\{``, ``\\}``, ``\\\\`` escape),
numbers (finite, at most 40 characters), ``true``/``false``/``null``, paths (``$.a``,
``$$.Execution.Id``) and nested calls, at most 10 deep (as in Step Functions); a call is parsed
in one pass. A wrong argument raises ``States.IntrinsicFailure``; a result over the payload
limit (:mod:`.limits`) ``States.DataLimitExceeded`` — ``States.Format`` before building it,
``States.StringToJson`` before parsing text nested too deep. ``States.ArrayRange`` counts its
items (at most 1,000) before making them; ``States.ArrayUnique`` takes linear time.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
import math
import re
import uuid
from collections.abc import Callable
from typing import Any

from las.testing._asl import paths
from las.testing._asl.errors import DATA_LIMIT_EXCEEDED, INTRINSIC_FAILURE, StatesError, Unsupported, checked
from las.testing._asl.limits import (
    MAX_ARRAY_RANGE,
    MAX_DEPTH,
    MAX_INTRINSIC_NESTING,
    MAX_NUMBER_LITERAL,
    MAX_PAYLOAD,
    DataProblem,
    Meter,
    brief,
)

_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
_FORMAT_TOKEN = re.compile(r"\\[{}]|\{\}|[^\\{]+|.", re.DOTALL)  # escapes, placeholders, text
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]')  # strings (skipped) and brackets
_FUNCTION = re.compile(r"States\.[A-Za-z0-9]+")
_REMEMBERED = 1000  # calls at most this long are parsed once (longer ones are rare)


class IntrinsicSyntaxError(ValueError):
    """Text that is not an intrinsic function call."""


class _Call:
    __slots__ = ("args", "name")

    def __init__(self, name: str, args: list[Any]) -> None:
        self.name = name
        self.args = args


class _Path:
    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path


def is_intrinsic(text: str) -> bool:
    return isinstance(text, str) and text.startswith("States.")


def parse(text: str) -> _Call:
    """The call tree of ``text`` (in time linear in its length; remembered for the calls used
    last, so a state run again does not parse them again).

    Raises:
        IntrinsicSyntaxError: ``text`` is not one call with well-formed arguments, or nests
            more than :data:`MAX_INTRINSIC_NESTING` calls.
    """
    return _parse_remembered(text) if len(text) <= _REMEMBERED else _parse(text)


@functools.lru_cache(maxsize=1024)
def _parse_remembered(text: str) -> _Call:
    return _parse(text)


def _parse(text: str) -> _Call:
    call, end = _parse_call(text, 0, 1)
    if text[end:].strip():
        raise IntrinsicSyntaxError(
            f"unexpected {brief(text[end : end + 20])} after the call in {brief(text)}"
        )
    return call


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _parse_call(text: str, position: int, depth: int) -> tuple[_Call, int]:
    if depth > MAX_INTRINSIC_NESTING:
        raise IntrinsicSyntaxError(
            f"intrinsic functions nest at most {MAX_INTRINSIC_NESTING} deep (as in Step Functions), in {brief(text)}"
        )
    found = _FUNCTION.match(text, position)
    if found is None or text[found.end() : found.end() + 1] != "(":
        raise IntrinsicSyntaxError(f"expected States.<Name>( at offset {position} of {brief(text)}")
    name = found.group(0)
    position = _skip_space(text, found.end() + 1)
    args: list[Any] = []
    if text[position : position + 1] == ")":
        return _Call(name, args), position + 1
    while True:
        arg, position = _parse_argument(text, position, depth)
        args.append(arg)
        position = _skip_space(text, position)
        if text[position : position + 1] == ",":
            position = _skip_space(text, position + 1)
            continue
        if text[position : position + 1] == ")":
            return _Call(name, args), position + 1
        raise IntrinsicSyntaxError(f"expected ',' or ')' at offset {position} of {brief(text)}")


def _parse_argument(text: str, position: int, depth: int) -> tuple[Any, int]:
    if text.startswith("'", position):
        chars: list[str] = []
        index = position + 1
        while index < len(text):
            char = text[index]
            if char == "\\" and index + 1 < len(text):
                chars.append(char + text[index + 1] if text[index + 1] in "{}" else text[index + 1])
                index += 2
                continue
            if char == "'":
                return "".join(chars), index + 1
            chars.append(char)
            index += 1
        raise IntrinsicSyntaxError(f"unterminated string at offset {position} of {brief(text)}")
    if text.startswith("States.", position):
        return _parse_call(text, position, depth + 1)
    if text.startswith("$", position):
        end = position
        brackets = 0
        while end < len(text):
            char = text[end]
            if char == "[":
                brackets += 1
            elif char == "]":
                brackets -= 1
            elif brackets == 0 and (char in ",)" or char.isspace()):
                break
            end += 1
        path = text[position:end]
        try:
            paths.parse(path)
        except paths.PathSyntaxError as error:
            raise IntrinsicSyntaxError(str(error)) from None
        except Unsupported:
            pass
        return _Path(path), end
    for word, value in (("true", True), ("false", False), ("null", None)):
        if text.startswith(word, position):
            return _Literal(value), position + len(word)
    found = _NUMBER.match(text, position)
    if found is not None:
        number = found.group(0)
        if len(number) > MAX_NUMBER_LITERAL:
            raise IntrinsicSyntaxError(
                f"a number has at most {MAX_NUMBER_LITERAL} characters, at offset {position} of {brief(text)}"
            )
        number_value = float(number) if found.group(1) or found.group(2) else int(number)
        if not math.isfinite(number_value):
            raise IntrinsicSyntaxError(
                f"{brief(number)} is not a finite number, at offset {position} of {brief(text)}"
            )
        return number_value, found.end()
    raise IntrinsicSyntaxError(
        f"unexpected {brief(text[position : position + 10])} at offset {position} of {brief(text)}"
    )


class _Literal:
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def check(text: str) -> None:
    """Raise :class:`IntrinsicSyntaxError` when ``text`` is not a call (names are checked
    when run, so an unknown one fails the execution naming it)."""
    parse(text)


def evaluate(text: str, data: Any, context: Any, meter: Meter) -> Any:
    """The value of the call ``text`` with paths read from ``data`` and ``context``.

    Raises:
        StatesError: ``States.IntrinsicFailure`` for a wrong argument, or
            ``States.DataLimitExceeded`` for a result over :data:`MAX_PAYLOAD`.
    """
    try:
        call = parse(text)
    except IntrinsicSyntaxError as error:
        raise StatesError(INTRINSIC_FAILURE, str(error)) from None
    return _run(call, data, context, meter)


def _run(call: _Call, data: Any, context: Any, meter: Meter) -> Any:
    function = _FUNCTIONS.get(call.name)
    if function is None:
        if call.name == "States.MathRandom":
            raise Unsupported("States.MathRandom (its results are random; pass the number in the input)")
        raise Unsupported(f"the intrinsic function {call.name}")
    args = []
    for arg in call.args:
        if isinstance(arg, _Call):
            args.append(_run(arg, data, context, meter))
        elif isinstance(arg, _Path):
            args.append(paths.read(arg.path, data, context))
        elif isinstance(arg, _Literal):
            args.append(arg.value)
        else:
            args.append(arg)
    try:
        result = function(call.name, args)
    except StatesError:
        raise
    except (TypeError, ValueError, KeyError, IndexError, OverflowError) as error:
        raise StatesError(INTRINSIC_FAILURE, f"{call.name}: {error}") from None
    checked(meter, result, f"the result of {call.name}")
    return result


def _fail(name: str, message: str) -> StatesError:
    return StatesError(INTRINSIC_FAILURE, f"{name}: {message}")


def _arity(name: str, args: list[Any], *counts: int) -> None:
    if len(args) not in counts:
        wanted = " or ".join(str(count) for count in counts)
        raise _fail(name, f"takes {wanted} arguments, got {len(args)}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _format(name: str, args: list[Any]) -> str:
    if not args or not isinstance(args[0], str):
        raise _fail(name, "the first argument must be a template string")
    template, values = args[0], args[1:]
    out: list[str] = []
    length = 0  # of the result so far: a template may repeat a large argument many times
    used = 0
    for token in _FORMAT_TOKEN.finditer(template):
        piece = token.group(0)
        if piece in ("\\{", "\\}"):
            piece = piece[1]
        elif piece == "{}":
            if used >= len(values):
                raise _fail(name, "more {} placeholders than arguments")
            value = values[used]
            if isinstance(value, (dict, list)):
                raise _fail(name, "arguments must be strings, numbers, booleans or null")
            piece = json.dumps(value) if not isinstance(value, str) else value
            used += 1
        length += len(piece)
        if length > MAX_PAYLOAD:
            raise StatesError(DATA_LIMIT_EXCEEDED, DataProblem.too_large(f"the result of {name}", length))
        out.append(piece)
    if used != len(values):
        raise _fail(name, f"{len(values)} arguments for {used} placeholders")
    return "".join(out)


def _string_to_json(name: str, args: list[Any]) -> Any:
    _arity(name, args, 1)
    text = args[0]
    if not isinstance(text, str):
        raise _fail(name, "the argument must be a string")
    if _bracket_depth(text) > MAX_DEPTH:
        raise StatesError(DATA_LIMIT_EXCEEDED, f"the result of {name}: {DataProblem.too_deep()}")
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except ValueError as error:
        raise _fail(name, f"not JSON ({error})") from None


def _bracket_depth(text: str) -> int:
    """The deepest nesting of ``[`` and ``{`` outside strings in ``text`` (JSON or not)."""
    deepest = depth = 0
    for token in _JSON_TOKEN.findall(text):
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


def _no_constant(word: str) -> Any:
    raise ValueError(f"{word} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{brief(text)} is too large a number")
    return value


def _json_to_string(name: str, args: list[Any]) -> str:
    _arity(name, args, 1)
    return json.dumps(args[0], separators=(",", ":"))


def _array_partition(name: str, args: list[Any]) -> list[Any]:
    _arity(name, args, 2)
    items, size = args
    if not isinstance(items, list) or not _is_int(size) or size < 1:
        raise _fail(name, "takes an array and a positive integer chunk size")
    return [items[start : start + size] for start in range(0, len(items), size)]


def _array_contains(name: str, args: list[Any]) -> bool:
    _arity(name, args, 2)
    if not isinstance(args[0], list):
        raise _fail(name, "the first argument must be an array")
    return args[1] in args[0]


def _array_range(name: str, args: list[Any]) -> list[int]:
    _arity(name, args, 3)
    start, end, step = args
    if not all(_is_int(value) for value in args) or step == 0:
        raise _fail(name, "takes integer start, end and a non-zero step")
    numbers = range(start, end + (1 if step > 0 else -1), step)
    if numbers.start + MAX_ARRAY_RANGE * numbers.step in numbers:  # counted, never built
        raise _fail(name, f"may produce at most {MAX_ARRAY_RANGE} items")
    return list(numbers)


def _array_get_item(name: str, args: list[Any]) -> Any:
    _arity(name, args, 2)
    items, index = args
    if not isinstance(items, list) or not _is_int(index) or not 0 <= index < len(items):
        raise _fail(name, "takes an array and an index inside it")
    return items[index]


def _array_length(name: str, args: list[Any]) -> int:
    _arity(name, args, 1)
    if not isinstance(args[0], list):
        raise _fail(name, "the argument must be an array")
    return len(args[0])


def _array_unique(name: str, args: list[Any]) -> list[Any]:
    _arity(name, args, 1)
    if not isinstance(args[0], list):
        raise _fail(name, "the argument must be an array")
    seen: set[Any] = set()
    unique: list[Any] = []
    for item in args[0]:
        key = _identity(item)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _identity(value: Any) -> Any:
    """A hashable stand-in for the JSON ``value``: equal for equal values (``1`` and ``1.0``
    alike, ``true`` and ``1`` not), so that finding duplicates takes linear time."""
    if isinstance(value, bool) or value is None:
        return ("literal", value)
    if isinstance(value, dict):
        return ("object", frozenset((key, _identity(item)) for key, item in value.items()))
    if isinstance(value, list):
        return ("array", tuple(_identity(item) for item in value))
    return ("value", value)


def _array(name: str, args: list[Any]) -> list[Any]:
    return list(args)


def _base64_encode(name: str, args: list[Any]) -> str:
    _arity(name, args, 1)
    if not isinstance(args[0], str):
        raise _fail(name, "the argument must be a string")
    return base64.b64encode(args[0].encode()).decode()


def _base64_decode(name: str, args: list[Any]) -> str:
    _arity(name, args, 1)
    if not isinstance(args[0], str):
        raise _fail(name, "the argument must be a string")
    try:
        return base64.b64decode(args[0], validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as error:
        raise _fail(name, f"not base64 of UTF-8 text ({error})") from None


_HASHES = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512"}


def _hash(name: str, args: list[Any]) -> str:
    _arity(name, args, 2)
    data, algorithm = args
    if algorithm not in _HASHES:
        raise _fail(name, f"algorithm must be one of {', '.join(_HASHES)}, got {algorithm!r}")
    text = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    return hashlib.new(_HASHES[algorithm], text.encode()).hexdigest()


def _json_merge(name: str, args: list[Any]) -> dict[str, Any]:
    _arity(name, args, 3)
    first, second, deep = args
    if not isinstance(first, dict) or not isinstance(second, dict):
        raise _fail(name, "merges two objects")
    if deep is not False:
        raise Unsupported("States.JsonMerge with a deep merge (true); the language defines only false")
    return {**first, **second}


def _math_add(name: str, args: list[Any]) -> int:
    _arity(name, args, 2)
    if not all(_is_int(value) for value in args):
        raise _fail(name, "adds two integers")
    return int(args[0]) + int(args[1])


def _string_split(name: str, args: list[Any]) -> list[str]:
    _arity(name, args, 2)
    text, delimiters = args
    if not isinstance(text, str) or not isinstance(delimiters, str) or not delimiters:
        raise _fail(name, "takes a string and a non-empty string of delimiter characters")
    parts = re.split(f"[{''.join(re.escape(char) for char in set(delimiters))}]", text)
    return [part for part in parts if part]


def _uuid(name: str, args: list[Any]) -> str:
    _arity(name, args, 0)
    return str(uuid.uuid4())


_FUNCTIONS: dict[str, Callable[[str, list[Any]], Any]] = {
    "States.Format": _format,
    "States.StringToJson": _string_to_json,
    "States.JsonToString": _json_to_string,
    "States.Array": _array,
    "States.ArrayPartition": _array_partition,
    "States.ArrayContains": _array_contains,
    "States.ArrayRange": _array_range,
    "States.ArrayGetItem": _array_get_item,
    "States.ArrayLength": _array_length,
    "States.ArrayUnique": _array_unique,
    "States.Base64Encode": _base64_encode,
    "States.Base64Decode": _base64_decode,
    "States.Hash": _hash,
    "States.JsonMerge": _json_merge,
    "States.MathAdd": _math_add,
    "States.StringSplit": _string_split,
    "States.UUID": _uuid,
}
