"""The doctor's table of what each contract says of its answers (``las/_doctor_shapes.py``) is the
contracts' own word, and it covers exactly the calls the doctor makes."""

from __future__ import annotations

import copy
import importlib.util
import subprocess
import sys

import pytest

from las import contracts
from las._doctor import READS, differences
from las._doctor_shapes import SHAPES
from tests.contract import CONTRACT_PATHS, REPO_ROOT, load_contract
from tests.support.answers_2024 import ANSWERS

ORGANIZATION = "GET /organizations/{organizationId}"


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff (the dev extra) formats the table")
def test_the_table_is_what_the_generator_makes_of_the_contracts() -> None:
    missing = [str(path) for path in CONTRACT_PATHS.values() if not path.is_file()]
    if missing:
        pytest.skip(f"the contracts are not here ({', '.join(missing)}; set LAS_SHARED_DIR)")
    check = subprocess.run(
        [sys.executable, str(REPO_ROOT / "tools" / "generate_doctor_shapes.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr


def test_the_table_covers_every_contract_and_exactly_the_doctors_calls() -> None:
    assert tuple(SHAPES) == contracts.KNOWN
    for version, operations in SHAPES.items():
        assert set(operations) == {read.operation for read in READS}, version


def test_an_answer_the_2024_contract_validates_fits_its_row_and_breaks_the_2021_one() -> None:
    # The hand-written 2024 organization answer of tests/support, checked against the contract
    # file (when present) so that this test does not lean on the table alone.
    answer = ANSWERS["/organizations/{organizationId}"]
    loaded = load_contract(contracts.V2024)
    if loaded is not None:
        loaded.validate_response("GET", "/organizations/me", 200, answer)
    assert differences(answer, SHAPES[contracts.V2024][ORGANIZATION]) == []
    against_2021 = differences(answer, SHAPES[contracts.V2021][ORGANIZATION])
    assert {(d.path, d.kind) for d in against_2021} >= {
        ("numberOfBatchesAllowed", "missing"),
        ("planId", "added"),
    }


def test_each_kind_of_difference_is_found_and_named() -> None:
    answer = copy.deepcopy(ANSWERS["/organizations/{organizationId}"])
    del answer["planId"]  # required
    answer["numberOfModelsCreated"] = "12"  # an integer in the contract
    answer["region"] = "eu-north-1"  # not in it
    models = {
        "models": [{"modelId": "las:model:x", "status": "archived", "width": 1}],
        "nextToken": None,
    }
    found = differences(answer, SHAPES[contracts.V2024][ORGANIZATION])
    assert {(d.path, d.kind) for d in found} == {
        ("planId", "missing"),
        ("numberOfModelsCreated", "type"),
        ("region", "added"),
    }
    assert [d.breaking for d in found if d.kind == "added"] == [False]
    in_items = {(d.path, d.kind) for d in differences(models, SHAPES[contracts.V2024]["GET /models"])}
    assert ("models[0].status", "enum") in in_items
    assert ("models[0].width", "added") in in_items
    assert ("models[0].organizationId", "missing") in in_items
    assert differences(["not", "an", "object"], SHAPES[contracts.V2024]["GET /models"])[0].kind == "type"


def test_an_integer_is_a_number_but_a_boolean_is_not_an_integer() -> None:
    shape = SHAPES[contracts.V2024][ORGANIZATION]
    answer = dict(ANSWERS["/organizations/{organizationId}"], monthlyNumberOfGpuHoursUsed=3)
    assert differences(answer, shape) == []
    answer["numberOfUsersCreated"] = True
    assert [(d.path, d.kind) for d in differences(answer, shape)] == [("numberOfUsersCreated", "type")]
