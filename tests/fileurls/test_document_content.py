"""``Document.content`` on the 2024-11-29 contract: the bytes live at the document's ``fileUrl``;
reading ``content`` downloads them lazily, once; an async Document is loaded with
``await document.load_content_async()``; the 2021 path (inline base64) is as it was."""

from __future__ import annotations

import base64
import hashlib
import os
import threading
from pathlib import Path

import pytest

import las
from las.content import CONTRACT_2021
from tests.cli.conftest import clean_env, run
from tests.support.file_server import Fault, FileServer, Stored
from tests.support.recorder import CLIENT_ID, CLIENT_SECRET, Recorder, Reply

from .conftest import DOCUMENT_ID, speaking

TEN_MB = b"%PDF-1.7\n" + os.urandom(10 * 1024 * 1024)


def stored(files: FileServer, name: str, data: bytes) -> str:
    files.files[name] = Stored(len(data), hashlib.sha256(data).hexdigest(), data)
    return files.url_for(name)


def body(file_url: str | None) -> Reply:
    return Reply(body={"documentId": DOCUMENT_ID, "contentType": "application/pdf", "fileUrl": file_url})


def test_a_created_document_reads_back_byte_identical_from_its_file_url(
    session: las.Session, recorder: Recorder, files: FileServer, tmp_path: Path
) -> None:
    path = tmp_path / "ten.pdf"
    path.write_bytes(TEN_MB)
    recorder.reply(body(files.url_for("doc")))  # the create's answer: an upload URL
    document = las.Document.create(path, session=session)
    assert files.count("PUT") == 1 and files.count("GET") == 0

    recorder.reply(body(files.url_for("doc")))  # GET /documents/{id}: a download URL
    assert document.content == TEN_MB
    assert document.content == TEN_MB  # kept: read once
    assert [(r.method, r.path) for r in recorder.api_requests] == [
        ("POST", "/documents"),
        ("GET", f"/documents/{DOCUMENT_ID}"),
    ]
    assert files.count("GET") == 1


@pytest.mark.asyncio
async def test_an_async_document_is_uploaded_and_read_back_with_load_content_async(
    credentials: las.Credentials, recorder: Recorder, files: FileServer
) -> None:
    async with las.AsyncSession(credentials, max_retries=2) as asession:
        speaking(asession, "2024-11-29")
        recorder.reply(body(files.url_for("doc")))
        document = await las.Document.create_async(TEN_MB, session=asession)
        recorder.reply(body(files.url_for("doc")))

        with pytest.raises(las.NotLoadedError, match=r"await document\.load_content_async\(\)"):
            document.content  # noqa: B018 - an attribute read never sends on an AsyncSession

        assert await document.load_content_async() == TEN_MB
        assert document.content == TEN_MB  # held now
        assert await document.load_content_async() == TEN_MB
    assert files.count("PUT") == 1 and files.count("GET") == 1
    assert [r.method for r in recorder.api_requests] == ["POST", "GET"]


def test_get_does_not_download_and_the_first_read_of_content_does(
    session: las.Session, recorder: Recorder, files: FileServer
) -> None:
    url = stored(files, "doc", b"%PDF stored")
    recorder.reply(body(url))
    document = las.Document.get(DOCUMENT_ID, session=session)
    assert document.loaded and files.arrivals == []
    assert document.content_type == "application/pdf"  # other fields cost nothing
    assert files.arrivals == []
    assert document.content == b"%PDF stored"
    assert len(recorder.api_requests) == 1 and files.count("GET") == 1


def test_a_listed_document_gets_its_body_then_its_bytes(
    session: las.Session, recorder: Recorder, files: FileServer
) -> None:
    url = stored(files, "doc", b"%PDF listed")
    recorder.reply(Reply(body={"documents": [{"documentId": DOCUMENT_ID}], "nextToken": None}))
    [listed] = las.Document.list(session=session)
    recorder.reply(body(url))
    assert listed.content == b"%PDF listed"
    assert [r.method for r in recorder.api_requests] == ["GET", "GET"] and files.count("GET") == 1


def test_threads_reading_content_at_once_download_it_once(
    session: las.Session, recorder: Recorder, files: FileServer
) -> None:
    url = stored(files, "doc", TEN_MB)
    recorder.reply(body(url))
    document = las.Document.get(DOCUMENT_ID, session=session)
    results: list[bytes | None] = []
    threads = [threading.Thread(target=lambda: results.append(document.content)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [TEN_MB] * 8 and files.count("GET") == 1


def test_an_expired_file_url_is_replaced_by_a_fresh_one_once(
    session: las.Session, recorder: Recorder, files: FileServer
) -> None:
    url = stored(files, "doc", b"%PDF fresh")
    recorder.reply(body(url))
    document = las.Document.get(DOCUMENT_ID, session=session)
    files.fail("GET", Fault(status=403))  # the presigned URL expired meanwhile
    recorder.reply(body(url))
    assert document.content == b"%PDF fresh"
    assert len(recorder.api_requests) == 2 and files.count("GET") == 2


def test_a_document_whose_bytes_never_arrived_has_no_content(
    session: las.Session, recorder: Recorder, files: FileServer
) -> None:
    recorder.reply(body(None))
    document = las.Document.get(DOCUMENT_ID, session=session)
    assert document.content is None and document.load_content() is None
    assert len(recorder.api_requests) == 1 and files.arrivals == []


def test_a_session_that_does_not_load_by_itself_names_load_content(
    session: las.Session, recorder: Recorder, files: FileServer
) -> None:
    quiet = session.with_options(lazy=False)
    url = stored(files, "doc", b"%PDF explicit")
    recorder.reply(body(url))
    document = las.Document.get(DOCUMENT_ID, session=quiet)
    with pytest.raises(las.NotLoadedError, match=r"call \.load_content\(\) first"):
        document.content  # noqa: B018
    assert files.arrivals == []
    assert document.load_content() == b"%PDF explicit" and document.content == b"%PDF explicit"
    assert files.count("GET") == 1


def test_the_2021_path_decodes_inline_content_without_a_download(
    session: las.Session, recorder: Recorder, files: FileServer
) -> None:
    speaking(session, CONTRACT_2021)
    inline = base64.b64encode(b"%PDF inline").decode()
    recorder.reply(Reply(body={"documentId": DOCUMENT_ID, "content": inline}))
    document = las.Document.create(b"%PDF inline", session=session)
    assert recorder.api_requests[0].json["content"] == inline
    recorder.reply(Reply(body={"documentId": DOCUMENT_ID, "content": inline}))
    assert las.Document.get(DOCUMENT_ID, session=session).load_content() == b"%PDF inline"
    assert document.content == b"%PDF inline"  # the create's answer carried it
    assert files.arrivals == []


def test_the_cli_downloads_a_documents_content_from_its_file_url(
    recorder: Recorder, files: FileServer, tmp_path: Path
) -> None:
    url = stored(files, "doc", TEN_MB)
    recorder.reply(body(url))
    target = tmp_path / "copy.pdf"
    env = clean_env(
        tmp_path,
        LAS_CLIENT_ID=CLIENT_ID,
        LAS_CLIENT_SECRET=CLIENT_SECRET,
        LAS_AUTH_ENDPOINT=recorder.url,
        LAS_API_ENDPOINT=recorder.url,
    )
    result = run("documents", "get", DOCUMENT_ID, "--download-content", str(target), home=tmp_path, env=env)
    assert result.code == 0, result.stderr
    assert target.read_bytes() == TEN_MB and files.count("GET") == 1
