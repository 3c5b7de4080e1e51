"""What the resource layer refuses, and how it says so: errors raised before any request, the
words that name a verb's twin of the other variant, and the error for an answer that breaks the
contract."""

from __future__ import annotations

from .. import contracts
from .._response import ResponseInfo
from ..exceptions import ClientException, ContractError, InvalidResponseError

__all__ = [
    "InvalidArgumentError",
    "NotInContractError",
    "NotSupportedError",
    "find_in_all",
    "invalid",
    "not_in_contract",
    "snake",
    "wrong_variant",
]


class NotSupportedError(ClientException, NotImplementedError):
    """The API has no such operation for this class (e.g. getting one Secret by id)."""


class NotInContractError(NotSupportedError, ContractError):
    """The API contract the session speaks has no such operation for this class, and the other
    contract has (getting one Prediction by id on 2021-09-23): a :class:`NotSupportedError` and a
    :class:`las.ContractError`. Raised before any request; the message names both contracts and
    how to speak the other."""


def find_in_all(owner: str) -> str:
    """How to find one object of a class that has no get by id, for error messages."""
    return (
        f"find it in {owner}.all() (which costs a request per page), "
        f"e.g. next(x for x in {owner}.all() if x.id == id)"
    )


def not_in_contract(owner: str, contract: str, *, listed: bool) -> NotInContractError:
    """The error for getting one ``owner`` by id on a session whose ``contract`` has no such call.

    Args:
        owner: the class name (``"Prediction"``).
        contract: the contract the session speaks.
        listed: whether ``owner.all()`` finds one on that contract (the message then says so).
    """
    other = next(version for version in contracts.KNOWN if version != contract)
    instead = f"{find_in_all(owner)}, or " if listed else ""
    return NotInContractError(
        f"the API contract {contract} this session speaks has no way to get one {owner} by id "
        f"({other} has): {instead}speak {other} with {contracts.how_to_choose(other)}. "
        "Nothing was sent."
    )


class InvalidArgumentError(ClientException, TypeError, ValueError):
    """What the resource layer refuses before any request: an unknown filter or field, a null
    the API cannot take, a shape the contract refuses, ``bool()`` or ``len()`` of a lazy
    collection. Also a TypeError and a ValueError, as Python's own checks raise, so
    ``except ValueError`` keeps working."""


def snake(class_name: str) -> str:
    """``TransitionExecution`` -> ``transition_execution``: how an error names an object."""
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(class_name))


def wrong_variant(
    owner: object, verb: str, *, bound_async: bool, operation: str | None = None
) -> InvalidArgumentError:
    """The error for a verb called on an object (or with a session) of the other variant.

    Args:
        owner: the class (``Document.get``) or the object (``document.update``) the verb was
            called on; the message names it as the caller wrote it.
        verb: the sync name of the verb (``"update"``; its twin is ``"update_async"``).
        bound_async: whether the object (or session) is an async one, so the sync verb was
            the wrong one; False when an ``*_async`` verb met a sync object.
        operation: the Client method the verb would have sent, when there is one.
    """
    shown = owner.__name__ if isinstance(owner, type) else snake(type(owner).__name__)
    sends = f"Client.{operation}" if operation else f"{shown}.{verb}"
    if bound_async:
        if verb == "__iter__":
            fix = f"iterate it with `async for` (async for item in {shown}: ...)"
        else:
            fix = f"await its twin instead: await {shown}.{verb}_async(...)"
        return InvalidArgumentError(
            f"{sends} would need a request, and this belongs to an AsyncSession: {fix}"
        )
    if verb == "__iter__":
        return InvalidArgumentError(
            f"`async for` over {shown} would await its pages, and it belongs to a las.Session: "
            f"iterate it with `for` (for item in {shown}: ...), or get it through an las.AsyncSession"
        )
    return InvalidArgumentError(
        f"{sends} would be awaited, and this belongs to a las.Session: call {shown}.{verb}(...) "
        "instead, or get the object through an las.AsyncSession"
    )


def invalid(operation: str | None, problem: str, info: ResponseInfo | None) -> InvalidResponseError:
    """The error for an answer that is not the contract's: the operation, the request and the problem."""
    where = f"Client.{operation}" if operation is not None else "the API"
    return InvalidResponseError(
        f"{where} answered with a body that is not the contract's: {problem}",
        status_code=info.status if info is not None else 200,
        method=info.method if info is not None else "GET",
        path=info.path if info is not None else "",
    )
