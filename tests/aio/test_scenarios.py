"""One scenario suite, run against both variants: ``las.Client`` (requests, in worker threads)
and ``las.AsyncClient`` (aiohttp), against the same emulator. See ``conftest.Variant``."""

from __future__ import annotations

import asyncio

import pytest

import las
from las.testing import Emulator
from las.testing._server import RecordedRequest
from tests.aio.conftest import Variant
from tests.support.contracts import manual_transition_schemas

pytestmark = pytest.mark.asyncio

PDF = b"%PDF-1.4\n%%EOF\n"


def arrivals(emulator: Emulator, method: str, path: str) -> list[RecordedRequest]:
    return [record for record in emulator.requests if record.method == method and record.path == path]


async def test_crud_round_trip(api: Variant, las_emulator: Emulator) -> None:
    dataset = await api.create_dataset(name="receipts", description="scanned")
    document = await api.create_document(PDF, dataset_id=dataset["datasetId"])
    document_id = document["documentId"]

    fetched = await api.get_document(document_id)
    updated = await api.update_document(document_id, [{"label": "total", "value": "13.00"}])
    listed = await api.list_documents(dataset_id=dataset["datasetId"])
    deleted = await api.delete_document(document_id)
    renamed = await api.update_dataset(dataset["datasetId"], name="old receipts")

    assert fetched["contentType"] == "application/pdf" and fetched["datasetId"] == dataset["datasetId"]
    assert updated["groundTruth"] == [{"label": "total", "value": "13.00"}]
    assert [item["documentId"] for item in listed["documents"]] == [document_id]
    assert deleted["documentId"] == document_id
    assert renamed["name"] == "old receipts"
    with pytest.raises(las.NotFoundError) as raised:
        await api.get_document(document_id)
    assert raised.value.status_code == 404 and raised.value.path == f"/documents/{document_id}"


async def test_pagination_follows_next_token_lazily_and_stops_at_limit(
    api: Variant, las_emulator: Emulator
) -> None:
    dataset_id = (await api.create_dataset())["datasetId"]
    seeded = las_emulator.seed_documents(25, dataset_id=dataset_id)
    las_emulator.clear_requests()

    every = await api.items("list_documents", dataset_id=dataset_id, page_size=10)
    pages_for_all = len(arrivals(las_emulator, "GET", "/documents"))
    first_twelve = await api.items("list_documents", dataset_id=dataset_id, page_size=10, limit=12)

    assert [item["documentId"] for item in every] == seeded
    assert pages_for_all == 3
    assert [item["documentId"] for item in first_twelve] == seeded[:12]
    assert len(arrivals(las_emulator, "GET", "/documents")) == 3 + 2  # the third page is never asked for


async def test_delete_all_documents_follows_pages_then_deletes_the_dataset(
    api: Variant, las_emulator: Emulator
) -> None:
    dataset_id = (await api.create_dataset())["datasetId"]
    seeded = las_emulator.seed_documents(120, dataset_id=dataset_id)
    las_emulator.clear_requests()

    deleted = await api.delete_dataset(dataset_id, delete_documents=True)

    assert deleted["datasetId"] == dataset_id
    deletes = [record for record in las_emulator.requests if record.method == "DELETE"]
    assert len(deletes) > 2 and deletes[-1].path == f"/datasets/{dataset_id}"
    assert all(record.path == "/documents" for record in deletes[:-1])
    assert (await api.list_documents())["documents"] == []
    assert len(seeded) == 120


async def test_delete_documents_refuses_max_results_with_delete_all_before_any_request(
    api: Variant, las_emulator: Emulator
) -> None:
    las_emulator.clear_requests()
    with pytest.raises(ValueError, match="max_results cannot be combined with delete_all"):
        await api.delete_documents(max_results=5, delete_all=True)
    assert las_emulator.requests == []


async def test_workflow_with_a_manual_step_runs_to_the_end(api: Variant, las_emulator: Emulator) -> None:
    check = await api.create_transition("docker", parameters={"imageUrl": "example/check:1"})
    review = await api.create_transition(
        "manual", **manual_transition_schemas(las_emulator.contract, {"type": "object"})
    )
    definition = {
        "StartAt": "check",
        "States": {
            "check": {"Type": "Task", "Resource": check["transitionId"], "Next": "review"},
            "review": {"Type": "Task", "Resource": review["transitionId"], "End": True},
        },
    }
    workflow = await api.create_workflow({"language": "ASL", "version": "1.0.0", "definition": definition})
    started = await api.execute_workflow(workflow["workflowId"], {"documentId": "las:document:" + "0" * 32})

    tasks = await api.items("list_transition_executions", review["transitionId"], status="running")
    assert len(tasks) == 1
    task = tasks[0]
    answer = await api.send_heartbeat(review["transitionId"], task["executionId"])
    await api.update_transition_execution(
        review["transitionId"], task["executionId"], "succeeded", output={"approved": True}
    )
    finished = await api.get_workflow_execution(workflow["workflowId"], started["executionId"])

    assert started["status"] == "running"
    assert answer is None
    heartbeats = [record for record in las_emulator.requests if record.path.endswith("/heartbeats")]
    assert len(heartbeats) == 1 and heartbeats[0].status < 300
    assert finished["status"] == "succeeded" and finished["output"] == {"approved": True}


async def test_a_429_storm_is_waited_out_and_every_call_arrives_once_plus_its_retries(
    api: Variant, las_emulator: Emulator
) -> None:
    document_id = las_emulator.seed_documents(1)[0]
    await api.get_document(document_id)  # the token, before the storm
    api.client.session.max_retries = 100  # everyone retries at once after the same wait: be patient
    las_emulator.clear_requests()
    las_emulator.set_rate_limit(30)

    answers = await asyncio.gather(*(api.get_document(document_id) for _ in range(60)))

    las_emulator.set_rate_limit(None)
    assert all(answer["documentId"] == document_id for answer in answers)
    statuses = [record.status for record in arrivals(las_emulator, "GET", f"/documents/{document_id}")]
    assert statuses.count(200) == 60
    assert statuses.count(429) > 0  # there was a storm
    assert len(statuses) == 60 + statuses.count(429)  # each refusal was retried once, nothing more


async def test_429s_with_retry_after_zero_are_retried_up_to_max_retries(
    api: Variant, las_emulator: Emulator
) -> None:
    dataset_id = (await api.create_dataset())["datasetId"]
    las_emulator.fail_next(4, status=429, retry_after=0, method="GET")
    las_emulator.clear_requests()

    answer = await api.get_dataset(dataset_id)  # max_retries=4: the fifth attempt answers

    assert answer["datasetId"] == dataset_id
    assert [record.status for record in las_emulator.requests] == [429, 429, 429, 429, 200]
    las_emulator.fail_next(5, status=429, retry_after=0, method="GET")
    with pytest.raises(las.TooManyRequestsException):
        await api.get_dataset(dataset_id)


async def test_a_429_is_retried_for_a_creating_post_too(api: Variant, las_emulator: Emulator) -> None:
    las_emulator.fail_next(1, status=429, retry_after=0, method="POST", path="/datasets")
    las_emulator.clear_requests()

    dataset = await api.create_dataset(name="after a 429")

    assert [record.status for record in arrivals(las_emulator, "POST", "/datasets")] == [429, 200]
    assert [item["datasetId"] for item in (await api.list_datasets())["datasets"]] == [dataset["datasetId"]]


async def test_a_dropped_connection_on_a_get_is_retried(api: Variant, las_emulator: Emulator) -> None:
    document_id = las_emulator.seed_documents(1)[0]
    las_emulator.drop_next(2, method="GET")
    las_emulator.clear_requests()

    answer = await api.get_document(document_id)

    assert answer["documentId"] == document_id
    statuses = [record.status for record in arrivals(las_emulator, "GET", f"/documents/{document_id}")]
    assert statuses == [0, 0, 200]  # two dropped (status 0), then answered


@pytest.mark.parametrize("fault", ["503", "dropped connection", "502"])
async def test_a_creating_post_that_fails_is_raised_and_never_sent_twice(
    api: Variant, las_emulator: Emulator, fault: str
) -> None:
    if fault == "dropped connection":
        las_emulator.drop_next(1, method="POST", path="/documents")
        expected: tuple[type[BaseException], ...] = (las.AnswerLostError,)  # sent, answer lost
    else:
        las_emulator.fail_next(1, status=int(fault), method="POST", path="/documents")
        expected = (las.ServerError,)
    las_emulator.clear_requests()

    with pytest.raises(expected):
        await api.create_document(PDF)

    assert len(arrivals(las_emulator, "POST", "/documents")) == 1
    assert (await api.list_documents())["documents"] == []


async def test_a_503_on_a_get_is_retried(api: Variant, las_emulator: Emulator) -> None:
    document_id = las_emulator.seed_documents(1)[0]
    las_emulator.fail_next(2, status=503, retry_after=0, method="GET")
    las_emulator.clear_requests()

    await api.get_document(document_id)

    statuses = [record.status for record in arrivals(las_emulator, "GET", f"/documents/{document_id}")]
    assert statuses == [503, 503, 200]


async def test_an_expired_token_is_refreshed_once_for_many_concurrent_calls(
    api: Variant, las_emulator: Emulator
) -> None:
    document_id = las_emulator.seed_documents(1)[0]
    await api.get_document(document_id)
    assert las_emulator.token_requests == 1
    las_emulator.expire_tokens()

    answers = await asyncio.gather(*(api.get_document(document_id) for _ in range(20)))

    assert all(answer["documentId"] == document_id for answer in answers)
    assert las_emulator.token_requests == 2  # one refresh for every call that saw the 403
    assert api.credentials.token_fetches == 2


async def test_many_concurrent_first_calls_fetch_one_token(api: Variant, las_emulator: Emulator) -> None:
    document_id = las_emulator.seed_documents(1)[0]

    await asyncio.gather(*(api.get_document(document_id) for _ in range(20)))

    assert las_emulator.token_requests == 1
    assert len(arrivals(las_emulator, "POST", "/token")) == 1


async def test_the_token_comes_from_the_file_cache_a_previous_session_wrote(
    api: Variant, las_emulator: Emulator
) -> None:
    await api.list_datasets()
    cache_path = api.credentials.cache_path
    assert cache_path.exists() and las_emulator.token_requests == 1
    later = las_emulator.credentials(cache_path=cache_path)

    if api.name == "async":
        async with las.AsyncClient(later) as client:
            await client.list_datasets()
    else:
        with las.Session(later) as session:
            await asyncio.to_thread(las.Client(session=session).list_datasets)

    assert las_emulator.token_requests == 1  # the second session read the cache: no fetch
    assert later.token_fetches == 0


async def test_a_bad_answer_raises_invalid_response_error_naming_the_status(
    api: Variant, las_emulator: Emulator
) -> None:
    las_emulator.fail_next(1, status=418, body=b"<html>teapot</html>", content_type="text/html")
    with pytest.raises(las.InvalidResponseError) as raised:
        await api.list_models()
    assert raised.value.status_code == 418 and "teapot" in str(raised.value)


async def test_ids_with_slashes_or_queries_stay_one_path_segment(
    api: Variant, las_emulator: Emulator
) -> None:
    await api.list_models()  # the token first
    for hostile in ["a/b", "%2F", "x?y=1", "a#b"]:
        las_emulator.clear_requests()
        with pytest.raises(las.APIError):
            await api.get_document(hostile)
        (sent,) = las_emulator.requests
        assert sent.path.count("/") == 2 and sent.path.startswith("/documents/")


async def test_a_raw_response_carries_the_final_answers_info(api: Variant, las_emulator: Emulator) -> None:
    document_id = las_emulator.seed_documents(1)[0]
    las_emulator.fail_next(1, status=503, retry_after=0, method="GET")

    answer = await api.raw("get_document", document_id)

    assert answer.data["documentId"] == document_id
    info = answer.info
    assert (info.method, info.path, info.status, info.attempts) == (
        "GET",
        f"/documents/{document_id}",
        200,
        2,
    )
    assert info.request_id and info.request_id == info.headers["x-amzn-RequestId"]
    assert info.elapsed > 0


async def test_hooks_see_each_call_once_and_the_counter_every_request(
    api: Variant, las_emulator: Emulator
) -> None:
    dataset_id = (await api.create_dataset())["datasetId"]  # one request a call on either contract
    session = api.client.session
    seen: list[las.ResponseInfo] = []
    session.add_response_hook(seen.append)
    before = session.request_count
    las_emulator.fail_next(2, status=429, retry_after=0, method="GET")

    for _ in range(3):
        await api.get_dataset(dataset_id)

    assert [(info.status, info.attempts) for info in seen] == [(200, 3), (200, 1), (200, 1)]
    assert session.request_count - before == 5


async def test_with_options_changes_limits_and_shares_pool_token_and_counter(
    api: Variant, las_emulator: Emulator
) -> None:
    document_id = las_emulator.seed_documents(1)[0]
    impatient = api.with_options(max_retries=0)
    await api.get_document(document_id)
    las_emulator.fail_next(1, status=503, method="GET")

    with pytest.raises(las.ServerError):
        await impatient.get_document(document_id)

    las_emulator.fail_next(1, status=503, retry_after=0, method="GET")
    assert (await api.get_document(document_id))["documentId"] == document_id  # the original retries
    assert impatient.client.session.request_count == api.client.session.request_count == 4
    assert las_emulator.token_requests == 1


async def test_the_deadline_bounds_a_call_that_gets_no_answer(api: Variant, las_emulator: Emulator) -> None:
    document_id = las_emulator.seed_documents(1)[0]
    await api.get_document(document_id)
    las_emulator.delay_next(1, seconds=1.5, method="GET")

    with pytest.raises(las.APITimeoutError):
        await api.with_options(deadline=0.3).get_document(document_id)


async def test_a_read_timeout_is_retried_for_a_get_and_raised_for_a_post(
    api: Variant, las_emulator: Emulator
) -> None:
    document_id = las_emulator.seed_documents(1)[0]
    quick = api.with_options(timeout=(2.0, 0.25))
    await quick.get_document(document_id)
    las_emulator.delay_next(1, seconds=1.0, method="GET")
    las_emulator.delay_next(1, seconds=1.0, method="POST", path="/datasets")

    assert (await quick.get_document(document_id))["documentId"] == document_id
    with pytest.raises(las.APITimeoutError):
        await quick.create_dataset(name="slow")
    await asyncio.sleep(1.2)  # the emulator records a request once it has answered it

    assert len(arrivals(las_emulator, "GET", f"/documents/{document_id}")) == 3  # 1 + timed out + retry
    assert len(arrivals(las_emulator, "POST", "/datasets")) == 1


async def test_every_request_says_which_sdk_and_version_sent_it(api: Variant, las_emulator: Emulator) -> None:
    await api.list_models()
    agents = {record.headers.get("User-Agent") for record in las_emulator.requests}
    assert agents == {f"las-python/{las.__version__}"}  # the token request too
