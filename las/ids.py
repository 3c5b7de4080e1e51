"""The kinds of ids the API hands out, and the one check that an id is of the expected kind.

An id looks like ``las:<kind>:<id>``: ``las:document:0f2c...`` (32 hex chars on the 2021-09-23
contract), ``las:model:invoice-v2`` (the wider ``[a-z0-9-_]+`` of 2024-11-29), the built-in
``las:transition:commons-failed``. A model, plan or deployment environment of another
organisation carries its prefix: ``las:organization:cradl/las:model:invoice``. This module is
the only place that knows those forms. Resources call :func:`require_id` on every id argument so
a wrong id fails *before* any request, with a message that says what was expected::

    >>> require_id(DOCUMENT, "las:model:" + "0" * 32)
    Traceback (most recent call last):
    ...
    las.exceptions.InvalidIdError: expected a document id like 'las:document:<id>', got 'las:model:00000000000000000000000000000000'

The check is tolerant of what the service may hand out next (a longer id, other characters) and
strict where it matters: the kind, and path safety. The part after ``las:<kind>:`` is refused
when it is empty, ``.`` or ``..``, or holds ``/``, ``\\``, ``%``, ``?``, ``#``, whitespace or a
control character, so an id can never change the path it is put in (the Client also
percent-encodes every id into one path segment).
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
    "DEPLOYMENT_ENVIRONMENT",
    "DOCUMENT",
    "KINDS",
    "LOG",
    "MODEL",
    "ORGANIZATION",
    "ORGANIZATION_PREFIXED",
    "PAYMENT_METHOD",
    "PLAN",
    "PREDICTION",
    "PROFILE",
    "ROLE",
    "SECRET",
    "TRAINING",
    "TRANSFORMATION",
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
DEPLOYMENT_ENVIRONMENT: Final = "deployment-environment"
DOCUMENT: Final = "document"
LOG: Final = "log"
MODEL: Final = "model"
ORGANIZATION: Final = "organization"
PAYMENT_METHOD: Final = "payment-method"
PLAN: Final = "plan"
PREDICTION: Final = "prediction"
PROFILE: Final = "profile"
ROLE: Final = "role"
SECRET: Final = "secret"
TRAINING: Final = "model-training"
TRANSFORMATION: Final = "dataset-transformation"
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
    DEPLOYMENT_ENVIRONMENT,
    DOCUMENT,
    LOG,
    MODEL,
    ORGANIZATION,
    PAYMENT_METHOD,
    PLAN,
    PREDICTION,
    PROFILE,
    ROLE,
    SECRET,
    TRAINING,
    TRANSFORMATION,
    TRANSITION,
    TRANSITION_EXECUTION,
    USER,
    WORKFLOW,
    WORKFLOW_EXECUTION,
)

#: Kinds whose ids may carry the owning organisation: ``las:organization:<id>/las:model:<id>``.
ORGANIZATION_PREFIXED: Final = frozenset({DEPLOYMENT_ENVIRONMENT, MODEL, PLAN})

# The part after "las:<kind>:": anything but what could change a path or hide in one.
_TAIL = r"(?!\.{1,2}(?:/|$))[^/\\%?#\s\x00-\x1f\x7f]+"
_KIND = "[a-z]+(?:-[a-z]+)*"
_ID = re.compile(rf"(?:las:organization:({_TAIL})/)?las:({_KIND}):({_TAIL})")
_ANY_ID = re.compile(r"las:([a-z-]+):\S+")
_SHOWN_LENGTH = 60


def _example(kind: str) -> str:
    example = f"'las:{kind}:<id>'"
    if kind in ORGANIZATION_PREFIXED:
        example += f" or 'las:organization:<id>/las:{kind}:<id>'"
    return example


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown id kind {kind!r}; known kinds: {', '.join(KINDS)}")


def _parse(value: str) -> str | None:
    """The kind of a well-formed id (any kind, known or not), or None."""
    match = _ID.fullmatch(value)
    if match is None:
        return None
    organization, kind, _ = match.groups()
    if organization is not None and kind not in ORGANIZATION_PREFIXED:
        return None
    return kind


def is_id(kind: str, value: object) -> bool:
    """Tell whether ``value`` is an id string of the given kind (e.g. ``is_id("model", s)``)."""
    _check_kind(kind)
    return isinstance(value, str) and _parse(value) == kind


def kind_of(value: str) -> str | None:
    """Return the kind of an id string (``"las:model:..."`` -> ``"model"``; an organisation's
    ``"las:organization:x/las:model:y"`` -> ``"model"``), or None if it is not an id of a known kind."""
    kind = _parse(value)
    return kind if kind in KINDS else None


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
    if isinstance(value, str) and _parse(value) == kind:
        return value
    message = f"expected a {kind} id like {_example(kind)}, got {_describe(value)}"
    if given is not value:
        message += f" (from a {type(given).__name__})"
    elif isinstance(value, str) and value and not _ANY_ID.fullmatch(value):
        message += "; ids look like 'las:<kind>:<id>'"
    raise InvalidIdError(message)
