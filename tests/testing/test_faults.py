"""Injected faults: errors, Retry-After, custom bodies, dropped connections, latency, limits."""

from __future__ import annotations

import time

import pytest
import requests

from las.testing import Emulator
from tests.testing._api import Api, token_for


def test_fail_next_answers_the_status_then_recovers(las_emulator: Emulator) -> None:
    api = Api(las_emulator, check=False)
    las_emulator.fail_next(2, status=503)
    api.get("/datasets", expect=503)
    assert "Service Unavailable" in api.get("/datasets", expect=503)["message"]
    api.get("/datasets")


def test_429_carries_retry_after(las_emulator: Emulator) -> None:
    api = Api(las_emulator, check=False)
    las_emulator.fail_next(status=429, retry_after=0.25)
    response = api.http.get(f"{las_emulator.url}/datasets", timeout=5)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "0.25"


def test_custom_body_replaces_the_error(las_emulator: Emulator) -> None:
    api = Api(las_emulator, check=False)
    las_emulator.fail_next(status=502, body=b"<html>Bad Gateway</html>", content_type="text/html")
    las_emulator.fail_next(status=200, body=b'{"datasets": [')
    response = api.http.get(f"{las_emulator.url}/datasets", timeout=5)
    assert (response.status_code, response.text) == (502, "<html>Bad Gateway</html>")
    assert response.headers["Content-Type"] == "text/html"
    truncated = api.http.get(f"{las_emulator.url}/datasets", timeout=5)
    assert truncated.status_code == 200 and truncated.content == b'{"datasets": ['


def test_faults_respect_method_and_path_filters(las_emulator: Emulator) -> None:
    api = Api(las_emulator, check=False)
    las_emulator.fail_next(status=500, method="POST", path="/documents")
    api.get("/documents")
    api.post("/datasets", {})
    api.post("/documents", {"content": "QQ==", "contentType": "image/png"}, expect=500)
    api.post("/documents", {"content": "QQ==", "contentType": "image/png"})


def test_template_path_filter(las_emulator: Emulator) -> None:
    api = Api(las_emulator, check=False)
    document = api.document()["documentId"]
    las_emulator.fail_next(status=500, path="/documents/{documentId}")
    api.get("/documents")
    api.get(f"/documents/{document}", expect=500)


def test_faults_skip_the_token_endpoint_unless_asked(las_emulator: Emulator) -> None:
    las_emulator.fail_next(status=503)
    assert token_for(las_emulator).status_code == 200
    las_emulator.clear_faults()
    las_emulator.fail_next(status=503, path="/token")
    assert token_for(las_emulator).status_code == 503


def test_drop_next_closes_the_connection_without_answer(las_emulator: Emulator) -> None:
    api = Api(las_emulator, check=False)
    las_emulator.drop_next(method="GET")
    with pytest.raises(requests.ConnectionError):
        requests.get(
            f"{las_emulator.url}/datasets",
            headers={"Authorization": api.http.headers["Authorization"]},
            timeout=5,
        )
    api.get("/datasets")
    statuses = [(r.path, r.status) for r in las_emulator.requests if r.path == "/datasets"]
    assert statuses == [("/datasets", 0), ("/datasets", 200)]


def test_delay_next_adds_latency(las_emulator: Emulator) -> None:
    api = Api(las_emulator, check=False)
    las_emulator.delay_next(1, seconds=0.3)
    started = time.perf_counter()
    api.get("/datasets")
    assert time.perf_counter() - started >= 0.3
    with pytest.raises(requests.Timeout):
        las_emulator.delay_next(1, seconds=0.5)
        api.http.get(f"{las_emulator.url}/datasets", timeout=0.1)


def test_rate_limit_answers_429_with_retry_after(las_emulator: Emulator) -> None:
    api = Api(las_emulator, check=False)
    las_emulator.set_rate_limit(5)
    statuses = [api.http.get(f"{las_emulator.url}/datasets", timeout=5) for _ in range(8)]
    limited = [r for r in statuses if r.status_code == 429]
    assert limited and float(limited[0].headers["Retry-After"]) > 0
    las_emulator.set_rate_limit(None)
    api.get("/datasets")


def test_random_faults_are_reproducible(las_emulator: Emulator) -> None:
    api = Api(las_emulator, check=False)

    def run() -> list[int]:
        las_emulator.fail_randomly(0.5, seed=7, kinds=("status", "drop"))
        codes = []
        for _ in range(20):
            try:
                codes.append(
                    requests.get(
                        f"{las_emulator.url}/datasets",
                        headers={"Authorization": api.http.headers["Authorization"]},
                        timeout=5,
                    ).status_code
                )
            except requests.ConnectionError:
                codes.append(0)
        las_emulator.clear_faults()
        return codes

    first = run()
    assert run() == first
    assert {0, 200, 503} <= set(first)


def test_requests_are_recorded_with_decoded_json(las_emulator: Emulator) -> None:
    api = Api(las_emulator, check=False)
    las_emulator.clear_requests()
    api.post("/datasets", {"name": "x"}, params={})
    [record] = las_emulator.requests
    assert (record.method, record.path, record.json, record.status) == (
        "POST",
        "/datasets",
        {"name": "x"},
        200,
    )
    assert record.headers["Authorization"].startswith("Bearer ")


def test_expire_tokens_next_revokes_every_token_as_the_matching_request_arrives(
    las_emulator: Emulator,
) -> None:
    api = Api(las_emulator, check=False)
    las_emulator.expire_tokens_next(1, method="GET", path="/datasets")
    api.post("/datasets", {})  # not concerned: the token still works
    assert api.get("/datasets", expect=403) == {"message": "Forbidden"}  # revoked before handling
    api.get("/documents", expect=403)  # the old token stays revoked
    fresh = token_for(las_emulator).json()["access_token"]
    api.http.headers["Authorization"] = f"Bearer {fresh}"
    api.get("/datasets")  # the fault concerned one request only
    assert [(r.method, r.path, r.status) for r in las_emulator.requests if r.path != "/token"] == [
        ("POST", "/datasets", 200),
        ("GET", "/datasets", 403),
        ("GET", "/documents", 403),
        ("GET", "/datasets", 200),
    ]


def test_random_expire_faults_revoke_the_token_of_the_requests_they_fall_on(las_emulator: Emulator) -> None:
    def run() -> list[int]:
        las_emulator.fail_randomly(0.5, kinds=("expire",), method="GET", seed=3)
        statuses = []
        for _ in range(12):
            token = token_for(las_emulator).json()["access_token"]  # fresh: only a fault revokes it
            statuses.append(
                requests.get(
                    f"{las_emulator.url}/datasets", headers={"Authorization": f"Bearer {token}"}, timeout=5
                ).status_code
            )
        las_emulator.clear_faults()
        return statuses

    first = run()
    assert set(first) == {200, 403}
    assert run() == first  # reproducible with the seed
