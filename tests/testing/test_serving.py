"""Starting and stopping: fast, on a free loopback port, and from the command line."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

import las
from las.testing import Emulator
from las.testing.cli import serve

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_start_takes_milliseconds_and_binds_loopback() -> None:
    started = time.perf_counter()
    emulator = Emulator().start()
    try:
        assert time.perf_counter() - started < 0.2
        assert emulator.url.startswith("http://127.0.0.1:") and emulator.port > 0
        assert emulator.api_endpoint == emulator.auth_endpoint == emulator.url
    finally:
        emulator.stop()
    with pytest.raises(RuntimeError):
        _ = emulator.url


def test_two_emulators_are_independent() -> None:
    with Emulator() as one, Emulator(client_secret="fixed") as two:
        assert one.port != two.port and two.client_secret == "fixed"
        assert one.organization_id != two.organization_id


def test_stop_closes_idle_keep_alive_connections() -> None:
    emulator = Emulator().start()
    http = requests.Session()
    assert http.get(f"{emulator.url}/documents", timeout=5).status_code == 401
    emulator.stop()
    with pytest.raises(requests.ConnectionError):
        http.get(f"http://127.0.0.1:{emulator.port}/documents", timeout=5)


def test_serve_prints_the_url_and_credentials() -> None:
    stop = threading.Event()
    output = io.StringIO()

    def run() -> None:
        with contextlib.redirect_stdout(output):
            serve(["--port", "0", "--client-secret", "s3"], stop=stop)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 5
    while "Ctrl-C" not in output.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join(5)
    text = output.getvalue()
    assert "http://127.0.0.1:" in text and "s3" in text and "curl" in text


@pytest.mark.skipif(
    not (REPO_ROOT / "las" / "__main__.py").exists(), reason="las/__main__.py not written yet"
)
def test_python_m_las_serve_answers_tokens() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "las", "serve", "--client-secret", "s3"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        url = first.split()[-1]
        assert url.startswith("http://127.0.0.1:")
        response = requests.post(
            f"{url}/token?grant_type=client_credentials", auth=("las-emulator-client", "s3"), timeout=5
        )
        assert response.status_code == 200
    finally:
        process.terminate()
        process.wait(5)


def test_the_fixture_gives_fresh_state(las_emulator: Emulator) -> None:
    assert las_emulator.requests == []
    las_emulator.seed_documents(1)
    las_emulator.fail_next(5)


def test_the_fixture_gives_fresh_state_again(las_emulator: Emulator) -> None:
    assert las_emulator.requests == []
    from tests.testing._api import Api

    assert Api(las_emulator).get("/documents")["documents"] == []


def test_the_client_fixture_talks_to_the_emulator(las_client: las.Client, las_emulator: Emulator) -> None:
    dataset = las_client.create_dataset(name="from the fixture")
    assert dataset["datasetId"].startswith("las:dataset:")
    assert [r.path for r in las_emulator.requests] == ["/token", "/datasets"]


def test_chunked_request_bodies_are_read(las_emulator: Emulator) -> None:
    from tests.testing._api import Api

    api = Api(las_emulator)

    def chunks() -> object:
        yield b'{"name": '
        yield b'"streamed"}'

    response = api.http.post(
        f"{las_emulator.url}/datasets", data=chunks(), headers={"Content-Type": "application/json"}, timeout=5
    )
    assert response.status_code == 200 and response.json()["name"] == "streamed"
