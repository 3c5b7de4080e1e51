"""Documents and the datasets that hold them."""

from __future__ import annotations

import os
from collections.abc import AsyncIterable, Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, cast, overload

import attrs

from .. import ids
from ..content import Content
from ._base import (
    Audited,
    Collection,
    Deletable,
    InvalidArgumentError,
    Listable,
    Operations,
    Retrievable,
    Struct,
    Updatable,
    given,
    lazy,
    sync_property,
)
from ._plan import to_wire
from ._session import SessionLike, client_for, client_for_async

if TYPE_CHECKING:
    from ..bulk import IngestReport, ItemResult
    from ._session import AsyncSessionLike
    from .models import Model, Prediction
    from .trainings import Training
    from .transformations import DatasetTransformations

__all__ = ["Dataset", "DatasetDocuments", "Document", "GroundTruthItem", "GroundTruthLike"]


GroundTruthValue = str | bool | int | float | list[Any] | None
"""A ground truth value: text, a yes/no, a number (2024-11-29) or a ``lines`` field's list (2024-11-29)."""


@attrs.define(slots=False, frozen=True)
class GroundTruthItem(Struct):
    """One known value of a document: ``label`` (e.g. ``"total_amount"``) and its ``value``
    (the 2024-11-29 contract also has numbers, and lists for ``lines`` fields)."""

    label: str
    value: GroundTruthValue


GroundTruthLike = Mapping[str, str | bool | None] | Sequence[GroundTruthItem | Mapping[str, Any]]
"""Ground truth as ``{label: value}``, or as a list of GroundTruthItem / ``{"label", "value"}`` dicts."""


def ground_truth_items(ground_truth: GroundTruthLike) -> list[dict[str, Any]]:
    """Ground truth in the API's shape, ``[{"label": ..., "value": ...}, ...]``."""
    if isinstance(ground_truth, Mapping):
        items: list[Any] = [GroundTruthItem(label, value) for label, value in ground_truth.items()]
    elif isinstance(ground_truth, (str, bytes)):
        raise InvalidArgumentError(
            "ground_truth must be a {label: value} dict or a list of items, not a string"
        )
    else:
        items = list(ground_truth)
    return [to_wire(item) if isinstance(item, GroundTruthItem) else dict(item) for item in items]


def _optional_id(kind: str, value: object) -> str | None:
    return None if value is None else ids.require_id(kind, value)


_DOCUMENT_FILTERS = {"dataset": ids.DATASET, "consent": ids.CONSENT}


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class Document(Audited, Retrievable, Listable, Updatable, Deletable):
    """A document (PDF or image) to predict on or to train with.

    Create with :meth:`create`; get with ``Document.get(id)``; list with
    ``Document.all(dataset=..., consent=...)``. ``update`` changes ``ground_truth`` (``[]`` clears
    it), ``dataset``, ``retention_in_days`` or (2024-11-29) ``metadata``; the API cannot set any
    of them to null.

    Lazy fields (left out of lists; reading one on a listed document loads it, once):
    ``content`` (bytes, decoded from base64 when read). On the 2024-11-29 contract the API keeps
    a document's bytes at a ``fileUrl`` instead: reading ``content`` downloads them from there,
    once (one more request, without the access token); ``Document.get`` does not. On an
    AsyncSession, ``await document.load_content_async()`` does it (attribute reads never send).
    """

    _id_field: ClassVar[str] = "document_id"
    _id_kind: ClassVar[str] = ids.DOCUMENT
    _updatable: ClassVar[frozenset[str]] = frozenset(
        {"ground_truth", "dataset", "retention_in_days", "metadata"}
    )
    _clearable: ClassVar[frozenset[str]] = frozenset()
    _filters: ClassVar[Mapping[str, str | None]] = _DOCUMENT_FILTERS
    _operations: ClassVar[Operations] = Operations(
        get="get_document", list="list_documents", update="update_document", delete="delete_document"
    )
    _get_options: ClassVar[Mapping[str, Any]] = {"download_content": False}  # content: when read

    document_id: str
    content_type: str | None = None
    content: bytes | None = lazy(file_url="fileUrl")
    consent_id: str | None = None
    dataset_id: str | None = None
    batch_id: str | None = None
    ground_truth: list[GroundTruthItem] = attrs.field(factory=list)
    retention_in_days: int | None = None
    metadata: dict[str, Any] | None = None
    """A dictionary of the caller's (2024-11-29)."""

    # ---- async source: tools/unasync.py derives the sync twins below ----
    @classmethod
    async def create_async(
        cls,
        content: Content,
        content_type: str | None = None,
        *,
        dataset: Dataset | str | None = None,
        consent: str | None = None,
        ground_truth: GroundTruthLike | None = None,
        retention_in_days: int | None = None,
        metadata: Mapping[str, Any] | None = None,
        session: AsyncSessionLike | None = None,
    ) -> Document:
        """Upload a document: one create request, never repeated by the SDK (on the 2024-11-29
        contract, then the PUT of its bytes to the ``fileUrl`` it answers, streamed and retried).

        Args:
            content: bytes, a path (str or Path) or a binary file object.
            content_type: ``"application/pdf"``, ``"image/jpeg"``, ``"image/png"`` or
                ``"image/tiff"``; detected from the content when None.
            dataset: the Dataset (or dataset id) to put the document in.
            consent: the consent id that marks the owner of the document (``las:consent:...``).
            ground_truth: known values, ``{"total_amount": "120.00"}`` or a list of items.
            retention_in_days: days before the API deletes the document.
            metadata: a dictionary to store additional information in (2024-11-29).
            session: a :class:`las.AsyncSession` or :class:`las.AsyncClient`; default: the
                default session.

        Raises:
            InvalidIdError: ``dataset`` or ``consent`` is not an id of its kind (before any request).
            ContractError: ``metadata`` on 2021-09-23 (before any request).
            FileFormatException: the content type could not be detected.
            ContentTooLargeError: the content is over the API's limit (2021-09-23, before any upload).
            DocumentUploadError: 2024-11-29: created, but its bytes did not arrive (it carries
                ``document_id`` and ``file_url``).

        Example::

            document = await las.Document.create_async("invoice.pdf", ground_truth={"total_amount": "120.00"})
        """
        arguments = given(
            consent_id=_optional_id(ids.CONSENT, consent),
            dataset_id=_optional_id(ids.DATASET, dataset),
            ground_truth=ground_truth_items(ground_truth) if ground_truth is not None else None,
            retention_in_days=retention_in_days,
            metadata=dict(metadata) if metadata is not None else None,
        )
        client = client_for_async(session, cls, "create")
        answer = await client.with_raw_response.create_document(content, content_type, **arguments)
        return cls._from_answer("create_document", answer, client)

    @sync_property
    async def dataset_async(self) -> Dataset | None:
        """The document's Dataset (one request on first use, then kept), or None."""
        return await self._relation_async("dataset", self.dataset_id, Dataset)

    async def load_content_async(self) -> bytes | None:
        """The document's bytes, kept once had (what reading ``content`` gives on a
        :class:`las.Session`): from the body, or downloaded from its ``fileUrl`` (2024-11-29)
        without the access token. Costs at most a GET of the document (when it is not loaded,
        or its file URL expired) and one download; nothing once held. None for a document whose
        bytes never arrived.

        Raises:
            APIError: the API or the file server refused (e.g. NotFoundError: deleted).
        """
        client = self._bound_async("load_content", "get_document")
        field = self._field("content")
        # unasync: sync: self._once(field, client, download=True)
        await self._load_file_async(field, client)  # unasync: async only
        return cast("bytes | None", self.__dict__.get("content"))  # held once had

    async def predict_async(
        self,
        model: Model | str,
        *,
        max_pages: int | None = None,
        auto_rotate: bool | None = None,
        image_quality: str | None = None,
        training: Training | str | None = None,
    ) -> Prediction:
        """Run a model on this document (one request) and return the :class:`Prediction`.

        Args:
            model: a Model or a model id.
            max_pages: pages to predict on (1 to 3).
            auto_rotate: let the API try rotations of the document.
            image_quality: ``"LOW"`` or ``"HIGH"`` (slower, sometimes better).
            training: the model's Training (or its id) to predict with (2024-11-29).

        Raises:
            InvalidIdError: ``model`` is not a model (before any request).

        Example::

            prediction = await document.predict_async(model)
            print(prediction["total_amount"].value)
        """
        from .models import Prediction

        return await Prediction.create_async(
            self,
            model,
            max_pages=max_pages,
            auto_rotate=auto_rotate,
            image_quality=image_quality,
            training=training,
            session=self._bound_async("predict"),
        )

    # ---- sync twins: generated from the async source above, do not edit ----
    @classmethod
    def create(
        cls,
        content: Content,
        content_type: str | None = None,
        *,
        dataset: Dataset | str | None = None,
        consent: str | None = None,
        ground_truth: GroundTruthLike | None = None,
        retention_in_days: int | None = None,
        metadata: Mapping[str, Any] | None = None,
        session: SessionLike | None = None,
    ) -> Document:
        """Upload a document: one create request, never repeated by the SDK (on the 2024-11-29
        contract, then the PUT of its bytes to the ``fileUrl`` it answers, streamed and retried).

        Args:
            content: bytes, a path (str or Path) or a binary file object.
            content_type: ``"application/pdf"``, ``"image/jpeg"``, ``"image/png"`` or
                ``"image/tiff"``; detected from the content when None.
            dataset: the Dataset (or dataset id) to put the document in.
            consent: the consent id that marks the owner of the document (``las:consent:...``).
            ground_truth: known values, ``{"total_amount": "120.00"}`` or a list of items.
            retention_in_days: days before the API deletes the document.
            metadata: a dictionary to store additional information in (2024-11-29).
            session: a :class:`las.Session` or :class:`las.Client`; default: the
                default session.

        Raises:
            InvalidIdError: ``dataset`` or ``consent`` is not an id of its kind (before any request).
            ContractError: ``metadata`` on 2021-09-23 (before any request).
            FileFormatException: the content type could not be detected.
            ContentTooLargeError: the content is over the API's limit (2021-09-23, before any upload).
            DocumentUploadError: 2024-11-29: created, but its bytes did not arrive (it carries
                ``document_id`` and ``file_url``).

        Example::

            document = las.Document.create("invoice.pdf", ground_truth={"total_amount": "120.00"})
        """
        arguments = given(
            consent_id=_optional_id(ids.CONSENT, consent),
            dataset_id=_optional_id(ids.DATASET, dataset),
            ground_truth=ground_truth_items(ground_truth) if ground_truth is not None else None,
            retention_in_days=retention_in_days,
            metadata=dict(metadata) if metadata is not None else None,
        )
        client = client_for(session, cls, "create")
        answer = client.with_raw_response.create_document(content, content_type, **arguments)
        return cls._from_answer("create_document", answer, client)

    @property
    def dataset(self) -> Dataset | None:
        """The document's Dataset (one request on first use, then kept), or None."""
        return self._relation("dataset", self.dataset_id, Dataset)

    def load_content(self) -> bytes | None:
        """The document's bytes, kept once had (what reading ``content`` gives on a
        :class:`las.Session`): from the body, or downloaded from its ``fileUrl`` (2024-11-29)
        without the access token. Costs at most a GET of the document (when it is not loaded,
        or its file URL expired) and one download; nothing once held. None for a document whose
        bytes never arrived.

        Raises:
            APIError: the API or the file server refused (e.g. NotFoundError: deleted).
        """
        client = self._bound("load_content", "get_document")
        field = self._field("content")
        self._once(field, client, download=True)
        return cast("bytes | None", self.__dict__.get("content"))  # held once had

    def predict(
        self,
        model: Model | str,
        *,
        max_pages: int | None = None,
        auto_rotate: bool | None = None,
        image_quality: str | None = None,
        training: Training | str | None = None,
    ) -> Prediction:
        """Run a model on this document (one request) and return the :class:`Prediction`.

        Args:
            model: a Model or a model id.
            max_pages: pages to predict on (1 to 3).
            auto_rotate: let the API try rotations of the document.
            image_quality: ``"LOW"`` or ``"HIGH"`` (slower, sometimes better).
            training: the model's Training (or its id) to predict with (2024-11-29).

        Raises:
            InvalidIdError: ``model`` is not a model (before any request).

        Example::

            prediction = document.predict(model)
            print(prediction["total_amount"].value)
        """
        from .models import Prediction

        return Prediction.create(
            self,
            model,
            max_pages=max_pages,
            auto_rotate=auto_rotate,
            image_quality=image_quality,
            training=training,
            session=self._bound("predict"),
        )

    # ---- end of generated sync twins ----

    def _update_arguments(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        if "ground_truth" in changes:
            result["ground_truth"] = ground_truth_items(changes["ground_truth"])
        if "dataset" in changes:
            result["dataset_id"] = ids.require_id(ids.DATASET, changes["dataset"])
        for name in ("retention_in_days", "metadata"):
            if name in changes:
                result[name] = to_wire(changes[name])
        return result

    def ground_truth_dict(self) -> dict[str, GroundTruthValue]:
        """The ground truth as ``{label: value}`` (the last value wins for a repeated label)."""
        return {item.label: item.value for item in self.ground_truth}


class Uploads:
    """``upload`` and ``upload_async``: of a :class:`Dataset` and of its ``documents`` alike."""

    def _uploads_into(self) -> Dataset:
        raise NotImplementedError

    @overload
    def upload(
        self,
        items: Iterable[Any],
        *,
        max_workers: int = ...,
        on_progress: Callable[[ItemResult, int, int | None], None] | None = ...,
        progress_bar: bool = ...,
        journal: None = ...,
    ) -> IngestReport: ...
    @overload
    def upload(
        self,
        items: Iterable[Any],
        *,
        max_workers: int = ...,
        on_progress: Callable[[ItemResult, int, int | None], None] | None = ...,
        progress_bar: bool = ...,
        journal: str | os.PathLike[str],
        retry_ambiguous: bool = ...,
    ) -> IngestReport: ...
    def upload(
        self,
        items: Iterable[Any],
        *,
        max_workers: int = 4,
        on_progress: Callable[[ItemResult, int, int | None], None] | None = None,
        progress_bar: bool = False,
        journal: str | os.PathLike[str] | None = None,
        retry_ambiguous: bool = False,
    ) -> IngestReport:
        """Create many documents in the dataset, ``max_workers`` at a time (``dataset.upload`` and
        ``dataset.documents.upload`` are the same verb; :mod:`las.bulk` runs it).

        Every item gets exactly one create request: a failed one is reported in the result,
        never sent again (so no document is created twice).

        Args:
            items: each one of
                - content: bytes, a path (str or Path) or a binary file object;
                - a tuple ``(content,)`` or ``(content, ground_truth)``;
                - a dict with ``content`` and optionally ``ground_truth``, ``content_type``,
                  ``consent``, ``retention_in_days``;
                - a :class:`las.bulk.IngestItem` (which can also name the item's journal key).
            max_workers: uploads in flight at once.
            on_progress: called in the calling thread after each item as
                ``on_progress(item_result, done, total)``, with the item's
                :class:`las.bulk.ItemResult` (total is None for an unsized iterable).
            progress_bar: keep a status line on stderr (:func:`las.bulk.progress_printer`).
            journal: a JSON Lines file recording each item's fate, making the upload resumable:
                run it again with the same items and journal after a crash or a failure, and
                what was created is skipped, what failed is sent again, and an item whose
                answer was lost (the API may have created it) is reported ``ambiguous`` and not
                sent again (see :func:`las.bulk.reconcile`). This is :func:`las.bulk.ingest`:
                items with the same content as another are created once (``duplicate``), and
                an item that is not one of the forms above raises InvalidArgumentError.
            retry_ambiguous: with a journal, send ambiguous items again, accepting that some
                may end up twice.

        Returns:
            A :class:`las.bulk.IngestReport`: one :class:`las.bulk.ItemResult` per item, in
            input order (iterate it, or read ``results``), with its ``status``, its
            ``document`` (the created :class:`Document`) and ``document_id``, or its ``error``
            and ``exception``; ``report.documents``, ``report.failed``, ``report.ok``,
            ``report.raise_for_errors()`` and ``report.summary()``. Without a journal an item
            is ``created`` or ``failed``; with one, also ``skipped``, ``duplicate``,
            ``ambiguous`` or ``changed``.

        Raises:
            InvalidArgumentError: ``retry_ambiguous`` without a journal, ``max_workers`` < 1,
                ``items`` is a single item (bytes, a path, a dict), or the dataset belongs to an
                AsyncSession (await :meth:`upload_async`) -- each before any request.
            JournalError: the journal is corrupted, belongs to another dataset or is in use.

        Example::

            report = dataset.upload([("a.pdf", {"total": "10"}), "b.pdf"], progress_bar=True)
            for failed in report.failed:
                print(failed.source, repr(failed.exception))

            report = dataset.upload(["a.pdf", "b.pdf"], journal="upload.jsonl")
            print(report.summary())  # a re-run creates only what is not created yet
        """
        from ..bulk import _upload  # at call time: las.bulk depends on the resources, not back

        cast(Any, self)._bound("upload")  # names this object in the error, before anything is read
        return _upload.upload(
            self._uploads_into(),
            items,
            limit=max_workers,
            limit_name="max_workers",
            on_progress=on_progress,
            progress_bar=progress_bar,
            journal=journal,
            retry_ambiguous=retry_ambiguous,
        )

    @overload
    async def upload_async(
        self,
        items: Iterable[Any] | AsyncIterable[Any],
        *,
        max_concurrency: int = ...,
        on_progress: Callable[[ItemResult, int, int | None], None] | None = ...,
        progress_bar: bool = ...,
        journal: None = ...,
    ) -> IngestReport: ...
    @overload
    async def upload_async(
        self,
        items: Iterable[Any] | AsyncIterable[Any],
        *,
        max_concurrency: int = ...,
        on_progress: Callable[[ItemResult, int, int | None], None] | None = ...,
        progress_bar: bool = ...,
        journal: str | os.PathLike[str],
        retry_ambiguous: bool = ...,
    ) -> IngestReport: ...
    async def upload_async(
        self,
        items: Iterable[Any] | AsyncIterable[Any],
        *,
        max_concurrency: int = 64,
        on_progress: Callable[[ItemResult, int, int | None], None] | None = None,
        progress_bar: bool = False,
        journal: str | os.PathLike[str] | None = None,
        retry_ambiguous: bool = False,
    ) -> IngestReport:
        """:meth:`upload`, awaited, for a dataset bound to an AsyncSession.

        The same item forms, the same results and the same promise: every item gets exactly
        one create request (``AsyncClient.create_document``, the call :func:`las.bulk.ingest`
        sends), a failed one is reported, never sent again.

        Args:
            items: as for :meth:`upload`, from an iterable or an async iterable. Items are taken
                as the uploads go: at most ``max_concurrency`` ahead of their answers, so a huge
                or endless generator is never read up front.
            max_concurrency: creates in flight at once, as tasks on the event loop (this is
                ``max_workers`` of :meth:`upload`, which counts threads; tasks are cheap, so the
                default is 64). The AsyncSession's ``max_connections`` (default 100) should be
                at least this.
            on_progress: called in the event loop's thread after each item as
                ``on_progress(item_result, done, total)`` (total is None for an unsized or
                async iterable); keep it quick, it runs between the uploads.
            progress_bar: keep a status line on stderr (:func:`las.bulk.progress_printer`).
            journal: as for :meth:`upload`: the same JSON Lines journal, which either variant
                may resume. Its reads and fsyncs run in worker threads.
            retry_ambiguous: with a journal, send ambiguous items again, accepting that some
                may end up twice.

        Each item is read (a path or a file object, after the size check) and hashed in a
        worker thread (``asyncio.to_thread``) when its create starts, so at most
        ``max_concurrency`` contents are in memory at once; bytes are sent as they are.

        Cancelling the awaiting task (or ``asyncio.timeout()`` around it) cancels the creates
        in flight, waits for them to end and re-raises: no result and no further progress call.
        A create cancelled after it was sent may still have been done by the API; with a
        journal such an item stays ``sending``, which the next run reports ``ambiguous``.

        Returns:
            A :class:`las.bulk.IngestReport` with one :class:`las.bulk.ItemResult` per item, in
            input order, as :meth:`upload` does.

        Raises:
            InvalidArgumentError: ``max_concurrency`` < 1, ``retry_ambiguous`` without a
                journal, ``items`` is a single item (bytes, a path, a dict), or the dataset
                belongs to a las.Session (call :meth:`upload`) -- each before any request.
            JournalError: the journal is corrupted, belongs to another dataset or is in use.

        Example::

            async with las.AsyncSession() as session:
                dataset = await las.Dataset.get_async(dataset_id, session=session)
                report = await dataset.documents.upload_async(paths, max_concurrency=64)
                print(len(report.documents), [failed.source for failed in report.failed])
                report = await dataset.upload_async(paths, journal="upload.jsonl")
                print(report.summary())  # a re-run creates only what is not created yet
        """
        from ..bulk import _upload  # at call time: las.bulk depends on the resources, not back

        cast(Any, self)._bound_async("upload")  # names this object in the error
        return await _upload.upload_async(
            self._uploads_into(),
            items,
            limit=max_concurrency,
            limit_name="max_concurrency",
            on_progress=on_progress,
            progress_bar=progress_bar,
            journal=journal,
            retry_ambiguous=retry_ambiguous,
        )


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class Dataset(Audited, Retrievable, Listable, Updatable, Deletable, Uploads):
    """A named set of documents with ground truth, to train models on.

    ``dataset.documents`` is its documents (a lazy collection with ``create`` and ``upload``);
    ``dataset.transformations`` its transformations (2024-11-29). ``update`` changes ``name``
    and ``description``, and (2024-11-29) ``metadata``.
    """

    _id_field: ClassVar[str] = "dataset_id"
    _id_kind: ClassVar[str] = ids.DATASET
    _updatable: ClassVar[frozenset[str]] = frozenset({"name", "description", "metadata"})
    _operations: ClassVar[Operations] = Operations(
        get="get_dataset", list="list_datasets", update="update_dataset", delete="delete_dataset"
    )

    dataset_id: str
    name: str | None = None
    description: str | None = None
    contains_personally_identifiable_information: bool | None = None
    ground_truth_summary: dict[str, Any] = attrs.field(factory=dict)
    number_of_documents: int | None = None
    retention_in_days: int | None = None
    storage_location: str | None = None
    version: int | None = None
    metadata: dict[str, Any] | None = None
    """A dictionary of the caller's (2024-11-29)."""

    # ---- async source: tools/unasync.py derives the sync twins below ----
    @classmethod
    async def create_async(
        cls,
        *,
        name: str | None = None,
        description: str | None = None,
        retention_in_days: int | None = None,
        contains_personally_identifiable_information: bool | None = None,
        metadata: Mapping[str, Any] | None = None,
        session: AsyncSessionLike | None = None,
    ) -> Dataset:
        """Create a dataset (one request).

        Args:
            name, description: free text.
            retention_in_days: days before the API deletes the dataset's documents.
            contains_personally_identifiable_information: mark the data as personal.
            metadata: a dictionary to store additional information in (2024-11-29).
            session: a :class:`las.AsyncSession` or :class:`las.AsyncClient`; default: the
                default session.

        Raises:
            ContractError: ``metadata`` on 2021-09-23 (before any request).
        """
        arguments = given(
            name=name,
            description=description,
            retention_in_days=retention_in_days,
            contains_personally_identifiable_information=contains_personally_identifiable_information,
            metadata=dict(metadata) if metadata is not None else None,
        )
        client = client_for_async(session, cls, "create")
        answer = await client.with_raw_response.create_dataset(**arguments)
        return cls._from_answer("create_dataset", answer, client)

    async def delete_async(self, *, delete_documents: bool = False) -> Dataset:
        """Delete the dataset.

        Args:
            delete_documents: first delete every document in it (the API refuses to delete a
                dataset that still has documents).

        Raises:
            NotFoundError: it was already deleted.
        """
        client = self._bound_async("delete", "delete_dataset")
        answer = await client.with_raw_response.delete_dataset(
            self._checked_id(), delete_documents=delete_documents
        )
        self._take_answer("delete_dataset", answer)
        return self

    # ---- sync twins: generated from the async source above, do not edit ----
    @classmethod
    def create(
        cls,
        *,
        name: str | None = None,
        description: str | None = None,
        retention_in_days: int | None = None,
        contains_personally_identifiable_information: bool | None = None,
        metadata: Mapping[str, Any] | None = None,
        session: SessionLike | None = None,
    ) -> Dataset:
        """Create a dataset (one request).

        Args:
            name, description: free text.
            retention_in_days: days before the API deletes the dataset's documents.
            contains_personally_identifiable_information: mark the data as personal.
            metadata: a dictionary to store additional information in (2024-11-29).
            session: a :class:`las.Session` or :class:`las.Client`; default: the
                default session.

        Raises:
            ContractError: ``metadata`` on 2021-09-23 (before any request).
        """
        arguments = given(
            name=name,
            description=description,
            retention_in_days=retention_in_days,
            contains_personally_identifiable_information=contains_personally_identifiable_information,
            metadata=dict(metadata) if metadata is not None else None,
        )
        client = client_for(session, cls, "create")
        answer = client.with_raw_response.create_dataset(**arguments)
        return cls._from_answer("create_dataset", answer, client)

    def delete(self, *, delete_documents: bool = False) -> Dataset:
        """Delete the dataset.

        Args:
            delete_documents: first delete every document in it (the API refuses to delete a
                dataset that still has documents).

        Raises:
            NotFoundError: it was already deleted.
        """
        client = self._bound("delete", "delete_dataset")
        answer = client.with_raw_response.delete_dataset(
            self._checked_id(), delete_documents=delete_documents
        )
        self._take_answer("delete_dataset", answer)
        return self

    # ---- end of generated sync twins ----

    @property
    def documents(self) -> DatasetDocuments:
        """The documents in this dataset: iterate, ``filter(consent=...)``, ``create(...)``, ``upload(...)``."""
        return DatasetDocuments(self)

    @property
    def transformations(self) -> DatasetTransformations:
        """This dataset's transformations (2024-11-29): iterate, ``filter(status=...)``,
        ``create(operations)``."""
        from .transformations import DatasetTransformations

        return DatasetTransformations(self)

    def _uploads_into(self) -> Dataset:
        return self


class DatasetDocuments(Collection[Document], Uploads):
    """The documents of one dataset: a lazy collection that can also add documents."""

    def __init__(self, dataset: Dataset) -> None:
        super().__init__(
            Document,
            dataset._client,
            "list_documents",
            allowed={"consent": ids.CONSENT},  # already filtered by its dataset
            filters={"dataset_id": dataset._checked_id()},
        )
        self._dataset = dataset

    # ---- async source: tools/unasync.py derives the sync twins below ----
    async def create_async(
        self,
        content: Content,
        content_type: str | None = None,
        *,
        consent: str | None = None,
        ground_truth: GroundTruthLike | None = None,
        retention_in_days: int | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> Document:
        """Create one document in this dataset; see :meth:`Document.create`."""
        return await Document.create_async(
            content,
            content_type,
            dataset=self._dataset,
            consent=consent,
            ground_truth=ground_truth,
            retention_in_days=retention_in_days,
            metadata=metadata,
            session=self._bound_async("create"),
        )

    # ---- sync twins: generated from the async source above, do not edit ----
    def create(
        self,
        content: Content,
        content_type: str | None = None,
        *,
        consent: str | None = None,
        ground_truth: GroundTruthLike | None = None,
        retention_in_days: int | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> Document:
        """Create one document in this dataset; see :meth:`Document.create`."""
        return Document.create(
            content,
            content_type,
            dataset=self._dataset,
            consent=consent,
            ground_truth=ground_truth,
            retention_in_days=retention_in_days,
            metadata=metadata,
            session=self._bound("create"),
        )

    # ---- end of generated sync twins ----

    def _uploads_into(self) -> Dataset:
        return self._dataset
