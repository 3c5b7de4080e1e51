"""``benchmarks/run.py --quick`` runs to the end and prints every figure (no timing asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LABELS = (
    "bare requests.Session GET",
    "Client.get_document / bare",
    "las.Document.get / bare",
    "bare nextToken loop (CPU)",
    "las.Document.all(page_size=100) / bare (CPU)",
    "las.paginate(client.list_documents) / bare (CPU)",
    "bare loop reading every field of every item (CPU)",
    "Document.all() reading every field / bare (CPU)",
    "requests while reading every field (pages)",
    "peak memory growth, Document.all",
    "bare read + b64encode + json.dumps + POST",
    "Client.create_document(path) / bare",
    "peak memory growth, Client.create_document",
    "8 threads / 1",
    "token fetches per 8-thread run",
    "emulator GET /documents/{id}",
    "emulator GET /documents?maxResults=100 (list)",
    "Summary",
)


def test_quick_benchmark_runs_and_prints_every_figure() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    missing = [label for label in LABELS if label not in result.stdout]
    assert not missing, f"missing figures {missing} in:\n{result.stdout}"
