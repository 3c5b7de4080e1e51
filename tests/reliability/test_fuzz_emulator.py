"""Bad input never crashes the emulator: malformed bodies, wrong types, huge strings, bad ids and
bad query parameters on every operation of the contract (oas.json when present, else the
emulator's route table), and bodies drawn from the contract's request schemas, get a 4xx with
the API's error shape (or succeed), and a refused request changes nothing that any list shows.
The same holds for the emulator of the 2024-11-29 contract. The HTTP layer itself (request line,
headers, framing) is attacked in test_fuzz_emulator_http."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import pytest
import requests
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

import las
from las.testing import Emulator
from tests.reliability._bodies import contract_bodies
from tests.reliability._fuzz import OPERATIONS, OPERATIONS_2024, fuzz_settings
from tests.support.contracts import model_size
from tests.testing._api import Api, token_for

METHODS = ("GET", "POST", "PATCH", "DELETE", "PUT")
FIELD_NAMES = (
    "name",
    "description",
    "content",
    "contentType",
    "documentId",
    "modelId",
    "datasetId",
    "input",
    "specification",
    "fieldConfig",
    "width",
    "height",
    "data",
    "groundTruth",
    "transitionType",
    "status",
    "output",
    "email",
    "appClientId",
    "maxPages",
    "parameters",
    "retentionInDays",
    "consentId",
    "generateSecret",
    "datasetIds",
)
QUERY_NAMES = (
    "maxResults",
    "nextToken",
    "datasetId",
    "consentId",
    "status",
    "sortBy",
    "order",
    "transitionId",
    "workflowId",
    "modelId",
    "deleteAll",
    "bogus",
)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
huge_strings = st.sampled_from([10_000, 200_000, 7_000_000]).map(lambda n: "A" * n)
field_values = (
    json_values
    | huge_strings
    | st.sampled_from(
        ["las:document:" + "0" * 32, "las:model:xyz", "", "../../etc/passwd", "\x00", "💥" * 100]
    )
)
bodies = st.one_of(
    st.none(),
    st.binary(max_size=64),
    st.sampled_from([b"{", b'{"name": ', b"[1, 2", b"null", b"\xff\xfe", b'{"a": NaN}', b"{}" * 1000]),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.dictionaries(st.sampled_from(FIELD_NAMES), field_values, min_size=1, max_size=5).map(
        lambda value: json.dumps(value).encode()
    ),
)
queries = st.dictionaries(
    st.sampled_from(QUERY_NAMES) | st.text(min_size=1, max_size=10),
    st.text(max_size=20)
    | st.integers(min_value=-5, max_value=10**20).map(str)
    | huge_strings.map(lambda s: s[:10_000]),
    max_size=3,
)


@st.composite
def requests_to_send(
    draw: st.DrawFn,
    known_ids: dict[str, list[str]],
    operations: list[tuple[str, str]] = OPERATIONS,
    version: str = "2021-09-23",
) -> tuple[str, str, dict[str, str], bytes | None]:
    method, template = draw(st.sampled_from(operations))
    schema_bodies = contract_bodies(method, template, version)
    if draw(st.integers(0, 9)) == 0:
        method = draw(st.sampled_from(METHODS))

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        candidates = known_ids.get(name, [])
        value = draw(
            st.sampled_from(candidates)
            if candidates and draw(st.booleans())
            else st.text(max_size=40)
            | huge_strings.map(lambda s: s[:5000])
            | st.sampled_from(["las:document:" + "f" * 32, "las:model:" + "0" * 32, "null", "%00"])
        )
        return quote(value, safe=":") or "%20"

    path = re.sub(r"\{(\w+)\}", fill, template)
    if schema_bodies is not None and draw(st.booleans()):  # valid for the contract, or nearly
        return method, path, draw(queries), json.dumps(draw(schema_bodies)).encode()
    return method, path, draw(queries), draw(bodies)


LISTS = (
    "/appClients",
    "/assets",
    "/datasets",
    "/documents",
    "/models",
    "/predictions",
    "/secrets",
    "/transitions",
    "/users",
    "/workflows",
)


LISTS_2024 = (
    *LISTS,
    "/organizations",
    "/paymentMethods",
    "/plans",
    "/roles",
    "/deploymentEnvironments",
)


def snapshot(
    http: requests.Session,
    url: str,
    known_ids: dict[str, list[str]],
    organization_id: str,
    lists: tuple[str, ...] = LISTS,
) -> Any:
    """Everything the lists (and the organization) show."""
    paths = [*lists, f"/organizations/{organization_id}"]
    paths += [f"/workflows/{workflow}/executions" for workflow in known_ids["workflowId"]]
    paths += [f"/transitions/{transition}/executions" for transition in known_ids["transitionId"]]
    paths += [f"/models/{model}/dataBundles" for model in known_ids["modelId"]]
    if lists is LISTS_2024:
        paths += [f"/models/{model}/trainings" for model in known_ids["modelId"]]
        paths += [f"/datasets/{dataset}/transformations" for dataset in known_ids["datasetId"]]
        paths += [f"/profiles/{profile}" for profile in known_ids["profileId"]]
    state = {}
    for path in paths:
        response = http.get(url + path, timeout=30)
        state[path] = response.status_code, response.json()
    return state


@pytest.fixture
def known_ids(las_emulator: Emulator, las_client: las.Client) -> dict[str, list[str]]:
    """A few entities of each kind, so that fuzzed paths sometimes name ones that exist."""
    client = las_client
    dataset = client.create_dataset(name="fuzz")["datasetId"]
    document = client.create_document(b"%PDF-1.4\n%%EOF\n", "application/pdf", dataset_id=dataset)[
        "documentId"
    ]
    model = client.create_model(
        {"total": {"type": "amount", "maxLength": 10}}, **model_size(client.contract, 300, 400)
    )["modelId"]
    transition = client.create_transition("manual", name="fuzz")["transitionId"]
    workflow = client.create_workflow(
        {
            "language": "ASL",
            "version": "1.0.0",
            "definition": {
                "StartAt": "A",
                "States": {"A": {"Type": "Task", "Resource": transition, "End": True}},
            },
        }
    )["workflowId"]
    execution = client.execute_workflow(workflow, {"documentId": document})["executionId"]
    return {
        "datasetId": [dataset],
        "documentId": [document],
        "modelId": [model],
        "transitionId": [transition],
        "workflowId": [workflow],
        "executionId": [execution],
        "assetId": [client.create_asset(b"asset")["assetId"]],
        "secretId": [client.create_secret({"k": "v"})["secretId"]],
        "organizationId": [las_emulator.organization_id],
        "appClientId": [las_emulator.app_client_id],
    }


def test_bad_input_gets_a_4xx_with_a_message_and_changes_nothing(
    las_emulator: Emulator, las_client: las.Client, known_ids: dict[str, list[str]]
) -> None:
    las_emulator.clock.freeze()  # no transition timeout fires between two snapshots, however long the run
    token = las_client.session.credentials.access_token(las_client.session.http)
    _fuzz(las_emulator, token, known_ids, OPERATIONS, LISTS, "2021-09-23", examples=150)


def _nests_a_ground_truth(body: Any) -> bool:
    ground_truth = body.get("groundTruth") if isinstance(body, dict) else None
    return isinstance(ground_truth, list) and any(
        isinstance(item, dict) and isinstance(item.get("value"), list) for item in ground_truth
    )


def test_bodies_whose_schema_contains_itself_are_drawn_with_nesting() -> None:
    """On 2024-11-29 a ground truth's value may be a list of ground truths: the fuzz tests draw
    such bodies (the strategy refers to itself) instead of recursing while building it."""
    bodies = contract_bodies("POST", "/documents", "2024-11-29")  # PATCH /documents/{id} is alike
    if bodies is None:
        pytest.skip("the 2024-11-29 contract is not in ../shared/api (set LAS_SHARED_DIR)")
    first = settings(  # the first nested one drawn, not shrunk
        max_examples=2000,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    assert _nests_a_ground_truth(find(bodies, _nests_a_ground_truth, settings=first))


@pytest.fixture
def known_ids_2024(emulator_2024: Emulator) -> dict[str, list[str]]:
    """A few entities of each kind of the 2024 contract, made with plain requests."""
    api = Api(emulator_2024, check=False)
    dataset = api.post("/datasets", {"name": "fuzz"})["datasetId"]
    document = api.post("/documents", {"datasetId": dataset, "content": "JVBERg=="})["documentId"]
    model = api.post("/models", {"fieldConfig": {"total": {"type": "amount"}}})["modelId"]
    bundle = api.post(f"/models/{model}/dataBundles", {"datasetIds": [dataset]})["dataBundleId"]
    training = api.post(f"/models/{model}/trainings", {})["trainingId"]
    transition = api.post("/transitions", {"transitionType": "manual"})["transitionId"]
    definition = {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": transition, "End": True}}}
    workflow = api.post("/workflows", {"specification": {"definition": definition}})["workflowId"]
    execution = api.post(f"/workflows/{workflow}/executions", {"input": {}})["executionId"]
    user = api.post("/users", {"email": "fuzz@example.com"})
    return {
        "datasetId": [dataset],
        "documentId": [document],
        "modelId": [model, "las:model:invoice-v2"],
        "dataBundleId": [bundle],
        "trainingId": [training],
        "transformationId": [api.post(f"/datasets/{dataset}/transformations", {})["transformationId"]],
        "transitionId": [transition],
        "workflowId": [workflow],
        "executionId": [execution],
        "assetId": [api.post("/assets", {"content": "YXNzZXQ="})["assetId"]],
        "secretId": [api.post("/secrets", {"data": {"k": "v"}})["secretId"]],
        "organizationId": [emulator_2024.organization_id, "me"],
        "appClientId": [emulator_2024.app_client_id],
        "userId": [user["userId"]],
        "profileId": [user["profileId"]],
        "paymentMethodId": [api.post("/paymentMethods", {})["paymentMethodId"]],
        "planId": ["las:plan:free", "las:organization:cradl/las:plan:free"],
        "roleId": ["las:role:admin"],
        "deploymentEnvironmentId": ["las:deployment-environment:shared"],
        "predictionId": [
            api.post("/predictions", {"documentId": document, "modelId": model})["predictionId"]
        ],
    }


def test_bad_input_to_the_2024_emulator_gets_a_4xx_with_a_message_and_changes_nothing(
    emulator_2024: Emulator, known_ids_2024: dict[str, list[str]]
) -> None:
    emulator_2024.clock.freeze()  # nothing moves on its own between two snapshots
    token = token_for(emulator_2024).json()["access_token"]
    _fuzz(emulator_2024, token, known_ids_2024, OPERATIONS_2024, LISTS_2024, "2024-11-29", examples=70)


def _fuzz(
    emulator: Emulator,
    token: str,
    known_ids: dict[str, list[str]],
    operations: list[tuple[str, str]],
    lists: tuple[str, ...],
    version: str,
    examples: int,
) -> None:
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    url = emulator.api_endpoint
    seen_statuses: set[int] = set()
    # The state after the last refused request, while no other request has been sent since (the
    # clock is frozen: nothing moves on its own): the next example's state before, without
    # reading every list again. Taken out first, so a request that passed (or failed the check)
    # leaves no stale state behind.
    unchanged: list[Any] = []

    @fuzz_settings(ci_examples=examples)
    @given(request=requests_to_send(known_ids, operations, version))
    def check(request: tuple[str, str, dict[str, str], bytes | None]) -> None:
        method, path, query, body = request
        before = (
            unchanged.pop() if unchanged else snapshot(http, url, known_ids, emulator.organization_id, lists)
        )
        headers = {"Content-Type": "application/json"} if body is not None else {}
        response = http.request(method, url + path, params=query, data=body, headers=headers, timeout=30)
        seen_statuses.add(response.status_code)
        assert response.status_code < 500, (method, path, query, body and body[:200], response.text[:300])
        if response.status_code >= 400:
            error = response.json()
            assert isinstance(error, dict) and isinstance(error.get("message"), str), response.text[:300]
            after = snapshot(http, url, known_ids, emulator.organization_id, lists)
            assert after == before, f"refused {method} {path} changed the state"
            unchanged.append(after)

    check()
    assert any(400 <= status < 500 for status in seen_statuses)
