"""Secrets: credentials and other values that transitions and workflows use without showing them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from .. import ids
from ._base import Audited, Deletable, Listable, NotRetrievable, Operations, Updatable, given
from ._session import SessionLike, client_for, client_for_async

if TYPE_CHECKING:
    from ._session import AsyncSessionLike

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
        list="list_secrets", update="update_secret", delete="delete_secret"
    )

    secret_id: str
    name: str | None = None
    description: str | None = None

    # ---- async source: tools/unasync.py derives the sync twins below ----
    @classmethod
    async def create_async(
        cls,
        data: Mapping[str, Any],
        *,
        name: str | None = None,
        description: str | None = None,
        session: AsyncSessionLike | None = None,
    ) -> Secret:
        """Store a secret (one request), e.g. ``Secret.create({"username": ..., "password": ...})``.

        Args:
            data: the values to keep secret.
            name, description: free text.
            session: a :class:`las.AsyncSession` or :class:`las.AsyncClient`; default: the
                default session.
        """
        client = client_for_async(session, cls, "create")
        answer = await client.with_raw_response.create_secret(
            dict(data), **given(name=name, description=description)
        )
        return cls._from_answer("create_secret", answer, client)

    # ---- sync twins: generated from the async source above, do not edit ----
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
            session: a :class:`las.Session` or :class:`las.Client`; default: the
                default session.
        """
        client = client_for(session, cls, "create")
        answer = client.with_raw_response.create_secret(
            dict(data), **given(name=name, description=description)
        )
        return cls._from_answer("create_secret", answer, client)

    # ---- end of generated sync twins ----
