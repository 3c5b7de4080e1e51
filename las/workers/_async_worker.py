"""``las.AsyncWorker``: :class:`las.Worker` for ``async def`` functions, on one event loop.

The same decisions (:mod:`._worker_base`, :mod:`._outcomes`, :mod:`._reporting`); here only
the loop: asyncio tasks instead of threads, :class:`AsyncHeartbeats`, :func:`las.paginate_async`
for the polls. Importing this module does not import aiohttp; building a worker needs it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
import threading
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from .._pagination import paginate_async
from ..resources import Transition
from ._heartbeats import DEFAULT_HEARTBEAT_INTERVAL, AsyncHeartbeats
from ._outcomes import (
    AsyncTransitionFunction,
    Cancellation,
    Completion,
    completion_for_exception,
    run_coroutine_function,
)
from ._reporting import DEFAULT_PATIENCE, complete_for_worker_async
from ._worker import STOP_SIGNALS, is_async_callable
from ._worker_base import ABANDON_AFTER, RELEASE, RELEASING, TASKS_OWN, WorkerBase, WorkerCounters

if TYPE_CHECKING:
    from .._async_client import AsyncClient
    from .._async_session import AsyncSession

__all__ = ["AsyncWorker"]

log = logging.getLogger("las.workers")

_CANCELLED_END = 0.1  # seconds a stop gives the requests it left behind to end once cancelled


@dataclass
class _Task:
    """One execution in the worker's hands; ``state`` moves as
    :class:`las.workers._worker_base.Held` says (a stop's release cancels the function).
    ``cancelled`` tells the function when the execution is no longer its own (its task is
    cancelled too)."""

    execution_id: str
    state: str = "taking"
    handle: asyncio.Task[None] | None = field(default=None, repr=False)
    cancelled: Cancellation = field(default_factory=Cancellation, repr=False)
    completion: Completion | None = field(default=None, repr=False)  # once being delivered
    sending_release: bool = field(default=False, repr=False)  # a stop's release is on its way


class AsyncWorker(WorkerBase):
    """Complete the running executions of a transition with ``async def function(client, event)``.

    :class:`las.Worker` for coroutines: the same polling, outcomes (a dict: ``succeeded``;
    ``las.Reject``: ``rejected``; ``las.Retry``: ``retry``; an exception: ``failed``), exactly-once
    completion, counters and stopping, with the functions run as asyncio tasks on the running
    event loop (up to ``concurrency`` at once), heartbeats sent by asyncio tasks, and
    ``client`` an :class:`las.AsyncClient`. Inside the function, :func:`las.workers.current_execution`
    is the execution it runs.

    Stopping: :meth:`stop`, SIGTERM or SIGINT (during :meth:`run`, where the loop can handle
    signals) stop the taking of new executions; executions in hand finish for up to
    ``grace_period`` seconds, then the functions still running are cancelled and each
    execution released (status ``retry``) as soon as its coroutine has ended. A coroutine still
    running a second after its cancellation (it delays or swallows ``CancelledError``) is
    abandoned: a warning names its execution, which is released anyway; the coroutine is left
    on the loop and what it returns is dropped. So :meth:`run` returns in bounded time
    whatever the coroutines do, but for blocking code in one (``time.sleep``, a sync HTTP
    call): it holds up the loop, the stop included, for as long as it blocks; no bound holds
    then (run such code with ``asyncio.to_thread``). A second signal releases at once. Cancelling the task that
    awaits :meth:`run` does the same as a stop with ``release=True``, then re-raises the
    cancellation, held back only by the requests on the wire, within the stop's bound of
    4.5 s past the release (as for :class:`las.Worker`; further cancellations too):
    takes under way are cancelled, and completions still being delivered get one last
    attempt at most, as for :class:`las.Worker`.

    Whatever the coroutine raises, its execution is completed once and the event loop goes
    on: an exception (or another BaseException) ends it ``failed``, naming it; a
    cancellation the worker did not ask for (``asyncio.CancelledError`` raised by the
    function, or the API ending the execution) releases it; SystemExit and KeyboardInterrupt
    release it and stop the worker as a signal would, then :meth:`run` raises them again.
    When the API ends an execution in hand (a refused heartbeat: timed out, completed
    elsewhere), its heartbeats stop, its coroutine is cancelled and
    :func:`las.workers.cancellation` says why.

    Args:
        transition: the transition (a :class:`las.Transition` or its id) whose executions to complete.
        function: ``async def function(client, event) -> dict``; ``client`` is the worker's
            :class:`las.AsyncClient`, ``event`` the execution's input. A plain function is
            refused (TypeError): run it with :class:`las.Worker`.
        session: an :class:`las.AsyncSession` or :class:`las.AsyncClient`; when omitted, the
            running loop's default one (the default session's credentials), chosen by :meth:`run`.
        concurrency: functions running at the same time (tasks; the Worker's word for its
            threads, so code moves between the two by adding ``async``/``await``).
        poll_interval, heartbeat_interval, grace_period, patience, page_size: as for :class:`las.Worker`.

    Example::

        async def review(client: las.AsyncClient, event: dict) -> dict:
            document = await client.get_document(event["documentId"])
            return {"pages": 1, "contentType": document["contentType"]}

        async with las.AsyncSession() as session:
            worker = las.AsyncWorker(transition_id, review, session=session, concurrency=64)
            counters = await worker.run()  # until SIGTERM / SIGINT / worker.stop()
    """

    variant = "AsyncWorker"

    def __init__(
        self,
        transition: Transition | str,
        function: AsyncTransitionFunction,
        *,
        session: AsyncSession | AsyncClient | None = None,
        concurrency: int = 16,
        poll_interval: float = 5.0,
        heartbeat_interval: float = DEFAULT_HEARTBEAT_INTERVAL,
        grace_period: float | None = 25.0,
        patience: float = DEFAULT_PATIENCE,
        page_size: int = 100,
    ) -> None:
        if not callable(function):
            raise TypeError(f"function must be callable as `await function(client, event)`, got {function!r}")
        if not is_async_callable(function):
            raise TypeError(
                f"{getattr(function, '__name__', function)!r} is not an async function: las.AsyncWorker "
                "awaits `async def function(client, event)`; run a plain function with las.Worker"
            )
        if session is not None and not getattr(session, "is_async", False):
            raise TypeError(
                f"las.AsyncWorker needs session= an las.AsyncSession or las.AsyncClient, got "
                f"{type(session).__name__}: make one with las.AsyncSession(credentials), or run a "
                "plain function with las.Worker"
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
        self._session = session
        self.client: AsyncClient | None = None if session is None else self._client_for(session)
        """The :class:`las.AsyncClient` the function is called with (None until :meth:`run`
        when no session was given)."""
        self._tasks: dict[str, _Task] = {}
        self._deferred: list[str] = []  # executions the last poll left alone for now
        self._heartbeats: AsyncHeartbeats | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None  # set when stopped or an execution left the hands
        self._stopped: asyncio.Event | None = None  # set when stopped
        self._time_up_on_loop: asyncio.Event | None = None  # self._time_up, for the loop's waits

    @staticmethod
    def _client_for(session: Any) -> AsyncClient:
        try:
            from ..resources._session import client_for_async

            return client_for_async(session)
        except ModuleNotFoundError as error:
            if error.name != "aiohttp":
                raise
            raise ModuleNotFoundError(
                "las.AsyncWorker needs aiohttp: pip install 'lucidtech-las-sdk[async]'", name="aiohttp"
            ) from None

    def _open_heartbeat_failures(self) -> int:
        heartbeats = self._heartbeats
        return 0 if heartbeats is None else heartbeats.failures

    def stop(self, *, release: bool = False) -> None:
        """Ask :meth:`run` to stop; returns at once. Safe from any thread and from signal handlers.

        A stop asked for while no run is in progress is kept for the next :meth:`run`, which
        returns at once without taking anything: so ``asyncio.create_task(worker.run())``
        followed by ``worker.stop()`` stops that run although its task has not started yet.
        That run uses the stop up: the one after runs as usual. (A stop asked for after a run
        returned is kept too: it stops the next run at once.)

        Args:
            release: cancel the functions in hand and release their executions now instead of
                waiting ``grace_period`` (each as soon as its coroutine ends, a second at most).
        """
        self._stop_requested(release)
        loop, wake = self._loop, self._wake
        if loop is None or wake is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._wake_on_stop()
        else:
            with contextlib.suppress(RuntimeError):  # the loop has closed: the run is over
                loop.call_soon_threadsafe(self._wake_on_stop)

    def _wake_on_stop(self) -> None:
        for event in (self._wake, self._stopped):
            if event is not None:
                event.set()

    async def run(self, *, until_idle: bool = False, handle_signals: bool = True) -> WorkerCounters:
        """Take and complete executions until stopped; returns the counters.

        Args:
            until_idle: also return once a poll made with nothing in hand finds no running
                execution (drain what is there, then exit: for batch jobs and tests).
            handle_signals: SIGTERM and SIGINT stop the worker gracefully (a second one
                releases at once), through ``loop.add_signal_handler``: on the main thread of
                a loop that supports it (not on Windows). The previous handlers come back on return.

        Raises:
            RuntimeError: the worker is already running.
            SystemExit, KeyboardInterrupt: what a coroutine raised to stop the program, once
                its execution was released and the executions in hand were finished or released.
        """
        self._begin()
        try:
            loop = asyncio.get_running_loop()
            if self._session is None:  # the running loop's default: a new loop has a new one
                self.client = self._client_for(None)
            client = self.client
            assert client is not None
            self._loop, self._wake, self._time_up_on_loop = loop, asyncio.Event(), asyncio.Event()
            self._stopped = asyncio.Event()
            if self._stopping:  # stopped before the events were there
                self._wake_on_stop()
            self._heartbeats = AsyncHeartbeats(client, self.heartbeat_interval)
        except BaseException:
            self._end(0)
            raise
        installed = self._install_signal_handlers(loop) if handle_signals else {}
        try:
            try:
                await self._poll_loop(until_idle)
            except asyncio.CancelledError:
                self.stop(release=True)
                raise
            finally:
                await self._drain()
        finally:
            heartbeats = self._heartbeats
            try:
                await heartbeats.aclose()
            finally:  # even if cancelled again: the worker can run again
                self._restore_signal_handlers(loop, installed)
                self._heartbeats = None
                self._loop = self._wake = self._stopped = self._time_up_on_loop = None
                self._end(heartbeats.failures)
        self._raise_interruption()
        return self.counters

    # -- the loop ----------------------------------------------------------------------------

    def _install_signal_handlers(self, loop: asyncio.AbstractEventLoop) -> dict[int, Any]:
        """Stop on SIGTERM/SIGINT through the loop; what they replace, by signal: the
        Python-level handler (``asyncio.run``'s own for SIGINT, say) and the loop's own handler
        that the application added (``loop.add_signal_handler``, as asyncio servers do)."""
        if threading.current_thread() is not threading.main_thread():
            return {}
        installed: dict[int, Any] = {}
        for number in STOP_SIGNALS:
            # asyncio's own loops keep their handlers there (no public way to read one back)
            on_loop = getattr(loop, "_signal_handlers", {}).get(number)
            previous = (signal.getsignal(number), on_loop)
            try:
                loop.add_signal_handler(number, self._signalled, number)
            except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main loop
                log.info(
                    "signal %s is left alone: this event loop cannot handle it", signal.Signals(number).name
                )
                continue
            installed[number] = previous
        return installed

    @staticmethod
    def _restore_signal_handlers(loop: asyncio.AbstractEventLoop, installed: dict[int, Any]) -> None:
        for number, (previous, on_loop) in installed.items():
            loop.remove_signal_handler(number)
            if isinstance(on_loop, asyncio.Handle) and not on_loop.cancelled():  # the application's
                callback = cast(Any, on_loop)._callback  # private to asyncio, as _signal_handlers
                loop.add_signal_handler(number, callback, *on_loop._args)
            elif previous is not None:  # None: set outside Python, cannot be put back
                signal.signal(number, previous)

    async def _poll_loop(self, until_idle: bool) -> None:
        wake = self._wake
        assert wake is not None
        while True:
            while not self._stopping and len(self._tasks) >= self.concurrency:
                wake.clear()
                await wake.wait()
            if self._stopping:
                return
            free = self.concurrency - len(self._tasks)
            busy = bool(self._tasks)
            wake.clear()  # a departure from now on wakes the wait below at once
            try:
                found = await self._poll_unless_stopped(free)
            except Exception as error:
                self._poll_failed(error)
                await self._wait(self._idle_wait())
                continue
            if found is None:  # stopped while the listing was on the wire
                return
            for execution_id in found:
                self._start(execution_id)
            if not found:
                if until_idle and not busy and not self._deferred:
                    return
                await self._wait(self._idle_wait())

    async def _wait(self, seconds: float) -> None:
        """Sleep up to ``seconds``, unless stopped or an execution has left the worker's hands
        since the poll began (then poll again at once: there is a free slot)."""
        assert self._wake is not None
        if self._stopping:
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)

    async def _poll_unless_stopped(self, free: int) -> list[str] | None:
        """:meth:`_poll`, or None (the poll cancelled) if the worker stops first: a listing
        held by the API holds up no stop."""
        assert self._stopped is not None
        polling = asyncio.ensure_future(self._poll(free))
        stopped = asyncio.ensure_future(self._stopped.wait())
        try:
            await asyncio.wait({polling, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
            if not polling.done():
                polling.cancel()
                await asyncio.wait({polling})  # its connection is given back before the drain
        if polling.cancelled():
            return None
        return polling.result()

    async def _poll(self, free: int) -> list[str]:
        """Ids of up to ``free`` running executions not in hand, oldest first, through
        :func:`las.paginate_async` (a page outside the contract raises, as for :class:`las.Worker`)."""
        assert self.client is not None
        found: list[str] = []
        self._deferred.clear()
        # An async generator, closed at once when the poll has found enough.
        listing = cast(
            "AsyncGenerator[dict[str, Any], None]",
            paginate_async(
                self.client.list_transition_executions, self.transition_id, **self._listing_filters()
            ),
        )
        async with contextlib.aclosing(listing):
            async for item in listing:
                execution_id = self._offered(item, self._tasks, found, self._deferred)
                if execution_id is not None:
                    found.append(execution_id)
                    if len(found) == free:
                        break
        return found

    def _start(self, execution_id: str) -> None:
        task = _Task(execution_id)
        self._tasks[execution_id] = task
        task.handle = asyncio.get_running_loop().create_task(
            self._process(task), name=f"las-worker:{execution_id[-8:]}"
        )

    # -- one execution -----------------------------------------------------------------------

    async def _process(self, task: _Task) -> None:
        transition_id, execution_id = self.transition_id, task.execution_id
        client, heartbeats = self.client, self._heartbeats
        assert client is not None and heartbeats is not None
        try:
            try:
                current = await self._bounded(client).get_transition_execution(transition_id, execution_id)
            except Exception as error:
                self._take_failed(execution_id, error)
                return
            if current.get("status") != "running":
                self._remember_ended(execution_id)
                return
            if self._stopping:  # not started: leave it untouched for whoever comes next
                return
            task.state = "working"
            completion = self._taken(execution_id)
            heartbeats.add(transition_id, execution_id, functools.partial(self._ended_by_api, task))
            raised: BaseException | None = None
            if completion is None:
                try:
                    completion, raised = await run_coroutine_function(
                        self.function, client, current, task.cancelled
                    )
                except asyncio.CancelledError as cancellation:
                    if task.state == "released":
                        raise  # the stop's: the drain releases the execution
                    # Not the worker's stop: the API ended the execution, or the function
                    # raised it. A cancellation, not a failure: released (once), then go on.
                    _uncancel(task.handle)
                    completion, raised = completion_for_exception(cancellation), cancellation
            if not self._returned(task, completion, raised):  # it swallowed the stop's cancellation
                return
            # No heartbeat races the completion (but for one the stop's time cannot wait for).
            await heartbeats.remove(transition_id, execution_id, self._heartbeat_wait())
            task.completion = completion
            await self._deliver(execution_id, completion)
        finally:
            try:
                await heartbeats.remove(transition_id, execution_id, 0.0)  # a release waits, if any
            finally:  # even if the stop's release cancels it there (its function just returned)
                self._let_go(task, self._tasks)
                self._no_longer_behind(task, TASKS_OWN)
                if self._wake is not None:
                    self._wake.set()

    def _ended_by_api(self, task: _Task, reason: str) -> None:
        """The heartbeats' word that the API ended the execution: tell its function, cancel it."""
        task.cancelled.cancel(reason)
        if task.state == "working" and task.handle is not None:
            task.handle.cancel()

    async def _deliver(self, execution_id: str, completion: Completion) -> None:
        assert self.client is not None
        try:
            client = self.client
            delivery = await complete_for_worker_async(
                lambda: self._bounded(client),
                self.transition_id,
                execution_id,
                completion,
                patience=self.patience,
                hurry=self._time_up.is_set,
                sleep=self._backoff,
            )
        except Exception as error:
            self._not_delivered(execution_id, completion, error)
        else:
            self._delivered(execution_id, completion, delivery)

    async def _backoff(self, seconds: float) -> None:
        """A delivery's wait between attempts: ``seconds``, or until the stop's time is up."""
        time_up = self._time_up_on_loop
        if time_up is None:
            await asyncio.sleep(seconds)
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(time_up.wait(), timeout=seconds)

    # -- stopping ----------------------------------------------------------------------------

    async def _drain(self) -> None:
        """Wait for executions in hand (up to the grace period), then cancel the functions still
        running and release each execution as soon as its coroutine has ended, or
        :data:`ABANDON_AFTER` later if it has not (then it is abandoned). From then on the
        stop's time is up: takes are cancelled (they would leave their execution untouched),
        and completions still being delivered wait no more and make one last attempt at most
        (then their execution is left to the API's timeout, with a warning). A cancellation
        of the caller (a second one, when the first stopped :meth:`run`) ends the grace period;
        it is raised once the releases and the requests on the wire are done, however often
        it comes: they are not cancelled with it, and no retry wait is left to hold it back."""
        self._stop_requested(release=False)  # tasks not yet started stay untouched
        wake = self._wake
        assert wake is not None and self._time_up_on_loop is not None
        self._draining(len(self._tasks))
        deadline = self._grace_ends
        cancelled: asyncio.CancelledError | None = None
        try:
            while self._tasks and not self._release_now:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    break
                wake.clear()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(wake.wait(), timeout=remaining)
        except asyncio.CancelledError as error:  # raised below, once the work in hand is released
            cancelled = error
        self._set_time_up()
        self._time_up_on_loop.set()
        released = self._release_working(self._tasks.values())
        finishing = [task.handle for task in self._tasks.values() if task.state != "released"]
        taking = [task for task in self._tasks.values() if task.state == "taking"]
        for task in taking:  # its GET gains nothing: a take while stopping leaves it be
            if task.handle is not None:
                task.handle.cancel()
        releases = [(task, asyncio.ensure_future(self._release(task))) for task in released]
        finished = asyncio.gather(
            *(handle for handle in finishing if handle is not None), return_exceptions=True
        )
        ending = asyncio.gather(*(release for _, release in releases), finished)
        until = self._releases_end()
        while not ending.done() and time.monotonic() < until:
            try:  # a cancellation of the caller does not cancel what is waited for
                await asyncio.wait({ending}, timeout=until - time.monotonic())
            except asyncio.CancelledError as error:
                cancelled = cancelled or error
        for task in taking:  # cancelled before it began, its own cleanup never ran
            self._let_go(task, self._tasks)
        if not ending.done():  # requests sent before the stop, still on the wire
            for task, release in releases:  # no release request sent: none on the wire
                if not release.done() and not task.sending_release:
                    assert task.handle is not None
                    task.handle.cancel()
                    self._release_deferred(task, self._tasks)
            behind = [
                *((task, TASKS_OWN) for task in self._tasks.values()),
                *(
                    (task, RELEASING)
                    for task, release in releases
                    if task.sending_release and not release.done()
                ),
            ]
            self._left_behind(behind, self._tasks)
            for task, _ in behind:  # cancelled on the wire: it may land or not
                if task.completion is not None:
                    self._may_not_have_landed(task.execution_id, task.completion)
            ending.cancel()
            try:
                await asyncio.wait({ending}, timeout=_CANCELLED_END)
            except asyncio.CancelledError as error:
                cancelled = cancelled or error
            futures: list[asyncio.Future[Any]] = [ending, finished, *(release for _, release in releases)]
            for future in futures:  # cancelled: not an error
                if future.done() and not future.cancelled():
                    future.exception()
        else:
            ending.result()
        if cancelled is not None:
            raise cancelled

    async def _release(self, task: _Task) -> None:
        """Cancel the coroutine of ``task`` (released); release its execution once the coroutine
        has ended, or :data:`ABANDON_AFTER` later, leaving it running (it may swallow the
        cancellation) and no longer in hand."""
        assert task.handle is not None and self._heartbeats is not None
        task.handle.cancel()
        ended, _ = await asyncio.wait({task.handle}, timeout=ABANDON_AFTER)
        if not ended:
            self._abandon(task, self._tasks)
        try:
            await self._heartbeats.remove(self.transition_id, task.execution_id, self._heartbeat_wait())
            task.completion, task.sending_release = RELEASE, True
            await self._deliver(task.execution_id, RELEASE)
        finally:
            self._no_longer_behind(task, RELEASING)


def _uncancel(handle: asyncio.Task[None] | None) -> None:
    """Withdraw a cancellation the task has handled (Python 3.11+ counts them: a count left
    behind would turn a later ``asyncio.timeout`` in the task into a cancellation)."""
    cancelling, uncancel = getattr(handle, "cancelling", None), getattr(handle, "uncancel", None)
    if cancelling is not None and uncancel is not None and cancelling():
        uncancel()
