"""las.bulk's one upload engine on the 2024-11-29 contract: a document created whose bytes did
not arrive is never created a second time on its own, and a file uploaded without a journal is streamed
from its path, never held whole in memory (there is no size cap of the SDK's on 2024)."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

import las
import las.bulk
from tests.support.file_server import Fault, FileServer
from tests.support.recorder import Recorder, Reply

from .conftest import DOCUMENT_ID

DATASET_ID = "las:dataset:" + "e" * 32
SMALL = b"%PDF-1.7\n" + b"small" * 100
SIZE = 40 * 1024 * 1024
LIMIT = 8 * 1024 * 1024  # peak bytes allocated: a few pieces of the file, at most


def created(files: FileServer, name: str = "doc") -> Reply:
    return Reply(body={"documentId": DOCUMENT_ID, "datasetId": DATASET_ID, "fileUrl": files.url_for(name)})


def test_a_document_whose_bytes_were_refused_is_incomplete_and_never_created_again(
    session: las.Session, recorder: Recorder, files: FileServer, tmp_path: Path
) -> None:
    journal = tmp_path / "upload.jsonl"
    recorder.reply(created(files))
    files.fail("PUT", Fault(status=403))

    report = las.bulk.ingest([SMALL], dataset=DATASET_ID, journal=journal, session=session)

    [result] = report.results
    assert result.status == "incomplete" and result.document_id == DOCUMENT_ID
    assert isinstance(result.exception, las.DocumentUploadError) and "recreate_incomplete" in str(
        result.error
    )
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    assert [line["state"] for line in lines[1:]] == ["sending", "created-awaiting-content", "incomplete"]
    assert lines[-1]["documentId"] == DOCUMENT_ID
    # The re-run looks at the document (still without bytes), and creates nothing.
    recorder.reply(Reply(body={"documentId": DOCUMENT_ID, "contentMD5": None, "fileUrl": None}))
    again = las.bulk.ingest([SMALL], dataset=DATASET_ID, journal=journal, session=session)
    assert [item.status for item in again] == ["incomplete"]
    assert [(r.method, r.path) for r in recorder.api_requests] == [
        ("POST", "/documents"),
        ("GET", f"/documents/{DOCUMENT_ID}"),
    ]  # one POST /documents in all: never a second document
    assert files.count("PUT") == 1  # the refused URL is not tried again


def test_without_a_journal_it_is_failed_with_the_error_that_names_the_document(
    session: las.Session, recorder: Recorder, files: FileServer
) -> None:
    recorder.reply(created(files))
    files.fail("PUT", Fault(status=403))
    report = las.Dataset.ref(DATASET_ID, session=session).upload([SMALL])
    [result] = report.results
    assert result.status == "failed" and isinstance(result.exception, las.DocumentUploadError)
    assert result.exception.document_id == DOCUMENT_ID and len(recorder.api_requests) == 1


@pytest.fixture
def big_file(tmp_path: Path) -> Path:
    path = tmp_path / "forty-megabytes.pdf"
    with open(path, "wb") as handle:
        handle.write(b"%PDF-1.7\n")
        block = bytes(range(256)) * 4096  # 1 MiB
        for _ in range(SIZE // len(block)):
            handle.write(block)
    return path


@pytest.fixture
def digests_only() -> Iterator[FileServer]:
    server = FileServer(keep=False)  # keeps a digest of what arrives, not the bytes
    yield server
    server.close()


def test_a_file_uploaded_without_a_journal_is_streamed_from_its_path(
    session: las.Session, recorder: Recorder, digests_only: FileServer, big_file: Path
) -> None:
    recorder.reply(created(digests_only, "big"))
    dataset = las.Dataset.ref(DATASET_ID, session=session)
    tracemalloc.start()
    try:
        report = dataset.upload([big_file])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.ok and digests_only.files["big"].size == big_file.stat().st_size
    assert report.results[0].sha256 == digests_only.files["big"].sha256  # hashed as it was read
    assert peak < LIMIT, f"peak {peak:,} bytes allocated for a {SIZE:,}-byte upload"


@pytest.mark.parametrize("document_id", [None, 42, "", "../../etc"])
def test_an_answer_without_a_usable_document_id_journals_no_document_awaiting_its_bytes(
    session: las.Session, recorder: Recorder, files: FileServer, tmp_path: Path, document_id: object
) -> None:
    journal = tmp_path / "upload.jsonl"
    answer = (
        {"fileUrl": files.url_for("doc")}
        if document_id is None
        else {"documentId": document_id, "fileUrl": files.url_for("doc")}
    )
    recorder.reply(Reply(body=answer))
    las.bulk.ingest([SMALL], dataset=DATASET_ID, journal=journal, session=session)
    states = [json.loads(line)["state"] for line in journal.read_text().splitlines()[1:]]
    assert "created-awaiting-content" not in states and states[0] == "sending"
