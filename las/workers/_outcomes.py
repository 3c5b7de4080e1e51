"""What a transition function's result means to the API: the body of the completing PATCH.

The contract (``PATCH /transitions/{transitionId}/executions/{executionId}``) takes a ``status``
of ``succeeded`` (with an ``output`` object), ``failed``, ``rejected`` or ``retry``, and an
optional ``error`` object with a ``message``. This module is the one place that maps a Python
result to those fields:

=================================  ======================================================
the function                       the execution
=================================  ======================================================
returns a dict                     ``succeeded`` with that dict as ``output``
raises or returns ``Reject(r)``    ``rejected`` with ``error.message`` = r
raises or returns ``Retry(r)``     ``retry`` with ``error.message`` = r
raises another BaseException       ``failed``; ``error.message`` = ``Type: message`` +
(an exception, GeneratorExit, ..)  traceback
raises SystemExit,                 *released*: ``retry``, ``error.message`` =
KeyboardInterrupt or               ``released: the function raised Type: message`` +
asyncio.CancelledError             traceback (the caller stops on the first two)
returns anything else              ``failed``, naming what was returned and what is expected
=================================  ======================================================

A returned ``(output, status)`` pair, the official SDK's form, is also understood.

*Released* is the contract's only way to hand an execution back unfinished: the API has no
claim to give up, and refuses every status but ``succeeded``, ``failed``, ``rejected`` and
``retry``. ``retry`` says "not done, try again" without judging the input, so a release is a
``retry`` completion whose message starts with ``released:`` and says why.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import threading
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
    "INTERRUPTIONS",
    "MAX_ERROR_MESSAGE_LENGTH",
    "AsyncTransitionFunction",
    "Cancellation",
    "Completion",
    "Reject",
    "Retry",
    "TransitionFunction",
    "TransitionOutcome",
    "cancellation",
    "current_execution",
    "released",
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
    """The fields of one completing PATCH: ``status`` and either ``output`` or an error message.

    ``release`` marks a ``retry`` that hands the execution back unfinished (see :func:`released`)
    rather than the function's own :class:`Retry`; it is not sent, only counted.
    """

    status: str
    output: dict[str, Any] | None = None
    error_message: str | None = None
    release: bool = False

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


INTERRUPTIONS: Final = (SystemExit, KeyboardInterrupt)
"""What a function raises to stop the program: its execution is released, then the worker
stops and raises it again to its caller."""

_RELEASING: Final = (*INTERRUPTIONS, asyncio.CancelledError)


def released(why: str) -> Completion:
    """The ``retry`` completion that hands an execution back unfinished, saying ``why``."""
    return Completion(
        "retry",
        error_message=truncate(f"released: {why}; the work was not completed and may be retried"),
        release=True,
    )


def _described(error: BaseException) -> str:
    """``Type: message`` then the traceback (what cannot be formatted is said to be so, even
    when that is a BaseException such as SystemExit: describing is no way to stop a worker)."""
    try:
        message = str(error)
    except BaseException as broken:  # its __str__ raised
        message = (
            f"(its message could not be made: {type(broken).__name__} in {type(error).__name__}.__str__)"
        )
    try:
        trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    except BaseException:  # pragma: no cover - a traceback that cannot be formatted
        trace = "(its traceback could not be formatted)"
    return f"{type(error).__name__}: {message}\n\n{trace}"


def _as_message(reason: object) -> str:
    """A reason as the execution's error message: a string as it is, else as indented JSON (the
    official SDK's habit), else its repr."""
    if isinstance(reason, str):
        return reason
    try:
        return json.dumps(reason, indent=2, allow_nan=False)
    except (TypeError, ValueError):
        return repr(reason)


def completion_for_exception(error: BaseException) -> Completion:
    """``rejected``/``retry`` for a :class:`TransitionOutcome`; a release for an interruption
    or a cancellation (:data:`INTERRUPTIONS`, ``asyncio.CancelledError``); else ``failed`` with
    the error (``Type: message`` first, then the traceback, cut to
    :data:`MAX_ERROR_MESSAGE_LENGTH`)."""
    if isinstance(error, TransitionOutcome):
        reason = error.reason
        return Completion(
            error.status,
            error_message=truncate(_as_message(reason) if reason else f"{error.status} by the handler"),
        )
    if isinstance(error, _RELEASING):
        return released(f"the function raised {_described(error)}")
    return _failed(_described(error))


_STATUSES: Final = ("succeeded", "failed", "rejected", "retry")


def _unmappable(broken: BaseException) -> Completion:
    """``failed``, for an outcome that could not be turned into a completion (without this its
    execution would be neither ended nor released, and taken again at once)."""
    return _failed(f"the transition function's outcome could not be reported ({type(broken).__name__})")


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
        return Completion(status, error_message=truncate(_as_message(output)))
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


class Cancellation:
    """Tells a running transition function that its execution was taken out of its hands.

    It is set (once) when the API has ended the execution without the function (a heartbeat
    was refused and the execution is no longer ``running``: it timed out, was completed
    elsewhere or deleted) or when a worker's stop released it. The function's result will not
    be recorded then: it should stop its work and return. In an :class:`las.AsyncWorker` the
    coroutine is also cancelled. Get it with :func:`las.workers.cancellation`.

    Attributes:
        reason: why it was set (None while it is not).
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason: str | None = None

    def __repr__(self) -> str:
        return f"Cancellation({self.reason!r})"

    @property
    def cancelled(self) -> bool:
        """Whether the execution is out of the function's hands."""
        return self._event.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until cancelled or ``timeout`` seconds passed; whether it is cancelled. A
        sleep that ends early when the work is no longer wanted (not in a coroutine: it blocks
        the event loop)."""
        return self._event.wait(timeout)

    def cancel(self, reason: str) -> bool:
        """Set it with ``reason``; False (and ``reason`` ignored) if it was already set."""
        if self._event.is_set():
            return False
        self.reason = reason
        self._event.set()
        return True


_CURRENT: ContextVar[tuple[dict[str, Any], Cancellation] | None] = ContextVar(
    "las_current_execution", default=None
)


def _current() -> tuple[dict[str, Any], Cancellation]:
    current = _CURRENT.get()
    if current is None:
        raise RuntimeError(
            "no transition execution is being processed here: current_execution() and "
            "cancellation() work inside a function run by @las.transition_handler, las.Worker "
            "or las.AsyncWorker"
        )
    return current


def current_execution() -> dict[str, Any]:
    """The transition execution whose function is running here (in this thread, or in this
    asyncio task for an :class:`las.AsyncWorker`), as the API showed it when it was taken
    (``executionId``, ``transitionId``, ``input``, ...).

    Use its ``executionId`` to make the function's side effects idempotent (see docs/workers.md).

    Raises:
        RuntimeError: called outside a function run by ``transition_handler``, ``Worker`` or
            ``AsyncWorker``.
    """
    return _current()[0]


def cancellation() -> Cancellation:
    """The :class:`Cancellation` of the execution whose function is running here: whether
    the execution is still the function's to complete.

    Example::

        def review(las_client, event):
            for page in pages(event):
                if las.workers.cancellation().cancelled:
                    return {}  # ended by the API (timed out, completed elsewhere): stop
                ...

    Raises:
        RuntimeError: called outside a function run by ``transition_handler``, ``Worker`` or
            ``AsyncWorker``.
    """
    return _current()[1]


class _Outcome:
    """One call of a transition function, sync or awaited: ``with _Outcome(execution) as
    outcome: outcome.returned(function(...))``. Inside, :func:`current_execution` is the
    execution and :func:`cancellation` its cancellation; on the way out, what the function
    returned or raised (any exception but the ``passing`` ones) becomes :attr:`completion`,
    and :attr:`raised` is the exception to report (None for a return or a
    :class:`TransitionOutcome`)."""

    def __init__(
        self,
        execution: dict[str, Any],
        cancelled: Cancellation | None,
        passing: tuple[type[BaseException], ...] = (),
    ) -> None:
        self.execution = execution
        self.cancelled = Cancellation() if cancelled is None else cancelled
        self.passing = passing
        self.event: dict[str, Any] = execution.get("input") or {}
        self.completion: Completion | None = None
        self.raised: BaseException | None = None

    def __enter__(self) -> _Outcome:
        self._token = _CURRENT.set((self.execution, self.cancelled))
        return self

    def returned(self, result: object) -> None:
        try:
            self.completion = completion_for_result(result)
        except BaseException as broken:  # a result whose own methods raise (its repr, say): still an end
            self.completion = _unmappable(broken)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> bool:
        _CURRENT.reset(self._token)
        if error is None or isinstance(error, self.passing):
            return False  # a return, or what the caller handles itself
        try:
            self.completion = completion_for_exception(error)
        except BaseException as broken:  # the mapping must end the execution whatever it was given
            self.completion = _unmappable(broken)
        if not isinstance(error, TransitionOutcome):
            self.raised = error
        return True

    def result(self) -> tuple[Completion, BaseException | None]:
        assert self.completion is not None
        return self.completion, self.raised


def run_function(
    function: TransitionFunction,
    client: Client,
    execution: dict[str, Any],
    cancelled: Cancellation | None = None,
) -> tuple[Completion, BaseException | None]:
    """Call ``function(client, execution["input"])`` (with :func:`current_execution` and
    :func:`cancellation` set); the completion its result means, and the exception it raised
    (None when it returned or raised a :class:`TransitionOutcome`).

    Nothing the function raises escapes: not even SystemExit or KeyboardInterrupt, which the
    caller raises again once the execution is released (see :data:`INTERRUPTIONS`).
    """
    with _Outcome(execution, cancelled) as outcome:
        outcome.returned(function(client, outcome.event))
    return outcome.result()


async def run_coroutine_function(
    function: AsyncTransitionFunction,
    client: AsyncClient,
    execution: dict[str, Any],
    cancelled: Cancellation | None = None,
) -> tuple[Completion, BaseException | None]:
    """:func:`run_function` for a coroutine function: ``await function(client, execution["input"])``.

    A function that returns something not awaitable (a plain function) completes ``failed``,
    naming :class:`las.Worker`. ``asyncio.CancelledError`` is raised, not reported: the caller
    knows whether it cancelled the task itself. Anything else the coroutine raises, SystemExit
    and KeyboardInterrupt included, is reported (it would otherwise end the event loop).
    """
    with _Outcome(execution, cancelled, passing=(asyncio.CancelledError,)) as outcome:
        result = function(client, outcome.event)
        if not inspect.isawaitable(result):
            raise TypeError(
                f"the transition function returned {type(result).__name__}, not an awaitable: "
                "las.AsyncWorker runs `async def` functions; run a plain function with las.Worker"
            )
        outcome.returned(await result)
    return outcome.result()
