"""``las datasets``: CRUD, ``create-documents`` from a directory/CSV/JSON, and ``download``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from las.cli._download import DownloadError, file_stem, paths_for
from las.demo import sample_pdf
from tests.cli.conftest import Result, created_id
from tests.contract import Contract

Las = Callable[..., Result]


def make_dataset(las: Las, name: str = "cli") -> str:
    return created_id(las("--json", "datasets", "create", "--name", name), "datasetId")


def documents_of(las: Las, dataset_id: str) -> list[dict[str, object]]:
    listed = las("--json", "documents", "list", "--dataset-id", dataset_id, "--all")
    assert listed.code == 0, listed.stderr
    documents: list[dict[str, object]] = listed.json()["documents"]
    return documents


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two invoices (one with ground truth beside it) and a file that is not a document."""
    folder = tmp_path / "invoices"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(sample_pdf("A-1", "10.00", "2026-01-01"))
    (folder / "a.json").write_text(json.dumps({"invoice_number": "A-1"}))
    (folder / "b.pdf").write_bytes(sample_pdf("B-2", "20.00", "2026-01-02"))
    (folder / "notes.txt").write_text("not a document")
    return folder


def test_create_get_update_delete_a_dataset(las: Las, contract: Contract) -> None:
    created = las("--json", "datasets", "create", "--name", "Invoices", "--description", "d")
    dataset_id = created_id(created, "datasetId")
    contract.validate_response("POST", "/datasets", 200, created.json())
    shown = las("datasets", "get", dataset_id)
    assert shown.code == 0 and "Invoices" in shown.stdout
    updated = las("--json", "datasets", "update", dataset_id, "--name", "Renamed")
    contract.validate_response("PATCH", f"/datasets/{dataset_id}", 200, updated.json())
    assert updated.json()["name"] == "Renamed"
    listed = las("--json", "datasets", "list", "--all")
    contract.validate_response("GET", "/datasets", 200, listed.json())
    assert dataset_id in {each["datasetId"] for each in listed.json()["datasets"]}
    deleted = las("datasets", "delete", dataset_id)
    assert deleted.code == 0 and deleted.stdout == f"Deleted {dataset_id}\n"


def test_create_documents_from_a_directory_reports_every_item(las: Las, folder: Path) -> None:
    dataset_id = make_dataset(las)
    result = las("datasets", "create-documents", dataset_id, str(folder))
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[:2] for line in lines[1:4]] == [
        [str(folder / "a.pdf"), "created"],
        [str(folder / "b.pdf"), "created"],
        [str(folder / "notes.txt"), "skipped"],
    ]
    assert lines[-1] == "3 items: 2 created, 1 skipped, 0 failed"
    assert "2/2" in result.stderr and "/s" in result.stderr  # the progress bar: counts and rate
    truths = sorted(json.dumps(each.get("groundTruth") or []) for each in documents_of(las, dataset_id))
    assert truths == ["[]", json.dumps([{"label": "invoice_number", "value": "A-1"}])]


def test_create_documents_json_report_names_each_document(las: Las, folder: Path) -> None:
    dataset_id = make_dataset(las)
    result = las("--json", "datasets", "create-documents", dataset_id, str(folder))
    report = result.json()
    assert (report["created"], report["failed"]) == (2, 0)
    created = {item["documentId"] for item in report["items"]}
    assert created == {each["documentId"] for each in documents_of(las, dataset_id)}
    assert report["skipped"] == [
        {
            "path": str(folder / "notes.txt"),
            "status": "skipped",
            "reason": "not a PDF, JPEG, PNG or TIFF file",
        }
    ]


def test_create_documents_from_a_csv_of_paths_and_ground_truth(las: Las, folder: Path) -> None:
    (folder / "list.csv").write_text("path,invoice_number,total_amount\na.pdf,A-1,10.00\nb.pdf,B-2,\n")
    dataset_id = make_dataset(las)
    result = las("--json", "datasets", "create-documents", dataset_id, str(folder / "list.csv"))
    assert result.code == 0 and result.json()["created"] == 2
    truths = sorted(json.dumps(each.get("groundTruth") or []) for each in documents_of(las, dataset_id))
    assert truths == sorted(
        [
            json.dumps(
                [{"label": "invoice_number", "value": "A-1"}, {"label": "total_amount", "value": "10.00"}]
            ),
            json.dumps([{"label": "invoice_number", "value": "B-2"}]),
        ]
    )


def test_a_failed_item_is_reported_and_exits_1_while_the_others_are_created(las: Las, folder: Path) -> None:
    source = folder / "list.json"
    source.write_text(
        json.dumps({"a.pdf": [{"label": "n", "value": "1"}], "b.pdf": {"consent_id": "las:consent:not-hex"}})
    )
    dataset_id = make_dataset(las)
    result = las("--json", "datasets", "create-documents", dataset_id, str(source))
    assert result.code == 1
    statuses = {Path(item["path"]).name: item["status"] for item in result.json()["items"]}
    assert statuses == {"a.pdf": "created", "b.pdf": "failed"}
    failed = next(item for item in result.json()["items"] if item["status"] == "failed")
    assert "400" in failed["error"]
    assert len(documents_of(las, dataset_id)) == 1


def test_a_bad_source_is_refused_before_any_upload(las: Las, folder: Path) -> None:
    source = folder / "list.csv"
    source.write_text("path,label\na.pdf,x\nmissing.pdf,y\n")
    dataset_id = make_dataset(las)
    result = las("datasets", "create-documents", dataset_id, str(source))
    assert result.code == 2 and "1 file not found" in result.stderr and "missing.pdf" in result.stderr
    assert documents_of(las, dataset_id) == []


def test_unknown_options_in_a_json_source_are_named(las: Las, folder: Path) -> None:
    source = folder / "list.json"
    source.write_text(json.dumps({"a.pdf": {"groundtruth": []}}))
    result = las("datasets", "create-documents", make_dataset(las), str(source))
    assert result.code == 2 and "1 unknown option: groundtruth" in result.stderr


def test_download_writes_content_and_ground_truth_then_skips_them(
    las: Las, folder: Path, tmp_path: Path
) -> None:
    dataset_id = make_dataset(las)
    assert las("datasets", "create-documents", dataset_id, str(folder)).code == 0
    target = tmp_path / "out"
    first = las("--json", "datasets", "download", dataset_id, str(target))
    assert first.code == 0 and (first.json()["downloaded"], first.json()["existing"]) == (2, 0)
    assert "2/2" in first.stderr
    contents = sorted(path.read_bytes() for path in target.glob("*.pdf"))
    assert contents == sorted((folder / name).read_bytes() for name in ("a.pdf", "b.pdf"))
    truths = sorted(json.dumps(json.loads(path.read_text())) for path in target.glob("*.json"))
    assert truths == ["[]", json.dumps([{"label": "invoice_number", "value": "A-1"}])]
    again = las("datasets", "download", dataset_id, str(target))
    assert again.code == 0 and again.stdout.startswith("0 downloaded, 2 already there, 0 failed")


@pytest.mark.parametrize(
    "hostile", ["", ".", "..", "/", "%2F", "../../etc/passwd", "las:document:../x", None]
)
def test_download_refuses_file_names_from_ids_that_are_not_document_ids(
    hostile: object, tmp_path: Path
) -> None:
    with pytest.raises(DownloadError, match="is not one"):
        file_stem(hostile)
    with pytest.raises(DownloadError):
        paths_for(tmp_path, {"documentId": hostile, "contentType": "application/pdf"})


def test_download_names_files_after_the_id_and_content_type(tmp_path: Path) -> None:
    document_id = "las:document:" + "a" * 32
    content, truth = paths_for(tmp_path, {"documentId": document_id, "contentType": "image/png"})
    assert (content.name, truth.name) == (f"las_document_{'a' * 32}.png", f"las_document_{'a' * 32}.json")
    assert content.parent == tmp_path


def test_a_listed_file_that_is_not_a_document_is_refused_before_any_upload(las: Las, folder: Path) -> None:
    source = folder / "list.csv"
    source.write_text("path,label\na.pdf,x\nnotes.txt,y\n")
    dataset_id = make_dataset(las)
    result = las("datasets", "create-documents", dataset_id, str(source))
    assert (
        result.code == 2
        and "1 file not PDF, JPEG, PNG or TIFF" in result.stderr
        and "notes.txt" in result.stderr
    )
    assert documents_of(las, dataset_id) == []
