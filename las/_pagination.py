"""Following ``nextToken`` across pages, lazily: one place for every list in the SDK."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import Any, TypeVar

__all__ = ["apaginate", "items_key", "iter_pages", "next_page_token", "paginate"]

F = TypeVar("F", bound=Callable[..., Any])


def items_key(key: str) -> Callable[[F], F]:
    """Mark a list method with the response key that holds its items (e.g. ``"documents"``)."""

    def mark(method: F) -> F:
        method.items_key = key  # type: ignore[attr-defined]
        return method

    return mark


def iter_pages(
    fetch_page: Callable[[str | None], Mapping[str, Any]], next_token: str | None = None
) -> Iterator[Mapping[str, Any]]:
    """Yield every page: ``fetch_page(None)`` (or the given token), then each ``nextToken`` until null.

    Nothing is requested until the first page is asked for. A page that fails is retried by
    the Session with the same token, so no page is skipped or repeated.
    """
    while True:
        page = fetch_page(next_token)
        yield page
        next_token = next_page_token(page)
        if not next_token:
            return


def next_page_token(page: Mapping[str, Any]) -> str | None:
    """The token that asks for the page after ``page``; None after the last page."""
    return page.get("nextToken") or None


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
        fix = "las.apaginate(...) with `async for`" if not awaited else "las.paginate(...) with `for`"
        raise TypeError(f"{name!r} is {'not ' if awaited else ''}a coroutine function: use {fix}")
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be 0 or more, got {limit}")
    if page_size is not None:
        kwargs["max_results"] = page_size
    return key, kwargs.pop("next_token", None)


def paginate(
    list_method: Callable[..., Mapping[str, Any]],
    *args: Any,
    limit: int | None = None,
    page_size: int | None = None,
    **kwargs: Any,
) -> Iterator[dict[str, Any]]:
    """Yield every item of a Client list method across pages, lazily (memory: one page).

    Args:
        list_method: a bound ``las.Client.list_*`` method.
        args, kwargs: its arguments (filters); ``next_token`` starts mid-way.
        limit: stop after this many items.
        page_size: ``max_results`` of each page request.

    Example::

        for document in las.paginate(client.list_documents, dataset_id=dataset_id, limit=500):
            print(document["documentId"])
    """
    key, start = _plan(list_method, limit, page_size, kwargs, awaited=False)
    if limit == 0:
        return

    def fetch(token: str | None) -> Mapping[str, Any]:
        return list_method(*args, next_token=token, **kwargs)

    seen = 0
    for page in iter_pages(fetch, start):
        for item in page.get(key) or ():
            yield item
            seen += 1
            if limit is not None and seen >= limit:
                return


async def apaginate(
    list_method: Callable[..., Awaitable[Mapping[str, Any]]],
    *args: Any,
    limit: int | None = None,
    page_size: int | None = None,
    **kwargs: Any,
) -> AsyncIterator[dict[str, Any]]:
    """Yield every item of a :class:`las.AsyncClient` list method across pages, lazily.

    The async twin of :func:`paginate`: same arguments, same rules (the next page is
    requested only when the items of this one are used up).

    Example::

        async for document in las.apaginate(client.list_documents, dataset_id=dataset_id, limit=500):
            print(document["documentId"])
    """
    key, next_token = _plan(list_method, limit, page_size, kwargs, awaited=True)
    if limit == 0:
        return
    seen = 0
    while True:
        page = await list_method(*args, next_token=next_token, **kwargs)
        for item in page.get(key) or ():
            yield item
            seen += 1
            if limit is not None and seen >= limit:
                return
        next_token = next_page_token(page)
        if not next_token:
            return
