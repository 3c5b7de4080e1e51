"""One vocabulary: the same concept has the same name in every class (walks every public signature)."""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import pytest

import las
from las.resources import Collection, Dataset, Document, Resource
from las.testing import Emulator

from .conftest import Requests

PUBLIC = [getattr(las.resources, name) for name in las.resources.__all__]
RESOURCES = [
    cls for cls in PUBLIC if isinstance(cls, type) and issubclass(cls, Resource) and cls is not Resource
]
COLLECTIONS = [cls for cls in PUBLIC if isinstance(cls, type) and issubclass(cls, Collection)]


def public_methods(cls: type) -> Iterator[tuple[str, inspect.Signature, bool]]:
    """(name, signature, is a classmethod) of every public callable of ``cls``."""
    for name in dir(cls):
        if name.startswith("_"):
            continue
        raw = inspect.getattr_static(cls, name)
        function = raw.__func__ if isinstance(raw, (classmethod, staticmethod)) else raw
        if callable(function):
            yield name, inspect.signature(function), isinstance(raw, classmethod)


def test_the_walk_sees_every_class() -> None:
    assert len(RESOURCES) == 22 and len(COLLECTIONS) == 7


@pytest.mark.parametrize("cls", RESOURCES, ids=lambda cls: cls.__name__)
def test_every_classmethod_takes_session_as_a_keyword(cls: type) -> None:
    for name, signature, is_classmethod in public_methods(cls):
        if is_classmethod:
            parameter = signature.parameters.get("session")
            assert parameter is not None, f"{cls.__name__}.{name} takes no session="
            assert parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default is None


@pytest.mark.parametrize("cls", RESOURCES + COLLECTIONS, ids=lambda cls: cls.__name__)
def test_an_entity_argument_is_named_after_the_entity_never_its_id(cls: type) -> None:
    # The rule of the guide: an argument that takes an entity is named after it (dataset=, model,
    # consent=) and accepts the object or its id; "_id" names are the attributes holding ids.
    for name, signature, _ in public_methods(cls):
        for parameter in signature.parameters:
            assert not parameter.endswith("_id"), f"{cls.__name__}.{name}({parameter}=)"
            assert parameter != "max_results", f"{cls.__name__}.{name}: the page size is page_size="
    for declared in ("_filters", "_updatable"):
        for name in getattr(cls, declared, ()):
            assert not name.endswith("_id"), f"{cls.__name__}.{declared} has {name}"


@pytest.mark.parametrize("cls", RESOURCES + COLLECTIONS, ids=lambda cls: cls.__name__)
def test_no_concept_has_two_names(cls: type) -> None:
    seen: dict[object, str] = {}
    for name in vars(cls):
        value = vars(cls)[name]
        if name.startswith("_") or not callable(value):
            continue
        assert value not in seen, f"{cls.__name__}.{name} is an alias of {seen[value]}"
        seen[value] = name


def test_fail_is_called_the_same_way_on_both_executions() -> None:
    for cls in (las.WorkflowExecution, las.TransitionExecution):
        parameters = list(inspect.signature(cls.fail).parameters.values())[1:]
        assert all(parameter.default is None for parameter in parameters), cls


@pytest.mark.las_contract("2021-09-23")  # 2024-11-29 has GET /predictions/{id}
def test_prediction_get_is_the_classmethod_and_item_for_reads_a_label(api: Requests) -> None:
    assert inspect.ismethod(las.Prediction.get)  # bound to the class, like every other get
    with pytest.raises(las.NotSupportedError, match=r"find it in Prediction\.all\(\)"):
        las.Prediction.get("las:prediction:" + "0" * 32)
    assert len(api) == 0


# -- collections: lazy, so no truth value nor len -----------------------------------------------


@pytest.fixture
def documents(las_emulator: Emulator, dataset: Dataset, session: las.Session) -> list[str]:
    return las_emulator.seed_documents(25, dataset_id=dataset.id)


def test_a_collection_has_no_truth_value_nor_len_and_says_what_to_use(
    dataset: Dataset, api: Requests
) -> None:
    with pytest.raises(las.InvalidArgumentError, match=r"\.exists\(\).*\.count\(\)"):
        bool(dataset.documents)
    with pytest.raises(las.InvalidArgumentError, match=r"\.count\(\)"):
        len(Document.all())
    assert len(api) == 0
    assert list(Document.all()) == []  # list() still works: len() is only a hint to it


def test_exists_costs_one_request_of_one_item(documents: list[str], dataset: Dataset, api: Requests) -> None:
    api.clear()
    assert dataset.documents.exists()
    assert not Document.all(dataset=Dataset.create(name="empty")).exists()
    assert [request.query.get("maxResults") for request in api.all if request.method == "GET"] == [
        ["1"],
        ["1"],
    ]


def test_count_iterates_every_page(documents: list[str], dataset: Dataset, api: Requests) -> None:
    api.clear()
    assert dataset.documents.page_size(10).count() == 25
    assert len(api) == 3
    assert dataset.documents.limit(7).count() == 7


def test_a_page_continues_on_its_own(documents: list[str], dataset: Dataset, api: Requests) -> None:
    api.clear()
    page = Document.list(page_size=10, dataset=dataset)
    following = page.next()
    assert following is not None and len(following) == 10
    assert not set(page.items) & set(following.items)
    assert [request.query.get("maxResults") for request in api.all] == [["10"], ["10"]]
    api.clear()
    assert sorted(d.id for d in page.auto_paging_iter()) == sorted(documents)
    assert len(api) == 2  # the pages after the first, which was already there
    last = Document.list(page_size=25, dataset=dataset)
    assert last.next() is None and not last.has_next


def test_pages_replaces_iter_pages() -> None:
    assert hasattr(Collection, "pages") and not hasattr(Collection, "iter_pages")


LISTABLE = [cls for cls in RESOURCES if hasattr(cls, "all")]
# Classes only the 2024-11-29 contract lists (tests/resources/test_entities_2024.py lists them there).
ONLY_2024 = frozenset({las.Plan, las.Role, las.DeploymentEnvironment, las.PaymentMethod, las.Organization})


@pytest.mark.parametrize("cls", LISTABLE, ids=lambda cls: cls.__name__)
def test_every_class_takes_a_with_options_session(cls: type, session: las.Session) -> None:
    view = session.with_options(timeout=7, max_retries=1)
    before = session.request_count
    if cls in ONLY_2024 and session.contract != "2024-11-29":
        with pytest.raises(las.ContractError, match="2024-11-29"):
            cls.all(session=view).first()  # type: ignore[attr-defined]
        assert session.request_count == before  # refused before sending
        return
    found = cls.all(session=view).first()  # type: ignore[attr-defined]
    assert found is None or found.session is view
    assert session.request_count - before == 1  # through the view, which shares the counter
