"""The sync deadline holds whatever the server does once the connection is open: reads and sends
that urllib3 and http.client loop on inside one call (a gzip body of empty blocks, a chunk-size
line or a header dribbled a byte at a time, an upload the server takes slowly) end at the
deadline, because the watchdog (las/_sync_watchdog.py) shuts the attempt's socket down. And the
watchdog's own surface: a cut is never a truncated success, a cut connection is never lent
again, a connection given back is never cut, many threads, a forked child, a closed Session."""

from __future__ import annotations

import logging
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import las
import las._sync_watchdog
import las._transport
from las._sync_watchdog import GRACE, WATCHDOG, Watchdog
from tests.support.raw_server import RawServer, gzip_of_nothing
from tests.support.recorder import CLIENT_ID, CLIENT_SECRET, Recorder

DEADLINE = 0.4
MARGIN = 0.8  # seconds past the deadline a call may end on a loaded CI machine (~GRACE when idle)
CHUNKED = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 2\r\n\r\nok"


@pytest.fixture
def session(tmp_path: Path) -> Iterator[las.Session]:
    """A Session for file URLs (no token needed): deadline 0.4 s, read timeouts far longer."""
    credentials = las.Credentials(
        CLIENT_ID, CLIENT_SECRET, "http://127.0.0.1:9", "http://127.0.0.1:9", cache_path=tmp_path / "c.json"
    )
    with las.Session(credentials, deadline=DEADLINE, timeout=(2.0, 5.0), max_retries=0) as session:
        yield session


def _outcome(call: Callable[[], object], bound: float = 10.0) -> tuple[object, float]:
    """What ``call`` returned or raised, and the seconds it took; the test fails (instead of
    hanging) if it runs past ``bound``."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as error:
            outcome.append(error)

    started = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(bound)
    assert not thread.is_alive(), f"the call was still running after {bound} s"
    return outcome[0], time.monotonic() - started


def _ends_at_the_deadline(outcome: object, took: float, deadline: float = DEADLINE) -> None:
    assert isinstance(outcome, las.DeadlineExceeded), (outcome, took)
    assert f"deadline of {deadline:g} s" in str(outcome)
    assert took < deadline + MARGIN, f"the call with deadline={deadline} s took {took:.2f} s"


def _gzip_nothing_answer(server: RawServer, conn: socket.socket, head: bytes) -> None:
    """A gzip body that decodes to nothing, 5 bytes every 10 ms (1.5 s): urllib3's read1 loops
    on it inside one read, where the pacer cannot look at the clock."""
    if b"/fast" in head.split(b"\r\n")[0]:
        conn.sendall(OK)
        return
    header, blocks, end = gzip_of_nothing(150)
    length = len(header) + 5 * len(blocks) + len(end)
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Encoding: gzip\r\n"
        b"Content-Length: %d\r\n\r\n" % length + header
    )
    server.send_spaced(conn, [*blocks, end], 0.01)


def _chunk_size_answer(server: RawServer, conn: socket.socket, head: bytes) -> None:
    """A chunked body whose last chunk-size line's extension comes a byte every 10 ms (1.5 s):
    http.client reads that line with one readline()."""
    if b"/fast" in head.split(b"\r\n")[0]:
        conn.sendall(OK)
        return
    conn.sendall(CHUNKED + b"2\r\nok\r\n0;")
    server.send_spaced(conn, [b"x"] * 150 + [b"\r\n\r\n"], 0.01)


def test_a_dribbled_gzip_body_that_decodes_to_nothing_ends_at_the_deadline(session: las.Session) -> None:
    """Without the watchdog the call succeeds after the whole 1.5 s body (or 6 s, or as long as
    the server likes)."""
    server = RawServer(_gzip_nothing_answer)
    try:
        _ends_at_the_deadline(*_outcome(lambda: las.Client(session=session).get_file(server.url + "/f")))
    finally:
        server.close()


def test_a_dribbled_chunk_size_line_ends_at_the_deadline(session: las.Session, tmp_path: Path) -> None:
    """Into memory and into a file alike; without the watchdog each succeeds after 1.5 s."""
    server = RawServer(_chunk_size_answer)
    client = las.Client(session=session)
    try:
        _ends_at_the_deadline(*_outcome(lambda: client.get_file(server.url + "/f")))
        with open(tmp_path / "copy", "w+b") as sink:
            _ends_at_the_deadline(*_outcome(lambda: client.get_file(server.url + "/f", into=sink)))
    finally:
        server.close()


def test_a_json_call_whose_header_line_dribbles_ends_at_the_deadline(tmp_path: Path) -> None:
    """http.client reads each header line with one readline(): a header sent a byte every 10 ms
    held the call (with its token fetched first, inside the same deadline) for 1.5 s, then
    answered it."""

    def answer(server: RawServer, conn: socket.socket, head: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: ")
        server.send_spaced(conn, [b"x"] * 150 + [b"\r\nContent-Length: 2\r\n\r\n{}"], 0.01)

    server, recorder = RawServer(answer), Recorder()  # the API, and the token endpoint
    credentials = las.Credentials(
        CLIENT_ID, CLIENT_SECRET, recorder.url, server.url, cache_path=tmp_path / "c.json"
    )
    try:
        with las.Session(credentials, deadline=DEADLINE, timeout=(2.0, 5.0), max_retries=0) as session:
            _ends_at_the_deadline(*_outcome(lambda: session.request("GET", "/documents")))
    finally:
        server.close()
        recorder.close()


def test_an_upload_the_server_takes_slowly_ends_at_the_deadline(session: las.Session, tmp_path: Path) -> None:
    """A file body is sent 8 KiB per send, each bounded by the cut timeout, not the whole: a server
    that reads 4 KiB every 10 ms (8 MiB: 20 s) held put_file past its deadline."""
    (tmp_path / "big").write_bytes(b"%PDF-1.4\n" + b"\0" * (8 << 20))

    def answer(server: RawServer, conn: socket.socket, head: bytes) -> None:
        left = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
        while left > 0 and not server.stopped.wait(0.01):
            got = conn.recv(4096)
            if not got:
                return
            left -= len(got)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")

    server = RawServer(answer, read_body=False, receive_buffer=16384)
    try:
        client = las.Client(session=session)
        _ends_at_the_deadline(*_outcome(lambda: client.put_file(server.url + "/f", tmp_path / "big")))
    finally:
        server.close()


def test_a_cut_body_read_until_close_is_never_a_truncated_success(session: las.Session) -> None:
    """A body with no length is read until the connection closes, and a socket shut down reads as
    closed: without the cut being the deadline's, an answer whose gzip payload comes after the
    cut "succeeds" with an empty body. The payload is sent around the moment the watchdog cuts
    (from just before to 1 s after): each call returns the whole payload or raises
    DeadlineExceeded, never less."""
    deadline = 0.2
    payload = b"the whole answer " * 64
    deflate = zlib.compressobj(wbits=-15)
    compressed = deflate.compress(payload) + deflate.flush()
    trailer = zlib.crc32(payload).to_bytes(4, "little") + len(payload).to_bytes(4, "little")
    header, _, _ = gzip_of_nothing(0)
    offsets = iter([-0.02, 0.0, 0.02, 1.0])  # payload sent at deadline + GRACE + offset

    def answer(server: RawServer, conn: socket.socket, head: bytes) -> None:
        arrived = time.monotonic()
        payload_at = arrived + deadline + GRACE + next(offsets)
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Encoding: gzip\r\n"
            b"Connection: close\r\n\r\n" + header
        )
        while time.monotonic() < payload_at - 0.01 and not server.stopped.wait(0.01):
            conn.sendall(b"\x00\x00\x00\xff\xff")  # an empty block: decodes to nothing
        if server.stopped.wait(max(0.0, payload_at - time.monotonic())):
            return
        conn.sendall(compressed + trailer)
        conn.shutdown(socket.SHUT_WR)

    server = RawServer(answer)
    client = las.Client(session=session.with_options(deadline=deadline))
    try:
        for _ in range(4):
            outcome, took = _outcome(lambda: client.get_file(server.url + "/f"))
            assert outcome == payload or isinstance(outcome, las.DeadlineExceeded), (outcome, took)
            assert took < deadline + MARGIN
        assert isinstance(outcome, las.DeadlineExceeded)  # the payload 1 s after the cut
    finally:
        server.close()


def test_a_cut_connection_is_never_lent_again(session: las.Session) -> None:
    """The connection whose socket the watchdog shut down is closed, not put back in the pool:
    the next call opens a new one (and the one after reuses that: the pool works)."""
    server = RawServer(_gzip_nothing_answer)
    client = las.Client(session=session)
    try:
        _ends_at_the_deadline(*_outcome(lambda: client.get_file(server.url + "/slow")))
        assert client.get_file(server.url + "/fast") == b"ok"
        assert client.get_file(server.url + "/fast") == b"ok"
        assert server.connections == 2
    finally:
        server.close()


def test_an_expired_attempt_never_cuts_a_connection_it_gave_back(session: las.Session) -> None:
    """An attempt whose answer was read gave its connection back to the pool; another call took
    it. When the first attempt passes its deadline (not yet forgotten: the race of an attempt
    that finished just as the watchdog fires), the connection, now the other call's, is left
    alone: the other call succeeds on the same connection."""

    def answer(server: RawServer, conn: socket.socket, head: bytes) -> None:
        if b"/late" in head.split(b"\r\n")[0] and server.stopped.wait(3 * GRACE + 0.1):
            return
        conn.sendall(OK)

    server = RawServer(answer)
    first = WATCHDOG.watch(time.monotonic() + GRACE)
    try:
        assert session.http.get(server.url + "/fast").content == b"ok"  # given back, not forgotten
        second = WATCHDOG.watch(time.monotonic() + 30)
        try:
            late = session.http.get(server.url + "/late")  # the first attempt expires meanwhile
        finally:
            WATCHDOG.forget(second)
        assert late.content == b"ok"
        assert not first.cut and not second.cut
        assert server.connections == 1
    finally:
        WATCHDOG.forget(first)
        server.close()


def _watchdog_threads() -> int:
    return sum(thread.name == "las-deadline-watchdog" for thread in threading.enumerate())


def test_many_threads_each_end_at_their_own_deadline_on_one_session(session: las.Session) -> None:
    """Three calls dribbled to with deadlines 0.2, 0.35 and 0.5 s, beside three threads making
    quick calls on the same Session: each dribbled one ends at its own deadline, every quick one
    succeeds, and one watchdog thread serves them all."""
    server = RawServer(_chunk_size_answer)
    slow_calls: list[tuple[object, float, float]] = []
    fast_calls: list[tuple[object, float]] = []

    def slow(deadline: float) -> None:
        quick = las.Client(session=session.with_options(deadline=deadline))
        slow_calls.append((*_outcome(lambda: quick.get_file(server.url + "/slow")), deadline))

    relaxed = las.Client(session=session.with_options(deadline=5))

    def fast() -> None:
        for _ in range(10):
            fast_calls.append(_outcome(lambda: relaxed.get_file(server.url + "/fast")))

    threads = [threading.Thread(target=slow, args=(d,)) for d in (0.2, 0.35, 0.5)]
    threads += [threading.Thread(target=fast) for _ in range(3)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(0.1)
        assert _watchdog_threads() == 1
        for thread in threads:
            thread.join(15)
        assert not any(thread.is_alive() for thread in threads)
        assert len(slow_calls) == 3 and len(fast_calls) == 30
        for outcome, took, deadline in slow_calls:
            _ends_at_the_deadline(outcome, took, deadline)
        assert all(outcome == b"ok" for outcome, _ in fast_calls), fast_calls
    finally:
        server.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_childs_calls_still_end_at_their_deadline(session: las.Session) -> None:
    """Forked while the parent's watchdog thread is waiting on an attempt in flight: the child
    has no such thread (nor the parent's lock), starts its own, and its call ends at its deadline."""
    server = RawServer(_chunk_size_answer)
    client = las.Client(session=session)
    parent = threading.Thread(target=lambda: _outcome(lambda: client.get_file(server.url + "/p")))
    parent.start()
    time.sleep(0.1)
    assert _watchdog_threads() == 1
    read_fd, write_fd = os.pipe()
    with warnings.catch_warnings():  # Python >= 3.12 warns of a fork with threads running
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        try:
            outcome, took = _outcome(lambda: client.get_file(server.url + "/c"))
            report = f"{type(outcome).__name__} {took:.2f}"
        except BaseException as error:
            report = repr(error)
        finally:
            os.write(write_fd, report.encode())
            os._exit(0)
    os.close(write_fd)
    ready: list[int] = []
    try:
        ready, _, _ = select.select([read_fd], [], [], 10)
        report = os.read(read_fd, 1000).decode() if ready else "no report in 10 s"
    finally:
        os.close(read_fd)
        if not ready:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        parent.join(10)
        server.close()
    kind, _, took = report.partition(" ")
    assert kind == "DeadlineExceeded", report
    assert float(took) < DEADLINE + MARGIN


def _fork_and_count_watchdog_threads() -> int:
    """Fork (the child exits at once) and count this process's watchdog threads right after."""
    with warnings.catch_warnings():  # Python >= 3.12 warns of a fork with threads running
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
        if pid == 0:
            os._exit(0)
    threads = _watchdog_threads()
    os.waitpid(pid, 0)
    return threads


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_fork_right_after_a_call_forks_no_watchdog_thread(session: las.Session) -> None:
    """The thread lingers a second after a call; a fork in that second (a multiprocessing pool)
    ends it first, so the fork has no thread of ours (on Python >= 3.12, no "multi-threaded
    fork" DeprecationWarning for it). The next call starts another, and its deadline holds."""
    server = RawServer(_chunk_size_answer)
    try:
        client = las.Client(session=session)
        assert client.get_file(server.url + "/fast") == b"ok"
        assert _watchdog_threads() == 1  # lingering
        assert _fork_and_count_watchdog_threads() == 0
        _ends_at_the_deadline(*_outcome(lambda: client.get_file(server.url + "/slow")))
    finally:
        server.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_fork_while_a_call_is_in_flight_keeps_the_watchdog_for_it(session: las.Session) -> None:
    """The thread is ended before a fork only when no call needs it: a call dribbled to in
    another thread still ends at its deadline."""
    server = RawServer(_chunk_size_answer)
    client = las.Client(session=session)
    outcomes: list[tuple[object, float]] = []
    slow = threading.Thread(
        target=lambda: outcomes.append(_outcome(lambda: client.get_file(server.url + "/s")))
    )
    try:
        slow.start()
        time.sleep(0.1)
        assert _fork_and_count_watchdog_threads() == 1
        slow.join(10)
        _ends_at_the_deadline(*outcomes[0])
    finally:
        server.close()


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux's /proc")
def test_after_the_hook_before_a_fork_the_system_counts_no_watchdog_thread() -> None:
    """Python >= 3.12 warns of a fork when the system (Linux: /proc) counts more than one thread;
    Thread.join returns a moment before the system thread exits, so the hook waits for that too."""
    for _ in range(300):  # without the wait, about one in fifteen is still counted
        WATCHDOG.forget(WATCHDOG.watch(time.monotonic() + 60))
        thread = WATCHDOG._thread
        assert thread is not None
        WATCHDOG.before_fork()
        assert not os.path.exists(f"/proc/self/task/{thread.native_id}")


def test_a_fork_while_another_thread_keeps_calling_is_not_held_up() -> None:
    """The hook ends the idle thread; a call that starts in another thread before the thread has
    ended keeps it (the call needs it): the fork then goes on at once, not a second later."""
    stop = threading.Event()

    def calls() -> None:
        while not stop.is_set():
            attempt = WATCHDOG.watch(time.monotonic() + 60)
            time.sleep(0)  # in flight: the calls' I/O lets other threads run
            WATCHDOG.forget(attempt)
            time.sleep(0.0002)

    caller = threading.Thread(target=calls)
    caller.start()
    try:
        for _ in range(100):  # before: often one waited the whole second for a thread that stays
            started = time.monotonic()
            WATCHDOG.before_fork()
            assert time.monotonic() - started < 0.5
            time.sleep(0.001)
    finally:
        stop.set()
        caller.join(5)
    WATCHDOG.before_fork()  # the thread ends now, not a second after the test


def test_a_fork_while_the_watchdog_lock_is_held_is_not_held_up(session: las.Session) -> None:
    """A fork from a signal handler can interrupt the very thread that holds the watchdog's lock:
    the hook before the fork gives up on the lock quickly instead of waiting for it for ever."""
    server = RawServer(_chunk_size_answer)
    try:
        las.Client(session=session).get_file(server.url + "/fast")  # the thread lingers
        done = threading.Event()
        WATCHDOG._lock.acquire()
        try:
            hook = threading.Thread(target=lambda: (WATCHDOG.before_fork(), done.set()), daemon=True)
            hook.start()
            assert done.wait(5), "before_fork waited for a lock that would never be released"
        finally:
            WATCHDOG._lock.release()
        hook.join(5)
    finally:
        server.close()


def test_closing_the_session_while_a_call_is_watched(session: las.Session) -> None:
    """The Session closed while a call's read is blocked: the call still ends at its deadline,
    and the Session (and the watchdog) serve the next calls."""
    server = RawServer(_chunk_size_answer)
    client = las.Client(session=session)
    try:
        results: list[tuple[object, float]] = []
        slow = threading.Thread(
            target=lambda: results.append(_outcome(lambda: client.get_file(server.url + "/s")))
        )
        slow.start()
        time.sleep(0.1)
        session.close()
        slow.join(10)
        _ends_at_the_deadline(*results[0])
        assert client.get_file(server.url + "/fast") == b"ok"
        _ends_at_the_deadline(*_outcome(lambda: client.get_file(server.url + "/s")))
    finally:
        server.close()


def test_no_watchdog_thread_at_import_nor_for_a_session_not_yet_used() -> None:
    code = (
        "import threading, las\n"
        "las.Session(las.Credentials('i', 's', 'http://127.0.0.1:9', 'http://127.0.0.1:9'))\n"
        "print(threading.active_count())\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert ran.stdout.strip() == "1", ran


def test_the_watchdog_thread_ends_once_nothing_was_watched_for_its_linger(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its thread ends LINGER seconds (0.1 here) after the last attempt, and the next attempt
    starts another."""
    monkeypatch.setattr(las._sync_watchdog, "LINGER", 0.1)
    watchdog = Watchdog()
    ended = []
    for _ in range(2):
        attempt = watchdog.watch(time.monotonic() + 30)
        thread = watchdog._thread
        assert thread is not None and thread.is_alive() and thread not in ended
        watchdog.forget(attempt)
        thread.join(5)
        assert not thread.is_alive()
        ended.append(thread)


# -- the watchdog's own failures: it goes on, and a call never fails for them ----------------------


@pytest.fixture
def watchdog(monkeypatch: pytest.MonkeyPatch) -> Iterator[Watchdog]:
    """A watchdog of the test's own in place of the process's (whose state a test breaks on
    purpose), lingering 0.05 s; its thread ends with the test."""
    monkeypatch.setattr(las._sync_watchdog, "LINGER", 0.05)
    own = Watchdog()
    monkeypatch.setattr(las._transport, "WATCHDOG", own)
    yield own
    thread = own._thread
    if thread is not None:
        with own._lock:
            own._wake.notify()
        thread.join(5)


def _failing_watchdog_starts(monkeypatch: pytest.MonkeyPatch, times: int) -> list[threading.Thread]:
    """Make the watchdog's next ``times`` thread starts fail as at a limit on threads (or, on
    Python >= 3.12, in an atexit handler); returns the threads refused."""
    real_start = threading.Thread.start
    refused: list[threading.Thread] = []

    def start(self: threading.Thread) -> None:
        if self.name == "las-deadline-watchdog" and len(refused) < times:
            refused.append(self)
            raise RuntimeError("can't start new thread")
        real_start(self)

    monkeypatch.setattr(threading.Thread, "start", start)
    return refused


def test_a_watchdog_thread_that_could_not_start_is_started_by_the_next_call(
    session: las.Session, watchdog: Watchdog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One failed start left the watchdog marked running (a thread never started, looking "now"):
    no later call in the process was ever watched again."""
    refused = _failing_watchdog_starts(monkeypatch, times=1)
    server = RawServer(_chunk_size_answer)
    client = las.Client(session=session)
    try:
        assert client.get_file(server.url + "/fast") == b"ok"
        assert refused
        _ends_at_the_deadline(*_outcome(lambda: client.get_file(server.url + "/slow")))
    finally:
        server.close()


def test_a_call_goes_on_unwatched_when_no_watchdog_thread_can_start(
    session: las.Session,
    watchdog: Watchdog,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every start failing (Python 3.12 at interpreter exit): each call is answered as without
    the watchdog, nothing is left watched, and one warning says so (once, not per call). Before,
    the call raised the bare RuntimeError and left its attempt watched for good."""
    refused = _failing_watchdog_starts(monkeypatch, times=1000)
    server = RawServer(_chunk_size_answer)
    client = las.Client(session=session)
    try:
        with caplog.at_level(logging.DEBUG, logger="las.session"):
            for _ in range(3):
                assert client.get_file(server.url + "/fast") == b"ok"
        assert len(refused) == 3  # each call tried again
        assert not watchdog._live and watchdog._thread is None
        assert getattr(las._sync_watchdog._current, "attempt", None) is None
        warnings_ = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings_) == 1 and "could not start" in warnings_[0].getMessage(), caplog.records
    finally:
        server.close()


def test_an_error_inside_the_watchdog_thread_neither_ends_it_nor_spares_the_attempt(
    session: las.Session,
    watchdog: Watchdog,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The shutdown raising once (a connection class that does not behave): the thread died,
    leaving the dribbled call held (1.5 s) and every later call in the process unwatched. Now it
    warns and tries again: the same call ends at its deadline, and so does the next."""
    real = las._sync_watchdog._shutdown
    failures: list[object] = []

    def shutdown(sock: object) -> None:
        if not failures:
            failures.append(sock)
            raise ValueError("injected")
        real(sock)

    monkeypatch.setattr(las._sync_watchdog, "_shutdown", shutdown)
    server = RawServer(_chunk_size_answer)
    client = las.Client(session=session)
    quick = las.Client(session=session.with_options(deadline=0.1))
    try:
        with caplog.at_level(logging.WARNING, logger="las.session"):
            _ends_at_the_deadline(*_outcome(lambda: client.get_file(server.url + "/slow")))
        assert failures and "failed to cut" in caplog.text
        _ends_at_the_deadline(*_outcome(lambda: quick.get_file(server.url + "/slow")), deadline=0.1)
    finally:
        server.close()


def test_a_cut_that_keeps_failing_is_logged_once_per_attempt(
    session: las.Session,
    watchdog: Watchdog,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A cut that raises at every look (every 10 ms) logged a DEBUG traceback at each: ~100 a
    second per attempt. Now each attempt's failure is logged once: a WARNING, then DEBUG."""
    tries: list[object] = []

    def cut(attempt: object) -> bool:
        tries.append(attempt)
        raise RuntimeError("injected")

    monkeypatch.setattr(las._sync_watchdog, "_cut", cut)
    server = RawServer(lambda server, conn, head: server.send_spaced(conn, [b"H"] * 30, 0.01))
    client = las.Client(session=session.with_options(deadline=0.05, timeout=(2.0, 1.0)))
    try:
        with caplog.at_level(logging.DEBUG, logger="las.session"):
            for _ in range(2):
                _outcome(lambda: client.get_file(server.url + "/f"))
    finally:
        server.close()
    records = [r for r in caplog.records if "failed to cut" in r.getMessage()]
    assert len(set(tries)) == 2 and len(tries) > 4, len(tries)
    assert [r.levelno for r in records] == [logging.WARNING, logging.DEBUG], records


def test_a_watchdog_thread_gone_without_a_word_is_started_again() -> None:
    """Belt and braces: a thread that ended without clearing its state (it always does) is
    replaced by the first attempt watched once it is late to look."""
    watchdog = Watchdog()
    gone = threading.Thread(target=lambda: None)
    gone.start()
    gone.join(5)
    watchdog._thread, watchdog._wake_at = gone, time.monotonic() - 1
    attempt = watchdog.watch(time.monotonic() + 30)
    try:
        thread = watchdog._thread
        assert thread is not None and thread is not gone and thread.is_alive()
    finally:
        watchdog.forget(attempt)


# -- a connection still being opened: bounded by the deadline, and nothing was sent --------------


def test_https_through_a_proxy_whose_connect_reply_dribbles_ends_by_the_deadline(
    session: las.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTTPS_PROXY: http.client reads the proxy's reply to CONNECT inside connect(), each line
    with one readline(): a reply dribbled a byte every 10 ms held the call for its whole 1.5 s
    (each receive bounded by the connect timeout alone). The watchdog shuts the connection being
    opened down: an APIConnectionError (the request never went out), at the deadline."""

    def proxy_answer(server: RawServer, conn: socket.socket, head: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 Connection established\r\nX-Slow: ")
        server.send_spaced(conn, [b"x"] * 150 + [b"\r\n\r\n"], 0.01)

    proxy = RawServer(proxy_answer)
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("https_proxy", proxy.url)
    try:
        outcome, took = _outcome(lambda: las.Client(session=session).get_file("https://127.0.0.1:9/f"))
        assert isinstance(outcome, las.APIConnectionError), (outcome, took)
        assert "could not be opened by the deadline of 0.4 s" in str(outcome)
        assert took < DEADLINE + MARGIN, f"the call with deadline={DEADLINE} s took {took:.2f} s"
        assert [head.split(b" ")[0] for head in proxy.heads] == [b"CONNECT"]
    finally:
        proxy.close()


def test_a_download_into_a_file_cut_mid_write_leaves_the_file_empty(
    session: las.Session, tmp_path: Path
) -> None:
    """The cut lands while the body is being written into the caller's file (16 bytes, then 3 x 16
    more 10 ms apart, then a dribbled chunk-size line): the call raises DeadlineExceeded, and the
    file holds nothing of the download (it held the 64 bytes written before the cut)."""

    def answer(server: RawServer, conn: socket.socket, head: bytes) -> None:
        conn.sendall(CHUNKED + b"10\r\n" + b"A" * 16 + b"\r\n")
        server.send_spaced(conn, [b"10\r\n" + b"B" * 16 + b"\r\n"] * 3 + [b"0;"] + [b"x"] * 150, 0.01)

    server = RawServer(answer)
    try:
        with open(tmp_path / "copy", "w+b") as sink:
            sink.write(b"the user's earlier content")
            _ends_at_the_deadline(
                *_outcome(lambda: las.Client(session=session).get_file(server.url + "/f", into=sink))
            )
        assert (tmp_path / "copy").read_bytes() == b""
    finally:
        server.close()


def _dribbled_connect_reply(server: RawServer, conn: socket.socket, head: bytes) -> None:
    conn.sendall(b"HTTP/1.1 200 Connection established\r\nX-Slow: ")
    server.send_spaced(conn, [b"x"] * 150 + [b"\r\n\r\n"], 0.01)


def test_a_connection_that_opens_its_socket_its_own_way_is_left_to_do_so() -> None:
    """urllib3's SOCKS connection (``urllib3.contrib.socks``, with PySocks) opens its socket
    through its proxy by its own ``_new_conn``: the watched twin uses it (the host here does not
    even resolve, so it never connects straight to the host), and still cuts what follows on
    that socket at the deadline (here a tunnel whose reply dribbles), as not sent."""
    from urllib3.connection import HTTPConnection

    proxy = RawServer(_dribbled_connect_reply)
    address = ("127.0.0.1", int(proxy.url.rsplit(":", 1)[1]))
    opened_through: list[tuple[str, int]] = []

    class ThroughAProxy(HTTPConnection):  # as urllib3.contrib.socks.SOCKSConnection does
        def _new_conn(self) -> socket.socket:
            opened_through.append(address)
            return socket.create_connection(address, timeout=5)

    watched = las._sync_watchdog._watched(ThroughAProxy, las._sync_watchdog._WatchedConnection)
    conn = watched("never-resolved.invalid", 80, timeout=5)
    conn.set_tunnel("never-resolved.invalid", 443)
    attempt = WATCHDOG.watch(time.monotonic() + DEADLINE)
    conn._las_owner, attempt.conn = attempt, conn
    try:
        _, took = _outcome(conn.connect)  # http.client takes a tunnel reply cut short as complete
        assert took < DEADLINE + MARGIN, f"the opening with deadline={DEADLINE} s took {took:.2f} s"
        assert opened_through == [address] and attempt.cut and attempt.unsent
    finally:
        WATCHDOG.forget(attempt)
        conn.close()
        proxy.close()


def test_a_patched_create_connection_is_honoured(
    session: las.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The usual recipe for a custom name resolution patches urllib3's ``create_connection``; the
    watched connection opened its socket with a copy of it, ignoring the patch (and a patched
    ``allowed_gai_family``, the recipe that forces IPv4): the call failed to resolve the name."""
    import urllib3.util.connection

    server = RawServer(lambda server, conn, head: conn.sendall(OK))
    real = urllib3.util.connection.create_connection
    pinned: list[str] = []

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        host, port = address
        if host == "pinned.invalid":
            pinned.append(host)
            host = "127.0.0.1"
        return real((host, port), *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", create_connection)
    port = int(server.url.rsplit(":", 1)[1])
    try:
        outcome, _ = _outcome(lambda: las.Client(session=session).get_file(f"http://pinned.invalid:{port}/f"))
        assert outcome == b"ok" and pinned == ["pinned.invalid"], outcome
    finally:
        server.close()


def test_a_socket_that_cannot_be_duplicated_does_not_fail_the_connection(
    session: las.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The watchdog sees a socket being opened (and an answer's that ends its connection) through
    a duplicate of it. Where none can be made (``os.dup`` of a socket handle on Windows, no
    descriptor left) every watched connection failed; now it goes on unwatched."""

    def no_dup(*args: object) -> int:
        raise OSError(9, "Bad file descriptor")

    monkeypatch.setattr(os, "dup", no_dup)
    monkeypatch.setattr(socket, "dup", no_dup)
    monkeypatch.setattr(socket.socket, "dup", no_dup)
    close = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"
    server = RawServer(lambda server, conn, head: conn.sendall(close))
    try:
        outcome, _ = _outcome(lambda: las.Client(session=session).get_file(server.url + "/f"))
        assert outcome == b"ok", outcome
    finally:
        server.close()
