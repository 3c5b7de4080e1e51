"""benchmarks/bulk_ingest.py --quick: no duplicates, every item accounted for (counts, not timings)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def figure(output: str, label: str) -> str:
    found = re.search(rf"^  {re.escape(label)}\s+(.+)$", output, flags=re.MULTILINE)
    assert found, f"no {label!r} in:\n{output}"
    return found.group(1).strip()


def test_quick_bulk_benchmark_creates_nothing_twice() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bulk_ingest.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    created, ambiguous, other = (
        int(n) for n in figure(out, "items created / ambiguous / other").split(" / ")
    )
    assert created + ambiguous == 200 and ambiguous > 0 and other == 0
    assert figure(out, "POST /documents sent (one per item at most)") == "200"
    assert figure(out, "POST /documents sent by the re-run") == "0"
    assert figure(out, "ambiguous found in the dataset / not found") == f"{ambiguous} / 0"
    assert figure(out, "skipped / created / other") == "200 / 0 / 0"
    assert figure(out, "documents in the dataset / items") == "200 / 200"
    assert figure(out, "duplicates (documents with the same content)") == "0"
    assert figure(out, "items missing from the dataset") == "0"
    assert "ingest / plain" in out


def test_quick_bulk_predict_benchmark_predicts_every_document_once_both_ways() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bulk_predict.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert figure(out, "documents predicted").startswith("60")  # the fixed pool's
    assert figure(out.split("las.bulk.predict (AIMD)")[1], "documents predicted") == "60 (report: 60)"
    fixed_sent, fixed_429 = (int(n) for n in figure(out, "requests sent / 429s received").split(" / "))
    assert fixed_sent == 60 + fixed_429 and fixed_429 > 0  # the limit was met: the comparison means something
    assert "429s, adaptive / fixed" in out and "time, adaptive / fixed" in out
