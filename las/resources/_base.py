"""What every resource shares: building from the wire, lazy fields, capabilities, pages, collections.

How a call becomes an object, and how an attribute read is answered::

    Document.get(id)                      verb: checks the id, picks the object's Client
      -> client.with_raw_response         the API (path, fields: las.Client), then the Session
           .get_document(id)              (HTTP): the answer is a RawResponse (data and info)
      -> Document._from_answer(answer)    the builder of one object: the class's Plan (see _plan)
                                          checks and converts each field, once; a bad body raises
                                          InvalidResponseError, never half an object; the info
                                          is kept as obj.last_response_info
    Document.all() -> a page's answer     the builder of a page (_from_page, Plan.listed): every
                                          field of every item checked when the page arrives (a
                                          bad item fails the page); timestamps and nested
                                          objects are converted when first read, then held
    document.name                         a plain attribute: set by the builder, no code runs
    listed.content                        declared lazy(): absent from list answers, so the
                                          _Field descriptor runs -> one GET, once
                                          (or NotLoadedError with session.lazy False)
    Document.ref(id).name                 a ref knows only its id: any field read loads it

An object is in one of three states (``obj.loaded`` is True in the last):

- *ref* (``Cls.ref(id)``): only its id; reading any field loads the full body.
- *partial* (from a list, or a create/update answer): every field, but the ``lazy()`` ones the
  answer left out; an absent optional field is None, never a request.
- *full* (``Cls.get``, ``obj.load()``, ``obj.refresh()``): everything; an absent field is None.

A resource class says what it can do by what it inherits (stripe-python style)::

    class Document(Audited, Retrievable, Listable, Updatable, Deletable): ...

Which :class:`las.Client` method does each capability is declared once per class, in
``_operations``. Each verb that sends a request is written once, as async code between the
markers of ``tools/unasync.py``, which generates its sync twin below it (``get_async`` -> ``get``):
the verb picks the object's client (``_bound`` / ``_bound_async``, which name the twin when the
object belongs to the other variant), calls the Client method, and builds from the answer.

Lists live in ``_collection.py`` (Page, Collection), field plans in ``_plan.py``.
"""

from __future__ import annotations

import copy
import threading
import warnings
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

import attrs

from .. import ids
from .._response import RawResponse, ResponseInfo
from .._wire import given
from ..client import Client
from ..exceptions import ClientException, ContractError, InvalidCredentialsException
from ._collection import Collection, Page, list_filters
from ._errors import (
    InvalidArgumentError,
    NotInContractError,
    NotSupportedError,
    find_in_all,
    invalid,
    not_in_contract,
    snake,
    wrong_variant,
)
from ._plan import (
    EXTRA_FIELD,
    FILE_URL,
    LAZY,
    FieldPlan,
    Plan,
    WireError,
    decode_base64,
    plan_of,
    reader,
    to_wire,
)
from ._session import SessionLike, any_client_for, client_for, client_for_async

if TYPE_CHECKING:
    from .._async_client import AsyncClient
    from ._session import AnySessionLike, AsyncSessionLike

__all__ = [
    "Audited",
    "Collection",
    "Deletable",
    "InvalidArgumentError",
    "Listable",
    "NotInContractError",
    "NotLoadedError",
    "NotRetrievable",
    "NotSupportedError",
    "Operations",
    "Page",
    "Refreshable",
    "Resource",
    "Retrievable",
    "Struct",
    "Updatable",
    "given",
    "lazy",
    "list_filters",
    "sync_property",
]

R = TypeVar("R", bound="Resource")
RR = TypeVar("RR", bound="Retrievable")
T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

REF, PARTIAL, FULL = "ref", "partial", "full"
_OWN_META = threading.Lock()  # held while a listed object makes its own _Meta (Resource._meta)
_LOADING = threading.Lock()  # held only to elect which thread loads an object, never across a request


class NotLoadedError(ClientException):
    """A lazy field was read on an object that may not load it by itself (``lazy=False``, or async)."""


def lazy(*, file_url: str | None = None) -> Any:
    """Declare a field the API leaves out of lists: reading it on a listed object loads the full body.

    Args:
        file_url: for a bytes field, the wire name of the field whose URL holds its content when
            the body carries none (``"fileUrl"``, 2024-11-29): reading it then downloads from
            there, once (``load_<field>()`` / ``await load_<field>_async()`` do it explicitly).

    Example (in a class body)::

        content: bytes | None = lazy(file_url="fileUrl")
    """
    metadata: dict[str, Any] = {LAZY: True}
    if file_url is not None:
        metadata[FILE_URL] = file_url
    return attrs.field(default=None, metadata=metadata)


def sync_property(method: F) -> F:
    """Mark an async relation (``async def dataset_async(self)``) whose generated sync twin is a
    property (``document.dataset``); ``tools/unasync.py`` turns the name into ``property``."""
    return method


@attrs.frozen
class Operations:
    """The names of the :class:`las.Client` methods behind a class's capabilities (None: the API
    has no such call)."""

    get: str | None = None
    list: str | None = None
    update: str | None = None
    delete: str | None = None

    def of(self, owner: type[Any], capability: str) -> str:
        """The Client method of ``capability`` (``"get"``, ...).

        Raises:
            NotSupportedError: the API has no such call for ``owner``.
        """
        name: str | None = getattr(self, capability)
        if name is None:
            raise NotSupportedError(f"the API has no way to {capability} a {owner.__name__}")
        return name


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

    # Left out of the hash (not of equality): a struct whose fields are hashable hashes.
    extra: dict[str, Any] = attrs.field(factory=dict, kw_only=True, repr=False, hash=False)


class _NoExtra:
    """``extra`` of a Struct built from a body without unknown fields: an empty dict, made on
    first read. The builders hold ``extra`` only when it has something, so the object's dict
    holds no container and the garbage collector does not track it: reading the ground truth of
    listed documents (three items each) ran half as many collections, 1.61x -> 1.36x a bare loop."""

    def __get__(self, obj: Any, owner: type[Any]) -> Any:
        if obj is None:
            return self
        value: dict[str, Any] = {}
        obj.__dict__[EXTRA_FIELD] = value
        return value


Struct.extra = _NoExtra()  # type: ignore[assignment]


class _Meta:
    """What an object knows besides its fields: its client, the body it was built from, its state."""

    __slots__ = ("client", "info", "loading", "relations", "state", "wire")

    def __init__(self, client: Any, info: Any, state: str, wire: dict[str, Any] | None) -> None:
        self.client = client
        self.info = info
        self.state = state
        self.wire = wire
        self.loading: threading.Event | None = None
        self.relations: dict[str, tuple[Any, Any]] | None = None  # made when the first is kept

    def related(self, key: str, related_id: Any) -> Any:
        """The value kept for relation ``key`` while it was made for ``related_id`` (None: none kept)."""
        cached = self.relations.get(key) if self.relations is not None else None
        return cached[1] if cached is not None and cached[0] == related_id else None

    def keep(self, key: str, related_id: Any, value: Any) -> None:
        """Keep ``value`` as relation ``key``, made for ``related_id``."""
        if self.relations is None:
            self.relations = {}
        self.relations[key] = (related_id, value)


class _Field:
    """Answers a read of a field the object does not hold (a non-data descriptor: held values
    are plain attribute reads). Installed on each resource class when its plan is compiled.

    A field whose value is built from the kept body (a deferred field of a listed object, with
    its generated converter, see ``_plan.reader``; base64 content, decoded) is converted here,
    once, and held; a value the converter refuses raises InvalidResponseError naming the object
    and the field. Anything else (load the body, or the field's default) is ``_missing``."""

    def __init__(self, field: FieldPlan) -> None:
        self.field = field
        self.name, self.wire = field.name, field.wire
        self.convert: Callable[[Any, Any], Any] | None = (
            reader(field) if field.deferred else _decoded if field.base64 else None
        )

    def __get__(self, obj: Resource | None, owner: type[Any]) -> Any:
        if obj is None:
            return self
        convert = self.convert
        if convert is not None:
            held = obj._held
            meta: _Meta
            wire: dict[str, Any] | None
            if isinstance(held, tuple):  # a listed object: (its page's meta, its body), see Resource
                meta, wire = held
            else:
                meta, wire = held, held.wire
            raw = wire.get(self.wire) if wire is not None else None
            if raw is not None:
                try:  # a deferred field was only type-checked on arrival: its converter checks the rest
                    value = convert(raw, meta.client)
                except WireError as error:
                    problem = f"{type(obj).__name__} {obj.id!r} {self.wire}: {error}"
                    raise invalid(None, problem, meta.info) from None
                # Held unless an answer taken meanwhile (update, refresh, load) holds its own.
                return obj.__dict__.setdefault(self.name, value)
        return obj._missing(self.field)


def _decoded(raw: Any, client: Any) -> bytes:
    return decode_base64(raw)


_READY: dict[type[Any], Plan] = {}


def _plan(cls: type[Any]) -> Plan:
    plan = _READY.get(cls)
    if plan is None:
        plan = plan_of(cls)
        for field in plan.fields:
            setattr(cls, field.name, _Field(field))
        _READY[cls] = plan
    return plan


class Resource:
    """Base of every API entity: ``id``, equality by (class, id), a repr without secrets.

    An object remembers the session it came from (the default one when unpickled); its
    relationships and verbs use it. Attributes are read-only: change the entity with ``update``.
    """

    # The metadata sits in a slot, not in the instance dict: a listed object's dict then holds
    # only strings and numbers, which the garbage collector does not track (see Plan.listed).
    # A listed object holds there the pair (its page's _Meta, its body), which costs a fifth of
    # building a _Meta per item; ``_meta`` makes the object's own from it on first use.
    __slots__ = ("_held",)

    _id_field: ClassVar[str]
    _id_kind: ClassVar[str]
    _operations: ClassVar[Operations] = Operations()
    _listed_where_not_got: ClassVar[bool] = False
    """Whether ``Cls.all()`` finds one on a contract whose Client refuses its get (a prediction
    on 2021-09-23): the error then says so."""
    _get_options: ClassVar[Mapping[str, Any]] = {}
    """Keyword arguments of the get operation (e.g. a Document's ``download_content=False``)."""
    _held: _Meta | tuple[_Meta, dict[str, Any]]

    def __attrs_post_init__(self) -> None:  # built by the constructor: holds what it was given
        _set_meta(self, _Meta(None, None, PARTIAL, None))

    @property
    def _meta(self) -> _Meta:
        """What the object knows besides its fields (a listed object's own is made here, once:
        two threads that touch it first at the same time get the same one)."""
        held = self._held
        if isinstance(held, tuple):
            with _OWN_META:
                held = self._held
                if isinstance(held, tuple):
                    page, wire = held
                    held = _Meta(page.client, page.info, page.state, wire)
                    _set_meta(self, held)
        return held

    # -- the builder ----------------------------------------------------------------------------

    @classmethod
    def _from_wire(
        cls: type[R], data: Any, client: Client | None, *, full: bool = False, info: Any = None
    ) -> R:
        """Build an object from a response body (the only way one is built from the wire).

        Raises:
            WireError: the body is not the contract's (callers turn it into InvalidResponseError).
        """
        obj = cls.__new__(cls)
        _plan(cls).values(data, client, not full, obj.__dict__)  # fills the new object
        _set_meta(obj, _Meta(client, info, FULL if full else PARTIAL, data))
        return obj

    @classmethod
    def _field(cls, name: str) -> FieldPlan:
        """How the field ``name`` is read from the wire."""
        return _plan(cls).by_name[name]

    @classmethod
    def _from_page(cls: type[R], items: list[Any], client: Any, info: Any) -> list[R]:
        """Build the objects of a list page (the only way listed objects are built): every field
        of every item is checked now; timestamps and nested objects are converted on first read
        (see :meth:`Plan.listed`).

        Raises:
            WireError: an item is not the contract's (callers turn it into InvalidResponseError).
        """
        return cast("list[R]", _plan(cls).listed(items, _Meta(client, info, PARTIAL, None), _set_meta))

    @classmethod
    def _from_answer(
        cls: type[R], operation: str, answer: RawResponse[Any], client: Any, *, full: bool = False
    ) -> R:
        """Build the object from the answer of ``Client.<operation>``; a body that is not the
        contract's raises InvalidResponseError naming the operation."""
        try:
            obj = cls._from_wire(answer.data, client, full=full, info=answer.info)
        except WireError as error:
            raise invalid(operation, str(error), answer.info) from None
        if operation.startswith("create_"):  # an id no request could carry names nothing it made
            made = getattr(obj, "id", None)
            kind = getattr(cls, "_id_kind", None)
            if kind is not None and not ids.is_id(kind, made):
                problem = f"its id {made!r} is not a {kind} id; whether anything was created is unknown"
                raise invalid(operation, problem, answer.info)
        return obj

    def _take_answer(self, operation: str, answer: RawResponse[Any], *, full: bool = False) -> None:
        """Take the answer of ``Client.<operation>`` as the object's new state: every field in one
        ``dict.update``."""
        meta = self._meta
        data, info = answer.data, answer.info
        try:
            values = _plan(type(self)).values(data, meta.client, skip_absent_lazy=not full)
        except WireError as error:
            raise invalid(operation, str(error), info) from None
        meta.wire = {**(meta.wire or {}), **data}
        held = self.__dict__.get(self._id_field)
        self.__dict__.update(values)
        if held is not None:  # an object keeps the id it was made with: an organisation's model
            self.__dict__[self._id_field] = held  # id is answered without its prefix (2024-11-29)
        for field in _plan(type(self)).fields:
            if field.base64 and field.wire in data:
                self.__dict__.pop(field.name, None)  # decoded again from the new body when read
        meta.info = info
        if full or meta.state == REF:
            meta.state = FULL if full else PARTIAL

    def _missing(self, field: FieldPlan) -> Any:
        """A field not held and not in the kept body: load the body (a ref, or a lazy field of a
        partial object), or give its default, held from then on."""
        meta = self._meta
        if field.file_url is not None and self._file_pending(field):
            self._wait_for_load(field, download=True)
            return self.__dict__.get(field.name)
        if meta.state == REF or (meta.state == PARTIAL and field.lazy):
            self._wait_for_load(field)
            return getattr(self, field.name)
        value = None if field.factory is None else field.factory()
        self.__dict__[field.name] = value
        return value

    def _file_pending(self, field: FieldPlan) -> bool:
        """Whether a bytes field with a file URL is still to be downloaded: the object is not
        loaded yet, or its body has no content but a URL for it."""
        meta = self._meta
        if meta.state == REF or (meta.state == PARTIAL and field.lazy):
            return True
        wire = meta.wire or {}
        return wire.get(field.wire) is None and isinstance(wire.get(cast(str, field.file_url)), str)

    def _wait_for_load(self, field: FieldPlan, *, download: bool = False) -> None:
        """Load the full body once (with ``download``, the field's bytes from its file URL too),
        however many threads ask; no lock is held across the requests.

        Raises:
            NotLoadedError: the session does not load by itself (``lazy=False``, or an async
                session, whose objects are loaded with ``await obj.load_async()``).
        """
        name = f"{type(self).__name__}.{field.name}"
        client = self._client
        if not isinstance(client, Client):
            if download:
                raise NotLoadedError(
                    f"{name} is not loaded: await {snake(type(self).__name__)}.load_{field.name}_async() "
                    "first (a request for the body if it is not loaded, then one download)"
                )
            raise NotLoadedError(f"{name} is not loaded: await obj.load_async() first (one request)")
        if not client.session.lazy:
            call = f"one request: Client.{self._get_operation()}"
            raise NotLoadedError(
                f"{name} is not loaded and the session has lazy=False: "
                + (
                    f"call .load_{field.name}() first ({call} if the body is not loaded, then one "
                    "download from its file URL)"
                    if download
                    else f"call .load() first ({call}), or use {type(self).__name__}.get(id)"
                )
            )
        self._once(field, client, download=download)

    def _once(self, field: FieldPlan, client: Client, *, download: bool = False) -> None:
        """Load the full body (with ``download``: the field's bytes) once however many threads
        ask at the same time; one that finds it done by another sends nothing."""
        meta = self._meta
        with _LOADING:
            event, mine = meta.loading, meta.loading is None
            if mine:
                event = meta.loading = threading.Event()
        if not mine:
            cast(threading.Event, event).wait()
            if (
                (field.name in self.__dict__ or not self._file_pending(field))
                if download
                else meta.state == FULL
            ):
                return
        try:
            if download:
                self._load_file(field, client)
            else:
                self._fetch(client)
        finally:
            with _LOADING:
                if mine:
                    meta.loading = None
            if mine:
                cast(threading.Event, event).set()

    def _get_operation(self) -> str:
        """The Client method that gets this object by its key (:meth:`_key`): its ``_operations.get``."""
        if self._operations.get is None:
            raise NotSupportedError(
                f"the API has no way to get one {type(self).__name__}; find it with {type(self).__name__}.all()"
            )
        return self._operations.get

    @classmethod
    def _no_get(cls, client: Any) -> NotInContractError:
        """The error for a get by id that ``client``'s contract does not have."""
        return not_in_contract(cls.__name__, client.contract, listed=cls._listed_where_not_got)

    def _key(self) -> tuple[str, ...]:
        """The ids that name this object in a request path (checked: an object may be built by hand);
        a sub-resource's starts with its parent's id."""
        return (self._checked_id(),)

    def _related(self, key: str, related_id: Any, load: Callable[[Any], T]) -> T | None:
        """A related value made by ``load(related_id)`` on first use and kept while ``related_id``
        stays the same (None when it is None)."""
        if related_id is None:
            return None
        cached = self._meta.related(key, related_id)
        if cached is not None:
            return cast(T, cached)
        value = load(related_id)
        self._meta.keep(key, related_id, value)
        return value

    # ---- async source: tools/unasync.py derives the sync twins below ----
    async def _fetch_async(self, client: AsyncClient) -> None:
        """Get the object again and take the answer as its full state (one request)."""
        operation = self._get_operation()
        try:
            answer = await getattr(client.with_raw_response, operation)(*self._key(), **self._get_options)
        except ContractError:  # refused before sending: the session's contract has no such get
            raise type(self)._no_get(client) from None
        self._take_answer(operation, answer, full=True)

    async def _load_file_async(self, field: FieldPlan, client: AsyncClient) -> Any:
        """The bytes of ``field``, kept once had: decoded from the body, or downloaded from the
        file URL the body names (after getting the body when the object is not loaded, and
        again once when the URL has expired); None when the body has neither."""
        held = self.__dict__.get(field.name)
        if held is not None:
            return held
        meta = self._meta
        if meta.state == REF or (meta.state == PARTIAL and field.lazy):
            await self._fetch_async(client)
        wire = meta.wire or {}
        if wire.get(field.wire) is not None:
            return getattr(self, field.name)  # inline: decoded from the body by the field's descriptor
        url = wire.get(cast(str, field.file_url))
        if not isinstance(url, str):
            return self._missing(field)  # neither bytes nor a URL: the field's default
        try:
            data = await client.get_file(url)
        except InvalidCredentialsException:  # 401/403: a presigned URL that expired
            await self._fetch_async(client)
            url = (meta.wire or {}).get(cast(str, field.file_url))
            if not isinstance(url, str):
                return None
            data = await client.get_file(url)
        self.__dict__[field.name] = data
        return data

    async def _relation_async(self, key: str, related_id: str | None, target: type[RR]) -> RR | None:
        """The ``target`` entity with ``related_id`` (``target.get_async``, on first use, then
        kept while ``related_id`` stays the same); None when ``related_id`` is None."""
        if related_id is None:
            return None
        cached = self._meta.related(key, related_id)
        if cached is not None:
            return cast(RR, cached)
        value = await target.get_async(related_id, session=self._bound_async(key, relation=True))
        self._meta.keep(key, related_id, value)
        return value

    async def _parent_async(self, key: str, related_id: str, target: type[RR]) -> RR:
        """A related object the contract says always exists (e.g. a prediction's model)."""
        return cast(RR, await self._relation_async(key, related_id, target))

    # ---- sync twins: generated from the async source above, do not edit ----
    def _fetch(self, client: Client) -> None:
        """Get the object again and take the answer as its full state (one request)."""
        operation = self._get_operation()
        try:
            answer = getattr(client.with_raw_response, operation)(*self._key(), **self._get_options)
        except ContractError:  # refused before sending: the session's contract has no such get
            raise type(self)._no_get(client) from None
        self._take_answer(operation, answer, full=True)

    def _load_file(self, field: FieldPlan, client: Client) -> Any:
        """The bytes of ``field``, kept once had: decoded from the body, or downloaded from the
        file URL the body names (after getting the body when the object is not loaded, and
        again once when the URL has expired); None when the body has neither."""
        held = self.__dict__.get(field.name)
        if held is not None:
            return held
        meta = self._meta
        if meta.state == REF or (meta.state == PARTIAL and field.lazy):
            self._fetch(client)
        wire = meta.wire or {}
        if wire.get(field.wire) is not None:
            return getattr(self, field.name)  # inline: decoded from the body by the field's descriptor
        url = wire.get(cast(str, field.file_url))
        if not isinstance(url, str):
            return self._missing(field)  # neither bytes nor a URL: the field's default
        try:
            data = client.get_file(url)
        except InvalidCredentialsException:  # 401/403: a presigned URL that expired
            self._fetch(client)
            url = (meta.wire or {}).get(cast(str, field.file_url))
            if not isinstance(url, str):
                return None
            data = client.get_file(url)
        self.__dict__[field.name] = data
        return data

    def _relation(self, key: str, related_id: str | None, target: type[RR]) -> RR | None:
        """The ``target`` entity with ``related_id`` (``target.get``, on first use, then
        kept while ``related_id`` stays the same); None when ``related_id`` is None."""
        if related_id is None:
            return None
        cached = self._meta.related(key, related_id)
        if cached is not None:
            return cast(RR, cached)
        value = target.get(related_id, session=self._bound(key, relation=True))
        self._meta.keep(key, related_id, value)
        return value

    def _parent(self, key: str, related_id: str, target: type[RR]) -> RR:
        """A related object the contract says always exists (e.g. a prediction's model)."""
        return cast(RR, self._relation(key, related_id, target))

    # ---- end of generated sync twins ----

    # -- what a caller sees ---------------------------------------------------------------------

    @property
    def id(self) -> str:
        """The entity's id (e.g. the ``documentId`` of a Document)."""
        return cast(str, self.__dict__.get(self._id_field, ""))

    def _checked_id(self) -> str:
        """The id, checked before it goes into a request path (an object may be built by hand)."""
        return ids.require_id(self._id_kind, self.id)

    @property
    def _client(self) -> Any:
        """The object's Client or AsyncClient (the default session's Client when it has none)."""
        return self._meta.client or client_for(None)

    def _bound(self, verb: str, operation: str | None = None, *, relation: bool = False) -> Client:
        """The Client a sync verb sends through.

        Raises:
            InvalidArgumentError: the object belongs to an AsyncSession (the message names the
                verb's ``*_async`` twin); NotLoadedError for a ``relation``.
        """
        client = self._client
        if isinstance(client, Client):
            return client
        if relation:
            owner = type(self).__name__
            raise NotLoadedError(
                f"{owner}.{verb} needs a request and this {owner} belongs to an AsyncSession: "
                f"await {snake(owner)}.{verb}_async() instead (one request, then kept)"
            )
        raise wrong_variant(self, verb, bound_async=True, operation=operation)

    def _bound_async(self, verb: str, operation: str | None = None, *, relation: bool = False) -> AsyncClient:
        """The AsyncClient an ``*_async`` verb sends through (the running loop's default when the
        object has none, e.g. once unpickled).

        Raises:
            InvalidArgumentError: the object belongs to a las.Session (the message names the
                sync verb to call instead).
        """
        client = self._meta.client
        if client is None:
            return client_for_async(None)
        if isinstance(client, Client):
            raise wrong_variant(self, verb, bound_async=False, operation=operation)
        return cast("AsyncClient", client)

    @property
    def session(self) -> Any:
        """The :class:`las.Session` (or :class:`las.AsyncSession`) this object talks through."""
        return self._client.session

    @property
    def loaded(self) -> bool:
        """Whether the object holds the entity's full body (from ``get``, ``load`` or ``refresh``)."""
        return self._meta.state == FULL

    @property
    def last_response_info(self) -> ResponseInfo | None:
        """The :class:`las.ResponseInfo` of the last answer this object was built from or updated
        by (None for a ref, or an object built by hand)."""
        return cast("ResponseInfo | None", self._meta.info)

    @property
    def last_response(self) -> ResponseInfo | None:
        """Deprecated since 0.2: :attr:`last_response_info` (it is a ResponseInfo, not a response).

        Warns:
            DeprecationWarning: naming the replacement; the name goes in 1.0.
        """
        warnings.warn(
            f"{type(self).__name__}.last_response is deprecated: use .last_response_info (the same ResponseInfo)",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.last_response_info

    @property
    def extra(self) -> dict[str, Any]:
        """Response fields this version of the SDK does not know, by their wire names."""
        wire = self._meta.wire
        return _plan(type(self)).extra(wire) if wire is not None else {}

    def to_dict(self) -> dict[str, Any]:
        """The object as the API's JSON (camelCase names; unknown fields included)."""
        wire = self._meta.wire
        return copy.deepcopy(wire) if wire is not None else cast("dict[str, Any]", to_wire(self))

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as its data and its id (the one it was made with, which an organisation's model
        # is not answered with), without its session: it uses the default session where unpickled.
        return (_unpickle, (type(self), self.to_dict(), self._meta.state, self.id))

    def __copy__(self: R) -> R:
        """A copy that talks through the same session (a pickled one takes the default session
        where it is unpickled); its fields are the same values."""
        cls = type(self)
        new = cls.__new__(cls)
        new.__dict__.update(self.__dict__)
        held = self._held
        if not isinstance(held, tuple):  # its own metadata: loading and kept relations are not shared
            held = _Meta(held.client, held.info, held.state, held.wire)
        _set_meta(new, held)
        return new

    def __deepcopy__(self: R, memo: dict[int, Any]) -> R:
        """As :meth:`__copy__`, with copies of the field values and of the body kept."""
        cls = type(self)
        new = cls.__new__(cls)
        memo[id(self)] = new
        new.__dict__.update(copy.deepcopy(self.__dict__, memo))
        held = self._held
        if isinstance(held, tuple):  # a listed object: its page's metadata, its own body
            held = (held[0], copy.deepcopy(held[1], memo))
        else:
            held = _Meta(held.client, held.info, held.state, copy.deepcopy(held.wire, memo))
        _set_meta(new, held)
        return new

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Resource):
            return NotImplemented
        if not self.id:
            return self is other
        return type(self) is type(other) and self.id == other.id

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.id))

    def __repr__(self) -> str:
        name = self.__dict__.get("name")
        shown = f", name={name!r}" if isinstance(name, str) else ""
        return f"{type(self).__name__}(id={self.id!r}{shown})"


_set_meta = Resource.__dict__["_held"].__set__  # a resource is frozen: builders set its slot directly


def _unpickle(cls: type[R], data: dict[str, Any], state: str, entity_id: str | None = None) -> R:
    if state == REF:
        return _ref(cls, entity_id or data[_plan(cls).by_name[cls._id_field].wire], None)
    try:
        obj = cls._from_wire(data, None, full=state == FULL)
    except WireError:  # a listed object, accepted with fields checked only when read (a timestamp)
        [obj] = cls._from_page([data], None, None)
    obj._meta.state = state
    if entity_id:
        obj.__dict__[cls._id_field] = entity_id
    return obj


def _ref(cls: type[R], entity_id: str, client: Any) -> R:
    """An object that knows only its id: reading any field loads it."""
    _plan(cls)
    obj = cls.__new__(cls)
    obj.__dict__[cls._id_field] = entity_id
    _set_meta(obj, _Meta(client, None, REF, None))
    return obj


# -- capabilities -------------------------------------------------------------------------------


class Refreshable(Resource):
    """Can be fetched again (``load``, ``refresh``); sub-resources give their ``_get_operation``
    and ``_key``."""

    # ---- async source: tools/unasync.py derives the sync twins below ----
    async def load_async(self: R) -> R:
        """Fetch the full body if the object does not hold it yet (one request, or none); returns it."""
        if self._meta.state != FULL:
            await self._fetch_async(self._bound_async("load", self._get_operation()))
        return self

    async def refresh_async(self: R) -> R:
        """Fetch the entity again and take the answer as the object's state; returns the object.

        Raises:
            NotFoundError: the entity no longer exists.
            NotInContractError: the contract the session speaks has no get for this class.
        """
        await self._fetch_async(self._bound_async("refresh", self._get_operation()))
        return self

    # ---- sync twins: generated from the async source above, do not edit ----
    def load(self: R) -> R:
        """Fetch the full body if the object does not hold it yet (one request, or none); returns it."""
        if self._meta.state != FULL:
            self._fetch(self._bound("load", self._get_operation()))
        return self

    def refresh(self: R) -> R:
        """Fetch the entity again and take the answer as the object's state; returns the object.

        Raises:
            NotFoundError: the entity no longer exists.
            NotInContractError: the contract the session speaks has no get for this class.
        """
        self._fetch(self._bound("refresh", self._get_operation()))
        return self

    # ---- end of generated sync twins ----


class Retrievable(Refreshable):
    """Can be got by id: ``Cls.get(id)`` (one request) and ``Cls.ref(id)`` (none until used)."""

    # ---- async source: tools/unasync.py derives the sync twins below ----
    @classmethod
    async def get_async(cls: type[R], id: str | R, *, session: AsyncSessionLike | None = None) -> R:
        """Get the entity with this id (one request).

        Args:
            id: the id, or an object of this class (whose id is used).
            session: a :class:`las.AsyncSession` or :class:`las.AsyncClient`; default: the
                default session.

        Raises:
            InvalidIdError: ``id`` is not an id of this kind (before any request).
            NotInContractError: the contract the session speaks has no get by id for this class
                (a NotSupportedError and a las.ContractError; before any request).
            NotFoundError: no such entity.
        """
        checked = ids.require_id(cls._id_kind, id)
        client = client_for_async(session, cls, "get")
        operation = cls._operations.of(cls, "get")
        try:
            answer = await getattr(client.with_raw_response, operation)(checked, **cls._get_options)
        except ContractError:  # refused before sending: the session's contract has no such get
            raise cls._no_get(client) from None
        obj = cls._from_answer(operation, answer, client, full=True)
        obj.__dict__[cls._id_field] = checked  # the id asked for: an organisation's model id is
        return obj  # answered without its prefix (2024-11-29), and the object must stay that model

    # ---- sync twins: generated from the async source above, do not edit ----
    @classmethod
    def get(cls: type[R], id: str | R, *, session: SessionLike | None = None) -> R:
        """Get the entity with this id (one request).

        Args:
            id: the id, or an object of this class (whose id is used).
            session: a :class:`las.Session` or :class:`las.Client`; default: the
                default session.

        Raises:
            InvalidIdError: ``id`` is not an id of this kind (before any request).
            NotInContractError: the contract the session speaks has no get by id for this class
                (a NotSupportedError and a las.ContractError; before any request).
            NotFoundError: no such entity.
        """
        checked = ids.require_id(cls._id_kind, id)
        client = client_for(session, cls, "get")
        operation = cls._operations.of(cls, "get")
        try:
            answer = getattr(client.with_raw_response, operation)(checked, **cls._get_options)
        except ContractError:  # refused before sending: the session's contract has no such get
            raise cls._no_get(client) from None
        obj = cls._from_answer(operation, answer, client, full=True)
        obj.__dict__[cls._id_field] = checked  # the id asked for: an organisation's model id is
        return obj  # answered without its prefix (2024-11-29), and the object must stay that model

    # ---- end of generated sync twins ----

    @classmethod
    def ref(cls: type[R], id: str | R, *, session: AnySessionLike | None = None) -> R:
        """An object for this id without any request; reading any field loads it (once).

        Useful to call verbs (``Document.ref(doc_id).predict(model)``) without a fetch. With an
        AsyncSession (``session=asession``) the ref loads nothing on a read: await its twins
        (``await ref.load_async()``, ``await ref.predict_async(model)``).

        Raises:
            InvalidIdError: ``id`` is not an id of this kind.
        """
        return _ref(cls, ids.require_id(cls._id_kind, id), any_client_for(session))


class NotRetrievable(Resource):
    """The API has no GET by id for this class: ``Cls.get`` says how to find one instead."""

    # ---- async source: tools/unasync.py derives the sync twins below ----
    @classmethod
    async def get_async(cls, id: Any, *, session: AsyncSessionLike | None = None) -> Any:
        """Not offered by the API: raises :class:`NotSupportedError` saying how to find one."""
        raise NotSupportedError(
            f"the API has no way to get one {cls.__name__} by id; {find_in_all(cls.__name__)}"
        )

    # ---- sync twins: generated from the async source above, do not edit ----
    @classmethod
    def get(cls, id: Any, *, session: SessionLike | None = None) -> Any:
        """Not offered by the API: raises :class:`NotSupportedError` saying how to find one."""
        raise NotSupportedError(
            f"the API has no way to get one {cls.__name__} by id; {find_in_all(cls.__name__)}"
        )

    # ---- end of generated sync twins ----


class Listable(Resource):
    """Can be listed: ``Cls.list(...)`` returns one :class:`Page`, ``Cls.all(...)`` a lazy :class:`Collection`.

    ``_filters`` declares the class's list filters (see :func:`list_filters`).
    """

    _filters: ClassVar[Mapping[str, str | None]] = {}

    @classmethod
    def all(
        cls: type[R],
        *,
        page_size: int | None = None,
        limit: int | None = None,
        session: AnySessionLike | None = None,
        **filters: Any,
    ) -> Collection[R]:
        """Every entity, as a lazy :class:`Collection`: nothing is requested until you iterate.

        Args:
            page_size: items per request.
            limit: stop after this many items.
            session: a :class:`las.Session` or :class:`las.Client`; default: the default session.
                With an :class:`las.AsyncSession` (or AsyncClient), iterate with ``async for``.
            filters: the class's filters, e.g. ``Document.all(dataset=dataset)``.
        """
        operation = cast(Any, cls)._operations.list
        collection: Collection[R] = Collection(
            cls, any_client_for(session), operation, allowed=cast(Any, cls)._filters
        )
        return collection.filter(**filters).page_size(page_size).limit(limit)

    # ---- async source: tools/unasync.py derives the sync twins below ----
    @classmethod
    async def list_async(
        cls: type[R],
        page_size: int | None = None,
        next_token: str | None = None,
        *,
        session: AsyncSessionLike | None = None,
        **filters: Any,
    ) -> Page[R]:
        """One page (one request); ``page.next()`` gets the one after it.

        Args:
            page_size: items the API should return (it may return fewer).
            next_token: the token of the page to get, from a previous page.
            session: a :class:`las.AsyncSession` or :class:`las.AsyncClient`; default: the
                default session.
            filters: the class's filters (see ``all``).
        """
        collection = cast(Any, cls).all(session=client_for_async(session, cls, "list"), **filters)
        return cast("Page[R]", await collection.list_async(page_size, next_token))

    # ---- sync twins: generated from the async source above, do not edit ----
    @classmethod
    def list(
        cls: type[R],
        page_size: int | None = None,
        next_token: str | None = None,
        *,
        session: SessionLike | None = None,
        **filters: Any,
    ) -> Page[R]:
        """One page (one request); ``page.next()`` gets the one after it.

        Args:
            page_size: items the API should return (it may return fewer).
            next_token: the token of the page to get, from a previous page.
            session: a :class:`las.Session` or :class:`las.Client`; default: the
                default session.
            filters: the class's filters (see ``all``).
        """
        collection = cast(Any, cls).all(session=client_for(session, cls, "list"), **filters)
        return cast("Page[R]", collection.list(page_size, next_token))

    # ---- end of generated sync twins ----


class Updatable(Resource):
    """Can be changed: ``obj.update(**changes)`` sends only the given fields.

    ``_updatable`` names what ``update`` takes; ``_clearable`` those the API lets you set to null.
    """

    _updatable: ClassVar[frozenset[str]] = frozenset()
    _clearable: ClassVar[frozenset[str]] = frozenset({"name", "description"})

    def _update_operation(self) -> str:
        return self._operations.of(type(self), "update")

    def _update_arguments(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """The changes as the Client method's keyword arguments (values as JSON)."""
        return {name: to_wire(value) for name, value in changes.items()}

    # ---- async source: tools/unasync.py derives the sync twins below ----
    async def update_async(self: R, **changes: Any) -> R:
        """Change the given fields (and only those); the object then holds the server's answer.

        Args:
            changes: field names and new values (see the class docstring). None sends an
                explicit null where the API allows one (``name``, ``description``).

        Raises:
            TypeError: a field that cannot be updated (before any request).
            ValueError: None for a field the API cannot clear (before any request).
        """
        owner = cast(Any, self)
        arguments = owner._checked_changes(changes)
        operation = owner._update_operation()
        client = self._bound_async("update", operation)
        if arguments is not None:
            answer = await getattr(client.with_raw_response, operation)(*self._key(), **arguments)
            self._take_answer(operation, answer)
        return self

    # ---- sync twins: generated from the async source above, do not edit ----
    def update(self: R, **changes: Any) -> R:
        """Change the given fields (and only those); the object then holds the server's answer.

        Args:
            changes: field names and new values (see the class docstring). None sends an
                explicit null where the API allows one (``name``, ``description``).

        Raises:
            TypeError: a field that cannot be updated (before any request).
            ValueError: None for a field the API cannot clear (before any request).
        """
        owner = cast(Any, self)
        arguments = owner._checked_changes(changes)
        operation = owner._update_operation()
        client = self._bound("update", operation)
        if arguments is not None:
            answer = getattr(client.with_raw_response, operation)(*self._key(), **arguments)
            self._take_answer(operation, answer)
        return self

    # ---- end of generated sync twins ----

    def _checked_changes(self, changes: dict[str, Any]) -> dict[str, Any] | None:
        """The update's Client arguments (None when there is nothing to change), after checking
        the changes."""
        owner = cast(Any, self)
        unknown = sorted(set(changes) - owner._updatable)
        if unknown:
            raise InvalidArgumentError(
                f"{type(self).__name__}.update() cannot change {', '.join(unknown)}; "
                f"it can change {', '.join(sorted(owner._updatable))}"
            )
        cleared = sorted(name for name, value in changes.items() if value is None)
        refused = [name for name in cleared if name not in owner._clearable]
        if refused:
            raise InvalidArgumentError(
                f"{type(self).__name__}.update({refused[0]}=None): the API cannot clear {refused[0]}; "
                f"only {', '.join(sorted(owner._clearable & owner._updatable)) or 'nothing'} can be set to None"
            )
        return self._update_arguments(changes) if changes else None


class Deletable(Resource):
    """Can be deleted: ``obj.delete()``."""

    def _delete_operation(self) -> str:
        return self._operations.of(type(self), "delete")

    # ---- async source: tools/unasync.py derives the sync twins below ----
    async def delete_async(self: R) -> R:
        """Delete the entity; returns the object holding the API's last answer about it.

        Raises:
            NotFoundError: it was already deleted.
        """
        operation = cast(Any, self)._delete_operation()
        client = self._bound_async("delete", operation)
        self._take_answer(operation, await getattr(client.with_raw_response, operation)(*self._key()))
        return self

    # ---- sync twins: generated from the async source above, do not edit ----
    def delete(self: R) -> R:
        """Delete the entity; returns the object holding the API's last answer about it.

        Raises:
            NotFoundError: it was already deleted.
        """
        operation = cast(Any, self)._delete_operation()
        client = self._bound("delete", operation)
        self._take_answer(operation, getattr(client.with_raw_response, operation)(*self._key()))
        return self

    # ---- end of generated sync twins ----
