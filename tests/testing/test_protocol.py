"""The HTTP edges of the emulator: CORS preflights, methods the API does not serve, ``/organizations/me``
and the API Gateway's exact answers to a refused token and a rate limit."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest
import requests

import las
from las._policy import error_for_status, make_call
from las.exceptions import (
    InvalidCredentialsException,
    LimitExceededException,
    TooManyRequestsException,
)
from las.testing import Emulator
from tests.contract import Contract
from tests.testing._api import Api, token_for

# A CORS preflight as a browser sends it: no credentials, the method and headers it wants to use.
PREFLIGHT = {
    "Origin": "https://app.example.com",
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization,content-type",
}


def _example_path(template: str) -> str:
    """A concrete path for a template: each ``{name}`` becomes an id-like value."""
    return re.sub(r"\{(\w+)\}", lambda found: f"las:{found.group(1).lower()}:{'a' * 32}", template)


def _declared_methods(contract: Contract, template: str) -> set[str]:
    return {
        method.upper()
        for method in contract.document["paths"][template]
        if method in ("get", "post", "put", "patch", "delete", "options", "head")
    }


def _raw_exchange(emulator: Emulator, request: bytes, *, then: bytes) -> tuple[bytes, bytes]:
    """Send ``request`` then ``then`` on one keep-alive connection; return both raw answers."""
    with socket.create_connection((emulator.host, emulator.port), timeout=5) as connection:
        reader = connection.makefile("rb")
        answers = []
        for raw in (request, then):
            connection.sendall(raw)
            head = b""
            while not head.endswith(b"\r\n\r\n"):
                line = reader.readline()
                assert line, f"connection closed after {head!r}"
                head += line
            length = re.search(rb"(?i)content-length: *(\d+)", head)
            assert length, head
            is_head = raw.startswith(b"HEAD ")
            answers.append(head + (b"" if is_head else reader.read(int(length.group(1)))))
        return answers[0], answers[1]


# -- OPTIONS ---------------------------------------------------------------------------------


def test_options_answers_every_path_of_the_contract_as_declared(
    las_emulator: Emulator, las_emulator_contract: Contract
) -> None:
    contract = las_emulator_contract
    walked = []
    for template, item in contract.document["paths"].items():
        declared = item["options"]["responses"]
        assert list(declared) == ["200"], f"{template}: the contract changed; revisit this test"
        response = requests.options(las_emulator.url + _example_path(template), headers=PREFLIGHT, timeout=5)
        assert response.status_code == 200, f"OPTIONS {template} -> {response.status_code} {response.text}"
        assert response.headers["Content-Type"] == "application/json"
        contract.validate_response("OPTIONS", _example_path(template), 200, response.json())
        for header in declared["200"]["headers"]:
            assert response.headers.get(header), f"OPTIONS {template}: no {header} header"
        allowed = {method.strip() for method in response.headers["Access-Control-Allow-Methods"].split(",")}
        assert allowed == _declared_methods(contract, template), template
        allowed_headers = response.headers["Access-Control-Allow-Headers"].lower()
        assert "authorization" in allowed_headers and "content-type" in allowed_headers
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        walked.append(template)
    assert len(walked) == len(contract.document["paths"]) > 30


def test_options_needs_no_token_and_changes_nothing(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    dataset = api.dataset(name="kept")
    response = requests.options(f"{las_emulator.url}/datasets/{dataset['datasetId']}", timeout=5)
    assert response.status_code == 200 and response.json() == {}
    assert api.get(f"/datasets/{dataset['datasetId']}")["name"] == "kept"


def test_options_on_an_unknown_path_answers_404(las_emulator: Emulator) -> None:
    response = requests.options(f"{las_emulator.url}/nothing", timeout=5)
    assert response.status_code == 404 and "no such path" in response.json()["message"]


# -- methods the API does not serve ----------------------------------------------------------


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "BREW", "PUT"])
def test_unserved_methods_answer_405_json_with_the_paths_methods(las_emulator: Emulator, method: str) -> None:
    response = requests.request(method, f"{las_emulator.url}/documents", timeout=5)
    assert response.status_code == 405
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Allow"] == "DELETE, GET, OPTIONS, POST"
    message = response.json()["message"]
    assert method in message and "DELETE, GET, OPTIONS, POST" in message


def test_405_allow_header_lists_each_contract_paths_methods(
    las_emulator: Emulator, las_emulator_contract: Contract
) -> None:
    contract = las_emulator_contract
    for template in contract.document["paths"]:
        if template.startswith("/batches"):
            continue  # not emulated: 404, see below
        response = requests.request("TRACE", las_emulator.url + _example_path(template), timeout=5)
        assert response.status_code == 405, template
        allowed = {method.strip() for method in response.headers["Allow"].split(",")}
        assert allowed == _declared_methods(contract, template), template


@pytest.mark.las_contract("2021-09-23")  # 2024-11-29 serves GET /organizations
def test_get_on_a_path_with_only_options_answers_405(las_emulator: Emulator) -> None:
    response = requests.get(f"{las_emulator.url}/organizations", timeout=5)
    assert response.status_code == 405 and response.headers["Allow"] == "OPTIONS"


@pytest.mark.las_contract("2021-09-23")  # 2024-11-29 has no batches: test_v2024_contract
def test_batches_say_they_are_not_emulated(las_emulator: Emulator) -> None:
    api = Api(las_emulator, check=False)
    response = api.http.get(f"{las_emulator.url}/batches", timeout=5)
    assert response.status_code == 404
    assert "not emulated" in response.json()["message"]


def test_head_answers_405_headers_only_and_keeps_the_connection_usable(las_emulator: Emulator) -> None:
    host = f"Host: {las_emulator.host}:{las_emulator.port}\r\n"
    head, after = _raw_exchange(
        las_emulator,
        f"HEAD /documents HTTP/1.1\r\n{host}\r\n".encode(),
        then=f"TRACE /documents HTTP/1.1\r\n{host}\r\n".encode(),
    )
    assert head.startswith(b"HTTP/1.1 405 ")
    assert b"\r\nAllow: DELETE, GET, OPTIONS, POST\r\n" in head
    assert b"\r\nContent-Type: application/json\r\n" in head
    assert after.startswith(b"HTTP/1.1 405 "), after  # no stray body bytes were left on the wire
    body = after.split(b"\r\n\r\n", 1)[1]
    assert json.loads(body)["message"].startswith("TRACE is not allowed on /documents")


def test_head_on_the_token_endpoint_answers_405_allow_post(las_emulator: Emulator) -> None:
    response = requests.head(f"{las_emulator.url}/token", timeout=5)
    assert response.status_code == 405 and response.headers["Allow"] == "POST"
    assert response.content == b""


def test_unserved_methods_are_recorded(las_emulator: Emulator) -> None:
    requests.request("BREW", f"{las_emulator.url}/documents", timeout=5)
    assert [(r.method, r.path, r.status) for r in las_emulator.requests] == [("BREW", "/documents", 405)]


# -- /organizations/me -----------------------------------------------------------------------


def test_organizations_me_is_the_callers_organization(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    me = api.get("/organizations/me")
    assert me["organizationId"] == las_emulator.organization_id
    assert me == api.get(f"/organizations/{las_emulator.organization_id}")


def test_patch_organizations_me_updates_the_callers_organization(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    updated = api.patch("/organizations/me", {"name": "ACME", "description": "us"})
    assert updated["organizationId"] == las_emulator.organization_id
    assert updated["updatedBy"] == las_emulator.app_client_id
    assert api.get(f"/organizations/{las_emulator.organization_id}")["name"] == "ACME"


def test_organizations_me_needs_a_token(las_emulator: Emulator) -> None:
    assert requests.get(f"{las_emulator.url}/organizations/me", timeout=5).status_code == 401


@pytest.mark.parametrize("other", ["ME", "me2", "%2E%2E", "las:organization:" + "0" * 32])
def test_other_organizations_are_still_refused(las_emulator: Emulator, other: str) -> None:
    response = Api(las_emulator, check=False).http.get(f"{las_emulator.url}/organizations/{other}", timeout=5)
    assert response.status_code in (400, 404), other
    assert "message" in response.json()


def test_las_client_gets_its_own_organization_as_me(las_client: las.Client, las_emulator: Emulator) -> None:
    assert las_client.get_organization("me")["organizationId"] == las_emulator.organization_id
    assert las_client.update_organization("me", name="Renamed")["name"] == "Renamed"
    assert [r.path for r in las_emulator.requests if r.path != "/token"] == ["/organizations/me"] * 2


# -- the API Gateway's exact answers ---------------------------------------------------------


@pytest.mark.parametrize("token", ["nope", "expired", "deleted app client"])
def test_a_refused_token_answers_exactly_forbidden(las_emulator: Emulator, token: str) -> None:
    api = Api(las_emulator)
    if token == "nope":
        api.http.headers["Authorization"] = "Bearer nope"
    elif token == "expired":
        las_emulator.expire_tokens()
    else:
        worker = api.post("/appClients", {"name": "worker"})
        granted = token_for(las_emulator, worker["clientId"], worker["clientSecret"]).json()["access_token"]
        api.delete(f"/appClients/{worker['appClientId']}")
        api.http.headers["Authorization"] = f"Bearer {granted}"
    response = api.http.get(f"{las_emulator.url}/documents", timeout=5)
    assert response.status_code == 403
    assert response.content == b'{"message":"Forbidden"}'
    error = error_for_status(make_call("GET", "/documents"), 403, response.headers, response.content)
    assert isinstance(error, InvalidCredentialsException) and error.message == "Forbidden"


def test_a_rate_limit_answers_exactly_too_many_requests(las_emulator: Emulator) -> None:
    api = Api(las_emulator, check=False)
    las_emulator.set_rate_limit(0.001)
    assert api.http.get(f"{las_emulator.url}/documents", timeout=5).status_code == 200
    response = api.http.get(f"{las_emulator.url}/documents", timeout=5)
    assert response.status_code == 429
    assert response.content == b'{"message":"Too Many Requests"}'
    assert float(response.headers["Retry-After"]) > 0
    error = error_for_status(
        make_call("GET", "/documents"), 429, response.headers, response.content, retry_after=1.0
    )
    assert type(error) is TooManyRequestsException and error.message == "Too Many Requests"


def test_las_client_refreshes_a_forbidden_token_once(las_client: las.Client, las_emulator: Emulator) -> None:
    las_client.list_datasets()
    las_emulator.expire_tokens()
    las_emulator.clear_requests()
    las_client.list_datasets()
    assert [(r.method, r.path, r.status) for r in las_emulator.requests] == [
        ("GET", "/datasets", 403),
        ("POST", "/token", 200),
        ("GET", "/datasets", 200),
    ]


def test_las_client_raises_too_many_requests_with_the_gateways_message(
    las_emulator: Emulator, tmp_path: Path
) -> None:
    client = las_emulator.client(cache_path=tmp_path / "cache.json", max_retries=0)
    client.list_datasets()
    las_emulator.set_rate_limit(0.001)
    client.list_datasets()
    with pytest.raises(TooManyRequestsException) as raised:
        client.list_datasets()
    assert type(raised.value) is TooManyRequestsException
    assert raised.value.message == "Too Many Requests" and raised.value.retry_after


def test_the_monthly_quota_429_stays_distinct_from_the_rate_limit(
    las_client: las.Client, las_emulator: Emulator
) -> None:
    las_client.list_datasets()
    las_emulator.fail_next(1, status=429, body=b'{"message":"Limit Exceeded"}', path="/datasets")
    las_emulator.clear_requests()
    with pytest.raises(LimitExceededException) as raised:
        las_client.list_datasets()
    assert raised.value.message == "Limit Exceeded"
    assert [(r.path, r.status) for r in las_emulator.requests] == [("/datasets", 429)]  # not retried


@pytest.mark.parametrize(
    ("request_line", "status"),
    [
        (b"GET /documents HTTP/9.9", 505),
        (b"GET /documents HTTP/1.1 extra", 400),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1", 414),
    ],
)
def test_malformed_requests_answer_in_the_json_error_shape(
    las_emulator: Emulator, request_line: bytes, status: int
) -> None:
    with socket.create_connection((las_emulator.host, las_emulator.port), timeout=5) as connection:
        connection.sendall(request_line + b"\r\nHost: x\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status} ".encode()), answer[:300]
    assert b"\r\nContent-Type: application/json\r\n" in head
    assert isinstance(json.loads(body)["message"], str)


@pytest.mark.las_contract("2021-09-23")  # its 32-hex id pattern
def test_a_malformed_organization_id_names_me_as_an_alternative(las_emulator: Emulator) -> None:
    body = Api(las_emulator).get("/organizations/ME", expect=400)
    assert body["message"] == (
        "path.organizationId: must be an id like 'las:organization:<32 hex chars>' or 'me', got 'ME'"
    )
