"""Choice rules (spec: "Choice Rules"): checking them at create and evaluating them.

A rule is a comparison (``Variable`` plus one operator), or a boolean expression ``And``/``Or``
(a non-empty list of rules) or ``Not`` (one rule). A comparison whose variable has the wrong
type for the operator is false (``NumericEquals`` on a string); a ``Variable`` that selects
nothing fails the execution with ``States.Runtime``, except in ``IsPresent``. ``*Path``
operators compare with the value another path selects in the same input. ``StringMatches``
takes time linear in the value and the pattern (it never backtracks).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from las.testing._asl import paths
from las.testing._asl.limits import brief

_TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
)


def parse_timestamp(value: Any) -> datetime | None:
    """``value`` as an aware datetime if it is an RFC 3339 timestamp string, else None."""
    if not isinstance(value, str) or not _TIMESTAMP.match(value):
        return None
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    if "." in text:  # Python takes at most 6 fraction digits
        head, _, tail = text.partition(".")
        digits = re.match(r"\d+", tail)
        assert digits is not None
        text = f"{head}.{digits.group(0)[:6].ljust(6, '0')}{tail[digits.end() :]}"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _string_matches(value: str, pattern: str) -> bool:
    """``*`` matches any run of characters; ``\\*`` a star and ``\\\\`` a backslash.

    Linear, never backtracking: the text between stars must start ``value`` (the first
    piece), end it (the last) and occur in order in between, each as early as it can.
    """
    first, *middle, last = _wildcard_pieces(pattern) if len(pattern) <= 1000 else _pieces(pattern)
    if not middle and last is None:
        return bool(value == first)
    last = last or ""
    if len(value) < len(first) + len(last) or not value.startswith(first) or not value.endswith(last):
        return False
    position, end = len(first), len(value) - len(last)
    for piece in middle:
        found = value.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


@functools.lru_cache(maxsize=256)
def _wildcard_pieces(pattern: str) -> tuple[Any, ...]:
    return _pieces(pattern)


def _pieces(pattern: str) -> tuple[Any, ...]:
    """The literal text between the unescaped stars of ``pattern``; ``(text, None)`` without a
    star."""
    pieces: list[list[str]] = [[]]
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            pieces[-1].append(pattern[index + 1])
            index += 2
            continue
        if char == "*":
            pieces.append([])
        else:
            pieces[-1].append(char)
        index += 1
    texts = ["".join(piece) for piece in pieces]
    return (texts[0], None) if len(texts) == 1 else tuple(texts)


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "Equals": lambda a, b: a == b,
    "LessThan": lambda a, b: a < b,
    "GreaterThan": lambda a, b: a > b,
    "LessThanEquals": lambda a, b: a <= b,
    "GreaterThanEquals": lambda a, b: a >= b,
}

# operator -> (kind of the compared values, how they compare)
COMPARISONS: dict[str, tuple[str, Callable[[Any, Any], bool]]] = {}
for _suffix, _compare in _ORDER.items():
    COMPARISONS[f"String{_suffix}"] = ("string", _compare)
    COMPARISONS[f"Numeric{_suffix}"] = ("number", _compare)
    COMPARISONS[f"Timestamp{_suffix}"] = ("timestamp", _compare)
COMPARISONS["BooleanEquals"] = ("boolean", lambda a, b: a == b)
COMPARISONS["StringMatches"] = ("string", _string_matches)

TYPE_TESTS = ("IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp")
OPERATORS = [*COMPARISONS, *(f"{name}Path" for name in COMPARISONS if name != "StringMatches"), *TYPE_TESTS]
BOOLEAN = ("And", "Or", "Not")


def _coerce(kind: str, value: Any) -> Any:
    """``value`` as the comparable of ``kind``, or None when it is not of that kind."""
    if kind == "string":
        return value if isinstance(value, str) else None
    if kind == "number":
        return value if _is_number(value) else None
    if kind == "boolean":
        return value if isinstance(value, bool) else None
    return parse_timestamp(value)


def check_rule(rule: Any, where: str, *, top: bool) -> list[str]:
    """Problems of one rule, each as ``"<where>: <rule broken>"`` (empty when valid)."""
    if not isinstance(rule, dict):
        return [f"{where}: a Choice rule must be an object"]
    problems: list[str] = []
    if top and not isinstance(rule.get("Next"), str):
        problems.append(f"{where}.Next: a top-level Choice rule must have a Next state")
    if not top and "Next" in rule:
        problems.append(f"{where}.Next: only top-level Choice rules have a Next")
    used = [name for name in (*OPERATORS, *BOOLEAN) if name in rule]
    if len(used) != 1:
        found = ", ".join(used) or "none"
        return [
            *problems,
            f"{where}: a Choice rule has exactly one operator (And, Or, Not or a comparison); found {found}",
        ]
    operator = used[0]
    if operator in ("And", "Or"):
        rules = rule[operator]
        if not isinstance(rules, list) or not rules:
            return [*problems, f"{where}.{operator}: must be a non-empty array of rules"]
        for index, inner in enumerate(rules):
            problems += check_rule(inner, f"{where}.{operator}[{index}]", top=False)
        return problems
    if operator == "Not":
        return problems + check_rule(rule["Not"], f"{where}.Not", top=False)
    variable = rule.get("Variable")
    if not isinstance(variable, str):
        return [*problems, f"{where}.Variable: a comparison needs a Variable path"]
    try:
        paths.check(variable)
    except paths.PathSyntaxError as error:
        problems.append(f"{where}.Variable: {error}")
    value = rule[operator]
    if operator in TYPE_TESTS:
        if not isinstance(value, bool):
            problems.append(f"{where}.{operator}: must be true or false")
    elif operator.endswith("Path"):
        try:
            paths.check(value)
        except paths.PathSyntaxError as error:
            problems.append(f"{where}.{operator}: {error}")
    else:
        kind = COMPARISONS[operator][0]
        if kind == "timestamp" and parse_timestamp(value) is None:
            problems.append(f"{where}.{operator}: must be an RFC 3339 timestamp string, got {brief(value)}")
        elif kind != "timestamp" and _coerce(kind, value) is None:
            problems.append(f"{where}.{operator}: must be a {kind}, got {brief(value)}")
    return problems


def evaluate(rule: dict[str, Any], data: Any, context: Any) -> bool:
    """Whether ``rule`` holds for ``data`` (the Choice state's effective input).

    Raises:
        StatesError: ``States.Runtime`` when ``Variable`` (or a ``*Path`` operand) selects
            nothing (except under ``IsPresent``).
    """
    if "And" in rule:
        return all(evaluate(inner, data, context) for inner in rule["And"])
    if "Or" in rule:
        return any(evaluate(inner, data, context) for inner in rule["Or"])
    if "Not" in rule:
        return not evaluate(rule["Not"], data, context)
    variable = rule["Variable"]
    if "IsPresent" in rule:
        return paths.exists(variable, data, context) is bool(rule["IsPresent"])
    value = paths.read(variable, data, context)
    for test, holds in (
        ("IsNull", value is None),
        ("IsNumeric", _is_number(value)),
        ("IsString", isinstance(value, str)),
        ("IsBoolean", isinstance(value, bool)),
        ("IsTimestamp", parse_timestamp(value) is not None),
    ):
        if test in rule:
            return holds is bool(rule[test])
    for operator, (kind, compare) in COMPARISONS.items():
        if operator in rule:
            expected = rule[operator]
        elif f"{operator}Path" in rule:
            expected = paths.read(rule[f"{operator}Path"], data, context)
        else:
            continue
        left = _coerce(kind, value)
        right = expected if operator == "StringMatches" else _coerce(kind, expected)
        if left is None or right is None:
            return False
        return bool(compare(left, right))
    raise AssertionError(f"unchecked Choice rule {rule!r}")  # check_rule refuses it at create
