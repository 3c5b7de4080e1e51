"""Users of the organization."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from .. import ids
from ..client import Client
from ._base import Audited, ClientCall, Deletable, Listable, Operations, Retrievable, Updatable, given
from ._session import SessionLike, async_client_for, client_for

if TYPE_CHECKING:
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
        get=Client.get_user, list=Client.list_users, update=Client.update_user, delete=Client.delete_user
    )

    user_id: str
    email: str | None = None
    name: str | None = None
    avatar: str | None = None

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
            session: a :class:`las.Session` or :class:`las.Client`; default: the default session.

        Raises:
            InvalidIdError: ``app_client`` is not an app client (before any request).
        """
        return cls._build(cls._create_call(email, app_client, name, avatar), client_for(session))

    @classmethod
    async def create_async(
        cls,
        email: str,
        *,
        app_client: AppClient | str | None = None,
        name: str | None = None,
        avatar: str | None = None,
        session: Any = None,
    ) -> User:
        """:meth:`create`, awaited: ``session`` is an :class:`las.AsyncSession` or AsyncClient."""
        return await cls._build_async(
            cls._create_call(email, app_client, name, avatar), async_client_for(session)
        )

    @staticmethod
    def _create_call(
        email: str, app_client: AppClient | str | None, name: str | None, avatar: str | None
    ) -> ClientCall:
        app_client_id = ids.require_id(ids.APP_CLIENT, app_client) if app_client is not None else None
        arguments = {"app_client_id": app_client_id, **given(name=name, avatar=avatar)}
        return ClientCall("create_user", (email,), arguments)
