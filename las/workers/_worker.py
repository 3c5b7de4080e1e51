"""``las.Worker``: a long-running loop that completes a transition's executions by code."""

from __future__ import annotations

import inspect
import logging
import signal
import threading
import time
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from .._pagination import paginate
from ..client import Client
from ..resources import Transition
from ..resources._session import SessionLike, client_for
from ._heartbeats import DEFAULT_HEARTBEAT_INTERVAL, Heartbeats
from ._outcomes import Cancellation, Completion, TransitionFunction, run_function
from ._reporting import DEFAULT_PATIENCE, complete_for_worker
from ._worker_base import ABANDON_AFTER, RELEASE, RELEASING, TASKS_OWN, WorkerBase, WorkerCounters

__all__ = ["Worker", "WorkerCounters", "is_async_callable"]

log = logging.getLogger("las.workers")

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def is_async_callable(function: object) -> bool:
    """Whether calling ``function`` gives a coroutine: an ``async def`` function, a partial of
    one, or an object whose ``__call__`` is one."""
    return inspect.iscoroutinefunction(function) or inspect.iscoroutinefunction(
        getattr(function, "__call__", None)  # noqa: B004 - the method itself is what is asked about
    )


_START_AGAIN = 0.01  # seconds between tries to start a release's thread that could not start
_EARLIER_LISTING_WAIT = 2.0  # seconds (or poll_interval, if shorter) a run waits for an earlier run's listing
_EARLIER_LISTINGS = 2  # listings of earlier runs left on the wire beside the one of the run in progress


@dataclass
class _Task:
    """One execution in the worker's hands; ``state`` moves under the worker's lock as
    :class:`las.workers._worker_base.Held` says.
    ``cancelled`` tells the function when the execution is no longer its own."""

    execution_id: str
    state: str = "taking"
    thread: threading.Thread | None = field(default=None, repr=False)
    cancelled: Cancellation = field(default_factory=Cancellation, repr=False)
    releasing: bool = field(default=False, repr=False)  # its release's thread is under way


class Worker(WorkerBase):
    """Complete the running executions of a transition with ``function(client, event)``.

    For a transition whose executions are completed by code, such as a manual transition
    handled by a bot. :meth:`run` polls the transition's ``running`` executions, calls the
    function for each on up to ``concurrency`` threads, heartbeats every execution it holds,
    and completes each from the function's result exactly as :func:`las.transition_handler`
    does (a dict: ``succeeded``; ``las.Reject``: ``rejected``; ``las.Retry``: ``retry``; an
    exception: ``failed``).

    What "exactly once" means here: the API has no way to claim an execution, but it records
    only one completion per execution (it refuses any PATCH once the execution has ended). A
    Worker never holds one execution twice at a time, re-reads it right before calling the
    function (so a stale listing never runs ended work), calls the function at most once per
    execution, and delivers its completion through lost answers and 5xx by asking the API
    whether the completion landed (see :func:`las.workers.deliver`). So each execution ends
    with exactly one recorded status. Two Workers (or processes) on the same transition may
    both call the function for one execution; only one completion is recorded, but the
    function's own side effects happen twice: make them idempotent, or run one Worker per
    transition.

    Stopping: :meth:`stop`, SIGTERM or SIGINT (during :meth:`run` on the main thread) stop the
    taking of new executions; executions in hand finish (heartbeats go on) for up to
    ``grace_period`` seconds, then those whose function is still running are released:
    :func:`las.workers.cancellation` tells the function, and once it has returned (a second
    later at most) the execution's status is set to ``retry`` with a message saying the worker
    stopped. A function that has not returned by then is abandoned: a warning names its
    execution, its thread is left running and what it returns is dropped. The releases are sent
    at the same time. A second signal releases at once. From the end of the grace period (or a
    second signal) on, a completion still being delivered waits no more between retries: it
    gets one last attempt at most, and if the API still does not take it, a warning names its
    execution (counted in ``errors``), which the API times out. Every request sent from the
    stop on has a deadline of what is left of the stop's time; one sent before and still on
    the wire then is left behind, named in a warning. So :meth:`run` returns within
    ``grace_period`` + 4.5 s of the stop (``STOP_BOUND``; 4.5 s after a second signal), whatever
    the API does: ``docker stop``'s 10 s fit ``grace_period=5``. No execution the Worker took
    is otherwise left running without a status, and none is completed twice.

    Whatever the function raises, its execution is completed once: an exception (or another
    BaseException) ends it ``failed``, naming it; ``asyncio.CancelledError`` releases it;
    SystemExit and KeyboardInterrupt release it and stop the worker as a signal would, then
    :meth:`run` raises them again. When the API ends an execution in hand (a refused
    heartbeat: timed out, completed elsewhere), its heartbeats stop and
    :func:`las.workers.cancellation` tells the function.

    Args:
        transition: the transition (a :class:`las.Transition` or its id) whose executions to complete.
        function: ``function(client, event) -> dict``; ``event`` is the execution's input.
        session: a :class:`las.Session` or :class:`las.Client`; the default session when omitted
            (as every resource call). ``worker.client`` is the Client it calls ``function`` with.
        concurrency: executions processed at the same time (threads).
        poll_interval: seconds between polls when there is nothing to take (an execution
            leaving the worker's hands also starts a poll).
        heartbeat_interval: seconds between heartbeats, below the API's 60-second limit.
        grace_period: seconds a stop waits for executions in hand; None waits for them all
            (``inf`` is refused, naming None).
        patience: seconds to keep trying to record a completion through 5xx and lost answers.
        page_size: executions asked per listing page.

    Example::

        worker = las.Worker(transition_id, review, concurrency=8)
        worker.run()                      # until SIGTERM / SIGINT / worker.stop()
        print(worker.counters)
    """

    def __init__(
        self,
        transition: Transition | str,
        function: TransitionFunction,
        *,
        session: SessionLike | None = None,
        concurrency: int = 4,
        poll_interval: float = 5.0,
        heartbeat_interval: float = DEFAULT_HEARTBEAT_INTERVAL,
        grace_period: float | None = 25.0,
        patience: float = DEFAULT_PATIENCE,
        page_size: int = 100,
    ) -> None:
        if not callable(function):
            raise TypeError(f"function must be callable as function(client, event), got {function!r}")
        if is_async_callable(function):
            raise TypeError(
                f"{getattr(function, '__name__', function)!r} is an async function: las.Worker calls plain "
                "functions on threads; run it with las.AsyncWorker(transition, function, "
                "session=las.AsyncSession(...)) and `await worker.run()`"
            )
        super().__init__(
            transition,
            concurrency=concurrency,
            poll_interval=poll_interval,
            heartbeat_interval=heartbeat_interval,
            grace_period=grace_period,
            patience=patience,
            page_size=page_size,
        )
        self.function = function
        self.client: Client = client_for(session)
        self._tasks: dict[str, _Task] = {}
        self._deferred: list[str] = []  # executions the last poll left alone for now (the loop's)
        # The poll's result once it comes; a stop may leave it on the wire for the next poll.
        self._listing: list[tuple[list[str], list[str]] | BaseException] | None = None
        self._runs = 0  # runs begun
        self._listing_run = 0  # the run whose poll sent the listing on the wire
        # Listings of earlier runs still held by the API that a later run listed afresh beside.
        self._earlier_listings: list[list[tuple[list[str], list[str]] | BaseException]] = []
        self._departures = 0  # executions that left the worker's hands: wakes an idle poll loop
        self._heartbeats: Heartbeats | None = None

    variant = "Worker"

    def _open_heartbeat_failures(self) -> int:
        heartbeats = self._heartbeats
        return 0 if heartbeats is None else heartbeats.failures

    def stop(self, *, release: bool = False) -> None:
        """Ask :meth:`run` to stop (from any thread or a signal handler); returns at once.

        A stop asked for while no run is in progress is kept for the next :meth:`run`, which
        returns at once without taking anything: so ``Thread(target=worker.run).start()``
        followed by ``worker.stop()`` stops that run even if it has not begun yet. That run
        uses the stop up: the one after runs as usual. (A stop asked for after a run returned
        is kept too: it stops the next run at once.)

        Args:
            release: release executions in hand now instead of waiting ``grace_period`` (each
                function is told, and given up to a second to return, first).
        """
        with self._condition:
            self._stop_requested(release)
            self._condition.notify_all()

    def run(self, *, until_idle: bool = False, handle_signals: bool = True) -> WorkerCounters:
        """Take and complete executions until stopped; returns the counters.

        Args:
            until_idle: also return once a poll made with nothing in hand finds no running
                execution (drain what is there, then exit: for batch jobs and tests).
            handle_signals: on the main thread, SIGTERM and SIGINT stop the worker gracefully
                (a second one releases at once); the previous handlers come back on return.

        Raises:
            RuntimeError: the worker is already running, or a thread could not be started
                ("can't start new thread"; the execution it was for is left untouched).
            SystemExit, KeyboardInterrupt: what the function raised to stop the program, once
                its execution was released and the executions in hand were finished or released.
        """
        previous: dict[int, Any] = {}
        with self._condition:
            self._begin()
        try:  # an error or a Ctrl-C from here on, even as the run ends, leaves it able to run again
            with self._condition:
                self._runs += 1
                self._heartbeats = Heartbeats(self.client, self.heartbeat_interval)
            previous = self._install_signal_handlers() if handle_signals else {}
            try:
                self._loop(until_idle)
            finally:
                self._drain()
        finally:
            heartbeats = self._heartbeats  # None if it could not be made (no thread of it started)
            try:
                if heartbeats is not None:
                    self._close_heartbeats(heartbeats)
            finally:
                try:  # first: a signal from here on is the program's, not a stop of the next run
                    _restore_signal_handlers(previous)
                finally:
                    with self._condition:
                        self._heartbeats = None
                        self._end(0 if heartbeats is None else heartbeats.failures)
        self._raise_interruption()
        return self.counters

    def _close_heartbeats(self, heartbeats: Heartbeats) -> None:
        """Stop ``heartbeats``; a heartbeat on the wire holds up no bounded stop (named in a warning)."""
        until = self._answers_end()
        held = heartbeats.close(None if until is None else max(until - time.monotonic(), 0.1))
        for execution_id in held:
            log.warning(
                "a heartbeat for %s was on the wire when run() returned: its thread is left "
                "to end on its own, within %g s",
                execution_id,
                heartbeats.deadline,
            )

    # -- the loop ----------------------------------------------------------------------------

    def _install_signal_handlers(self) -> dict[int, Any]:
        if threading.current_thread() is not threading.main_thread():
            return {}

        def on_signal(number: int, frame: FrameType | None) -> None:
            self._signalled(number)

        previous: dict[int, Any] = {}
        try:
            for number in STOP_SIGNALS:
                previous[number] = signal.getsignal(number)
                signal.signal(number, on_signal)
        except BaseException:  # a Ctrl-C meanwhile: the handlers installed go back
            _restore_signal_handlers(previous)
            raise
        return previous

    def _loop(self, until_idle: bool) -> None:
        while True:
            with self._condition:
                while not self._stopping and len(self._tasks) >= self.concurrency:
                    self._condition.wait()
                if self._stopping:
                    return
                free = self.concurrency - len(self._tasks)
                busy = bool(self._tasks)
                departures = self._departures
            try:
                found = self._poll_unless_stopped(free)
            except Exception as error:
                self._poll_failed(error)
                self._wait(self._idle_wait(), departures)
                continue
            if found is None:  # stopped while the listing was on the wire
                return
            for execution_id in found:
                self._start(execution_id)
            if not found:
                if until_idle and not busy and not self._deferred:
                    return
                self._wait(self._idle_wait(), departures)

    def _wait(self, seconds: float, departures: int) -> None:
        """Sleep up to ``seconds``, unless stopped or an execution has left the worker's hands
        since ``departures`` was read (then poll again at once: there is a free slot)."""
        with self._condition:
            if not self._stopping and self._departures == departures:
                self._condition.wait(timeout=seconds)

    def _poll_unless_stopped(self, free: int) -> list[str] | None:
        """:meth:`_poll` on a thread of its own, or None if the worker stops first: a listing
        held by the API holds up no stop (it is left to end on its own; it changes nothing).
        A listing a stop left on the wire is the next run's first poll's to wait for, for
        ``poll_interval`` (two seconds at most); its answer is dropped and a listing sent
        afresh: what it found (or did not find, which would end a run ``until_idle``) was seen
        while the earlier run held executions. Still held by then, it is left on the wire
        beside the new one, unless :data:`_EARLIER_LISTINGS` are already: then it is waited
        for, so a worker has a few listings on the wire at most, however many stops and runs
        come while the API holds them."""
        with self._condition:
            while True:
                outcome = self._listing
                if outcome is None:
                    outcome = self._listing = []
                    self._listing_run = self._runs
                    self._start_poll(outcome, free)
                elif self._listing_run != self._runs and self._leave_earlier_listing(outcome):
                    continue
                while not outcome and not self._stopping:
                    self._condition.wait()
                if not outcome:
                    return None
                self._listing = None
                if self._listing_run == self._runs:
                    break
        [result] = outcome
        if isinstance(result, BaseException):
            raise result
        found, self._deferred = result
        return found

    def _leave_earlier_listing(self, outcome: list[Any]) -> bool:
        """Wait a little for ``outcome``, an earlier run's listing (under the lock); whether it
        is left on the wire, to list afresh beside it (still held, and room for it)."""
        wait = min(self._idle_wait(), _EARLIER_LISTING_WAIT)
        self._condition.wait_for(lambda: outcome or self._stopping, timeout=wait)
        if outcome or self._stopping:
            return False
        self._earlier_listings = [each for each in self._earlier_listings if not each]  # still held
        if len(self._earlier_listings) >= _EARLIER_LISTINGS:
            return False
        self._earlier_listings.append(outcome)
        self._listing = None
        return True

    def _start_poll(self, outcome: list[tuple[list[str], list[str]] | BaseException], free: int) -> None:
        """Start the thread of a poll, which puts its result (or error) in ``outcome``."""

        def poll() -> None:
            deferred: list[str] = []
            try:
                result: tuple[list[str], list[str]] | BaseException = (self._poll(free, deferred), deferred)
            except BaseException as error:  # an Exception is the loop's to count; any other, run()'s to raise
                result = error
            with self._condition:
                outcome.append(result)
                self._condition.notify_all()

        try:
            threading.Thread(target=poll, name="las-worker-poll", daemon=True).start()
        except BaseException:
            self._listing = None
            raise

    def _poll(self, free: int, deferred: list[str]) -> list[str]:
        """Ids of up to ``free`` running executions not in hand, oldest first; those left alone
        for now (see :meth:`_offered`) are added to ``deferred``.

        A page outside the contract (not a JSON object, items that are not objects, a
        ``nextToken`` that repeats) raises :class:`las.InvalidResponseError` from the one
        paginator, which the loop counts as an error before polling again: answers outside the
        contract never make the worker request a strange path or loop forever.
        """
        found: list[str] = []
        listing = paginate(
            self.client.list_transition_executions, self.transition_id, **self._listing_filters()
        )
        for item in listing:
            execution_id = self._offered(item, self._tasks, found, deferred)
            if execution_id is not None:
                found.append(execution_id)
                if len(found) == free:
                    break
        return found

    def _start(self, execution_id: str) -> None:
        task = _Task(execution_id)
        task.thread = threading.Thread(
            target=self._process, args=(task,), name=f"las-worker:{execution_id[-8:]}", daemon=True
        )
        with self._condition:
            self._tasks[execution_id] = task
        try:
            task.thread.start()
        except BaseException:  # "can't start new thread", or Ctrl-C there: raised by run()
            if task.thread.ident is None:  # its take never begins (see _process): not in hand
                with self._condition:
                    self._let_go(task, self._tasks)
                    self._condition.notify_all()
            # Otherwise its thread began (a Ctrl-C in start()'s wait): it stays in hand, for
            # the stop to wait for or release (let go, its thread would take the execution
            # out of the worker's hands).
            raise

    # -- one execution -----------------------------------------------------------------------

    def _process(self, task: _Task) -> None:
        transition_id, execution_id = self.transition_id, task.execution_id
        heartbeats = self._heartbeats
        try:
            with self._condition:
                if self._tasks.get(execution_id) is not task or heartbeats is None:  # given up
                    return
            try:
                current = self._bounded(self.client).get_transition_execution(transition_id, execution_id)
            except BaseException as error:  # a user's response hook may sys.exit(): on this thread,
                self._take_failed(execution_id, error)  # nothing would say so; a failed take does
                return
            if current.get("status") != "running":
                self._remember_ended(execution_id)
                return
            with self._condition:
                # Not started: leave it untouched for whoever comes next. A take that outlived
                # its run (one interrupted) is no later run's: that one has its own heartbeats.
                if self._stopping or self._heartbeats is not heartbeats:
                    return
                task.state = "working"
                completion = self._taken(execution_id)
            heartbeats.add(transition_id, execution_id, task.cancelled.cancel)
            raised = None
            if completion is None:
                completion, raised = run_function(self.function, self.client, current, task.cancelled)
            if not self._returned(task, completion, raised):
                return
            # No heartbeat races the completion (but for one the stop's time cannot wait for).
            heartbeats.remove(transition_id, execution_id, self._heartbeat_wait())
            self._deliver(execution_id, completion)
        finally:
            if heartbeats is not None:
                heartbeats.remove(transition_id, execution_id, 0.0)  # a release waits, if any
            with self._condition:
                self._let_go(task, self._tasks)
                self._no_longer_behind(task, TASKS_OWN)
                self._departures += 1
                self._condition.notify_all()

    def _deliver(self, execution_id: str, completion: Completion) -> None:
        try:
            delivery = complete_for_worker(
                lambda: self._bounded(self.client),
                self.transition_id,
                execution_id,
                completion,
                patience=self.patience,
                hurry=self._time_up.is_set,
                sleep=self._time_up.wait,  # a stop's time up cuts the wait short
            )
        except BaseException as error:  # a hook's sys.exit() too: recorded, so never run twice
            self._not_delivered(execution_id, completion, error)
        else:
            self._delivered(execution_id, completion, delivery)

    # -- stopping ----------------------------------------------------------------------------

    def _drain(self) -> None:
        """Wait for executions in hand (up to the grace period), then tell the functions still
        running and release each execution as soon as its function has ended, or
        :data:`ABANDON_AFTER` later if it has not (then it is abandoned); the releases are sent
        at the same time, each on its own thread. From the end of the grace period on, the
        stop's time is up: completions still being delivered wait no more and make one last
        attempt at most (then their execution is left to the API's timeout, with a warning).
        An interruption of the waits (a second Ctrl-C without the worker's signal handlers)
        releases at once, then is raised. Otherwise it returns once nothing is in hand but the
        abandoned: takes whose GET is on the wire (they leave their execution untouched) and
        completions on the wire included, so no take outlives its run."""
        interrupted: BaseException | None = None
        with self._condition:
            self._stop_requested(release=False)  # tasks not yet started stay untouched
            deadline = self._grace_ends
            self._draining(len(self._tasks))
            try:
                while self._tasks and not self._release_now:
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        break
                    self._condition.wait(timeout=remaining)
            except BaseException as error:  # raised below, once the work in hand is released
                interrupted = error
            self._set_time_up()
            released = self._release_working(self._tasks.values())
        interrupted = self._release_when_ended(released, patient=interrupted is None) or interrupted
        if interrupted is not None:
            with self._condition:  # releases still on the wire
                self._left_behind([(task, RELEASING) for task in released if task.releasing], self._tasks)
            raise interrupted
        with self._condition:  # takes and completions on the wire (a last attempt at most): let them land
            until = self._answers_end()
            while self._tasks and until is not None and time.monotonic() < until:
                self._condition.wait(timeout=until - time.monotonic())
            # Sent before the stop, or releases, still on the wire.
            behind = [
                *((task, TASKS_OWN) for task in self._tasks.values()),
                *((task, RELEASING) for task in released if task.releasing),
            ]
            self._left_behind(behind, self._tasks)

    def _release_when_ended(self, released: list[_Task], *, patient: bool) -> BaseException | None:
        """Release the executions of ``released`` (their functions told to stop), each once its
        function has ended, all at the same time (a thread each); those
        still running :data:`ABANDON_AFTER` later (at once unless ``patient``) are abandoned,
        no longer in hand. Returns once every release has been sent and answered, or the stop's
        answers are due. An interruption (a second Ctrl-C) of the waits releases the rest at
        once; one of the waits for the releases lets them land; either is returned, else the
        error of a release thread that could not be started, if its release was given up (a
        thread started on a later try holds up nothing)."""
        deadline = time.monotonic() + (ABANDON_AFTER if patient else 0.0)
        interrupted: BaseException | None = None
        not_started: Exception | None = None
        pending = list(released)
        senders: list[tuple[_Task, threading.Thread]] = []
        while pending:
            with self._condition:
                try:
                    while not self._gone(pending) and time.monotonic() < deadline:
                        self._condition.wait(timeout=deadline - time.monotonic())
                except BaseException as error:  # release the rest at once, then raise it
                    interrupted, deadline = error, 0.0
                ended = self._gone(pending)
                if not ended:  # past the deadline: the rest will not end
                    ended = list(pending)
                    for task in ended:
                        self._abandon(task, self._tasks)
            for task in ended:
                pending.remove(task)
                senders.append((task, self._sender(task)))
            interrupted, given_up = self._start_senders(senders, interrupted)
            not_started = not_started or given_up
            deadline = 0.0 if interrupted is not None else deadline
        until = self._answers_end()
        for _, sender in senders:
            while sender.is_alive() and (until is None or time.monotonic() < until):
                try:
                    sender.join(None if until is None else until - time.monotonic())
                except BaseException as error:  # the release goes on: let it land, then raise it
                    interrupted = interrupted or error
        return interrupted or not_started

    def _gone(self, tasks: list[_Task]) -> list[_Task]:
        """Those of ``tasks`` whose function has ended (or whose thread has: no longer in hand)."""
        return [
            task
            for task in tasks
            if task.state == "dropped" or self._tasks.get(task.execution_id) is not task
        ]

    def _sender(self, task: _Task) -> threading.Thread:
        """A thread (not started) that releases ``task``'s execution."""
        with self._condition:
            task.releasing = True
        return threading.Thread(
            target=self._release,
            args=(task,),
            name=f"las-worker-release:{task.execution_id[-8:]}",
            daemon=True,
        )

    def _start_senders(
        self, senders: list[tuple[_Task, threading.Thread]], interrupted: BaseException | None
    ) -> tuple[BaseException | None, Exception | None]:
        """Start those of ``senders`` (a released task's, its thread) not started yet, through
        interruptions (the first is returned); one that cannot start ("can't start new thread")
        is tried again every :data:`_START_AGAIN` seconds until the stop's answers are due, then
        given up: its release is sent when its execution is next seen running (none is on the
        wire), and the error of its last try is returned beside the interruption."""
        until = self._answers_end()
        given_up: Exception | None = None
        for task, sender in senders:
            failed: Exception | None = None
            while sender.ident is None and task.releasing:  # not started, nor given up
                try:
                    sender.start()
                except Exception as error:  # "can't start new thread": tried again, no interruption
                    failed = error
                except BaseException as error:  # a Ctrl-C, started or not: ident says; raised later
                    interrupted = interrupted or error
                if sender.ident is not None:
                    break
                if until is not None and time.monotonic() >= until:
                    self._sender_given_up(task)
                    given_up = given_up or failed
                    break
                try:
                    time.sleep(_START_AGAIN)
                except BaseException as error:  # raised later, as the start's
                    interrupted = interrupted or error
        return interrupted, given_up

    def _sender_given_up(self, task: _Task) -> None:
        with self._condition:
            task.releasing = False
        self._may_not_have_landed(task.execution_id, RELEASE)
        log.warning(
            "the release of %s was not sent: its thread could not be started within the stop's time; "
            "it is sent when the execution is next seen running (if not, the API will time it out)",
            task.execution_id,
        )

    def _release(self, task: _Task) -> None:
        """Release ``task``'s execution (on a thread of its own: no signal interrupts it)."""
        heartbeats = self._heartbeats  # None once run() returned: no heartbeat is sent any more
        try:
            if heartbeats is not None:
                heartbeats.remove(self.transition_id, task.execution_id, self._heartbeat_wait())
            self._deliver(task.execution_id, RELEASE)
        finally:
            with self._condition:
                task.releasing = False
                self._no_longer_behind(task, RELEASING)


def _restore_signal_handlers(previous: dict[int, Any]) -> None:
    """Put back the signal handlers ``previous`` holds, by signal (None: set outside Python)."""
    for number, handler in previous.items():
        if handler is not None:
            signal.signal(number, handler)
