"""Generate what the emulator needs of each API contract, and check that it has not drifted.

The emulator (``las.testing``) must not read the contracts at run time (they live in
``../shared/api``, outside the package), so what it needs of them is written as Python into
``las/testing``, checked in, marked generated, and compared with a fresh generation by
``tests/testing/test_contract_tables.py`` whenever ``../shared`` is present:

- ``las/testing/_contract_2021.py`` from ``oas.json`` (2021-09-23): every operation and the shape
  of its answer. Its request rules stay the hand-written tables of ``las.testing._validation``.
- ``las/testing/_contract_2024.py`` from ``oas-2024-11-29.json``: every operation, the shape of
  its answer, and its request rules: the body (every schema keyword the contract uses: types,
  required, enums, patterns, bounds, ``additionalProperties``, ``patternProperties``, ``anyOf``,
  ``oneOf``, ``nullable``, a schema that contains itself), the query parameters, the path ids.

What the contract does not say and this generator decides (each a rule here, not a table entry):

- Query parameters are only named by the contract (``type: string``). Their values are checked
  as the answers that echo them describe them: ``status``, ``order``, ``sortBy``,
  ``transitionType`` take the enum of the list answer (else of the entity; ``sortBy`` without
  one takes ``startTime``/``endTime`` as the 2021 tables do); a name ending in ``Id`` takes the
  id patterns the contract gives fields of that name (``owner`` the organization's);
  ``maxResults`` and ``statisticsLastNDays`` a positive integer; ``fromStartTime`` and
  ``toStartTime`` the contract's time pattern. A filter may be repeated unless the list answer
  echoes it as a single value. An unknown parameter stops the generator: decide, then add it.
- Path ids take the patterns the contract gives fields of the same name (the widest when one
  only adds an optional organization prefix; for ``executionId``, the kind of the operation's
  answer).
- :data:`STRICTER` makes a few request rules stricter than the contract where the emulator
  would otherwise answer what the response schemas forbid, or store what it cannot use.

Usage::

    python tools/generate_emulator_contracts.py          # write the modules
    python tools/generate_emulator_contracts.py --check  # exit 1, naming them, if they differ

The contracts are found in ``$LAS_SHARED_DIR/api`` (default ``../shared/api`` beside the
repository). The output is formatted with ``ruff format`` (a dev dependency).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED_API = Path(os.environ.get("LAS_SHARED_DIR") or ROOT.parent / "shared") / "api"
METHODS = ("get", "post", "put", "patch", "delete")
TIME_PATTERN = "^[0-9]{4}-?[0-9]{2}-?[0-9]{2}( |T)?[0-9]{2}:?[0-9]{2}:?[0-9]{2}(.[0-9]{1,6})?(Z|[+][0-9]{2}(:|)[0-9]{2})$"
DESCRIPTIONS = {
    TIME_PATTERN: "an ISO 8601 time like 2021-03-14T12:00:00Z",
    "^[A-Za-z0-9][-+._A-Za-z0-9]*@([-_.A-Za-z0-9]+\\.)+[A-Za-z]{2,}$": "an email address",
    "^http://localhost.*|^https://.*": "an https:// url (or http://localhost...)",
    "^las:transition:commons-[0-9A-Za-z-]+$": "a commons transition id",
}
"""Words for the patterns that are not ids, in refusals (ids are described from their pattern)."""

STRICTER = {
    ("PostDatasets", "retentionInDays"): (
        "Integer(minimum=1, maximum=1825)",
        "datasets answer a retentionInDays of at most 1825",
    ),
    ("PatchDatasetId", "retentionInDays"): (
        "Integer(minimum=1, maximum=1825)",
        "datasets answer a retentionInDays of at most 1825",
    ),
    ("PostDocuments", "content"): (
        "Base64(max_length=6250000)",
        "a document's content is its bytes in base64 (they are stored, hashed and served)",
    ),
    ("PostAssets", "content"): (
        "Base64(max_length=6250000)",
        "an asset's content is base64 (its contentMD5 is answered)",
    ),
    ("PatchAssetId", "content"): (
        "Base64()",
        "an asset's content is base64 (its contentMD5 is answered)",
    ),
}
"""(request schema, property) -> (rule, why): where the 2024 rules are stricter than the contract."""


@dataclass(frozen=True)
class Target:
    contract: str
    source: str
    module: str
    requests: bool  # also generate the request rules (else only operations and answer shapes)


TARGETS = (
    Target("2021-09-23", "oas.json", "las/testing/_contract_2021.py", requests=False),
    Target("2024-11-29", "oas-2024-11-29.json", "las/testing/_contract_2024.py", requests=True),
)


def upper_snake(name: str) -> str:
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).replace("-", "_")
    return re.sub(r"[^A-Za-z0-9_]", "_", words).upper().strip("_") or "VALUE"


def literal(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)


def tuple_of(values: Any) -> str:
    """A tuple literal without a trailing comma (the formatter then keeps it on one line if it fits)."""
    items = [literal(value) for value in values]
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"


# ---------------------------------------------------------------------------------------------
# Describing ids from their patterns

_ID_BODIES = {
    "[a-f0-9]{32}": "<32 hex chars>",
    "[a-z0-9-_]+": "<lowercase letters, digits, - or _>",
    "[0-9A-Za-z-_]{1,32}": "<1 to 32 letters, digits, - or _>",
}
_ORGANIZATION_PREFIX = "(|las:organization:[a-z0-9-_]+/)"
_VERSION_SUFFIX = "(|:@[a-z0-9-_]+|:[0-9]+)"


def describe_pattern(pattern: str) -> str | None:
    """Words for an id pattern (``an id like 'las:model:<...>'``), else :data:`DESCRIPTIONS`."""
    if pattern in DESCRIPTIONS:
        return DESCRIPTIONS[pattern]
    rest = pattern.removeprefix("^").removesuffix("$")
    prefixed = rest.startswith(_ORGANIZATION_PREFIX)
    rest = rest.removeprefix(_ORGANIZATION_PREFIX)
    versioned = rest.endswith(_VERSION_SUFFIX)
    rest = rest.removesuffix(_VERSION_SUFFIX)
    found = re.fullmatch(r"las:([a-z-]+):(.+)", rest)
    if found is None:
        return None
    kind, body = found.groups()
    parts = [_ID_BODIES.get(part) for part in body.split(":")]
    if None in parts:
        return None
    text = f"an id like 'las:{kind}:{':'.join(str(part) for part in parts)}'"
    if versioned:
        text += " (optionally ending ':<version number>' or ':@<alias>')"
    if prefixed:
        text += ", optionally after its owner's 'las:organization:<id>/'"
    return text


def id_kind(pattern: str) -> str | None:
    found = re.search(r"las:([a-z-]+):", pattern.removeprefix("^").removeprefix(_ORGANIZATION_PREFIX))
    return found.group(1) if found else None


# ---------------------------------------------------------------------------------------------
# Code with shared parts named once


class Module:
    """The constants of a generated module: expressions met more than once are named once."""

    def __init__(self) -> None:
        self.constants: dict[str, str] = {}
        self._names: dict[str, str] = {}  # canonical expression -> constant name
        self.counts: Counter[str] = Counter()
        self.counting = True

    def share(self, canonical: str, rendered: str, hint: str, *, force: bool = False) -> str:
        """``rendered`` inline, or the name of a constant holding it when it is met more than once."""
        if self.counting:
            self.counts[canonical] += 1
            return canonical
        if not force and (self.counts[canonical] < 2 or len(canonical) < 40):
            return rendered
        if canonical not in self._names:
            name = hint
            suffix = 2
            while name in self.constants:
                name = f"{hint}_{suffix}"
                suffix += 1
            self._names[canonical] = name
            self.constants[name] = rendered
        return self._names[canonical]


# ---------------------------------------------------------------------------------------------
# Schemas -> request rules


class Rules:
    """Converts a contract's schemas to expressions of the rule classes of ``_validation``."""

    def __init__(self, document: dict[str, Any], module: Module) -> None:
        self.components: dict[str, Any] = document["components"]["schemas"]
        self.module = module
        self.stricter_used: set[tuple[str, str]] = set()
        self.recursive = {name for name in self.components if self._reaches(name, name, set())}

    def _reaches(self, start: str, target: str, seen: set[str]) -> bool:
        for ref in _refs(self.components[start]):
            if ref == target:
                return True
            if ref not in seen:
                seen.add(ref)
                if self._reaches(ref, target, seen):
                    return True
        return False

    def root(self, name: str) -> str:
        """The constant holding the rule of component ``name``."""
        canonical, rendered = self._convert(self.components[name], upper_snake(name), (name,), name)
        return self.module.share(canonical, rendered, upper_snake(name), force=True)

    def convert(self, schema: Any, hint: str) -> str:
        canonical, rendered = self._convert(schema, hint, (), None)
        return canonical if self.module.counting else rendered

    def _convert(
        self, schema: dict[str, Any], hint: str, inside: tuple[str, ...], component: str | None
    ) -> tuple[str, str]:
        """(canonical, rendered) expressions of ``schema``: the first with every part inline, the
        second with shared parts by name."""
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name in inside and name in self.recursive:
                text = f"Ref({literal(name)}, REFS)"
                return text, text
            canonical, rendered = self._convert(
                self.components[name], upper_snake(name), (*inside, name), component
            )
            shared = self.module.share(canonical, rendered, upper_snake(name), force=name in self.recursive)
            if schema.get("nullable"):
                return f"Nullable({canonical})", f"Nullable({shared})"
            return canonical, shared
        nullable = bool(schema.get("nullable"))
        kind = schema.get("type")
        if "anyOf" in schema or "oneOf" in schema:
            combinator = "AnyOf" if "anyOf" in schema else "OneOf"
            options = [
                self._convert(option, f"{hint}_OPTION", inside, component)
                for option in schema.get("anyOf") or schema["oneOf"]
            ]
            pair = (
                f"{combinator}(({', '.join(c for c, _ in options)}))",
                f"{combinator}(({', '.join(r for _, r in options)}))",
            )
            if kind == "object" and (schema.get("properties") or "additionalProperties" in schema):
                rest = {
                    key: value for key, value in schema.items() if key not in ("anyOf", "oneOf", "nullable")
                }
                base = self._convert(rest, hint, inside, component)
                pair = (f"AllOf(({base[0]}, {pair[0]}))", f"AllOf(({base[1]}, {pair[1]}))")
            return self._wrap(pair, nullable, hint)
        if kind == "string":
            arguments = []
            for key, argument in (
                ("minLength", "min_length"),
                ("maxLength", "max_length"),
                ("pattern", "pattern"),
            ):
                if key in schema:
                    arguments.append(f"{argument}={literal(schema[key])}")
            if "enum" in schema:
                arguments.append(f"enum={tuple_of(schema['enum'])}")
            if nullable:
                arguments.append("nullable=True")
            if "pattern" in schema and (words := describe_pattern(schema["pattern"])) is not None:
                arguments.append(f"description={literal(words)}")
            text = f"String({', '.join(arguments)})"
            return text, text
        if kind in ("integer", "number"):
            arguments = [
                f"{argument}={schema[key]!r}"
                for key, argument in (("minimum", "minimum"), ("maximum", "maximum"))
                if key in schema
            ]
            if "enum" in schema and kind == "integer":
                arguments.append(f"enum={tuple_of(schema['enum'])}")
            text = f"{'Integer' if kind == 'integer' else 'Number'}({', '.join(arguments)})"
            return self._wrap((text, text), nullable, hint)
        if kind == "boolean":
            return self._wrap(("Boolean()", "Boolean()"), nullable, hint)
        if kind == "null":
            return "Null()", "Null()"
        if kind == "array":
            item = self._convert(schema.get("items", {}), f"{hint}_ITEM", inside, component)
            extra = ""
            if schema.get("minItems"):
                extra += f", min_items={schema['minItems']}"
            if "maxItems" in schema:
                extra += f", max_items={schema['maxItems']}"
            if schema.get("uniqueItems"):
                extra += ", unique=True"
            pair = (f"Array({item[0]}{extra})", f"Array({item[1]}{extra})")
            return self._wrap(self._shared(pair, hint), nullable, hint)
        if kind == "object" or "properties" in schema:
            return self._wrap(self._object(schema, hint, inside, component), nullable, hint)
        if not schema:
            return "Anything()", "Anything()"
        raise SystemExit(f"no rule for the schema {json.dumps(schema)[:200]}: teach the generator")

    def _object(
        self, schema: dict[str, Any], hint: str, inside: tuple[str, ...], component: str | None
    ) -> tuple[str, str]:
        properties = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        additional = schema.get("additionalProperties", True)
        if not properties and not patterns and additional is True:
            return "AnyObject()", "AnyObject()"
        fields: list[tuple[str, str, str]] = []
        for name, value in properties.items():
            stricter = STRICTER.get((component or "", name)) if len(inside) == 1 else None
            if stricter is not None:
                self.stricter_used.add((str(component), name))
                fields.append((name, stricter[0], stricter[0]))
                continue
            canonical, rendered = self._convert(value, upper_snake(name), inside, component)
            fields.append((name, canonical, rendered))
        arguments: list[tuple[str, str]] = []
        if fields:
            arguments.append(
                (
                    "{" + ", ".join(f"{literal(name)}: {canonical}" for name, canonical, _ in fields) + "}",
                    "{" + ", ".join(f"{literal(name)}: {rendered}" for name, _, rendered in fields) + "}",
                )
            )
        else:
            arguments.append(("{}", "{}"))
        if schema.get("required"):
            text = f"required={tuple_of(sorted(schema['required']))}"
            arguments.append((text, text))
        if patterns:
            if len(patterns) != 1 or additional is not False:
                raise SystemExit(f"patternProperties beside other keys: teach the generator ({hint})")
            [(pattern, value)] = patterns.items()
            canonical, rendered = self._convert(value, f"{hint}_VALUE", inside, component)
            keys = f"keys=String(pattern={literal(pattern)})"
            arguments += [(f"additional={canonical}", f"additional={rendered}"), (keys, keys)]
        elif additional is True:
            arguments.append(("additional=Anything()", "additional=Anything()"))
        elif isinstance(additional, dict):
            canonical, rendered = self._convert(additional, f"{hint}_VALUE", inside, component)
            arguments.append((f"additional={canonical}", f"additional={rendered}"))
        if schema.get("minProperties"):
            text = f"min_properties={schema['minProperties']}"
            arguments.append((text, text))
        pair = (
            f"Object({', '.join(c for c, _ in arguments)})",
            f"Object({', '.join(r for _, r in arguments)})",
        )
        return self._shared(pair, hint)

    def _shared(self, pair: tuple[str, str], hint: str) -> tuple[str, str]:
        return pair[0], self.module.share(pair[0], pair[1], hint)

    def _wrap(self, pair: tuple[str, str], nullable: bool, hint: str) -> tuple[str, str]:
        if not nullable:
            return pair
        return f"Nullable({pair[0]})", f"Nullable({pair[1]})"


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"].rsplit("/", 1)[-1]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


# ---------------------------------------------------------------------------------------------
# Schemas -> answer shapes


class Shapes:
    """Converts response schemas to :mod:`las.testing._answers` shapes (None: send as is)."""

    def __init__(self, document: dict[str, Any], module: Module) -> None:
        self.components: dict[str, Any] = document["components"]["schemas"]
        self.module = module

    def convert(self, schema: dict[str, Any], hint: str, inside: tuple[str, ...] = ()) -> str | None:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name in inside:
                return None
            return self.convert(self.components[name], f"{upper_snake(name)}_ANSWER", (*inside, name))
        if "anyOf" in schema or "oneOf" in schema:
            return None
        if schema.get("type") == "array":
            item = self.convert(
                schema.get("items", {}), f"{hint.removesuffix('_ANSWER')}_ITEM_ANSWER", inside
            )
            return None if item is None else f"Items({item})"
        if schema.get("additionalProperties", True) is not False or "properties" not in schema:
            return None
        nested = {}
        for name, value in schema["properties"].items():
            shape = self.convert(value, f"{upper_snake(name)}_ANSWER", inside)
            if shape is not None:
                nested[name] = shape
        keep = tuple_of(sorted(schema["properties"]))
        text = f"Fields(frozenset({keep}))"
        if nested:
            text = (
                f"Fields(frozenset({keep}), {{"
                + ", ".join(f"{literal(name)}: {shape}" for name, shape in nested.items())
                + "})"
            )
        return self.module.share(text, text, hint, force=True)


# ---------------------------------------------------------------------------------------------
# Operations, queries, path ids


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for template, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method.upper(), template, operation


def _ref_name(schema: dict[str, Any] | None) -> str | None:
    return schema["$ref"].rsplit("/", 1)[-1] if schema and "$ref" in schema else None


def answer_schema(operation: dict[str, Any]) -> dict[str, Any] | None:
    for status, response in operation["responses"].items():
        if status.startswith("2"):
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            if _ref_name(schema) == "Empty":
                return None
            return schema  # type: ignore[no-any-return]
    return None


def path_answer(document: dict[str, Any], template: str) -> dict[str, Any] | None:
    """What the operations of ``template`` answer (first found); of its parent path if nothing
    (``.../executions/{executionId}/heartbeats`` answers nothing: its execution decides)."""
    while template:
        for method in METHODS:
            operation = document["paths"].get(template, {}).get(method)
            if operation is not None and (schema := answer_schema(operation)) is not None:
                return schema
        template = template.rsplit("/", 1)[0]
    return None


class Ids:
    """The id patterns the contract gives fields of each name."""

    def __init__(self, document: dict[str, Any], module: Module) -> None:
        self.module = module
        self.components: dict[str, Any] = document["components"]["schemas"]
        self.by_name: dict[str, set[str]] = {}
        for schema in self.components.values():
            self._collect(schema)

    def _collect(self, node: Any) -> None:
        if isinstance(node, dict):
            for name, value in (node.get("properties") or {}).items():
                for pattern in _patterns(value):
                    self.by_name.setdefault(name, set()).add(pattern)
            for value in node.values():
                self._collect(value)
        elif isinstance(node, list):
            for value in node:
                self._collect(value)

    def patterns(self, name: str, answer: dict[str, Any] | None) -> list[str]:
        found = set(self.by_name.get(name, ()))
        if not found:
            raise SystemExit(f"no id pattern for the parameter {name!r}: teach the generator")
        kinds = {id_kind(pattern) for pattern in found} - {None}
        if len(kinds) > 1:  # e.g. executionId: the kind of the operation's answer decides
            entity = _list_item(self.components, answer)
            own = {id_kind(pattern) for pattern in _patterns(entity.get("properties", {}).get(name, {}))}
            found = {pattern for pattern in found if id_kind(pattern) in own}
            if not found:
                raise SystemExit(f"ids of several kinds are named {name!r}: teach the generator which")
        widest = {
            pattern
            for pattern in found
            if "^" + _ORGANIZATION_PREFIX + pattern.removeprefix("^") not in found
        }
        return sorted(widest)

    def rule(self, name: str, answer: dict[str, Any] | None) -> str:
        """The rule of an id parameter, a constant named after its kind (``MODEL_ID``)."""
        options = []
        patterns = self.patterns(name, answer)
        for pattern in patterns:
            words = describe_pattern(pattern)
            described = f", description={literal(words)}" if words else ""
            options.append(f"String(pattern={literal(pattern)}{described})")
        text = options[0] if len(options) == 1 else f"AnyOf(({', '.join(options)}))"
        kind = id_kind(patterns[0]) or name
        return self.module.share(text, text, f"{upper_snake(kind)}_ID", force=True)


def _patterns(schema: Any) -> list[str]:
    if not isinstance(schema, dict):
        return []
    if "pattern" in schema and schema.get("type") == "string":
        return [schema["pattern"]]
    found = []
    for option in schema.get("anyOf", []) + schema.get("oneOf", []):
        found += _patterns(option)
    return found


SINGLE_QUERY = {"maxResults": "PositiveIntString()", "nextToken": "String(min_length=1)"}
FALLBACK_SORT_BY = ("startTime", "endTime")
FALLBACK_ORDER = ("ascending", "descending")


def query_rules(
    ids: Ids, components: dict[str, Any], method: str, template: str, operation: dict[str, Any]
) -> tuple[dict[str, str], dict[str, str]]:
    """(single, repeatable) rules of an operation's query parameters."""
    answer = answer_schema(operation)
    listing = components.get(_ref_name(answer) or "", {}).get("properties", {})
    single: dict[str, str] = {}
    repeatable: dict[str, str] = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] != "query":
            continue
        name = parameter["name"]
        echoed = listing.get(name)
        many = echoed is None or echoed.get("type") == "array"

        def enum(values: Any) -> str:
            return f"String(enum={tuple_of(values)})"

        if name in SINGLE_QUERY:
            single[name] = SINGLE_QUERY[name]
        elif name == "statisticsLastNDays":
            single[name] = "PositiveIntString()"
        elif name in ("fromStartTime", "toStartTime"):
            single[name] = (
                f"String(pattern={literal(TIME_PATTERN)}, description={literal(DESCRIPTIONS[TIME_PATTERN])})"
            )
        elif name == "order":
            single[name] = enum((echoed or {}).get("enum", FALLBACK_ORDER))
        elif name == "sortBy":
            single[name] = enum((echoed or {}).get("enum", FALLBACK_SORT_BY))
        elif name in ("status", "transitionType"):
            values = (echoed or {}).get("items", {}).get("enum")
            if values is None:
                entity = _list_item(components, answer)
                values = entity.get("properties", {}).get(name, {}).get("enum")
            if values is None:
                raise SystemExit(f"no values for the query parameter {name} of {method} {template}")
            (repeatable if many else single)[name] = enum(values)
        elif name == "owner":
            single[name] = ids.rule("organizationId", None)
        elif name.endswith("Id"):
            (repeatable if many else single)[name] = ids.rule(name, answer)
        else:
            raise SystemExit(f"no rule for the query parameter {name} of {method} {template}: decide one")
    return single, repeatable


def _list_item(components: dict[str, Any], answer: dict[str, Any] | None) -> dict[str, Any]:
    """The entity an operation answers: the items of a list answer, else the answer itself."""
    listing = components.get(_ref_name(answer) or "", {})
    if "nextToken" not in listing.get("properties", {}):
        return listing
    for value in listing.get("properties", {}).values():
        if (
            value.get("type") == "array"
            and isinstance(value.get("items"), dict)
            and "properties" in value["items"]
        ):
            return value["items"]  # type: ignore[no-any-return]
    return listing


# ---------------------------------------------------------------------------------------------
# Writing a module


HEADER = '''"""{title}

Generated by tools/generate_emulator_contracts.py from {source} (info.version {version}): do not
edit. Change the generator and run it again; tests/testing/test_contract_tables.py fails when this
module differs from what the generator makes of the contract.
{extra}"""

'''


def generate(target: Target, document: dict[str, Any]) -> str:
    module = Module()
    ops = list(operations(document))
    rules = Rules(document, module)
    shapes = Shapes(document, module)
    ids = Ids(document, module)
    components = document["components"]["schemas"]

    def build() -> tuple[list[str], list[str], list[str], list[str]]:
        answers, bodies, queries, paths = [], [], [], []
        seen_paths: set[tuple[str, str]] = set()
        # entities first, so that shared shapes take the entity's name
        ordered = sorted(
            ops,
            key=lambda op: (
                "nextToken" in components.get(_ref_name(answer_schema(op[2])) or "", {}).get("properties", {})
            ),
        )
        for method, template, operation in ordered:
            schema = answer_schema(operation)
            name = _ref_name(schema)
            if schema is not None:
                shape = shapes.convert(schema, f"{upper_snake(name or 'answer')}_ANSWER")
                if shape is not None:
                    answers.append(f"({literal(method)}, {literal(template)}): {shape},")
        if not target.requests:
            return answers, bodies, queries, paths
        for method, template, operation in ops:
            body = operation.get("requestBody")
            if body is not None:
                schema = body["content"]["application/json"]["schema"]
                name = _ref_name(schema)
                expression = rules.root(name) if name else rules.convert(schema, "BODY")
                bodies.append(f"({literal(method)}, {literal(template)}): {expression},")
            single, repeatable = query_rules(ids, components, method, template, operation)
            if single or repeatable:
                parts = []
                if single:
                    parts.append(
                        "single={" + ", ".join(f"{literal(k)}: {v}" for k, v in single.items()) + "}"
                    )
                if repeatable:
                    parts.append(
                        "repeatable={" + ", ".join(f"{literal(k)}: {v}" for k, v in repeatable.items()) + "}"
                    )
                queries.append(f"({literal(method)}, {literal(template)}): Query({', '.join(parts)}),")
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and (template, parameter["name"]) not in seen_paths:
                    seen_paths.add((template, parameter["name"]))
                    rule = ids.rule(parameter["name"], path_answer(document, template))
                    paths.append(f"({literal(template)}, {literal(parameter['name'])}): {rule},")
        return answers, bodies, queries, paths

    build()  # count what is met more than once
    module.counting = False
    answers, bodies, queries, paths = build()

    version = document["info"]["version"]
    extra = ""
    if target.requests:
        unused = set(STRICTER) - rules.stricter_used
        if unused:
            raise SystemExit(f"STRICTER names what the contract does not have: {sorted(unused)}")
        extra = "\nRequest rules stricter than the contract (``STRICTER`` of the generator):\n\n" + "".join(
            f"- ``{schema}.{name}``: {why}.\n" for (schema, name), (_, why) in sorted(STRICTER.items())
        )
    title = f"What the emulator needs of the {target.contract} contract: its operations and the shape of their answers"
    if target.requests:
        title = f"What the emulator needs of the {target.contract} contract: operations, request rules, answer shapes"
    lines = [HEADER.format(title=title, source=target.source, version=version, extra=extra)]
    lines.append("from __future__ import annotations\n")
    lines.append("from typing import Final\n")
    lines.append("from las.testing._answers import Fields, Items, Shape")
    if target.requests:
        lines.append(
            "from las.testing._validation import (\n    AllOf, AnyObject, AnyOf, Anything, Array, Base64, Boolean, Integer, Null,\n"
            "    Nullable, Number, Object, OneOf, PositiveIntString, Query, Ref, Rule, String,\n)"
        )
    lines.append(f"\nCONTRACT: Final = {literal(target.contract)}")
    lines.append(f"VERSION: Final = {literal(version)}")
    lines.append("\nOPERATIONS: Final = (")
    lines += [f"    ({literal(method)}, {literal(template)})," for method, template, _ in ops]
    lines.append(")")
    if target.requests:
        lines.append(
            "\nREFS: dict[str, Rule] = {}  # the rules of schemas that contain themselves, by name\n"
        )
    for name, expression in module.constants.items():
        lines.append(f"{name} = {expression}")
        if target.requests and name in {upper_snake(n) for n in rules.recursive}:
            component = next(n for n in rules.recursive if upper_snake(n) == name)
            lines.append(f"REFS[{literal(component)}] = {name}")
    lines.append("\nANSWERS: Final[dict[tuple[str, str], Shape]] = {")
    lines += [f"    {entry}" for entry in answers]
    lines.append("}")
    if target.requests:
        lines.append("\nBODIES: Final[dict[tuple[str, str], Rule]] = {")
        lines += [f"    {entry}" for entry in bodies]
        lines.append("}")
        lines.append("\nQUERIES: Final[dict[tuple[str, str], Query]] = {")
        lines += [f"    {entry}" for entry in queries]
        lines.append("}")
        lines.append("\nPATH_IDS: Final[dict[tuple[str, str], Rule]] = {")
        lines += [f"    {entry}" for entry in paths]
        lines.append("}")
    return "\n".join(lines) + "\n"


def formatted(text: str, path: str) -> str:
    """``text`` as ``ruff format`` leaves it (the project's settings)."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", path, "-"],
        input=text,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"ruff format failed on {path}: {done.stderr}")
    return done.stdout


def render(
    target: Target, read: Callable[[Path], str] = lambda path: path.read_text(encoding="utf-8")
) -> str:
    document = json.loads(read(SHARED_API / target.source))
    return formatted(generate(target, document), target.module)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a checked-in module differs")
    options = parser.parse_args(argv)
    missing = [target.source for target in TARGETS if not (SHARED_API / target.source).is_file()]
    if missing:
        print(
            f"contracts not found in {SHARED_API}: {', '.join(missing)} (set LAS_SHARED_DIR)", file=sys.stderr
        )
        return 2
    stale = []
    for target in TARGETS:
        text = render(target)
        path = ROOT / target.module
        if options.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(target.module)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print(
            f"generated from the contracts, but differ: {', '.join(stale)}; run python tools/generate_emulator_contracts.py",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
