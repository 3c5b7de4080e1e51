"""Following ``nextToken`` across pages, lazily: one paginator and one token rule for every list.

:func:`iter_pages` is the one loop; the Client's :func:`paginate` and the resource layer's
collections are a few lines around it. Every page is checked before it is handed out: a page
that is not a JSON object, lacks its items key, holds items that are not objects, or repeats a
``nextToken`` already followed (A -> B -> A too) raises :class:`las.InvalidResponseError` and the
iteration stops.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import Any, TypeVar

from ._response import RawResponse
from .exceptions import InvalidResponseError

__all__ = ["Walk", "apaginate", "items_key", "iter_pages", "paginate", "paginate_async"]

F = TypeVar("F", bound=Callable[..., Any])
P = TypeVar("P")


def items_key(key: str) -> Callable[[F], F]:
    """Mark a list method with the response key that holds its items (e.g. ``"documents"``)."""

    def mark(method: F) -> F:
        method.items_key = key  # type: ignore[attr-defined]
        return method

    return mark


def iter_pages(
    fetch_page: Callable[[str | None], P],
    next_token: str | None = None,
    *,
    items_key: str | None = None,
    method: str = "GET",
    path: str = "(a list)",
) -> Iterator[P]:
    """Yield every page: ``fetch_page(next_token)``, then each ``nextToken`` until null or "".

    Args:
        fetch_page: fetches one page for a token (None for the first); returns the page's JSON,
            or a :class:`las.RawResponse` of it (then errors name its method, path and status).
        next_token: where to start.
        items_key: the key of the page's items (``"documents"``); each page must hold a list of
            JSON objects there. None checks the page and the token only.
        method, path: name the request in errors when ``fetch_page`` returns bare JSON.

    Yields:
        What ``fetch_page`` returned, after checking it.

    Raises:
        InvalidResponseError: a page that breaks the contract (see the module doc).

    Nothing is requested until the first page is asked for. A page that fails is retried by
    the Session with the same token, so no page is skipped or repeated.

    Example::

        for page in iter_pages(lambda token: client.list_documents(next_token=token),
                               items_key="documents", path="/documents"):
            ...
    """
    walk = Walk(next_token, items_key, method, path)
    while True:
        answer = fetch_page(walk.next_token)
        walk.check(answer)
        yield answer
        if walk.next_token is None:
            return


def count_problem(name: str, value: object, least: int) -> str | None:
    """What is wrong with ``value`` as a count (a page size, a limit) of at least ``least``, or
    None when nothing is (None included: no count given). A bool or a float is not a count."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= least):
        return None
    return f"{name} must be {least} or more, a whole number; got {value!r}"


class Walk:
    """Where one listing stands: the token to ask for next (None once the last page is in),
    and every token followed so far. The one nextToken rule, for sync and async iteration."""

    __slots__ = ("followed", "items_key", "method", "next_token", "path")

    def __init__(self, start: str | None, items_key: str | None, method: str, path: str) -> None:
        self.next_token = start
        self.followed: set[str] = {start} if start else set()
        self.items_key = items_key
        self.method = method
        self.path = path

    def check(self, answer: Any) -> None:
        """Check a page (its JSON, or a RawResponse of it) and move to the token it gives."""
        if isinstance(answer, RawResponse):
            page, status = answer.data, answer.info.status
            where = (answer.info.method, answer.info.path)
        else:
            page, status, where = answer, 200, (self.method, self.path)
        self.next_token = _check_page(page, self.items_key, self.followed, status, where)
        if self.next_token is not None:
            self.followed.add(self.next_token)


_ONLY_DICTS = frozenset({dict})


def _check_page(
    page: Any, key: str | None, followed: set[str], status: int, where: tuple[str, str]
) -> str | None:
    """The page's nextToken, once the page is known to be well formed."""

    def invalid(problem: str) -> InvalidResponseError:
        shown = repr(page)
        shown = shown if len(shown) <= 200 else shown[:200] + "..."
        return InvalidResponseError(
            f"a page of the listing {problem}: {shown}", status_code=status, method=where[0], path=where[1]
        )

    if not isinstance(page, Mapping):
        raise invalid(f"is a {type(page).__name__}, not a JSON object")
    if key is not None:
        items = page.get(key)
        if not isinstance(items, list):
            raise invalid(f"has no list of items under {key!r}")
        if not _ONLY_DICTS.issuperset(map(type, items)):  # JSON's objects are dicts: looked at once, in C
            for item in items:
                if not isinstance(item, Mapping):
                    raise invalid(
                        f"holds an item that is not a JSON object ({type(item).__name__} {item!r:.60})"
                    )
    token = page.get("nextToken")
    if token is None or token == "":
        return None
    if not isinstance(token, str):
        raise invalid(f"has a nextToken that is not a string ({token!r:.60})")
    if token in followed:
        raise invalid(f"repeats nextToken {token!r:.60}, already followed: the listing would never end")
    return token


def _plan(
    list_method: Callable[..., Any],
    limit: int | None,
    page_size: int | None,
    kwargs: dict[str, Any],
    *,
    awaited: bool,
) -> tuple[str, str | None]:
    """Check a paginate call; return the items key and the start token (``kwargs`` keeps the filters)."""
    key = getattr(list_method, "items_key", None)
    name = getattr(list_method, "__name__", list_method)
    if key is None:
        client = "las.AsyncClient" if awaited else "las.Client"
        raise TypeError(f"{name!r} is not a {client} list method")
    if inspect.iscoroutinefunction(list_method) != awaited:
        fix = "las.paginate_async(...) with `async for`" if not awaited else "las.paginate(...) with `for`"
        raise TypeError(f"{name!r} is {'not ' if awaited else ''}a coroutine function: use {fix}")
    for problem in (count_problem("limit", limit, 0), count_problem("page_size", page_size, 1)):
        if problem is not None:
            raise ValueError(problem)
    if page_size is not None:
        kwargs["max_results"] = page_size
    return key, kwargs.pop("next_token", None)


def _raw(list_method: Callable[..., Any]) -> Callable[..., Any]:
    """The list method's twin that answers with a RawResponse, so page errors name the request."""
    raw_client = getattr(getattr(list_method, "__self__", None), "with_raw_response", None)
    return getattr(raw_client, list_method.__name__) if raw_client is not None else list_method


# ---- async source: tools/unasync.py derives the sync twins below ----
async def paginate_async(
    list_method: Callable[..., Awaitable[Any]],
    *args: Any,
    limit: int | None = None,
    page_size: int | None = None,
    **kwargs: Any,
) -> AsyncIterator[dict[str, Any]]:
    """Yield every item of a :class:`las.AsyncClient` list method across pages, lazily (memory: one page).

    Args:
        list_method: a bound ``las.AsyncClient.list_*`` method.
        args, kwargs: its arguments (filters); ``next_token`` starts mid-way.
        limit: stop after this many items.
        page_size: ``max_results`` of each page request.

    Raises:
        InvalidResponseError: a page that breaks the contract (see :class:`Walk`).

    Example::

        async for document in las.paginate_async(client.list_documents, dataset_id=dataset_id, limit=500):
            print(document["documentId"])
    """
    # unasync: sync: key, start = _plan(list_method, limit, page_size, kwargs, awaited=False)
    key, start = _plan(list_method, limit, page_size, kwargs, awaited=True)  # unasync: async only
    if limit == 0:
        return
    fetch_page = _raw(list_method)
    walk = Walk(start, key, "GET", "(a list)")
    seen = 0
    while True:
        answer = await fetch_page(*args, next_token=walk.next_token, **kwargs)
        walk.check(answer)
        page = answer.data if isinstance(answer, RawResponse) else answer
        for item in page[key]:
            yield item
            seen += 1
            if limit is not None and seen >= limit:
                return
        if walk.next_token is None:
            return


# ---- sync twins: generated from the async source above, do not edit ----
def paginate(
    list_method: Callable[..., Any],
    *args: Any,
    limit: int | None = None,
    page_size: int | None = None,
    **kwargs: Any,
) -> Iterator[dict[str, Any]]:
    """Yield every item of a :class:`las.Client` list method across pages, lazily (memory: one page).

    Args:
        list_method: a bound ``las.Client.list_*`` method.
        args, kwargs: its arguments (filters); ``next_token`` starts mid-way.
        limit: stop after this many items.
        page_size: ``max_results`` of each page request.

    Raises:
        InvalidResponseError: a page that breaks the contract (see :class:`Walk`).

    Example::

        for document in las.paginate(client.list_documents, dataset_id=dataset_id, limit=500):
            print(document["documentId"])
    """
    key, start = _plan(list_method, limit, page_size, kwargs, awaited=False)
    if limit == 0:
        return
    fetch_page = _raw(list_method)
    walk = Walk(start, key, "GET", "(a list)")
    seen = 0
    while True:
        answer = fetch_page(*args, next_token=walk.next_token, **kwargs)
        walk.check(answer)
        page = answer.data if isinstance(answer, RawResponse) else answer
        for item in page[key]:
            yield item
            seen += 1
            if limit is not None and seen >= limit:
                return
        if walk.next_token is None:
            return


# ---- end of generated sync twins ----


def apaginate(
    list_method: Callable[..., Awaitable[Any]],
    *args: Any,
    limit: int | None = None,
    page_size: int | None = None,
    **kwargs: Any,
) -> AsyncIterator[dict[str, Any]]:
    """Deprecated since 0.2: :func:`paginate_async` (async is spelled ``_async`` everywhere).

    Warns:
        DeprecationWarning: naming the replacement; ``apaginate`` goes in 1.0.
    """
    warnings.warn(
        "las.apaginate is deprecated: use las.paginate_async (the same arguments)",
        DeprecationWarning,
        stacklevel=2,
    )
    return paginate_async(list_method, *args, limit=limit, page_size=page_size, **kwargs)
