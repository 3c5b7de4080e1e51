"""Content arguments: accepted kinds, type detection, the size limit and the streamed body."""

from __future__ import annotations

import base64
import io
import json
import os
from pathlib import Path

import pytest

import las
from las.content import MAX_BASE64_CONTENT_LENGTH, JsonBodyWithContent, read_content
from tests.support.recorder import Recorder, Reply

PDF = b"%PDF-1.4\n%binary \xe2\xe3\n1 0 obj\n"
SAMPLES = {
    "application/pdf": PDF,
    "image/jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF",
    "image/png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "image/tiff": b"II*\x00\x08\x00\x00\x00",
}


def _sent_content(recorder: Recorder) -> tuple[bytes, str]:
    body = recorder.api_requests[-1].json
    return base64.b64decode(body["content"]), body["contentType"]


@pytest.mark.parametrize("content_type", sorted(SAMPLES))
def test_content_type_is_detected_from_magic_bytes(
    client: las.Client, recorder: Recorder, content_type: str
) -> None:
    client.create_document(SAMPLES[content_type])
    assert _sent_content(recorder) == (SAMPLES[content_type], content_type)


def test_big_endian_tiff_is_detected(client: las.Client, recorder: Recorder) -> None:
    client.create_document(b"MM\x00*\x00\x00\x00\x08")
    assert _sent_content(recorder)[1] == "image/tiff"


@pytest.mark.parametrize("kind", ["bytes", "bytearray", "str path", "Path", "binary file", "text file"])
def test_every_kind_of_content_argument_is_accepted(
    client: las.Client, recorder: Recorder, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "doc.pdf"
    path.write_bytes(PDF if kind != "text file" else b"%PDF-1.4 plain text pdf")
    expected = path.read_bytes()
    content = {
        "bytes": lambda: expected,
        "bytearray": lambda: bytearray(expected),
        "str path": lambda: str(path),
        "Path": lambda: path,
        "binary file": lambda: open(path, "rb"),
        "text file": lambda: open(path),
    }[kind]()
    client.create_document(content)
    assert _sent_content(recorder) == (expected, "application/pdf")


def test_explicit_content_type_skips_detection(client: las.Client, recorder: Recorder) -> None:
    client.create_document(b"not magic at all", "image/png")
    assert _sent_content(recorder) == (b"not magic at all", "image/png")


def test_undetectable_content_lists_the_accepted_types(client: las.Client, recorder: Recorder) -> None:
    with pytest.raises(las.FileFormatException) as raised:
        client.create_document(b"GIF89a....")
    for content_type in SAMPLES:
        assert content_type in str(raised.value)
    assert recorder.api_requests == []


def test_missing_path_and_wrong_type_are_clear_errors(client: las.Client) -> None:
    with pytest.raises(FileNotFoundError, match=r"no-such\.pdf"):
        client.create_document("no-such.pdf")
    with pytest.raises(TypeError, match="content must be bytes"):
        client.create_document(12345)  # type: ignore[arg-type]


def test_a_missing_content_path_is_both_a_las_error_and_file_not_found(
    session: las.Session, recorder: Recorder, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.pdf"
    for create in (
        lambda: las.Client(session=session).create_document(str(missing)),
        lambda: las.Client(session=session).create_asset(missing),
        lambda: las.Document.create(str(missing), session=session),
    ):
        with pytest.raises(las.ContentNotFoundError) as raised:
            create()
        assert isinstance(raised.value, las.ClientException) and isinstance(raised.value, FileNotFoundError)
        assert raised.value.filename == str(missing) and "missing.pdf" in str(raised.value)
    assert recorder.requests == []


def test_content_over_the_limit_is_refused_before_any_upload(
    client: las.Client, recorder: Recorder, tmp_path: Path
) -> None:
    big = tmp_path / "big.pdf"
    with open(big, "wb") as handle:
        handle.write(b"%PDF")
        handle.truncate(MAX_BASE64_CONTENT_LENGTH * 3 // 4 + 1)
    with pytest.raises(las.ContentTooLargeError) as raised:
        client.create_document(big)
    assert "6,250,000" in str(raised.value) and f"{os.path.getsize(big):,} bytes" in str(raised.value)
    assert isinstance(raised.value, ValueError)
    assert recorder.requests == []  # not even a token fetch


def test_content_at_the_limit_is_sent(client: las.Client, recorder: Recorder, tmp_path: Path) -> None:
    path = tmp_path / "max.pdf"
    with open(path, "wb") as handle:
        handle.write(b"%PDF")
        handle.truncate(MAX_BASE64_CONTENT_LENGTH * 3 // 4)
    client.create_document(path, dataset_id="las:dataset:" + "d" * 32)
    sent = recorder.api_requests[-1]
    assert int(sent.headers["Content-Length"]) == len(sent.body)
    assert "Transfer-Encoding" not in sent.headers
    body = sent.json
    assert len(body["content"]) == MAX_BASE64_CONTENT_LENGTH
    assert body["contentType"] == "application/pdf" and body["datasetId"] == "las:dataset:" + "d" * 32
    assert base64.b64decode(body["content"]) == path.read_bytes()


def test_streamed_body_is_resent_identically_after_a_429(
    client: las.Client, recorder: Recorder, tmp_path: Path
) -> None:
    path = tmp_path / "large.pdf"
    path.write_bytes(b"%PDF" + os.urandom(600_000))
    recorder.reply(Reply(429, {"message": "Too Many Requests"}, headers={"Retry-After": "0"}))
    client.create_document(path)
    first, second = recorder.api_requests
    assert first.body == second.body
    assert base64.b64decode(json.loads(second.body)["content"]) == path.read_bytes()


@pytest.mark.parametrize("size", [0, 1, 2, 3, 196_607, 196_608, 196_609, 500_000])
def test_json_body_with_content_encodes_exactly(size: int) -> None:
    data = os.urandom(size)
    body = JsonBodyWithContent(read_content(data), {"contentType": "image/png", "a": [1, None]})
    chunks = []
    while chunk := body.read(16384):
        chunks.append(chunk)
    text = b"".join(chunks)
    assert len(text) == len(body)
    assert json.loads(text) == {
        "content": base64.b64encode(data).decode(),
        "contentType": "image/png",
        "a": [1, None],
    }
    body.seek(0)
    assert body.read() == text


def test_file_object_content_is_read_from_its_position() -> None:
    handle = io.BytesIO(b"skip%PDF-1.4")
    handle.read(4)
    with read_content(handle).open() as content:
        assert content.read() == b"%PDF-1.4"
