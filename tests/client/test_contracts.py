"""The API contract a session speaks: how it is chosen, and what a request may carry under it.

Choice: the ``contract`` argument, ``LAS_CONTRACT``, the profile's ``contract`` key, then the
endpoint (the real service's hosts speak 2024-11-29, any other 2021-09-23). Writing: an argument
the session's contract cannot carry is refused before anything is sent (not even a token).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import las
from las import contracts
from las.credentials import read_credentials
from tests.contract import CONTRACT_PATHS
from tests.support.recorder import CLIENT_ID, CLIENT_SECRET, Recorder

HEX = "0123456789abcdef" * 2
DOC = f"las:document:{HEX}"
MODEL = f"las:model:{HEX}"
WORKFLOW = f"las:workflow:{HEX}"
WEXEC = f"las:workflow-execution:{HEX}"
TRANSITION = f"las:transition:{HEX}"
FIELDS = {"total": {"type": "amount", "maxLength": 10, "description": "Total"}}
ENV = (
    "LAS_CLIENT_ID",
    "LAS_CLIENT_SECRET",
    "LAS_AUTH_ENDPOINT",
    "LAS_API_ENDPOINT",
    "LAS_PROFILE",
    "LAS_CONTRACT",
)
PROFILE = (
    "[default]\nclient_id = the-id\nclient_secret = the-secret\n"
    "auth_endpoint = auth.example\napi_endpoint = {endpoint}\n{extra}"
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def _config(tmp_path: Path, endpoint: str = "http://127.0.0.1:9", extra: str = "") -> Path:
    path = tmp_path / "credentials.cfg"
    path.write_text(PROFILE.format(endpoint=endpoint, extra=extra))
    path.chmod(0o600)
    return path


# --- the table of what differs matches the two contract files ------------------------------------


def _request_names(document: dict[str, Any], template: str, method: str) -> set[str]:
    operation = document["paths"][template][method]
    names = {parameter["name"] for parameter in operation.get("parameters", []) if parameter["in"] == "query"}
    body = operation.get("requestBody")
    if body:
        schema = body["content"]["application/json"]["schema"]
        while "$ref" in schema:
            schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        names |= set(schema.get("properties", {}))
    return names


def test_the_table_of_fields_only_one_contract_has_is_the_contract_files_difference() -> None:
    files = {version: path for version, path in CONTRACT_PATHS.items()}
    if not all(path.is_file() for path in files.values()):
        pytest.skip("both contract files are needed in ../shared/api (set LAS_SHARED_DIR)")
    old, new = (json.loads(files[version].read_text()) for version in contracts.KNOWN)
    derived: dict[str, dict[tuple[str, str], frozenset[str]]] = {version: {} for version in contracts.KNOWN}
    for template in sorted(set(old["paths"]) & set(new["paths"])):
        for method in ("get", "post", "patch", "delete"):
            if method in old["paths"][template] and method in new["paths"][template]:
                a, b = _request_names(old, template, method), _request_names(new, template, method)
                if a - b:
                    derived[contracts.V2021][(method.upper(), template)] = frozenset(a - b)
                if b - a:
                    derived[contracts.V2024][(method.upper(), template)] = frozenset(b - a)
    assert {version: dict(table) for version, table in contracts.ONLY_IN.items()} == derived
    assert old["info"]["version"].startswith(contracts.V2021) or contracts.V2021 == "2021-09-23"
    assert new["info"]["version"].startswith(contracts.V2024)


# --- how a session's contract is chosen -----------------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("https://api.lucidtech.ai/v1", "2024-11-29"),
        ("api.lucidtech.ai/v1", "2024-11-29"),
        ("https://API.LUCIDTECH.AI./v1", "2024-11-29"),
        ("http://127.0.0.1:8000", "2021-09-23"),
        ("https://proxy.example/lucidtech", "2021-09-23"),
        ("https://api.lucidtech.ai.evil.example/v1", "2021-09-23"),
    ],
)
def test_without_a_choice_the_contract_is_the_endpoints(endpoint: str, expected: str) -> None:
    credentials = las.Credentials("id", "secret", "auth.example", endpoint)
    assert credentials.contract == expected
    assert credentials.contract_source == "endpoint"
    assert las.Session(credentials).contract == expected
    assert f"contract={expected!r}" in repr(credentials)


def test_the_argument_wins_over_the_endpoint_and_a_session_over_its_credentials() -> None:
    credentials = las.Credentials(
        "id", "secret", "auth", "https://api.lucidtech.ai/v1", contract="2021-09-23"
    )
    assert credentials.contract == "2021-09-23" and credentials.contract_source == "argument"
    assert las.Session(credentials).contract == "2021-09-23"
    assert las.Session(credentials, contract="2024-11-29").contract == "2024-11-29"
    assert las.Client(credentials, contract="2024-11-29").contract == "2024-11-29"
    assert las.Session(credentials, contract="2024-11-29").with_options(timeout=1).contract == "2024-11-29"


def test_the_async_session_takes_the_contract_too() -> None:
    pytest.importorskip("aiohttp")
    credentials = las.Credentials("id", "secret", "auth", "http://127.0.0.1:9")
    assert las.AsyncSession(credentials).contract == "2021-09-23"
    assert las.AsyncSession(credentials, contract="2024-11-29").contract == "2024-11-29"
    assert las.AsyncClient(credentials, contract="2024-11-29").contract == "2024-11-29"


@pytest.mark.parametrize("value", ["2022-01-01", "", "2024", "latest", "2024-11-29T08:05:46Z"])
def test_an_unknown_contract_argument_names_the_known_ones(value: str) -> None:
    for make in (
        lambda: las.Credentials("id", "secret", "auth", "http://127.0.0.1:9", contract=value),
        lambda: las.Session(las.Credentials("id", "secret", "auth", "http://127.0.0.1:9"), contract=value),
    ):
        with pytest.raises(las.ContractError, match="known contracts: 2021-09-23, 2024-11-29") as raised:
            make()
        assert isinstance(raised.value, ValueError) and repr(value) in str(raised.value)


def test_las_contract_in_the_environment_chooses_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _config(tmp_path, extra="contract = 2021-09-23\n")
    monkeypatch.setenv("LAS_CONTRACT", "2024-11-29")
    credentials = read_credentials(config_path=path)
    assert credentials.contract == "2024-11-29"
    assert credentials.contract_source == "environment (LAS_CONTRACT)"
    assert (
        read_credentials(config_path=path, contract="2021-09-23").contract == "2021-09-23"
    )  # argument first
    monkeypatch.setenv("LAS_CONTRACT", "2023-01-01")
    with pytest.raises(las.ContractError, match=r"LAS_CONTRACT: unknown API contract '2023-01-01'"):
        read_credentials(config_path=path)


def test_the_profiles_contract_key_chooses(tmp_path: Path) -> None:
    path = _config(tmp_path, endpoint="https://api.lucidtech.ai/v1", extra="contract = 2021-09-23\n")
    credentials = read_credentials(config_path=path)
    assert credentials.contract == "2021-09-23"
    assert credentials.contract_source == f"file {path} [default]"
    assert read_credentials(
        config_path=_config(tmp_path, endpoint="https://api.lucidtech.ai/v1")
    ).contract == ("2024-11-29")


def test_an_unknown_contract_in_the_file_names_the_file_and_line_not_the_value(tmp_path: Path) -> None:
    path = _config(tmp_path, extra="use_cache = no\ncontract = s3cret-looking-2099\n")
    with pytest.raises(las.CredentialsFileError) as raised:
        read_credentials(config_path=path)
    message = str(raised.value)
    assert message.startswith(f"{path}: line 7: contract in [default] must be one of 2021-09-23, 2024-11-29")
    assert "s3cret" not in message


def test_client_profile_reads_that_section(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "credentials.cfg"
    path.write_text(
        _config(tmp_path).read_text()
        + "\n[today]\nclient_id = other-id\nclient_secret = other-secret\nauth_endpoint = auth.example\n"
        "api_endpoint = https://api.lucidtech.ai/v1\n"
    )
    path.chmod(0o600)
    monkeypatch.setattr("las.credentials.DEFAULT_CONFIG_PATH", path)
    client = las.Client(profile="today")
    assert (client.credentials.client_id, client.contract) == ("other-id", "2024-11-29")
    assert las.Client().credentials.client_id == "the-id"
    with pytest.raises(las.MissingCredentials, match=r"section \[absent\]"):
        las.Client(profile="absent")
    with pytest.raises(TypeError, match="profile= or credentials/session, not both"):
        las.Client(client.credentials, profile="today")


# --- what a session's contract lets a request carry ----------------------------------------------


@pytest.fixture
def client_for(recorder: Recorder, tmp_path: Path) -> Any:
    def make(version: str) -> las.Client:
        credentials = las.Credentials(
            CLIENT_ID,
            CLIENT_SECRET,
            recorder.url,
            recorder.url,
            cache_path=tmp_path / "cache.json",
            contract=version,
        )
        return las.Client(credentials, max_retries=0)

    return make


REFUSED = [
    # (contract, method, args, kwargs, what the message names)
    (
        "2021-09-23",
        "create_document",
        (b"%PDF-1.4 x",),
        {"metadata": {"k": "v"}},
        "metadata (sent as 'metadata')",
    ),
    ("2021-09-23", "create_dataset", (), {"metadata": {"k": "v"}}, "metadata"),
    ("2021-09-23", "update_document", (DOC,), {"metadata": {}}, "metadata"),
    ("2021-09-23", "create_prediction", (DOC, MODEL), {"training_id": "las:model-training:x"}, "training_id"),
    ("2021-09-23", "create_prediction", (DOC, MODEL), {"run_async": True}, "async"),
    ("2021-09-23", "create_prediction", (DOC, MODEL), {"preprocess_config": {"pages": [0]}}, "'pages'"),
    ("2021-09-23", "list_models", (), {"owner": "las:organization:cradl"}, "owner"),
    ("2021-09-23", "get_model", (MODEL,), {"statistics_last_n_days": 3}, "statistics_last_n_days"),
    ("2021-09-23", "list_predictions", (), {"model_id": MODEL}, "model_id"),
    ("2021-09-23", "update_transition", (TRANSITION,), {"cpu": 256}, "update_transition(cpu=...)"),
    ("2021-09-23", "update_workflow", (WORKFLOW,), {"status": "production"}, "status"),
    (
        "2021-09-23",
        "update_workflow_execution",
        (WORKFLOW, WEXEC, "las:transition:x"),
        {"status": "completed"},
        "status",
    ),
    ("2021-09-23", "update_workflow_execution", (WORKFLOW, WEXEC), {}, "requires next_transition_id"),
    ("2021-09-23", "create_model", (FIELDS,), {}, "requires a model's width and height"),
    ("2021-09-23", "create_model", (FIELDS,), {"width": 300}, "requires a model's width and height"),
    ("2021-09-23", "get_document", (DOC,), {"width": 100, "page": 0}, "get_document(width=, page=...)"),
    (
        "2021-09-23",
        "update_organization",
        (f"las:organization:{HEX}",),
        {"payment_method_id": "x"},
        "payment_method_id",
    ),
    ("2024-11-29", "create_model", (300, 200, FIELDS), {}, "width (sent as 'width')"),
    (
        "2024-11-29",
        "create_model",
        (FIELDS,),
        {"width": 300, "height": 200},
        "height (sent as 'height'), width",
    ),
    ("2024-11-29", "update_model", (MODEL,), {"status": "training"}, "status"),
    ("2024-11-29", "update_transition", (TRANSITION,), {"in_schema": {}}, "input_json_schema"),
    ("2024-11-29", "create_transition", ("docker",), {"out_schema": {}}, "output_json_schema"),
    ("2024-11-29", "create_user", ("a@example.com",), {"app_client_id": "x", "name": "Ann"}, "name"),
]


@pytest.mark.parametrize(
    ("version", "method", "args", "kwargs", "named"),
    REFUSED,
    ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(REFUSED)],
)
def test_an_argument_the_sessions_contract_cannot_carry_is_refused_before_anything_is_sent(
    client_for: Any,
    recorder: Recorder,
    version: str,
    method: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    named: str,
) -> None:
    client = client_for(version)
    with pytest.raises(las.ContractError) as raised:
        getattr(client, method)(*args, **kwargs)
    message = str(raised.value)
    assert named in message
    assert version in message and "Nothing was sent" in message
    other = "2024-11-29" if version == "2021-09-23" else "2021-09-23"
    assert other in message  # the contract that has it, or the one to switch to
    assert recorder.requests == []  # not even a token


def test_the_message_says_how_to_choose_the_other_contract(client_for: Any) -> None:
    with pytest.raises(las.ContractError) as raised:
        client_for("2021-09-23").create_dataset(metadata={})
    message = str(raised.value)
    assert "las.Session(contract='2024-11-29')" in message
    assert "LAS_CONTRACT=2024-11-29" in message and "credentials.cfg" in message


def test_11_4_prediction_options_go_as_2021_fields_where_that_contract_has_them(
    client_for: Any, recorder: Recorder
) -> None:
    client = client_for("2021-09-23")
    client.create_prediction(
        DOC, MODEL, preprocess_config={"maxPages": 2, "autoRotate": True, "imageQuality": "LOW"}
    )
    assert recorder.api_requests[-1].json == {
        "documentId": DOC,
        "modelId": MODEL,
        "maxPages": 2,
        "autoRotate": True,
        "imageQuality": "LOW",
    }
    with pytest.raises(ValueError, match="maxPages given both as an argument and in preprocess_config"):
        client.create_prediction(DOC, MODEL, max_pages=1, preprocess_config={"maxPages": 2})
    assert len(recorder.api_requests) == 1


def test_create_model_takes_the_reference_and_the_11_4_shapes(client_for: Any, recorder: Recorder) -> None:
    client = client_for("2021-09-23")
    client.create_model(300, 200, FIELDS)
    client.create_model(width=300, height=200, field_config=FIELDS)
    client.create_model(FIELDS, width=300, height=200)
    client.create_model(300, 200, field_config=FIELDS, name="m")
    bodies = [sent.json for sent in recorder.api_requests]
    assert bodies[:3] == [{"width": 300, "height": 200, "fieldConfig": FIELDS}] * 3
    assert bodies[3] == {"width": 300, "height": 200, "fieldConfig": FIELDS, "name": "m"}
    for args, kwargs, message in [
        ((300, 200, FIELDS, 1), {}, "at most 3 positional"),
        ((FIELDS, 300), {}, "at most 1 positional"),
        ((300,), {"width": 1, "height": 2, "field_config": FIELDS}, "multiple values for argument 'width'"),
        ((FIELDS,), {"field_config": FIELDS}, "multiple values for argument 'field_config'"),
        ((300, 200), {}, "missing required argument: 'field_config'"),
    ]:
        with pytest.raises(TypeError, match=message):
            client.create_model(*args, **kwargs)
    assert len(recorder.api_requests) == 4


def test_update_transition_puts_the_same_arguments_where_each_contract_wants_them(
    client_for: Any, recorder: Recorder
) -> None:
    arguments = {"assets": {"a": "b"}, "environment": {"A": "1"}, "environment_secrets": []}
    client_for("2021-09-23").update_transition(TRANSITION, **arguments)
    client_for("2024-11-29").update_transition(TRANSITION, **arguments)
    old, new = (sent.json for sent in recorder.api_requests)
    assert old == {"assets": {"a": "b"}, "environment": {"A": "1"}, "environmentSecrets": []}
    assert new == {"parameters": old}


def test_get_document_sends_11_4_conversion_arguments_to_the_file_download(
    emulator_2024: Any, tmp_path: Path
) -> None:
    client = emulator_2024.client(cache_path=tmp_path / "cache.json")
    created = client.create_document(b"%PDF-1.4 an invoice")
    document = client.get_document(created["documentId"], width=100, page=-1, quality="low")
    assert document["content"]  # the emulator converts nothing: the bytes as uploaded
    api, download = emulator_2024.requests[-2:]
    assert (api.method, api.query) == ("GET", {})  # the API's GET takes none of them
    assert download.path.startswith("/_files/")
    assert download.query == {"width": ["100"], "page": ["-1"], "quality": ["low"]}
