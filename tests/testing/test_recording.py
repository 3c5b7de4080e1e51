"""``las_recording``: a user's test records its conversation once and replays it ever after.

Each test here runs a user's test file with pytester: first with ``--las-record`` against an
emulator standing in for the real service (credentials from the environment, as a user's
machine has them), then in replay with that emulator gone and the credentials removed.
"""

from __future__ import annotations

import base64
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from las.testing import Emulator

pytest_plugins = ["pytester"]
pytest.importorskip("vcr", reason="las_recording needs vcrpy (the testing extra)")

PDF = b"%PDF-1.4 the bytes of a private invoice, never written to a cassette %%EOF"

USER_TEST = """
import las

PDF = {pdf!r}


def test_invoice_round_trip(las_recording):
    dataset = las.Dataset.create(name="invoices")
    document = las.Document.create(PDF, dataset=dataset)
    assert las.Document.get(document.id).dataset_id == dataset.id
    {extra}
"""


@pytest.fixture(autouse=True)
def _quiet_ini(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")


@pytest.fixture
def service(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Emulator]:
    """An emulator standing in for the real service, its credentials in the environment."""
    with Emulator(client_id="real-client", client_secret="the-real-secret-value") as emulator:
        monkeypatch.setenv("LAS_CLIENT_ID", emulator.client_id)
        monkeypatch.setenv("LAS_CLIENT_SECRET", emulator.client_secret)
        monkeypatch.setenv("LAS_AUTH_ENDPOINT", emulator.auth_endpoint)
        monkeypatch.setenv("LAS_API_ENDPOINT", emulator.api_endpoint)
        monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no credentials.cfg, no token cache
        yield emulator


def _forget_the_service(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LAS_CLIENT_ID", "LAS_CLIENT_SECRET", "LAS_AUTH_ENDPOINT", "LAS_API_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)


def _cassette(pytester: pytest.Pytester) -> Path:
    return pytester.path / "cassettes" / "test_user" / "test_invoice_round_trip.yaml"


def test_a_recorded_test_replays_without_the_service_or_credentials(
    pytester: pytest.Pytester, service: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_user=USER_TEST.format(pdf=PDF, extra=""))

    pytester.runpytest("--las-record").assert_outcomes(passed=1)
    recorded = [(r.method, r.path) for r in service.requests]
    service.stop()
    _forget_the_service(monkeypatch)
    replayed = pytester.runpytest()

    replayed.assert_outcomes(passed=1)
    assert ("POST", "/documents") in recorded and _cassette(pytester).exists()


def test_the_cassette_holds_no_secret_token_authorization_or_document_byte(
    pytester: pytest.Pytester, service: Emulator
) -> None:
    pytester.makepyfile(test_user=USER_TEST.format(pdf=PDF, extra=""))

    pytester.runpytest("--las-record").assert_outcomes(passed=1)
    text = _cassette(pytester).read_text()

    assert "the-real-secret-value" not in text
    assert base64.b64encode(b"real-client:the-real-secret-value").decode() not in text
    assert "authorization" not in text.lower()
    assert service.url not in text and "127.0.0.1" not in text  # hosts recorded as *.las.test
    assert base64.b64encode(PDF).decode()[:40] not in text and "private invoice" not in text
    assert "https://api.las.test" in text and "https://auth.las.test/token" in text
    bearers = {r.headers.get("Authorization", "") for r in service.requests if r.path != "/token"}
    tokens = {value.removeprefix("Bearer ") for value in bearers if value.startswith("Bearer ")}
    assert tokens and not any(token in text for token in tokens)


def test_a_request_that_was_not_recorded_fails_the_replay_naming_it(
    pytester: pytest.Pytester, service: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_user=USER_TEST.format(pdf=PDF, extra=""))
    pytester.runpytest("--las-record").assert_outcomes(passed=1)
    service.stop()
    _forget_the_service(monkeypatch)
    pytester.makepyfile(test_user=USER_TEST.format(pdf=PDF, extra="las.Dataset.get(dataset.id).refresh()"))

    replayed = pytester.runpytest()

    replayed.assert_outcomes(failed=1)
    replayed.stdout.fnmatch_lines(["*CannotOverwriteExistingCassetteException*", "*GET*/datasets/*"])


def test_a_replay_that_sends_fewer_requests_than_recorded_fails(
    pytester: pytest.Pytester, service: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_user=USER_TEST.format(pdf=PDF, extra="las.Dataset.get(dataset.id)"))
    pytester.runpytest("--las-record").assert_outcomes(passed=1)
    service.stop()
    _forget_the_service(monkeypatch)
    pytester.makepyfile(test_user=USER_TEST.format(pdf=PDF, extra=""))

    replayed = pytester.runpytest()

    replayed.assert_outcomes(passed=1, errors=1)
    replayed.stdout.fnmatch_lines(["*UnrecordedRequestError*fewer requests than*"])


def test_a_missing_cassette_says_how_to_record_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TEST.format(pdf=PDF, extra=""))

    replayed = pytester.runpytest()

    replayed.assert_outcomes(errors=1)
    replayed.stdout.fnmatch_lines(["*no cassette at*pytest --las-record*"])


ASYNC_USER_TEST = """
import pytest
import las

PDF = {pdf!r}


@pytest.mark.asyncio
async def test_invoice_round_trip(las_recording):
    async with las_recording.async_session() as session:
        document = await las.Document.create_async(PDF, session=session)
        fetched = await las.Document.get_async(document.id, session=session)
    assert fetched.id == document.id
"""


def test_an_async_session_is_recorded_and_replayed_the_same_way(
    pytester: pytest.Pytester, service: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("aiohttp", reason="the async extra")
    # Imported here first, so that pytester's in-process runs (which forget the modules they
    # import) share the outer process's AsyncSession class with the las package.
    importlib.import_module("las._async_client")
    pytester.makepyfile(test_user=ASYNC_USER_TEST.format(pdf=PDF))

    pytester.runpytest("--las-record").assert_outcomes(passed=1)
    service.stop()
    _forget_the_service(monkeypatch)
    replayed = pytester.runpytest()

    replayed.assert_outcomes(passed=1)
    text = _cassette(pytester).read_text()
    assert "the-real-secret-value" not in text and "private invoice" not in text
