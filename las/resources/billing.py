"""What an organization pays with and for: payment methods and the plans of the service
(the 2024-11-29 contract)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from .. import ids
from ._base import Audited, Deletable, Listable, Operations, Retrievable, Updatable, given
from ._session import SessionLike, client_for, client_for_async

if TYPE_CHECKING:
    from ._session import AsyncSessionLike

__all__ = ["PaymentMethod", "Plan"]


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class Plan(Retrievable, Listable):
    """A plan of the service: what an organization may use and what it costs. Read-only:
    ``Plan.all()`` (``owner=`` an organization id lists another organization's plans),
    ``Plan.get(id)``; ``organization.update(plan=...)`` changes an organization's plan.

    A plan id may carry its owner's prefix and a version:
    ``las:organization:cradl/las:plan:free:@latest``. The quota fields (``users``,
    ``gpu_hours``, ...) are the API's objects.
    """

    _id_field: ClassVar[str] = "plan_id"
    _id_kind: ClassVar[str] = ids.PLAN
    _filters: ClassVar[Mapping[str, str | None]] = {"owner": None}
    _operations: ClassVar[Operations] = Operations(get="get_plan", list="list_plans")

    plan_id: str
    organization_id: str | None = None
    name: str | None = None
    description: str | None = None
    available: bool | None = None
    """Whether an organization can choose it now."""
    currency: str | None = None
    """``"USD"``, ``"EUR"`` or ``"NOK"``."""
    latest: int | None = None
    """Its latest version."""
    license: dict[str, Any] | None = None
    users: dict[str, Any] | None = None
    user_minutes: dict[str, Any] | None = None
    active_models: dict[str, Any] | None = None
    field_predictions: dict[str, Any] | None = None
    page_predictions: dict[str, Any] | None = None
    gpu_hours: dict[str, Any] | None = None
    flows: dict[str, Any] | None = None
    model_deployment_units: dict[str, Any] | None = None
    production_workflow_minutes: dict[str, Any] | None = None


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class PaymentMethod(Audited, Retrievable, Listable, Updatable, Deletable):
    """A payment method of the organization (a card, set up through Stripe).

    The answer to :meth:`create` may carry a ``stripe_setup_intent_secret`` and a
    ``stripe_publishable_key`` to set the card up with Stripe (keep them then: the secret is in
    no other answer); ``update(stripe_setup_intent_secret=...)`` then tells the API, and
    ``details`` describes the card.
    ``update`` also changes ``name`` and ``description``; ``organization.update(payment_method=...)``
    makes the organization pay with it. The secret is never shown in its repr.
    """

    _id_field: ClassVar[str] = "payment_method_id"
    _id_kind: ClassVar[str] = ids.PAYMENT_METHOD
    _updatable: ClassVar[frozenset[str]] = frozenset({"name", "description", "stripe_setup_intent_secret"})
    _operations: ClassVar[Operations] = Operations(
        get="get_payment_method",
        list="list_payment_methods",
        update="update_payment_method",
        delete="delete_payment_method",
    )

    payment_method_id: str
    name: str | None = None
    description: str | None = None
    details: dict[str, Any] | None = None
    """The card, once set up (e.g. its brand and last four digits); None before."""
    stripe_publishable_key: str | None = None
    stripe_setup_intent_secret: str | None = None

    # ---- async source: tools/unasync.py derives the sync twins below ----
    @classmethod
    async def create_async(
        cls,
        *,
        name: str | None = None,
        description: str | None = None,
        session: AsyncSessionLike | None = None,
    ) -> PaymentMethod:
        """Create a payment method (one request, never repeated).

        Args:
            name, description: free text.
            session: a :class:`las.AsyncSession` or :class:`las.AsyncClient`; default: the
                default session.

        Raises:
            ContractError: the session speaks 2021-09-23, which has no payment methods.
        """
        client = client_for_async(session, cls, "create")
        answer = await client.with_raw_response.create_payment_method(
            **given(name=name, description=description)
        )
        return cls._from_answer("create_payment_method", answer, client)

    # ---- sync twins: generated from the async source above, do not edit ----
    @classmethod
    def create(
        cls,
        *,
        name: str | None = None,
        description: str | None = None,
        session: SessionLike | None = None,
    ) -> PaymentMethod:
        """Create a payment method (one request, never repeated).

        Args:
            name, description: free text.
            session: a :class:`las.Session` or :class:`las.Client`; default: the
                default session.

        Raises:
            ContractError: the session speaks 2021-09-23, which has no payment methods.
        """
        client = client_for(session, cls, "create")
        answer = client.with_raw_response.create_payment_method(**given(name=name, description=description))
        return cls._from_answer("create_payment_method", answer, client)

    # ---- end of generated sync twins ----
