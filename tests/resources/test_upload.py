"""dataset.upload: bounded concurrency, progress, every item reported, nothing created twice."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

import las
from las.bulk import IngestError, ItemResult
from las.exceptions import ServerError
from las.resources import Dataset, Document
from las.testing import Emulator

from .conftest import PDF, Requests


def pdf(number: int) -> bytes:
    return PDF + b" %d" % number


def test_upload_creates_one_document_per_item(dataset: Dataset, tmp_path: Path, api: Requests) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf(0))
    items: list[Any] = [
        path,
        str(path),
        pdf(1),
        (pdf(2),),
        (pdf(3), {"total_amount": "3.00"}),
        {"content": pdf(4), "ground_truth": [{"label": "total_amount", "value": "4.00"}]},
        io.BytesIO(pdf(5)),
    ]
    result = dataset.upload(items, max_workers=3)
    assert result.ok and len(result) == len(items)
    assert [item.index for item in result] == list(range(len(items)))
    assert result.results[0].source == str(path)
    assert result.results[4].document is not None
    assert result.results[4].document.ground_truth_dict() == {"total_amount": "3.00"}
    assert sorted(d.id for d in dataset.documents) == sorted(d.id for d in result.documents)
    assert sum(1 for request in api.all if request.method == "POST") == len(items)


def test_failures_in_the_middle_are_reported_and_not_resent(
    dataset: Dataset, las_emulator: Emulator, session: las.Session, api: Requests
) -> None:
    items = [(pdf(number), {"total_amount": str(number)}) for number in range(20)]
    created_before: list[int] = []

    def fail_some_after_five(item: ItemResult, done: int, total: int | None) -> None:
        if done <= 5:
            created_before.append(item.index)
        if done == 5:  # five created: the next three creates get a 500, then one loses its connection
            las_emulator.fail_next(3, status=500, method="POST", path="/documents")
            las_emulator.drop_next(1, method="POST", path="/documents")

    result = dataset.upload(items, max_workers=4, on_progress=fail_some_after_five)

    assert len(result) == 20 and [item.index for item in result] == list(range(20))
    assert len(result.failed) == 4 and len(result.documents) == 16
    assert not {item.index for item in result.failed} & set(created_before)
    assert sum(isinstance(item.exception, ServerError) for item in result.failed) == 3
    posts = [request for request in api.all if request.method == "POST" and request.path == "/documents"]
    assert len(posts) == 20  # one request per item: the failed ones were not sent again
    stored = list(Document.all(dataset=dataset, session=session))
    assert len(stored) == 16 == len({document.id for document in stored})
    assert {document.id for document in stored} == {document.id for document in result.documents}
    with pytest.raises(IngestError, match="4 of 20 uploads failed"):
        result.raise_for_errors()


def test_a_bad_item_is_reported_and_the_others_go_on(dataset: Dataset) -> None:
    result = dataset.upload([pdf(1), (pdf(2), {}, "extra"), {"bytes": pdf(3)}, b"not a document"])
    assert [item.ok for item in result] == [True, False, False, False]
    assert isinstance(result.results[1].exception, ValueError)
    assert isinstance(result.results[3].exception, las.FileFormatException)


def test_progress_is_reported_for_every_item(dataset: Dataset) -> None:
    seen: list[tuple[int, int | None, bool]] = []

    def on_progress(item: ItemResult, done: int, total: int | None) -> None:
        seen.append((done, total, item.ok))

    dataset.upload([pdf(n) for n in range(5)], on_progress=on_progress, max_workers=2)
    assert [done for done, _, _ in seen] == [1, 2, 3, 4, 5]
    assert {total for _, total, _ in seen} == {5}


def test_an_unsized_iterable_is_uploaded_with_an_unknown_total(dataset: Dataset) -> None:
    totals: list[int | None] = []
    result = dataset.upload(
        (pdf(n) for n in range(6)), on_progress=lambda item, done, total: totals.append(total)
    )
    assert len(result.documents) == 6 and set(totals) == {None}


def test_progress_bar_goes_to_stderr(dataset: Dataset, capsys: pytest.CaptureFixture[str]) -> None:
    dataset.upload([pdf(n) for n in range(3)], progress_bar=True)
    captured = capsys.readouterr()
    assert "3/3" in captured.err and captured.out == ""


def test_max_workers_must_be_positive(dataset: Dataset) -> None:
    with pytest.raises(ValueError, match="max_workers"):
        dataset.upload([pdf(1)], max_workers=0)


@pytest.mark.parametrize("items", [pdf(1), "scan.pdf", Path("scan.pdf"), {"content": PDF}, io.BytesIO(PDF)])
def test_one_item_instead_of_a_list_is_refused_before_any_request(
    items: Any, dataset: Dataset, api: Requests
) -> None:
    with pytest.raises(las.resources.InvalidArgumentError, match="pass it in a list"):
        dataset.upload(items)
    assert api.calls == []
