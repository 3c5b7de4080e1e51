"""``create_document(before_upload=...)``: the caller hears of the document created before its
bytes are PUT (both variants), so a crash during the upload can be resumed."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import las
from las.content import CONTRACT_2021
from tests.support.file_server import FileServer
from tests.support.recorder import Recorder

from .conftest import DOCUMENT_ID, Variant, speaking
from .test_client_file_urls import SMALL, created

pytestmark = pytest.mark.asyncio


async def test_it_is_called_with_the_answer_after_the_post_and_before_any_byte_is_put(
    variant: Variant, recorder: Recorder, files: FileServer
) -> None:
    heard: list[tuple[dict[str, Any], int, int]] = []
    recorder.reply(created(files))

    def record(answer: dict[str, Any]) -> None:
        heard.append((answer, len(recorder.api_requests), len(files.arrivals)))

    await variant.create_document(SMALL, before_upload=record)

    [(answer, posts_then, puts_then)] = heard
    assert answer["documentId"] == DOCUMENT_ID and answer["fileUrl"] == files.url_for("doc")
    assert (posts_then, puts_then) == (1, 0)
    assert files.files["doc"].data == SMALL


async def test_on_the_async_client_an_awaitable_it_returns_is_awaited_before_the_put(
    credentials: las.Credentials, recorder: Recorder, files: FileServer
) -> None:
    recorder.reply(created(files))
    order: list[str] = []

    async def record(answer: dict[str, Any]) -> None:
        await asyncio.sleep(0.05)
        order.append(f"recorded, {len(files.arrivals)} PUT")

    async with las.AsyncSession(credentials) as asession:
        client = las.AsyncClient(session=speaking(asession, "2024-11-29"))
        await client.create_document(SMALL, before_upload=record)
    assert order == ["recorded, 0 PUT"] and files.count("PUT") == 1


async def test_when_it_raises_nothing_is_put_and_the_error_names_the_document(
    variant: Variant, recorder: Recorder, files: FileServer
) -> None:
    recorder.reply(created(files))

    def broken(answer: dict[str, Any]) -> None:
        raise OSError("disk full")

    with pytest.raises(las.DocumentUploadError) as raised:
        await variant.create_document(SMALL, before_upload=broken)
    assert isinstance(raised.value.__cause__, OSError)
    assert raised.value.document_id == DOCUMENT_ID and raised.value.file_url == files.url_for("doc")
    assert "before_upload raised OSError" in str(raised.value) and "secret-signature" not in str(raised.value)
    assert files.arrivals == [] and len(recorder.api_requests) == 1


async def test_it_is_not_called_on_2021_where_the_bytes_travel_in_the_post(
    variant: Variant, recorder: Recorder
) -> None:
    speaking(variant.client.session, CONTRACT_2021)
    heard: list[object] = []
    await variant.create_document(SMALL, before_upload=heard.append)
    assert heard == [] and len(recorder.api_requests) == 1
