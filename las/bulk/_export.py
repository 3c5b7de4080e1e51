"""Writing bulk prediction results to JSON Lines and CSV, whole or not at all.

Both writers write to a temporary file beside the target and move it into place, so a failure
leaves no half-written file. They replace what is at the path only when it is an earlier export
of the same format (or an empty file), or with ``overwrite=True``: a file of the user's is never
lost to a mistyped path (see :mod:`las._files` for the rules every written path follows).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .._files import check_target, written_whole

if TYPE_CHECKING:
    from ._predict import PredictionResult

__all__ = ["CSV_COLUMNS", "export_csv", "export_jsonl"]

CSV_COLUMNS = ("document_id", "status", "label", "value", "confidence", "prediction_id", "model_id", "error")
"""The columns of :func:`export_csv`, in order."""

# The keys of each object export_jsonl writes (those of _record), in order: an earlier export's.
_JSONL_FIELDS = ("documentId", "status", "predictionId", "modelId", "predictions", "error")


def _an_earlier_csv(head: bytes) -> bool:
    return head.split(b"\n", 1)[0].rstrip(b"\r") == ",".join(CSV_COLUMNS).encode()


def _an_earlier_jsonl(head: bytes) -> bool:
    try:
        record = json.loads(head.split(b"\n", 1)[0])
    except ValueError:
        return False
    return isinstance(record, dict) and tuple(record) == _JSONL_FIELDS


@contextmanager
def _replacing(
    path: str | os.PathLike[str],
    overwrite: bool,
    earlier: Callable[[bytes], bool],
    what: str,
    newline: str | None,
) -> Iterator[IO[str]]:
    target = Path(path)
    replace = check_target(
        target, ours=earlier, overwrite=overwrite, what=what, how_to_overwrite="overwrite=True"
    )
    with written_whole(target, replace=replace, text=True, newline=newline) as handle:
        yield handle


def export_jsonl(
    results: Iterable[PredictionResult], path: str | os.PathLike[str], *, overwrite: bool = False
) -> None:
    """Write one JSON object per document: ``documentId``, ``status``, ``predictionId``,
    ``modelId``, ``predictions`` (``[{"label", "value", "confidence"}, ...]``) and ``error``.

    The file (mode 0600) appears at ``path`` only when whole. An earlier JSON Lines export or an
    empty file at ``path`` is replaced; anything else only with ``overwrite=True`` (a symbolic
    link is then replaced itself, never followed).

    Raises:
        FileExistsError: ``path`` holds something else and ``overwrite`` is false; nothing written.
        IsADirectoryError: ``path`` is a directory.
        OSError: the directory cannot be written (the message names ``path``).
    """
    with _replacing(path, overwrite, _an_earlier_jsonl, "a JSON Lines export of las.bulk", None) as out:
        for result in results:
            out.write(json.dumps(_record(result), ensure_ascii=False, separators=(",", ":")) + "\n")


def export_csv(
    results: Iterable[PredictionResult], path: str | os.PathLike[str], *, overwrite: bool = False
) -> None:
    """Write one row per document per predicted label, with :data:`CSV_COLUMNS`.

    A document without predictions (failed, or no fields) gets one row with an empty label, so
    every document appears; empty cells stand for null values. The file is written as
    :func:`export_jsonl` writes its own: an earlier CSV export or an empty file at ``path`` is
    replaced, anything else only with ``overwrite=True``.

    Raises:
        FileExistsError: ``path`` holds something else and ``overwrite`` is false; nothing written.
        IsADirectoryError: ``path`` is a directory.
        OSError: the directory cannot be written (the message names ``path``).
    """
    with _replacing(path, overwrite, _an_earlier_csv, "a CSV export of las.bulk", "") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for result in results:
            record = _record(result)
            common = (record["documentId"], record["status"])
            tail = (record["predictionId"], record["modelId"], record["error"])
            fields = record["predictions"] or [{"label": None, "value": None, "confidence": None}]
            for field in fields:
                writer.writerow(_cells((*common, field["label"], field["value"], field["confidence"], *tail)))


def _record(result: PredictionResult) -> dict[str, Any]:
    prediction = result.prediction or {}
    return {
        "documentId": result.document_id,
        "status": result.status,
        "predictionId": prediction.get("predictionId"),
        "modelId": prediction.get("modelId"),
        "predictions": [
            {"label": item.get("label"), "value": item.get("value"), "confidence": item.get("confidence")}
            for item in prediction.get("predictions") or []
        ],
        "error": result.error,
    }


def _cells(values: tuple[Any, ...]) -> list[str]:
    return ["" if value is None else str(value) for value in values]
