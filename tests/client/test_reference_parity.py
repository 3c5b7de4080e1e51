"""las.Client and las.Credentials have every method and parameter of the reference client."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path
from typing import Any

import pytest

import las
from tests.contract import SHARED_DIR

REFERENCE = SHARED_DIR / "api" / "client-reference.txt"
SIGNATURE = re.compile(r"^(?:class las\.)?([A-Za-z_]+)\((.*)\)$")


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current.strip())
    return parts


def _parse_parameters(text: str) -> list[tuple[str, str, Any]]:
    """(name, kind, default) per parameter; default is inspect.Parameter.empty when absent."""
    parameters, keyword_only = [], False
    for part in _split_top_level(text):
        if part == "*":
            keyword_only = True
            continue
        if part.startswith("**"):
            parameters.append((part[2:].split(":")[0].strip(), "VAR_KEYWORD", inspect.Parameter.empty))
            continue
        name_and_type, _, default_text = part.partition("=")
        name = name_and_type.split(":")[0].strip()
        default: Any = inspect.Parameter.empty
        if default_text:
            try:
                default = ast.literal_eval(default_text.strip())
            except ValueError:
                default = default_text.strip()  # e.g. Path('~/...').expanduser(): compared loosely
        kind = "KEYWORD_ONLY" if keyword_only else "POSITIONAL_OR_KEYWORD"
        parameters.append((name, kind, default))
    return parameters


def _reference_signatures() -> dict[str, dict[str, list[tuple[str, str, Any]]]]:
    if not REFERENCE.exists():
        pytest.skip(f"{REFERENCE} not found (set LAS_SHARED_DIR): the parity test needs the reference")
    owners: dict[str, dict[str, list[tuple[str, str, Any]]]] = {"Client": {}, "Credentials": {}}
    owner = None
    for line in REFERENCE.read_text().splitlines():
        match = SIGNATURE.match(line.strip())
        if not match:
            continue
        name, parameters = match.groups()
        if line.startswith("class las."):
            owner = name
            owners[owner]["__init__"] = _parse_parameters(parameters)
        elif owner == "Client" and not name[0].isupper():
            owners[owner][name] = _parse_parameters(parameters)
    return owners


def _actual(function: Any) -> list[tuple[str, str, Any]]:
    signature = inspect.signature(function)
    return [(p.name, p.kind.name, p.default) for p in signature.parameters.values() if p.name != "self"]


def test_reference_lists_the_whole_client() -> None:
    methods = _reference_signatures()["Client"]
    assert len(methods) > 60  # the parser found the reference's methods


def _differences(name: str, expected: list[tuple[str, str, Any]], function: Any) -> list[str]:
    """How ``function``'s signature fails to accept every call the reference's accepts, the
    same way: each reference parameter keeps its name, its position (if positional) and its
    default (one without a default may gain one: more calls are accepted, none changes); a
    parameter beyond the reference (lucidtech-las 11.4.1's, or ours) is optional and comes after
    the reference's positional ones. A method that takes ``*args`` (``create_model``, whose
    reference and 11.4.1 shapes differ in their positional parameters) must still take each of
    the reference's positional parameters by name; tests/client/test_client_requests.py sends
    both shapes."""
    actual = {parameter.name: parameter for parameter in inspect.signature(function).parameters.values()}
    actual.pop("self", None)
    order = list(actual)
    takes_args = any(parameter.kind is parameter.VAR_POSITIONAL for parameter in actual.values())
    problems = []
    for position, (parameter_name, kind, default) in enumerate(expected):
        if kind == "VAR_KEYWORD":
            if not any(parameter.kind is parameter.VAR_KEYWORD for parameter in actual.values()):
                problems.append(f"{name}: no **{parameter_name}")
            continue
        found = actual.get(parameter_name)
        if found is None:
            problems.append(f"{name}: no parameter {parameter_name}")
            continue
        if (
            kind == "POSITIONAL_OR_KEYWORD"
            and not takes_args
            and (found.kind is not found.POSITIONAL_OR_KEYWORD or order.index(parameter_name) != position)
        ):
            problems.append(f"{name}: {parameter_name} is not the positional parameter {position + 1}")
        if default is not inspect.Parameter.empty and found.default != default:
            problems.append(f"{name}: {parameter_name} defaults to {found.default!r}, not {default!r}")
    known = {parameter_name for parameter_name, _, _ in expected}
    positional = [n for n, kind, _ in expected if kind == "POSITIONAL_OR_KEYWORD"]
    for parameter in actual.values():
        if parameter.name in known or parameter.kind in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL):
            continue
        if parameter.default is parameter.empty:
            problems.append(f"{name}: {parameter.name} goes beyond the reference but is required")
        if parameter.kind is parameter.POSITIONAL_OR_KEYWORD and order.index(parameter.name) < len(
            positional
        ):
            problems.append(f"{name}: {parameter.name} takes the place of a reference parameter")
    return problems


def test_client_has_every_reference_method_with_the_same_parameters() -> None:
    mismatches = []
    for name, expected in _reference_signatures()["Client"].items():
        method = las.Client.__init__ if name == "__init__" else getattr(las.Client, name, None)
        if method is None:
            mismatches.append(f"missing method {name}")
            continue
        mismatches += _differences(name, expected, method)
    assert not mismatches, "\n".join(mismatches)


def test_the_parity_rule_catches_what_would_break_reference_calls() -> None:
    """The rule above is not vacuous: each way of breaking a reference call is reported."""
    expected = [("a", "POSITIONAL_OR_KEYWORD", inspect.Parameter.empty), ("b", "KEYWORD_ONLY", None)]

    def renamed(x: Any, *, b: Any = None) -> None: ...
    def moved(new: Any = None, a: Any = None, *, b: Any = None) -> None: ...
    def new_default(a: Any, *, b: Any = 1) -> None: ...
    def required_extra(a: Any, *, b: Any = None, c: Any) -> None: ...
    def fine(a: Any = None, d: Any = None, *, b: Any = None, c: Any = None) -> None: ...

    assert _differences("f", expected, renamed) == [
        "f: no parameter a",
        "f: x goes beyond the reference but is required",
        "f: x takes the place of a reference parameter",
    ]
    assert "f: a is not the positional parameter 1" in _differences("f", expected, moved)
    assert _differences("f", expected, new_default) == ["f: b defaults to 1, not None"]
    assert _differences("f", expected, required_extra) == ["f: c goes beyond the reference but is required"]
    assert _differences("f", expected, fine) == []


def test_credentials_has_the_reference_signature() -> None:
    expected = _reference_signatures()["Credentials"]["__init__"]
    # The cache path's default is written as an expression in the reference: compared below.
    assert (
        _differences(
            "Credentials", [(n, k, inspect.Parameter.empty) for n, k, _ in expected], las.Credentials
        )
        == []
    )
    actual = _actual(las.Credentials.__init__)
    assert [d for _, _, d in actual[: len(expected) - 1]] == [d for _, _, d in expected[:-1]]
    assert actual[len(expected) - 1][2] == Path("~/.lucidtech/token-cache.json").expanduser()


ELEVEN = SHARED_DIR / "api" / "client-methods-11.4.1.txt"


def test_client_has_every_method_of_lucidtech_las_11_4_1_with_its_parameters() -> None:
    """Code written for lucidtech-las 11.4.1's Client calls the same methods with the same
    arguments here (the rule of the reference's parity, applied to 11.4.1's signatures)."""
    if not ELEVEN.exists():
        pytest.skip(f"{ELEVEN} not found (set LAS_SHARED_DIR)")
    signatures = {}
    for line in ELEVEN.read_text().splitlines():
        match = re.match(r"^Client\.(\w+)\((.*)\)$", line.strip())
        if match:
            signatures[match.group(1)] = _parse_parameters(match.group(2))
    assert len(signatures) == 85
    mismatches = []
    for name, expected in signatures.items():
        method = getattr(las.Client, name, None)
        if method is None:
            mismatches.append(f"missing method {name}")
            continue
        mismatches += _differences(name, expected, method)
    assert not mismatches, "\n".join(mismatches)
