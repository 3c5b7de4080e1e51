"""Every way of uploading many documents reports in one vocabulary, las.bulk's: an IngestReport
of ItemResult. The names of the upload vocabulary before it keep working until 1.0, each with a
DeprecationWarning naming its replacement (README, "Versions and deprecations")."""

from __future__ import annotations

import io
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

import las
import las.bulk
import las.resources
from las.testing import Emulator
from tests.bulk.conftest import pdf, post_documents

OLD_NAMES = {"UploadError": "IngestError", "UploadItem": "ItemResult", "UploadResult": "IngestReport"}


@pytest.fixture
def dataset(las_session: las.Session, las_emulator: Emulator) -> las.Dataset:
    created = las.Dataset.create(name="one vocabulary", session=las_session)
    las_emulator.clear_requests()
    return created


@pytest.mark.parametrize("module", [las, las.resources], ids=["las", "las.resources"])
@pytest.mark.parametrize("old", sorted(OLD_NAMES))
def test_an_old_name_is_its_las_bulk_replacement_and_warns_naming_it(module: Any, old: str) -> None:
    new = OLD_NAMES[old]
    shown = module.__name__
    with pytest.warns(
        DeprecationWarning, match=rf"{shown}\.{old} is deprecated: use las\.bulk\.{new}"
    ) as seen:
        found = getattr(module, old)
    assert found is getattr(las.bulk, new)
    assert seen[0].filename == __file__  # the warning points at the caller's line


def test_from_import_of_an_old_name_works_and_warns() -> None:
    with pytest.warns(DeprecationWarning, match=r"las\.resources\.UploadResult is deprecated"):
        from las.resources import UploadResult
    with pytest.warns(DeprecationWarning, match=r"las\.UploadError is deprecated"):
        from las import UploadError
    assert UploadResult is las.bulk.IngestReport and UploadError is las.bulk.IngestError


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'UploadThing'"):
        las.resources.UploadThing  # noqa: B018
    with pytest.raises(AttributeError, match="has no attribute 'UploadThing'"):
        las.UploadThing  # noqa: B018


def test_importing_las_warns_about_nothing_and_star_imports_no_old_name() -> None:
    code = (
        "import las, las.resources, las.bulk\n"
        "from las import *\n"
        "from las.resources import *\n"
        "assert 'UploadItem' not in dir() and 'UploadResult' not in las.__all__\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "-c", code], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_with_a_journal_and_without_an_upload_answers_the_same_classes(
    dataset: las.Dataset, tmp_path: Path
) -> None:
    seen: list[Any] = []
    plain = dataset.upload([pdf(1), b"not a document"], on_progress=lambda item, *_: seen.append(item))
    journaled = dataset.upload(
        [pdf(2), b"not a document"],
        journal=tmp_path / "upload.jsonl",
        on_progress=lambda item, *_: seen.append(item),
    )
    assert type(plain) is type(journaled) is las.bulk.IngestReport
    assert {type(item) for item in [*plain, *journaled, *seen]} == {las.bulk.ItemResult}
    assert plain.journal is None and journaled.journal == tmp_path / "upload.jsonl"
    for report in (plain, journaled):
        created, failed = report.results
        assert created.ok and created.status == "created" and created.document is not None
        assert created.document.id == created.document_id and created.source == f"<{len(pdf(1))} bytes>"
        assert created.key.startswith("sha256:") and created.sha256 == created.key.removeprefix("sha256:")
        assert not failed.ok and failed.status == "failed"
        assert isinstance(failed.exception, las.FileFormatException)
        assert report.documents == [created.document] and len(report) == 2 and not report.ok
    assert journaled.failed[0].error == f"FileFormatException: {journaled.failed[0].exception}"


def test_the_old_meaning_of_error_without_a_journal_warns_and_exception_does_not(
    dataset: las.Dataset,
) -> None:
    report = dataset.upload([b"not a document"])
    [failed] = report.failed
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert isinstance(failed.exception, las.FileFormatException)  # the new place: no warning
        assert report.results[0] is failed and list(report) == [failed]
    with pytest.warns(DeprecationWarning, match=r"read \.exception for the exception"):
        assert failed.error is failed.exception  # as UploadItem.error was, until 1.0
    assert "FileFormatException: could not detect" in repr(failed)


def test_old_members_of_the_result_and_its_error_keep_working_with_a_warning(
    dataset: las.Dataset,
) -> None:
    report = dataset.upload([pdf(1), b"not a document"])
    with pytest.warns(DeprecationWarning, match=r"use \.results"):
        assert report.items == report.results
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        UploadError = las.resources.UploadError
    with pytest.raises(UploadError, match=r"1 of 2 uploads failed; first: item 1 \(<14 bytes>\)") as raised:
        report.raise_for_errors()
    assert isinstance(raised.value, las.bulk.IngestError) and raised.value.report is report
    with pytest.warns(DeprecationWarning, match=r"use \.report"):
        assert raised.value.result is report


def test_raise_for_errors_counts_every_item_not_in_the_dataset_with_a_journal(
    dataset: las.Dataset, las_emulator: Emulator, tmp_path: Path
) -> None:
    las_emulator.lose_answer_next(method="POST", path="/documents")
    report = dataset.upload([pdf(1), pdf(2)], journal=tmp_path / "upload.jsonl", max_workers=1)
    assert report.counts["ambiguous"] == 1 and report.failed == []
    with pytest.raises(las.bulk.IngestError, match=r"1 of 2 uploads failed; first: item 0 .*\(ambiguous\)"):
        report.raise_for_errors()
    assert dataset.upload([pdf(3)], journal=tmp_path / "other.jsonl").raise_for_errors().ok


def test_ingest_takes_the_item_forms_upload_takes_and_upload_takes_an_ingest_item(
    las_session: las.Session, las_emulator: Emulator, dataset: las.Dataset, tmp_path: Path
) -> None:
    consent = "las:consent:" + "c" * 32
    items: list[Any] = [
        (pdf(1), {"total": "1"}),
        {"content": pdf(2), "consent": consent},
        io.BytesIO(pdf(3)),
        las.bulk.IngestItem(pdf(4), key="four", retention_in_days=3),
    ]
    report = las.bulk.ingest(items, dataset=dataset, journal=tmp_path / "j.jsonl", session=las_session)
    assert report.counts["created"] == 4 and report.results[3].key == "four"
    documents = [las.Document.get(str(result.document_id), session=las_session) for result in report]
    assert documents[0].ground_truth_dict() == {"total": "1"} and documents[1].consent_id == consent
    assert documents[3].retention_in_days == 3
    plain = dataset.upload([las.bulk.IngestItem(pdf(5), key="five", retention_in_days=4)])
    assert plain.ok and plain.results[0].key == "five"
    assert plain.documents[0].retention_in_days == 4
    assert post_documents(las_emulator) == 5


def test_a_text_file_object_is_refused_naming_binary_mode(dataset: las.Dataset, tmp_path: Path) -> None:
    # Its characters would be encoded into other bytes than the file's: never sent.
    report = dataset.upload([io.StringIO("%PDF-1.4 text")])
    assert isinstance(report.results[0].exception, las.InvalidArgumentError)
    assert "binary mode" in str(report.results[0].exception)
    with pytest.raises(las.InvalidArgumentError, match="binary mode"):
        dataset.upload([io.StringIO("%PDF-1.4 text")], journal=tmp_path / "upload.jsonl")
