"""Writing bulk prediction results to JSON Lines and CSV, whole or not at all.

Both writers write to a temporary file beside the target and rename it into place, so a
failure leaves no half-written file.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._predict import PredictionResult

__all__ = ["CSV_COLUMNS", "export_csv", "export_jsonl"]

CSV_COLUMNS = ("document_id", "status", "label", "value", "confidence", "prediction_id", "model_id", "error")
"""The columns of :func:`export_csv`, in order."""


@contextmanager
def _replacing(path: str | os.PathLike[str], newline: str | None = None) -> Iterator[IO[str]]:
    target = Path(path)
    handle = tempfile.NamedTemporaryFile(
        "w",
        encoding="utf-8",
        newline=newline,
        dir=target.parent or ".",
        prefix=f".{target.name}.",
        delete=False,
    )
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, target)
    except BaseException:
        os.unlink(handle.name)
        raise


def export_jsonl(results: Iterable[PredictionResult], path: str | os.PathLike[str]) -> None:
    """Write one JSON object per document: ``documentId``, ``status``, ``predictionId``,
    ``modelId``, ``predictions`` (``[{"label", "value", "confidence"}, ...]``) and ``error``."""
    with _replacing(path) as out:
        for result in results:
            out.write(json.dumps(_record(result), ensure_ascii=False, separators=(",", ":")) + "\n")


def export_csv(results: Iterable[PredictionResult], path: str | os.PathLike[str]) -> None:
    """Write one row per document per predicted label, with :data:`CSV_COLUMNS`.

    A document without predictions (failed, or no fields) gets one row with an empty label, so
    every document appears; empty cells stand for null values.
    """
    with _replacing(path, newline="") as out:
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
