"""What every resource shares: identity, lazy completion, capabilities, pages and collections.

A resource class says what it can do by what it inherits (stripe-python style)::

    class Document(Retrievable, Listable, Updatable, Deletable): ...

- :class:`Retrievable`: ``Cls.get(id)``, ``Cls.ref(id)`` (no request), ``obj.refresh()``,
  and lazy completion: a field a response left out is fetched on first access, once.
- :class:`Refreshable`: the same for sub-resources, which are reached through their parent.
- :class:`Listable`: ``Cls.list(...)`` (one :class:`Page`) and ``Cls.all(...)`` (a lazy
  :class:`Collection` over every page).
- :class:`Updatable`: ``obj.update(**changes)`` sends only the given fields.
- :class:`Deletable`: ``obj.delete()``.

``create`` is written out in each class, since its arguments are what differ most.

Which :class:`las.Client` method does each capability is declared once per class, in
``_operations`` (an :class:`Operations`); that is the only place a resource touches the API::

    _operations = Operations(get=Client.get_document, list=Client.list_documents, ...)

Sub-resources, whose calls also need their parent's id (a workflow execution, a data bundle),
override the small ``_api_fetch`` / ``_api_update`` / ``_api_delete`` hooks instead.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable, Hashable, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

import attrs

from .. import ids
from .._pagination import iter_pages
from ..client import Client
from ..exceptions import ClientException
from ..session import Session
from ._converter import EXTRA_FIELD, converter, structure_page, wire_name
from ._session import SessionLike, client_for

__all__ = [
    "Audited",
    "Collection",
    "Deletable",
    "Listable",
    "Operations",
    "Page",
    "Refreshable",
    "Resource",
    "Retrievable",
    "Struct",
    "Updatable",
]

R = TypeVar("R", bound="Resource")
T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
C = TypeVar("C", bound="Collection[Any]")
ListMethod = Callable[..., Mapping[str, Any]]


def given(**arguments: Any) -> dict[str, Any]:
    """The keyword arguments that were given: those whose value is not None.

    Example::

        client.create_secret(data, **given(name=name, description=description))
    """
    return {name: value for name, value in arguments.items() if value is not None}


@attrs.frozen
class Operations:
    """The :class:`las.Client` methods behind a resource's capabilities, e.g. ``Client.get_dataset``.

    The capability mixins call them: ``get(client, id)``, ``list(client, **filters)``,
    ``update(client, id, **changes)``, ``delete(client, id)``. None: the class has no such call.
    """

    get: Callable[[Client, str], Mapping[str, Any]] | None = None
    list: ListMethod | None = None
    update: Callable[..., Mapping[str, Any]] | None = None
    delete: Callable[[Client, str], Mapping[str, Any]] | None = None


def _operation(cls: type[Resource], name: str) -> Callable[..., Mapping[str, Any]]:
    method: Callable[..., Mapping[str, Any]] | None = getattr(cls._operations, name)
    if method is None:
        raise NotImplementedError(f"{cls.__name__}._operations names no las.Client method to {name} it")
    return method


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class Audited:
    """Who created and last updated an entity, and when (the contract's common fields)."""

    created_by: str | None = attrs.field(default=None, kw_only=True)
    created_time: datetime | None = attrs.field(default=None, kw_only=True)
    updated_by: str | None = attrs.field(default=None, kw_only=True)
    updated_time: datetime | None = attrs.field(default=None, kw_only=True)


@attrs.define(slots=False, frozen=True)
class Struct:
    """A typed part of a response (a config, an item). Fields the SDK does not know are in ``extra``."""

    extra: dict[str, Any] = attrs.field(factory=dict, kw_only=True, repr=False)


_DEFAULTS: dict[type[Any], dict[str, Callable[[], Any]]] = {}


def _defaults(cls: type[Any]) -> dict[str, Callable[[], Any]]:
    """Field name -> a function returning its default, for the data fields of a resource class."""
    cached = _DEFAULTS.get(cls)
    if cached is not None:
        return cached
    result: dict[str, Callable[[], Any]] = {}
    for field in attrs.fields(cls):
        if field.name == EXTRA_FIELD:
            continue
        default: Any = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            result[field.name] = default.factory
        else:
            result[field.name] = functools.partial(lambda value: value, default)
    _DEFAULTS[cls] = result
    return result


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class Resource:
    """Base of every API entity: ``id``, equality by (class, id), a repr without secrets.

    An object remembers the session it came from; its relationships and verbs use it.
    Attributes are read-only: change the entity with ``update(...)``.
    """

    _id_field: ClassVar[str]
    _id_kind: ClassVar[str]
    _completable: ClassVar[bool] = False
    _operations: ClassVar[Operations] = Operations()

    extra: dict[str, Any] = attrs.field(factory=dict, kw_only=True)
    """Response fields this version of the SDK does not know, by their wire names."""

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def _from_wire(cls: type[R], data: Mapping[str, Any], client: Client, *, complete: bool = False) -> R:
        """Build an object from a response body, bound to ``client``.

        ``complete`` says the body is the entity's full one (from a GET): no field will be loaded later.
        """
        if not complete:
            # A list can hold many thousands of items: keep the wire body and build the typed
            # fields on first access, so iterating costs next to nothing per item.
            obj = cls.__new__(cls)
            obj.__dict__.update(_wire=data, _client=client, _completed=False, _relations={})
            return obj
        obj = converter.structure(data, cls)
        obj.__dict__["_completed"] = complete
        obj._attach(client)
        obj._fill_defaults()
        return obj

    def _materialize(self) -> None:
        """Build the typed fields from the kept wire body (once, on first access)."""
        state = self.__dict__
        if "_wire" not in state:
            return
        with self._lock:
            data = state.get("_wire")
            if data is None:
                return
            state.update(converter.structure(data, type(self)).__dict__)
            self._attach(state["_client"])
            del state["_wire"]  # last: a reader that sees no _wire sees every field

    def _attach(self, client: Client | None) -> None:
        """Bind to a client (and nested resources too); forget absent fields so they load lazily."""
        state = self.__dict__
        state["_client"] = client
        state.setdefault("_completed", False)
        state.setdefault("_relations", {})
        present = state.get("_present", frozenset())
        for name in _defaults(type(self)):
            if name not in present and self._completable and not state["_completed"]:
                state.pop(name, None)
            elif name in state:
                for value in _nested(state[name]):
                    value._attach(client)

    def _absorb(self, data: Mapping[str, Any], *, complete: bool = False) -> None:
        """Take the server's answer as the object's new state."""
        self._materialize()
        fresh = converter.structure(data, type(self))
        fresh._attach(self._client)
        state = self.__dict__
        with self._lock:
            for name in fresh._present:
                state[name] = fresh.__dict__[name]
            state[EXTRA_FIELD] = fresh.extra
            state["_present"] = state.get("_present", frozenset()) | fresh._present
            if complete:
                state["_completed"] = True
                self._fill_defaults()

    def _fill_defaults(self) -> None:
        for name, default in _defaults(type(self)).items():
            if name not in self.__dict__:
                self.__dict__[name] = default()

    def _complete(self) -> None:
        """Fetch the full body once (PyGithub-style lazy completion)."""
        self._materialize()
        state = self.__dict__
        with self._lock:
            if not state.get("_completed") and self._completable and state.get("_client") is not None:
                self._absorb(self._api_fetch(), complete=True)
            state["_completed"] = True
            self._fill_defaults()

    def _api_fetch(self) -> Mapping[str, Any]:
        raise NotImplementedError(f"the API has no way to get one {type(self).__name__}")

    if not TYPE_CHECKING:  # keep typos in attribute names visible to type checkers

        def __getattr__(self, name: str) -> Any:
            # Only called for attributes not set: a body not built yet, or a field the response
            # left out.
            if "_wire" in self.__dict__ and not name.startswith("_"):
                self._materialize()
                return getattr(self, name)
            if name.startswith("_") or name not in _defaults(type(self)):
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            self._complete()
            return self.__dict__[name]

    # -- identity -----------------------------------------------------------------------------

    @property
    def id(self) -> str:
        """The entity's id (e.g. the ``documentId`` of a Document)."""
        state = self.__dict__
        wire = state.get("_wire")
        if wire is not None:
            return cast(str, wire.get(_wire_id(type(self))))
        return cast(str, state.get(self._id_field))

    @property
    def _client(self) -> Client:
        client = self.__dict__.get("_client")
        if client is None:
            client = client_for(None)
            self.__dict__["_client"] = client
        return cast(Client, client)

    @property
    def session(self) -> Session:
        """The :class:`las.Session` this object talks through."""
        return self._client.session

    @property
    def _lock(self) -> threading.RLock:
        # dict.setdefault is atomic: every thread gets the same lock.
        return cast(threading.RLock, self.__dict__.setdefault("_lock", threading.RLock()))

    @property
    def _present(self) -> frozenset[str]:
        self._materialize()
        return cast("frozenset[str]", self.__dict__.get("_present", frozenset()))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Resource):
            return NotImplemented
        if not self.id:
            return self is other
        return type(self) is type(other) and self.id == other.id

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.id))

    def __repr__(self) -> str:
        parts = [f"id={self.id!r}"]
        self._materialize()
        name = self.__dict__.get("name")
        if isinstance(name, str):
            parts.append(f"name={name!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def to_dict(self) -> dict[str, Any]:
        """The object as the API's JSON (camelCase names; unknown fields included)."""
        self._materialize()
        return cast("dict[str, Any]", converter.unstructure(self))

    # -- helpers for subclasses ---------------------------------------------------------------

    def _parent(self, key: str, related_id: K, load: Callable[[K], T]) -> T:
        """A related object the contract says always exists (e.g. a prediction's model)."""
        related = self._related(key, related_id or None, load)
        if related is None:
            raise ClientException(
                f"{type(self).__name__} {self.id!r} has no {key} id; refresh() it to load its full body"
            )
        return related

    def _related(self, key: str, related_id: K | None, load: Callable[[K], T]) -> T | None:
        """A related object, loaded on first access and cached while ``related_id`` stays the same."""
        if related_id is None:
            return None
        with self._lock:
            relations: dict[str, tuple[Any, Any]] = self.__dict__.setdefault("_relations", {})
            cached = relations.get(key)
            if cached is not None and cached[0] == related_id:
                return cast(T, cached[1])
            value = load(related_id)
            relations[key] = (related_id, value)
            return value


def _nested(value: Any) -> Iterator[Resource]:
    if isinstance(value, Resource):
        yield value
    elif isinstance(value, list):
        yield from (item for item in value if isinstance(item, Resource))
    elif isinstance(value, dict):
        yield from (item for item in value.values() if isinstance(item, Resource))


# -- capabilities -------------------------------------------------------------------------------


class Refreshable(Resource):
    """Can be fetched again: ``refresh()``, and lazy completion of fields a response left out."""

    _completable: ClassVar[bool] = True

    def refresh(self: R) -> R:
        """Fetch the entity again and take the answer as the object's state; returns the object.

        Raises:
            NotFoundError: the entity no longer exists.
        """
        self._absorb(self._api_fetch(), complete=True)
        return self


class Retrievable(Refreshable):
    """Can be got by id: ``Cls.get(id)`` (one request) and ``Cls.ref(id)`` (none until used)."""

    def _api_fetch(self) -> Mapping[str, Any]:
        return _operation(type(self), "get")(self._client, self.id)

    @classmethod
    def get(cls: type[R], id: str | R, *, session: SessionLike | None = None) -> R:
        """Get the entity with this id (one request).

        Args:
            id: the id, or an object of this class (whose id is used).
            session: a :class:`las.Session` or :class:`las.Client`; default: the default session.

        Raises:
            InvalidIdError: ``id`` is not an id of this kind (before any request).
            NotFoundError: no such entity.
        """
        entity_id = ids.require_id(cls._id_kind, id)
        client = client_for(session)
        return cls._from_wire(_operation(cls, "get")(client, entity_id), client, complete=True)

    @classmethod
    def ref(cls: type[R], id: str | R, *, session: SessionLike | None = None) -> R:
        """An object for this id without any request; its attributes load on first access (once).

        Useful to call verbs (``Document.ref(doc_id).predict(model)``) or relationships
        without paying for a fetch you do not need.

        Raises:
            InvalidIdError: ``id`` is not an id of this kind.
        """
        entity_id = ids.require_id(cls._id_kind, id)
        return cls._from_wire({_wire_id(cls): entity_id}, client_for(session))


_WIRE_IDS: dict[str, str] = {}


def _wire_id(cls: type[Resource]) -> str:
    """The wire name of a class's id field (e.g. ``documentId``); read on every id, hash and ==."""
    key = f"{cls.__module__}.{cls.__qualname__}"
    name = _WIRE_IDS.get(key)
    if name is None:
        name = _WIRE_IDS[key] = wire_name(cls, cls._id_field)
    return name


class Listable(Resource):
    """Can be listed: ``Cls.list(...)`` returns one :class:`Page`, ``Cls.all(...)`` a lazy :class:`Collection`."""

    @classmethod
    def _list_filters(cls, filters: Mapping[str, Any]) -> dict[str, Any]:
        """Check and translate filter arguments into the list method's keyword arguments."""
        if filters:
            raise TypeError(f"{cls.__name__} lists take no filters, got {', '.join(sorted(filters))}")
        return {}

    @classmethod
    def _collection(cls: type[R], session: SessionLike | None) -> Collection[R]:
        client = client_for(session)
        lister = cast(Any, cls)
        return Collection(
            make=functools.partial(cls._from_wire, client=client),
            list_method=functools.partial(_operation(cls, "list"), client),
            normalize=lister._list_filters,
        )

    @classmethod
    def list(
        cls: type[R],
        max_results: int | None = None,
        next_token: str | None = None,
        *,
        session: SessionLike | None = None,
        **filters: Any,
    ) -> Page[R]:
        """One page of entities (one request). Use ``page.next_token`` or ``page.next_page()`` for more.

        Args:
            max_results: the page size the API should use (it may return fewer).
            next_token: the token of the page to get, from a previous page.
            session: a :class:`las.Session` or :class:`las.Client`; default: the default session.
            filters: the class's filters (see its ``all``), e.g. ``dataset_id=`` for documents.
        """
        collection = cast(Any, cls)._collection(session).filter(**filters)
        return cast("Page[R]", collection.list(max_results=max_results, next_token=next_token))

    @classmethod
    def all(
        cls: type[R],
        *,
        page_size: int | None = None,
        limit: int | None = None,
        session: SessionLike | None = None,
        **filters: Any,
    ) -> Collection[R]:
        """Every entity, as a lazy :class:`Collection`: nothing is requested until you iterate.

        Args:
            page_size: items per request (the API's ``maxResults``).
            limit: stop after this many items.
            session: a :class:`las.Session` or :class:`las.Client`; default: the default session.
            filters: the class's filters, e.g. ``Document.all(dataset_id=dataset)``.

        Example::

            for document in las.Document.all(dataset_id=dataset, page_size=100):
                ...
        """
        collection = cast(Any, cls)._collection(session).filter(**filters)
        return cast("Collection[R]", collection.page_size(page_size).limit(limit))


class Updatable(Resource):
    """Can be changed: ``obj.update(**changes)`` sends only the given fields."""

    _updatable: ClassVar[frozenset[str]] = frozenset()

    def _api_update(self, changes: dict[str, Any]) -> Mapping[str, Any]:
        return _operation(type(self), "update")(self._client, self.id, **changes)

    def update(self: R, **changes: Any) -> R:
        """Change the given fields (and only those); the object then holds the server's answer.

        Args:
            changes: field names and new values (see the class's ``_updatable``); nested
                values may be SDK objects (e.g. ``FieldConfigEntry``) or plain dicts. None
                sends an explicit null where the API allows it (e.g. to clear a description).

        Returns:
            The same object, updated.

        Raises:
            TypeError: a field that cannot be updated (before any request).
        """
        updatable = cast(Any, self)._updatable
        unknown = sorted(set(changes) - updatable)
        if unknown:
            raise TypeError(
                f"{type(self).__name__}.update() cannot change {', '.join(unknown)}; "
                f"it can change {', '.join(sorted(updatable))}"
            )
        if not changes:
            return self
        self._absorb(cast(Any, self)._api_update(cast(Any, self)._wire_changes(changes)))
        return self

    @classmethod
    def _wire_changes(cls, changes: Mapping[str, Any]) -> dict[str, Any]:
        """The changes' values as JSON (nested SDK objects unstructured); names stay Python's."""
        return {name: converter.unstructure(value) for name, value in changes.items()}


class Deletable(Resource):
    """Can be deleted: ``obj.delete()``."""

    def _api_delete(self) -> Mapping[str, Any]:
        return _operation(type(self), "delete")(self._client, self.id)

    def delete(self: R) -> R:
        """Delete the entity; returns the object holding the API's last answer about it.

        Raises:
            NotFoundError: it was already deleted.
        """
        self._absorb(cast(Any, self)._api_delete())
        return self


# -- pages and collections ---------------------------------------------------------------------


@attrs.frozen
class Page(Generic[T]):
    """One page of a list: ``items`` and the ``next_token`` of the page after it (None on the last)."""

    items: list[T]
    next_token: str | None
    _fetch: Callable[[str], Page[T]] | None = attrs.field(default=None, repr=False, eq=False, alias="fetch")

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> T:
        return self.items[index]

    @property
    def has_next(self) -> bool:
        """Whether there is a page after this one."""
        return self.next_token is not None

    def next_page(self) -> Page[T] | None:
        """The page after this one (one request), or None if this is the last."""
        if self.next_token is None or self._fetch is None:
            return None
        return self._fetch(self.next_token)


def _items_key(method: ListMethod) -> str:
    target: Any = method
    while isinstance(target, functools.partial):
        target = target.func
    key = getattr(target, "items_key", None)
    if key is None:
        raise TypeError(f"{method!r} is not a las.Client list method")
    return cast(str, key)


class Collection(Generic[T]):
    """A lazy, re-iterable view over every item of a list (boto3-style).

    Nothing is requested until you iterate; pages are fetched one at a time as you go, so
    memory holds one page. Each iteration starts again from the first page.

    ``all``/``filter``, ``page_size`` and ``limit`` return a new collection::

        recent = workflow.executions.all(status="succeeded", sort_by="endTime", order="descending")
        for execution in recent.page_size(50).limit(200):
            ...
        first = recent.first()
    """

    def __init__(
        self,
        *,
        make: Callable[[Mapping[str, Any]], T],
        list_method: ListMethod,
        normalize: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None,
        filters: Mapping[str, Any] | None = None,
        page_size: int | None = None,
        limit: int | None = None,
    ) -> None:
        self._make = make
        self._list_method = list_method
        self._items_key = _items_key(list_method)
        self._normalize = normalize or (lambda given: dict(given))
        self._filters: dict[str, Any] = dict(filters or {})
        self._page_size = page_size
        self._limit = limit

    def __repr__(self) -> str:
        return f"<{type(self).__name__} filters={self._filters!r} page_size={self._page_size} limit={self._limit}>"

    def _copy(self: C, **changes: Any) -> C:
        new = copy.copy(self)
        for name, value in changes.items():
            setattr(new, name, value)
        return new

    def all(self: C, **filters: Any) -> C:
        """This collection with the given filters (no filters: every item)."""
        return self.filter(**filters)

    def filter(self: C, **filters: Any) -> C:
        """A collection narrowed by the given filters (checked now, sent when iterated).

        Raises:
            TypeError: a filter this list does not take.
            InvalidIdError: an id filter of the wrong kind.
        """
        merged = {**self._filters, **self._normalize(filters)}
        return self._copy(_filters=merged)

    def page_size(self: C, count: int | None) -> C:
        """A collection that asks for ``count`` items per request."""
        if count is not None and count < 1:
            raise ValueError(f"page_size must be 1 or more, got {count}")
        return self._copy(_page_size=count)

    def limit(self: C, count: int | None) -> C:
        """A collection that stops after ``count`` items."""
        if count is not None and count < 0:
            raise ValueError(f"limit must be 0 or more, got {count}")
        return self._copy(_limit=count)

    def _page(self, data: Mapping[str, Any], max_results: int | None) -> Page[T]:
        raw, token = structure_page(data, self._items_key)
        return Page(
            [self._make(item) for item in raw],
            token,
            fetch=lambda next_token: self.list(max_results, next_token),
        )

    def _request(self, next_token: str | None, max_results: int | None) -> Mapping[str, Any]:
        return self._list_method(**self._filters, max_results=max_results, next_token=next_token)

    def list(self, max_results: int | None = None, next_token: str | None = None) -> Page[T]:
        """One page (one request): ``max_results`` items from ``next_token`` (None: the first page)."""
        size = max_results if max_results is not None else self._page_size
        return self._page(self._request(next_token, size), size)

    def iter_pages(self) -> Iterator[Page[T]]:
        """Yield page after page, lazily (the collection's limit does not apply to pages)."""
        for data in iter_pages(lambda token: self._request(token, self._page_size)):
            yield self._page(data, self._page_size)

    def __iter__(self) -> Iterator[T]:
        limit = self._limit
        if limit == 0:
            return
        seen = 0

        def fetch(next_token: str | None) -> Mapping[str, Any]:
            size = self._page_size
            if limit is not None:  # never ask for more than the items still wanted
                size = limit - seen if size is None else min(size, limit - seen)
            return self._request(next_token, size)

        for data in iter_pages(fetch):
            for item in structure_page(data, self._items_key)[0]:
                yield self._make(item)
                seen += 1
                if limit is not None and seen >= limit:
                    return

    def first(self) -> T | None:
        """The first item (one request), or None when there is none."""
        for item in self.limit(1):
            return item
        return None
