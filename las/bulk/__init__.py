"""Bulk work on many documents: resumable, duplicate-aware ingestion and adaptive bulk prediction.

- :func:`ingest` creates a document per item in a dataset, recording each step in a JSON Lines
  journal, so a re-run after a crash skips what was created and never silently re-sends an item
  whose answer was lost (``ambiguous``); :func:`reconcile` finds those in the dataset.
"""

from ._ingest import (
    IngestItem,
    IngestReport,
    ItemResult,
    Progress,
    ReconcileReport,
    ingest,
    reconcile,
    upload_to_dataset,
)
from ._journal import Journal, JournalError, TornLine

__all__ = [
    "IngestItem",
    "IngestReport",
    "ItemResult",
    "Journal",
    "JournalError",
    "Progress",
    "ReconcileReport",
    "TornLine",
    "ingest",
    "reconcile",
    "upload_to_dataset",
]
