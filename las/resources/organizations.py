"""The organization: its name, and how much of each quota it has used."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from .. import ids
from ._base import Operations, Retrievable, Updatable
from ._session import SessionLike, client_for, client_for_async

if TYPE_CHECKING:
    from ._session import AsyncSessionLike

__all__ = ["Organization"]


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class Organization(Retrievable, Updatable):
    """An organization: ``Organization.me()`` (the caller's) or ``Organization.get(organization_id)``;
    ``update`` changes ``name`` and ``description``.

    The ``number_of_*_allowed`` / ``*_created`` counters are its quotas and their use; the
    ``monthly_*`` ones restart every month. The API cannot list, create or delete organizations.
    """

    _id_field: ClassVar[str] = "organization_id"
    _id_kind: ClassVar[str] = ids.ORGANIZATION
    _updatable: ClassVar[frozenset[str]] = frozenset({"name", "description"})
    _operations: ClassVar[Operations] = Operations(get="get_organization", update="update_organization")

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

    # ---- end of generated sync twins ----
