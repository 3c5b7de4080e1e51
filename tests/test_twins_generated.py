"""The sync twins are what tools/unasync.py derives from their async source, to the byte."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff (the dev extra) formats the twins")
def test_every_generated_sync_twin_matches_its_async_source() -> None:
    check = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "unasync.py"), "--check"], capture_output=True, text=True
    )

    assert check.returncode == 0, check.stderr


def test_the_generated_client_says_where_it_comes_from() -> None:
    text = (ROOT / "las" / "client.py").read_text()

    assert "Generated from las/_async_client.py by tools/unasync.py: do not edit." in text
