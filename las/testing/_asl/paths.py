"""The JSONPath subset the emulator evaluates (spec: "Paths", "Reference Paths").

A path starts with ``$`` (the state's input, or what the field applies to) or ``$$`` (the
context object) and continues with steps:

* ``.name`` or ``['name']`` / ``["name"]``: a field of an object;
* ``[3]`` / ``[-1]``: an element of an array (negative counts from the end);
* ``[*]`` or ``.*``: every element of an array, or every value of an object;
* ``[1:3]``: a slice of an array.

A path with ``*`` or a slice is *indefinite*: its value is the list of every match. Any other
JSONPath syntax (``..``, filters ``[?(...)]``, unions ``[0,1]``) is accepted at create and makes
the execution fail with ``States.Runtime`` naming it. A *reference path* (``ResultPath``,
``Variable`` of a Choice rule, ``ItemsPath``) allows names and indexes only.

Paths are parsed in one pass (and remembered), read and written without recursion: any length
is safe; what a write builds is measured by the runner like any other data.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from las.testing._asl.errors import RESULT_PATH_MATCH_FAILURE, RUNTIME, StatesError, Unsupported
from las.testing._asl.limits import MAX_NUMBER_LITERAL, brief

_NAME = re.compile(r"[^.\[\]\s'\"]+")
_INDEX = re.compile(r"\[\s*(-?\d+)\s*\]")
_SLICE = re.compile(r"\[\s*(-?\d*)\s*:\s*(-?\d*)\s*\]")
_REMEMBERED = 1000  # paths at most this long are parsed once (longer ones are rare)
_QUOTED = re.compile(r"\[\s*(?:'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\")\s*\]")

CONTEXT_FIELDS = (
    "the emulator's context object has Execution.Id/Name/Input/StartTime, StateMachine.Id/Name, "
    "State.Name/EnteredTime/RetryCount and, in a Map's ItemSelector, Map.Item.Index/Value"
)
Step = tuple[str, Any]  # ("name", str) | ("index", int) | ("all", None) | ("slice", (a, b))


class PathSyntaxError(ValueError):
    """Text that is not a path of the subset (the message says where)."""


def parse(path: str) -> tuple[bool, list[Step]]:
    """``(is_context, steps)`` of ``path`` (in time linear in its length; remembered for the
    paths used last, so a state run again does not parse them again).

    Raises:
        PathSyntaxError: not a path (no ``$``, bad brackets).
        Unsupported: JSONPath syntax outside the subset (``..``, filters, unions).
    """
    if not isinstance(path, str) or not path.startswith("$"):
        raise PathSyntaxError(f"a path starts with '$', got {brief(path)}")
    is_context, steps = _parse_remembered(path) if len(path) <= _REMEMBERED else _parse(path)
    return is_context, list(steps)


@functools.lru_cache(maxsize=1024)
def _parse_remembered(path: str) -> tuple[bool, tuple[Step, ...]]:
    return _parse(path)


def _parse(path: str) -> tuple[bool, tuple[Step, ...]]:
    context = path.startswith("$$")
    position = 2 if context else 1
    steps: list[Step] = []
    while position < len(path):
        if path.startswith("..", position):
            raise Unsupported(f"the JSONPath deep scan '..' (in {brief(path)})")
        if path.startswith(".*", position):
            steps.append(("all", None))
            position += 2
            continue
        if path.startswith(".", position):
            found = _NAME.match(path, position + 1)
            if found is None:
                raise PathSyntaxError(f"a name must follow '.' at offset {position} of {brief(path)}")
            steps.append(("name", found.group(0)))
            position = found.end()
            continue
        if path.startswith("[*]", position):
            steps.append(("all", None))
            position += 3
            continue
        for pattern in (_INDEX, _SLICE, _QUOTED):
            found = pattern.match(path, position)
            if found is None:
                continue
            if pattern is _INDEX:
                steps.append(("index", _integer(found.group(1), path)))
            elif pattern is _SLICE:
                bounds = tuple(_integer(part, path) if part else None for part in found.groups())
                steps.append(("slice", bounds))
            else:
                quoted = found.group(1) if found.group(1) is not None else found.group(2)
                steps.append(("name", re.sub(r"\\(.)", r"\1", quoted)))
            position = found.end()
            break
        else:
            if path.startswith("[?", position) or path.startswith("[(", position):
                raise Unsupported(f"JSONPath filter expressions (in {brief(path)})")
            close = path.find("]", position)
            if path.startswith("[", position) and "," in path[position : close if close >= 0 else None]:
                raise Unsupported(f"JSONPath unions (in {brief(path)})")
            raise PathSyntaxError(
                f"unexpected {brief(path[position : position + 10])} at offset {position} of {brief(path)}"
            )
    return context, tuple(steps)


def _integer(digits: str, path: str) -> int:
    if len(digits.lstrip("-")) > MAX_NUMBER_LITERAL:
        raise PathSyntaxError(f"an index has at most {MAX_NUMBER_LITERAL} digits, in {brief(path)}")
    return int(digits)


def check(path: str, *, reference: bool = False) -> None:
    """Raise :class:`PathSyntaxError` when ``path`` is not a path (a reference path when
    ``reference``); syntax outside the subset passes (it fails when run, naming itself)."""
    try:
        _, steps = parse(path)
    except Unsupported:
        if reference:
            raise PathSyntaxError(f"a reference path names one node; {brief(path)} does not") from None
        return
    if reference and any(kind in ("all", "slice") for kind, _ in steps):
        raise PathSyntaxError(f"a reference path names one node (no '*' or slices), got {brief(path)}")


def is_definite(steps: list[Step]) -> bool:
    return all(kind in ("name", "index") for kind, _ in steps)


def read(path: str, data: Any, context: Any = None) -> Any:
    """The value ``path`` selects in ``data`` (``$``) or ``context`` (``$$``).

    A definite path answers the one value; an indefinite path the list of matches.

    Raises:
        StatesError: ``States.Runtime`` when a definite path selects nothing.
    """
    is_context, steps = parse(path)
    nodes = [context if is_context else data]
    for kind, arg in steps:
        found: list[Any] = []
        for node in nodes:
            if kind == "name":
                if isinstance(node, dict) and arg in node:
                    found.append(node[arg])
            elif kind == "index":
                if isinstance(node, list) and -len(node) <= arg < len(node):
                    found.append(node[arg])
            elif kind == "all":
                if isinstance(node, list):
                    found.extend(node)
                elif isinstance(node, dict):
                    found.extend(node.values())
            elif isinstance(node, list):
                found.extend(node[arg[0] : arg[1]])
        nodes = found
        if not nodes and is_definite(steps):
            break
    if is_definite(steps):
        if not nodes and is_context:
            raise StatesError(RUNTIME, f"the context object has nothing at {brief(path)}; {CONTEXT_FIELDS}")
        if not nodes:
            raise StatesError(RUNTIME, f"the path {brief(path)} selects nothing in the input")
        return nodes[0]
    return nodes


def exists(path: str, data: Any, context: Any = None) -> bool:
    """Whether the definite ``path`` selects a node (``IsPresent``)."""
    try:
        read(path, data, context)
    except StatesError:
        return False
    return True


def write(path: str, data: Any, value: Any) -> Any:
    """``data`` with ``value`` put where the reference ``path`` says (spec: "ResultPath").

    ``$`` replaces the whole input. Missing objects on the way are created; the input itself
    is not changed (the answer shares unchanged parts with it).

    Raises:
        StatesError: ``States.ResultPathMatchFailure`` when a step meets a value that is not
            an object (or an array, for an index), or an index out of range.
    """
    is_context, steps = parse(path)
    if is_context:
        raise StatesError(RUNTIME, f"ResultPath cannot write the context object ({brief(path)})")
    if not steps:
        return value

    copies: list[Any] = []  # the containers on the way down, copied (iterative: any length)
    node = data
    for position, (kind, arg) in enumerate(steps):
        if kind == "name":
            if node is None and position > 0:
                node = {}
            if not isinstance(node, dict):
                raise StatesError(
                    RESULT_PATH_MATCH_FAILURE,
                    f"ResultPath {brief(path)}: cannot set field {brief(arg)} on a {type(node).__name__}",
                )
            copies.append(dict(node))
            node = node.get(arg)
        elif kind == "index" and isinstance(node, list) and -len(node) <= arg < len(node):
            copies.append(list(node))
            node = node[arg]
        else:
            raise StatesError(
                RESULT_PATH_MATCH_FAILURE, f"ResultPath {brief(path)} does not name a place in the input"
            )
    written = value
    for (_, arg), container in zip(reversed(steps), reversed(copies), strict=True):
        container[arg] = written
        written = container
    return written
