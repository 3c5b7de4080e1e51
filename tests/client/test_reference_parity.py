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


def test_client_has_every_reference_method_with_the_same_parameters() -> None:
    mismatches = []
    for name, expected in _reference_signatures()["Client"].items():
        method = las.Client.__init__ if name == "__init__" else getattr(las.Client, name, None)
        if method is None:
            mismatches.append(f"missing method {name}")
            continue
        # The reference's parameters come first, unchanged; options beyond it (session=, a field
        # the reference cannot send) are keyword-only with a default, so its callers never see them.
        actual = _actual(method)
        extras = actual[len(expected) :]
        if actual[: len(expected)] != expected:
            mismatches.append(f"{name}: reference {expected} != las {actual}")
        for extra_name, kind, default in extras:
            if kind not in ("KEYWORD_ONLY", "VAR_KEYWORD") or (
                default is inspect.Parameter.empty and kind != "VAR_KEYWORD"
            ):
                mismatches.append(
                    f"{name}: {extra_name} goes beyond the reference but is not an optional keyword"
                )
    assert not mismatches, "\n".join(mismatches)


def test_credentials_has_the_reference_signature() -> None:
    expected = _reference_signatures()["Credentials"]["__init__"]
    actual = _actual(las.Credentials.__init__)
    assert [(n, k) for n, k, _ in actual] == [(n, k) for n, k, _ in expected]
    assert [d for _, _, d in actual[:-1]] == [d for _, _, d in expected[:-1]]
    assert actual[-1][2] == Path("~/.lucidtech/token-cache.json").expanduser()
