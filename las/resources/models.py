"""Models, their data bundles (the datasets they train on) and the predictions they make."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar, overload

import attrs

from .. import ids
from ..client import Client
from ._base import (
    Audited,
    Collection,
    Deletable,
    Listable,
    Operations,
    Retrievable,
    Struct,
    Updatable,
    given,
)
from ._converter import converter
from ._session import SessionLike, client_for
from .documents import Dataset, Document

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
    ``alphanumext``, ``all``; ``max_length`` is 1 to 100.
    """

    type: str
    max_length: int
    description: str | None = None


@attrs.define(slots=False, frozen=True)
class PreprocessConfig(Struct):
    """How documents are prepared before prediction."""

    max_pages: int
    auto_rotate: bool
    image_quality: str
    """``"LOW"`` or ``"HIGH"``."""


FieldConfigLike = Mapping[str, FieldConfigEntry | Mapping[str, Any]]
"""``{label: FieldConfigEntry(...)}``, or the API's ``{label: {"type": ..., "maxLength": ...}}``."""


def _field_config(value: FieldConfigLike) -> dict[str, Any]:
    return {label: converter.unstructure(entry) for label, entry in value.items()}


def _preprocess_config(value: PreprocessConfig | Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if value is None else dict(converter.unstructure(value))


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
        get=Client.get_model, list=Client.list_models, update=Client.update_model, delete=Client.delete_model
    )

    model_id: str = ""
    name: str | None = None
    description: str | None = None
    width: int | None = None
    height: int | None = None
    field_config: dict[str, FieldConfigEntry] = attrs.field(factory=dict)
    preprocess_config: PreprocessConfig | None = None
    status: str | None = None
    """``"active"``, ``"training"`` or ``"inactive"``."""
    number_of_data_bundles: int | None = None

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
            session: a :class:`las.Session` or :class:`las.Client`; default: the default session.
        """
        client = client_for(session)
        data = client.create_model(
            width,
            height,
            _field_config(field_config),
            preprocess_config=_preprocess_config(preprocess_config),
            name=name,
            description=description,
        )
        return cls._from_wire(data, client)

    @property
    def data_bundles(self) -> DataBundles:
        """This model's data bundles: a lazy collection with ``create(datasets, ...)``."""
        return DataBundles(self)

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
            session=self._client,
        )


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class DataBundle(Audited, Updatable, Deletable):
    """A frozen selection of datasets a model trains on. Reached through ``model.data_bundles``.

    ``datasets`` are Dataset objects made from the summaries the API embeds; a field the summary
    leaves out loads on first access (one request per dataset, once). ``update`` changes
    ``name`` and ``description``. The API has no way to get one data bundle by id.
    """

    _id_field: ClassVar[str] = "data_bundle_id"
    _id_kind: ClassVar[str] = ids.DATA_BUNDLE
    _updatable: ClassVar[frozenset[str]] = frozenset({"name", "description"})

    data_bundle_id: str = ""
    model_id: str = ""
    name: str | None = None
    description: str | None = None
    status: str | None = None
    """``"processing"``, ``"ready"`` or ``"failed"``."""
    summary: dict[str, Any] = attrs.field(factory=dict)
    datasets: list[Dataset] = attrs.field(factory=list)

    def _api_update(self, changes: dict[str, Any]) -> Mapping[str, Any]:
        return self._client.update_data_bundle(self.model_id, self.id, **changes)

    def _api_delete(self) -> Mapping[str, Any]:
        return self._client.delete_data_bundle(self.model_id, self.id)

    @property
    def model(self) -> Model:
        """The Model this bundle belongs to (one request on first access, then cached)."""
        return self._parent("model", self.model_id, lambda id: Model.get(id, session=self._client))


class DataBundles(Collection[DataBundle]):
    """The data bundles of one model: a lazy collection that can also create one."""

    def __init__(self, model: Model) -> None:
        client = model._client
        super().__init__(
            make=lambda data: DataBundle._from_wire(data, client),
            list_method=functools.partial(client.list_data_bundles, model.id),
            normalize=_no_filters,
        )
        self._model = model

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
        client = self._model._client
        data = client.create_data_bundle(
            self._model.id, dataset_ids, **given(name=name, description=description)
        )
        return DataBundle._from_wire(data, client)


def _no_filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    if filters:
        raise TypeError(f"this list takes no filters, got {', '.join(sorted(filters))}")
    return {}


@attrs.define(slots=False, frozen=True)
class PredictionItem(Struct):
    """One predicted value: ``label``, ``value`` (None when nothing was found) and ``confidence`` (0 to 1)."""

    label: str
    value: str | None = None
    confidence: float = 0.0


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class Prediction(Listable):
    """The values a model predicted for a document.

    Items are reachable by label: ``prediction["total_amount"]`` (the most confident item for
    that label; KeyError if none), ``prediction.get("due_date")`` (None if none),
    ``prediction.as_dict()`` (``{label: value}``). ``prediction.document`` and
    ``prediction.model`` load on first access. The API has no way to get one prediction by id.
    """

    _id_field: ClassVar[str] = "prediction_id"
    _id_kind: ClassVar[str] = ids.PREDICTION
    _operations: ClassVar[Operations] = Operations(list=Client.list_predictions)

    prediction_id: str = ""
    document_id: str = ""
    model_id: str = ""
    predictions: list[PredictionItem] = attrs.field(factory=list)
    inference_time: float | None = None
    """Seconds the model spent."""
    timestamp: int | None = None
    """When the prediction was made, as the API reports it (epoch seconds)."""

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
        client = client_for(session)
        data = client.create_prediction(
            document_id, model_id, max_pages=max_pages, auto_rotate=auto_rotate, image_quality=image_quality
        )
        return cls._from_wire(data, client)

    @property
    def document(self) -> Document:
        """The Document predicted on (one request on first access, then cached)."""
        return self._parent("document", self.document_id, lambda id: Document.get(id, session=self._client))

    @property
    def model(self) -> Model:
        """The Model that predicted (one request on first access, then cached)."""
        return self._parent("model", self.model_id, lambda id: Model.get(id, session=self._client))

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
    def get(self, label: str) -> PredictionItem | None: ...

    @overload
    def get(self, label: str, default: PredictionItem) -> PredictionItem: ...

    def get(self, label: str, default: PredictionItem | None = None) -> PredictionItem | None:
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
