"""What a transition function's result means to the API: the body of the completing PATCH.

The contract (``PATCH /transitions/{transitionId}/executions/{executionId}``) takes a ``status``
of ``succeeded`` (with an ``output`` object), ``failed``, ``rejected`` or ``retry``, and an
optional ``error`` object with a ``message``. This module is the one place that maps a Python
result to those fields:

==============================  =========================================================
the function                    the execution
==============================  =========================================================
returns a dict                  ``succeeded`` with that dict as ``output``
raises or returns ``Reject(r)``  ``rejected`` with ``error.message`` = r
raises or returns ``Retry(r)``   ``retry`` with ``error.message`` = r
raises any other exception      ``failed``; ``error.message`` = ``Type: message`` + traceback
returns anything else           ``failed``, naming what was returned and what is expected
==============================  =========================================================

A returned ``(output, status)`` pair, the official SDK's form, is also understood.
"""

from __future__ import annotations

import inspect
import json
import traceback
from collections.abc import Awaitable, Callable, Coroutine
from contextvars import ContextVar
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Final, overload

from ..client import Client

if TYPE_CHECKING:
    from .._async_client import AsyncClient

__all__ = [
    "MAX_ERROR_MESSAGE_LENGTH",
    "AsyncTransitionFunction",
    "Completion",
    "Reject",
    "Retry",
    "TransitionFunction",
    "TransitionOutcome",
    "current_execution",
    "run_coroutine_function",
    "run_function",
]

MAX_ERROR_MESSAGE_LENGTH: Final = 4096
"""Longest ``error.message`` sent. The contract gives this field no ``maxLength``; 4096 is the
limit it puts on every other free-text field, and the one the official SDK truncates to."""


class TransitionOutcome(Exception):
    """Base of :class:`Reject` and :class:`Retry`: an ending other than success or failure.

    Raise it from a transition function (or return it) to end the execution with
    :attr:`status`; ``reason`` becomes the execution's ``error.message``.
    """

    status: ClassVar[str]

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason)
        self.reason = reason

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.reason!r})"


class Reject(TransitionOutcome):
    """End the execution ``rejected`` (the input is not for this step), e.g.
    ``raise las.Reject("not an invoice")``. The workflow execution ends ``rejected``."""

    status = "rejected"


class Retry(TransitionOutcome):
    """End the execution with status ``retry``: the work should be tried again, e.g.
    ``raise las.Retry("the ERP is down")``. The workflow execution goes to ``retry``."""

    status = "retry"


@dataclass(frozen=True)
class Completion:
    """The fields of one completing PATCH: ``status`` and either ``output`` or an error message."""

    status: str
    output: dict[str, Any] | None = None
    error_message: str | None = None

    @overload
    def send(self, client: Client, transition_id: str, execution_id: str) -> dict[str, Any]: ...
    @overload
    def send(
        self, client: AsyncClient, transition_id: str, execution_id: str
    ) -> Coroutine[Any, Any, dict[str, Any]]: ...

    def send(self, client: Client | AsyncClient, transition_id: str, execution_id: str) -> Any:
        """PATCH the execution with these fields, once (:func:`las.workers.deliver` resends
        it safely); with an :class:`las.AsyncClient`, the awaitable of that PATCH."""
        error = None if self.error_message is None else {"message": self.error_message}
        return client.update_transition_execution(
            transition_id, execution_id, self.status, output=self.output, error=error
        )


def truncate(message: str, limit: int = MAX_ERROR_MESSAGE_LENGTH) -> str:
    """``message`` cut to ``limit`` characters, the beginning kept and the cut said at the end."""
    if len(message) <= limit:
        return message
    cut = len(message) - limit
    while True:  # the marker's length depends on the count it shows: settle it (two rounds at most)
        marker = f"\n[... {cut} more characters cut]"
        kept = limit - len(marker)
        if kept <= 0:
            return message[:limit]
        if len(message) - kept == cut:
            return message[:kept] + marker
        cut = len(message) - kept


def _failed(message: str) -> Completion:
    return Completion("failed", error_message=truncate(message))


def completion_for_exception(error: BaseException) -> Completion:
    """``rejected``/``retry`` for a :class:`TransitionOutcome`, else ``failed`` with the error
    (``Type: message`` first, then the traceback, cut to :data:`MAX_ERROR_MESSAGE_LENGTH`)."""
    if isinstance(error, TransitionOutcome):
        return Completion(
            error.status, error_message=truncate(error.reason or f"{error.status} by the handler")
        )
    summary = f"{type(error).__name__}: {error}"
    trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return _failed(f"{summary}\n\n{trace}")


_STATUSES: Final = ("succeeded", "failed", "rejected", "retry")


def completion_for_result(result: object) -> Completion:
    """``succeeded`` for a JSON object, the outcome's status for a returned
    :class:`TransitionOutcome`, else ``failed`` saying what was wrong with the result.

    The official SDK's ``(output, status)`` form is accepted too, so its handlers run
    unchanged: ``({...}, "succeeded")``, or ``(message, "rejected")`` where a message that is
    not a string is sent as indented JSON.
    """
    if isinstance(result, TransitionOutcome):
        return completion_for_exception(result)
    if isinstance(result, tuple) and len(result) == 2 and result[1] in _STATUSES:
        output, status = result
        if status == "succeeded":
            return completion_for_result(output)
        if isinstance(output, str):
            message = output
        else:
            try:
                message = json.dumps(output, indent=2, allow_nan=False)
            except (TypeError, ValueError):
                message = repr(output)
        return Completion(status, error_message=truncate(message))
    if inspect.isawaitable(result):
        if inspect.iscoroutine(result):
            result.close()  # never awaited, on purpose: no "was never awaited" warning
        return _failed(
            f"the transition function returned {type(result).__name__}, not a dict: an async "
            "function is run by las.AsyncWorker (las.Worker and @las.transition_handler call "
            "plain functions)"
        )
    if not isinstance(result, dict):
        return _failed(
            f"the transition function returned {type(result).__name__}, expected a dict: the "
            "execution's output is a JSON object (return {} when there is nothing to pass on)"
        )
    try:
        json.dumps(result, allow_nan=False)
    except (TypeError, ValueError) as error:
        return _failed(f"the transition function returned a dict that is not JSON: {error}")
    return Completion("succeeded", output=result)


TransitionFunction = Callable[[Client, dict[str, Any]], Any]
"""A transition function: ``function(client, event) -> dict``, ``event`` being the execution's input."""

AsyncTransitionFunction = Callable[["AsyncClient", dict[str, Any]], Awaitable[Any]]
"""A coroutine transition function: ``async def function(client, event) -> dict`` (for
:class:`las.AsyncWorker`), ``client`` being an :class:`las.AsyncClient`."""


_CURRENT: ContextVar[dict[str, Any] | None] = ContextVar("las_current_execution", default=None)


def current_execution() -> dict[str, Any]:
    """The transition execution whose function is running here (in this thread, or in this
    asyncio task for an :class:`las.AsyncWorker`), as the API showed it when it was taken
    (``executionId``, ``transitionId``, ``input``, ...).

    Use its ``executionId`` to make the function's side effects idempotent (see docs/workers.md).

    Raises:
        RuntimeError: called outside a function run by ``transition_handler``, ``Worker`` or
            ``AsyncWorker``.
    """
    execution = _CURRENT.get()
    if execution is None:
        raise RuntimeError(
            "no transition execution is being processed here: current_execution() works inside a "
            "function run by @las.transition_handler, las.Worker or las.AsyncWorker"
        )
    return execution


class _Outcome:
    """One call of a transition function, sync or awaited: ``with _Outcome(execution) as
    outcome: outcome.returned(function(...))``. Inside, :func:`current_execution` is the
    execution; on the way out, what the function returned or raised (an ``Exception``, not a
    cancellation or an interrupt) becomes :attr:`completion`, and :attr:`raised` is the
    exception to report (None for a return or a :class:`TransitionOutcome`)."""

    def __init__(self, execution: dict[str, Any]) -> None:
        self.execution = execution
        self.event: dict[str, Any] = execution.get("input") or {}
        self.completion: Completion | None = None
        self.raised: Exception | None = None

    def __enter__(self) -> _Outcome:
        self._token = _CURRENT.set(self.execution)
        return self

    def returned(self, result: object) -> None:
        self.completion = completion_for_result(result)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> bool:
        _CURRENT.reset(self._token)
        if not isinstance(error, Exception):
            return False  # a return, or a cancellation / interrupt: not the function's outcome
        self.completion = completion_for_exception(error)
        if not isinstance(error, TransitionOutcome):
            self.raised = error
        return True

    def result(self) -> tuple[Completion, Exception | None]:
        assert self.completion is not None
        return self.completion, self.raised


def run_function(
    function: TransitionFunction, client: Client, execution: dict[str, Any]
) -> tuple[Completion, Exception | None]:
    """Call ``function(client, execution["input"])`` (with :func:`current_execution` set);
    the completion its result means, and the exception it raised (None when it returned or
    raised a :class:`TransitionOutcome`)."""
    with _Outcome(execution) as outcome:
        outcome.returned(function(client, outcome.event))
    return outcome.result()


async def run_coroutine_function(
    function: AsyncTransitionFunction, client: AsyncClient, execution: dict[str, Any]
) -> tuple[Completion, Exception | None]:
    """:func:`run_function` for a coroutine function: ``await function(client, execution["input"])``.

    A function that returns something not awaitable (a plain function) completes ``failed``,
    naming :class:`las.Worker`. Cancelling the call cancels the function and is raised, not
    reported.
    """
    with _Outcome(execution) as outcome:
        result = function(client, outcome.event)
        if not inspect.isawaitable(result):
            raise TypeError(
                f"the transition function returned {type(result).__name__}, not an awaitable: "
                "las.AsyncWorker runs `async def` functions; run a plain function with las.Worker"
            )
        outcome.returned(await result)
    return outcome.result()
