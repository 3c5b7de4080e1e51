"""Both executors behind one awaitable surface, so each scenario is written once and run twice.

The ``api`` fixture is a :class:`Variant`: ``await api.get_document(id)`` runs
``las.Client.get_document`` in a worker thread (sync variant) or awaits
``las.AsyncClient.get_document`` (async variant), against the same emulator.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

import las
from las.testing import Emulator


class Variant:
    """One SDK variant: ``await variant.<Client method>(...)`` and ``await variant.items(...)``."""

    def __init__(self, name: str, client: Any, connection_errors: tuple[type[BaseException], ...]) -> None:
        self.name = name
        self.client = client
        self.credentials: las.Credentials = client.credentials
        self.connection_errors = connection_errors

    def __repr__(self) -> str:
        return self.name

    def __getattr__(self, method: str) -> Callable[..., Coroutine[Any, Any, Any]]:
        bound = getattr(self.client, method)
        if self.name == "async":
            return bound  # type: ignore[no-any-return]

        async def in_thread(*args: Any, **kwargs: Any) -> Any:
            return await asyncio.to_thread(bound, *args, **kwargs)

        return in_thread

    async def raw(self, method: str, *args: Any, **kwargs: Any) -> las.RawResponse[Any]:
        """``client.with_raw_response.<method>(...)``: the data and the final answer's info."""
        bound = getattr(self.client.with_raw_response, method)
        if self.name == "async":
            return await bound(*args, **kwargs)  # type: ignore[no-any-return]
        return await asyncio.to_thread(bound, *args, **kwargs)  # type: ignore[no-any-return]

    def with_options(self, **options: Any) -> Variant:
        """This variant on ``session.with_options(**options)``: same pool, token and counter."""
        client = type(self.client)(session=self.client.session.with_options(**options))
        return Variant(self.name, client, self.connection_errors)

    async def items(self, list_method: str, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        """Every item of a list method: ``las.paginate`` (sync) or ``las.paginate_async`` (async)."""
        method = getattr(self.client, list_method)
        if self.name == "async":
            return [item async for item in las.paginate_async(method, *args, **kwargs)]
        return await asyncio.to_thread(lambda: list(las.paginate(method, *args, **kwargs)))


def credentials_for(emulator: Emulator, cache: Path) -> las.Credentials:
    return las.Credentials(
        emulator.client_id,
        emulator.client_secret,
        auth_endpoint=emulator.auth_endpoint,
        api_endpoint=emulator.api_endpoint,
        cached_profile="default",
        cache_path=cache,
        contract=emulator.contract,  # speak the contract the emulator serves
    )


SESSION_OPTIONS: dict[str, Any] = {"max_retries": 4, "timeout": (2.0, 5.0)}


@pytest_asyncio.fixture(params=["sync", "async"])
async def api(
    request: pytest.FixtureRequest, las_emulator: Emulator, tmp_path: Path
) -> AsyncIterator[Variant]:
    credentials = credentials_for(las_emulator, tmp_path / "token-cache.json")
    if request.param == "sync":
        with las.Session(credentials, **SESSION_OPTIONS) as session:
            yield Variant("sync", las.Client(session=session), (las.APIConnectionError,))
    else:
        async with las.AsyncSession(credentials, **SESSION_OPTIONS) as asession:
            yield Variant("async", las.AsyncClient(session=asession), (las.APIConnectionError,))
