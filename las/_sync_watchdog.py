"""The deadline of the sync attempts in flight, enforced by one timer thread per process.

:class:`las._transport`'s pacer cuts each socket read to what is left of the deadline, but it
runs only between the reads it makes itself. Inside one read, urllib3 and http.client may loop
on the socket on their own: urllib3's ``read1`` keeps receiving while what arrived decodes to
nothing (a gzip body of empty blocks), http.client's ``readline`` keeps receiving until a
chunk-size line or a header line ends, and sending a request body keeps writing while a slow
server keeps reading. Each receive or send is bounded by the cut timeout, the loop is not: a
server that sends (or takes) a byte every few milliseconds holds the call for as long as it likes.

The :class:`Watchdog` is the backstop. An attempt is watched from before its request goes out
until its answer is read (:meth:`Watchdog.watch` / :meth:`Watchdog.forget`); once it is
:data:`GRACE` seconds past its call's deadline (the pacer and the cut timeouts end it at the
deadline itself whenever they can see the clock), the watchdog shuts the attempt's socket down
(``SHUT_RDWR``: a blocked receive or send returns at once) and marks the attempt
:attr:`Attempt.cut`. The executor then fails the attempt with the call's ``DeadlineExceeded``,
whatever the read made of the cut (an error, or an end of body that looks complete), and the
connection is closed, never put back in the pool.

Who owns a connection is decided by the pool (:class:`WatchedAdapter`): an attempt owns the
connection it took from the pool until it gives it back, and the socket is shut down only under
the connection's lock, while the attempt that passed its deadline still owns it. A connection
still being opened is shut down, once its socket is connected (a proxy's ``CONNECT`` tunnel, the
TLS handshake: http.client loops there too), through a duplicate of that socket; nothing was sent
on it, so that cut is :attr:`Attempt.unsent` and the executor reports the connection as not opened
by the deadline (``APIConnectionError``), not ``DeadlineExceeded``. The socket itself is opened by
the connection class's own ``_new_conn`` (urllib3's ``create_connection``, as a program may have
patched it, or a SOCKS proxy's): each address's connect is bounded by the connect timeout, cut to
what is left of the deadline as the attempt began, not by the watchdog (the name lookup by
nothing: the system resolver cannot be cut). A socket that cannot be duplicated (no descriptor
left) is opened unwatched, bounded by its timeouts. A connection given back and taken by another
call is never touched, nor is a socket being closed. An answer that ends its connection
(``Connection: close``, or a body read until the close) has its socket let go by http.client's
connection: the attempt keeps a duplicate of it until forgotten, to shut it down. A connection
class that is not urllib3's own (a test double such as vcrpy's) is not watched.

The thread starts on the first watched attempt (never at import, nor for a call without a
deadline), waits for the earliest expiry (it looks at least every :data:`LINGER` seconds while
attempts are in flight; the common call, over long before its deadline, never wakes it), and ends
when no attempt has been watched for :data:`LINGER` seconds; a forked child starts its own
(:mod:`las._fork`). Just before a fork with no attempt in flight, the thread is ended at once
(:meth:`Watchdog.before_fork`), so that a program that forks right after a call (a
``multiprocessing`` pool) forks with no thread of ours: nothing of ours for the child to inherit
half-way, and no "multi-threaded fork" DeprecationWarning on Python >= 3.12. A failure never
disables it, nor fails a call: a thread that cannot start (a limit on threads; Python >= 3.12 at
interpreter exit) leaves the attempt unwatched, bounded by its cut timeouts, and the next attempt
tries again; an error inside the thread is logged and it looks again :data:`_AGAIN` later; however
the thread ends, it says so (and one found gone is replaced). The first failure is a WARNING (on
the ``las.session`` logger), later ones DEBUG; a cut that keeps failing is logged once per
attempt, not at every look.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.poolmanager import PoolManager

from ._fork import track
from ._lean_session import LeanSession

__all__ = ["GRACE", "LINGER", "WATCHDOG", "Attempt", "Watchdog", "WatchedAdapter", "watched_http"]

GRACE = 0.05
"""Seconds past its deadline before an attempt's socket is shut down."""
LINGER = 1.0
"""Seconds the thread stays without any attempt to watch before it ends."""
_AGAIN = 0.01  # seconds before looking again at an expired attempt not cut yet
_JOIN_BEFORE_FORK = 1.0  # seconds a fork waits at most for the idle thread to end
_JOIN_SLICE = 0.001  # seconds between two looks, while waiting, at whether an attempt came
_LOCK_BEFORE_FORK = 0.1  # seconds a fork waits at most for the watchdog's lock
_NEVER = float("inf")

log = logging.getLogger("las.session")


class Attempt:
    """One send in flight: when it expires, the connection it owns, and whether it was cut."""

    __slots__ = ("conn", "cut", "expires_at", "failed", "sock", "unsent")

    def __init__(self, expires_at: float) -> None:
        self.expires_at = expires_at
        self.conn: Any = None  # the pool's connection this attempt took (it may have given it back)
        self.sock: socket.socket | None = None  # a duplicate of the socket its answer alone reads
        self.cut = False  # the watchdog shut the socket down: the attempt is the deadline's
        self.unsent = False  # ... while its connection was still being opened: nothing was sent
        self.failed = False  # a cut of it raised (logged once)


_current = threading.local()  # the attempt the calling thread is making (read by the pool)


class Watchdog:
    """The sync attempts in flight in this process, and the one thread that cuts expired ones."""

    def __init__(self) -> None:
        self._reset()
        self._tracked = False
        self._warned = False

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._live: set[Attempt] = set()
        self._thread: threading.Thread | None = None  # set only once started, None once it ends
        self._wake_at = _NEVER  # when the thread looks next (never: it is not running)
        self._last_watch = 0.0
        self._ending = False  # a fork is coming: end now if nothing is watched

    def watch(self, deadline_at: float) -> Attempt:
        """Watch the calling thread's next attempt, whose call must end by ``deadline_at``
        (``time.monotonic()``); :meth:`forget` it once its answer is read or it failed.

        Never raises: when no thread can be started (a limit on threads, or the interpreter
        shutting down), the attempt goes on unwatched, bounded by its cut timeouts alone, and the
        next attempt tries again."""
        attempt = Attempt(deadline_at + GRACE)
        _current.attempt = attempt
        if deadline_at == _NEVER:
            return attempt
        with self._lock:
            self._live.add(attempt)
            now = self._last_watch = time.monotonic()
            if self._wake_at < now and self._thread is not None and not self._thread.is_alive():
                # late to look: a thread gone without saying so (it always says; belt and braces)
                self._thread, self._wake_at = None, _NEVER
            if attempt.expires_at < self._wake_at:
                if self._thread is None:
                    self._start()
                else:
                    self._wake.notify()
        return attempt

    def forget(self, attempt: Attempt) -> None:
        """Stop watching ``attempt``: from now on it is never cut (read :attr:`Attempt.cut` after)."""
        _current.attempt = None
        if attempt.expires_at != _NEVER:
            with self._lock:
                self._live.discard(attempt)
                if attempt.sock is not None:
                    attempt.sock.close()  # the duplicate only: the answer closed its own

    def after_fork_in_child(self) -> None:
        # The parent's thread is not in the child, and its lock may have been held at the fork.
        self._reset()

    def before_fork(self) -> None:
        """Called just before this process forks: end the thread now if no attempt is in flight
        (the next attempt starts another). With attempts in flight it stays: they need it.

        Never blocks the fork for long: the lock is waited for at most :data:`_LOCK_BEFORE_FORK`
        seconds (a fork from a signal handler may interrupt this very thread while it holds
        it), the thread's end at most :data:`_JOIN_BEFORE_FORK`, and not at all once an attempt
        is watched meanwhile (the thread then stays for it)."""
        if not self._lock.acquire(timeout=_LOCK_BEFORE_FORK):
            return
        try:
            thread = self._thread
            if thread is None or self._live:
                return
            self._ending = True
            self._wake.notify()
            watched = self._last_watch
        finally:
            self._lock.release()
        until = time.monotonic() + _JOIN_BEFORE_FORK
        # An attempt watched meanwhile (another thread's call) keeps the thread: stop waiting then.
        while thread.is_alive() and self._last_watch == watched and time.monotonic() < until:
            thread.join(_JOIN_SLICE)
        _wait_for_the_system_thread(thread, until)
        self._ending = False  # read under the lock by the thread; a bool's write needs none

    def _start(self) -> None:
        if not self._tracked:
            track(self)
            if hasattr(os, "register_at_fork"):
                os.register_at_fork(before=self.before_fork)
            self._tracked = True
        thread = threading.Thread(target=self._run, name="las-deadline-watchdog", daemon=True)
        try:
            thread.start()
        except Exception as error:  # RuntimeError: "can't start new thread" (or create, at exit)
            # Python >= 3.12 starts no thread once the interpreter is shutting down (a call from an
            # atexit handler): expected there, so not worth a warning.
            exiting = getattr(threading, "_SHUTTING_DOWN", False) is True
            self._complain(
                "the deadline watchdog thread could not start (%s: %s): calls go on unwatched, "
                "their reads bounded by their timeouts; the next call tries again",
                type(error).__name__,
                error,
                quiet=exiting,
            )
            return
        self._thread = thread
        self._wake_at = 0.0  # it looks at every attempt first thing

    def _complain(self, message: str, *args: object, quiet: bool = False, exc_info: bool = False) -> None:
        """Log a failure of the watchdog: at WARNING the first time in the process, else at DEBUG."""
        loud = not quiet and not self._warned
        if loud:
            self._warned = True
        log.log(logging.WARNING if loud else logging.DEBUG, message, *args, exc_info=exc_info)

    def _run(self) -> None:
        with self._lock:
            try:
                while self._look():
                    pass
            finally:  # however it ends: the next watch() starts another
                self._thread = None
                self._wake_at = _NEVER

    def _look(self) -> bool:
        """One look at the attempts: cut the expired ones, then wait for the next expiry; False
        when it is time to end (nothing watched for :data:`LINGER` seconds)."""
        now = time.monotonic()
        soonest = now + LINGER
        for attempt in self._live:
            if attempt.cut:
                continue
            if now < attempt.expires_at:
                soonest = min(soonest, attempt.expires_at)
                continue
            try:
                if _cut(attempt):
                    continue
            except Exception:  # a connection class that does not behave: look again soon
                if not attempt.failed:  # said once per attempt, not at every look
                    attempt.failed = True
                    self._complain(
                        "the deadline watchdog failed to cut an attempt (it tries again)", exc_info=True
                    )
            soonest = min(soonest, now + _AGAIN)
        if not self._live and (self._ending or now - self._last_watch >= LINGER):
            return False
        self._wake_at = soonest
        self._wake.wait(soonest - now)
        return True


def _wait_for_the_system_thread(thread: threading.Thread, until: float) -> None:
    """Wait, until ``until`` (``time.monotonic()``) at most, for the system thread of ``thread``
    to be gone once Python has seen it end: ``Thread.join`` returns before it exits (Python <
    3.13), and Python >= 3.12 counts the system's threads (Linux: ``/proc``) to warn of a fork
    with threads. Where the system's threads cannot be seen (not Linux), it returns at once."""
    task = f"/proc/self/task/{thread.native_id}"
    while (
        thread.native_id is not None
        and not thread.is_alive()
        and os.path.exists(task)
        and time.monotonic() < until
    ):
        time.sleep(0.0001)


def _cut(attempt: Attempt) -> bool:
    """Shut down the socket of the connection ``attempt`` owns (open, or still being opened);
    False when it owns none yet."""
    conn = attempt.conn
    lock = getattr(conn, "_las_lock", None)
    if lock is None:
        return False
    with lock:
        owned = conn._las_owner is attempt
        if owned and conn._las_open and conn.sock is not None:
            _shutdown(conn.sock)
        elif attempt.sock is not None:  # the answer alone reads its socket: no one else's
            _shutdown(attempt.sock)
        elif owned and conn._las_opening is not None:  # connecting, a proxy's tunnel, TLS
            _shutdown(conn._las_opening)
            attempt.unsent = True
        else:  # no socket yet (the name being resolved), or the connection given back
            return False
        attempt.cut = True
    return True


def _shutdown(sock: Any) -> None:
    while not isinstance(sock, socket.socket) and sock is not None:
        sock = getattr(sock, "socket", None)  # TLS in TLS (urllib3's SSLTransport): its socket
    if sock is not None:
        try:
            # socket.socket's own: an SSLSocket's would also drop its TLS state under the reader
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
        except OSError:
            pass


WATCHDOG = Watchdog()
"""The process's watchdog (its thread starts with the first attempt watched)."""


class _WatchedConnection(HTTPConnection):
    """urllib3's connection, with the attempt that owns it and a lock that keeps the watchdog's
    shutdown and the connection's close apart (a socket is never shut down once closed).

    While a watched attempt opens it, once its socket is connected (a proxy's CONNECT tunnel, the
    TLS handshake), a duplicate of that socket lets the watchdog shut it down too."""

    _las_owner: Attempt | None = None
    _las_open = False
    _las_opening: socket.socket | None = None  # a duplicate of the socket being opened

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._las_lock = threading.Lock()

    def connect(self) -> None:
        opened = False
        try:
            super().connect()
            opened = True
        finally:
            with self._las_lock:
                opening, self._las_opening = self._las_opening, None
                self._las_open = opened
            if opening is not None:
                opening.close()  # the duplicate only

    def _new_conn(self) -> socket.socket:
        # The class's own opener (urllib3's, with whatever create_connection or
        # allowed_gai_family a program patched in; a SOCKS connection's, through its proxy): each
        # address's connect is bounded by the connect timeout, cut to the deadline as the attempt
        # began. The watchdog can shut the socket down from here on (proxy tunnel, TLS).
        sock: socket.socket = super()._new_conn()
        owner = self._las_owner
        if owner is None or owner.expires_at == _NEVER:
            return sock
        # No cut can have come before: with no socket to shut down, _cut leaves the attempt be.
        # connect() closes the duplicate once the connection is open (or failed to open).
        duplicate = _duplicate(sock)  # None: it goes on unwatched while it is opened
        with self._las_lock:
            self._las_opening = duplicate
        return sock

    def close(self) -> None:
        with self._las_lock:
            self._las_open = False
            opening, self._las_opening = self._las_opening, None
            super().close()
        if opening is not None:
            opening.close()

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        sock = self.sock
        response = super().getresponse(*args, **kwargs)
        owner = self._las_owner
        if self.sock is None and sock is not None and owner is not None and owner.expires_at != _NEVER:
            # An answer that ends the connection (``Connection: close``, or no length): http.client
            # closed the connection and left the socket to the answer alone. A duplicate of it
            # lets the watchdog shut it down until the attempt is forgotten, and never another's.
            owner.sock = _duplicate(sock)
        return response


class _WatchedPool(HTTPConnectionPool):
    """urllib3's pool, telling which attempt owns each connection it lends."""

    @property
    def ConnectionCls(self) -> Any:  # type: ignore[override]
        # The pool class's own, looked up at each connection (a test double such as vcrpy patches
        # it on urllib3's classes): urllib3's classes get their watched twin, others are used as
        # they are (an attempt on them is bounded by the pacer alone).
        base: Any = None
        for klass in type(self).__mro__:
            if klass is not _WatchedPool and "ConnectionCls" in vars(klass):
                base = vars(klass)["ConnectionCls"]
                break
        if base.__module__.partition(".")[0] != "urllib3":
            return base
        return _watched(base, _WatchedConnection)

    def _get_conn(self, timeout: float | None = None) -> Any:
        conn: Any = super()._get_conn(timeout)
        attempt: Attempt | None = getattr(_current, "attempt", None)
        conn._las_owner = attempt
        if attempt is not None:
            attempt.conn = conn
        return conn

    def _put_conn(self, conn: Any) -> None:
        lock = getattr(conn, "_las_lock", None)
        if lock is not None:
            with lock:  # waits for a shutdown under way: then it is seen as cut
                owner, conn._las_owner = conn._las_owner, None
            if owner is not None and owner.cut:
                conn.close()  # its socket is shut down: never lent again
        super()._put_conn(conn)


def _duplicate(sock: Any) -> socket.socket | None:
    """A socket of its own on ``sock``'s connection (``socket.dup``: a descriptor on POSIX, a
    handle on Windows), for the watchdog to shut that connection down; None when none can be made
    (out of descriptors): the connection goes on unwatched, bounded by its timeouts."""
    try:
        return socket.socket(fileno=socket.dup(sock.fileno()))
    except (OSError, ValueError):
        return None


_WATCHED: dict[type[Any], type[Any]] = {}


def _watched(cls: type[Any], mixin: type[Any]) -> type[Any]:
    """``cls`` with ``mixin`` first (one class per pair, made once)."""
    if issubclass(cls, mixin):
        return cls
    watched = _WATCHED.get(cls)
    if watched is None:
        namespace = {"__module__": __name__}
        watched = _WATCHED.setdefault(cls, type("Watched" + cls.__name__, (mixin, cls), namespace))
    return watched


def _watch_pools(manager: PoolManager) -> PoolManager:
    by_scheme = manager.pool_classes_by_scheme
    manager.pool_classes_by_scheme = {
        scheme: _watched(pool, _WatchedPool) for scheme, pool in by_scheme.items()
    }
    return manager


class WatchedAdapter(HTTPAdapter):
    """requests' adapter whose pools (direct and through a proxy) tell the :data:`WATCHDOG`
    which attempt owns each connection."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        _watch_pools(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        manager: PoolManager = _watch_pools(super().proxy_manager_for(proxy, **proxy_kwargs))
        return manager


def watched_http(pool_connections: int = 10, pool_maxsize: int = 10) -> requests.Session:
    """A ``requests.Session`` whose http and https pools are :class:`WatchedAdapter`'s (requests
    makes no retry of its own: the policy decides), with requests' per-request work done leaner
    (:class:`las._lean_session.LeanSession`)."""
    http = LeanSession()
    adapter = WatchedAdapter(pool_connections=pool_connections, pool_maxsize=pool_maxsize, max_retries=0)
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    return http
