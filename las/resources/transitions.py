"""Transitions (the steps of a workflow) and their executions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from .. import ids
from ._base import (
    Audited,
    Collection,
    Deletable,
    Listable,
    Operations,
    Refreshable,
    Retrievable,
    Updatable,
    _ref,
    given,
    sync_property,
)
from ._plan import to_wire
from ._session import SessionLike, client_for, client_for_async
from .assets import Asset
from .logs import Log
from .workflows import EXECUTION_FILTERS

if TYPE_CHECKING:
    from ._session import AsyncSessionLike

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
    _filters: ClassVar[Mapping[str, str | None]] = {"transition_type": None}
    _operations: ClassVar[Operations] = Operations(
        get="get_transition", list="list_transitions", update="update_transition", delete="delete_transition"
    )

    transition_id: str
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

    # ---- async source: tools/unasync.py derives the sync twins below ----
    @classmethod
    async def create_async(
        cls,
        transition_type: str,
        *,
        input_json_schema: Mapping[str, Any] | None = None,
        output_json_schema: Mapping[str, Any] | None = None,
        parameters: Mapping[str, Any] | None = None,
        name: str | None = None,
        description: str | None = None,
        timeout_in_seconds: int | None = None,
        session: AsyncSessionLike | None = None,
    ) -> Transition:
        """Create a transition (one request).

        Args:
            transition_type: ``"docker"`` or ``"manual"``.
            input_json_schema, output_json_schema: JSON schemas of its input and output.
            parameters: ``{"imageUrl": ..., "environment": {...}}`` for docker,
                ``{"assets": {"jsRemoteComponent": asset_id}}`` for manual.
            name, description: free text.
            timeout_in_seconds: 60 to 1800.
            session: a :class:`las.AsyncSession` or :class:`las.AsyncClient`; default: the
                default session.
        """
        arguments = given(
            in_schema=to_wire(input_json_schema),
            out_schema=to_wire(output_json_schema),
            parameters=to_wire(parameters),
            name=name,
            description=description,
            timeout_in_seconds=timeout_in_seconds,
        )
        client = client_for_async(session, cls, "create")
        answer = await client.with_raw_response.create_transition(transition_type, **arguments)
        return cls._from_answer("create_transition", answer, client)

    async def execute_async(self) -> TransitionExecution:
        """Start an execution of this (manual) transition (one request, never repeated by the SDK)."""
        client = self._bound_async("execute", "execute_transition")
        answer = await client.with_raw_response.execute_transition(self._checked_id())
        return TransitionExecution._from_answer("execute_transition", answer, client)

    # ---- sync twins: generated from the async source above, do not edit ----
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
            session: a :class:`las.Session` or :class:`las.Client`; default: the
                default session.
        """
        arguments = given(
            in_schema=to_wire(input_json_schema),
            out_schema=to_wire(output_json_schema),
            parameters=to_wire(parameters),
            name=name,
            description=description,
            timeout_in_seconds=timeout_in_seconds,
        )
        client = client_for(session, cls, "create")
        answer = client.with_raw_response.create_transition(transition_type, **arguments)
        return cls._from_answer("create_transition", answer, client)

    def execute(self) -> TransitionExecution:
        """Start an execution of this (manual) transition (one request, never repeated by the SDK)."""
        client = self._bound("execute", "execute_transition")
        answer = client.with_raw_response.execute_transition(self._checked_id())
        return TransitionExecution._from_answer("execute_transition", answer, client)

    # ---- end of generated sync twins ----

    def _update_arguments(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        result = {}
        for name, value in changes.items():
            if name == "assets" and value is not None:
                value = {label: ids.require_id(ids.ASSET, asset) for label, asset in value.items()}
            elif name == "environment_secrets" and value is not None:
                value = [ids.require_id(ids.SECRET, secret) for secret in value]
            result[_UPDATE_ARGUMENTS[name]] = to_wire(value)
        return result

    @property
    def assets(self) -> dict[str, Asset]:
        """``{name: Asset}`` of a manual transition. No request until an Asset's attribute is read."""
        asset_ids = self.asset_ids or self.parameters.get("assets") or {}
        key = tuple(sorted(asset_ids.items()))
        assets = self._related(
            "assets",
            key,
            lambda pairs: {
                name: _ref(Asset, ids.require_id(ids.ASSET, asset_id), self._client)
                for name, asset_id in pairs
            },
        )
        return dict(assets or {})

    @property
    def executions(self) -> TransitionExecutions:
        """This transition's executions: iterate, ``filter(status=..., execution=..., sort_by=..., order=...)``, ``get(id)``."""
        return TransitionExecutions(self)


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class TransitionExecution(Refreshable):
    """One execution of a transition, reached through ``transition.executions``.

    A program doing a manual task sends :meth:`heartbeat` at least every 60 seconds, then ends
    the execution with :meth:`succeed`, :meth:`fail`, :meth:`reject` or :meth:`retry`.
    ``status`` is ``running``, ``succeeded``, ``failed``, ``rejected`` or ``retry``.
    """

    _id_field: ClassVar[str] = "execution_id"
    _id_kind: ClassVar[str] = ids.TRANSITION_EXECUTION

    execution_id: str
    transition_id: str
    status: str | None = None
    input: dict[str, Any] = attrs.field(factory=dict)
    start_time: datetime | None = None
    end_time: datetime | None = None
    log_id: str | None = None
    completed_by: str | None = None

    def _key(self) -> tuple[str, ...]:
        return ids.require_id(ids.TRANSITION, self.transition_id), self._checked_id()

    def _get_operation(self) -> str:
        return "get_transition_execution"

    # ---- async source: tools/unasync.py derives the sync twins below ----
    @sync_property
    async def transition_async(self) -> Transition:
        """The Transition executed (one request on first use, then kept)."""
        return await self._parent_async("transition", self.transition_id, Transition)

    @sync_property
    async def log_async(self) -> Log | None:
        """The execution's Log (one request on first use, then kept), or None if it has none."""
        return await self._relation_async("log", self.log_id, Log)

    async def heartbeat_async(self) -> None:
        """Tell the API the execution is still being worked on (send one at least every 60 seconds)."""
        await self._bound_async("heartbeat", "send_heartbeat").send_heartbeat(*self._key())

    async def _end_async(
        self, verb: str, status: str, output: Mapping[str, Any] | None = None, message: str | None = None
    ) -> TransitionExecution:
        client = self._bound_async(verb, "update_transition_execution")
        error = {"message": message} if message is not None else None
        arguments = given(output=dict(output) if output is not None else None, error=error)
        answer = await client.with_raw_response.update_transition_execution(*self._key(), status, **arguments)
        self._take_answer("update_transition_execution", answer)
        return self

    async def succeed_async(self, output: Mapping[str, Any]) -> TransitionExecution:
        """End the execution successfully with ``output`` (which must match the transition's output schema)."""
        return await self._end_async("succeed", "succeeded", output=output)

    async def fail_async(self, message: str | None = None) -> TransitionExecution:
        """End the execution as failed, optionally saying why."""
        return await self._end_async("fail", "failed", message=message)

    async def reject_async(self, message: str | None = None) -> TransitionExecution:
        """End the execution as rejected (the input was not acceptable), optionally saying why."""
        return await self._end_async("reject", "rejected", message=message)

    async def retry_async(self, message: str | None = None) -> TransitionExecution:
        """Give the execution back to be retried, optionally saying why."""
        return await self._end_async("retry", "retry", message=message)

    # ---- sync twins: generated from the async source above, do not edit ----
    @property
    def transition(self) -> Transition:
        """The Transition executed (one request on first use, then kept)."""
        return self._parent("transition", self.transition_id, Transition)

    @property
    def log(self) -> Log | None:
        """The execution's Log (one request on first use, then kept), or None if it has none."""
        return self._relation("log", self.log_id, Log)

    def heartbeat(self) -> None:
        """Tell the API the execution is still being worked on (send one at least every 60 seconds)."""
        self._bound("heartbeat", "send_heartbeat").send_heartbeat(*self._key())

    def _end(
        self, verb: str, status: str, output: Mapping[str, Any] | None = None, message: str | None = None
    ) -> TransitionExecution:
        client = self._bound(verb, "update_transition_execution")
        error = {"message": message} if message is not None else None
        arguments = given(output=dict(output) if output is not None else None, error=error)
        answer = client.with_raw_response.update_transition_execution(*self._key(), status, **arguments)
        self._take_answer("update_transition_execution", answer)
        return self

    def succeed(self, output: Mapping[str, Any]) -> TransitionExecution:
        """End the execution successfully with ``output`` (which must match the transition's output schema)."""
        return self._end("succeed", "succeeded", output=output)

    def fail(self, message: str | None = None) -> TransitionExecution:
        """End the execution as failed, optionally saying why."""
        return self._end("fail", "failed", message=message)

    def reject(self, message: str | None = None) -> TransitionExecution:
        """End the execution as rejected (the input was not acceptable), optionally saying why."""
        return self._end("reject", "rejected", message=message)

    def retry(self, message: str | None = None) -> TransitionExecution:
        """Give the execution back to be retried, optionally saying why."""
        return self._end("retry", "retry", message=message)

    # ---- end of generated sync twins ----


class TransitionExecutions(Collection[TransitionExecution]):
    """The executions of one transition: a lazy collection that can also get one.

    Filters: ``status`` (one or a list), ``execution`` (executions or ids, one or a list),
    ``sort_by`` (``"startTime"`` or ``"endTime"``), ``order`` (``"ascending"`` or ``"descending"``).
    """

    def __init__(self, transition: Transition) -> None:
        super().__init__(
            TransitionExecution,
            transition._client,
            "list_transition_executions",
            parents=(transition._checked_id(),),
            allowed={**EXECUTION_FILTERS, "execution": ids.TRANSITION_EXECUTION},
        )
        self._transition = transition

    # ---- async source: tools/unasync.py derives the sync twins below ----
    async def get_async(self, execution: TransitionExecution | str) -> TransitionExecution:
        """Get one execution of this transition (one request).

        Raises:
            InvalidIdError: not a transition execution id (before any request).
            NotFoundError: no such execution.
        """
        execution_id = ids.require_id(ids.TRANSITION_EXECUTION, execution)
        client = self._bound_async("get")
        answer = await client.with_raw_response.get_transition_execution(
            self._transition._checked_id(), execution_id
        )
        return TransitionExecution._from_answer("get_transition_execution", answer, client, full=True)

    # ---- sync twins: generated from the async source above, do not edit ----
    def get(self, execution: TransitionExecution | str) -> TransitionExecution:
        """Get one execution of this transition (one request).

        Raises:
            InvalidIdError: not a transition execution id (before any request).
            NotFoundError: no such execution.
        """
        execution_id = ids.require_id(ids.TRANSITION_EXECUTION, execution)
        client = self._bound("get")
        answer = client.with_raw_response.get_transition_execution(
            self._transition._checked_id(), execution_id
        )
        return TransitionExecution._from_answer("get_transition_execution", answer, client, full=True)

    # ---- end of generated sync twins ----
