"""The API contracts (``../shared/api/oas.json``, 2021-09-23, and ``oas-2024-11-29.json``) as
assertions for tests.

The OpenAPI 3.0 description is read at test time only (it is not part of the package). Its
schemas are converted to JSON Schema draft 7 (``nullable: true`` -> also null; a bare ``null``
inside ``anyOf`` -> ``{"type": "null"}``; ``$ref`` to ``#/components/schemas`` resolved), then
checked with ``jsonschema``::

    contract = load_contract()
    contract.validate_request("POST", "/documents", {}, {"content": "...", ...})
    contract.validate_response("GET", "/documents/las:document:...", 200, response.json())

Every check raises ``AssertionError`` with details.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jsonschema

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("LAS_SHARED_DIR") or REPO_ROOT.parent / "shared")
CONTRACT_PATH = SHARED_DIR / "api" / "oas.json"
CONTRACT_PATHS = {
    "2021-09-23": CONTRACT_PATH,
    "2024-11-29": SHARED_DIR / "api" / "oas-2024-11-29.json",
}
METHODS = ("get", "post", "put", "patch", "delete")


def _convert(node: Any) -> Any:
    """OpenAPI 3.0 schema dialect -> JSON Schema draft 7."""
    if isinstance(node, list):
        return [{"type": "null"} if item is None else _convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _convert(value) for key, value in node.items() if key != "nullable"}
    if isinstance(converted.get("$ref"), str):
        converted["$ref"] = converted["$ref"].replace("#/components/schemas/", "#/definitions/")
    if node.get("nullable") is True:
        if "type" in converted:
            kinds = converted["type"] if isinstance(converted["type"], list) else [converted["type"]]
            converted["type"] = [*kinds, "null"]
        if "enum" in converted and None not in converted["enum"]:
            converted["enum"] = [*converted["enum"], None]
        if "type" not in converted and "enum" not in converted:
            converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


class Contract:
    """Operations and schemas of the API description; see the module docstring."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.definitions = {
            name: _convert(schema) for name, schema in document["components"]["schemas"].items()
        }
        self._templates: list[tuple[re.Pattern[str], str]] = []
        for template in document["paths"]:
            pattern = re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template))
            self._templates.append((re.compile(f"^{pattern}$"), template))

    def operations(self) -> list[tuple[str, str]]:
        """Every (METHOD, path template) of the contract."""
        return [
            (method.upper(), template)
            for template, item in self.document["paths"].items()
            for method in item
            if method in METHODS
        ]

    def match(self, method: str, path: str) -> tuple[str, dict[str, Any]]:
        """The path template and operation object of a request (path without query)."""
        path = path.split("?", 1)[0]
        for pattern, template in self._templates:
            if pattern.match(path):
                operation = self.document["paths"][template].get(method.lower())
                if operation is None:
                    raise AssertionError(f"{method} {path}: the contract has no such operation on {template}")
                return template, operation
        raise AssertionError(f"{method} {path}: no path of the contract matches")

    def _check(self, schema: Any, value: Any, what: str) -> None:
        root = {**_convert(schema), "definitions": self.definitions}
        validator = jsonschema.Draft7Validator(root)
        errors = sorted(validator.iter_errors(value), key=lambda error: list(error.absolute_path))
        if errors:
            details = "\n".join(
                f"  at {'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message[:300]}"
                for error in errors[:8]
            )
            raise AssertionError(f"{what} does not match the contract:\n{details}")

    def validate_request(self, method: str, path: str, query: Mapping[str, Sequence[str]], body: Any) -> None:
        """Check query parameter names and the JSON body (None = no body) of a request."""
        template, operation = self.match(method, path)
        parameters = operation.get("parameters", [])
        known = {parameter["name"] for parameter in parameters if parameter["in"] == "query"}
        unknown = sorted(set(query) - known)
        if unknown:
            raise AssertionError(
                f"{method} {template}: unknown query parameter(s) {unknown}; allowed: {sorted(known)}"
            )
        request_body = operation.get("requestBody")
        if request_body is None:
            if body is not None:
                raise AssertionError(f"{method} {template}: the operation takes no body")
            return
        if body is None:
            if request_body.get("required"):
                raise AssertionError(f"{method} {template}: a JSON body is required")
            return
        schema = request_body["content"]["application/json"]["schema"]
        self._check(schema, body, f"request body of {method} {template}")

    def validate_response(self, method: str, path: str, status: int, body: Any) -> None:
        """Check a response body against the schema the contract gives for its status."""
        template, operation = self.match(method, path)
        responses = operation["responses"]
        response = responses.get(str(status)) or responses.get("default")
        if response is None:
            raise AssertionError(
                f"{method} {template}: status {status} is not in the contract ({', '.join(responses)})"
            )
        schema = response.get("content", {}).get("application/json", {}).get("schema")
        if schema is None or (status == 204 and body in (None, b"", "")):
            return
        self._check(schema, body, f"{status} response of {method} {template}")


@functools.lru_cache(maxsize=2)
def load_contract(version: str = "2021-09-23") -> Contract | None:
    """The contract of ``version`` (2021-09-23: ``oas.json``; 2024-11-29), or None when its file
    is absent (set ``LAS_SHARED_DIR``); cached."""
    path = CONTRACT_PATHS[version]
    if not path.is_file():
        return None
    return Contract(json.loads(path.read_text(encoding="utf-8")))
