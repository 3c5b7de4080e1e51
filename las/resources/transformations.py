"""Transformations of datasets: operations the API runs over a dataset's documents, such as
removing duplicates (the 2024-11-29 contract)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import attrs

from .. import ids
from ._base import Audited, Collection, Deletable, InvalidArgumentError, Operations, sync_property
from .documents import Dataset

__all__ = ["DatasetTransformations", "OperationLike", "Transformation"]

OperationLike = str | Mapping[str, Any]
"""One operation of a transformation: its type (``"remove-duplicates"``), or the API's
``{"type": ..., "options": {...}}``."""


def _operations(operations: Iterable[OperationLike]) -> list[dict[str, Any]]:
    """The operations as the API's objects (checked before any request).

    Raises:
        InvalidArgumentError: not a list of operations, or an operation without a ``type``.
    """
    if isinstance(operations, (str, Mapping)):
        raise InvalidArgumentError(
            f"operations must be a list of operations, e.g. ['remove-duplicates'], got {operations!r}"
        )
    result = []
    for operation in operations:
        wire = {"type": operation} if isinstance(operation, str) else dict(operation)
        if not isinstance(wire.get("type"), str) or not wire["type"]:
            raise InvalidArgumentError(
                "an operation is its type ('remove-duplicates') or {'type': ..., 'options': {...}}, "
                f"got {operation!r}"
            )
        result.append(wire)
    if not result:
        raise InvalidArgumentError(
            "a transformation needs at least one operation, e.g. ['remove-duplicates']"
        )
    return result


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class Transformation(Audited, Deletable):
    """Operations the API runs over a dataset's documents, e.g. ``"remove-duplicates"``.

    Started with ``dataset.transformations.create(operations)``; its ``status`` is ``running``,
    then ``succeeded`` or ``failed``. ``dataset.transformations.filter(status=...)`` lists
    them: the API has no way to get one transformation by id, nor to change one.
    ``delete`` removes it (stopping it if it is still running).
    """

    _id_field: ClassVar[str] = "transformation_id"
    _id_kind: ClassVar[str] = ids.TRANSFORMATION
    _operations: ClassVar[Operations] = Operations(delete="delete_transformation")

    transformation_id: str
    dataset_id: str
    status: str | None = None
    """``"running"``, ``"succeeded"`` or ``"failed"``."""
    operations: list[dict[str, Any]] = attrs.field(factory=list)

    def _key(self) -> tuple[str, ...]:
        return ids.require_id(ids.DATASET, self.dataset_id), self._checked_id()

    @property
    def is_final(self) -> bool:
        """Whether the status is final (succeeded or failed); as last listed."""
        return self.status in ("succeeded", "failed")

    # ---- async source: tools/unasync.py derives the sync twins below ----
    @sync_property
    async def dataset_async(self) -> Dataset:
        """The Dataset transformed (one request on first use, then kept)."""
        return await self._parent_async("dataset", self.dataset_id, Dataset)

    # ---- sync twins: generated from the async source above, do not edit ----
    @property
    def dataset(self) -> Dataset:
        """The Dataset transformed (one request on first use, then kept)."""
        return self._parent("dataset", self.dataset_id, Dataset)

    # ---- end of generated sync twins ----


class DatasetTransformations(Collection[Transformation]):
    """The transformations of one dataset: a lazy collection (``filter(status=...)``) that can
    also start one."""

    def __init__(self, dataset: Dataset) -> None:
        super().__init__(
            Transformation,
            dataset._client,
            "list_transformations",
            parents=(dataset._checked_id(),),
            allowed={"status": None},
        )
        self._dataset = dataset

    # ---- async source: tools/unasync.py derives the sync twins below ----
    async def create_async(self, operations: Iterable[OperationLike]) -> Transformation:
        """Start a transformation of the dataset's documents (one request, never repeated).

        Args:
            operations: e.g. ``["remove-duplicates"]``, or the API's
                ``[{"type": "remove-duplicates", "options": {}}]``.

        Raises:
            InvalidArgumentError: no operation, or one without a type (before any request).
            ContractError: the session speaks 2021-09-23, which has no transformations.
        """
        wire = _operations(operations)
        client = self._bound_async("create")
        answer = await client.with_raw_response.create_transformation(self._dataset._checked_id(), wire)
        return Transformation._from_answer("create_transformation", answer, client)

    # ---- sync twins: generated from the async source above, do not edit ----
    def create(self, operations: Iterable[OperationLike]) -> Transformation:
        """Start a transformation of the dataset's documents (one request, never repeated).

        Args:
            operations: e.g. ``["remove-duplicates"]``, or the API's
                ``[{"type": "remove-duplicates", "options": {}}]``.

        Raises:
            InvalidArgumentError: no operation, or one without a type (before any request).
            ContractError: the session speaks 2021-09-23, which has no transformations.
        """
        wire = _operations(operations)
        client = self._bound("create")
        answer = client.with_raw_response.create_transformation(self._dataset._checked_id(), wire)
        return Transformation._from_answer("create_transformation", answer, client)

    # ---- end of generated sync twins ----
