"""``las datasets create-documents --resume JOURNAL`` and ``las datasets reconcile JOURNAL``.

The first tests run the real console script against the module's ``las serve``; those that
count POSTs or lose answers run ``las.cli.main`` in-process against a pytest-owned emulator.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from las.cli import main
from las.demo import sample_pdf
from las.testing import Emulator
from tests.cli.conftest import Result, created_id

Las = Callable[..., Result]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "invoices"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(sample_pdf("A-1", "10.00", "2026-01-01"))
    (folder / "a.json").write_text(json.dumps({"invoice_number": "A-1"}))
    (folder / "b.pdf").write_bytes(sample_pdf("B-2", "20.00", "2026-01-02"))
    (folder / "notes.txt").write_text("not a document")
    return folder


def documents_of(las: Las, dataset_id: str) -> list[dict[str, object]]:
    listed = las("--json", "documents", "list", "--dataset-id", dataset_id, "--all")
    assert listed.code == 0, listed.stderr
    documents: list[dict[str, object]] = listed.json()["documents"]
    return documents


# -- the console script against `las serve` ------------------------------------------------------


def test_a_rerun_with_the_journal_creates_nothing_and_exits_0(las: Las, folder: Path, tmp_path: Path) -> None:
    dataset_id = created_id(las("--json", "datasets", "create"), "datasetId")
    journal = tmp_path / "upload.jsonl"
    command = ("datasets", "create-documents", dataset_id, str(folder), "--resume", str(journal))

    first = las("--json", *command)

    assert first.code == 0, first.stderr
    report = first.json()
    assert [(row["path"], row["status"]) for row in report["items"]] == [
        (str(folder / "a.pdf"), "created"),
        (str(folder / "b.pdf"), "created"),
    ]
    assert report["skipped"] == [
        {
            "path": str(folder / "notes.txt"),
            "status": "skipped",
            "reason": "not a PDF, JPEG, PNG or TIFF file",
        }
    ]
    assert report["counts"]["created"] == 2 and report["journal"] == str(journal)
    created = {row["documentId"] for row in report["items"]}
    assert {each["documentId"] for each in documents_of(las, dataset_id)} == created

    again = las(*command)

    assert again.code == 0, again.stderr
    lines = again.stdout.splitlines()
    assert lines[-1] == "3 items: 0 created, 3 skipped, 0 failed"
    for document_id in created:
        assert document_id in again.stdout  # a skipped item shows the document the journal has
    assert {each["documentId"] for each in documents_of(las, dataset_id)} == created  # none more


def test_a_new_file_is_the_only_one_sent_on_a_rerun(las: Las, folder: Path, tmp_path: Path) -> None:
    dataset_id = created_id(las("--json", "datasets", "create"), "datasetId")
    journal = str(tmp_path / "upload.jsonl")
    assert las("datasets", "create-documents", dataset_id, str(folder), "--resume", journal).code == 0
    (folder / "c.pdf").write_bytes(sample_pdf("C-3", "30.00", "2026-01-03"))
    (folder / "copy-of-a.pdf").write_bytes((folder / "a.pdf").read_bytes())

    again = las("--json", "datasets", "create-documents", dataset_id, str(folder), "--resume", journal)

    assert again.code == 0, again.stderr
    statuses = {Path(row["path"]).name: row["status"] for row in again.json()["items"]}
    assert statuses == {
        "a.pdf": "skipped",
        "b.pdf": "skipped",
        "c.pdf": "created",
        "copy-of-a.pdf": "duplicate",
    }
    assert len(documents_of(las, dataset_id)) == 3


def test_retry_ambiguous_without_a_journal_is_a_usage_error(las: Las, folder: Path) -> None:
    dataset_id = created_id(las("--json", "datasets", "create"), "datasetId")
    command = ("datasets", "create-documents", dataset_id, str(folder), "--retry-ambiguous", "--no-resume")
    result = las(*command)
    assert result.code == 2 and "drop --no-resume" in result.stderr
    assert documents_of(las, dataset_id) == []


def test_a_journal_of_another_dataset_is_a_usage_error_and_nothing_is_sent(
    las: Las, folder: Path, tmp_path: Path
) -> None:
    first = created_id(las("--json", "datasets", "create"), "datasetId")
    second = created_id(las("--json", "datasets", "create"), "datasetId")
    journal = str(tmp_path / "upload.jsonl")
    assert las("datasets", "create-documents", first, str(folder), "--resume", journal).code == 0

    result = las("datasets", "create-documents", second, str(folder), "--resume", journal)

    assert result.code == 2 and "--resume" in result.stderr and first in result.stderr
    assert documents_of(las, second) == []


def test_reconcile_with_nothing_ambiguous_exits_0(las: Las, folder: Path, tmp_path: Path) -> None:
    dataset_id = created_id(las("--json", "datasets", "create"), "datasetId")
    journal = str(tmp_path / "upload.jsonl")
    assert las("datasets", "create-documents", dataset_id, str(folder), "--resume", journal).code == 0
    result = las("datasets", "reconcile", journal)
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0 ambiguous items: 0 found, 0 not created, 0 pending"


def test_reconcile_of_a_missing_journal_is_a_usage_error(las: Las, tmp_path: Path) -> None:
    result = las("datasets", "reconcile", str(tmp_path / "nowhere.jsonl"))
    assert result.code == 2 and "nowhere.jsonl" in result.stderr


# -- in-process, where the emulator's request log and faults are at hand ------------------------


def run(emulator: Emulator, *args: str) -> int:
    return main(["--endpoint", emulator.url, "--client-secret", emulator.client_secret, *args])


def posts(emulator: Emulator) -> int:
    return sum(1 for sent in emulator.requests if sent.method == "POST" and sent.path == "/documents")


@pytest.fixture
def dataset_id(las_emulator: Emulator, capsys: pytest.CaptureFixture[str]) -> str:
    assert run(las_emulator, "--field", "datasetId", "datasets", "create") == 0
    created = capsys.readouterr().out.strip()
    las_emulator.clear_requests()
    return created


def test_a_rerun_sends_no_post(
    las_emulator: Emulator, dataset_id: str, folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = str(tmp_path / "upload.jsonl")
    command = ("datasets", "create-documents", dataset_id, str(folder), "--resume", journal)
    assert run(las_emulator, *command) == 0
    assert posts(las_emulator) == 2
    assert run(las_emulator, *command) == 0
    assert posts(las_emulator) == 2


def test_an_answer_lost_is_ambiguous_never_resent_and_reconciled(
    las_emulator: Emulator, dataset_id: str, folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = str(tmp_path / "upload.jsonl")
    command = (
        "datasets",
        "create-documents",
        dataset_id,
        str(folder),
        "--resume",
        journal,
        "--max-workers",
        "1",
    )
    capsys.readouterr()
    las_emulator.lose_answer_next(method="POST", path="/documents")

    assert run(las_emulator, "--json", *command) == 1
    report = json.loads(capsys.readouterr().out)
    assert [row["status"] for row in report["items"]] == ["ambiguous", "created"]
    assert (report["created"], report["failed"], report["ambiguous"]) == (1, 0, 1)
    assert f"las datasets reconcile {journal}" in report["items"][0]["error"]
    assert posts(las_emulator) == 2

    assert run(las_emulator, *command) == 1  # still ambiguous: not sent again
    out = capsys.readouterr().out
    assert "The ambiguous items were sent, but their answers were lost" in " ".join(out.split())
    assert posts(las_emulator) == 2

    assert run(las_emulator, "--json", "datasets", "reconcile", journal) == 0
    found = json.loads(capsys.readouterr().out)
    assert list(found["found"]) == [str(folder / "a.pdf")] and found["notFound"] == found["pending"] == []

    assert run(las_emulator, "--json", *command) == 0
    assert [row["status"] for row in json.loads(capsys.readouterr().out)["items"]] == ["skipped", "skipped"]
    assert posts(las_emulator) == 2  # the lost one was created once, by the first run


def test_retry_ambiguous_sends_it_again(
    las_emulator: Emulator, dataset_id: str, folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = str(tmp_path / "upload.jsonl")
    command = ("datasets", "create-documents", dataset_id, str(folder), "--resume", journal)
    las_emulator.lose_answer_next(method="POST", path="/documents")
    assert run(las_emulator, *command, "--max-workers", "1") == 1
    assert run(las_emulator, *command, "--retry-ambiguous") == 0
    assert posts(las_emulator) == 3


def test_a_refused_item_failed_exits_1_and_a_rerun_sends_it_again(
    las_emulator: Emulator, dataset_id: str, folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = str(tmp_path / "upload.jsonl")
    command = ("--json", "datasets", "create-documents", dataset_id, str(folder), "--resume", journal)
    capsys.readouterr()
    las_emulator.fail_next(1, status=400, method="POST", path="/documents")

    assert run(las_emulator, *command, "--max-workers", "1") == 1
    report = json.loads(capsys.readouterr().out)
    assert [row["status"] for row in report["items"]] == ["failed", "created"]
    assert report["items"][0]["error"]

    assert run(las_emulator, *command) == 0
    assert [row["status"] for row in json.loads(capsys.readouterr().out)["items"]] == ["created", "skipped"]
    assert posts(las_emulator) == 3


def test_an_item_dropped_before_the_work_is_pending_then_not_created_and_sent_again(
    las_emulator: Emulator, dataset_id: str, folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = str(tmp_path / "upload.jsonl")
    command = (
        "datasets",
        "create-documents",
        dataset_id,
        str(folder),
        "--resume",
        journal,
        "--max-workers",
        "1",
    )
    las_emulator.drop_next(1, method="POST", path="/documents")  # no document created
    assert run(las_emulator, *command) == 1
    capsys.readouterr()

    assert run(las_emulator, "datasets", "reconcile", journal) == 1  # sent moments ago: pending
    assert capsys.readouterr().out.splitlines()[-1] == "1 ambiguous item: 0 found, 0 not created, 1 pending"
    assert run(las_emulator, "datasets", "reconcile", journal, "--settle", "0") == 0
    assert "0 found, 1 not created, 0 pending" in capsys.readouterr().out
    assert posts(las_emulator) == 2

    assert run(las_emulator, "--json", *command) == 0
    assert [row["status"] for row in json.loads(capsys.readouterr().out)["items"]] == ["created", "skipped"]
    assert posts(las_emulator) == 3


def test_a_rerun_naming_the_folder_another_way_still_creates_nothing(
    las_emulator: Emulator,
    dataset_id: str,
    folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    journal = str(tmp_path / "upload.jsonl")
    monkeypatch.chdir(tmp_path)
    assert run(las_emulator, "datasets", "create-documents", dataset_id, "invoices", "--resume", journal) == 0
    capsys.readouterr()

    again = ("--json", "datasets", "create-documents", dataset_id, str(folder), "--resume", journal)
    assert run(las_emulator, *again) == 0

    report = json.loads(capsys.readouterr().out)
    assert [row["status"] for row in report["items"]] == ["duplicate", "duplicate"]  # same content
    assert all(row["documentId"] for row in report["items"])
    assert posts(las_emulator) == 2


# -- API 2024-11-29: documents created without their bytes ---------------------------------------


def test_an_item_whose_bytes_were_refused_is_incomplete_and_recreate_incomplete_replaces_it(
    emulator_2024: Emulator,
    folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The credentials, and the contract the endpoint speaks, from the environment.
    for name, value in (
        ("LAS_CLIENT_ID", emulator_2024.client_id),
        ("LAS_CLIENT_SECRET", emulator_2024.client_secret),
        ("LAS_AUTH_ENDPOINT", emulator_2024.auth_endpoint),
        ("LAS_API_ENDPOINT", emulator_2024.api_endpoint),
        ("LAS_CONTRACT", emulator_2024.contract),
    ):
        monkeypatch.setenv(name, value)
    assert main(["--field", "datasetId", "datasets", "create"]) == 0
    dataset_id = capsys.readouterr().out.strip()
    journal = str(tmp_path / "upload.jsonl")
    command = (
        "datasets",
        "create-documents",
        dataset_id,
        str(folder),
        "--resume",
        journal,
        "--max-workers",
        "1",
    )
    emulator_2024.fail_next(1, status=403, method="PUT", path="/_files/")

    assert main(["--json", *command]) == 1
    report = json.loads(capsys.readouterr().out)
    [incomplete, created] = report["items"]
    assert (incomplete["status"], created["status"]) == ("incomplete", "created")
    assert report["incomplete"] == 1 and "--recreate-incomplete" in incomplete["error"]
    assert incomplete["documentId"] in incomplete["error"]

    assert main([*command]) == 1  # not replaced unless asked
    assert "--recreate-incomplete deletes its document" in " ".join(capsys.readouterr().out.split())
    assert main(["--json", "datasets", "reconcile", journal]) == 1
    assert json.loads(capsys.readouterr().out)["incomplete"] == {incomplete["path"]: incomplete["documentId"]}
    assert posts(emulator_2024) == 2

    assert main(["--json", *command, "--recreate-incomplete"]) == 0
    assert [row["status"] for row in json.loads(capsys.readouterr().out)["items"]] == ["created", "skipped"]
    assert posts(emulator_2024) == 3
    deletes = [sent.path for sent in emulator_2024.requests if sent.method == "DELETE"]
    assert deletes == [f"/documents/{incomplete['documentId']}"]


def test_recreate_incomplete_without_a_journal_is_a_usage_error(las: Las, folder: Path) -> None:
    dataset_id = created_id(las("--json", "datasets", "create"), "datasetId")
    result = las(
        "datasets", "create-documents", dataset_id, str(folder), "--recreate-incomplete", "--no-resume"
    )
    assert result.code == 2 and "drop --no-resume" in result.stderr
    assert documents_of(las, dataset_id) == []
