"""Many clients at once: nothing lost, nothing duplicated."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from las.testing import Emulator
from tests.testing._api import Api


def test_sixteen_threads_creating_and_listing_lose_nothing(las_emulator: Emulator) -> None:
    per_thread = 12
    dataset = Api(las_emulator).dataset()["datasetId"]

    def work(_: int) -> list[str]:
        api = Api(las_emulator, check=False)
        mine = []
        for _ in range(per_thread):
            mine.append(api.document(datasetId=dataset)["documentId"])
            api.get("/documents", params={"maxResults": 5})
        return mine

    with ThreadPoolExecutor(max_workers=16) as pool:
        created = [doc for ids in pool.map(work, range(16)) for doc in ids]

    api = Api(las_emulator)
    listed: list[str] = []
    token = None
    while True:
        page = api.get("/documents", params={"maxResults": 50, **({"nextToken": token} if token else {})})
        listed += [d["documentId"] for d in page["documents"]]
        token = page["nextToken"]
        if token is None:
            break
    assert len(created) == len(set(created)) == 16 * per_thread
    assert sorted(listed) == sorted(created)
    assert api.get(f"/datasets/{dataset}")["numberOfDocuments"] == 16 * per_thread
