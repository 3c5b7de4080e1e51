"""The cassettes recorded with requests replay under aiohttp: vcrpy answers the AsyncSession's
requests from the same files (tests/test_cassettes.py replays them for the sync Session)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import las
from tests.support import cassettes

CLIENT_SCENARIOS = ["documents_lifecycle", "workflow_run", "not_found"]


class BlockingAsyncSession:
    """An AsyncSession driven from sync code, so the recorded (sync) scenarios run on it unchanged."""

    def __init__(self, session: las.AsyncSession) -> None:
        self.session = session
        self.credentials = session.credentials
        self.loop = asyncio.new_event_loop()
        self.sent = 0

    def request(self, *args: Any, **kwargs: Any) -> Any:
        self.sent += 1
        return self.loop.run_until_complete(self.session.request(*args, **kwargs))

    def send(self, *args: Any, **kwargs: Any) -> Any:
        self.sent += 1
        return self.loop.run_until_complete(self.session.send(*args, **kwargs))

    def close(self) -> None:
        self.loop.run_until_complete(self.session.close())
        self.loop.close()


@pytest.fixture
def async_session(tmp_path: Path) -> Iterator[BlockingAsyncSession]:
    credentials = cassettes.replay_session(tmp_path).credentials
    session = BlockingAsyncSession(las.AsyncSession(credentials, max_retries=0))
    yield session
    session.close()


@pytest.mark.parametrize("name", CLIENT_SCENARIOS)
def test_a_requests_recorded_cassette_replays_under_aiohttp(
    async_session: BlockingAsyncSession, tmp_path: Path, name: str
) -> None:
    with cassettes.cassette_vcr("none").use_cassette(f"{name}.yaml") as cassette:
        result = cassettes.SCENARIOS[name](async_session)  # type: ignore[arg-type]
        assert cassette.all_played, f"{name}: the SDK skipped recorded requests"
        api_requests = [request for request in cassette.requests if "/token" not in request.path]
    assert async_session.sent == len(api_requests)  # every API request went through aiohttp
    with cassettes.cassette_vcr("none").use_cassette(f"{name}.yaml"):
        expected = cassettes.SCENARIOS[name](cassettes.replay_session(tmp_path / "sync"))
    assert result == expected


def test_a_request_missing_from_the_cassette_is_refused(async_session: BlockingAsyncSession) -> None:
    import vcr.errors

    with cassettes.cassette_vcr("none").use_cassette("not_found.yaml"):
        with pytest.raises(vcr.errors.CannotOverwriteExistingCassetteException):
            async_session.request("GET", "/models")
