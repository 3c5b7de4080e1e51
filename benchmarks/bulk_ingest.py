"""Bulk ingestion when answers are lost: 1,000 documents, 30% of POSTs answered into the void.

Usage::

    .venv/bin/python benchmarks/bulk_ingest.py [--items 1000] [--lose 0.3] [--quick]

Against an in-process emulator whose ``fail_randomly(kinds=("lose",))`` lets the server create
the document and then closes the connection without the answer. Prints, for each phase:

1. the first run: every item ``created`` or ``ambiguous``, never sent twice;
2. a re-run before reconciling: nothing sent, the ambiguous stay ambiguous;
3. ``reconcile``: every ambiguous item found in the dataset by content hash;
4. a final re-run: nothing sent, every item accounted for;

then the dataset's documents against the items (0 duplicates: checked by hashing every
document's content), and timings side by side with a plain thread-pool loop of
``Client.create_document`` (no journal, no faults) to show what the journal costs. Figures are
printed, never asserted; tests/bulk/test_benchmark.py runs ``--quick`` and checks the counts.
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import hashlib
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent)]

import las  # noqa: E402
import las.bulk  # noqa: E402
from las.testing import Emulator  # noqa: E402


def line(label: str, figure: object) -> None:
    print(f"  {label:<58} {figure}", flush=True)


def make_items(folder: Path, n: int) -> list[Path]:
    paths = []
    for number in range(n):
        path = folder / f"scan-{number:05d}.pdf"
        path.write_bytes(b"%PDF-1.4\n% benchmark item " + str(number).encode() + b"\n%%EOF\n")
        paths.append(path)
    return paths


def posts(emulator: Emulator) -> int:
    return sum(1 for sent in emulator.requests if sent.method == "POST" and sent.path == "/documents")


def content_hashes(client: las.Client, dataset_id: str) -> Counter[str]:
    """sha256 of every document's content in the dataset (a GET each: the list leaves it out)."""
    found: Counter[str] = Counter()
    for listed in las.paginate(client.list_documents, dataset_id=dataset_id):
        content = client.get_document(listed["documentId"])["content"]
        found[hashlib.sha256(base64.b64decode(content)).hexdigest()] += 1
    return found


def plain_loop(client: las.Client, paths: list[Path], dataset_id: str, concurrency: int) -> float:
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda path: client.create_document(path, dataset_id=dataset_id), paths))
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--lose", type=float, default=0.3, help="share of POST /documents answers lost")
    parser.add_argument("--max-workers", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="200 items, for the smoke test")
    args = parser.parse_args()
    n = 200 if args.quick else args.items

    with Emulator() as emulator, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        session = emulator.session(pool_maxsize=args.max_workers)
        client = las.Client(session=session)
        items_dir = folder / "items"
        items_dir.mkdir()
        paths = make_items(items_dir, n)
        expected = {hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}
        dataset_id = client.create_dataset(name="bulk-benchmark")["datasetId"]
        journal = folder / "upload.jsonl"
        print(
            f"bulk ingestion: {n} documents, {args.lose:.0%} of POST answers lost after the server "
            f"created the document, {args.max_workers} in flight"
        )

        print("\n1. first run, answers lost")
        emulator.fail_randomly(args.lose, kinds=("lose",), method="POST", path="/documents", seed=args.seed)
        first = las.bulk.ingest(
            paths, dataset=dataset_id, journal=journal, session=session, max_workers=args.max_workers
        )
        emulator.clear_faults()
        counts = first.counts
        line(
            "items created / ambiguous / other",
            f"{counts['created']} / {counts['ambiguous']} / {n - counts['created'] - counts['ambiguous']}",
        )
        line("POST /documents sent (one per item at most)", posts(emulator))
        line("time", f"{first.elapsed:.2f}s ({n / first.elapsed:.0f} items/s)")

        print("\n2. re-run before reconciling")
        sent_before = posts(emulator)
        second = las.bulk.ingest(
            paths, dataset=dataset_id, journal=journal, session=session, max_workers=args.max_workers
        )
        line("skipped / ambiguous", f"{second.counts['skipped']} / {second.counts['ambiguous']}")
        line("POST /documents sent by the re-run", posts(emulator) - sent_before)
        line("time", f"{second.elapsed:.2f}s")

        print("\n3. reconcile")
        started = time.perf_counter()
        reconciled = las.bulk.reconcile(journal, session=session)
        elapsed = time.perf_counter() - started
        line(
            "ambiguous found in the dataset / not found",
            f"{len(reconciled.found)} / {len(reconciled.not_found)}",
        )
        line("time", f"{elapsed:.2f}s")

        print("\n4. final re-run")
        sent_before = posts(emulator)
        final = las.bulk.ingest(
            paths, dataset=dataset_id, journal=journal, session=session, max_workers=args.max_workers
        )
        line(
            "skipped / created / other",
            f"{final.counts['skipped']} / {final.counts['created']} / "
            f"{n - final.counts['skipped'] - final.counts['created']}",
        )
        line("POST /documents sent by the re-run", posts(emulator) - sent_before)

        print("\nresult")
        hashes = content_hashes(client, dataset_id)
        duplicates = sum(count - 1 for count in hashes.values())
        line("documents in the dataset / items", f"{sum(hashes.values())} / {n}")
        line("duplicates (documents with the same content)", duplicates)
        line("items missing from the dataset", len(expected - set(hashes)))
        line("every item created or ambiguous after run 1", counts["created"] + counts["ambiguous"] == n)

        print("\ntimings side by side (no faults, fresh datasets)")
        plain_dataset = client.create_dataset(name="plain")["datasetId"]
        plain = plain_loop(client, paths, plain_dataset, args.max_workers)
        journal_dataset = client.create_dataset(name="journaled")["datasetId"]
        clean = las.bulk.ingest(
            paths,
            dataset=journal_dataset,
            journal=folder / "clean.jsonl",
            session=session,
            max_workers=args.max_workers,
        )
        line("plain create_document loop", f"{plain:.2f}s ({n / plain:.0f} items/s)")
        line(
            "las.bulk.ingest with its journal (2 fsyncs per item)",
            f"{clean.elapsed:.2f}s ({n / clean.elapsed:.0f} items/s)",
        )
        line("ingest / plain", f"{clean.elapsed / plain:.2f}x")
        session.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
