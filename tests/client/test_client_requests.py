"""Every Client method sends the method, path, query and JSON body the contract describes:
``CASES`` through a session speaking 2021-09-23 (the reference's calls), ``CASES_2024`` through
one speaking 2024-11-29 (lucidtech-las 11.4.1's calls), each request validated against the
contract of the session that sent it."""

from __future__ import annotations

import base64
import datetime
from typing import Any

import pytest

import las
from tests.contract import load_contract
from tests.support.recorder import Recorded, Recorder

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


ROLE = "las:role:admin"
TRAINING = "las:model-training:first-try"
PAYMENT = f"las:payment-method:{HEX}"
NEW_MODEL = "las:model:invoice-v2"  # a model id of the 2024 form
ORG_MODEL = "las:organization:cradl/las:model:invoice"  # one with an organisation prefix
POSTPROCESS = {"strategy": "BEST_FIRST", "outputFormat": "v2"}

# Calls written for lucidtech-las 11.4.1, sent through a session speaking 2024-11-29.
CASES_2024: list[tuple[str, tuple[Any, ...], dict[str, Any], str, str, dict[str, list[str]], Any]] = [
    (
        "create_app_client",
        (),
        {"role_ids": None},
        "POST",
        "/appClients",
        {},
        {"generateSecret": True, "roleIds": []},
    ),
    (
        "update_app_client",
        (APP_CLIENT,),
        {"role_ids": [ROLE]},
        "PATCH",
        f"/appClients/{APP_CLIENT}",
        {},
        {"roleIds": [ROLE]},
    ),
    (
        "create_dataset",
        (),
        {"metadata": {"k": "v"}, "name": "d"},
        "POST",
        "/datasets",
        {},
        {"metadata": {"k": "v"}, "name": "d"},
    ),
    (
        "update_dataset",
        (DATASET, {"k": "v"}),
        {"retention_in_days": 7},
        "PATCH",
        f"/datasets/{DATASET}",
        {},
        {"metadata": {"k": "v"}, "retentionInDays": 7},
    ),
    (
        "list_documents",
        (),
        {"dataset_id": DATASET, "order": "ascending", "sort_by": "createdTime"},
        "GET",
        "/documents",
        {"datasetId": [DATASET], "order": ["ascending"], "sortBy": ["createdTime"]},
        None,
    ),
    (
        "update_document",
        (DOC, [{"label": "total", "value": "1"}]),
        {"metadata": {"k": "v"}, "dataset_id": DATASET},
        "PATCH",
        f"/documents/{DOC}",
        {},
        {"groundTruth": [{"label": "total", "value": "1"}], "datasetId": DATASET, "metadata": {"k": "v"}},
    ),
    ("create_model", (FIELDS,), {}, "POST", "/models", {}, {"fieldConfig": FIELDS}),
    (
        "create_model",
        (),
        {"field_config": FIELDS, "name": "m"},
        "POST",
        "/models",
        {},
        {"fieldConfig": FIELDS, "name": "m"},
    ),
    (
        "create_model",
        (FIELDS,),
        {
            "preprocess_config": PREPROCESS,
            "postprocess_config": POSTPROCESS,
            "name": "m",
            "description": "d",
            "metadata": {"k": "v"},
            "base_model": {"organizationId": "las:organization:cradl", "modelId": "las:model:invoice"},
        },
        "POST",
        "/models",
        {},
        {
            "fieldConfig": FIELDS,
            "preprocessConfig": PREPROCESS,
            "postprocessConfig": POSTPROCESS,
            "name": "m",
            "description": "d",
            "metadata": {
                "k": "v",
                "baseModel": {"organizationId": "las:organization:cradl", "modelId": "las:model:invoice"},
            },
        },
    ),
    (
        "list_models",
        (),
        {"owner": "las:organization:cradl"},
        "GET",
        "/models",
        {"owner": ["las:organization:cradl"]},
        None,
    ),
    (
        "get_model",
        (ORG_MODEL,),
        {"statistics_last_n_days": 7},
        "GET",
        f"/models/{ORG_MODEL}",
        {"statisticsLastNDays": ["7"]},
        None,
    ),
    ("get_model", (NEW_MODEL,), {}, "GET", f"/models/{NEW_MODEL}", {}, None),
    (
        "update_model",
        (NEW_MODEL,),
        {"metadata": {"k": "v"}, "postprocess_config": POSTPROCESS, "training_id": TRAINING, "name": "m"},
        "PATCH",
        f"/models/{NEW_MODEL}",
        {},
        {"metadata": {"k": "v"}, "postprocessConfig": POSTPROCESS, "trainingId": TRAINING, "name": "m"},
    ),
    (
        "update_organization",
        (ORG,),
        {"payment_method_id": PAYMENT, "name": "o"},
        "PATCH",
        f"/organizations/{ORG}",
        {},
        {"paymentMethodId": PAYMENT, "name": "o"},
    ),
    (
        "create_prediction",
        (DOC, NEW_MODEL),
        {
            "training_id": TRAINING,
            "preprocess_config": {"pages": [0, -1], "autoRotate": True},
            "postprocess_config": POSTPROCESS,
            "run_async": False,
        },
        "POST",
        "/predictions",
        {},
        {
            "documentId": DOC,
            "modelId": NEW_MODEL,
            "trainingId": TRAINING,
            "preprocessConfig": {"pages": [0, -1], "autoRotate": True},
            "postprocessConfig": POSTPROCESS,
            "async": False,
        },
    ),
    (
        "create_prediction",
        (DOC, ORG_MODEL),
        {"max_pages": 50},
        "POST",
        "/predictions",
        {},
        {"documentId": DOC, "modelId": ORG_MODEL, "maxPages": 50},
    ),
    (
        "list_predictions",
        (),
        {"order": "descending", "sort_by": "createdTime", "model_id": NEW_MODEL},
        "GET",
        "/predictions",
        {"order": ["descending"], "sortBy": ["createdTime"], "modelId": [NEW_MODEL]},
        None,
    ),
    (
        "create_transition",
        ("docker",),
        {"parameters": {"imageUrl": "img"}, "name": "t"},
        "POST",
        "/transitions",
        {},
        {"transitionType": "docker", "parameters": {"imageUrl": "img"}, "name": "t"},
    ),
    (
        "update_transition",
        (TRANSITION,),
        {"assets": {"jsRemoteComponent": ASSET}},
        "PATCH",
        f"/transitions/{TRANSITION}",
        {},
        {"parameters": {"assets": {"jsRemoteComponent": ASSET}}},
    ),
    (
        "update_transition",
        (TRANSITION,),
        {
            "cpu": 256,
            "memory": 512,
            "image_url": "img",
            "environment": {"A": "1"},
            "environment_secrets": [SECRET],
            "secret_id": SECRET,
            "name": "t",
        },
        "PATCH",
        f"/transitions/{TRANSITION}",
        {},
        {
            "name": "t",
            "parameters": {
                "environment": {"A": "1"},
                "environmentSecrets": [SECRET],
                "cpu": 256,
                "memory": 512,
                "imageUrl": "img",
                "secretId": SECRET,
            },
        },
    ),
    (
        "create_user",
        ("ann@example.com",),
        {"app_client_id": APP_CLIENT, "role_ids": [ROLE], "metadata": {"k": "v"}},
        "POST",
        "/users",
        {},
        {"email": "ann@example.com", "appClientId": APP_CLIENT, "roleIds": [ROLE], "metadata": {"k": "v"}},
    ),
    ("update_user", (USER,), {"role_ids": None}, "PATCH", f"/users/{USER}", {}, {"roleIds": []}),
    (
        "create_workflow",
        (SPEC,),
        {
            "email_config": {"secretId": SECRET, "email": "in@example.com"},
            "metadata": {"k": "v"},
            "status": "development",
        },
        "POST",
        "/workflows",
        {},
        {
            "specification": SPEC,
            "emailConfig": {"secretId": SECRET, "email": "in@example.com"},
            "metadata": {"k": "v"},
            "status": "development",
        },
    ),
    (
        "update_workflow",
        (WORKFLOW,),
        {"metadata": {"k": "v"}, "status": "production", "email_config": None},
        "PATCH",
        f"/workflows/{WORKFLOW}",
        {},
        {"metadata": {"k": "v"}, "status": "production", "emailConfig": None},
    ),
    (
        "list_workflow_executions",
        (WORKFLOW,),
        {
            "from_start_time": datetime.datetime(2024, 12, 1, 8, 0),
            "to_start_time": "2024-12-02T00:00:00+00:00",
            "status": ["succeeded", "completed"],
        },
        "GET",
        f"/workflows/{WORKFLOW}/executions",
        {
            "fromStartTime": ["2024-12-01T08:00:00+00:00"],
            "toStartTime": ["2024-12-02T00:00:00+00:00"],
            "status": ["succeeded", "completed"],
        },
        None,
    ),
    (
        "update_workflow_execution",
        (WORKFLOW, WEXEC),
        {"status": "completed"},
        "PATCH",
        f"/workflows/{WORKFLOW}/executions/{WEXEC}",
        {},
        {"status": "completed"},
    ),
    (
        "update_workflow_execution",
        (WORKFLOW, WEXEC),
        {"next_transition_id": "las:transition:commons-failed"},
        "PATCH",
        f"/workflows/{WORKFLOW}/executions/{WEXEC}",
        {},
        {"nextTransitionId": "las:transition:commons-failed"},
    ),
]

# The operations the 2024-11-29 contract added, with lucidtech-las 11.4.1's names and parameters.
TRANSFORMATION = f"las:dataset-transformation:{HEX}"
PLAN = "las:organization:cradl/las:plan:free:@latest"
ENVIRONMENT = "las:deployment-environment:gpu"
PREDICTION = f"las:prediction:{HEX}"
CASES_2024 += [
    ("get_app_client", (APP_CLIENT,), {}, "GET", f"/appClients/{APP_CLIENT}", {}, None),
    (
        "create_transformation",
        (DATASET, [{"type": "remove-duplicates", "options": {}}]),
        {},
        "POST",
        f"/datasets/{DATASET}/transformations",
        {},
        {"operations": [{"type": "remove-duplicates", "options": {}}]},
    ),
    (
        "list_transformations",
        (DATASET,),
        {"status": "succeeded", "max_results": 2},
        "GET",
        f"/datasets/{DATASET}/transformations",
        {"status": ["succeeded"], "maxResults": ["2"]},
        None,
    ),
    (
        "delete_transformation",
        (DATASET, TRANSFORMATION),
        {},
        "DELETE",
        f"/datasets/{DATASET}/transformations/{TRANSFORMATION}",
        {},
        None,
    ),
    ("get_data_bundle", (NEW_MODEL, BUNDLE), {}, "GET", f"/models/{NEW_MODEL}/dataBundles/{BUNDLE}", {}, None),
    (
        "create_training",
        (NEW_MODEL, [BUNDLE]),
        {"metadata": {"k": "v"}, "data_scientist_assistance": True, "name": "t"},
        "POST",
        f"/models/{NEW_MODEL}/trainings",
        {},
        {"dataBundleIds": [BUNDLE], "metadata": {"k": "v"}, "dataScientistAssistance": True, "name": "t"},
    ),
    ("get_training", (NEW_MODEL, TRAINING), {}, "GET", f"/models/{NEW_MODEL}/trainings/{TRAINING}", {}, None),
    (
        "list_trainings",
        (NEW_MODEL,),
        {"next_token": "n"},
        "GET",
        f"/models/{NEW_MODEL}/trainings",
        {"nextToken": ["n"]},
        None,
    ),
    (
        "update_training",
        (NEW_MODEL, TRAINING),
        {"deployment_environment_id": ENVIRONMENT, "status": "cancelled"},
        "PATCH",
        f"/models/{NEW_MODEL}/trainings/{TRAINING}",
        {},
        {"deploymentEnvironmentId": ENVIRONMENT, "status": "cancelled"},
    ),
    ("list_organizations", (), {"max_results": 1}, "GET", "/organizations", {"maxResults": ["1"]}, None),
    ("create_organization", (), {"name": "acme"}, "POST", "/organizations", {}, {"name": "acme"}),
    ("create_payment_method", (), {"name": "card"}, "POST", "/paymentMethods", {}, {"name": "card"}),
    ("list_payment_methods", (), {}, "GET", "/paymentMethods", {}, None),
    ("get_payment_method", (PAYMENT,), {}, "GET", f"/paymentMethods/{PAYMENT}", {}, None),
    (
        "update_payment_method",
        (PAYMENT,),
        {"stripe_setup_intent_secret": "seti_x", "description": "d"},
        "PATCH",
        f"/paymentMethods/{PAYMENT}",
        {},
        {"stripeSetupIntentSecret": "seti_x", "description": "d"},
    ),
    ("delete_payment_method", (PAYMENT,), {}, "DELETE", f"/paymentMethods/{PAYMENT}", {}, None),
    ("get_plan", (PLAN,), {}, "GET", f"/plans/{PLAN}", {}, None),
    ("list_plans", (), {"owner": "las:organization:cradl"}, "GET", "/plans", {"owner": ["las:organization:cradl"]}, None),
    ("get_deployment_environment", (ENVIRONMENT,), {}, "GET", f"/deploymentEnvironments/{ENVIRONMENT}", {}, None),
    ("list_deployment_environments", (), {"owner": ["las:organization:cradl", "las:organization:acme"]}, "GET",
     "/deploymentEnvironments", {"owner": ["las:organization:cradl", "las:organization:acme"]}, None),
    ("list_roles", (), {}, "GET", "/roles", {}, None),
    ("get_role", (ROLE,), {}, "GET", f"/roles/{ROLE}", {}, None),
    ("get_prediction", (PREDICTION,), {}, "GET", f"/predictions/{PREDICTION}", {}, None),
]  # fmt: skip
# What the resource classes need of 2024-11-29 beyond lucidtech-las 11.4.1 (user.profile).
PROFILE = f"las:profile:{HEX}"
CASES_2024 += [("get_profile", (PROFILE,), {}, "GET", f"/profiles/{PROFILE}", {}, None)]
NEW_IN_2024 = sorted({case[0] for case in CASES_2024} - {case[0] for case in CASES})

# (contract the session speaks, client fixture, cases)
SESSIONS = [("2021-09-23", "client", CASES), ("2024-11-29", "client_2024", CASES_2024)]
ALL_CASES = [(version, fixture, *case) for version, fixture, cases in SESSIONS for case in cases]


def _conforms(version: str, sent: Recorded) -> None:
    """The request as it arrived, validated against the contract of the session that sent it."""
    loaded = load_contract(version)
    if loaded is None:
        pytest.skip(f"the {version} contract file is not in ../shared/api (set LAS_SHARED_DIR)")
    loaded.validate_request(sent.method, sent.raw_path, sent.query, sent.json)


@pytest.mark.parametrize(
    ("version", "fixture", "name", "args", "kwargs", "http_method", "path", "query", "body"),
    ALL_CASES,
    ids=[f"{case[0]}-{case[2]}-{index}" for index, case in enumerate(ALL_CASES)],
)
def test_client_method_sends_what_the_contract_describes(
    request: pytest.FixtureRequest,
    recorder: Recorder,
    version: str,
    fixture: str,
    name: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    http_method: str,
    path: str,
    query: dict[str, list[str]],
    body: Any,
) -> None:
    client: las.Client = request.getfixturevalue(fixture)
    assert client.contract == version
    getattr(client, name)(*args, **kwargs)
    [sent] = recorder.api_requests
    assert (sent.method, sent.path, sent.query) == (http_method, path, query)
    assert sent.json == body
    if body is not None:
        assert sent.headers["Content-Type"] == "application/json"
    assert sent.headers["Authorization"].startswith("Bearer ")
    _conforms(version, sent)


# Methods that send to a file URL the API answered, not to the API: tests/fileurls covers them.
FILE_URL_METHODS = {"get_file", "put_file"}


def test_every_method_has_a_request_case() -> None:
    public = {name for name in dir(las.Client) if not name.startswith("_")}
    operations = public - {"session", "credentials", "with_raw_response", "close", "is_async", "contract"}
    assert operations - FILE_URL_METHODS <= {case[0] for case in CASES} | {case[0] for case in CASES_2024}
    assert len(NEW_IN_2024) == 24  # 21 of lucidtech-las 11.4.1, organizations list/create, get_profile


@pytest.mark.parametrize("name", NEW_IN_2024)
def test_an_operation_only_2024_has_is_refused_on_2021_before_anything_is_sent(
    client: las.Client, recorder: Recorder, name: str
) -> None:
    [(args, kwargs)] = [(case[1], case[2]) for case in CASES_2024 if case[0] == name][:1]
    with pytest.raises(
        las.ContractError, match=rf"{name} \(/.*not part of the API contract 2021-09-23.*only of 2024-11-29"
    ):
        getattr(client, name)(*args, **kwargs)
    assert recorder.requests == []


def test_every_11_4_1_parameter_has_a_request_case_on_2024() -> None:
    """Each parameter lucidtech-las 11.4.1 added to a method the reference has is sent by a case."""
    added = {
        ("create_dataset", "metadata"),
        ("update_dataset", "metadata"),
        ("list_documents", "order"),
        ("list_documents", "sort_by"),
        ("update_document", "metadata"),
        ("create_model", "postprocess_config"),
        ("create_model", "metadata"),
        ("create_model", "base_model"),
        ("list_models", "owner"),
        ("get_model", "statistics_last_n_days"),
        ("update_model", "postprocess_config"),
        ("update_model", "metadata"),
        ("update_organization", "payment_method_id"),
        ("create_prediction", "training_id"),
        ("create_prediction", "preprocess_config"),
        ("create_prediction", "postprocess_config"),
        ("create_prediction", "run_async"),
        ("list_predictions", "order"),
        ("list_predictions", "sort_by"),
        ("list_predictions", "model_id"),
        ("update_transition", "cpu"),
        ("update_transition", "memory"),
        ("update_transition", "image_url"),
        ("create_workflow", "email_config"),
        ("create_workflow", "metadata"),
        ("update_workflow", "metadata"),
        ("update_workflow", "status"),
        ("list_workflow_executions", "from_start_time"),
        ("list_workflow_executions", "to_start_time"),
        ("update_workflow_execution", "status"),
    }
    covered = {(case[0], name) for case in CASES_2024 for name in case[2]}
    covered |= {("update_dataset", "metadata")}  # passed positionally, as 11.4.1's signature allows
    assert added <= covered, sorted(added - covered)


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
