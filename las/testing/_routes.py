"""The route tables, one per contract: (method, path template) -> handler, with the query and
body rules it uses and the shape of its answer.

2021-09-23 (:data:`ROUTES`): every path and method of the contract except ``/batches`` (not
emulated: its operations answer 404 saying so); its rules are the hand-written tables of
``_validation``. 2024-11-29: every path and method of the contract (``/batches`` is gone from it:
404 "no such path"), with the rules generated from it (:mod:`las.testing._contract_2024`).
Both contracts' handlers are shared where they behave alike.

Every path of a contract also answers ``OPTIONS`` (the CORS preflight), so the methods of a path
are its routes', the not emulated ones and ``OPTIONS``. Path parameters are checked against the
id format of their kind (malformed -> 400); every answer is trimmed to its response schema
(:mod:`las.testing._answers`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import unquote

from las.testing import _account as a
from las.testing import _contract_2021, _contract_2024
from las.testing import _handlers as h
from las.testing import _trainings as t
from las.testing import _validation as v
from las.testing import _workflows as w
from las.testing._answers import Shape
from las.testing._contracts import V2021, V2024
from las.testing._handlers import ME
from las.testing._ids import describe, is_id
from las.testing._request import Handler

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


def match_template(template: str, path: str) -> bool:
    """Tell whether ``path`` (e.g. ``/documents/las:document:…``) fits ``template``."""
    return _compile(template).match(path) is not None


class RouteTable:
    """The routes of one contract.

    Args:
        routes: Every emulated operation.
        not_emulated: Paths of the contract without a route: their methods besides OPTIONS.
        answers: The shape of each operation's answer (none: sent as the handler made it).
        path_ids: The rule of each path parameter, by (template, name); None: the 2021 id kinds
            of :data:`PARAM_KINDS` (and :attr:`Route.kinds`).
    """

    def __init__(
        self,
        routes: tuple[Route, ...],
        not_emulated: Mapping[str, tuple[str, ...]],
        answers: Mapping[tuple[str, str], Shape],
        path_ids: Mapping[tuple[str, str], v.Rule] | None = None,
    ) -> None:
        self.routes = routes
        self.not_emulated = not_emulated
        self._answers = answers
        self._path_ids = path_ids
        self._compiled = [(route, _compile(route.template)) for route in routes]
        self._not_emulated_compiled = [(template, _compile(template)) for template in not_emulated]

    def resolve(self, method: str, path: str) -> tuple[Route, dict[str, str]] | list[str]:
        """The route and path parameters for a request, or the methods the path has (sorted).

        An empty list means no such path (404). Otherwise the list holds ``OPTIONS`` and the
        path's methods, and ``method`` is either not among them (405) or one of the contract's
        that is not emulated.
        """
        known = False
        allowed: list[str] = ["OPTIONS"]
        for route, pattern in self._compiled:
            found = pattern.match(path)
            if found is None:
                continue
            if route.method == method:
                return route, {name: unquote(value) for name, value in found.groupdict().items()}
            known = True
            allowed.append(route.method)
        for template, pattern in self._not_emulated_compiled:
            if pattern.match(path):
                known = True
                allowed.extend(self.not_emulated[template])
        return sorted(allowed) if known else []

    def check_params(self, route: Route, params: Mapping[str, str]) -> None:
        """Refuse a malformed path id (``organizationId`` may also be ``me``).

        Raises:
            ValidationError: naming the parameter, the expected format and the value.
        """
        for name, value in params.items():
            if name == "organizationId" and value == ME:
                continue
            if self._path_ids is not None:
                self._path_ids[(route.template, name)].check(value, f"path.{name}")
                continue
            kind = route.kind_of(name)
            if not is_id(kind, value):
                also = f" or {ME!r}" if kind == "organization" else ""
                raise v.ValidationError(f"path.{name}: must be {describe(kind)}{also}, got {value!r}")

    def shape(self, route: Route, payload: Any) -> Any:
        """``payload`` trimmed to the fields the route's response schema has."""
        shape = self._answers.get((route.method, route.template))
        return payload if shape is None or payload is None else shape.apply(payload)


HANDLERS_2024: Final[dict[tuple[str, str], Handler]] = {
    ("GET", "/appClients"): h.list_app_clients,
    ("POST", "/appClients"): h.create_app_client,
    ("DELETE", "/appClients/{appClientId}"): h.delete_app_client,
    ("GET", "/appClients/{appClientId}"): h.get_app_client,
    ("PATCH", "/appClients/{appClientId}"): h.update_app_client,
    ("GET", "/assets"): h.list_assets,
    ("POST", "/assets"): h.create_asset,
    ("DELETE", "/assets/{assetId}"): h.delete_asset,
    ("GET", "/assets/{assetId}"): h.get_asset,
    ("PATCH", "/assets/{assetId}"): h.update_asset,
    ("GET", "/datasets"): h.list_datasets,
    ("POST", "/datasets"): h.create_dataset,
    ("DELETE", "/datasets/{datasetId}"): h.delete_dataset,
    ("GET", "/datasets/{datasetId}"): h.get_dataset,
    ("PATCH", "/datasets/{datasetId}"): h.update_dataset,
    ("GET", "/datasets/{datasetId}/transformations"): t.list_transformations,
    ("POST", "/datasets/{datasetId}/transformations"): t.create_transformation,
    ("DELETE", "/datasets/{datasetId}/transformations/{transformationId}"): t.delete_transformation,
    ("GET", "/deploymentEnvironments"): a.list_deployment_environments,
    ("GET", "/deploymentEnvironments/{deploymentEnvironmentId}"): a.get_deployment_environment,
    ("DELETE", "/documents"): h.delete_documents,
    ("GET", "/documents"): h.list_documents,
    ("POST", "/documents"): h.create_document,
    ("DELETE", "/documents/{documentId}"): h.delete_document,
    ("GET", "/documents/{documentId}"): h.get_document,
    ("PATCH", "/documents/{documentId}"): h.update_document,
    ("GET", "/logs"): w.list_logs,
    ("GET", "/logs/{logId}"): w.get_log,
    ("GET", "/models"): h.list_models,
    ("POST", "/models"): h.create_model,
    ("DELETE", "/models/{modelId}"): h.delete_model,
    ("GET", "/models/{modelId}"): h.get_model,
    ("PATCH", "/models/{modelId}"): h.update_model,
    ("GET", "/models/{modelId}/dataBundles"): h.list_data_bundles,
    ("POST", "/models/{modelId}/dataBundles"): h.create_data_bundle,
    ("DELETE", "/models/{modelId}/dataBundles/{dataBundleId}"): h.delete_data_bundle,
    ("GET", "/models/{modelId}/dataBundles/{dataBundleId}"): h.get_data_bundle,
    ("PATCH", "/models/{modelId}/dataBundles/{dataBundleId}"): h.update_data_bundle,
    ("GET", "/models/{modelId}/trainings"): t.list_trainings,
    ("POST", "/models/{modelId}/trainings"): t.create_training,
    ("GET", "/models/{modelId}/trainings/{trainingId}"): t.get_training,
    ("PATCH", "/models/{modelId}/trainings/{trainingId}"): t.update_training,
    ("GET", "/organizations"): a.list_organizations,
    ("POST", "/organizations"): a.create_organization,
    ("GET", "/organizations/{organizationId}"): h.get_organization,
    ("PATCH", "/organizations/{organizationId}"): h.update_organization,
    ("GET", "/paymentMethods"): a.list_payment_methods,
    ("POST", "/paymentMethods"): a.create_payment_method,
    ("DELETE", "/paymentMethods/{paymentMethodId}"): a.delete_payment_method,
    ("GET", "/paymentMethods/{paymentMethodId}"): a.get_payment_method,
    ("PATCH", "/paymentMethods/{paymentMethodId}"): a.update_payment_method,
    ("GET", "/plans"): a.list_plans,
    ("GET", "/plans/{planId}"): a.get_plan,
    ("GET", "/predictions"): h.list_predictions,
    ("POST", "/predictions"): h.create_prediction,
    ("GET", "/predictions/{predictionId}"): h.get_prediction,
    ("GET", "/profiles/{profileId}"): a.get_profile,
    ("PATCH", "/profiles/{profileId}"): a.update_profile,
    ("GET", "/roles"): a.list_roles,
    ("GET", "/roles/{roleId}"): a.get_role,
    ("GET", "/secrets"): h.list_secrets,
    ("POST", "/secrets"): h.create_secret,
    ("DELETE", "/secrets/{secretId}"): h.delete_secret,
    ("PATCH", "/secrets/{secretId}"): h.update_secret,
    ("GET", "/transitions"): w.list_transitions,
    ("POST", "/transitions"): w.create_transition,
    ("DELETE", "/transitions/{transitionId}"): w.delete_transition,
    ("GET", "/transitions/{transitionId}"): w.get_transition,
    ("PATCH", "/transitions/{transitionId}"): w.update_transition,
    ("GET", "/transitions/{transitionId}/executions"): w.list_transition_executions,
    ("POST", "/transitions/{transitionId}/executions"): w.execute_transition,
    ("GET", "/transitions/{transitionId}/executions/{executionId}"): w.get_transition_execution,
    ("PATCH", "/transitions/{transitionId}/executions/{executionId}"): w.update_transition_execution,
    ("POST", "/transitions/{transitionId}/executions/{executionId}/heartbeats"): w.send_heartbeat,
    ("GET", "/users"): h.list_users,
    ("POST", "/users"): h.create_user,
    ("DELETE", "/users/{userId}"): h.delete_user,
    ("GET", "/users/{userId}"): h.get_user,
    ("PATCH", "/users/{userId}"): h.update_user,
    ("GET", "/workflows"): w.list_workflows,
    ("POST", "/workflows"): w.create_workflow,
    ("DELETE", "/workflows/{workflowId}"): w.delete_workflow,
    ("GET", "/workflows/{workflowId}"): w.get_workflow,
    ("PATCH", "/workflows/{workflowId}"): w.update_workflow,
    ("GET", "/workflows/{workflowId}/executions"): w.list_workflow_executions,
    ("POST", "/workflows/{workflowId}/executions"): w.execute_workflow,
    ("DELETE", "/workflows/{workflowId}/executions/{executionId}"): w.delete_workflow_execution,
    ("GET", "/workflows/{workflowId}/executions/{executionId}"): w.get_workflow_execution,
    ("PATCH", "/workflows/{workflowId}/executions/{executionId}"): w.update_workflow_execution,
}
"""The handler of every operation of the 2024-11-29 contract (its rules are generated)."""

TABLES: Final = {
    V2021: RouteTable(ROUTES, NOT_EMULATED, _contract_2021.ANSWERS),
    V2024: RouteTable(
        tuple(
            Route(
                method,
                template,
                HANDLERS_2024[(method, template)],
                _contract_2024.QUERIES.get((method, template), v.NO_QUERY),
                _contract_2024.BODIES.get((method, template)),
            )
            for method, template in _contract_2024.OPERATIONS
        ),
        {},
        _contract_2024.ANSWERS,
        _contract_2024.PATH_IDS,
    ),
}
"""The route table of each contract."""


def resolve(method: str, path: str) -> tuple[Route, dict[str, str]] | list[str]:
    """:meth:`RouteTable.resolve` of the 2021-09-23 routes."""
    return TABLES[V2021].resolve(method, path)
