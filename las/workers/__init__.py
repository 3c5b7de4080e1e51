"""Running transitions with code: ``@transition_handler`` for a docker transition's container,
:class:`Worker` for a loop that completes a transition's executions (a bot on a manual one),
:class:`AsyncWorker` for the same loop running ``async def`` functions on asyncio.

All map a function's result to the execution's status the same way (a dict: ``succeeded``;
:class:`Reject`: ``rejected``; :class:`Retry`: ``retry``; an exception: ``failed``; SystemExit,
KeyboardInterrupt or a cancellation: released, as ``retry``), heartbeat while the function
runs (:class:`Heartbeats`), record each completion once even when its answer is lost
(:func:`deliver`), and tell the function which execution it runs (:func:`current_execution`)
and when it is no longer its own (:func:`cancellation`). The guide's page is docs/workers.md.
"""

from ._async_worker import AsyncWorker
from ._handler import MissingExecutionError, TransitionHandler, transition_handler
from ._heartbeats import DEFAULT_HEARTBEAT_INTERVAL, HEARTBEAT_LIMIT, AsyncHeartbeats, Heartbeats
from ._outcomes import (
    MAX_ERROR_MESSAGE_LENGTH,
    Cancellation,
    Completion,
    Reject,
    Retry,
    TransitionOutcome,
    cancellation,
    current_execution,
)
from ._outcomes import (  # types for annotations, kept out of the reference
    AsyncTransitionFunction as AsyncTransitionFunction,
)
from ._outcomes import (
    TransitionFunction as TransitionFunction,
)
from ._reporting import Delivery, complete, complete_async, deliver, deliver_async
from ._worker import Worker
from ._worker_base import WorkerCounters

__all__ = [
    "DEFAULT_HEARTBEAT_INTERVAL",
    "HEARTBEAT_LIMIT",
    "MAX_ERROR_MESSAGE_LENGTH",
    "AsyncHeartbeats",
    "AsyncWorker",
    "Cancellation",
    "Completion",
    "Delivery",
    "Heartbeats",
    "MissingExecutionError",
    "Reject",
    "Retry",
    "TransitionHandler",
    "TransitionOutcome",
    "Worker",
    "WorkerCounters",
    "cancellation",
    "complete",
    "complete_async",
    "current_execution",
    "deliver",
    "deliver_async",
    "transition_handler",
]
