"""The HTTP side: a ``ThreadingHTTPServer`` (HTTP/1.1, keep-alive) in front of :class:`Service`.

:class:`Service` turns one raw request into one response (or none, for a dropped connection):
it records the request, applies faults, answers the token endpoint, routes, authenticates,
validates, runs the handler under the state lock, runs docker transitions outside the lock, and
serialises compact JSON. Before it, the connection's handler refuses what cannot be read as a
request within the limits of :mod:`las.testing._limits`: a malformed request line or headers,
a body too large (413) or framed wrongly (400), a request too slow to arrive (408). Then the
order of checks for an API request: unknown path (404); ``OPTIONS``,
the CORS preflight, answered 200 without a token as the contract declares; a method the path
does not have (405 with ``Allow``: any method, ``HEAD`` and ``TRACE`` included, always in the
JSON error shape); then authentication (401 without a bearer token; 403 ``{"message":
"Forbidden"}``, as the API Gateway says it, for an unknown, expired or revoked one), then
malformed path ids, query and body (400, also for JSON beyond the limits; 415 for a body that
is not JSON), then the handler.
Every answer carries ``x-amzn-RequestId`` and ``Access-Control-Allow-Origin: *``; answers to
``HEAD`` have headers only.
"""

from __future__ import annotations

import base64
import binascii
import http
import io
import json
import math
import secrets
import socket
import ssl
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from las.testing import _account, _files, _workflows
from las.testing._contracts import DEFAULT_CONTRACT, V2024, check_contract
from las.testing._faults import TOKEN_PATHS, Faults
from las.testing._framing import DeadlineReader, FramingError, body_length, read_body
from las.testing._handlers import add_app_client, new_organization
from las.testing._ids import new_id
from las.testing._limits import MAX_BODY_BYTES, ConnectionLimits
from las.testing._request import ApiRequest
from las.testing._routes import TABLES
from las.testing._store import ApiError, State
from las.testing._validation import ValidationError, decode_json

# What a CORS preflight may ask to send: API Gateway's default list.
CORS_ALLOW_HEADERS = "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token"
MAX_REQUEST_LINE = 65536  # bytes, as the standard library's limit of a header line


@dataclass(frozen=True)
class RecordedRequest:
    """One request received by the emulator, as seen on the wire.

    ``headers`` keeps the names as sent; ``json`` is the decoded body (None when empty or not
    JSON); ``status`` is what the emulator answered (0 when the connection was dropped, also
    after handling the request when its answer was lost on purpose);
    ``received_at`` is ``time.monotonic()`` on arrival, to measure the waits between requests.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    json: Any
    status: int
    received_at: float = 0.0


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)


def json_response(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Response:
    body = b"" if payload is None else json.dumps(payload, separators=(",", ":")).encode()
    return Response(status, body, headers=list((headers or {}).items()))


def error_response(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    return json_response(status, {"message": message}, headers)


class Service:
    """All behaviour of the emulator except the socket handling."""

    def __init__(
        self, client_id: str, client_secret: str, token_ttl: float, contract: str = DEFAULT_CONTRACT
    ) -> None:
        self.contract = check_contract(contract)
        self.routes = TABLES[self.contract]
        self.scheme = "http"  # of the file URLs answered (las.testing._files); https with TLS
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_ttl = token_ttl
        self.organization_id = new_id("organization")
        self.app_client_id = new_id("app-client")
        self.faults = Faults()
        self._records: list[RecordedRequest | None] = []
        self._records_lock = threading.Lock()
        self._tokens: dict[str, tuple[str, float]] = {}  # token -> (app client id, expiry)
        self._tokens_lock = threading.Lock()
        self.token_grants = 0
        self.state = State()
        self.reset()

    # -- state -----------------------------------------------------------------------------

    def reset(self) -> None:
        """Fresh state, no faults, no recorded requests; issued tokens of the emulator's own app
        client stay valid."""
        state = State(self.contract)
        state.organization = new_organization(state, self.organization_id, "Emulated organization")
        add_app_client(
            state,
            None,
            self.client_id,
            self.client_secret,
            {"name": "las emulator", "description": "The emulator's own app client"},
            app_client_id=self.app_client_id,
        )
        if self.contract == V2024:
            _account.seed(state)
        self.state = state
        self.faults.clear()
        with self._records_lock:
            self._records = []
        with self._tokens_lock:
            self.token_grants = 0

    def expire_tokens(self) -> None:
        with self._tokens_lock:
            self._tokens.clear()

    def recorded(self) -> list[RecordedRequest]:
        with self._records_lock:
            return [record for record in self._records if record is not None]

    def clear_records(self) -> None:
        with self._records_lock:
            self._records = []

    # -- one request -----------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Response | None:
        """Answer one request; None means: close the connection without answering."""
        parts = urlsplit(target)
        path = parts.path or "/"
        query = parse_qs(parts.query, keep_blank_values=True)
        received_at = time.monotonic()
        with self._records_lock:
            records = self._records
            slot = len(records)
            records.append(None)
        action = self.faults.decide(method, path)
        if action.delay:
            time.sleep(action.delay)
        # A file's bytes are not JSON: not decoded (nor copied) for the record.
        content = _Body(body, decode=not path.startswith(_files.FILES_PATH))
        response: Response | None
        if action.drop:
            response = None
        elif action.status is not None:
            response = Response(action.status, action.body, action.content_type, list(action.headers))
        else:
            response = self._answer(method, path, query, headers, content)
            if action.lose:  # the work is done; the answer never leaves
                response = None
        record = RecordedRequest(
            method,
            path,
            query,
            dict(headers),
            body,
            content.value,
            response.status if response else 0,
            received_at,
        )
        with self._records_lock:
            if records is self._records:  # not cleared meanwhile
                records[slot] = record
        return response

    def _answer(
        self, method: str, path: str, query: dict[str, list[str]], headers: Mapping[str, str], body: _Body
    ) -> Response:
        lowered = {name.lower(): value for name, value in headers.items()}
        try:
            if path in TOKEN_PATHS:
                return self._token(method, query, lowered, body.raw)
            if self.contract == V2024 and path.startswith(_files.FILES_PATH):
                status, data, content_type, extra = _files.answer(self.state, method, path, lowered, body.raw)
                return Response(status, data, content_type, extra)
            return self._api(method, path, query, lowered, body)
        except ApiError as error:
            return error_response(error.status, error.message, error.headers)
        except ValidationError as error:
            return error_response(400, str(error))
        except Exception as error:  # a bug in the emulator: say so, loudly
            traceback.print_exc(file=sys.stderr)
            return error_response(500, f"internal emulator error: {error!r}")

    def _token(
        self, method: str, query: dict[str, list[str]], headers: dict[str, str], body: bytes
    ) -> Response:
        if method != "POST":
            raise ApiError(405, f"{method} not allowed on the token endpoint; use POST", {"Allow": "POST"})
        form = parse_qs(body.decode("utf-8", "replace"))
        grant = (query.get("grant_type") or form.get("grant_type") or [""])[0]
        if grant != "client_credentials":
            raise ApiError(400, f"unsupported grant_type {grant!r}; use client_credentials")
        client_id, client_secret = _basic_credentials(headers.get("authorization", ""))
        if client_id is None:
            client_id = (form.get("client_id") or [""])[0]
            client_secret = (form.get("client_secret") or [""])[0]
        state = self.state
        with state.lock:
            owner = next(
                (
                    row["appClientId"]
                    for row in state.app_clients
                    if row["clientId"] == client_id
                    and row["_clientSecret"] is not None
                    and secrets.compare_digest(row["_clientSecret"], client_secret or "")
                ),
                None,
            )
        if owner is None:
            raise ApiError(
                401, "invalid client credentials: send HTTP Basic auth with the client id and client secret"
            )
        token = secrets.token_urlsafe(32)
        with self._tokens_lock:
            self._tokens[token] = (owner, time.monotonic() + self.token_ttl)
            self.token_grants += 1
        return json_response(
            200,
            {"access_token": token, "token_type": "Bearer", "expires_in": max(1, math.ceil(self.token_ttl))},
        )

    def _authenticate(self, headers: dict[str, str], state: State) -> str:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(
                401,
                "Unauthorized: send 'Authorization: Bearer <access token>'; get "
                "a token from POST /token?grant_type=client_credentials",
            )
        token = token.strip()
        with self._tokens_lock:
            entry = self._tokens.get(token)
            if entry is not None and time.monotonic() >= entry[1]:
                del self._tokens[token]
                entry = None
            if entry is None:
                raise ApiError(403, "Forbidden")  # unknown or expired: API Gateway says no more
        with state.lock:
            if state.app_clients.get(entry[0]) is None:
                raise ApiError(403, "Forbidden")  # the token's app client was deleted
        return entry[0]

    def _api(
        self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], body: _Body
    ) -> Response:
        found = self.routes.resolve(method, path)
        if isinstance(found, list):
            if not found:
                raise ApiError(404, f"no such path: {path}")
            if method == "OPTIONS":
                return json_response(
                    200,
                    {},
                    {
                        "Access-Control-Allow-Methods": ",".join(found),
                        "Access-Control-Allow-Headers": CORS_ALLOW_HEADERS,
                    },
                )
            if method in found:
                raise ApiError(404, f"{method} {path} is an operation of the API that is not emulated")
            allowed = ", ".join(found)
            raise ApiError(405, f"{method} is not allowed on {path}; allowed: {allowed}", {"Allow": allowed})
        route, params = found
        state = self.state
        caller = self._authenticate(headers, state)
        self.routes.check_params(route, params)
        route.query.check(query)
        data: Any = None
        if route.body is not None:
            content_type = headers.get("content-type", "application/json")
            if body.raw.strip() and not content_type.lower().startswith("application/json"):
                raise ApiError(415, f"unsupported Content-Type {content_type!r}; send application/json")
            data = body.decoded() if body.raw.strip() else {}
            route.body.check(data, "body")
        origin = _files.origin_of(self.scheme, headers.get("host", "localhost"))
        request = ApiRequest(state, params, query, data, caller, origin=origin)
        with state.lock:
            status, payload = route.handler(request)
        self._run_docker_jobs(request)
        if callable(payload):
            with state.lock:
                payload = payload()
        return json_response(status, self.routes.shape(route, payload))

    def refuse_early(self, method: str, path: str, headers: Mapping[str, str]) -> Response | None:
        """The answer to a request refused from its headers, before its body is read (a file
        upload too large or without a length: see :mod:`las.testing._files`), else None."""
        if self.contract != V2024 or not path.startswith(_files.FILES_PATH):
            return None
        refused = _files.refuse_upload(method, headers)
        return error_response(*refused) if refused else None

    def body_limit(self, path: str) -> int:
        """The most bytes a request's body to ``path`` may hold: a file's up to its own limit
        (:data:`las.testing._files.MAX_FILE_BYTES`), any other :data:`MAX_BODY_BYTES`."""
        if self.contract == V2024 and path.startswith(_files.FILES_PATH):
            return _files.MAX_FILE_BYTES
        return MAX_BODY_BYTES

    def _run_docker_jobs(self, request: ApiRequest) -> None:
        """Run the docker transitions this request started (and those they lead to)."""
        _workflows.run_docker_jobs(request)


class _Body:
    """A request body and its JSON, decoded once (within :func:`decode_json`'s limits)."""

    def __init__(self, raw: bytes, *, decode: bool = True) -> None:
        self.raw = raw
        self._problem: ValidationError | None = None
        self.value: Any = None  # the decoded JSON; None when empty or not JSON
        if raw and decode:
            try:
                self.value = decode_json(raw)
            except ValidationError as problem:
                self._problem = problem

    def decoded(self) -> Any:
        """The decoded JSON.

        Raises:
            ValidationError: the body is not JSON within the limits, naming the problem.
        """
        if self._problem is not None:
            raise self._problem
        return self.value


def _basic_credentials(header: str) -> tuple[str | None, str | None]:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    client_id, sep, client_secret = decoded.partition(":")
    return (client_id, client_secret) if sep else (None, None)


class _RequestHandler(BaseHTTPRequestHandler):
    """One connection: requests read within the deadlines of :class:`ConnectionLimits`, framed by
    :mod:`las.testing._framing`, answered by the :class:`Service`.

    What the Service never sees is answered here, in the API's JSON error shape, and the
    connection closed: a malformed request line or headers (400, 414, 431, 505, or 400 for a
    request the client half-closed before its headers ended), a body too large (413) or framed
    wrongly (400), and a request not complete within ``request_timeout`` (408). Requests refused
    here are not recorded.
    """

    protocol_version = "HTTP/1.1"
    server: HTTPServer
    _reader: DeadlineReader
    _linger = False  # the client may still be sending what was refused: drain before closing

    def setup(self) -> None:
        limits = self.server.limits
        if isinstance(self.request, ssl.SSLSocket):  # TLS: shake hands here, off the accept loop
            self.request.settimeout(limits.request_timeout)
            self.request.do_handshake()  # a failure (e.g. plain HTTP) closes the connection
        super().setup()
        # headers and body leave in separate writes: without this, Nagle + delayed ACK add 40 ms
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.rfile.close()  # the standard library's reader has no deadlines: read through ours
        self._reader = DeadlineReader(self.connection)
        self.rfile = io.BufferedReader(self._reader)
        self.server.track(self.connection, add=True)

    def finish(self) -> None:
        self.server.track(self.connection, add=False)
        super().finish()

    def handle(self) -> None:
        super().handle()
        if self._linger:
            self._drain()

    def handle_one_request(self) -> None:
        """Read, answer and write one request; a client too slow gets 408, an idle one is closed."""
        limits = self.server.limits
        self._reader.await_request(limits.idle_timeout, limits.request_timeout)
        try:
            self._handle_one_request()
        except TimeoutError:
            self.close_connection = True
            if self._reader.timed_out and self._reader.started:  # half-sent: say why it ends
                self._refuse(
                    408,
                    f"the request was not complete within {limits.request_timeout:g} s of its first "
                    "byte; send it whole (the emulator's request_timeout)",
                )

    def _handle_one_request(self) -> None:
        line = self.rfile.readline(MAX_REQUEST_LINE + 1)
        while line in (b"\r\n", b"\n"):  # RFC 9112 2.2: ignore empty lines before a request line
            line = self.rfile.readline(MAX_REQUEST_LINE + 1)
        self.raw_requestline = line
        self.requestline = self.command = ""
        self.request_version = self.protocol_version
        if not line:  # the client closed the connection between requests
            self.close_connection = True
            return
        if len(line) > MAX_REQUEST_LINE:
            self.send_error(414, f"request line longer than {MAX_REQUEST_LINE} bytes")
            return
        if not line.endswith(b"\n"):
            self.send_error(400, "the connection ended inside the request line")
            return
        if len(line.split()) == 2:  # the standard library would take it for HTTP/0.9: no status line
            self.send_error(
                400, "a request line without an HTTP version (HTTP/0.9) is not served; send HTTP/1.1"
            )
            return
        if not self.parse_request():
            return
        if self._reader.ended:
            self.send_error(400, "the connection ended before the empty line that ends the headers")
            return
        try:
            urlsplit(self.path)
        except ValueError as error:  # e.g. "http://[": not a request target at all
            self.send_error(400, f"malformed request target {self.path[:80]!r} ({error})")
            return
        self._serve()
        self.wfile.flush()

    def handle_expect_100(self) -> bool:
        """``Expect: 100-continue``: refuse a body too large or framed wrongly before it is sent."""
        try:
            body_length(self.headers)
        except FramingError as refusal:
            self._refuse(refusal.status, str(refusal))
            return False
        return super().handle_expect_100()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer what the standard library refuses before the Service sees it (a malformed
        request line or headers) in the API's JSON error shape too, and close the connection."""
        self.request_version = self.protocol_version  # unparsed yet: else no status line, no headers
        try:
            phrase = http.HTTPStatus(code).phrase
        except ValueError:
            phrase = "Error"
        self._refuse(code, message or phrase)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _refuse(self, status: int, message: str) -> None:
        """Answer an error and close the connection, draining what the client still sends."""
        self.close_connection = True
        self._linger = True
        self._send(error_response(status, message))

    def _serve(self) -> None:
        service = self.server.service
        path = urlsplit(self.path).path
        early = service.refuse_early(self.command, path, dict(self.headers.items()))
        if early is not None:  # the body stays unread: the connection cannot serve another request
            self.close_connection = True
            self._linger = True
            self._send(early)
            return
        try:
            body = read_body(body_length(self.headers, service.body_limit(path)), self.rfile)
        except FramingError as refusal:
            self._refuse(refusal.status, str(refusal))
            return
        response = service.handle(self.command, self.path, dict(self.headers.items()), body)
        if response is None:  # injected fault: drop the connection without a word
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self._send(response)

    def _send(self, response: Response) -> None:
        self.connection.settimeout(self.server.limits.request_timeout)  # a client that never reads
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.send_header("Access-Control-Allow-Origin", "*")
        for name, value in response.headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        else:
            self.send_header("Keep-Alive", f"timeout={self.server.limits.idle_timeout:g}")
        self.end_headers()
        if self.command != "HEAD":  # HEAD: the headers of the answer, never its body
            self.wfile.write(response.body)

    def _drain(self) -> None:
        """Close our side, then read and discard what the client still sends, until it closes or
        ``request_timeout`` passes: a refused request may still be arriving, and closing with
        unread input resets the connection, which some systems (Windows) let destroy the answer
        before the client reads it (RFC 9112 9.6). Linux keeps it, so no test here can show it."""
        deadline = time.monotonic() + self.server.limits.request_timeout
        sink = bytearray(65536)
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            while (remaining := deadline - time.monotonic()) > 0:
                self.connection.settimeout(remaining)
                if not self.connection.recv_into(sink):
                    return
        except OSError:
            pass


class HTTPServer(ThreadingHTTPServer):
    """Threading HTTP server bound to a :class:`Service`; :meth:`close` also ends keep-alives.

    It serves at most ``limits.max_connections`` connections at once: the accept loop waits for
    one of them to close before it accepts another (those wait in the listen queue). With
    ``ssl_context`` (server side) it speaks HTTPS only.
    """

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256  # the default 5 drops/resets connections when many clients start at once

    def __init__(
        self,
        host: str,
        port: int,
        service: Service,
        ssl_context: ssl.SSLContext | None = None,
        limits: ConnectionLimits | None = None,
    ) -> None:
        self.service = service
        self.limits = limits or ConnectionLimits()
        self._slots = threading.BoundedSemaphore(self.limits.max_connections)
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__((host, port), _RequestHandler)
        if ssl_context is not None:
            self.socket = ssl_context.wrap_socket(
                self.socket, server_side=True, do_handshake_on_connect=False
            )

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve ``request`` on a thread of its own once fewer than ``max_connections`` are open."""
        while not self._slots.acquire(timeout=0.05):
            if self._stopping.is_set():
                self.shutdown_request(request)
                return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def shutdown(self) -> None:
        self._stopping.set()  # an accept loop waiting for a free slot stops waiting
        super().shutdown()

    def track(self, connection: socket.socket, *, add: bool) -> None:
        with self._connections_lock:
            if add:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):  # client went away: not our problem
            return
        super().handle_error(request, client_address)

    def close(self) -> None:
        """Stop accepting and close every open connection (idle keep-alives included)."""
        self.server_close()
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
