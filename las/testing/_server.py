"""The HTTP side: a ``ThreadingHTTPServer`` (HTTP/1.1, keep-alive) in front of :class:`Service`.

:class:`Service` turns one raw request into one response (or none, for a dropped connection):
it records the request, applies faults, answers the token endpoint, routes, authenticates,
validates, runs the handler under the state lock, runs docker transitions outside the lock, and
serialises compact JSON. Order of checks for an API request: unknown path (404); ``OPTIONS``,
the CORS preflight, answered 200 without a token as the contract declares; a method the path
does not have (405 with ``Allow``: any method, ``HEAD`` and ``TRACE`` included, always in the
JSON error shape); then authentication (401 without a bearer token; 403 ``{"message":
"Forbidden"}``, as the API Gateway says it, for an unknown, expired or revoked one), then
malformed path ids, query and body (400; 415 for a body that is not JSON), then the handler.
Every answer carries ``x-amzn-RequestId`` and ``Access-Control-Allow-Origin: *``; answers to
``HEAD`` have headers only.
"""

from __future__ import annotations

import base64
import binascii
import http
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
from las.testing._call import Call
from las.testing._contracts import DEFAULT_CONTRACT, V2024, check_contract
from las.testing._faults import TOKEN_PATHS, Faults
from las.testing._handlers import add_app_client, new_organization
from las.testing._ids import new_id
from las.testing._routes import TABLES
from las.testing._store import ApiError, State
from las.testing._validation import ValidationError

# What a CORS preflight may ask to send: API Gateway's default list.
CORS_ALLOW_HEADERS = "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token"
HANDSHAKE_TIMEOUT = 10.0  # seconds a TLS client may take to shake hands


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
        response: Response | None
        if action.drop:
            response = None
        elif action.status is not None:
            response = Response(action.status, action.body, action.content_type, list(action.headers))
        else:
            response = self._answer(method, path, query, headers, body)
            if action.lose:  # the work is done; the answer never leaves
                response = None
        try:  # a file's bytes are not JSON: not decoded (nor copied) for the record
            decoded = json.loads(body) if body and not path.startswith(_files.FILES_PATH) else None
        except ValueError:
            decoded = None
        record = RecordedRequest(
            method, path, query, dict(headers), body, decoded, response.status if response else 0, received_at
        )
        with self._records_lock:
            if records is self._records:  # not cleared meanwhile
                records[slot] = record
        return response

    def _answer(
        self, method: str, path: str, query: dict[str, list[str]], headers: Mapping[str, str], body: bytes
    ) -> Response:
        lowered = {name.lower(): value for name, value in headers.items()}
        try:
            if path in TOKEN_PATHS:
                return self._token(method, query, lowered, body)
            if self.contract == V2024 and path.startswith(_files.FILES_PATH):
                status, content, content_type, extra = _files.answer(self.state, method, path, lowered, body)
                return Response(status, content, content_type, extra)
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
        self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], body: bytes
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
            if body.strip() and not content_type.lower().startswith("application/json"):
                raise ApiError(415, f"unsupported Content-Type {content_type!r}; send application/json")
            try:
                data = json.loads(body) if body.strip() else {}
            except ValueError as error:
                raise ValidationError(f"body: invalid JSON ({error})") from None
            route.body.check(data, "body")
        origin = _files.origin_of(self.scheme, headers.get("host", "localhost"))
        call = Call(state, params, query, data, caller, origin=origin)
        with state.lock:
            status, payload = route.handler(call)
        self._run_docker_jobs(call)
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

    def _run_docker_jobs(self, call: Call) -> None:
        """Run the docker transitions this request started (and those they lead to)."""
        _workflows.run_docker_jobs(call)


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
    protocol_version = "HTTP/1.1"
    server: HTTPServer

    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):  # TLS: shake hands here, off the accept loop
            self.request.settimeout(HANDSHAKE_TIMEOUT)
            self.request.do_handshake()  # a failure (e.g. plain HTTP) closes the connection
            self.request.settimeout(None)
        super().setup()
        # headers and body leave in separate writes: without this, Nagle + delayed ACK add 40 ms
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, add=True)

    def finish(self) -> None:
        self.server.track(self.connection, add=False)
        super().finish()

    def parse_request(self) -> bool:
        """Parse the request line and headers, then route every method to :meth:`_serve`.

        The standard library answers a method without a ``do_<METHOD>`` with a 501 HTML page;
        here the Service answers every method, those the API lacks with a JSON 405.
        """
        if not super().parse_request():
            return False
        setattr(self, f"do_{self.command}", self._serve)
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer what the standard library refuses before the Service sees it (a malformed
        request line or headers) in the API's JSON error shape too, and close the connection."""
        self.close_connection = True
        self.request_version = self.protocol_version  # unparsed yet: else no status line, no headers
        try:
            phrase = http.HTTPStatus(code).phrase
        except ValueError:
            phrase = "Error"
        body = json.dumps({"message": message or phrase}, separators=(",", ":")).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        response = self.server.service.refuse_early(self.command, self.path, dict(self.headers.items()))
        if response is not None:  # the body stays unread: the connection cannot serve another request
            self.close_connection = True
            response.headers.append(("Connection", "close"))
        else:
            body = self._read_body()
            response = self.server.service.handle(self.command, self.path, dict(self.headers.items()), body)
        if response is None:  # injected fault: drop the connection without a word
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.send_header("Access-Control-Allow-Origin", "*")
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":  # HEAD: the headers of the answer, never its body
            self.wfile.write(response.body)


class HTTPServer(ThreadingHTTPServer):
    """Threading HTTP server bound to a :class:`Service`; :meth:`close` also ends keep-alives.

    With ``ssl_context`` (server side) it speaks HTTPS only.
    """

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256  # the default 5 drops/resets connections when many clients start at once

    def __init__(
        self, host: str, port: int, service: Service, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        self.service = service
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__((host, port), _RequestHandler)
        if ssl_context is not None:
            self.socket = ssl_context.wrap_socket(
                self.socket, server_side=True, do_handshake_on_connect=False
            )

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
