"""Smoke test of an installed wheel, run by ``.ci/packaging`` with the wheel's venv, outside the checkout.

It uses only what a user has after ``pip install lucidtech-las-sdk``: no pytest, no test extra,
so an undeclared runtime dependency fails here. Exits non-zero on the first broken promise.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from importlib import metadata, resources
from pathlib import Path

DISTRIBUTION = "lucidtech-las-sdk"


def check_installed_not_from_a_checkout() -> None:
    import las

    location = Path(las.__file__).resolve()
    assert Path(sys.prefix).resolve() in location.parents, f"las imported from {location}, not the venv"
    assert (location.parent / "__init__.py").is_file()
    print(f"ok  import las from {location.parent}")


def check_package_data() -> None:
    typed = resources.files("las").joinpath("py.typed")
    assert typed.is_file(), "py.typed is missing from the wheel: type checkers would ignore las"
    files = {str(path) for path in metadata.files(DISTRIBUTION) or []}
    assert "las/py.typed" in files, "py.typed is not in the wheel's RECORD"
    assert any(name.endswith("licenses/LICENSE") or name.endswith("/LICENSE") for name in files)
    plugins = {entry.name: entry.value for entry in metadata.entry_points(group="pytest11")}
    assert plugins.get("las") == "las.testing.pytest_plugin", plugins
    fields = metadata.metadata(DISTRIBUTION)
    assert fields["License-Expression"] == "Apache-2.0", fields["License-Expression"]
    assert "Typing :: Typed" in (fields.get_all("Classifier") or [])
    assert fields["Requires-Python"] == ">=3.10", fields["Requires-Python"]
    print("ok  py.typed, LICENSE, metadata and the pytest plugin entry point are installed")


def check_version() -> None:
    import las

    assert las.__version__ == metadata.version(DISTRIBUTION), las.__version__
    assert las.__version__ != "0+unknown"
    print(f"ok  las.__version__ == {las.__version__}")


def check_against_the_emulator() -> None:
    import las
    from las.testing import Emulator

    with Emulator() as emulator, tempfile.TemporaryDirectory() as cache:
        with emulator.session(cache_path=Path(cache) / "token-cache.json") as session:
            created = las.Client(session=session).create_dataset(name="Smoke")
            assert created["name"] == "Smoke", created
            dataset = las.Dataset.get(created["datasetId"], session=session)
            assert dataset.name == "Smoke"
            assert [each.id for each in las.Dataset.all(session=session)] == [dataset.id]
            try:
                las.Document.get("las:document:" + "0" * 32, session=session)
            except las.NotFoundError:
                pass
            else:
                raise AssertionError("getting a missing document did not raise las.NotFoundError")
        user_agent = emulator.requests[-1].headers.get("User-Agent")
        assert user_agent == f"las-python/{las.__version__}", user_agent
    print(f"ok  emulator, a Client call and resource calls; User-Agent {user_agent}")


def check_command_line() -> None:
    import las

    script = Path(sys.executable).with_name("las")
    usage = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60, check=True)
    if "--version" in usage.stdout:
        shown = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=60, check=True)
        assert las.__version__ in shown.stdout, shown.stdout
        print(f"ok  las --version: {shown.stdout.strip()}")
    else:  # until the command line offers --version, show the version the way a user can
        shown = subprocess.run(
            [sys.executable, "-c", "import las; print(las.__version__)"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert shown.stdout.strip() == las.__version__, shown.stdout
        print(f"ok  las --help runs; las has no --version yet; python -c shows {shown.stdout.strip()}")


def main() -> int:
    check_installed_not_from_a_checkout()
    check_package_data()
    check_version()
    check_against_the_emulator()
    check_command_line()
    print("smoke test of the installed wheel passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
