"""The emulator's limits on definitions and executions, and the measure of JSON values.

Every definition, input and value the emulator handles is bounded, so that no definition can
crash it, exhaust its memory or stall the other clients (docs/emulator-workflows.md, "Limits"):

* A definition nests objects and arrays at most :data:`MAX_DEPTH` levels deep, holds only
  JSON values (no ``NaN`` or infinities), has at most :data:`MAX_STATES` states in all its
  machines, and Parallel/Map states nest at most :data:`MAX_MACHINE_NESTING` deep; an
  intrinsic call nests at most :data:`MAX_INTRINSIC_NESTING` calls (as in Step Functions); a
  time in seconds is at most :data:`MAX_SECONDS` (Step Functions' maximum). Over a limit,
  ``POST /workflows`` answers 400 naming it.
* An execution's input, and every state's input after ``Parameters``, result and output, is at
  most :data:`MAX_PAYLOAD` (256 KiB, Step Functions' quota) and :data:`MAX_DEPTH` levels deep,
  else the state fails with ``States.DataLimitExceeded`` (which ``States.ALL`` does not catch,
  as in Step Functions). So is every intrinsic function's result, and a Map's or Parallel's list
  of results as it grows.
* An execution enters at most :data:`MAX_STATES_ENTERED` states and produces at most
  :data:`MAX_DATA_PRODUCED` bytes of new data in all, else it fails with ``States.Runtime``.
* The runner holds the emulator's lock for at most :data:`SLICE` units of work (a state
  entered, or a KiB of new data) at a time; then it lets other requests in and carries on.

:class:`Meter` measures values as compact JSON (characters, not bytes: close enough for a
limit) and remembers what it measured, so a value passed from state to state is measured once
and data shared many times over (``{"a.$": "$", "b.$": "$"}`` in a loop) is measured in the
time it took to build, not in the exponential time of writing it out.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

MAX_DEPTH = 200  # levels of nested objects and arrays, in definitions and in data
MAX_STATES = 10_000  # states of a definition, every Parallel branch and Map processor included
MAX_MACHINE_NESTING = 40  # Parallel/Map states inside each other
MAX_INTRINSIC_NESTING = 10  # "You can nest up to 10 intrinsic functions within a field"
MAX_SECONDS = 99_999_999  # Step Functions' largest Seconds, TimeoutSeconds, HeartbeatSeconds, ...
MAX_NUMBER_LITERAL = 40  # characters of a number in an intrinsic call
MAX_ARRAY_RANGE = 1000  # items States.ArrayRange may produce (as in Step Functions)
MAX_PAYLOAD = 256 * 1024  # a state's input, result or output, as compact JSON
MAX_STATES_ENTERED = 25_000  # per execution, like Step Functions' 25,000 history events
MAX_DATA_PRODUCED = 16 * 1024 * 1024  # new data an execution may produce in all
SLICE = 500  # units of work (a state entered, a KiB of new data) per hold of the lock
MAX_LOG_MESSAGE = 1000  # characters of one event of an execution's log
MAX_ERROR = 256  # characters of an error name (Step Functions' limit)
MAX_CAUSE = 32_768  # characters of an error cause (Step Functions' limit)

_KNOWN_LIMIT = 100_000  # values a Meter remembers before it forgets them all
_LONG_STRING = 1024  # strings at least this long are remembered too
_FLAT = 8  # containers of scalars at least this long are measured by json.dumps
_SCALARS = frozenset({str, int, float, bool, type(None)})
_BIG = 10**15  # integers beyond are measured by their bits (str() of a huge one is slow)


class DataProblem(ValueError):
    """A value that is not JSON, is nested deeper than :data:`MAX_DEPTH` or is too large."""

    @staticmethod
    def too_deep() -> str:
        return f"nested more than {MAX_DEPTH} levels deep (the emulator's limit)"

    @staticmethod
    def too_large(what: str, size: int) -> str:
        return (
            f"{what} is {size:,} characters as JSON, over the limit of {MAX_PAYLOAD:,} "
            "(256 KiB, Step Functions' quota)"
        )


def brief(value: Any, width: int = 60) -> str:
    """``repr(value)``, cut to about ``width`` characters (for messages quoting user input)."""
    if isinstance(value, (dict, list)) and len(value) > width:
        return f"<{type(value).__name__} of {len(value)} items>"
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, saying how much was left out."""
    if len(text) <= width:
        return text
    return f"{text[: width - 40]}... ({len(text) - width + 40} more characters)"


def _scalar_size(value: Any, where: str) -> int:
    if isinstance(value, str):
        return len(value) + 2
    if value is None or value is True:
        return 4
    if value is False:
        return 5
    if isinstance(value, int):
        return len(str(value)) if -_BIG < value < _BIG else value.bit_length() * 3 // 10 + 2
    if isinstance(value, float):
        if not math.isfinite(value):
            raise DataProblem(f"{where}: {value!r} is not a JSON number")
        return len(repr(value))
    raise DataProblem(f"{where}: a {type(value).__name__} is not a JSON value")


def walk_depth(value: Any, limit: int = MAX_DEPTH) -> tuple[str, str] | None:
    """The first problem of ``value`` as JSON, as ``(where, rule)``, or None.

    Iterative, in time linear in the size of ``value`` (any depth is safe): nesting deeper
    than ``limit``, a non-finite number, or a Python value JSON does not have. ``where`` is a
    path like ``States.a.Choices[0]`` (its first steps only).
    """
    # (node, its depth, the way to it as nested (step, way to the parent) pairs)
    stack: list[tuple[Any, int, tuple[Any, ...]]] = [(value, 0, ())]
    while stack:
        node, depth, way = stack.pop()
        if isinstance(node, dict):
            if depth >= limit:
                return _where(
                    way
                ), f"objects and arrays nest more than {limit} levels deep (the emulator's limit)"
            stack.extend((child, depth + 1, (f".{cut(str(key), 40)}", way)) for key, child in node.items())
        elif isinstance(node, list):
            if depth >= limit:
                return _where(
                    way
                ), f"objects and arrays nest more than {limit} levels deep (the emulator's limit)"
            stack.extend((child, depth + 1, (f"[{index}]", way)) for index, child in enumerate(node))
        elif not isinstance(node, (str, int)) or isinstance(node, float):
            try:
                _scalar_size(node, "")
            except DataProblem as problem:
                return _where(way), str(problem).lstrip(": ")
    return None


def _where(way: tuple[Any, ...], shown: int = 6) -> str:
    steps: list[str] = []
    while way:
        step, way = way
        steps.append(step)
    steps.reverse()
    return "".join(steps[:shown]).lstrip(".") + ("..." if len(steps) > shown else "")


class Meter:
    """Measures JSON values (compact size and depth) and counts the new data it measured.

    Values it measured are remembered by identity (with a reference, so an id is never
    reused) until :data:`_KNOWN_LIMIT` of them are held; the runner never changes a value it
    has passed on, so a remembered size stays true. :attr:`produced` is the size of every value
    measured for the first time: the data an execution built.
    """

    def __init__(self) -> None:
        self._known: dict[int, tuple[Any, int, int]] = {}
        self.produced = 0

    def forget(self) -> None:
        self._known.clear()

    def check(self, value: Any, what: str) -> int:
        """The size of ``value``, at most :data:`MAX_PAYLOAD`.

        Raises:
            DataProblem: too large, too deep or not JSON; the message names ``what``.
        """
        try:
            size, _ = self.measure(value)
        except DataProblem as problem:
            raise DataProblem(f"{what}: {problem}") from None
        if size > MAX_PAYLOAD:
            raise DataProblem(DataProblem.too_large(what, size))
        return size

    def measure(self, value: Any) -> tuple[int, int]:
        """``(size, depth)`` of ``value`` as compact JSON (depth 0 for a scalar).

        Raises:
            DataProblem: not JSON (a non-finite number, a Python object), or nested deeper
                than :data:`MAX_DEPTH`.
        """
        kind = type(value)
        if kind is not dict and kind is not list:
            if kind is str and len(value) >= _LONG_STRING:
                return self._long_string(value), 0
            size = _scalar_size(value, "a value")
            self.produced += size
            return size, 0
        if len(self._known) > _KNOWN_LIMIT:
            self._known.clear()
        seen = self._known.get(id(value)) or self._flat(value)
        if seen is not None:
            return seen[1], seen[2]
        return self._walk(value)

    def _walk(self, value: dict[str, Any] | list[Any]) -> tuple[int, int]:
        """Measure the container ``value``, which is not known yet: depth first, without
        recursion; scalars are summed where they stand, known containers looked up."""
        known = self._known
        new = 0  # bytes measured for the first time: brackets, keys and scalars of new containers
        # the containers open above the current one: (container, its children left, size, depth)
        stack: list[tuple[Any, Iterator[Any], int, int]] = []
        node, children, size, depth = _open(value)
        new += size
        while True:
            for child in children:
                kind = type(child)
                if kind is str:
                    if len(child) < _LONG_STRING:
                        size += len(child) + 2
                        new += len(child) + 2
                    else:
                        size += self._long_string(child)
                elif kind is int:
                    digits = len(str(child)) if -_BIG < child < _BIG else child.bit_length() * 3 // 10 + 2
                    size += digits
                    new += digits
                elif kind is dict or kind is list:
                    seen = known.get(id(child)) or self._flat(child)
                    if seen is None:
                        if len(stack) + 1 >= MAX_DEPTH:
                            self.produced += new
                            raise DataProblem(DataProblem.too_deep())
                        stack.append((node, children, size, depth))
                        node, children, size, depth = _open(child)
                        new += size
                        break
                    size += seen[1]
                    if seen[2] > depth:
                        depth = seen[2]
                else:
                    scalar = _scalar_size(child, "a value")
                    size += scalar
                    new += scalar
            else:  # every child measured: the container is done
                if depth + 1 > MAX_DEPTH:  # through a known child
                    self.produced += new
                    raise DataProblem(DataProblem.too_deep())
                known[id(node)] = (node, size, depth + 1)
                if not stack:
                    self.produced += new
                    return size, depth + 1
                child_size, child_depth = size, depth + 1
                node, children, size, depth = stack.pop()
                size += child_size
                if child_depth > depth:
                    depth = child_depth

    def _flat(self, node: dict[str, Any] | list[Any]) -> tuple[Any, int, int] | None:
        """The entry of a long container of scalars, measured at C speed; None for others."""
        if len(node) < _FLAT or not set(map(type, node.values() if type(node) is dict else node)) <= _SCALARS:
            return None
        try:
            size = len(json.dumps(node, ensure_ascii=False, allow_nan=False, separators=(",", ":")))
        except ValueError:  # NaN or infinity: the walk names it
            return None
        entry = self._known[id(node)] = (node, size, 1)
        self.produced += size
        return entry

    def _long_string(self, text: str) -> int:
        seen = self._known.get(id(text))
        if seen is not None:
            return int(seen[1])
        size = len(text) + 2
        self._known[id(text)] = (text, size, 0)
        self.produced += size
        return size


def _open(node: dict[str, Any] | list[Any]) -> tuple[Any, Iterator[Any], int, int]:
    """``(node, its children, its own size, 0)``: what :meth:`Meter._walk` starts ``node`` with."""
    own = 2 + max(len(node) - 1, 0)  # brackets and commas
    if type(node) is dict:
        own += sum(len(key) + 3 for key in node)  # keys, quotes and colons
        return node, iter(node.values()), own, 0
    return node, iter(node), own, 0
