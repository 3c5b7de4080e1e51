"""The sync Session's requests.Session (las._lean_session): it reads the environment's proxies and
CA bundle again only when they changed and merges headers and parameters without requests'
protocol checks, and its answers are requests' own whatever the environment, the session's
settings or the request are."""

from __future__ import annotations

import json
import os
import pickle
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import requests.sessions
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import las
import las._environment
import las._lean_session
import las._transport
from las._lean_session import LeanSession
from las.testing import Emulator
from tests.support.raw_server import RawServer

DOCUMENT = {"documentId": "las:document:" + "a" * 32}
_NAMES = (
    "http_proxy",
    "HTTP_PROXY",
    "Https_Proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "no_proxy",
    "NO_PROXY",
    "ftp_proxy",
    "REQUEST_METHOD",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
)
_VALUES = (
    "http://p1:1",
    "http://user:pw@p2:2",
    "",
    "127.0.0.1",
    "api.test",
    ".test",
    "*",
    "10.0.0.0/8",
    "/ca.pem",
)
_URLS = (
    "http://127.0.0.1:8000/documents?maxResults=100",
    "http://127.0.0.1:8001/documents",
    "http://10.1.2.3/x",
    "http://api.test/documents",
    "http://api.test",
    "http://api.test?x=/y",
    "https://api.test/x",
    "https://files.test:8443/a/b",
    "https://sub.api.test/",
    "http://api.test:99999/bad-port",
)


@pytest.fixture
def restored_environment() -> Iterator[None]:
    """None of the variables requests reads is set as the test starts; the whole environment is
    put back after it."""
    before = dict(os.environ)
    for name in before:
        if name.lower().endswith("_proxy") or name in _NAMES:
            del os.environ[name]
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(before)


def _settings_or_error(
    session: requests.Session, url: str, proxies: dict[str, str] | None, stream: bool | None, verify: Any
) -> object:
    """What ``merge_environment_settings`` gives, with what it left in the caller's ``proxies``
    dict (requests adds the environment's to it), or the error it raised (a bad port)."""
    given = None if proxies is None else dict(proxies)
    try:
        return session.merge_environment_settings(url, given, stream, verify, None), given
    except Exception as error:
        return type(error), str(error)


_step = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(_NAMES), st.sampled_from(_VALUES)),
    st.tuples(st.just("unset"), st.sampled_from(_NAMES)),
    st.tuples(st.just("trust_env"), st.booleans()),
    st.tuples(st.just("verify"), st.sampled_from([True, False, "/bundle.pem"])),
    st.tuples(st.just("cert"), st.sampled_from([None, "/cert.pem", ("/cert.pem", "/key.pem")])),
    st.tuples(st.just("proxies"), st.sampled_from([{}, {"https": "http://p3:3"}, {"all": "http://p5:5"}])),
    st.tuples(
        st.just("call"),
        st.sampled_from(_URLS),
        st.sampled_from([None, {}, {"http": "http://p4:4"}, {"no_proxy": "api.test"}]),
        st.sampled_from([None, True]),
        st.sampled_from([None, False, "/other.pem"]),
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(_step, min_size=1, max_size=30))
def test_every_answer_is_requests_own_whatever_the_environment_does_between_requests(
    restored_environment: None, steps: list[tuple[Any, ...]]
) -> None:
    """One LeanSession through a run of environment and settings changes and requests:
    after every request, its settings equal those a plain requests.Session computes afresh."""
    for name in _NAMES:  # each example starts from none of them (the fixture runs once for all)
        os.environ.pop(name, None)
    kept = LeanSession()
    for step in steps:
        if step[0] == "set":
            os.environ[step[1]] = step[2]
        elif step[0] == "unset":
            os.environ.pop(step[1], None)
        elif step[0] == "call":
            _, url, proxies, stream, verify = step
            plain = requests.Session()
            for attribute in ("trust_env", "verify", "cert", "proxies"):
                setattr(plain, attribute, getattr(kept, attribute))
            theirs = _settings_or_error(plain, url, proxies, stream, verify)
            ours = _settings_or_error(kept, url, proxies, stream, verify)
            assert ours == theirs, (url, dict(os.environ), step)
        else:
            setattr(kept, step[0], step[1])


def test_the_answer_given_is_a_copy_a_caller_may_change(restored_environment: None) -> None:
    os.environ["HTTP_PROXY"] = "http://p1:1"
    session = LeanSession()
    first = session.merge_environment_settings("http://api.test/x", {}, True, None, None)
    first["proxies"]["http"] = "http://changed:9"
    first["verify"] = "/elsewhere.pem"
    again = session.merge_environment_settings("http://api.test/x", {}, True, None, None)
    assert again["proxies"]["http"] == "http://p1:1"
    assert again["verify"] is True


@pytest.fixture
def environment_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs requests read the environment's proxies for (each read walks the environment)."""
    reads: list[str] = []
    original = requests.sessions.get_environ_proxies

    def counted(url: str, no_proxy: str | None = None) -> dict[str, str]:
        reads.append(url)
        return original(url, no_proxy=no_proxy)

    monkeypatch.setattr(requests.sessions, "get_environ_proxies", counted)
    return reads


def test_an_unchanged_environment_is_read_once_per_host(
    las_emulator: Emulator, tmp_path: Path, environment_reads: list[str]
) -> None:
    session = las.Session(las_emulator.credentials(cache_path=tmp_path / "cache.json"))
    client = las.Client(session=session)
    for _ in range(5):
        client.list_models()
    assert len([record for record in las_emulator.requests if record.path == "/models"]) == 5
    # The token's POST and the five GETs go to one host: requests read the environment once.
    assert len(environment_reads) == 1


def test_where_the_environment_cannot_be_read_cheaply_requests_reads_it_each_time(
    las_emulator: Emulator, tmp_path: Path, environment_reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(las._environment, "_ENVIRONMENT_ONLY", False)  # macOS, Windows: system settings
    client = las.Client(session=las.Session(las_emulator.credentials(cache_path=tmp_path / "cache.json")))
    client.credentials.access_token(client.session.http)
    environment_reads.clear()
    for _ in range(3):
        client.list_models()
    assert len(environment_reads) == 3


def _proxy_answer(server: RawServer, conn: socket.socket, head: bytes) -> None:
    body = json.dumps(DOCUMENT).encode()
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )


def test_a_proxy_set_or_removed_between_two_requests_is_obeyed_by_the_next(
    las_emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    proxy = RawServer(_proxy_answer)
    try:
        client = las.Client(session=las.Session(las_emulator.credentials(cache_path=tmp_path / "c.json")))
        client.list_models()  # direct: the emulator answers
        las_emulator.clear_requests()

        monkeypatch.setenv("Http_Proxy", proxy.url)  # any case names a proxy, as in urllib
        assert client.get_document(DOCUMENT["documentId"]) == DOCUMENT
        assert [head.split(b" ")[:2] for head in proxy.heads] == [
            [b"GET", f"{las_emulator.url}/documents/{DOCUMENT['documentId']}".encode()]
        ]
        assert las_emulator.requests == []

        monkeypatch.setenv("no_proxy", "127.0.0.1")
        client.list_models()
        monkeypatch.delenv("no_proxy")
        monkeypatch.delenv("Http_Proxy")
        client.list_models()
        assert len(proxy.heads) == 1
        assert [record.path for record in las_emulator.requests] == ["/models", "/models"]
    finally:
        proxy.close()


def test_a_ca_bundle_set_between_two_requests_is_used_by_the_next(
    restored_environment: None, tmp_path: Path
) -> None:
    session = LeanSession()
    url = "https://api.test/documents"
    assert session.merge_environment_settings(url, {}, True, None, None)["verify"] is True
    os.environ["REQUESTS_CA_BUNDLE"] = str(tmp_path / "corporate.pem")
    assert session.merge_environment_settings(url, {}, True, None, None)["verify"] == str(
        tmp_path / "corporate.pem"
    )


def test_an_environment_replaced_by_a_plain_dict_is_read_by_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test suite may swap os.environ for a dict: requests reads that, and so do we."""
    session = LeanSession()
    url = "http://api.test/x"
    session.merge_environment_settings(url, {}, True, None, None)  # kept for the real environment
    monkeypatch.setattr(os, "environ", {"HTTP_PROXY": "http://p9:9"})
    assert session.merge_environment_settings(url, {}, True, None, None)["proxies"] == {"http": "http://p9:9"}


def test_a_pickled_session_answers_as_before(restored_environment: None) -> None:
    os.environ["HTTPS_PROXY"] = "http://p1:1"
    session = LeanSession()
    before = session.merge_environment_settings("https://api.test/x", {}, True, None, None)
    copy = pickle.loads(pickle.dumps(session))
    assert isinstance(copy, LeanSession)
    assert copy.merge_environment_settings("https://api.test/x", {}, True, None, None) == before
    os.environ["HTTPS_PROXY"] = "http://p2:2"
    assert copy.merge_environment_settings("https://api.test/x", {}, True, None, None)["proxies"] == {
        "https": "http://p2:2"
    }


def test_the_kept_answers_stay_bounded_however_many_hosts(restored_environment: None) -> None:
    session = LeanSession()
    for port in range(1, 500):
        session.merge_environment_settings(f"http://host-{port}.test/x", {}, True, None, None)
    assert len(session._kept) <= session._kept.size


def _hook(response: requests.Response, *args: Any, **kwargs: Any) -> None:
    pass


_session_change = st.one_of(
    st.tuples(
        st.just("header"), st.sampled_from(["Accept", "X-A", "user-agent"]), st.sampled_from(["1", None])
    ),
    st.tuples(st.just("param"), st.sampled_from(["a", "b"]), st.sampled_from(["1", None, ["x", "y"]])),
    st.tuples(st.just("auth"), st.sampled_from([None, ("user", "pass")])),
    st.tuples(st.just("cookie"), st.sampled_from(["session", "other"])),
    st.tuples(st.just("trust_env"), st.booleans()),
    st.tuples(st.just("hook"), st.just(_hook)),
)
_request = st.fixed_dictionaries(
    {
        "method": st.sampled_from(["GET", "post", "Patch"]),
        "url": st.sampled_from(
            ["http://api.test/documents", "https://api.test/a?b=1", "http://127.0.0.1:9/x"]
        ),
        "headers": st.sampled_from(
            [None, {}, {"Accept": None}, {"x-a": "2"}, {"Content-Type": "application/json"}, {"X-A": None}]
        ),
        "params": st.sampled_from(
            [
                None,
                {},
                {"b": 2},
                {"a": None},
                {"l": [1, 2]},
                {"maxResults": 100, "nextToken": "t"},
                [("c", "3")],
            ]
        ),
        "data": st.sampled_from([None, b"raw", {"k": "v"}]),
        "auth": st.sampled_from([None, "bearer", ("u", "p")]),
        "cookies": st.sampled_from([None, {"c": "v"}]),
        "hooks": st.sampled_from([None, {"response": [_hook]}]),
    }
)


def _prepared(prepared: requests.PreparedRequest) -> object:
    return (
        prepared.method,
        prepared.url,
        list(prepared.headers.items()),
        prepared.body,
        {event: list(hooks) for event, hooks in prepared.hooks.items()},
        sorted((cookie.name, cookie.value, cookie.domain) for cookie in prepared._cookies),  # type: ignore[attr-defined]
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(_session_change, max_size=6), request=_request)
def test_every_prepared_request_is_requests_own(
    restored_environment: None, tmp_path: Path, changes: list[tuple[Any, ...]], request: dict[str, Any]
) -> None:
    """Whatever the session's headers, parameters, auth, cookies and hooks and whatever the
    request gives, the prepared request is the one a plain requests.Session prepares."""
    netrc = tmp_path / "netrc"  # applied by both where no auth is given and trust_env holds
    netrc.write_text("machine api.test login from-netrc password secret\n")
    netrc.chmod(0o600)
    os.environ["NETRC"] = str(netrc)
    sessions = [requests.Session(), las._lean_session.LeanSession()]
    for session in sessions:
        for change in changes:
            kind = change[0]
            if kind == "header":
                session.headers[change[1]] = change[2]
            elif kind == "param":
                session.params[change[1]] = change[2]
            elif kind == "auth":
                session.auth = change[1]
            elif kind == "cookie":
                session.cookies.set(change[1], "value", domain="api.test")
            elif kind == "trust_env":
                session.trust_env = change[1]
            else:
                session.hooks["response"].append(change[1])
    given = dict(request)
    if given["auth"] == "bearer":
        given["auth"] = las._transport.BearerAuth("token")
    plain, lean = (_prepared(session.prepare_request(requests.Request(**given))) for session in sessions)
    assert lean == plain


def test_hosts_behind_a_long_scheme_are_told_apart(restored_environment: None) -> None:
    """A scheme a mounted adapter serves (requests-unixsocket's ``http+unix://``) is longer than
    https's: the host after it still decides whether NO_PROXY bypasses the proxy."""
    os.environ["ALL_PROXY"] = "http://p1:1"
    os.environ["NO_PROXY"] = "%2fb.sock"
    lean, plain = LeanSession(), requests.Session()
    for url in ("http+unix://%2Fa.sock/info", "http+unix://%2Fb.sock/info"):
        ours = lean.merge_environment_settings(url, {}, None, None, None)
        assert ours == plain.merge_environment_settings(url, {}, None, None, None), url


def test_an_answer_read_while_another_thread_changed_the_environment_is_not_kept(
    restored_environment: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another thread sets a proxy while requests reads the environment, then puts it back: the
    next request sees the environment as it is, not the answer read in between."""
    os.environ["HTTP_PROXY"] = "http://p1:1"
    original = requests.sessions.get_environ_proxies

    def changed_meanwhile(url: str, no_proxy: str | None = None) -> dict[str, str]:
        os.environ["HTTP_PROXY"] = "http://p2:2"  # as another thread would, mid-read
        return original(url, no_proxy=no_proxy)

    session = LeanSession()
    with monkeypatch.context() as patched:
        patched.setattr(requests.sessions, "get_environ_proxies", changed_meanwhile)
        session.merge_environment_settings("http://api.test/x", {}, None, None, None)
    os.environ["HTTP_PROXY"] = "http://p1:1"
    settings = session.merge_environment_settings("http://api.test/x", {}, None, None, None)
    assert settings["proxies"] == {"http": "http://p1:1"}


def test_a_session_whose_proxies_are_none_answers_as_requests(restored_environment: None) -> None:
    os.environ["HTTP_PROXY"] = "http://p1:1"
    lean, plain = LeanSession(), requests.Session()
    lean.proxies = plain.proxies = None  # type: ignore[assignment]  # requests takes it: no session proxies
    url = "http://api.test/x"
    assert lean.merge_environment_settings(url, {}, None, None, None) == plain.merge_environment_settings(
        url, {}, None, None, None
    )


def test_the_proxies_given_are_of_the_type_requests_gives(restored_environment: None) -> None:
    os.environ["HTTP_PROXY"] = "http://p1:1"
    url = "http://api.test/x"
    lean = LeanSession()
    lean.merge_environment_settings(url, {}, None, None, None)  # then kept
    ours = lean.merge_environment_settings(url, {}, None, None, None)["proxies"]
    theirs = requests.Session().merge_environment_settings(url, {}, None, None, None)["proxies"]
    assert (type(ours), ours) == (type(theirs), theirs)


def test_proxies_from_a_function_a_program_patched_into_requests_are_not_kept(
    restored_environment: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A program (or a test) may give requests its proxies from elsewhere than the environment,
    by patching requests' own names for urllib's functions: requests' answer is then its own."""
    url = "http://api.test/x"
    session = LeanSession()
    with monkeypatch.context() as patched:
        patched.setattr(requests.utils, "getproxies", lambda: {"http": "http://pac:1"})
        assert session.merge_environment_settings(url, {}, None, None, None)["proxies"] == {
            "http": "http://pac:1"
        }
    assert session.merge_environment_settings(url, {}, None, None, None)["proxies"] == {}
