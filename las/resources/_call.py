"""A Client call as data, and the one place a resource executes one.

A verb builds a :class:`ClientCall` (which :class:`las.Client` method, which arguments) without
sending anything; :func:`execute` runs it through ``client.with_raw_response`` and returns the
JSON and its :class:`las.ResponseInfo` (kept as ``obj.last_response``). An asynchronous twin
runs the same ClientCall on an async client (``await call.run(client.with_raw_response)``).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import attrs

from .._response import ResponseInfo
from .._wire import given
from ..client import Client
from ..exceptions import ClientException, InvalidResponseError

__all__ = [
    "ClientCall",
    "InvalidArgumentError",
    "NotSupportedError",
    "execute",
    "execute_async",
    "given",
    "invalid",
    "require_async",
    "require_sync",
    "wrong_variant_fix",
]


class NotSupportedError(ClientException, NotImplementedError):
    """The API has no such operation for this class (e.g. getting one Secret by id)."""


class InvalidArgumentError(ClientException, TypeError, ValueError):
    """What the resource layer refuses before any request: an unknown filter or field, a null
    the API cannot take, a shape the contract refuses, ``bool()`` or ``len()`` of a lazy
    collection. Also a TypeError and a ValueError, as Python's own checks raise, so
    ``except ValueError`` keeps working."""


@attrs.frozen
class ClientCall:
    """A :class:`las.Client` method and its arguments. Nothing is sent until :meth:`run`, which
    returns what the client's method returns (a dict, a RawResponse, or an awaitable of one)."""

    method: str
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = attrs.field(factory=dict)

    def run(self, client: Any) -> Any:
        return getattr(client, self.method)(*self.args, **self.kwargs)


def execute(call: ClientCall, client: Client) -> tuple[Any, ResponseInfo]:
    """Send ``call`` through ``client``: (the decoded JSON, the ResponseInfo of its answer).

    Raises:
        TypeError: ``client`` is an :class:`las.AsyncClient` (the object belongs to an
            AsyncSession): the message names the ``*_async`` twin to await instead.
    """
    require_sync(call.method, client)
    answer = call.run(client.with_raw_response)
    return answer.data, answer.info


async def execute_async(call: ClientCall, client: Any) -> tuple[Any, ResponseInfo]:
    """:func:`execute` through an :class:`las.AsyncClient`, awaited.

    Raises:
        TypeError: ``client`` is a sync :class:`las.Client` (the object belongs to a
            :class:`las.Session`): the message says to call the verb without ``_async``.
    """
    require_async(call.method, client)
    answer = await call.run(client.with_raw_response)
    return answer.data, answer.info


def require_sync(method: str, client: Any) -> None:
    """Refuse to send ``Client.<method>`` at once through an AsyncClient, naming the twin to await.

    Raises:
        InvalidArgumentError: ``client`` is an :class:`las.AsyncClient`.
    """
    if getattr(client, "is_async", False):
        raise InvalidArgumentError(
            f"Client.{method} would need a request, and this belongs to an AsyncSession: "
            + wrong_variant_fix(is_async=True)
        )


def require_async(method: str, client: Any) -> None:
    """Refuse to await ``Client.<method>`` through a sync Client, naming the verb to call.

    Raises:
        InvalidArgumentError: ``client`` is a sync :class:`las.Client`.
    """
    if not getattr(client, "is_async", False):
        raise InvalidArgumentError(
            f"Client.{method} would be awaited, and this belongs to a las.Session: "
            + wrong_variant_fix(is_async=False)
        )


def wrong_variant_fix(*, is_async: bool) -> str:
    """What to call instead of the resource verb that led here, for an object bound to the other
    variant: its exact twin when the stack shows which verb it is (read only on this error path)."""
    found = _calling_verb()
    if found is not None:
        owner, name = found
        shown = owner.__name__ if isinstance(owner, type) else _variable(type(owner).__name__)
        if is_async and name == "__iter__":
            return f"iterate it with `async for` (async for item in {shown}: ...)"
        twin = f"{name}_async" if is_async else name.removesuffix("_async")
        if twin != name and callable(getattr(owner, twin, None)):
            if is_async:
                return f"await its twin instead: await {shown}.{twin}(...)"
            return f"call {shown}.{twin}(...) instead, or get the object through an las.AsyncSession"
    if is_async:
        return (
            "await the verb's *_async twin (e.g. await obj.load_async(), await Cls.get_async(id)) "
            "or iterate with `async for`"
        )
    return (
        "call the verb without _async (e.g. obj.load(), Cls.get(id)), or get the object through an "
        "las.AsyncSession"
    )


def _calling_verb() -> tuple[Any, str] | None:
    """The public resource verb the caller called (its object or class, its name): the outermost
    one on the stack before the caller's own code (``document.predict``, not the
    ``Prediction.create`` it calls)."""
    found = None
    frame = sys._getframe(1)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if not module.startswith("las."):
            break  # back in the caller's code
        name = frame.f_code.co_name
        if module.startswith("las.resources.") and module != __name__ and _is_verb(name):
            owner = frame.f_locals.get("self", frame.f_locals.get("cls"))
            if owner is not None:
                found = owner, name
        frame = frame.f_back  # type: ignore[assignment]
    return found


def _is_verb(name: str) -> bool:
    return not name.startswith("_") or name == "__iter__"


def _variable(class_name: str) -> str:
    """``TransitionExecution`` -> ``transition_execution``: how the object is named in a hint."""
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(class_name))


def invalid(call: ClientCall | None, problem: str, info: ResponseInfo | None) -> InvalidResponseError:
    """The error for an answer that is not the contract's: the call, the request and the problem."""
    where = f"Client.{call.method}" if call is not None else "the API"
    return InvalidResponseError(
        f"{where} answered with a body that is not the contract's: {problem}",
        status_code=info.status if info is not None else 200,
        method=info.method if info is not None else "GET",
        path=info.path if info is not None else "",
    )
