"""Assets: files (such as a manual transition's user interface) stored with the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from .. import ids
from ..client import Client
from ..content import Content
from ._base import Audited, ClientCall, Deletable, Listable, Operations, Retrievable, Updatable, given, lazy
from ._session import SessionLike, async_client_for, client_for

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
        get=Client.get_asset, list=Client.list_assets, update=Client.update_asset, delete=Client.delete_asset
    )

    asset_id: str
    name: str | None = None
    description: str | None = None
    content: bytes | None = lazy()

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
            session: a :class:`las.Session` or :class:`las.Client`; default: the default session.

        Raises:
            ContentTooLargeError: over the API's limit (before any upload).
        """
        call = ClientCall("create_asset", (content,), given(name=name, description=description))
        return cls._build(call, client_for(session))

    @classmethod
    async def create_async(
        cls,
        content: Content,
        *,
        name: str | None = None,
        description: str | None = None,
        session: Any = None,
    ) -> Asset:
        """:meth:`create`, awaited: ``session`` is an :class:`las.AsyncSession` or AsyncClient."""
        call = ClientCall("create_asset", (content,), given(name=name, description=description))
        return await cls._build_async(call, async_client_for(session))

    def _update_arguments(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        return dict(changes)  # content goes as given (bytes, path or file): the Client reads it
