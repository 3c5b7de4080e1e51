"""HTTPS: ``Emulator(tls=True)`` and ``python -m las serve --tls``, with a throwaway CA (trustme)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

import las
from las.testing import Emulator
from las.testing.cli import serve
from tests.testing._serving import serving

pytest.importorskip("trustme", reason="TLS needs the 'tls' extra: pip install 'lucidtech-las-sdk[tls]'")


@pytest.fixture(scope="module")
def tls_emulator() -> Iterator[Emulator]:
    with Emulator(tls=True) as emulator:
        yield emulator


@pytest.fixture
def https_emulator(tls_emulator: Emulator) -> Emulator:
    tls_emulator.reset()
    return tls_emulator


def _host(url: str) -> str:
    """``host:port`` of a URL: what a client that only knows the auth host name is given."""
    return urlsplit(url).netloc


def test_tls_serves_the_api_and_the_token_endpoint_over_https(https_emulator: Emulator) -> None:
    assert https_emulator.url.startswith("https://127.0.0.1:")
    assert https_emulator.api_endpoint == https_emulator.auth_endpoint == https_emulator.url
    ca = https_emulator.ca_path
    assert ca is not None and Path(ca).read_text().startswith("-----BEGIN CERTIFICATE-----")
    # a client that only knows the auth host name builds https://{auth_endpoint}/token
    token = requests.post(
        f"https://{_host(https_emulator.auth_endpoint)}/token?grant_type=client_credentials",
        auth=(https_emulator.client_id, https_emulator.client_secret),
        verify=ca,
        timeout=5,
    )
    assert token.status_code == 200, token.text
    answer = requests.get(
        f"{https_emulator.api_endpoint}/datasets",
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        verify=ca,
        timeout=5,
    )
    assert answer.status_code == 200 and answer.json()["datasets"] == []


def test_the_certificate_is_for_localhost_too(https_emulator: Emulator) -> None:
    url = f"https://localhost:{https_emulator.port}/documents"
    assert requests.get(url, verify=https_emulator.ca_path, timeout=5).status_code == 401


def test_a_client_without_the_ca_refuses_the_certificate(https_emulator: Emulator) -> None:
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"{https_emulator.url}/documents", timeout=5)
    assert all(request.path != "/documents" for request in https_emulator.requests)


def test_plain_http_to_the_tls_port_gets_no_answer(https_emulator: Emulator) -> None:
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"http://127.0.0.1:{https_emulator.port}/documents", timeout=5)
    # and the server still serves TLS clients afterwards
    answer = requests.get(f"{https_emulator.url}/documents", verify=https_emulator.ca_path, timeout=5)
    assert answer.status_code == 401


def test_las_client_works_with_an_auth_host_name_and_the_ca_bundle(
    https_emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(https_emulator.ca_path))
    credentials = las.Credentials(
        https_emulator.client_id,
        https_emulator.client_secret,
        auth_endpoint=_host(https_emulator.auth_endpoint),  # no scheme: las adds https://
        api_endpoint=https_emulator.api_endpoint,
        cache_path=tmp_path / "cache.json",
    )
    client = las.Client(credentials)
    created = client.create_dataset(name="over tls")
    assert client.get_dataset(created["datasetId"])["name"] == "over tls"
    assert [(r.method, r.path) for r in https_emulator.requests] == [
        ("POST", "/token"),
        ("POST", "/datasets"),
        ("GET", f"/datasets/{created['datasetId']}"),
    ]


def test_ca_path_is_none_without_tls_and_the_ca_is_removed_on_stop() -> None:
    with Emulator() as plain:
        assert plain.ca_path is None and plain.url.startswith("http://")
    emulator = Emulator(tls=True).start()
    ca = emulator.ca_path
    assert ca is not None and os.path.exists(ca)
    emulator.stop()
    assert not os.path.exists(ca)
    assert emulator.ca_path is None


def _exports(text: str) -> dict[str, str]:
    """The variables of the ``export`` lines ``serve`` printed."""
    pairs = [
        word.split("=", 1)
        for line in text.splitlines()
        if line.strip().startswith("export ")
        for word in shlex.split(line)[1:]
    ]
    return dict(pairs)


def test_serve_tls_prints_the_ca_path_and_how_to_use_it() -> None:
    with serving(["--tls", "--client-secret", "s3"]) as text:
        url = next(line.split()[-1] for line in text.splitlines() if "serving at" in line)
        ca = next(line.split()[-1] for line in text.splitlines() if "CA certificate" in line)
        assert url.startswith("https://127.0.0.1:") and Path(ca).is_file()
        token = requests.post(
            f"{url}/token?grant_type=client_credentials",
            auth=("las-emulator-client", "s3"),
            verify=ca,
            timeout=5,
        )
        assert token.status_code == 200
    assert not Path(ca).exists()  # removed when the emulator stops
    assert "--cacert" in text


def test_the_environment_serve_tls_prints_is_enough_for_las(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving(["--tls"]) as text:
        exports = _exports(text)
        assert exports["LAS_AUTH_ENDPOINT"].startswith("127.0.0.1:")  # a host name: https:// is implied
        assert exports["REQUESTS_CA_BUNDLE"] == exports["SSL_CERT_FILE"]
        for name, value in exports.items():
            monkeypatch.setenv(name, value)
        client = las.Client(las.Credentials.from_environment(cache_path=tmp_path / "cache.json"))
        assert client.list_datasets()["datasets"] == []


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_curl_lines_serve_tls_prints_work() -> None:
    with serving(["--tls"]) as text:
        lines = text.splitlines()
        script = "\n".join(["set -e", *lines[lines.index("Try:") + 1 : -1]])
        done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["documents"] == []


def test_tls_without_trustme_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "trustme", None)  # import trustme now raises ImportError
    with pytest.raises(ImportError, match=r"pip install 'lucidtech-las-sdk\[tls\]'"):
        Emulator(tls=True)
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors):
        assert serve(["--tls"]) == 2
    assert "pip install 'lucidtech-las-sdk[tls]'" in errors.getvalue()


def test_python_m_las_serve_tls_serves_https_and_cleans_up_on_sigterm() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "las", "serve", "--tls", "--client-secret", "s3"],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        printed = []
        while not printed or "Ctrl-C" not in printed[-1]:
            line = process.stdout.readline()
            assert line, f"serve exited early: {printed}"
            printed.append(line)
        url = printed[0].split()[-1]
        ca = next(line.split()[-1] for line in printed if "CA certificate" in line)
        token = requests.post(
            f"{url}/token?grant_type=client_credentials",
            auth=("las-emulator-client", "s3"),
            verify=ca,
            timeout=5,
        )
        assert token.status_code == 200
        process.terminate()
        assert process.wait(10) == 0
        assert not Path(ca).exists()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)
