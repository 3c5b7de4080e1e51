"""Hypothesis strategies for request bodies, from the contract's request schemas (oas.json) and
from hostile generators, for the fuzz tests of the emulator.

``contract_bodies(method, template)`` draws bodies that the contract's schema allows (mostly),
and the same with one field broken (a required one missing, a wrong type, an unknown field).
``hostile_json`` draws JSON text meant to hurt a parser: deep, wide, huge, ``NaN``/``Infinity``,
duplicate keys, invalid UTF-8, lone surrogates, numbers out of range.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from tests.contract import load_contract

SHORT_TEXT = st.text(max_size=20)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | SHORT_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(SHORT_TEXT, children, max_size=4),
    max_leaves=12,
)
WRONG_VALUES = st.sampled_from([None, True, 0, -1, 2**64, 1.5, "", "x" * 5000, [], {}, [None], {"": None}])


def _from_schema(
    schema: Mapping[str, Any], definitions: Mapping[str, Any], named: dict[str, Any] | None = None
) -> st.SearchStrategy[Any]:
    """Values valid for one OpenAPI 3.0 schema (the subset the contract's requests use).
    ``named``: the strategy of each named schema met so far; a schema that contains itself (a
    2024-11-29 ground truth value may be a list of ground truths) refers to its own strategy."""
    named = {} if named is None else named
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in named:
            built: list[st.SearchStrategy[Any]] = []
            named[name] = st.deferred(lambda: built[0])  # drawn after it is built below
            built.append(_from_schema(definitions[name], definitions, named))
        return named[name]  # type: ignore[no-any-return]
    if "anyOf" in schema:
        base = st.one_of([_from_schema(option, definitions, named) for option in schema["anyOf"]])
    elif "enum" in schema:
        base = st.sampled_from(schema["enum"])
    else:
        base = _typed(schema, definitions, named)
    return st.none() | base if schema.get("nullable") else base


def _typed(
    schema: Mapping[str, Any], definitions: Mapping[str, Any], named: dict[str, Any]
) -> st.SearchStrategy[Any]:
    kind = schema.get("type")
    if kind == "object":
        return _object(schema, definitions, named)
    if kind == "array":
        items = _from_schema(schema.get("items", {}), definitions, named)
        return st.lists(items, min_size=schema.get("minItems", 0), max_size=3)
    if kind == "string":
        low, high = schema.get("minLength", 0), min(schema.get("maxLength", 40), 40)
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True).filter(
                lambda text: low <= len(text) <= high
            )
        return st.text(min_size=low, max_size=max(low, high))
    if kind == "integer":
        return st.integers(min_value=schema.get("minimum", -(2**40)), max_value=schema.get("maximum", 2**40))
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    return json_values


def _object(
    schema: Mapping[str, Any], definitions: Mapping[str, Any], named: dict[str, Any]
) -> st.SearchStrategy[Any]:
    properties = schema.get("properties", {})
    required = set(schema.get("required", ()))
    fixed = st.fixed_dictionaries(
        {name: _from_schema(properties[name], definitions, named) for name in properties if name in required},
        optional={
            name: _from_schema(rule, definitions, named)
            for name, rule in properties.items()
            if name not in required
        },
    )
    additional = schema.get("additionalProperties", not properties)
    if additional:
        rule = json_values if additional is True else _from_schema(additional, definitions, named)
        extra = st.dictionaries(st.from_regex(r"[A-Za-z_]{1,12}", fullmatch=True), rule, max_size=3)
        fixed = st.tuples(fixed, extra).map(lambda parts: {**parts[1], **parts[0]})
    least = schema.get("minProperties", 0)
    return fixed.filter(lambda value: len(value) >= least) if least else fixed


@st.composite
def _broken(draw: st.DrawFn, valid: st.SearchStrategy[Any]) -> Any:
    """A valid body with one thing wrong."""
    body = draw(valid)
    if not isinstance(body, dict):
        return draw(WRONG_VALUES)
    body = dict(body)
    how = draw(st.sampled_from(("drop", "wrong", "unknown")))
    if how == "drop" and body:
        del body[draw(st.sampled_from(sorted(body)))]
    elif how == "wrong" and body:
        body[draw(st.sampled_from(sorted(body)))] = draw(WRONG_VALUES)
    else:
        body[draw(st.text(min_size=1, max_size=12))] = draw(json_values)
    return body


def contract_bodies(method: str, template: str, version: str = "2021-09-23") -> st.SearchStrategy[Any] | None:
    """Bodies for one operation from its request schema in the contract ``version`` (None: no
    body, or no contract)."""
    contract = load_contract(version)
    if contract is None:
        return None
    operation = contract.document["paths"].get(template, {}).get(method.lower(), {})
    request_body = operation.get("requestBody")
    if request_body is None:
        return None
    schema = request_body["content"]["application/json"]["schema"]
    valid = _from_schema(schema, contract.document["components"]["schemas"])
    return st.one_of(valid, _broken(valid))


def _nested(depth: int, kind: str) -> bytes:
    if kind == "array":
        return b"[" * depth + b"]" * depth
    return b'{"a":' * (depth - 1) + b"{}" + b"}" * (depth - 1)


DEPTHS = st.sampled_from([200, 256, 257, 990, 5_000, 50_000])
hostile_json = st.one_of(
    st.tuples(DEPTHS, st.sampled_from(["array", "object"])).map(lambda args: _nested(*args)),
    st.sampled_from([10, 100_001, 300_000]).map(lambda count: b"[" + b"[]," * (count - 1) + b"[]]"),
    st.sampled_from([1_000_000, 6_250_000, 9_000_000]).map(
        lambda size: b'{"content":"' + b"A" * size + b'"}'
    ),
    st.sampled_from(
        [
            b'{"name": NaN}',
            b'{"name": Infinity}',
            b'{"data": {"x": -Infinity}}',
            b'{"width": 1e999}',
            b'{"width": ' + b"9" * 5000 + b"}",
            b'{"name": "a", "name": 5, "name": null}',
            b'{"name": "\xff\xfe"}',
            b'{"name": "\xed\xa0\x80"}',  # a surrogate encoded in UTF-8
            b'{"name": "\\ud800"}',
            b'{"data": {"\\udc00": 1}}',
            b'{"name": "\\u0000"}',
            b"\xef\xbb\xbf{}",  # a byte order mark
            b'{"name": "unterminated',
            b"[" * 300,
            b'"\\' + b"\\" * 1000,
            b"{}" * 1000,
            b"",
            b"   ",
        ]
    ),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=64),
)
