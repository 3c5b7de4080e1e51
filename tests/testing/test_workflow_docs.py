"""The guide's emulator workflow example prints what its comments promise, and the docs that
list what the emulator runs exist where the README points."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "emulator_workflows.py"


def test_the_emulator_workflow_example_prints_what_its_comments_say(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
        env={"PATH": "", "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    promised = re.findall(r"print\(.*\)  # (.*)", EXAMPLE.read_text())
    assert done.stdout.splitlines() == promised


def test_the_readme_links_the_list_of_what_workflows_run() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "docs/emulator-workflows.md" in readme
    page = (ROOT / "docs" / "emulator-workflows.md").read_text()
    for name in ("Choice", "Parallel", "Map", "States.HeartbeatTimeout", "What does not run"):
        assert name in page
