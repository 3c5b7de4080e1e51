"""Access tokens: granted for the right client credentials, required by every API call."""

from __future__ import annotations

import time

import requests

from las.testing import Emulator
from tests.testing._api import Api, token_for


def test_token_endpoint_grants_a_bearer_token_for_the_emulator_client(las_emulator: Emulator) -> None:
    response = token_for(las_emulator)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and body["access_token"]
    assert las_emulator.token_requests == 1


def test_token_endpoint_refuses_a_wrong_secret_with_401(las_emulator: Emulator) -> None:
    response = token_for(las_emulator, client_secret="wrong")
    assert response.status_code == 401
    assert "credentials" in response.json()["message"]
    assert las_emulator.token_requests == 0


def test_token_endpoint_refuses_an_unsupported_grant_type(las_emulator: Emulator) -> None:
    response = requests.post(
        f"{las_emulator.url}/token?grant_type=password",
        auth=(las_emulator.client_id, las_emulator.client_secret),
        timeout=5,
    )
    assert response.status_code == 400
    assert "grant_type" in response.json()["message"]


def test_api_without_a_token_answers_401(las_emulator: Emulator) -> None:
    response = requests.get(f"{las_emulator.url}/documents", timeout=5)
    assert response.status_code == 401
    assert "Bearer" in response.json()["message"]


def test_api_with_an_unknown_token_answers_403(las_emulator: Emulator) -> None:
    response = requests.get(
        f"{las_emulator.url}/documents", headers={"Authorization": "Bearer nope"}, timeout=5
    )
    assert response.status_code == 403
    assert response.json() == {"message": "Forbidden"}


def test_expired_tokens_answer_403_until_a_new_token_is_fetched(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    api.get("/documents")
    las_emulator.expire_tokens()
    response = api.http.get(f"{las_emulator.url}/documents", timeout=5)
    assert response.status_code == 403
    assert response.json() == {"message": "Forbidden"}
    Api(las_emulator).get("/documents")


def test_tokens_expire_after_token_ttl() -> None:
    with Emulator(token_ttl=0.2) as emulator:
        api = Api(emulator)
        time.sleep(0.3)
        assert api.http.get(f"{emulator.url}/documents", timeout=5).status_code == 403


def test_created_app_clients_get_tokens_and_own_what_they_create(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    client = api.post("/appClients", {"name": "worker"})
    response = token_for(las_emulator, client["clientId"], client["clientSecret"])
    assert response.status_code == 200
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
    dataset = requests.post(f"{las_emulator.url}/datasets", json={}, headers=headers, timeout=5).json()
    assert dataset["createdBy"] == client["appClientId"]
    api.delete(f"/appClients/{client['appClientId']}")
    assert requests.get(f"{las_emulator.url}/datasets", headers=headers, timeout=5).status_code == 403


def test_an_app_client_cannot_delete_itself(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    body = api.delete(f"/appClients/{las_emulator.app_client_id}", expect=400)
    assert "making this request" in body["message"]


def test_reset_keeps_the_emulator_clients_tokens_valid(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    las_emulator.reset()
    assert api.get("/datasets")["datasets"] == []
    assert las_emulator.token_requests == 0
