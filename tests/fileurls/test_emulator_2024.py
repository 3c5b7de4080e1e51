"""File URLs against the emulator of the 2024-11-29 contract (``Emulator(contract="2024-11-29")``),
sync and async: what goes up comes back byte-identical, the PUT is retried on the emulator's
faults (counted in its request log), no request carries the token to a file URL (the emulator
refuses one that does), and every API request the SDK sends is the 2024 contract's."""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

import las
import las.bulk
from las.testing import Emulator
from tests.contract import Contract

from .conftest import Variant

TEN_MB = b"%PDF-1.7\n" + os.urandom(10 * 1024 * 1024)
FILES = "/_files/"


@pytest_asyncio.fixture(params=["sync", "async"])
async def emulated(
    request: pytest.FixtureRequest, emulator_2024: Emulator, contract_2024: Contract
) -> AsyncIterator[Variant]:
    if request.param == "sync":
        with emulator_2024.session(max_retries=3) as session:
            yield Variant("sync", las.Client(session=session), ())
    else:
        async with emulator_2024.async_session(max_retries=3) as asession:
            yield Variant("async", las.AsyncClient(session=asession), ())
    for sent in emulator_2024.requests:  # what the SDK sent the API is the contract's
        if sent.path.startswith(FILES):
            assert not any(name.lower() == "authorization" for name in sent.headers)
        elif sent.path not in ("/token", "/oauth2/token"):
            contract_2024.validate_request(sent.method, sent.path, sent.query, sent.json)


def file_requests(emulator: Emulator, method: str) -> list[Any]:
    return [sent for sent in emulator.requests if sent.path.startswith(FILES) and sent.method == method]


@pytest.mark.asyncio
async def test_ten_megabytes_go_up_and_come_back_byte_identical(
    emulated: Variant, emulator_2024: Emulator, tmp_path: Path
) -> None:
    path = tmp_path / "ten.pdf"
    path.write_bytes(TEN_MB)
    created = await emulated.create_document(path)
    [post] = [sent for sent in emulator_2024.requests if sent.path == "/documents"]
    assert post.method == "POST" and "content" not in post.json

    got = await emulated.get_document(created["documentId"])
    assert base64.b64decode(got["content"]) == TEN_MB
    assert [sent.status for sent in file_requests(emulator_2024, "PUT")] == [200]
    assert [sent.status for sent in file_requests(emulator_2024, "GET")] == [200]


@pytest.mark.asyncio
async def test_the_put_is_retried_on_the_emulators_503_and_dropped_connection(
    emulated: Variant, emulator_2024: Emulator
) -> None:
    emulator_2024.fail_next(1, status=503, method="PUT", path=FILES)
    emulator_2024.drop_next(1, method="PUT", path=FILES)
    created = await emulated.create_document(TEN_MB)
    puts = file_requests(emulator_2024, "PUT")
    assert len(puts) == 3 and puts[-1].status == 200
    assert [sent.method for sent in emulator_2024.requests if sent.path == "/documents"] == ["POST"]
    got = await emulated.get_document(created["documentId"])
    assert got["contentMD5"] is not None and len(got["content"]) == 4 * ((len(TEN_MB) + 2) // 3)


@pytest.mark.asyncio
async def test_a_success_with_a_body_to_the_put_is_not_taken_as_the_bytes_stored(
    emulated: Variant, emulator_2024: Emulator
) -> None:
    """Object storage answers a PUT with an empty body: a 200 with a page (a proxy's, which
    stored nothing) leaves the document without its bytes, and the create says so (found by
    the campaign: it was reported created)."""
    emulator_2024.fail_next(1, status=200, body=b"<html>maintenance</html>", method="PUT", path=FILES)
    with pytest.raises(las.DocumentUploadError) as raised:
        await emulated.create_document(b"%PDF-1.4 a small document")
    assert isinstance(raised.value.__cause__, las.InvalidResponseError)
    assert "expected an empty body" in str(raised.value.__cause__)
    got = await emulated.get_document(raised.value.document_id)
    assert got["contentMD5"] is None  # what the SDK said: created, without its bytes
    assert len(file_requests(emulator_2024, "PUT")) == 1


def test_documents_through_the_resource_layer_and_bulk_read_back(
    emulator_2024: Emulator, tmp_path: Path
) -> None:
    with emulator_2024.session() as session:
        dataset = las.Dataset.create(name="file urls", session=session)
        document = dataset.documents.create(TEN_MB)
        assert document.content == TEN_MB
        report = las.bulk.ingest(
            [TEN_MB + b"2"], dataset=dataset, journal=tmp_path / "j.jsonl", session=session
        )
        assert [result.status for result in report.results] == ["created"]
        contents = sorted(len(listed.content or b"") for listed in dataset.documents)
        assert contents == [len(TEN_MB), len(TEN_MB) + 1]
