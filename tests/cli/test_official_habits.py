"""The official CLI's habits (lucidtech-las-cli 13.3) kept by ``las``: issue 19, point 7.

``documents delete-all`` and its confirmation, the official flag spellings, JSON for scripts
(``--output json`` / ``LAS_OUTPUT``), resumable uploads by default, and counts of one. Every
test runs ``las`` in-process against this module's emulator and reads what reached it
(``emulator.requests``) or what it holds (through a ``las.Client``).
"""

from __future__ import annotations

import json
import re
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest

import las
from las import bulk
from las.demo import sample_pdf
from las.testing import Emulator
from tests.cli.conftest import LAS, SECRET, Result, Terminal, clean_env, run

CONSENT = "las:consent:" + "c" * 32
PREPROCESS = '{"autoRotate": false, "maxPages": 2, "imageQuality": "LOW"}'


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(client_secret=SECRET) as running:
        yield running


@pytest.fixture(scope="module")
def client(emulator: Emulator) -> las.Client:
    return emulator.client()


Las = Callable[..., Result]


@pytest.fixture
def las_(emulator: Emulator, tmp_path: Path) -> Las:
    """``las --endpoint URL ARGS`` with HOME in ``tmp_path/home`` (``env=``, ``stdin=`` as for ``run``)."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)

    def run_here(*args: str, stdin: Any = None, **env: str) -> Result:
        environment = clean_env(home, LAS_CLIENT_SECRET=SECRET, **env)
        return run("--endpoint", emulator.url, *args, home=home, env=environment, stdin=stdin)

    return run_here


def sent(emulator: Emulator, method: str, path: str) -> list[Any]:
    """The requests of ``method`` on ``path`` the emulator received."""
    return [each for each in emulator.requests if each.method == method and each.path == path]


def new_dataset(client: las.Client, documents: int = 0, **fields: Any) -> str:
    dataset_id: str = client.create_dataset()["datasetId"]
    for number in range(documents):
        client.create_document(
            sample_pdf(f"{dataset_id}-{number}", "1.00", "2026-01-01"), dataset_id=dataset_id, **fields
        )
    return dataset_id


def documents_in(client: las.Client, dataset_id: str) -> int:
    return len(list(las.paginate(client.list_documents, dataset_id=dataset_id)))


# -- documents delete-all -----------------------------------------------------------------------


def test_delete_all_without_a_terminal_and_without_yes_deletes_nothing_and_exits_2(
    las_: Las, emulator: Emulator, client: las.Client
) -> None:
    dataset_id = new_dataset(client, documents=2)
    emulator.clear_requests()

    result = las_("documents", "delete-all", "--dataset-id", dataset_id)

    assert result.code == 2 and "pass --yes" in result.stderr and "not a terminal" in result.stderr
    assert emulator.requests == []  # not even a count: nothing was sent
    assert documents_in(client, dataset_id) == 2


def test_delete_all_with_yes_deletes_every_document_of_the_dataset_and_no_other(
    las_: Las, emulator: Emulator, client: las.Client
) -> None:
    doomed, kept = new_dataset(client, documents=3), new_dataset(client, documents=1)
    emulator.clear_requests()

    result = las_("documents", "delete-all", "--dataset-id", doomed, "--yes")

    assert result.code == 0, result.stderr
    assert result.stdout == "Deleted 3 documents\n"
    deletes = sent(emulator, "DELETE", "/documents")
    assert deletes and all(each.query["datasetId"] == [doomed] for each in deletes)
    assert (documents_in(client, doomed), documents_in(client, kept)) == (0, 1)


def test_delete_all_asks_on_a_terminal_and_deletes_when_told_yes(
    las_: Las, emulator: Emulator, client: las.Client
) -> None:
    dataset_id = new_dataset(client, documents=2)

    result = las_("documents", "delete-all", "--dataset-id", dataset_id, stdin=Terminal("y\n"))

    assert result.code == 0, result.stderr
    assert f"Delete every document of dataset {dataset_id} (2 documents)?" in result.stderr  # not stdout
    assert result.stdout == "Deleted 2 documents\n"
    assert documents_in(client, dataset_id) == 0


@pytest.mark.parametrize("answer", ["n\n", "\n"], ids=["no", "enter"])
def test_delete_all_answered_no_deletes_nothing_and_exits_1(
    answer: str, las_: Las, emulator: Emulator, client: las.Client
) -> None:
    dataset_id = new_dataset(client, documents=1)
    emulator.clear_requests()

    result = las_("documents", "delete-all", "--dataset-id", dataset_id, stdin=Terminal(answer))

    assert result.code == 1 and "nothing deleted" in result.stderr and result.stdout == ""
    assert sent(emulator, "DELETE", "/documents") == []
    assert documents_in(client, dataset_id) == 1


def test_delete_all_with_the_terminal_closed_at_the_question_deletes_nothing(
    las_: Las, emulator: Emulator, client: las.Client
) -> None:
    dataset_id = new_dataset(client, documents=1)
    result = las_("documents", "delete-all", "--dataset-id", dataset_id, stdin=Terminal(""))  # Ctrl-D
    assert result.code == 130 and "Traceback" not in result.stderr
    assert documents_in(client, dataset_id) == 1


def test_delete_all_takes_several_datasets_after_one_flag_as_the_official_cli(
    las_: Las, client: las.Client
) -> None:
    first, second, other = (new_dataset(client, documents=1) for _ in range(3))

    result = las_("--output", "json", "documents", "delete-all", "--dataset-id", first, second, "-y")

    assert result.code == 0, result.stderr
    assert len(result.json()["documents"]) == 2 and result.json()["nextToken"] is None
    assert [documents_in(client, each) for each in (first, second, other)] == [0, 0, 1]


def test_delete_all_by_consent_leaves_the_other_documents(las_: Las, client: las.Client) -> None:
    dataset_id = new_dataset(client, documents=1)
    client.create_document(
        sample_pdf("consented", "1.00", "2026-01-01"), dataset_id=dataset_id, consent_id=CONSENT
    )

    result = las_("documents", "delete-all", "--consent-id", CONSENT, "--yes")

    assert result.code == 0 and result.stdout == "Deleted 1 document\n"
    left = list(las.paginate(client.list_documents, dataset_id=dataset_id))
    assert len(left) == 1 and left[0].get("consentId") != CONSENT


def test_delete_all_with_max_results_deletes_one_page_and_says_how_to_go_on(
    las_: Las, emulator: Emulator, client: las.Client
) -> None:
    dataset_id = new_dataset(client, documents=3)
    emulator.clear_requests()

    result = las_("documents", "delete-all", "--dataset-id", dataset_id, "--max-results", "2", "--yes")

    assert result.code == 0, result.stderr
    first_line, more = result.stdout.splitlines()
    assert first_line == "Deleted 2 documents" and more.startswith("more: add --next-token ")
    assert len(sent(emulator, "DELETE", "/documents")) == 1 and documents_in(client, dataset_id) == 1
    token = more.split()[3]
    rest = las_("documents", "delete-all", "--dataset-id", dataset_id, "-m", "2", "-n", token, "--yes")
    assert rest.code == 0 and rest.stdout == "Deleted 1 document\n" and documents_in(client, dataset_id) == 0


# -- the official spellings ---------------------------------------------------------------------


def test_dash_p_is_the_profile_before_and_after_the_command(
    las_: Las, emulator: Emulator, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    (home / ".lucidtech").mkdir(parents=True)
    config = home / ".lucidtech" / "credentials.cfg"
    config.write_text(
        f"[work]\nclient_id = {emulator.client_id}\nclient_secret = {SECRET}\n"
        f"auth_endpoint = {emulator.url}\napi_endpoint = {emulator.url}\n"
    )
    config.chmod(0o600)
    for args in (["-p", "work", "datasets", "list"], ["datasets", "list", "-p", "work"]):
        result = run("--output", "json", *args, home=home, env=clean_env(home))
        assert result.code == 0, result.stderr
        assert "datasets" in result.json()
    missing = run("-p", "nowhere", "datasets", "list", home=home, env=clean_env(home))
    assert missing.code == 2 and "[nowhere]" in missing.stderr


def test_dash_p_of_transitions_create_is_its_parameters_as_in_the_official_cli(
    las_: Las, emulator: Emulator
) -> None:
    parameters = {"imageUrl": "registry.example/image:1"}
    result = las_("--json", "transitions", "create", "docker", "-p", json.dumps(parameters))
    assert result.code == 0, result.stderr
    assert sent(emulator, "POST", "/transitions")[-1].json["parameters"] == parameters


def test_dash_p_of_models_create_is_its_preprocess_config(las_: Las, emulator: Emulator) -> None:
    fields = json.dumps({"total": {"type": "amount", "maxLength": 10}})
    result = las_("--json", "models", "create", "300", "300", fields, "-p", PREPROCESS)
    assert result.code == 0, result.stderr
    assert sent(emulator, "POST", "/models")[-1].json["preprocessConfig"] == json.loads(PREPROCESS)


@pytest.mark.parametrize(
    ("command", "official", "ours"),
    [
        ("datasets create-documents", "--num-threads", "--max-workers"),
        ("datasets download", "--num-threads", "--max-workers"),
        ("documents create", "--ground-truth-fields", "--ground-truth"),
        ("documents update", "--ground-truth-fields", "--ground-truth"),
        ("secrets update", "--secret-data", "--data"),
        ("transitions update", "--environment-secrets", "--environment-secret"),
        ("app-clients create", "--login-urls", "--login-url"),
        ("app-clients create", "--logout-urls", "--logout-url"),
        ("app-clients create", "--callback-urls", "--callback-url"),
        ("app-clients update", "--login-urls", "--login-url"),
    ],
)
def test_an_official_spelling_is_the_same_option_as_ours(command: str, official: str, ours: str) -> None:
    from las.cli._app import cli

    found: click.Command = cli
    for word in command.split():
        assert isinstance(found, click.Group)
        found = found.commands[word]
    (option,) = [param for param in found.params if ours in param.opts]
    assert official in option.opts


def test_num_threads_sets_the_uploads_at_once(las_: Las, tmp_path: Path, client: las.Client) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(sample_pdf("threads", "1.00", "2026-01-01"))
    dataset_id = new_dataset(client)
    bad = las_("datasets", "create-documents", dataset_id, str(folder), "--num-threads", "0")
    assert bad.code == 2 and "--num-threads" in bad.stderr
    good = las_("datasets", "create-documents", dataset_id, str(folder), "--num-threads", "2")
    assert good.code == 0 and documents_in(client, dataset_id) == 1


def test_ground_truth_fields_and_path_reach_the_document(
    las_: Las, tmp_path: Path, client: las.Client
) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(sample_pdf("gt", "1.00", "2026-01-01"))
    listed = las_("--json", "documents", "create", str(pdf), "--ground-truth-fields", "a=1", "b=x=y")
    assert listed.code == 0, listed.stderr
    truth = client.get_document(listed.json()["documentId"])["groundTruth"]
    assert truth == [{"label": "a", "value": "1"}, {"label": "b", "value": "x=y"}]

    as_dict, as_list = tmp_path / "dict.json", tmp_path / "list.json"
    as_dict.write_text(json.dumps({"total": "9.00"}))
    as_list.write_text(json.dumps([{"label": "total", "value": "8.00"}]))
    created = las_("--json", "documents", "create", str(pdf), "--ground-truth-path", str(as_dict))
    document_id = created.json()["documentId"]
    assert client.get_document(document_id)["groundTruth"] == [{"label": "total", "value": "9.00"}]
    updated = las_("documents", "update", document_id, "--ground-truth-path", str(as_list))
    assert updated.code == 0, updated.stderr
    assert client.get_document(document_id)["groundTruth"] == [{"label": "total", "value": "8.00"}]


def test_ground_truth_fields_and_path_together_are_refused_before_any_upload(
    las_: Las, emulator: Emulator, tmp_path: Path
) -> None:
    pdf, truth = tmp_path / "a.pdf", tmp_path / "gt.json"
    pdf.write_bytes(sample_pdf("both", "1.00", "2026-01-01"))
    truth.write_text("{}")
    emulator.clear_requests()
    result = las_(
        "documents", "create", str(pdf), "--ground-truth-fields", "a=1", "--ground-truth-path", str(truth)
    )
    assert result.code == 2 and "either" in result.stderr
    assert sent(emulator, "POST", "/documents") == []


def test_a_ground_truth_path_that_is_not_ground_truth_is_a_usage_error(las_: Las, tmp_path: Path) -> None:
    pdf, truth = tmp_path / "a.pdf", tmp_path / "gt.json"
    pdf.write_bytes(sample_pdf("bad", "1.00", "2026-01-01"))
    truth.write_text('[{"value": "no label"}]')
    result = las_("documents", "create", str(pdf), "--ground-truth-path", str(truth))
    assert result.code == 2 and "--ground-truth-path" in result.stderr and '"label"' in result.stderr


def test_secret_data_and_secret_path_are_what_the_api_receives(
    las_: Las, emulator: Emulator, tmp_path: Path
) -> None:
    created = las_("--json", "secrets", "create", "--secret-data", "user=u", "password=p=w", "--name", "n")
    assert created.code == 0, created.stderr
    assert sent(emulator, "POST", "/secrets")[-1].json["data"] == {"user": "u", "password": "p=w"}
    secret_file = tmp_path / "secret.json"
    secret_file.write_text(json.dumps({"token": "t"}))
    secret_id = created.json()["secretId"]
    updated = las_("secrets", "update", secret_id, "--secret-path", str(secret_file))
    assert updated.code == 0, updated.stderr
    assert sent(emulator, "PATCH", f"/secrets/{secret_id}")[-1].json["data"] == {"token": "t"}
    also = las_("--json", "secrets", "create", "--secret-path", str(secret_file))
    assert also.code == 0 and sent(emulator, "POST", "/secrets")[-1].json["data"] == {"token": "t"}


def test_a_secret_without_data_or_with_both_kinds_is_refused(
    las_: Las, emulator: Emulator, tmp_path: Path
) -> None:
    secret_file = tmp_path / "secret.json"
    secret_file.write_text(json.dumps({"token": "t"}))
    emulator.clear_requests()
    nothing = las_("secrets", "create", "--name", "empty")
    both = las_("secrets", "create", "a=1", "--secret-path", str(secret_file))
    not_strings = las_("secrets", "create", "--secret-path", '{"n": 1}')
    assert (nothing.code, both.code, not_strings.code) == (2, 2, 2)
    assert (
        "needs data" in nothing.stderr
        and "either" in both.stderr
        and "object of strings" in not_strings.stderr
    )
    assert sent(emulator, "POST", "/secrets") == []


def test_environment_from_a_file_beside_name_value_and_environment_secrets(
    las_: Las, emulator: Emulator, tmp_path: Path
) -> None:
    transition_id = las_("--field", "transitionId", "transitions", "create", "docker").stdout.strip()
    secrets = [
        las_("--field", "secretId", "secrets", "create", f"k{number}=v").stdout.strip() for number in range(2)
    ]
    environment = tmp_path / "environment.json"
    environment.write_text(json.dumps({"FROM_FILE": "1"}))

    result = las_(
        "transitions",
        "update",
        transition_id,
        "--environment",
        str(environment),
        "EXTRA=2",
        "--environment-secrets",
        *secrets,
    )

    assert result.code == 0, result.stderr
    body = sent(emulator, "PATCH", f"/transitions/{transition_id}")[-1].json
    assert body["environment"] == {"FROM_FILE": "1", "EXTRA": "2"}
    assert body["environmentSecrets"] == secrets


def test_users_create_takes_the_app_client_positionally_as_the_official_cli(
    las_: Las, emulator: Emulator
) -> None:
    app_client_id = las_("--field", "appClientId", "app-clients", "create", "--name", "web").stdout.strip()
    created = las_("--json", "users", "create", "someone@example.com", app_client_id)
    assert created.code == 0, created.stderr
    assert sent(emulator, "POST", "/users")[-1].json == {
        "email": "someone@example.com",
        "appClientId": app_client_id,
    }
    emulator.clear_requests()
    other = "las:app-client:" + "0" * 32
    both = las_("users", "create", "x@example.com", app_client_id, "--app-client-id", other)
    neither = las_("users", "create", "x@example.com")
    assert (
        (both.code, neither.code) == (2, 2)
        and "two app clients" in both.stderr
        and "APP_CLIENT_ID" in neither.stderr
    )
    assert sent(emulator, "POST", "/users") == []


def test_login_urls_several_after_one_flag(las_: Las, emulator: Emulator) -> None:
    urls = ["https://a.example/login", "https://b.example/login"]
    result = las_("--json", "app-clients", "create", "--login-urls", *urls, "--callback-urls", urls[0])
    assert result.code == 0, result.stderr
    body = sent(emulator, "POST", "/appClients")[-1].json
    assert (body["loginUrls"], body["callbackUrls"]) == (urls, urls[:1])


def test_a_list_after_one_flag_stops_at_the_first_word_that_is_not_one_of_its_values(
    las_: Las, emulator: Emulator
) -> None:
    transition_id = las_("--field", "transitionId", "transitions", "create", "manual").stdout.strip()
    emulator.clear_requests()
    result = las_("transitions", "list-executions", "--status", "running", "failed", transition_id)
    assert result.code == 0, result.stderr
    (listing,) = sent(emulator, "GET", f"/transitions/{transition_id}/executions")
    assert listing.query["status"] == ["running", "failed"]


def test_documents_list_takes_several_datasets_after_one_flag(
    las_: Las, emulator: Emulator, client: las.Client
) -> None:
    first, second = new_dataset(client, documents=1), new_dataset(client, documents=2)
    emulator.clear_requests()
    result = las_("--json", "documents", "list", "--dataset-id", first, second, "--all")
    assert result.code == 0, result.stderr
    assert len(result.json()["documents"]) == 3
    assert sent(emulator, "GET", "/documents")[0].query["datasetId"] == [first, second]


def test_update_execution_takes_next_transition_id_as_an_option(las_: Las, emulator: Emulator) -> None:
    workflow = "las:workflow:" + "1" * 32
    execution = "las:workflow-execution:" + "2" * 32
    transition = "las:transition:" + "3" * 32
    emulator.clear_requests()
    result = las_("workflows", "update-execution", workflow, execution, "--next-transition-id", transition)
    assert result.code == 1  # no such execution here; what matters is what was sent
    (patch,) = sent(emulator, "PATCH", f"/workflows/{workflow}/executions/{execution}")
    assert patch.json == {"nextTransitionId": transition}
    neither = las_("workflows", "update-execution", workflow, execution)
    assert neither.code == 2 and "NEXT_TRANSITION_ID" in neither.stderr


def test_preprocess_config_of_predictions_create_is_sent_as_this_contracts_fields(
    las_: Las, emulator: Emulator
) -> None:
    document = "las:document:" + "4" * 32
    model = "las:model:" + "5" * 32
    config = '{"maxPages": 2, "autoRotate": true, "imageQuality": "HIGH"}'
    las_("predictions", "create", document, model, "--preprocess-config", config)
    body = sent(emulator, "POST", "/predictions")[-1].json
    assert (body["maxPages"], body["autoRotate"], body["imageQuality"]) == (2, True, "HIGH")
    emulator.clear_requests()
    newer = las_("predictions", "create", document, model, "--preprocess-config", '{"rotation": 90}')
    both = las_("predictions", "create", document, model, "--preprocess-config", "{}", "--max-pages", "1")
    bad = las_("predictions", "create", document, model, "--preprocess-config", '{"maxPages": 9}')
    assert newer.code == 2 and "rotation" in newer.stderr and "2021-09-23" in newer.stderr
    assert both.code == 2 and "--max-pages" in both.stderr
    assert bad.code == 2 and "9" in bad.stderr
    assert sent(emulator, "POST", "/predictions") == []


def test_output_content_prints_the_document_as_json_with_its_content(las_: Las, tmp_path: Path) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(sample_pdf("content", "1.00", "2026-01-01"))
    document_id = las_("--field", "documentId", "documents", "create", str(pdf)).stdout.strip()
    result = las_("documents", "get", document_id, "--output-content")
    assert result.code == 0, result.stderr
    import base64

    assert base64.b64decode(result.json()["content"]) == pdf.read_bytes()


def test_get_documents_is_download_under_the_official_name(
    las_: Las, client: las.Client, tmp_path: Path
) -> None:
    dataset_id = new_dataset(client, documents=2)
    result = las_("datasets", "get-documents", dataset_id, str(tmp_path / "out"), "--num-threads", "2")
    assert result.code == 0, result.stderr
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 2
    listed = run("datasets", "--help", home=tmp_path, env=clean_env(tmp_path))
    assert "get-documents" not in listed.stdout  # one name is shown: download


def test_update_executions_own_output_is_the_executions_and_the_global_goes_before(
    las_: Las, emulator: Emulator
) -> None:
    transition = "las:transition:" + "8" * 32
    execution = "las:transition-execution:" + "9" * 32
    las_(
        "--output",
        "json",
        "transitions",
        "update-execution",
        transition,
        execution,
        "succeeded",
        "--output",
        '{"ok": true}',
    )
    body = sent(emulator, "PATCH", f"/transitions/{transition}/executions/{execution}")[-1].json
    assert body["output"] == {"ok": True}


def test_transitions_update_execution_takes_dash_e_for_the_error(las_: Las, emulator: Emulator) -> None:
    transition = "las:transition:" + "6" * 32
    execution = "las:transition-execution:" + "7" * 32
    las_("transitions", "update-execution", transition, execution, "failed", "-e", '{"message": "bad scan"}')
    body = sent(emulator, "PATCH", f"/transitions/{transition}/executions/{execution}")[-1].json
    assert body["error"] == {"message": "bad scan"}


DATASET = "las:dataset:" + "a" * 32
DOCUMENT = "las:document:" + "b" * 32
MODEL = "las:model:" + "d" * 32


@pytest.mark.parametrize(
    "args",
    [
        ["documents", "create", "PDF", "--metadata", "{}"],
        ["documents", "get", DOCUMENT, "--width", "100"],
        ["documents", "list", "--sort-by", "createdTime"],
        ["predictions", "list", "--model-id", MODEL],
        ["datasets", "create-documents", DATASET, "FOLDER", "--no-cache"],
        ["datasets", "create-documents", DATASET, "FOLDER", "--chunk-size", "500"],
        ["datasets", "create-documents", DATASET, "FOLDER", "--document-path-column", "path"],
        ["models", "create", '{"total": {"type": "amount", "maxLength": 9}}'],
        ["models", "list", "--owner", "me"],
        ["app-clients", "get", "las:app-client:" + "e" * 32],
        ["users", "create", "a@example.com", "las:app-client:" + "e" * 32, "--role-ids", "r"],
        ["workflows", "create-default", "name"],
        ["roles", "list"],
    ],
    ids=lambda args: " ".join(word for word in args if not word.startswith(("las:", "{"))),
)
def test_what_this_contract_has_no_field_for_is_refused_before_any_request(
    args: list[str], las_: Las, emulator: Emulator, tmp_path: Path
) -> None:
    (tmp_path / "a.pdf").write_bytes(sample_pdf("refused", "1.00", "2026-01-01"))
    given = [
        str(tmp_path / "a.pdf") if arg == "PDF" else str(tmp_path) if arg == "FOLDER" else arg for arg in args
    ]
    emulator.clear_requests()
    result = las_(*given)
    refusals = ("No such option", "No such command", "needs a model's size")
    assert result.code == 2 and any(refusal in result.stderr for refusal in refusals), result.stderr
    assert emulator.requests == []


def test_null_is_a_name_here_not_a_clearing_of_it(las_: Las, client: las.Client) -> None:
    dataset_id = new_dataset(client)
    assert las_("datasets", "update", dataset_id, "--name", "null").code == 0
    assert client.get_dataset(dataset_id)["name"] == "null"  # the official CLI would clear it


# -- JSON for scripts ---------------------------------------------------------------------------


def test_las_output_json_makes_every_command_print_the_apis_answer(
    las_: Las, client: las.Client, tmp_path: Path
) -> None:
    dataset_id = new_dataset(client, documents=1)
    (listed_document,) = las.paginate(client.list_documents, dataset_id=dataset_id)
    document_id = listed_document["documentId"]
    commands_and_answers = [
        (("datasets", "get", dataset_id), lambda: client.get_dataset(dataset_id)),
        (("documents", "get", document_id), lambda: client.get_document(document_id)),
        (
            ("documents", "list", "--dataset-id", dataset_id),
            lambda: client.list_documents(dataset_id=dataset_id),
        ),
        (("organizations", "get"), lambda: client.get_organization("me")),
    ]
    for args, answer in commands_and_answers:
        printed = las_(*args, LAS_OUTPUT="json")
        assert printed.code == 0, printed.stderr
        assert printed.json() == answer(), args  # the API's answer, field for field
        assert printed.stdout == json.dumps(printed.json(), indent=2, ensure_ascii=False) + "\n"
    deleted = las_("documents", "delete", document_id, LAS_OUTPUT="json")
    assert deleted.code == 0 and deleted.json()["documentId"] == document_id


def test_output_table_wins_over_las_output_json_and_output_json_works_after_the_command(
    las_: Las, client: las.Client
) -> None:
    dataset_id = new_dataset(client)
    table = las_("--output", "table", "datasets", "get", dataset_id, LAS_OUTPUT="json")
    assert table.code == 0 and dataset_id in table.stdout and not table.stdout.startswith("{")
    after = las_("datasets", "get", dataset_id, "--output", "json")
    assert after.code == 0 and after.json() == client.get_dataset(dataset_id)


def test_a_las_output_that_is_not_table_or_json_is_refused_before_any_request(
    las_: Las, emulator: Emulator
) -> None:
    emulator.clear_requests()
    result = las_("datasets", "list", LAS_OUTPUT="yaml")
    assert result.code == 2 and "LAS_OUTPUT='yaml'" in result.stderr
    assert emulator.requests == []


def test_json_mode_keeps_notes_off_stdout(las_: Las, client: las.Client, tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(sample_pdf("notes", "1.00", "2026-01-01"))
    dataset_id = new_dataset(client)
    result = las_("datasets", "create-documents", dataset_id, str(tmp_path), LAS_OUTPUT="json")
    assert result.code == 0 and result.json()["created"] == 1  # stdout is the report alone
    assert "journal:" in result.stderr


def test_a_pipeline_into_jq_gets_exactly_the_apis_json(
    emulator: Emulator, client: las.Client, tmp_path: Path
) -> None:
    """The installed console script, its stdout piped into jq (or a JSON reader where jq is absent)."""
    dataset_id = new_dataset(client, documents=1, ground_truth=[{"label": "total", "value": "€ ünïcode"}])
    reader = (
        "jq -c ."
        if shutil.which("jq")
        else f'{LAS.with_name("python")} -c \'import json,sys; print(json.dumps(json.load(sys.stdin), separators=(",", ":"), ensure_ascii=False))\''
    )
    env = clean_env(tmp_path, LAS_CLIENT_SECRET=SECRET, LAS_ENDPOINT=emulator.url, LAS_OUTPUT="json")
    pipeline = f'"{LAS}" documents list --dataset-id {dataset_id} | {reader}'
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", pipeline],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == client.list_documents(dataset_id=dataset_id)


# -- uploads resume by default ------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "invoices"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(sample_pdf("resume-a", "1.00", "2026-01-01"))
    (folder / "a.json").write_text(json.dumps({"total": "1.00"}))
    (folder / "b.pdf").write_bytes(sample_pdf("resume-b", "2.00", "2026-01-02"))
    return folder


def test_a_folder_upload_keeps_a_journal_by_default_and_a_rerun_sends_nothing(
    las_: Las, emulator: Emulator, client: las.Client, folder: Path, tmp_path: Path
) -> None:
    dataset_id = new_dataset(client)
    journal = tmp_path / "home" / ".lucidtech" / "uploads" / f"{dataset_id.rpartition(':')[2]}.jsonl"
    emulator.clear_requests()

    first = las_("datasets", "create-documents", dataset_id, str(folder))

    assert first.code == 0, first.stderr
    assert f"journal: {journal}" in first.stderr  # said on screen
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600
    assert stat.S_IMODE(journal.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(journal.parent.parent.stat().st_mode) == 0o700
    assert len(sent(emulator, "POST", "/documents")) == 2

    again = las_("--json", "datasets", "create-documents", dataset_id, str(folder))

    assert again.code == 0, again.stderr
    assert [item["status"] for item in again.json()["items"]] == ["skipped", "skipped"]
    assert again.json()["journal"] == str(journal)
    assert len(sent(emulator, "POST", "/documents")) == 2  # none more
    assert documents_in(client, dataset_id) == 2


def test_a_file_already_in_the_dataset_from_another_folder_is_not_created_twice(
    las_: Las, client: las.Client, folder: Path, tmp_path: Path
) -> None:
    dataset_id = new_dataset(client)
    assert las_("datasets", "create-documents", dataset_id, str(folder)).code == 0
    elsewhere = tmp_path / "copy"
    shutil.copytree(folder, elsewhere)

    result = las_("--json", "datasets", "create-documents", dataset_id, str(elsewhere))

    assert result.code == 0, result.stderr
    assert {item["status"] for item in result.json()["items"]} == {"duplicate"}
    assert documents_in(client, dataset_id) == 2


def test_no_resume_writes_no_journal_and_sends_everything_again(
    las_: Las,
    emulator: Emulator,
    client: las.Client,
    folder: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scratch = tmp_path / "tmp"  # this test's own: other tests' uploads use the shared one meanwhile
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    dataset_id = new_dataset(client)
    emulator.clear_requests()
    for _ in range(2):
        result = las_("datasets", "create-documents", dataset_id, str(folder), "--no-resume")
        assert result.code == 0, result.stderr and "journal:" not in result.stderr
    assert len(sent(emulator, "POST", "/documents")) == 4
    assert not (tmp_path / "home" / ".lucidtech").exists()  # nothing written under HOME
    assert list(scratch.iterdir()) == []  # the scratch journal is gone


def test_no_resume_with_resume_is_a_usage_error(
    las_: Las, emulator: Emulator, client: las.Client, folder: Path
) -> None:
    dataset_id = new_dataset(client)
    emulator.clear_requests()
    result = las_(
        "datasets", "create-documents", dataset_id, str(folder), "--no-resume", "--resume", "j.jsonl"
    )
    assert result.code == 2 and "give one of them" in result.stderr
    assert emulator.requests == []


def test_a_users_file_at_the_default_journal_is_left_untouched_and_nothing_is_sent(
    las_: Las, emulator: Emulator, client: las.Client, folder: Path, tmp_path: Path
) -> None:
    dataset_id = new_dataset(client)
    uploads = tmp_path / "home" / ".lucidtech" / "uploads"
    uploads.mkdir(parents=True)
    theirs = uploads / f"{dataset_id.rpartition(':')[2]}.jsonl"
    theirs.write_text("my notes\n")
    emulator.clear_requests()

    result = las_("datasets", "create-documents", dataset_id, str(folder))

    assert result.code == 2 and str(theirs) in result.stderr
    assert theirs.read_text() == "my notes\n"
    assert sent(emulator, "POST", "/documents") == []


def test_a_second_upload_into_the_dataset_at_once_is_refused_before_anything_is_sent(
    las_: Las, emulator: Emulator, client: las.Client, folder: Path, tmp_path: Path
) -> None:
    dataset_id = new_dataset(client)
    uploads = tmp_path / "home" / ".lucidtech" / "uploads"
    uploads.mkdir(parents=True)
    journal = uploads / f"{dataset_id.rpartition(':')[2]}.jsonl"
    emulator.clear_requests()
    with bulk.Journal(journal, dataset_id=dataset_id):  # the first upload, still running
        result = las_("datasets", "create-documents", dataset_id, str(folder))
    assert result.code == 2 and "--resume" in result.stderr, result.stderr
    assert sent(emulator, "POST", "/documents") == []


def test_a_home_where_no_journal_can_be_kept_is_a_usage_error_naming_the_ways_out(
    las_: Las, emulator: Emulator, client: las.Client, folder: Path, tmp_path: Path
) -> None:
    dataset_id = new_dataset(client)
    (tmp_path / "home" / ".lucidtech").write_text("a file where the folder should be")
    emulator.clear_requests()
    result = las_("datasets", "create-documents", dataset_id, str(folder))
    assert result.code == 2 and "--resume JOURNAL" in result.stderr and "--no-resume" in result.stderr
    assert sent(emulator, "POST", "/documents") == []


# -- counts of one ------------------------------------------------------------------------------

# "1 ambiguous" is right: the word is an adjective, not a plural.
PLURAL_OF_ONE = re.compile(r"\b1 (?!ambiguous\b)\w+s\b")


def list_commands(
    group: click.Group, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from list_commands(command, (*path, name))
        elif name.startswith("list") and not command.hidden:
            yield (*path, name), command


def test_no_output_says_one_of_something_in_the_plural(las_: Las, tmp_path: Path) -> None:
    """One of every listed kind in a fresh emulator, then every list command (and the reports)."""
    from las.cli._app import cli
    from las.cli._params import IdType

    with Emulator(client_secret=SECRET) as fresh:

        def here(*args: str) -> Result:
            return run(
                "--endpoint",
                fresh.url,
                *args,
                home=tmp_path,
                env=clean_env(tmp_path, LAS_CLIENT_SECRET=SECRET),
            )

        def made(field: str, *args: str) -> str:
            result = here("--field", field, *args)
            assert result.code == 0, (args, result.stderr)
            return result.stdout.strip()

        pdf = tmp_path / "one.pdf"
        pdf.write_bytes(sample_pdf("one", "1.00", "2026-01-01"))
        dataset = made("datasetId", "datasets", "create")
        model = made(
            "modelId", "models", "create", "300", "300", '{"total": {"type": "amount", "maxLength": 9}}'
        )
        review = made("transitionId", "transitions", "create", "manual")
        spec = {
            "language": "ASL",
            "version": "1.0.0",
            "definition": {
                "StartAt": "R",
                "States": {"R": {"Type": "Task", "Resource": review, "End": True}},
            },
        }
        workflow = made("workflowId", "workflows", "create", json.dumps(spec))
        execution = made("executionId", "workflows", "execute", workflow, "{}")
        ids = {
            "dataset": dataset,
            "model": model,
            "transition": review,
            "workflow": workflow,
            "workflow-execution": execution,
            "document": made("documentId", "documents", "create", str(pdf), "--dataset-id", dataset),
        }
        made("dataBundleId", "models", "create-data-bundle", model, dataset)
        made("predictionId", "predictions", "create", ids["document"], model)
        made("secretId", "secrets", "create", "a=1")
        made("assetId", "assets", "create", str(pdf))
        outputs = []
        for path, command in list_commands(cli):
            arguments = [
                ids[param.type.kind]
                for param in command.params
                if isinstance(param.type, IdType) and isinstance(param, click.Argument)
            ]
            result = here(*path, *arguments)
            assert result.code == 0, (path, result.stderr)
            outputs.append((" ".join(path), result.stdout))
        outputs.append(("predict", here("predict", str(pdf), "--model", model).stdout))
        outputs.append(
            (
                "create-documents",
                here(
                    "datasets", "create-documents", made("datasetId", "datasets", "create"), str(tmp_path)
                ).stdout,
            )
        )
        outputs.append(
            ("delete-all", here("documents", "delete-all", "--dataset-id", dataset, "--yes").stdout)
        )
        seen_one = [name for name, text in outputs if re.search(r"\b1 \w", text)]
        wrong = [(name, found) for name, text in outputs for found in PLURAL_OF_ONE.findall(text)]
    assert wrong == []
    assert {"documents list", "datasets list", "predict", "create-documents", "delete-all"} <= set(seen_one)


# -- the version --------------------------------------------------------------------------------


def test_version_names_this_distribution_not_the_official_cli(home: Path) -> None:
    result = run("--version", home=home)
    assert result.code == 0 and result.stdout == f"las (lucidtech-las-sdk) {las.__version__}\n"
    assert "lucidtech-las-cli" not in result.stdout
