"""Workflows and their executions."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs

from .. import ids
from ..client import Client
from ..exceptions import ClientException
from ._base import (
    Audited,
    ClientCall,
    Collection,
    Deletable,
    Listable,
    Operations,
    Refreshable,
    Retrievable,
    Struct,
    Updatable,
    given,
)
from ._plan import to_wire
from ._session import SessionLike, async_client_for, client_for
from .logs import Log

__all__ = [
    "FINAL_EXECUTION_STATUSES",
    "CompletedConfig",
    "ErrorConfig",
    "WaitTimeoutError",
    "Workflow",
    "WorkflowExecution",
    "WorkflowExecutions",
]

# The clock and sleep wait() uses (module attributes so tests can drive them without touching `time`).
_monotonic = time.monotonic
_sleep = time.sleep

FINAL_EXECUTION_STATUSES = frozenset({"succeeded", "failed", "rejected", "error"})
"""Statuses after which a workflow execution does not change by itself."""
FAILED_TRANSITION = "las:transition:commons-failed"
"""The built-in transition that ends an execution as failed."""
EXECUTION_FILTERS = {"status": None, "sort_by": None, "order": None}
"""The filters of a list of executions (workflow and transition executions alike)."""


class WaitTimeoutError(ClientException, TimeoutError):
    """:meth:`WorkflowExecution.wait` gave up: the execution is still not final (a TimeoutError too)."""


@attrs.define(slots=False, frozen=True)
class ErrorConfig(Struct):
    """What happens when an execution fails: an ``email`` to notify, and whether to wait for a manual retry."""

    email: str | None = None
    manual_retry: bool | None = None


@attrs.define(slots=False, frozen=True)
class CompletedConfig(Struct):
    """A docker job to run whenever an execution ends."""

    image_url: str
    secret_id: str | None = None
    """A secret with the registry credentials of the image."""
    environment: dict[str, str] = attrs.field(factory=dict)
    environment_secrets: list[str] = attrs.field(factory=list)
    """Ids of secrets whose data become environment variables."""


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class Workflow(Audited, Retrievable, Listable, Updatable, Deletable):
    """A state machine of transitions (AWS States Language) that documents run through.

    ``workflow.execute(input)`` starts an execution; ``workflow.executions`` lists them.
    ``update`` changes ``name``, ``description``, ``error_config`` and ``completed_config``.
    """

    _id_field: ClassVar[str] = "workflow_id"
    _id_kind: ClassVar[str] = ids.WORKFLOW
    _updatable: ClassVar[frozenset[str]] = frozenset(
        {"name", "description", "error_config", "completed_config"}
    )
    _operations: ClassVar[Operations] = Operations(
        get=Client.get_workflow,
        list=Client.list_workflows,
        update=Client.update_workflow,
        delete=Client.delete_workflow,
    )

    workflow_id: str
    name: str | None = None
    description: str | None = None
    error_config: ErrorConfig | None = None
    completed_config: CompletedConfig | None = None
    number_of_running_executions: int | None = None

    @classmethod
    def create(
        cls,
        specification: Mapping[str, Any],
        *,
        name: str | None = None,
        description: str | None = None,
        error_config: ErrorConfig | Mapping[str, Any] | None = None,
        completed_config: CompletedConfig | Mapping[str, Any] | None = None,
        session: SessionLike | None = None,
    ) -> Workflow:
        """Create a workflow (one request).

        Args:
            specification: ``{"language": "ASL", "version": "1.0.0", "definition": {...}}``.
            name, description: free text.
            error_config: e.g. ``ErrorConfig(email="ops@example.com", manual_retry=True)``.
            completed_config: e.g. ``CompletedConfig(image_url="registry/job:1")``.
            session: a :class:`las.Session` or :class:`las.Client`; default: the default session.
        """
        call = cls._create_call(specification, name, description, error_config, completed_config)
        return cls._build(call, client_for(session))

    @classmethod
    async def create_async(
        cls,
        specification: Mapping[str, Any],
        *,
        name: str | None = None,
        description: str | None = None,
        error_config: ErrorConfig | Mapping[str, Any] | None = None,
        completed_config: CompletedConfig | Mapping[str, Any] | None = None,
        session: Any = None,
    ) -> Workflow:
        """:meth:`create`, awaited: ``session`` is an :class:`las.AsyncSession` or AsyncClient."""
        call = cls._create_call(specification, name, description, error_config, completed_config)
        return await cls._build_async(call, async_client_for(session))

    @staticmethod
    def _create_call(
        specification: Mapping[str, Any],
        name: str | None,
        description: str | None,
        error_config: ErrorConfig | Mapping[str, Any] | None,
        completed_config: CompletedConfig | Mapping[str, Any] | None,
    ) -> ClientCall:
        arguments = given(
            error_config=to_wire(error_config),
            completed_config=to_wire(completed_config),
            name=name,
            description=description,
        )
        return ClientCall("create_workflow", (dict(specification),), arguments)

    @property
    def executions(self) -> WorkflowExecutions:
        """This workflow's executions: iterate, ``filter(status=..., sort_by=..., order=...)``, ``get(id)``."""
        return WorkflowExecutions(self)

    def execute(self, input: Mapping[str, Any]) -> WorkflowExecution:
        """Start an execution with ``input`` as the first step's input (one request, not repeated).

        Example::

            execution = workflow.execute({"documentId": document.id}).wait(timeout=60)
        """
        call = ClientCall("execute_workflow", (self._checked_id(), dict(input)))
        return WorkflowExecution._build(call, self._client)

    async def execute_async(self, input: Mapping[str, Any]) -> WorkflowExecution:
        """:meth:`execute`, awaited, for a workflow bound to an AsyncSession (one request, not repeated)."""
        call = ClientCall("execute_workflow", (self._checked_id(), dict(input)))
        return await WorkflowExecution._build_async(call, self._client)


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class WorkflowExecution(Refreshable, Deletable):
    """One run of a workflow. Reached through ``workflow.executions`` or ``workflow.execute(...)``.

    ``status`` is ``running``, ``succeeded``, ``failed``, ``rejected``, ``retry`` or ``error``;
    :meth:`wait` polls until it is final.
    """

    _id_field: ClassVar[str] = "execution_id"
    _id_kind: ClassVar[str] = ids.WORKFLOW_EXECUTION

    execution_id: str
    workflow_id: str
    status: str | None = None
    input: dict[str, Any] = attrs.field(factory=dict)
    output: dict[str, Any] = attrs.field(factory=dict)
    transition_executions: dict[str, Any] = attrs.field(factory=dict)
    events: list[dict[str, Any]] = attrs.field(factory=list)
    start_time: datetime | None = None
    end_time: datetime | None = None
    log_id: str | None = None
    completed_task_log_id: str | None = None
    completed_by: list[str] = attrs.field(factory=list)

    def _path(self) -> tuple[str, str]:
        return ids.require_id(ids.WORKFLOW, self.workflow_id), self._checked_id()

    def _get_call(self) -> ClientCall:
        return ClientCall("get_workflow_execution", self._path())

    def _delete_call(self) -> ClientCall:
        return ClientCall("delete_workflow_execution", self._path())

    @property
    def workflow(self) -> Workflow:
        """The Workflow this execution runs (one request on first access, then cached)."""
        return self._parent("workflow", self.workflow_id, Workflow)

    async def workflow_async(self) -> Workflow:
        """:attr:`workflow`, awaited, for an execution bound to an AsyncSession (one request, then kept)."""
        return await self._parent_async("workflow", self.workflow_id, Workflow)

    @property
    def log(self) -> Log | None:
        """The execution's Log (one request on first access, then cached), or None if it has none."""
        return self._relation("log", self.log_id, Log)

    async def log_async(self) -> Log | None:
        """:attr:`log`, awaited, for an execution bound to an AsyncSession (one request, then kept)."""
        return await self._relation_async("log", self.log_id, Log)

    @property
    def completed_task_log(self) -> Log | None:
        """The Log of the workflow's completed job (``completed_config``), or None."""
        return self._relation("completed_task_log", self.completed_task_log_id, Log)

    async def completed_task_log_async(self) -> Log | None:
        """:attr:`completed_task_log`, awaited, for an execution bound to an AsyncSession."""
        return await self._relation_async("completed_task_log", self.completed_task_log_id, Log)

    @property
    def is_final(self) -> bool:
        """Whether the status is final (succeeded, failed, rejected or error); as last loaded."""
        return self.status in FINAL_EXECUTION_STATUSES

    def wait(
        self,
        timeout: float = 300.0,
        *,
        poll_interval: float = 1.0,
        max_poll_interval: float = 10.0,
    ) -> WorkflowExecution:
        """Poll until the execution reaches a final status; return it, refreshed.

        The first poll happens at once; the wait between polls starts at ``poll_interval``
        and grows by half each time up to ``max_poll_interval``. An execution waiting for a
        manual retry (status ``retry``) is not final: it is waited for.

        Args:
            timeout: seconds to wait in all.
            poll_interval: seconds before the second poll.
            max_poll_interval: the longest wait between two polls.

        Raises:
            WaitTimeoutError: still not final after ``timeout`` seconds (a ``TimeoutError``; the
                object holds the last status).
        """
        polls = self._poll_waits(timeout, poll_interval, max_poll_interval)
        while True:
            self.refresh()
            if self.is_final:
                return self
            _sleep(next(polls))

    async def wait_async(
        self,
        timeout: float = 300.0,
        *,
        poll_interval: float = 1.0,
        max_poll_interval: float = 10.0,
    ) -> WorkflowExecution:
        """:meth:`wait`, awaited, for an execution bound to an AsyncSession (same polls)."""
        polls = self._poll_waits(timeout, poll_interval, max_poll_interval)
        while True:
            await self.refresh_async()
            if self.is_final:
                return self
            await asyncio.sleep(next(polls))

    def _poll_waits(self, timeout: float, poll_interval: float, max_poll_interval: float) -> Iterator[float]:
        """The waits between polls, from now; raises WaitTimeoutError once ``timeout`` has passed."""
        deadline = _monotonic() + timeout

        def waits() -> Iterator[float]:
            interval = poll_interval
            while True:
                remaining = deadline - _monotonic()
                if remaining <= 0:
                    raise WaitTimeoutError(
                        f"workflow execution {self.id} is still {self.status!r} after {timeout:g} seconds; "
                        "call wait() again to keep waiting, or pass a larger timeout"
                    )
                yield min(interval, remaining)
                interval = min(interval * 1.5, max_poll_interval)

        return waits()

    def move_to(self, transition: Any) -> WorkflowExecution:
        """Continue the execution from ``transition`` (a Transition or its id), e.g. to retry a step.

        Raises:
            InvalidIdError: ``transition`` is not a transition (before any request).
        """
        self._absorb(self._move_call(transition))
        return self

    async def move_to_async(self, transition: Any) -> WorkflowExecution:
        """:meth:`move_to`, awaited, for an execution bound to an AsyncSession."""
        await self._absorb_async(self._move_call(transition))
        return self

    def _move_call(self, transition: Any) -> ClientCall:
        transition_id = ids.require_id(ids.TRANSITION, transition)
        return ClientCall("update_workflow_execution", (*self._path(), transition_id))

    def fail(self) -> WorkflowExecution:
        """End the execution as failed (moves it to the built-in ``commons-failed`` transition)."""
        return self.move_to(FAILED_TRANSITION)

    async def fail_async(self) -> WorkflowExecution:
        """:meth:`fail`, awaited, for an execution bound to an AsyncSession."""
        return await self.move_to_async(FAILED_TRANSITION)


class WorkflowExecutions(Collection[WorkflowExecution]):
    """The executions of one workflow: a lazy collection that can also get one.

    Filters: ``status`` (one or a list), ``sort_by`` (``"startTime"`` or ``"endTime"``),
    ``order`` (``"ascending"`` or ``"descending"``).
    """

    def __init__(self, workflow: Workflow) -> None:
        super().__init__(
            WorkflowExecution,
            workflow._client,
            Client.list_workflow_executions,
            parents=(workflow._checked_id(),),
            allowed=EXECUTION_FILTERS,
        )
        self._workflow = workflow

    def get(self, execution: WorkflowExecution | str) -> WorkflowExecution:
        """Get one execution of this workflow (one request).

        Raises:
            InvalidIdError: not a workflow execution id (before any request).
            NotFoundError: no such execution.
        """
        return WorkflowExecution._build(self._get_call(execution), self._workflow._client, full=True)

    async def get_async(self, execution: WorkflowExecution | str) -> WorkflowExecution:
        """:meth:`get`, awaited, for the executions of a workflow bound to an AsyncSession."""
        return await WorkflowExecution._build_async(
            self._get_call(execution), self._workflow._client, full=True
        )

    def _get_call(self, execution: WorkflowExecution | str) -> ClientCall:
        execution_id = ids.require_id(ids.WORKFLOW_EXECUTION, execution)
        return ClientCall("get_workflow_execution", (self._workflow._checked_id(), execution_id))
