"""Every Client method sends the method, path, query and JSON body the contract describes."""

from __future__ import annotations

import base64
from typing import Any

import pytest

import las
from tests.support.recorder import Recorder

HEX = "0123456789abcdef" * 2
DOC = f"las:document:{HEX}"
DATASET = f"las:dataset:{HEX}"
MODEL = f"las:model:{HEX}"
BUNDLE = f"las:model-data-bundle:{HEX}"
WORKFLOW = f"las:workflow:{HEX}"
WEXEC = f"las:workflow-execution:{HEX}"
TRANSITION = f"las:transition:{HEX}"
TEXEC = f"las:transition-execution:{HEX}"
ASSET = f"las:asset:{HEX}"
SECRET = f"las:secret:{HEX}"
USER = f"las:user:{HEX}"
APP_CLIENT = f"las:app-client:{HEX}"
LOG = f"las:log:{HEX}"
ORG = f"las:organization:{HEX}"
CONSENT = f"las:consent:{HEX}"
PDF = b"%PDF-1.4 a tiny test document"
PDF_B64 = base64.b64encode(PDF).decode()
FIELDS = {"total": {"type": "amount", "maxLength": 10, "description": "Total"}}
PREPROCESS = {"autoRotate": False, "maxPages": 1, "imageQuality": "LOW"}
SPEC = {"language": "ASL", "version": "1.0.0", "definition": {"StartAt": "a", "States": {}}}

# (method, args, kwargs, HTTP method, path, query, body)
CASES: list[tuple[str, tuple[Any, ...], dict[str, Any], str, str, dict[str, list[str]], Any]] = [
    (
        "create_app_client",
        (),
        {"name": "n", "description": "d"},
        "POST",
        "/appClients",
        {},
        {"generateSecret": True, "name": "n", "description": "d"},
    ),
    (
        "create_app_client",
        (False, ["https://a/out"], ["https://a/cb"], ["https://a/in"], "https://a/in"),
        {},
        "POST",
        "/appClients",
        {},
        {
            "generateSecret": False,
            "logoutUrls": ["https://a/out"],
            "callbackUrls": ["https://a/cb"],
            "loginUrls": ["https://a/in"],
            "defaultLoginUrl": "https://a/in",
        },
    ),
    (
        "list_app_clients",
        (),
        {"max_results": 5, "next_token": "t"},
        "GET",
        "/appClients",
        {"maxResults": ["5"], "nextToken": ["t"]},
        None,
    ),
    (
        "update_app_client",
        (APP_CLIENT,),
        {"name": "x"},
        "PATCH",
        f"/appClients/{APP_CLIENT}",
        {},
        {"name": "x"},
    ),
    ("delete_app_client", (APP_CLIENT,), {}, "DELETE", f"/appClients/{APP_CLIENT}", {}, None),
    ("create_asset", (PDF,), {"name": "a"}, "POST", "/assets", {}, {"content": PDF_B64, "name": "a"}),
    ("list_assets", (), {}, "GET", "/assets", {}, None),
    ("get_asset", (ASSET,), {}, "GET", f"/assets/{ASSET}", {}, None),
    (
        "update_asset",
        (ASSET,),
        {"content": PDF, "description": ""},
        "PATCH",
        f"/assets/{ASSET}",
        {},
        {"content": PDF_B64, "description": ""},
    ),
    ("delete_asset", (ASSET,), {}, "DELETE", f"/assets/{ASSET}", {}, None),
    (
        "create_dataset",
        (),
        {"name": "d", "retention_in_days": 7},
        "POST",
        "/datasets",
        {},
        {"name": "d", "retentionInDays": 7},
    ),
    ("list_datasets", (), {"max_results": 0}, "GET", "/datasets", {"maxResults": ["0"]}, None),
    ("get_dataset", (DATASET,), {}, "GET", f"/datasets/{DATASET}", {}, None),
    (
        "update_dataset",
        (DATASET,),
        {"description": "d"},
        "PATCH",
        f"/datasets/{DATASET}",
        {},
        {"description": "d"},
    ),
    ("delete_dataset", (DATASET,), {}, "DELETE", f"/datasets/{DATASET}", {}, None),
    (
        "create_document",
        (PDF,),
        {},
        "POST",
        "/documents",
        {},
        {"content": PDF_B64, "contentType": "application/pdf"},
    ),
    (
        "create_document",
        (PDF, "application/pdf"),
        {
            "consent_id": CONSENT,
            "dataset_id": DATASET,
            "ground_truth": [{"label": "total", "value": "1"}],
            "retention_in_days": 1,
        },
        "POST",
        "/documents",
        {},
        {
            "content": PDF_B64,
            "contentType": "application/pdf",
            "consentId": CONSENT,
            "datasetId": DATASET,
            "groundTruth": [{"label": "total", "value": "1"}],
            "retentionInDays": 1,
        },
    ),
    (
        "list_documents",
        (),
        {"consent_id": [CONSENT, CONSENT], "dataset_id": DATASET, "max_results": 3},
        "GET",
        "/documents",
        {"consentId": [CONSENT, CONSENT], "datasetId": [DATASET], "maxResults": ["3"]},
        None,
    ),
    ("get_document", (DOC,), {}, "GET", f"/documents/{DOC}", {}, None),
    (
        "update_document",
        (DOC, [{"label": "paid", "value": False}]),
        {"dataset_id": DATASET},
        "PATCH",
        f"/documents/{DOC}",
        {},
        {"groundTruth": [{"label": "paid", "value": False}], "datasetId": DATASET},
    ),
    ("delete_document", (DOC,), {}, "DELETE", f"/documents/{DOC}", {}, None),
    (
        "delete_documents",
        (),
        {"dataset_id": DATASET, "max_results": 2},
        "DELETE",
        "/documents",
        {"datasetId": [DATASET], "maxResults": ["2"]},
        None,
    ),
    (
        "list_logs",
        (),
        {
            "workflow_id": WORKFLOW,
            "workflow_execution_id": WEXEC,
            "transition_id": TRANSITION,
            "transition_execution_id": TEXEC,
        },
        "GET",
        "/logs",
        {
            "workflowId": [WORKFLOW],
            "workflowExecutionId": [WEXEC],
            "transitionId": [TRANSITION],
            "transitionExecutionId": [TEXEC],
        },
        None,
    ),
    ("get_log", (LOG,), {}, "GET", f"/logs/{LOG}", {}, None),
    (
        "create_model",
        (300, 200, FIELDS),
        {"preprocess_config": PREPROCESS, "name": "m", "description": ""},
        "POST",
        "/models",
        {},
        {
            "width": 300,
            "height": 200,
            "fieldConfig": FIELDS,
            "preprocessConfig": PREPROCESS,
            "name": "m",
            "description": "",
        },
    ),
    ("list_models", (), {}, "GET", "/models", {}, None),
    ("get_model", (MODEL,), {}, "GET", f"/models/{MODEL}", {}, None),
    (
        "update_model",
        (MODEL,),
        {"width": 400, "status": "training", "name": None},
        "PATCH",
        f"/models/{MODEL}",
        {},
        {"width": 400, "status": "training", "name": None},
    ),
    ("delete_model", (MODEL,), {}, "DELETE", f"/models/{MODEL}", {}, None),
    (
        "create_data_bundle",
        (MODEL, [DATASET]),
        {"name": "b"},
        "POST",
        f"/models/{MODEL}/dataBundles",
        {},
        {"datasetIds": [DATASET], "name": "b"},
    ),
    (
        "list_data_bundles",
        (MODEL,),
        {"max_results": 1},
        "GET",
        f"/models/{MODEL}/dataBundles",
        {"maxResults": ["1"]},
        None,
    ),
    (
        "update_data_bundle",
        (MODEL, BUNDLE),
        {"description": "d"},
        "PATCH",
        f"/models/{MODEL}/dataBundles/{BUNDLE}",
        {},
        {"description": "d"},
    ),
    ("delete_data_bundle", (MODEL, BUNDLE), {}, "DELETE", f"/models/{MODEL}/dataBundles/{BUNDLE}", {}, None),
    ("get_organization", (ORG,), {}, "GET", f"/organizations/{ORG}", {}, None),
    ("update_organization", (ORG,), {"name": "o"}, "PATCH", f"/organizations/{ORG}", {}, {"name": "o"}),
    (
        "create_prediction",
        (DOC, MODEL),
        {"max_pages": 1, "auto_rotate": False, "image_quality": "HIGH"},
        "POST",
        "/predictions",
        {},
        {"documentId": DOC, "modelId": MODEL, "maxPages": 1, "autoRotate": False, "imageQuality": "HIGH"},
    ),
    (
        "create_prediction",
        (DOC, MODEL),
        {},
        "POST",
        "/predictions",
        {},
        {"documentId": DOC, "modelId": MODEL},
    ),
    ("list_predictions", (), {"next_token": "abc"}, "GET", "/predictions", {"nextToken": ["abc"]}, None),
    (
        "create_secret",
        ({"user": "u", "password": "p"},),
        {"description": "s"},
        "POST",
        "/secrets",
        {},
        {"data": {"user": "u", "password": "p"}, "description": "s"},
    ),
    ("list_secrets", (), {}, "GET", "/secrets", {}, None),
    (
        "update_secret",
        (SECRET,),
        {"data": {"k": "v"}},
        "PATCH",
        f"/secrets/{SECRET}",
        {},
        {"data": {"k": "v"}},
    ),
    ("delete_secret", (SECRET,), {}, "DELETE", f"/secrets/{SECRET}", {}, None),
    (
        "create_transition",
        ("docker",),
        {
            "in_schema": {"type": "object"},
            "out_schema": {"type": "object"},
            "parameters": {"imageUrl": "img"},
            "name": "t",
        },
        "POST",
        "/transitions",
        {},
        {
            "transitionType": "docker",
            "inputJsonSchema": {"type": "object"},
            "outputJsonSchema": {"type": "object"},
            "parameters": {"imageUrl": "img"},
            "name": "t",
        },
    ),
    (
        "list_transitions",
        (),
        {"transition_type": ["docker", "manual"]},
        "GET",
        "/transitions",
        {"transitionType": ["docker", "manual"]},
        None,
    ),
    ("get_transition", (TRANSITION,), {}, "GET", f"/transitions/{TRANSITION}", {}, None),
    (
        "update_transition",
        (TRANSITION,),
        {
            "in_schema": {},
            "out_schema": {},
            "assets": {"jsRemoteComponent": ASSET},
            "environment": {"A": "1"},
            "environment_secrets": [SECRET],
            "description": "d",
        },
        "PATCH",
        f"/transitions/{TRANSITION}",
        {},
        {
            "inputJsonSchema": {},
            "outputJsonSchema": {},
            "assets": {"jsRemoteComponent": ASSET},
            "environment": {"A": "1"},
            "environmentSecrets": [SECRET],
            "description": "d",
        },
    ),
    ("delete_transition", (TRANSITION,), {}, "DELETE", f"/transitions/{TRANSITION}", {}, None),
    ("execute_transition", (TRANSITION,), {}, "POST", f"/transitions/{TRANSITION}/executions", {}, {}),
    (
        "list_transition_executions",
        (TRANSITION,),
        {
            "status": ["running", "failed"],
            "execution_id": TEXEC,
            "max_results": 9,
            "sort_by": "startTime",
            "order": "ascending",
        },
        "GET",
        f"/transitions/{TRANSITION}/executions",
        {
            "status": ["running", "failed"],
            "executionId": [TEXEC],
            "maxResults": ["9"],
            "sortBy": ["startTime"],
            "order": ["ascending"],
        },
        None,
    ),
    (
        "get_transition_execution",
        (TRANSITION, TEXEC),
        {},
        "GET",
        f"/transitions/{TRANSITION}/executions/{TEXEC}",
        {},
        None,
    ),
    (
        "update_transition_execution",
        (TRANSITION, TEXEC, "succeeded"),
        {"output": {"a": 1}},
        "PATCH",
        f"/transitions/{TRANSITION}/executions/{TEXEC}",
        {},
        {"status": "succeeded", "output": {"a": 1}},
    ),
    (
        "update_transition_execution",
        (TRANSITION, TEXEC, "failed"),
        {"error": {"message": "m"}, "start_time": "2021-01-01T00:00:00Z"},
        "PATCH",
        f"/transitions/{TRANSITION}/executions/{TEXEC}",
        {},
        {"status": "failed", "error": {"message": "m"}, "startTime": "2021-01-01T00:00:00Z"},
    ),
    (
        "send_heartbeat",
        (TRANSITION, TEXEC),
        {},
        "POST",
        f"/transitions/{TRANSITION}/executions/{TEXEC}/heartbeats",
        {},
        {},
    ),
    (
        "create_user",
        ("ann@example.com",),
        {"app_client_id": APP_CLIENT, "name": "Ann"},
        "POST",
        "/users",
        {},
        {"email": "ann@example.com", "appClientId": APP_CLIENT, "name": "Ann"},
    ),
    ("list_users", (), {}, "GET", "/users", {}, None),
    ("get_user", (USER,), {}, "GET", f"/users/{USER}", {}, None),
    ("update_user", (USER,), {"name": "Bo"}, "PATCH", f"/users/{USER}", {}, {"name": "Bo"}),
    ("delete_user", (USER,), {}, "DELETE", f"/users/{USER}", {}, None),
    (
        "create_workflow",
        (SPEC,),
        {"error_config": {"email": "ops@example.com"}, "completed_config": {"imageUrl": "img"}, "name": "w"},
        "POST",
        "/workflows",
        {},
        {
            "specification": SPEC,
            "errorConfig": {"email": "ops@example.com"},
            "completedConfig": {"imageUrl": "img"},
            "name": "w",
        },
    ),
    ("list_workflows", (), {}, "GET", "/workflows", {}, None),
    ("get_workflow", (WORKFLOW,), {}, "GET", f"/workflows/{WORKFLOW}", {}, None),
    (
        "update_workflow",
        (WORKFLOW,),
        {"error_config": {"manualRetry": True}, "name": ""},
        "PATCH",
        f"/workflows/{WORKFLOW}",
        {},
        {"errorConfig": {"manualRetry": True}, "name": ""},
    ),
    ("delete_workflow", (WORKFLOW,), {}, "DELETE", f"/workflows/{WORKFLOW}", {}, None),
    (
        "execute_workflow",
        (WORKFLOW, {"documentId": DOC}),
        {},
        "POST",
        f"/workflows/{WORKFLOW}/executions",
        {},
        {"input": {"documentId": DOC}},
    ),
    (
        "list_workflow_executions",
        (WORKFLOW,),
        {
            "status": "running",
            "sort_by": "endTime",
            "order": "descending",
            "max_results": 2,
            "next_token": "n",
        },
        "GET",
        f"/workflows/{WORKFLOW}/executions",
        {
            "status": ["running"],
            "sortBy": ["endTime"],
            "order": ["descending"],
            "maxResults": ["2"],
            "nextToken": ["n"],
        },
        None,
    ),
    (
        "get_workflow_execution",
        (WORKFLOW, WEXEC),
        {},
        "GET",
        f"/workflows/{WORKFLOW}/executions/{WEXEC}",
        {},
        None,
    ),
    (
        "update_workflow_execution",
        (WORKFLOW, WEXEC, "las:transition:commons-failed"),
        {},
        "PATCH",
        f"/workflows/{WORKFLOW}/executions/{WEXEC}",
        {},
        {"nextTransitionId": "las:transition:commons-failed"},
    ),
    (
        "delete_workflow_execution",
        (WORKFLOW, WEXEC),
        {},
        "DELETE",
        f"/workflows/{WORKFLOW}/executions/{WEXEC}",
        {},
        None,
    ),
]


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "http_method", "path", "query", "body"),
    CASES,
    ids=[f"{case[0]}-{index}" for index, case in enumerate(CASES)],
)
def test_client_method_sends_what_the_contract_describes(
    client: las.Client,
    recorder: Recorder,
    name: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    http_method: str,
    path: str,
    query: dict[str, list[str]],
    body: Any,
) -> None:
    getattr(client, name)(*args, **kwargs)
    [sent] = recorder.api_requests
    assert (sent.method, sent.path, sent.query) == (http_method, path, query)
    assert sent.json == body
    if body is not None:
        assert sent.headers["Content-Type"] == "application/json"
    assert sent.headers["Authorization"].startswith("Bearer ")


# Methods that send to a file URL the API answered, not to the API: tests/fileurls covers them.
FILE_URL_METHODS = {"get_file", "put_file"}


def test_every_reference_method_has_a_request_case() -> None:
    public = {name for name in dir(las.Client) if not name.startswith("_")}
    assert public - {
        "session",
        "credentials",
        "with_raw_response",
        "close",
        "is_async",
        *FILE_URL_METHODS,
    } <= {case[0] for case in CASES}


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "http_method", "path", "query", "body"),
    CASES,
    ids=[f"{case[0]}-{index}" for index, case in enumerate(CASES)],
)
def test_client_requests_conform_to_the_contract(
    contract: Any,
    name: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    http_method: str,
    path: str,
    query: dict[str, list[str]],
    body: Any,
) -> None:
    contract.validate_request(http_method, path, query, body)


def test_unpassed_optionals_are_not_sent_but_false_zero_and_empty_are(
    client: las.Client, recorder: Recorder
) -> None:
    client.create_prediction(DOC, MODEL)
    client.create_prediction(DOC, MODEL, max_pages=0, auto_rotate=False, image_quality="")
    first, second = (r.json for r in recorder.api_requests)
    assert first == {"documentId": DOC, "modelId": MODEL}
    assert second == {
        "documentId": DOC,
        "modelId": MODEL,
        "maxPages": 0,
        "autoRotate": False,
        "imageQuality": "",
    }


def test_delete_documents_delete_all_follows_pages(client: las.Client, recorder: Recorder) -> None:
    from tests.support.recorder import Reply

    recorder.reply(
        Reply(body={"documents": [{"documentId": "a"}], "nextToken": "p2"}),
        Reply(body={"documents": [{"documentId": "b"}], "nextToken": "p3"}),
        Reply(body={"documents": [{"documentId": "c"}], "nextToken": None}),
    )
    answer = client.delete_documents(dataset_id=DATASET, delete_all=True)
    assert [d["documentId"] for d in answer["documents"]] == ["a", "b", "c"]
    assert answer["nextToken"] is None
    assert [r.query.get("nextToken") for r in recorder.api_requests] == [None, ["p2"], ["p3"]]
    assert all(r.query["datasetId"] == [DATASET] for r in recorder.api_requests)


def test_delete_documents_refuses_max_results_with_delete_all(client: las.Client, recorder: Recorder) -> None:
    with pytest.raises(ValueError, match="max_results"):
        client.delete_documents(delete_all=True, max_results=10)
    assert recorder.api_requests == []


def test_delete_dataset_with_documents_deletes_them_first(client: las.Client, recorder: Recorder) -> None:
    client.delete_dataset(DATASET, delete_documents=True)
    assert [(r.method, r.path) for r in recorder.api_requests] == [
        ("DELETE", "/documents"),
        ("DELETE", f"/datasets/{DATASET}"),
    ]


def test_paginate_yields_every_item_across_pages(client: las.Client, recorder: Recorder) -> None:
    from tests.support.recorder import Reply

    recorder.reply(
        Reply(body={"documents": [{"documentId": "a"}, {"documentId": "b"}], "nextToken": "p2"}),
        Reply(body={"documents": [{"documentId": "c"}], "nextToken": None}),
    )
    items = las.paginate(client.list_documents, dataset_id=DATASET, page_size=2)
    assert recorder.api_requests == []  # lazy: nothing sent before iteration
    assert [d["documentId"] for d in items] == ["a", "b", "c"]
    assert [r.query.get("maxResults") for r in recorder.api_requests] == [["2"], ["2"]]


def test_paginate_stops_at_the_limit_without_fetching_more(client: las.Client, recorder: Recorder) -> None:
    from tests.support.recorder import Reply

    recorder.reply(
        Reply(body={"models": [{"modelId": "a"}, {"modelId": "b"}], "nextToken": "p2"}),
        Reply(body={"models": [{"modelId": "c"}], "nextToken": None}),
    )
    assert [m["modelId"] for m in las.paginate(client.list_models, limit=2)] == ["a", "b"]
    assert len(recorder.api_requests) == 1


def test_paginate_refuses_a_method_that_is_not_a_list(client: las.Client) -> None:
    with pytest.raises(TypeError, match=r"not a las\.Client list method"):
        list(las.paginate(client.get_model, MODEL))
