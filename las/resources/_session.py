"""The default session, and the Client each resource object talks through.

Nothing happens at import: the default :class:`las.Session` is built on first use (from
arguments-less ``las.Session()``, i.e. the environment or ``~/.lucidtech/credentials.cfg``),
once, even when several threads ask at the same time. :func:`set_default_session` replaces it.

Every resource call takes ``session=`` (a :class:`las.Session`, or a :class:`las.Client`);
:func:`client_for` turns either into the Client the call uses (:func:`client_for_async` the
AsyncClient of an ``*_async`` verb). A Client per Session is cached, so objects from one Session
share one Client.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..client import Client
from ..session import Session
from ._errors import InvalidArgumentError, wrong_variant

__all__ = [
    "SessionLike",
    "any_client_for",
    "client_for",
    "client_for_async",
    "get_default_session",
    "set_default_session",
    "using_session",
]

SessionLike = Session | Client
"""What ``session=`` accepts: a :class:`las.Session` or a :class:`las.Client`."""

if TYPE_CHECKING:  # the async classes need the async extra: named for type checkers only
    from typing import TypeAlias

    from .._async_client import AsyncClient
    from .._async_session import AsyncSession

    AnySessionLike: TypeAlias = "Session | Client | AsyncSession | AsyncClient"
    """What ``session=`` of a verb that sends nothing accepts (``ref``, ``all``): either variant."""
    AsyncSessionLike: TypeAlias = "AsyncSession | AsyncClient"
    """What ``session=`` of an ``*_async`` verb accepts."""

_lock = threading.Lock()
_default: Session | None = None
# Keyed by id(session), holding Clients weakly: a Client refers to its Session, so a dict holding
# Clients strongly (or keyed weakly by the Session) would keep every Session and its open
# connections alive forever. A live Client keeps its Session alive, so an id is never reused
# while its entry exists.
_clients: weakref.WeakValueDictionary[int, Client] = weakref.WeakValueDictionary()


def get_default_session() -> Session:
    """Return the default session, creating it on the first call.

    Raises:
        MissingCredentials: no credentials in the environment or the config file (only when
            the session is first created).
    """
    global _default
    with _lock:
        if _default is None:
            _default = Session()
        return _default


def set_default_session(session: SessionLike | None) -> None:
    """Make ``session`` the one resource calls use when they are not given ``session=``.

    Args:
        session: a :class:`las.Session` (or a :class:`las.Client`, whose session is used);
            None forgets the current one, so the next use creates a new one from the environment.

    Example::

        las.set_default_session(las.Session(las.Credentials(...)))
    """
    global _default
    if session is not None and not isinstance(session, (Session, Client)):
        raise InvalidArgumentError(f"expected a las.Session or las.Client, got {type(session).__name__}")
    if isinstance(session, Client):
        with _lock:
            _clients.setdefault(id(session.session), session)
        session = session.session
    with _lock:
        _default = session


@contextlib.contextmanager
def using_session(session: SessionLike | None) -> Iterator[Session | None]:
    """Make ``session`` the default inside a ``with`` block, then put back the one before.

    What was there before is restored exactly, even when it was "none yet" (so the next use
    outside the block still builds one from the environment), and even if the block raises.

    Example::

        with las.using_session(las.Session(credentials)):
            las.Dataset.create(name="receipts")  # through that session
    """
    global _default
    with _lock:
        saved = _default
    set_default_session(session)
    try:
        with _lock:
            current = _default
        yield current
    finally:
        with _lock:
            _default = saved


def client_for(session: SessionLike | None = None, owner: object = None, verb: str = "") -> Client:
    """The Client to use for ``session`` (a Session, a Client, or None for the default session).

    Args:
        owner, verb: the class and the verb asking (``Document``, ``"get"``), named in the error
            when ``session`` is an async one.

    Raises:
        InvalidArgumentError: ``session`` is an AsyncSession or AsyncClient (the message names
            the verb's ``*_async`` twin), or not a session at all.
    """
    if isinstance(session, Client):
        return session
    if session is None:
        session = get_default_session()
    elif not isinstance(session, Session):
        if getattr(session, "is_async", False):
            if verb:
                raise wrong_variant(owner, verb, bound_async=True)
            raise InvalidArgumentError(
                f"this call sends a request at once, and its session is an {type(session).__name__}: "
                "await the verb's *_async twin instead"
            )
        raise InvalidArgumentError(
            f"session must be a las.Session or las.Client, got {type(session).__name__}"
        )
    with _lock:
        client = _clients.get(id(session))
        if client is None or client.session is not session:
            client = _clients[id(session)] = Client(session=session)
        return client


_async_clients: weakref.WeakValueDictionary[int, AsyncClient] = weakref.WeakValueDictionary()
_default_async: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def client_for_async(session: Any = None, owner: object = None, verb: str = "") -> AsyncClient:
    """The :class:`las.AsyncClient` for ``session``: an AsyncSession, an AsyncClient, or None for
    the running event loop's default (an AsyncSession on the default session's credentials,
    so both share one token).

    Raises:
        InvalidArgumentError: ``session`` is a sync one (the message names the verb without
            ``_async`` when ``owner`` and ``verb`` say which), or not a session at all.
    """
    import asyncio

    from .._async_client import AsyncClient
    from .._async_session import AsyncSession

    if isinstance(session, AsyncClient):
        return session
    if session is None:
        loop = asyncio.get_running_loop()
        credentials = get_default_session().credentials
        with _lock:
            session = _default_async.get(loop)
            if session is None or session.credentials is not credentials:
                session = _default_async[loop] = AsyncSession(credentials)
    elif not isinstance(session, AsyncSession):
        if verb and isinstance(session, (Session, Client)):
            raise wrong_variant(owner, verb, bound_async=False)
        raise InvalidArgumentError(
            f"an *_async verb needs session= an las.AsyncSession or las.AsyncClient, got {type(session).__name__}"
        )
    with _lock:
        client = _async_clients.get(id(session))
        if client is None or client.session is not session:
            client = _async_clients[id(session)] = AsyncClient(session=session)
        return client


def any_client_for(session: Any = None) -> Any:
    """:func:`client_for`, or :func:`client_for_async` when ``session`` is an async one."""
    if getattr(session, "is_async", False):
        return client_for_async(session)
    return client_for(session)
