"""The :class:`Emulator`: a local, in-memory stand-in for the Lucidtech API over real HTTP."""

from __future__ import annotations

import base64
import secrets
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

from las.testing._clock import Clock
from las.testing._contracts import DEFAULT_CONTRACT, V2024
from las.testing._faults import Fault
from las.testing._files import store_bytes
from las.testing._handlers import DEFAULT_RETENTION_IN_DAYS
from las.testing._ids import new_ids
from las.testing._limits import (
    DEFAULT_IDLE_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_REQUEST_TIMEOUT,
    ConnectionLimits,
)
from las.testing._server import HTTPServer, RecordedRequest, Service
from las.testing._store import now_iso
from las.testing._tls import ThrowawayCA, require_trustme

DEFAULT_CONTENT = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Emulator:
    """A local HTTP server that behaves like the Lucidtech AI Services API.

    The API is served at the root of :attr:`url` (``/documents``, ``/models``, ...) and access
    tokens at ``POST {url}/token?grant_type=client_credentials`` (HTTP Basic auth with
    :attr:`client_id` and :attr:`client_secret`). State lives in memory; :meth:`reset` empties it.

    It answers as one of two API contracts (:attr:`contract`): ``"2021-09-23"`` by default, the
    seed's (documents travel inline as base64), or ``"2024-11-29"``, today's service (documents'
    bytes go to and come from file URLs; trainings, transformations, plans, roles, payment
    methods, deployment environments and profiles; no batches). Requests are checked and answers
    shaped by the contract it serves.

    Example::

        with Emulator() as emu:
            credentials = Credentials(emu.client_id, emu.client_secret,
                                      emu.auth_endpoint, emu.api_endpoint)
            emu.fail_next(2, status=503)        # the next two API requests get a 503
            ...

    Args:
        host: Interface to bind; loopback by default.
        port: TCP port; 0 (default) picks a free one.
        client_id: Client id of the emulator's own app client.
        client_secret: Its secret; random when None.
        token_ttl: Lifetime of access tokens in seconds (also the ``expires_in`` answered).
        tls: Serve HTTPS only, with a certificate from a throwaway CA whose certificate is at
            :attr:`ca_path` while running (needs ``pip install 'lucidtech-las-sdk[tls]'``; ImportError otherwise).
        idle_timeout: Seconds a connection may wait before the first byte of a request (new, or
            kept alive between requests); then it is closed. Default 5.
        request_timeout: Seconds a request may take to arrive whole from its first byte (request
            line, headers, body), and an answer to be taken by the client; then the request is
            answered 408 and the connection closed. Default 10.
        max_connections: Connections served at once, a thread each; more wait in the listen
            queue until one closes, without slowing those being served. Default 256.

    Every request is bounded (the numbers are in the README's "Testing your code against the
    emulator"): a body over the size limit is answered 413 from its ``Content-Length``, before
    it is read; JSON nested too deep or with too many arrays and objects, and malformed framing,
    400; always in the API's error shape, never a dropped connection.

        contract: ``"2021-09-23"`` (default) or ``"2024-11-29"``: the API contract to serve.

    Raises:
        ValueError: a timeout that is not a positive number, ``max_connections < 1``, or a
            ``contract`` that is neither of the two (the message names them).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        client_id: str = "las-emulator-client",
        client_secret: str | None = None,
        token_ttl: float = 3600.0,
        tls: bool = False,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        contract: str = DEFAULT_CONTRACT,
    ) -> None:
        self._limits = ConnectionLimits(idle_timeout, request_timeout, max_connections)
        self._service = Service(client_id, client_secret or secrets.token_urlsafe(32), token_ttl, contract)
        self._service.faults.expire_tokens = self._service.expire_tokens
        if tls:
            require_trustme()
        self._tls = tls
        self._service.scheme = "https" if tls else "http"
        self._ca: ThrowawayCA | None = None
        self.host = host
        self._port = port
        self._server: HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> Emulator:
        """Bind and serve on a background (daemon) thread; returns self. Idempotent."""
        if self._server is None:
            self._ca = ThrowawayCA(self.host) if self._tls else None
            context = self._ca.context if self._ca else None
            server = HTTPServer(self.host, self._port, self._service, context, self._limits)
            self._thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"las-emulator:{server.server_address[1]}",
                daemon=True,
            )
            self._server = server
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close every connection. Idempotent; :meth:`start` may follow."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._ca is not None:
            self._ca.remove()
            self._ca = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    # -- addresses and credentials ---------------------------------------------------------

    @property
    def port(self) -> int:
        """The bound port (the requested one before :meth:`start`)."""
        return int(self._server.server_address[1]) if self._server else self._port

    @property
    def url(self) -> str:
        """``http://HOST:PORT`` (``https://`` with ``tls=True``) of the running emulator.

        Raises:
            RuntimeError: the emulator is not started.
        """
        if self._server is None:
            raise RuntimeError("the emulator is not running; call start() or use `with Emulator() as emu:`")
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"{'https' if self._tls else 'http'}://{host}:{self.port}"

    @property
    def ca_path(self) -> str | None:
        """With ``tls=True``, while running: the PEM file of the CA to trust; else None."""
        return self._ca.ca_path if self._ca else None

    @property
    def api_endpoint(self) -> str:
        """Base URL of the API (same as :attr:`url`)."""
        return self.url

    @property
    def auth_endpoint(self) -> str:
        """Base URL of the token endpoint (same as :attr:`url`; the path is ``/token``)."""
        return self.url

    @property
    def client_id(self) -> str:
        return self._service.client_id

    @property
    def client_secret(self) -> str:
        return self._service.client_secret

    @property
    def organization_id(self) -> str:
        """Id of the one organization the emulator knows (``GET /organizations/{id}``)."""
        return self._service.organization_id

    @property
    def contract(self) -> str:
        """The API contract served: ``"2021-09-23"`` or ``"2024-11-29"``."""
        return self._service.contract

    @property
    def app_client_id(self) -> str:
        """Id of the emulator's own app client: ``createdBy`` of what its tokens create."""
        return self._service.app_client_id

    # -- state -----------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every resource, fault, recorded request, docker handler and token count.

        Running workflow executions stop where they are (their timers are cancelled) and
        :attr:`clock` is a fresh one that follows real time. Access tokens already issued to the
        emulator's own client stay valid. The contract served stays; under 2024-11-29 the read-only
        catalogues (plans, roles, deployment environments, public models) are seeded again.
        """
        self._service.state.clock.close()
        self._service.reset()

    @property
    def clock(self) -> Clock:
        """The clock of workflow time: Wait states, Retry intervals, transition timeouts and
        heartbeat limits; under the 2024-11-29 contract also of trainings, data bundles, async
        predictions, transformations and the expiry of file URLs. It follows real time; ``clock.advance(seconds)`` moves it forward
        without sleeping and fires every timer come due before returning::

            emu.clock.advance(61)   # a running transition execution without heartbeats fails

        :meth:`reset` replaces it, so fetch it after a reset.
        """
        return self._service.state.clock

    def expire_tokens(self) -> None:
        """Make every access token issued so far invalid (API answers 403) to test refresh."""
        self._service.expire_tokens()

    def register_docker_handler(
        self, transition_id: str, handler: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> None:
        """Run ``handler(input) -> output`` for executions of the docker transition.

        Without a handler a docker transition outputs its input. An exception raised by the
        handler fails the transition execution (and its workflow execution) with its message.
        """
        state = self._service.state
        with state.lock:
            state.docker_handlers[transition_id] = handler

    def seed_documents(
        self,
        n: int,
        *,
        dataset_id: str | None = None,
        content: bytes = DEFAULT_CONTENT,
        content_type: str = "application/pdf",
    ) -> list[str]:
        """Insert ``n`` documents straight into the store (fast: 100,000 in well under a second).

        Under the 2024-11-29 contract their bytes are ``content`` as if uploaded to their file URL.

        Returns:
            The new document ids in creation order.

        Raises:
            KeyError: ``dataset_id`` is not a dataset of the emulator.
        """
        state = self._service.state
        extra: dict[str, object] = {"name": None, "description": None, "metadata": None}
        if state.contract == V2024:
            store_bytes(extra, content)
        else:
            extra["content"] = base64.b64encode(content).decode()
        created = now_iso()
        owner = self._service.app_client_id
        ids = new_ids("document", n)
        with state.lock:
            dataset = None
            if dataset_id is not None:
                dataset = state.datasets.get(dataset_id)
                if dataset is None:
                    raise KeyError(f"{dataset_id} not found; create the dataset first")
            retention = dataset["retentionInDays"] if dataset else DEFAULT_RETENTION_IN_DAYS
            insert, next_seq = state.documents.insert, state.next_seq
            for document_id in ids:
                row = {
                    "documentId": document_id,
                    "contentType": content_type,
                    "retentionInDays": retention,
                    "createdTime": created,
                    "createdBy": owner,
                    "updatedTime": None,
                    "updatedBy": None,
                    **extra,
                }
                if dataset_id is not None:
                    row["datasetId"] = dataset_id
                insert(document_id, row, next_seq())
            state.created["document"] += n
            if dataset is not None:
                dataset["version"] += 1
        return ids

    # -- faults ----------------------------------------------------------------------------

    def fail_next(
        self,
        n: int = 1,
        *,
        status: int = 503,
        retry_after: float | str | None = None,
        body: bytes | None = None,
        content_type: str = "application/json",
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        """Answer the next ``n`` matching API requests with ``status`` instead of handling them.

        ``retry_after`` adds a ``Retry-After`` header; ``body`` replaces the JSON error body
        (e.g. an HTML page, ``b""`` or truncated JSON). Filters: see :mod:`las.testing._faults`
        (no ``path``: any API request but not the token endpoint; ``path="/token"`` for it).
        """
        self._service.faults.add(Fault("status", n, method, path, status, retry_after, body, content_type))

    def drop_next(self, n: int = 1, *, method: str | None = None, path: str | None = None) -> None:
        """Close the connection of the next ``n`` matching requests without any answer."""
        self._service.faults.add(Fault("drop", n, method, path))

    def lose_answer_next(self, n: int = 1, *, method: str | None = None, path: str | None = None) -> None:
        """Handle the next ``n`` matching requests, then close their connections without answering.

        The work is done (a POST creates what it creates) but the client never hears of it: the
        "sent, answer lost" case that must not be blindly repeated.
        """
        self._service.faults.add(Fault("lose", n, method, path))

    def delay_next(
        self, n: int = 1, seconds: float = 0.5, *, method: str | None = None, path: str | None = None
    ) -> None:
        """Wait ``seconds`` before answering the next ``n`` matching requests."""
        self._service.faults.add(Fault("delay", n, method, path, seconds=seconds))

    def expire_tokens_next(self, n: int = 1, *, method: str | None = None, path: str | None = None) -> None:
        """As each of the next ``n`` matching requests arrives, make every access token issued so
        far invalid (:meth:`expire_tokens`), before the request is handled.

        The request itself is refused (403) and its client must fetch a new token in the middle of
        what it was doing: a token revoked, or expired early, during a listing, an upload or a
        worker's run. Combines with another fault concerning the same request (e.g. a drop).
        """
        self._service.faults.add(Fault("expire", n, method, path))

    def set_rate_limit(self, requests_per_second: float | None) -> None:
        """Above this rate (token bucket) answer as the API Gateway does, 429 ``{"message": "Too Many
        Requests"}``, with ``Retry-After``; None removes the limit."""
        self._service.faults.set_rate_limit(requests_per_second)

    def fail_randomly(
        self,
        probability: float,
        *,
        status: int = 503,
        retry_after: float | str | None = None,
        method: str | None = None,
        path: str | None = None,
        seed: int = 0,
        kinds: tuple[str, ...] = ("status",),
    ) -> None:
        """Fault each matching request with ``probability`` (reproducible with ``seed``).

        ``kinds`` picks among ``"status"`` (answer ``status``), ``"drop"`` (close the
        connection before handling the request), ``"lose"`` (handle it, then close the
        connection without the answer) and ``"expire"`` (make every token issued so far invalid,
        then handle it: see :meth:`expire_tokens_next`). Call with probability 0 or :meth:`clear_faults` to stop.
        """
        self._service.faults.set_random(
            probability,
            status=status,
            retry_after=retry_after,
            method=method,
            path=path,
            seed=seed,
            kinds=kinds,
        )

    def clear_faults(self) -> None:
        """Remove every armed fault, the rate limit and random faults."""
        self._service.faults.clear()

    # -- observation -----------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received (token and faulted ones included), in arrival order.

        Requests refused before they were read whole are not among them: a malformed request
        line or headers, a body too large or framed wrongly, a request cut by ``request_timeout``.
        """
        return self._service.recorded()

    def clear_requests(self) -> None:
        """Forget the recorded requests."""
        self._service.clear_records()

    @property
    def token_requests(self) -> int:
        """How many access tokens were granted since start or the last :meth:`reset`."""
        return self._service.token_grants

    def __repr__(self) -> str:
        where = self.url if self._server else "not running"
        return f"<Emulator {where}>"
