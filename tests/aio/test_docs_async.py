"""docs/async.md: its examples run against the emulator, and it shows them as they are."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from las.testing import Emulator

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLES = sorted((DOCS / "async_examples").glob("*.py"))
PAGE = DOCS / "async.md"


def blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", PAGE.read_text(), flags=re.DOTALL)


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda path: path.name)
def test_example_runs_against_the_emulator(script: Path, las_emulator: Emulator, tmp_path: Path) -> None:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),  # no real credentials file, a private token cache
        "LAS_CLIENT_ID": las_emulator.client_id,
        "LAS_CLIENT_SECRET": las_emulator.client_secret,
        "LAS_AUTH_ENDPOINT": las_emulator.auth_endpoint,
        "LAS_API_ENDPOINT": las_emulator.api_endpoint,
    }
    done = subprocess.run(
        [sys.executable, "-W", "error::ResourceWarning", str(script)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"{script.name} failed:\n{done.stdout}\n{done.stderr}"
    assert "True" in done.stdout or "404" in done.stdout
    assert "Unclosed" not in done.stderr


def test_the_page_shows_each_example_as_it_is() -> None:
    by_file = {block.splitlines()[0]: block for block in blocks() if block.startswith("# docs/")}
    for script in EXAMPLES:
        header = f"# docs/async_examples/{script.name}"
        assert by_file.get(header) == script.read_text(), f"docs/async.md shows an outdated {script.name}"


@pytest.mark.asyncio
async def test_the_pages_pytest_example_passes(las_async_client: Any, las_emulator: Emulator) -> None:
    [snippet] = [block for block in blocks() if "async def test_creates_a_dataset" in block]
    namespace: dict[str, Any] = {}
    exec(compile(snippet, str(PAGE), "exec"), namespace)
    await namespace["test_creates_a_dataset"](las_async_client, las_emulator)
