"""``las.Client(session)`` and ``las.AsyncClient(session)``: a session passed as the first argument
is taken as ``session=``; the other variant's session, and anything else that is not
credentials, is refused when the client is made, not at its first request."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import las
from las.testing import Emulator


def test_a_session_as_the_first_argument_is_the_clients_session(
    las_emulator: Emulator, tmp_path: Path
) -> None:
    with las.Session(las_emulator.credentials(cache_path=tmp_path / "cache.json")) as session:
        client = las.Client(session)
        assert client.session is session and client.credentials is session.credentials
        assert client.list_models()["models"] == []
        assert session.request_count == 1


def test_an_async_session_as_the_first_argument_is_the_async_clients_session(
    las_emulator: Emulator, tmp_path: Path
) -> None:
    async def run() -> None:
        async with las.AsyncSession(las_emulator.credentials(cache_path=tmp_path / "cache.json")) as session:
            client = las.AsyncClient(session)
            assert client.session is session
            assert (await client.list_models())["models"] == []
            assert session.request_count == 1

    asyncio.run(run())


def test_the_other_variants_session_is_refused_at_construction_naming_the_fix(
    las_emulator: Emulator, tmp_path: Path
) -> None:
    credentials = las_emulator.credentials(cache_path=tmp_path / "cache.json")
    sync, asynchronous = las.Session(credentials), las.AsyncSession(credentials)
    for make in (lambda: las.Client(asynchronous), lambda: las.Client(session=asynchronous)):
        with pytest.raises(TypeError) as raised:
            make()
        assert str(raised.value) == (
            "las.Client sends through a las.Session, got a las.AsyncSession: use las.AsyncClient(session) "
            "for it, or make a las.Session(session.credentials) (same credentials and token cache)"
        )
    for make in (lambda: las.AsyncClient(sync), lambda: las.AsyncClient(session=sync)):
        with pytest.raises(
            TypeError, match=r"las\.AsyncClient sends through a las\.AsyncSession, got a las\.Session: "
        ):
            make()
    sync.close()
    assert las_emulator.requests == []


@pytest.mark.parametrize("client_class", [las.Client, las.AsyncClient])
def test_other_first_arguments_are_refused_at_construction(
    client_class: type[las.Client] | type[las.AsyncClient], las_emulator: Emulator, tmp_path: Path
) -> None:
    credentials = las_emulator.credentials(cache_path=tmp_path / "cache.json")
    session_class = las.Session if client_class is las.Client else las.AsyncSession
    session = session_class(credentials)
    name = client_class.__name__
    with pytest.raises(TypeError, match=f"las.{name} was given a session twice"):
        client_class(session, session=session)
    with pytest.raises(TypeError, match="pass either session= or credentials/session options, not both"):
        client_class(session, max_retries=1)
    with pytest.raises(
        TypeError,
        match=rf"first argument is a las\.Credentials or a las\.{session_class.__name__}, got a str",
    ):
        client_class("credentials.cfg")
    with pytest.raises(TypeError, match=r"got a (Async)?Client \(pass its \.session\)"):
        client_class(client_class(session=session))
    with pytest.raises(
        TypeError, match=r"session= is a session, got a (Async)?Client \(pass its \.session\)"
    ):
        client_class(session=client_class(session=session))
    assert client_class(credentials).credentials is credentials  # credentials still work as before
    assert las_emulator.requests == []
