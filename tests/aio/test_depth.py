"""From a verb to the socket: at most 8 frames of las code, and the endpoint's frame in every
traceback (issue 18). Counted at the moment the HTTP library is asked to send."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import requests

import las
from las.testing import Emulator

LAS = str(Path(las.__file__).resolve().parent)
MISSING = "las:document:" + "0" * 32


def _las_frames() -> list[str]:
    """The las frames on the stack now, outermost first (as ``module.function``)."""
    names = []
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename.startswith(LAS):
            names.append(f"{Path(frame.f_code.co_filename).stem}.{frame.f_code.co_name}")
        frame = frame.f_back  # type: ignore[assignment]
    return names[::-1]


def test_document_get_reaches_requests_through_at_most_8_las_frames(
    las_session: las.Session, las_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    document_id = las_emulator.seed_documents(1)[0]
    seen: list[list[str]] = []
    send = requests.Session.request

    def counting(self: requests.Session, *args: Any, **kwargs: Any) -> Any:
        seen.append(_las_frames())
        return send(self, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "request", counting)
    las.Document.get(document_id, session=las_session)

    frames = seen[-1]
    assert len(frames) <= 8, frames
    assert "client.get_document" in frames


@pytest.mark.asyncio
async def test_document_get_async_reaches_aiohttp_through_at_most_8_las_frames(
    las_async_session: las.AsyncSession, las_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    document_id = las_emulator.seed_documents(1)[0]
    seen: list[list[str]] = []
    send = aiohttp.ClientSession._request

    def counting(self: aiohttp.ClientSession, *args: Any, **kwargs: Any) -> Any:
        seen.append(_las_frames())
        return send(self, *args, **kwargs)

    monkeypatch.setattr(aiohttp.ClientSession, "_request", counting)
    await las.Document.get_async(document_id, session=las_async_session)

    frames = seen[-1]
    assert len(frames) <= 8, frames
    assert "_async_client.get_document" in frames


def _names(error: BaseException) -> list[str]:
    return [frame.name for frame in traceback.extract_tb(error.__traceback__)]


def test_a_404_of_document_get_shows_the_endpoints_frame(las_session: las.Session) -> None:
    with pytest.raises(las.NotFoundError) as raised:
        las.Document.get(MISSING, session=las_session)

    assert "get_document" in _names(raised.value)


@pytest.mark.asyncio
async def test_a_404_of_document_get_async_shows_the_endpoints_frame(
    las_async_session: las.AsyncSession,
) -> None:
    with pytest.raises(las.NotFoundError) as raised:
        await las.Document.get_async(MISSING, session=las_async_session)

    names = _names(raised.value)
    assert "get_document" in names and "get_async" in names
    assert "call" not in names  # no anonymous wrapper between the verb and the endpoint
