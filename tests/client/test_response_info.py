"""Response metadata (ResponseInfo, RawResponse, with_raw_response), per-call options
(with_options), the request counter and response hooks."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import attrs
import pytest

import las
from tests.support.recorder import Recorder, Reply

DOC = "las:document:" + "ab" * 16
UNAVAILABLE = Reply(503, {"message": "Service Unavailable"})


def test_request_raw_returns_data_and_info(session: las.Session, recorder: Recorder) -> None:
    recorder.reply(UNAVAILABLE, Reply(body={"documentId": DOC}, headers={"x-amzn-RequestId": "req-7"}))
    answer = session.request("GET", f"/documents/{DOC}", raw=True)
    assert isinstance(answer, las.RawResponse)
    assert answer.data == {"documentId": DOC}
    info = answer.info
    assert (info.method, info.path, info.status, info.request_id, info.attempts) == (
        "GET",
        f"/documents/{DOC}",
        200,
        "req-7",
        2,
    )
    assert info.headers["X-AMZN-REQUESTID"] == "req-7"  # case-insensitive, as received
    assert info.elapsed > 0
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        info.status = 500  # type: ignore[misc]


@pytest.mark.parametrize("header", ["x-amzn-RequestId", "x-amz-apigw-id", "X-Request-Id"])
def test_the_request_id_comes_from_any_of_the_known_headers(
    session: las.Session, recorder: Recorder, header: str
) -> None:
    recorder.reply(Reply(body={}, headers={header: "rid"}))
    assert session.request("GET", "/models", raw=True).info.request_id == "rid"


def test_with_raw_response_offers_every_client_method(client: las.Client, recorder: Recorder) -> None:
    recorder.reply(Reply(body={"documentId": DOC}, headers={"x-amzn-RequestId": "r1"}))
    answer = client.with_raw_response.get_document(DOC)
    assert answer.data == {"documentId": DOC} and answer.info.request_id == "r1"
    recorder.reply(Reply(204, raw=b""))
    beat = client.with_raw_response.send_heartbeat(
        "las:transition:" + "a" * 32, "las:transition-execution:" + "b" * 32
    )
    assert beat.data is None and beat.info.status == 204
    assert client.with_raw_response.get_document.__doc__ == las.Client.get_document.__doc__
    with pytest.raises(AttributeError):
        client.with_raw_response.no_such_method  # noqa: B018


def test_with_options_shares_pool_token_counter_and_hooks(session: las.Session, recorder: Recorder) -> None:
    seen: list[las.ResponseInfo] = []
    session.add_response_hook(seen.append)
    quick = session.with_options(timeout=1.0, max_retries=0, deadline=10, lazy=False)
    assert quick.http is session.http and quick.credentials is session.credentials
    assert (quick.timeout, quick.max_retries, quick.deadline, quick.lazy) == (1.0, 0, 10, False)
    assert (session.max_retries, session.lazy) == (3, True)  # the original is unchanged

    recorder.reply(UNAVAILABLE)
    with pytest.raises(las.ServerError):
        las.Client(session=quick).get_document(DOC)  # no retry through the view
    recorder.reply(UNAVAILABLE)
    las.Client(session=session).get_document(DOC)  # retried through the original

    assert len(recorder.api_requests) == 3
    assert session.request_count == quick.request_count == 3
    assert recorder.token_requests == 1  # one token for both
    assert [info.attempts for info in seen] == [2]  # hooks see calls that returned


def test_the_request_count_includes_retries_and_excludes_token_fetches(
    session: las.Session, recorder: Recorder
) -> None:
    recorder.reply(UNAVAILABLE, Reply(401, {"message": "Unauthorized"}))
    las.Client(session=session).get_document(DOC)
    assert recorder.token_requests == 2
    assert session.request_count == len(recorder.api_requests) == 3


def test_the_request_count_is_exact_under_threads(session: las.Session, recorder: Recorder) -> None:
    client = las.Client(session=session)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: client.get_document(DOC), range(400)))
    assert session.request_count == len(recorder.api_requests) == 400


def test_a_hook_is_called_once_per_call_with_its_info(session: las.Session, recorder: Recorder) -> None:
    calls: list[las.ResponseInfo] = []
    lock = threading.Lock()

    def hook(info: las.ResponseInfo) -> None:
        with lock:
            calls.append(info)

    session.add_response_hook(hook)
    client = las.Client(session=session)
    client.get_document(DOC)
    client.list_models()
    assert [(info.method, info.path, info.status) for info in calls] == [
        ("GET", f"/documents/{DOC}", 200),
        ("GET", "/models", 200),
    ]


def test_the_request_id_is_in_every_debug_line(
    session: las.Session, recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    recorder.reply(
        Reply(503, {"message": "Service Unavailable"}, headers={"x-amzn-RequestId": "first-id"}),
        Reply(body={}, headers={"x-amzn-RequestId": "second-id"}),
    )
    with caplog.at_level(logging.DEBUG, logger="las.session"):
        las.Client(session=session).get_document(DOC)
    lines = [record.getMessage() for record in caplog.records if record.name == "las.session"]
    assert any("first-id" in line and "503" in line for line in lines)
    assert any("second-id" in line and "200" in line for line in lines)
    assert all("request id" in line for line in lines), lines
