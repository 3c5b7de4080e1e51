"""The account side of the 2024-11-29 contract: organizations, payment methods, profiles, and
the read-only catalogues the service offers (plans, roles, deployment environments, public
models), seeded at every reset by :func:`seed`.

Choices where the contract is silent:

* The catalogues belong to the service's own organization, ``las:organization:cradl`` (an id of
  the widened form), except the roles, which every organization has. ``GET /plans`` and
  ``GET /deploymentEnvironments`` list the service's unless ``owner`` names another organization
  (whose lists are empty); ``GET /models`` lists the caller's models unless ``owner`` names the
  service, whose public models then answer (see :data:`PUBLIC_MODELS`). An id of the catalogue
  may carry its owner's prefix (``las:organization:cradl/las:plan:free``) and, for plans and
  deployment environments, a version (``:@latest``, or ``:<n>`` up to the plan's ``latest``).
* ``POST /organizations`` creates an organization the caller can read and change; it holds
  nothing (its counters are 0). ``GET /organizations`` lists the emulator's own first.
* A payment method has ``details`` null until ``PATCH`` gives it a ``stripeSetupIntentSecret``
  (then a card ending 4242). One the organization uses (``paymentMethodId``) cannot be deleted
  (400). Its ``stripeSetupIntentSecret`` is never answered.
* ``PATCH /profiles/{id}`` takes no body (the contract declares none): it answers the profile.
"""

from __future__ import annotations

from typing import Any, Final

from las.testing._handlers import (
    DEFAULT_PREPROCESS_CONFIG,
    new_organization,
    page_of,
    render_organization,
    require_owned,
)
from las.testing._ids import new_id
from las.testing._request import ApiRequest, Reply, public
from las.testing._store import ApiError, Row, State, Table, now_iso

SERVICE_ORGANIZATION: Final = "las:organization:cradl"
PUBLISHABLE_KEY: Final = "pk_test_las_emulator"

PLANS: Final = (
    ("las:plan:free", "Free", "Try the service: a few documents a month.", "EUR", 1),
    ("las:plan:professional", "Professional", "For teams in production.", "EUR", 3),
    ("las:plan:enterprise", "Enterprise", "Dedicated capacity and support.", "USD", 2),
)
ROLES: Final = (
    ("las:role:admin", "Admin", "Everything, including users and billing.", "*"),
    ("las:role:developer", "Developer", "Read and write every resource.", "write"),
    ("las:role:viewer", "Viewer", "Read every resource.", "read"),
)
DEPLOYMENT_ENVIRONMENTS: Final = (
    ("las:deployment-environment:shared", "Shared", "Shared GPUs, no reserved capacity.", 0, "available"),
    ("las:deployment-environment:dedicated-eu", "Dedicated (EU)", "Reserved GPUs in the EU.", 4, "available"),
    (
        "las:deployment-environment:dedicated-us",
        "Dedicated (US)",
        "Reserved GPUs in the US.",
        4,
        "unavailable",
    ),
)
PUBLIC_MODELS: Final = {
    "las:model:invoice-v2": (
        "Invoice",
        {
            "invoice_id": {"type": "string", "maxLength": 32},
            "invoice_date": {"type": "date", "maxLength": 10},
            "due_date": {"type": "date", "maxLength": 10},
            "total_amount": {"type": "amount", "maxLength": 16},
            "currency": {"type": "enum", "enum": ["EUR", "NOK", "USD"]},
            "line_items": {
                "type": "lines",
                "fields": {
                    "description": {"type": "string", "maxLength": 64},
                    "amount": {"type": "amount", "maxLength": 16},
                },
            },
        },
    ),
    "las:model:receipt-v1": (
        "Receipt",
        {
            "merchant": {"type": "string", "maxLength": 64},
            "purchase_date": {"type": "date", "maxLength": 10},
            "total_amount": {"type": "amount", "maxLength": 16},
            "vat_number": {"type": "digits", "maxLength": 12},
        },
    ),
}
"""The service's public models: anyone predicts with them; their owner prefixes their ids."""


def _catalogue_row(row: Row) -> Row:
    row.update(createdTime=now_iso(), createdBy=None, updatedTime=None, updatedBy=None)
    return row


def seed(state: State) -> None:
    """Fill the read-only catalogues of a fresh 2024-11-29 state."""
    for plan_id, name, description, currency, latest in PLANS:
        row: Row = {
            "planId": plan_id,
            "name": name,
            "description": description,
            "organizationId": SERVICE_ORGANIZATION,
            "available": True,
            "currency": currency,
            "latest": latest,
        }
        for quota in ("activeModels", "fieldPredictions", "pagePredictions", "gpuHours", "users", "flows"):
            row[quota] = {"included": 1000 if plan_id == "las:plan:free" else 100_000}
        state.plans.insert(plan_id, row, state.next_seq())
    for role_id, name, description, action in ROLES:
        permissions = [{"resourceId": "*", "effect": "allow", "action": action}]
        role = {"roleId": role_id, "name": name, "description": description, "permissions": permissions}
        state.roles.insert(role_id, _catalogue_row(role), state.next_seq())
    for environment_id, name, description, units, status in DEPLOYMENT_ENVIRONMENTS:
        environment = {
            "deploymentEnvironmentId": environment_id,
            "name": name,
            "description": description,
            "organizationId": SERVICE_ORGANIZATION,
            "modelDeploymentUnits": units,
            "status": status,
        }
        state.deployment_environments.insert(environment_id, environment, state.next_seq())
    for model_id, (name, field_config) in PUBLIC_MODELS.items():
        model = {
            "modelId": model_id,
            "name": name,
            "description": f"The service's {name.lower()} model",
            "fieldConfig": field_config,
            "preprocessConfig": dict(DEFAULT_PREPROCESS_CONFIG),
            "status": "active",
            "metadata": None,
            "trainingId": None,
            "organizationId": SERVICE_ORGANIZATION,
        }
        state.models.insert(model_id, _catalogue_row(model), state.next_seq())
    state.organization["planId"] = "las:plan:free"


def _owned_page(request: ApiRequest, table: Table, key: str) -> Reply:
    """One page of a catalogue owned by ``owner`` (default: the service)."""
    owner = request.query.get("owner", [SERVICE_ORGANIZATION])[0]
    return page_of(request, table, key, where=lambda row: row["organizationId"] == owner)


# ---------------------------------------------------------------------------------------------
# Catalogues


def list_plans(request: ApiRequest) -> Reply:
    return _owned_page(request, request.state.plans, "plans")


def get_plan(request: ApiRequest) -> Reply:
    return 200, public(require_owned(request.state, request.state.plans, request.params["planId"]))


def list_deployment_environments(request: ApiRequest) -> Reply:
    return _owned_page(request, request.state.deployment_environments, "deploymentEnvironments")


def get_deployment_environment(request: ApiRequest) -> Reply:
    state = request.state
    row = require_owned(state, state.deployment_environments, request.params["deploymentEnvironmentId"])
    return 200, public(row)


def list_roles(request: ApiRequest) -> Reply:
    return page_of(request, request.state.roles, "roles")


def get_role(request: ApiRequest) -> Reply:
    return 200, public(request.state.roles.require(request.params["roleId"]))


# ---------------------------------------------------------------------------------------------
# Organizations


def list_organizations(request: ApiRequest) -> Reply:
    state = request.state
    return page_of(request, state.organizations, "organizations", lambda row: render_organization(state, row))


def create_organization(request: ApiRequest) -> Reply:
    state = request.state
    row = new_organization(state, new_id("organization"), request.body.get("name"))
    row["planId"] = "las:plan:free"
    return 200, render_organization(state, row)


# ---------------------------------------------------------------------------------------------
# Payment methods


def _payment_method(row: Row) -> dict[str, Any]:
    return public(row, "stripeSetupIntentSecret")


def create_payment_method(request: ApiRequest) -> Reply:
    row = request.stamp_created(
        {
            "name": request.body.get("name"),
            "description": request.body.get("description"),
            "details": None,
            "stripePublishableKey": PUBLISHABLE_KEY,
        }
    )
    row = request.state.insert(request.state.payment_methods, "payment-method", row, "paymentMethodId")
    return 200, _payment_method(row)


def list_payment_methods(request: ApiRequest) -> Reply:
    return page_of(request, request.state.payment_methods, "paymentMethods", _payment_method)


def get_payment_method(request: ApiRequest) -> Reply:
    return 200, _payment_method(request.state.payment_methods.require(request.params["paymentMethodId"]))


def update_payment_method(request: ApiRequest) -> Reply:
    row = request.state.payment_methods.require(request.params["paymentMethodId"])
    row.update(request.body)
    if "stripeSetupIntentSecret" in request.body:
        row["details"] = {"brand": "visa", "last4": "4242", "expMonth": 12, "expYear": 2030}
    return 200, _payment_method(request.stamp_updated(row))


def delete_payment_method(request: ApiRequest) -> Reply:
    state = request.state
    payment_method_id = request.params["paymentMethodId"]
    state.payment_methods.require(payment_method_id)
    users = [
        row["organizationId"]
        for row in state.organizations
        if row.get("paymentMethodId") == payment_method_id
    ]
    if users:
        raise ApiError(
            400,
            f"{payment_method_id} pays for {', '.join(users)}; give the organization another "
            "paymentMethodId first",
        )
    return 200, _payment_method(state.payment_methods.delete(payment_method_id))


# ---------------------------------------------------------------------------------------------
# Profiles


def get_profile(request: ApiRequest) -> Reply:
    return 200, public(request.state.profiles.require(request.params["profileId"]))


def update_profile(request: ApiRequest) -> Reply:
    row = request.state.profiles.require(request.params["profileId"])
    row["updatedTime"] = now_iso()
    return 200, public(row)
