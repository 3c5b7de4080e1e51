"""Lists: one :class:`Page` at a time, or a lazy :class:`Collection` over every page.

Every list of the resource layer goes through :meth:`Collection._pages_async` and its generated
sync twin ``_pages``: the one ``nextToken`` rule of :class:`las._pagination.Walk` (each page
checked; a repeated token stops the listing) and :meth:`Collection._page` (items built by their
class's page builder, ``_from_page``: each item checked when its page arrives).
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from .. import ids
from .._pagination import Walk, count_problem
from .._response import RawResponse
from .._wire import given
from ..client import Client
from ._errors import InvalidArgumentError, NotSupportedError, invalid, wrong_variant
from ._plan import WireError

if TYPE_CHECKING:
    from .._async_client import AsyncClient

__all__ = ["Collection", "Page", "list_filters"]

T = TypeVar("T")
C = TypeVar("C", bound="Collection[Any]")


def list_filters(owner: str, filters: Mapping[str, Any], allowed: Mapping[str, str | None]) -> dict[str, Any]:
    """Check list filters and turn them into Client arguments (one function for every list).

    ``allowed`` maps a filter name to an id kind (the filter takes objects or ids, one or a list,
    and is sent as ``<name>_id``) or to None (sent as given). None values are dropped.

    Raises:
        TypeError: a filter ``owner`` does not take.
        InvalidIdError: an id of the wrong kind.
        InvalidArgumentError: a filter given as an empty list.
    """
    unknown = sorted(set(filters) - set(allowed))
    if unknown:
        takes = ", ".join(f"{name}=" for name in allowed) or "no filters"
        raise InvalidArgumentError(f"{owner} takes {takes}; not {', '.join(unknown)}")
    result: dict[str, Any] = {}
    for name, value in given(**filters).items():
        if isinstance(value, (list, tuple, set, frozenset)) and not value:
            raise InvalidArgumentError(
                f"{owner}: {name}=[] selects nothing, and a request cannot carry an empty list (the "
                f"API would take it as no {name} filter: every one). Give at least one, or leave "
                f"{name} out"
            )
        kind = allowed[name]
        if kind is None:
            result[name] = value
        elif isinstance(value, (list, tuple, set, frozenset)):
            result[f"{name}_id"] = [ids.require_id(kind, item) for item in value]
        else:
            result[f"{name}_id"] = ids.require_id(kind, value)
    return result


class Page(Generic[T]):
    """One page of a list: ``items``, the ``next_token`` of the page after it (None on the last),
    and ``response_info`` (the :class:`las.ResponseInfo` of its answer). ``page.next()`` and
    ``page.auto_paging_iter()`` continue from it."""

    def __init__(
        self, items: list[T], next_token: str | None, collection: Collection[Any], info: Any
    ) -> None:
        self.items = items
        self.next_token = next_token
        self.response_info = info
        self._collection = collection

    def __repr__(self) -> str:
        return f"<Page of {len(self.items)} items, next_token={self.next_token!r}>"

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> T:
        return self.items[index]

    @property
    def last_response(self) -> Any:
        """Deprecated since 0.2: :attr:`response_info` (a page has one answer, a ResponseInfo).

        Warns:
            DeprecationWarning: naming the replacement; the name goes in 1.0.
        """
        warnings.warn(
            "Page.last_response is deprecated: use .response_info (the same ResponseInfo)",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.response_info

    @property
    def has_next(self) -> bool:
        """Whether there is a page after this one."""
        return self.next_token is not None

    # ---- async source: tools/unasync.py derives the sync twins below ----
    async def next_async(self) -> Page[T] | None:
        """The page after this one (one request), or None if this is the last."""
        if self.next_token is None:
            return None
        return cast("Page[T]", await self._collection.list_async(next_token=self.next_token))

    async def auto_paging_iter_async(self) -> AsyncIterator[T]:
        """This page's items, then every following page's, fetched one page at a time."""
        for item in self.items:
            yield item
        if self.next_token is not None:
            async for page in self._collection.pages_async(next_token=self.next_token):
                for item in page.items:
                    yield item

    # ---- sync twins: generated from the async source above, do not edit ----
    def next(self) -> Page[T] | None:
        """The page after this one (one request), or None if this is the last."""
        if self.next_token is None:
            return None
        return cast("Page[T]", self._collection.list(next_token=self.next_token))

    def auto_paging_iter(self) -> Iterator[T]:
        """This page's items, then every following page's, fetched one page at a time."""
        for item in self.items:
            yield item
        if self.next_token is not None:
            for page in self._collection.pages(next_token=self.next_token):
                for item in page.items:
                    yield item

    # ---- end of generated sync twins ----


class Collection(Generic[T]):
    """A lazy, re-iterable view over every item of a list (boto3-style).

    Nothing is requested until you iterate; pages are fetched one at a time as you go, so
    memory holds one page. Each iteration starts again from the first page. ``filter``,
    ``page_size`` and ``limit`` return a new collection::

        failed = workflow.executions.filter(status="failed", sort_by="endTime", order="descending")
        for execution in failed.page_size(50).limit(200):
            ...

    ``bool(collection)`` and ``len(collection)`` raise: say what you mean with ``exists()``
    (one request of one item) or ``count()`` (iterates every page).
    """

    def __init__(
        self,
        cls: type[Any],
        client: Any,
        operation: str | None,
        *,
        parents: tuple[str, ...] = (),
        allowed: Mapping[str, str | None] | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> None:
        if operation is None:
            raise NotSupportedError(f"the API has no way to list {cls.__name__} objects")
        self._cls = cls
        self._client = client
        self._operation = operation
        self._items_key: str = getattr(Client, operation).items_key
        self._parents = parents
        self._allowed = dict(allowed or {})
        self._filters: dict[str, Any] = dict(filters or {})
        self._page_size: int | None = None
        self._limit: int | None = None

    def __repr__(self) -> str:
        return f"<Collection of {self._cls.__name__} filters={self._filters!r} page_size={self._page_size} limit={self._limit}>"

    def _copy(self: C, **changes: Any) -> C:
        new = copy.copy(self)
        new.__dict__.update(changes)
        return new

    def filter(self: C, **filters: Any) -> C:
        """A collection narrowed by the given filters (checked now, sent when iterated).

        Raises:
            TypeError: a filter this list does not take.
            InvalidIdError: an id filter of the wrong kind.
        """
        added = list_filters(f"{self._cls.__name__} lists", filters, self._allowed)
        return self._copy(_filters={**self._filters, **added})

    def all(self: C, **filters: Any) -> C:
        """The same as :meth:`filter` (``workflow.executions.all(status="running")``, as
        ``las.Workflow.all()`` lists every workflow): a lazy collection, nothing sent yet."""
        return self.filter(**filters)

    def page_size(self: C, count: int | None) -> C:
        """A collection that asks for ``count`` items per request."""
        problem = count_problem("page_size", count, 1)
        if problem is not None:
            raise InvalidArgumentError(problem)
        return self._copy(_page_size=count)

    def limit(self: C, count: int | None) -> C:
        """A collection that stops after ``count`` items."""
        problem = count_problem("limit", count, 0)
        if problem is not None:
            raise InvalidArgumentError(problem)
        return self._copy(_limit=count)

    def _page(self, answer: RawResponse[Any]) -> Page[T]:
        """Build a page from an answer the Walk checked (the only place list items are built)."""
        data, info = answer.data, answer.info
        try:
            objects = self._cls._from_page(data[self._items_key], self._client, info)
        except WireError as error:
            raise invalid(self._operation, str(error), info) from None
        return Page(objects, data.get("nextToken") or None, self, info)

    def _size(self, seen: int) -> int | None:
        """The page size to ask for after ``seen`` items: never more than the items still wanted."""
        limit = self._limit
        if limit is None:
            return self._page_size
        return limit - seen if self._page_size is None else min(self._page_size, limit - seen)

    def _fixed_size(self, seen: int) -> int | None:
        return self._page_size

    def _bound(self, verb: str) -> Client:
        """The Client a sync verb lists through (the message names the twin of an async one)."""
        if isinstance(self._client, Client):
            return self._client
        raise wrong_variant(self, verb, bound_async=True)

    def _bound_async(self, verb: str) -> AsyncClient:
        """The AsyncClient an ``*_async`` verb lists through."""
        if isinstance(self._client, Client):
            raise wrong_variant(self, verb, bound_async=False)
        return cast("AsyncClient", self._client)

    # ---- async source: tools/unasync.py derives the sync twins below ----
    async def _pages_async(
        self, client: AsyncClient, size: Callable[[int], int | None], next_token: str | None
    ) -> AsyncIterator[Page[T]]:
        """Page after page from ``next_token``: each checked by the one nextToken rule, its items
        built; ``size(seen)`` is the page size to ask for after ``seen`` items."""
        walk = Walk(next_token, self._items_key, "GET", "(a list)")
        list_page = getattr(client.with_raw_response, self._operation)
        seen = 0
        while True:
            answer = await list_page(
                *self._parents, **self._filters, **given(max_results=size(seen), next_token=walk.next_token)
            )
            walk.check(answer)
            page = self._page(answer)
            seen += len(page.items)
            yield page
            if walk.next_token is None:
                return

    async def list_async(self, page_size: int | None = None, next_token: str | None = None) -> Page[T]:
        """One page (one request): ``page_size`` items from ``next_token`` (None: the first page)."""
        sized = self if page_size is None else self.page_size(page_size)  # page.next() keeps the size
        async for page in sized._pages_async(self._bound_async("list"), sized._fixed_size, next_token):
            return page
        raise AssertionError("unreachable: a listing yields at least one page")  # pragma: no cover

    async def pages_async(self, *, next_token: str | None = None) -> AsyncIterator[Page[T]]:
        """Yield page after page, lazily, from the first (or ``next_token``); ``limit`` does not apply."""
        async for page in self._pages_async(self._bound_async("pages"), self._fixed_size, next_token):
            yield page

    async def __aiter__(self) -> AsyncIterator[T]:
        limit = self._limit
        client = self._bound_async("__iter__")
        if limit == 0:
            return
        seen = 0
        async for page in self._pages_async(client, self._size, None):
            if limit is None:  # nothing to count (the sync twin's `yield from` costs least per item)
                for each in page.items:
                    yield each
                continue
            for item in page.items:
                yield item
                seen += 1
                if seen >= limit:
                    return

    async def first_async(self) -> T | None:
        """The first item (one request of one item), or None when there is none."""
        self._bound_async("first")
        async for item in self.limit(1 if self._limit is None else min(1, self._limit)):
            return item
        return None

    async def exists_async(self) -> bool:
        """Whether the collection has any item (one request of one item)."""
        self._bound_async("exists")
        return await self.first_async() is not None

    async def count_async(self) -> int:
        """How many items there are: iterates every page (one request each), up to ``limit``."""
        self._bound_async("count")
        return len([item async for item in self])

    # ---- sync twins: generated from the async source above, do not edit ----
    def _pages(
        self, client: Client, size: Callable[[int], int | None], next_token: str | None
    ) -> Iterator[Page[T]]:
        """Page after page from ``next_token``: each checked by the one nextToken rule, its items
        built; ``size(seen)`` is the page size to ask for after ``seen`` items."""
        walk = Walk(next_token, self._items_key, "GET", "(a list)")
        list_page = getattr(client.with_raw_response, self._operation)
        seen = 0
        while True:
            answer = list_page(
                *self._parents, **self._filters, **given(max_results=size(seen), next_token=walk.next_token)
            )
            walk.check(answer)
            page = self._page(answer)
            seen += len(page.items)
            yield page
            if walk.next_token is None:
                return

    def list(self, page_size: int | None = None, next_token: str | None = None) -> Page[T]:
        """One page (one request): ``page_size`` items from ``next_token`` (None: the first page)."""
        sized = self if page_size is None else self.page_size(page_size)  # page.next() keeps the size
        for page in sized._pages(self._bound("list"), sized._fixed_size, next_token):
            return page
        raise AssertionError("unreachable: a listing yields at least one page")  # pragma: no cover

    def pages(self, *, next_token: str | None = None) -> Iterator[Page[T]]:
        """Yield page after page, lazily, from the first (or ``next_token``); ``limit`` does not apply."""
        yield from self._pages(self._bound("pages"), self._fixed_size, next_token)

    def __iter__(self) -> Iterator[T]:
        limit = self._limit
        client = self._bound("__iter__")
        if limit == 0:
            return
        seen = 0
        for page in self._pages(client, self._size, None):
            if limit is None:  # nothing to count (the sync twin's `yield from` costs least per item)
                yield from page.items
                continue
            for item in page.items:
                yield item
                seen += 1
                if seen >= limit:
                    return

    def first(self) -> T | None:
        """The first item (one request of one item), or None when there is none."""
        self._bound("first")
        for item in self.limit(1 if self._limit is None else min(1, self._limit)):
            return item
        return None

    def exists(self) -> bool:
        """Whether the collection has any item (one request of one item)."""
        self._bound("exists")
        return self.first() is not None

    def count(self) -> int:
        """How many items there are: iterates every page (one request each), up to ``limit``."""
        self._bound("count")
        return len([item for item in self])

    # ---- end of generated sync twins ----

    def __bool__(self) -> bool:
        raise InvalidArgumentError(
            "a Collection has no truth value (it is lazy): use .exists() (one request of one item) "
            "or .count() (iterates every page)"
        )

    def __len__(self) -> int:  # a TypeError, which list(collection) passes over as a length hint
        raise InvalidArgumentError(
            "a Collection has no len() (it is lazy): use .count(), which iterates every page, "
            "or .list() for one page"
        )
