"""The route table: (method, path template) -> handler, with the query and body rules it uses.

Every path and method of the API contract is here except ``/batches`` (not emulated: its
operations answer 404 saying so). Every path of the contract also answers ``OPTIONS`` (the CORS
preflight), so the methods of a path are its routes', :data:`NOT_EMULATED` ones and ``OPTIONS``.
Path parameters are checked against the id format of their kind (malformed -> 400).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import unquote

from las.testing import _handlers as h
from las.testing import _validation as v
from las.testing import _workflows as w
from las.testing._call import Handler

PARAM_KINDS: Final = {
    "appClientId": "app-client",
    "assetId": "asset",
    "dataBundleId": "model-data-bundle",
    "datasetId": "dataset",
    "documentId": "document",
    "logId": "log",
    "modelId": "model",
    "organizationId": "organization",
    "secretId": "secret",
    "transitionId": "transition",
    "userId": "user",
    "workflowId": "workflow",
}


@dataclass(frozen=True)
class Route:
    """One operation of the API."""

    method: str
    template: str
    handler: Handler
    query: v.Query = v.NO_QUERY
    body: v.Rule | None = None  # None: the operation takes no body
    kinds: dict[str, str] = field(default_factory=dict)  # path parameter -> id kind

    def kind_of(self, name: str) -> str:
        return self.kinds.get(name) or PARAM_KINDS[name]


# Paths of the contract without a route: their methods besides OPTIONS. ``/organizations`` has
# none (the contract declares only its CORS preflight); ``/batches`` is not emulated.
NOT_EMULATED: Final = {
    "/batches": ("GET", "POST"),
    "/batches/{batchId}": ("DELETE", "PATCH"),
    "/organizations": (),
}

_TE = {"executionId": "transition-execution"}
_WE = {"executionId": "workflow-execution"}

ROUTES: Final = (
    Route("GET", "/appClients", h.list_app_clients, v.PAGE_QUERY),
    Route("POST", "/appClients", h.create_app_client, body=v.POST_APP_CLIENTS),
    Route("PATCH", "/appClients/{appClientId}", h.update_app_client, body=v.PATCH_APP_CLIENT),
    Route("DELETE", "/appClients/{appClientId}", h.delete_app_client),
    Route("GET", "/assets", h.list_assets, v.PAGE_QUERY),
    Route("POST", "/assets", h.create_asset, body=v.POST_ASSETS),
    Route("GET", "/assets/{assetId}", h.get_asset),
    Route("PATCH", "/assets/{assetId}", h.update_asset, body=v.PATCH_ASSET),
    Route("DELETE", "/assets/{assetId}", h.delete_asset),
    Route("GET", "/datasets", h.list_datasets, v.PAGE_QUERY),
    Route("POST", "/datasets", h.create_dataset, body=v.POST_DATASETS),
    Route("GET", "/datasets/{datasetId}", h.get_dataset),
    Route("PATCH", "/datasets/{datasetId}", h.update_dataset, body=v.PATCH_DATASET),
    Route("DELETE", "/datasets/{datasetId}", h.delete_dataset),
    Route("GET", "/documents", h.list_documents, v.DOCUMENTS_QUERY),
    Route("POST", "/documents", h.create_document, body=v.POST_DOCUMENTS),
    Route("DELETE", "/documents", h.delete_documents, v.DOCUMENTS_QUERY),
    Route("GET", "/documents/{documentId}", h.get_document),
    Route("PATCH", "/documents/{documentId}", h.update_document, body=v.PATCH_DOCUMENT),
    Route("DELETE", "/documents/{documentId}", h.delete_document),
    Route("GET", "/logs", w.list_logs, v.LOGS_QUERY),
    Route("GET", "/logs/{logId}", w.get_log),
    Route("GET", "/models", h.list_models, v.PAGE_QUERY),
    Route("POST", "/models", h.create_model, body=v.POST_MODELS),
    Route("GET", "/models/{modelId}", h.get_model),
    Route("PATCH", "/models/{modelId}", h.update_model, body=v.PATCH_MODEL),
    Route("DELETE", "/models/{modelId}", h.delete_model),
    Route("GET", "/models/{modelId}/dataBundles", h.list_data_bundles, v.DATA_BUNDLES_QUERY),
    Route("POST", "/models/{modelId}/dataBundles", h.create_data_bundle, body=v.POST_DATA_BUNDLES),
    Route(
        "PATCH",
        "/models/{modelId}/dataBundles/{dataBundleId}",
        h.update_data_bundle,
        body=v.PATCH_DATA_BUNDLE,
    ),
    Route("DELETE", "/models/{modelId}/dataBundles/{dataBundleId}", h.delete_data_bundle),
    Route("GET", "/organizations/{organizationId}", h.get_organization),
    Route("PATCH", "/organizations/{organizationId}", h.update_organization, body=v.PATCH_ORGANIZATION),
    Route("GET", "/predictions", h.list_predictions, v.PAGE_QUERY),
    Route("POST", "/predictions", h.create_prediction, body=v.POST_PREDICTIONS),
    Route("GET", "/secrets", h.list_secrets, v.PAGE_QUERY),
    Route("POST", "/secrets", h.create_secret, body=v.POST_SECRETS),
    Route("PATCH", "/secrets/{secretId}", h.update_secret, body=v.PATCH_SECRET),
    Route("DELETE", "/secrets/{secretId}", h.delete_secret),
    Route("GET", "/transitions", w.list_transitions, v.TRANSITIONS_QUERY),
    Route("POST", "/transitions", w.create_transition, body=v.POST_TRANSITIONS),
    Route("GET", "/transitions/{transitionId}", w.get_transition),
    Route("PATCH", "/transitions/{transitionId}", w.update_transition, body=v.PATCH_TRANSITION),
    Route("DELETE", "/transitions/{transitionId}", w.delete_transition),
    Route(
        "GET",
        "/transitions/{transitionId}/executions",
        w.list_transition_executions,
        v.TRANSITION_EXECUTIONS_QUERY,
    ),
    Route(
        "POST",
        "/transitions/{transitionId}/executions",
        w.execute_transition,
        body=v.POST_TRANSITION_EXECUTION,
    ),
    Route(
        "GET", "/transitions/{transitionId}/executions/{executionId}", w.get_transition_execution, kinds=_TE
    ),
    Route(
        "PATCH",
        "/transitions/{transitionId}/executions/{executionId}",
        w.update_transition_execution,
        body=v.PATCH_TRANSITION_EXECUTION,
        kinds=_TE,
    ),
    Route(
        "POST",
        "/transitions/{transitionId}/executions/{executionId}/heartbeats",
        w.send_heartbeat,
        body=v.POST_HEARTBEAT,
        kinds=_TE,
    ),
    Route("GET", "/users", h.list_users, v.PAGE_QUERY),
    Route("POST", "/users", h.create_user, body=v.POST_USERS),
    Route("GET", "/users/{userId}", h.get_user),
    Route("PATCH", "/users/{userId}", h.update_user, body=v.PATCH_USER),
    Route("DELETE", "/users/{userId}", h.delete_user),
    Route("GET", "/workflows", w.list_workflows, v.PAGE_QUERY),
    Route("POST", "/workflows", w.create_workflow, body=v.POST_WORKFLOWS),
    Route("GET", "/workflows/{workflowId}", w.get_workflow),
    Route("PATCH", "/workflows/{workflowId}", w.update_workflow, body=v.PATCH_WORKFLOW),
    Route("DELETE", "/workflows/{workflowId}", w.delete_workflow),
    Route(
        "GET", "/workflows/{workflowId}/executions", w.list_workflow_executions, v.WORKFLOW_EXECUTIONS_QUERY
    ),
    Route("POST", "/workflows/{workflowId}/executions", w.execute_workflow, body=v.POST_WORKFLOW_EXECUTIONS),
    Route("GET", "/workflows/{workflowId}/executions/{executionId}", w.get_workflow_execution, kinds=_WE),
    Route(
        "PATCH",
        "/workflows/{workflowId}/executions/{executionId}",
        w.update_workflow_execution,
        body=v.PATCH_WORKFLOW_EXECUTION,
        kinds=_WE,
    ),
    Route(
        "DELETE", "/workflows/{workflowId}/executions/{executionId}", w.delete_workflow_execution, kinds=_WE
    ),
)


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    pattern = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>[^/]+)" for i, part in enumerate(parts))
    return re.compile(f"^{pattern}$")


_COMPILED: Final = [(route, _compile(route.template)) for route in ROUTES]
_NOT_EMULATED_COMPILED: Final = [(template, _compile(template)) for template in NOT_EMULATED]


def match_template(template: str, path: str) -> bool:
    """Tell whether ``path`` (e.g. ``/documents/las:document:…``) fits ``template``."""
    return _compile(template).match(path) is not None


def resolve(method: str, path: str) -> tuple[Route, dict[str, str]] | list[str]:
    """The route and path parameters for a request, or the methods the path has (sorted).

    An empty list means no such path (404). Otherwise the list holds ``OPTIONS`` and the
    path's methods, and ``method`` is either not among them (405) or one of the contract's
    that is not emulated (:data:`NOT_EMULATED`).
    """
    known = False
    allowed: list[str] = ["OPTIONS"]
    for route, pattern in _COMPILED:
        found = pattern.match(path)
        if found is None:
            continue
        if route.method == method:
            return route, {name: unquote(value) for name, value in found.groupdict().items()}
        known = True
        allowed.append(route.method)
    for template, pattern in _NOT_EMULATED_COMPILED:
        if pattern.match(path):
            known = True
            allowed.extend(NOT_EMULATED[template])
    return sorted(allowed) if known else []
