"""Intrinsic functions (spec: "Intrinsic Functions"): ``States.Format('{} items', $.n)``.

The emulator runs ``States.Format``, ``StringToJson``, ``JsonToString``, ``Array``,
``ArrayPartition``, ``ArrayContains``, ``ArrayRange``, ``ArrayGetItem``, ``ArrayLength``,
``ArrayUnique``, ``Base64Encode``, ``Base64Decode``, ``Hash``, ``JsonMerge`` (shallow),
``MathAdd``, ``StringSplit`` (each character of the second argument is a delimiter; empty pieces
are dropped) and ``UUID`` (a random version 4 UUID, as in Step Functions).
``States.MathRandom`` is refused when run (its results are not reproducible); any other name
fails the execution with ``States.Runtime`` naming it.

Arguments are string literals in single quotes (``\\'``, ``\\{``, ``\\}``, ``\\\\`` escape),
numbers, ``true``/``false``/``null``, paths (``$.a``, ``$$.Execution.Id``) and nested calls.
A wrong argument raises ``States.IntrinsicFailure``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from las.testing._asl import paths
from las.testing._asl.errors import INTRINSIC_FAILURE, StatesError, Unsupported

_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
_FUNCTION = re.compile(r"States\.[A-Za-z0-9]+")


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
    """The call tree of ``text``.

    Raises:
        IntrinsicSyntaxError: ``text`` is not one call with well-formed arguments.
    """
    call, end = _parse_call(text, 0)
    if text[end:].strip():
        raise IntrinsicSyntaxError(f"unexpected {text[end:][:20]!r} after the call in {text!r}")
    return call


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _parse_call(text: str, position: int) -> tuple[_Call, int]:
    found = _FUNCTION.match(text, position)
    if found is None or text[found.end() : found.end() + 1] != "(":
        raise IntrinsicSyntaxError(f"expected States.<Name>( at offset {position} of {text!r}")
    name = found.group(0)
    position = _skip_space(text, found.end() + 1)
    args: list[Any] = []
    if text[position : position + 1] == ")":
        return _Call(name, args), position + 1
    while True:
        arg, position = _parse_argument(text, position)
        args.append(arg)
        position = _skip_space(text, position)
        if text[position : position + 1] == ",":
            position = _skip_space(text, position + 1)
            continue
        if text[position : position + 1] == ")":
            return _Call(name, args), position + 1
        raise IntrinsicSyntaxError(f"expected ',' or ')' at offset {position} of {text!r}")


def _parse_argument(text: str, position: int) -> tuple[Any, int]:
    rest = text[position:]
    if rest.startswith("'"):
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
        raise IntrinsicSyntaxError(f"unterminated string at offset {position} of {text!r}")
    if rest.startswith("States."):
        return _parse_call(text, position)
    if rest.startswith("$"):
        end = position
        depth = 0
        while end < len(text):
            char = text[end]
            if char == "[":
                depth += 1
            elif char == "]":
                depth -= 1
            elif depth == 0 and (char in ",)" or char.isspace()):
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
        if rest.startswith(word):
            return _Literal(value), position + len(word)
    found = _NUMBER.match(text, position)
    if found is not None:
        number = found.group(0)
        return (float(number) if found.group(1) or found.group(2) else int(number)), found.end()
    raise IntrinsicSyntaxError(f"unexpected {rest[:10]!r} at offset {position} of {text!r}")


class _Literal:
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def check(text: str) -> None:
    """Raise :class:`IntrinsicSyntaxError` when ``text`` is not a call (names are checked
    when run, so an unknown one fails the execution naming it)."""
    parse(text)


def evaluate(text: str, data: Any, context: Any) -> Any:
    """The value of the call ``text`` with paths read from ``data`` and ``context``."""
    try:
        call = parse(text)
    except IntrinsicSyntaxError as error:
        raise StatesError(INTRINSIC_FAILURE, str(error)) from None
    return _run(call, data, context)


def _run(call: _Call, data: Any, context: Any) -> Any:
    function = _FUNCTIONS.get(call.name)
    if function is None:
        if call.name == "States.MathRandom":
            raise Unsupported("States.MathRandom (its results are random; pass the number in the input)")
        raise Unsupported(f"the intrinsic function {call.name}")
    args = []
    for arg in call.args:
        if isinstance(arg, _Call):
            args.append(_run(arg, data, context))
        elif isinstance(arg, _Path):
            args.append(paths.read(arg.path, data, context))
        elif isinstance(arg, _Literal):
            args.append(arg.value)
        else:
            args.append(arg)
    try:
        return function(call.name, args)
    except StatesError:
        raise
    except (TypeError, ValueError, KeyError, IndexError) as error:
        raise StatesError(INTRINSIC_FAILURE, f"{call.name}: {error}") from None


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
    used = 0
    index = 0
    while index < len(template):
        if template.startswith("\\{", index) or template.startswith("\\}", index):
            out.append(template[index + 1])
            index += 2
            continue
        if template.startswith("{}", index):
            if used >= len(values):
                raise _fail(name, "more {} placeholders than arguments")
            value = values[used]
            if isinstance(value, (dict, list)):
                raise _fail(name, "arguments must be strings, numbers, booleans or null")
            out.append(json.dumps(value) if not isinstance(value, str) else value)
            used += 1
            index += 2
            continue
        out.append(template[index])
        index += 1
    if used != len(values):
        raise _fail(name, f"{len(values)} arguments for {used} placeholders")
    return "".join(out)


def _string_to_json(name: str, args: list[Any]) -> Any:
    _arity(name, args, 1)
    if not isinstance(args[0], str):
        raise _fail(name, "the argument must be a string")
    try:
        return json.loads(args[0])
    except ValueError as error:
        raise _fail(name, f"not JSON ({error})") from None


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
    values = list(range(start, end + (1 if step > 0 else -1), step))
    if len(values) > 1000:
        raise _fail(name, "may produce at most 1000 items")
    return values


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
    unique: list[Any] = []
    for item in args[0]:
        if item not in unique:
            unique.append(item)
    return unique


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
    parts = re.split("|".join(re.escape(char) for char in delimiters), text)
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
