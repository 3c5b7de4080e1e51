"""The journal of a bulk upload: one JSON object per line, appended and fsynced one at a time.

The first line names the journal's format and dataset; every later line is an event about one
item, identified by its ``key``::

    {"lasBulkJournal": 1, "datasetId": "las:dataset:...", "createdTime": "..."}
    {"key": "scans/a.pdf", "state": "sending", "sha256": "...", "contentType": "application/pdf", ...}
    {"key": "scans/a.pdf", "state": "created", "sha256": "...", "documentId": "las:document:..."}

The last event of a key is its state:

- ``sending``: the POST was about to go out when the journal last heard of it (the process
  stopped, or was killed, before the answer came back): read as ``ambiguous``.
- ``created-awaiting-content`` (2024-11-29): the API created ``documentId``; its bytes were
  about to be PUT to ``fileUrl`` (expiring at ``fileUrlExpires`` when the URL says so) and may
  not have arrived. A re-run checks the document (its ``contentMD5`` against ``md5``) and PUTs
  them again while the URL may be valid. The URL is a credential (whoever holds it can write
  the document's bytes until it expires): it is written only to a journal no one else may read.
- ``created``: the document exists with its bytes; its id is ``documentId``. Never sent again.
- ``incomplete`` (2024-11-29): ``documentId`` exists without its bytes, and there is no upload
  URL known to work (refused or expired; neither contract offers a new one for an existing
  document). Never created again on its own: ``recreate_incomplete=True`` replaces it.
- ``replacing``: ``documentId``, found without bytes, was about to be deleted so the item could
  be created again; a re-run checks whether it is still there before doing anything else.
- ``ambiguous``: the POST was sent but its answer was lost; the API may or may not have created
  the document. Never sent again on its own: :func:`las.bulk.reconcile` resolves it. (Journals
  of earlier versions also wrote ``ambiguous`` with a ``documentId`` for a document created
  without its bytes: read as ``incomplete``.)
- ``failed``: the document was certainly not created (never sent, or refused) or is gone; a
  re-run sends it.

Lines also carry ``sha256`` (hex) and ``md5`` (base64, as the API's ``contentMD5``) of the
bytes, ``error`` and ``hint`` for people, and ``time``.

Each line is written with a single ``write`` on a file opened for appending, then fsynced, so a
crash leaves at most one torn (unterminated) last line. Reading tolerates it, reports it
(:attr:`Journal.torn_line`) and cuts it off before appending.

A journal is only ever a file that started as one: a path holding anything else is refused
before a byte is written to it. What is at the path decides:

- nothing: a new journal is created, mode 0600 (it copies ground truth);
- an empty regular file: it holds nothing to lose, so it becomes a new journal (made 0600);
- a regular file whose first line is a journal header: the journal, used as it is (a warning
  is logged when others may read or write it: the user may have chosen to share it);
- a single unterminated line that starts like a header (``{"lasBulkJournal":``): a journal torn
  while its header was written (it records no item); it is started again;
- anything else (another file, a symbolic link, a FIFO, a directory): :class:`JournalError`.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import re
import stat
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from .._files import HEAD_BYTES, NotARegularFile, open_regular
from ..exceptions import ClientException
from ..resources import InvalidArgumentError

__all__ = [
    "AWAITING_CONTENT",
    "CREATED",
    "FORMAT_VERSION",
    "INCOMPLETE",
    "REPLACING",
    "SENDING",
    "Entry",
    "Journal",
    "JournalError",
    "TornLine",
]

FORMAT_VERSION = 1
SENDING = "sending"
AWAITING_CONTENT = "created-awaiting-content"
CREATED = "created"
INCOMPLETE = "incomplete"
REPLACING = "replacing"
STATES = (SENDING, AWAITING_CONTENT, CREATED, INCOMPLETE, REPLACING, "ambiguous", "failed")
_UNFINISHED = frozenset({AWAITING_CONTENT, INCOMPLETE, REPLACING, "ambiguous"})
# How every journal starts (whatever the spacing): a torn first line must, to be taken for ours.
HEADER_START = re.compile(rb'\A\{\s*"lasBulkJournal"\s*:')

log = logging.getLogger("las.bulk")

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
    md5: str | None = None
    """The MD5 of the item's bytes, base64 (the form of the API's ``contentMD5``)."""
    file_url: str | None = None
    """``created-awaiting-content``: where the bytes go (a presigned URL: a secret)."""
    file_url_expires: str | None = None
    """When ``file_url`` expires (ISO 8601, UTC), when the URL says so."""

    @property
    def unresolved(self) -> bool:
        """Whether the API may or may not have created the document (``ambiguous`` or
        ``sending``, without a document id)."""
        return self.state in ("ambiguous", SENDING) and self.document_id is None

    @property
    def unfinished(self) -> bool:
        """Whether the document ``document_id`` exists (or did) but its bytes were not known to
        have arrived (``created-awaiting-content``, ``incomplete``, ``replacing``)."""
        return self.document_id is not None and self.state in _UNFINISHED


def now_iso() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


class Journal:
    """An append-only record of what a bulk upload did, safe to share between threads.

    Open it with ``Journal(path, dataset_id=...)``; close it (or use ``with``) to release the
    lock that keeps a second process from appending to it at the same time.

    Raises:
        JournalError: the path holds something that is not a journal (another file, a symbolic
            link, a FIFO: nothing is written to it), a line other than the last is not JSON, the
            journal belongs to another dataset, another process has it open, or it cannot be
            created or opened to write (the message says why).
    """

    def __init__(self, path: str | os.PathLike[str], *, dataset_id: str | None = None) -> None:
        self.path = Path(path)
        self.torn_line: TornLine | None = None
        self.dataset_id: str | None = dataset_id
        self._entries: dict[str, Entry] = {}
        self._lock = threading.Lock()
        self._fd = self._open(create=dataset_id is not None)
        try:
            self._take_lock()
            self._load(dataset_id)
        except BaseException:
            os.close(self._fd)
            raise

    # -- reading ---------------------------------------------------------------------------

    def _open(self, *, create: bool) -> int:
        """The journal's file, opened to append; created (0600) only where nothing is."""
        flags = os.O_RDWR | os.O_APPEND
        try:
            try:
                return open_regular(self.path, flags)
            except FileNotFoundError:
                if not create:
                    raise JournalError(
                        f"no journal at {str(self.path)!r}: check the path (a new journal needs a dataset id)"
                    ) from None
            try:
                return open_regular(self.path, flags | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another run created it a moment ago (or a link appeared)
                return open_regular(self.path, flags)
        except NotARegularFile as error:
            raise JournalError(
                f"{error.strerror}; nothing was written. Pass the path of the journal file itself, "
                "or of a new file"
            ) from None
        except OSError as error:
            raise JournalError(
                f"cannot open journal {str(self.path)!r} to write: {error.strerror or error}; choose a "
                "path you can write to (the file, or its directory for a new one)"
            ) from None

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

    def _not_a_journal(self) -> JournalError:
        return JournalError(
            f"{str(self.path)!r} is not a las bulk journal (its first line is not "
            f'{{"lasBulkJournal": {FORMAT_VERSION}, "datasetId": ...}}): nothing was written to it. '
            "Pass the journal of an earlier run, or the path of a new file (it is created)"
        )

    def _read(self) -> tuple[bytes, str]:
        """The whole file and how it starts: ``"empty"``, ``"header"`` or ``"torn"`` (a header cut
        short); anything else is refused after reading its first line only."""
        os.lseek(self._fd, 0, os.SEEK_SET)
        head = os.read(self._fd, HEAD_BYTES)
        first, newline, _ = head.partition(b"\n")
        if not head:
            start = "empty"
        elif self._is_header(first):
            start = "header"
        elif not newline and self._torn_header(first):
            start = "torn"
        else:
            raise self._not_a_journal()
        chunks = [head]
        while chunk := os.read(self._fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks), start

    @staticmethod
    def _is_header(line: bytes) -> bool:
        try:
            record = json.loads(line)
        except ValueError:
            return False
        return (
            isinstance(record, dict)
            and record.get("lasBulkJournal") == FORMAT_VERSION
            and isinstance(record.get("datasetId"), str)
        )

    @staticmethod
    def _torn_header(line: bytes) -> bool:
        """Whether ``line`` is the start of a header cut short (no JSON, but starts like one)."""
        if len(line) >= HEAD_BYTES or not HEADER_START.match(line):
            return False
        try:
            json.loads(line)
        except ValueError:
            return True
        return False  # whole JSON, but not our header (another version, another format)

    def _load(self, dataset_id: str | None) -> None:
        """Read and check everything, then (only then) repair the end or write the header."""
        raw, start = self._read()
        lines = raw.split(b"\n")
        tail = lines.pop()  # b"" when the file ends with a newline
        header: Mapping[str, Any] | None = None
        complete_tail = False
        if start == "header":
            header = json.loads(lines[0] if lines else tail)
            complete_tail = not lines
        elif start == "torn" and not lines:  # one unterminated line: torn as it was written
            self.torn_line = TornLine(1, tail.decode("utf-8", "replace"))
        elif start == "torn":  # pragma: no cover - the file grew while it was read (a short read)
            raise self._not_a_journal()
        for number, line in enumerate(lines[1:], start=2):
            if line.strip():
                self._apply(self._parse(line, number), number)
        if lines and tail.strip():
            try:
                record = json.loads(tail)
            except ValueError:
                record = None
            if isinstance(record, dict):  # every byte but the newline made it to disk
                self._apply(record, len(lines) + 1)
                complete_tail = True
            else:
                self.torn_line = TornLine(len(lines) + 1, tail.decode("utf-8", "replace"))
        if header is None and dataset_id is None:
            raise JournalError(f"journal {str(self.path)!r} is new: pass the dataset id it is for")
        if header is not None and dataset_id is not None and header.get("datasetId") != dataset_id:
            raise JournalError(
                f"journal {str(self.path)!r} records an upload to {header.get('datasetId')}, not to "
                f"{dataset_id}: use another journal file for another dataset"
            )
        if header is None:
            self._make_private()
        # Everything checked: from here on the file is ours to write.
        if complete_tail:
            os.write(self._fd, b"\n")
        elif self.torn_line is not None:
            os.ftruncate(self._fd, len(raw) - len(tail))
        if header is None:
            self._append(
                {"lasBulkJournal": FORMAT_VERSION, "datasetId": dataset_id, "createdTime": now_iso()}
            )
        else:
            self.dataset_id = header.get("datasetId")
            self._warn_if_shared()
            if complete_tail or self.torn_line is not None:
                os.fsync(self._fd)

    def _make_private(self) -> None:
        """A new journal (an empty file, or one torn at creation) gets the mode of one we create."""
        if stat.S_IMODE(os.fstat(self._fd).st_mode) & 0o077:
            try:
                os.fchmod(self._fd, 0o600)
            except OSError as error:
                raise JournalError(
                    f"{str(self.path)!r} is empty but not yours to make private ({error.strerror}): "
                    "nothing was written; choose another journal path"
                ) from None

    def _warn_if_shared(self) -> None:
        mode = stat.S_IMODE(os.fstat(self._fd).st_mode)
        if mode & 0o077:
            log.warning(
                "journal %s can be read or written by other users (mode %o) and holds ground truth; "
                "`chmod 600 %s` makes it private",
                self.path,
                mode,
                self.path,
            )

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
            sent_time=record.get("time") if state == SENDING else before.sent_time if before else None,
            md5=record.get("md5", before.md5 if before else None),
            file_url=record.get("fileUrl"),
            file_url_expires=record.get("fileUrlExpires"),
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

    @property
    def private(self) -> bool:
        """Whether only its owner may read or write the file (no group or other permission):
        where an upload URL, a credential, may be written."""
        return not stat.S_IMODE(os.fstat(self._fd).st_mode) & 0o077

    # -- writing ---------------------------------------------------------------------------

    def record(self, key: str, state: str, **fields: Any) -> Entry:
        """Append one event (fsynced before returning) and return the item's new state.

        ``fields`` use the wire names: ``sha256``, ``md5``, ``documentId``, ``contentType``,
        ``groundTruth``, ``fileUrl``, ``fileUrlExpires``, ``replaces``, ``error``, ``hint``;
        None values are left out.
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
        try:
            line = json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
        except UnicodeEncodeError:  # a lone surrogate (a file name that is not UTF-8): JSON escapes it
            line = json.dumps(record, separators=(",", ":")).encode() + b"\n"
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
