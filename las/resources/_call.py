"""A request as data, and the one place a resource executes one.

A verb builds a :class:`Call` (which :class:`las.Client` method, which arguments) without
sending anything; :func:`execute` sends it and returns the JSON and its response info. An
asynchronous twin runs the same Call on an async client (``await call.run(client)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ..client import Client
from ..exceptions import ClientException, InvalidResponseError

__all__ = ["Call", "NotSupportedError", "execute", "given", "invalid"]


class NotSupportedError(ClientException, NotImplementedError):
    """The API has no such operation for this class (e.g. getting one Secret by id)."""


def given(**arguments: Any) -> dict[str, Any]:
    """The keyword arguments whose value is not None (the one "drop the Nones" helper)."""
    return {name: value for name, value in arguments.items() if value is not None}


@attrs.frozen
class Call:
    """One request as data: the :class:`las.Client` method and its arguments. Nothing is sent
    until :meth:`run`, which returns what the client's method returns (a dict, or an awaitable)."""

    method: str
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = attrs.field(factory=dict)

    def run(self, client: Any) -> Any:
        return getattr(client, self.method)(*self.args, **self.kwargs)


def execute(call: Call, client: Client) -> tuple[Any, Any]:
    """Send ``call`` through ``client``: (the decoded JSON, the ResponseInfo or None)."""
    return call.run(client), None


def invalid(call: Call | None, problem: str, info: Any = None) -> InvalidResponseError:
    """The error for an answer that is not the contract's (names the call and the problem)."""
    where = f"Client.{call.method}" if call is not None else "the API"
    return InvalidResponseError(
        f"{where} answered with a body that is not the contract's: {problem}",
        status_code=getattr(info, "status", 200),
        method=getattr(info, "method", call.method if call else "?"),
        path=getattr(info, "path", ""),
    )
