"""A TLS certificate that fails verification: said as such, never as a lost answer, never retried.

Nothing is sent when the certificate is refused (the handshake fails before the request), so the
error is a connection error that says so (:class:`las.CertificateRefusedError`), not an
:class:`las.AnswerLostError` (which tells the user the API may have done the work). Trying again
would fail the same way: the connections reaching the server are counted by a relay in front of
the TLS emulator (the handshake fails before the emulator's request log sees anything).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

import las
from las.testing import Emulator

pytest.importorskip("trustme", reason="TLS needs the 'tls' extra: pip install 'lucidtech-las-sdk[tls]'")


class CountingRelay:
    """A TCP relay on loopback that counts the connections it forwards to ``port``."""

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.port = port
        self.connections = 0
        self._listener = socket.create_server((host, 0))
        self.url = f"https://{host}:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            upstream = socket.create_connection(("127.0.0.1", self.port))
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self._listener.close()


@pytest.fixture(scope="module")
def tls_emulator() -> Iterator[Emulator]:
    with Emulator(tls=True) as emulator:
        yield emulator


@pytest.fixture
def relay(tls_emulator: Emulator) -> Iterator[CountingRelay]:
    tls_emulator.reset()
    relay = CountingRelay(tls_emulator.port)
    yield relay
    relay.close()


def _credentials(
    emulator: Emulator, tmp_path: Path, url: str, auth_url: str | None = None
) -> las.Credentials:
    """The emulator's client, reaching the API at ``url`` (and its token endpoint at ``auth_url``)."""
    return las.Credentials(
        emulator.client_id,
        emulator.client_secret,
        auth_endpoint=auth_url or url,
        api_endpoint=url,
        cache_path=tmp_path / "cache.json",
    )


def _create(variant: str, credentials: las.Credentials) -> Any:
    """Create a dataset through the sync or the async variant (retries as by default)."""
    if variant == "sync":
        with las.Session(credentials) as session:
            return las.Client(session=session).create_dataset(name="over tls")

    async def create() -> Any:
        async with las.AsyncSession(credentials) as session:
            return await las.AsyncClient(session=session).create_dataset(name="over tls")

    return asyncio.run(create())


def _assert_refused_and_explained(error: las.CertificateRefusedError, path: str) -> None:
    assert isinstance(error, las.APIConnectionError) and not isinstance(error, las.AnswerLostError)
    assert isinstance(error, requests.exceptions.SSLError)  # as the reference client raised
    message = str(error)
    assert message.startswith(f"POST {path}: the server's TLS certificate was refused (")
    assert "unable to get local issuer certificate" in message  # why, from the ssl module
    assert "nothing was sent" in message
    assert "REQUESTS_CA_BUNDLE" in message and "SSL_CERT_FILE" in message


@pytest.mark.parametrize("variant", ["sync", "async"])
def test_a_refused_certificate_at_the_token_endpoint_is_said_once_and_never_retried(
    variant: str, relay: CountingRelay, tls_emulator: Emulator, tmp_path: Path
) -> None:
    credentials = _credentials(tls_emulator, tmp_path, relay.url)
    with pytest.raises(las.CertificateRefusedError) as raised:
        _create(variant, credentials)
    _assert_refused_and_explained(raised.value, "/token")
    assert relay.connections == 1  # one handshake: not retried
    assert tls_emulator.requests == []  # nothing reached the server's HTTP layer


@pytest.mark.parametrize("variant", ["sync", "async"])
def test_a_refused_certificate_on_a_creating_post_is_not_a_lost_answer(
    variant: str, relay: CountingRelay, tls_emulator: Emulator, las_emulator: Emulator, tmp_path: Path
) -> None:
    # A token from a plain-HTTP auth server, so that the refusal comes on the POST /datasets itself.
    credentials = _credentials(las_emulator, tmp_path, relay.url, auth_url=las_emulator.auth_endpoint)
    with pytest.raises(las.CertificateRefusedError) as raised:
        _create(variant, credentials)
    _assert_refused_and_explained(raised.value, "/datasets")
    assert relay.connections == 1
    assert tls_emulator.requests == []


def test_trusting_the_ca_makes_the_same_server_work(
    relay: CountingRelay, tls_emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refusal above is the certificate's: with its authority trusted, as the message says."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_emulator.ca_path))
    credentials = _credentials(tls_emulator, tmp_path, relay.url)
    assert _create("sync", credentials)["name"] == "over tls"
    assert [(r.method, r.path) for r in tls_emulator.requests] == [("POST", "/token"), ("POST", "/datasets")]


def test_a_certificate_for_another_host_name_is_refused_saying_so(
    tls_emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_emulator.ca_path))  # the authority is trusted
    tls_emulator.reset()
    try:  # loopback, under a name the certificate does not have
        relay = CountingRelay(tls_emulator.port, host="127.0.0.2")
    except OSError:
        pytest.skip("127.0.0.2 is not a loopback address here")
    try:
        credentials = _credentials(tls_emulator, tmp_path, relay.url)
        with pytest.raises(
            las.CertificateRefusedError, match=r"mismatch, certificate is not valid for '127\.0\.0\.2'"
        ):
            _create("sync", credentials)
    finally:
        relay.close()
    assert relay.connections == 1 and tls_emulator.requests == []


_ASYNC_WITH_SSL_CERT_FILE = """
import asyncio, sys
import las

async def main():
    url, client_id, secret, cache = sys.argv[1:]
    credentials = las.Credentials(client_id, secret, url, url, cache_path=cache)
    async with las.AsyncClient(credentials) as client:
        print(len((await client.list_models())["models"]))

asyncio.run(main())
"""


def test_ssl_cert_file_as_the_message_says_makes_the_async_variant_trust_the_ca(
    tls_emulator: Emulator, tmp_path: Path
) -> None:
    """The message's advice for las.AsyncSession, followed in a program that starts with it set."""
    tls_emulator.reset()
    environment = {**os.environ, "SSL_CERT_FILE": str(tls_emulator.ca_path)}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _ASYNC_WITH_SSL_CERT_FILE,
            tls_emulator.url,
            tls_emulator.client_id,
            tls_emulator.client_secret,
            str(tmp_path / "cache.json"),
        ],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"
    assert [(r.method, r.path) for r in tls_emulator.requests] == [("POST", "/token"), ("GET", "/models")]
