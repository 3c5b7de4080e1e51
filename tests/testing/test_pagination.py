"""Pages: complete, without duplicates, stable while rows come and go, fast on 100k rows."""

from __future__ import annotations

import time

from las.testing import Emulator
from tests.testing._api import Api


def _all_ids(api: Api, path: str, key: str, id_field: str, **params: object) -> list[str]:
    ids: list[str] = []
    token = None
    while True:
        query = {**params, **({"nextToken": token} if token else {})}
        page = api.get(path, params=query)
        ids += [item[id_field] for item in page[key]]
        token = page["nextToken"]
        if token is None:
            return ids


def test_pages_walk_every_row_once_in_creation_order(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    created = [api.dataset(name=str(i))["datasetId"] for i in range(7)]
    assert _all_ids(api, "/datasets", "datasets", "datasetId", maxResults=3) == created


def test_last_page_has_a_null_next_token(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    for _ in range(4):
        api.dataset()
    first = api.get("/datasets", params={"maxResults": 2})
    second = api.get("/datasets", params={"maxResults": 2, "nextToken": first["nextToken"]})
    assert first["nextToken"] and second["nextToken"] is None


def test_pages_stay_correct_while_rows_are_added_and_deleted(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    ids = las_emulator.seed_documents(10)
    page = api.get("/documents", params={"maxResults": 4})
    assert [d["documentId"] for d in page["documents"]] == ids[:4]
    api.delete(f"/documents/{ids[2]}")  # already seen
    api.delete(f"/documents/{ids[5]}")  # not yet seen
    new = api.document()["documentId"]
    rest = _all_ids(api, "/documents", "documents", "documentId", maxResults=4, nextToken=page["nextToken"])
    assert rest == [*ids[4:5], *ids[6:], new]


def test_filters_are_or_within_a_parameter_and_echoed(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    a, b, c = (api.dataset()["datasetId"] for _ in range(3))
    in_a = las_emulator.seed_documents(3, dataset_id=a)
    in_b = las_emulator.seed_documents(2, dataset_id=b)
    las_emulator.seed_documents(2, dataset_id=c)
    page = api.get("/documents", params={"datasetId": [b, a], "maxResults": 100})
    assert [d["documentId"] for d in page["documents"]] == in_a + in_b
    assert page["datasetId"] == [b, a]
    assert (
        _all_ids(api, "/documents", "documents", "documentId", datasetId=[a, b], maxResults=2) == in_a + in_b
    )


def test_consent_filter_and_ground_truth(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    consent = "las:consent:" + "b" * 32
    mine = api.document(consentId=consent)["documentId"]
    api.document()
    page = api.get("/documents", params={"consentId": consent})
    assert [d["documentId"] for d in page["documents"]] == [mine]
    assert page["consentId"] == [consent]


def test_delete_documents_deletes_one_page_and_hands_a_token_for_the_rest(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    dataset = api.dataset()["datasetId"]
    ids = las_emulator.seed_documents(5, dataset_id=dataset)
    keep = las_emulator.seed_documents(1)
    first = api.delete("/documents", params={"datasetId": dataset, "maxResults": 3})
    assert [d["documentId"] for d in first["documents"]] == ids[:3]
    assert api.get(f"/datasets/{dataset}")["numberOfDocuments"] == 2
    second = api.delete(
        "/documents", params={"datasetId": dataset, "maxResults": 3, "nextToken": first["nextToken"]}
    )
    assert [d["documentId"] for d in second["documents"]] == ids[3:]
    assert second["nextToken"] is None
    api.delete(f"/datasets/{dataset}")
    assert [d["documentId"] for d in api.get("/documents")["documents"]] == keep


def _seed_and_page(emulator: Emulator, count: int) -> tuple[float, float, list[str]]:
    """CPU seconds to seed ``count`` documents (in this thread), and seconds per page of 100 deep
    into the listing (served by the emulator's threads)."""
    emulator.reset()
    api = Api(emulator)
    started = time.thread_time()  # this thread's CPU: a machine busy elsewhere does not count
    ids = emulator.seed_documents(count)
    seeded = time.thread_time() - started
    page = api.get("/documents", params={"maxResults": 100})
    started = time.perf_counter()
    for _ in range(9):
        page = api.get("/documents", params={"maxResults": 100, "nextToken": page["nextToken"]})
    paging = (time.perf_counter() - started) / 9
    assert page["documents"][-1]["documentId"] == ids[999]
    return seeded, paging, ids


def test_listing_100k_documents_costs_what_listing_a_few_thousand_does_per_document(
    las_emulator: Emulator,
) -> None:
    # Ratios measured side by side, not timings, with margins for a shared machine: seeding is
    # linear in the documents (100x the documents: at most 1,000x the time, where quadratic would
    # be 10,000x) and a page costs the same however many documents there are (at most 20x, where a
    # scan would be 100x). The small case is the best of three, so one stall does not shrink it.
    small = [_seed_and_page(las_emulator, 1_000) for _ in range(3)]
    small_seeded = min(seeded for seeded, _, _ in small)
    small_paging = min(paging for _, paging, _ in small)
    large_seeded, large_paging, _ = _seed_and_page(las_emulator, 100_000)

    assert large_seeded < 1_000 * max(small_seeded, 1e-4), (small_seeded, large_seeded)
    assert large_paging < 20 * max(small_paging, 1e-4), (small_paging, large_paging)


def test_execution_lists_sort_by_start_time_descending(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    docker = api.transition("docker")["transitionId"]
    workflow = api.workflow(docker)["workflowId"]
    runs = [
        api.post(f"/workflows/{workflow}/executions", {"input": {"n": i}})["executionId"] for i in range(5)
    ]
    ids = _all_ids(
        api,
        f"/workflows/{workflow}/executions",
        "executions",
        "executionId",
        sortBy="startTime",
        order="descending",
        maxResults=2,
    )
    assert ids == runs[::-1]
