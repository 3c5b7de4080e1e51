"""``las documents`` and ``las predictions``/``las predict`` against a shared ``las serve``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.cli.conftest import Result, created_id
from tests.contract import Contract

Las = Callable[..., Result]
FIELDS = {"total_amount": {"type": "amount", "maxLength": 12, "description": "Total"}}


def test_create_get_update_delete_a_document(las: Las, pdf: Path, contract: Contract) -> None:
    created = las("--json", "documents", "create", str(pdf), "-g", "total_amount=10.00")
    document_id = created_id(created, "documentId")
    contract.validate_response("POST", "/documents", 200, created.json())
    assert created.json()["contentType"] == "application/pdf"

    shown = las("documents", "get", document_id)
    assert shown.code == 0 and document_id in shown.stdout
    assert "total_amount" in shown.stdout and "bytes; --json or --download-content shows it" in shown.stdout

    updated = las("--json", "documents", "update", document_id, "-g", "total_amount=12.50")
    contract.validate_response("PATCH", f"/documents/{document_id}", 200, updated.json())
    assert updated.json()["groundTruth"] == [{"label": "total_amount", "value": "12.50"}]

    deleted = las("--json", "documents", "delete", document_id)
    contract.validate_response("DELETE", f"/documents/{document_id}", 200, deleted.json())
    gone = las("documents", "get", document_id)
    assert gone.code == 1 and "404" in gone.stderr


def test_get_download_content_writes_the_exact_bytes(las: Las, pdf: Path, tmp_path: Path) -> None:
    document_id = created_id(las("--json", "documents", "create", str(pdf)), "documentId")
    target = tmp_path / "copy.pdf"
    assert las("documents", "get", document_id, "--download-content", str(target)).code == 0
    assert target.read_bytes() == pdf.read_bytes()


def test_list_filters_by_dataset_and_prints_a_table(las: Las, pdf: Path, contract: Contract) -> None:
    dataset_id = created_id(las("--json", "datasets", "create", "--name", "filter"), "datasetId")
    document_id = created_id(
        las("--json", "documents", "create", str(pdf), "--dataset-id", dataset_id), "documentId"
    )
    listed = las("--json", "documents", "list", "--dataset-id", dataset_id)
    contract.validate_response("GET", "/documents", 200, listed.json())
    assert [item["documentId"] for item in listed.json()["documents"]] == [document_id]
    table = las("documents", "list", "--dataset-id", dataset_id)
    assert table.code == 0
    header, row, count = table.stdout.splitlines()
    assert header.split()[:2] == ["document", "id"] and row.startswith(document_id)
    assert count == "1 document"


def test_paging_prints_the_next_token_and_all_follows_it(las: Las, pdf: Path) -> None:
    dataset_id = created_id(las("--json", "datasets", "create"), "datasetId")
    for _ in range(3):
        las("--json", "documents", "create", str(pdf), "--dataset-id", dataset_id)
    first = las("documents", "list", "--dataset-id", dataset_id, "-m", "2")
    assert "more: add --next-token" in first.stdout
    every = las("--json", "documents", "list", "--dataset-id", dataset_id, "-m", "2", "--all")
    assert len(every.json()["documents"]) == 3 and every.json()["nextToken"] is None


def test_create_of_a_non_document_file_is_a_usage_error(las: Las, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a document")
    result = las("documents", "create", str(text))
    assert result.code == 2 and result.stderr.startswith("error: ") and "Traceback" not in result.stderr


def test_update_without_changes_is_a_usage_error(las: Las, pdf: Path) -> None:
    document_id = created_id(las("--json", "documents", "create", str(pdf)), "documentId")
    result = las("documents", "update", document_id)
    assert result.code == 2 and "nothing to update" in result.stderr


def test_predictions_create_and_list(las: Las, pdf: Path, tmp_path: Path, contract: Contract) -> None:
    fields = tmp_path / "fields.json"
    fields.write_text(json.dumps(FIELDS))
    model_id = created_id(las("--json", "models", "create", "700", "900", str(fields)), "modelId")
    document_id = created_id(las("--json", "documents", "create", str(pdf)), "documentId")
    created = las("--json", "predictions", "create", document_id, model_id, "--max-pages", "1")
    contract.validate_response("POST", "/predictions", 200, created.json())
    assert created.json()["documentId"] == document_id
    table = las("predictions", "create", document_id, model_id)
    assert table.code == 0 and "total_amount" in table.stdout and "confidence" in table.stdout
    listed = las("--json", "predictions", "list", "--all")
    contract.validate_response("GET", "/predictions", 200, listed.json())
    assert created.json()["predictionId"] in {each["predictionId"] for each in listed.json()["predictions"]}


def test_predict_uploads_the_file_and_prints_the_fields(las: Las, pdf: Path, contract: Contract) -> None:
    model_id = created_id(las("--json", "models", "create", "700", "900", json.dumps(FIELDS)), "modelId")
    result = las("predict", str(pdf), "--model", model_id)
    assert result.code == 0, result.stderr
    assert "total_amount" in result.stdout and "Uploaded" in result.stderr
    as_json = las("--json", "predict", str(pdf), "--model", model_id)
    contract.validate_response("POST", "/predictions", 200, as_json.json())
    uploaded = as_json.json()["documentId"]
    assert las("documents", "get", uploaded).code == 0


def test_predict_needs_a_model(las: Las, pdf: Path) -> None:
    result = las("predict", str(pdf))
    assert result.code == 2 and "--model" in result.stderr
