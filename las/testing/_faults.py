"""Fault injection: failing, dropping, losing answers, delaying, rate limiting requests and
expiring tokens on demand.

A "drop" closes the connection before the request is handled; a "lose" handles the request (the
work is done: a document created, a prediction made) and then closes the connection without the
answer, as a network failure after the API answered would. An "expire" makes every access token
issued so far invalid as the request arrives, before it is handled: the request itself is refused
403 and its client must fetch a new token in the middle of what it was doing (a token revoked, or
expired early, during a listing, an upload or a worker's run). An expiry combines with any other
fault concerning the same request.

Filters: ``method`` (e.g. ``"POST"``) and ``path``. A path filter is either a template with
``{placeholders}`` (``"/documents/{documentId}"``: exact template match) or a plain path that
matches itself and everything below it (``"/documents"`` matches ``/documents`` and
``/documents/las:document:…``). Without a path filter a fault applies to API requests only,
never to the token endpoint, so "the next request fails" means the next *API* request even
when the client first has to fetch a token; pass ``path="/token"`` to fault the token endpoint.
The rate limit never applies to the token endpoint; over it, requests get what the API Gateway
answers, ``429 {"message": "Too Many Requests"}``, with a ``Retry-After``. Injected faults
without a ``body`` answer ``{"message": "<status phrase> (<why>)"}``, naming the injection.
"""

from __future__ import annotations

import http
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from las.testing._routes import match_template

TOKEN_PATHS: Final = ("/token", "/oauth2/token")
FAULT_KINDS: Final = ("status", "drop", "lose", "expire")


def path_matches(path_filter: str | None, path: str) -> bool:
    """Whether a request to ``path`` is concerned by a fault with ``path_filter``."""
    if path_filter is None:
        return path not in TOKEN_PATHS
    if "{" in path_filter:
        return match_template(path_filter, path)
    prefix = path_filter.rstrip("/")
    return path == path_filter or path == prefix or path.startswith(prefix + "/")


def format_retry_after(value: float | str) -> str:
    """Header value for ``Retry-After``: strings as given, numbers as short decimals."""
    if isinstance(value, str):
        return value
    return str(int(value)) if float(value).is_integer() else f"{value:.3f}".rstrip("0")


@dataclass
class Fault:
    """One injected fault that concerns the next ``remaining`` matching requests."""

    kind: str  # "status", "drop", "lose", "delay" or "expire"
    remaining: int
    method: str | None = None
    path: str | None = None
    status: int = 503
    retry_after: float | str | None = None
    body: bytes | None = None
    content_type: str = "application/json"
    seconds: float = 0.0

    def concerns(self, method: str, path: str) -> bool:
        return (
            self.remaining > 0
            and (self.method is None or self.method.upper() == method)
            and path_matches(self.path, path)
        )


@dataclass(frozen=True)
class Action:
    """What the server does with one request before (or instead of) handling it."""

    delay: float = 0.0
    drop: bool = False
    lose: bool = False  # handle the request, then close the connection without answering
    status: int | None = None  # answer this status instead of handling the request
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    content_type: str = "application/json"


def error_action(
    status: int,
    retry_after: float | str | None,
    body: bytes | None,
    content_type: str,
    delay: float,
    reason: str | None,
) -> Action:
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    if body is None:
        message = phrase if reason is None else f"{phrase} ({reason})"
        body = json.dumps({"message": message}, separators=(",", ":")).encode()
    headers = () if retry_after is None else (("Retry-After", format_retry_after(retry_after)),)
    return Action(delay=delay, status=status, headers=headers, body=body, content_type=content_type)


@dataclass
class _RandomFaults:
    probability: float
    status: int
    retry_after: float | str | None
    method: str | None
    path: str | None
    kinds: tuple[str, ...]
    rng: random.Random


class Faults:
    """The faults currently armed; :meth:`decide` consumes them request by request.

    ``expire_tokens`` is what an "expire" fault calls (under the faults' lock): the emulator sets
    it to the function that makes every token it has issued invalid.
    """

    def __init__(self) -> None:
        self.expire_tokens: Callable[[], None] = lambda: None
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._rate: float | None = None
        self._tokens = 0.0
        self._refilled = 0.0
        self._random: _RandomFaults | None = None

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def set_rate_limit(self, requests_per_second: float | None) -> None:
        if requests_per_second is not None and requests_per_second <= 0:
            raise ValueError(f"requests_per_second must be positive or None, got {requests_per_second}")
        with self._lock:
            self._rate = requests_per_second
            self._tokens = max(1.0, requests_per_second or 0.0)
            self._refilled = time.monotonic()

    def set_random(
        self,
        probability: float,
        *,
        status: int,
        retry_after: float | str | None,
        method: str | None,
        path: str | None,
        seed: int,
        kinds: tuple[str, ...],
    ) -> None:
        if not 0.0 <= probability <= 1.0:
            raise ValueError(f"probability must be between 0 and 1, got {probability}")
        unknown = [kind for kind in kinds if kind not in FAULT_KINDS]
        if unknown or not kinds:
            raise ValueError(f"kinds must be a non-empty subset of {FAULT_KINDS}, got {kinds}")
        with self._lock:
            self._random = _RandomFaults(
                probability, status, retry_after, method, path, tuple(kinds), random.Random(seed)
            )

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self._rate = None
            self._random = None

    def decide(self, method: str, path: str) -> Action:
        """Consume the faults concerning this request and say what to do with it; expire the
        tokens first when an "expire" fault (armed or random) concerns it."""
        with self._lock:
            delay = 0.0
            chosen: Fault | None = None
            for fault in self._faults:
                if not fault.concerns(method, path):
                    continue
                if fault.kind == "delay":
                    fault.remaining -= 1
                    delay += fault.seconds
                elif fault.kind == "expire":
                    fault.remaining -= 1
                    self.expire_tokens()
                elif chosen is None:
                    fault.remaining -= 1
                    chosen = fault
            self._faults = [fault for fault in self._faults if fault.remaining > 0]
            if chosen is not None:
                if chosen.kind == "drop":
                    return Action(delay=delay, drop=True)
                if chosen.kind == "lose":
                    return Action(delay=delay, lose=True)
                return error_action(
                    chosen.status,
                    chosen.retry_after,
                    chosen.body,
                    chosen.content_type,
                    delay,
                    "fault injected by the emulator",
                )
            limited = self._rate_limited(path)
            if limited is not None:
                return error_action(429, limited, None, "application/json", delay, None)
            chance = self._random
            if (
                chance is not None
                and (chance.method is None or chance.method.upper() == method)
                and path_matches(chance.path, path)
                and chance.rng.random() < chance.probability
            ):
                kind = chance.rng.choice(chance.kinds)
                if kind == "expire":
                    self.expire_tokens()
                    return Action(delay=delay)
                if kind in ("drop", "lose"):
                    return Action(delay=delay, drop=kind == "drop", lose=kind == "lose")
                return error_action(
                    chance.status,
                    chance.retry_after,
                    None,
                    "application/json",
                    delay,
                    "random fault injected by the emulator",
                )
            return Action(delay=delay)

    def _rate_limited(self, path: str) -> float | None:
        """Seconds to wait when over the rate limit (token bucket), else None."""
        if self._rate is None or path in TOKEN_PATHS:
            return None
        now = time.monotonic()
        capacity = max(1.0, self._rate)
        self._tokens = min(capacity, self._tokens + (now - self._refilled) * self._rate)
        self._refilled = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return None
        return round(max(0.001, (1.0 - self._tokens) / self._rate), 3)
