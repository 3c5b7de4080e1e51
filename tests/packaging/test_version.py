"""The version users and the API's logs see, and the guard against a second ``las`` distribution."""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
from importlib import metadata
from pathlib import Path

import pytest

import las
from las import _version
from las.testing import Emulator

ROOT = Path(__file__).resolve().parents[2]
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:[-+.][0-9A-Za-z.+-]+)?$")


def _pyproject_version() -> str:
    match = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.MULTILINE)
    assert match, "pyproject.toml has no version line"
    return match.group(1)


def _fake_distribution(directory: Path, name: str, version: str) -> Path:
    """Metadata as pip leaves it for an installed distribution, without its files."""
    info = directory / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    return directory


def test_the_version_is_the_installed_distributions_and_semantic() -> None:
    assert las.__version__ == metadata.version("lucidtech-las-sdk") == _pyproject_version()
    assert SEMVER.match(las.__version__), las.__version__


def test_the_version_falls_back_when_las_runs_from_a_source_tree_never_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def not_installed(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", not_installed)
    assert _version.installed_version() == "0+unknown"


def test_every_request_carries_the_version_in_its_user_agent(
    las_emulator: Emulator, las_session: las.Session
) -> None:
    las.Client(session=las_session).list_datasets()
    las.Dataset.all(session=las_session).first()
    sent = [request for request in las_emulator.requests if request.path == "/datasets"]
    assert len(sent) == 2
    for request in sent:
        assert request.headers["User-Agent"] == f"las-python/{las.__version__}"


def test_no_warning_when_las_is_the_only_distribution_of_the_package() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _version.warn_if_installed_beside_another_las()


def test_a_warning_names_lucidtech_las_installed_beside_it_and_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(_fake_distribution(tmp_path, "lucidtech-las", "11.4.1")))
    with pytest.warns(RuntimeWarning) as caught:
        _version.warn_if_installed_beside_another_las()
    message = str(caught[0].message)
    assert "lucidtech-las 11.4.1 is installed beside lucidtech-las-sdk" in message
    assert "pip uninstall lucidtech-las lucidtech-las-sdk" in message
    assert "pip install lucidtech-las-sdk" in message


def test_importing_las_warns_when_lucidtech_las_is_installed_too(tmp_path: Path) -> None:
    site = _fake_distribution(tmp_path, "lucidtech-las", "11.4.1")
    program = f"import sys; sys.path.insert(0, {str(site)!r}); import las"
    run = subprocess.run(
        [sys.executable, "-W", "error::RuntimeWarning", "-c", program],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert run.returncode != 0
    assert "RuntimeWarning: lucidtech-las 11.4.1 is installed beside lucidtech-las-sdk" in run.stderr
