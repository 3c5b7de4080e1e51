"""las.bulk.predict over a dataset whose listing fails part-way: the report keeps what was done
and says why it stopped, and a re-run with skip_predicted=True predicts nothing twice."""

from __future__ import annotations

import pytest

import las
import las.bulk
from las.testing import Emulator
from tests.bulk.conftest import new_model


@pytest.fixture
def once(las_session: las.Session) -> las.Session:
    """The caller's session without retries: a page that fails once fails for good."""
    return las_session.with_options(max_retries=0)


def predicted_documents(emulator: Emulator) -> list[str]:
    """The document of each prediction the emulator made (a POST /predictions answered 200)."""
    return [
        sent.json["documentId"]
        for sent in emulator.requests
        if sent.method == "POST" and sent.path == "/predictions" and sent.status == 200
    ]


def predict_until_the_second_page_fails(
    emulator: Emulator, model_id: str, dataset_id: str, session: las.Session
) -> las.bulk.PredictionReport:
    armed: list[bool] = []

    def fail_the_next_page(progress: las.bulk.Progress) -> None:  # the first page is in by now
        if not armed:
            armed.append(True)
            emulator.fail_next(1, status=503, method="GET", path="/documents")

    return las.bulk.predict(
        model_id, dataset_id, session=session, max_workers=4, on_progress=fail_the_next_page
    )


def test_a_listing_that_fails_part_way_keeps_the_predictions_made_and_says_why_it_stopped(
    las_emulator: Emulator, once: las.Session, dataset_id: str, model_id: str
) -> None:
    """Found by a review: predict raised the listing's error, losing the predictions made (and
    paid for), so a re-run made them all again."""
    las_emulator.seed_documents(150, dataset_id=dataset_id)  # two pages
    report = predict_until_the_second_page_fails(las_emulator, model_id, dataset_id, once)
    predicted = report.counts["predicted"]
    assert 0 < predicted < 150 and report.counts["failed"] == 0
    assert sorted(r.document_id for r in report.results) == sorted(predicted_documents(las_emulator))
    assert not report.ok and isinstance(report.exception, las.ServerError)
    assert report.stopped is not None
    assert f"listing the documents of dataset {dataset_id} failed after {predicted} of them" in report.stopped
    assert "ServerError" in report.stopped and "skip_predicted=True" in report.stopped


def test_a_rerun_with_skip_predicted_predicts_only_the_documents_left(
    las_emulator: Emulator, once: las.Session, dataset_id: str, model_id: str
) -> None:
    ids = las_emulator.seed_documents(150, dataset_id=dataset_id)
    first = predict_until_the_second_page_fails(las_emulator, model_id, dataset_id, once)
    made = {result.document_id: result.prediction for result in first.results}

    again = las.bulk.predict(model_id, dataset_id, session=once, skip_predicted=True)
    assert again.ok and again.stopped is None and sorted(r.document_id for r in again.results) == sorted(ids)
    assert again.counts == {"predicted": 150 - len(made), "skipped": len(made), "failed": 0}
    assert sorted(predicted_documents(las_emulator)) == sorted(ids)  # each document once, none twice
    skipped = [result for result in again.results if result.status == "skipped"]
    assert all(r.attempts == 0 and r.prediction == made[r.document_id] for r in skipped)


def test_skip_predicted_counts_only_this_models_predictions(
    las_client: las.Client, las_session: las.Session, las_emulator: Emulator, model_id: str
) -> None:
    first, second = las_emulator.seed_documents(2)
    las_client.create_prediction(first, new_model(las_client, "another"))
    las_client.create_prediction(second, model_id)
    report = las.bulk.predict(model_id, [first, second], session=las_session, skip_predicted=True)
    assert [r.status for r in report.results] == ["predicted", "skipped"] and report.ok
    assert predicted_documents(las_emulator) == [first, second, first]  # the two above, then this one


def test_a_listing_that_fails_before_its_first_document_raises_having_sent_nothing(
    las_emulator: Emulator, once: las.Session, dataset_id: str, model_id: str
) -> None:
    las_emulator.seed_documents(3, dataset_id=dataset_id)
    las_emulator.fail_next(1, status=503, method="GET", path="/documents")
    with pytest.raises(las.ServerError):
        las.bulk.predict(model_id, dataset_id, session=once)
    assert predicted_documents(las_emulator) == []


def test_skip_predicted_sends_a_document_given_twice_once(
    las_emulator: Emulator, las_session: las.Session, model_id: str
) -> None:
    """With skip_predicted, a document that appears again in the input (its id, then its
    listed item) is not sent again: the later appearance is skipped with the prediction made."""
    (document_id,) = las_emulator.seed_documents(1)
    given = [document_id, {"documentId": document_id}]
    report = las.bulk.predict(model_id, given, session=las_session, skip_predicted=True, max_workers=4)
    assert predicted_documents(las_emulator) == [document_id]
    assert sorted(r.status for r in report.results) == ["predicted", "skipped"] and report.ok
    assert report.results[0].prediction == report.results[1].prediction is not None


def test_skip_predicted_fails_a_later_appearance_of_a_document_that_got_no_prediction(
    las_emulator: Emulator, once: las.Session, model_id: str
) -> None:
    (document_id,) = las_emulator.seed_documents(1)
    las_emulator.fail_next(1, status=400, method="POST", path="/predictions")
    report = las.bulk.predict(model_id, [document_id] * 3, session=once, skip_predicted=True, max_workers=1)
    assert [r.status for r in report.results] == ["failed"] * 3 and not report.ok
    assert predicted_documents(las_emulator) == []
    assert len([r for r in las_emulator.requests if r.method == "POST" and r.path == "/predictions"]) == 1
    assert all("not sent: the same document as item 0" in str(r.error) for r in report.results[1:])
    assert report.counts == {"predicted": 0, "skipped": 0, "failed": 3}
