"""What the campaign (``test_campaign.py``) takes as the truth and what it remembers.

The truth is the emulator's side: its store (read under its lock, without a request, so that
armed faults never touch a check) and its request log. What the SDK said is kept in a
:class:`Ledger`: one :class:`Create` per thing the campaign asked the SDK to create. Each create
has content no other has (except ingest items made as copies of another, which ingest must
create once), so a document in the store names the creates it may have come from.

How a request or a document names its content differs between the contracts. On 2021-09-23 the
bytes travel in the ``POST /documents`` and the store keeps them: the content is what was sent.
On 2024-11-29 the ``POST`` carries no bytes (they follow in a ``PUT`` to the ``fileUrl`` of its
answer), and a ``POST`` whose answer was lost, or whose ``PUT`` failed, leaves a document without
bytes. So every create also sends its content's label as ground truth (:func:`marked`), which
the ``POST`` carries and the store keeps on both contracts: on 2024-11-29 that label names what a
``POST`` and a document were created for, and the bytes the document holds (if any) are checked
against it.
"""

from __future__ import annotations

import base64
import json
import os
import re
import stat
import urllib.parse
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import las
from las.testing import Emulator, RecordedRequest

CREATED = "created"
INCOMPLETE = "incomplete"  # 2024-11-29: created as resource_id, its bytes not known to be there
FAILED = "failed"  # certainly not created
AMBIGUOUS = "ambiguous"  # the API may have created it
DUPLICATE = "duplicate"  # not sent: another create with the same content owns it
UNKNOWN = "unknown"  # the SDK never said (an ingest interrupted before its report)
REFUSED_BEFORE_ANY_WORK = frozenset({401, 403, 429})
"""Answers after which the API did nothing: the SDK may send the request again."""
MARK = "campaign"  # the ground truth label that carries a create's content label
_PDF_HEAD, _PDF_TAIL = b"%PDF-1.4\n%% campaign ", b"\n%%EOF\n"


def pdf(label: str) -> bytes:
    """A small PDF whose bytes are unique to ``label``."""
    return _PDF_HEAD + label.encode() + _PDF_TAIL


def marked(content: bytes) -> list[dict[str, str]]:
    """The ground truth a create of ``content`` (a :func:`pdf`) sends: its label, which names
    the content where the bytes do not travel with the ``POST`` (2024-11-29)."""
    assert content.startswith(_PDF_HEAD) and content.endswith(_PDF_TAIL), content
    return [{"label": MARK, "value": content[len(_PDF_HEAD) : -len(_PDF_TAIL)].decode()}]


def content_named_by(ground_truth: Any) -> bytes | None:
    """The content a ``POST``'s or a document's ground truth names (see :func:`marked`)."""
    for item in ground_truth if isinstance(ground_truth, list) else ():
        if isinstance(item, dict) and item.get("label") == MARK and isinstance(item.get("value"), str):
            return pdf(item["value"])
    return None


def outcome_of(error: BaseException) -> str:
    """What an error from a create promises its caller, as README's Reliability section words it:
    ``failed`` (certainly nothing created: the API refused it with a 4xx, or the connection never
    opened) or ``ambiguous`` (the API may have done it: the answer was lost, late, or a 5xx); on
    2024-11-29 also ``incomplete`` (:class:`las.DocumentUploadError`: the API created the document
    it names, its bytes did not arrive).

    Written here from the promise, not imported from the SDK's own rule, so that a wrong rule
    in the SDK cannot make the campaign expect the wrong thing.
    """
    if isinstance(error, las.DocumentUploadError):
        return INCOMPLETE
    if isinstance(error, las.APIError):
        return FAILED if 400 <= error.status_code < 500 else AMBIGUOUS
    if isinstance(error, las.APIConnectionError) and not isinstance(error, las.AnswerLostError):
        return FAILED
    return AMBIGUOUS


@dataclass
class Create:
    """One thing the SDK was asked to create, and what it said about it last.

    ``status`` is ``created`` (with ``resource_id``), ``incomplete`` (2024-11-29: with the
    ``resource_id`` of the document the SDK said exists without its bytes known to be there),
    ``failed``, ``ambiguous``, ``duplicate`` (with the owner's ``resource_id`` when known) or
    ``unknown``; ``via`` names the layer that sent it. ``maybe_resolved`` marks an ambiguous ingest item whose journal a failed reconcile
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
    executions by their input's ``n``; ``replaced``: documents the SDK reported ``incomplete``
    and then replaced or found gone (``recreate_incomplete``), which must be deleted."""

    documents: dict[str, Create] = field(default_factory=dict)
    executions: dict[int, Create] = field(default_factory=dict)
    replaced: set[str] = field(default_factory=set)


# -- the emulator's side -------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredDocument:
    """A document as the store has it: ``created_for``, the content its ``POST`` carried (2021-09-23)
    or named (2024-11-29, :func:`marked`; None when it named none); ``holds``, the bytes it holds
    (None: none arrived, 2024-11-29)."""

    document_id: str
    dataset_id: str | None
    created_for: bytes | None
    holds: bytes | None


def stored_document_rows(emulator: Emulator) -> dict[str, StoredDocument]:
    """Every document in the emulator's store, by id."""
    state = emulator._service.state
    with state.lock:
        rows = [dict(row) for row in state.documents]
    documents = {}
    for row in rows:
        if "content" in row:  # 2021-09-23: the bytes the POST carried
            content = base64.b64decode(row["content"])
            created_for, holds = content, content
        else:
            created_for, holds = content_named_by(row.get("groundTruth")), row.get("_bytes")
        documents[row["documentId"]] = StoredDocument(
            row["documentId"], row.get("datasetId"), created_for, holds
        )
    return documents


def stored_documents(emulator: Emulator) -> dict[str, bytes | None]:
    """Document id -> the content it was created for, for every document in the emulator's store."""
    return {document_id: row.created_for for document_id, row in stored_document_rows(emulator).items()}


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


def document_posts(records: Iterable[RecordedRequest]) -> dict[bytes | None, list[int]]:
    """Content -> the statuses of every ``POST /documents`` that carried it (2021-09-23) or named
    it (2024-11-29: its ground truth, :func:`marked`), in arrival order."""
    posts: dict[bytes | None, list[int]] = defaultdict(list)
    for record in records:
        if record.method == "POST" and record.path == "/documents" and isinstance(record.json, dict):
            if "content" in record.json:
                content: bytes | None = base64.b64decode(record.json["content"])
            else:
                content = content_named_by(record.json.get("groundTruth"))
            posts[content].append(record.status)
    return posts


def documents_deleted(records: Iterable[RecordedRequest]) -> set[str]:
    """The ids of every ``DELETE /documents/{id}`` sent (answered or not)."""
    prefix = "/documents/"
    return {
        urllib.parse.unquote(record.path[len(prefix) :])
        for record in records
        if record.method == "DELETE" and record.path.startswith(prefix)
    }


def sends_that_may_have_worked(statuses: Iterable[int]) -> int:
    """How many of these arrivals the API may have acted on (all but its refusals)."""
    return sum(1 for status in statuses if status not in REFUSED_BEFORE_ANY_WORK)


# -- the checks ----------------------------------------------------------------------------------


JOURNALED = frozenset({"ingest", "interrupted ingest", "reconcile"})
"""The layers whose ``incomplete`` reports may name a document another item's ``POST`` created:
reconcile takes the documents without bytes of a journal's dataset as interchangeable."""


def check_documents(emulator: Emulator, ledger: Ledger) -> None:
    """No document twice, none lost, none the SDK called failed, none nobody asked for; each
    holds the bytes it was created for or none, and (2024-11-29) one without bytes is one the
    SDK reported ambiguous or incomplete, never created; one it replaced is deleted.

    A document is attributed to the content it was created for (:class:`StoredDocument`), except
    that one without bytes which the SDK reported ``incomplete`` for an item of a journal is that
    item's, whichever item's ``POST`` created it (reconcile matches them by content type alone).
    """
    rows = stored_document_rows(emulator)
    still_there = sorted(ledger.replaced & set(rows))
    assert still_there == [], (
        f"the SDK replaced {still_there} (reported incomplete, then created again or found gone), but "
        "they are still in the store: the item now has two documents"
    )
    deleted = documents_deleted(emulator.requests)
    claims = {
        create.resource_id: create
        for create in ledger.documents.values()
        if create.resource_id is not None and create.status in (INCOMPLETE, UNKNOWN)
    }
    stored: dict[bytes, list[str]] = defaultdict(list)
    for document_id, row in rows.items():
        assert row.created_for is not None, f"the store holds {document_id}, whose POST named no content"
        assert row.holds in (None, row.created_for), (
            f"{document_id}, created for {marked(row.created_for)}, holds other bytes: {row.holds!r}"
        )
        owner = row.created_for
        claim = claims.get(document_id)
        if claim is not None and row.holds is None and claim.content != owner:
            assert claim.via in JOURNALED, (
                f"{claim.label} (via {claim.via}) was reported {claim.status} as {document_id}, which a "
                f"create of {marked(owner)} made"
            )
            owner = claim.content
        stored[owner].append(document_id)
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
            reported = (
                f"{create.label} (via {create.via}): the SDK reported {create.resource_id} {create.status}"
            )
            if create.status == CREATED or (create.status == DUPLICATE and create.resource_id):
                assert ids == [create.resource_id], f"{reported}, the store holds {ids}"
                assert rows[ids[0]].holds == content, f"{reported}, and it holds no bytes"
            elif create.status == INCOMPLETE:
                # gone only when the SDK deleted it (to replace it, the delete's answer lost)
                assert ids == [create.resource_id] or (ids == [] and create.resource_id in deleted), (
                    f"{reported}, the store holds {ids}"
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
