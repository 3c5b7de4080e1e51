"""Bulk work on many documents: resumable, duplicate-aware ingestion and adaptive bulk prediction.

- :func:`ingest` creates a document per item in a dataset, recording each step in a JSON Lines
  journal, so a re-run after a crash skips what was created and never silently re-sends an item
  whose answer was lost (``ambiguous``); :func:`reconcile` finds those in the dataset.
  ``dataset.upload`` and ``dataset.upload_async`` run the same engine, with a journal or
  without, and report in the same words: an :class:`IngestReport` of :class:`ItemResult`.
- :func:`predict` runs a model over a dataset or any documents with concurrency that adapts to
  the API's rate limit, and :func:`export_jsonl` / :func:`export_csv` write the results.
"""

from ._export import CSV_COLUMNS, export_csv, export_jsonl
from ._ingest import ingest, upload_to_dataset
from ._items import IngestItem
from ._journal import Journal, JournalError, TornLine
from ._limiter import AdaptiveLimit, LimitStats
from ._predict import PredictionReport, PredictionResult, predict
from ._progress import Progress, progress_printer
from ._reconcile import DEFAULT_SETTLE, ReconcileReport, reconcile
from ._results import IngestError, IngestReport, ItemResult

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_SETTLE",
    "AdaptiveLimit",
    "IngestError",
    "IngestItem",
    "IngestReport",
    "ItemResult",
    "Journal",
    "JournalError",
    "LimitStats",
    "PredictionReport",
    "PredictionResult",
    "Progress",
    "ReconcileReport",
    "TornLine",
    "export_csv",
    "export_jsonl",
    "ingest",
    "predict",
    "progress_printer",
    "reconcile",
    "upload_to_dataset",
]
