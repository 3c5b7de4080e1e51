"""Credentials: where values come from, the shared token cache, and token refresh."""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import stat
import threading
import time
from pathlib import Path

import pytest

import las
from las.credentials import read_credentials
from tests.support.recorder import CLIENT_ID, CLIENT_SECRET, Recorder

ENV = ("LAS_CLIENT_ID", "LAS_CLIENT_SECRET", "LAS_AUTH_ENDPOINT", "LAS_API_ENDPOINT", "LAS_PROFILE")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def _config(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_arguments_win_over_environment_and_environment_over_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(
        tmp_path / "credentials.cfg",
        "[default]\nclient_id = from-file\nclient_secret = file-secret\n"
        "auth_endpoint = auth.file\napi_endpoint = https://api.file/v1\n",
    )
    monkeypatch.setenv("LAS_CLIENT_ID", "from-env")
    monkeypatch.setenv("LAS_CLIENT_SECRET", "env-secret")
    monkeypatch.setenv("LAS_API_ENDPOINT", "https://api.env/v1")
    credentials = read_credentials(config_path=config, api_endpoint="https://api.arg/v1")
    assert credentials.client_id == "from-env"
    assert credentials.client_secret == "env-secret"
    assert credentials.api_endpoint == "https://api.arg/v1"
    assert credentials.token_url == "https://auth.file/token?grant_type=client_credentials"
    assert credentials.cached_profile == "default"
    assert credentials.sources == {
        "client_id": "environment (LAS_CLIENT_ID)",
        "client_secret": "environment (LAS_CLIENT_SECRET)",
        "auth_endpoint": f"file {config} [default]",
        "api_endpoint": "argument",
    }


def test_config_profile_and_use_cache(tmp_path: Path) -> None:
    config = _config(
        tmp_path / "credentials.cfg",
        "[staging]\nclient_id = s\nclient_secret = x\nauth_endpoint = a\napi_endpoint = b\nuse_cache = false\n",
    )
    credentials = read_credentials("staging", config)
    assert (credentials.client_id, credentials.cached_profile) == ("s", None)
    assert credentials.api_endpoint == "https://b"


def test_missing_values_name_each_value_and_every_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAS_CLIENT_ID", "only-this")
    config = tmp_path / "absent.cfg"
    with pytest.raises(las.MissingCredentials) as raised:
        read_credentials(config_path=config)
    message = str(raised.value)
    for expected in (
        "client_secret",
        "auth_endpoint",
        "api_endpoint",
        "LAS_CLIENT_SECRET",
        "arguments",
        str(config),
    ):
        assert expected in message
    assert "client_id," not in message.split(";")[0]


def test_endpoints_with_a_scheme_are_used_as_given() -> None:
    credentials = las.Credentials("i", "s", "http://127.0.0.1:8000", "http://127.0.0.1:8000/")
    assert credentials.token_url == "http://127.0.0.1:8000/token?grant_type=client_credentials"
    assert credentials.api_endpoint == "http://127.0.0.1:8000"


def test_repr_and_str_hide_the_secret_and_the_token(credentials: las.Credentials) -> None:
    token = credentials.access_token()
    for text in (repr(credentials), str(credentials)):
        assert CLIENT_SECRET not in text and token not in text
        assert "***" in text


def test_token_is_fetched_with_basic_auth_and_form_encoding(
    credentials: las.Credentials, recorder: Recorder
) -> None:
    assert credentials.access_token().startswith("token-")
    [request] = recorder.requests
    assert request.method == "POST" and request.path == "/token"
    assert request.query == {"grant_type": ["client_credentials"]}
    assert request.headers["Authorization"].startswith("Basic ")
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"


def test_wrong_secret_raises_invalid_credentials(recorder: Recorder, cache_path: Path) -> None:
    credentials = las.Credentials(CLIENT_ID, "wrong", recorder.url, recorder.url, cache_path=cache_path)
    with pytest.raises(las.InvalidCredentialsException, match="refused the client id and secret"):
        credentials.access_token()


def test_cache_has_the_reference_format_and_mode_0600(recorder: Recorder, cache_path: Path) -> None:
    credentials = las.Credentials(CLIENT_ID, CLIENT_SECRET, recorder.url, recorder.url, "prod", cache_path)
    token = credentials.access_token()
    data = json.loads(cache_path.read_text())
    assert data["prod"]["access_token"] == token
    assert abs(data["prod"]["expires_in"] - (time.time() + 3600)) < 120  # absolute epoch seconds
    assert stat.S_IMODE(os.stat(cache_path).st_mode) == 0o600


def test_cached_token_is_reused_by_a_new_process_or_instance(recorder: Recorder, cache_path: Path) -> None:
    first = las.Credentials(CLIENT_ID, CLIENT_SECRET, recorder.url, recorder.url, "prod", cache_path)
    second = las.Credentials(CLIENT_ID, CLIENT_SECRET, recorder.url, recorder.url, "prod", cache_path)
    assert first.access_token() == second.access_token()
    assert recorder.token_requests == 1


def test_cache_keeps_other_profiles(recorder: Recorder, cache_path: Path) -> None:
    cache_path.parent.mkdir(parents=True)
    cache_path.write_text(json.dumps({"other": {"access_token": "keep-me", "expires_in": time.time() + 999}}))
    las.Credentials(CLIENT_ID, CLIENT_SECRET, recorder.url, recorder.url, "prod", cache_path).access_token()
    data = json.loads(cache_path.read_text())
    assert data["other"]["access_token"] == "keep-me" and "prod" in data


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[1, 2]",
        '{"prod": "not an object"}',
        "[" * 100_000 + "]" * 100_000,  # past the parser's depth: raised RecursionError (a review)
        '{"a":' * 100_000 + "1" + "}" * 100_000,
    ],
    ids=["not-json", "a-list", "not-entries", "deep-list", "deep-object"],
)
def test_a_file_that_is_not_a_token_cache_is_ignored_with_a_warning_and_kept(
    recorder: Recorder, cache_path: Path, content: str, caplog: pytest.LogCaptureFixture
) -> None:
    cache_path.parent.mkdir(parents=True)
    cache_path.write_text(content)
    credentials = las.Credentials(CLIENT_ID, CLIENT_SECRET, recorder.url, recorder.url, "prod", cache_path)
    with caplog.at_level(logging.WARNING, logger="las.credentials"):
        assert credentials.access_token().startswith("token-")
    assert cache_path.read_text() == content  # maybe the user's file at a mistyped cache_path
    assert f"ignoring token cache {cache_path}" in caplog.text


def test_an_empty_cache_file_is_used_as_an_empty_cache(
    recorder: Recorder, cache_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache_path.parent.mkdir(parents=True)
    cache_path.write_text("")
    credentials = las.Credentials(CLIENT_ID, CLIENT_SECRET, recorder.url, recorder.url, "prod", cache_path)
    with caplog.at_level(logging.WARNING, logger="las.credentials"):
        assert credentials.access_token().startswith("token-")
    assert json.loads(cache_path.read_text())["prod"]["access_token"].startswith("token-")
    assert caplog.text == ""


def test_unwritable_cache_directory_does_not_crash(recorder: Recorder, tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    credentials = las.Credentials(
        CLIENT_ID, CLIENT_SECRET, recorder.url, recorder.url, "prod", blocker / "token-cache.json"
    )
    assert credentials.access_token().startswith("token-")


def test_token_is_refreshed_shortly_before_expiry(recorder: Recorder, cache_path: Path) -> None:
    recorder.token_ttl = 1.0  # refreshed a tenth of the lifetime early
    credentials = las.Credentials(CLIENT_ID, CLIENT_SECRET, recorder.url, recorder.url, cache_path=cache_path)
    first = credentials.access_token()
    assert credentials.access_token() == first
    time.sleep(0.95)
    assert credentials.access_token() != first
    assert recorder.token_requests == 2


def test_many_threads_asking_at_expiry_cause_one_fetch(recorder: Recorder, cache_path: Path) -> None:
    recorder.token_delay = 0.1
    credentials = las.Credentials(CLIENT_ID, CLIENT_SECRET, recorder.url, recorder.url, "p", cache_path)
    tokens: list[str] = []
    threads = [threading.Thread(target=lambda: tokens.append(credentials.access_token())) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(tokens)) == 1 and recorder.token_requests == 1


def test_a_thread_waits_for_another_threads_fetch_until_its_deadline_at_most(
    recorder: Recorder, cache_path: Path
) -> None:
    """Waiting for the token another thread was fetching had no bound (found by a review)."""
    recorder.token_delay = 2.0
    credentials = las.Credentials(CLIENT_ID, CLIENT_SECRET, recorder.url, recorder.url, "p", cache_path)
    fetching = threading.Thread(target=credentials.access_token)
    fetching.start()
    while not recorder.requests:  # its token request has arrived; the answer takes 2 s
        time.sleep(0.01)

    with pytest.raises(las.DeadlineExceeded, match="another caller was still fetching the access token"):
        credentials.access_token(deadline=0.3)
    credentials.invalidate(deadline=0.3)  # returns, forgetting nothing: that fetch brings a new token

    assert fetching.is_alive()  # both ended while the fetch went on
    fetching.join()
    assert credentials.access_token().startswith("token-")
    assert recorder.token_requests == 1


def _hammer_cache(cache_path: str, profile: str, rounds: int) -> None:
    credentials = las.Credentials("i", "s", "a", "b", profile, Path(cache_path))
    for round_number in range(rounds):
        credentials._write_cache(f"{profile}-{round_number}", time.time() + 3600)


def test_concurrent_writer_processes_never_leave_a_broken_file(cache_path: Path) -> None:
    cache_path.parent.mkdir(parents=True)
    context = multiprocessing.get_context("spawn" if os.name != "posix" else "fork")
    processes = [
        context.Process(target=_hammer_cache, args=(str(cache_path), f"profile{n}", 40)) for n in range(6)
    ]
    for process in processes:
        process.start()
    deadline = time.time() + 30
    while any(p.is_alive() for p in processes) and time.time() < deadline:
        if cache_path.exists():
            json.loads(cache_path.read_text())  # always valid JSON, never half-written
            assert stat.S_IMODE(os.stat(cache_path).st_mode) == 0o600
    for process in processes:
        process.join(10)
        assert process.exitcode == 0
    data = json.loads(cache_path.read_text())
    assert {f"profile{n}" for n in range(6)} <= set(data)  # the lock keeps every writer's profile
    assert all(data[f"profile{n}"]["access_token"] == f"profile{n}-39" for n in range(6))


@pytest.mark.parametrize("expires_in", [0, -5, "3600", True, float("nan"), float("inf")])
def test_a_token_answer_without_a_positive_finite_lifetime_is_refused(expires_in: object) -> None:
    """``1e400`` in the answer is infinity once parsed: a token never refreshed by time, and an
    ``Infinity`` in the shared cache file that strict JSON readers refuse (found by a review)."""
    from las._token_cache import token_from_answer

    with pytest.raises(ValueError, match="positive, finite expires_in"):
        token_from_answer({"access_token": "token", "expires_in": expires_in})
    assert token_from_answer({"access_token": "token", "expires_in": 60}, now=0)[1] > 0
