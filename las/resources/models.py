"""Models, their data bundles (the datasets they train on) and the predictions they make."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, overload

import attrs

from .. import contracts, ids
from .._wire import model_arguments
from ..exceptions import ContractError
from ._base import (
    Audited,
    Collection,
    Deletable,
    InvalidArgumentError,
    Listable,
    Operations,
    Refreshable,
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
    from .trainings import ModelTrainings, Training

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


# What each contract takes in a field config entry: its types, and maxLength (bounds, required).
_FIELD_TYPES: dict[str, frozenset[str]] = {
    contracts.V2021: frozenset(
        {"date", "amount", "number", "letter", "phone", "alphanum", "alphanumext", "all"}
    ),
    contracts.V2024: frozenset({"amount", "date", "digits", "enum", "numeric", "string", "lines"}),
}
_MAX_LENGTH: dict[str, tuple[int, bool]] = {contracts.V2021: (100, True), contracts.V2024: (1024, False)}
# Keys of a preprocess config: all three on 2021-09-23; at least one of these on 2024-11-29.
_PREPROCESS_KEYS: dict[str, frozenset[str]] = {
    contracts.V2021: frozenset({"maxPages", "autoRotate", "imageQuality"}),
    contracts.V2024: frozenset({"maxPages", "autoRotate", "imageQuality", "pages", "startPage", "rotation"}),
}


def _not_a_field_config(value: Any) -> InvalidArgumentError:
    return InvalidArgumentError(
        "field_config must be {label: FieldConfigEntry(type, max_length)} "
        f"(or the API's {{label: {{'type': ..., 'maxLength': ...}}}}), got {type(value).__name__}"
    )


def _model_arguments(
    args: tuple[Any, ...], width: int | None, height: int | None, field_config: Any
) -> tuple[int | None, int | None, Mapping[str, Any]]:
    """``Model.create``'s width, height and field config from either call shape (the Client's
    rule: a mapping first is the field config); a field config that is not a mapping is named."""
    if field_config is None and len(args) == 3 and not isinstance(args[2], Mapping):
        raise _not_a_field_config(args[2])
    return model_arguments(args, width, height, field_config)


def _field_config(value: Any, contract: str) -> dict[str, Any]:
    """The field config as JSON, checked as ``contract`` states it (before any request).

    Raises:
        TypeError: not a mapping of labels to entries.
        ValueError: an entry without a type of that contract, or a ``maxLength`` out of its
            bounds (required on 2021-09-23); a ``lines`` entry (2024-11-29) without ``fields``.
    """
    if not isinstance(value, Mapping):
        raise _not_a_field_config(value)
    return {
        label: _field_entry(f"field_config[{label!r}]", label, entry, contract)
        for label, entry in value.items()
    }


def _field_entry(
    where: str, label: object, entry: Any, contract: str, *, column: bool = False
) -> dict[str, Any]:
    """One entry of a field config as JSON; a ``column`` of a ``lines`` field cannot be ``lines``."""
    wire = to_wire(entry)
    if not isinstance(label, str) or not isinstance(wire, dict):
        raise InvalidArgumentError(f"{where} must be a FieldConfigEntry or a dict, got {entry!r}")
    kind, length = wire.get("type"), wire.get("maxLength")
    types = _FIELD_TYPES[contract] - {"lines"} if column else _FIELD_TYPES[contract]
    if kind not in types:
        raise InvalidArgumentError(
            f"{where} type must be one of {', '.join(sorted(types))} (the API contract {contract}), got {kind!r}"
        )
    longest, required = _MAX_LENGTH[contract]
    if (required or length is not None) and (type(length) is not int or not 1 <= length <= longest):
        raise InvalidArgumentError(
            f"{where} maxLength must be an int from 1 to {longest} (the API contract {contract}), got {length!r}"
        )
    if kind == "lines":
        fields = wire.get("fields")
        if not isinstance(fields, Mapping) or not fields:
            raise InvalidArgumentError(
                f"{where} of type 'lines' needs 'fields': {{label: entry}}, got {fields!r}"
            )
        wire["fields"] = {
            name: _field_entry(f"{where}['fields'][{name!r}]", name, part, contract, column=True)
            for name, part in fields.items()
        }
    return wire


def _preprocess_config(value: Any, contract: str) -> dict[str, Any]:
    """The preprocess config as JSON, with the fields ``contract`` requires (before any request)."""
    wire = to_wire(value)
    keys = _PREPROCESS_KEYS[contract]
    if contract == contracts.V2021:
        if not isinstance(wire, dict) or keys - set(wire):
            raise InvalidArgumentError(
                "preprocess_config needs max_pages, auto_rotate and image_quality "
                f"(a PreprocessConfig), got {value!r}"
            )
    elif not isinstance(wire, dict) or not wire or set(wire) - keys:
        raise InvalidArgumentError(
            f"preprocess_config takes one or more of {', '.join(sorted(keys))} (the API contract "
            f"{contract}), got {value!r}"
        )
    return wire


def _size(name: str, value: Any) -> int:
    if type(value) is not int or not 97 <= value <= 1921:
        raise InvalidArgumentError(f"{name} must be an int from 97 to 1921 pixels, got {value!r}")
    return value


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class Model(Audited, Retrievable, Listable, Updatable, Deletable):
    """A model that predicts the labels of its ``field_config`` from documents.

    ``model.data_bundles`` lists and creates its data bundles; ``model.train(data_bundles)``
    starts a training and ``model.trainings`` lists them (2024-11-29). ``update`` changes
    ``name``, ``description``, ``field_config`` and ``preprocess_config``; ``width``, ``height``
    and ``status`` on 2021-09-23; ``metadata`` and ``training`` (the training predictions use,
    None for none) on 2024-11-29.
    """

    _id_field: ClassVar[str] = "model_id"
    _id_kind: ClassVar[str] = ids.MODEL
    _updatable: ClassVar[frozenset[str]] = frozenset(
        {
            "name",
            "description",
            "width",
            "height",
            "field_config",
            "preprocess_config",
            "status",
            "metadata",
            "training",
        }
    )
    _clearable: ClassVar[frozenset[str]] = frozenset({"name", "description", "training"})
    _operations: ClassVar[Operations] = Operations(
        get="get_model", list="list_models", update="update_model", delete="delete_model"
    )

    model_id: str
    name: str | None = None
    description: str | None = None
    width: int | None = None
    """Input image width in pixels (2021-09-23; None on 2024-11-29)."""
    height: int | None = None
    """Input image height in pixels (2021-09-23; None on 2024-11-29)."""
    field_config: dict[str, FieldConfigEntry] = attrs.field(factory=dict)
    preprocess_config: PreprocessConfig | None = None
    status: str | None = None
    """``"active"``, ``"training"`` or ``"inactive"``."""
    number_of_data_bundles: int | None = None
    training_id: str | None = None
    """The training its predictions use (2024-11-29), or None."""
    number_of_running_trainings: int | None = None
    metadata: dict[str, Any] | None = None
    """A dictionary of the caller's (2024-11-29)."""

    # ---- async source: tools/unasync.py derives the sync twins below ----
    @overload
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
        metadata: Mapping[str, Any] | None = None,
        session: AsyncSessionLike | None = None,
    ) -> Model: ...

    @overload
    @classmethod
    async def create_async(
        cls,
        field_config: FieldConfigLike,
        *,
        width: int | None = None,
        height: int | None = None,
        preprocess_config: PreprocessConfig | Mapping[str, Any] | None = None,
        name: str | None = None,
        description: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        session: AsyncSessionLike | None = None,
    ) -> Model: ...

    @classmethod
    async def create_async(
        cls,
        *args: Any,
        width: int | None = None,
        height: int | None = None,
        field_config: FieldConfigLike | None = None,
        preprocess_config: PreprocessConfig | Mapping[str, Any] | None = None,
        name: str | None = None,
        description: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        session: AsyncSessionLike | None = None,
    ) -> Model:
        """Create a model (one request): ``Model.create(width, height, field_config)`` on the
        2021-09-23 contract, ``Model.create(field_config)`` on 2024-11-29 (a mapping as the first
        argument is the field config), as :meth:`las.AsyncClient.create_model` takes them.

        Args:
            width, height: input image size in pixels (97 to 1921): required by 2021-09-23, not
                part of 2024-11-29.
            field_config: the labels to predict, ``{"total_amount": FieldConfigEntry("amount", 20)}``
                (2024-11-29 has other types: ``{"lines": {"type": "lines", "fields": {...}}}``).
            preprocess_config: a PreprocessConfig (or the API's dict).
            name, description: free text.
            metadata: a dictionary to store additional information in (2024-11-29).
            session: a :class:`las.AsyncSession` or :class:`las.AsyncClient`; default: the
                default session.

        Raises:
            InvalidArgumentError: a size, field config or preprocess config the session's
                contract refuses (before any request).
            ContractError: width or height missing on 2021-09-23 or given on 2024-11-29,
                metadata on 2021-09-23 (before any request).
        """
        width, height, fields = _model_arguments(args, width, height, field_config)
        client = client_for_async(session, cls, "create")
        contract = client.contract
        arguments = given(
            width=_size("width", width) if width is not None else None,
            height=_size("height", height) if height is not None else None,
            preprocess_config=_preprocess_config(preprocess_config, contract)
            if preprocess_config is not None
            else None,
            name=name,
            description=description,
            metadata=dict(metadata) if metadata is not None else None,
        )
        answer = await client.with_raw_response.create_model(
            field_config=_field_config(fields, contract), **arguments
        )
        return cls._from_answer("create_model", answer, client)

    async def predict_async(
        self,
        document: Document | str,
        *,
        max_pages: int | None = None,
        auto_rotate: bool | None = None,
        image_quality: str | None = None,
        training: Training | str | None = None,
    ) -> Prediction:
        """Run this model on a document (one request); the same as ``document.predict(model)``."""
        return await Prediction.create_async(
            document,
            self,
            max_pages=max_pages,
            auto_rotate=auto_rotate,
            image_quality=image_quality,
            training=training,
            session=self._bound_async("predict"),
        )

    async def train_async(
        self,
        data_bundles: Iterable[DataBundle | str] | DataBundle | str,
        *,
        name: str | None = None,
        description: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        instance_type: str | None = None,
        data_scientist_assistance: bool | None = None,
        warm_start: Training | str | None = None,
    ) -> Training:
        """Start a training of this model on its data bundles (one request; 2024-11-29):
        ``model.trainings.create(...)``, which says what each argument means.

        Example::

            training = await model.train_async(await model.data_bundles.first_async())
            await training.refresh_async()  # later: its status, then its evaluation
        """
        self._bound_async("train")  # names this verb, not the collection's, on the other variant
        return await self.trainings.create_async(
            data_bundles,
            name=name,
            description=description,
            metadata=metadata,
            instance_type=instance_type,
            data_scientist_assistance=data_scientist_assistance,
            warm_start=warm_start,
        )

    # ---- sync twins: generated from the async source above, do not edit ----
    @overload
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
        metadata: Mapping[str, Any] | None = None,
        session: SessionLike | None = None,
    ) -> Model: ...

    @overload
    @classmethod
    def create(
        cls,
        field_config: FieldConfigLike,
        *,
        width: int | None = None,
        height: int | None = None,
        preprocess_config: PreprocessConfig | Mapping[str, Any] | None = None,
        name: str | None = None,
        description: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        session: SessionLike | None = None,
    ) -> Model: ...

    @classmethod
    def create(
        cls,
        *args: Any,
        width: int | None = None,
        height: int | None = None,
        field_config: FieldConfigLike | None = None,
        preprocess_config: PreprocessConfig | Mapping[str, Any] | None = None,
        name: str | None = None,
        description: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        session: SessionLike | None = None,
    ) -> Model:
        """Create a model (one request): ``Model.create(width, height, field_config)`` on the
        2021-09-23 contract, ``Model.create(field_config)`` on 2024-11-29 (a mapping as the first
        argument is the field config), as :meth:`las.Client.create_model` takes them.

        Args:
            width, height: input image size in pixels (97 to 1921): required by 2021-09-23, not
                part of 2024-11-29.
            field_config: the labels to predict, ``{"total_amount": FieldConfigEntry("amount", 20)}``
                (2024-11-29 has other types: ``{"lines": {"type": "lines", "fields": {...}}}``).
            preprocess_config: a PreprocessConfig (or the API's dict).
            name, description: free text.
            metadata: a dictionary to store additional information in (2024-11-29).
            session: a :class:`las.Session` or :class:`las.Client`; default: the
                default session.

        Raises:
            InvalidArgumentError: a size, field config or preprocess config the session's
                contract refuses (before any request).
            ContractError: width or height missing on 2021-09-23 or given on 2024-11-29,
                metadata on 2021-09-23 (before any request).
        """
        width, height, fields = _model_arguments(args, width, height, field_config)
        client = client_for(session, cls, "create")
        contract = client.contract
        arguments = given(
            width=_size("width", width) if width is not None else None,
            height=_size("height", height) if height is not None else None,
            preprocess_config=_preprocess_config(preprocess_config, contract)
            if preprocess_config is not None
            else None,
            name=name,
            description=description,
            metadata=dict(metadata) if metadata is not None else None,
        )
        answer = client.with_raw_response.create_model(
            field_config=_field_config(fields, contract), **arguments
        )
        return cls._from_answer("create_model", answer, client)

    def predict(
        self,
        document: Document | str,
        *,
        max_pages: int | None = None,
        auto_rotate: bool | None = None,
        image_quality: str | None = None,
        training: Training | str | None = None,
    ) -> Prediction:
        """Run this model on a document (one request); the same as ``document.predict(model)``."""
        return Prediction.create(
            document,
            self,
            max_pages=max_pages,
            auto_rotate=auto_rotate,
            image_quality=image_quality,
            training=training,
            session=self._bound("predict"),
        )

    def train(
        self,
        data_bundles: Iterable[DataBundle | str] | DataBundle | str,
        *,
        name: str | None = None,
        description: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        instance_type: str | None = None,
        data_scientist_assistance: bool | None = None,
        warm_start: Training | str | None = None,
    ) -> Training:
        """Start a training of this model on its data bundles (one request; 2024-11-29):
        ``model.trainings.create(...)``, which says what each argument means.

        Example::

            training = model.train(model.data_bundles.first())
            training.refresh()  # later: its status, then its evaluation
        """
        self._bound("train")  # names this verb, not the collection's, on the other variant
        return self.trainings.create(
            data_bundles,
            name=name,
            description=description,
            metadata=metadata,
            instance_type=instance_type,
            data_scientist_assistance=data_scientist_assistance,
            warm_start=warm_start,
        )

    # ---- end of generated sync twins ----

    def _update_arguments(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        contract = self._client.contract
        result: dict[str, Any] = {}
        for name, value in changes.items():
            if name in ("width", "height") and value is not None:
                value = _size(name, value)
            if name == "field_config":
                result[name] = _field_config(value, contract)
            elif name == "preprocess_config":
                result[name] = _preprocess_config(value, contract)
            elif name == "training":
                result["training_id"] = None if value is None else ids.require_id(ids.TRAINING, value)
            else:
                result[name] = to_wire(value)
        return result

    @property
    def data_bundles(self) -> DataBundles:
        """This model's data bundles: a lazy collection with ``create(datasets, ...)`` and ``get(id)``."""
        return DataBundles(self)

    @property
    def trainings(self) -> ModelTrainings:
        """This model's trainings (2024-11-29): a lazy collection with ``create(data_bundles, ...)``
        and ``get(id)``."""
        from .trainings import ModelTrainings

        return ModelTrainings(self)


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class DataBundle(Audited, Refreshable, Updatable, Deletable):
    """A frozen selection of datasets a model trains on. Reached through ``model.data_bundles``.

    ``datasets`` are Dataset objects made from the summaries the API embeds: a field a summary
    leaves out is None (``dataset.load()`` fetches the full body). ``update`` changes ``name``
    and ``description``. On 2024-11-29 its ``status`` goes ``running``, then ``succeeded``:
    ``data_bundle.refresh()`` and ``model.data_bundles.get(id)`` read it (the 2021-09-23
    contract has no way to get one data bundle by id: find it in ``model.data_bundles``).
    """

    _id_field: ClassVar[str] = "data_bundle_id"
    _id_kind: ClassVar[str] = ids.DATA_BUNDLE
    _updatable: ClassVar[frozenset[str]] = frozenset({"name", "description"})
    _operations: ClassVar[Operations] = Operations(
        get="get_data_bundle", update="update_data_bundle", delete="delete_data_bundle"
    )

    data_bundle_id: str
    model_id: str
    name: str | None = None
    description: str | None = None
    status: str | None = None
    """``"processing"``, ``"ready"`` or ``"failed"`` (2021-09-23); ``"running"``, ``"succeeded"``
    or ``"failed"`` (2024-11-29)."""
    summary: dict[str, Any] = attrs.field(factory=dict)
    datasets: list[Dataset] = attrs.field(factory=list)
    retention_in_days: int | None = None

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
    """The data bundles of one model: a lazy collection that can also create and get one."""

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

    async def get_async(self, data_bundle: DataBundle | str) -> DataBundle:
        """Get one data bundle of this model (one request; 2024-11-29).

        Raises:
            InvalidIdError: not a data bundle id (before any request).
            NotInContractError: the session speaks 2021-09-23, which has no such call (before
                any request; find it by iterating ``model.data_bundles``).
            NotFoundError: no such data bundle.
        """
        data_bundle_id = ids.require_id(ids.DATA_BUNDLE, data_bundle)
        client = self._bound_async("get")
        try:
            answer = await client.with_raw_response.get_data_bundle(self._model._checked_id(), data_bundle_id)
        except ContractError:  # refused before sending
            raise DataBundle._no_get(client) from None
        return DataBundle._from_answer("get_data_bundle", answer, client, full=True)

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

    def get(self, data_bundle: DataBundle | str) -> DataBundle:
        """Get one data bundle of this model (one request; 2024-11-29).

        Raises:
            InvalidIdError: not a data bundle id (before any request).
            NotInContractError: the session speaks 2021-09-23, which has no such call (before
                any request; find it by iterating ``model.data_bundles``).
            NotFoundError: no such data bundle.
        """
        data_bundle_id = ids.require_id(ids.DATA_BUNDLE, data_bundle)
        client = self._bound("get")
        try:
            answer = client.with_raw_response.get_data_bundle(self._model._checked_id(), data_bundle_id)
        except ContractError:  # refused before sending
            raise DataBundle._no_get(client) from None
        return DataBundle._from_answer("get_data_bundle", answer, client, full=True)

    # ---- end of generated sync twins ----


@attrs.define(slots=False, frozen=True)
class PredictionItem(Struct):
    """One predicted value: ``label``, ``value`` (None when nothing was found) and ``confidence``
    (0 to 1; None where the 2024-11-29 contract answers none, e.g. a ``lines`` field's item)."""

    label: str
    value: str | list[Any] | None = None
    """The predicted text; for a ``lines`` field (2024-11-29) a list of lines, each a list of
    ``{"label", "value", "confidence", ...}`` objects."""
    confidence: float | None = 0.0


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class Prediction(Retrievable, Listable):
    """The values a model predicted for a document.

    Items are reachable by label: ``prediction["total_amount"]`` (the most confident item for
    that label; KeyError if none), ``prediction.item_for("due_date")`` (None if none),
    ``prediction.as_dict()`` (``{label: value}``). ``prediction.document`` and
    ``prediction.model`` load on first access. ``Prediction.get(id)`` is the 2024-11-29
    contract's: on 2021-09-23, which has no way to get one prediction by id, it raises
    :class:`NotInContractError` (a NotSupportedError) before any request.
    """

    _id_field: ClassVar[str] = "prediction_id"
    _id_kind: ClassVar[str] = ids.PREDICTION
    _operations: ClassVar[Operations] = Operations(get="get_prediction", list="list_predictions")
    _listed_where_not_got: ClassVar[bool] = True

    prediction_id: str
    document_id: str
    model_id: str
    # 2024-11-29 may answer {} (no items yet) where 2021-09-23 answered [].
    predictions: list[PredictionItem] = attrs.field(factory=list, metadata={EMPTY_OBJECT: True})
    inference_time: float | None = None
    """Seconds the model spent."""
    timestamp: int | None = None
    """When the prediction was made, as the API reports it (epoch seconds)."""
    training_id: str | None = None
    """The model's training that predicted (2024-11-29)."""
    status: str | None = None
    """``"pending"``, ``"succeeded"`` or ``"failed"`` (2024-11-29; None on 2021-09-23)."""
    error: str | None = None
    """Why it failed (2024-11-29)."""

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
        training: Training | str | None = None,
        session: AsyncSessionLike | None = None,
    ) -> Prediction:
        """Run ``model`` on ``document`` (one request); see :meth:`Document.predict`.

        Args:
            training: the model's Training (or its id) to predict with (2024-11-29); default:
                the one the model uses.

        Raises:
            InvalidIdError: ``document``, ``model`` or ``training`` is of the wrong kind (before
                any request).
            ContractError: ``training`` on 2021-09-23 (before any request).
        """
        document_id = ids.require_id(ids.DOCUMENT, document)
        model_id = ids.require_id(ids.MODEL, model)
        arguments = given(
            max_pages=max_pages,
            auto_rotate=auto_rotate,
            image_quality=image_quality,
            training_id=ids.require_id(ids.TRAINING, training) if training is not None else None,
        )
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
        training: Training | str | None = None,
        session: SessionLike | None = None,
    ) -> Prediction:
        """Run ``model`` on ``document`` (one request); see :meth:`Document.predict`.

        Args:
            training: the model's Training (or its id) to predict with (2024-11-29); default:
                the one the model uses.

        Raises:
            InvalidIdError: ``document``, ``model`` or ``training`` is of the wrong kind (before
                any request).
            ContractError: ``training`` on 2021-09-23 (before any request).
        """
        document_id = ids.require_id(ids.DOCUMENT, document)
        model_id = ids.require_id(ids.MODEL, model)
        arguments = given(
            max_pages=max_pages,
            auto_rotate=auto_rotate,
            image_quality=image_quality,
            training_id=ids.require_id(ids.TRAINING, training) if training is not None else None,
        )
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
        """Every item of a label (a label may repeat, e.g. line items), most confident first
        (an item without a confidence last)."""
        return sorted(
            (item for item in self.predictions if item.label == label),
            key=lambda item: -item.confidence if item.confidence is not None else math.inf,
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

    def confidences(self) -> dict[str, float | None]:
        """``{label: confidence}`` of the most confident item per label."""
        return {label: self[label].confidence for label in self.labels}
