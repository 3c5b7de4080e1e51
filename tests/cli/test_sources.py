"""Reading what ``datasets create-documents`` uploads (in-process: no server needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from las.cli._sources import Item, SourceError, read_items
from las.demo import sample_pdf

PDF = sample_pdf("X", "1.00", "2026-01-01")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "a.pdf").write_bytes(PDF)
    (tmp_path / "b.pdf").write_bytes(PDF)
    return tmp_path


def test_directory_pairs_documents_with_their_ground_truth_in_either_shape(folder: Path) -> None:
    (folder / "a.json").write_text(json.dumps([{"label": "n", "value": "1"}]))
    (folder / "b.json").write_text(json.dumps({"n": "2"}))
    (folder / ".hidden.pdf").write_bytes(PDF)
    (folder / "orphan.json").write_text("[]")
    items, skipped = read_items(folder)
    assert items == [
        Item(folder / "a.pdf", [{"label": "n", "value": "1"}]),
        Item(folder / "b.pdf", [{"label": "n", "value": "2"}]),
    ]
    assert [(each.path.name, each.reason) for each in skipped] == [
        ("orphan.json", "ground truth without a document of the same name")
    ]


def test_a_document_is_recognised_by_its_bytes_not_its_name(folder: Path) -> None:
    (folder / "scan.bin").write_bytes(PDF)
    (folder / "fake.pdf").write_text("not a pdf")
    items, skipped = read_items(folder)
    assert [item.path.name for item in items] == ["a.pdf", "b.pdf", "scan.bin"]
    assert [each.path.name for each in skipped] == ["fake.pdf"]


def test_malformed_ground_truth_names_the_file(folder: Path) -> None:
    (folder / "a.json").write_text(json.dumps([{"value": "no label"}]))
    with pytest.raises(SourceError, match=r"a\.json: ground truth must be"):
        read_items(folder)
    (folder / "a.json").write_text("{not json")
    with pytest.raises(SourceError, match=r"cannot read .*a\.json as JSON"):
        read_items(folder)


def test_csv_paths_are_relative_to_the_csv_and_empty_cells_are_left_out(folder: Path) -> None:
    source = folder / "list.csv"
    source.write_text("file;n;total\na.pdf;1;\n\nb.pdf;;2.00\n")
    items, _ = read_items(source, delimiter=";")
    assert items == [
        Item(folder / "a.pdf", [{"label": "n", "value": "1"}]),
        Item(folder / "b.pdf", [{"label": "total", "value": "2.00"}]),
    ]


def test_csv_rows_longer_than_the_header_are_refused(folder: Path) -> None:
    source = folder / "list.csv"
    source.write_text("path,n\na.pdf,1,extra\n")
    with pytest.raises(SourceError, match="line 2: 3 cells for 2 columns"):
        read_items(source)


def test_json_options_accept_both_spellings(folder: Path) -> None:
    source = folder / "list.json"
    source.write_text(json.dumps({"a.pdf": {"groundTruth": {"n": "1"}, "retention_in_days": 7}}))
    (item,) = read_items(source)[0]
    assert item == Item(folder / "a.pdf", [{"label": "n", "value": "1"}], {"retention_in_days": 7})


@pytest.mark.parametrize("content", ["[]", '"a.pdf"', '{"a.pdf": 3}'])
def test_json_that_is_not_the_documented_shape_is_refused(folder: Path, content: str) -> None:
    source = folder / "list.json"
    source.write_text(content)
    with pytest.raises(SourceError, match="expected"):
        read_items(source)


def test_other_file_kinds_are_refused(folder: Path) -> None:
    with pytest.raises(SourceError, match=r"expected a directory, a \.csv or a \.json file"):
        read_items(folder / "a.pdf")
