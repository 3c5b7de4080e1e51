"""``las doctor``: one line per check, exit 0 or 1, ``--json`` for scripts, targets chosen as for
every command, and never a secret on screen."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path

from las.testing import Emulator
from tests.cli.conftest import SECRET, Result, Server, clean_env, run, write_profile
from tests.support.recorder import CLIENT_ID, CLIENT_SECRET, Recorder, Reply


def test_against_las_serve_every_check_passes_in_plain_words(las: Callable[..., Result]) -> None:
    result = las("doctor")
    assert result.code == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "all checks passed"
    assert [line.split()[0] for line in lines[:-1]] == [
        "OK",
        "SKIP",
        "SKIP",
        "OK",
        "OK",
        "OK",
        "OK",
        "OK",
        "OK",
        "OK",
    ]
    assert "✓" not in result.stdout  # not a terminal: words, not marks
    credentials = lines[0]
    assert "client_id from las serve's default" in credentials
    assert "client_secret from environment (LAS_CLIENT_SECRET)" in credentials
    assert "auth_endpoint, api_endpoint from --endpoint" in credentials
    assert SECRET not in result.stdout + result.stderr


def test_json_is_the_report_for_scripts(las: Callable[..., Result]) -> None:
    result = las("doctor", "--json")
    assert result.code == 0
    report = result.json()
    assert report["ok"] is True and report["contract"] == report["looksLike"] == "2021-09-23"
    assert [check["name"] for check in report["checks"]][:4] == [
        "credentials",
        "credentials file",
        "token cache",
        "token",
    ]
    assert las("doctor", "--field", "looksLike").stdout == "2021-09-23\n"


def test_a_session_for_the_other_contract_fails_and_says_what_to_set(las: Callable[..., Result]) -> None:
    result = las("doctor", "--contract", "2024-11-29")
    assert result.code == 1
    contract = next(line for line in result.stdout.splitlines() if line.startswith("FAIL contract"))
    assert "the answers look like 2021-09-23, not 2024-11-29" in contract
    assert contract.endswith("set LAS_CONTRACT=2021-09-23")
    assert "    GET /organizations/me: planId: missing (required by 2024-11-29" in result.stdout
    assert result.stdout.splitlines()[-1] == "2 checks failed"


def test_las_contract_in_the_environment_is_the_sessions(server: Server, home: Path) -> None:
    env = clean_env(home, LAS_CLIENT_SECRET=SECRET, LAS_CONTRACT="2024-11-29")
    result = run("--endpoint", server.url, "doctor", home=home, env=env)
    assert result.code == 1
    assert "contract 2024-11-29 (from environment (LAS_CONTRACT))" in result.stdout


def test_every_command_on_an_endpoint_speaks_the_contract_las_contract_names(
    pdf: Path, tmp_path: Path
) -> None:
    # `las serve --contract 2024-11-29` prints LAS_CONTRACT beside the endpoint; the doctor found
    # that commands sent to --endpoint/LAS_ENDPOINT ignored it and spoke 2021-09-23 (inline uploads).
    with Emulator(contract="2024-11-29", client_secret=SECRET) as emulator:
        env = clean_env(
            tmp_path, LAS_CLIENT_SECRET=SECRET, LAS_CONTRACT="2024-11-29", LAS_ENDPOINT=emulator.url
        )
        result = run("documents", "create", str(pdf), "--json", home=tmp_path, env=env)
        assert result.code == 0, result.stderr
        posted = next(r for r in emulator.requests if (r.method, r.path) == ("POST", "/documents"))
        assert "content" not in posted.json  # the 2024 way: the bytes go to the file URL
        assert any(r.method == "PUT" for r in emulator.requests)
        env["LAS_CONTRACT"] = "2023-01-01"
        refused = run("documents", "list", home=tmp_path, env=env)
        assert refused.code != 0 and "LAS_CONTRACT: unknown API contract '2023-01-01'" in refused.stderr


def test_a_profile_file_others_can_read_warns_with_the_fix_and_still_passes(
    server: Server, tmp_path: Path
) -> None:
    write_profile(tmp_path, "default", server, "las-emulator-client", SECRET)
    config = tmp_path / ".lucidtech" / "credentials.cfg"
    config.chmod(0o644)
    result = run("doctor", home=tmp_path, env=clean_env(tmp_path))
    assert result.code == 0, result.stdout
    warning = next(line for line in result.stdout.splitlines() if "credentials file" in line)
    assert warning.startswith("WARN") and "its group and other users can read it" in warning
    assert f"chmod 600 {config}" in result.stdout
    assert result.stdout.splitlines()[-1] == "all checks passed, 1 warning"
    assert result.stderr == ""  # said once, in the report, not again as a log warning
    assert SECRET not in result.stdout


def test_a_refused_secret_fails_with_exit_1_and_names_the_file(server: Server, tmp_path: Path) -> None:
    write_profile(tmp_path, "prod", server, "las-emulator-client", "wrong-secret-123")
    result = run("--profile", "prod", "doctor", home=tmp_path, env=clean_env(tmp_path))
    assert result.code == 1
    token = next(line for line in result.stdout.splitlines() if line.split()[1:3] == ["token", "POST"])
    assert token.startswith("FAIL") and "refused the client id and secret (401" in token
    assert "[prod]" in result.stdout
    assert "wrong-secret-123" not in result.stdout + result.stderr


def test_missing_credentials_are_a_failed_check_not_a_crash(tmp_path: Path) -> None:
    result = run("doctor", "-p", "nowhere", home=tmp_path, env=clean_env(tmp_path))
    assert result.code == 1
    assert result.stdout.splitlines()[0].startswith("FAIL credentials")
    assert "[nowhere]" in result.stdout.splitlines()[0]


def test_the_emulator_flag_passes(tmp_path: Path) -> None:
    result = run("doctor", "--emulator", home=tmp_path, env=clean_env(tmp_path))
    assert result.code == 0, result.stdout
    assert "from --emulator" in result.stdout


class _TerminalOut(io.TextIOWrapper):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_marks(server: Server, home: Path) -> None:
    out = _TerminalOut(io.BytesIO(), encoding="utf-8", write_through=True)
    env = clean_env(home, LAS_CLIENT_SECRET=SECRET)
    result = run("--endpoint", server.url, "doctor", home=home, env=env, stdout=out)
    assert result.code == 0
    buffer = out.buffer
    assert isinstance(buffer, io.BytesIO)
    shown = re.sub(r"\x1b\[[0-9;]*m", "", buffer.getvalue().decode())  # the colours
    assert "✓ credentials" in shown and "- credentials file" in shown
    assert "OK " not in shown


def test_the_help_says_what_it_checks_without_credentials(tmp_path: Path) -> None:
    result = run("doctor", "--help", home=tmp_path, env=clean_env(tmp_path))
    assert result.code == 0
    assert "Exit code 0 when no check failed" in result.stdout
    assert "doctor" in run("--help", home=tmp_path, env=clean_env(tmp_path)).stdout


def test_the_report_prints_as_json_without_any_secret(las: Callable[..., Result]) -> None:
    result = las("doctor", "--json", "--contract", "2024-11-29")
    assert result.code == 1
    assert SECRET not in result.stdout
    assert json.loads(result.stdout)["checks"][-1]["status"] == "fail"


def test_the_request_timeout_bounds_each_request_of_the_doctor(tmp_path: Path) -> None:
    stub = Recorder()
    try:
        stub.reply(Reply(stall=5.0, body={}), path="/organizations/me")
        env = clean_env(tmp_path, LAS_CLIENT_SECRET=CLIENT_SECRET)
        result = run(
            "--endpoint", stub.url, "--client-id", CLIENT_ID, "doctor", "--request-timeout", "0.5",
            home=tmp_path, env=env,
        )  # fmt: skip
    finally:
        stub.close()
    assert result.code == 1
    assert "FAIL GET /organizations/me        no answer from the API within 0.5 s" in result.stdout
