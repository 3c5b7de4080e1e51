"""Workflows and their executions."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from .. import ids
from ..exceptions import ClientException
from ._base import (
    Audited,
    Collection,
    Deletable,
    Listable,
    Operations,
    Refreshable,
    Retrievable,
    Struct,
    Updatable,
    given,
    sync_property,
)
from ._plan import to_wire
from ._session import SessionLike, client_for, client_for_async
from .logs import Log

if TYPE_CHECKING:
    from ._session import AsyncSessionLike

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
_sleep_async = asyncio.sleep

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
    ``update`` changes ``name``, ``description``, ``error_config`` and ``completed_config``, and
    (2024-11-29) ``metadata``.
    """

    _id_field: ClassVar[str] = "workflow_id"
    _id_kind: ClassVar[str] = ids.WORKFLOW
    _updatable: ClassVar[frozenset[str]] = frozenset(
        {"name", "description", "error_config", "completed_config", "metadata"}
    )
    _operations: ClassVar[Operations] = Operations(
        get="get_workflow", list="list_workflows", update="update_workflow", delete="delete_workflow"
    )

    workflow_id: str
    name: str | None = None
    description: str | None = None
    error_config: ErrorConfig | None = None
    completed_config: CompletedConfig | None = None
    number_of_running_executions: int | None = None
    metadata: dict[str, Any] | None = None
    """A dictionary of the caller's (2024-11-29)."""

    # ---- async source: tools/unasync.py derives the sync twins below ----
    @classmethod
    async def create_async(
        cls,
        specification: Mapping[str, Any],
        *,
        name: str | None = None,
        description: str | None = None,
        error_config: ErrorConfig | Mapping[str, Any] | None = None,
        completed_config: CompletedConfig | Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        session: AsyncSessionLike | None = None,
    ) -> Workflow:
        """Create a workflow (one request).

        Args:
            specification: ``{"language": "ASL", "version": "1.0.0", "definition": {...}}``.
            name, description: free text.
            error_config: e.g. ``ErrorConfig(email="ops@example.com", manual_retry=True)``.
            completed_config: e.g. ``CompletedConfig(image_url="registry/job:1")``.
            metadata: a dictionary to store additional information in (2024-11-29).
            session: a :class:`las.AsyncSession` or :class:`las.AsyncClient`; default: the
                default session.

        Raises:
            ContractError: ``metadata`` on 2021-09-23 (before any request).
        """
        arguments = given(
            error_config=to_wire(error_config),
            completed_config=to_wire(completed_config),
            name=name,
            description=description,
            metadata=dict(metadata) if metadata is not None else None,
        )
        client = client_for_async(session, cls, "create")
        answer = await client.with_raw_response.create_workflow(dict(specification), **arguments)
        return cls._from_answer("create_workflow", answer, client)

    async def execute_async(self, input: Mapping[str, Any]) -> WorkflowExecution:
        """Start an execution with ``input`` as the first step's input (one request, not repeated).

        Example::

            execution = await (await workflow.execute_async({"documentId": document.id})).wait_async(timeout=60)
        """
        client = self._bound_async("execute", "execute_workflow")
        answer = await client.with_raw_response.execute_workflow(self._checked_id(), dict(input))
        return WorkflowExecution._from_answer("execute_workflow", answer, client)

    # ---- sync twins: generated from the async source above, do not edit ----
    @classmethod
    def create(
        cls,
        specification: Mapping[str, Any],
        *,
        name: str | None = None,
        description: str | None = None,
        error_config: ErrorConfig | Mapping[str, Any] | None = None,
        completed_config: CompletedConfig | Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        session: SessionLike | None = None,
    ) -> Workflow:
        """Create a workflow (one request).

        Args:
            specification: ``{"language": "ASL", "version": "1.0.0", "definition": {...}}``.
            name, description: free text.
            error_config: e.g. ``ErrorConfig(email="ops@example.com", manual_retry=True)``.
            completed_config: e.g. ``CompletedConfig(image_url="registry/job:1")``.
            metadata: a dictionary to store additional information in (2024-11-29).
            session: a :class:`las.Session` or :class:`las.Client`; default: the
                default session.

        Raises:
            ContractError: ``metadata`` on 2021-09-23 (before any request).
        """
        arguments = given(
            error_config=to_wire(error_config),
            completed_config=to_wire(completed_config),
            name=name,
            description=description,
            metadata=dict(metadata) if metadata is not None else None,
        )
        client = client_for(session, cls, "create")
        answer = client.with_raw_response.create_workflow(dict(specification), **arguments)
        return cls._from_answer("create_workflow", answer, client)

    def execute(self, input: Mapping[str, Any]) -> WorkflowExecution:
        """Start an execution with ``input`` as the first step's input (one request, not repeated).

        Example::

            execution = (workflow.execute({"documentId": document.id})).wait(timeout=60)
        """
        client = self._bound("execute", "execute_workflow")
        answer = client.with_raw_response.execute_workflow(self._checked_id(), dict(input))
        return WorkflowExecution._from_answer("execute_workflow", answer, client)

    # ---- end of generated sync twins ----

    @property
    def executions(self) -> WorkflowExecutions:
        """This workflow's executions: iterate, ``filter(status=..., sort_by=..., order=...)``, ``get(id)``."""
        return WorkflowExecutions(self)


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

    def _key(self) -> tuple[str, ...]:
        return ids.require_id(ids.WORKFLOW, self.workflow_id), self._checked_id()

    def _get_operation(self) -> str:
        return "get_workflow_execution"

    def _delete_operation(self) -> str:
        return "delete_workflow_execution"

    @property
    def is_final(self) -> bool:
        """Whether the status is final (succeeded, failed, rejected or error); as last loaded."""
        return self.status in FINAL_EXECUTION_STATUSES

    # ---- async source: tools/unasync.py derives the sync twins below ----
    @sync_property
    async def workflow_async(self) -> Workflow:
        """The Workflow this execution runs (one request on first use, then kept)."""
        return await self._parent_async("workflow", self.workflow_id, Workflow)

    @sync_property
    async def log_async(self) -> Log | None:
        """The execution's Log (one request on first use, then kept), or None if it has none."""
        return await self._relation_async("log", self.log_id, Log)

    @sync_property
    async def completed_task_log_async(self) -> Log | None:
        """The Log of the workflow's completed job (``completed_config``), or None."""
        return await self._relation_async("completed_task_log", self.completed_task_log_id, Log)

    async def wait_async(
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
        client = self._bound_async("wait", "get_workflow_execution")
        polls = self._poll_waits(timeout, poll_interval, max_poll_interval)
        while True:
            await self._fetch_async(client)
            if self.is_final:
                return self
            await _sleep_async(next(polls))

    async def move_to_async(self, transition: Any) -> WorkflowExecution:
        """Continue the execution from ``transition`` (a Transition or its id), e.g. to retry a step.

        Raises:
            InvalidIdError: ``transition`` is not a transition (before any request).
        """
        transition_id = ids.require_id(ids.TRANSITION, transition)
        client = self._bound_async("move_to", "update_workflow_execution")
        answer = await client.with_raw_response.update_workflow_execution(*self._key(), transition_id)
        self._take_answer("update_workflow_execution", answer)
        return self

    async def fail_async(self) -> WorkflowExecution:
        """End the execution as failed (moves it to the built-in ``commons-failed`` transition)."""
        self._bound_async("fail", "update_workflow_execution")
        return await self.move_to_async(FAILED_TRANSITION)

    # ---- sync twins: generated from the async source above, do not edit ----
    @property
    def workflow(self) -> Workflow:
        """The Workflow this execution runs (one request on first use, then kept)."""
        return self._parent("workflow", self.workflow_id, Workflow)

    @property
    def log(self) -> Log | None:
        """The execution's Log (one request on first use, then kept), or None if it has none."""
        return self._relation("log", self.log_id, Log)

    @property
    def completed_task_log(self) -> Log | None:
        """The Log of the workflow's completed job (``completed_config``), or None."""
        return self._relation("completed_task_log", self.completed_task_log_id, Log)

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
        client = self._bound("wait", "get_workflow_execution")
        polls = self._poll_waits(timeout, poll_interval, max_poll_interval)
        while True:
            self._fetch(client)
            if self.is_final:
                return self
            _sleep(next(polls))

    def move_to(self, transition: Any) -> WorkflowExecution:
        """Continue the execution from ``transition`` (a Transition or its id), e.g. to retry a step.

        Raises:
            InvalidIdError: ``transition`` is not a transition (before any request).
        """
        transition_id = ids.require_id(ids.TRANSITION, transition)
        client = self._bound("move_to", "update_workflow_execution")
        answer = client.with_raw_response.update_workflow_execution(*self._key(), transition_id)
        self._take_answer("update_workflow_execution", answer)
        return self

    def fail(self) -> WorkflowExecution:
        """End the execution as failed (moves it to the built-in ``commons-failed`` transition)."""
        self._bound("fail", "update_workflow_execution")
        return self.move_to(FAILED_TRANSITION)

    # ---- end of generated sync twins ----

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


class WorkflowExecutions(Collection[WorkflowExecution]):
    """The executions of one workflow: a lazy collection that can also get one.

    Filters: ``status`` (one or a list), ``sort_by`` (``"startTime"`` or ``"endTime"``),
    ``order`` (``"ascending"`` or ``"descending"``).
    """

    def __init__(self, workflow: Workflow) -> None:
        super().__init__(
            WorkflowExecution,
            workflow._client,
            "list_workflow_executions",
            parents=(workflow._checked_id(),),
            allowed=EXECUTION_FILTERS,
        )
        self._workflow = workflow

    # ---- async source: tools/unasync.py derives the sync twins below ----
    async def get_async(self, execution: WorkflowExecution | str) -> WorkflowExecution:
        """Get one execution of this workflow (one request).

        Raises:
            InvalidIdError: not a workflow execution id (before any request).
            NotFoundError: no such execution.
        """
        execution_id = ids.require_id(ids.WORKFLOW_EXECUTION, execution)
        client = self._bound_async("get")
        answer = await client.with_raw_response.get_workflow_execution(
            self._workflow._checked_id(), execution_id
        )
        return WorkflowExecution._from_answer("get_workflow_execution", answer, client, full=True)

    # ---- sync twins: generated from the async source above, do not edit ----
    def get(self, execution: WorkflowExecution | str) -> WorkflowExecution:
        """Get one execution of this workflow (one request).

        Raises:
            InvalidIdError: not a workflow execution id (before any request).
            NotFoundError: no such execution.
        """
        execution_id = ids.require_id(ids.WORKFLOW_EXECUTION, execution)
        client = self._bound("get")
        answer = client.with_raw_response.get_workflow_execution(self._workflow._checked_id(), execution_id)
        return WorkflowExecution._from_answer("get_workflow_execution", answer, client, full=True)

    # ---- end of generated sync twins ----
