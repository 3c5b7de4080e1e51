"""What ``las datasets create-documents`` uploads: items read from a directory, a CSV or a JSON file.

- a directory: every PDF, JPEG, PNG or TIFF file (recognised by its first bytes), each with
  the ground truth of ``<same name>.json`` beside it when there is one;
- a CSV file: one row per document, the file's path in the first column (relative to the
  CSV's folder), then one column per label; empty cells are left out;
- a JSON file: ``{"path": [{"label": ..., "value": ...}, ...], ...}``, or per path an object
  of options: ``{"ground_truth": [...], "consent_id": ..., "retention_in_days": ...,
  "content_type": ...}``.

A ground truth file holds ``[{"label": ..., "value": ...}, ...]`` or ``{"label": value, ...}``.
Every problem in the input is found before anything is uploaded (:class:`SourceError`).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from las.content import detect_content_type
from las.exceptions import FileFormatException

from ._words import counted

_OPTION_NAMES = {
    "ground_truth": "ground_truth",
    "groundTruth": "ground_truth",
    "consent_id": "consent_id",
    "consentId": "consent_id",
    "retention_in_days": "retention_in_days",
    "retentionInDays": "retention_in_days",
    "content_type": "content_type",
    "contentType": "content_type",
}
_SHOWN_PROBLEMS = 5


class SourceError(ValueError):
    """The input names files that do not exist, or holds ground truth that is not the API's shape."""


@dataclass(frozen=True)
class Item:
    """One document to create: its file, and what to send with it."""

    path: Path
    ground_truth: list[dict[str, Any]] | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Skipped:
    """A file of a directory that is not uploaded, and why."""

    path: Path
    reason: str


def read_items(source: Path, *, delimiter: str = ",") -> tuple[list[Item], list[Skipped]]:
    """The items of a directory, CSV or JSON file (see the module docstring), in a stable order.

    Raises:
        SourceError: listing the first problems found; nothing should be uploaded then.
    """
    if source.is_dir():
        return _from_directory(source)
    if not source.is_file():
        raise SourceError(f"{source} is neither a directory nor a file")
    if source.suffix.lower() == ".csv":
        items = _from_csv(source, delimiter)
    elif source.suffix.lower() == ".json":
        items = _from_json(source)
    else:
        raise SourceError(f"{source}: expected a directory, a .csv or a .json file")
    _check_files_exist(items)
    return items, []


def _is_document(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            detect_content_type(file.read(16))
    except (OSError, FileFormatException):
        return False
    return True


def _from_directory(directory: Path) -> tuple[list[Item], list[Skipped]]:
    files = sorted(path for path in directory.iterdir() if path.is_file() and not path.name.startswith("."))
    documents = [path for path in files if _is_document(path)]
    stems = {path.stem for path in documents}
    items = []
    for path in documents:
        truth_path = path.with_suffix(".json")
        truth = ground_truth_of(_read_json(truth_path), truth_path) if truth_path.is_file() else None
        items.append(Item(path, truth))
    skipped = []
    for path in files:
        if path in documents:
            continue
        if path.suffix.lower() == ".json" and path.stem in stems:
            continue
        reason = (
            "ground truth without a document of the same name"
            if path.suffix.lower() == ".json"
            else "not a PDF, JPEG, PNG or TIFF file"
        )
        skipped.append(Skipped(path, reason))
    return items, skipped


def _from_csv(path: Path, delimiter: str) -> list[Item]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            rows = list(csv.reader(file, delimiter=delimiter))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise SourceError(f"cannot read {path}: {error}") from None
    if not rows or not rows[0]:
        raise SourceError(f"{path} is empty; expected a header row: path,label1,label2,...")
    header, *records = rows
    labels = header[1:]
    items = []
    for number, record in enumerate(records, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header):
            raise SourceError(f"{path} line {number}: {len(record)} cells for {len(header)} columns")
        truth = [
            {"label": label, "value": value}
            for label, value in zip(labels, record[1:], strict=False)
            if value != ""
        ]
        items.append(Item(path.parent / record[0], truth or None))
    return items


def _from_json(path: Path) -> list[Item]:
    data = _read_json(path)
    if not isinstance(data, dict):
        raise SourceError(f'{path}: expected an object {{"path": ground truth or options, ...}}')
    items = []
    for name, value in data.items():
        where = f"{path}, entry {name!r}"
        if isinstance(value, list):
            items.append(Item(path.parent / name, ground_truth_of(value, where)))
            continue
        if not isinstance(value, dict):
            raise SourceError(f"{where}: expected a ground truth list or an options object")
        unknown = sorted(set(value) - set(_OPTION_NAMES))
        if unknown:
            raise SourceError(
                f"{where}: {counted(len(unknown), 'unknown option')}: {', '.join(unknown)}; known: ground_truth, consent_id, "
                "retention_in_days, content_type"
            )
        options = {_OPTION_NAMES[key]: option for key, option in value.items()}
        truth = options.pop("ground_truth", None)
        items.append(
            Item(path.parent / name, ground_truth_of(truth, where) if truth is not None else None, options)
        )
    return items


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SourceError(f"cannot read {path} as JSON: {error}") from None


def ground_truth_of(value: Any, where: object) -> list[dict[str, Any]]:
    """A ground truth as the API's list: ``[{"label": ..., "value": ...}]`` as is, ``{label: value}`` made one.

    Raises:
        SourceError: naming ``where``, when ``value`` is neither shape.
    """
    if isinstance(value, dict):
        return [{"label": label, "value": item} for label, item in value.items()]
    if isinstance(value, list) and all(isinstance(entry, dict) and "label" in entry for entry in value):
        return value
    raise SourceError(
        f'{where}: ground truth must be [{{"label": ..., "value": ...}}, ...] or {{"label": value}}'
    )


def _check_files_exist(items: list[Item]) -> None:
    missing = [str(item.path) for item in items if not item.path.is_file()]
    if missing:
        raise SourceError(f"{counted(len(missing), 'file')} not found: {_some(missing)}")
    unknown = [
        str(item.path) for item in items if "content_type" not in item.options and not _is_document(item.path)
    ]
    if unknown:
        raise SourceError(
            f"{counted(len(unknown), 'file')} not PDF, JPEG, PNG or TIFF (give content_type in a JSON source "
            f"to send another type): {_some(unknown)}"
        )


def _some(paths: list[str]) -> str:
    shown = ", ".join(paths[:_SHOWN_PROBLEMS])
    more = f" and {len(paths) - _SHOWN_PROBLEMS} more" if len(paths) > _SHOWN_PROBLEMS else ""
    return shown + more
