"""The kinds of ids the API hands out, and the one check that an id is of the expected kind.

Every id the API returns looks like ``las:<kind>:<32 lowercase hex chars>``, for example
``las:document:0f2c...`` or ``las:model-data-bundle:9a1e...``; transitions also have named
built-ins such as ``las:transition:commons-failed``. This module is the only place that knows
those patterns. Resources call :func:`require_id` on every id argument so a wrong id fails
*before* any request, with a message that says what was expected::

    >>> require_id(DOCUMENT, "las:model:" + "0" * 32)
    Traceback (most recent call last):
    ...
    las.exceptions.InvalidIdError: expected a document id like 'las:document:<32 hex chars>', got 'las:model:00000000000000000000000000000000'
"""

from __future__ import annotations

import re
from typing import Final

from .exceptions import InvalidIdError

__all__ = [
    "APP_CLIENT",
    "ASSET",
    "BATCH",
    "CONSENT",
    "DATASET",
    "DATA_BUNDLE",
    "DOCUMENT",
    "KINDS",
    "LOG",
    "MODEL",
    "ORGANIZATION",
    "PREDICTION",
    "SECRET",
    "TRANSITION",
    "TRANSITION_EXECUTION",
    "USER",
    "WORKFLOW",
    "WORKFLOW_EXECUTION",
    "InvalidIdError",
    "is_id",
    "kind_of",
    "require_id",
]

APP_CLIENT: Final = "app-client"
ASSET: Final = "asset"
BATCH: Final = "batch"
CONSENT: Final = "consent"
DATASET: Final = "dataset"
DATA_BUNDLE: Final = "model-data-bundle"
DOCUMENT: Final = "document"
LOG: Final = "log"
MODEL: Final = "model"
ORGANIZATION: Final = "organization"
PREDICTION: Final = "prediction"
SECRET: Final = "secret"
TRANSITION: Final = "transition"
TRANSITION_EXECUTION: Final = "transition-execution"
USER: Final = "user"
WORKFLOW: Final = "workflow"
WORKFLOW_EXECUTION: Final = "workflow-execution"

#: Every id kind the API uses, as it appears in the id (``las:<kind>:...``).
KINDS: Final[tuple[str, ...]] = (
    APP_CLIENT,
    ASSET,
    BATCH,
    CONSENT,
    DATASET,
    DATA_BUNDLE,
    DOCUMENT,
    LOG,
    MODEL,
    ORGANIZATION,
    PREDICTION,
    SECRET,
    TRANSITION,
    TRANSITION_EXECUTION,
    USER,
    WORKFLOW,
    WORKFLOW_EXECUTION,
)

_HEX_ID = "[a-f0-9]{32}"
# Kinds that also have named ids besides the hex ones (the API's built-in transitions).
_NAMED: Final[dict[str, str]] = {TRANSITION: "commons-[0-9A-Za-z-]+"}
_PATTERNS: Final[dict[str, re.Pattern[str]]] = {
    kind: re.compile(
        f"las:{re.escape(kind)}:(?:{_HEX_ID}" + (f"|{_NAMED[kind]}" if kind in _NAMED else "") + ")"
    )
    for kind in KINDS
}
_ANY_ID = re.compile(r"las:([a-z-]+):\S+")
_SHOWN_LENGTH = 60


def _example(kind: str) -> str:
    example = f"'las:{kind}:<32 hex chars>'"
    if kind in _NAMED:
        example += f" or 'las:{kind}:commons-<name>'"
    return example


def _check_kind(kind: str) -> None:
    if kind not in _PATTERNS:
        raise ValueError(f"unknown id kind {kind!r}; known kinds: {', '.join(KINDS)}")


def is_id(kind: str, value: object) -> bool:
    """Tell whether ``value`` is an id string of the given kind (e.g. ``is_id("model", s)``)."""
    _check_kind(kind)
    return isinstance(value, str) and _PATTERNS[kind].fullmatch(value) is not None


def kind_of(value: str) -> str | None:
    """Return the kind of an id string (``"las:model:..."`` -> ``"model"``), or None if it is not one."""
    for kind, pattern in _PATTERNS.items():
        if pattern.fullmatch(value):
            return kind
    return None


def _describe(value: object) -> str:
    if isinstance(value, str):
        shown = value if len(value) <= _SHOWN_LENGTH else value[:_SHOWN_LENGTH] + "..."
        return repr(shown)
    return f"{type(value).__name__} {value!r}"[:_SHOWN_LENGTH]


def require_id(kind: str, value: object) -> str:
    """Return the id of the given kind held by ``value``, or raise InvalidIdError.

    Args:
        kind: one of :data:`KINDS`, e.g. ``ids.DOCUMENT`` (``"document"``).
        value: an id string, or any object with an ``id`` attribute (a resource such as a
            ``Document``) whose id is of that kind.

    Returns:
        The id string.

    Raises:
        InvalidIdError: ``value`` is not an id of that kind (a ValueError too). It is raised
            before any request, and says what was expected and what was given.
        ValueError: ``kind`` is not a known id kind (a programming error).

    Example::

        document_id = require_id(DOCUMENT, document_or_id)
    """
    _check_kind(kind)
    given = value
    if not isinstance(value, str):
        value = getattr(value, "id", value)
    if isinstance(value, str) and _PATTERNS[kind].fullmatch(value):
        return value
    message = f"expected a {kind} id like {_example(kind)}, got {_describe(value)}"
    if given is not value:
        message += f" (from a {type(given).__name__})"
    elif isinstance(value, str) and value and not _ANY_ID.fullmatch(value):
        message += "; ids look like 'las:<kind>:<id>'"
    raise InvalidIdError(message)
