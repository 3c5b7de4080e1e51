"""Resumable, duplicate-aware ingestion against the emulator: every promise of las.bulk.ingest."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import las
import las.bulk
from las.testing import Emulator
from tests.bulk.conftest import documents_in, pdf, post_documents
from tests.support.contracts import BYTES_IN_THE_POST


def journal_lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_ingest_creates_each_item_and_journals_its_hash_and_document_id(
    las_session: las.Session,
    las_client: las.Client,
    las_emulator: Emulator,
    dataset_id: str,
    scans: list[Path],
    tmp_path: Path,
) -> None:
    journal = tmp_path / "upload.jsonl"
    report = las.bulk.ingest(scans, dataset=dataset_id, journal=journal, session=las_session)
    assert report.counts["created"] == 20 and report.ok
    assert post_documents(las_emulator) == 20
    stored = {doc["documentId"] for doc in documents_in(las_client, dataset_id)}
    assert stored == {result.document_id for result in report.results}
    lines = journal_lines(journal)
    assert lines[0]["lasBulkJournal"] == 1 and lines[0]["datasetId"] == dataset_id
    created = {line["key"]: line for line in lines if line.get("state") == "created"}
    for path, result in zip(scans, report.results, strict=True):
        assert result.key == str(path)
        assert created[str(path)]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert created[str(path)]["documentId"] == result.document_id
    sending = [line["key"] for line in lines if line.get("state") == "sending"]
    assert sorted(sending) == sorted(str(path) for path in scans)  # the intent precedes every POST


def test_a_rerun_creates_nothing_twice(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, scans: list[Path], tmp_path: Path
) -> None:
    journal = tmp_path / "upload.jsonl"
    first = las.bulk.ingest(scans, dataset=dataset_id, journal=journal, session=las_session)
    second = las.bulk.ingest(scans, dataset=dataset_id, journal=journal, session=las_session)
    assert second.counts["skipped"] == 20 and second.ok
    assert [r.document_id for r in second.results] == [r.document_id for r in first.results]
    assert post_documents(las_emulator) == 20


def test_a_run_stopped_mid_way_resumes_where_it_stopped(
    las_session: las.Session,
    las_client: las.Client,
    las_emulator: Emulator,
    dataset_id: str,
    scans: list[Path],
    tmp_path: Path,
) -> None:
    journal = tmp_path / "upload.jsonl"

    def stop_after_five(progress: las.bulk.Progress) -> None:
        if progress.done == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        las.bulk.ingest(
            scans,
            dataset=dataset_id,
            journal=journal,
            session=las_session,
            max_workers=2,
            on_progress=stop_after_five,
        )
    sent_before = post_documents(las_emulator)
    assert 5 <= sent_before < 20
    report = las.bulk.ingest(scans, dataset=dataset_id, journal=journal, session=las_session, max_workers=2)
    assert report.counts["skipped"] == sent_before and report.counts["created"] == 20 - sent_before
    assert post_documents(las_emulator) == 20
    assert len(documents_in(las_client, dataset_id)) == 20


def test_answers_lost_are_ambiguous_and_never_sent_again(
    las_session: las.Session,
    las_client: las.Client,
    las_emulator: Emulator,
    dataset_id: str,
    scans: list[Path],
    tmp_path: Path,
) -> None:
    journal = tmp_path / "upload.jsonl"
    las_emulator.lose_answer_next(3, method="POST", path="/documents")
    report = las.bulk.ingest(scans, dataset=dataset_id, journal=journal, session=las_session)
    assert report.counts["ambiguous"] == 3 and report.counts["created"] == 17 and not report.ok
    assert all("reconcile" in (result.error or "") for result in report.ambiguous)
    assert "las.bulk.reconcile" in report.summary()
    assert len(documents_in(las_client, dataset_id)) == 20  # the API did create all 20
    ambiguous_lines = [line for line in journal_lines(journal) if line.get("state") == "ambiguous"]
    assert len(ambiguous_lines) == 3 and all("reconcile" in str(line["hint"]) for line in ambiguous_lines)
    again = las.bulk.ingest(scans, dataset=dataset_id, journal=journal, session=las_session)
    assert again.counts["ambiguous"] == 3 and again.counts["skipped"] == 17
    assert post_documents(las_emulator) == 20  # nothing sent a second time


@BYTES_IN_THE_POST
def test_reconcile_finds_the_documents_of_ambiguous_items_and_a_rerun_sends_nothing(
    las_session: las.Session,
    las_client: las.Client,
    las_emulator: Emulator,
    dataset_id: str,
    scans: list[Path],
    tmp_path: Path,
) -> None:
    journal = tmp_path / "upload.jsonl"
    las_emulator.lose_answer_next(4, method="POST", path="/documents")
    report = las.bulk.ingest(scans, dataset=dataset_id, journal=journal, session=las_session)
    ambiguous = {result.key for result in report.ambiguous}
    found = las.bulk.reconcile(journal, session=las_session)
    assert set(found.found) == ambiguous and found.not_found == [] and found.extra_documents == []
    for key, document_id in found.found.items():
        content = las_client.get_document(document_id)["content"]
        assert (
            hashlib.sha256(base64.b64decode(content)).digest()
            == hashlib.sha256(Path(key).read_bytes()).digest()
        )
    again = las.bulk.ingest(scans, dataset=dataset_id, journal=journal, session=las_session)
    assert again.counts["skipped"] == 20 and again.ok
    assert post_documents(las_emulator) == 20
    assert len(documents_in(las_client, dataset_id)) == 20


def test_reconcile_marks_what_the_api_never_created_and_the_rerun_sends_it(
    las_session: las.Session,
    las_client: las.Client,
    las_emulator: Emulator,
    dataset_id: str,
    scans: list[Path],
    tmp_path: Path,
) -> None:
    journal = tmp_path / "upload.jsonl"
    las_emulator.drop_next(1, method="POST", path="/documents")  # closed before handling
    las_emulator.fail_next(1, status=500, method="POST", path="/documents")  # refused, body says so
    report = las.bulk.ingest(scans, dataset=dataset_id, journal=journal, session=las_session, max_workers=1)
    assert report.counts["ambiguous"] == 2  # from the client's side, either may have been created
    found = las.bulk.reconcile(journal, session=las_session, settle=0)
    assert found.found == {} and sorted(found.not_found) == sorted(r.key for r in report.ambiguous)
    again = las.bulk.ingest(scans, dataset=dataset_id, journal=journal, session=las_session)
    assert again.counts["created"] == 2 and again.counts["skipped"] == 18
    assert len(documents_in(las_client, dataset_id)) == 20


def test_retry_ambiguous_sends_them_again_accepting_a_duplicate(
    las_session: las.Session,
    las_client: las.Client,
    las_emulator: Emulator,
    dataset_id: str,
    scans: list[Path],
    tmp_path: Path,
) -> None:
    journal = tmp_path / "upload.jsonl"
    las_emulator.lose_answer_next(2, method="POST", path="/documents")
    las.bulk.ingest(scans, dataset=dataset_id, journal=journal, session=las_session)
    again = las.bulk.ingest(
        scans, dataset=dataset_id, journal=journal, session=las_session, retry_ambiguous=True
    )
    assert again.counts["created"] == 2 and again.ok
    assert post_documents(las_emulator) == 22
    assert len(documents_in(las_client, dataset_id)) == 22  # the accepted duplicates


def test_a_refused_item_is_failed_and_sent_again_by_the_next_run(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, scans: list[Path], tmp_path: Path
) -> None:
    journal = tmp_path / "upload.jsonl"
    las_emulator.fail_next(1, status=400, method="POST", path="/documents")
    report = las.bulk.ingest(scans, dataset=dataset_id, journal=journal, session=las_session, max_workers=1)
    assert report.counts["failed"] == 1 and "BadRequestError" in str(report.failed[0].error)
    again = las.bulk.ingest(scans, dataset=dataset_id, journal=journal, session=las_session)
    assert again.counts["created"] == 1 and again.counts["skipped"] == 19


def test_a_connection_that_never_opened_is_failed_not_ambiguous(
    las_emulator: Emulator, dataset_id: str, scans: list[Path], tmp_path: Path
) -> None:
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{closed.getsockname()[1]}"
    credentials = las.Credentials(
        las_emulator.client_id,
        las_emulator.client_secret,
        las_emulator.auth_endpoint,
        dead,
        cache_path=tmp_path / "cache.json",
        contract=las_emulator.contract,
    )
    with las.Session(credentials, max_retries=0) as session:
        report = las.bulk.ingest(scans[:2], dataset=dataset_id, journal=tmp_path / "j.jsonl", session=session)
    assert report.counts["failed"] == 2 and report.counts["ambiguous"] == 0


def test_same_content_is_created_once_and_reported_duplicate(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, tmp_path: Path
) -> None:
    (tmp_path / "a.pdf").write_bytes(pdf(1))
    (tmp_path / "copy-of-a.pdf").write_bytes(pdf(1))
    items = [tmp_path / "a.pdf", tmp_path / "copy-of-a.pdf", pdf(1), tmp_path / "a.pdf"]
    report = las.bulk.ingest(
        items, dataset=dataset_id, journal=tmp_path / "j.jsonl", session=las_session, max_workers=1
    )
    assert [r.status for r in report.results] == ["created", "duplicate", "duplicate", "duplicate"]
    assert {r.document_id for r in report.results[:3]} == {report.results[0].document_id}
    assert report.ok and post_documents(las_emulator) == 1
    separate = las.bulk.ingest(
        items[:2],
        dataset=dataset_id,
        journal=tmp_path / "j.jsonl",
        session=las_session,
        allow_duplicates=True,
    )
    assert [r.status for r in separate.results] == ["skipped", "created"]


def test_in_memory_items_are_keyed_by_their_content_hash(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, tmp_path: Path
) -> None:
    items = [
        pdf(1),
        las.bulk.IngestItem(pdf(2), key="invoice-2", ground_truth=[{"label": "total", "value": "12"}]),
    ]
    report = las.bulk.ingest(items, dataset=dataset_id, journal=tmp_path / "j.jsonl", session=las_session)
    assert [r.key for r in report.results] == [f"sha256:{hashlib.sha256(pdf(1)).hexdigest()}", "invoice-2"]
    posted = [
        sent.json for sent in las_emulator.requests if sent.method == "POST" and sent.path == "/documents"
    ]
    assert {"label": "total", "value": "12"} in [gt for body in posted for gt in body.get("groundTruth", [])]
    again = las.bulk.ingest(items, dataset=dataset_id, journal=tmp_path / "j.jsonl", session=las_session)
    assert again.counts["skipped"] == 2


def test_an_items_consent_and_retention_are_sent_with_it(
    las_session: las.Session, las_client: las.Client, dataset_id: str, tmp_path: Path
) -> None:
    consent = "las:consent:" + "c" * 32
    item = las.bulk.IngestItem(pdf(1), key="kept", consent_id=consent, retention_in_days=7)
    report = las.bulk.ingest([item], dataset=dataset_id, journal=tmp_path / "j.jsonl", session=las_session)
    document = las_client.get_document(str(report.results[0].document_id))
    assert (document["consentId"], document["retentionInDays"]) == (consent, 7)


def test_content_changed_since_created_is_reported_not_sent(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, scans: list[Path], tmp_path: Path
) -> None:
    journal = tmp_path / "j.jsonl"
    las.bulk.ingest(scans[:3], dataset=dataset_id, journal=journal, session=las_session)
    scans[1].write_bytes(pdf(99))
    report = las.bulk.ingest(scans[:3], dataset=dataset_id, journal=journal, session=las_session)
    assert [r.status for r in report.results] == ["skipped", "changed", "skipped"]
    assert "another key" in str(report.results[1].error)
    assert post_documents(las_emulator) == 3


def test_a_created_item_whose_file_is_gone_is_still_skipped(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, scans: list[Path], tmp_path: Path
) -> None:
    journal = tmp_path / "j.jsonl"
    las.bulk.ingest(scans[:2], dataset=dataset_id, journal=journal, session=las_session)
    scans[0].unlink()
    report = las.bulk.ingest(scans[:2], dataset=dataset_id, journal=journal, session=las_session)
    assert report.counts["skipped"] == 2


def test_an_unreadable_item_fails_alone_with_its_reason(
    las_session: las.Session, dataset_id: str, scans: list[Path], tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("not a document")
    items = [scans[0], tmp_path / "missing.pdf", tmp_path / "notes.txt", b"plain text"]
    report = las.bulk.ingest(items, dataset=dataset_id, journal=tmp_path / "j.jsonl", session=las_session)
    assert [r.status for r in report.results] == ["created", "failed", "failed", "failed"]
    assert "ContentNotFoundError" in str(report.results[1].error)
    assert "FileFormatException" in str(report.results[2].error)
    assert report.results[3].key == f"sha256:{hashlib.sha256(b'plain text').hexdigest()}"
    assert "failed" in report.summary() and "ContentNotFoundError" in report.summary()


def test_bad_arguments_are_refused_before_any_request(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, tmp_path: Path
) -> None:
    with pytest.raises(las.InvalidIdError):
        las.bulk.ingest(
            [pdf(1)], dataset="las:model:" + "0" * 32, journal=tmp_path / "j.jsonl", session=las_session
        )
    with pytest.raises(las.InvalidArgumentError, match="IngestItem"):
        las.bulk.ingest([123], dataset=dataset_id, journal=tmp_path / "j.jsonl", session=las_session)  # type: ignore[list-item]
    with pytest.raises(las.InvalidArgumentError, match="in a list"):
        las.bulk.ingest(
            str(tmp_path / "one.pdf"), dataset=dataset_id, journal=tmp_path / "j.jsonl", session=las_session
        )
    with pytest.raises(las.InvalidArgumentError, match="max_workers"):
        las.bulk.ingest(
            [pdf(1)], dataset=dataset_id, journal=tmp_path / "j.jsonl", session=las_session, max_workers=0
        )
    assert post_documents(las_emulator) == 0


def test_upload_to_dataset_uses_the_dataset_objects_session(
    las_session: las.Session, las_client: las.Client, dataset_id: str, scans: list[Path], tmp_path: Path
) -> None:
    dataset = las.Dataset.get(dataset_id, session=las_session)
    report = las.bulk.upload_to_dataset(dataset, scans[:3], journal=tmp_path / "j.jsonl")
    assert report.counts["created"] == 3 and report.dataset_id == dataset_id
    assert len(documents_in(las_client, dataset_id)) == 3


def test_a_success_status_with_a_body_that_is_not_json_is_ambiguous(
    las_session: las.Session,
    las_client: las.Client,
    las_emulator: Emulator,
    dataset_id: str,
    scans: list[Path],
    tmp_path: Path,
) -> None:
    journal = tmp_path / "upload.jsonl"
    las_emulator.fail_next(
        1,
        status=200,
        body=b"<html>proxy page</html>",
        content_type="text/html",
        method="POST",
        path="/documents",
    )
    report = las.bulk.ingest(
        scans[:3], dataset=dataset_id, journal=journal, session=las_session, max_workers=1
    )
    assert [r.status for r in report.results] == ["ambiguous", "created", "created"]
    assert "InvalidResponseError" in str(report.results[0].error)
    assert las.bulk.reconcile(journal, session=las_session, settle=0).not_found == [
        str(scans[0])
    ]  # the proxy ate it
    again = las.bulk.ingest(scans[:3], dataset=dataset_id, journal=journal, session=las_session)
    assert [r.status for r in again.results] == ["created", "skipped", "skipped"]
    assert len(documents_in(las_client, dataset_id)) == 3


@BYTES_IN_THE_POST
def test_a_read_timeout_is_ambiguous_and_reconcile_finds_the_late_document(
    las_emulator: Emulator, las_client: las.Client, dataset_id: str, scans: list[Path], tmp_path: Path
) -> None:
    journal = tmp_path / "upload.jsonl"
    las_emulator.delay_next(1, 1.0, method="POST", path="/documents")
    with las_emulator.session(timeout=(5.0, 0.5)) as impatient:
        report = las.bulk.ingest(
            scans[:2], dataset=dataset_id, journal=journal, session=impatient, max_workers=1
        )
    assert [r.status for r in report.results] == ["ambiguous", "created"]
    give_up = time.monotonic() + 60  # a bound against hanging, not a speed assertion
    while len(documents_in(las_client, dataset_id)) < 2 and time.monotonic() < give_up:
        time.sleep(0.05)  # the server finishes the slow one
    found = las.bulk.reconcile(journal, session=las_client)
    assert list(found.found) == [str(scans[0])]
    assert post_documents(las_emulator) == 2


def test_progress_printer_keeps_a_status_line_for_an_unsized_input(
    las_session: las.Session, dataset_id: str, scans: list[Path], tmp_path: Path
) -> None:
    import io

    out = io.StringIO()
    las.bulk.ingest(
        (path for path in scans[:3]),
        dataset=dataset_id,
        journal=tmp_path / "j.jsonl",
        session=las_session,
        on_progress=las.bulk.progress_printer(out),
    )
    updates = out.getvalue().split("\r")[1:]
    assert [update.split(" ")[0] for update in updates] == ["1", "2", "3"]  # no total: not "1/3"
    assert "3 created" in updates[-1] and not out.getvalue().endswith("\n")


@BYTES_IN_THE_POST
def test_under_lost_answers_drops_and_5xx_every_item_ends_in_the_dataset_exactly_once(
    las_session: las.Session, las_client: las.Client, las_emulator: Emulator, dataset_id: str, tmp_path: Path
) -> None:
    items = [las.bulk.IngestItem(pdf(number), key=f"item-{number}") for number in range(120)]
    journal = tmp_path / "upload.jsonl"
    las_emulator.fail_randomly(
        0.4, kinds=("lose", "drop", "status"), method="POST", path="/documents", seed=3
    )
    first = las.bulk.ingest(items, dataset=dataset_id, journal=journal, session=las_session, max_workers=8)
    las_emulator.clear_faults()
    assert first.counts["created"] + first.counts["ambiguous"] == 120 and first.counts["ambiguous"] > 0
    assert post_documents(las_emulator) == 120  # one POST per item, whatever happened to it
    found = las.bulk.reconcile(journal, session=las_session, settle=0)
    assert len(found.found) + len(found.not_found) == first.counts["ambiguous"]
    assert found.found and found.not_found  # lost answers were created; drops and 503s were not
    second = las.bulk.ingest(items, dataset=dataset_id, journal=journal, session=las_session, max_workers=8)
    assert second.counts["created"] == len(found.not_found) and second.ok
    contents = [
        las_client.get_document(doc["documentId"])["content"] for doc in documents_in(las_client, dataset_id)
    ]
    assert sorted(contents) == sorted(base64.b64encode(pdf(number)).decode() for number in range(120))


def test_items_are_read_lazily_at_most_twice_max_workers_ahead(
    las_session: las.Session, dataset_id: str, tmp_path: Path
) -> None:
    finished = 0
    ahead: list[int] = []

    def items() -> Iterator[bytes]:
        for number in range(30):
            ahead.append(number - finished)  # pulled but not finished, before this one
            yield pdf(number)

    def count(progress: las.bulk.Progress) -> None:
        nonlocal finished
        finished = progress.done

    report = las.bulk.ingest(
        items(),
        dataset=dataset_id,
        journal=tmp_path / "j.jsonl",
        session=las_session,
        max_workers=2,
        on_progress=count,
    )
    assert report.counts["created"] == 30
    assert max(ahead) <= 2 * 2


@pytest.mark.parametrize("twice", ["the same key", "the same content under two keys"])
def test_a_duplicate_names_the_document_it_shares_even_when_settled_before_it_was_created(
    las_session: las.Session,
    las_emulator: Emulator,
    dataset_id: str,
    scans: list[Path],
    tmp_path: Path,
    twice: str,
) -> None:
    """Whichever of two identical items a thread claims first, the other is settled a duplicate
    while the first one's create is still in flight (delayed here); the report still names the
    document they share (docs/bulk.md's example compares it across runs)."""
    if twice == "the same key":
        items: list[object] = [scans[0], scans[0]]
    else:
        content = scans[0].read_bytes()
        items = [las.bulk.IngestItem(content, key="first"), las.bulk.IngestItem(content, key="second")]
    las_emulator.delay_next(1, 0.5, method="POST", path="/documents")
    report = las.bulk.ingest(
        items, dataset=dataset_id, journal=tmp_path / "upload.jsonl", session=las_session, max_workers=2
    )
    assert sorted(report.counts[status] for status in ("created", "duplicate")) == [1, 1]
    [created] = [result for result in report.results if result.status == "created"]
    [duplicate] = [result for result in report.results if result.status == "duplicate"]
    assert created.document_id is not None and duplicate.document_id == created.document_id
    assert duplicate.shares == created.key and created.shares is None
    assert post_documents(las_emulator) == 1


def _twice(twice: str, content: bytes) -> list[object]:
    """Two items of the same content: under one key, or under two."""
    keys = ["k", "k"] if twice == "the same key" else ["first", "second"]
    return [las.bulk.IngestItem(content, key=key) for key in keys]


@pytest.mark.parametrize("twice", ["the same key", "the same content under two keys"])
def test_a_copy_of_an_item_that_was_refused_is_reported_failed_and_the_rerun_creates_it_once(
    las_session: las.Session,
    las_client: las.Client,
    las_emulator: Emulator,
    dataset_id: str,
    tmp_path: Path,
    twice: str,
) -> None:
    """Found by a review: the copy, settled a duplicate while the first create was in flight,
    was reported in the dataset (ok) although that create was refused and the dataset was empty."""
    journal = tmp_path / "upload.jsonl"
    las_emulator.delay_next(1, 0.5, method="POST", path="/documents")
    las_emulator.fail_next(1, status=400, method="POST", path="/documents")
    report = las.bulk.ingest(
        _twice(twice, pdf(1)), dataset=dataset_id, journal=journal, session=las_session, max_workers=2
    )
    assert [result.status for result in report] == ["failed", "failed"] and not report.ok
    assert documents_in(las_client, dataset_id) == [] and post_documents(las_emulator) == 1
    copy = next(result for result in report if result.exception is None)
    [twin] = [result for result in report if result is not copy]
    assert copy.shares == twin.key and twin.shares is None  # which item it followed
    assert (
        copy.document_id is None and "not sent" in str(copy.error) and "a re-run sends it" in str(copy.error)
    )

    again = las.bulk.ingest(
        _twice(twice, pdf(1)), dataset=dataset_id, journal=journal, session=las_session, max_workers=2
    )
    assert sorted(result.status for result in again) == ["created", "duplicate"] and again.ok
    [document] = documents_in(las_client, dataset_id)
    assert {result.document_id for result in again} == {document["documentId"]}


@pytest.mark.parametrize("twice", ["the same key", "the same content under two keys"])
def test_a_copy_of_an_item_whose_answer_was_lost_is_ambiguous_like_it(
    las_session: las.Session,
    las_client: las.Client,
    las_emulator: Emulator,
    dataset_id: str,
    tmp_path: Path,
    twice: str,
) -> None:
    """Its content is in the dataset only if the first item's create happened: reconcile tells."""
    journal = tmp_path / "upload.jsonl"
    las_emulator.delay_next(1, 0.5, method="POST", path="/documents")
    las_emulator.drop_next(1, method="POST", path="/documents")
    report = las.bulk.ingest(
        _twice(twice, pdf(1)), dataset=dataset_id, journal=journal, session=las_session, max_workers=2
    )
    assert [result.status for result in report] == ["ambiguous", "ambiguous"] and not report.ok
    assert all("reconcile" in str(result.error) for result in report)
    assert post_documents(las_emulator) == 1

    found = las.bulk.reconcile(journal, session=las_session, settle=0)
    assert found.not_found == [report.results[0].key]  # the one journaled: the copy never was
    again = las.bulk.ingest(_twice(twice, pdf(1)), dataset=dataset_id, journal=journal, session=las_session)
    assert sorted(result.status for result in again) == ["created", "duplicate"]
    assert len(documents_in(las_client, dataset_id)) == 1


def test_a_copy_of_an_item_an_earlier_run_left_sending_is_ambiguous_and_not_sent(
    las_session: las.Session, las_client: las.Client, las_emulator: Emulator, dataset_id: str, tmp_path: Path
) -> None:
    journal = tmp_path / "upload.jsonl"
    with las.bulk.Journal(journal, dataset_id=dataset_id) as book:  # as a process killed mid-POST leaves it
        book.record("a", "sending", sha256=hashlib.sha256(pdf(1)).hexdigest())
    report = las.bulk.ingest(
        [las.bulk.IngestItem(pdf(1), key="b")], dataset=dataset_id, journal=journal, session=las_session
    )
    [copy] = report.results
    assert copy.status == "ambiguous" and not report.ok and "'a'" in str(copy.error)
    assert post_documents(las_emulator) == 0 and documents_in(las_client, dataset_id) == []


def test_the_same_key_with_other_content_is_changed_and_not_sent(
    las_session: las.Session, las_client: las.Client, las_emulator: Emulator, dataset_id: str, tmp_path: Path
) -> None:
    """Found by a review: the second content was reported a duplicate (ok) and never sent."""
    items = [las.bulk.IngestItem(pdf(1), key="invoice.pdf"), las.bulk.IngestItem(pdf(2), key="invoice.pdf")]
    report = las.bulk.ingest(
        items, dataset=dataset_id, journal=tmp_path / "j.jsonl", session=las_session, max_workers=1
    )
    first, second = report.results
    assert first.status == "created" and second.status == "changed" and not report.ok
    assert "other content" in str(second.error) and "its own key" in str(second.error)
    assert post_documents(las_emulator) == 1 and len(documents_in(las_client, dataset_id)) == 1


def test_a_file_name_that_is_not_utf8_is_journaled_and_skipped_by_the_rerun(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, tmp_path: Path
) -> None:
    """Found by a review: a Latin-1 file name (which Python reads with surrogate escapes) stopped
    a journaled run when its line was written, and every re-run the same way."""
    folder = tmp_path / "scans"
    folder.mkdir()
    (folder / os.fsdecode(b"r\xe9sum\xe9.pdf")).write_bytes(pdf(1))
    journal = tmp_path / "j.jsonl"
    items = sorted(folder.iterdir())
    assert [
        result.status
        for result in las.bulk.ingest(items, dataset=dataset_id, journal=journal, session=las_session)
    ] == ["created"]
    again = las.bulk.ingest(
        sorted(folder.iterdir()), dataset=dataset_id, journal=journal, session=las_session
    )
    assert [result.status for result in again] == ["skipped"] and post_documents(las_emulator) == 1
    assert {line["key"] for line in journal_lines(journal)[1:]} == {str(items[0])}  # read back as written


def test_an_ambiguous_item_whose_file_is_gone_stays_ambiguous(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, scans: list[Path], tmp_path: Path
) -> None:
    """Found by a review: it was reported failed ("certainly not created") on the re-run."""
    journal = tmp_path / "j.jsonl"
    las_emulator.drop_next(1, method="POST", path="/documents")
    [lost] = las.bulk.ingest(scans[:1], dataset=dataset_id, journal=journal, session=las_session).results
    assert lost.status == "ambiguous"
    scans[0].unlink()
    [again] = las.bulk.ingest(scans[:1], dataset=dataset_id, journal=journal, session=las_session).results
    assert again.status == "ambiguous" and "reconcile" in str(again.error)
    assert post_documents(las_emulator) == 1
