"""The organization: its name, and how much of each quota it has used."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from .. import ids
from ._base import Listable, Operations, Retrievable, Updatable, given, sync_property
from ._plan import to_wire
from ._session import SessionLike, client_for, client_for_async
from .billing import PaymentMethod, Plan

if TYPE_CHECKING:
    from ._session import AsyncSessionLike

__all__ = ["Organization"]


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class Organization(Retrievable, Listable, Updatable):
    """An organization: ``Organization.me()`` (the caller's) or ``Organization.get(organization_id)``;
    ``update`` changes ``name`` and ``description``, and (2024-11-29) ``plan`` and
    ``payment_method``, which ``organization.plan`` and
    ``organization.payment_method`` give.

    The ``number_of_*_allowed`` / ``*_created`` counters are its quotas and their use; the
    ``monthly_*`` ones restart every month. ``Organization.all()`` and
    ``Organization.create(name=...)`` are the 2024-11-29 contract's; the API cannot delete an
    organization.
    """

    _id_field: ClassVar[str] = "organization_id"
    _id_kind: ClassVar[str] = ids.ORGANIZATION
    _updatable: ClassVar[frozenset[str]] = frozenset({"name", "description", "plan", "payment_method"})
    _operations: ClassVar[Operations] = Operations(
        get="get_organization", list="list_organizations", update="update_organization"
    )

    organization_id: str
    name: str | None = None
    description: str | None = None
    monthly_usage_summary: dict[str, Any] = attrs.field(factory=dict)
    monthly_number_of_data_bundles_allowed: int | None = None
    monthly_number_of_data_bundles_created: int | None = None
    monthly_number_of_documents_allowed: int | None = None
    monthly_number_of_documents_created: int | None = None
    monthly_number_of_predictions_allowed: int | None = None
    monthly_number_of_predictions_created: int | None = None
    monthly_number_of_transition_executions_allowed: int | None = None
    monthly_number_of_transition_executions_created: int | None = None
    monthly_number_of_workflow_executions_allowed: int | None = None
    monthly_number_of_workflow_executions_created: int | None = None
    number_of_app_clients_allowed: int | None = None
    number_of_app_clients_created: int | None = None
    number_of_assets_allowed: int | None = None
    number_of_assets_created: int | None = None
    number_of_batches_allowed: int | None = None
    number_of_batches_created: int | None = None
    number_of_datasets_allowed: int | None = None
    number_of_datasets_created: int | None = None
    number_of_models_allowed: int | None = None
    number_of_models_created: int | None = None
    number_of_secrets_allowed: int | None = None
    number_of_secrets_created: int | None = None
    number_of_transitions_allowed: int | None = None
    number_of_transitions_created: int | None = None
    number_of_users_allowed: int | None = None
    number_of_users_created: int | None = None
    number_of_workflows_allowed: int | None = None
    number_of_workflows_created: int | None = None
    updated_by: str | None = None
    updated_time: datetime | None = None
    plan_id: str | None = None
    """The Plan it is on (2024-11-29)."""
    payment_method_id: str | None = None
    """The PaymentMethod it pays with (2024-11-29), or None."""

    def _update_arguments(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        result = {
            name: to_wire(value) for name, value in changes.items() if name not in ("plan", "payment_method")
        }
        if "plan" in changes:
            result["plan_id"] = ids.require_id(ids.PLAN, changes["plan"])
        if "payment_method" in changes:
            result["payment_method_id"] = ids.require_id(ids.PAYMENT_METHOD, changes["payment_method"])
        return result

    # ---- async source: tools/unasync.py derives the sync twins below ----
    @classmethod
    async def me_async(cls, *, session: AsyncSessionLike | None = None) -> Organization:
        """The organization of the session's credentials (one request, ``GET /organizations/me``).

        Example::

            print((await las.Organization.me_async()).number_of_documents_created)
        """
        client = client_for_async(session, cls, "me")
        answer = await client.with_raw_response.get_organization("me")
        return cls._from_answer("get_organization", answer, client, full=True)

    @classmethod
    async def create_async(
        cls, *, name: str | None = None, session: AsyncSessionLike | None = None
    ) -> Organization:
        """Create an organization (one request, never repeated; 2024-11-29).

        Raises:
            ContractError: the session speaks 2021-09-23, which cannot create organizations.
        """
        client = client_for_async(session, cls, "create")
        answer = await client.with_raw_response.create_organization(**given(name=name))
        return cls._from_answer("create_organization", answer, client)

    @sync_property
    async def plan_async(self) -> Plan | None:
        """The Plan it is on (2024-11-29; one request on first use, then kept), or None."""
        return await self._relation_async("plan", self.plan_id, Plan)

    @sync_property
    async def payment_method_async(self) -> PaymentMethod | None:
        """The PaymentMethod it pays with (2024-11-29; one request on first use, then kept), or None."""
        return await self._relation_async("payment_method", self.payment_method_id, PaymentMethod)

    # ---- sync twins: generated from the async source above, do not edit ----
    @classmethod
    def me(cls, *, session: SessionLike | None = None) -> Organization:
        """The organization of the session's credentials (one request, ``GET /organizations/me``).

        Example::

            print((las.Organization.me()).number_of_documents_created)
        """
        client = client_for(session, cls, "me")
        answer = client.with_raw_response.get_organization("me")
        return cls._from_answer("get_organization", answer, client, full=True)

    @classmethod
    def create(cls, *, name: str | None = None, session: SessionLike | None = None) -> Organization:
        """Create an organization (one request, never repeated; 2024-11-29).

        Raises:
            ContractError: the session speaks 2021-09-23, which cannot create organizations.
        """
        client = client_for(session, cls, "create")
        answer = client.with_raw_response.create_organization(**given(name=name))
        return cls._from_answer("create_organization", answer, client)

    @property
    def plan(self) -> Plan | None:
        """The Plan it is on (2024-11-29; one request on first use, then kept), or None."""
        return self._relation("plan", self.plan_id, Plan)

    @property
    def payment_method(self) -> PaymentMethod | None:
        """The PaymentMethod it pays with (2024-11-29; one request on first use, then kept), or None."""
        return self._relation("payment_method", self.payment_method_id, PaymentMethod)

    # ---- end of generated sync twins ----
