"""What the sync :class:`las.Session` and the :class:`las.AsyncSession` share: their per-call
options, ``with_options`` views, the request counter and response hooks, and the refusal to
pickle. Only the executors (requests and aiohttp) differ, in :mod:`las.session` and
:mod:`las._async_session`."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from . import contracts
from ._policy import Call, Limits, Outcome, Timeout, request_id
from ._response import RawResponse, ResponseInfo
from .credentials import Credentials, read_credentials
from .exceptions import SessionNotPicklableError

__all__ = ["ResponseHook", "SessionOptions", "check_options", "client_session_argument"]

ResponseHook = Callable[[ResponseInfo], None]
S = TypeVar("S", bound="SessionOptions")

_hooks_lock = threading.Lock()


class _SharedState(Protocol):
    """What a session and its views share, whatever the executor: the counter and the hooks."""

    count: int
    hooks: tuple[ResponseHook, ...]


def check_options(max_retries: int, max_retry_wait: float, deadline: float) -> None:
    """Refuse option values no call could honour."""
    if max_retries < 0:
        raise ValueError(f"max_retries must be 0 or more, got {max_retries}")
    if not max_retry_wait >= 0:
        raise ValueError(f"max_retry_wait must be 0 or more seconds, got {max_retry_wait}")
    if not deadline > 0:
        raise ValueError(f"deadline must be more than 0 seconds, got {deadline}")


class SessionOptions:
    """Credentials and the options every call of a session uses unless told otherwise."""

    credentials: Credentials
    api_endpoint: str
    timeout: Timeout
    max_retries: int
    max_retry_wait: float
    deadline: float
    lazy: bool
    contract: str
    """The API contract this session speaks, ``"2021-09-23"`` or ``"2024-11-29"``
    (:mod:`las.contracts`): the ``contract`` argument, else its credentials' contract."""
    _shared: _SharedState

    def _set_options(
        self,
        credentials: Credentials | None,
        timeout: Timeout,
        max_retries: int,
        max_retry_wait: float,
        deadline: float,
        lazy: bool,
        contract: str | None = None,
        profile: str | None = None,
    ) -> None:
        check_options(max_retries, max_retry_wait, deadline)
        if profile is not None:
            if credentials is not None:
                raise TypeError(
                    "pass credentials or profile=, not both: the profile names where credentials are read"
                )
            if not isinstance(profile, str) or not profile.strip():
                raise ValueError(
                    f"profile must name a section of ~/.lucidtech/credentials.cfg, got {profile!r}"
                )
        self.credentials = credentials or read_credentials(profile)
        self.api_endpoint = self.credentials.api_endpoint
        self.contract = self.credentials.contract if contract is None else contracts.check(contract)
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self.deadline = deadline
        self.lazy = lazy

    def _limits(self, timeout: Timeout | None, max_retries: int | None, deadline: float | None) -> Limits:
        """The limits of one call: the session's options, each overridden where the call says.

        Raises:
            ValueError: an override no call could honour (as :func:`check_options`).
        """
        if max_retries is not None or deadline is not None:  # (the common call overrides nothing)
            check_options(
                self.max_retries if max_retries is None else max_retries,
                self.max_retry_wait,
                self.deadline if deadline is None else deadline,
            )
        return Limits(
            self.timeout if timeout is None else timeout,
            self.max_retries if max_retries is None else max_retries,
            self.max_retry_wait,
            self.deadline if deadline is None else deadline,
        )

    def _answer(self, call: Call, outcome: Outcome, raw: bool) -> Any:
        """What a call returns (its data, or a :class:`RawResponse`), after the response hooks."""
        hooks = self._shared.hooks
        if not raw and not hooks:  # the common case builds nothing
            return outcome.data
        info = ResponseInfo(
            call.method,
            call.path,
            outcome.status,
            outcome.headers,
            request_id(outcome.headers),
            outcome.elapsed,
            outcome.attempts,
        )
        for hook in hooks:
            hook(info)
        return RawResponse(outcome.data, info) if raw else outcome.data

    def with_options(
        self: S,
        *,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
        max_retry_wait: float | None = None,
        deadline: float | None = None,
        lazy: bool | None = None,
    ) -> S:
        """A session of the same kind with other options that shares this one's connections,
        credentials and token, request counter and response hooks; usable wherever this one
        is. An option left None keeps this session's value.

        Example::

            las.Document.get(document_id, session=session.with_options(timeout=2, max_retries=0))
        """
        view = object.__new__(type(self))
        view.__dict__.update(self.__dict__)
        for name, value in (
            ("timeout", timeout),
            ("max_retries", max_retries),
            ("max_retry_wait", max_retry_wait),
            ("deadline", deadline),
            ("lazy", lazy),
        ):
            if value is not None:
                setattr(view, name, value)
        check_options(view.max_retries, view.max_retry_wait, view.deadline)
        return view

    @property
    def request_count(self) -> int:
        """API requests sent through this session and its ``with_options`` views, retries
        included, token fetches and transfers to file URLs (a document's bytes) excluded."""
        return self._shared.count

    def add_response_hook(self, callback: ResponseHook) -> None:
        """Call ``callback(info)`` once for every call that returned (after its retries), with
        the :class:`las.ResponseInfo` of its final answer. Shared with ``with_options`` views."""
        with _hooks_lock:
            self._shared.hooks = (*self._shared.hooks, callback)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(api_endpoint={self.api_endpoint!r}, "
            f"client_id={self.credentials.client_id!r}, contract={self.contract!r})"
        )

    def __reduce_ex__(self, protocol: Any) -> Any:
        name = type(self).__name__
        raise SessionNotPicklableError(
            f"a las.{name} cannot be pickled: it holds the client secret, an access token and open "
            f"connections. Make one in the worker process instead: las.{name}() reads the environment "
            f"(LAS_CLIENT_ID, ...) or ~/.lucidtech/credentials.cfg there, or pass a las.Credentials "
            f"(which pickles) and call las.{name}(credentials) in the worker."
        )


_CLIENT_OF = {"Session": "Client", "AsyncSession": "AsyncClient"}


def client_session_argument(
    client: str, credentials: Any, session: Any, session_options: Mapping[str, Any], kind: type[S]
) -> tuple[Credentials | None, S | None]:
    """The (credentials, session) a Client constructor was given; its first argument may be either
    (``las.Client(session)`` reads naturally, so it is taken as ``session=``).

    Raises:
        TypeError: a session of the other variant (sync for async or the reverse), a session
            given twice or with credentials or options, or a first argument that is neither
            credentials nor a session.
    """
    if isinstance(credentials, SessionOptions):
        if session is not None:
            raise TypeError(f"las.{client} was given a session twice: as its first argument and as session=")
        credentials, session = None, credentials
    if session is not None:
        if _is_client(session):
            raise TypeError(
                f"las.{client}'s session= is a session, got a {type(session).__name__} (pass its .session)"
            )
        # The other variant is refused; anything else that sends is taken (a test double).
        if getattr(session, "is_async", False) != getattr(kind, "is_async", False):
            given = type(session).__name__
            fix = (
                f": use las.{_CLIENT_OF[given]}(session) for it, or make a las.{kind.__name__}("
                "session.credentials) (same credentials and token cache)"
                if given in _CLIENT_OF
                else ""
            )
            given = f"las.{given}" if given in _CLIENT_OF else given
            raise TypeError(f"las.{client} sends through a las.{kind.__name__}, got a {given}{fix}")
        if credentials is not None or session_options:
            raise TypeError("pass either session= or credentials/session options, not both")
        return None, session
    if credentials is not None and not isinstance(credentials, Credentials):
        hint = " (pass its .session)" if _is_client(credentials) else ""
        raise TypeError(
            f"las.{client}'s first argument is a las.Credentials or a las.{kind.__name__}, "
            f"got a {type(credentials).__name__}{hint}"
        )
    return credentials, None


def _is_client(value: Any) -> bool:
    """Whether ``value`` is a client (it has a session, and sends nothing itself)."""
    return isinstance(getattr(value, "session", None), SessionOptions) and not callable(
        getattr(value, "send", None)
    )
