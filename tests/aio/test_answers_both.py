"""Answers outside the contract, and slow ones, judged the same by both executors (one pure
policy): scripted by a loopback server that says exactly what each test needs."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

import las
from tests.aio.conftest import Variant
from tests.support.recorder import CLIENT_ID, CLIENT_SECRET, Recorder, Reply

pytestmark = pytest.mark.asyncio

DOC = "las:document:" + "ab" * 16


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    yield server
    server.close()


@pytest_asyncio.fixture(params=["sync", "async"])
async def api(request: pytest.FixtureRequest, recorder: Recorder, tmp_path: Path) -> AsyncIterator[Variant]:
    credentials = las.Credentials(
        CLIENT_ID, CLIENT_SECRET, recorder.url, recorder.url, cache_path=tmp_path / "cache.json"
    )
    options: dict[str, Any] = {"max_retries": 3, "timeout": (2.0, 5.0)}
    if request.param == "sync":
        with las.Session(credentials, **options) as session:
            yield Variant("sync", las.Client(session=session), (las.APIConnectionError,))
    else:
        async with las.AsyncSession(credentials, **options) as asession:
            yield Variant("async", las.AsyncClient(session=asession), (las.APIConnectionError,))


@pytest.mark.parametrize(
    ("reply", "snippet"),
    [
        (Reply(200, raw=b'["a", "list"]'), "list"),
        (Reply(200, raw=b"null"), "null"),
        (Reply(200, raw=b""), "empty body"),
        (Reply(204, raw=b""), "empty body"),
    ],
    ids=["list", "null", "empty-200", "204"],
)
async def test_a_2xx_that_is_not_a_json_object_raises_invalid_response(
    api: Variant, recorder: Recorder, reply: Reply, snippet: str
) -> None:
    recorder.reply(reply)
    with pytest.raises(las.InvalidResponseError) as raised:
        await api.get_document(DOC)
    error = raised.value
    assert (error.method, error.path, error.status_code) == ("GET", f"/documents/{DOC}", reply.status)
    assert snippet in str(error) and "expected a JSON object" in str(error)
    assert len(recorder.api_requests) == 1


async def test_a_heartbeat_may_answer_204_without_a_body(api: Variant, recorder: Recorder) -> None:
    recorder.reply(Reply(204, raw=b""))
    assert (
        await api.send_heartbeat("las:transition:" + "a" * 32, "las:transition-execution:" + "b" * 32) is None
    )
    (sent,) = recorder.api_requests
    assert sent.method == "POST" and sent.path.endswith("/heartbeats") and sent.json == {}


async def test_a_broken_gzip_body_raises_invalid_response(api: Variant, recorder: Recorder) -> None:
    recorder.reply(Reply(200, raw=b"this is not gzip at all", headers={"Content-Encoding": "gzip"}))
    with pytest.raises(las.InvalidResponseError, match="could not be decoded") as raised:
        await api.get_document(DOC)
    assert raised.value.status_code == 200 and raised.value.path == f"/documents/{DOC}"
    assert len(recorder.api_requests) == 1


async def test_a_good_gzip_body_is_decoded(api: Variant, recorder: Recorder) -> None:
    recorder.reply(
        Reply(200, raw=gzip.compress(b'{"documentId": "x"}'), headers={"Content-Encoding": "gzip"})
    )
    assert await api.get_document(DOC) == {"documentId": "x"}


async def test_a_redirect_is_not_followed(api: Variant, recorder: Recorder) -> None:
    recorder.reply(Reply(302, raw=b"", headers={"Location": "http://127.0.0.1:9/elsewhere"}))
    with pytest.raises(las.InvalidResponseError, match="redirect"):
        await api.get_document(DOC)
    assert len(recorder.api_requests) == 1


def _page(items: Any, token: str | None) -> Reply:
    return Reply(body={"documents": items, "nextToken": token})


@pytest.mark.parametrize("tokens", [["A", "A"], ["A", "B", "A"]], ids=["A-A", "A-B-A"])
async def test_a_repeating_next_token_raises_instead_of_looping(
    api: Variant, recorder: Recorder, tokens: list[str]
) -> None:
    recorder.reply(*[_page([{"documentId": str(n)}], token) for n, token in enumerate(tokens)])
    recorder.reply(*[_page([{"documentId": "again"}], tokens[0])] * 5)  # what a loop would get
    with pytest.raises(las.InvalidResponseError, match="repeats nextToken") as raised:
        await api.items("list_documents")
    assert (raised.value.method, raised.value.path) == ("GET", "/documents")
    assert len(recorder.api_requests) == len(tokens)


async def test_a_malformed_page_raises_naming_the_request(api: Variant, recorder: Recorder) -> None:
    recorder.reply(_page([{"documentId": "1"}], "t2"), Reply(body={"documents": ["a"], "nextToken": None}))
    with pytest.raises(las.InvalidResponseError, match="not a JSON object") as raised:
        await api.items("list_documents")
    assert (raised.value.method, raised.value.path, raised.value.status_code) == ("GET", "/documents", 200)
    assert len(recorder.api_requests) == 2


async def test_a_body_dribbled_past_the_deadline_raises_deadline_exceeded(
    api: Variant, recorder: Recorder
) -> None:
    recorder.reply(Reply(body={"documentId": "x" * 60}, dribble=0.05))
    with pytest.raises(las.DeadlineExceeded):
        await api.with_options(deadline=0.5).get_document(DOC)
    assert len(recorder.api_requests) == 1


async def test_a_call_waiting_for_another_calls_token_fetch_ends_at_its_own_deadline(
    api: Variant, recorder: Recorder
) -> None:
    """A call that found another one fetching the token waited for that fetch however long it
    took, past its own deadline (found by a review). Its deadline now ends the wait: it raises
    its DeadlineExceeded having sent nothing, and the fetch it waited for goes on."""
    recorder.token_delay = 2.0
    fetching = asyncio.create_task(api.get_document(DOC))
    while not recorder.requests:  # its token request has arrived; the answer takes 2 s
        await asyncio.sleep(0.01)

    with pytest.raises(las.DeadlineExceeded, match=r"GET /documents/\S+: .* deadline of 0.5 s") as raised:
        await api.with_options(deadline=0.5).get_document(DOC)

    assert not fetching.done()  # it ended while the fetch it waited for went on
    assert "another caller was still fetching the access token" in str(raised.value.__cause__)
    await fetching
    assert [request.path for request in recorder.requests].count("/token") == 1
    assert len(recorder.api_requests) == 1  # the first call's: the second sent nothing


async def test_a_call_whose_deadline_passes_while_its_token_is_fetched_names_itself(
    api: Variant, recorder: Recorder
) -> None:
    """The token's fetch took the call's whole deadline: the DeadlineExceeded names the call and
    its deadline, in both executors (it named POST /token and the seconds left when it began)."""
    recorder.token_delay = 3.0
    with pytest.raises(las.DeadlineExceeded) as raised:
        await api.with_options(deadline=0.5).get_document(DOC)
    assert str(raised.value).startswith(f"GET /documents/{DOC}: "), raised.value
    assert "deadline of 0.5 s" in str(raised.value)
    assert recorder.api_requests == []
