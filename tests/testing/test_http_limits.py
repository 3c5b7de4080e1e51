"""What one request and one connection may cost the emulator, and how it answers past that: a
body over the size limit gets 413 before it is read, malformed framing and JSON too deep get
400, slow and idle connections are closed after their timeouts, and connections past the
maximum wait without slowing those being served. Every refusal is an HTTP answer in the API's
error shape, never a dropped connection."""

from __future__ import annotations

import base64
import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import las
from las.testing import Emulator
from las.testing._limits import (
    DEFAULT_IDLE_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_REQUEST_TIMEOUT,
    MAX_BODY_BYTES,
    MAX_JSON_CONTAINERS,
    MAX_JSON_DEPTH,
)
from las.testing.cli import serve
from tests.testing._api import Api, token_for
from tests.testing._raw_http import (
    assert_error_shape,
    exchange,
    only,
    parse_answers,
    peak_rss_growth,
    read_answer,
    read_to_end,
)
from tests.testing._serving import serving

README = Path(__file__).resolve().parents[2] / "README.md"


def token(emulator: Emulator) -> str:
    return str(token_for(emulator).json()["access_token"])


def post(path: str, headers: bytes, body: bytes = b"", *, bearer: str | None = None) -> bytes:
    authorization = f"Authorization: Bearer {bearer}\r\n".encode() if bearer else b""
    return (
        f"POST {path} HTTP/1.1\r\nHost: emulator\r\nContent-Type: application/json\r\n".encode()
        + authorization
        + headers
        + b"\r\n"
        + body
    )


def nested_object(depth: int) -> bytes:
    """JSON text of ``depth`` objects inside each other."""
    return b'{"a":' * (depth - 1) + b"{}" + b"}" * (depth - 1)


@contextlib.contextmanager
def emulator_with(**limits: float) -> Iterator[Emulator]:
    with Emulator(**limits) as emulator:  # type: ignore[arg-type]
        yield emulator


# -- request bodies: size ----------------------------------------------------------------------


def test_a_content_length_over_the_limit_is_answered_413_without_waiting_for_the_body(
    las_emulator: Emulator,
) -> None:
    answer = only(
        exchange(las_emulator, post("/datasets", b"Content-Length: 1000000000\r\n"), half_close=False)
    )
    assert_error_shape(answer, 413)
    assert str(MAX_BODY_BYTES) in answer.message
    assert answer.headers["connection"] == "close"
    assert las_emulator.requests == []  # refused before it reached the API


def test_a_100_mb_body_is_refused_without_being_read_into_memory(las_emulator: Emulator) -> None:
    size = 100 * 1024 * 1024
    piece = b" " * (1024 * 1024)
    with peak_rss_growth() as growth:
        with socket.create_connection((las_emulator.host, las_emulator.port), timeout=30) as connection:
            connection.sendall(post("/datasets", f"Content-Length: {size}\r\n".encode()))
            with contextlib.suppress(OSError):  # the server may stop reading once it has answered
                for _ in range(size // len(piece)):
                    connection.sendall(piece)
            answer = only(parse_answers(read_to_end(connection, 30)))
    assert_error_shape(answer, 413)
    assert growth[0] < 50 * 1024 * 1024, f"RSS grew by {growth[0] / 2**20:.0f} MiB"


def test_a_chunked_body_over_the_limit_is_answered_413(las_emulator: Emulator) -> None:
    chunk = b"%x\r\n%s\r\n" % (1024 * 1024, b" " * (1024 * 1024))
    data = post("/datasets", b"Transfer-Encoding: chunked\r\n", chunk * 9 + b"0\r\n\r\n")
    assert_error_shape(only(exchange(las_emulator, data)), 413)


def test_expect_100_continue_with_a_body_too_large_gets_413_instead_of_100(las_emulator: Emulator) -> None:
    data = post("/datasets", b"Expect: 100-continue\r\nContent-Length: 999999999\r\n")
    assert_error_shape(only(exchange(las_emulator, data, half_close=False)), 413)


def test_the_largest_document_of_the_api_fits_under_the_limit(las_client: las.Client) -> None:
    content = b"%PDF" + b"\x00" * (4_687_500 - 4)  # 6,250,000 base64 characters: the contract's maximum
    document = las_client.create_document(
        content, "application/pdf", ground_truth=[{"label": "a", "value": "b"}]
    )
    assert len(base64.b64decode(las_client.get_document(document["documentId"])["content"])) == len(content)


# -- request bodies: framing -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "body", "named"),
    [
        (b"Content-Length: abc\r\n", b"{}", "Content-Length"),
        (b"Content-Length: 1e15\r\n", b"{}", "Content-Length"),
        (b"Content-Length: -5\r\n", b"{}", "Content-Length"),
        (b"Content-Length: +2\r\n", b"{}", "Content-Length"),
        (b"Content-Length: 2\r\nContent-Length: 3\r\n", b"{} ", "Content-Length"),
        (b"Transfer-Encoding: chunked\r\n", b"zz\r\n{}\r\n0\r\n\r\n", "chunk size"),
        (b"Transfer-Encoding: chunked\r\n", b"1\r\n{}\r\n0\r\n\r\n", "chunk"),
        (b"Transfer-Encoding: chunked\r\n", b"2\r\n{}\r\n", "ended inside the chunked body"),
        (b"Transfer-Encoding: gzip\r\n", b"{}", "Transfer-Encoding"),
        (b"Transfer-Encoding: chunked\r\nContent-Length: 2\r\n", b"2\r\n{}\r\n0\r\n\r\n", "not both"),
    ],
)
def test_malformed_framing_is_answered_400_and_never_carried_out(
    las_emulator: Emulator, headers: bytes, body: bytes, named: str
) -> None:
    bearer = token(las_emulator)
    las_emulator.clear_requests()
    answer = only(exchange(las_emulator, post("/datasets", headers, body, bearer=bearer)))
    assert_error_shape(answer, 400)
    assert named in answer.message
    assert answer.headers["connection"] == "close"
    assert las_emulator.requests == []
    assert Api(las_emulator).get("/datasets")["datasets"] == []


def test_a_body_cut_short_is_answered_400_and_never_carried_out(las_emulator: Emulator) -> None:
    data = post("/datasets", b"Content-Length: 100\r\n", b"{}", bearer=token(las_emulator))
    answer = only(exchange(las_emulator, data))  # we close our side after 2 of 100 bytes
    assert_error_shape(answer, 400)
    assert "ended after 2 of the body's 100 bytes" in answer.message
    assert Api(las_emulator).get("/datasets")["datasets"] == []


def test_headers_cut_short_are_answered_400_and_never_carried_out(las_emulator: Emulator) -> None:
    data = post("/datasets", b"", bearer=token(las_emulator))[: -len(b"\r\n")] + b"X-Half: a"
    answer = only(exchange(las_emulator, data))
    assert_error_shape(answer, 400)
    assert "ended before the empty line" in answer.message
    assert Api(las_emulator).get("/datasets")["datasets"] == []


def test_a_body_that_never_arrives_is_answered_408_after_the_request_timeout() -> None:
    with emulator_with(request_timeout=0.5) as emulator:
        data = post("/datasets", b"Content-Length: 10\r\n", b"{")
        started = time.monotonic()
        answer = only(exchange(emulator, data, half_close=False))
        assert_error_shape(answer, 408)
        assert time.monotonic() - started >= 0.5
        assert "0.5 s" in answer.message


# -- request bodies: JSON ------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 990, 50_000])
def test_json_nested_deeper_than_the_limit_is_answered_400(las_emulator: Emulator, depth: int) -> None:
    body = nested_object(depth)
    data = post("/secrets", b"Content-Length: %d\r\n" % len(body), body, bearer=token(las_emulator))
    answer = only(exchange(las_emulator, data))
    assert_error_shape(answer, 400)
    assert f"nested {depth} deep" in answer.message and str(MAX_JSON_DEPTH) in answer.message


@pytest.mark.parametrize("depth", [990, 50_000])
def test_json_nested_deep_without_a_token_is_answered_401(las_emulator: Emulator, depth: int) -> None:
    body = nested_object(depth)
    answer = only(exchange(las_emulator, post("/secrets", b"Content-Length: %d\r\n" % len(body), body)))
    assert_error_shape(answer, 401)


def test_json_nested_exactly_to_the_limit_is_taken(las_emulator: Emulator) -> None:
    secret = json.loads(b'{"data":' + nested_object(MAX_JSON_DEPTH - 1) + b"}")
    Api(las_emulator).post("/secrets", secret)


def test_too_many_arrays_and_objects_are_answered_400(las_emulator: Emulator) -> None:
    body = b'{"data":{"a":[' + b"[]," * MAX_JSON_CONTAINERS + b"[]]}}"
    response = Api(las_emulator, check=False).http.post(f"{las_emulator.url}/secrets", data=body, timeout=10)
    assert response.status_code == 400
    assert str(MAX_JSON_CONTAINERS) in response.json()["message"]


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (b'{"data": {"x": NaN}}', "NaN is not JSON"),
        (b'{"data": {"x": -Infinity}}', "-Infinity is not JSON"),
        (b'{"data": {"x": 1e999}}', "out of range"),
        (b'{"data": {"x": "\\ud800"}}', "lone UTF-16 surrogate"),
        (b'{"data": {"\\udfff": 1}}', "lone UTF-16 surrogate"),
        (b'{"data": {"x": "\xff"}}', "not UTF-8"),
    ],
)
def test_json_that_is_not_portable_is_answered_400(las_emulator: Emulator, body: bytes, named: str) -> None:
    response = Api(las_emulator, check=False).http.post(f"{las_emulator.url}/secrets", data=body, timeout=10)
    assert response.status_code == 400, response.text
    assert named in response.json()["message"]


def test_surrogate_pairs_are_taken(las_emulator: Emulator) -> None:
    response = Api(las_emulator, check=False).http.post(
        f"{las_emulator.url}/secrets", data=b'{"data": {"x": "\\ud83d\\ude00"}}', timeout=10
    )
    assert response.status_code == 200, response.text


def test_a_page_token_holding_deep_json_is_answered_400(las_emulator: Emulator) -> None:
    forged = base64.urlsafe_b64encode(b"[" * 5000).decode().rstrip("=")
    body = Api(las_emulator).get("/datasets", params={"nextToken": forged}, expect=400)
    assert "invalid page token" in body["message"]


# -- request line ----------------------------------------------------------------------------------


def test_a_target_that_is_not_a_url_is_answered_400(las_emulator: Emulator) -> None:
    answer = only(exchange(las_emulator, b"GET http://[ HTTP/1.1\r\nHost: x\r\n\r\n"))
    assert_error_shape(answer, 400)
    assert "malformed request target" in answer.message


def test_an_http_0_9_request_is_answered_400_with_a_status_line(las_emulator: Emulator) -> None:
    answer = only(exchange(las_emulator, b"GET /documents\r\n"))
    assert_error_shape(answer, 400)
    assert "HTTP/0.9" in answer.message
    with socket.create_connection((las_emulator.host, las_emulator.port), timeout=10) as connection:
        connection.sendall(b"GET /documents\r\n")  # at once, without waiting for headers that never come
        assert_error_shape(only(parse_answers(read_to_end(connection, 5))), 400)


def test_empty_lines_before_a_request_are_ignored(las_emulator: Emulator) -> None:
    answers = exchange(las_emulator, b"\r\n\r\nGET /documents HTTP/1.1\r\nHost: x\r\n\r\n")
    assert_error_shape(only(answers), 401)


# -- connections -----------------------------------------------------------------------------------


def test_an_idle_connection_is_closed_after_the_idle_timeout() -> None:
    with emulator_with(idle_timeout=0.3) as emulator:
        with socket.create_connection((emulator.host, emulator.port), timeout=10) as connection:
            assert read_to_end(connection, 10) == b""  # closed without an answer: nothing was asked
        with socket.create_connection((emulator.host, emulator.port), timeout=10) as connection:
            connection.sendall(b"GET /documents HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = only(parse_answers(read_to_end(connection, 10)))  # kept alive, then closed
        assert answer.status == 401 and answer.headers["keep-alive"] == "timeout=0.3"


def test_a_slow_loris_is_answered_408_and_closed_within_the_request_timeout() -> None:
    with emulator_with(request_timeout=1.0, idle_timeout=30) as emulator:
        with socket.create_connection((emulator.host, emulator.port), timeout=10) as connection:
            connection.sendall(b"GET /documents HTTP/1.1\r\n")
            started = time.monotonic()
            connection.settimeout(0.1)
            received = b""
            while time.monotonic() - started < 8:  # one byte of a header every 0.1 s
                with contextlib.suppress(OSError):
                    connection.send(b"X")
                try:
                    chunk = connection.recv(65536)
                except TimeoutError:
                    continue
                if not chunk:
                    break
                received += chunk
            elapsed = time.monotonic() - started
    answer = only(parse_answers(received))
    assert_error_shape(answer, 408)
    assert 1.0 <= elapsed < 8


def test_two_hundred_slow_sockets_are_closed_while_an_sdk_client_keeps_working(tmp_path: Path) -> None:
    with emulator_with(idle_timeout=1.0, request_timeout=1.5) as emulator:
        credentials = emulator.credentials(cache_path=tmp_path / "token-cache.json")
        client = las.Client(session=las.Session(credentials, max_retries=0, timeout=(5.0, 5.0)))
        client.list_datasets()
        silent = [socket.create_connection((emulator.host, emulator.port), timeout=10) for _ in range(100)]
        dribbling = [socket.create_connection((emulator.host, emulator.port), timeout=10) for _ in range(100)]
        for connection in dribbling:
            connection.sendall(b"POST /datasets HTTP/1.1\r\nX: ")
        calls: list[str] = []
        failures: list[BaseException] = []
        stop = threading.Event()

        def use_the_sdk() -> None:
            while not stop.is_set():
                try:
                    calls.append(client.create_dataset(name="busy")["datasetId"])
                    client.list_datasets()
                except BaseException as error:  # collected for the assertion
                    failures.append(error)
                    return
                time.sleep(0.05)

        worker = threading.Thread(target=use_the_sdk)
        worker.start()
        started = time.monotonic()
        open_ones = set(dribbling)
        while open_ones and time.monotonic() - started < 3:
            for connection in list(open_ones):
                try:
                    connection.send(b"x")
                except OSError:
                    open_ones.discard(connection)
            time.sleep(0.2)
        stop.set()
        worker.join(10)
        assert failures == [] and len(calls) >= 5, (failures, len(calls))
        for connection in silent + dribbling:
            with connection:
                received = read_to_end(connection, max(0.1, started + 8 - time.monotonic()))
                if connection in dribbling:
                    assert_error_shape(only(parse_answers(received)), 408)
                else:
                    assert received == b""
        client.session.close()


def test_connections_past_the_maximum_wait_while_established_ones_go_on() -> None:
    request = b"GET /documents HTTP/1.1\r\nHost: x\r\n\r\n"
    with emulator_with(max_connections=2, idle_timeout=1.0) as emulator:
        address = (emulator.host, emulator.port)
        with (
            socket.create_connection(address, timeout=10) as established,
            socket.create_connection(address, timeout=10) as silent,
        ):
            established.sendall(request)
            assert read_answer(established).status == 401
            time.sleep(0.1)  # both slots taken: the established connection and the silent one
            with socket.create_connection(address, timeout=10) as waiting:
                waiting.sendall(request)
                waiting.settimeout(0.05)
                answered_meanwhile = 0
                started = time.monotonic()
                queued_answer = b""
                while not queued_answer and time.monotonic() - started < 8:
                    established.sendall(request)
                    assert read_answer(established).status == 401
                    answered_meanwhile += 1
                    with contextlib.suppress(TimeoutError):
                        queued_answer = waiting.recv(65536)
                    if time.monotonic() - started < 0.5:
                        assert queued_answer == b"", "served past the maximum of 2 connections"
                waited = time.monotonic() - started
            assert queued_answer.startswith(b"HTTP/1.1 401 "), queued_answer[:100]
            assert read_to_end(silent, 1) == b""  # its slot went to the waiting connection
    assert waited >= 0.5 and answered_meanwhile >= 5


def test_limits_that_are_not_positive_are_refused() -> None:
    for limits in ({"idle_timeout": 0}, {"request_timeout": float("inf")}, {"max_connections": 0}):
        with pytest.raises(ValueError, match=next(iter(limits))):
            Emulator(**limits)  # type: ignore[arg-type]
    assert serve(["--max-connections", "0"]) == 2


def test_las_serve_takes_the_timeouts() -> None:
    with serving(["--idle-timeout", "0.3", "--request-timeout", "0.4", "--max-connections", "8"]) as text:
        host, port = re.findall(r"serving at http://([\d.]+):(\d+)", text)[0]
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            assert read_to_end(connection, 5) == b""
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            connection.sendall(b"GET /documents HTTP/1.1\r\n")
            assert_error_shape(only(parse_answers(read_to_end(connection, 5))), 408)


def test_the_readme_states_the_limits_the_emulator_enforces() -> None:
    section = README.read_text(encoding="utf-8").split("## Testing your code against the emulator")[1]
    section = section.split("\n## ")[0]
    for fact in (
        f"{MAX_BODY_BYTES // 2**20} MiB",
        f"{MAX_JSON_DEPTH} levels",
        f"{MAX_JSON_CONTAINERS:,} arrays and objects",
        f"{DEFAULT_IDLE_TIMEOUT:g} s",
        f"{DEFAULT_REQUEST_TIMEOUT:g} s",
        f"{DEFAULT_MAX_CONNECTIONS} connections",
    ):
        assert fact in section, fact
