"""List pages: every item checked when its page arrives; timestamps and nested objects converted
when first read, then held.

The page builder (``Plan.listed``) and the readers of deferred fields (``_plan.reader``) are
generated for speed; the builder of one object (``Plan.values``, what ``Cls.get`` uses) is the
reference. They are held to it on arbitrary bodies, for every listable class: a body one refuses
the other refuses (or, for a timestamp that is a string but not ISO 8601, the field raises when
read), and a body both take reads the same, field by field.

``LAS_PLAN_EXAMPLES`` (default 25 per class) sets how many bodies each property tries.
"""

from __future__ import annotations

import functools
import gc
import json
import os
import types
import typing
from datetime import datetime, timezone
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import las
import las.resources
from las.resources import Document, GroundTruthItem
from las.resources._base import Listable, Resource, Struct
from las.resources._plan import WireError, plan_of
from las.testing import Emulator
from tests.support.examples import share_of

from .conftest import Requests

HEX = "ab" * 16
EXAMPLES = int(os.environ.get("LAS_PLAN_EXAMPLES") or share_of(25))
PROPERTY = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def listed(cls: type[Any], *items: Any) -> list[Any]:
    """The objects of a page holding ``items`` (no client: nothing here sends a request)."""
    return cls._from_page(list(items), None, None)  # type: ignore[no-any-return]


def fetched(cls: type[Any], item: Any) -> Any:
    """The object ``cls`` builds from one answer, as after a create (the reference)."""
    return cls._from_wire(item, None)


# -- classes nested deeper than the arrival check inlines, and shapes the readers leave alone ---


@attrs.define(slots=False, frozen=True)
class Leaf(Struct):
    at: datetime | None = None
    count: int | None = None


@attrs.define(slots=False, frozen=True)
class Level4(Struct):
    leaf: Leaf | None = None


@attrs.define(slots=False, frozen=True)
class Level3(Struct):
    down: Level4 | None = None


@attrs.define(slots=False, frozen=True)
class Level2(Struct):
    down: Level3 | None = None


@attrs.define(slots=False, frozen=True)
class Level1(Struct):
    name: str
    down: Level2 | None = None


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class Deep(Listable):
    """A made-up resource: objects five levels deep, a list of timestamps, a map of objects."""

    _id_field: ClassVar[str] = "deep_id"
    _id_kind: ClassVar[str] = "deep"

    deep_id: str
    top: Level1 | None = None
    times: list[datetime] = attrs.field(factory=list)
    named: dict[str, Leaf] = attrs.field(factory=dict)
    score: float | None = None


LISTED_CLASSES = sorted(  # built from list pages: every resource (some are listed from a parent)
    (
        cls
        for cls in vars(las.resources).values()
        if isinstance(cls, type) and issubclass(cls, Resource) and attrs.has(cls)
    ),
    key=lambda cls: cls.__name__,
)


# -- bodies: each field valid, absent, null, or any JSON value at all ----------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
TIMESTAMPS = st.datetimes(timezones=st.sampled_from([timezone.utc, None])).map(
    lambda moment: moment.isoformat() if moment.tzinfo is None else moment.isoformat().replace("+00:00", "Z")
)


def valid(typ: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """Wire values the contract allows for a field of type ``typ`` (None excluded)."""
    origin, args = typing.get_origin(typ), typing.get_args(typ)
    if origin in (typing.Union, types.UnionType):
        return st.one_of([valid(arg, depth) for arg in args if arg is not type(None)])
    if typ is Any:
        return JSON
    if typ is str or typ is bytes:
        return st.text(max_size=8)
    if typ is bool:
        return st.booleans()
    if typ is int:
        return st.integers()
    if typ is float:
        return st.floats(allow_nan=False) | st.integers()
    if typ is datetime:
        return TIMESTAMPS
    if origin is list or typ is list:
        return st.lists(valid(args[0] if args else Any, depth + 1), max_size=3)
    if origin is dict or typ is dict:
        return st.dictionaries(st.text(max_size=5), valid(args[1] if args else Any, depth + 1), max_size=3)
    if attrs.has(typ):
        return body(typ, depth + 1)
    raise AssertionError(f"no strategy for {typ}")


ABSENT = object()


@functools.cache  # built once per class and depth, drawn from by every example
def body(cls: type[Any], depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """A wire object for ``cls``: every field valid, null or absent (required ones present), at
    times with one field spoiled (any JSON value, any string, or left out), and at times with a
    field the SDK does not know. Nested objects are drawn the same way."""
    plan = plan_of(cls)
    fields = {field.wire: field for field in plan.fields if not field.base64}  # base64: read when used
    good = {wire: valid(field.type, depth) for wire, field in fields.items()}
    sound = st.fixed_dictionaries(
        {wire: good[wire] for wire, field in fields.items() if field.required},
        optional={wire: good[wire] | st.none() for wire, field in fields.items() if not field.required},
    )

    def spoil(item: dict[str, Any], wire: str, value: Any) -> dict[str, Any]:
        spoiled = {key: entry for key, entry in item.items() if key != wire}
        return spoiled if value is ABSENT else {**spoiled, wire: value}

    spoiled = st.builds(
        spoil, sound, st.sampled_from(sorted(fields)), JSON | st.text(max_size=8) | st.just(ABSENT)
    )
    unknown = st.dictionaries(st.sampled_from(["unknownField", "futureThing"]), JSON, max_size=1)
    drawn = st.one_of(sound, spoiled) if depth < 3 else sound
    return st.builds(lambda known, more: {**more, **known}, drawn, unknown)


def read_all(obj: Any) -> dict[str, Any]:
    """Every field that needs no request (lazy ones are loaded from the API), nested resources
    as their class and body (two objects with an empty id never compare equal)."""
    return {
        field.name: comparable(getattr(obj, field.name))
        for field in plan_of(type(obj)).fields
        if not field.lazy
    }


def comparable(value: Any) -> Any:
    if isinstance(value, Resource):
        return (type(value).__name__, value.to_dict(), read_all(value))
    if isinstance(value, list):
        return [comparable(item) for item in value]
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items()}
    return value


@pytest.mark.parametrize("cls", [*LISTED_CLASSES, Deep], ids=lambda cls: cls.__name__)
@PROPERTY
@given(data=st.data())
def test_a_listed_item_reads_as_the_same_body_fetched_or_is_refused_alike(
    cls: type[Any], data: st.DataObject
) -> None:
    item = data.draw(body(cls))
    try:
        reference = read_all(fetched(cls, item))
    except WireError:
        reference = None
    try:
        [obj] = listed(cls, item)
    except WireError:
        assert reference is None, f"the page refused an item a fetch takes: {item!r}"
        return
    if reference is None:
        # taken on arrival, refused when fetched: only a string that is not a timestamp may do
        # that, and reading the object says so instead of inventing a value
        with pytest.raises(las.InvalidResponseError, match="timestamp"):
            read_all(obj)
        return
    assert read_all(obj) == reference
    assert obj.to_dict() == item and obj.extra == fetched(cls, item).extra


# -- the promises, one by one --------------------------------------------------------------------

LISTED = {
    "documentId": f"las:document:{HEX}",
    "contentType": "application/pdf",
    "createdBy": f"las:app-client:{HEX}",
    "createdTime": "2024-03-01T12:30:00.250Z",
    "updatedBy": None,
    "updatedTime": None,
    "retentionInDays": 1825,
    "datasetId": f"las:dataset:{HEX}",
    "groundTruth": [{"label": "total", "value": "10"}, {"label": "paid", "value": True}],
}


def page_of(*items: dict[str, Any]) -> bytes:
    return json.dumps({"documents": list(items), "nextToken": None}).encode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("contentType", 12345),
        ("retentionInDays", "30"),
        ("createdTime", 1700000000),
        ("groundTruth", {"label": "x"}),
        ("groundTruth", [{"label": 5, "value": "x"}]),
        ("groundTruth", [{"label": "x", "value": {"an": "object"}}]),  # a number is a 2024 value
        ("groundTruth", ["total"]),
        ("documentId", None),
    ],
)
def test_a_mistyped_item_fails_its_page_on_arrival_before_any_item_is_handed_out(
    las_emulator: Emulator, session: las.Session, field: str, value: Any
) -> None:
    good = [{**LISTED, "documentId": f"las:document:{index:032x}"} for index in range(5)]
    bad = {**LISTED, field: value}
    las_emulator.fail_next(status=200, body=page_of(*good, bad), method="GET", path="/documents")
    handed_out = []
    with pytest.raises(las.InvalidResponseError, match=field) as raised:
        for document in Document.all(session=session):
            handed_out.append(document)
    assert handed_out == []
    assert raised.value.path == "/documents"


def test_a_listed_timestamp_that_is_not_iso_8601_raises_when_read_every_time_never_a_value(
    las_emulator: Emulator, session: las.Session
) -> None:
    las_emulator.fail_next(
        status=200, body=page_of({**LISTED, "createdTime": "yesterday"}), method="GET", path="/documents"
    )
    [document] = Document.all(session=session)
    assert document.content_type == "application/pdf"  # the rest of the object reads as usual
    for _ in range(2):
        with pytest.raises(
            las.InvalidResponseError, match=r"Document 'las:document:.*' createdTime.*yesterday"
        ):
            document.created_time  # noqa: B018 - reading is what raises
    assert document.ground_truth == [GroundTruthItem("total", "10"), GroundTruthItem("paid", True)]


def test_a_deferred_field_is_converted_once_and_then_held() -> None:
    [document] = listed(Document, dict(LISTED))
    assert "created_time" not in vars(document) and "ground_truth" not in vars(document)
    created, truth = document.created_time, document.ground_truth
    assert created == datetime(2024, 3, 1, 12, 30, 0, 250000, tzinfo=timezone.utc)
    assert document.created_time is created and document.ground_truth is truth
    assert document.updated_time is None and document.consent_id is None


def test_listing_and_reading_every_field_costs_the_page_only_and_reads_as_fetched(
    session: las.Session, api: Requests, document: Document
) -> None:
    api.clear()
    [again] = Document.all(session=session)
    values = read_all(again)
    assert api.calls == [("GET", "/documents")]
    assert values == read_all(Document.get(document.id, session=session))
    assert values["ground_truth"] == [
        GroundTruthItem("total_amount", "120.00"),
        GroundTruthItem("due_date", "2024-01-31"),
    ]


def test_a_struct_without_unknown_fields_has_an_empty_extra_of_its_own() -> None:
    [document] = listed(
        Document,
        {**LISTED, "groundTruth": [{"label": "a", "value": "1"}, {"label": "b", "value": "2", "note": "x"}]},
    )
    plain, annotated = document.ground_truth
    assert plain.extra == {} and plain.extra is plain.extra
    plain.extra["mine"] = 1
    assert plain.extra == {"mine": 1} and annotated.extra == {"note": "x"}
    assert GroundTruthItem("a", "1").extra == {}


def test_a_page_builder_and_the_readers_work_below_the_depth_they_inline() -> None:
    leaf = {"at": "2024-01-01T00:00:00Z", "count": 3}
    item = {
        "deepId": "d1",
        "top": {"name": "n", "down": {"down": {"down": {"leaf": leaf}}}},
        "times": ["2024-01-01T00:00:00Z"],
        "named": {"x": leaf},
    }
    [deep] = listed(Deep, item)
    assert deep.top.down.down.down.leaf.at == datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert deep.times == [datetime(2024, 1, 1, tzinfo=timezone.utc)] and deep.named["x"].count == 3
    deeper_bad = {**item, "top": {"name": "n", "down": {"down": {"down": {"leaf": {"count": "3"}}}}}}
    with pytest.raises(WireError, match="count"):
        listed(Deep, deeper_bad)
    [later] = listed(Deep, {**item, "times": ["soon"]})
    with pytest.raises(las.InvalidResponseError, match="times"):
        later.times  # noqa: B018 - reading is what raises


def test_a_listed_object_holds_no_container_until_a_nested_value_is_read() -> None:
    [document] = listed(Document, dict(LISTED))
    assert not gc.is_tracked(vars(document))  # strings and numbers only: the collector skips it
    assert [item for item in document.ground_truth if gc.is_tracked(vars(item))] == []


def test_an_object_of_a_page_keeps_its_relations_apart_from_its_siblings(
    las_emulator: Emulator, session: las.Session, dataset: las.resources.Dataset
) -> None:
    other = las.resources.Dataset.create(name="other", session=session)
    las.resources.Document.create(b"%PDF-1.4 a", dataset=dataset, session=session)
    las.resources.Document.create(b"%PDF-1.4 b", dataset=other, session=session)
    first, second = Document.all(session=session)
    assert {first.dataset.id, second.dataset.id} == {dataset.id, other.id}
    assert first.dataset is first.dataset and first._meta is not second._meta
