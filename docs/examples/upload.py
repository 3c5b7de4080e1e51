# docs/examples/upload.py
"""Upload many documents at once into a dataset, with ground truth and progress."""

import las
import las.bulk

dataset = las.Dataset.create(name="training data")

items = [
    b"%PDF-1.4 first",  # content only
    (b"%PDF-1.4 second", {"total_amount": "10.00"}),  # (content, ground truth)
    {
        "content": b"%PDF-1.4 third",
        "ground_truth": {"total_amount": "30.00"},
        "content_type": "application/pdf",
    },
    b"this is not a PDF, JPEG, PNG or TIFF",  # will fail: the content type cannot be detected
]


def show(item: las.bulk.ItemResult, done: int, total: int | None) -> None:
    print(f"{done}/{total}: item {item.index} {item.status}")


report = dataset.upload(items, max_workers=4, on_progress=show)  # or progress_bar=True

print(len(report.documents), "created")
for failed in report.failed:  # nothing is dropped: every item is in the report, in order
    print("failed:", failed.index, type(failed.exception).__name__)

# A document whose create request failed was not sent again, so none is created twice.
try:
    report.raise_for_errors()
except las.bulk.IngestError as error:
    print(error)
