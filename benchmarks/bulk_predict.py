"""Bulk prediction under a rate limit: adaptive concurrency against a fixed thread pool.

Usage::

    .venv/bin/python benchmarks/bulk_predict.py [--documents 300] [--rate 100] [--max-workers 16] [--quick]

Against an in-process emulator limited to ``--rate`` requests per second (429 with
``Retry-After`` above it, as the API Gateway answers), side by side:

- a fixed pool of ``--max-workers`` threads calling ``Client.create_prediction``, each retrying
  its own 429s after the ``Retry-After`` (the Session's policy);
- ``las.bulk.predict`` with ``max_workers=--max-workers``: the limit halves on a 429,
  pauses every request for the ``Retry-After``, and grows back after successes.

Prints, for each, the time, the requests sent, the 429s received and every document predicted
once. Figures are printed, never asserted; tests/bulk/test_benchmark.py runs ``--quick``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent)]

import las  # noqa: E402
import las.bulk  # noqa: E402
from las.testing import Emulator  # noqa: E402

FIELDS = {"total": {"type": "amount", "maxLength": 10, "description": "Total"}}


def line(label: str, figure: object) -> None:
    print(f"  {label:<46} {figure}", flush=True)


def predictions(emulator: Emulator) -> list[int]:
    return [
        sent.status for sent in emulator.requests if sent.method == "POST" and sent.path == "/predictions"
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--rate", type=float, default=100.0, help="requests per second before 429s")
    parser.add_argument("--max-workers", type=int, default=16)
    parser.add_argument("--quick", action="store_true", help="60 documents at 20/s, for the smoke test")
    args = parser.parse_args()
    n = 60 if args.quick else args.documents
    rate = 20.0 if args.quick else args.rate

    with Emulator() as emulator:
        # Retries enough that the fixed pool finishes too: it is the number of 429s we compare.
        session = emulator.session(max_retries=100, max_retry_wait=600, pool_maxsize=args.max_workers)
        client = las.Client(session=session)
        model_id = client.create_model(300, 400, FIELDS, name="bulk-benchmark")["modelId"]
        ids = emulator.seed_documents(n)
        print(f"bulk prediction: {n} documents, rate limit {rate:g} requests/s, {args.max_workers} threads")

        emulator.clear_requests()
        emulator.set_rate_limit(rate)
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(args.max_workers) as pool:
            list(pool.map(lambda document_id: client.create_prediction(document_id, model_id), ids))
        fixed_time = time.perf_counter() - started
        fixed = predictions(emulator)
        emulator.set_rate_limit(None)

        time.sleep(1.0)  # let the bucket fill again: both start from the same state
        emulator.clear_requests()
        emulator.set_rate_limit(rate)
        report = las.bulk.predict(model_id, ids, session=session, max_workers=args.max_workers)
        adaptive = predictions(emulator)
        emulator.set_rate_limit(None)

        print("\nfixed pool, each thread retrying its own 429s")
        line("time", f"{fixed_time:.2f}s")
        line("requests sent / 429s received", f"{len(fixed)} / {fixed.count(429)}")
        line("documents predicted", fixed.count(200))
        print("\nlas.bulk.predict (AIMD)")
        line("time", f"{report.elapsed:.2f}s")
        line("requests sent / 429s received", f"{len(adaptive)} / {adaptive.count(429)}")
        line("documents predicted", f"{adaptive.count(200)} (report: {report.counts['predicted']})")
        line(
            "concurrency: start, lowest, final",
            f"{args.max_workers}, {min(report.concurrency.history)}, {report.concurrency.final}",
        )
        print("\nside by side")
        line("429s, adaptive / fixed", f"{adaptive.count(429) / max(1, fixed.count(429)):.2f}x")
        line("time, adaptive / fixed", f"{report.elapsed / fixed_time:.2f}x")
        session.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
