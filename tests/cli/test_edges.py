"""The command line's edges as a careless user and a hostile environment find them (issue 17, 10-16).

Where to send requests (flags over the environment over the profile), what a failed
``las predict`` leaves behind (nothing, counted at the emulator), output options after the
command, ``--help`` of the commands that take their own arguments, an endpoint that never
answers, and secrets on the command line or in an endpoint URL.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import click
import pytest

import las as sdk
from las.cli import _context
from las.cli import main as cli_main
from las.demo import sample_pdf
from las.testing import Emulator
from tests.cli.conftest import LAS, SECRET, TIMEOUT, Result, Server, clean_env, run, write_profile
from tests.support.contracts import model_size

Las = Callable[..., Result]
UNREACHABLE = "http://127.0.0.1:9"
FIELDS = json.dumps({"total_amount": {"type": "amount", "maxLength": 12, "description": "Total"}})


def against(emulator: Emulator, *args: str, home: Path, **env: str) -> Result:
    """``las --endpoint URL ARGS`` against a pytest-owned emulator, the secret in the environment."""
    environment = clean_env(
        home, LAS_CLIENT_SECRET=emulator.client_secret, LAS_CONTRACT=emulator.contract, **env
    )  # the command speaks the contract the emulator serves, as `las serve` says to
    return run("--endpoint", emulator.url, *args, home=home, env=environment)


def client_of(emulator: Emulator) -> sdk.Client:
    return emulator.client()


# -- 10: an explicit flag wins over the environment, the environment over the profile ----------


def test_emulator_flag_wins_over_an_exported_endpoint(home: Path) -> None:
    env = clean_env(home, LAS_ENDPOINT=UNREACHABLE, LAS_CLIENT_SECRET="s")
    result = run("--emulator", "--json", "datasets", "list", home=home, env=env)
    assert result.code == 0, result.stderr
    assert result.json() == {"datasets": [], "nextToken": None}


def test_profile_flag_wins_over_an_exported_endpoint(server: Server, tmp_path: Path) -> None:
    write_profile(tmp_path, "local", server, "las-emulator-client", SECRET)
    env = clean_env(tmp_path, LAS_ENDPOINT=UNREACHABLE)
    result = run("--profile", "local", "--json", "models", "list", home=tmp_path, env=env)
    assert result.code == 0, result.stderr


def test_endpoint_flag_wins_over_an_exported_profile(server: Server, home: Path) -> None:
    env = clean_env(home, LAS_PROFILE="nowhere", LAS_CLIENT_SECRET=SECRET)
    result = run("--endpoint", server.url, "--json", "models", "list", home=home, env=env)
    assert result.code == 0, result.stderr


def test_exported_endpoint_wins_over_an_exported_profile(server: Server, home: Path) -> None:
    env = clean_env(home, LAS_ENDPOINT=server.url, LAS_PROFILE="nowhere", LAS_CLIENT_SECRET=SECRET)
    assert run("--json", "models", "list", home=home, env=env).code == 0


def test_client_secret_flag_wins_over_the_environment(server: Server, home: Path) -> None:
    env = clean_env(home, LAS_CLIENT_SECRET="wrong")
    result = run(
        "--endpoint", server.url, "--client-secret", SECRET, "--json", "models", "list", home=home, env=env
    )
    assert result.code == 0, result.stderr


def test_environment_credentials_win_over_the_profiles(server: Server, tmp_path: Path) -> None:
    write_profile(tmp_path, "local", server, "someone-else", "wrong")
    env = clean_env(tmp_path, LAS_CLIENT_ID="las-emulator-client", LAS_CLIENT_SECRET=SECRET)
    assert run("--profile", "local", "--json", "models", "list", home=tmp_path, env=env).code == 0


def test_both_target_flags_are_still_a_usage_error(home: Path) -> None:
    result = run("--emulator", "--endpoint", UNREACHABLE, "documents", "list", home=home)
    assert result.code == 2 and "either --emulator or --endpoint" in result.stderr


# -- 11: `las predict` leaves nothing behind when it fails ------------------------------------


def posts_of_documents(emulator: Emulator) -> int:
    return sum(1 for sent in emulator.requests if sent.method == "POST" and sent.path == "/documents")


@pytest.fixture
def model_id(las_emulator: Emulator) -> str:
    """A model of the emulator's, made without the command line (its requests are not counted)."""
    created = client_of(las_emulator).create_model(
        json.loads(FIELDS), **model_size(las_emulator.contract, 700, 900)
    )["modelId"]
    las_emulator.clear_requests()
    assert isinstance(created, str)
    return created


def test_predict_with_a_missing_model_uploads_nothing(las_emulator: Emulator, pdf: Path, home: Path) -> None:
    missing = "las:model:" + "0" * 32
    for _ in range(3):  # every try
        result = against(las_emulator, "predict", str(pdf), "--model", missing, home=home)
        assert result.code == 1 and "404" in result.stderr and missing in result.stderr, result.stderr
    assert posts_of_documents(las_emulator) == 0
    assert client_of(las_emulator).list_documents()["documents"] == []


def test_predict_deletes_the_document_it_uploaded_when_the_prediction_fails(
    las_emulator: Emulator, model_id: str, pdf: Path, home: Path
) -> None:
    las_emulator.fail_next(1, status=400, method="POST", path="/predictions")

    result = against(las_emulator, "predict", str(pdf), "--model", model_id, home=home)

    assert result.code == 1 and "400" in result.stderr
    (uploaded,) = [
        sent for sent in las_emulator.requests if sent.method == "POST" and sent.path == "/documents"
    ]
    deletes = [sent.path for sent in las_emulator.requests if sent.method == "DELETE"]
    assert len(deletes) == 1 and deletes[0].startswith("/documents/las:document:")
    assert f"deleted {deletes[0].rpartition('/')[2]}" in result.stderr
    assert uploaded.status == 200 and client_of(las_emulator).list_documents()["documents"] == []


def test_predict_whose_answer_was_lost_deletes_its_document_too(
    las_emulator: Emulator, model_id: str, pdf: Path, home: Path
) -> None:
    las_emulator.lose_answer_next(method="POST", path="/predictions")
    result = against(las_emulator, "predict", str(pdf), "--model", model_id, home=home)
    assert result.code == 1
    assert client_of(las_emulator).list_documents()["documents"] == []


def test_a_document_that_cannot_be_deleted_is_named_with_the_command_to_delete_it(
    las_emulator: Emulator, model_id: str, pdf: Path, home: Path
) -> None:
    las_emulator.fail_next(1, status=400, method="POST", path="/predictions")
    las_emulator.fail_next(1, status=400, method="DELETE")
    result = against(las_emulator, "predict", str(pdf), "--model", model_id, home=home)
    (document,) = client_of(las_emulator).list_documents()["documents"]
    assert result.code == 1 and f"las documents delete {document['documentId']}" in result.stderr


def test_ctrl_c_during_the_prediction_deletes_the_upload(tmp_path: Path) -> None:
    script = tmp_path / "interrupt.py"
    script.write_text(
        "import os, signal, sys, threading, time\n"
        "import las\n"
        "from las.cli import main\n"
        "from las.testing import Emulator\n"
        "with Emulator() as emulator:\n"
        "    client = emulator.client()\n"
        "    fields = {'total': {'type': 'amount', 'maxLength': 12, 'description': 'Total'}}\n"
        "    model_id = client.create_model(700, 900, fields)['modelId']\n"
        "    emulator.delay_next(1, seconds=3, method='POST', path='/predictions')\n"
        "    def interrupt():\n"
        "        while not any(r.path == '/documents' for r in emulator.requests):\n"
        "            time.sleep(0.01)\n"
        "        time.sleep(0.3)\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "    threading.Thread(target=interrupt, daemon=True).start()\n"
        "    os.environ['LAS_CLIENT_SECRET'] = emulator.client_secret\n"
        "    code = main(['--endpoint', emulator.url, 'predict', sys.argv[1], '--model', model_id])\n"
        "    print('exit', code, 'left', len(client.list_documents()['documents']))\n"
    )
    (tmp_path / "a.pdf").write_bytes(sample_pdf("a", "1.00", "2026-01-01"))
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "a.pdf")],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.stdout.split() == ["exit", "130", "left", "0"], done.stdout + done.stderr
    assert "deleted las:document:" in done.stderr and "Traceback" not in done.stderr


# -- 12: a reader that closes the pipe early -----------------------------------------------------


@contextmanager
def pipe_without_reader() -> Iterator[TextIO]:
    """The writing end of a real pipe whose reader has gone: a write raises ``BrokenPipeError``."""
    reader, writer = os.pipe()
    os.close(reader)
    with open(writer, "w", encoding="utf-8") as stream:
        yield stream


def test_the_finding_verbatim_a_table_into_a_closed_pipe_exits_0_quietly(
    server: Server, home: Path, pdf: Path, las: Las
) -> None:
    assert las("documents", "create", str(pdf)).code == 0
    reader, writer = os.pipe()
    os.close(reader)
    try:
        env = clean_env(home, LAS_CLIENT_SECRET=SECRET)
        command = [str(LAS), "--endpoint", server.url, "documents", "list", "--all"]
        done = subprocess.run(
            command, stdout=writer, stderr=subprocess.PIPE, env=env, timeout=TIMEOUT, check=False
        )
    finally:
        os.close(writer)
    assert (done.returncode, done.stderr) == (0, b"")


OUTPUT_MODES = [[], ["--json"], ["--field", "documents"]]


@pytest.mark.parametrize("output", OUTPUT_MODES, ids=["table", "json", "field"])
def test_a_closed_pipe_ends_quietly_with_the_commands_own_exit_code(
    output: list[str], home: Path, pdf: Path, las: Las, server: Server
) -> None:
    assert las("documents", "create", str(pdf)).code == 0
    env = clean_env(home, LAS_CLIENT_SECRET=SECRET)
    with pipe_without_reader() as closed:
        result = run(
            "--endpoint", server.url, *output, "documents", "list", "--all", home=home, env=env, stdout=closed
        )
    assert (result.code, result.stderr) == (0, "")


@pytest.mark.parametrize("output", [[], ["--json"], ["--field", "failed"]], ids=["table", "json", "field"])
def test_a_closed_pipe_keeps_a_failure_a_failure(output: list[str], home: Path, tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(sample_pdf("a", "1.00", "2026-01-01"))
    missing_dataset = "las:dataset:" + "0" * 32
    args = ("--emulator", *output, "datasets", "create-documents", missing_dataset, str(tmp_path))
    with pipe_without_reader() as closed:
        result = run(*args, home=home, stdout=closed)
    assert result.code == 1 and "Traceback" not in result.stderr  # the item failed, read or not


def test_an_error_with_stdout_closed_is_still_one_line_and_exit_1(server: Server, home: Path) -> None:
    env = clean_env(home, LAS_CLIENT_SECRET=SECRET)
    missing = "las:document:" + "0" * 32
    with pipe_without_reader() as closed:
        result = run("--endpoint", server.url, "documents", "get", missing, home=home, env=env, stdout=closed)
    assert result.code == 1 and result.stderr.startswith("error: 404") and result.stderr.count("\n") == 1


def test_head_reading_one_line_of_a_long_answer(server: Server, home: Path, tmp_path: Path, las: Las) -> None:
    big = tmp_path / "big.pdf"
    big.write_bytes(sample_pdf("big", "1.00", "2026-01-01") + os.urandom(300_000))  # > a pipe's buffer
    document_id = las("--field", "documentId", "documents", "create", str(big)).stdout.strip()
    env = clean_env(home, LAS_CLIENT_SECRET=SECRET)
    script = f'"{LAS}" --endpoint {server.url} --json documents get {document_id} | head -1; echo "${{PIPESTATUS[0]}}"'
    done = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, env=env, timeout=TIMEOUT, check=False
    )
    assert done.stdout == "{\n0\n" and done.stderr == "", (done.stdout[-200:], done.stderr)


# -- 13: output options after the command, as the AWS CLI takes its global options -------------


def test_json_after_the_command(las: Las) -> None:
    result = las("documents", "list", "--json")
    assert result.code == 0, result.stderr
    assert set(result.json()) == {"documents", "nextToken"}


def test_field_after_the_arguments_and_json_between_group_and_verb(las: Las) -> None:
    dataset_id = las("datasets", "create", "--name", "late", "--field", "datasetId").stdout.strip()
    assert dataset_id.startswith("las:dataset:")
    assert las("datasets", "get", dataset_id, "--field", "name").stdout == "late\n"
    assert las("datasets", "--json", "get", dataset_id).json()["datasetId"] == dataset_id


def test_every_global_option_may_follow_the_command(server: Server, tmp_path: Path) -> None:
    write_profile(tmp_path, "local", server, "las-emulator-client", SECRET)
    by_profile = run("models", "list", "--profile", "local", "--json", home=tmp_path)
    assert by_profile.code == 0 and "models" in by_profile.json(), by_profile.stderr
    env = clean_env(tmp_path, LAS_ENDPOINT=UNREACHABLE)
    on_emulator = run("datasets", "list", "--emulator", "--field", "datasets", home=tmp_path, env=env)
    assert (on_emulator.code, on_emulator.stdout) == (0, "[]\n"), on_emulator.stderr


def test_a_global_option_after_the_command_still_warns_and_still_conflicts(
    server: Server, home: Path
) -> None:
    secret = run("models", "list", "--endpoint", server.url, "--client-secret", SECRET, home=home)
    assert secret.code == 0 and secret.stderr.startswith("warning: --client-secret")
    both = run("--emulator", "models", "list", "--endpoint", server.url, home=home)
    assert both.code == 2 and "either --emulator or --endpoint" in both.stderr


# Options the official CLI gives these commands under a global option's name: there the
# command's meaning wins (as in the official CLI), and the global option goes before the command.
OFFICIAL_MEANINGS = {
    ("las transitions create", "-p"),  # --parameters
    ("las models create", "-p"),  # --preprocess-config
    ("las transitions update-execution", "--output"),  # the execution's output
}


def test_no_command_declares_an_option_of_the_global_options_names() -> None:
    """A command's own --json (or --endpoint...) would hide the global one after it."""
    from las.cli._app import GLOBAL_OPTIONS, cli

    global_names = {name for declarations, _, _ in GLOBAL_OPTIONS for name in declarations}

    def own_options(command: click.Command, path: str) -> Iterator[tuple[str, str]]:
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                yield from ((path, name) for name in param.opts)
        for name, sub in getattr(command, "commands", {}).items():
            yield from own_options(sub, f"{path} {name}")

    clashes = {
        (path, name) for path, name in own_options(cli, "las") if path != "las" and name in global_names
    }
    assert clashes == OFFICIAL_MEANINGS


def test_output_options_after_the_command_are_the_same_as_before_it(las: Las) -> None:
    before = las("--json", "datasets", "list", "--all")
    after = las("datasets", "list", "--all", "--json")
    assert (before.code, before.stdout) == (after.code, after.stdout)


# -- 14: `las demo --help` and `las serve --help` show help and run nothing --------------------


@pytest.mark.parametrize("command", ["demo", "serve"])
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_of_demo_and_serve_runs_nothing(command: str, flag: str, home: Path) -> None:
    started = time.monotonic()
    result = run(command, flag, home=home)
    assert result.code == 0, result.stderr
    assert result.stdout.startswith(f"usage: las {command}")
    assert "Demo finished" not in result.stdout and "serving at" not in result.stdout
    assert "python -m" not in result.stdout
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("command", ["demo", "serve"])
def test_help_of_demo_and_serve_after_global_options(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["--json", command, "--help"]) == 0  # click's `demo`, not the fast path
    out = capsys.readouterr().out
    assert out.startswith(f"usage: las {command}") and "Demo finished" not in out


def test_demo_refuses_arguments_it_does_not_take(home: Path) -> None:
    result = run("demo", "--fast", home=home)
    assert result.code == 2 and "--fast" in result.stderr and "Demo finished" not in result.stdout


# -- 15: an endpoint that accepts and never answers fails in bounded time ----------------------


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """A loopback port that accepts connections (into its backlog) and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_a_silent_endpoint_fails_within_the_request_timeout(silent_endpoint: str, home: Path) -> None:
    env = clean_env(home, LAS_CLIENT_SECRET="s")
    started = time.monotonic()
    result = run(
        "--endpoint", silent_endpoint, "--request-timeout", "1", "datasets", "list", home=home, env=env
    )
    took = time.monotonic() - started
    assert result.code == 1 and "--request-timeout" in result.stderr, result.stderr
    assert took < 10, took


def test_the_request_timeout_may_follow_the_command(silent_endpoint: str, home: Path) -> None:
    env = clean_env(home, LAS_CLIENT_SECRET="s")
    started = time.monotonic()
    result = run(
        "datasets", "list", "--endpoint", silent_endpoint, "--request-timeout", "1", home=home, env=env
    )
    assert result.code == 1 and time.monotonic() - started < 10, result.stderr


def test_the_request_timeout_comes_from_the_environment_too(silent_endpoint: str, home: Path) -> None:
    env = clean_env(home, LAS_CLIENT_SECRET="s", LAS_REQUEST_TIMEOUT="1")
    started = time.monotonic()
    result = run("--endpoint", silent_endpoint, "datasets", "list", home=home, env=env)
    assert result.code == 1 and time.monotonic() - started < 10


def test_the_default_request_timeout_is_at_most_30_seconds() -> None:
    default = getattr(_context, "DEFAULT_REQUEST_TIMEOUT", None)
    app = _context.App(endpoint=UNREACHABLE, client_secret="s")
    session = app.client.session
    try:
        assert default is not None and default <= 30
        assert session.deadline == default  # the token fetch is bounded by it too
        assert isinstance(session.timeout, tuple) and max(session.timeout) <= default
    finally:
        app.close()


def test_a_longer_request_timeout_is_the_sessions_deadline() -> None:
    app = _context.App(endpoint=UNREACHABLE, client_secret="s", request_timeout=120)
    try:
        assert app.client.session.deadline == 120 and app.client.session.timeout == (5.0, 120)
    finally:
        app.close()


@pytest.mark.parametrize(
    ("args", "env", "named"),
    [
        (["--request-timeout", "0"], {}, "--request-timeout"),
        (["--request-timeout", "soon"], {}, "--request-timeout"),
        ([], {"LAS_REQUEST_TIMEOUT": "soon"}, "LAS_REQUEST_TIMEOUT"),
        ([], {"LAS_REQUEST_TIMEOUT": "-1"}, "LAS_REQUEST_TIMEOUT"),
        (["--request-timeout", "nan"], {}, "--request-timeout"),
        (["--request-timeout", "inf"], {}, "--request-timeout"),
        ([], {"LAS_REQUEST_TIMEOUT": "nan"}, "LAS_REQUEST_TIMEOUT"),
        ([], {"LAS_REQUEST_TIMEOUT": "1e400"}, "LAS_REQUEST_TIMEOUT"),
    ],
)
def test_a_bad_request_timeout_is_a_usage_error_naming_where_it_came_from(
    args: list[str], env: dict[str, str], named: str, home: Path
) -> None:
    environment = clean_env(home, LAS_CLIENT_SECRET="s", **env)
    result = run("--endpoint", UNREACHABLE, *args, "datasets", "list", home=home, env=environment)
    assert result.code == 2 and named in result.stderr, result.stderr


# -- 16: secrets on the command line and in endpoint URLs ---------------------------------------


def test_a_client_secret_on_the_command_line_is_warned_about(server: Server, home: Path) -> None:
    result = run("--endpoint", server.url, "--client-secret", SECRET, "--json", "models", "list", home=home)
    assert result.code == 0
    (warning,) = result.stderr.splitlines()
    assert warning.startswith("warning: --client-secret")
    assert "LAS_CLIENT_SECRET" in warning and "--profile" in warning and SECRET not in warning


def test_a_client_secret_from_the_environment_is_not_warned_about(las: Las) -> None:
    assert las("--json", "models", "list").stderr == ""


HOSTILE_ENDPOINTS = [
    "http://user:Pa55word@127.0.0.1:9",
    "http://user:Pa55word@127.0.0.1:9/api",
    "http://127.0.0.1:9/?token=Pa55word",
    "http://127.0.0.1:9?key=1&token=Pa55word",
    "http://user:Pa55word%40x@127.0.0.1:9",
    "http://Pa55word@127.0.0.1:9",
    "http://user:Pa55word@127.0.0.1:notaport",
    "http://user:Pa55word@[::1",
    "ftp://user:Pa55word@127.0.0.1:9",
]


@pytest.mark.parametrize("endpoint", HOSTILE_ENDPOINTS)
def test_a_password_in_the_endpoint_is_never_printed(endpoint: str, home: Path) -> None:
    env = clean_env(home, LAS_CLIENT_SECRET="s")
    result = run("--endpoint", endpoint, "documents", "list", home=home, env=env)
    assert result.code in (1, 2) and result.stderr.startswith("error: "), result.stderr
    assert "Pa55word" not in result.stdout + result.stderr and "***" in result.stderr


@pytest.mark.parametrize(
    ("endpoint", "problem"),
    [
        ("http://127.0.0.1:9#top", "query string or fragment"),
        ("http://127.0.0.1:9?", "query string or fragment"),
        ("ftp://127.0.0.1:9", "scheme must be http or https"),
        ("http://", "names no host"),
        ("http://127.0.0.1:99999", "not a URL"),
    ],
)
def test_an_endpoint_that_cannot_be_an_api_is_refused_before_any_request(
    endpoint: str, problem: str, home: Path
) -> None:
    result = run(
        "--endpoint", endpoint, "documents", "list", home=home, env=clean_env(home, LAS_CLIENT_SECRET="s")
    )
    assert result.code == 2 and problem in result.stderr and "--endpoint" in result.stderr, result.stderr


def test_a_password_in_an_exported_endpoint_is_never_printed(home: Path) -> None:
    env = clean_env(home, LAS_CLIENT_SECRET="s", LAS_ENDPOINT=HOSTILE_ENDPOINTS[0])
    result = run("documents", "list", home=home, env=env)
    assert result.code == 2 and "Pa55word" not in result.stderr and "user:***@" in result.stderr


def sdk_environment(home: Path, endpoint: str) -> dict[str, str]:
    """Credentials in the SDK's own variables: endpoints las passes on without checking them."""
    return clean_env(
        home, LAS_CLIENT_ID="c", LAS_CLIENT_SECRET="s", LAS_AUTH_ENDPOINT=endpoint, LAS_API_ENDPOINT=endpoint
    )


@pytest.mark.parametrize("endpoint", HOSTILE_ENDPOINTS[:5])
def test_a_password_in_the_sdks_endpoint_variables_is_never_printed(endpoint: str, home: Path) -> None:
    result = run("documents", "list", home=home, env=sdk_environment(home, endpoint))
    assert result.code == 1 and result.stderr.startswith("error: cannot connect to http"), result.stderr
    assert "Pa55word" not in result.stderr


def test_a_password_in_the_endpoint_is_not_in_an_upload_report(home: Path, tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(sample_pdf("a", "1.00", "2026-01-01"))
    env = sdk_environment(home, HOSTILE_ENDPOINTS[0])
    dataset_id = "las:dataset:" + "0" * 32
    for output in ([], ["--json"]):
        result = run(*output, "datasets", "create-documents", dataset_id, str(tmp_path), home=home, env=env)
        assert result.code == 1 and "cannot connect" in result.stderr
        assert "Pa55word" not in result.stdout + result.stderr and "user:***@" in result.stderr
