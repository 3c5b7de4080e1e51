"""Choosing the contract the emulator serves: ``las serve --contract``, the pytest option and
environment variable, the ``las_contract`` marker; and the generated tables of both contracts
are what the generator makes of them."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from las.testing.cli import serve
from tests.contract import CONTRACT_PATHS

ROOT = Path(__file__).resolve().parents[2]


def _serve_output(*args: str) -> str:
    stop = threading.Event()
    output = io.StringIO()

    def run() -> None:
        with contextlib.redirect_stdout(output):
            serve(["--port", "0", *args], stop=stop)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 10
    while "Ctrl-C" not in output.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        text = output.getvalue()
        if "--contract" in args:  # the 2024 emulator answers its catalogue
            url = text.split("serving at ", 1)[1].split()[0]
            assert requests.get(f"{url}/plans", timeout=5).status_code == 401  # routed, needs a token
    finally:
        stop.set()
        thread.join(5)
    return text


def test_las_serve_serves_the_contract_it_is_given_and_says_which() -> None:
    assert "LAS_CONTRACT=2021-09-23" in _serve_output()
    text = _serve_output("--contract", "2024-11-29")
    assert "LAS_CONTRACT=2024-11-29" in text and "contract:        2024-11-29" in text


def test_las_serve_refuses_an_unknown_contract_naming_both(capsys: pytest.CaptureFixture[str]) -> None:
    assert serve(["--contract", "2023-01-01"]) == 2
    assert "'2021-09-23', '2024-11-29'" in capsys.readouterr().err


QUIET = ("-p", "no:cacheprovider", "-p", "no:asyncio", "-p", "no:hypothesispytest")
PLUGIN_TESTS = """
import pytest

def test_served(las_emulator):
    print("SERVED", las_emulator.contract)

@pytest.mark.las_contract("2024-11-29")
def test_about_2024(las_emulator):
    assert las_emulator.contract == "2024-11-29"

@pytest.mark.las_contract("2021-09-23")
def test_about_2021(las_emulator):
    assert las_emulator.contract == "2021-09-23"
"""


def test_the_fixtures_serve_2021_by_default_and_skip_tests_about_2024(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LAS_EMULATOR_CONTRACT", raising=False)
    pytester.makepyfile(PLUGIN_TESTS)
    result = pytester.runpytest_inprocess(*QUIET, "-s", "-rs")
    result.assert_outcomes(passed=2, skipped=1)
    result.stdout.fnmatch_lines(
        ["*SERVED 2021-09-23*", "*about the 2024-11-29 contract; the emulator serves 2021-09-23*"]
    )


@pytest.mark.parametrize(
    ("environment", "option"), [("2021-09-23", ["--las-contract", "2024-11-29"]), ("2024-11-29", [])]
)
def test_the_option_else_the_environment_chooses_the_contract(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, environment: str, option: list[str]
) -> None:
    monkeypatch.setenv("LAS_EMULATOR_CONTRACT", environment)  # the option wins over it
    pytester.makepyfile(PLUGIN_TESTS)
    result = pytester.runpytest_inprocess(*QUIET, "-s", *option)
    result.assert_outcomes(passed=2, skipped=1)
    result.stdout.fnmatch_lines(["*SERVED 2024-11-29*"])


def test_a_wrong_contract_stops_the_run_naming_both(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAS_EMULATOR_CONTRACT", "2024")
    pytester.makepyfile(PLUGIN_TESTS)
    result = pytester.runpytest_inprocess(*QUIET)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*LAS_EMULATOR_CONTRACT: unknown contract '2024'*'2021-09-23'*'2024-11-29'*"]
    )


def test_a_marker_naming_no_contract_is_an_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.las_contract("2025")
        def test_marked(las_emulator):
            pass
        """
    )
    result = pytester.runpytest_inprocess(*QUIET)
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*las_contract: unknown contract '2025'*"])


@pytest.mark.skipif(
    importlib.util.find_spec("ruff") is None, reason="ruff (the dev extra) formats the tables"
)
def test_the_generated_tables_are_what_the_generator_makes_of_the_contracts() -> None:
    missing = [str(path) for path in CONTRACT_PATHS.values() if not path.is_file()]
    if missing:
        pytest.skip(f"the contracts are not here ({', '.join(missing)}; set LAS_SHARED_DIR)")
    check = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "generate_emulator_contracts.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr


def test_the_generated_tables_say_where_they_come_from() -> None:
    for name, source in (("_contract_2021.py", "oas.json"), ("_contract_2024.py", "oas-2024-11-29.json")):
        text = (ROOT / "las" / "testing" / name).read_text()
        assert f"Generated by tools/generate_emulator_contracts.py from {source}" in text
        assert "do not\nedit" in text
