"""Following ``nextToken`` across pages, lazily: one place for every list in the SDK."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

__all__ = ["items_key", "iter_pages", "paginate"]

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
        next_token = page.get("nextToken")
        if not next_token:
            return


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
    key = getattr(list_method, "items_key", None)
    if key is None:
        raise TypeError(f"{getattr(list_method, '__name__', list_method)!r} is not a las.Client list method")
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be 0 or more, got {limit}")
    if page_size is not None:
        kwargs["max_results"] = page_size
    start = kwargs.pop("next_token", None)
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
