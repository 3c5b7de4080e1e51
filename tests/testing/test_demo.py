"""``las demo`` (``python -m las demo``): the tour runs to its end on either API contract."""

from __future__ import annotations

import pytest

from las import contracts
from las.demo import main


@pytest.mark.parametrize("contract", contracts.KNOWN)
def test_the_tour_runs_to_its_end_on_each_contract(contract: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--contract", contract]) == 0
    out = capsys.readouterr().out
    predictions = [line for line in out.splitlines() if line.startswith("  las:document:")]
    assert len(predictions) == 3 and all("total_amount=" in line for line in predictions)
    assert "execution ended 'succeeded'" in out and "documents in the dataset: 3" in out
    assert out.rstrip().endswith(f"against the embedded emulator (API contract {contract}).")


def test_the_default_is_the_emulators_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    assert f"(API contract {contracts.DEFAULT})." in capsys.readouterr().out


def test_an_unknown_contract_is_a_usage_error_naming_the_known_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--contract", "2019-01-01"]) == 2
    error = capsys.readouterr().err
    assert "2019-01-01" in error and all(known in error for known in contracts.KNOWN)
