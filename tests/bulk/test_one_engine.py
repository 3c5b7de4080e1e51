"""The one upload engine behind ingest, dataset.upload and dataset.upload_async, attacked where
the two engines it replaces differed: an answer that is not the contract's, the status line,
a bad item in the middle of a journaled run, and what each variant sends."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import las
import las.bulk
from las.testing import Emulator
from tests.bulk.conftest import pdf, post_documents


def journal_states(path: Path) -> dict[str, str]:
    lines = [json.loads(line) for line in path.read_text().splitlines()[1:]]
    return {line["key"]: line["state"] for line in lines}


@pytest.fixture
def dataset(las_session: las.Session, las_emulator: Emulator) -> las.Dataset:
    created = las.Dataset.create(name="one engine", session=las_session)
    las_emulator.clear_requests()
    return created


def test_a_success_whose_body_has_no_document_id_is_ambiguous_and_the_run_goes_on(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, tmp_path: Path
) -> None:
    # The API may have created it (2xx) but did not say which document it is: the item is
    # ambiguous, recorded so, never sent again; the run goes on with the other items.
    journal = tmp_path / "upload.jsonl"
    las_emulator.fail_next(1, status=200, body=b'{"contentType": "application/pdf"}', method="POST")
    items = [las.bulk.IngestItem(pdf(n), key=f"item-{n}") for n in range(3)]
    report = las.bulk.ingest(items, dataset=dataset_id, journal=journal, session=las_session, max_workers=1)
    assert [result.status for result in report] == ["ambiguous", "created", "created"]
    assert isinstance(report.results[0].exception, las.InvalidResponseError)
    assert "documentId" in str(report.results[0].error) and "reconcile" in str(report.results[0].error)
    assert journal_states(journal) == {"item-0": "ambiguous", "item-1": "created", "item-2": "created"}
    again = las.bulk.ingest(items, dataset=dataset_id, journal=journal, session=las_session)
    assert again.counts["ambiguous"] == 1 and post_documents(las_emulator) == 3  # not sent again


def test_without_a_journal_such_an_answer_fails_the_item_alone(
    dataset: las.Dataset, las_emulator: Emulator
) -> None:
    las_emulator.fail_next(1, status=200, body=b'{"contentType": "application/pdf"}', method="POST")
    report = dataset.upload([pdf(1), pdf(2)], max_workers=1)
    assert [result.status for result in report] == ["failed", "created"]
    assert isinstance(report.results[0].exception, las.InvalidResponseError)
    assert post_documents(las_emulator) == 2


def test_the_status_line_of_a_journaled_upload_of_unknown_length_ends_with_its_line(
    dataset: las.Dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset.upload((pdf(n) for n in range(3)), journal=tmp_path / "upload.jsonl", progress_bar=True)
    err = capsys.readouterr().err
    assert err.split("\r")[-1].startswith("3 (3 created)") and err.endswith("\n")


def test_the_status_line_of_a_sized_upload_ends_once(
    dataset: las.Dataset, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset.upload([pdf(n) for n in range(3)], progress_bar=True)
    err = capsys.readouterr().err
    assert err.split("\r")[-1].startswith("3/3 (3 created)") and err.endswith("/s\n")


def test_a_bad_item_stops_a_journaled_run_sending_nothing_for_it(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, tmp_path: Path
) -> None:
    journal = tmp_path / "upload.jsonl"
    pulled: list[int] = []

    def items() -> Iterator[object]:
        for number in range(50):
            pulled.append(number)
            yield {"content": pdf(number), "groundtruth": {}} if number == 3 else pdf(number)

    with pytest.raises(las.InvalidArgumentError, match="an upload dict needs 'content'"):
        las.bulk.ingest(items(), dataset=dataset_id, journal=journal, session=las_session, max_workers=2)
    states = journal_states(journal)
    assert len(pulled) <= 3 + 1 + 2 * 2  # it stopped within a window of the bad item
    assert set(states.values()) == {"created"} and len(states) == post_documents(las_emulator)
    assert f"sha256:{__import__('hashlib').sha256(pdf(3)).hexdigest()}" not in states


@pytest.mark.parametrize("variant", ["threads", "tasks"])
def test_each_variant_sends_one_create_per_item_with_its_fields(
    variant: str, las_session: las.Session, las_emulator: Emulator, dataset: las.Dataset, tmp_path: Path
) -> None:
    consent = "las:consent:" + "a" * 32
    items = [{"content": pdf(n), "ground_truth": {"n": str(n)}, "consent": consent} for n in range(6)]
    if variant == "threads":
        report = dataset.upload(items, max_workers=3)
    else:

        async def run() -> las.bulk.IngestReport:
            async with las.AsyncSession(las_session.credentials) as session:
                remote = await las.Dataset.get_async(dataset.id, session=session)
                return await remote.upload_async(items, max_concurrency=3)

        report = asyncio.run(run())
    sent = [request.json for request in las_emulator.requests if request.path == "/documents"]
    assert report.ok and len(sent) == 6
    assert sorted(body["groundTruth"][0]["value"] for body in sent) == [str(n) for n in range(6)]
    assert {(body["datasetId"], body["consentId"], body["contentType"]) for body in sent} == {
        (dataset.id, consent, "application/pdf")
    }
    assert [result.document.ground_truth_dict() for result in report if result.document] == [
        {"n": str(n)} for n in range(6)
    ]
