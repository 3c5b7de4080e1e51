"""Fault injection against the emulator: rate limits, failing pages, lost answers to creating
POSTs, token expiry mid-iteration and answers that are not the API's JSON."""

from __future__ import annotations

import itertools
import json
import logging
import re
from collections.abc import Callable
from typing import Any

import pytest
import requests

import las
from las.testing import Emulator
from tests.reliability.conftest import api_requests

PDF = b"%PDF-1.4\n%%EOF\n"


def test_every_call_completes_under_30_percent_429_and_each_retry_honours_retry_after(
    las_emulator: Emulator, patient_client: las.Client, caplog: pytest.LogCaptureFixture
) -> None:
    document_id = las_emulator.seed_documents(1)[0]
    patient_client.get_document(document_id)  # token fetched before the faults start
    las_emulator.clear_requests()
    las_emulator.fail_randomly(  # the API's GET (on 2024-11-29 the bytes' download follows it)
        0.3, status=429, retry_after=0.01, method="GET", path="/documents/{documentId}", seed=7
    )
    caplog.set_level(logging.INFO, logger="las.session")

    answers = [patient_client.get_document(document_id) for _ in range(1000)]

    las_emulator.clear_faults()
    assert all(answer["documentId"] == document_id for answer in answers)
    statuses = [record.status for record in api_requests(las_emulator)]
    refused = statuses.count(429)
    assert statuses.count(200) == 1000
    assert len(statuses) == 1000 + refused  # nothing but the calls and their retries
    assert 300 < refused < 600  # ~30% of all attempts: 1000 * 0.3 / 0.7 expected
    waits = [
        float(match.group(1))
        for record in caplog.records
        if (match := re.search(r"retrying GET \S+ in ([0-9.]+)s", record.getMessage()))
    ]
    assert len(waits) == refused  # one retry per 429, no more, no less
    assert all(wait >= 0.01 for wait in waits)  # the header's value, not a shorter backoff
    records = api_requests(las_emulator)  # the calls are sequential: a 429's retry comes next
    gaps = [
        after.received_at - before.received_at
        for before, after in itertools.pairwise(records)
        if before.status == 429
    ]
    assert len(gaps) == refused and min(gaps) >= 0.01  # as seen by the server, too


def test_iterating_10000_documents_while_pages_fail_sees_each_exactly_once(
    las_emulator: Emulator, patient_client: las.Client
) -> None:
    seeded = las_emulator.seed_documents(10_000)
    las_emulator.fail_randomly(
        0.15, status=503, retry_after=0, method="GET", path="/documents", seed=3, kinds=("status", "drop")
    )

    seen = [document.id for document in las.Document.all(page_size=100, session=patient_client)]

    las_emulator.clear_faults()
    assert len(seen) == len(set(seen)) == 10_000
    assert set(seen) == set(seeded)
    statuses = [record.status for record in api_requests(las_emulator)]
    assert statuses.count(503) > 0 and statuses.count(0) > 0  # both kinds of fault happened


def _create_document(client: las.Client, model_id: str, workflow_id: str) -> Any:
    return client.create_document(PDF, "application/pdf")


def _create_prediction(client: las.Client, model_id: str, workflow_id: str) -> Any:
    document_id = client.create_document(PDF, "application/pdf")["documentId"]
    return client.create_prediction(document_id, model_id)


def _execute_workflow(client: las.Client, model_id: str, workflow_id: str) -> Any:
    return client.execute_workflow(workflow_id, {"documentId": "las:document:" + "0" * 32})


CREATING_POSTS: list[tuple[str, str, Callable[..., Any], Callable[[las.Client, str], list[Any]]]] = [
    (
        "create_document",
        "/documents",
        _create_document,
        lambda client, workflow_id: client.list_documents()["documents"],
    ),
    (
        "create_prediction",
        "/predictions",
        _create_prediction,
        lambda client, workflow_id: client.list_predictions()["predictions"],
    ),
    (
        "execute_workflow",
        "/workflows/{workflowId}/executions",
        _execute_workflow,
        lambda client, workflow_id: client.list_workflow_executions(workflow_id)["executions"],
    ),
]


@pytest.mark.parametrize("fault", ["503", "dropped connection"])
@pytest.mark.parametrize(
    ("name", "path", "create", "listing"), CREATING_POSTS, ids=[post[0] for post in CREATING_POSTS]
)
def test_a_creating_post_that_fails_is_raised_and_never_resent(
    las_emulator: Emulator,
    patient_client: las.Client,
    model_id: str,
    workflow_id: str,
    name: str,
    path: str,
    create: Callable[..., Any],
    listing: Callable[[las.Client, str], list[Any]],
    fault: str,
) -> None:
    before = len(listing(patient_client, workflow_id))
    if fault == "503":
        las_emulator.fail_next(1, status=503, method="POST", path=path)
        expected: type[Exception] = las.ServerError
    else:
        las_emulator.drop_next(1, method="POST", path=path)
        expected = requests.ConnectionError
    las_emulator.clear_requests()

    with pytest.raises(expected):
        create(patient_client, model_id, workflow_id)

    concrete = path.replace("{workflowId}", workflow_id)
    posts = [
        record for record in las_emulator.requests if record.method == "POST" and record.path == concrete
    ]
    assert len(posts) == 1, f"{name} was sent {len(posts)} times"
    assert len(listing(patient_client, workflow_id)) == before  # nothing created, so no duplicate


def test_token_expiry_mid_iteration_refreshes_once_and_sees_every_item(
    las_emulator: Emulator, patient_client: las.Client
) -> None:
    seeded = las_emulator.seed_documents(1000)
    collection = las.Document.all(page_size=100, session=patient_client)
    seen: list[str] = []
    grants_before_expiry = None
    for page_number, page in enumerate(collection.pages()):
        seen.extend(document.id for document in page)
        if page_number == 4:
            grants_before_expiry = las_emulator.token_requests
            las_emulator.expire_tokens()

    assert grants_before_expiry == 1
    assert las_emulator.token_requests == grants_before_expiry + 1
    assert seen == seeded


def test_a_proxy_html_page_raises_invalid_response_error_with_status_and_snippet(
    las_emulator: Emulator, blunt_client: las.Client
) -> None:
    document_id = las_emulator.seed_documents(1)[0]
    page = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    las_emulator.fail_next(1, status=502, body=page, content_type="text/html")

    with pytest.raises(las.InvalidResponseError) as raised:
        blunt_client.get_document(document_id)

    assert raised.value.status_code == 502
    assert "502 Bad Gateway" in str(raised.value)
    assert not isinstance(raised.value, json.JSONDecodeError)


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, b""),
        (503, b""),
        (400, b'{"message": "trunc'),
        (200, b'{"documentId": "las:document:0123'),
        (200, b"<html>maintenance</html>"),
    ],
    ids=["empty-500", "empty-503", "truncated-400", "truncated-200", "html-200"],
)
def test_a_body_that_is_not_the_apis_json_raises_a_clear_error(
    las_emulator: Emulator, blunt_client: las.Client, status: int, body: bytes
) -> None:
    document_id = las_emulator.seed_documents(1)[0]
    las_emulator.fail_next(1, status=status, body=body)

    with pytest.raises(las.APIError) as raised:
        blunt_client.get_document(document_id)

    error = raised.value
    assert isinstance(error, las.InvalidResponseError)
    assert not isinstance(error, json.JSONDecodeError)
    assert error.status_code == status
    assert str(status) in str(error)
    snippet = body[:20].decode()
    assert (snippet in str(error)) if body else ("empty" in str(error))


def test_a_retried_non_json_error_surfaces_after_the_retries_with_its_snippet(
    las_emulator: Emulator, patient_client: las.Client
) -> None:
    document_id = las_emulator.seed_documents(1)[0]
    patient_client.session.max_retries = 2
    las_emulator.fail_next(
        3, status=503, retry_after=0, body=b"<html>Service Unavailable</html>", content_type="text/html"
    )
    las_emulator.clear_requests()

    with pytest.raises(las.InvalidResponseError) as raised:
        patient_client.get_document(document_id)

    assert raised.value.status_code == 503
    assert "Service Unavailable" in str(raised.value)
    assert [record.status for record in api_requests(las_emulator)] == [503, 503, 503]  # 1 + 2 retries
