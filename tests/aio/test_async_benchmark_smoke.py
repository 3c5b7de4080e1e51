"""``benchmarks/async_run.py --quick`` runs to the end and prints every figure (no timing asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LABELS = (
    "bare aiohttp: GET + read + json.loads",
    "await AsyncClient.get_document / bare (CPU)",
    "await las.Document.get_async / bare (CPU)",
    "bare aiohttp, 128 tasks",
    "threads + requests (las.Client), 32 threads",
    "AsyncClient 128 / bare aiohttp 128",
    "AsyncClient 128 / threads + requests 32",
    "drop from 32 to 128 tasks",
    "connections opened per run (32 tasks, 128 tasks)",
    "dataset.upload(max_workers=32), threads + requests",
    "await dataset.upload_async(max_concurrency=64)",
    "upload_async 64 / upload 32 threads",
)


def test_quick_async_benchmark_runs_and_prints_every_figure() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "async_run.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    missing = [label for label in LABELS if label not in result.stdout]
    assert not missing, f"missing figures {missing} in:\n{result.stdout}"
