"""What an upload reports: one :class:`ItemResult` per item and the :class:`IngestReport` of them all.

The one vocabulary of every way of uploading many documents: ``las.bulk.ingest``,
``dataset.upload`` and ``dataset.upload_async``, with a journal or without.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from ..exceptions import ClientException
from ._journal import TornLine

if TYPE_CHECKING:
    from ..resources import Document

__all__ = ["IN_DATASET", "STATUSES", "IngestError", "IngestReport", "ItemResult"]

STATUSES = ("created", "skipped", "duplicate", "ambiguous", "incomplete", "failed", "changed")
IN_DATASET = frozenset({"created", "skipped", "duplicate"})
"""The statuses of an item whose document is in the dataset."""


@attrs.frozen(repr=False)
class ItemResult:
    """What happened to one item (see :mod:`las.bulk` for what each ``status`` means).

    Attributes:
        index: the item's position in the input.
        key: what identifies the item in a journal: the ``key`` of its :class:`IngestItem`,
            its path as given, or ``sha256:<hash>`` of in-memory content.
        status: ``created``, ``skipped``, ``duplicate``, ``ambiguous``, ``incomplete``,
            ``failed`` or ``changed``. Without a journal, only ``created`` or ``failed`` (nothing is kept to
            tell a lost answer from a refusal, so an item whose create raised is ``failed``
            and its ``exception`` says which).
        document_id: the id of its document (created now or by an earlier run, the one a
            duplicate shares, or the one created without its bytes of an ``incomplete`` item),
            else None.
        sha256: the sha256 (hex) of its content, once read.
        error: why it is not created, for people, with what to do about it (e.g.
            ``"ServerError: ..."``); None when it is.
        source: a short description of the item: its path, ``<N bytes>``, a file's name.
        document: the :class:`las.Document` this run created for it (None when it did not
            create one now: skipped, duplicate, failed..., or finished the upload of a document
            an earlier run created).
        exception: the exception raised for it in this run (None when none was, as for an
            item the journal settled).
        shares: the key of the item given before it with its key or content, whose document it
            shares (``duplicate``) or whose status it took because that one was not created;
            None for an item that was sent or settled on its own.
    """

    index: int
    key: str
    status: str
    document_id: str | None = None
    sha256: str | None = None
    _error: str | None = attrs.field(default=None, alias="error")
    source: str = attrs.field(default=attrs.Factory(lambda self: self.key, takes_self=True))
    document: Document | None = attrs.field(default=None, eq=False)
    exception: BaseException | None = attrs.field(default=None, eq=False)
    shares: str | None = attrs.field(default=None, kw_only=True)
    # dataset.upload without a journal: `error` is still the exception until 1.0 (see `error`)
    _exception_as_error: bool = attrs.field(default=False, eq=False, repr=False, alias="_exception_as_error")

    @property
    def error(self) -> str | None:
        """Why the item is not created, for people (e.g. ``"ServerError: ..."``); None when it is.

        Deprecated since 0.2: on a result of ``dataset.upload`` (or ``upload_async``) without
        a journal, ``error`` is the exception itself, as ``UploadItem.error`` was, until 1.0;
        read :attr:`exception` for it.

        Warns:
            DeprecationWarning: when ``error`` is the exception, naming :attr:`exception`.
        """
        if self._exception_as_error and self.exception is not None:
            warnings.warn(
                "ItemResult.error of an upload without a journal is the exception only until 1.0, "
                "when it becomes its message (a str) as with a journal: read .exception for the "
                "exception (or .error as text, str(...))",
                DeprecationWarning,
                stacklevel=2,
            )
            return self.exception  # type: ignore[return-value]  # the deprecated meaning
        return self._error

    @property
    def ok(self) -> bool:
        """Whether the item's document is in the dataset (created, skipped or a duplicate)."""
        return self.status in IN_DATASET

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{field.alias}={getattr(self, field.name)!r}" for field in attrs.fields(ItemResult) if field.repr
        )
        return f"ItemResult({shown})"


class IngestError(ClientException):
    """Raised by :meth:`IngestReport.raise_for_errors` when some items are not in the dataset;
    ``report`` has every item's result."""

    def __init__(self, report: IngestReport) -> None:
        self.report = report
        missing = [result for result in report.results if not result.ok]
        first = missing[0]
        status = "" if first.status == "failed" else f" ({first.status})"
        super().__init__(
            f"{len(missing)} of {len(report.results)} uploads failed; first: item {first.index} "
            f"({first.source}){status}: {first._error}"
        )

    @property
    def result(self) -> IngestReport:
        """Deprecated since 0.2: :attr:`report` (``UploadError.result`` was an ``UploadResult``).

        Warns:
            DeprecationWarning: naming the replacement; the name goes in 1.0.
        """
        warnings.warn(
            "IngestError.result (UploadError.result) is deprecated: use .report (the same IngestReport)",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.report


@attrs.frozen
class IngestReport:
    """The outcome of every item, in input order (iterate it, or read ``results``), and how to
    resolve what is left (:meth:`summary`)."""

    dataset_id: str
    journal: Path | None
    """The journal the run recorded its items in; None for an upload without one."""
    results: list[ItemResult]
    elapsed: float
    torn_line: TornLine | None = None

    @property
    def counts(self) -> dict[str, int]:
        """How many items ended in each status (every status present, zeros included)."""
        found = Counter(result.status for result in self.results)
        return {status: found.get(status, 0) for status in STATUSES}

    def with_status(self, status: str) -> list[ItemResult]:
        """The items that ended in ``status``."""
        return [result for result in self.results if result.status == status]

    @property
    def ambiguous(self) -> list[ItemResult]:
        """The items whose answer was lost: the API may have created them."""
        return self.with_status("ambiguous")

    @property
    def incomplete(self) -> list[ItemResult]:
        """The items created without their bytes (2024-11-29): each ``document_id`` exists and
        awaits them (see :func:`las.bulk.ingest` for what a re-run does)."""
        return self.with_status("incomplete")

    @property
    def failed(self) -> list[ItemResult]:
        """The items certainly not created (without a journal: every item whose create raised)."""
        return self.with_status("failed")

    @property
    def documents(self) -> list[Document]:
        """The documents this run created, in input order (an item skipped or a duplicate has a
        ``document_id`` but no Document: nothing was fetched for it)."""
        return [result.document for result in self.results if result.document is not None]

    @property
    def ok(self) -> bool:
        """Whether every item is in the dataset (created, skipped or a duplicate of one)."""
        return all(result.ok for result in self.results)

    @property
    def items(self) -> list[ItemResult]:
        """Deprecated since 0.2: :attr:`results` (``UploadResult.items``).

        Warns:
            DeprecationWarning: naming the replacement; the name goes in 1.0.
        """
        warnings.warn(
            "IngestReport.items (UploadResult.items) is deprecated: use .results (the same list)",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.results

    def __len__(self) -> int:
        return len(self.results)

    def __iter__(self) -> Iterator[ItemResult]:
        return iter(self.results)

    def raise_for_errors(self) -> IngestReport:
        """Return the report if every item is in the dataset; else raise :class:`IngestError`."""
        if not self.ok:
            raise IngestError(self)
        return self

    def summary(self) -> str:
        """A few lines for a person: the counts, then what to do about what is left."""
        counts = ", ".join(f"{count} {status}" for status, count in self.counts.items() if count)
        lines = [f"{len(self.results)} items in {self.elapsed:.1f}s: {counts or 'nothing to do'}"]
        if self.torn_line is not None:
            lines.append(f"journal {self.journal}: {self.torn_line}")
        if self.ambiguous:
            lines.append(
                f"{len(self.ambiguous)} ambiguous: their answer was lost, so the API may have created "
                f"them. Run las.bulk.reconcile({str(self.journal)!r}) to find them in the dataset by content "
                "hash (then re-run to send those it did not find), or re-run with retry_ambiguous=True "
                "to send them again and accept possible duplicates."
            )
        incomplete = self.incomplete
        if incomplete:
            lines.append(
                f"{len(incomplete)} incomplete: created without their bytes; first: {incomplete[0].key}: "
                f"{incomplete[0]._error}"
            )
        failed = self.failed
        if failed:
            what = (
                "not sent again; without a journal one whose answer was lost may exist"
                if self.journal is None
                else "not created; a re-run sends them again"
            )
            lines.append(f"{len(failed)} failed ({what}); first: {failed[0].key}: {failed[0]._error}")
        changed = self.with_status("changed")
        if changed:
            lines.append(
                f"{len(changed)} changed since they were created; first: {changed[0].key}: {changed[0]._error}"
            )
        return "\n".join(lines)
