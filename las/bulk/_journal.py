"""The journal of a bulk upload: one JSON object per line, appended and fsynced one at a time.

The first line names the journal's format and dataset; every later line is an event about one
item, identified by its ``key``::

    {"lasBulkJournal": 1, "datasetId": "las:dataset:...", "createdTime": "..."}
    {"key": "scans/a.pdf", "state": "sending", "sha256": "...", "contentType": "application/pdf", ...}
    {"key": "scans/a.pdf", "state": "created", "sha256": "...", "documentId": "las:document:..."}

The last event of a key is its state:

- ``sending``: the POST was about to go out when the journal last heard of it (the process
  stopped, or was killed, before the answer came back): read as ``ambiguous``.
- ``created``: the document exists; its id is ``documentId``. Never sent again.
- ``ambiguous``: the POST was sent but its answer was lost; the API may or may not have created
  the document. Never sent again on its own: :func:`las.bulk.reconcile` resolves it.
- ``failed``: the document was certainly not created (never sent, or refused); a re-run sends it.

Each line is written with a single ``write`` on a file opened for appending, then fsynced, so a
crash leaves at most one torn (unterminated) last line. Reading tolerates it, reports it
(:attr:`Journal.torn_line`) and cuts it off before appending.
"""

from __future__ import annotations

import datetime
import json
import os
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from ..exceptions import ClientException
from ..resources import InvalidArgumentError

__all__ = ["FORMAT_VERSION", "Entry", "Journal", "JournalError", "TornLine"]

FORMAT_VERSION = 1
STATES = ("sending", "created", "ambiguous", "failed")

try:  # POSIX: one process at a time may append to a journal
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock
    fcntl = None  # type: ignore[assignment]


class JournalError(ClientException):
    """The journal cannot be used: corrupted, of another dataset, or in use by another process."""


@attrs.frozen
class TornLine:
    """An unterminated last line left by a run that stopped mid-write; it was cut off."""

    line_number: int
    text: str

    def __str__(self) -> str:
        return (
            f"line {self.line_number} was torn by an interrupted run and was dropped "
            f"({len(self.text)} characters: {self.text[:80]!r})"
        )


@attrs.frozen
class Entry:
    """The latest known state of one item of the journal."""

    key: str
    state: str
    sha256: str | None = None
    document_id: str | None = None
    content_type: str | None = None
    ground_truth: list[dict[str, Any]] | None = None
    error: str | None = None
    sent_time: str | None = None
    """When the last POST for the item was about to be sent (ISO 8601, UTC)."""

    @property
    def unresolved(self) -> bool:
        """Whether the API may or may not have created the document (``ambiguous``/``sending``)."""
        return self.state in ("ambiguous", "sending")


def now_iso() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


class Journal:
    """An append-only record of what a bulk upload did, safe to share between threads.

    Open it with ``Journal(path, dataset_id=...)``; close it (or use ``with``) to release the
    lock that keeps a second process from appending to it at the same time.

    Raises:
        JournalError: a line other than the last is not JSON, the journal belongs to another
            dataset, or another process has it open.
    """

    def __init__(self, path: str | os.PathLike[str], *, dataset_id: str | None = None) -> None:
        self.path = Path(path)
        self.torn_line: TornLine | None = None
        self.dataset_id: str | None = dataset_id
        self._entries: dict[str, Entry] = {}
        self._lock = threading.Lock()
        if dataset_id is None and not self.path.is_file():
            raise JournalError(
                f"no journal at {str(self.path)!r}: check the path (a new journal needs a dataset id)"
            )
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            self._take_lock()
            self._load(dataset_id)
        except BaseException:
            os.close(self._fd)
            raise

    # -- reading ---------------------------------------------------------------------------

    def _take_lock(self) -> None:
        if fcntl is None:  # pragma: no cover
            return
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise JournalError(
                f"journal {str(self.path)!r} is in use by another process; wait for it to finish "
                "or use another journal file"
            ) from None

    def _load(self, dataset_id: str | None) -> None:
        raw = self.path.read_bytes()
        lines = raw.split(b"\n")
        tail = lines.pop()  # b"" when the file ends with a newline
        header: Mapping[str, Any] | None = None
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            record = self._parse(line, number)
            if header is None:
                header = self._check_header(record, number)
            else:
                self._apply(record, number)
        if tail.strip():
            number = len(lines) + 1
            try:
                record = json.loads(tail)
                complete = isinstance(record, dict)
            except ValueError:
                complete = False
            if complete:  # every byte but the newline made it to disk: keep it, end the line
                if header is None:
                    header = self._check_header(record, number)
                else:
                    self._apply(record, number)
                os.write(self._fd, b"\n")
            else:
                self.torn_line = TornLine(number, tail.decode("utf-8", "replace"))
                os.ftruncate(self._fd, len(raw) - len(tail))
            os.fsync(self._fd)
        if header is None:
            if dataset_id is None:
                raise JournalError(f"journal {str(self.path)!r} is new: pass the dataset id it is for")
            self._append(
                {"lasBulkJournal": FORMAT_VERSION, "datasetId": dataset_id, "createdTime": now_iso()}
            )
        elif dataset_id is not None and header.get("datasetId") != dataset_id:
            raise JournalError(
                f"journal {str(self.path)!r} records an upload to {header.get('datasetId')}, not to "
                f"{dataset_id}: use another journal file for another dataset"
            )
        else:
            self.dataset_id = header.get("datasetId")

    def _parse(self, line: bytes, number: int) -> dict[str, Any]:
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if not isinstance(record, dict):
            raise JournalError(
                f"journal {str(self.path)!r} line {number} is not a JSON object: the file is "
                f"corrupted ({line[:80]!r}); fix or remove that line"
            )
        return record

    def _check_header(self, record: Mapping[str, Any], number: int) -> Mapping[str, Any]:
        if record.get("lasBulkJournal") != FORMAT_VERSION or not isinstance(record.get("datasetId"), str):
            raise JournalError(
                f"{str(self.path)!r} line {number} is not a las bulk journal header "
                f"(expected {{'lasBulkJournal': {FORMAT_VERSION}, 'datasetId': ...}})"
            )
        return record

    def _apply(self, record: Mapping[str, Any], number: int) -> None:
        key, state = record.get("key"), record.get("state")
        if not isinstance(key, str) or state not in STATES:
            raise JournalError(
                f"journal {str(self.path)!r} line {number} has no key or an unknown state: {record!r}"
            )
        before = self._entries.get(key)
        self._entries[key] = Entry(
            key=key,
            state=state,
            sha256=record.get("sha256", before.sha256 if before else None),
            document_id=record.get("documentId"),
            content_type=record.get("contentType", before.content_type if before else None),
            ground_truth=record.get("groundTruth", before.ground_truth if before else None),
            error=record.get("error"),
            sent_time=record.get("time") if state == "sending" else before.sent_time if before else None,
        )

    # -- the entries -----------------------------------------------------------------------

    def get(self, key: str) -> Entry | None:
        """The latest state of ``key``, or None when the journal never heard of it."""
        with self._lock:
            return self._entries.get(key)

    def entries(self) -> list[Entry]:
        """Every item's latest state, in the order the items first appeared."""
        with self._lock:
            return list(self._entries.values())

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries())

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    # -- writing ---------------------------------------------------------------------------

    def record(self, key: str, state: str, **fields: Any) -> Entry:
        """Append one event (fsynced before returning) and return the item's new state.

        ``fields`` use the wire names: ``sha256``, ``documentId``, ``contentType``,
        ``groundTruth``, ``error``, ``hint``; None values are left out.
        """
        if state not in STATES:
            raise InvalidArgumentError(f"state must be one of {STATES}, got {state!r}")
        record = {"key": key, "state": state, **{k: v for k, v in fields.items() if v is not None}}
        record["time"] = now_iso()
        with self._lock:
            self._append(record)
            self._apply(record, 0)
            return self._entries[key]

    def _append(self, record: Mapping[str, Any]) -> None:
        line = json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
        written = os.write(self._fd, line)  # O_APPEND: one write lands as a whole, at the end
        if written != len(line):  # pragma: no cover - a full disk
            raise JournalError(f"journal {str(self.path)!r}: short write ({written} of {len(line)} bytes)")
        os.fsync(self._fd)

    def close(self) -> None:
        """Release the journal (and its lock). Idempotent."""
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Journal({str(self.path)!r}, dataset_id={self.dataset_id!r}, items={len(self)})"
