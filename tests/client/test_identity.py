"""Who a request acts as: a cached token only for the client that fetched it, no mixed
credential pairs, no ~/.netrc over the bearer token, and private files."""

from __future__ import annotations

import base64
import json
import logging
import os
import stat
import time
from pathlib import Path

import pytest

import las
from las.credentials import read_credentials
from tests.support.recorder import CLIENT_ID, CLIENT_SECRET, Recorder

ENV = ("LAS_CLIENT_ID", "LAS_CLIENT_SECRET", "LAS_AUTH_ENDPOINT", "LAS_API_ENDPOINT", "LAS_PROFILE", "NETRC")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def _jwt(claims: dict[str, object]) -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none'})}.{part(claims)}.signature"


def _write_cache(path: Path, entry: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"default": entry}))


def test_a_cached_token_of_another_client_is_never_used(
    recorder: Recorder, cache_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's case: client A in the environment, client B's token cached under the profile."""
    _write_cache(
        cache_path,
        {
            "access_token": "token-of-client-b",
            "expires_in": time.time() + 3600,
            "client_id": "client-b",
            "auth_endpoint": recorder.url,
        },
    )
    recorder.valid_tokens.add("token-of-client-b")
    monkeypatch.setenv("LAS_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("LAS_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("LAS_AUTH_ENDPOINT", recorder.url)
    monkeypatch.setenv("LAS_API_ENDPOINT", recorder.url)
    credentials = read_credentials(config_path=cache_path.parent / "absent.cfg", cache_path=cache_path)
    with las.Session(credentials) as session:
        las.Client(session=session).create_dataset(name="made by A")
    [sent] = recorder.api_requests
    assert sent.headers["Authorization"] != "Bearer token-of-client-b"
    assert recorder.token_requests == 1  # A fetched its own
    entry = json.loads(cache_path.read_text())["default"]
    assert entry["client_id"] == CLIENT_ID and entry["access_token"] != "token-of-client-b"


def test_a_cached_token_from_another_auth_endpoint_is_not_used(recorder: Recorder, cache_path: Path) -> None:
    _write_cache(
        cache_path,
        {
            "access_token": "token-elsewhere",
            "expires_in": time.time() + 3600,
            "client_id": CLIENT_ID,
            "auth_endpoint": "auth.somewhere-else",
        },
    )
    credentials = las.Credentials(CLIENT_ID, CLIENT_SECRET, recorder.url, recorder.url, "default", cache_path)
    assert credentials.access_token() != "token-elsewhere"
    assert recorder.token_requests == 1


def test_a_reference_client_entry_is_used_when_its_token_names_this_client(
    recorder: Recorder, cache_path: Path
) -> None:
    token = _jwt({"client_id": CLIENT_ID, "token_use": "access"})
    _write_cache(cache_path, {"access_token": token, "expires_in": time.time() + 3600})  # reference format
    credentials = las.Credentials(CLIENT_ID, CLIENT_SECRET, recorder.url, recorder.url, "default", cache_path)
    assert credentials.access_token() == token
    assert recorder.token_requests == 0


@pytest.mark.parametrize(
    "token", [_jwt({"client_id": "client-b"}), "opaque-token"], ids=["other-client", "unknown-owner"]
)
def test_a_reference_client_entry_of_another_or_unknown_client_is_not_used(
    recorder: Recorder, cache_path: Path, token: str
) -> None:
    _write_cache(cache_path, {"access_token": token, "expires_in": time.time() + 3600})
    credentials = las.Credentials(CLIENT_ID, CLIENT_SECRET, recorder.url, recorder.url, "default", cache_path)
    assert credentials.access_token() != token
    assert recorder.token_requests == 1


def test_the_cache_keeps_the_reference_format_for_the_reference_client(
    recorder: Recorder, cache_path: Path
) -> None:
    credentials = las.Credentials(CLIENT_ID, CLIENT_SECRET, recorder.url, recorder.url, "default", cache_path)
    token = credentials.access_token()
    entry = json.loads(cache_path.read_text())["default"]
    assert entry["access_token"] == token and isinstance(entry["expires_in"], float)  # what it reads


def test_a_client_id_and_secret_from_different_places_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "credentials.cfg"
    config.write_text(
        "[default]\nclient_id = file-id\nclient_secret = file-secret\nauth_endpoint = a\napi_endpoint = b\n"
    )
    config.chmod(0o600)
    monkeypatch.setenv("LAS_CLIENT_ID", "env-id")
    with pytest.raises(las.CredentialsConflictError) as raised:
        read_credentials(config_path=config)
    message = str(raised.value)
    assert "LAS_CLIENT_ID" in message and str(config) in message and "file-secret" not in message


def test_endpoints_may_come_from_elsewhere_and_sources_say_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "credentials.cfg"
    config.write_text("[default]\nclient_id = i\nclient_secret = s\nauth_endpoint = a\napi_endpoint = b\n")
    config.chmod(0o600)
    monkeypatch.setenv("LAS_API_ENDPOINT", "https://staging/v1")
    credentials = read_credentials(config_path=config)
    assert credentials.api_endpoint == "https://staging/v1"
    assert credentials.sources["api_endpoint"] == "environment (LAS_API_ENDPOINT)"
    assert credentials.sources["client_secret"] == f"file {config} [default]"


@pytest.mark.parametrize("entry", ["machine 127.0.0.1", "default"])
def test_a_netrc_entry_never_replaces_the_bearer_token(
    recorder: Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entry: str
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    netrc = home / ".netrc"
    netrc.write_text(f"{entry} login someone password hunter2\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("HOME", str(home))
    credentials = las.Credentials(
        CLIENT_ID, CLIENT_SECRET, recorder.url, recorder.url, cache_path=tmp_path / "c.json"
    )
    with las.Session(credentials) as session:
        las.Client(session=session).list_models()
    [sent] = recorder.api_requests
    assert sent.headers["Authorization"].startswith("Bearer token-")
    token_request = recorder.requests[0]
    expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert token_request.headers["Authorization"] == f"Basic {expected}"
    assert recorder.token_requests == 1


def test_the_cache_directory_is_created_private(recorder: Recorder, tmp_path: Path) -> None:
    cache = tmp_path / "new" / "lucidtech" / "token-cache.json"
    las.Credentials(CLIENT_ID, CLIENT_SECRET, recorder.url, recorder.url, "p", cache).access_token()
    assert stat.S_IMODE(os.stat(cache.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(cache.parent.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o600


@pytest.mark.parametrize(("mode", "warned"), [(0o644, True), (0o640, True), (0o600, False)])
def test_a_credentials_file_readable_by_others_is_warned_about(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, mode: int, warned: bool
) -> None:
    config = tmp_path / "credentials.cfg"
    config.write_text("[default]\nclient_id = i\nclient_secret = s\nauth_endpoint = a\napi_endpoint = b\n")
    config.chmod(mode)
    with caplog.at_level(logging.WARNING, logger="las.credentials"):
        read_credentials(config_path=config)
    assert ("readable by other users" in caplog.text) is warned
    assert "chmod 600" in caplog.text or not warned
