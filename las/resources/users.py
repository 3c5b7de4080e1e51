"""Users of the organization."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import attrs

from .. import ids
from ._base import Audited, Deletable, Listable, Operations, Retrievable, Updatable, given
from ._session import SessionLike, client_for, client_for_async

if TYPE_CHECKING:
    from ._session import AsyncSessionLike
    from .app_clients import AppClient

__all__ = ["User"]


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class User(Audited, Retrievable, Listable, Updatable, Deletable):
    """A user. ``update`` changes ``name`` and ``avatar`` (a base64 JPEG)."""

    _id_field: ClassVar[str] = "user_id"
    _id_kind: ClassVar[str] = ids.USER
    _updatable: ClassVar[frozenset[str]] = frozenset({"name", "avatar"})
    _clearable: ClassVar[frozenset[str]] = frozenset({"name", "avatar"})
    _operations: ClassVar[Operations] = Operations(
        get="get_user", list="list_users", update="update_user", delete="delete_user"
    )

    user_id: str
    email: str | None = None
    name: str | None = None
    avatar: str | None = None

    # ---- async source: tools/unasync.py derives the sync twins below ----
    @classmethod
    async def create_async(
        cls,
        email: str,
        *,
        app_client: AppClient | str | None = None,
        name: str | None = None,
        avatar: str | None = None,
        session: AsyncSessionLike | None = None,
    ) -> User:
        """Invite a user (one request).

        Args:
            email: the user's email address.
            app_client: the AppClient (or its id) the invitation is for.
            name: the user's name.
            avatar: a base64-encoded JPEG.
            session: a :class:`las.AsyncSession` or :class:`las.AsyncClient`; default: the
                default session.

        Raises:
            InvalidIdError: ``app_client`` is not an app client (before any request).
        """
        app_client_id = ids.require_id(ids.APP_CLIENT, app_client) if app_client is not None else None
        client = client_for_async(session, cls, "create")
        answer = await client.with_raw_response.create_user(
            email, app_client_id=app_client_id, **given(name=name, avatar=avatar)
        )
        return cls._from_answer("create_user", answer, client)

    # ---- sync twins: generated from the async source above, do not edit ----
    @classmethod
    def create(
        cls,
        email: str,
        *,
        app_client: AppClient | str | None = None,
        name: str | None = None,
        avatar: str | None = None,
        session: SessionLike | None = None,
    ) -> User:
        """Invite a user (one request).

        Args:
            email: the user's email address.
            app_client: the AppClient (or its id) the invitation is for.
            name: the user's name.
            avatar: a base64-encoded JPEG.
            session: a :class:`las.Session` or :class:`las.Client`; default: the
                default session.

        Raises:
            InvalidIdError: ``app_client`` is not an app client (before any request).
        """
        app_client_id = ids.require_id(ids.APP_CLIENT, app_client) if app_client is not None else None
        client = client_for(session, cls, "create")
        answer = client.with_raw_response.create_user(
            email, app_client_id=app_client_id, **given(name=name, avatar=avatar)
        )
        return cls._from_answer("create_user", answer, client)

    # ---- end of generated sync twins ----
