"""Where ``las`` sends requests (--emulator, --endpoint, --profile) and how it fails: one line, exit 1 or 2."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.cli.conftest import SECRET, Result, Server, clean_env, run, write_profile

Las = Callable[..., Result]
MISSING_DOCUMENT = "las:document:" + "0" * 32


def assert_one_line_error(result: Result, code: int, *fragments: str) -> None:
    assert result.code == code, (result.stdout, result.stderr)
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    for fragment in fragments:
        assert fragment in result.stderr


def test_an_api_error_is_one_line_with_what_to_do_and_exit_1(las: Las) -> None:
    result = las("documents", "get", MISSING_DOCUMENT)
    assert_one_line_error(result, 1, "404 on GET /documents/", "check the id")


def test_a_json_run_fails_the_same_way(las: Las) -> None:
    assert_one_line_error(las("--json", "documents", "get", MISSING_DOCUMENT), 1, "404")


def test_refused_credentials_exit_1_and_name_where_to_fix_them(server: Server, home: Path) -> None:
    env = clean_env(home, LAS_CLIENT_SECRET="wrong")
    result = run("--endpoint", server.url, "documents", "list", home=home, env=env)
    assert_one_line_error(result, 1, "check the credentials")


def test_an_unreachable_endpoint_exits_1_and_asks_whether_it_runs(home: Path) -> None:
    env = clean_env(home, LAS_CLIENT_SECRET="x")
    result = run("--endpoint", "http://127.0.0.1:9", "documents", "list", home=home, env=env)
    assert_one_line_error(result, 1, "cannot connect to http://127.0.0.1:9", "las serve")


def test_missing_credentials_exit_2_and_suggest_the_emulator(home: Path) -> None:
    assert_one_line_error(run("documents", "list", home=home), 2, "missing credential value(s)", "--emulator")


def test_endpoint_without_a_secret_is_a_usage_error(server: Server, home: Path) -> None:
    result = run("--endpoint", server.url, "documents", "list", home=home)
    assert result.code == 2 and "--client-secret" in result.stderr and "LAS_CLIENT_SECRET" in result.stderr


def test_endpoint_credentials_come_from_the_environment(server: Server, home: Path) -> None:
    env = clean_env(home, LAS_CLIENT_SECRET=SECRET)
    result = run("--endpoint", server.url, "--json", "datasets", "list", home=home, env=env)
    assert result.code == 0 and "datasets" in result.json()


def test_hostile_ids_are_usage_errors(las: Las) -> None:
    # Every hostile id, and that none sends a request, in test_in_process.py; here the real script.
    for hostile in ("..", "las:model:" + "0" * 32):
        result = las("documents", "get", hostile)
        assert result.code == 2 and "expected a document id" in result.stderr, hostile


def test_a_profile_from_the_config_file(server: Server, tmp_path: Path) -> None:
    write_profile(tmp_path, "local", server, "las-emulator-client", SECRET)
    by_flag = run("--profile", "local", "--json", "models", "list", home=tmp_path)
    assert by_flag.code == 0 and "models" in by_flag.json()
    by_env = run("--json", "models", "list", home=tmp_path, env=clean_env(tmp_path, LAS_PROFILE="local"))
    assert by_env.code == 0 and by_env.json() == by_flag.json()


def test_emulator_runs_a_command_against_a_fresh_emulator(home: Path) -> None:
    created = run("--emulator", "--json", "datasets", "create", "--name", "trial", home=home)
    assert created.code == 0 and created.json()["name"] == "trial"
    listed = run("--emulator", "--json", "datasets", "list", home=home)
    assert listed.json() == {"datasets": [], "nextToken": None}  # a fresh one each run


def test_emulator_serves_the_contract_las_contract_names(home: Path) -> None:
    env = clean_env(home, LAS_CONTRACT="2024-11-29")
    today = run("--emulator", "doctor", home=home, env=env)
    assert today.code == 0, today.stderr
    assert "contract 2024-11-29 (from environment (LAS_CONTRACT))" in today.stdout
    assert "the service speaks 2024-11-29, as this session does" in today.stdout
    default = run("--emulator", "doctor", home=home)
    assert "the service speaks 2021-09-23" in default.stdout
    wrong = run("--emulator", "models", "list", home=home, env=clean_env(home, LAS_CONTRACT="2019-01-01"))
    assert_one_line_error(wrong, 1, "LAS_CONTRACT", "2021-09-23", "2024-11-29")  # as with --endpoint


def test_contract_flag_wins_over_las_contract_for_the_emulator_and_an_endpoint(
    home: Path, server: Server
) -> None:
    seed = clean_env(home, LAS_CONTRACT="2021-09-23")
    today = run("--contract", "2024-11-29", "--emulator", "doctor", home=home, env=seed)
    assert "contract 2024-11-29 (from --contract)" in today.stdout, today.stdout
    assert "the service speaks 2024-11-29" in today.stdout
    pdf = home / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.4 scan")
    after = run(
        "--emulator",
        "documents",
        "create",
        str(pdf),
        "--contract",
        "2024-11-29",
        "--json",
        home=home,
        env=seed,
    )
    assert "fileUrl" in after.json()  # after the command too: the bytes went to today's file URL
    assert (
        "fileUrl"
        not in run("--emulator", "--json", "documents", "create", str(pdf), home=home, env=seed).json()
    )
    # A 2021 server told it speaks 2024: the session refuses 2021-only calls before sending.
    against = clean_env(home, LAS_CLIENT_SECRET=SECRET)
    refused = run("--contract", "2024-11-29", "--endpoint", server.url, "doctor", home=home, env=against)
    assert refused.code == 1 and "contract 2024-11-29 (from --contract)" in refused.stdout
    assert "the service speaks 2021-09-23" in refused.stdout or "2021-09-23" in refused.stdout
    bad = run("--contract", "2019-01-01", "--emulator", "models", "list", home=home)
    assert bad.code == 2 and "2024-11-29" in bad.stderr


def test_emulator_runs_long_commands_too(home: Path, tmp_path: Path) -> None:
    from las.demo import sample_pdf

    (tmp_path / "a.pdf").write_bytes(sample_pdf("A", "1.00", "2026-01-01"))
    missing_dataset = "las:dataset:" + "0" * 32
    result = run("--emulator", "datasets", "create-documents", missing_dataset, str(tmp_path), home=home)
    # The fresh emulator has no such dataset: the run says so before any upload, and exits 1.
    assert result.code == 1 and result.stderr.startswith("error: 404") and missing_dataset in result.stderr
    assert not (home / ".lucidtech" / "uploads").exists()  # no journal for a dataset that is not there


def test_field_prints_one_field_bare_for_shell_variables(las: Las) -> None:
    created = las("--field", "datasetId", "datasets", "create", "--name", "by-field")
    assert created.code == 0 and created.stdout.startswith("las:dataset:") and created.stdout.count("\n") == 1
    name = las("--field", "name", "datasets", "get", created.stdout.strip())
    assert name.stdout == "by-field\n"
    count = las("--field", "numberOfDocuments", "datasets", "get", created.stdout.strip())
    assert count.stdout == "0\n"


def test_field_that_the_answer_lacks_names_the_fields_it_has(las: Las) -> None:
    result = las("--field", "nope", "datasets", "list")
    assert result.code == 2 and "has no 'nope'; its fields: datasets, nextToken" in result.stderr
    beyond = las("--field", "datasets.99", "datasets", "list")
    assert beyond.code == 2 and "has no '99'; a list of" in beyond.stderr


def test_field_walks_into_lists(las: Las) -> None:
    las("--field", "datasetId", "datasets", "create")
    every = las("--json", "datasets", "list", "--all").json()["datasets"]
    first = las("--field", "datasets.0.datasetId", "datasets", "list", "--all")
    assert first.code == 0 and first.stdout == every[0]["datasetId"] + "\n"


def test_endpoint_from_the_environment(server: Server, home: Path) -> None:
    env = clean_env(home, LAS_ENDPOINT=server.url, LAS_CLIENT_SECRET=SECRET)
    result = run("--json", "models", "list", home=home, env=env)
    assert result.code == 0 and "models" in result.json()
