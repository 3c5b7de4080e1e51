"""Retries decided by status and method, never by the body; Retry-After's bad values; the
token endpoint's failures; and the per-call deadline. Every test counts arrivals at the server."""

from __future__ import annotations

import email.utils
import logging
import re
import threading
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

import las
from las._policy import LOST, NOT_SENT, TIMED_OUT, Call, Fail, Limits, SoFar, judge_failure, parse_retry_after
from las._transport import _LAST_LOOK, _DeadlinePassed, _Pacer
from las.testing import Emulator
from tests.support.recorder import Recorder, Reply

DOC = "las:document:" + "ab" * 16
HTML_503 = Reply(
    503, raw=b"<html><body>Service Unavailable</body></html>", headers={"Content-Type": "text/html"}
)


def test_an_html_503_on_a_get_is_retried(client: las.Client, recorder: Recorder) -> None:
    recorder.reply(HTML_503, HTML_503)
    assert client.get_document(DOC) == {"nextToken": None}
    assert len(recorder.api_requests) == 3


def test_an_html_503_on_a_get_surfaces_after_the_retries(
    credentials: las.Credentials, recorder: Recorder
) -> None:
    session = las.Session(credentials, max_retries=2)
    recorder.reply(HTML_503, HTML_503, HTML_503, HTML_503)
    with pytest.raises(las.InvalidResponseError) as raised:
        las.Client(session=session).get_document(DOC)
    assert raised.value.status_code == 503 and "Service Unavailable" in str(raised.value)
    assert len(recorder.api_requests) == 3


def test_an_html_429_is_retried_even_for_a_creating_post(client: las.Client, recorder: Recorder) -> None:
    recorder.reply(Reply(429, raw=b"<html>Too Many Requests</html>", headers={"Content-Type": "text/html"}))
    client.create_dataset(name="d")
    assert [r.method for r in recorder.api_requests] == ["POST", "POST"]


def test_an_empty_body_401_refreshes_the_token(client: las.Client, recorder: Recorder) -> None:
    recorder.reply(Reply(401, raw=b""))
    client.list_models()
    assert recorder.token_requests == 2
    assert len(recorder.api_requests) == 2


@pytest.mark.parametrize(
    ("status", "raw", "content_type"),
    [(401, b"", "application/json"), (403, b"<html>Forbidden</html>", "text/html")],
    ids=["empty-401", "html-403"],
)
def test_a_refusal_of_the_fresh_token_without_a_body_is_invalid_credentials(
    client: las.Client, recorder: Recorder, status: int, raw: bytes, content_type: str
) -> None:
    """The README: 401 or 403, with or without a body, refreshes once, then a refusal is raised
    as InvalidCredentialsException; without the API's JSON body it was InvalidResponseError
    (found by a review)."""
    refusal = Reply(status, raw=raw, headers={"Content-Type": content_type})
    recorder.reply(refusal, refusal)
    with pytest.raises(las.InvalidCredentialsException, match="refused the access token"):
        client.list_models()
    assert recorder.token_requests == 2 and len(recorder.api_requests) == 2


def test_an_html_503_on_a_creating_post_is_not_resent(client: las.Client, recorder: Recorder) -> None:
    recorder.reply(HTML_503)
    with pytest.raises(las.InvalidResponseError):
        client.create_dataset(name="once")
    assert len(recorder.api_requests) == 1


@pytest.mark.parametrize(
    "value",
    ["-5", "nan", "inf", "-inf", email.utils.formatdate(time.time() - 3600, usegmt=True), "soon"],
    ids=["negative", "nan", "inf", "-inf", "past-date", "garbage"],
)
def test_an_unusable_retry_after_counts_as_absent(value: str) -> None:
    assert parse_retry_after(value) is None


def test_retry_after_values_that_are_usable() -> None:
    assert parse_retry_after("0") == 0.0
    assert parse_retry_after("2.5") == 2.5
    assert 28 <= (parse_retry_after(email.utils.formatdate(time.time() + 30, usegmt=True)) or 0) <= 30


def test_a_negative_retry_after_uses_the_backoff(
    credentials: las.Credentials, recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    session = las.Session(credentials, max_retries=2)
    throttled = Reply(429, {"message": "Too Many Requests"}, headers={"Retry-After": "-5"})
    recorder.reply(throttled, throttled, throttled)
    with (
        caplog.at_level(logging.INFO, logger="las.session"),
        pytest.raises(las.TooManyRequestsException) as raised,
    ):
        las.Client(session=session).get_document(DOC)
    assert raised.value.retry_after is None
    assert len(recorder.api_requests) == 3
    waits = [float(w) for w in re.findall(r"retrying GET \S+ in ([0-9.]+)s", caplog.text)]
    assert len(waits) == 2
    assert waits[0] <= 0.25 and waits[1] <= 0.5  # full-jitter backoff: 0.25 s, then 0.5 s ceilings


def test_a_retry_after_over_max_retry_wait_fails_at_once(
    credentials: las.Credentials, recorder: Recorder
) -> None:
    session = las.Session(credentials, max_retries=5, max_retry_wait=10)
    recorder.reply(Reply(429, {"message": "Too Many Requests"}, headers={"Retry-After": "60"}))
    with pytest.raises(las.TooManyRequestsException) as raised:
        las.Client(session=session).get_document(DOC)
    assert raised.value.retry_after == 60
    assert len(recorder.api_requests) == 1


def test_a_dropped_connection_is_a_las_error_and_a_requests_error(
    client: las.Client, recorder: Recorder
) -> None:
    recorder.reply(Reply(drop=True))
    with pytest.raises(las.APIConnectionError) as raised:
        client.create_dataset(name="once")
    assert isinstance(raised.value, requests.ConnectionError)
    assert isinstance(raised.value, las.ClientException)
    assert len(recorder.api_requests) == 1


# -- the token endpoint ------------------------------------------------------------------------


def _token_requests(emulator: Emulator) -> int:
    return sum(1 for record in emulator.requests if record.path == "/token")


@pytest.mark.parametrize("fault", ["503", "drop"])
def test_the_token_endpoint_failing_is_retried_like_a_get(
    las_emulator: Emulator, tmp_path: Path, fault: str
) -> None:
    if fault == "503":
        las_emulator.fail_next(2, status=503, path="/token")
    else:
        las_emulator.drop_next(2, path="/token")
    with las_emulator.session(cache_path=tmp_path / "cache.json") as session:
        las.Client(session=session).list_models()
    assert _token_requests(las_emulator) == 3


def test_a_token_endpoint_that_keeps_failing_raises_a_las_error(
    las_emulator: Emulator, tmp_path: Path
) -> None:
    las_emulator.fail_next(10, status=502, path="/token")
    with (
        las_emulator.session(cache_path=tmp_path / "cache.json") as session,
        pytest.raises(las.ClientException) as raised,
    ):
        las.Client(session=session).list_models()
    assert isinstance(raised.value, las.APIError) and raised.value.status_code == 502
    assert _token_requests(las_emulator) == 1 + las.credentials.TOKEN_LIMITS.max_retries
    assert [r for r in las_emulator.requests if r.path != "/token"] == []


# -- the deadline ------------------------------------------------------------------------------


def _finishes(call: Callable[[], Any], bound: float) -> BaseException | None:
    """Run ``call`` in a thread; the test fails (instead of hanging) if it runs past ``bound``."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(bound)
    assert not thread.is_alive(), f"the call was still running after {bound} s"
    return outcome[0]


def test_a_dribbling_server_cannot_keep_a_call_past_its_deadline(
    credentials: las.Credentials, recorder: Recorder
) -> None:
    session = las.Session(credentials, deadline=1.0, timeout=(2.0, 5.0))
    session.credentials.access_token(session.http)  # the token first, to time the call alone
    recorder.reply(Reply(body={"documentId": DOC, "padding": "x" * 2000}, dribble=0.01))  # ~20 s
    error = _finishes(lambda: las.Client(session=session).get_document(DOC), bound=15)
    assert isinstance(error, las.DeadlineExceeded), error
    assert isinstance(error, requests.Timeout) and "deadline of 1 s" in str(error)
    assert len(recorder.api_requests) == 1  # an answer already arriving is not resent


def test_the_deadline_can_be_set_per_call_and_per_view(
    credentials: las.Credentials, recorder: Recorder
) -> None:
    session = las.Session(credentials, timeout=(2.0, 5.0))  # default deadline: 300 s
    assert session.deadline == las.session.DEFAULT_DEADLINE == 300
    session.credentials.access_token(session.http)
    recorder.reply(Reply(body={"padding": "x" * 2000}, dribble=0.01))
    error = _finishes(lambda: session.request("GET", "/documents", deadline=0.5), bound=15)
    assert isinstance(error, las.DeadlineExceeded)
    recorder.reply(Reply(body={"padding": "x" * 2000}, dribble=0.01))
    error = _finishes(lambda: session.with_options(deadline=0.5).request("GET", "/documents"), bound=15)
    assert isinstance(error, las.DeadlineExceeded)
    assert len(recorder.api_requests) == 2


@pytest.mark.parametrize(
    ("reply", "into"),
    [  # (a dribbled body read whole is the first test above's)
        (Reply(body={"documentId": DOC, "padding": "x" * 2000}, delay=1.8, stall=10.0), False),
        (Reply(body={"documentId": DOC, "padding": "x" * 2000}, delay=1.8, stall=10.0), True),
        (Reply(body={"documentId": DOC, "padding": "x" * 2000}, dribble=0.01), True),
    ],
    ids=["stops half-way", "stops half-way, into a file", "dribbles, into a file"],
)
def test_a_server_that_stops_sending_cannot_hold_a_read_past_the_deadline(
    credentials: las.Credentials, recorder: Recorder, tmp_path: Path, into: bool, reply: Reply
) -> None:
    """Half the body 1.8 s into a 2 s deadline, then nothing for 10 s: the read timeout (cut to
    the deadline when the attempt began) would let the next read wait until 3.8 s; each read's
    timeout is cut to what is left instead. A body dribbled a byte per 10 ms (20 s) is read a
    piece as it arrives, the clock looked at between pieces (into a file too: not in 256 KiB
    reads that wait to fill). Either way the call ends at the deadline."""
    session = las.Session(credentials, deadline=2.0, timeout=(2.0, 30.0))
    session.credentials.access_token(session.http)
    recorder.reply(reply)
    client = las.Client(session=session)
    with open(tmp_path / "copy", "w+b") as sink:
        started = time.monotonic()
        if into:
            error = _finishes(lambda: client.get_file(f"{recorder.url}/files/doc", into=sink), bound=25)
        else:
            error = _finishes(lambda: client.get_document(DOC), bound=25)
        took = time.monotonic() - started
    assert isinstance(error, las.DeadlineExceeded), error
    assert "deadline of 2 s" in str(error)
    assert took < 3.5, f"the call ended {took - 2:.1f} s after its deadline"  # 3.8 and 20 s without the fix
    assert len(recorder.api_requests) == 1  # nothing was sent again


@pytest.mark.parametrize("idempotent", [True, False])
def test_a_request_never_sent_by_the_deadline_says_so(idempotent: bool) -> None:
    """A connection that could not be opened before the deadline (its connect timeout cut to it)
    sent nothing: an APIConnectionError, not a DeadlineExceeded (an APITimeoutError, which las.bulk
    reads as "may have been done"), and not retried (no time is left)."""
    call = Call("GET" if idempotent else "POST", "/predictions", None, None, idempotent)
    limits = Limits((2.0, 60.0), 5, 60.0, 1.0)
    verdict = judge_failure(call, NOT_SENT, "ConnectTimeout", SoFar(0, False, 0.0, 1.0), limits)
    assert isinstance(verdict, Fail)
    assert isinstance(verdict.error, las.APIConnectionError)
    assert not isinstance(verdict.error, (las.APITimeoutError, las.AnswerLostError))


class _Sock:
    def __init__(self) -> None:
        self.timeouts: list[float] = []

    def settimeout(self, seconds: float) -> None:
        self.timeouts.append(seconds)


class _Raw:
    """What the pacer reads of a urllib3 response: its connection's socket and the bytes left."""

    def __init__(self, sock: _Sock | None, length_remaining: int | None) -> None:
        self.connection = None if sock is None else types.SimpleNamespace(sock=sock)
        self.length_remaining = length_remaining


def test_the_pacer_takes_a_body_completed_at_the_deadline_and_leaves_a_pooled_socket_alone() -> None:
    """Bytes read past the deadline fail the call only if the body is not complete; a socket
    already handed back to the pool (the connection let go) is never given this call's timeout."""
    past = time.monotonic() - 1
    complete, arriving = _Pacer(_Raw(_Sock(), 0), 30.0, past), _Pacer(_Raw(_Sock(), 10), 30.0, past)
    complete.after()  # the read that went past the deadline completed the body: taken
    with pytest.raises(_DeadlinePassed):
        arriving.after()
    sock = _Sock()
    raw = _Raw(sock, 10)
    pacer = _Pacer(raw, 30.0, time.monotonic() + 5)
    pacer.before()
    assert len(sock.timeouts) == 1 and 0 < sock.timeouts[0] <= 5  # cut to what is left
    raw.connection = None  # urllib3 put the connection back in the pool: another call's now
    _Pacer(raw, 30.0, past).before()
    assert len(sock.timeouts) == 1
    late = _Pacer(_Raw(sock, 10), 30.0, past)
    late.before()  # past the deadline: a last look at what already arrived
    assert sock.timeouts[-1] == _LAST_LOOK


def test_a_server_that_never_answers_costs_the_deadline_not_six_read_timeouts(
    credentials: las.Credentials, recorder: Recorder
) -> None:
    session = las.Session(credentials, deadline=1.0, timeout=(2.0, 60.0), max_retries=5)
    session.credentials.access_token(session.http)
    recorder.reply(Reply(delay=10.0))
    error = _finishes(lambda: las.Client(session=session).get_document(DOC), bound=8)
    # The read timeout was cut to the deadline, so its firing is the deadline's (as async says)
    assert isinstance(error, las.DeadlineExceeded), error
    assert "deadline of 1 s" in str(error)
    assert len(recorder.api_requests) == 1  # no time was left for a second attempt


@pytest.mark.parametrize("reason", [LOST, TIMED_OUT])
@pytest.mark.parametrize("idempotent", [True, False])
def test_a_failure_once_the_deadline_passed_is_the_deadlines(reason: str, idempotent: bool) -> None:
    """Both executors judge a send without an answer here: a socket timeout cut to the deadline
    fires when it passes, and that is DeadlineExceeded, not a plain timeout or a retry."""
    call = Call("GET" if idempotent else "POST", "/documents", None, None, idempotent)
    limits = Limits((2.0, 60.0), 5, 60.0, 1.0)
    past = judge_failure(call, reason, "ReadTimeout", SoFar(0, False, 0.0, 1.0), limits)
    assert isinstance(past, Fail) and isinstance(past.error, las.DeadlineExceeded)
    assert "deadline of 1 s" in str(past.error)
    before = judge_failure(call, reason, "ReadTimeout", SoFar(0, False, 0.0, 0.5), limits)
    assert not isinstance(getattr(before, "error", None), las.DeadlineExceeded)


def test_a_deadline_stops_the_retries_before_a_wait_that_would_pass_it(
    credentials: las.Credentials, recorder: Recorder
) -> None:
    session = las.Session(credentials, deadline=1.0, max_retries=10)
    throttled = Reply(429, {"message": "Too Many Requests"}, headers={"Retry-After": "0.4"})
    recorder.reply(*[throttled] * 10)
    error = _finishes(lambda: las.Client(session=session).get_document(DOC), bound=8)
    assert isinstance(error, las.TooManyRequestsException)
    assert len(recorder.api_requests) == 3  # waits of 0.4 s: a third would end past 1 s


def test_bad_options_are_refused(credentials: las.Credentials, recorder: Recorder) -> None:
    with pytest.raises(ValueError, match="deadline"):
        las.Session(credentials, deadline=0)
    with pytest.raises(ValueError, match="max_retries"):
        las.Session(credentials).with_options(max_retries=-1)
    session = las.Session(credentials)
    for deadline in (float("nan"), 0, -1):  # per call too: NaN compared false with every bound
        with pytest.raises(ValueError, match="deadline must be more than 0 seconds"):
            session.request("GET", "/documents", deadline=deadline)
    with pytest.raises(ValueError, match="max_retries"):
        session.request("GET", "/documents", max_retries=-1)
    assert recorder.requests == []  # refused before the token or the call


@pytest.mark.asyncio
async def test_bad_per_call_options_are_refused_by_the_async_session_too(
    credentials: las.Credentials, recorder: Recorder
) -> None:
    async with las.AsyncSession(credentials) as session:
        with pytest.raises(ValueError, match="deadline must be more than 0 seconds"):
            await session.request("GET", "/documents", deadline=float("nan"))
    assert recorder.requests == []


def test_a_slow_token_endpoint_is_bounded_by_the_calls_deadline(
    credentials: las.Credentials, recorder: Recorder
) -> None:
    recorder.token_delay = 10.0
    session = las.Session(credentials, deadline=1.0, timeout=(2.0, 60.0))
    error = _finishes(lambda: las.Client(session=session).get_document(DOC), bound=8)
    # The call's deadline passed while its token was fetched: the error names the call and its
    # deadline (it named POST /token and the 0.99... s left when the fetch began)
    assert isinstance(error, las.DeadlineExceeded), error
    assert str(error).startswith(f"GET /documents/{DOC}: ") and "deadline of 1 s" in str(error), error
    assert [request.path for request in recorder.requests] == ["/token"]  # one try, no API call
