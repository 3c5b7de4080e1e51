"""A tiny HTTP client for emulator tests: plain ``requests``, checked against the contract."""

from __future__ import annotations

import base64
from typing import Any

import requests

from las.testing import Emulator
from tests.contract import Contract, load_contract
from tests.support.contracts import model_size

PDF = base64.b64encode(b"%PDF-1.4 test document").decode()


def token_for(
    emulator: Emulator, client_id: str | None = None, client_secret: str | None = None
) -> requests.Response:
    return requests.post(
        f"{emulator.auth_endpoint}/token?grant_type=client_credentials",
        auth=(client_id or emulator.client_id, client_secret or emulator.client_secret),
        data={"grant_type": "client_credentials"},
        timeout=10,
    )


class Api:
    """Calls the emulator with a valid token; validates requests and answers with the contract.

    ``check=False`` skips the contract (for injected faults, whose statuses it does not list).
    ``covered`` collects the (METHOD, template) of every successful call.
    """

    def __init__(self, emulator: Emulator, contract: Contract | None = None, *, check: bool = True) -> None:
        self.emulator = emulator
        self.contract = (contract or load_contract(emulator.contract)) if check else None
        self.http = requests.Session()
        response = token_for(emulator)
        assert response.status_code == 200, response.text
        self.http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
        self.covered: set[tuple[str, str]] = set()

    def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        expect: int = 200,
    ) -> Any:
        """Send one request; assert the status; return the decoded JSON answer (None if empty)."""
        query = {
            name: value if isinstance(value, list) else [str(value)] for name, value in (params or {}).items()
        }
        if self.contract is not None and expect < 400:
            self.contract.validate_request(method, path, query, json)
        response = self.http.request(method, self.emulator.url + path, json=json, params=query, timeout=10)
        assert response.status_code == expect, (
            f"{method} {path} -> {response.status_code} {response.text[:500]}"
        )
        body = response.json() if response.content else None
        if self.contract is not None:
            self.contract.validate_response(method, path, response.status_code, body)
            if response.status_code < 400:
                self.covered.add((method, self.contract.match(method, path)[0]))
        return body

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.call("POST", path, json={} if json is None else json, **kwargs)

    def patch(self, path: str, json: Any, **kwargs: Any) -> Any:
        return self.call("PATCH", path, json=json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.call("DELETE", path, **kwargs)

    # -- shortcuts -------------------------------------------------------------------------

    def document(self, **fields: Any) -> dict[str, Any]:
        return self.post("/documents", {"content": PDF, "contentType": "application/pdf", **fields})

    def dataset(self, **fields: Any) -> dict[str, Any]:
        return self.post("/datasets", fields)

    def model(self, **fields: Any) -> dict[str, Any]:
        body = {
            **model_size(self.emulator.contract),  # 2021-09-23 only
            "fieldConfig": {
                "total": {"type": "amount", "maxLength": 10},
                "date": {"type": "date", "maxLength": 10},
            },
            **fields,
        }
        return self.post("/models", body)

    def transition(self, transition_type: str, **fields: Any) -> dict[str, Any]:
        return self.post("/transitions", {"transitionType": transition_type, **fields})

    def workflow(self, *transition_ids: str, **fields: Any) -> dict[str, Any]:
        states = {}
        for position, transition_id in enumerate(transition_ids):
            task: dict[str, Any] = {"Type": "Task", "Resource": transition_id}
            if position + 1 < len(transition_ids):
                task["Next"] = f"step{position + 1}"
            else:
                task["End"] = True
            states[f"step{position}"] = task
        spec = {"language": "ASL", "version": "1.0.0", "definition": {"StartAt": "step0", "States": states}}
        return self.post("/workflows", {"specification": spec, **fields})
