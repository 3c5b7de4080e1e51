"""What only the async executor has to promise: cancellation, timeouts around calls, one event
loop per session, the token and its file cache shared with the sync side."""

from __future__ import annotations

import asyncio
import io
import json
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

import las
from las.testing import Emulator
from tests.support.raw_server import RawServer
from tests.support.recorder import CLIENT_ID, CLIENT_SECRET, Recorder


def api_arrivals(emulator: Emulator) -> list[Any]:
    return [record for record in emulator.requests if record.path != "/token"]


@pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.timeout() is new in Python 3.11")
@pytest.mark.asyncio
async def test_asyncio_timeout_around_a_call_raises_timeout_error_and_sends_once(
    las_async_client: Any, las_emulator: Emulator
) -> None:
    document_id = las_emulator.seed_documents(1)[0]
    await las_async_client.get_document(document_id)
    las_emulator.clear_requests()
    las_emulator.delay_next(1, seconds=0.5, method="GET")

    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.1):
            await las_async_client.get_document(document_id)
    await asyncio.sleep(1.0)  # the emulator records a request when it has answered it

    assert len(api_arrivals(las_emulator)) == 1  # cancelled, not retried
    assert (await las_async_client.get_document(document_id))["documentId"] == document_id


@pytest.mark.asyncio
async def test_wait_for_around_a_call_raises_timeout_error(
    las_async_client: Any, las_emulator: Emulator
) -> None:
    document_id = las_emulator.seed_documents(1)[0]
    las_emulator.delay_next(1, seconds=3.0, method="GET")
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(las_async_client.get_document(document_id), 0.2)


@pytest.mark.asyncio
async def test_a_task_cancelled_during_a_retry_wait_stops_there(
    las_async_client: Any, las_emulator: Emulator
) -> None:
    await las_async_client.list_models()
    las_emulator.clear_requests()
    las_emulator.fail_next(1, status=429, retry_after=60, method="GET")
    task = asyncio.create_task(las_async_client.list_models())
    while not api_arrivals(las_emulator):  # the 429 has arrived; the task now waits 60 s
        await asyncio.sleep(0.01)

    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 10)  # returns at once: the wait itself was cancelled
    assert [record.status for record in api_arrivals(las_emulator)] == [429]


@pytest.mark.asyncio
async def test_a_task_cancelled_while_it_waits_for_another_tasks_token_fetch_stops_there(
    tmp_path: Path,
) -> None:
    """The wait for another task's token fetch ends at the call's deadline (not asyncio.wait_for,
    which can swallow a cancellation before Python 3.12): a cancellation still ends it at once,
    and leaves neither the fetch nor the lock disturbed."""
    recorder = Recorder()
    try:
        recorder.token_delay = 2.0
        credentials = las.Credentials(
            CLIENT_ID, CLIENT_SECRET, recorder.url, recorder.url, cache_path=tmp_path / "cache.json"
        )
        async with las.AsyncSession(credentials) as session:
            fetching = asyncio.create_task(session.request("GET", "/models"))
            while not recorder.requests:  # its token request has arrived; the answer takes 2 s
                await asyncio.sleep(0.01)
            waiting = asyncio.create_task(session.request("GET", "/models"))
            await asyncio.sleep(0.1)

            waiting.cancel()

            with pytest.raises(asyncio.CancelledError):
                await waiting
            assert not fetching.done()
            await fetching
            await session.request("GET", "/models")  # the lock was left free
        assert recorder.token_requests == 1
        assert len(recorder.api_requests) == 2
    finally:
        recorder.close()


@pytest.mark.asyncio
async def test_calls_that_succeed_at_once_send_once_and_never_wait(
    las_async_session: las.AsyncSession, las_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = las.AsyncClient(session=las_async_session)
    await client.list_datasets()  # the token
    before = las_async_session.request_count
    waits: list[float] = []
    sleep = asyncio.sleep

    async def recording_sleep(delay: float, *args: Any) -> Any:
        waits.append(delay)
        return await sleep(delay, *args)

    monkeypatch.setattr("las._async_session.asyncio.sleep", recording_sleep)
    answers = await asyncio.gather(*(client.list_datasets() for _ in range(10)))

    assert all(answer["datasets"] == [] for answer in answers)
    assert las_async_session.request_count - before == 10
    assert waits == []


@pytest.mark.asyncio
async def test_max_retries_zero_raises_the_first_failure(
    las_async_session: las.AsyncSession, las_emulator: Emulator
) -> None:
    las_emulator.fail_next(1, status=503, method="GET")
    with pytest.raises(las.ServerError):
        await las_async_session.request("GET", "/models", max_retries=0)
    assert [record.status for record in api_arrivals(las_emulator)] == [503]


@pytest.mark.asyncio
async def test_a_refused_fresh_token_is_raised_after_one_refresh(
    las_async_client: Any, las_emulator: Emulator
) -> None:
    await las_async_client.list_models()
    las_emulator.clear_requests()
    las_emulator.fail_next(2, status=403, method="GET")

    with pytest.raises(las.InvalidCredentialsException):
        await las_async_client.list_models()

    assert [(record.path, record.status) for record in las_emulator.requests] == [
        ("/models", 403),
        ("/token", 200),
        ("/models", 403),
    ]


@pytest.mark.asyncio
async def test_wrong_client_secret_names_the_fix(las_emulator: Emulator, tmp_path: Path) -> None:
    credentials = las.Credentials(
        las_emulator.client_id,
        "wrong",
        las_emulator.auth_endpoint,
        las_emulator.api_endpoint,
        contract=las_emulator.contract,
    )
    async with las.AsyncClient(credentials) as client:
        with pytest.raises(las.InvalidCredentialsException, match="LAS_CLIENT_SECRET"):
            await client.list_models()


@pytest.mark.parametrize("first", ["sync", "async"])
@pytest.mark.asyncio
async def test_sync_and_async_sessions_share_one_token_cache_file(
    las_emulator: Emulator, tmp_path: Path, first: str
) -> None:
    cache = tmp_path / "token-cache.json"

    async def with_async() -> None:
        async with las.AsyncClient(las_emulator.credentials(cache_path=cache)) as client:
            await client.list_models()

    def with_sync() -> None:
        with las.Session(las_emulator.credentials(cache_path=cache)) as session:
            las.Client(session=session).list_models()

    if first == "sync":
        with_sync()
        await with_async()
    else:
        await with_async()
        await asyncio.to_thread(with_sync)

    assert las_emulator.token_requests == 1  # the second read what the first wrote
    assert set(json.loads(cache.read_text())) == {las_emulator.credentials().cached_profile}
    assert cache.stat().st_mode & 0o777 == 0o600


@pytest.mark.asyncio
async def test_a_session_is_reusable_after_close(las_async_session: las.AsyncSession) -> None:
    client = las.AsyncClient(session=las_async_session)
    await client.list_models()
    await client.close()
    assert (await client.list_models())["models"] == []


def test_a_closed_session_serves_the_next_event_loop(las_emulator: Emulator, tmp_path: Path) -> None:
    client = las.AsyncClient(las_emulator.credentials(cache_path=tmp_path / "cache.json"))

    async def list_and_close() -> Any:
        async with client:
            return await client.list_models()

    assert asyncio.run(list_and_close())["models"] == []
    assert asyncio.run(list_and_close())["models"] == []


def test_a_session_in_use_by_a_running_loop_refuses_another_loop(
    las_emulator: Emulator, tmp_path: Path
) -> None:
    session = las.AsyncSession(las_emulator.credentials(cache_path=tmp_path / "cache.json"))
    client = las.AsyncClient(session=session)
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(client.list_models())
        with pytest.raises(RuntimeError, match="close it there"):
            asyncio.run(client.list_models())
    finally:
        loop.run_until_complete(session.close())
        loop.close()


def test_bad_options_are_refused_when_the_session_is_made() -> None:
    credentials = las.Credentials("id", "secret", "http://127.0.0.1:9", "http://127.0.0.1:9")
    with pytest.raises(ValueError, match="max_retries must be 0 or more"):
        las.AsyncSession(credentials, max_retries=-1)
    with pytest.raises(ValueError, match="max_connections must be 1 or more"):
        las.AsyncSession(credentials, max_connections=0)


@pytest.mark.asyncio
async def test_a_connection_that_cannot_be_opened_is_retried_even_for_a_post(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    credentials = las.Credentials("id", "secret", f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port}")
    credentials._token, credentials._expires_at = "token", float("inf")  # no token endpoint either
    async with las.AsyncSession(credentials, max_retries=2) as session:
        with pytest.raises(las.APIConnectionError, match="not sent"):
            await session.request("POST", "/datasets", json={})
        assert session.request_count == 3  # nothing was sent, so even a POST is tried again


def test_an_async_session_refuses_to_be_pickled_and_says_what_to_do() -> None:
    import pickle

    credentials = las.Credentials("id", "secret", "http://127.0.0.1:9", "http://127.0.0.1:9")
    with pytest.raises(las.SessionNotPicklableError, match="Credentials"):
        pickle.dumps(las.AsyncSession(credentials))
    assert pickle.loads(pickle.dumps(credentials)).client_id == "id"


def test_with_options_checks_its_values() -> None:
    credentials = las.Credentials("id", "secret", "http://127.0.0.1:9", "http://127.0.0.1:9")
    session = las.AsyncSession(credentials)
    with pytest.raises(ValueError, match="deadline must be more than 0"):
        session.with_options(deadline=0)
    view = session.with_options(max_retries=0, timeout=1.0)
    assert (view.max_retries, view.timeout, session.max_retries) == (0, 1.0, 5)


@pytest.mark.asyncio
async def test_a_raw_answer_of_a_call_with_several_requests_is_the_last_ones(
    las_async_client: Any, las_emulator: Emulator
) -> None:
    dataset_id = (await las_async_client.create_dataset())["datasetId"]
    las_emulator.seed_documents(120, dataset_id=dataset_id)

    answer = await las_async_client.with_raw_response.delete_dataset(dataset_id, delete_documents=True)

    assert answer.data["datasetId"] == dataset_id
    assert (answer.info.method, answer.info.path) == ("DELETE", f"/datasets/{dataset_id}")
    heartbeat = las_async_client.with_raw_response.send_heartbeat
    assert heartbeat.__doc__ == las.Client.send_heartbeat.__doc__
    with pytest.raises(AttributeError, match="has no method 'close'"):
        las_async_client.with_raw_response.close  # noqa: B018


@pytest.mark.asyncio
async def test_a_connection_not_opened_by_the_deadline_sent_nothing_in_both_sessions(
    tmp_path: Path,
) -> None:
    """The API's host accepts no connection (its accept queue is full, so the SYN is dropped)
    until the deadline: nothing was sent, so both sessions raise an APIConnectionError, which
    callers (las.bulk) read as "not done", not a DeadlineExceeded ("may have been done")."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    filler = socket.create_connection(listener.getsockname(), timeout=1)  # fills the queue
    api = f"http://127.0.0.1:{listener.getsockname()[1]}"
    recorder = Recorder()  # the token endpoint
    credentials = las.Credentials(CLIENT_ID, CLIENT_SECRET, recorder.url, api, cache_path=tmp_path / "c.json")
    try:
        with las.Session(credentials, deadline=1.0, timeout=(5.0, 5.0)) as session:
            with pytest.raises(las.APIConnectionError) as sync_error:
                await asyncio.to_thread(session.request, "POST", "/predictions", json={})
        async with las.AsyncSession(credentials, deadline=1.0, timeout=(5.0, 5.0)) as async_session:
            with pytest.raises(las.APIConnectionError) as async_error:
                await asyncio.wait_for(async_session.request("POST", "/predictions", json={}), 20)
    finally:
        filler.close()
        listener.close()
        recorder.close()
    for error in (sync_error.value, async_error.value):
        assert not isinstance(error, (las.APITimeoutError, las.AnswerLostError)), repr(error)


class _HeldSink(io.BytesIO):
    """A file whose write is held (a slow disk, a network share) until ``release`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.writing = threading.Event()
        self.release = threading.Event()
        self.written = threading.Event()

    def write(self, data: Any) -> int:
        self.writing.set()
        self.release.wait(5)
        try:
            return super().write(data)
        finally:
            self.written.set()


@pytest.mark.asyncio
async def test_a_cancelled_download_into_a_file_leaves_it_empty(tmp_path: Path) -> None:
    """Cancelled while a write into the file ran in a worker thread, the call emptied the file at
    once, and the write then landed: the file held the body of a call that raised. Now the
    cancellation waits for that write, then empties the file."""
    body = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789"
    server = RawServer(lambda server, conn, head: conn.sendall(body))
    sink = _HeldSink()
    credentials = las.Credentials(
        CLIENT_ID, CLIENT_SECRET, "http://127.0.0.1:9", "http://127.0.0.1:9", cache_path=tmp_path / "c.json"
    )
    try:
        async with las.AsyncSession(credentials, deadline=5, max_retries=0) as session:
            task = asyncio.ensure_future(
                las.AsyncClient(session=session).get_file(server.url + "/f", into=sink)
            )
            assert await asyncio.to_thread(sink.writing.wait, 5)
            task.cancel()
            asyncio.get_running_loop().call_later(0.1, sink.release.set)
            with pytest.raises(asyncio.CancelledError):
                await asyncio.wait_for(task, 5)
            assert await asyncio.to_thread(sink.written.wait, 5)
        assert sink.getvalue() == b""
    finally:
        sink.release.set()
        server.close()
