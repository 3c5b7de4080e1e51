"""What :class:`las.Worker` and :class:`las.AsyncWorker` share: their options, counters and
every decision that is not a wait (what a listing offers, what a delivery's end counts as,
what a release sends). The two classes are the loops around it, on threads or on asyncio.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Final, Protocol, TypeVar

from .. import ids
from ..exceptions import NotFoundError
from ..resources import Transition
from ._heartbeats import check_interval, with_deadline
from ._outcomes import INTERRUPTIONS, Cancellation, Completion, released
from ._reporting import Delivery, is_ambiguous

__all__ = [
    "ABANDON_AFTER",
    "LAST_REQUESTS",
    "RELEASE",
    "RELEASING",
    "STOP_BOUND",
    "TASKS_OWN",
    "WorkerBase",
    "WorkerCounters",
]

log = logging.getLogger("las.workers")

_REMEMBERED = 10_000  # ids of ended executions kept to ignore them in stale listings
_SETBACK_MAX = 60.0  # seconds: the API times out an execution left without heartbeats as long
_LONGEST_WAIT = threading.TIMEOUT_MAX / 2
"""Seconds a grace period or poll interval is cut to (half of what a thread can wait at once,
about 24 days on Windows, centuries elsewhere): the waits built on it stay within TIMEOUT_MAX."""

RELEASE: Final = released("the worker stopped before the function finished")
"""What a stop sends for an execution whose function is still running after the grace period."""

ABANDON_AFTER: Final = 1.0
"""Seconds a function still running when a stop's grace period ends has to end, once told
(:func:`las.workers.cancellation`; a coroutine is also cancelled), before the worker releases
its execution anyway and abandons it: left running, unwaited, whatever it returns dropped.
Short, so that a stop still ends within a supervisor's kill timeout (``grace_period`` + this +
the releases)."""

LAST_REQUESTS: Final = 2.5
"""Seconds past :data:`ABANDON_AFTER`, once a stop's time is up, that the stop's requests
(releases, completions' last attempts and the GETs that check them, takes) have to end. From
the stop on, each request the worker sends has a deadline of what is left of them (see
:data:`STOP_BOUND`); a request that was already on the wire and outlives them is left behind."""

_LAST_ANSWERS = 1.0
"""Seconds past the requests' time the end of a stop waits for their answers to come in (a
delivery's check and last attempt, each given :data:`_LEAST_DEADLINE`, included)."""

STOP_BOUND: Final = ABANDON_AFTER + LAST_REQUESTS + _LAST_ANSWERS
"""Seconds, past the end of its grace period (or the release, whichever comes first), within
which a stop's ``run()`` returns whatever the API does: functions told to stop get
:data:`ABANDON_AFTER`, then the stop's requests :data:`LAST_REQUESTS`, then their answers (a
check and a last attempt of a quarter of a second each) a second: 4.5 s in all. ``docker stop`` (10 s) fits ``grace_period=5``; Kubernetes (30 s) the default 25."""


TASKS_OWN: Final = "its take or completion"
"""Whose request a stop leaves behind: the take or completion of an execution's own thread (or task)."""
RELEASING: Final = "its release"
"""Whose request a stop leaves behind: the release the stop sent."""


class Held(Protocol):
    """An execution in a worker's hands, as the shared bookkeeping sees it: ``state`` moves
    taking -> working -> reporting, or working -> released (by a stop) -> dropped (its function
    ended; what it returned is dropped) or abandoned (it did not end in time), or taking -> end."""

    execution_id: str
    state: str
    cancelled: Cancellation


HeldT = TypeVar("HeldT", bound=Held)
ClientT = TypeVar("ClientT")

_LEAST_DEADLINE = (
    0.25  # seconds a request of a stop gets even when its time is spent: a check, a last attempt
)


@dataclass(frozen=True)
class WorkerCounters:
    """What a :class:`Worker` (or :class:`AsyncWorker`) has done so far (a snapshot).

    Attributes:
        taken: executions whose function was called (once each).
        succeeded, failed, rejected, retried: completions the API recorded, by status.
        released: executions handed back with status ``retry``: a stop's grace period ran
            out while their function was still running, or the function raised SystemExit,
            KeyboardInterrupt or asyncio.CancelledError.
        superseded: completions the API did not record because the execution had already
            ended another way (completed elsewhere, timed out).
        errors: API failures the worker survived: polls, takes, and completions it could not
            deliver (those are tried again, without calling the function, when the execution
            is seen running again; when a stop's time ran out, the API times it out). An
            execution whose take or completion failed is left alone for a while,
            ``poll_interval`` doubled at each failure in a row up to a minute.
        heartbeat_errors: heartbeats that failed (logged; the work went on).
    """

    taken: int = 0
    succeeded: int = 0
    failed: int = 0
    rejected: int = 0
    retried: int = 0
    released: int = 0
    superseded: int = 0
    errors: int = 0
    heartbeat_errors: int = 0


_COUNTER_OF_STATUS = {
    "succeeded": "succeeded",
    "failed": "failed",
    "rejected": "rejected",
    "retry": "retried",
}


class WorkerBase:
    """The options, the counters and the bookkeeping of a worker (no I/O, no waiting).

    State changes under ``self._condition``'s lock (reentrant: a signal handler on the main
    thread may take it again); the async worker takes it too, never across an ``await``.
    """

    variant: ClassVar[str]

    def __init__(
        self,
        transition: Transition | str,
        *,
        concurrency: int,
        poll_interval: float,
        heartbeat_interval: float,
        grace_period: float | None,
        patience: float,
        page_size: int,
    ) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be 1 or more, got {concurrency!r}")
        if not 0 < poll_interval < math.inf:
            raise ValueError(
                "poll_interval must be a number of seconds above 0 (an idle worker would flood the "
                f"API) and finite, got {poll_interval!r}"
            )
        if grace_period is not None and not 0 <= grace_period < math.inf:
            raise ValueError(
                "grace_period must be a finite number of seconds, 0 or more, or None to wait for the "
                f"executions in hand until they end, got {grace_period!r}"
            )
        if not 1 <= page_size <= 1000:
            raise ValueError(f"page_size must be between 1 and 1000, got {page_size!r}")
        self.transition_id = ids.require_id(ids.TRANSITION, transition)
        self.concurrency = concurrency
        self.poll_interval = poll_interval
        self.heartbeat_interval = check_interval(heartbeat_interval)
        self.grace_period = grace_period
        self.patience = patience
        self.page_size = page_size
        self._condition = threading.Condition(threading.RLock())
        self._counts: dict[str, int] = dict.fromkeys(WorkerCounters.__dataclass_fields__, 0)
        self._ended: OrderedDict[str, None] = OrderedDict()
        # completions that may not have landed, to deliver again when seen running (oldest first)
        self._undelivered: OrderedDict[str, Completion] = OrderedDict()
        # execution id -> (failures in a row, time.monotonic() before which it is left alone)
        self._setbacks: OrderedDict[str, tuple[int, float]] = OrderedDict()
        self._heartbeat_failures = 0  # of heartbeats objects already closed
        self._running = False
        self._stopping = False
        self._stop_pending = False  # a stop asked for while no run was in progress: the next run's
        self._release_now = False
        # Set once a stop's time is up (its grace period over, or a second signal): completions
        # still being delivered wait no more and make one last attempt at most.
        self._time_up = threading.Event()
        # time.monotonic() by which the stop's requests end (None: no stop, or one without a
        # grace period whose time is not up); and the end of the stop's grace period.
        self._requests_end: float | None = None
        self._grace_ends: float | None = None
        self._interruption: BaseException | None = None  # what a function raised to stop the run
        # Executions whose request a stop left behind, still on the wire (a thread or a task
        # of this worker still on it): no run takes them (their completion may yet land). Per
        # execution, each request's (task, whose: TASKS_OWN or RELEASING): only the
        # end of that request clears it (an abandoned function ending says nothing of its
        # release on the wire).
        self._behind: dict[str, list[tuple[Any, str]]] = {}

    def __repr__(self) -> str:
        return f"{self.variant}({self.transition_id!r}, concurrency={self.concurrency})"

    @property
    def counters(self) -> WorkerCounters:
        """What the worker has done so far."""
        with self._condition:
            counts = dict(self._counts)
            counts["heartbeat_errors"] += self._heartbeat_failures + self._open_heartbeat_failures()
        return WorkerCounters(**counts)

    def _open_heartbeat_failures(self) -> int:
        """Failures of the heartbeats of the run in progress (0 when none)."""
        raise NotImplementedError

    def _begin(self) -> None:
        """Mark the start of a run; RuntimeError if one is in progress. A stop asked for since
        the last run ended (before this one began) stops this one (see ``stop()``)."""
        with self._condition:
            if self._running:
                raise RuntimeError(f"{self!r} is already running")
            self._running = True
            pending, release = self._stop_pending, self._release_now
            self._stopping = self._release_now = self._stop_pending = False
            self._requests_end = self._grace_ends = None
            self._time_up.clear()
            self._interruption = None
            if pending:
                log.info(
                    "%r: stop() was asked for before this run began (or after the last one "
                    "returned): the run returns at once; the next one runs as usual",
                    self,
                )
                self._stop_requested(release)

    def _end(self, heartbeat_failures: int) -> None:
        with self._condition:
            self._heartbeat_failures += heartbeat_failures
            self._running = False

    def _raise_interruption(self) -> None:
        """Raise what a function raised to stop the run (SystemExit, KeyboardInterrupt), if any."""
        with self._condition:
            interruption, self._interruption = self._interruption, None
        if interruption is not None:
            raise interruption

    def _draining(self, in_hand: int) -> None:
        if in_hand:
            log.info(
                "stopping: waiting for %d execution(s) in hand (%s)",
                in_hand,
                "until they end" if self.grace_period is None else f"up to {self.grace_period:g} s",
            )

    def _stop_requested(self, release: bool) -> None:
        """Note a stop (the first sets the end of the grace period, and so the stop's bound);
        ``release``: the stop's time is up now."""
        with self._condition:
            if not self._running and not self._stop_pending:
                self._release_now = False  # what the last run's stop asked is not this one's
            if not self._stopping and self.grace_period is not None:
                self._grace_ends = time.monotonic() + min(self.grace_period, _LONGEST_WAIT)
                self._requests_end = self._grace_ends + ABANDON_AFTER + LAST_REQUESTS
            self._stopping = True
            self._stop_pending = not self._running  # for the next run (one on its way, say)
            self._release_now = self._release_now or release
            if release:
                self._set_requests_end()

    def _set_time_up(self) -> None:
        """The stop's time is up (its grace period over, a release, an interruption): the
        completions under way wait no more, and the stop's requests end within
        :data:`ABANDON_AFTER` + :data:`LAST_REQUESTS` from now at most."""
        with self._condition:
            self._set_requests_end()
            self._time_up.set()

    def _set_requests_end(self) -> None:
        end = time.monotonic() + ABANDON_AFTER + LAST_REQUESTS
        self._requests_end = end if self._requests_end is None else min(self._requests_end, end)

    def _answers_end(self) -> float | None:
        """time.monotonic() by which a stop stops waiting for its requests' answers (None: no bound)."""
        end = self._requests_end
        return None if end is None else end + _LAST_ANSWERS

    def _releases_end(self) -> float:
        """time.monotonic() by which a stop whose time is up stops waiting for its releases:
        :meth:`_answers_end`, but :data:`_LAST_ANSWERS` from now at least, so that a release
        begins even when the stop's time passed meanwhile (an event loop blocked by its
        functions): one cancelled before it began would send nothing."""
        end = self._answers_end()
        assert end is not None  # the time is up
        return max(end, time.monotonic() + _LAST_ANSWERS)

    def _bounded(self, client: ClientT) -> ClientT:
        """``client``, or once stopping, a view of it whose requests end with the stop's
        requests (a deadline of what is left of :data:`LAST_REQUESTS`), so that no request
        sent during a stop holds it up for the session's deadline (300 s by default)."""
        end = self._requests_end
        if end is None:
            return client
        bounded: ClientT = with_deadline(client, max(end - time.monotonic(), _LEAST_DEADLINE))
        return bounded

    def _heartbeat_wait(self) -> float | None:
        """Seconds a completion or release may wait for its execution's heartbeat on the wire
        (see :meth:`Heartbeats.remove`): until the stop's requests end once stopping, so that
        it is still sent in the stop's time; None (the heartbeat's own time) otherwise."""
        end = self._requests_end
        return None if end is None else max(end - time.monotonic(), 0.0)

    def _left_behind(self, requests: Iterable[tuple[HeldT, str]], in_hand: dict[str, HeldT]) -> None:
        """The end of a stop's wait for its requests: each ``(task, whose)`` of ``requests``
        still has one on the wire (``whose``: :data:`TASKS_OWN`, the take or completion of the
        task's own thread or coroutine; :data:`RELEASING`, the release the stop sent), some
        sent before the stop with the session's deadline. Their tasks are let go, each request
        named in a warning (a completion on the wire may still land; if not, the API times it
        out), and until it has ended (:meth:`_no_longer_behind`) no run takes its execution."""
        for task, whose in list(requests):
            self._let_go(task, in_hand)
            with self._condition:
                self._behind.setdefault(task.execution_id, []).append((task, whose))
            log.warning(
                "a request for %s (%s, %s) was still on the wire when the stop's time ran out: left "
                "to end on its own; if it does not complete the execution, the API will time it out",
                task.execution_id,
                task.state,
                whose,
            )

    def _signalled(self, number: int) -> None:
        """A stop signal: the first stops, the next one releases at once."""
        with self._condition:
            again = self._stopping
        log.info("signal %d: %s", number, "releasing executions in hand" if again else "stopping")
        self.stop(release=again)

    def stop(self, *, release: bool = False) -> None:
        raise NotImplementedError

    def _release_working(self, tasks: Iterable[HeldT]) -> list[HeldT]:
        """The end of a stop's grace period: the tasks whose function is still running, each now
        ``released`` (what its function returns from now on is dropped) and its function told.
        The caller waits up to :data:`ABANDON_AFTER` for each function to end, then releases its
        execution (:meth:`_abandon` first if it has not ended): each execution is released
        once, by the worker, so that the work is handed back (status ``retry``) and never lost
        to the API's heartbeat timeout, nor completed twice."""
        with self._condition:
            working = [task for task in tasks if task.state == "working"]
            for task in working:
                task.state = "released"
                task.cancelled.cancel(RELEASE.error_message or "released")
        return working

    def _abandon(self, task: HeldT, in_hand: dict[str, HeldT]) -> None:
        """``task``'s function did not end within :data:`ABANDON_AFTER` of being told to stop: it
        is no longer in hand (nor waited for), and a warning names its execution, which the
        caller releases next. What it returns or raises later belongs to no run: it is logged."""
        with self._condition:
            task.state = "abandoned"
        self._let_go(task, in_hand)
        log.warning(
            "the function on %s did not end within %g s of being told to stop: it is abandoned "
            "(left running; whatever it returns is dropped) and its execution released",
            task.execution_id,
            ABANDON_AFTER,
        )

    def _release_deferred(self, task: HeldT, in_hand: dict[str, HeldT]) -> None:
        """The stop's time ran out before ``task``'s release was sent (the caller cancelled it
        and the function): like :meth:`_abandon`, ``task`` is no longer in hand, and its
        release is sent, without calling the function, when its execution is next seen running."""
        with self._condition:
            task.state = "abandoned"
        self._let_go(task, in_hand)
        self._may_not_have_landed(task.execution_id, RELEASE)
        log.warning(
            "the stop's time ran out before the release of %s was sent (the event loop was blocked?): "
            "its function is cancelled and abandoned; the release is sent when the execution is "
            "next seen running (if not, the API will time it out)",
            task.execution_id,
        )

    def _let_go(self, task: HeldT, in_hand: dict[str, HeldT]) -> None:
        """``task`` is out of the worker's hands (unless it already was: abandoned by a stop)."""
        with self._condition:
            if in_hand.get(task.execution_id) is task:
                del in_hand[task.execution_id]

    def _no_longer_behind(self, task: Held, whose: str) -> None:
        """``task``'s request of ``whose`` (see :meth:`_left_behind`) has ended: if a stop left
        it behind, it bars its execution no more (once no other request of it is on the wire)."""
        with self._condition:
            requests = self._behind.get(task.execution_id, [])
            requests[:] = [(each, who) for each, who in requests if each is not task or who != whose]
            if not requests:
                self._behind.pop(task.execution_id, None)

    def _level(self, execution_id: str, level: int) -> int:
        """``level``, or INFO for the end of a request left behind by a stop: its warning was
        given then (it ends after run() returned; a program may be exiting)."""
        with self._condition:
            return logging.INFO if execution_id in self._behind else level

    # -- polling -----------------------------------------------------------------------------

    def _listing_filters(self) -> dict[str, Any]:
        """The arguments of ``list_transition_executions`` for a poll: running, oldest first."""
        return {
            "status": "running",
            "sort_by": "startTime",
            "order": "ascending",
            "page_size": self.page_size,
        }

    def _offered(
        self, item: Mapping[str, Any], in_hand: Mapping[str, Any], found: list[str], deferred: list[str]
    ) -> str | None:
        """The id of a listed execution to take, or None: an item without a transition-execution
        id is skipped (logged), and so is one in hand, ended or already found in this poll, and
        one whose last take or completion failed a moment ago or whose request a stop left
        behind is still on the wire (added to ``deferred``)."""
        execution_id = item.get("executionId")
        if not ids.is_id(ids.TRANSITION_EXECUTION, execution_id):
            log.warning("skipping a listed execution without a valid id: %.100r", item)
            return None
        execution_id = str(execution_id)
        with self._condition:
            if execution_id in in_hand or execution_id in self._ended or execution_id in found:
                return None
            if execution_id in self._behind:  # not to be had until its request has ended
                deferred.append(execution_id)
                return None
            setback = self._setbacks.get(execution_id)
            if setback is not None and time.monotonic() < setback[1]:
                deferred.append(execution_id)
                return None
        return execution_id

    def _set_back(self, execution_id: str) -> None:
        """Leave an execution whose take or completion failed alone for a while: ``poll_interval``
        doubled at each failure in a row, up to :data:`_SETBACK_MAX` (no tight loop on one
        execution that keeps failing)."""
        with self._condition:
            failures = self._setbacks.pop(execution_id, (0, 0.0))[0] + 1
            delay = min(_SETBACK_MAX, self.poll_interval * 2 ** min(failures - 1, 30))
            self._setbacks[execution_id] = (failures, time.monotonic() + delay)
            while len(self._setbacks) > _REMEMBERED:
                self._setbacks.popitem(last=False)

    def _idle_wait(self) -> float:
        """Seconds an idle worker waits before it polls again: ``poll_interval``, within what a
        thread can wait at once."""
        return min(self.poll_interval, _LONGEST_WAIT)

    def _poll_failed(self, error: Exception) -> None:
        self._count("errors")
        log.warning("listing the running executions of %s failed: %s", self.transition_id, error)

    # -- one execution -----------------------------------------------------------------------

    def _take_failed(self, execution_id: str, error: BaseException) -> None:
        self._set_back(execution_id)  # listed running, but not to be had: not again at once
        if not isinstance(error, NotFoundError):
            self._count("errors")
            log.warning("taking %s failed: %s", execution_id, error)

    def _taken(self, execution_id: str) -> Completion | None:
        """Note that the function's execution is in hand: the completion still to deliver from an
        earlier take (the function is not called again), or None (then it is counted taken)."""
        with self._condition:
            completion = self._undelivered.pop(execution_id, None)
            if completion is None:
                self._counts["taken"] += 1
        return completion

    def _returned(self, task: Held, completion: Completion, raised: BaseException | None) -> bool:
        """The function of ``task`` is done: whether its completion is to be delivered (``task``
        is then ``reporting``), or dropped because a stop released the execution meanwhile
        (``task`` is then ``dropped``). What it raised is logged; an interruption stops the run
        (after the state moved on: that stop never releases this execution), unless the
        function was abandoned: its outcome, interruptions included, belongs to no run."""
        with self._condition:
            state = task.state
            if state == "working":
                task.state = "reporting"
            elif state == "released":
                task.state = "dropped"
        if state == "abandoned":
            log.warning(
                "the abandoned function on %s ended (%s): dropped, as its execution was released",
                task.execution_id,
                completion.status if raised is None else type(raised).__name__,
            )
            return False
        self._ran(task.execution_id, completion, raised)
        if state != "working":
            log.warning(
                "%s was released by the stop; its %s result is dropped", task.execution_id, completion.status
            )
        return state == "working"

    def _ran(self, execution_id: str, completion: Completion, raised: BaseException | None) -> None:
        """Log what the function raised; an interruption stops the run, to be raised by it."""
        if raised is None:
            return
        if isinstance(raised, INTERRUPTIONS):
            log.warning(
                "the function raised %s on %s: its execution is released and the worker stops",
                type(raised).__name__,
                execution_id,
            )
            with self._condition:
                if self._interruption is None:
                    self._interruption = raised
            self.stop()
        elif completion.release:
            log.info("the function was cancelled on %s: its execution is released", execution_id)
        else:
            log.warning("the function failed on %s", execution_id, exc_info=raised)

    def _delivered(self, execution_id: str, completion: Completion, delivery: Delivery) -> None:
        if delivery.recorded and completion.release:
            self._count("released")
        elif delivery.recorded:
            self._count(_COUNTER_OF_STATUS.get(str(delivery.execution.get("status")), "errors"))
        else:
            self._count("superseded")
            log.log(
                self._level(execution_id, logging.WARNING),
                "%s had already ended (%s); the worker's %s was not recorded",
                execution_id,
                delivery.execution.get("status"),
                completion.status,
            )
        self._remember_ended(execution_id)

    def _not_delivered(self, execution_id: str, completion: Completion, error: BaseException) -> None:
        self._count("errors")
        if isinstance(error, NotFoundError):
            log.log(
                self._level(execution_id, logging.WARNING),
                "%s is gone; its %s was not recorded: %s",
                execution_id,
                completion.status,
                error,
            )
            self._remember_ended(execution_id)
            return
        if self._time_up.is_set() and is_ambiguous(error):
            log.log(
                self._level(execution_id, logging.WARNING),
                "the stop's time ran out before the %s of %s was recorded (%s): its heartbeats have "
                "stopped, so the API will time it out",
                completion.status,
                execution_id,
                error,
            )
        else:
            log.log(
                self._level(execution_id, logging.ERROR),
                "could not record %s on %s (tried again when it is seen running): %s",
                completion.status,
                execution_id,
                error,
            )
        self._may_not_have_landed(execution_id, completion)

    def _may_not_have_landed(self, execution_id: str, completion: Completion) -> None:
        """``completion`` may or may not have been recorded: the next time the execution is
        seen running (not at once), it is delivered again, without calling the function."""
        with self._condition:
            self._undelivered.pop(execution_id, None)
            self._undelivered[execution_id] = completion
            while len(self._undelivered) > _REMEMBERED:
                self._undelivered.popitem(last=False)
        self._set_back(execution_id)

    def _count(self, name: str) -> None:
        with self._condition:
            self._counts[name] += 1

    def _remember_ended(self, execution_id: str) -> None:
        with self._condition:
            self._setbacks.pop(execution_id, None)
            self._undelivered.pop(execution_id, None)
            self._ended[execution_id] = None
            while len(self._ended) > _REMEMBERED:
                self._ended.popitem(last=False)
