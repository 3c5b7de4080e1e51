"""What the README promises about CI and installing, checked against the files that keep it."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _section(title: str) -> str:
    readme = (ROOT / "README.md").read_text()
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", readme, re.MULTILINE | re.DOTALL)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def _shell_blocks(text: str) -> list[str]:
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", text, re.DOTALL)]


def test_the_quick_start_has_exactly_two_commands_and_ci_runs_them_verbatim() -> None:
    commands = _shell_blocks(_section("Quick start"))
    assert len(commands) == 2 and all("\n" not in command for command in commands), commands
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    for command in commands:
        assert command in ci, f"CI does not run the quick start command verbatim: {command}"


def test_ci_runs_the_suite_once_against_each_contract() -> None:
    run = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if "-m pytest" in line]
    lowest = [
        line for line in (ROOT / ".ci" / "lowest-versions").read_text().splitlines() if "-m pytest" in line
    ]
    assert run and not any("--las-contract" in line for line in run)  # the default: 2021-09-23
    assert len(lowest) == 1 and lowest[0].endswith("--las-contract 2024-11-29")
    development = (ROOT / "README.md").read_text().split("\n## Development\n", 1)[1]
    assert "--las-contract 2024-11-29" in development


def test_the_install_section_installs_the_distribution_pyproject_names() -> None:
    name = re.search(r'^name = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.MULTILINE)
    assert name and name.group(1) == "lucidtech-las-sdk"
    assert f"pip install {name.group(1)}" in _shell_blocks(_section("Install"))


def test_the_suite_runs_two_workers_per_core_at_least_four(monkeypatch: pytest.MonkeyPatch) -> None:
    """README: pytest-xdist runs the suite with two workers per core (``-n auto`` in pyproject)."""
    from tests.conftest import pytest_xdist_auto_num_workers

    assert "-n auto" in (ROOT / "pyproject.toml").read_text()
    for cores, workers in [(None, 4), (1, 4), (2, 4), (3, 6), (8, 16), (64, 16)]:
        monkeypatch.setattr(os, "cpu_count", lambda cores=cores: cores)
        assert pytest_xdist_auto_num_workers(None) == workers  # type: ignore[arg-type]
