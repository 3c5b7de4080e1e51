"""Generate what ``las.doctor()`` knows of each API contract's answers, and check it has not drifted.

``las doctor`` validates the answers of a few read-only calls against the contract a session
speaks, and tells which contract they look like instead. The package cannot read the contracts
at run time (they live in ``../shared/api``, outside it), so what it needs of them is written as
Python into ``las/_doctor_shapes.py``, checked in, marked generated, and compared with a fresh
derivation by ``tests/doctor/test_shapes.py`` whenever ``../shared`` is present.

What is kept of each answer (a compact table, not the schema): every field of the answer's
object, with the JSON types it may hold (``null`` where ``nullable`` or an ``anyOf``/``oneOf``
branch allows it; no types: anything), whether it is required, the values of a string enum,
and, for a list of objects (a list answer's items), the same for the items' fields. Patterns,
bounds and the inside of nested objects are left out: the doctor asks "which contract is this",
not "is every value valid".

Usage::

    python tools/generate_doctor_shapes.py          # write las/_doctor_shapes.py
    python tools/generate_doctor_shapes.py --check  # exit 1 if it differs from the contracts

The contracts are found in ``$LAS_SHARED_DIR/api`` (default ``../shared/api`` beside the
repository). The output is formatted with ``ruff format`` (a dev dependency).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from generate_emulator_contracts import ROOT, SHARED_API, formatted  # the same place, the same ruff

MODULE = "las/_doctor_shapes.py"
SOURCES = {"2021-09-23": "oas.json", "2024-11-29": "oas-2024-11-29.json"}
OPERATIONS = (
    ("GET", "/organizations/{organizationId}"),
    ("GET", "/models"),
    ("GET", "/datasets"),
    ("GET", "/workflows"),
)
"""The operations whose answers the doctor checks (``las._doctor.READS`` calls them)."""

# A field as data: (types, required, enum, items), items a {name: field} or None.
Field = tuple[tuple[str, ...], bool, tuple[str, ...], "dict[str, Any] | None"]


def _resolve(document: dict[str, Any], schema: Any) -> Any:
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _types(document: dict[str, Any], schema: Any) -> tuple[str, ...]:
    """The JSON types ``schema`` allows, in the contract's order; () for any."""
    schema = _resolve(document, schema)
    if schema is None:  # a bare null branch of anyOf, as the 2021 contract writes it
        return ("null",)
    if not isinstance(schema, dict):
        return ()
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    else:
        branches = schema.get("anyOf") or schema.get("oneOf")
        if not branches:
            return ()
        kinds = []
        for branch in branches:
            found = _types(document, branch)
            if not found:
                return ()
            kinds += found
    if schema.get("nullable") is True:
        kinds = [*kinds, "null"]
    return tuple(dict.fromkeys(kinds))


def fields(document: dict[str, Any], schema: Any) -> dict[str, Field]:
    """The fields of an object schema, by name."""
    schema = _resolve(document, schema)
    required = set(schema.get("required", ()))
    found: dict[str, Field] = {}
    for name, property_schema in sorted(schema.get("properties", {}).items()):
        property_schema = _resolve(document, property_schema)
        enum = tuple(value for value in property_schema.get("enum", ()) if isinstance(value, str))
        items = _resolve(document, property_schema.get("items"))
        nested = fields(document, items) if isinstance(items, dict) and "properties" in items else None
        found[name] = (_types(document, property_schema), name in required, enum, nested)
    return found


def derive(document: dict[str, Any]) -> dict[str, dict[str, Field]]:
    """The doctor's table for one contract: {"METHOD /template": {field: Field}}."""
    table = {}
    for method, template in OPERATIONS:
        response = document["paths"][template][method.lower()]["responses"]["200"]
        table[f"{method} {template}"] = fields(document, response["content"]["application/json"]["schema"])
    return table


def _field_source(field: Field) -> str:
    types, required, enum, items = field
    parts = [repr(types)]
    if required:
        parts.append("True")
    if enum:
        parts.append(f"enum={enum!r}")
    if items is not None:
        parts.append(f"items={_fields_source(items)}")
    return f"Field({', '.join(parts)})"


def _fields_source(table: dict[str, Field]) -> str:
    return "{" + "".join(f"{name!r}: {_field_source(field)}, " for name, field in table.items()) + "}"


HEADER = '''"""What the answers of ``las.doctor()``'s read-only calls look like in each API contract.

Generated by tools/generate_doctor_shapes.py from
{sources}:
do not edit. Change the generator and run it again; tests/doctor/test_shapes.py fails when
this module differs from what the generator makes of the contracts.

For each contract, each operation's answer: its fields, each with the JSON types it may hold
(``"null"`` where the contract allows it; none: anything), whether it is required, the values of
a string enum, and for a list of objects the fields of its items.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, NamedTuple


class Field(NamedTuple):
    """A field of an answer, as a contract describes it."""

    types: tuple[str, ...]
    required: bool = False
    enum: tuple[str, ...] = ()
    items: Mapping[str, Field] | None = None


SHAPES: Final[Mapping[str, Mapping[str, Mapping[str, Field]]]] = {{
'''


def generate(documents: dict[str, dict[str, Any]]) -> str:
    sources = " and ".join(
        f"{SOURCES[version]} (info.version {documents[version]['info']['version']})" for version in SOURCES
    )
    text = HEADER.format(sources=sources)
    for version in SOURCES:
        text += f"    {version!r}: {{\n"
        for operation, table in derive(documents[version]).items():
            text += f"        {operation!r}: {_fields_source(table)},\n"
        text += "    },\n"
    return text + "}\n"


def load() -> dict[str, dict[str, Any]]:
    """Both contracts, by version."""
    return {
        version: json.loads((SHARED_API / source).read_text(encoding="utf-8"))
        for version, source in SOURCES.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--check", action="store_true", help=f"exit 1 if {MODULE} differs")
    options = parser.parse_args(argv)
    missing = [source for source in SOURCES.values() if not (SHARED_API / source).is_file()]
    if missing:
        print(
            f"contracts not found in {SHARED_API}: {', '.join(missing)} (set LAS_SHARED_DIR)", file=sys.stderr
        )
        return 2
    text = formatted(generate(load()), MODULE)
    path = ROOT / MODULE
    if options.check:
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            print(
                f"{MODULE} differs from the contracts; run python tools/generate_doctor_shapes.py",
                file=sys.stderr,
            )
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
