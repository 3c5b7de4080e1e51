"""Trainings of models, and the deployment environments a trained model is served from
(the 2024-11-29 contract; the 2021-09-23 contract has no training endpoint)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from .. import ids
from ..exceptions import ContractError
from ._base import (
    Audited,
    Collection,
    InvalidArgumentError,
    Listable,
    Operations,
    Refreshable,
    Resource,
    Retrievable,
    Updatable,
    given,
    sync_property,
)
from ._plan import to_wire

if TYPE_CHECKING:
    from .models import DataBundle, Model

__all__ = [
    "FINAL_TRAINING_STATUSES",
    "DeploymentEnvironment",
    "ModelTrainings",
    "Training",
]

FINAL_TRAINING_STATUSES = frozenset({"succeeded", "failed", "cancelled"})
"""Statuses after which a training does not change by itself."""


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class DeploymentEnvironment(Retrievable, Listable):
    """Where a trained model runs: ``DeploymentEnvironment.all()`` (``owner=`` an organization id
    lists another organization's), ``DeploymentEnvironment.get(id)``. Deploy a training to one
    with ``training.update(deployment_environment=...)``. Read-only in the API.

    An id may carry its owner's prefix and a version:
    ``las:organization:cradl/las:deployment-environment:shared:@latest``.
    """

    _id_field: ClassVar[str] = "deployment_environment_id"
    _id_kind: ClassVar[str] = ids.DEPLOYMENT_ENVIRONMENT
    _filters: ClassVar[Mapping[str, str | None]] = {"owner": None}
    _operations: ClassVar[Operations] = Operations(
        get="get_deployment_environment", list="list_deployment_environments"
    )

    deployment_environment_id: str
    organization_id: str | None = None
    name: str | None = None
    description: str | None = None
    model_deployment_units: int | None = None
    status: str | None = None
    """``"available"`` or ``"unavailable"``."""


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class Training(Audited, Refreshable, Updatable):
    """A training of a model on its data bundles: ``model.train(data_bundles)`` starts one,
    ``model.trainings`` lists them and ``model.trainings.get(id)`` gets one.

    ``status`` goes ``preparing``, ``pending``, ``running``, ``running-final-evaluation``, then
    ``succeeded`` (or ``failed``, ``cancelled``; ``waiting-for-approval`` first with
    ``data_scientist_assistance``): ``training.refresh()`` reads it again (one request),
    ``is_final`` says whether it can still change. Once succeeded, ``evaluation`` holds its
    results; ``model.update(training=training)`` makes predictions use it, and
    ``training.update(deployment_environment=...)`` deploys it. ``update`` changes ``name``,
    ``description``, ``metadata`` and ``deployment_environment``; :meth:`cancel` stops it.
    """

    _id_field: ClassVar[str] = "training_id"
    _id_kind: ClassVar[str] = ids.TRAINING
    _updatable: ClassVar[frozenset[str]] = frozenset(
        {"name", "description", "metadata", "deployment_environment"}
    )
    _clearable: ClassVar[frozenset[str]] = frozenset({"name", "description", "deployment_environment"})
    _operations: ClassVar[Operations] = Operations(get="get_training", update="update_training")

    training_id: str
    model_id: str
    name: str | None = None
    description: str | None = None
    status: str | None = None
    data_bundle_ids: list[str] = attrs.field(factory=list)
    instance_type: str | None = None
    """``"small-gpu"``, ``"medium-gpu"`` or ``"large-gpu"``."""
    data_scientist_assistance: bool | None = None
    deployment_environment_id: str | None = None
    evaluation: dict[str, Any] = attrs.field(factory=dict)
    """The results of a succeeded training (e.g. an accuracy per field); ``{}`` before."""
    gpu_hours: float | None = None
    """The GPU hours it has used (None before it runs)."""
    statistics: dict[str, Any] | None = None
    warm_start_config: dict[str, Any] | None = None
    """``{"trainingId": ...}``: the training it started from."""
    metadata: dict[str, Any] | None = None

    def _key(self) -> tuple[str, ...]:
        return ids.require_id(ids.MODEL, self.model_id), self._checked_id()

    @property
    def is_final(self) -> bool:
        """Whether the status is final (succeeded, failed or cancelled); as last loaded."""
        return self.status in FINAL_TRAINING_STATUSES

    def _update_arguments(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        result = {name: to_wire(value) for name, value in changes.items() if name != "deployment_environment"}
        if "deployment_environment" in changes:
            environment = changes["deployment_environment"]
            result["deployment_environment_id"] = (
                None if environment is None else ids.require_id(ids.DEPLOYMENT_ENVIRONMENT, environment)
            )
        return result

    # ---- async source: tools/unasync.py derives the sync twins below ----
    async def cancel_async(self) -> Training:
        """Stop the training where it is (one request); the object then holds the answer
        (``status`` ``"cancelled"``).

        Raises:
            BadRequestError: it has already ended.
        """
        client = self._bound_async("cancel", "update_training")
        answer = await client.with_raw_response.update_training(*self._key(), status="cancelled")
        self._take_answer("update_training", answer)
        return self

    @sync_property
    async def model_async(self) -> Model:
        """The Model trained (one request on first use, then kept)."""
        from .models import Model

        return await self._parent_async("model", self.model_id, Model)

    @sync_property
    async def deployment_environment_async(self) -> DeploymentEnvironment | None:
        """The DeploymentEnvironment it is deployed to (one request on first use, then kept), or None."""
        return await self._relation_async(
            "deployment_environment", self.deployment_environment_id, DeploymentEnvironment
        )

    # ---- sync twins: generated from the async source above, do not edit ----
    def cancel(self) -> Training:
        """Stop the training where it is (one request); the object then holds the answer
        (``status`` ``"cancelled"``).

        Raises:
            BadRequestError: it has already ended.
        """
        client = self._bound("cancel", "update_training")
        answer = client.with_raw_response.update_training(*self._key(), status="cancelled")
        self._take_answer("update_training", answer)
        return self

    @property
    def model(self) -> Model:
        """The Model trained (one request on first use, then kept)."""
        from .models import Model

        return self._parent("model", self.model_id, Model)

    @property
    def deployment_environment(self) -> DeploymentEnvironment | None:
        """The DeploymentEnvironment it is deployed to (one request on first use, then kept), or None."""
        return self._relation("deployment_environment", self.deployment_environment_id, DeploymentEnvironment)

    # ---- end of generated sync twins ----


def _bundle_ids(data_bundles: Iterable[DataBundle | str] | DataBundle | str) -> list[str]:
    """The ids of one data bundle or of several (checked: each must be a data bundle, and there
    must be one: a training on none would fail for want of documents)."""
    if isinstance(data_bundles, (str, Resource)):
        return [ids.require_id(ids.DATA_BUNDLE, data_bundles)]
    checked = [ids.require_id(ids.DATA_BUNDLE, bundle) for bundle in data_bundles]
    if not checked:
        raise InvalidArgumentError(
            "a training needs at least one data bundle: model.train(model.data_bundles.first())"
        )
    return checked


class ModelTrainings(Collection[Training]):
    """The trainings of one model: a lazy collection that can also get and start one."""

    def __init__(self, model: Model) -> None:
        super().__init__(Training, model._client, "list_trainings", parents=(model._checked_id(),))
        self._model = model

    # ---- async source: tools/unasync.py derives the sync twins below ----
    async def get_async(self, training: Training | str) -> Training:
        """Get one training of this model (one request).

        Raises:
            InvalidIdError: not a training id (before any request).
            NotInContractError: the session speaks 2021-09-23, which has no trainings.
            NotFoundError: no such training.
        """
        training_id = ids.require_id(ids.TRAINING, training)
        client = self._bound_async("get")
        try:
            answer = await client.with_raw_response.get_training(self._model._checked_id(), training_id)
        except ContractError:  # refused before sending
            raise Training._no_get(client) from None
        return Training._from_answer("get_training", answer, client, full=True)

    async def create_async(
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
        """Start a training of the model on its data bundles (one request, never repeated).

        Args:
            data_bundles: the model's DataBundles (or their ids) to train on; one is enough.
            name, description: free text.
            metadata: a dictionary to store additional information in.
            instance_type: ``"small-gpu"``, ``"medium-gpu"`` or ``"large-gpu"``.
            data_scientist_assistance: ask the service's data scientists to review it first.
            warm_start: a Training (or its id) of the model to start from.

        Raises:
            InvalidIdError: a data bundle or ``warm_start`` of the wrong kind (before any request).
            InvalidArgumentError: no data bundle (before any request).
            ContractError: the session speaks 2021-09-23, which has no trainings (before any request).
        """
        bundle_ids = _bundle_ids(data_bundles)
        arguments = given(
            name=name,
            description=description,
            metadata=dict(metadata) if metadata is not None else None,
            data_scientist_assistance=data_scientist_assistance,
            instance_type=instance_type,
            warm_start_config={"trainingId": ids.require_id(ids.TRAINING, warm_start)}
            if warm_start is not None
            else None,
        )
        client = self._bound_async("create")
        answer = await client.with_raw_response.create_training(
            self._model._checked_id(), bundle_ids, **arguments
        )
        return Training._from_answer("create_training", answer, client)

    # ---- sync twins: generated from the async source above, do not edit ----
    def get(self, training: Training | str) -> Training:
        """Get one training of this model (one request).

        Raises:
            InvalidIdError: not a training id (before any request).
            NotInContractError: the session speaks 2021-09-23, which has no trainings.
            NotFoundError: no such training.
        """
        training_id = ids.require_id(ids.TRAINING, training)
        client = self._bound("get")
        try:
            answer = client.with_raw_response.get_training(self._model._checked_id(), training_id)
        except ContractError:  # refused before sending
            raise Training._no_get(client) from None
        return Training._from_answer("get_training", answer, client, full=True)

    def create(
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
        """Start a training of the model on its data bundles (one request, never repeated).

        Args:
            data_bundles: the model's DataBundles (or their ids) to train on; one is enough.
            name, description: free text.
            metadata: a dictionary to store additional information in.
            instance_type: ``"small-gpu"``, ``"medium-gpu"`` or ``"large-gpu"``.
            data_scientist_assistance: ask the service's data scientists to review it first.
            warm_start: a Training (or its id) of the model to start from.

        Raises:
            InvalidIdError: a data bundle or ``warm_start`` of the wrong kind (before any request).
            InvalidArgumentError: no data bundle (before any request).
            ContractError: the session speaks 2021-09-23, which has no trainings (before any request).
        """
        bundle_ids = _bundle_ids(data_bundles)
        arguments = given(
            name=name,
            description=description,
            metadata=dict(metadata) if metadata is not None else None,
            data_scientist_assistance=data_scientist_assistance,
            instance_type=instance_type,
            warm_start_config={"trainingId": ids.require_id(ids.TRAINING, warm_start)}
            if warm_start is not None
            else None,
        )
        client = self._bound("create")
        answer = client.with_raw_response.create_training(self._model._checked_id(), bundle_ids, **arguments)
        return Training._from_answer("create_training", answer, client)

    # ---- end of generated sync twins ----
