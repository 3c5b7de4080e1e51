"""Session: retries, token refresh, timeouts, errors and pagination over real HTTP on loopback."""

from __future__ import annotations

import email.utils
import logging
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

import las
from las._policy import parse_retry_after
from tests.support.recorder import CLIENT_ID, CLIENT_SECRET, Recorder, Reply

DOC = "las:document:" + "ab" * 16
TOO_MANY = Reply(429, {"message": "Too Many Requests"})


def _throttled(retry_after: str) -> Reply:
    return Reply(429, {"message": "Too Many Requests"}, headers={"Retry-After": retry_after})


def test_429_with_retry_after_is_retried_after_that_many_seconds(
    client: las.Client, recorder: Recorder
) -> None:
    recorder.reply(_throttled("0.3"), _throttled("0.2"))
    started = time.monotonic()
    assert client.get_document(DOC) == {"nextToken": None}
    assert time.monotonic() - started >= 0.5
    assert len(recorder.api_requests) == 3


def test_429_retry_after_as_http_date() -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 28 <= (parse_retry_after(when) or 0) <= 30
    assert parse_retry_after("garbage") is None
    assert parse_retry_after("2") == 2.0


def test_429_without_retry_after_backs_off_and_retries_even_a_creating_post(
    client: las.Client, recorder: Recorder
) -> None:
    recorder.reply(TOO_MANY, TOO_MANY)
    client.create_dataset(name="d")
    assert [r.method for r in recorder.api_requests] == ["POST"] * 3  # refused before any work: safe


def test_429_retries_are_bounded_then_raised(credentials: las.Credentials, recorder: Recorder) -> None:
    session = las.Session(credentials, max_retries=2)
    recorder.reply(*[_throttled("0")] * 5)
    with pytest.raises(las.TooManyRequestsException) as raised:
        las.Client(session=session).get_document(DOC)
    assert raised.value.status_code == 429
    assert len(recorder.api_requests) == 3


def test_total_retry_wait_is_bounded(credentials: las.Credentials, recorder: Recorder) -> None:
    session = las.Session(credentials, max_retries=10, max_retry_wait=0.5)
    recorder.reply(_throttled("0.3"), _throttled("0.3"), _throttled("0.3"))
    with pytest.raises(las.TooManyRequestsException):
        las.Client(session=session).get_document(DOC)
    assert len(recorder.api_requests) == 2  # a second wait would pass 0.5 s


def test_limit_exceeded_is_not_retried(client: las.Client, recorder: Recorder) -> None:
    recorder.reply(Reply(429, {"message": "Limit Exceeded"}))
    with pytest.raises(las.LimitExceededException):
        client.list_models()
    assert len(recorder.api_requests) == 1


def test_503_on_get_is_retried(client: las.Client, recorder: Recorder) -> None:
    recorder.reply(Reply(503, {"message": "Service Unavailable"}), Reply(502, {"message": "Bad Gateway"}))
    client.get_document(DOC)
    assert len(recorder.api_requests) == 3


def test_503_on_a_creating_post_is_raised_and_not_resent(client: las.Client, recorder: Recorder) -> None:
    recorder.reply(Reply(503, {"message": "Service Unavailable"}))
    with pytest.raises(las.ServerError) as raised:
        client.create_document(b"%PDF-1.4")
    assert (raised.value.status_code, raised.value.method, raised.value.path) == (503, "POST", "/documents")
    assert len(recorder.api_requests) == 1


def test_dropped_connection_on_a_creating_post_is_raised_and_not_resent(
    client: las.Client, recorder: Recorder
) -> None:
    recorder.reply(Reply(drop=True))
    with pytest.raises(requests.ConnectionError):
        client.create_dataset(name="once")
    assert len(recorder.api_requests) == 1


def test_dropped_connection_on_get_and_delete_is_retried(client: las.Client, recorder: Recorder) -> None:
    recorder.reply(Reply(drop=True))
    client.get_document(DOC)
    recorder.reply(Reply(drop=True))
    client.delete_document(DOC)
    assert [r.method for r in recorder.api_requests] == ["GET", "GET", "DELETE", "DELETE"]


def test_heartbeats_are_retried_on_503(client: las.Client, recorder: Recorder) -> None:
    recorder.reply(Reply(503, {"message": "Service Unavailable"}), Reply(204, raw=b""))
    assert client.send_heartbeat("las:transition:" + "a" * 32, "las:transition-execution:" + "b" * 32) is None
    assert len(recorder.api_requests) == 2


def test_500_is_not_retried_even_on_get(client: las.Client, recorder: Recorder) -> None:
    recorder.reply(Reply(500, {"message": "Internal Server Error"}))
    with pytest.raises(las.ServerError):
        client.get_document(DOC)
    assert len(recorder.api_requests) == 1


def test_401_refreshes_the_token_once_and_resends(client: las.Client, recorder: Recorder) -> None:
    client.list_models()
    recorder.revoke_tokens()
    client.list_models()
    assert recorder.token_requests == 2
    assert [r.path for r in recorder.requests] == ["/token", "/models", "/models", "/token", "/models"]


def test_403_for_an_expired_token_also_refreshes_once(client: las.Client, recorder: Recorder) -> None:
    recorder.reply(Reply(403, {"message": "Forbidden"}))
    client.list_models()
    assert recorder.token_requests == 2 and len(recorder.api_requests) == 2


def test_401_after_a_refresh_is_raised(client: las.Client, recorder: Recorder) -> None:
    recorder.reply(Reply(401, {"message": "Unauthorized"}), Reply(401, {"message": "Unauthorized"}))
    with pytest.raises(las.InvalidCredentialsException) as raised:
        client.list_models()
    assert raised.value.status_code == 401
    assert recorder.token_requests == 2


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, las.BadRequestError),
        (404, las.NotFoundError),
        (409, las.ConflictError),
        (422, las.ConflictError),
        (500, las.ServerError),
    ],
)
def test_status_families_raise_their_exception(
    client: las.Client, recorder: Recorder, status: int, error: type[las.APIError]
) -> None:
    recorder.reply(Reply(status, {"message": "what went wrong"}, headers={"x-amzn-RequestId": "req-1"}))
    with pytest.raises(error) as raised:
        client.update_dataset("las:dataset:" + "c" * 32, name="n")
    failure = raised.value
    assert isinstance(failure, requests.HTTPError)  # code written for the reference still catches it
    assert (failure.status_code, failure.message, failure.method) == (status, "what went wrong", "PATCH")
    assert failure.path.startswith("/datasets/") and failure.request_id == "req-1"
    assert failure.response is not None and failure.response.status_code == status
    assert "what went wrong" in str(failure) and str(status) in str(failure)


@pytest.mark.parametrize(
    "raw",
    [b"<html><body><h1>502 Bad Gateway</h1></body></html>", b"", b'{"message": "trunc'],
    ids=["html", "empty", "truncated"],
)
def test_bodies_that_are_not_the_api_json_raise_a_clear_error(
    client: las.Client, recorder: Recorder, raw: bytes
) -> None:
    recorder.reply(Reply(500, raw=raw, headers={"Content-Type": "text/html"}))
    with pytest.raises(las.InvalidResponseError) as raised:
        client.list_models()
    assert raised.value.status_code == 500
    assert (
        ("502 Bad Gateway" in str(raised.value))
        or ("empty body" in str(raised.value))
        or ("trunc" in str(raised.value))
    )


def test_truncated_success_body_raises_invalid_response(client: las.Client, recorder: Recorder) -> None:
    recorder.reply(Reply(200, raw=b'{"documentId": "las:doc'))
    with pytest.raises(las.InvalidResponseError, match="expected a JSON body"):
        client.get_document(DOC)


def test_read_timeout_on_get_is_retried_then_raised(credentials: las.Credentials, recorder: Recorder) -> None:
    session = las.Session(credentials, timeout=(1.0, 0.2), max_retries=1)
    recorder.reply(Reply(delay=0.5), Reply(delay=0.5))
    with pytest.raises(requests.Timeout):
        las.Client(session=session).get_document(DOC)
    assert len(recorder.api_requests) == 2


def test_read_timeout_on_post_is_not_retried(credentials: las.Credentials, recorder: Recorder) -> None:
    session = las.Session(credentials, timeout=(1.0, 0.2), max_retries=3)
    recorder.reply(Reply(delay=0.5))
    with pytest.raises(requests.Timeout):
        las.Client(session=session).create_dataset()
    assert len(recorder.api_requests) == 1


def test_pagination_across_pages_with_a_fault_in_the_middle(client: las.Client, recorder: Recorder) -> None:
    recorder.reply(
        Reply(body={"documents": [{"documentId": "1"}, {"documentId": "2"}], "nextToken": "t2"}),
        Reply(503, {"message": "Service Unavailable"}),
        Reply(drop=True),
        Reply(body={"documents": [{"documentId": "3"}, {"documentId": "4"}], "nextToken": "t3"}),
        _throttled("0"),
        Reply(body={"documents": [{"documentId": "5"}], "nextToken": None}),
    )
    seen = [d["documentId"] for d in las.paginate(client.list_documents, page_size=2)]
    assert seen == ["1", "2", "3", "4", "5"]  # nothing skipped, nothing repeated
    tokens = [r.query.get("nextToken", [None])[0] for r in recorder.api_requests]
    assert tokens == [None, "t2", "t2", "t2", "t3", "t3"]


def test_one_session_shared_by_8_threads_makes_1000_calls_with_one_token_fetch(
    session: las.Session, recorder: Recorder
) -> None:
    client = las.Client(session=session)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(_: int) -> None:
        try:
            client.get_document(DOC)
        except BaseException as error:  # collected and asserted below
            with lock:
                errors.append(error)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, range(1000)))
    assert errors == []
    assert recorder.token_requests == 1
    assert len(recorder.api_requests) == 1000


def test_session_repr_hides_secrets(session: las.Session) -> None:
    assert "secret" not in repr(session).lower()
    assert "***" in repr(session.credentials)


def test_a_connection_that_cannot_be_opened_is_retried_even_for_post(
    recorder: Recorder, cache_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:  # a port with nothing listening
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    credentials = las.Credentials(CLIENT_ID, CLIENT_SECRET, recorder.url, dead, cache_path=cache_path)
    session = las.Session(credentials, max_retries=2, max_retry_wait=5.0)
    with caplog.at_level(logging.INFO, logger="las.session"), pytest.raises(requests.ConnectionError):
        las.Client(session=session).create_dataset(name="never sent")
    assert caplog.text.count("retrying POST /datasets") == 2  # nothing was sent, so resending is safe
