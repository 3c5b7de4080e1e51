"""The user's environment, as the sync Session (requests) reads it: proxies from HTTP_PROXY /
NO_PROXY are used, looked up for each request; a ~/.netrc entry for the API host never replaces
the bearer token."""

from __future__ import annotations

import asyncio
import json
import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import las
from las.testing import Emulator

DOCUMENT = {"documentId": "las:document:" + "a" * 32}


class FakeProxy:
    """A forward proxy on loopback that answers itself and keeps each request line it got."""

    def __init__(self) -> None:
        self.request_lines: list[str] = []
        self.url = ""
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                lines = head.decode("latin-1").split("\r\n")
                length = next(
                    (
                        int(line.split(":", 1)[1])
                        for line in lines
                        if line.lower().startswith("content-length:")
                    ),
                    0,
                )
                await reader.readexactly(length)
                self.request_lines.append(lines[0])
                token = "/token" in lines[0]
                body = json.dumps(
                    {"access_token": "t", "token_type": "Bearer", "expires_in": 3600} if token else DOCUMENT
                ).encode()
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                    + str(len(body)).encode()
                    + b"\r\n\r\n"
                    + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest_asyncio.fixture
async def proxy() -> AsyncIterator[FakeProxy]:
    server = FakeProxy()
    await server.start()
    yield server
    await server.stop()


API = "http://api.las.test"  # a name that does not resolve: only a proxy can answer for it


@pytest.mark.asyncio
async def test_the_proxy_in_the_environment_carries_the_requests(
    proxy: FakeProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    credentials = las.Credentials("id", "secret", API, API, cache_path=tmp_path / "cache.json")

    async with las.AsyncClient(credentials) as client:
        assert await client.get_document(DOCUMENT["documentId"]) == DOCUMENT

    assert proxy.request_lines == [
        f"POST {API}/token?grant_type=client_credentials HTTP/1.1",  # requests, in a worker thread
        f"GET {API}/documents/{DOCUMENT['documentId']} HTTP/1.1",  # aiohttp
    ]


@pytest.mark.asyncio
async def test_no_proxy_bypasses_the_proxy(
    proxy: FakeProxy, las_emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with las.AsyncClient(las_emulator.credentials(cache_path=tmp_path / "cache.json")) as client:
        assert (await client.list_models())["models"] == []
    assert proxy.request_lines == []


@pytest.mark.asyncio
async def test_a_netrc_entry_for_the_api_host_does_not_replace_the_token(
    las_emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login someone password not-the-token\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NETRC", str(netrc))

    async with las.AsyncClient(las_emulator.credentials(cache_path=tmp_path / "cache.json")) as client:
        await client.list_models()

    (sent,) = [record for record in las_emulator.requests if record.path == "/models"]
    assert sent.headers["Authorization"].startswith("Bearer ")


def _closed_port() -> int:
    """A loopback port nothing listens on (connections to it are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.asyncio
@pytest.mark.parametrize("variant", ["sync", "async"])
async def test_an_unreachable_proxy_is_a_connection_error_that_names_it_never_a_lost_answer(
    variant: str, las_emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials = las_emulator.credentials(cache_path=tmp_path / "cache.json")
    credentials.access_token()  # before the proxy is set: the call below goes straight to its POST
    las_emulator.clear_requests()
    monkeypatch.setenv("HTTP_PROXY", f"http://someone:proxy-pass-123@127.0.0.1:{_closed_port()}")
    for name in ("NO_PROXY", "no_proxy", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(las.APIConnectionError) as raised:
        if variant == "sync":
            await asyncio.to_thread(las.Client(credentials, max_retries=1).create_dataset, name="x")
        else:
            async with las.AsyncClient(credentials, max_retries=1) as client:
                await client.create_dataset(name="x")
    # Nothing reached the API: a lost answer would tell the user the dataset may exist.
    assert not isinstance(raised.value, las.AnswerLostError)
    message = str(raised.value)
    assert message.startswith("POST /datasets: not sent (") and "NO_PROXY" in message
    assert "proxy-pass-123" not in message
    assert las_emulator.requests == []


@pytest.mark.asyncio
async def test_a_proxy_set_or_removed_after_the_pool_opened_applies_to_the_next_request(
    proxy: FakeProxy, las_emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in the sync Session: the proxy is looked up for each request, not once per pool."""
    for name in ("HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    async with las.AsyncClient(las_emulator.credentials(cache_path=tmp_path / "cache.json")) as client:
        await client.list_models()  # opens the pool, direct
        las_emulator.clear_requests()

        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        assert await client.get_document(DOCUMENT["documentId"]) == DOCUMENT
        assert proxy.request_lines == [f"GET {las_emulator.url}/documents/{DOCUMENT['documentId']} HTTP/1.1"]
        assert las_emulator.requests == []

        monkeypatch.delenv("HTTP_PROXY")
        await client.list_models()
        assert len(proxy.request_lines) == 1
        assert [record.path for record in las_emulator.requests] == ["/models"]


_PROXY_VARIABLES = (
    "HTTP_PROXY",
    "http_proxy",
    "Https_Proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
    "REQUEST_METHOD",
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.one_of(
            st.tuples(
                st.sampled_from(_PROXY_VARIABLES),
                st.sampled_from(["http://p1:1", "http://p2:2", "", "api.test", "127.0.0.1", "*", None]),
            ),
            st.sampled_from(
                [
                    "http://api.test/documents",
                    "https://api.test/x",
                    "http://127.0.0.1:8000/a",
                    "http://b.test",
                ]
            ),
        ),
        max_size=25,
    )
)
def test_the_proxy_kept_per_host_is_the_environments_whatever_changes_between_requests(
    monkeypatch: pytest.MonkeyPatch, steps: list[Any]
) -> None:
    from las._async_session import _environment_proxy, proxy_from_environment

    with monkeypatch.context() as patched:
        for name in list(os.environ):
            if name.lower().endswith("_proxy") or name == "REQUEST_METHOD":
                patched.delenv(name)
        for step in steps:
            if isinstance(step, tuple):
                if step[1] is None:
                    patched.delenv(step[0], raising=False)
                else:
                    patched.setenv(step[0], step[1])
            else:
                assert proxy_from_environment(step) == _environment_proxy(step), (step, dict(os.environ))


def test_a_proxy_read_while_another_thread_changed_the_environment_is_not_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another thread sets a proxy while the proxy is looked up, then puts it back: the next
    lookup sees the environment as it is, not the answer read in between."""
    import urllib.request

    from las._async_session import proxy_from_environment

    original = urllib.request.getproxies_environment

    def changed_meanwhile() -> dict[str, str]:
        os.environ["HTTP_PROXY"] = "http://p2:2"  # as another thread would, mid-read
        return original()

    with monkeypatch.context() as patched:
        for name in list(os.environ):
            if name.lower().endswith("_proxy") or name == "REQUEST_METHOD":
                patched.delenv(name)
        patched.setenv("HTTP_PROXY", "http://p1:1")
        url = "http://raced.test/x"
        with monkeypatch.context() as racing:
            racing.setattr(urllib.request, "getproxies_environment", changed_meanwhile)
            proxy_from_environment(url)
        os.environ["HTTP_PROXY"] = "http://p1:1"
        assert proxy_from_environment(url) == "http://p1:1"


@pytest.mark.parametrize(
    ("no_proxy", "url"),
    [
        ("10.0.0.0/8", "http://10.1.2.3:8000/documents"),  # a network
        ("api.test:8080", "http://api.test:8080/documents"),  # a host and port
        ("api.test:8080", "http://api.test:9090/documents"),
        ("test", "http://api.test/documents"),
    ],
)
def test_no_proxy_is_read_as_requests_reads_it(
    monkeypatch: pytest.MonkeyPatch, no_proxy: str, url: str
) -> None:
    import requests
    import requests.utils

    from las._async_session import proxy_from_environment

    for name in list(os.environ):
        if name.lower().endswith("_proxy") or name == "REQUEST_METHOD":
            monkeypatch.delenv(name)
    monkeypatch.setenv("HTTP_PROXY", "http://p1:1")
    monkeypatch.setenv("NO_PROXY", no_proxy)
    settings = requests.Session().merge_environment_settings(url, {}, None, None, None)
    assert proxy_from_environment(url) == requests.utils.select_proxy(url, settings["proxies"])


def test_an_unchanged_environment_is_read_once_per_host(monkeypatch: pytest.MonkeyPatch) -> None:
    """The proxy is looked up for each request, but the environment is read again only for a
    new host or once a variable changed (README: "walk the whole environment again only when one
    of them changed")."""
    from las import _async_session
    from las._environment import KeptAnswers, environment_fingerprint

    for name in list(os.environ):
        if name.lower().endswith("_proxy") or name == "REQUEST_METHOD":
            monkeypatch.delenv(name)
    monkeypatch.setenv("HTTP_PROXY", "http://p1:1")
    if environment_fingerprint() is None:
        pytest.skip("proxies come from the system's settings here too: read for each request")
    reads: list[str] = []
    read = _async_session._environment_proxy
    monkeypatch.setattr(_async_session, "_environment_proxy", lambda url: reads.append(url) or read(url))
    monkeypatch.setattr(_async_session, "_PROXIES", KeptAnswers())
    for path in ("a", "b", "a"):
        assert _async_session.proxy_from_environment(f"http://api.test/{path}") == "http://p1:1"
    assert reads == ["http://api.test/a"]
    assert _async_session.proxy_from_environment("http://other.test/a") == "http://p1:1"
    monkeypatch.setenv("HTTP_PROXY", "http://p2:2")
    assert _async_session.proxy_from_environment("http://api.test/a") == "http://p2:2"
    assert reads == ["http://api.test/a", "http://other.test/a", "http://api.test/a"]
