"""On a session speaking 2021-09-23, what only 2024-11-29 has is refused before anything is sent,
naming both contracts and the fix; a get by id the 2021 contract lacks stays a NotSupportedError.

The session talks to the 2024 emulator on purpose: a refusal sends nothing, so the emulator's
request log stays empty whatever it would have answered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import las
from las.testing import Emulator

from .conftest import FIELDS

HEX = "a" * 32
MODEL, BUNDLE = f"las:model:{HEX}", f"las:model-data-bundle:{HEX}"
DATASET, DOCUMENT = f"las:dataset:{HEX}", f"las:document:{HEX}"
FIX = r"speak 2024-11-29 with las\.Session\(contract='2024-11-29'\)"

GETS: list[tuple[str, Callable[[las.Session], Any], str]] = [
    ("Prediction.get", lambda s: las.Prediction.get(f"las:prediction:{HEX}", session=s), r"Prediction\.all\(\)"),
    ("Prediction.ref().labels", lambda s: las.Prediction.ref(f"las:prediction:{HEX}", session=s).labels, r"Prediction\.all\(\)"),
    ("AppClient.get", lambda s: las.AppClient.get(f"las:app-client:{HEX}", session=s), r"AppClient\.all\(\)"),
    ("AppClient.ref().load()", lambda s: las.AppClient.ref(f"las:app-client:{HEX}", session=s).load(), r"AppClient\.all\(\)"),
    ("model.data_bundles.get", lambda s: las.Model.ref(MODEL, session=s).data_bundles.get(BUNDLE), "DataBundle by id"),
    ("data_bundle.refresh", lambda s: las.DataBundle._from_wire({"dataBundleId": BUNDLE, "modelId": MODEL}, las.Client(session=s)).refresh(), "DataBundle by id"),
    ("model.trainings.get", lambda s: las.Model.ref(MODEL, session=s).trainings.get(f"las:model-training:{HEX}"), "Training by id"),
    ("Plan.get", lambda s: las.Plan.get("las:plan:free", session=s), "Plan by id"),
    ("Role.ref().name", lambda s: las.Role.ref("las:role:admin", session=s).name, "Role by id"),
    ("DeploymentEnvironment.get", lambda s: las.DeploymentEnvironment.get("las:deployment-environment:x", session=s), "DeploymentEnvironment by id"),
    ("PaymentMethod.get", lambda s: las.PaymentMethod.get(f"las:payment-method:{HEX}", session=s), "PaymentMethod by id"),
    ("Profile.get", lambda s: las.Profile.get(f"las:profile:{HEX}", session=s), "Profile by id"),
]  # fmt: skip


@pytest.mark.parametrize(("_", "get", "hint"), GETS, ids=[case[0] for case in GETS])
def test_a_get_2021_lacks_is_not_supported_there_naming_both_contracts(
    session_2021: las.Session, emulator: Emulator, _: str, get: Callable[[las.Session], Any], hint: str
) -> None:
    with pytest.raises(las.NotSupportedError, match=rf"API contract 2021-09-23 .*{hint}.*{FIX}") as raised:
        get(session_2021)
    assert isinstance(raised.value, las.ContractError) and isinstance(raised.value, las.NotInContractError)
    assert "Nothing was sent" in str(raised.value)
    assert emulator.requests == []


def test_only_a_class_that_2021_lists_says_to_find_one_in_its_list(session_2021: las.Session) -> None:
    with pytest.raises(las.NotInContractError) as raised:
        las.Plan.get("las:plan:free", session=session_2021)
    assert "all()" not in str(raised.value)  # 2021-09-23 cannot list plans either


CALLS: list[tuple[str, Callable[[las.Session], Any], str]] = [
    ("model.train", lambda s: las.Model.ref(MODEL, session=s).train(BUNDLE), r"create_training \(/models/"),
    ("model.trainings", lambda s: list(las.Model.ref(MODEL, session=s).trainings), "list_trainings"),
    ("dataset.transformations.create", lambda s: las.Dataset.ref(DATASET, session=s).transformations.create(["remove-duplicates"]), "create_transformation"),
    ("dataset.transformations", lambda s: las.Dataset.ref(DATASET, session=s).transformations.first(), "list_transformations"),
    ("Plan.all", lambda s: list(las.Plan.all(session=s)), "list_plans"),
    ("PaymentMethod.create", lambda s: las.PaymentMethod.create(name="card", session=s), "create_payment_method"),
    ("Organization.create", lambda s: las.Organization.create(name="acme", session=s), "create_organization"),
    ("Dataset.create(metadata=)", lambda s: las.Dataset.create(metadata={"a": 1}, session=s), "metadata"),
    ("document.update(metadata=)", lambda s: las.Document.ref(DOCUMENT, session=s).update(metadata={"a": 1}), "metadata"),
    ("Model.create(..., metadata=)", lambda s: las.Model.create(300, 300, FIELDS | {"due_date": {"type": "date", "maxLength": 10}}, metadata={"a": 1}, session=s), "metadata"),
    ("Model.create(field_config)", lambda s: las.Model.create({"total": {"type": "amount", "maxLength": 9}}, session=s), "create_model: "),
    ("model.update(training=)", lambda s: las.Model.ref(MODEL, session=s).update(training=f"las:model-training:{HEX}"), "training_id"),
    ("Workflow.create(metadata=)", lambda s: las.Workflow.create({"language": "ASL"}, metadata={"a": 1}, session=s), "metadata"),
    ("User.create(roles=)", lambda s: las.User.create("a@example.com", roles=["las:role:admin"], session=s), "role_ids"),
    ("document.predict(training=)", lambda s: las.Document.ref(DOCUMENT, session=s).predict(MODEL, training=f"las:model-training:{HEX}"), "training_id"),
]  # fmt: skip


@pytest.mark.parametrize(("_", "call", "named"), CALLS, ids=[case[0] for case in CALLS])
def test_what_only_2024_has_is_refused_on_2021_before_anything_is_sent(
    session_2021: las.Session, emulator: Emulator, _: str, call: Callable[[las.Session], Any], named: str
) -> None:
    with pytest.raises(las.ContractError, match=rf"{named}.*2021-09-23.*2024-11-29") as raised:
        call(session_2021)
    assert "Nothing was sent" in str(raised.value)
    assert emulator.requests == []
