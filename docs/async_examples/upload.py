# docs/async_examples/upload.py
"""Upload many documents into a dataset from an AsyncSession: 64 at a time, every item reported."""

import asyncio
import tempfile
from collections.abc import Iterator
from pathlib import Path

import las


def scans(folder: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """A lazy source: upload_async reads it as the uploads go, never all up front."""
    for number in range(100):
        path = folder / f"scan-{number}.pdf"
        path.write_bytes(b"%PDF-1.4 scan " + str(number).encode())
        yield path, {"total_amount": f"{number}.00"}


async def main() -> None:
    async with las.AsyncSession() as session:
        dataset = await las.Dataset.create_async(name="async uploads", session=session)
        with tempfile.TemporaryDirectory() as folder:
            # The items dataset.upload takes; at most 64 creates in flight, files read in a thread.
            report = await dataset.upload_async(scans(Path(folder)), max_concurrency=64)
        print(report.ok, len(report.documents), report.documents[3].ground_truth_dict())

        # Every item is reported, in input order: its Document, or the exception that stopped it.
        done: list[int] = []
        report = await dataset.documents.upload_async(
            [b"%PDF-1.4 one more", b"not a PDF"], on_progress=lambda item, count, total: done.append(count)
        )
        print(done == [1, 2], [(item.index, type(item.exception).__name__) for item in report.failed])

        # With a journal the upload is resumable: run it again after a crash, and what was
        # created is skipped; an item whose answer was lost is reported, never sent twice.
        with tempfile.TemporaryDirectory() as folder:
            journal = Path(folder) / "upload.jsonl"
            items = [b"%PDF-1.4 first", b"%PDF-1.4 second"]
            report = await dataset.upload_async(items, journal=journal)
            again = await dataset.upload_async(items, journal=journal)
        print(report.counts["created"], again.counts["skipped"], again.ok)
        await dataset.delete_async(delete_documents=True)


asyncio.run(main())
