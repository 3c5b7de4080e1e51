"""Transitions (the steps of a workflow) and their executions."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

import attrs

from .. import ids
from ..client import Client
from ._base import (
    Audited,
    Collection,
    Deletable,
    Listable,
    Operations,
    Refreshable,
    Retrievable,
    Updatable,
    given,
)
from ._converter import converter
from ._session import SessionLike, client_for
from .assets import Asset
from .logs import Log

__all__ = ["Transition", "TransitionExecution", "TransitionExecutions"]

_UPDATE_ARGUMENTS = {  # Transition.update() name -> las.Client.update_transition() argument
    "name": "name",
    "description": "description",
    "input_json_schema": "in_schema",
    "output_json_schema": "out_schema",
    "assets": "assets",
    "environment": "environment",
    "environment_secrets": "environment_secrets",
}


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class Transition(Audited, Retrievable, Listable, Updatable, Deletable):
    """A step of a workflow: a ``docker`` job, or a ``manual`` task done by a person or program.

    ``transition.execute()`` starts a manual execution; ``transition.executions`` lists them;
    ``transition.assets`` is ``{name: Asset}`` (each Asset loads on first access).
    ``update`` changes ``name``, ``description``, ``input_json_schema``, ``output_json_schema``,
    ``assets`` (``{name: Asset or id}``), ``environment`` and ``environment_secrets``.
    ``Transition.all(transition_type="manual")`` filters by type.
    """

    _id_field: ClassVar[str] = "transition_id"
    _id_kind: ClassVar[str] = ids.TRANSITION
    _updatable: ClassVar[frozenset[str]] = frozenset(_UPDATE_ARGUMENTS)
    _operations: ClassVar[Operations] = Operations(
        get=Client.get_transition,
        list=Client.list_transitions,
        update=Client.update_transition,
        delete=Client.delete_transition,
    )

    transition_id: str = ""
    transition_type: str | None = None
    """``"docker"`` or ``"manual"``."""
    name: str | None = None
    description: str | None = None
    input_json_schema: dict[str, Any] = attrs.field(factory=dict)
    output_json_schema: dict[str, Any] = attrs.field(factory=dict)
    parameters: dict[str, Any] = attrs.field(factory=dict)
    asset_ids: dict[str, str] = attrs.field(factory=dict)
    """``{name: asset id}``; see :attr:`assets` for the Asset objects."""
    timeout_in_seconds: int | None = None

    @classmethod
    def create(
        cls,
        transition_type: str,
        *,
        input_json_schema: Mapping[str, Any] | None = None,
        output_json_schema: Mapping[str, Any] | None = None,
        parameters: Mapping[str, Any] | None = None,
        name: str | None = None,
        description: str | None = None,
        timeout_in_seconds: int | None = None,
        session: SessionLike | None = None,
    ) -> Transition:
        """Create a transition (one request).

        Args:
            transition_type: ``"docker"`` or ``"manual"``.
            input_json_schema, output_json_schema: JSON schemas of its input and output.
            parameters: ``{"imageUrl": ..., "environment": {...}}`` for docker,
                ``{"assets": {"jsRemoteComponent": asset_id}}`` for manual.
            name, description: free text.
            timeout_in_seconds: 60 to 1800.
            session: a :class:`las.Session` or :class:`las.Client`; default: the default session.
        """
        client = client_for(session)
        data = client.create_transition(
            transition_type,
            in_schema=dict(input_json_schema) if input_json_schema is not None else None,
            out_schema=dict(output_json_schema) if output_json_schema is not None else None,
            parameters=converter.unstructure(parameters) if parameters is not None else None,
            **given(name=name, description=description, timeout_in_seconds=timeout_in_seconds),
        )
        return cls._from_wire(data, client)

    @classmethod
    def _list_filters(cls, filters: Mapping[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(filters) - {"transition_type"})
        if unknown:
            raise TypeError(f"Transition lists take transition_type=, not {', '.join(unknown)}")
        return given(**filters)

    @classmethod
    def _wire_changes(cls, changes: Mapping[str, Any]) -> dict[str, Any]:
        result = {}
        for name, value in changes.items():
            if name == "assets" and value is not None:
                value = {label: ids.require_id(ids.ASSET, asset) for label, asset in value.items()}
            elif name == "environment_secrets" and value is not None:
                value = [ids.require_id(ids.SECRET, secret) for secret in value]
            result[_UPDATE_ARGUMENTS[name]] = converter.unstructure(value)
        return result

    @property
    def assets(self) -> dict[str, Asset]:
        """``{name: Asset}`` of a manual transition. No request until an Asset's attribute is read."""
        asset_ids = self.asset_ids or self.parameters.get("assets") or {}
        key = tuple(sorted(asset_ids.items()))
        assets = self._related(
            "assets",
            key,
            lambda pairs: {name: Asset.ref(asset_id, session=self._client) for name, asset_id in pairs},
        )
        return dict(assets or {})

    @property
    def executions(self) -> TransitionExecutions:
        """This transition's executions: ``all(status=..., sort_by=..., order=...)``, ``get(id)``, ``create()``."""
        return TransitionExecutions(self)

    def execute(self) -> TransitionExecution:
        """Start an execution of this (manual) transition (one request, never repeated by the SDK)."""
        return self.executions.create()


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class TransitionExecution(Refreshable):
    """One execution of a transition, reached through ``transition.executions``.

    A program doing a manual task sends :meth:`heartbeat` at least every 60 seconds, then ends
    the execution with :meth:`succeed`, :meth:`fail`, :meth:`reject` or :meth:`retry`.
    ``status`` is ``running``, ``succeeded``, ``failed``, ``rejected`` or ``retry``.
    """

    _id_field: ClassVar[str] = "execution_id"
    _id_kind: ClassVar[str] = ids.TRANSITION_EXECUTION

    execution_id: str = ""
    transition_id: str = ""
    status: str | None = None
    input: dict[str, Any] = attrs.field(factory=dict)
    start_time: datetime | None = None
    end_time: datetime | None = None
    log_id: str | None = None
    completed_by: str | None = None

    def _api_fetch(self) -> Mapping[str, Any]:
        return self._client.get_transition_execution(self.transition_id, self.id)

    @property
    def transition(self) -> Transition:
        """The Transition executed (one request on first access, then cached)."""
        return self._parent(
            "transition", self.transition_id, lambda id: Transition.get(id, session=self._client)
        )

    @property
    def log(self) -> Log | None:
        """The execution's Log (one request on first access, then cached), or None if it has none."""
        return self._related("log", self.log_id, lambda id: Log.get(id, session=self._client))

    def heartbeat(self) -> None:
        """Tell the API the execution is still being worked on (send one at least every 60 seconds)."""
        self._client.send_heartbeat(self.transition_id, self.id)

    def _end(
        self, status: str, *, output: Mapping[str, Any] | None = None, message: str | None = None
    ) -> TransitionExecution:
        error = {"message": message} if message is not None else None
        data = self._client.update_transition_execution(
            self.transition_id,
            self.id,
            status,
            output=dict(output) if output is not None else None,
            error=error,
        )
        self._absorb(data)
        return self

    def succeed(self, output: Mapping[str, Any]) -> TransitionExecution:
        """End the execution successfully with ``output`` (which must match the transition's output schema)."""
        return self._end("succeeded", output=output)

    def fail(self, message: str) -> TransitionExecution:
        """End the execution as failed, with a message saying why."""
        return self._end("failed", message=message)

    def reject(self, message: str | None = None) -> TransitionExecution:
        """End the execution as rejected (the input was not acceptable), optionally saying why."""
        return self._end("rejected", message=message)

    def retry(self, message: str | None = None) -> TransitionExecution:
        """Give the execution back to be retried, optionally saying why."""
        return self._end("retry", message=message)


class TransitionExecutions(Collection[TransitionExecution]):
    """The executions of one transition: a lazy collection that can also get and start one.

    Filters of ``all``: ``status`` (one or a list), ``execution_id`` (one or a list),
    ``sort_by`` (``"startTime"`` or ``"endTime"``), ``order`` (``"ascending"`` or ``"descending"``).
    """

    def __init__(self, transition: Transition) -> None:
        client = transition._client
        super().__init__(
            make=lambda data: TransitionExecution._from_wire(data, client),
            list_method=functools.partial(client.list_transition_executions, transition.id),
            normalize=_execution_filters,
        )
        self._transition = transition

    def get(self, execution: TransitionExecution | str) -> TransitionExecution:
        """Get one execution of this transition (one request).

        Raises:
            InvalidIdError: not a transition execution id (before any request).
            NotFoundError: no such execution.
        """
        execution_id = ids.require_id(ids.TRANSITION_EXECUTION, execution)
        client = self._transition._client
        data = client.get_transition_execution(self._transition.id, execution_id)
        return TransitionExecution._from_wire(data, client, complete=True)

    def create(self) -> TransitionExecution:
        """Start an execution (one request, never repeated by the SDK)."""
        client = self._transition._client
        return TransitionExecution._from_wire(client.execute_transition(self._transition.id), client)

    execute = create


def _execution_filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(filters) - {"status", "execution_id", "sort_by", "order"})
    if unknown:
        raise TypeError(
            f"transition executions are filtered by status=, execution_id=, sort_by=, order=; not {', '.join(unknown)}"
        )
    result = given(**filters)
    if "execution_id" in result:
        value = result["execution_id"]
        if isinstance(value, Sequence) and not isinstance(value, str):
            result["execution_id"] = [ids.require_id(ids.TRANSITION_EXECUTION, item) for item in value]
        else:
            result["execution_id"] = ids.require_id(ids.TRANSITION_EXECUTION, value)
    return result
