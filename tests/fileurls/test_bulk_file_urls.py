"""Bulk uploads on the 2024-11-29 contract: each item is created then PUT to its fileUrl, with
no cap of the SDK's on its size (the 2021 cap refused such a file before anything was sent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import las
import las.bulk
from tests.support.file_server import FileServer
from tests.support.recorder import Recorder, Reply

from .conftest import DOCUMENT_ID, speaking

DATASET_ID = "las:dataset:" + "e" * 32
SIX_MB = b"%PDF-1.7\n" + os.urandom(6 * 1024 * 1024)  # over the 2021 cap of about 4.69 MB


@pytest.fixture
def big(tmp_path: Path) -> Path:
    path = tmp_path / "big.pdf"
    path.write_bytes(SIX_MB)
    return path


def created(files: FileServer) -> Reply:
    return Reply(body={"documentId": DOCUMENT_ID, "datasetId": DATASET_ID, "fileUrl": files.url_for("big")})


def test_dataset_upload_sends_a_document_over_the_2021_cap(
    session: las.Session, recorder: Recorder, files: FileServer, big: Path
) -> None:
    recorder.reply(created(files))
    result = las.Dataset.ref(DATASET_ID, session=session).upload([big])
    assert [failed.exception for failed in result.failed] == []
    assert files.files["big"].data == SIX_MB


def test_a_journaled_ingest_sends_a_document_over_the_2021_cap(
    session: las.Session, recorder: Recorder, files: FileServer, big: Path, tmp_path: Path
) -> None:
    recorder.reply(created(files))
    report = las.bulk.ingest([big], dataset=DATASET_ID, journal=tmp_path / "journal.jsonl", session=session)
    assert [item.status for item in report.results] == ["created"], report.summary()
    assert files.files["big"].data == SIX_MB


@pytest.mark.asyncio
async def test_dataset_upload_async_sends_a_document_over_the_2021_cap(
    credentials: las.Credentials, recorder: Recorder, files: FileServer, big: Path
) -> None:
    async with las.AsyncSession(credentials) as asession:
        recorder.reply(created(files))
        dataset = las.Dataset.ref(DATASET_ID, session=speaking(asession, "2024-11-29"))
        result = await dataset.upload_async([big])
    assert [failed.exception for failed in result.failed] == []
    assert files.files["big"].data == SIX_MB


def test_on_2021_the_cap_still_refuses_it_before_anything_is_sent(
    session: las.Session, recorder: Recorder, files: FileServer, big: Path
) -> None:
    speaking(session, "2021-09-23")
    result = las.Dataset.ref(DATASET_ID, session=session).upload([big])
    [failed] = result.failed
    assert isinstance(failed.exception, las.ContentTooLargeError)
    assert recorder.api_requests == [] and files.arrivals == []
