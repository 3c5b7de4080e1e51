"""Assets: files (such as a manual transition's user interface) stored with the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from .. import ids
from ..content import Content
from ._base import Audited, Deletable, Listable, Operations, Retrievable, Updatable, given, lazy
from ._session import SessionLike, client_for, client_for_async

if TYPE_CHECKING:
    from ._session import AsyncSessionLike

__all__ = ["Asset"]


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class Asset(Audited, Retrievable, Listable, Updatable, Deletable):
    """A stored file. ``update`` changes ``name``, ``description`` and ``content``.

    Lazy fields (left out of lists; reading one on a listed asset loads it, once):
    ``content`` (bytes, decoded from base64 when read).
    """

    _id_field: ClassVar[str] = "asset_id"
    _id_kind: ClassVar[str] = ids.ASSET
    _updatable: ClassVar[frozenset[str]] = frozenset({"name", "description", "content"})
    _operations: ClassVar[Operations] = Operations(
        get="get_asset", list="list_assets", update="update_asset", delete="delete_asset"
    )

    asset_id: str
    name: str | None = None
    description: str | None = None
    content: bytes | None = lazy()

    # ---- async source: tools/unasync.py derives the sync twins below ----
    @classmethod
    async def create_async(
        cls,
        content: Content,
        *,
        name: str | None = None,
        description: str | None = None,
        session: AsyncSessionLike | None = None,
    ) -> Asset:
        """Store a file (one request).

        Args:
            content: bytes, a path (str or Path) or a binary file object.
            name, description: free text.
            session: a :class:`las.AsyncSession` or :class:`las.AsyncClient`; default: the
                default session.

        Raises:
            ContentTooLargeError: over the API's limit (before any upload).
        """
        client = client_for_async(session, cls, "create")
        answer = await client.with_raw_response.create_asset(
            content, **given(name=name, description=description)
        )
        return cls._from_answer("create_asset", answer, client)

    # ---- sync twins: generated from the async source above, do not edit ----
    @classmethod
    def create(
        cls,
        content: Content,
        *,
        name: str | None = None,
        description: str | None = None,
        session: SessionLike | None = None,
    ) -> Asset:
        """Store a file (one request).

        Args:
            content: bytes, a path (str or Path) or a binary file object.
            name, description: free text.
            session: a :class:`las.Session` or :class:`las.Client`; default: the
                default session.

        Raises:
            ContentTooLargeError: over the API's limit (before any upload).
        """
        client = client_for(session, cls, "create")
        answer = client.with_raw_response.create_asset(content, **given(name=name, description=description))
        return cls._from_answer("create_asset", answer, client)

    # ---- end of generated sync twins ----

    def _update_arguments(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        return dict(changes)  # content goes as given (bytes, path or file): the Client reads it
