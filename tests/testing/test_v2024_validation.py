"""Requests to the 2024-11-29 emulator: it refuses (400, in the API's error shape, naming the
field) what that contract refuses and accepts what it accepts, the widened ids included."""

from __future__ import annotations

import base64
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from las.testing import Emulator
from tests.contract import Contract
from tests.testing._api import Api

HEX = "0" * 32
NAMES = ["receipts", None, 5, "x" * 4097]
METADATA = [{}, {"source": "scanner", "pages": [1, 2]}, [], "x", None]
PREPROCESS = [{}, {"maxPages": 5}, {"maxPages": 0}, {"rotation": 90}, {"rotation": 45}, {"pages": [1, 2]},
              {"autoRotate": "yes"}, {"imageQuality": "HIGH", "startPage": 2}, {"colour": True}]  # fmt: skip
POSTPROCESS = [
    {"strategy": "BEST_FIRST"},
    {"strategy": "BEST_FIRST", "outputFormat": "v2"},
    {"strategy": "BEST_N_PAGES"},
    {"strategy": "BEST_N_PAGES", "parameters": {"n": 3, "collapse": True}},
    {"strategy": "BEST_N_PAGES", "parameters": {"n": 0}},
    {"strategy": "BEST_FIRST", "parameters": {"n": 1}},
    {"strategy": "WORST"},
]
FIELD_CONFIGS = [
    {"total": {"type": "amount"}},
    {"total": {"type": "amount", "maxLength": 1024, "strict": True, "format": None}},
    {"currency": {"type": "enum", "enum": ["EUR", "NOK"]}},
    {"currency": {"type": "enum", "enum": ["EUR", "EUR"]}},
    {"currency": {"type": "enum", "enum": []}},
    {"lines": {"type": "lines", "fields": {"item": {"type": "string"}, "price": {"type": "numeric"}}}},
    {"lines": {"type": "lines"}},
    {"lines": {"type": "lines", "fields": {"bad key": {"type": "string"}}}},
    {"total": {"type": "money"}},
    {"total": {"type": "amount", "maxLength": 0}},
    {"bad key": {"type": "amount"}},
    {"x" * 37: {"type": "amount"}},
    {"total": {}},
    {},
]
GROUND_TRUTH = [
    [{"label": "total", "value": "100.00"}],
    [{"label": "total", "value": 100.5, "confidence": 0.9, "pages": [0]}],
    [{"label": "paid", "value": True}, {"label": "note", "value": None}],
    [{"label": "lines", "value": [{"label": "item", "value": "pen"}, {"label": "price", "value": 2}]}],
    [{"label": "lines", "value": [[{"label": "item", "value": "pen"}], [{"label": "item", "value": "ink"}]]}],
    [{"label": "bad label", "value": "1"}],
    [{"label": "total"}],
    [{"label": "total", "value": "1", "confidence": 2}],
    [{"label": "total", "value": {"amount": 1}}],
    None,
]

POOLS: dict[str, dict[str, list[Any]]] = {
    "POST /datasets": {
        "name": NAMES,
        "description": NAMES,
        "metadata": METADATA,
        "retentionInDays": [1, 30, 1825, 0, -1, "30", None, 1.5],
        "containsPersonallyIdentifiableInformation": [True, False, "yes", None],
        "colour": ["red"],
    },
    "POST /models": {
        "fieldConfig": FIELD_CONFIGS,
        "name": NAMES,
        "metadata": METADATA,
        "preprocessConfig": PREPROCESS,
        "postprocessConfig": POSTPROCESS,
        "width": [300],
    },
    "POST /documents": {
        "contentType": ["application/pdf", "image/webp", None, "text/plain"],
        "groundTruth": GROUND_TRUTH,
        "retentionInDays": [1, 0, 365],
        "metadata": METADATA,
        "name": NAMES,
        "consentId": [f"las:consent:{HEX}", "las:consent:abc", 7],
        "datasetId": [f"las:dataset:{HEX}", "las:dataset:ABC"],
        "batchId": [f"las:batch:{HEX}"],
    },
    "POST /predictions": {
        "documentId": ["<document>", "las:document:xyz", 5],
        "modelId": [
            "<model>",
            "las:organization:cradl/las:model:invoice-v2",
            "las:model:Invoice",
            "las:model:",
        ],
        "preprocessConfig": PREPROCESS,
        "postprocessConfig": POSTPROCESS,
        "async": [True, False, "yes"],
        "rotation": [0, 270, 45],
        "maxPages": [1, 100, 101],
        "trainingId": ["las:model-training:abc-1", "las:model-training:ABC"],
    },
    "POST /transitions": {
        "transitionType": ["docker", "manual", "lambda", "bogus", None],
        "parameters": [
            {"imageUrl": "acme/check:1", "memory": 4096, "cpu": 512},
            {"imageUrl": "acme/check:1", "memory": 1000},
            {"lambdaId": "las:lambda:acme:check", "environment": {"MODE": "test"}},
            {"lambdaId": "lambda"},
            {"assets": {"jsRemoteComponent": f"las:asset:{HEX}"}},
            {"assets": {"jsRemoteComponent": "asset"}},
            {"memory": 512},
        ],
        "timeoutInSeconds": [60, 10800, 59, 10801],
        "name": NAMES,
    },
    "POST /appClients": {
        "roleIds": [["las:role:admin"], ["las:role:nothing"], ["role"]],
        "loginUrls": [["https://example.com"], ["http://localhost:3000"], ["ftp://example.com"]],
        "generateSecret": [True, False, 1],
        "name": NAMES,
        "apiKey": ["x"],
    },
    "PATCH /organizations/me": {
        "planId": [
            "las:plan:free",
            "las:organization:cradl/las:plan:free",
            "las:plan:professional:2",
            "las:plan:nothing",
            "plan",
        ],
        "paymentMethodId": [None, f"las:payment-method:{HEX}", "card"],
        "name": NAMES,
    },
}


REQUIRED = {
    "POST /models": {"fieldConfig"},
    "POST /predictions": {"documentId", "modelId"},
    "POST /transitions": {"transitionType"},
}
"""Fields the contract requires: most bodies drawn have them, so that many are valid."""
BASE: dict[str, dict[str, Any]] = {
    "POST /models": {"fieldConfig": {"total": {"type": "amount"}}},
    "POST /predictions": {"documentId": "<document>", "modelId": "<model>"},
    "POST /transitions": {"transitionType": "manual"},
}
"""A valid body of each endpoint, to which one field at a time is added."""


def _bodies(endpoint: str) -> st.SearchStrategy[dict[str, Any]]:
    pool = POOLS[endpoint]
    required = REQUIRED.get(endpoint, set())
    keys = st.tuples(st.integers(0, 3), st.lists(st.sampled_from(sorted(pool)), unique=True, max_size=4)).map(
        lambda drawn: sorted(set(drawn[1]) | (required if drawn[0] else set()))
    )
    return keys.flatmap(
        lambda names: st.fixed_dictionaries({name: st.sampled_from(pool[name]) for name in names})
    )


def _send(api: Api, endpoint: str, body: dict[str, Any]) -> requests.Response:
    method, path = endpoint.split(" ")
    return api.http.request(method, api.emulator.url + path, json=body, timeout=10)


class _Judge:
    """Sends a body to an endpoint and compares the emulator's answer with the contract's verdict."""

    def __init__(self, emulator: Emulator, contract: Contract, endpoint: str) -> None:
        self.api = Api(emulator, check=False)
        self.contract = contract
        self.endpoint = endpoint
        self.ids = {
            "<document>": self.api.post("/documents", {"content": base64.b64encode(b"%PDF").decode()})[
                "documentId"
            ],
            "<model>": self.api.post("/models", {"fieldConfig": {"total": {"type": "amount"}}})["modelId"],
        }
        self.seen = {True: 0, False: 0}

    def __call__(self, body: dict[str, Any]) -> None:
        method, path = self.endpoint.split(" ")
        body = {key: self.ids.get(str(value), value) for key, value in body.items()}
        try:
            self.contract.validate_request(method, path, {}, body)
            valid = True
        except AssertionError:
            valid = False
        self.seen[valid] += 1
        answer = _send(self.api, self.endpoint, body)
        assert (answer.status_code == 400) is not valid, (body, answer.status_code, answer.text)
        if not valid:
            assert set(answer.json()) == {"message"} and answer.json()["message"].startswith("body")
        else:
            assert answer.status_code in (200, 404), answer.text  # 404: an id of the right form, unknown


@pytest.mark.parametrize("endpoint", sorted(POOLS))
def test_one_field_at_a_time_the_emulator_refuses_exactly_what_the_contract_refuses(
    emulator_2024: Emulator, contract_2024: Contract, endpoint: str
) -> None:
    judge = _Judge(emulator_2024, contract_2024, endpoint)
    for name, values in POOLS[endpoint].items():
        for value in values:
            judge({**BASE.get(endpoint, {}), name: value})
    assert min(judge.seen.values()) >= 3, judge.seen


@pytest.mark.parametrize("endpoint", sorted(POOLS))
def test_the_emulator_refuses_exactly_what_the_contract_refuses(
    emulator_2024: Emulator, contract_2024: Contract, endpoint: str
) -> None:
    judge = _Judge(emulator_2024, contract_2024, endpoint)

    @settings(
        max_examples=60,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(body=_bodies(endpoint))
    def check(body: dict[str, Any]) -> None:
        judge(body)

    check()
    assert min(judge.seen.values()) >= 5, f"too few examples of one kind to compare: {judge.seen}"


def test_refusals_name_the_field_and_the_problem(emulator_2024: Emulator) -> None:
    api = Api(emulator_2024, check=False)
    assert api.post("/models", {"width": 300, "fieldConfig": {}}, expect=400)["message"].startswith(
        "body.width: unknown field"
    )
    message = api.post("/models", {"fieldConfig": {"bad key": {"type": "amount"}}}, expect=400)["message"]
    assert message.startswith("body.fieldConfig key 'bad key': must be a string matching")
    message = api.post("/documents", {"content": "not base64!"}, expect=400)["message"]
    assert message.startswith("body.content: must be valid base64")
    message = api.post("/transitions", {"transitionType": "lambda", "timeoutInSeconds": 10801}, expect=400)[
        "message"
    ]
    assert message == "body.timeoutInSeconds: must be an integer between 60 and 10800, got 10801"


def test_ground_truth_nested_deeper_than_the_emulator_follows_is_refused(emulator_2024: Emulator) -> None:
    value: Any = "leaf"
    for _ in range(40):
        value = [{"label": "nested", "value": value}]
    body = Api(emulator_2024, check=False).post(
        "/documents", {"groundTruth": [{"label": "top", "value": value}]}, expect=400
    )
    assert "nested more than 32 levels deep" in body["message"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/models/las:model:invoice-v2", 200),  # a name-like model id
        ("/models/las:organization:cradl%2Flas:model:invoice-v2", 200),  # with its owner, encoded
        ("/models/las:organization:someone%2Flas:model:invoice-v2", 404),  # not its owner
        ("/models/las:model:Invoice", 400),
        ("/models/las:model:invoice%2F..", 400),
        ("/plans/las:plan:free:@latest", 200),
        ("/plans/las:plan:professional:3", 200),
        ("/plans/las:plan:professional:4", 404),
        ("/deploymentEnvironments/las:organization:cradl%2Flas:deployment-environment:shared", 200),
        ("/roles/las:role:Admin_1", 404),
        ("/roles/las:role:" + "a" * 33, 400),
        ("/appClients/las:app-client:name-like_id", 404),
        ("/documents/las:document:name-like", 400),  # documents kept their 32 hex
        ("/organizations/me", 200),
    ],
)
def test_path_ids_take_the_forms_the_contract_gives_their_kind(
    emulator_2024: Emulator, path: str, status: int
) -> None:
    answer = Api(emulator_2024, check=False).get(path, expect=status)
    if status == 400:
        assert answer["message"].startswith("path.")


def test_query_values_are_checked_against_what_the_answers_echo(emulator_2024: Emulator) -> None:
    api = Api(emulator_2024, check=False)
    assert api.get("/documents", params={"order": "sideways"}, expect=400)["message"].startswith(
        "query.order:"
    )
    assert api.get("/documents", params={"sortBy": "name"}, expect=400)["message"].startswith("query.sortBy:")
    assert api.get("/documents", params={"batchId": f"las:batch:{HEX}"}, expect=400)["message"].startswith(
        "query.batchId: unknown parameter"
    )
    assert api.get("/models", params={"owner": "someone"}, expect=400)["message"].startswith("query.owner:")
    listed = api.get("/predictions", params={"modelId": "las:organization:cradl/las:model:invoice-v2"})
    assert listed["modelId"] == "las:organization:cradl/las:model:invoice-v2"
    assert api.get("/models/las:model:invoice-v2/trainings", params={"status": "running-final-evaluation"})
