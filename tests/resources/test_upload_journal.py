"""dataset.upload(items, journal=...): las.bulk's resumable, never-twice ingestion behind upload."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

import las
from las.bulk import IngestItem, IngestReport, ItemResult, JournalError
from las.resources import Dataset, InvalidArgumentError
from las.testing import Emulator
from tests.support.contracts import BYTES_IN_THE_POST

from .conftest import PDF, Requests


def pdf(number: int) -> bytes:
    return PDF + b" journal %d" % number


def posts(api: Requests) -> int:
    return sum(1 for request in api.all if request.method == "POST" and request.path == "/documents")


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    paths = []
    for number in range(6):
        path = tmp_path / f"scan-{number}.pdf"
        path.write_bytes(pdf(number))
        paths.append(path)
    return paths


def test_a_rerun_with_the_same_journal_creates_nothing_twice(
    dataset: Dataset, files: list[Path], tmp_path: Path, api: Requests
) -> None:
    journal = tmp_path / "upload.jsonl"

    first = dataset.upload(files, journal=journal, max_workers=3)
    assert isinstance(first, IngestReport)
    assert first.counts["created"] == len(files) and first.ok
    assert posts(api) == len(files)

    again = dataset.documents.upload(files, journal=str(journal), max_workers=3)

    assert posts(api) == len(files)  # not one more POST /documents
    assert again.counts["skipped"] == len(files)
    assert [result.document_id for result in again.results] == [r.document_id for r in first.results]
    assert sorted(d.id for d in dataset.documents) == sorted(str(r.document_id) for r in first.results)


def test_after_a_crash_only_what_is_missing_is_sent(
    dataset: Dataset, files: list[Path], tmp_path: Path, api: Requests
) -> None:
    journal = tmp_path / "upload.jsonl"
    dataset.upload(files[:2], journal=journal)  # the run that "crashed" after two items

    report = dataset.upload(files, journal=journal)

    assert [result.status for result in report.results] == ["skipped"] * 2 + ["created"] * 4
    assert posts(api) == len(files)


@BYTES_IN_THE_POST
def test_an_answer_lost_after_the_work_is_ambiguous_and_not_resent(
    dataset: Dataset, files: list[Path], tmp_path: Path, las_emulator: Emulator, api: Requests
) -> None:
    journal = tmp_path / "upload.jsonl"
    las_emulator.lose_answer_next(method="POST", path="/documents")

    first = dataset.upload(files[:1], journal=journal)

    assert [result.status for result in first.results] == ["ambiguous"]
    assert "reconcile" in str(first.results[0].error)
    assert len(list(dataset.documents)) == 1  # the server did create it
    assert not first.ok and "1 ambiguous" in first.summary()

    again = dataset.upload(files[:1], journal=journal)

    assert [result.status for result in again.results] == ["ambiguous"]
    assert posts(api) == 1  # sent once, never again on its own
    assert len(list(dataset.documents)) == 1

    found = las.bulk.reconcile(journal, session=dataset._client)
    assert list(found.found) == [str(files[0])]
    assert dataset.upload(files[:1], journal=journal).counts["skipped"] == 1
    assert posts(api) == 1


def test_retry_ambiguous_sends_it_again(
    dataset: Dataset, files: list[Path], tmp_path: Path, las_emulator: Emulator, api: Requests
) -> None:
    journal = tmp_path / "upload.jsonl"
    las_emulator.lose_answer_next(method="POST", path="/documents")
    dataset.upload(files[:1], journal=journal)

    report = dataset.upload(files[:1], journal=journal, retry_ambiguous=True)

    assert [result.status for result in report.results] == ["created"]
    assert posts(api) == 2  # the accepted possible duplicate
    assert len(list(dataset.documents)) == 2


def test_upload_item_forms_keep_their_meaning_with_a_journal(
    dataset: Dataset, files: list[Path], tmp_path: Path
) -> None:
    consent = "las:consent:" + "a" * 32
    items: list[Any] = [
        files[0],
        str(files[1]),
        pdf(10),
        (pdf(11),),
        (pdf(12), {"total_amount": "12.00"}),
        {
            "content": pdf(13),
            "ground_truth": [{"label": "total_amount", "value": "13.00"}],
            "content_type": "application/pdf",
            "consent": consent,
            "retention_in_days": 7,
        },
        io.BytesIO(pdf(14)),
        IngestItem(pdf(15), key="fifteen"),
    ]

    report = dataset.upload(items, journal=tmp_path / "upload.jsonl")

    assert report.counts["created"] == len(items)
    keys = [result.key for result in report.results]
    assert keys[:2] == [str(files[0]), str(files[1])] and keys[-1] == "fifteen"
    assert all(key.startswith("sha256:") for key in keys[2:7])  # in-memory content: keyed by its hash
    with_truth = las.resources.Document.get(str(report.results[4].document_id))
    assert with_truth.ground_truth_dict() == {"total_amount": "12.00"}
    full = las.resources.Document.get(str(report.results[5].document_id))
    assert full.ground_truth_dict() == {"total_amount": "13.00"}
    assert full.consent_id == consent and full.retention_in_days == 7


def test_on_progress_is_called_as_without_a_journal_with_an_item_result(
    dataset: Dataset, files: list[Path], tmp_path: Path
) -> None:
    calls: list[tuple[ItemResult, int, int | None]] = []

    def on_progress(item: ItemResult, done: int, total: int | None) -> None:
        calls.append((item, done, total))

    dataset.upload(files, journal=tmp_path / "upload.jsonl", on_progress=on_progress)

    assert [done for _, done, _ in calls] == list(range(1, len(files) + 1))
    assert {total for _, _, total in calls} == {len(files)}
    assert sorted(item.index for item, _, _ in calls) == list(range(len(files)))
    assert all(isinstance(item, ItemResult) and item.status == "created" for item, _, _ in calls)


def test_an_unsized_input_has_no_total_and_is_read_lazily(
    dataset: Dataset, files: list[Path], tmp_path: Path
) -> None:
    totals: list[int | None] = []
    report = dataset.upload(
        (path for path in files),
        journal=tmp_path / "upload.jsonl",
        on_progress=lambda item, done, total: totals.append(total),
    )
    assert report.counts["created"] == len(files) and set(totals) == {None}


def test_progress_bar_prints_to_stderr(
    dataset: Dataset, files: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset.upload(files, journal=tmp_path / "upload.jsonl", progress_bar=True)
    assert f"{len(files)}/{len(files)}" in capsys.readouterr().err


def test_retry_ambiguous_without_a_journal_is_refused_before_any_request(
    dataset: Dataset, files: list[Path], api: Requests
) -> None:
    with pytest.raises(InvalidArgumentError, match="needs a journal"):
        dataset.upload(files, retry_ambiguous=True)  # type: ignore[call-overload]
    assert api.calls == []


@pytest.mark.parametrize("workers", [0, -1])
def test_bad_max_workers_is_refused_before_the_journal_is_written(
    dataset: Dataset, files: list[Path], tmp_path: Path, api: Requests, workers: int
) -> None:
    journal = tmp_path / "upload.jsonl"
    with pytest.raises(InvalidArgumentError, match="max_workers"):
        dataset.upload(files, journal=journal, max_workers=workers)
    assert not journal.exists() and api.calls == []


@pytest.mark.parametrize(
    "item, problem",
    [
        ({"path": "a.pdf"}, "needs 'content'"),
        ((1, 2, 3), "tuple"),
        (42, "bytes, a path or a binary file object"),
        (io.StringIO("text"), "binary mode"),
        ({"content": PDF, "consent": "las:dataset:" + "a" * 32}, "consent"),
    ],
)
def test_a_bad_item_is_refused_with_a_clear_error(
    dataset: Dataset, tmp_path: Path, api: Requests, item: object, problem: str
) -> None:
    with pytest.raises(las.ClientException, match=problem):
        dataset.upload([item], journal=tmp_path / "upload.jsonl")
    assert posts(api) == 0


@pytest.mark.parametrize("items", [b"%PDF", "scan.pdf", Path("scan.pdf"), {"content": PDF}])
def test_a_single_item_instead_of_a_list_is_refused(
    dataset: Dataset, tmp_path: Path, api: Requests, items: Any
) -> None:
    with pytest.raises(InvalidArgumentError, match="pass it in a list"):
        dataset.upload(items, journal=tmp_path / "upload.jsonl")
    assert api.calls == []


def test_a_tuple_of_items_is_a_list_of_items_as_without_a_journal(
    dataset: Dataset, files: list[Path], tmp_path: Path
) -> None:
    report = dataset.upload(tuple(files[:2]), journal=tmp_path / "upload.jsonl")
    assert [result.key for result in report.results] == [str(files[0]), str(files[1])]
    assert report.counts["created"] == 2


def test_a_journal_of_another_dataset_is_refused(
    dataset: Dataset, files: list[Path], tmp_path: Path, session: las.Session, api: Requests
) -> None:
    journal = tmp_path / "upload.jsonl"
    dataset.upload(files[:1], journal=journal)
    other = Dataset.create(name="other", session=session)
    api.clear()
    with pytest.raises(JournalError):
        other.upload(files, journal=journal)
    assert posts(api) == 0
    first_line = json.loads(journal.read_text().splitlines()[0])
    assert first_line["datasetId"] == dataset.id


def test_a_bad_item_mid_run_stops_it_and_the_journal_keeps_what_was_done(
    dataset: Dataset, files: list[Path], tmp_path: Path, api: Requests
) -> None:
    journal = tmp_path / "upload.jsonl"
    with pytest.raises(InvalidArgumentError, match="bytes, a path or a binary file object"):
        dataset.upload([files[0], files[1], 42], journal=journal, max_workers=1)
    assert posts(api) == 2

    report = dataset.upload(files[:2], journal=journal)

    assert report.counts["skipped"] == 2 and posts(api) == 2
