"""Answers that are not what the contract says: each raises las.InvalidResponseError with the
method, path, status and a snippet of what came back; a paginator stops on a bad page."""

from __future__ import annotations

import gzip
from typing import Any

import pytest

import las
from las._pagination import iter_pages
from tests.support.recorder import Recorder, Reply

DOC = "las:document:" + "ab" * 16


@pytest.mark.parametrize(
    ("reply", "snippet"),
    [
        (Reply(200, raw=b'["a", "list"]'), "list"),
        (Reply(200, raw=b'"a string"'), "a string"),
        (Reply(200, raw=b"null"), "null"),
        (Reply(200, raw=b""), "empty body"),
        (Reply(204, raw=b""), "empty body"),
    ],
    ids=["list", "string", "null", "empty-200", "204"],
)
def test_a_2xx_that_is_not_a_json_object_raises_invalid_response(
    client: las.Client, recorder: Recorder, reply: Reply, snippet: str
) -> None:
    recorder.reply(reply)
    with pytest.raises(las.InvalidResponseError) as raised:
        client.get_document(DOC)
    error = raised.value
    assert (error.method, error.path, error.status_code) == ("GET", f"/documents/{DOC}", reply.status)
    assert snippet in str(error) and "expected a JSON object" in str(error)
    assert len(recorder.api_requests) == 1


def test_a_heartbeat_may_answer_204_without_a_body(client: las.Client, recorder: Recorder) -> None:
    recorder.reply(Reply(204, raw=b""))
    assert client.send_heartbeat("las:transition:" + "a" * 32, "las:transition-execution:" + "b" * 32) is None


def test_session_request_still_returns_none_for_an_empty_answer(
    session: las.Session, recorder: Recorder
) -> None:
    recorder.reply(Reply(204, raw=b""))
    assert session.request("DELETE", "/documents/x") is None


def test_a_broken_gzip_body_raises_invalid_response(client: las.Client, recorder: Recorder) -> None:
    recorder.reply(Reply(200, raw=b"this is not gzip at all", headers={"Content-Encoding": "gzip"}))
    with pytest.raises(las.InvalidResponseError, match="could not be decoded") as raised:
        client.get_document(DOC)
    assert raised.value.status_code == 200 and raised.value.path == f"/documents/{DOC}"
    assert len(recorder.api_requests) == 1


def test_a_good_gzip_body_is_decoded(client: las.Client, recorder: Recorder) -> None:
    recorder.reply(
        Reply(200, raw=gzip.compress(b'{"documentId": "x"}'), headers={"Content-Encoding": "gzip"})
    )
    assert client.get_document(DOC) == {"documentId": "x"}


def test_a_redirect_is_not_followed_and_raises_invalid_response(
    client: las.Client, recorder: Recorder
) -> None:
    recorder.reply(Reply(302, raw=b"", headers={"Location": "http://elsewhere.example/steal"}))
    with pytest.raises(las.InvalidResponseError, match=r"elsewhere\.example") as raised:
        client.get_document(DOC)
    assert raised.value.status_code == 302
    assert len(recorder.requests) == 2  # the token and the one GET; nothing went elsewhere


# -- pagination ----------------------------------------------------------------------------------


def _page(items: Any, token: str | None) -> Reply:
    return Reply(body={"documents": items, "nextToken": token})


@pytest.mark.parametrize(
    ("bad_page", "problem"),
    [
        (Reply(body={"nextToken": None}), "no list of items under 'documents'"),
        (Reply(body={"documents": None, "nextToken": None}), "no list of items"),
        (Reply(body={"documents": ["a", "b"], "nextToken": None}), "not a JSON object"),
        (
            Reply(body={"documents": [{"documentId": "2"}, [3]], "nextToken": None}),
            r"not a JSON object \(list \[3\]\)",
        ),
        (Reply(body={"documents": [{"documentId": "2"}], "nextToken": 7}), "not a string"),
    ],
    ids=["missing-key", "null-items", "string-items", "a-list-after-an-object", "int-token"],
)
def test_a_malformed_page_raises_and_stops_the_paginator(
    client: las.Client, recorder: Recorder, bad_page: Reply, problem: str
) -> None:
    recorder.reply(_page([{"documentId": "1"}], "t2"), bad_page)
    seen: list[str] = []
    with pytest.raises(las.InvalidResponseError, match=problem) as raised:
        for document in las.paginate(client.list_documents):
            seen.append(document["documentId"])
    assert seen == ["1"]
    assert (raised.value.method, raised.value.path, raised.value.status_code) == ("GET", "/documents", 200)
    assert len(recorder.api_requests) == 2


@pytest.mark.parametrize(
    "tokens", [["A", "A"], ["A", "B", "A"], ["A", "B", "C", "B"]], ids=["A-A", "A-B-A", "A-B-C-B"]
)
def test_a_repeating_next_token_raises_instead_of_looping(
    client: las.Client, recorder: Recorder, tokens: list[str]
) -> None:
    recorder.reply(*[_page([{"documentId": str(n)}], token) for n, token in enumerate(tokens)])
    recorder.reply(*[_page([{"documentId": "again"}], tokens[0])] * 5)  # what a loop would get
    with pytest.raises(las.InvalidResponseError, match="repeats nextToken"):
        list(las.paginate(client.list_documents))
    assert len(recorder.api_requests) == len(tokens)


def test_a_start_token_that_comes_back_is_a_repeat_too(client: las.Client, recorder: Recorder) -> None:
    recorder.reply(_page([{"documentId": "1"}], "start"))
    with pytest.raises(las.InvalidResponseError, match="repeats nextToken"):
        list(las.paginate(client.list_documents, next_token="start"))
    assert len(recorder.api_requests) == 1


def test_iter_pages_checks_bare_pages_for_the_resource_layer() -> None:
    pages = {
        None: {"documents": [{"documentId": "1"}], "nextToken": "B"},
        "B": {"documents": [], "nextToken": "B"},
    }
    walked = iter_pages(lambda token: pages[token], items_key="documents", path="/documents")
    assert next(walked) == pages[None]
    with pytest.raises(las.InvalidResponseError, match="repeats nextToken 'B'") as raised:
        next(walked)
    assert raised.value.path == "/documents"


def test_iter_pages_takes_raw_responses_and_names_their_request(
    session: las.Session, recorder: Recorder
) -> None:
    recorder.reply(Reply(body={"models": "oops", "nextToken": None}, headers={"x-amzn-RequestId": "r-9"}))
    fetch = lambda token: session.request("GET", "/models", params={"nextToken": token}, raw=True)  # noqa: E731
    with pytest.raises(las.InvalidResponseError) as raised:
        list(iter_pages(fetch, items_key="models"))
    assert (raised.value.method, raised.value.path, raised.value.status_code) == ("GET", "/models", 200)


def test_a_good_listing_still_walks_every_page(client: las.Client, recorder: Recorder) -> None:
    recorder.reply(_page([{"documentId": "1"}], "t2"), _page([], "t3"), _page([{"documentId": "2"}], None))
    assert [d["documentId"] for d in las.paginate(client.list_documents)] == ["1", "2"]
    assert len(recorder.api_requests) == 3
