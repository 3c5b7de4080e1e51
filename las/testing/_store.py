"""In-memory state of the emulator: tables of rows in creation order, paging, tokens.

A row is a plain ``dict`` holding the resource's wire fields (camelCase) plus private fields
whose names start with ``_`` (never sent). Every row gets a sequence number from one counter
shared by all tables, so "creation order" is total and a page token can say "continue after
sequence N": pages stay correct while rows are added or deleted between calls.

Listing is ``O(page size + log n)`` on the creation order (``bisect`` on a sorted list of
sequence numbers), also when filtering on an indexed field (documents by dataset, consent or
batch). Lists with a ``sortBy``/``order`` are sorted per call; they are small (executions, logs).

Thread safety: callers hold :attr:`State.lock` (one ``RLock``) around every read and write.
"""

from __future__ import annotations

import base64
import binascii
import heapq
import itertools
import json
import threading
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timezone
from typing import Any

from las.testing._clock import Clock
from las.testing._contracts import V2021
from las.testing._ids import new_id
from las.testing._validation import ValidationError, decode_json

Row = dict[str, Any]
SortKey = list[Any]

DEFAULT_PAGE_SIZE = 100


class ApiError(Exception):
    """An error answered to the caller as ``status`` with ``{"message": message}``."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def not_found(resource_id: str) -> ApiError:
    """The 404 answered for an id that is well formed but unknown."""
    return ApiError(404, f"{resource_id} not found")


def now_iso() -> str:
    """The current UTC time as ISO 8601 with microseconds and a ``Z``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def encode_token(key: SortKey) -> str:
    """Opaque page token holding the sort key of the last row returned."""
    raw = json.dumps(key, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str, example: SortKey) -> SortKey:
    """Decode a token made by :func:`encode_token` for keys shaped like ``example``.

    Raises:
        ValidationError: the token was not made by this list (wrong shape) or is not a token.
    """
    problem = ValidationError(
        f"query.nextToken: invalid page token {token[:40]!r}; pass the "
        "nextToken of the previous page unchanged, or omit it for page 1"
    )
    try:
        key = decode_json(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)), "query.nextToken")
    except (binascii.Error, ValueError, ValidationError):
        raise problem from None
    if not isinstance(key, list) or len(key) != len(example):
        raise problem
    for item, sample in zip(key, example, strict=True):
        if type(item) is not type(sample):
            raise problem
    return key


def page_size(query: dict[str, list[str]]) -> int:
    """``maxResults`` from an already validated query, or the default page size (100)."""
    values = query.get("maxResults")
    return int(values[0]) if values else DEFAULT_PAGE_SIZE


class Table:
    """Rows of one kind keyed by id, in creation order, with equality indexes on some fields."""

    def __init__(self, indexed: Sequence[str] = ()) -> None:
        self.rows: dict[str, Row] = {}
        self._seqs: list[int] = []
        self._ids: dict[int, str] = {}
        self._indexes: dict[str, dict[Any, list[int]]] = {name: {} for name in indexed}

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Row]:
        """Rows in creation order."""
        return (self.rows[self._ids[seq]] for seq in self._seqs)

    def get(self, row_id: str) -> Row | None:
        return self.rows.get(row_id)

    def require(self, row_id: str) -> Row:
        """The row, or :func:`not_found`."""
        row = self.rows.get(row_id)
        if row is None:
            raise not_found(row_id)
        return row

    def child(self, row_id: str, parent_field: str, parent_id: str) -> Row:
        """The row if it belongs to ``parent_id`` (its ``parent_field``), else :func:`not_found`."""
        row = self.rows.get(row_id)
        if row is None or row.get(parent_field) != parent_id:
            raise not_found(row_id)
        return row

    def insert(self, row_id: str, row: Row, seq: int) -> Row:
        """Add a row; ``seq`` must be larger than every sequence number already used."""
        row["_seq"] = seq
        self.rows[row_id] = row
        self._seqs.append(seq)
        self._ids[seq] = row_id
        for name, index in self._indexes.items():
            value = row.get(name)
            if value is not None:
                index.setdefault(value, []).append(seq)
        return row

    def delete(self, row_id: str) -> Row:
        row = self.rows.pop(row_id)
        seq = row["_seq"]
        del self._seqs[bisect_left(self._seqs, seq)]
        del self._ids[seq]
        for name, index in self._indexes.items():
            self._unindex(index, row.get(name), seq)
        return row

    def set_indexed(self, row: Row, name: str, value: Any) -> None:
        """Change an indexed field of ``row`` (``None`` removes it) and keep the index right."""
        index = self._indexes[name]
        seq = row["_seq"]
        self._unindex(index, row.get(name), seq)
        if value is None:
            row.pop(name, None)
            return
        row[name] = value
        seqs = index.setdefault(value, [])
        seqs.insert(bisect_left(seqs, seq), seq)

    def select(self, name: str, value: Any) -> list[Row]:
        """Rows whose indexed field ``name`` equals ``value``, in creation order."""
        return [self.rows[self._ids[seq]] for seq in self._indexes[name].get(value, ())]

    def count(self, name: str, value: Any) -> int:
        """Number of rows whose indexed field ``name`` equals ``value``."""
        return len(self._indexes[name].get(value, ()))

    @staticmethod
    def _unindex(index: dict[Any, list[int]], value: Any, seq: int) -> None:
        if value is None:
            return
        seqs = index[value]
        del seqs[bisect_left(seqs, seq)]
        if not seqs:
            del index[value]

    def page(
        self,
        query: dict[str, list[str]],
        *,
        indexed_filters: dict[str, list[str]] | None = None,
        where: Callable[[Row], bool] | None = None,
    ) -> tuple[list[Row], str | None]:
        """One page in creation order, honouring ``maxResults`` and ``nextToken`` of ``query``.

        ``indexed_filters`` maps an indexed field to accepted values (OR within a field, AND
        across fields); ``where`` filters further. Returns the rows and the next page token
        (``None`` on the last page).
        """
        limit = page_size(query)
        after = -1
        if query.get("nextToken"):
            after = int(decode_token(query["nextToken"][0], [0])[0])
        filters = {name: values for name, values in (indexed_filters or {}).items() if values}
        candidates: Iterable[int]
        if filters:
            first, values = next(iter(filters.items()))
            index = self._indexes[first]
            lists = [index.get(value, []) for value in dict.fromkeys(values)]
            candidates = heapq.merge(*(_tail(seqs, after) for seqs in lists))
            rest = {name: set(values) for name, values in filters.items() if name != first}
        else:
            candidates = _tail(self._seqs, after)
            rest = {}
        rows: list[Row] = []
        for seq in candidates:
            row = self.rows[self._ids[seq]]
            if any(row.get(name) not in accepted for name, accepted in rest.items()):
                continue
            if where is not None and not where(row):
                continue
            if len(rows) == limit:  # one more match exists: there is a next page
                return rows, encode_token([rows[-1]["_seq"]])
            rows.append(row)
        return rows, None


def _tail(seqs: list[int], after: int) -> Iterator[int]:
    """Sequence numbers greater than ``after``, lazily (no copy of a long list)."""
    return (seqs[i] for i in range(bisect_right(seqs, after), len(seqs)))


def page_sorted(
    rows: Iterable[Row],
    query: dict[str, list[str]],
    *,
    sort_field: str | None = None,
    descending: bool = False,
) -> tuple[list[Row], str | None]:
    """One page of ``rows`` sorted by ``sort_field`` (nulls first) then creation order.

    For small collections (executions, logs); the token holds the last row's sort key.
    """

    def key(row: Row) -> SortKey:
        value = row.get(sort_field) if sort_field else None
        return [value or "", row["_seq"]]

    keyed = sorted(((key(row), row) for row in rows), key=lambda pair: pair[0])
    if descending:
        keyed.reverse()
    start = 0
    if query.get("nextToken"):
        last = decode_token(query["nextToken"][0], ["", 0])
        start = len(keyed)
        for position, (row_key, _) in enumerate(keyed):
            if (row_key < last) if descending else (row_key > last):
                start = position
                break
    limit = page_size(query)
    chosen = keyed[start : start + limit]
    more = start + limit < len(keyed)
    return [row for _, row in chosen], encode_token(chosen[-1][0]) if more and chosen else None


class State:
    """Everything the emulated API knows; guard every access with :attr:`lock`.

    ``contract`` is the one the emulator serves (:mod:`las.testing._contracts`); the handlers
    are shared and look at it where the two contracts behave differently. The tables of
    entities only the 2024-11-29 contract has stay empty under the other.
    """

    def __init__(self, contract: str = V2021) -> None:
        self.contract = contract
        self.lock = threading.RLock()
        self._seq = itertools.count(1)
        self.app_clients = Table()
        self.assets = Table()
        self.datasets = Table()
        self.documents = Table(indexed=("datasetId", "consentId", "batchId"))
        self.models = Table()
        self.data_bundles = Table(indexed=("modelId",))
        self.predictions = Table()
        self.secrets = Table()
        self.transitions = Table()
        self.transition_executions = Table(indexed=("transitionId",))
        self.users = Table()
        self.workflows = Table()
        self.workflow_executions = Table(indexed=("workflowId",))
        self.logs = Table()
        self.trainings = Table(indexed=("modelId",))
        self.transformations = Table(indexed=("datasetId",))
        self.payment_methods = Table()
        self.profiles = Table()
        self.organizations = Table()  # the emulator's own (``organization``) and those created
        self.plans = Table()  # read-only catalogues, seeded by las.testing._account.seed
        self.roles = Table()
        self.deployment_environments = Table()
        self.file_grants: dict[str, Any] = {}  # token -> las.testing._files.Grant
        self.organization: Row = {}
        self.created: Counter[str] = Counter()  # monthly "created" counters of the organization
        self.docker_handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}
        self.clock = Clock()  # workflow time: Waits, retries, timeouts (see las.testing._clock)

    def next_seq(self) -> int:
        return next(self._seq)

    def insert(self, table: Table, kind: str, row: Row, id_field: str) -> Row:
        """Give ``row`` a fresh id of ``kind`` in ``id_field`` and store it in ``table``."""
        row_id = new_id(kind)
        row[id_field] = row_id
        self.created[kind] += 1
        return table.insert(row_id, row, self.next_seq())
