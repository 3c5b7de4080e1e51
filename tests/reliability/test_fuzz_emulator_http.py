"""The adversarial campaign against everything the emulator parses at the HTTP layer: the request
line, headers, framing (``Content-Length``, chunks), JSON bodies (from the contract's request
schemas and from hostile generators), ids in paths and query strings, sent as raw bytes, one to
three requests per connection, with a valid token, a bad one or none.

Invariants after every example: every request gets a well-formed HTTP/1.1 answer (never a
dropped connection, never a reset), no answer is a 5xx (but 505 for a request line of HTTP/2 or
later, the answer RFC 9110 gives), every error is in the API's JSON shape,
the server closes the connection within a generous bound (10 s; its own request timeout here is
2 s), and the emulator's resident memory (it runs in a process of its own, reset after each
example) stays within 50 MB of where it started, and within 150 MB while a request is served.

CI runs a fixed number of examples with a fixed seed (about 10 s). For a longer local run:
``LAS_FUZZ_EXAMPLES=5000 pytest tests/reliability/test_fuzz_emulator_http.py``.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.reliability._bodies import contract_bodies, hostile_json
from tests.reliability._emulator_process import EmulatorProcess
from tests.reliability._fuzz import OPERATIONS, fuzz_settings
from tests.testing._raw_http import assert_error_shape, exchange

RSS_GROWTH_LIMIT = 50 * 1024 * 1024  # over the whole run
PEAK_LIMIT = 150 * 1024 * 1024  # while one request is served: its body is at most 8 MiB
ANSWER_WITHIN = 10.0  # seconds from the first byte sent to the server closing the connection


HOSTILE_IDS = [
    "",
    ".",
    "..",
    "/",
    "%2F",
    "%2e%2e",
    "%",
    "%zz",
    "%00",
    "%ff",
    "a" * 5000,
    "ü",
    "💥",
    " ",
    "las:document:" + "0" * 31 + "G",
    "LAS:DATASET:" + "F" * 32,
]
WELL_FORMED_IDS = [
    *(f"las:{kind}:{'0' * 32}" for kind in ("document", "dataset", "model", "workflow", "transition")),
    "las:transition:commons-failed",
    "me",
]
METHODS = st.sampled_from(
    ["GET", "POST", "PATCH", "DELETE", "PUT", "OPTIONS", "TRACE", "CONNECT", "get", "X" * 300]
)
VERSIONS = st.sampled_from(
    ["HTTP/1.1"] * 8 + ["HTTP/1.0", "HTTP/2.0", "HTTP/1.1.1", "HTTPS/1.1", "HTTP/01.01", "HTTP/x"]
)
WEIRD_TARGETS = st.sampled_from(
    [
        b"*",
        b"http://[",
        b"http://host/documents",
        b"//documents",
        b"/documents#x",
        b"?",
        b"/%",
        b"/\x7f",
        b"/" + b"a" * 70_000,
    ]
)
QUERY_NAMES = ["maxResults", "nextToken", "datasetId", "status", "sortBy", "order", "transitionId", "bogus"]
deep_token = base64.urlsafe_b64encode(b"[" * 3000).decode().rstrip("=")
query_strings = st.one_of(
    st.just(""),
    st.lists(
        st.tuples(st.sampled_from(QUERY_NAMES) | st.text(max_size=8), st.text(max_size=20)), max_size=4
    ).map(lambda pairs: "&".join(f"{quote(name)}={quote(value)}" for name, value in pairs)),
    st.integers(2, 3000).map(lambda count: "&".join(["maxResults=1"] * count)),
    st.sampled_from([1_000, 60_000, 70_000]).map(lambda size: "nextToken=" + "A" * size),
    st.sampled_from(
        [
            "%",
            "&&&",
            "=",
            "a=%ff",
            "a=%00",
            "maxResults=-1",
            "maxResults=1e3",
            "maxResults=" + "9" * 5000,
            f"nextToken={deep_token}",
        ]
    ),
)
HEADER_LINES = st.sampled_from(
    [
        b"X-Long: " + b"a" * 70_000,
        b" folded continuation",
        b"no colon here",
        b"X-Nul: \x00",
        b"X-Latin: \xff\xfe",
        b"Connection: close",
        b"Connection: keep-alive",
        b"Expect: 100-continue",
        b"Expect: nonsense",
        b"Content-Type: text/plain",
        b"Content-Type: application/json; charset=latin-1",
        b"Authorization: Basic !!!",
        b"Authorization: Bearer",
        b"Host:",
        b": empty name",
    ]
)
FRAMINGS = st.sampled_from(
    [
        "none",
        "short",
        "long",
        "huge",
        "huge",
        "garbage",
        "double",
        "chunked",
        "chunked",
        "bad chunk",
        "both",
        "coding",
    ]
)
BAD_LENGTHS = st.sampled_from(
    ["abc", "1e3", "-1", "", "0x10", "\uff11\uff12", "99999999999999999999999", "1 2", "+4"]
)
CHUNK_DAMAGE = st.sampled_from(["size", "crlf", "end", "longer", "extension", "trailer"])


def _fill(draw: st.DrawFn, template: str, *, hostile: bool) -> str:
    """The path of ``template`` with ids well formed (of an entity that does not exist), or
    hostile ones."""

    def one(match: re.Match[str]) -> str:
        if not hostile:
            return draw(st.sampled_from(WELL_FORMED_IDS))
        if draw(st.booleans()):
            return draw(st.sampled_from(HOSTILE_IDS))
        return quote(draw(st.text(max_size=30)), safe="")

    return re.sub(r"\{(\w+)\}", one, template)


def _frame(draw: st.DrawFn, body: bytes) -> tuple[list[bytes], bytes]:
    """Headers and bytes that carry ``body`` in one of the ways a client may (or should not)."""
    how = draw(FRAMINGS)
    cut = draw(st.integers(1, 20))
    if how == "none":
        return [], body
    if how == "short":
        return [b"Content-Length: %d" % max(0, len(body) - cut)], body
    if how == "long":
        return [b"Content-Length: %d" % (len(body) + cut)], body
    if how == "huge":  # declared, never sent
        return [b"Content-Length: %d" % draw(st.sampled_from([8 * 2**20 + 1, 10**9, 10**18]))], body
    if how == "garbage":
        return [b"Content-Length: " + draw(BAD_LENGTHS).encode()], body
    if how == "double":
        return [b"Content-Length: %d" % len(body), b"Content-Length: %d" % (len(body) + cut)], body
    if how == "both":
        return [b"Content-Length: %d" % len(body), b"Transfer-Encoding: chunked"], body
    if how == "coding":
        return [
            b"Transfer-Encoding: " + draw(st.sampled_from([b"gzip", b"chunked, gzip", b"identity", b"x"]))
        ], body
    size = draw(st.integers(1, 64))
    pieces = [body[start : start + size] for start in range(0, len(body), size)]
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"
    if how == "bad chunk":
        damage = draw(CHUNK_DAMAGE)
        chunks = {
            "size": b"zz\r\n" + chunks,
            "crlf": chunks.replace(b"\r\n", b"", 2)[:-2] if pieces else b"1\r\nab\r\n0\r\n\r\n",
            "end": chunks[: -len(b"0\r\n\r\n")],
            "longer": b"%x\r\n%s\r\n0\r\n\r\n" % (len(body) + cut, body),
            "extension": chunks.replace(b"\r\n", b";name=value\r\n", 1),
            "trailer": chunks[:-2] + b"X-Trailer: 1\r\n\r\n",
        }[damage]
    return [b"Transfer-Encoding: chunked"], chunks


ATTACKS = st.sampled_from(["none", "line", "headers", "auth", "framing", "body", "ids", "query"])


@st.composite
def one_request(draw: st.DrawFn, bearer: str) -> bytes:
    """A request of the contract, well formed but for one part under attack (or none)."""
    attack = draw(ATTACKS)
    method, template = draw(st.sampled_from(OPERATIONS))
    schema_bodies = contract_bodies(method, template)
    version = "HTTP/1.1"
    query = draw(query_strings) if attack == "query" else ""
    target = (_fill(draw, template, hostile=attack == "ids") + ("?" + query if query else "")).encode()
    if attack == "line":
        method = draw(METHODS | st.just(method))
        version = draw(VERSIONS)
        target = draw(WEIRD_TARGETS | st.just(target))
    headers = [b"Host: emulator", b"Content-Type: application/json"]
    authorization = draw(st.sampled_from(["Bearer forged", ""])) if attack == "auth" else f"Bearer {bearer}"
    if authorization:
        headers.append(f"Authorization: {authorization}".encode())
    if attack == "headers":
        headers += draw(st.lists(HEADER_LINES, min_size=1, max_size=2))
        headers += [
            f"{name}: {value}".encode()
            for name, value in draw(
                st.lists(st.tuples(st.text(max_size=10), st.text(max_size=20)), max_size=2)
            )
        ]
        if draw(st.integers(0, 4)) == 0:
            headers += [b"X-Many-%d: 1" % index for index in range(120)]
    body = b""
    if attack == "body":
        body = draw(hostile_json)
    elif schema_bodies is not None:
        body = json.dumps(draw(schema_bodies)).encode()
    framing, payload = (
        _frame(draw, body) if attack == "framing" else ([b"Content-Length: %d" % len(body)], body)
    )
    line = method.encode() + b" " + target + b" " + version.encode()
    return line + b"\r\n" + b"\r\n".join(headers + framing) + b"\r\n\r\n" + payload


@st.composite
def connections(draw: st.DrawFn, bearer: str) -> bytes:
    """One to three requests sent at once on one connection (pipelined)."""
    requests = draw(st.lists(one_request(bearer), min_size=1, max_size=3))
    if draw(st.integers(0, 19)) == 0:
        requests.append(draw(st.binary(max_size=200)))  # and then noise
    return b"".join(requests)


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(idle_timeout=2.0, request_timeout=2.0) as emulator:
        yield emulator


def _well_answered(emulator: EmulatorProcess, data: bytes) -> set[int]:
    """Send ``data``, check every answer; return their statuses."""
    started = time.monotonic()
    answers = exchange(emulator, data, timeout=ANSWER_WITHIN)  # strict: a reset or garbage fails
    assert time.monotonic() - started < ANSWER_WITHIN
    if data.strip(b"\r\n"):
        assert answers, "a request went unanswered"
    for answer in answers:
        # 505 is no failure of the server: the request line named an HTTP version it does not speak
        assert answer.status < 500 or answer.status == 505, (answer.status, answer.body[:300], data[:300])
        if answer.status >= 400:
            assert_error_shape(answer)
        elif answer.body:
            json.loads(answer.body)
    return {answer.status for answer in answers}


def test_every_request_gets_a_well_formed_answer_never_a_5xx_in_bounded_time_and_memory(
    emulator: EmulatorProcess,
) -> None:
    bearer = emulator.access_token()
    statuses: set[int] = set()
    baseline, _ = emulator.memory()
    peak = 0

    @fuzz_settings(ci_examples=250, shared=False)  # all of them in every run: the corners below need them
    @given(data=connections(bearer))
    def check(data: bytes) -> None:
        nonlocal peak
        statuses.update(_well_answered(emulator, data))
        emulator.reset()  # what the requests created, and the request log, are not measured
        peak = max(peak, emulator.memory()[1] - baseline)

    check()
    growth = emulator.memory()[0] - baseline
    assert growth < RSS_GROWTH_LIMIT, f"the emulator's RSS grew by {growth / 2**20:.0f} MiB over the run"
    assert peak < PEAK_LIMIT, f"the emulator's RSS peaked {peak / 2**20:.0f} MiB above the start"
    # the generators reach every corner, not one: successes, refusals of each kind
    missing = {200, 400, 401, 403, 404, 405, 413} - statuses
    assert not missing, f"never answered {sorted(missing)}; answered {sorted(statuses)}"
