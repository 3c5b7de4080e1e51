"""Heartbeats: background threads (or asyncio tasks) that tell the API executions are still
being worked on.

The API times out a transition execution that goes 60 seconds without a heartbeat (the
reference client: "Must be done at minimum once every 60 seconds"). :class:`Heartbeats` sends
one for every registered execution right away and then every ``interval`` seconds;
:class:`AsyncHeartbeats` does the same on asyncio. Which execution is due when, and which has a
heartbeat on the wire, is :class:`Schedule`'s, shared by both. The heartbeats that are due go
out at the same time, at most one per execution (so never more at once than the executions
registered: a worker's ``concurrency``): one sent after another, the last of many executions
in hand would wait for the answers to all the others and could pass the API's limit however
healthy the worker. A heartbeat that fails is logged (and counted), never raised: losing one is
survivable, crashing the work is not.

Each heartbeat gets ``interval`` seconds (at least :data:`BEAT_DEADLINE_FLOOR`) to be answered,
retries included, then counts as failed: the next one is due anyway, and one whose answer
never comes must not hold up that execution's next heartbeat (nor the completion that waits
for it) until the API times it out.

A refusal is different when the execution has ended: the API answers 400 (404 once it is gone)
to a heartbeat of an execution that is no longer ``running``. After a 400, 404 or 409 the
execution is read once (a refusal of a running one, a fault, is survived as any failure); if
it has ended, its heartbeats stop for good and its ``on_end`` callback is told why
(:func:`ended_reason`), so the work can stop too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final

from ..client import Client
from ..exceptions import BadRequestError, ConflictError, NotFoundError

if TYPE_CHECKING:
    from .._async_client import AsyncClient

__all__ = [
    "DEFAULT_HEARTBEAT_INTERVAL",
    "HEARTBEAT_LIMIT",
    "AsyncHeartbeats",
    "Heartbeats",
    "OnEnd",
    "Schedule",
    "check_interval",
    "ended_reason",
]

log = logging.getLogger("las.workers")

HEARTBEAT_LIMIT: Final = 60.0
"""Seconds the API waits for a heartbeat before it times the execution out."""
DEFAULT_HEARTBEAT_INTERVAL: Final = 20.0
"""Seconds between heartbeats: a third of the limit, so two may be lost in a row."""


BEAT_DEADLINE_FLOOR: Final = 1.0
"""Seconds a heartbeat may take at least, however short the interval."""


def check_interval(interval: float) -> float:
    """``interval`` if it is a usable heartbeat interval, else ValueError saying why."""
    if not 0 < interval < HEARTBEAT_LIMIT:
        raise ValueError(
            f"heartbeat_interval must be above 0 and below the API's {HEARTBEAT_LIMIT:g}-second "
            f"heartbeat limit, got {interval!r}; the default is {DEFAULT_HEARTBEAT_INTERVAL:g}"
        )
    return float(interval)


Key = tuple[str, str]  # (transition id, execution id)

OnEnd = Callable[[str], object]
"""Called (once, from the heartbeat thread or task) with the reason when the API has ended an
execution whose heartbeats were refused."""

_MAYBE_ENDED: Final = (BadRequestError, NotFoundError, ConflictError)
"""A heartbeat refused with one of these may mean the execution is no longer running."""


def ended_reason(execution_id: str, looked: dict[str, Any] | BaseException) -> str | None:
    """Why the heartbeats of an execution whose heartbeat was refused stop for good: ``looked``
    is the execution as read after the refusal (or the read's error). None when it is still
    running, or the read failed another way: the refusal was a fault, survived as any other."""
    if isinstance(looked, NotFoundError):
        return f"{execution_id} is gone at the API (404); its heartbeats stopped"
    if isinstance(looked, BaseException) or looked.get("status") == "running":
        return None
    return (
        f"{execution_id} is no longer running at the API (status {looked.get('status')!r}); "
        "its heartbeats stopped and the function's result will not be recorded"
    )


class Schedule:
    """When each registered execution's next heartbeat is due, and which executions have one on
    the wire (no clock of its own, no I/O, no lock: its owner's). An execution whose heartbeat
    is on the wire is not due again until :meth:`sent`: at most one heartbeat per execution is
    in flight, so never more at once than the executions registered."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._due: dict[Key, float] = {}
        self._on_end: dict[Key, OnEnd] = {}
        self._sending: set[Key] = set()

    def __len__(self) -> int:
        """The registered executions."""
        return len(self._due)

    def add(self, key: Key, on_end: OnEnd | None = None) -> None:
        """Register ``key``, its first heartbeat due at once (once its heartbeat on the wire, if
        any, is answered)."""
        self._due[key] = 0.0
        self._on_end.pop(key, None)
        if on_end is not None:
            self._on_end[key] = on_end

    def discard(self, key: Key) -> None:
        """No more heartbeats for ``key`` (one on the wire stays there until :meth:`sent`)."""
        self._due.pop(key, None)
        self._on_end.pop(key, None)

    def clear(self) -> None:
        """:meth:`discard` every key."""
        self._due.clear()
        self._on_end.clear()

    def forget_sending(self) -> None:
        """No heartbeat is on the wire any more (its sender was stopped before it could say so)."""
        self._sending.clear()

    def ended(self, key: Key, reason: str, level: int = logging.WARNING) -> OnEnd | None:
        """Drop ``key`` for good (the API ended its execution): who to tell, if anyone."""
        self._due.pop(key, None)
        log.log(level, "%s", reason)
        return self._on_end.pop(key, None)

    def take(self, now: float) -> Key | None:
        """A key whose heartbeat is due at ``now`` and not on the wire, or None. The key is then
        on the wire until :meth:`sent`, its next heartbeat due ``interval`` after ``now``."""
        key = next((key for key, due in self._due.items() if due <= now and key not in self._sending), None)
        if key is not None:
            self._due[key] = now + self.interval
            self._sending.add(key)
        return key

    def sent(self, key: Key) -> None:
        """The heartbeat of ``key`` taken by :meth:`take` is answered (or given up)."""
        self._sending.discard(key)

    def sending(self, key: Key) -> bool:
        """Whether a heartbeat of ``key`` is on the wire."""
        return key in self._sending

    def on_the_wire(self) -> list[Key]:
        """The keys whose heartbeat is on the wire."""
        return sorted(self._sending)

    def wait(self, now: float) -> float:
        """Seconds from ``now`` until the next heartbeat not held up by one on the wire is due
        (``interval`` when there is none: a :meth:`sent` or :meth:`add` is waited for)."""
        due = (due for key, due in self._due.items() if key not in self._sending)
        return min(due, default=now + self.interval) - now


def beat_deadline(interval: float) -> float:
    """Seconds a heartbeat may take, retries included, for heartbeats ``interval`` apart."""
    return max(interval, BEAT_DEADLINE_FLOOR)


def bounded(client: Any, interval: float) -> Any:
    """A client of the same kind on ``client``'s connections whose calls end within a heartbeat's
    time (see the module's docstring); ``client`` itself if its session has no such option."""
    return with_deadline(client, beat_deadline(interval))


def with_deadline(client: Any, seconds: float) -> Any:
    """A client of the same kind on ``client``'s connections (and token) whose calls end
    within ``seconds`` (or its session's deadline, if shorter); ``client`` itself if its
    session has no such option (a test double)."""
    session = getattr(client, "session", None)
    with_options = getattr(session, "with_options", None)
    if with_options is None:
        return client
    deadline = min(getattr(session, "deadline", math.inf), seconds)
    return type(client)(session=with_options(deadline=deadline))


def _log_failure(execution_id: str, error: BaseException, level: int = logging.WARNING) -> None:
    log.log(level, "heartbeat for %s failed (the work goes on): %s", execution_id, error)


def _tell(on_end: OnEnd | None, reason: str) -> None:
    """Call ``on_end``; what it raises is logged, never raised into the heartbeats (not even
    SystemExit: it would end a sender that the other executions' heartbeats need)."""
    if on_end is None:
        return
    try:
        on_end(reason)
    except BaseException:
        log.exception("telling the function that its execution ended failed")


class Heartbeats:
    """Send heartbeats for the registered executions until they are removed or this is closed.

    The due heartbeats go out at the same time, each from a daemon thread named
    ``las-heartbeats``: one thread per execution registered at once at most, started when
    needed and kept until :meth:`close`. ``client``'s Session is shared by those threads (a
    :class:`las.Session` is thread-safe).

    Args:
        client: sends the heartbeats (``POST .../heartbeats``; the Session retries them).
        interval: seconds between two heartbeats of one execution (below 60).

    Example::

        with Heartbeats(client, interval=20) as heartbeats:
            heartbeats.add(transition_id, execution_id)
            ...  # the long work
            heartbeats.remove(transition_id, execution_id)

    Attributes:
        sent: heartbeats the API accepted.
        failures: heartbeats that failed (each is logged as a warning).
    """

    def __init__(self, client: Client, interval: float = DEFAULT_HEARTBEAT_INTERVAL) -> None:
        self.client = client
        self.interval = check_interval(interval)
        self._beating: Client = bounded(client, self.interval)
        self.deadline = beat_deadline(self.interval)
        """Seconds a heartbeat may take, retries included (see the module's docstring)."""
        self.sent = 0
        self.failures = 0
        self._schedule = Schedule(self.interval)
        self._condition = threading.Condition()
        self._closed = False
        self._threads: list[threading.Thread] = []

    def add(self, transition_id: str, execution_id: str, on_end: OnEnd | None = None) -> None:
        """Start beating for this execution: the first heartbeat goes out at once (nothing
        happens once these Heartbeats are closed). ``on_end(reason)`` is called, from a
        heartbeat thread, if the API answers that the execution has ended; its heartbeats
        stop then."""
        with self._condition:
            if self._closed:
                return
            self._schedule.add((transition_id, execution_id), on_end)
            if len(self._threads) < len(self._schedule):  # one sender per execution at most
                thread = threading.Thread(target=self._run, name="las-heartbeats", daemon=True)
                self._threads.append(thread)
                thread.start()
            self._condition.notify_all()

    def remove(self, transition_id: str, execution_id: str, timeout: float | None = None) -> bool:
        """Stop beating for this execution. If its heartbeat is on the wire, wait for the
        answer (within the heartbeat's time), for ``timeout`` seconds at most: once this returns
        True, no heartbeat for it is sent or in flight (so a completion sent next never races
        one); False: one is still on the wire (a worker's stop cannot wait for it). From
        ``on_end`` (a heartbeat thread), it does not wait."""
        key = (transition_id, execution_id)
        until = None if timeout is None else time.monotonic() + timeout
        with self._condition:
            self._schedule.discard(key)
            while self._schedule.sending(key) and threading.current_thread() not in self._threads:
                remaining = None if until is None else until - time.monotonic()
                if remaining is not None and remaining <= 0:
                    break
                self._condition.wait(remaining)
            return not self._schedule.sending(key)

    def close(self, timeout: float | None = None) -> list[str]:
        """Stop the threads and wait for them (each ends once its heartbeat on the wire, if
        any, is answered or given up), for ``timeout`` seconds at most in all: a thread
        still waiting for an answer then ends on its own, within its heartbeat's time
        (:attr:`deadline`). Idempotent. Returns the ids of the executions whose heartbeat is
        still on the wire (their threads are left running)."""
        until = None if timeout is None else time.monotonic() + timeout
        with self._condition:
            self._closed = True
            self._schedule.clear()
            self._condition.notify_all()
            threads = list(self._threads)
        for thread in threads:
            if thread is not threading.current_thread():
                thread.join(None if until is None else max(until - time.monotonic(), 0.0))
        with self._condition:
            return [execution_id for _, execution_id in self._schedule.on_the_wire()]

    def __enter__(self) -> Heartbeats:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _run(self) -> None:
        """One sender: the next due heartbeat, whichever execution's, until closed."""
        while True:
            with self._condition:
                key = None
                while not self._closed and key is None:
                    now = time.monotonic()
                    key = self._schedule.take(now)
                    if key is None:
                        self._condition.wait(timeout=self._schedule.wait(now))
                if key is None:
                    return
            try:
                self._beat(*key)
            finally:
                with self._condition:
                    self._schedule.sent(key)
                    self._condition.notify_all()

    def _beat(self, transition_id: str, execution_id: str) -> None:
        try:
            self._beating.send_heartbeat(transition_id, execution_id)
        except BaseException as error:  # a user's response hook may sys.exit(): a failed beat,
            with self._condition:  # never the end of a sender the other executions need
                self.failures += 1
            if isinstance(error, _MAYBE_ENDED) and self._ended(transition_id, execution_id):
                return
            _log_failure(execution_id, error, self._level())
        else:
            with self._condition:
                self.sent += 1

    def _level(self) -> int:
        """WARNING, or INFO once closed: a heartbeat that ends after :meth:`close` gave up on it
        was named then (by a worker, when its run() returned; a program may be exiting)."""
        with self._condition:
            return logging.INFO if self._closed else logging.WARNING

    def _ended(self, transition_id: str, execution_id: str) -> bool:
        """After a refusal: whether the execution has ended (then its beats stop, it is told)."""
        looked: dict[str, Any] | BaseException
        try:
            looked = self._beating.get_transition_execution(transition_id, execution_id)
        except BaseException as error:  # as in _beat: a hook's sys.exit() ends no sender
            looked = error
        reason = ended_reason(execution_id, looked)
        if reason is None:
            return False
        with self._condition:
            on_end = self._schedule.ended((transition_id, execution_id), reason, self._level())
        _tell(on_end, reason)
        return True


class AsyncHeartbeats:
    """:class:`Heartbeats` for asyncio: one task keeps the schedule and starts a task per
    heartbeat due (named ``las-heartbeats:...``), awaiting an :class:`las.AsyncClient`; the due
    ones go out at the same time, at most one per execution.

    Create and use it inside the running event loop; the tasks start with the first
    :meth:`add` and end with :meth:`aclose` (or ``async with``).

    Example::

        async with AsyncHeartbeats(async_client, interval=20) as heartbeats:
            heartbeats.add(transition_id, execution_id)
            ...  # the long work, awaited
            await heartbeats.remove(transition_id, execution_id)

    Attributes:
        sent: heartbeats the API accepted.
        failures: heartbeats that failed (each is logged as a warning).
    """

    def __init__(self, client: AsyncClient, interval: float = DEFAULT_HEARTBEAT_INTERVAL) -> None:
        self.client = client
        self.interval = check_interval(interval)
        self._beating: AsyncClient = bounded(client, self.interval)
        self.sent = 0
        self.failures = 0
        self._schedule = Schedule(self.interval)
        self._changed = asyncio.Event()  # a key was added or answered: look at the schedule again
        self._sent_one = asyncio.Condition()  # notified when a heartbeat on the wire is answered
        self._closed = False
        self._task: asyncio.Task[None] | None = None
        self._beats: set[asyncio.Task[None]] = set()  # heartbeats on the wire

    def add(self, transition_id: str, execution_id: str, on_end: OnEnd | None = None) -> None:
        """Start beating for this execution: the first heartbeat goes out at once (nothing
        happens once these heartbeats are closed). ``on_end(reason)`` is called, from a
        heartbeat task, if the API answers that the execution has ended; its heartbeats stop
        then."""
        if self._closed:
            return
        self._schedule.add((transition_id, execution_id), on_end)
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="las-heartbeats")
        self._changed.set()

    async def remove(self, transition_id: str, execution_id: str, timeout: float | None = None) -> bool:
        """Stop beating for this execution. If its heartbeat is on the wire, wait for the
        answer, for ``timeout`` seconds at most: as :meth:`Heartbeats.remove`."""
        key = (transition_id, execution_id)
        self._schedule.discard(key)
        if not self._schedule.sending(key):
            return True
        async with self._sent_one:
            answered = self._sent_one.wait_for(lambda: not self._schedule.sending(key))
            with contextlib.suppress(asyncio.TimeoutError):  # not the builtin one before Python 3.11
                await asyncio.wait_for(answered, timeout=timeout)
        return not self._schedule.sending(key)

    async def aclose(self) -> None:
        """Stop the tasks (the heartbeats on the wire are cancelled) and wait for them. Idempotent."""
        self._closed = True
        self._schedule.clear()
        self._changed.set()  # the scheduler ends even if its cancellation is lost (wait_for < 3.12)
        task, self._task = self._task, None
        tasks = [task, *self._beats] if task is not None else list(self._beats)
        for each in tasks:
            each.cancel()
        try:
            # Their CancelledErrors are returned, not raised; a cancellation of the caller is raised.
            await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            # A heartbeat task cancelled before its first step never said it was answered: nothing
            # is on the wire now, so no remove() waits for it.
            self._schedule.forget_sending()
            async with self._sent_one:
                self._sent_one.notify_all()

    async def __aenter__(self) -> AsyncHeartbeats:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.aclose()

    async def _run(self) -> None:
        """Start each heartbeat when it is due, on a task of its own."""
        loop = asyncio.get_running_loop()
        while not self._closed:
            now = loop.time()
            key = self._schedule.take(now)
            if key is None:
                self._changed.clear()
                try:
                    await asyncio.wait_for(self._changed.wait(), timeout=self._schedule.wait(now))
                except asyncio.TimeoutError:  # not the builtin one before Python 3.11
                    pass
                continue
            beat = loop.create_task(self._send(key), name=f"las-heartbeats:{key[1][-8:]}")
            self._beats.add(beat)
            beat.add_done_callback(self._beats.discard)

    async def _send(self, key: Key) -> None:
        try:
            await self._beat(*key)
        finally:
            self._schedule.sent(key)
            self._changed.set()
            async with self._sent_one:
                self._sent_one.notify_all()

    async def _beat(self, transition_id: str, execution_id: str) -> None:
        try:
            await self._beating.send_heartbeat(transition_id, execution_id)
        except Exception as error:
            self.failures += 1
            if isinstance(error, _MAYBE_ENDED) and await self._ended(transition_id, execution_id):
                return
            _log_failure(execution_id, error)
        else:
            self.sent += 1

    async def _ended(self, transition_id: str, execution_id: str) -> bool:
        """:meth:`Heartbeats._ended`, awaited."""
        looked: dict[str, Any] | Exception
        try:
            looked = await self._beating.get_transition_execution(transition_id, execution_id)
        except Exception as error:
            looked = error
        reason = ended_reason(execution_id, looked)
        if reason is None:
            return False
        _tell(self._schedule.ended((transition_id, execution_id), reason), reason)
        return True
