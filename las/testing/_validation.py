"""Request validation: small declarative rules, and one table entry per endpoint.

The tables at the bottom mirror the request schemas of the API contract (types, required fields,
enums, patterns, bounds, ``additionalProperties: false``, ``minProperties``). A failing rule raises
:class:`ValidationError` whose message names the field and the problem, e.g.
``"body.width: must be an integer between 97 and 1921, got 5"``; the server answers it with 400.

A few rules are deliberately a little stricter than the contract, because the emulator would
otherwise have to answer something the response schemas forbid; each is marked ``# stricter``.

These tables are the 2021-09-23 contract's, written by hand. The 2024-11-29 contract's are
generated from its description into :mod:`las.testing._contract_2024` (same rule classes).
"""

from __future__ import annotations

import array
import base64
import binascii
import itertools
import json
import math
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from las.testing._ids import COMMONS_TRANSITION_PATTERN, describe, id_pattern
from las.testing._limits import MAX_JSON_CONTAINERS, MAX_JSON_DEPTH


class ValidationError(Exception):
    """A request does not satisfy a rule; ``str(error)`` is the message sent to the caller."""


# ---------------------------------------------------------------------------------------------
# JSON text: strict, and within MAX_JSON_DEPTH and MAX_JSON_CONTAINERS

_STRINGS = re.compile(rb'"[^"]*"')  # once escapes are gone, a string has no quote inside
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # as signed bytes: +1 in, -1 out
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _check_structure(data: bytes, where: str) -> None:
    """Refuse JSON text whose arrays and objects nest deeper than :data:`MAX_JSON_DEPTH` or number
    more than :data:`MAX_JSON_CONTAINERS`, before the parser recurses into it or builds them.

    Without recursion and in a few passes at C speed: escapes and strings are removed, and the
    brackets left are counted and summed. Malformed text is left for the parser to refuse.
    """
    if data.count(b"[") + data.count(b"{") <= MAX_JSON_DEPTH:
        return  # the common case, a 6 MB document included: nothing to measure
    unescaped = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    structure = _STRINGS.sub(b"", unescaped).translate(None, _NOT_BRACKETS)
    containers = structure.count(b"[") + structure.count(b"{")
    if containers > MAX_JSON_CONTAINERS:
        raise ValidationError(
            f"{where}: {containers} arrays and objects; the emulator takes at most {MAX_JSON_CONTAINERS}"
        )
    if containers > MAX_JSON_DEPTH:
        depth = max(itertools.accumulate(array.array("b", structure.translate(_STEPS))))
        if depth > MAX_JSON_DEPTH:
            raise ValidationError(
                f"{where}: JSON nested {depth} deep; the emulator takes at most {MAX_JSON_DEPTH} "
                "levels of arrays and objects"
            )


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:20]} is out of range")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def decode_json(data: bytes, where: str = "body") -> Any:
    """Decode UTF-8 JSON text as the API does, within the emulator's limits.

    Refused (:class:`ValidationError` naming ``where``): text that is not UTF-8, not JSON,
    ``NaN``/``Infinity`` or a number out of a double's range, a string with a lone UTF-16
    surrogate (``"\\ud800"``), arrays and objects nested deeper than :data:`MAX_JSON_DEPTH`, and
    more than :data:`MAX_JSON_CONTAINERS` of them.
    Duplicate keys keep the last value, as in JavaScript's ``JSON.parse``.
    """
    _check_structure(data, where)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValidationError(f"{where}: not UTF-8 ({error.reason} at byte {error.start})") from None
    try:
        value = json.loads(text, parse_float=_finite, parse_constant=_no_constant)
    except RecursionError:  # not reached after the depth check; kept so that nothing can crash
        raise ValidationError(f"{where}: JSON nested too deeply") from None
    except ValueError as error:
        raise ValidationError(f"{where}: invalid JSON ({error})") from None
    if _SURROGATE_ESCAPE.search(text):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError(
                f"{where}: a string holds a lone UTF-16 surrogate; escape characters as pairs"
            ) from None
    return value


def _show(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, bytes) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class Rule(Protocol):
    """Anything that can check a decoded JSON value found at ``where`` (e.g. ``"body.width"``)."""

    def check(self, value: Any, where: str) -> None: ...


@dataclass(frozen=True)
class String:
    """A JSON string with optional bounds, pattern and enum; ``nullable`` also accepts null."""

    max_length: int | None = None
    min_length: int | None = None
    pattern: str | None = None
    enum: tuple[str, ...] | None = None
    nullable: bool = False
    description: str | None = None  # replaces the pattern in messages, e.g. "an id like ..."

    def check(self, value: Any, where: str) -> None:
        if value is None and self.nullable:
            return
        if not isinstance(value, str):
            raise ValidationError(
                f"{where}: must be a string{' or null' if self.nullable else ''}, got {_show(value)}"
            )
        if self.enum is not None and value not in self.enum:
            choices = ", ".join(repr(choice) for choice in self.enum)
            raise ValidationError(f"{where}: must be one of {choices}, got {_show(value)}")
        if self.min_length is not None and len(value) < self.min_length:
            raise ValidationError(
                f"{where}: must be at least {self.min_length} characters long, got {len(value)}"
            )
        if self.max_length is not None and len(value) > self.max_length:
            raise ValidationError(
                f"{where}: must be at most {self.max_length} characters long, got {len(value)}"
            )
        if self.pattern is not None and not re.search(self.pattern, value):
            expected = self.description or f"a string matching {self.pattern}"
            raise ValidationError(f"{where}: must be {expected}, got {_show(value)}")


def _within(value: float, minimum: float | None, maximum: float | None) -> bool:
    return (minimum is None or value >= minimum) and (maximum is None or value <= maximum)


def _bounded(noun: str, minimum: float | None, maximum: float | None) -> str:
    """``"an integer between 1 and 3"``, ``"a number >= 0"``, ``"an integer"``..."""
    if minimum is not None and maximum is not None:
        return f"{noun} between {minimum} and {maximum}"
    if minimum is not None:
        return f"{noun} >= {minimum}"
    if maximum is not None:
        return f"{noun} <= {maximum}"
    return noun


@dataclass(frozen=True)
class Integer:
    """A JSON integer (booleans refused) within optional bounds or an enum."""

    minimum: int | None = None
    maximum: int | None = None
    enum: tuple[int, ...] | None = None

    def check(self, value: Any, where: str) -> None:
        ok = isinstance(value, int) and not isinstance(value, bool)
        if ok and self.enum is not None:
            ok = value in self.enum
        if ok and _within(value, self.minimum, self.maximum):
            return
        if self.enum is not None:
            expected = "one of " + ", ".join(str(choice) for choice in self.enum)
        else:
            expected = _bounded("an integer", self.minimum, self.maximum)
        raise ValidationError(f"{where}: must be {expected}, got {_show(value)}")


@dataclass(frozen=True)
class Number:
    """A JSON number (integers too; booleans refused) within optional bounds."""

    minimum: float | None = None
    maximum: float | None = None

    def check(self, value: Any, where: str) -> None:
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if number and _within(value, self.minimum, self.maximum):
            return
        raise ValidationError(
            f"{where}: must be {_bounded('a number', self.minimum, self.maximum)}, got {_show(value)}"
        )


@dataclass(frozen=True)
class Boolean:
    """A JSON boolean."""

    def check(self, value: Any, where: str) -> None:
        if not isinstance(value, bool):
            raise ValidationError(f"{where}: must be true or false, got {_show(value)}")


@dataclass(frozen=True)
class AnyObject:
    """Any JSON object (free-form content such as ``input`` or ``inputJsonSchema``)."""

    def check(self, value: Any, where: str) -> None:
        if not isinstance(value, dict):
            raise ValidationError(f"{where}: must be a JSON object, got {_show(value)}")


@dataclass(frozen=True)
class Base64:
    """A non-empty base64 string of at most ``max_length`` characters that decodes strictly."""

    max_length: int | None = None

    def check(self, value: Any, where: str) -> None:
        String(min_length=1, max_length=self.max_length).check(value, where)
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError(
                f"{where}: must be valid base64 (standard alphabet, padded), got {_show(value)}"
            ) from None


@dataclass(frozen=True)
class Array:
    """A JSON array whose items all satisfy ``items``; optionally bounded and without repeats."""

    items: Rule
    min_items: int = 0
    max_items: int | None = None
    unique: bool = False

    def check(self, value: Any, where: str) -> None:
        if not isinstance(value, list):
            raise ValidationError(f"{where}: must be an array, got {_show(value)}")
        if len(value) < self.min_items:
            raise ValidationError(f"{where}: must contain at least {self.min_items} item(s)")
        if self.max_items is not None and len(value) > self.max_items:
            raise ValidationError(f"{where}: must contain at most {self.max_items} item(s), got {len(value)}")
        for index, item in enumerate(value):
            self.items.check(item, f"{where}[{index}]")
        if self.unique:
            seen: set[str] = set()
            for index, item in enumerate(value):
                key = json.dumps(item, sort_keys=True)
                if key in seen:
                    raise ValidationError(f"{where}[{index}]: repeats an earlier item, got {_show(item)}")
                seen.add(key)


@dataclass(frozen=True)
class Object:
    """A JSON object with known ``properties``.

    ``additional`` is the rule for other keys, or ``None`` to refuse them
    (``additionalProperties: false``); ``keys`` optionally constrains the names of other keys.
    """

    properties: Mapping[str, Rule] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    additional: Rule | None = None
    min_properties: int = 0
    keys: String | None = None

    def check(self, value: Any, where: str) -> None:
        if not isinstance(value, dict):
            raise ValidationError(f"{where}: must be a JSON object, got {_show(value)}")
        for name in self.required:
            if name not in value:
                raise ValidationError(f"{where}.{name}: is required")
        if len(value) < self.min_properties:
            names = ", ".join(self.properties)
            raise ValidationError(
                f"{where}: must contain at least {self.min_properties} of the fields {names}"
            )
        for name, item in value.items():
            rule = self.properties.get(name)
            if rule is None:
                if self.additional is None:
                    allowed = ", ".join(self.properties) or "none"
                    raise ValidationError(f"{where}.{name}: unknown field (allowed: {allowed})")
                if self.keys is not None:
                    self.keys.check(name, f"{where} key {name!r}")
                rule = self.additional
            rule.check(item, f"{where}.{name}")


def _complaints(options: tuple[Rule, ...], value: Any, where: str, *, first: bool) -> tuple[int, list[str]]:
    """How many ``options`` accept ``value`` (stopping at the first if ``first``), and the others'
    complaints."""
    passed, problems = 0, []
    for option in options:
        try:
            option.check(value, where)
        except ValidationError as error:
            problems.append(str(error))
            continue
        passed += 1
        if first:
            break
    return passed, problems


def _none_fits(problems: list[str], where: str) -> ValidationError:
    return ValidationError(" or ".join(problems) if problems else f"{where}: no valid option")


@dataclass(frozen=True)
class AnyOf:
    """Valid when one of ``options`` is; the message lists each option's complaint."""

    options: tuple[Rule, ...]

    def check(self, value: Any, where: str) -> None:
        passed, problems = _complaints(self.options, value, where, first=True)
        if not passed:
            raise _none_fits(problems, where)


@dataclass(frozen=True)
class OneOf(AnyOf):
    """Valid when exactly one of ``options`` is (JSON Schema ``oneOf``)."""

    def check(self, value: Any, where: str) -> None:
        passed, problems = _complaints(self.options, value, where, first=False)
        if passed > 1:
            raise ValidationError(f"{where}: fits more than one of the allowed shapes, got {_show(value)}")
        if not passed:
            raise _none_fits(problems, where)


@dataclass(frozen=True)
class AllOf:
    """Valid when every rule of ``rules`` is (an object's properties and an ``anyOf`` beside them)."""

    rules: tuple[Rule, ...]

    def check(self, value: Any, where: str) -> None:
        for rule in self.rules:
            rule.check(value, where)


@dataclass(frozen=True)
class Nullable:
    """``rule``, or JSON null."""

    rule: Rule

    def check(self, value: Any, where: str) -> None:
        if value is not None:
            self.rule.check(value, where)


@dataclass(frozen=True)
class Null:
    """JSON null only."""

    def check(self, value: Any, where: str) -> None:
        if value is not None:
            raise ValidationError(f"{where}: must be null, got {_show(value)}")


@dataclass(frozen=True)
class Anything:
    """Any JSON value (an object's other fields where the contract allows any)."""

    def check(self, value: Any, where: str) -> None:
        return


MAX_REF_DEPTH = 32
_ref_depth = threading.local()


@dataclass(frozen=True)
class Ref:
    """The rule named ``name`` in ``table``, looked up when checking: a schema that contains itself
    (ground truth values that are lists of ground truth). Nesting deeper than
    :data:`MAX_REF_DEPTH` is refused rather than followed."""

    name: str
    table: Mapping[str, Rule] = field(compare=False, repr=False)

    def check(self, value: Any, where: str) -> None:
        depth = getattr(_ref_depth, "value", 0)
        if depth >= MAX_REF_DEPTH:
            raise ValidationError(f"{where}: nested more than {MAX_REF_DEPTH} levels deep")
        _ref_depth.value = depth + 1
        try:
            self.table[self.name].check(value, where)
        finally:
            _ref_depth.value = depth


# ---------------------------------------------------------------------------------------------
# Query parameters (they arrive as strings; a parameter may be repeated)


@dataclass(frozen=True)
class PositiveIntString:
    """A query value holding a positive integer of ASCII digits, e.g. ``maxResults=25``."""

    def check(self, value: Any, where: str) -> None:
        digits = isinstance(value, str) and re.fullmatch("[0-9]+", value) is not None
        if digits and len(value.lstrip("0")) > 18:
            raise ValidationError(
                f"{where}: must be a positive integer of at most 18 digits, got {len(value)} digits"
            )
        if not (digits and int(value) > 0):
            raise ValidationError(f"{where}: must be a positive integer, got {_show(value)}")


@dataclass(frozen=True)
class Query:
    """Allowed query parameters of one endpoint; names not listed are refused."""

    single: Mapping[str, Rule] = field(default_factory=dict)
    repeatable: Mapping[str, Rule] = field(default_factory=dict)

    def check(self, query: Mapping[str, Sequence[str]]) -> None:
        for name, values in query.items():
            rule = self.single.get(name)
            if rule is not None:
                if len(values) > 1:
                    raise ValidationError(f"query.{name}: must be given at most once")
            else:
                rule = self.repeatable.get(name)
            if rule is None:
                allowed = ", ".join([*self.single, *self.repeatable]) or "none"
                raise ValidationError(f"query.{name}: unknown parameter (allowed: {allowed})")
            for value in values:
                rule.check(value, f"query.{name}")


# ---------------------------------------------------------------------------------------------
# Building blocks of the tables


def Id(kind: str) -> String:
    """A well-formed id of ``kind``."""
    return String(pattern=id_pattern(kind), description=describe(kind))


TRANSITION_ID: Rule = AnyOf(
    (Id("transition"), String(pattern=COMMONS_TRANSITION_PATTERN, description="a commons transition id"))
)
TEXT = String(max_length=4096, nullable=True)
CONTENT = Base64(max_length=6_250_000)
URL = String(
    pattern=r"^http://localhost.*|^https://.*", description="an https:// url (or http://localhost...)"
)
EMAIL = String(
    pattern=r"^[A-Za-z0-9][-+._A-Za-z0-9]*@([-_.A-Za-z0-9]+\.)+[A-Za-z]{2,}$", description="an email address"
)
LABEL = String(
    min_length=1,
    max_length=36,
    pattern=r"^[0-9A-Za-z_]+$",
    description="a label of letters, digits and underscores",
)
CONTENT_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/tiff")
FIELD_TYPES = ("date", "amount", "number", "letter", "phone", "alphanum", "alphanumext", "all")
MODEL_STATUSES = ("active", "training", "inactive")
DATA_BUNDLE_STATUSES = ("processing", "ready", "failed")
TRANSITION_TYPES = ("docker", "manual")
TRANSITION_EXECUTION_STATUSES = ("running", "succeeded", "failed", "rejected", "retry")
WORKFLOW_EXECUTION_STATUSES = ("running", "succeeded", "failed", "rejected", "retry", "error")
ORDERS = ("ascending", "descending")
SORT_BY = ("startTime", "endTime")

GROUND_TRUTH = Array(
    Object(
        properties={
            "label": LABEL,
            "value": AnyOf((String(min_length=1, max_length=64, nullable=True), Boolean())),
        },
        required=("label", "value"),
    )
)
PREPROCESS_CONFIG = Object(
    properties={"maxPages": Integer(), "autoRotate": Boolean(), "imageQuality": String(enum=("LOW", "HIGH"))},
    required=("autoRotate", "imageQuality", "maxPages"),
)
FIELD_CONFIG = Object(
    additional=Object(
        properties={
            "description": TEXT,
            "type": String(enum=FIELD_TYPES),
            "maxLength": Integer(minimum=1, maximum=100),
        },
        required=("maxLength", "type"),
    ),
    keys=LABEL,  # stricter: predictions use the keys as labels, which must match LABEL
)
SECRET_IDS = Array(Id("secret"))
ENVIRONMENT = Object(additional=String())
ASSETS = Object(properties={"jsRemoteComponent": Id("asset")}, additional=Id("asset"))
COMPLETED_CONFIG = Object(
    properties={
        "environmentSecrets": SECRET_IDS,
        "environment": ENVIRONMENT,
        "imageUrl": String(),
        "secretId": Id("secret"),
    },
    required=("imageUrl",),
)
ERROR_CONFIG = Object(properties={"manualRetry": Boolean(), "email": EMAIL})
DOCKER_PARAMETERS = Object(
    properties={
        "environmentSecrets": SECRET_IDS,
        "environment": ENVIRONMENT,
        "memory": Integer(enum=(512, 1024, 2048)),
        "imageUrl": String(),
        "secretId": Id("secret"),
        "cpu": Integer(enum=(256,)),
    },
    required=("imageUrl",),
)
MANUAL_PARAMETERS = Object(properties={"assets": ASSETS})

# ---------------------------------------------------------------------------------------------
# One entry per endpoint: request body rules


POST_APP_CLIENTS = Object(
    {
        "generateSecret": Boolean(),
        "logoutUrls": Array(URL),
        "name": TEXT,
        "callbackUrls": Array(URL),
        "description": TEXT,
        "loginUrls": Array(URL),
        "defaultLoginUrl": URL,
    }
)
PATCH_APP_CLIENT = Object(
    {"name": TEXT, "description": TEXT, "loginUrls": Array(URL), "defaultLoginUrl": URL}, min_properties=1
)
POST_ASSETS = Object({"name": TEXT, "description": TEXT, "content": CONTENT}, required=("content",))
PATCH_ASSET = Object({"name": TEXT, "description": TEXT, "content": CONTENT}, min_properties=1)
POST_DATASETS = Object(
    {
        "retentionInDays": Integer(minimum=1, maximum=1825),  # stricter: datasets answer <= 1825
        "name": TEXT,
        "description": TEXT,
        "containsPersonallyIdentifiableInformation": Boolean(),
    }
)
PATCH_DATASET = Object({"name": TEXT, "description": TEXT}, min_properties=1)
POST_DOCUMENTS = Object(
    {
        "groundTruth": GROUND_TRUTH,
        "consentId": Id("consent"),
        "retentionInDays": Integer(minimum=1),
        "datasetId": Id("dataset"),
        "batchId": Id("batch"),
        "contentType": String(enum=CONTENT_TYPES),
        "content": CONTENT,
    },
    required=("content", "contentType"),
)
PATCH_DOCUMENT = Object(
    {"groundTruth": GROUND_TRUTH, "retentionInDays": Integer(minimum=1), "datasetId": Id("dataset")},
    min_properties=1,
)
POST_MODELS = Object(
    {
        "preprocessConfig": PREPROCESS_CONFIG,
        "name": TEXT,
        "description": TEXT,
        "width": Integer(minimum=97, maximum=1921),
        "height": Integer(minimum=97, maximum=1921),
        "fieldConfig": FIELD_CONFIG,
    },
    required=("fieldConfig", "height", "width"),
)
PATCH_MODEL = Object(
    {
        "preprocessConfig": PREPROCESS_CONFIG,
        "name": TEXT,
        "description": TEXT,
        "width": Integer(minimum=97, maximum=1921),
        "height": Integer(minimum=97, maximum=1921),
        "fieldConfig": FIELD_CONFIG,
        "status": String(enum=MODEL_STATUSES),
    },
    min_properties=1,
)
POST_DATA_BUNDLES = Object(
    {
        "datasetIds": Array(Id("dataset"), min_items=1),
        "name": TEXT,
        "description": TEXT,
    },
    required=("datasetIds",),
)  # stricter: a data bundle without datasets means nothing
PATCH_DATA_BUNDLE = Object({"name": TEXT, "description": TEXT})
PATCH_ORGANIZATION = Object({"name": TEXT, "description": TEXT}, min_properties=1)
POST_PREDICTIONS = Object(
    {
        "modelId": Id("model"),
        "maxPages": Integer(minimum=1, maximum=3),
        "documentId": Id("document"),
        "autoRotate": Boolean(),
        "imageQuality": String(enum=("LOW", "HIGH")),
    },
    required=("documentId", "modelId"),
)
POST_SECRETS = Object({"data": AnyObject(), "name": TEXT, "description": TEXT}, required=("data",))
PATCH_SECRET = Object({"data": AnyObject(), "name": TEXT, "description": TEXT}, min_properties=1)
POST_TRANSITIONS = Object(
    {
        "outputJsonSchema": AnyObject(),
        "name": TEXT,
        "description": TEXT,
        "transitionType": String(enum=TRANSITION_TYPES),
        "inputJsonSchema": AnyObject(),
        "parameters": AnyOf((DOCKER_PARAMETERS, MANUAL_PARAMETERS)),
        "timeoutInSeconds": Integer(minimum=60, maximum=1800),
    },
    required=("transitionType",),
)
PATCH_TRANSITION = Object(
    {
        "environmentSecrets": SECRET_IDS,
        "environment": ENVIRONMENT,
        "outputJsonSchema": AnyObject(),
        "assets": ASSETS,
        "name": TEXT,
        "description": TEXT,
        "inputJsonSchema": AnyObject(),
    },
    min_properties=1,
)
POST_TRANSITION_EXECUTION = AnyObject()
POST_HEARTBEAT = AnyObject()
PATCH_TRANSITION_EXECUTION = Object(
    {
        "output": AnyObject(),
        "error": Object({"message": String()}, required=("message",)),
        "startTime": String(
            nullable=True,
            description="an ISO 8601 time like 2021-03-14T12:00:00Z",
            pattern=r"^[0-9]{4}-?[0-9]{2}-?[0-9]{2}( |T)?[0-9]{2}:?[0-9]{2}:?[0-9]{2}"
            r"(.[0-9]{1,6})?(Z|[+][0-9]{2}(:|)[0-9]{2})$",
        ),
        "status": String(enum=("succeeded", "failed", "rejected", "retry")),
    },
    required=("status",),
)  # stricter: the status says how the execution ended
POST_USERS = Object(
    {
        "name": TEXT,
        "avatar": String(max_length=131072, nullable=True),
        "email": EMAIL,
        "appClientId": Id("app-client"),
    },
    required=("email",),
)
PATCH_USER = Object({"name": TEXT, "avatar": String(max_length=131072, nullable=True)}, min_properties=1)
POST_WORKFLOWS = Object(
    {
        "completedConfig": COMPLETED_CONFIG,
        "name": TEXT,
        "description": TEXT,
        "specification": Object(
            {
                "language": String(enum=("ASL",)),
                "definition": AnyObject(),
                "version": String(enum=("1.0.0",)),
            },
            required=("definition",),
        ),
        "errorConfig": ERROR_CONFIG,
    },
    required=("specification",),
)
PATCH_WORKFLOW = Object(
    {"completedConfig": COMPLETED_CONFIG, "name": TEXT, "description": TEXT, "errorConfig": ERROR_CONFIG},
    min_properties=1,
)
POST_WORKFLOW_EXECUTIONS = Object({"input": AnyObject()}, required=("input",))
PATCH_WORKFLOW_EXECUTION = Object({"nextTransitionId": TRANSITION_ID}, required=("nextTransitionId",))

# ---------------------------------------------------------------------------------------------
# One entry per endpoint: query parameters

_PAGE: dict[str, Rule] = {"maxResults": PositiveIntString(), "nextToken": String(min_length=1)}
PAGE_QUERY = Query(single=_PAGE)
DOCUMENTS_QUERY = Query(
    single=_PAGE, repeatable={"datasetId": Id("dataset"), "consentId": Id("consent"), "batchId": Id("batch")}
)
TRANSITIONS_QUERY = Query(single=_PAGE, repeatable={"transitionType": String(enum=TRANSITION_TYPES)})
DATA_BUNDLES_QUERY = Query(single=_PAGE, repeatable={"status": String(enum=DATA_BUNDLE_STATUSES)})
LOGS_QUERY = Query(
    single={
        **_PAGE,
        "workflowId": Id("workflow"),
        "workflowExecutionId": Id("workflow-execution"),
        "transitionId": TRANSITION_ID,
        "transitionExecutionId": Id("transition-execution"),
        "order": String(enum=ORDERS),
    }
)
WORKFLOW_EXECUTIONS_QUERY = Query(
    single={**_PAGE, "sortBy": String(enum=SORT_BY), "order": String(enum=ORDERS)},
    repeatable={"status": String(enum=WORKFLOW_EXECUTION_STATUSES)},
)
TRANSITION_EXECUTIONS_QUERY = Query(
    single={**_PAGE, "sortBy": String(enum=SORT_BY), "order": String(enum=ORDERS)},
    repeatable={
        "status": String(enum=TRANSITION_EXECUTION_STATUSES),
        "executionId": Id("transition-execution"),
    },
)
NO_QUERY = Query()
