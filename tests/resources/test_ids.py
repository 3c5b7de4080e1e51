"""Id kinds: one check, before any request, with a message that says what was expected."""

from __future__ import annotations

import pytest

from las import ids
from las.exceptions import ClientException, InvalidIdError
from las.resources import Document, Model

HEX = "0123456789abcdef" * 2


def test_require_id_returns_an_id_of_the_expected_kind() -> None:
    assert ids.require_id(ids.DOCUMENT, f"las:document:{HEX}") == f"las:document:{HEX}"


def test_require_id_takes_the_id_of_a_resource_object() -> None:
    assert ids.require_id(ids.MODEL, Model.ref(f"las:model:{HEX}")) == f"las:model:{HEX}"


def test_a_wrong_kind_says_what_was_expected_and_what_was_given() -> None:
    with pytest.raises(InvalidIdError) as raised:
        ids.require_id(ids.DOCUMENT, f"las:model:{HEX}")
    assert str(raised.value) == (f"expected a document id like 'las:document:<id>', got 'las:model:{HEX}'")


def test_an_object_of_the_wrong_class_is_refused() -> None:
    with pytest.raises(InvalidIdError, match=r"expected a document id.*from a Model"):
        ids.require_id(ids.DOCUMENT, Model.ref(f"las:model:{HEX}"))


def test_invalid_id_error_is_a_client_exception_and_a_value_error() -> None:
    with pytest.raises(ClientException):
        ids.require_id(ids.MODEL, "nonsense")
    with pytest.raises(ValueError):
        ids.require_id(ids.MODEL, 42)


# Issue 20: the id's length and alphabet are no longer checked (the 2024-11-29 contract widened
# them from 32 hex chars to [a-z0-9-_]+, and a service may widen them again); its kind and its
# path safety are.
@pytest.mark.parametrize(
    "value",
    [
        f" las:model:{HEX}",
        f"las:model:{HEX} ",
        None,
        "las:model:",
        "las:model:.",
        "las:model:..",
        "las:model:a/b",
        "las:model:../x",
        "las:model:%2F",
        "las:model:a%2e%2e",
        "las:model:a?b",
        "las:model:a#b",
        "las:model:a b",
        "las:model:a\tb",
        "las:model:a\nb",
        "las:model:a\x00b",
        "las:model:a\x7fb",
        "las:model:a\\b",
        "las:model:a\u2028b",
        "las:organization:x/las:document:y",  # only models, plans and deployment environments
        "las:organization:../las:model:y",
        "las:organization:/las:model:y",
        "las:organization:x/las:model:y/z",
        "las:organization:x//las:model:y",
        "LAS:model:x",
        "las:Model:x",
    ],
)
def test_malformed_ids_are_refused(value: object) -> None:
    with pytest.raises(InvalidIdError):
        ids.require_id(ids.MODEL, value)
    assert not ids.is_id(ids.MODEL, value)


@pytest.mark.parametrize(
    "value",
    [
        "las:model:invoice-v2",
        f"las:model:{HEX[:-1]}",
        f"las:model:{HEX.upper()}",
        "las:model:a_b-c",
        "las:model:...",
        "las:model:.hidden",
        "las:organization:cradl/las:model:invoice",
        "las:organization:my-org_1/las:model:x",
    ],
)
def test_ids_of_a_wider_alphabet_or_length_or_an_organisation_prefix_are_model_ids(value: str) -> None:
    assert ids.require_id(ids.MODEL, value) == value
    assert ids.kind_of(value) == ids.MODEL


def test_the_new_kinds_of_2024_are_known() -> None:
    assert ids.kind_of("las:model-training:first-try") == ids.TRAINING
    assert ids.kind_of("las:plan:free:@latest") == ids.PLAN
    assert (
        ids.kind_of("las:organization:cradl/las:deployment-environment:gpu:2") == ids.DEPLOYMENT_ENVIRONMENT
    )
    assert ids.kind_of(f"las:dataset-transformation:{HEX}") == ids.TRANSFORMATION
    assert ids.kind_of(f"las:payment-method:{HEX}") == ids.PAYMENT_METHOD
    assert ids.kind_of("las:role:Admin_1") == ids.ROLE
    assert ids.kind_of(f"las:profile:{HEX}") == ids.PROFILE


def test_transitions_also_have_named_commons_ids() -> None:
    assert ids.is_id(ids.TRANSITION, "las:transition:commons-failed")
    assert ids.is_id(ids.TRANSITION, f"las:transition:{HEX}")
    with pytest.raises(InvalidIdError, match="expected a transition id like 'las:transition:<id>'"):
        ids.require_id(ids.TRANSITION, "las:transition:")


def test_data_bundle_and_execution_kinds_have_their_own_prefixes() -> None:
    assert ids.kind_of(f"las:model-data-bundle:{HEX}") == ids.DATA_BUNDLE
    assert ids.kind_of(f"las:workflow-execution:{HEX}") == ids.WORKFLOW_EXECUTION
    assert ids.kind_of(f"las:transition-execution:{HEX}") == ids.TRANSITION_EXECUTION
    assert ids.kind_of("las:nothing:1") is None


def test_an_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown id kind"):
        ids.require_id("documents", f"las:document:{HEX}")


def test_ref_checks_the_kind_without_any_request() -> None:
    with pytest.raises(InvalidIdError):
        Document.ref(f"las:model:{HEX}")
