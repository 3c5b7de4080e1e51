"""Ids put in URL paths: refused before any request when they would change the path, and
percent-encoded otherwise, for every Client method that takes one."""

from __future__ import annotations

import inspect
import re
from typing import Any

import pytest

import las
from tests.support.recorder import Recorder

HOSTILE = ["", ".", ".."]
VALID = "las:thing:" + "a" * 32
FILLERS: dict[str, Any] = {
    "status": "succeeded",
    "next_transition_id": VALID,
    "content": {},
    "dataset_ids": [],
    "data_bundle_ids": [],
    "operations": [],
}


def _snake(camel: str) -> str:
    return re.sub(r"([A-Z])", lambda match: "_" + match.group(1).lower(), camel)


def _methods_with_path_ids() -> list[tuple[str, str]]:
    """(method, parameter) for every id in the endpoint path each method's docstring names."""
    cases = []
    for name, method in inspect.getmembers(las.Client, inspect.isfunction):
        if name.startswith("_"):
            continue
        parameters = inspect.signature(method).parameters
        for placeholder in re.findall(r"\{(\w+)\}", method.__doc__ or ""):
            parameter = _snake(placeholder)
            assert parameter in parameters, f"{name}: no parameter for {{{placeholder}}} in its path"
            cases.append((name, parameter))
    return cases


METHODS = _methods_with_path_ids()
PATH_ID_PARAMETERS = {parameter for _, parameter in METHODS}


def _call(client: las.Client, name: str, hostile_parameter: str, value: str) -> Any:
    method = getattr(client, name)
    arguments: dict[str, Any] = {}
    for parameter in list(inspect.signature(method).parameters.values()):
        if parameter.kind in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL):
            continue
        if parameter.name == hostile_parameter:
            arguments[parameter.name] = value
        elif parameter.name in PATH_ID_PARAMETERS and parameter.default is parameter.empty:
            arguments[parameter.name] = VALID
        elif parameter.name in FILLERS and parameter.default is parameter.empty:
            arguments[parameter.name] = FILLERS[parameter.name]
    return method(**arguments)


def test_the_walk_covers_every_method_with_an_id_in_its_path() -> None:
    names = {name for name, _ in METHODS}
    assert len(METHODS) >= 40
    for expected in ("get_document", "delete_workflow_execution", "delete_data_bundle", "send_heartbeat"):
        assert expected in names
    assert ("delete_data_bundle", "data_bundle_id") in METHODS
    assert ("delete_workflow_execution", "execution_id") in METHODS


@pytest.mark.parametrize("value", HOSTILE, ids=["empty", "dot", "dotdot"])
@pytest.mark.parametrize(("name", "parameter"), METHODS, ids=[f"{n}-{p}" for n, p in METHODS])
def test_an_id_that_would_change_the_path_is_refused_before_any_request(
    client: las.Client, recorder: Recorder, name: str, parameter: str, value: str
) -> None:
    with pytest.raises(las.InvalidIdError) as raised:
        _call(client, name, parameter, value)
    assert recorder.requests == []  # not even a token fetch
    message = str(raised.value)
    assert f"{parameter}={value!r}" in message  # names the argument
    assert "would go to '/" in message  # and shows the path as it would have been sent
    assert isinstance(raised.value, ValueError) and isinstance(raised.value, las.ClientException)


def test_the_error_shows_the_path_as_it_would_have_been_sent(client: las.Client) -> None:
    workflow = "las:workflow:" + "b" * 32
    with pytest.raises(las.InvalidIdError, match=rf"would go to '/workflows/{workflow}/executions/\.\.'"):
        client.delete_workflow_execution(workflow, "..")


def test_none_as_an_id_is_refused_too(client: las.Client, recorder: Recorder) -> None:
    with pytest.raises(las.InvalidIdError, match="document_id=None"):
        client.get_document(None)  # type: ignore[arg-type]
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("value", "sent"),
    [
        ("a/b", "a%2Fb"),
        ("%2F", "%252F"),
        ("a?b", "a%3Fb"),
        ("a#b", "a%23b"),
        ("../x", "..%2Fx"),
        ("...", "..."),
    ],
)
def test_other_ids_are_percent_encoded_into_one_segment(
    client: las.Client, recorder: Recorder, value: str, sent: str
) -> None:
    client.get_document(value)
    [request] = recorder.api_requests
    assert request.raw_path == f"/documents/{sent}"


def test_a_session_path_with_a_dot_or_empty_segment_is_refused(
    session: las.Session, recorder: Recorder
) -> None:
    for path in ("/documents/..", "/documents/./x", "/documents//x", "/documents/", "documents"):
        with pytest.raises(las.InvalidIdError, match="path="):
            session.request("GET", path)
    assert recorder.requests == []


def test_a_resource_built_from_a_dot_id_inherits_the_check(session: las.Session, recorder: Recorder) -> None:
    with pytest.raises(las.InvalidIdError):
        las.Document._from_wire({"documentId": ".."}, las.Client(session=session)).delete()
    assert recorder.requests == []


def test_an_organisations_model_id_is_one_percent_encoded_segment(
    client: las.Client, recorder: Recorder
) -> None:
    """A model id with an organisation prefix (2024-11-29) holds a '/': it never splits the path."""
    organisations = "las:organization:cradl/las:model:invoice"
    client.get_model(organisations)
    client.delete_data_bundle(organisations, "las:model-data-bundle:" + "a" * 32)
    first, second = recorder.api_requests
    assert first.raw_path == "/models/las:organization:cradl%2Flas:model:invoice"
    assert second.raw_path.startswith("/models/las:organization:cradl%2Flas:model:invoice/dataBundles/")
