"""Credentials and the OAuth2 client-credentials access token, with a shared file cache.

Values are resolved in this order: arguments, environment (``LAS_CLIENT_ID``,
``LAS_CLIENT_SECRET``, ``LAS_AUTH_ENDPOINT``, ``LAS_API_ENDPOINT``), then the config file
``~/.lucidtech/credentials.cfg`` (section = profile, default ``default``). The client id and
the client secret must come from the same place (:class:`las.CredentialsConflictError`
otherwise); where each of the four values came from is in ``Credentials.sources``. A config
file that others can read is used, with a warning.

The token cache (:mod:`las._token_cache`) has the reference client's format, and a token in it
is only used by the client id and auth endpoint that fetched it. The token endpoint is called
through the same retry policy as the API (:mod:`las._policy`): its 5xx answers and dropped
connections are retried like a GET and raised as las exceptions.
"""

from __future__ import annotations

import configparser
import logging
import os
import stat
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import requests
import requests.auth

from . import _token_cache
from ._fork import track
from ._policy import Call, Limits
from ._transport import execute
from .exceptions import CredentialsConflictError, InvalidResponseError, MissingCredentials

__all__ = ["DEFAULT_CACHE_PATH", "DEFAULT_CONFIG_PATH", "Credentials", "read_credentials"]

log = logging.getLogger("las.credentials")

DEFAULT_CACHE_PATH = Path("~/.lucidtech/token-cache.json")
DEFAULT_CONFIG_PATH = Path("~/.lucidtech/credentials.cfg")
_DEFAULT_CACHE_FILE = DEFAULT_CACHE_PATH.expanduser()
_ENVIRONMENT = {
    "client_id": "LAS_CLIENT_ID",
    "client_secret": "LAS_CLIENT_SECRET",
    "auth_endpoint": "LAS_AUTH_ENDPOINT",
    "api_endpoint": "LAS_API_ENDPOINT",
}
REFRESH_MARGIN_SECONDS = _token_cache.REFRESH_MARGIN_SECONDS
# The token endpoint: retried like a GET, within its own bounds.
TOKEN_LIMITS = Limits(timeout=(5.0, 30.0), max_retries=3, max_retry_wait=30.0, deadline=90.0)


def _with_scheme(endpoint: str) -> str:
    endpoint = endpoint.rstrip("/")
    return endpoint if "://" in endpoint else f"https://{endpoint}"


class Credentials:
    """Client credentials and the access token they buy.

    Args:
        client_id: the app client's id.
        client_secret: the app client's secret (never shown in repr, str or logs).
        auth_endpoint: the OAuth2 host, e.g. ``auth.lucidtech.ai``; a value with a scheme
            (``http://127.0.0.1:8000``) is used as given.
        api_endpoint: the API's base URL, e.g. ``https://api.lucidtech.ai/v1``.
        cached_profile: the key of this client's entry in the token cache; no caching when None.
        cache_path: the token cache file shared with the reference client.

    Attributes:
        sources: where each of the four values came from (``"argument"``, ``"environment
            (LAS_CLIENT_ID)"``, ``"file <path> [profile]"``), as found by :func:`read_credentials`.

    Tokens are fetched lazily on first use and refreshed shortly before they expire, once
    per expiry even when many threads ask at the same moment.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        auth_endpoint: str,
        api_endpoint: str,
        cached_profile: str | None = None,
        cache_path: Path = _DEFAULT_CACHE_FILE,
    ) -> None:
        missing = [
            name
            for name, value in (
                ("client_id", client_id),
                ("client_secret", client_secret),
                ("auth_endpoint", auth_endpoint),
                ("api_endpoint", api_endpoint),
            )
            if not value
        ]
        if missing:
            raise MissingCredentials(f"empty credential value(s): {', '.join(missing)}")
        self.client_id = client_id
        self._client_secret = client_secret
        self.auth_endpoint = auth_endpoint
        self.api_endpoint = _with_scheme(api_endpoint)
        self.token_url = f"{_with_scheme(auth_endpoint)}/token?grant_type=client_credentials"
        self.cached_profile = cached_profile
        self.cache_path = Path(cache_path).expanduser()
        self._token: str | None = None
        self._expires_at = 0.0
        self._cache = _token_cache.TokenCache(self.cache_path)
        self._lock = threading.Lock()
        self.token_fetches = 0
        self.sources: Mapping[str, str] = {name: "argument" for name in _ENVIRONMENT}
        track(self)

    @property
    def client_secret(self) -> str:
        """The client secret. Kept out of repr, str and logs."""
        return self._client_secret

    def __repr__(self) -> str:
        return (
            f"Credentials(client_id={self.client_id!r}, client_secret='***', "
            f"auth_endpoint={self.auth_endpoint!r}, api_endpoint={self.api_endpoint!r}, "
            f"cached_profile={self.cached_profile!r})"
        )

    __str__ = __repr__

    @classmethod
    def from_environment(
        cls, profile: str | None = None, config_path: Path | None = None, *, cache_path: Path | None = None
    ) -> Credentials:
        """Credentials from the environment, then the config file (see :func:`read_credentials`).

        Raises:
            MissingCredentials: naming each missing value and every place looked at.
        """
        return read_credentials(profile, config_path, cache_path=cache_path)

    def access_token(self, session: requests.Session | None = None, *, deadline: float | None = None) -> str:
        """A valid access token, from memory, the cache file or the token endpoint.

        Args:
            session: the ``requests.Session`` to fetch with (a new one when None).
            deadline: seconds a fetch may take at most (the calling request's time left);
                :data:`TOKEN_LIMITS` bounds it otherwise.

        Raises:
            InvalidCredentialsException: the token endpoint refused the client id and secret.
            APIConnectionError, APITimeoutError, ServerError: the token endpoint could not be
                reached or failed, after the retries allowed (:data:`TOKEN_LIMITS`).
            InvalidResponseError: it answered without a usable token.
        """
        if self._token is not None and time.time() < self._expires_at:
            return self._token
        with self._lock:
            token = self.known_token()
            if token is not None:
                return token
            return self.accept_token_answer(self._fetch(session, deadline))

    # The HTTP-free steps of access_token, for an executor that fetches the token its own way
    # (the async one): under its own lock, known_token(); if None, send token_call() to
    # token_url with HTTP Basic auth (client_id, client_secret) through las._policy, then
    # accept_token_answer(status, decoded JSON).

    def known_token(self) -> str | None:
        """The token in memory or, failing that, a usable one in the cache file; None if neither."""
        if self._token is not None and time.time() < self._expires_at:
            return self._token
        cached = self._read_cache()
        if cached is None:
            return None
        self._token, self._expires_at = cached
        return cached[0]

    @staticmethod
    def token_call() -> Call:
        """The token request as data: POST, form-encoded, retried like a GET, never refreshed."""
        return Call(
            "POST",
            "/token",
            None,
            b"",
            idempotent=True,
            expect="object",
            token_request=True,
            content_type="application/x-www-form-urlencoded",
        )

    def accept_token_answer(self, answer: tuple[int, Any]) -> str:
        """Keep (in memory and the cache file) the token from the endpoint's (status, JSON).

        Raises:
            InvalidResponseError: the answer has no usable ``access_token`` / ``expires_in``.
        """
        status, data = answer
        try:
            token, expires_at = _token_cache.token_from_answer(data)
        except ValueError as error:
            raise InvalidResponseError(
                f"the token endpoint answered without a usable access_token/expires_in ({error})",
                status_code=status,
                method="POST",
                path="/token",
            ) from None
        self._token, self._expires_at = token, expires_at
        self._write_cache(token, expires_at)
        return token

    def invalidate(self, token: str | None = None) -> None:
        """Forget the current token (e.g. after a 401) so the next call fetches a new one.

        When ``token`` is given, only forget it if it is still the current one, so that many
        threads seeing the same 401 cause one refresh.
        """
        with self._lock:
            if token is None or token == self._token:
                self._token = None
                self._expires_at = 0.0
                self._drop_from_cache(token)

    # -- pickling and forking --------------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        # A Credentials pickles as its values (secret included: the caller chose to send it);
        # the lock and the token stay behind, the copy reads the cache or fetches its own.
        state = self.__dict__.copy()
        del state["_lock"]
        state["_token"], state["_expires_at"] = None, 0.0
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
        track(self)

    def after_fork_in_child(self) -> None:
        """In a forked child: a lock another thread of the parent held at the fork is never released."""
        self._lock = threading.Lock()

    # -- token endpoint ------------------------------------------------------------------

    def _fetch(self, session: requests.Session | None, deadline: float | None = None) -> tuple[int, Any]:
        """The token endpoint's (status, decoded JSON), through the retry policy."""
        log.debug("fetching access token for client %s from %s", self.client_id, self.token_url)
        basic = requests.auth.HTTPBasicAuth(self.client_id, self._client_secret)
        limits = TOKEN_LIMITS
        if deadline is not None and deadline < limits.deadline:
            limits = limits._replace(deadline=deadline)
        http = session or requests.Session()
        try:
            outcome = execute(http, self.token_url, self.token_call(), limits, lambda seconds_left: basic)
        finally:
            self.token_fetches += 1
            if session is None:
                http.close()
        return outcome.status, outcome.data

    # -- cache file ------------------------------------------------------------------------

    def _read_cache(self) -> tuple[str, float] | None:
        if not self.cached_profile:
            return None
        entry = self._cache.load().get(self.cached_profile)
        return _token_cache.usable_entry(entry, self.client_id, self.auth_endpoint)

    def _write_cache(self, token: str, expires_at: float) -> None:
        if not self.cached_profile:
            return
        profile = self.cached_profile
        entry = _token_cache.entry_for(token, expires_at, self.client_id, self.auth_endpoint)
        self._cache.update(lambda data: data.__setitem__(profile, entry))

    def _drop_from_cache(self, token: str | None) -> None:
        if not self.cached_profile or not self.cache_path.exists():
            return
        profile = self.cached_profile

        def drop(data: dict[str, Any]) -> None:
            entry = data.get(profile)
            if isinstance(entry, dict) and (token is None or entry.get("access_token") == token):
                data.pop(profile, None)

        self._cache.update(drop)


def read_credentials(
    profile: str | None = None,
    config_path: Path | None = None,
    *,
    cache_path: Path | None = None,
    **overrides: str | None,
) -> Credentials:
    """Resolve credentials from ``overrides``, the environment, then the config file.

    Each value is taken from the first place that has it; the result's ``sources`` says which.
    The client id and the client secret must come from the same place: an id from
    ``LAS_CLIENT_ID`` with a secret from the file (or the reverse) is refused, since the pair
    would not belong together.

    Args:
        profile: config-file section; default ``LAS_PROFILE`` or ``default``.
        config_path: default ``~/.lucidtech/credentials.cfg``.
        cache_path: token cache file; default ``~/.lucidtech/token-cache.json``.
        overrides: ``client_id``, ``client_secret``, ``auth_endpoint``, ``api_endpoint``.

    Raises:
        MissingCredentials: naming every missing value and every place looked at.
        CredentialsConflictError: the client id and secret come from different places.
    """
    profile = profile or os.environ.get("LAS_PROFILE") or "default"
    config_path = (config_path or DEFAULT_CONFIG_PATH).expanduser()
    values: dict[str, str] = {k: v for k, v in overrides.items() if v}
    unknown = set(values) - set(_ENVIRONMENT)
    if unknown:
        raise TypeError(f"unknown credential argument(s): {', '.join(sorted(unknown))}")
    sources = dict.fromkeys(values, "argument")
    for name, variable in _ENVIRONMENT.items():
        if name not in values and os.environ.get(variable):
            values[name] = os.environ[variable]
            sources[name] = f"environment ({variable})"
    use_cache = True
    section: configparser.SectionProxy | None = None
    if config_path.exists():
        _warn_if_others_can_read(config_path)
        parser = configparser.ConfigParser()
        try:
            parser.read(config_path)
        except configparser.Error as error:
            raise MissingCredentials(f"cannot parse {config_path}: {error}") from None
        if parser.has_section(profile):
            section = parser[profile]
    if section is not None:
        for name in _ENVIRONMENT:
            if name not in values and section.get(name):
                values[name] = section[name]
                sources[name] = f"file {config_path} [{profile}]"
        use_cache = section.getboolean("use_cache", fallback=True)
    missing = [name for name in _ENVIRONMENT if name not in values]
    if missing:
        places = [
            "arguments",
            "environment variables " + ", ".join(_ENVIRONMENT[name] for name in missing),
            f"section [{profile}] of {config_path}"
            + ("" if config_path.exists() else " (file not found)")
            + ("" if section is not None or not config_path.exists() else " (no such section)"),
        ]
        raise MissingCredentials(
            f"missing credential value(s): {', '.join(missing)}; looked in {'; '.join(places)}. "
            "Pass them to las.Credentials(...), set the environment variables, or add them to the "
            "config file."
        )
    if sources["client_id"].split(" ")[0] != sources["client_secret"].split(" ")[0]:
        raise CredentialsConflictError(
            f"the client id comes from {sources['client_id']} but the client secret from "
            f"{sources['client_secret']}: they would not belong together. Set both in one place "
            "(e.g. LAS_CLIENT_ID and LAS_CLIENT_SECRET, or both in the config file's section)."
        )
    credentials = Credentials(
        values["client_id"],
        values["client_secret"],
        values["auth_endpoint"],
        values["api_endpoint"],
        cached_profile=profile if use_cache else None,
        cache_path=(cache_path or DEFAULT_CACHE_PATH).expanduser(),
    )
    credentials.sources = sources
    log.debug("credentials for client %s from: %s", credentials.client_id, sources)
    return credentials


def _warn_if_others_can_read(path: Path) -> None:
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        log.warning(
            "%s holds a client secret and is readable by other users (mode %s); run: chmod 600 %s",
            path,
            oct(stat.S_IMODE(mode)),
            path,
        )
