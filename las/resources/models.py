"""Models, their data bundles (the datasets they train on) and the predictions they make."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, overload

import attrs

from .. import ids
from ._base import (
    Audited,
    Collection,
    Deletable,
    InvalidArgumentError,
    Listable,
    NotRetrievable,
    Operations,
    Retrievable,
    Struct,
    Updatable,
    given,
    sync_property,
)
from ._plan import EMPTY_OBJECT, to_wire
from ._session import SessionLike, client_for, client_for_async
from .documents import Dataset, Document

if TYPE_CHECKING:
    from ._session import AsyncSessionLike

__all__ = [
    "DataBundle",
    "DataBundles",
    "FieldConfigEntry",
    "Model",
    "Prediction",
    "PredictionItem",
    "PreprocessConfig",
]


@attrs.define(slots=False, frozen=True)
class FieldConfigEntry(Struct):
    """What a model predicts for one label.

    ``type`` is one of ``date``, ``amount``, ``number``, ``letter``, ``phone``, ``alphanum``,
    ``alphanumext``, ``all``; ``max_length`` is 1 to 100. The 2024-11-29 contract has other
    types (``digits``, ``enum``, ``numeric``, ``string``, ``lines``), leaves ``max_length`` out
    where it does not apply (None), and more keys (``enum``, ``fields``, ...: in ``extra``).
    """

    type: str
    max_length: int | None = None
    description: str | None = None


@attrs.define(slots=False, frozen=True)
class PreprocessConfig(Struct):
    """How documents are prepared before prediction. The 2021-09-23 contract always has the
    three; on 2024-11-29 each may be left out (None), and ``pages``, ``startPage`` and
    ``rotation`` are in ``extra``."""

    max_pages: int | None = None
    auto_rotate: bool | None = None
    image_quality: str | None = None
    """``"LOW"`` or ``"HIGH"``."""


FieldConfigLike = Mapping[str, FieldConfigEntry | Mapping[str, Any]]
"""``{label: FieldConfigEntry(...)}``, or the API's ``{label: {"type": ..., "maxLength": ...}}``."""


_FIELD_TYPES = frozenset({"date", "amount", "number", "letter", "phone", "alphanum", "alphanumext", "all"})


def _field_config(value: Any) -> dict[str, Any]:
    """The field config as JSON, checked as the contract states it (before any request).

    Raises:
        TypeError: not a mapping of labels to entries.
        ValueError: an entry without a known ``type`` or a ``maxLength`` of 1 to 100.
    """
    if not isinstance(value, Mapping):
        raise InvalidArgumentError(
            "field_config must be {label: FieldConfigEntry(type, max_length)} "
            f"(or the API's {{label: {{'type': ..., 'maxLength': ...}}}}), got {type(value).__name__}"
        )
    result = {}
    for label, entry in value.items():
        wire = to_wire(entry)
        if not isinstance(label, str) or not isinstance(wire, dict):
            raise InvalidArgumentError(
                f"field_config[{label!r}] must be a FieldConfigEntry or a dict, got {entry!r}"
            )
        kind, length = wire.get("type"), wire.get("maxLength")
        if kind not in _FIELD_TYPES:
            raise InvalidArgumentError(
                f"field_config[{label!r}] type must be one of {', '.join(sorted(_FIELD_TYPES))}, got {kind!r}"
            )
        if type(length) is not int or not 1 <= length <= 100:
            raise InvalidArgumentError(
                f"field_config[{label!r}] maxLength must be an int from 1 to 100, got {length!r}"
            )
        result[label] = wire
    return result


def _preprocess_config(value: Any) -> dict[str, Any]:
    """The preprocess config as JSON, with the three fields the contract requires."""
    wire = to_wire(value)
    if not isinstance(wire, dict) or {"maxPages", "autoRotate", "imageQuality"} - set(wire):
        raise InvalidArgumentError(
            "preprocess_config needs max_pages, auto_rotate and image_quality "
            f"(a PreprocessConfig), got {value!r}"
        )
    return wire


def _size(name: str, value: Any) -> int:
    if type(value) is not int or not 97 <= value <= 1921:
        raise InvalidArgumentError(f"{name} must be an int from 97 to 1921 pixels, got {value!r}")
    return value


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class Model(Audited, Retrievable, Listable, Updatable, Deletable):
    """A model that predicts the labels of its ``field_config`` from documents.

    ``model.data_bundles`` lists and creates its data bundles; ``update`` changes ``name``,
    ``description``, ``width``, ``height``, ``field_config``, ``preprocess_config`` or ``status``.
    """

    _id_field: ClassVar[str] = "model_id"
    _id_kind: ClassVar[str] = ids.MODEL
    _updatable: ClassVar[frozenset[str]] = frozenset(
        {"name", "description", "width", "height", "field_config", "preprocess_config", "status"}
    )
    _operations: ClassVar[Operations] = Operations(
        get="get_model", list="list_models", update="update_model", delete="delete_model"
    )

    model_id: str
    name: str | None = None
    description: str | None = None
    width: int | None = None
    height: int | None = None
    field_config: dict[str, FieldConfigEntry] = attrs.field(factory=dict)
    preprocess_config: PreprocessConfig | None = None
    status: str | None = None
    """``"active"``, ``"training"`` or ``"inactive"``."""
    number_of_data_bundles: int | None = None

    # ---- async source: tools/unasync.py derives the sync twins below ----
    @classmethod
    async def create_async(
        cls,
        width: int,
        height: int,
        field_config: FieldConfigLike,
        *,
        preprocess_config: PreprocessConfig | Mapping[str, Any] | None = None,
        name: str | None = None,
        description: str | None = None,
        session: AsyncSessionLike | None = None,
    ) -> Model:
        """Create a model (one request).

        Args:
            width, height: input image size in pixels (97 to 1921).
            field_config: the labels to predict, ``{"total_amount": FieldConfigEntry("amount", 20)}``.
            preprocess_config: a PreprocessConfig (or the API's dict).
            name, description: free text.
            session: a :class:`las.AsyncSession` or :class:`las.AsyncClient`; default: the
                default session.
        """
        arguments = given(
            preprocess_config=_preprocess_config(preprocess_config)
            if preprocess_config is not None
            else None,
            name=name,
            description=description,
        )
        sizes = (_size("width", width), _size("height", height))
        fields = _field_config(field_config)
        client = client_for_async(session, cls, "create")
        answer = await client.with_raw_response.create_model(*sizes, fields, **arguments)
        return cls._from_answer("create_model", answer, client)

    async def predict_async(
        self,
        document: Document | str,
        *,
        max_pages: int | None = None,
        auto_rotate: bool | None = None,
        image_quality: str | None = None,
    ) -> Prediction:
        """Run this model on a document (one request); the same as ``document.predict(model)``."""
        return await Prediction.create_async(
            document,
            self,
            max_pages=max_pages,
            auto_rotate=auto_rotate,
            image_quality=image_quality,
            session=self._bound_async("predict"),
        )

    # ---- sync twins: generated from the async source above, do not edit ----
    @classmethod
    def create(
        cls,
        width: int,
        height: int,
        field_config: FieldConfigLike,
        *,
        preprocess_config: PreprocessConfig | Mapping[str, Any] | None = None,
        name: str | None = None,
        description: str | None = None,
        session: SessionLike | None = None,
    ) -> Model:
        """Create a model (one request).

        Args:
            width, height: input image size in pixels (97 to 1921).
            field_config: the labels to predict, ``{"total_amount": FieldConfigEntry("amount", 20)}``.
            preprocess_config: a PreprocessConfig (or the API's dict).
            name, description: free text.
            session: a :class:`las.Session` or :class:`las.Client`; default: the
                default session.
        """
        arguments = given(
            preprocess_config=_preprocess_config(preprocess_config)
            if preprocess_config is not None
            else None,
            name=name,
            description=description,
        )
        sizes = (_size("width", width), _size("height", height))
        fields = _field_config(field_config)
        client = client_for(session, cls, "create")
        answer = client.with_raw_response.create_model(*sizes, fields, **arguments)
        return cls._from_answer("create_model", answer, client)

    def predict(
        self,
        document: Document | str,
        *,
        max_pages: int | None = None,
        auto_rotate: bool | None = None,
        image_quality: str | None = None,
    ) -> Prediction:
        """Run this model on a document (one request); the same as ``document.predict(model)``."""
        return Prediction.create(
            document,
            self,
            max_pages=max_pages,
            auto_rotate=auto_rotate,
            image_quality=image_quality,
            session=self._bound("predict"),
        )

    # ---- end of generated sync twins ----

    def _update_arguments(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        checks = {"field_config": _field_config, "preprocess_config": _preprocess_config}
        result = {}
        for name, value in changes.items():
            if name in ("width", "height") and value is not None:
                value = _size(name, value)
            result[name] = checks[name](value) if name in checks else to_wire(value)
        return result

    @property
    def data_bundles(self) -> DataBundles:
        """This model's data bundles: a lazy collection with ``create(datasets, ...)``."""
        return DataBundles(self)


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class DataBundle(Audited, Updatable, Deletable):
    """A frozen selection of datasets a model trains on. Reached through ``model.data_bundles``.

    ``datasets`` are Dataset objects made from the summaries the API embeds: a field a summary
    leaves out is None (``dataset.load()`` fetches the full body). ``update`` changes ``name``
    and ``description``. The API has no way to get one data bundle by id.
    """

    _id_field: ClassVar[str] = "data_bundle_id"
    _id_kind: ClassVar[str] = ids.DATA_BUNDLE
    _updatable: ClassVar[frozenset[str]] = frozenset({"name", "description"})
    _operations: ClassVar[Operations] = Operations(update="update_data_bundle", delete="delete_data_bundle")

    data_bundle_id: str
    model_id: str
    name: str | None = None
    description: str | None = None
    status: str | None = None
    """``"processing"``, ``"ready"`` or ``"failed"``."""
    summary: dict[str, Any] = attrs.field(factory=dict)
    datasets: list[Dataset] = attrs.field(factory=list)

    def _key(self) -> tuple[str, ...]:
        return ids.require_id(ids.MODEL, self.model_id), self._checked_id()

    # ---- async source: tools/unasync.py derives the sync twins below ----
    @sync_property
    async def model_async(self) -> Model:
        """The Model this bundle belongs to (one request on first use, then kept)."""
        return await self._parent_async("model", self.model_id, Model)

    # ---- sync twins: generated from the async source above, do not edit ----
    @property
    def model(self) -> Model:
        """The Model this bundle belongs to (one request on first use, then kept)."""
        return self._parent("model", self.model_id, Model)

    # ---- end of generated sync twins ----


class DataBundles(Collection[DataBundle]):
    """The data bundles of one model: a lazy collection that can also create one."""

    def __init__(self, model: Model) -> None:
        super().__init__(DataBundle, model._client, "list_data_bundles", parents=(model._checked_id(),))
        self._model = model

    # ---- async source: tools/unasync.py derives the sync twins below ----
    async def create_async(
        self,
        datasets: Iterable[Dataset | str],
        name: str | None = None,
        description: str | None = None,
    ) -> DataBundle:
        """Create a data bundle of these datasets for the model (one request).

        Raises:
            InvalidIdError: one of ``datasets`` is not a dataset (before any request).
        """
        dataset_ids = [ids.require_id(ids.DATASET, dataset) for dataset in datasets]
        client = self._bound_async("create")
        answer = await client.with_raw_response.create_data_bundle(
            self._model._checked_id(), dataset_ids, **given(name=name, description=description)
        )
        return DataBundle._from_answer("create_data_bundle", answer, client)

    # ---- sync twins: generated from the async source above, do not edit ----
    def create(
        self,
        datasets: Iterable[Dataset | str],
        name: str | None = None,
        description: str | None = None,
    ) -> DataBundle:
        """Create a data bundle of these datasets for the model (one request).

        Raises:
            InvalidIdError: one of ``datasets`` is not a dataset (before any request).
        """
        dataset_ids = [ids.require_id(ids.DATASET, dataset) for dataset in datasets]
        client = self._bound("create")
        answer = client.with_raw_response.create_data_bundle(
            self._model._checked_id(), dataset_ids, **given(name=name, description=description)
        )
        return DataBundle._from_answer("create_data_bundle", answer, client)

    # ---- end of generated sync twins ----


@attrs.define(slots=False, frozen=True)
class PredictionItem(Struct):
    """One predicted value: ``label``, ``value`` (None when nothing was found) and ``confidence`` (0 to 1)."""

    label: str
    value: str | list[Any] | None = None
    """The predicted text; for a ``lines`` field (2024-11-29) a list of lines, each a list of
    ``{"label", "value", "confidence", ...}`` objects."""
    confidence: float = 0.0


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class Prediction(NotRetrievable, Listable):
    """The values a model predicted for a document.

    Items are reachable by label: ``prediction["total_amount"]`` (the most confident item for
    that label; KeyError if none), ``prediction.item_for("due_date")`` (None if none),
    ``prediction.as_dict()`` (``{label: value}``). ``prediction.document`` and
    ``prediction.model`` load on first access. The API has no way to get one prediction by id.
    """

    _id_field: ClassVar[str] = "prediction_id"
    _id_kind: ClassVar[str] = ids.PREDICTION
    _operations: ClassVar[Operations] = Operations(list="list_predictions")

    prediction_id: str
    document_id: str
    model_id: str
    # 2024-11-29 may answer {} (no items yet) where 2021-09-23 answered [].
    predictions: list[PredictionItem] = attrs.field(factory=list, metadata={EMPTY_OBJECT: True})
    inference_time: float | None = None
    """Seconds the model spent."""
    timestamp: int | None = None
    """When the prediction was made, as the API reports it (epoch seconds)."""

    # ---- async source: tools/unasync.py derives the sync twins below ----
    @classmethod
    async def create_async(
        cls,
        document: Document | str,
        model: Model | str,
        *,
        max_pages: int | None = None,
        auto_rotate: bool | None = None,
        image_quality: str | None = None,
        session: AsyncSessionLike | None = None,
    ) -> Prediction:
        """Run ``model`` on ``document`` (one request); see :meth:`Document.predict`.

        Raises:
            InvalidIdError: ``document`` or ``model`` is of the wrong kind (before any request).
        """
        document_id = ids.require_id(ids.DOCUMENT, document)
        model_id = ids.require_id(ids.MODEL, model)
        arguments = given(max_pages=max_pages, auto_rotate=auto_rotate, image_quality=image_quality)
        client = client_for_async(session, cls, "create")
        answer = await client.with_raw_response.create_prediction(document_id, model_id, **arguments)
        return cls._from_answer("create_prediction", answer, client)

    @sync_property
    async def document_async(self) -> Document:
        """The Document predicted on (one request on first use, then kept)."""
        return await self._parent_async("document", self.document_id, Document)

    @sync_property
    async def model_async(self) -> Model:
        """The Model that predicted (one request on first use, then kept)."""
        return await self._parent_async("model", self.model_id, Model)

    # ---- sync twins: generated from the async source above, do not edit ----
    @classmethod
    def create(
        cls,
        document: Document | str,
        model: Model | str,
        *,
        max_pages: int | None = None,
        auto_rotate: bool | None = None,
        image_quality: str | None = None,
        session: SessionLike | None = None,
    ) -> Prediction:
        """Run ``model`` on ``document`` (one request); see :meth:`Document.predict`.

        Raises:
            InvalidIdError: ``document`` or ``model`` is of the wrong kind (before any request).
        """
        document_id = ids.require_id(ids.DOCUMENT, document)
        model_id = ids.require_id(ids.MODEL, model)
        arguments = given(max_pages=max_pages, auto_rotate=auto_rotate, image_quality=image_quality)
        client = client_for(session, cls, "create")
        answer = client.with_raw_response.create_prediction(document_id, model_id, **arguments)
        return cls._from_answer("create_prediction", answer, client)

    @property
    def document(self) -> Document:
        """The Document predicted on (one request on first use, then kept)."""
        return self._parent("document", self.document_id, Document)

    @property
    def model(self) -> Model:
        """The Model that predicted (one request on first use, then kept)."""
        return self._parent("model", self.model_id, Model)

    # ---- end of generated sync twins ----

    @property
    def labels(self) -> list[str]:
        """The predicted labels, each once, in the order the API gave them."""
        return list(dict.fromkeys(item.label for item in self.predictions))

    def items_for(self, label: str) -> list[PredictionItem]:
        """Every item of a label (a label may repeat, e.g. line items), most confident first."""
        return sorted(
            (item for item in self.predictions if item.label == label), key=lambda item: -item.confidence
        )

    def __getitem__(self, label: str) -> PredictionItem:
        found = self.items_for(label)
        if not found:
            raise KeyError(f"no prediction for label {label!r}; labels: {', '.join(self.labels) or '(none)'}")
        return found[0]

    @overload
    def item_for(self, label: str) -> PredictionItem | None: ...

    @overload
    def item_for(self, label: str, default: PredictionItem) -> PredictionItem: ...

    def item_for(self, label: str, default: PredictionItem | None = None) -> PredictionItem | None:
        """The most confident item for ``label``, or ``default``."""
        found = self.items_for(label)
        return found[0] if found else default

    def __contains__(self, label: object) -> bool:
        return any(item.label == label for item in self.predictions)

    def __iter__(self) -> Iterator[PredictionItem]:
        return iter(self.predictions)

    def as_dict(self) -> dict[str, Any]:
        """``{label: value}`` of the most confident item per label (``to_dict()`` is the API's JSON)."""
        return {label: self[label].value for label in self.labels}

    def confidences(self) -> dict[str, float]:
        """``{label: confidence}`` of the most confident item per label."""
        return {label: self[label].confidence for label in self.labels}
