"""Users of the organization, their profiles and the roles they may hold."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from .. import ids
from ._base import (
    Audited,
    Deletable,
    Listable,
    Operations,
    Resource,
    Retrievable,
    Updatable,
    given,
    sync_property,
)
from ._plan import to_wire
from ._session import SessionLike, client_for, client_for_async

if TYPE_CHECKING:
    from ._session import AsyncSessionLike
    from .app_clients import AppClient

__all__ = ["Profile", "Role", "User"]


def _role_ids(roles: Iterable[Role | str] | Role | str) -> list[str]:
    """The ids of one role or of several (checked: each must be a role id), for ``roles=``."""
    if isinstance(roles, (str, Resource)):
        return [ids.require_id(ids.ROLE, roles)]
    return [ids.require_id(ids.ROLE, role) for role in roles]


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class Role(Audited, Retrievable, Listable):
    """A role: a named set of ``permissions`` (each ``{"action", "effect", "resourceId"}``) that
    users and app clients hold (``User.create(..., roles=[...])``). Read-only: ``Role.all()``,
    ``Role.get(id)`` (2024-11-29)."""

    _id_field: ClassVar[str] = "role_id"
    _id_kind: ClassVar[str] = ids.ROLE
    _operations: ClassVar[Operations] = Operations(get="get_role", list="list_roles")

    role_id: str
    name: str | None = None
    description: str | None = None
    permissions: list[dict[str, Any]] = attrs.field(factory=list)


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class Profile(Retrievable):
    """A user's profile (2024-11-29): who they are (``email``, ``name``, ``given_name``,
    ``family_name``, ``locale``, ``picture``), as ``user.profile`` gives it. The API cannot list
    profiles, and its way to change one takes no field."""

    _id_field: ClassVar[str] = "profile_id"
    _id_kind: ClassVar[str] = ids.PROFILE
    _operations: ClassVar[Operations] = Operations(get="get_profile")

    profile_id: str
    email: str | None = None
    name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    locale: str | None = None
    picture: str | None = None
    metadata: dict[str, Any] | None = None
    number_of_organizations_allowed: int | None = None
    number_of_organizations_created: int | None = None
    created_time: datetime | None = None
    updated_time: datetime | None = None


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class User(Audited, Retrievable, Listable, Updatable, Deletable):
    """A user. ``update`` changes ``name`` and ``avatar`` (a base64 JPEG) on 2021-09-23;
    ``metadata`` and ``roles`` on 2024-11-29, where who the user is lives in ``user.profile``
    (its ``email`` and names) and ``email``, ``name`` and ``avatar`` are None."""

    _id_field: ClassVar[str] = "user_id"
    _id_kind: ClassVar[str] = ids.USER
    _updatable: ClassVar[frozenset[str]] = frozenset({"name", "avatar", "metadata", "roles"})
    _clearable: ClassVar[frozenset[str]] = frozenset({"name", "avatar"})
    _operations: ClassVar[Operations] = Operations(
        get="get_user", list="list_users", update="update_user", delete="delete_user"
    )

    user_id: str
    email: str | None = None
    name: str | None = None
    avatar: str | None = None
    profile_id: str | None = None
    """The user's Profile (2024-11-29)."""
    role_ids: list[str] = attrs.field(factory=list)
    """The Roles the user holds (2024-11-29)."""
    status: str | None = None
    metadata: dict[str, Any] | None = None
    """A dictionary of the caller's (2024-11-29)."""

    def _update_arguments(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        result = {name: to_wire(value) for name, value in changes.items() if name != "roles"}
        if "roles" in changes:
            result["role_ids"] = _role_ids(changes["roles"])
        return result

    # ---- async source: tools/unasync.py derives the sync twins below ----
    @classmethod
    async def create_async(
        cls,
        email: str,
        *,
        app_client: AppClient | str | None = None,
        name: str | None = None,
        avatar: str | None = None,
        roles: Iterable[Role | str] | None = None,
        metadata: Mapping[str, Any] | None = None,
        session: AsyncSessionLike | None = None,
    ) -> User:
        """Invite a user (one request).

        Args:
            email: the user's email address.
            app_client: the AppClient (or its id) the invitation is for.
            name: the user's name (2021-09-23).
            avatar: a base64-encoded JPEG (2021-09-23).
            roles: the Roles (or their ids) the user holds (2024-11-29).
            metadata: a dictionary to store additional information in (2024-11-29).
            session: a :class:`las.AsyncSession` or :class:`las.AsyncClient`; default: the
                default session.

        Raises:
            InvalidIdError: ``app_client`` or a role is not an id of its kind (before any request).
            ContractError: an argument the session's contract cannot carry (before any request).
        """
        app_client_id = ids.require_id(ids.APP_CLIENT, app_client) if app_client is not None else None
        arguments = given(
            name=name,
            avatar=avatar,
            role_ids=_role_ids(roles) if roles is not None else None,
            metadata=dict(metadata) if metadata is not None else None,
        )
        client = client_for_async(session, cls, "create")
        answer = await client.with_raw_response.create_user(email, app_client_id=app_client_id, **arguments)
        return cls._from_answer("create_user", answer, client)

    @sync_property
    async def profile_async(self) -> Profile | None:
        """The user's Profile (2024-11-29; one request on first use, then kept), or None."""
        return await self._relation_async("profile", self.profile_id, Profile)

    # ---- sync twins: generated from the async source above, do not edit ----
    @classmethod
    def create(
        cls,
        email: str,
        *,
        app_client: AppClient | str | None = None,
        name: str | None = None,
        avatar: str | None = None,
        roles: Iterable[Role | str] | None = None,
        metadata: Mapping[str, Any] | None = None,
        session: SessionLike | None = None,
    ) -> User:
        """Invite a user (one request).

        Args:
            email: the user's email address.
            app_client: the AppClient (or its id) the invitation is for.
            name: the user's name (2021-09-23).
            avatar: a base64-encoded JPEG (2021-09-23).
            roles: the Roles (or their ids) the user holds (2024-11-29).
            metadata: a dictionary to store additional information in (2024-11-29).
            session: a :class:`las.Session` or :class:`las.Client`; default: the
                default session.

        Raises:
            InvalidIdError: ``app_client`` or a role is not an id of its kind (before any request).
            ContractError: an argument the session's contract cannot carry (before any request).
        """
        app_client_id = ids.require_id(ids.APP_CLIENT, app_client) if app_client is not None else None
        arguments = given(
            name=name,
            avatar=avatar,
            role_ids=_role_ids(roles) if roles is not None else None,
            metadata=dict(metadata) if metadata is not None else None,
        )
        client = client_for(session, cls, "create")
        answer = client.with_raw_response.create_user(email, app_client_id=app_client_id, **arguments)
        return cls._from_answer("create_user", answer, client)

    @property
    def profile(self) -> Profile | None:
        """The user's Profile (2024-11-29; one request on first use, then kept), or None."""
        return self._relation("profile", self.profile_id, Profile)

    # ---- end of generated sync twins ----
