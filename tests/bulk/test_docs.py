"""docs/bulk.md: every Python example runs and prints exactly the output shown under it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "bulk.md"
PAIRS = re.findall(r"```python\n(.*?)```\s*```text\n(.*?)```", PAGE.read_text(), flags=re.DOTALL)


def test_the_page_has_its_examples() -> None:
    assert len(PAIRS) == 5
    assert PAGE.read_text().count("```python") == len(PAIRS)  # no example without its output


@pytest.mark.parametrize(
    ("code", "output"),
    PAIRS,
    ids=["ingest", "ambiguous-and-reconcile", "without-bytes", "predict", "predict-stopped"],
)
def test_example_prints_what_the_page_shows(code: str, output: str, tmp_path: Path) -> None:
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == output
