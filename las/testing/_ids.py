"""Identifier formats of the emulated API: one table of prefixes, one generator, one checker.

Every resource id is ``las:<kind>:<32 lowercase hex chars>``; transitions may also be the built-in
``las:transition:commons-<name>`` ids (used by ``PATCH /workflows/{id}/executions/{id}``).
"""

from __future__ import annotations

import os
import re
from typing import Final

KINDS: Final = (
    "app-client",
    "asset",
    "batch",
    "consent",
    "dataset",
    "document",
    "log",
    "model",
    "model-data-bundle",
    "organization",
    "prediction",
    "secret",
    "transition",
    "transition-execution",
    "user",
    "workflow",
    "workflow-execution",
)

COMMONS_TRANSITION_PATTERN: Final = r"^las:transition:commons-[0-9A-Za-z-]+$"
COMMONS_FAILED: Final = "las:transition:commons-failed"
COMMONS_SUCCEEDED: Final = "las:transition:commons-succeeded"
# The transition id given to the log of a workflow execution itself (not one of its transitions).
COMMONS_WORKFLOW: Final = "las:transition:commons-workflow"


def id_pattern(kind: str) -> str:
    """Return the regular expression (anchored) that ids of ``kind`` match."""
    return rf"^las:{re.escape(kind)}:[a-f0-9]{{32}}$"


_COMPILED: Final = {kind: re.compile(id_pattern(kind)) for kind in KINDS}
_COMMONS: Final = re.compile(COMMONS_TRANSITION_PATTERN)


def new_id(kind: str) -> str:
    """Return a fresh random id of ``kind``, e.g. ``new_id("document")`` -> ``'las:document:3f…'``."""
    return f"las:{kind}:{os.urandom(16).hex()}"


def new_ids(kind: str, count: int) -> list[str]:
    """Return ``count`` fresh ids of ``kind`` (one ``os.urandom`` call: fast for bulk seeding)."""
    raw = os.urandom(16 * count).hex()
    prefix = f"las:{kind}:"
    return [prefix + raw[i * 32 : (i + 1) * 32] for i in range(count)]


def is_id(kind: str, value: object) -> bool:
    """Tell whether ``value`` is a well-formed id of ``kind`` (commons ids count for transitions)."""
    if not isinstance(value, str):
        return False
    if _COMPILED[kind].match(value):
        return True
    return kind == "transition" and bool(_COMMONS.match(value))


def describe(kind: str) -> str:
    """Human description of an id format, for error messages."""
    return f"an id like 'las:{kind}:<32 hex chars>'"
