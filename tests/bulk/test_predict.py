"""Bulk prediction against the emulator: a result per document, adaptive concurrency, exports."""

from __future__ import annotations

import csv
import io
import itertools
import json
import time
from pathlib import Path

import pytest

import las
import las.bulk
from las.testing import Emulator
from tests.bulk.conftest import MODEL_FIELDS as FIELDS
from tests.bulk.conftest import predictions_sent


def test_predict_over_a_dataset_gives_one_result_per_document(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, model_id: str
) -> None:
    ids = las_emulator.seed_documents(25, dataset_id=dataset_id)
    las_emulator.seed_documents(5)  # outside the dataset: not predicted
    report = las.bulk.predict(model_id, dataset_id, session=las_session, max_workers=4)
    assert report.ok and report.counts == {"predicted": 25, "skipped": 0, "failed": 0}
    assert sorted(r.document_id for r in report.results) == sorted(ids)
    assert all(
        r.prediction and {p["label"] for p in r.prediction["predictions"]} == set(FIELDS)
        for r in report.results
    )
    assert predictions_sent(las_emulator) == [200] * 25


def test_predict_accepts_ids_list_items_and_objects_in_input_order(
    las_session: las.Session, las_client: las.Client, las_emulator: Emulator, model_id: str
) -> None:
    ids = las_emulator.seed_documents(3)
    listed = las_client.list_documents()["documents"]
    by_id = {item["documentId"]: item for item in listed}
    document = las.Document.get(ids[2], session=las_session)
    report = las.bulk.predict(model_id, [ids[0], by_id[ids[1]], document], session=las_session)
    assert [r.document_id for r in report.results] == ids and report.ok


def test_a_bad_document_fails_alone_without_a_request(
    las_session: las.Session, las_emulator: Emulator, model_id: str
) -> None:
    (good,) = las_emulator.seed_documents(1)
    report = las.bulk.predict(model_id, [good, "las:model:" + "0" * 32, {"id": "x"}], session=las_session)
    assert [r.status for r in report.results] == ["predicted", "failed", "failed"]
    assert "expected a document id" in str(report.results[1].error)
    assert "documentId" in str(report.results[2].error)
    assert predictions_sent(las_emulator) == [200]


def test_bad_arguments_are_refused_before_any_request(
    las_session: las.Session, las_emulator: Emulator, model_id: str
) -> None:
    with pytest.raises(las.InvalidIdError):
        las.bulk.predict("las:dataset:" + "0" * 32, [], session=las_session)
    with pytest.raises(las.InvalidArgumentError, match="dataset id"):
        las.bulk.predict(model_id, "receipts", session=las_session)
    with pytest.raises(las.InvalidArgumentError, match="max_workers"):
        las.bulk.predict(model_id, [], session=las_session, max_workers=0)
    assert predictions_sent(las_emulator) == []


def test_concurrency_halves_under_a_rate_limit_and_every_document_is_predicted_once(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, model_id: str
) -> None:
    las_emulator.seed_documents(20, dataset_id=dataset_id)
    las_emulator.set_rate_limit(5)  # a bucket of 5 tokens: the first burst of 16 meets 429s
    report = las.bulk.predict(model_id, dataset_id, session=las_session, max_workers=16)
    las_emulator.set_rate_limit(None)
    statuses = predictions_sent(las_emulator)
    throttled = statuses.count(429)
    assert report.ok and statuses.count(200) == 20  # each document predicted exactly once
    assert throttled > 0 and report.concurrency.rate_limited == throttled  # each 429 seen by the limit
    history = report.concurrency.history
    assert history[0] == 16 and min(history) <= 8  # halved at least once
    assert all(later in (earlier // 2 or 1, earlier + 1) for earlier, later in itertools.pairwise(history))
    assert sum(r.attempts for r in report.results) == len(statuses)  # arrivals = attempts, none lost
    assert report.concurrency.max_in_flight <= 16


def test_concurrency_grows_back_after_successes(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, model_id: str
) -> None:
    las_emulator.seed_documents(30, dataset_id=dataset_id)
    report = las.bulk.predict(model_id, dataset_id, session=las_session, max_workers=4, initial_concurrency=1)
    assert report.concurrency.history[:4] == [1, 2, 3, 4]  # +1 after 1, 2 and 3 successes in a row
    assert report.ok


def test_the_monthly_quota_stops_the_run_without_sending_the_rest(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, model_id: str
) -> None:
    las_emulator.seed_documents(10, dataset_id=dataset_id)
    las_emulator.fail_next(
        1, status=429, body=b'{"message": "Limit Exceeded"}', method="POST", path="/predictions"
    )
    report = las.bulk.predict(model_id, dataset_id, session=las_session, max_workers=1)
    assert report.counts == {"predicted": 0, "skipped": 0, "failed": 10}
    assert "monthly quota" in str(report.results[-1].error)
    assert not report.ok and report.stopped is not None and "monthly quota" in report.stopped
    assert isinstance(report.exception, las.LimitExceededException)
    assert predictions_sent(las_emulator) == [429]


def test_the_monthly_quota_stops_threads_already_waiting_for_a_slot_too(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, model_id: str
) -> None:
    """Found by a review: threads that waited for a slot when the quota ran out sent anyway."""
    documents = las_emulator.seed_documents(6, dataset_id=dataset_id)
    las_emulator.fail_next(
        1, status=429, body=b'{"message": "Limit Exceeded"}', method="POST", path="/predictions"
    )
    report = las.bulk.predict(model_id, documents, session=las_session, max_workers=6, initial_concurrency=1)
    assert report.counts == {"predicted": 0, "skipped": 0, "failed": 6}
    assert predictions_sent(las_emulator) == [429]


def test_an_interrupt_stops_the_threads_already_running_from_sending_more(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, model_id: str
) -> None:
    """Found by a review: Ctrl-C cancelled the documents not started, but the threads running
    went on, each waiting for a slot or out a 429 and sending again (23 POSTs after the interrupt
    in a 429 storm, the interrupt reaching the caller seconds later)."""
    documents = las_emulator.seed_documents(30, dataset_id=dataset_id)
    las_emulator.fail_next(1000, status=429, retry_after=0.5, method="POST", path="/predictions")
    sent_at_interrupt: list[int] = []

    def interrupt(progress: object) -> None:
        sent_at_interrupt.append(len(predictions_sent(las_emulator)))
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):  # the first result (a bad id, at once) interrupts
        las.bulk.predict(
            model_id,
            ["bad", *documents],
            session=las_session,
            max_workers=4,
            max_attempts=6,
            on_progress=interrupt,
        )
    time.sleep(0.2)  # anything a thread left running would send meanwhile
    assert len(predictions_sent(las_emulator)) <= sent_at_interrupt[0] + 4  # at most those in flight


def test_a_lost_answer_is_not_resent_and_says_the_prediction_may_exist(
    las_session: las.Session, las_emulator: Emulator, model_id: str
) -> None:
    ids = las_emulator.seed_documents(2)
    las_emulator.lose_answer_next(1, method="POST", path="/predictions")
    report = las.bulk.predict(model_id, ids, session=las_session, max_workers=1)
    assert [r.status for r in report.results] == ["failed", "predicted"]
    assert "may have been made" in str(report.results[0].error)
    assert len(predictions_sent(las_emulator)) == 2


def test_progress_is_reported_after_each_document(
    las_session: las.Session, las_emulator: Emulator, model_id: str
) -> None:
    ids = las_emulator.seed_documents(5)
    seen: list[las.bulk.Progress] = []
    las.bulk.predict(model_id, ids, session=las_session, on_progress=seen.append)
    assert [p.done for p in seen] == [1, 2, 3, 4, 5] and {p.total for p in seen} == {5}
    assert seen[-1].counts == {"predicted": 5}
    out = io.StringIO()
    las.bulk.predict(model_id, ids, session=las_session, on_progress=las.bulk.progress_printer(out))
    assert out.getvalue().endswith("5/5 (5 predicted) " + out.getvalue().rsplit(" ", 1)[1])
    assert out.getvalue().endswith("/s\n")


def test_exports_flatten_one_row_per_document_per_label(
    las_session: las.Session, las_emulator: Emulator, model_id: str, tmp_path: Path
) -> None:
    ids = las_emulator.seed_documents(3)
    report = las.bulk.predict(model_id, [*ids, "las:document:" + "f" * 32], session=las_session)
    report.to_jsonl(tmp_path / "out.jsonl")
    report.to_csv(tmp_path / "out.csv")
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["documentId"] for r in records] == [*ids, "las:document:" + "f" * 32]
    first = report.results[0].prediction
    assert first is not None
    assert records[0]["predictionId"] == first["predictionId"] and records[0]["modelId"] == model_id
    assert records[0]["predictions"] == first["predictions"] and records[0]["error"] is None
    assert (
        records[3]["status"] == "failed"
        and "NotFoundError" in records[3]["error"]
        and records[3]["predictions"] == []
    )

    with (tmp_path / "out.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == las.bulk.CSV_COLUMNS
    assert len(rows) == 3 * len(FIELDS) + 1
    for result in report.results[:3]:
        assert result.prediction is not None
        mine = [row for row in rows if row["document_id"] == result.document_id]
        assert [(row["label"], row["value"], float(row["confidence"])) for row in mine] == [
            (p["label"], p["value"], p["confidence"]) for p in result.prediction["predictions"]
        ]
    failed = rows[-1]
    assert (failed["status"], failed["label"], failed["value"], failed["confidence"]) == (
        "failed",
        "",
        "",
        "",
    )
    assert "NotFoundError" in failed["error"]


def test_an_export_that_fails_leaves_no_half_written_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    previous = (",".join(las.bulk.CSV_COLUMNS) + "\r\n").encode()  # an earlier export: replaced if whole
    target.write_bytes(previous)
    bad = las.bulk.PredictionResult(
        0, "las:document:" + "0" * 32, "predicted", prediction={"predictions": [{"label": object()}]}
    )

    class Boom:
        def __iter__(self):  # type: ignore[no-untyped-def]
            yield bad
            raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError):
        las.bulk.export_csv(Boom(), target)  # type: ignore[arg-type]
    assert target.read_bytes() == previous and sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_connection_that_never_opened_is_tried_again_up_to_max_attempts(
    las_emulator: Emulator, model_id: str, tmp_path: Path
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
    with las.Session(credentials) as session:
        report = las.bulk.predict(model_id, ["las:document:" + "0" * 32], session=session, max_attempts=3)
    (result,) = report.results
    assert result.status == "failed" and result.attempts == 3 and "ConnectionError" in str(result.error)
    assert "may have been made" not in str(result.error)


def test_predict_uses_the_callers_session_and_leaves_its_retries_alone(
    las_session: las.Session, las_client: las.Client, las_emulator: Emulator, model_id: str
) -> None:
    ids = las_emulator.seed_documents(4)
    las_client.list_documents()  # the session has its token
    las.bulk.predict(model_id, ids, session=las_session)
    assert las_emulator.token_requests == 1  # the same token, no second session
    las_emulator.fail_next(1, status=429, retry_after=0, method="GET", path="/documents")
    assert las_client.list_documents()["documents"]  # the caller's 429 retries still work


def test_predict_over_a_dataset_object(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, model_id: str
) -> None:
    ids = las_emulator.seed_documents(3, dataset_id=dataset_id)
    dataset = las.Dataset.get(dataset_id, session=las_session)
    report = las.bulk.predict(model_id, dataset, session=las_session)
    assert sorted(r.document_id for r in report.results) == sorted(ids) and report.ok
