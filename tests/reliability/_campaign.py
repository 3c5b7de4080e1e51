"""What the campaign (``test_campaign.py``) takes as the truth and what it remembers.

The truth is the emulator's side: its store (read under its lock, without a request, so that
armed faults never touch a check) and its request log. What the SDK said is kept in a
:class:`Ledger`: one :class:`Create` per thing the campaign asked the SDK to create. Each create
has content no other has (except ingest items made as copies of another, which ingest must
create once), so a document in the store names the creates it may have come from.
"""

from __future__ import annotations

import base64
import json
import os
import re
import stat
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import las
from las.testing import Emulator, RecordedRequest

CREATED = "created"
FAILED = "failed"  # certainly not created
AMBIGUOUS = "ambiguous"  # the API may have created it
DUPLICATE = "duplicate"  # not sent: another create with the same content owns it
UNKNOWN = "unknown"  # the SDK never said (an ingest interrupted before its report)
REFUSED_BEFORE_ANY_WORK = frozenset({401, 403, 429})
"""Answers after which the API did nothing: the SDK may send the request again."""


def pdf(label: str) -> bytes:
    """A small PDF whose bytes are unique to ``label``."""
    return b"%PDF-1.4\n%% campaign " + label.encode() + b"\n%%EOF\n"


def outcome_of(error: BaseException) -> str:
    """What an error from a create promises its caller, as README's Reliability section words it:
    ``failed`` (certainly nothing created: the API refused it with a 4xx, or the connection never
    opened) or ``ambiguous`` (the API may have done it: the answer was lost, late, or a 5xx).

    Written here from the promise, not imported from the SDK's own rule, so that a wrong rule
    in the SDK cannot make the campaign expect the wrong thing.
    """
    if isinstance(error, las.APIError):
        return FAILED if 400 <= error.status_code < 500 else AMBIGUOUS
    if isinstance(error, las.APIConnectionError) and not isinstance(error, las.AnswerLostError):
        return FAILED
    return AMBIGUOUS


@dataclass
class Create:
    """One thing the SDK was asked to create, and what it said about it last.

    ``status`` is ``created`` (with ``resource_id``), ``failed``, ``ambiguous``, ``duplicate``
    (with the owner's ``resource_id`` when known) or ``unknown``; ``via`` names the layer that
    sent it. ``maybe_resolved`` marks an ambiguous ingest item whose journal a failed reconcile
    may have settled (then a resume may report it ``skipped``).
    """

    label: str
    via: str
    status: str
    content: bytes = b""
    resource_id: str | None = None
    error: str | None = None
    maybe_resolved: bool = False


@dataclass
class Ledger:
    """The creates of one campaign run: documents by label (an ingest item's key), workflow
    executions by their input's ``n``."""

    documents: dict[str, Create] = field(default_factory=dict)
    executions: dict[int, Create] = field(default_factory=dict)


# -- the emulator's side -------------------------------------------------------------------------


def stored_documents(emulator: Emulator) -> dict[str, bytes]:
    """Document id -> content, for every document in the emulator's store."""
    state = emulator._service.state
    with state.lock:
        rows = [(row["documentId"], row["content"]) for row in state.documents]
    return {document_id: base64.b64decode(content) for document_id, content in rows}


@dataclass(frozen=True)
class StoredExecution:
    """A transition execution as the store has it; ``completions``: how many times the API
    recorded an end for it (from its log, which says it once per completion it accepted, also
    when the answer to that completion was lost)."""

    execution_id: str
    status: str
    n: int
    output: Any
    error: Any
    completions: int


COMPLETION_EVENT = re.compile(r"transition execution (succeeded|failed|rejected|retry)\b")


def stored_transition_executions(emulator: Emulator, transition_id: str) -> list[StoredExecution]:
    state = emulator._service.state
    with state.lock:
        return [
            StoredExecution(
                row["executionId"],
                row["status"],
                row["input"]["n"],
                row.get("_output"),
                row.get("_error"),
                sum(
                    1
                    for event in state.logs.require(row["logId"])["events"]
                    if COMPLETION_EVENT.match(event["message"])
                ),
            )
            for row in state.transition_executions
            if row["transitionId"] == transition_id
        ]


def stored_workflow_execution_inputs(emulator: Emulator, workflow_id: str) -> Counter[int]:
    """How many workflow executions of ``workflow_id`` the store holds per input ``n``."""
    state = emulator._service.state
    with state.lock:
        return Counter(
            row["input"]["n"] for row in state.workflow_executions if row["workflowId"] == workflow_id
        )


def document_posts(records: Iterable[RecordedRequest]) -> dict[bytes, list[int]]:
    """Content -> the statuses of every ``POST /documents`` that carried it, in arrival order."""
    posts: dict[bytes, list[int]] = defaultdict(list)
    for record in records:
        if record.method == "POST" and record.path == "/documents" and isinstance(record.json, dict):
            posts[base64.b64decode(record.json["content"])].append(record.status)
    return posts


def sends_that_may_have_worked(statuses: Iterable[int]) -> int:
    """How many of these arrivals the API may have acted on (all but its refusals)."""
    return sum(1 for status in statuses if status not in REFUSED_BEFORE_ANY_WORK)


# -- the checks ----------------------------------------------------------------------------------


def check_documents(emulator: Emulator, ledger: Ledger) -> None:
    """No document twice, none lost, none the SDK called failed, none nobody asked for."""
    stored: dict[bytes, list[str]] = defaultdict(list)
    for document_id, content in stored_documents(emulator).items():
        stored[content].append(document_id)
    creates: dict[bytes, list[Create]] = defaultdict(list)
    for create in ledger.documents.values():
        creates[create.content].append(create)
    for content, ids in stored.items():
        labels = [f"{create.label} (via {create.via})" for create in creates.get(content, [])]
        assert labels, f"the store holds documents {ids} that no create asked for"
        assert len(ids) == 1, f"{', '.join(labels)}: created {len(ids)} times: {ids}"
    for content, same in creates.items():
        ids = stored.get(content, [])
        for create in same:
            if create.status == CREATED or (create.status == DUPLICATE and create.resource_id):
                assert ids == [create.resource_id], (
                    f"{create.label} (via {create.via}): the SDK reported {create.resource_id} "
                    f"{create.status}, the store holds {ids}"
                )
            else:
                assert create.status in (FAILED, AMBIGUOUS, DUPLICATE, UNKNOWN), create
        if all(create.status in (FAILED, DUPLICATE) for create in same):
            assert ids == [], (
                f"{[create.label for create in same]} (via {same[0].via}) were all reported certainly not "
                f"created ({same[0].error}), but the API created {ids}: a caller would send it again and make "
                "a duplicate"
            )


def check_token_cache(path: Path) -> None:
    """The token cache is absent or a private JSON object of well-formed entries, with no
    temporary file left beside it."""
    leftovers = [entry.name for entry in path.parent.iterdir() if entry.name.endswith(".tmp")]
    assert leftovers == [], f"temporary files left beside the token cache: {leftovers}"
    if not path.exists():
        return
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, oct(os.stat(path).st_mode)
    data = json.loads(path.read_text())
    assert isinstance(data, dict), data
    for profile, entry in data.items():
        assert isinstance(entry, dict), (profile, entry)
        assert isinstance(entry.get("access_token"), str) and entry["access_token"], (profile, entry)
        assert isinstance(entry.get("expires_in"), (int, float)), (profile, entry)
