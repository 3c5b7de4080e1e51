"""Refused requests: status, a message naming the field, and no change of state."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from las.testing import Emulator
from tests.testing._api import PDF, Api


@pytest.mark.las_contract("2021-09-23")  # a model's width; 2024's refusals: test_v2024_validation
def test_out_of_range_integer_names_field_bounds_and_value(las_emulator: Emulator) -> None:
    body = Api(las_emulator).post("/models", {"width": 5, "height": 200, "fieldConfig": {}}, expect=400)
    assert body["message"] == "body.width: must be an integer between 97 and 1921, got 5"


@pytest.mark.las_contract("2021-09-23")  # content is required; 2024-11-29 uploads to a file URL
def test_missing_required_field_is_named(las_emulator: Emulator) -> None:
    body = Api(las_emulator).post("/documents", {"content": PDF}, expect=400)
    assert body["message"] == "body.contentType: is required"


def test_unknown_field_is_refused(las_emulator: Emulator) -> None:
    body = Api(las_emulator).post("/datasets", {"colour": "red"}, expect=400)
    assert body["message"].startswith("body.colour: unknown field")


def test_enum_violation_lists_the_choices(las_emulator: Emulator) -> None:
    body = Api(las_emulator).post("/documents", {"content": PDF, "contentType": "text/plain"}, expect=400)
    assert body["message"].startswith("body.contentType: must be one of 'application/pdf'")


def test_nested_fields_are_named_with_their_path(las_emulator: Emulator) -> None:
    body = Api(las_emulator).post(
        "/documents",
        {
            "content": PDF,
            "contentType": "application/pdf",
            "groundTruth": [{"label": "ok", "value": "1"}, {"label": "bad label", "value": "2"}],
        },
        expect=400,
    )
    assert body["message"].startswith("body.groundTruth[1].label: must be")


def test_content_must_be_base64(las_emulator: Emulator) -> None:
    body = Api(las_emulator).post(
        "/documents", {"content": "not base64!", "contentType": "application/pdf"}, expect=400
    )
    assert body["message"].startswith("body.content: must be valid base64")


def test_content_longer_than_the_limit_is_refused(las_emulator: Emulator) -> None:
    content = base64.b64encode(b"\0" * 4_687_503).decode()  # 6,250,004 characters
    body = Api(las_emulator).post("/assets", {"content": content}, expect=400)
    assert body["message"] == "body.content: must be at most 6250000 characters long, got 6250004"


def test_patch_needs_at_least_one_field(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    dataset = api.dataset()
    body = api.patch(f"/datasets/{dataset['datasetId']}", {}, expect=400)
    assert "at least 1" in body["message"]


def test_invalid_json_answers_400(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    response = api.http.post(
        f"{las_emulator.url}/datasets", data=b"{nope", headers={"Content-Type": "application/json"}, timeout=5
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith("body: invalid JSON")


def test_a_body_that_is_not_json_answers_415(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    response = api.http.post(
        f"{las_emulator.url}/datasets",
        data=b"name=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=5,
    )
    assert response.status_code == 415


def test_malformed_path_id_answers_400_and_unknown_id_404(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    body = api.get("/documents/las:model:" + "0" * 32, expect=400)
    assert body["message"].startswith("path.documentId: must be an id like 'las:document:")
    missing = "las:document:" + "0" * 32
    assert api.get(f"/documents/{missing}", expect=404) == {"message": f"{missing} not found"}


def test_unknown_organization_answers_404(las_emulator: Emulator) -> None:
    Api(las_emulator).get("/organizations/las:organization:" + "0" * 32, expect=404)


def test_unknown_path_answers_404_and_wrong_method_405_with_allow(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    assert api.http.get(f"{las_emulator.url}/nothing", timeout=5).status_code == 404
    response = api.http.put(f"{las_emulator.url}/datasets", json={}, timeout=5)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, OPTIONS, POST"


def test_query_parameters_are_checked(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    assert api.get("/documents", params={"maxResults": "0"}, expect=400)["message"] == (
        'query.maxResults: must be a positive integer, got "0"'
    )
    assert api.get("/documents", params={"nextToken": "garbage"}, expect=400)["message"].startswith(
        "query.nextToken: invalid page token"
    )
    assert api.get("/documents", params={"colour": "red"}, expect=400)["message"].startswith(
        "query.colour: unknown parameter"
    )


def _snapshot(api: Api) -> dict[str, Any]:
    org = api.get(f"/organizations/{api.emulator.organization_id}")
    return {
        "org": org,
        "documents": api.get("/documents"),
        "datasets": api.get("/datasets"),
        "models": api.get("/models"),
    }


def test_refused_requests_change_no_state(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    dataset = api.dataset()
    document = api.document(datasetId=dataset["datasetId"])
    model = api.model()
    before = _snapshot(api)
    missing_dataset = "las:dataset:" + "0" * 32
    api.post(
        "/documents",
        {"content": PDF, "contentType": "application/pdf", "datasetId": missing_dataset},
        expect=404,
    )
    api.patch(
        f"/documents/{document['documentId']}",
        {"datasetId": missing_dataset, "retentionInDays": 5},
        expect=404,
    )
    api.patch(f"/documents/{document['documentId']}", {"retentionInDays": 0}, expect=400)
    api.delete(f"/datasets/{dataset['datasetId']}", expect=400)
    api.post(
        f"/models/{model['modelId']}/dataBundles",
        {"datasetIds": [dataset["datasetId"], missing_dataset]},
        expect=404,
    )
    api.post(
        "/workflows",
        {
            "specification": {
                "definition": {
                    "StartAt": "a",
                    "States": {"a": {"Type": "Task", "Resource": "las:transition:" + "0" * 32, "End": True}},
                }
            }
        },
        expect=404,
    )
    api.post(
        "/predictions", {"documentId": document["documentId"], "modelId": "las:model:" + "0" * 32}, expect=404
    )
    las_emulator.fail_next(1, status=500)
    api.post("/datasets", {}, expect=500)
    assert _snapshot(api) == before


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(
        [
            "/models",
            "/documents",
            "/workflows",
            "/transitions",
            "/appClients",
            "/predictions",
            "/users",
            "/secrets",
            "/assets",
        ]
    ),
    body=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "width",
                        "height",
                        "fieldConfig",
                        "name",
                        "total",
                        "type",
                        "maxLength",
                        "preprocessConfig",
                        "content",
                        "contentType",
                        "specification",
                        "definition",
                        "States",
                        "StartAt",
                        "transitionType",
                        "parameters",
                        "email",
                        "data",
                        "documentId",
                        "modelId",
                    ]
                ),
                children,
                max_size=4,
            )
        ),
        max_leaves=10,
    ),
)
def test_malformed_bodies_never_crash_the_emulator(las_emulator: Emulator, path: str, body: Any) -> None:
    response = requests.post(
        f"{las_emulator.url}{path}",
        data=json.dumps(body),
        headers={"Authorization": _bearer(las_emulator), "Content-Type": "application/json"},
        timeout=5,
    )
    assert response.status_code in (200, 400, 404), response.text
    assert "message" in response.json() or response.status_code == 200


_TOKENS: dict[str, str] = {}


def _bearer(emulator: Emulator) -> str:
    """One token per emulator for all examples (tokens survive reset)."""
    if emulator.url not in _TOKENS:
        _TOKENS[emulator.url] = str(Api(emulator).http.headers["Authorization"])
    return _TOKENS[emulator.url]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9" * 5000, "must be a positive integer of at most 18 digits, got 5000 digits"),
        ("1" * 19, "must be a positive integer of at most 18 digits, got 19 digits"),
        ("\u00b2", 'must be a positive integer, got "\\u00b2"'),  # a digit to str.isdigit, not to int()
        ("\u0663", 'must be a positive integer, got "\\u0663"'),
    ],
)
def test_max_results_beyond_plain_digits_answers_400(
    las_emulator: Emulator, value: str, message: str
) -> None:
    body = Api(las_emulator).get("/documents", params={"maxResults": value}, expect=400)
    assert body["message"] == f"query.maxResults: {message}"
