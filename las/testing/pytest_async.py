"""Async pytest fixtures for the emulator (registered as the ``las_async`` plugin).

They need pytest-asyncio and the ``async`` extra (aiohttp); without them this plugin adds
nothing, so installing las never breaks a test run.

* ``las_async_session``: an :class:`las.AsyncSession` authenticated against ``las_emulator``
  (from the ``las`` plugin), its token cache in the test's ``tmp_path``, closed after the test.
* ``las_async_client``: an :class:`las.AsyncClient` using ``las_async_session``.

Example::

    import pytest

    @pytest.mark.asyncio
    async def test_creates_a_dataset(las_async_client, las_emulator):
        await las_async_client.create_dataset(name="receipts")
        assert [r.path for r in las_emulator.requests if r.method == "POST"] == ["/token", "/datasets"]
"""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

if importlib.util.find_spec("pytest_asyncio") and importlib.util.find_spec("aiohttp"):
    import pytest_asyncio

    from las.testing._emulator import Emulator

    @pytest_asyncio.fixture
    async def las_async_session(las_emulator: Emulator, tmp_path: Path) -> AsyncIterator[Any]:
        """An ``las.AsyncSession`` authenticated against ``las_emulator`` (closed after the test)."""
        import las

        credentials = las.Credentials(
            las_emulator.client_id,
            las_emulator.client_secret,
            auth_endpoint=las_emulator.auth_endpoint,
            api_endpoint=las_emulator.api_endpoint,
            cache_path=tmp_path / "token-cache.json",
            contract=las_emulator.contract,  # the session speaks the contract the emulator serves
        )
        async with las.AsyncSession(credentials) as session:
            yield session

    @pytest_asyncio.fixture
    async def las_async_client(las_async_session: Any) -> Any:
        """An ``las.AsyncClient`` using ``las_async_session``."""
        import las

        return las.AsyncClient(session=las_async_session)
