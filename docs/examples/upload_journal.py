# docs/examples/upload_journal.py
"""A resumable upload: a journal records each item, so a re-run sends only what is missing."""

import tempfile
from pathlib import Path

import las

dataset = las.Dataset.create(name="scans")
folder = Path(tempfile.mkdtemp())  # stands for your folder of scans
for number in range(3):
    (folder / f"scan-{number}.pdf").write_bytes(f"%PDF-1.4 scan {number}".encode())
scans = sorted(folder.glob("*.pdf"))
journal = folder / "upload.jsonl"  # keep it beside the scans, not in a temporary place

report = dataset.upload(scans, journal=journal, max_workers=4)  # an las.bulk.IngestReport
print(report.summary())  # e.g. "3 items in 0.1s: 3 created"
for item in report.results:
    print(item.key, item.status, item.document_id)

# Run it again, after a crash or with more files: what was created is skipped (no request).
again = dataset.upload(scans, journal=journal)
assert again.counts["skipped"] == 3

# An item whose answer was lost (the API may have created it) is "ambiguous" and never sent
# again on its own: reconcile finds its document, or retry_ambiguous=True sends it again.
if again.ambiguous:
    las.bulk.reconcile(journal)
