"""Secrets: credentials and other values that transitions and workflows use without showing them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from .. import ids
from ..client import Client
from ._base import Audited, ClientCall, Deletable, Listable, NotRetrievable, Operations, Updatable, given
from ._session import SessionLike, async_client_for, client_for

__all__ = ["Secret"]


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class Secret(Audited, NotRetrievable, Listable, Updatable, Deletable):
    """A secret. The API never returns a secret's ``data``, and the SDK never keeps or shows it.

    ``update`` changes ``name``, ``description`` and ``data``. The API has no way to get one
    secret by id: find it with ``Secret.all()``.
    """

    _id_field: ClassVar[str] = "secret_id"
    _id_kind: ClassVar[str] = ids.SECRET
    _updatable: ClassVar[frozenset[str]] = frozenset({"name", "description", "data"})
    _operations: ClassVar[Operations] = Operations(
        list=Client.list_secrets, update=Client.update_secret, delete=Client.delete_secret
    )

    secret_id: str
    name: str | None = None
    description: str | None = None

    @classmethod
    def create(
        cls,
        data: Mapping[str, Any],
        *,
        name: str | None = None,
        description: str | None = None,
        session: SessionLike | None = None,
    ) -> Secret:
        """Store a secret (one request), e.g. ``Secret.create({"username": ..., "password": ...})``.

        Args:
            data: the values to keep secret.
            name, description: free text.
            session: a :class:`las.Session` or :class:`las.Client`; default: the default session.
        """
        call = ClientCall("create_secret", (dict(data),), given(name=name, description=description))
        return cls._build(call, client_for(session))

    @classmethod
    async def create_async(
        cls,
        data: Mapping[str, Any],
        *,
        name: str | None = None,
        description: str | None = None,
        session: Any = None,
    ) -> Secret:
        """:meth:`create`, awaited: ``session`` is an :class:`las.AsyncSession` or AsyncClient."""
        call = ClientCall("create_secret", (dict(data),), given(name=name, description=description))
        return await cls._build_async(call, async_client_for(session))
