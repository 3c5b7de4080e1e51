"""``@las.transition_handler``: the entry point of a docker transition's container."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from types import FrameType
from typing import Any, overload

from .. import ids
from ..exceptions import ClientException
from ..resources._session import SessionLike, client_for
from ._heartbeats import DEFAULT_HEARTBEAT_INTERVAL, Heartbeats, check_interval
from ._outcomes import Cancellation, TransitionFunction, run_function
from ._reporting import DEFAULT_PATIENCE, complete
from ._worker import is_async_callable

__all__ = ["MissingExecutionError", "TransitionHandler", "transition_handler"]

log = logging.getLogger("las.workers")

ENVIRONMENT_VARIABLES = ("TRANSITION_ID", "EXECUTION_ID")


class MissingExecutionError(ClientException, LookupError):
    """A transition handler was called without ``TRANSITION_ID`` or ``EXECUTION_ID`` set."""


class TransitionHandler:
    """A transition function wrapped as a container entry point; call it with no arguments.

    Calling it runs one execution (see :func:`transition_handler`) and returns the execution
    as the API shows it after the completion.
    """

    def __init__(self, function: TransitionFunction, heartbeat_interval: float, patience: float) -> None:
        functools.update_wrapper(self, function)
        self.function = function
        self.heartbeat_interval = check_interval(heartbeat_interval)
        self.patience = patience

    def __call__(
        self, *, session: SessionLike | None = None, environ: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """Run the execution named by ``TRANSITION_ID`` and ``EXECUTION_ID``.

        Args:
            session: a :class:`las.Session` or :class:`las.Client`; by default the default
                session (credentials from the environment, as the platform provides them).
            environ: where to read the two ids; ``os.environ`` by default.

        Returns:
            The execution after its completion (or as found, if it was not running).

        Raises:
            MissingExecutionError: ``TRANSITION_ID`` or ``EXECUTION_ID`` is not set (nothing was requested).
            InvalidIdError: one of them is not an id of its kind (nothing was requested).
            BaseException: what the function raised, after the execution was completed
                (``failed``; released as ``retry`` for SystemExit, KeyboardInterrupt and
                asyncio.CancelledError), so that the container exits as the function asked.
        """
        transition_id, execution_id = _ids_from(os.environ if environ is None else environ)
        client = client_for(session)
        execution = client.get_transition_execution(transition_id, execution_id)
        if execution.get("status") != "running":
            log.warning(
                "%s is %s, not running: the function is not called", execution_id, execution.get("status")
            )
            return execution
        log.info("running %s of %s", execution_id, transition_id)
        cancelled = Cancellation()
        with Heartbeats(client, self.heartbeat_interval) as heartbeats:
            heartbeats.add(transition_id, execution_id, cancelled.cancel)
            with _sigterm_exits():
                completion, raised = run_function(self.function, client, execution, cancelled)
            heartbeats.remove(transition_id, execution_id)  # no heartbeat races the completion
            delivery = complete(client, transition_id, execution_id, completion, patience=self.patience)
        if not delivery.recorded:
            log.warning(
                "%s had already ended (%s); the handler's %s was not recorded",
                execution_id,
                delivery.execution.get("status"),
                completion.status,
            )
        if raised is not None:
            raise raised
        return delivery.execution


@contextlib.contextmanager
def _sigterm_exits() -> Iterator[None]:
    """While the function runs, SIGTERM (``docker stop``) raises ``SystemExit(128 + 15)`` in it,
    as SIGINT raises KeyboardInterrupt: its ``finally`` blocks run and its execution is released
    instead of left running until the API times it out. Only on the main thread, and only where
    SIGTERM still has its default action (a handler of the program's own is left alone)."""
    if threading.current_thread() is not threading.main_thread() or (
        signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return

    def exit_now(number: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the process at once
        raise SystemExit(128 + number)

    signal.signal(signal.SIGTERM, exit_now)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _ids_from(environ: Mapping[str, str]) -> tuple[str, str]:
    missing = [name for name in ENVIRONMENT_VARIABLES if not environ.get(name)]
    if missing:
        raise MissingExecutionError(
            f"{' and '.join(missing)} not set: the platform sets TRANSITION_ID and EXECUTION_ID "
            "when it starts a docker transition; set both to run the handler by hand"
        )
    return (
        ids.require_id(ids.TRANSITION, environ["TRANSITION_ID"]),
        ids.require_id(ids.TRANSITION_EXECUTION, environ["EXECUTION_ID"]),
    )


@overload
def transition_handler(function: TransitionFunction, /) -> TransitionHandler: ...


@overload
def transition_handler(
    *, heartbeat_interval: float = DEFAULT_HEARTBEAT_INTERVAL, patience: float = DEFAULT_PATIENCE
) -> Callable[[TransitionFunction], TransitionHandler]: ...


def transition_handler(
    function: TransitionFunction | None = None,
    /,
    *,
    heartbeat_interval: float = DEFAULT_HEARTBEAT_INTERVAL,
    patience: float = DEFAULT_PATIENCE,
) -> TransitionHandler | Callable[[TransitionFunction], TransitionHandler]:
    """Make ``function(client, event)`` the entry point of a docker transition.

    The platform starts the container with ``TRANSITION_ID`` and ``EXECUTION_ID`` in its
    environment. Calling the decorated function (with no arguments) loads that execution,
    calls ``function(client, execution["input"])`` while heartbeats go out every
    ``heartbeat_interval`` seconds, and completes the execution from the result:

    - a returned dict: ``succeeded`` with it as output;
    - ``las.Reject(reason)`` raised or returned: ``rejected``; ``las.Retry(reason)``: ``retry``;
    - any other exception (or BaseException): ``failed`` with ``"Type: message"`` and the
      traceback (cut to 4096 characters), then the exception is raised again so the container
      exits with an error;
    - SystemExit, KeyboardInterrupt, asyncio.CancelledError: released (``retry``, the message
      naming it), then raised again. SIGTERM (``docker stop``) raises ``SystemExit(143)`` in
      the function while it runs (where SIGTERM has its default action), so a stopped
      container releases its execution; a second SIGTERM ends the process at once;
    - the official SDK's ``(output, status)`` pair: that status;
    - any other return value: ``failed``, saying a dict was expected.

    The completion is recorded once even when its answer is lost (see
    :func:`las.workers.deliver`). If the API ends the execution while the function runs (a
    heartbeat refused: timed out, completed elsewhere), the heartbeats stop and
    :func:`las.workers.cancellation` tells the function. Same call signature as the official SDK's helper:
    ``function(las_client, event)``, wrapped callable taking no arguments.

    Args:
        function: the transition's work; ``event`` is the execution's input.
        heartbeat_interval: seconds between heartbeats, below the API's 60-second limit.
        patience: seconds to keep trying to record the completion through 5xx and lost answers.

    Example::

        @las.transition_handler
        def handle(client: las.Client, event: dict) -> dict:
            document = client.get_document(event["documentId"])
            return {"documentId": document["documentId"], "pages": 1}

        if __name__ == "__main__":
            handle()
    """
    check_interval(heartbeat_interval)

    def wrap(function: TransitionFunction) -> TransitionHandler:
        if not callable(function):
            raise TypeError(f"@transition_handler decorates a function(client, event), got {function!r}")
        if is_async_callable(function):
            raise TypeError(
                f"@transition_handler calls a plain function, and {getattr(function, '__name__', function)!r} "
                "is an async function: make it a plain `def` (it may call asyncio.run inside), or "
                "complete a manual transition's executions with las.AsyncWorker"
            )
        return TransitionHandler(function, heartbeat_interval, patience)

    return wrap if function is None else wrap(function)
