"""Running transitions with code: ``@transition_handler`` for a docker transition's container,
:class:`Worker` for a loop that completes a transition's executions (a bot on a manual one).

Both map a function's result to the execution's status the same way (a dict: ``succeeded``;
:class:`Reject`: ``rejected``; :class:`Retry`: ``retry``; an exception: ``failed``), heartbeat
while the function runs (:class:`Heartbeats`), record each completion once even when its
answer is lost (:func:`deliver`), and tell the function which execution it runs
(:func:`current_execution`). The guide's page is docs/workers.md.
"""

from ._handler import MissingExecutionError, TransitionHandler, transition_handler
from ._heartbeats import DEFAULT_HEARTBEAT_INTERVAL, HEARTBEAT_LIMIT, Heartbeats
from ._outcomes import (
    MAX_ERROR_MESSAGE_LENGTH,
    Completion,
    Reject,
    Retry,
    TransitionOutcome,
    current_execution,
)
from ._outcomes import (
    TransitionFunction as TransitionFunction,  # a type for annotations, kept out of the reference
)
from ._reporting import Delivery, complete, deliver
from ._worker import Worker
from ._worker_base import WorkerCounters

__all__ = [
    "DEFAULT_HEARTBEAT_INTERVAL",
    "HEARTBEAT_LIMIT",
    "MAX_ERROR_MESSAGE_LENGTH",
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
    "complete",
    "current_execution",
    "deliver",
    "transition_handler",
]
