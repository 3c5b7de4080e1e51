"""Choosing a profile of ~/.lucidtech/credentials.cfg from Python: ``las.Session(profile=...)``,
``las.AsyncSession(profile=...)``, ``las.Client(profile=...)`` (as lucidtech-las 11.x writes it)
and ``LAS_PROFILE``, against the emulator."""

from __future__ import annotations

from pathlib import Path

import pytest

import las
from las.testing import Emulator

CREDENTIALS_VARIABLES = ("LAS_CLIENT_ID", "LAS_CLIENT_SECRET", "LAS_AUTH_ENDPOINT", "LAS_API_ENDPOINT")


@pytest.fixture
def config(las_emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A HOME whose credentials.cfg has a [default] that reaches nothing and an [emulator] profile."""
    for name in (*CREDENTIALS_VARIABLES, "LAS_PROFILE", "LAS_CONTRACT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    path = tmp_path / ".lucidtech" / "credentials.cfg"
    path.parent.mkdir()
    path.write_text(
        "[default]\nclient_id = nobody\nclient_secret = nothing\nauth_endpoint = http://127.0.0.1:9\n"
        "api_endpoint = http://127.0.0.1:9\n\n"
        f"[emulator]\nclient_id = {las_emulator.client_id}\nclient_secret = {las_emulator.client_secret}\n"
        f"auth_endpoint = {las_emulator.auth_endpoint}\napi_endpoint = {las_emulator.api_endpoint}\n"
        f"contract = {las_emulator.contract}\n"
    )
    path.chmod(0o600)
    return path


def test_session_profile_reads_that_section(config: Path, las_emulator: Emulator) -> None:
    with las.Session(profile="emulator") as session:
        las.Client(session=session).create_dataset(name="from a profile")
    assert session.credentials.sources["client_secret"] == f"file {config} [emulator]"
    assert session.contract == las_emulator.contract
    assert [r.path for r in las_emulator.requests] == ["/token", "/datasets"]
    with las.Session() as default:
        assert default.credentials.client_id == "nobody"  # without profile=, LAS_PROFILE or [default]


def test_session_profile_is_what_las_profile_chooses(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAS_PROFILE", "emulator")
    with las.Session() as by_variable, las.Session(profile="emulator") as by_argument:
        assert by_variable.credentials.sources == by_argument.credentials.sources
    with las.Session(profile="default") as argument_first:  # the argument beats LAS_PROFILE
        assert argument_first.credentials.client_id == "nobody"


@pytest.mark.asyncio
async def test_async_session_and_client_take_a_profile(config: Path, las_emulator: Emulator) -> None:
    async with las.AsyncSession(profile="emulator") as session:
        await las.AsyncClient(session=session).list_datasets()
    async with las.AsyncClient(profile="emulator") as client:
        await client.list_datasets()
    assert [r.path for r in las_emulator.requests if r.path != "/token"] == ["/datasets", "/datasets"]


def test_client_profile_and_session_options_go_together(config: Path) -> None:
    client = las.Client(profile="emulator", max_retries=1)
    assert client.session.max_retries == 1 and client.list_datasets()["datasets"] == []


def test_a_profile_that_is_not_there_names_it_and_the_file(config: Path) -> None:
    with pytest.raises(las.MissingCredentials, match=rf"section \[absent\] of {config} \(no such section\)"):
        las.Session(profile="absent")


def test_profile_with_credentials_or_empty_is_refused(config: Path, las_emulator: Emulator) -> None:
    credentials = las_emulator.credentials()
    with pytest.raises(TypeError, match="credentials or profile=, not both"):
        las.Session(credentials, profile="emulator")
    with pytest.raises(TypeError, match="credentials or profile=, not both"):
        las.AsyncSession(credentials, profile="emulator")
    with pytest.raises(ValueError, match="profile must name a section"):
        las.Session(profile=" ")
