"""App clients: the credentials (client id and secret) that programs use to call the API."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

import attrs

from .. import ids
from ._base import Audited, Deletable, Listable, Operations, Retrievable, Updatable, given
from ._session import SessionLike, client_for, client_for_async

if TYPE_CHECKING:
    from ._session import AsyncSessionLike

__all__ = ["AppClient"]


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class AppClient(Audited, Retrievable, Listable, Updatable, Deletable):
    """An app client. ``client_secret`` and ``api_key`` are never shown in its repr.

    ``client_secret`` is only in the answer to :meth:`create`: keep it then. ``update``
    changes ``name``, ``description``, ``login_urls`` and ``default_login_url``.
    ``AppClient.get(id)`` is the 2024-11-29 contract's: on 2021-09-23, which has no way to get
    one app client by id, it raises :class:`NotInContractError` (a NotSupportedError) before any
    request: find it with ``AppClient.all()`` there.
    """

    _id_field: ClassVar[str] = "app_client_id"
    _id_kind: ClassVar[str] = ids.APP_CLIENT
    _updatable: ClassVar[frozenset[str]] = frozenset(
        {"name", "description", "login_urls", "default_login_url"}
    )
    _operations: ClassVar[Operations] = Operations(
        get="get_app_client", list="list_app_clients", update="update_app_client", delete="delete_app_client"
    )
    _listed_where_not_got: ClassVar[bool] = True

    app_client_id: str
    client_id: str | None = None
    name: str | None = None
    description: str | None = None
    has_secret: bool | None = None
    client_secret: str | None = None
    api_key: str | None = None
    callback_urls: list[str] = attrs.field(factory=list)
    login_urls: list[str] = attrs.field(factory=list)
    logout_urls: list[str] = attrs.field(factory=list)
    default_login_url: str | None = None
    role_ids: list[str] = attrs.field(factory=list)
    """The Roles it holds (2024-11-29)."""

    # ---- async source: tools/unasync.py derives the sync twins below ----
    @classmethod
    async def create_async(
        cls,
        *,
        name: str | None = None,
        description: str | None = None,
        generate_secret: bool = True,
        callback_urls: Sequence[str] | None = None,
        login_urls: Sequence[str] | None = None,
        logout_urls: Sequence[str] | None = None,
        default_login_url: str | None = None,
        session: AsyncSessionLike | None = None,
    ) -> AppClient:
        """Create an app client (one request).

        Args:
            name, description: free text.
            generate_secret: False for a public client (no secret).
            callback_urls, login_urls, logout_urls, default_login_url: OAuth2 URLs
                (``https://...`` or ``http://localhost...``).
            session: a :class:`las.AsyncSession` or :class:`las.AsyncClient`; default: the
                default session.
        """
        arguments = given(
            generate_secret=generate_secret,
            logout_urls=list(logout_urls) if logout_urls is not None else None,
            callback_urls=list(callback_urls) if callback_urls is not None else None,
            login_urls=list(login_urls) if login_urls is not None else None,
            default_login_url=default_login_url,
            name=name,
            description=description,
        )
        client = client_for_async(session, cls, "create")
        answer = await client.with_raw_response.create_app_client(**arguments)
        return cls._from_answer("create_app_client", answer, client)

    # ---- sync twins: generated from the async source above, do not edit ----
    @classmethod
    def create(
        cls,
        *,
        name: str | None = None,
        description: str | None = None,
        generate_secret: bool = True,
        callback_urls: Sequence[str] | None = None,
        login_urls: Sequence[str] | None = None,
        logout_urls: Sequence[str] | None = None,
        default_login_url: str | None = None,
        session: SessionLike | None = None,
    ) -> AppClient:
        """Create an app client (one request).

        Args:
            name, description: free text.
            generate_secret: False for a public client (no secret).
            callback_urls, login_urls, logout_urls, default_login_url: OAuth2 URLs
                (``https://...`` or ``http://localhost...``).
            session: a :class:`las.Session` or :class:`las.Client`; default: the
                default session.
        """
        arguments = given(
            generate_secret=generate_secret,
            logout_urls=list(logout_urls) if logout_urls is not None else None,
            callback_urls=list(callback_urls) if callback_urls is not None else None,
            login_urls=list(login_urls) if login_urls is not None else None,
            default_login_url=default_login_url,
            name=name,
            description=description,
        )
        client = client_for(session, cls, "create")
        answer = client.with_raw_response.create_app_client(**arguments)
        return cls._from_answer("create_app_client", answer, client)

    # ---- end of generated sync twins ----
