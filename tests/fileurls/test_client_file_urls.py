"""Documents on the 2024-11-29 contract, through the Client of each variant: the POST without
content, the bytes PUT to the answer's ``fileUrl`` (streamed, retried, bounded, without the
token), the download back, and what a failure between the two steps says."""

from __future__ import annotations

import base64
import os
import socket
import time
from pathlib import Path

import pytest

import las
from las.content import CONTRACT_2021, MAX_BASE64_CONTENT_LENGTH
from tests.support.file_server import Fault, FileServer
from tests.support.raw_server import RawServer
from tests.support.recorder import Recorder, Reply

from .conftest import DOCUMENT_ID, Variant, speaking

pytestmark = pytest.mark.asyncio

TEN_MB = b"%PDF-1.7\n" + os.urandom(10 * 1024 * 1024)
SMALL = b"%PDF-1.4 a small document"


def created(files: FileServer, name: str = "doc") -> Reply:
    """The API's answer to POST /documents on 2024-11-29: no content, an upload URL."""
    return Reply(
        body={"documentId": DOCUMENT_ID, "contentType": "application/pdf", "fileUrl": files.url_for(name)}
    )


async def test_a_document_over_the_2021_cap_is_posted_without_content_and_put_whole(
    variant: Variant, recorder: Recorder, files: FileServer, tmp_path: Path
) -> None:
    assert len(TEN_MB) * 4 // 3 > MAX_BASE64_CONTENT_LENGTH  # over what 2021 takes inline
    path = tmp_path / "big.pdf"
    path.write_bytes(TEN_MB)
    recorder.reply(created(files))

    answer = await variant.create_document(path, dataset_id="las:dataset:" + "a" * 32)

    [post] = recorder.api_requests
    assert (post.method, post.path) == ("POST", "/documents")
    assert post.json == {"contentType": "application/pdf", "datasetId": "las:dataset:" + "a" * 32}
    assert answer["documentId"] == DOCUMENT_ID  # the POST's answer, as lucidtech-las 11.4.1 returns
    [put] = files.arrivals
    assert put.method == "PUT" and put.headers["Content-Length"] == str(len(TEN_MB))
    assert put.headers["Content-Type"] == "application/pdf"
    assert files.files["doc"].data == TEN_MB


async def test_get_document_fills_content_from_the_file_url_byte_identical(
    variant: Variant, recorder: Recorder, files: FileServer
) -> None:
    recorder.reply(created(files))
    await variant.create_document(TEN_MB)
    recorder.reply(Reply(body={"documentId": DOCUMENT_ID, "fileUrl": files.url_for("doc")}))

    document = await variant.get_document(DOCUMENT_ID)

    assert base64.b64decode(document["content"]) == TEN_MB  # as lucidtech-las 11.4.1 answers it
    assert files.count("GET") == 1


async def test_get_document_without_download_sends_only_the_api_request(
    variant: Variant, recorder: Recorder, files: FileServer
) -> None:
    recorder.reply(Reply(body={"documentId": DOCUMENT_ID, "fileUrl": files.url_for("doc")}))
    document = await variant.get_document(DOCUMENT_ID, download_content=False)
    assert "content" not in document and files.arrivals == []


async def test_no_authorization_header_reaches_a_file_url(
    variant: Variant, recorder: Recorder, files: FileServer
) -> None:
    recorder.reply(created(files))
    await variant.create_document(SMALL)
    recorder.reply(Reply(body={"documentId": DOCUMENT_ID, "fileUrl": files.url_for("doc")}))
    await variant.get_document(DOCUMENT_ID)

    assert [arrival.method for arrival in files.arrivals] == ["PUT", "GET"]
    for arrival in files.arrivals:
        assert not any(name.lower() == "authorization" for name in arrival.headers), arrival.headers
    assert recorder.api_requests[0].headers["Authorization"].startswith("Bearer token-")


async def test_a_netrc_entry_for_the_file_host_is_not_sent_either(
    variant: Variant,
    recorder: Recorder,
    files: FileServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login someone password hunter2\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    recorder.reply(created(files))
    await variant.create_document(SMALL)
    [put] = files.arrivals
    assert not any(name.lower() == "authorization" for name in put.headers)


async def test_the_put_is_retried_after_a_503_and_a_dropped_connection_and_the_post_is_not(
    variant: Variant, recorder: Recorder, files: FileServer
) -> None:
    recorder.reply(created(files))
    files.fail("PUT", Fault(status=503), Fault(drop=True))

    await variant.create_document(TEN_MB)

    assert files.count("PUT") == 3  # the 503, the drop, then the PUT that landed
    assert [request.method for request in recorder.api_requests] == ["POST"]
    assert files.files["doc"].data == TEN_MB  # each attempt sent the whole body again


async def test_a_429_from_the_file_server_is_honoured(
    variant: Variant, recorder: Recorder, files: FileServer
) -> None:
    recorder.reply(created(files))
    files.fail("PUT", Fault(status=429, retry_after="0.2"))
    started = time.monotonic()
    await variant.create_document(SMALL)
    assert files.count("PUT") == 2 and time.monotonic() - started >= 0.2


async def test_a_download_is_retried_after_a_dropped_connection(
    variant: Variant, recorder: Recorder, files: FileServer
) -> None:
    recorder.reply(created(files))
    await variant.create_document(SMALL)
    files.fail("GET", Fault(drop=True), Fault(status=503))
    assert await variant.get_file(files.url_for("doc")) == SMALL
    assert files.count("GET") == 3


async def test_a_download_into_a_file_is_started_over_by_a_retry(
    variant: Variant, recorder: Recorder, files: FileServer, tmp_path: Path
) -> None:
    recorder.reply(created(files))
    await variant.create_document(TEN_MB)
    files.fail("GET", Fault(status=503))
    target = tmp_path / "copy.pdf"
    with open(target, "w+b") as into:
        into.write(b"left over from before")
        assert await variant.get_file(files.url_for("doc"), into=into) == b""
    assert target.read_bytes() == TEN_MB and files.count("GET") == 2


async def test_the_deadline_bounds_a_silent_file_server_and_the_error_names_the_document(
    variant: Variant, recorder: Recorder, files: FileServer
) -> None:
    session = variant.client.session
    variant.client.session = speaking(
        session.with_options(deadline=1.5, timeout=(2.0, 30.0)), session.contract
    )
    recorder.reply(created(files))
    files.fail("PUT", Fault(silent=10.0))

    started = time.monotonic()
    with pytest.raises(las.DocumentUploadError) as raised:
        await variant.create_document(SMALL)

    assert time.monotonic() - started < 4.0  # the deadline, not the silence of 10 s
    assert isinstance(raised.value.__cause__, las.APITimeoutError)  # DeadlineExceeded is one too
    assert raised.value.document_id == DOCUMENT_ID
    assert raised.value.file_url == files.url_for("doc")
    assert files.count("PUT") == 1


async def test_a_refused_upload_raises_document_upload_error_once_without_repeating_the_post(
    variant: Variant, recorder: Recorder, files: FileServer
) -> None:
    recorder.reply(created(files))
    files.fail("PUT", Fault(status=403))

    with pytest.raises(las.DocumentUploadError) as raised:
        await variant.create_document(SMALL)

    error = raised.value
    assert isinstance(error, las.ClientException)
    assert isinstance(error.__cause__, las.APIError) and error.__cause__.status_code == 403
    assert (error.document_id, error.file_url) == (DOCUMENT_ID, files.url_for("doc"))
    assert error.document["documentId"] == DOCUMENT_ID
    assert DOCUMENT_ID in str(error) and "put_file" in str(error)
    assert "secret-signature" not in str(error)  # the presigned URL's signature is not in the message
    assert files.count("PUT") == 1 and len(recorder.api_requests) == 1

    # Finishing it: PUT again to the URL the error carries.
    await variant.put_file(error.file_url, SMALL)
    assert files.files["doc"].data == SMALL


async def test_an_answer_without_a_file_url_raises_document_upload_error(
    variant: Variant, recorder: Recorder, files: FileServer
) -> None:
    recorder.reply(Reply(body={"documentId": DOCUMENT_ID, "fileUrl": None}))
    with pytest.raises(las.DocumentUploadError) as raised:
        await variant.create_document(SMALL)
    assert raised.value.document_id == DOCUMENT_ID and raised.value.file_url is None
    assert files.arrivals == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://files.example/x", "/relative/path", ""])
async def test_a_file_url_that_is_not_http_is_refused_before_sending_anything(
    variant: Variant, recorder: Recorder, files: FileServer, url: str
) -> None:
    recorder.reply(Reply(body={"documentId": DOCUMENT_ID, "fileUrl": url}))
    with pytest.raises(las.DocumentUploadError) as raised:
        await variant.create_document(SMALL)
    assert isinstance(raised.value.__cause__, las.InvalidResponseError)
    assert files.arrivals == []


async def test_file_transfers_are_not_counted_as_api_requests(
    variant: Variant, recorder: Recorder, files: FileServer
) -> None:
    recorder.reply(created(files))
    files.fail("PUT", Fault(status=503))
    await variant.create_document(SMALL)
    assert variant.client.session.request_count == 1  # the POST; the two PUTs went elsewhere


async def test_a_file_object_is_sent_from_where_it_stands_and_left_open(
    variant: Variant, recorder: Recorder, files: FileServer, tmp_path: Path
) -> None:
    path = tmp_path / "with-header.bin"
    path.write_bytes(b"HEADER" + TEN_MB)
    recorder.reply(created(files))
    files.fail("PUT", Fault(status=503))
    with open(path, "rb") as handle:
        handle.read(6)
        await variant.create_document(handle)
        assert not handle.closed
    assert files.files["doc"].data == TEN_MB  # both attempts sent the same bytes


async def test_a_2021_session_sends_inline_base64_and_keeps_the_cap(
    variant: Variant, recorder: Recorder, files: FileServer
) -> None:
    speaking(variant.client.session, CONTRACT_2021)
    recorder.reply(Reply(body={"documentId": DOCUMENT_ID, "contentType": "application/pdf"}))
    await variant.create_document(SMALL)
    [post] = recorder.api_requests
    assert post.json == {"content": base64.b64encode(SMALL).decode(), "contentType": "application/pdf"}

    with pytest.raises(las.ContentTooLargeError):
        await variant.create_document(TEN_MB)
    assert len(recorder.api_requests) == 1 and files.arrivals == []


async def test_a_session_that_names_no_contract_speaks_2021(
    variant: Variant, recorder: Recorder, files: FileServer
) -> None:
    del variant.client.session.contract
    recorder.reply(Reply(body={"documentId": DOCUMENT_ID}))
    await variant.create_document(SMALL)
    assert "content" in recorder.api_requests[0].json and files.arrivals == []


async def test_a_file_server_that_cannot_be_reached_is_reported_without_the_urls_signature(
    variant: Variant, recorder: Recorder
) -> None:
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"http://127.0.0.1:{port}/files/doc?X-Amz-Signature=secret-signature"
    variant.client.session = variant.client.session.with_options(max_retries=0)
    recorder.reply(Reply(body={"documentId": DOCUMENT_ID, "fileUrl": url}))
    with pytest.raises(las.DocumentUploadError) as raised:
        await variant.create_document(SMALL)
    assert isinstance(raised.value.__cause__, las.APIConnectionError)
    assert "secret-signature" not in str(raised.value)
    assert "secret-signature" not in str(raised.value.__cause__)
    assert raised.value.file_url == url


async def test_a_download_into_a_file_that_fails_half_way_leaves_the_file_empty(
    variant: Variant, tmp_path: Path
) -> None:
    """The file server sends 64 of the 112 bytes it announced, then nothing: the call ends at its
    deadline, and the file (emptied when the download began) holds none of the body. Before, it
    held the 64 bytes, as if something of the download could be used."""

    def answer(server: RawServer, conn: socket.socket, head: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: 112\r\n\r\n")
        conn.sendall(b"A" * 64)
        server.stopped.wait(10)

    server = RawServer(answer)
    quick = variant.with_options(deadline=0.3, max_retries=0)
    target = tmp_path / "copy.pdf"
    try:
        with open(target, "w+b") as into:
            into.write(b"the user's earlier content")
            with pytest.raises(las.APITimeoutError):
                await quick.get_file(server.url + "/doc", into=into)
        assert target.read_bytes() == b""
    finally:
        server.close()


async def test_a_download_into_a_pipe_is_refused_before_anything_is_sent(
    variant: Variant, tmp_path: Path
) -> None:
    """``into=`` must be seekable (written from its start, again on a retry, emptied if the call
    fails): a pipe is a TypeError naming the fix, raised before any request, where it was an
    AnswerLostError ("lost while reading the body") after the GET had gone out."""
    server = RawServer(
        lambda server, conn, head: conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    )
    read_end, write_end = os.pipe()
    try:
        with open(write_end, "wb") as pipe:
            with pytest.raises(TypeError, match=r"into= must be a seekable binary file.*io\.BytesIO"):
                await variant.get_file(server.url + "/doc", into=pipe)
        assert server.connections == 0
    finally:
        os.close(read_end)
        server.close()


async def test_a_connection_refused_says_why_and_not_the_urls_signature(variant: Variant) -> None:
    """The error of a connection that could not be opened says why (the system's "Connection
    refused"), where the sync session said only "not sent (ConnectionError)"; the presigned
    URL's query (its signature) is in neither session's message."""
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there
    quick = variant.with_options(max_retries=0)
    with pytest.raises(las.APIConnectionError) as raised:
        await quick.get_file(f"http://127.0.0.1:{port}/doc?X-Amz-Signature=s3cr3t")
    message = str(raised.value)
    assert "not sent" in message and "refused" in message.lower(), message
    assert "s3cr3t" not in message, message
