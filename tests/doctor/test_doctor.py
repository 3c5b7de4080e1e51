"""``las.doctor()`` against the emulator of each contract, a stub of a newer one, and broken setups.

Each test says what the doctor must find, and measures what it did: the requests that arrived
(one ``POST /token``, GETs only), the files left in HOME, the text of the report.
"""

from __future__ import annotations

import base64
import copy
import email.utils
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import las
from las.contracts import V2021, V2024
from las.testing import Emulator
from tests.support.answers_2024 import ANSWERS, DATASET_ANSWER, NEW_MODEL, WORKFLOW
from tests.support.recorder import CLIENT_ID, CLIENT_SECRET, Recorder, Reply

SECRET = "doctor-secret-7f3a9c"  # distinctive, to grep reports for
SPECIFICATION = {
    "language": "ASL",
    "version": "1.0.0",
    "definition": {"StartAt": "a", "States": {"a": {"Type": "Pass", "End": True}}},
}
READS = (
    "GET /organizations/me",
    "GET /models?maxResults=1",
    "GET /datasets?maxResults=1",
    "GET /workflows?maxResults=1",
)


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, Emulator]]:
    """One emulator of each contract for the module, with the secret :data:`SECRET`."""
    with (
        Emulator(contract=V2021, client_secret=SECRET) as old,
        Emulator(contract=V2024, client_secret=SECRET) as new,
    ):
        yield {V2021: old, V2024: new}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty HOME and no LAS_* variables: nothing of the user's is read or written."""
    for variable in ("LAS_CLIENT_ID", "LAS_CLIENT_SECRET", "LAS_AUTH_ENDPOINT", "LAS_API_ENDPOINT"):
        monkeypatch.delenv(variable, raising=False)
    for variable in ("LAS_PROFILE", "LAS_CONTRACT"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def credentials_of(emulator: Emulator, contract: str, secret: str = SECRET) -> las.Credentials:
    """The emulator's credentials, caching tokens in HOME (which the doctor must not do)."""
    return las.Credentials(
        emulator.client_id,
        secret,
        emulator.auth_endpoint,
        emulator.api_endpoint,
        cached_profile="default",
        cache_path=Path.home() / ".lucidtech" / "token-cache.json",
        contract=contract,
    )


def write_profile(home: Path, url: str, *, secret: str = SECRET, mode: int = 0o600, extra: str = "") -> Path:
    config = home / ".lucidtech" / "credentials.cfg"
    config.parent.mkdir(exist_ok=True)
    config.write_text(
        f"[default]\nclient_id = las-emulator-client\nclient_secret = {secret}\n"
        f"auth_endpoint = {url}\napi_endpoint = {url}\n{extra}"
    )
    config.chmod(mode)
    return config


def statuses(report: las.DoctorReport) -> dict[str, str]:
    return {check.name: check.status for check in report.checks}


def everything_in(report: las.DoctorReport) -> str:
    return str(report) + "\n" + json.dumps(report.to_dict())


def seed(emulator: Emulator, contract: str) -> None:
    """One model, dataset and workflow, so that list items are compared too."""
    client = las.Client(
        las.Credentials(emulator.client_id, SECRET, emulator.url, emulator.url, contract=contract)
    )
    if contract == V2021:
        client.create_model(300, 400, {"total": {"type": "amount", "maxLength": 10}})
    else:
        client.create_model({"total": {"type": "amount", "maxLength": 10}})
    client.create_dataset(name="d")
    client.create_workflow(SPECIFICATION, name="w")
    client.close()


# -- the emulator of each contract passes ----------------------------------------------------


@pytest.mark.parametrize("contract", [V2021, V2024])
def test_the_emulator_of_each_contract_passes_with_one_token_and_gets_only(
    servers: dict[str, Emulator], home: Path, contract: str
) -> None:
    emulator = servers[contract]
    emulator.reset()
    seed(emulator, contract)
    emulator.clear_requests()
    report = las.doctor(credentials_of(emulator, contract))
    assert report.ok, str(report)
    assert report.contract == report.looks_like == contract
    assert {name: status for name, status in statuses(report).items() if status != "skip"} == dict.fromkeys(
        ["credentials", "token", *READS, "clock", "contract"], "ok"
    )
    assert f"the service speaks {contract}, as this session does" in report.check("contract").summary
    sent = [(request.method, request.path) for request in emulator.requests]
    assert sent.count(("POST", "/token")) == 1
    assert {method for method, _ in sent} == {"POST", "GET"}
    assert [path for method, path in sent if method == "POST"] == ["/token"]
    assert not (home / ".lucidtech").exists()  # no token cache, nothing written


def test_a_session_is_checked_for_its_own_contract(servers: dict[str, Emulator], home: Path) -> None:
    emulator = servers[V2024]
    session = las.Session(credentials_of(emulator, V2021), contract=V2024)
    report = las.doctor(session)
    assert report.ok and report.contract == V2024, str(report)


# -- the session speaks the other contract ---------------------------------------------------


@pytest.mark.parametrize(("served", "spoken"), [(V2021, V2024), (V2024, V2021)])
def test_another_contracts_answers_say_which_fields_differ_and_what_to_set(
    servers: dict[str, Emulator], home: Path, served: str, spoken: str
) -> None:
    emulator = servers[served]
    emulator.reset()
    seed(emulator, served)
    report = las.doctor(credentials_of(emulator, spoken))
    assert not report.ok
    assert report.contract == spoken and report.looks_like == served
    verdict = report.check("contract")
    assert verdict.status == "fail"
    assert f"the answers look like {served}, not {spoken}" in verdict.summary
    assert f"set LAS_CONTRACT={served}" in verdict.summary
    missing = "planId" if spoken == V2024 else "numberOfBatchesAllowed"
    assert f"GET /organizations/me: {missing}: missing (required by {spoken}" in "\n".join(verdict.details)
    in_items = "organizationId" if spoken == V2024 else "width"
    assert {
        "field": f"models[0].{in_items}",
        "kind": "missing",
        "expected": "integer" if spoken == V2021 else "string",
        "found": "absent",
    } in verdict.facts["differences"][spoken]
    assert verdict.facts["differences"][served] == []
    assert report.check("GET /organizations/me").status == "fail"


def test_the_contract_argument_overrides_the_credentials(servers: dict[str, Emulator], home: Path) -> None:
    report = las.doctor(credentials_of(servers[V2021], V2021), contract=V2024)
    assert report.contract == V2024 and report.looks_like == V2021
    assert "from the arguments" in report.check("contract").summary
    with pytest.raises(las.ContractError, match="2021-09-23"):
        las.doctor(credentials_of(servers[V2021], V2021), contract="2099-01-01")


# -- a newer contract than either, from a stub -----------------------------------------------


@pytest.fixture
def stub() -> Iterator[Recorder]:
    recorder = Recorder()
    yield recorder
    recorder.close()


def newer_answers(stub: Recorder, *, changed_type: bool) -> None:
    """2024-11-29 answers with fields added, and (``changed_type``) one field of another type."""
    organization = dict(ANSWERS["/organizations/{organizationId}"], region="eu-north-1")
    if changed_type:
        organization["numberOfModelsCreated"] = "12"
    model = dict(ANSWERS["/models/{modelId}"], tags=["invoices"], modelId=NEW_MODEL)
    workflow = dict(ANSWERS["/workflows/{workflowId}"], workflowId=WORKFLOW)
    stub.reply(Reply(body=organization), path="/organizations/me")
    stub.reply(Reply(body={"models": [model], "nextToken": None}), path="/models")
    stub.reply(Reply(body={"datasets": [DATASET_ANSWER], "nextToken": None}), path="/datasets")
    stub.reply(Reply(body={"workflows": [workflow], "nextToken": None}), path="/workflows")


def stub_credentials(stub: Recorder, contract: str = V2024, secret: str = CLIENT_SECRET) -> las.Credentials:
    return las.Credentials(CLIENT_ID, secret, stub.url, stub.url, contract=contract)


def test_a_newer_contract_with_a_field_of_another_type_is_named_and_fails(stub: Recorder, home: Path) -> None:
    newer_answers(stub, changed_type=True)
    report = las.doctor(stub_credentials(stub))
    assert not report.ok and report.looks_like is None
    verdict = report.check("contract")
    assert verdict.status == "fail"
    assert "nor those of another contract this SDK knows" in verdict.summary
    details = "\n".join(verdict.details)
    assert 'numberOfModelsCreated: string "12", where 2024-11-29 says integer' in details
    assert "GET /organizations/me: region: not in 2024-11-29 (string)" in details
    assert "GET /models?maxResults=1: models[0].tags: not in 2024-11-29 (array)" in details
    assert "a newer lucidtech-las-sdk may know it" in details
    assert details.index("numberOfModelsCreated") < details.index("region")  # what breaks, first


def test_a_newer_contract_that_only_adds_fields_warns_and_names_them(stub: Recorder, home: Path) -> None:
    newer_answers(stub, changed_type=False)
    report = las.doctor(stub_credentials(stub))
    assert report.ok, str(report)  # the SDK reads it: unknown fields are kept in extra
    verdict = report.check("contract")
    assert verdict.status == "warn" and report.looks_like == V2024
    assert "the service speaks 2024-11-29" in verdict.summary
    assert {d["field"] for d in verdict.facts["differences"][V2024]} == {"region", "models[0].tags"}
    assert report.check("GET /models?maxResults=1").status == "warn"


def test_a_service_answering_none_of_the_contracts_is_not_taken_for_one(stub: Recorder, home: Path) -> None:
    for path in ("/organizations/me", "/models", "/datasets", "/workflows"):
        stub.reply(Reply(body={"hello": "world"}), path=path)
    report = las.doctor(stub_credentials(stub))
    assert report.looks_like is None and report.check("contract").status == "fail"
    assert "or the api_endpoint is not the API" in "\n".join(report.check("contract").details)


# -- broken setups ---------------------------------------------------------------------------


def test_a_refused_secret_says_which_values_to_look_at_and_sends_nothing_else(
    servers: dict[str, Emulator], home: Path
) -> None:
    emulator = servers[V2021]
    emulator.clear_requests()
    config = write_profile(home, emulator.url, secret="not-the-secret")
    report = las.doctor()
    token = report.check("token")
    assert token.status == "fail" and not report.ok
    assert "refused the client id and secret (401" in token.summary
    assert f"the client secret (from file {config} [default])" in "\n".join(token.details)
    assert f"the client id 'las-emulator-client' (from file {config} [default])" in "\n".join(token.details)
    assert all(report.check(name).status == "skip" for name in (*READS, "contract"))
    assert report.check("clock").status == "ok"  # the refusal's Date header still tells the time
    assert [(r.method, r.path) for r in emulator.requests] == [("POST", "/token")]
    assert "not-the-secret" not in everything_in(report)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_auth_endpoint_is_named_with_why(home: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    report = las.doctor(las.Credentials("id", SECRET, url, url, contract=V2021))
    token = report.check("token")
    assert token.status == "fail"
    assert token.summary.startswith(f"cannot reach {url}/token: ")
    assert "Connection refused" in token.summary
    assert f"check the auth_endpoint '{url}' (from the arguments)" in token.details[0]


def test_an_unreachable_api_endpoint_fails_the_first_read_and_skips_the_rest(
    servers: dict[str, Emulator], home: Path
) -> None:
    emulator = servers[V2021]
    api = f"http://127.0.0.1:{closed_port()}"
    report = las.doctor(
        las.Credentials(emulator.client_id, SECRET, emulator.auth_endpoint, api, contract=V2021)
    )
    assert report.check("token").status == "ok"
    first = report.check("GET /organizations/me")
    assert first.status == "fail" and first.summary.startswith("cannot reach the API: ")
    assert f"api_endpoint '{api}'" in first.details[0]
    assert [report.check(name).status for name in READS[1:]] == ["skip"] * 3
    assert report.check("contract").status == "skip"


def test_a_token_the_api_refuses_says_the_endpoints_are_of_different_services(
    stub: Recorder, home: Path
) -> None:
    stub.reply(*[Reply(status=401, body={"message": "Unauthorized"})] * 8)
    report = las.doctor(stub_credentials(stub))
    first = report.check("GET /organizations/me")
    assert first.status == "fail" and "refused the token the auth endpoint granted" in first.summary
    assert "are not of the same service" in first.details[0]
    assert [r.path for r in stub.requests].count("/token") == 1  # never a second token


def test_an_error_message_quoting_the_token_or_secret_is_scrubbed(stub: Recorder, home: Path) -> None:
    stub.reply(Reply(status=400, body={"message": f"bad header: Bearer token-1, client {CLIENT_SECRET}"}))
    report = las.doctor(stub_credentials(stub))
    text = everything_in(report)
    assert "bad header: Bearer ***, client ***" in text
    assert "token-1" not in text and CLIENT_SECRET not in text


def test_no_secret_or_token_in_any_report(servers: dict[str, Emulator], home: Path) -> None:
    emulator = servers[V2024]
    write_profile(home, emulator.url, mode=0o644)
    emulator.clear_requests()
    report = las.doctor(contract=V2021)  # a failing report has the most to say
    text = everything_in(report)
    token_answers = [r for r in emulator.requests if r.path == "/token"]
    assert len(token_answers) == 1
    bearer = next(r.headers["Authorization"] for r in emulator.requests if r.path != "/token")
    assert SECRET not in text
    assert bearer.split()[1] not in text


# -- the clock -------------------------------------------------------------------------------


def server_clock_off_by(stub: Recorder, monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Every Date header of ``stub`` says now + ``seconds``."""

    def date_time_string(self: Any, timestamp: float | None = None) -> str:
        return email.utils.formatdate(time.time() + seconds, usegmt=True)

    monkeypatch.setattr(stub.server.RequestHandlerClass, "date_time_string", date_time_string)


@pytest.mark.parametrize(
    ("server_ahead", "status", "words"),
    [
        (3600.0, "fail", "this machine's clock is {n} s behind the service's"),
        (-600.0, "fail", "this machine's clock is {n} s ahead of the service's"),
        (-30.0, "warn", "this machine's clock is {n} s ahead of the service's"),
        (0.0, "ok", "within "),
    ],
)
def test_a_skewed_clock_is_reported_with_its_size(
    stub: Recorder, home: Path, monkeypatch: pytest.MonkeyPatch, server_ahead: float, status: str, words: str
) -> None:
    server_clock_off_by(stub, monkeypatch, server_ahead)
    newer_answers(stub, changed_type=False)
    report = las.doctor(stub_credentials(stub))
    clock = report.check("clock")
    assert clock.status == status, str(report)
    # The Date header says whole seconds: the size shown may be a second off, as its ± says.
    size = round(abs(server_ahead))
    assert any(words.format(n=n) in clock.summary for n in (size - 1, size, size + 1)), clock.summary
    assert abs(clock.facts["skewSeconds"] + server_ahead) <= clock.facts["plusMinusSeconds"] + 0.01
    if server_ahead < -60:
        assert "looks valid up to 600 s after it expired" in clock.details[0]
    if server_ahead > 60:
        assert "expires 3600 s early" in clock.details[0]


def jwt(claims: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none'})}.{part(claims)}.signature"


@pytest.mark.parametrize("claim", ["iat", "exp"])
def test_the_tokens_time_claims_reveal_a_skew_the_date_header_does_not(
    stub: Recorder, home: Path, monkeypatch: pytest.MonkeyPatch, claim: str
) -> None:
    issued = time.time() - 7200  # the auth server's clock, two hours behind this one
    token = jwt({"iat": int(issued)} if claim == "iat" else {"exp": int(issued) + 3600})

    def issue() -> dict[str, Any]:
        stub.valid_tokens.add(token)
        return {"access_token": token, "token_type": "Bearer", "expires_in": 3600}

    monkeypatch.setattr(stub, "_issue_token", issue)
    newer_answers(stub, changed_type=False)
    report = las.doctor(stub_credentials(stub))
    clock = report.check("clock")
    assert clock.status == "fail"
    assert "7200 s ahead of the service's" in clock.summary or "2.0 h ahead" in clock.summary
    assert clock.facts["basis"].startswith("the token's")
    assert token not in everything_in(report)


def test_without_a_date_or_time_claims_the_clock_is_skipped(
    stub: Recorder, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stub.server.RequestHandlerClass, "date_time_string", lambda self, timestamp=None: "")
    newer_answers(stub, changed_type=False)
    report = las.doctor(stub_credentials(stub))
    assert report.check("clock").status == "skip"


# -- the credentials and their files ---------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "who", "can"),
    [
        (0o644, "its group and other users", "read"),
        (0o640, "its group", "read"),
        (0o666, "its group and other users", "read and change"),
    ],
)
def test_a_credentials_file_others_can_read_warns_with_the_chmod_fix(
    servers: dict[str, Emulator], home: Path, mode: int, who: str, can: str, caplog: pytest.LogCaptureFixture
) -> None:
    config = write_profile(home, servers[V2021].url, mode=mode)
    with caplog.at_level("WARNING", logger="las"):
        report = las.doctor()
    assert caplog.records == []  # said once, in the report, not again in the log
    check = report.check("credentials file")
    assert check.status == "warn" and report.ok  # a warning: it works, and should be fixed
    assert check.summary == f"{config}: mode {mode:04o}: {who} can {can} it"
    assert f"chmod 600 {config}" in check.details[0]
    assert ("point the endpoints elsewhere" in "\n".join(check.details)) == bool(mode & 0o022)
    assert config.stat().st_mode & 0o777 == mode  # reported, not changed


def test_a_private_credentials_file_and_where_each_value_came_from(
    servers: dict[str, Emulator], home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator = servers[V2021]
    config = write_profile(home, "http://127.0.0.1:9", extra="contract = 2021-09-23\n")
    monkeypatch.setenv("LAS_AUTH_ENDPOINT", emulator.url)
    monkeypatch.setenv("LAS_API_ENDPOINT", emulator.url)
    report = las.doctor()
    assert report.ok, str(report)
    assert report.check("credentials file").summary == f"{config}: mode 0600, its owner's only"
    credentials = report.check("credentials")
    assert credentials.facts["profile"] == "default"
    assert credentials.facts["sources"] == {
        "client_id": f"file {config} [default]",
        "client_secret": f"file {config} [default]",
        "auth_endpoint": "environment (LAS_AUTH_ENDPOINT)",
        "api_endpoint": "environment (LAS_API_ENDPOINT)",
    }
    assert f"contract 2021-09-23 (from file {config} [default])" in credentials.summary
    assert f"client_id, client_secret from file {config} [default]" in credentials.summary


def test_a_token_cache_others_can_read_warns(servers: dict[str, Emulator], home: Path) -> None:
    write_profile(home, servers[V2021].url)
    cache = home / ".lucidtech" / "token-cache.json"
    cache.write_text("{}")
    cache.chmod(0o644)
    report = las.doctor()
    check = report.check("token cache")
    assert check.status == "warn" and f"chmod 600 {cache}" in check.details[0]
    assert cache.read_text() == "{}"  # the doctor's token is not cached


def test_a_malformed_credentials_file_is_named_by_line_without_its_values(home: Path) -> None:
    config = write_profile(home, "http://127.0.0.1:9", extra=f"this line is not a setting {SECRET}-x\n")
    report = las.doctor()
    check = report.check("credentials")
    assert check.status == "fail" and str(config) in check.summary and "line 6" in check.summary
    assert SECRET not in everything_in(report)
    assert {report.check(name).status for name in ("token", *READS, "clock", "contract")} == {"skip"}


def test_missing_credentials_name_what_is_missing_and_where_it_looked(home: Path) -> None:
    report = las.doctor(profile="prod")
    check = report.check("credentials")
    assert check.status == "fail" and "client_id" in check.summary and "[prod]" in check.summary
    assert report.check("credentials file").status == "skip"
    assert report.contract is None


def test_the_report_reads_as_one_line_per_check_and_as_json(servers: dict[str, Emulator], home: Path) -> None:
    servers[V2021].reset()
    report = las.doctor(credentials_of(servers[V2021], V2024))
    lines = report.lines()
    assert len([line for line in lines if not line.startswith(" ")]) == len(report.checks) + 1
    assert lines[-1] == "2 checks failed"
    assert {line.split()[0] for line in lines[:-1] if not line.startswith(" ")} <= {
        "OK",
        "FAIL",
        "WARN",
        "SKIP",
    }
    assert {line[0] for line in report.lines(symbols=True)[:-1] if not line.startswith(" ")} <= set("✓✗!-")
    data = json.loads(json.dumps(report.to_dict()))
    assert data["ok"] is False and data["looksLike"] == V2021 and len(data["checks"]) == len(report.checks)
    assert copy.deepcopy(data) == report.to_dict()


# -- answers that are not the API's ----------------------------------------------------------


def test_a_redirect_html_and_silence_are_each_named_and_the_doctor_ends_in_time(
    stub: Recorder, home: Path
) -> None:
    stub.reply(
        Reply(status=301, raw=b"", headers={"Location": "https://api.example/v1/organizations/me"}),
        path="/organizations/me",
    )
    stub.reply(Reply(raw=b"<html>sign in</html>", headers={"Content-Type": "text/html"}), path="/models")
    stub.reply(Reply(stall=5.0, body={"datasets": [], "nextToken": None}), path="/datasets")
    started = time.monotonic()
    report = las.doctor(stub_credentials(stub), timeout=0.5)
    assert time.monotonic() - started < 4.0  # the silent answer is not waited for
    redirect = report.check("GET /organizations/me")
    assert redirect.status == "fail" and "https://api.example/v1/organizations/me" in redirect.summary
    assert "redirects elsewhere: set it to the address it redirects to" in redirect.details[0]
    html = report.check("GET /models?maxResults=1")
    assert html.status == "fail" and "does not answer like the API" in html.details[0]
    silent = report.check("GET /datasets?maxResults=1")
    assert silent.status == "fail" and silent.summary == "no answer from the API within 0.5 s"
    assert report.check("GET /workflows?maxResults=1").status == "skip"
    assert [(r.method, r.path) for r in stub.requests].count(("GET", "/datasets")) == 1  # no retry


def test_an_async_session_is_checked_too_and_anything_else_is_refused(
    servers: dict[str, Emulator], home: Path
) -> None:
    pytest.importorskip("aiohttp")
    session = las.AsyncSession(credentials_of(servers[V2024], V2024))
    assert las.doctor(session).ok
    with pytest.raises(TypeError, match=r"las.doctor\(\) takes las.Credentials"):
        las.doctor("las-emulator-client")  # type: ignore[arg-type]
