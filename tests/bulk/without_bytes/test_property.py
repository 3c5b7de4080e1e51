"""Any sequence of failed, refused, expired and lost uploads on the 2024-11-29 contract keeps the
exactly-once promise after every run, and ends in one document per item with its bytes.

In CI: a fixed seed and a bounded number of examples; ``LAS_FUZZ_EXAMPLES=N`` runs N from a
random seed (see tests/reliability/_fuzz.py).
"""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import las
import las.bulk
from las.testing import Emulator
from las.testing._files import FILE_URL_SECONDS, FILES_PATH
from tests.bulk.conftest import pdf
from tests.reliability._fuzz import fuzz_settings

from .conftest import assert_each_item_once_with_its_bytes

ITEMS = [pdf(number) for number in range(3)]
FAULTS = {
    "put 503 once": lambda emulator: emulator.fail_next(1, status=503, method="PUT", path=FILES_PATH),
    "put 503 past the retry": lambda emulator: emulator.fail_next(
        2, status=503, method="PUT", path=FILES_PATH
    ),
    "put 403": lambda emulator: emulator.fail_next(1, status=403, method="PUT", path=FILES_PATH),
    "put answer lost": lambda emulator: emulator.lose_answer_next(1, method="PUT", path=FILES_PATH),
    "post answer lost": lambda emulator: emulator.lose_answer_next(1, method="POST", path="/documents"),
}
RUN = st.fixed_dictionaries(
    {
        "faults": st.lists(st.sampled_from(sorted(FAULTS)), max_size=3),
        "expire_urls_after": st.booleans(),
        "reconcile_after": st.booleans(),
        "recreate_incomplete": st.booleans(),
    }
)
_journals = itertools.count()


def check_nothing_twice_nothing_lost(client: las.Client, journal: Path) -> None:
    """After any run: no item's bytes in two documents; every document without bytes is one the
    journal names, or one of the items whose POST may have created one (ambiguous); every item
    the journal has created has its document with its bytes."""
    documents = list(las.paginate(client.list_documents))
    with las.bulk.Journal(journal) as book:
        entries = book.entries()
    holding = Counter(doc["contentMD5"] for doc in documents if doc["contentMD5"] is not None)
    assert all(count == 1 for count in holding.values()), holding
    named = {entry.document_id for entry in entries if entry.document_id}
    byteless = [doc["documentId"] for doc in documents if doc["contentMD5"] is None]
    unknown = [document_id for document_id in byteless if document_id not in named]
    assert len(unknown) <= sum(1 for entry in entries if entry.unresolved), (unknown, entries)
    by_id = {doc["documentId"]: doc for doc in documents}
    for entry in entries:
        if entry.state == "created":
            assert by_id[entry.document_id]["contentMD5"] == entry.md5, entry


@fuzz_settings(ci_examples=12)
@given(runs=st.lists(RUN, min_size=1, max_size=3))
def test_any_sequence_of_upload_failures_ends_with_each_item_once_with_its_bytes(
    emulator: Emulator, session: las.Session, tmp_path: Path, runs: list[dict[str, object]]
) -> None:
    emulator.reset()
    client = las.Client(session=session)
    dataset = str(client.create_dataset(name="bulk")["datasetId"])
    journal = tmp_path / f"upload-{next(_journals)}.jsonl"
    for run in runs:
        for fault in run["faults"]:  # type: ignore[attr-defined]
            FAULTS[fault](emulator)
        las.bulk.ingest(
            ITEMS,
            dataset=dataset,
            journal=journal,
            session=session,
            max_workers=1,
            recreate_incomplete=bool(run["recreate_incomplete"]),
        )
        emulator.clear_faults()
        check_nothing_twice_nothing_lost(client, journal)
        if run["reconcile_after"]:
            las.bulk.reconcile(journal, session=session, settle=0)
            check_nothing_twice_nothing_lost(client, journal)
        if run["expire_urls_after"]:
            emulator.clock.advance(FILE_URL_SECONDS + 1)
    # Then, without faults: reconcile, and a run that may replace what has no bytes.
    las.bulk.reconcile(journal, session=session, settle=0)
    final = las.bulk.ingest(
        ITEMS, dataset=dataset, journal=journal, session=session, recreate_incomplete=True
    )
    assert final.ok, final.summary()
    assert_each_item_once_with_its_bytes(client, dataset, ITEMS)
