"""Async pytest fixtures for the emulator (registered as the ``las_async`` plugin).

They need pytest-asyncio and the ``async`` extra (aiohttp); without them this plugin adds
nothing, so installing las never breaks a test run.

* ``las_async_session``: an :class:`las.AsyncSession` authenticated against ``las_emulator``
  (from the ``las`` plugin), speaking its contract, with a token cache of its own (as
  ``las_session``'s), closed after the test (``las_emulator.async_session()``).
* ``las_async_client``: an :class:`las.AsyncClient` using ``las_async_session``.

Both run in the test's own event loop (``loop_scope="function"``, declared, so they do not
depend on pytest-asyncio's ``asyncio_default_fixture_loop_scope``).

pytest-asyncio warns at start-up (a ``PytestDeprecationWarning``) whenever
``asyncio_default_fixture_loop_scope`` is unset, whether or not any fixture depends on it. When
it is unset, this plugin keeps that start-up warning from showing, and instead warns once for
each async fixture of yours that does take its loop scope from the option (one declared
without ``loop_scope=``), when a test first uses it (pytest-asyncio 1.0 or newer; with older
releases there is no such warning). Set the option to quiet those.

Example::

    import pytest

    @pytest.mark.asyncio
    async def test_creates_a_dataset(las_async_client, las_emulator):
        await las_async_client.create_dataset(name="receipts")
        assert [r.path for r in las_emulator.requests if r.method == "POST"] == ["/token", "/datasets"]
"""

from __future__ import annotations

import importlib.util
import inspect
import warnings
from collections.abc import AsyncIterator, Generator
from typing import Any

import pytest

LOOP_SCOPE_OPTION = "asyncio_default_fixture_loop_scope"
# pytest-asyncio's start-up warning when the option is unset (its first line).
UNSET_WARNING = f'The configuration option "{LOOP_SCOPE_OPTION}" is unset'

_warned = pytest.StashKey[set[str]]()  # fixtures already warned about, per run

if importlib.util.find_spec("pytest_asyncio") and importlib.util.find_spec("aiohttp"):
    import pytest_asyncio

    from las.testing._emulator import Emulator

    @pytest_asyncio.fixture(loop_scope="function")
    async def las_async_session(las_emulator: Emulator) -> AsyncIterator[Any]:
        """An ``las.AsyncSession`` authenticated against ``las_emulator`` (closed after the test)."""
        async with las_emulator.async_session() as session:
            yield session

    @pytest_asyncio.fixture(loop_scope="function")
    async def las_async_client(las_async_session: Any) -> Any:
        """An ``las.AsyncClient`` using ``las_async_session``."""
        import las

        return las.AsyncClient(session=las_async_session)

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(config: pytest.Config) -> None:
        # Runs before pytest-asyncio's pytest_configure, inside the warnings context pytest
        # keeps for the run's configuration (and drops at its end); the filter matches that one
        # warning only.
        try:
            unset = not config.getini(LOOP_SCOPE_OPTION)
        except ValueError:  # pytest-asyncio is installed but disabled (-p no:asyncio)
            return
        if unset:
            config.stash[_warned] = set()
            warnings.filterwarnings("ignore", message=UNSET_WARNING, category=pytest.PytestDeprecationWarning)

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_fixture_setup(fixturedef: Any, request: pytest.FixtureRequest) -> Generator[None, Any, Any]:
        # Outermost, so fixturedef.func is still the fixture as written (pytest-asyncio >= 1.0
        # swaps in its runner inside its own hook; older releases did it at collection).
        warned = request.config.stash.get(_warned, None)
        if (
            warned is not None
            and fixturedef.argname not in warned
            and _takes_default_loop_scope(fixturedef, request)
        ):
            warned.add(fixturedef.argname)
            warnings.warn(
                pytest.PytestDeprecationWarning(
                    f"async fixture {fixturedef.argname!r} takes its event loop scope from "
                    f"{LOOP_SCOPE_OPTION}, which is unset: pytest-asyncio runs it in a loop of the "
                    "fixture's own scope today and will use 'function' in a future release. Declare "
                    f"@pytest_asyncio.fixture(loop_scope=...) or set {LOOP_SCOPE_OPTION} in your "
                    "pytest configuration."
                ),
                stacklevel=1,
            )
        return (yield)

    def _takes_default_loop_scope(fixturedef: Any, request: pytest.FixtureRequest) -> bool:
        """Whether pytest-asyncio runs this fixture with the default loop scope."""
        function = getattr(fixturedef.func, "__func__", fixturedef.func)
        if not (inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(function)):
            return False
        if getattr(function, "_loop_scope", None) is not None:
            return False  # declared (or, before pytest-asyncio 1.0, already resolved)
        if getattr(function, "_force_asyncio_fixture", False):
            return True  # @pytest_asyncio.fixture without loop_scope=
        mode = request.config.getoption("asyncio_mode", None) or request.config.getini("asyncio_mode")
        return str(mode) == "auto"  # a plain async @pytest.fixture is pytest-asyncio's in auto mode
