"""The async session's timeouts, kept by one watchdog timer per loop (las/_watchdog.py): what it
promises, measured at the server (arrivals) and in the loop (timers armed)."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

import las
from las._watchdog import CHECK_EVERY
from tests.aio.conftest import Variant
from tests.support.recorder import CLIENT_ID, CLIENT_SECRET, Recorder, Reply

pytestmark = pytest.mark.asyncio

DOC = "las:document:" + "ab" * 16


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    yield server
    server.close()


def _credentials(recorder: Recorder, tmp_path: Path) -> las.Credentials:
    return las.Credentials(
        CLIENT_ID, CLIENT_SECRET, recorder.url, recorder.url, cache_path=tmp_path / "c.json"
    )


@pytest_asyncio.fixture(params=["sync", "async"])
async def api(request: pytest.FixtureRequest, recorder: Recorder, tmp_path: Path) -> AsyncIterator[Variant]:
    options: dict[str, Any] = {"max_retries": 0, "timeout": (2.0, 0.3)}
    if request.param == "sync":
        with las.Session(_credentials(recorder, tmp_path), **options) as session:
            yield Variant("sync", las.Client(session=session), (las.APIConnectionError,))
    else:
        async with las.AsyncSession(_credentials(recorder, tmp_path), **options) as asession:
            yield Variant("async", las.AsyncClient(session=asession), (las.APIConnectionError,))


async def test_an_answer_that_keeps_coming_is_not_cut_by_the_read_timeout(
    api: Variant, recorder: Recorder
) -> None:
    # About 1.2 s of body, one byte every 20 ms: each piece is progress, as with requests.
    recorder.reply(Reply(body={"documentId": DOC, "padding": "x" * 8}, dribble=0.02))
    assert (await api.get_document(DOC))["documentId"] == DOC
    assert len(recorder.api_requests) == 1


async def test_a_silent_server_is_cut_by_the_read_timeout(api: Variant, recorder: Recorder) -> None:
    recorder.reply(Reply(body={"documentId": DOC}, delay=1.5))
    with pytest.raises(las.APITimeoutError):
        await api.get_document(DOC)
    assert len(recorder.api_requests) == 1


async def test_an_answer_that_stops_half_way_is_cut_by_the_read_timeout(
    api: Variant, recorder: Recorder
) -> None:
    recorder.reply(Reply(body={"documentId": DOC, "padding": "x" * 64}, stall=2.0))
    with pytest.raises(las.APITimeoutError):
        await api.get_document(DOC)
    assert len(recorder.api_requests) == 1


async def test_waiting_for_a_free_connection_is_not_the_servers_silence(
    recorder: Recorder, tmp_path: Path
) -> None:
    # One connection, three calls, each answered after 0.3 s: the third waits 0.6 s for the
    # connection, longer than the 0.45 s read timeout, and must not be taken for a silent server.
    recorder.reply(*[Reply(body={"documentId": DOC}, delay=0.3)] * 3)
    async with las.AsyncSession(
        _credentials(recorder, tmp_path), max_connections=1, timeout=(2.0, 0.45), max_retries=0
    ) as session:
        client = las.AsyncClient(session=session)
        answers = await asyncio.gather(*(client.get_document(DOC) for _ in range(3)))
    assert [answer["documentId"] for answer in answers] == [DOC] * 3
    assert len(recorder.api_requests) == 3  # nothing timed out and was sent again


async def test_calls_arm_no_timer_of_their_own(
    recorder: Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop = asyncio.get_running_loop()
    armed: list[str] = []
    call_at: Callable[..., asyncio.TimerHandle] = loop.call_at

    def counting(when: float, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> asyncio.TimerHandle:
        armed.append(getattr(callback, "__qualname__", repr(callback)))
        return call_at(when, callback, *args, **kwargs)

    recorder.reply(*[Reply(body={"documentId": DOC})] * 88)
    async with las.AsyncSession(_credentials(recorder, tmp_path), max_connections=8) as session:
        client = las.AsyncClient(session=session)
        await asyncio.gather(*(client.get_document(DOC) for _ in range(8)))  # token, connections
        connector = session._shared.http.connector  # type: ignore[union-attr]
        create = connector._create_connection  # type: ignore[union-attr]
        opened: list[int] = []

        async def opening(*args: Any, **kwargs: Any) -> Any:
            opened.append(1)
            return await create(*args, **kwargs)

        monkeypatch.setattr(connector, "_create_connection", opening)
        monkeypatch.setattr(loop, "call_at", counting)
        started = time.monotonic()
        for _ in range(4):
            await asyncio.gather(*(client.get_document(DOC) for _ in range(8)))
        for _ in range(48):
            await client.get_document(DOC)
        elapsed = time.monotonic() - started
    # aiohttp's own read and total timeouts would arm about three per call (240 for these 80);
    # the watchdog's one timer is armed when calls start after it lapsed, and again every
    # CHECK_EVERY seconds while calls are in flight: a bound from the time the run took.
    watchdog = armed.count("Watchdog._check")
    assert len(armed) - watchdog == len(opened), armed  # else only connecting is timed, by aiohttp
    assert watchdog <= 2 + 2 * elapsed / CHECK_EVERY, (watchdog, elapsed)


async def test_a_cancellation_from_outside_is_never_taken_for_a_timeout(
    recorder: Recorder, tmp_path: Path
) -> None:
    recorder.reply(Reply(body={"documentId": DOC}, delay=1.0))
    async with las.AsyncSession(_credentials(recorder, tmp_path), timeout=(2.0, 0.2)) as session:
        client = las.AsyncClient(session=session)
        task = asyncio.ensure_future(client.get_document(DOC))
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert len(recorder.api_requests) == 1


async def test_a_connection_not_opened_by_the_deadline_says_so(api: Variant) -> None:
    """A server that drops the SYNs (a listener with a full accept queue): the connect timeout,
    cut to the deadline, ends the attempt at it. The error said "not sent (ConnectTimeout)" (sync)
    or "(TimeoutError: no connection before the deadline)" (async); both executors now say what
    the sync watchdog's cut of an opening says: the connection could not be opened by the deadline."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(4):  # fill the accept queue: later SYNs are dropped
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        quick = api.with_options(deadline=0.2, timeout=(2.0, 2.0))
        with pytest.raises(las.APIConnectionError) as raised:
            await quick.get_file(f"http://127.0.0.1:{port}/f")
        assert "not sent (the connection could not be opened by the deadline of 0.2 s)" in str(raised.value)
    finally:
        for filler in fillers:
            filler.close()
        listener.close()
