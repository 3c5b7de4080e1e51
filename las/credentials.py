"""Credentials and the OAuth2 client-credentials access token, with a shared file cache.

Values are resolved in this order: arguments, environment (``LAS_CLIENT_ID``,
``LAS_CLIENT_SECRET``, ``LAS_AUTH_ENDPOINT``, ``LAS_API_ENDPOINT``), then the config file
``~/.lucidtech/credentials.cfg`` (section = profile, default ``default``). The client id and
the client secret must come from the same place (:class:`las.CredentialsConflictError`
otherwise); where each of the four values came from is in ``Credentials.sources``. A config
file that others can read is used, with a warning.

The API contract the endpoint speaks (:mod:`las.contracts`) goes with the credentials: the
``contract`` argument, ``LAS_CONTRACT``, the key ``contract`` of the profile, or else the one
the endpoint speaks (:func:`las.contracts.for_endpoint`).

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

from . import _token_cache, contracts
from ._fork import track
from ._policy import Call, Limits, token_wait_expired
from ._sync_watchdog import watched_http
from ._transport import execute
from .exceptions import (
    CredentialsConflictError,
    CredentialsFileError,
    InvalidResponseError,
    MissingCredentials,
)

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
        contract: the API contract the endpoint speaks, ``"2021-09-23"`` or ``"2024-11-29"``
            (:mod:`las.contracts`); when None, the one ``api_endpoint`` speaks: 2024-11-29 for the
            real service (``api.lucidtech.ai``), 2021-09-23 for any other endpoint.

    Attributes:
        sources: where each of the four values came from (``"argument"``, ``"environment
            (LAS_CLIENT_ID)"``, ``"file <path> [profile]"``), as found by :func:`read_credentials`.
        contract: the API contract sessions made from these credentials speak.
        contract_source: where it came from: as ``sources`` says, or ``"endpoint"``.

    Raises:
        MissingCredentials: an empty value.
        ContractError: ``contract`` is not a known contract (the message names them).

    Tokens are fetched lazily on first use and refreshed shortly before they expire, once
    per expiry even when many threads ask at the same moment: the others wait for that fetch,
    each until its own deadline at most.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        auth_endpoint: str,
        api_endpoint: str,
        cached_profile: str | None = None,
        cache_path: str | os.PathLike[str] = _DEFAULT_CACHE_FILE,
        *,
        contract: str | None = None,
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
        self.contract = (
            contracts.for_endpoint(self.api_endpoint) if contract is None else contracts.check(contract)
        )
        self.token_url = f"{_with_scheme(auth_endpoint)}/token?grant_type=client_credentials"
        self.cached_profile = cached_profile
        self.cache_path = Path(cache_path).expanduser()
        self._token: str | None = None
        self._expires_at = 0.0
        self._refused: str | None = None  # the token the API refused last: never read back from the cache
        self._cache = _token_cache.TokenCache(self.cache_path)
        self._lock = threading.Lock()
        self.token_fetches = 0
        self.sources: Mapping[str, str] = {name: "argument" for name in _ENVIRONMENT}
        self.contract_source = "endpoint" if contract is None else "argument"
        track(self)

    @property
    def client_secret(self) -> str:
        """The client secret. Kept out of repr, str and logs."""
        return self._client_secret

    def __repr__(self) -> str:
        return (
            f"Credentials(client_id={self.client_id!r}, client_secret='***', "
            f"auth_endpoint={self.auth_endpoint!r}, api_endpoint={self.api_endpoint!r}, "
            f"cached_profile={self.cached_profile!r}, contract={self.contract!r})"
        )

    __str__ = __repr__

    @classmethod
    def from_environment(
        cls,
        profile: str | None = None,
        config_path: str | os.PathLike[str] | None = None,
        *,
        cache_path: str | os.PathLike[str] | None = None,
        contract: str | None = None,
    ) -> Credentials:
        """Credentials from the environment, then the config file (see :func:`read_credentials`).

        Raises:
            MissingCredentials: naming each missing value and every place looked at.
            CredentialsFileError: the config file cannot be read or parsed.
            ContractError: an unknown contract argument or ``LAS_CONTRACT``.
        """
        return read_credentials(profile, config_path, cache_path=cache_path, contract=contract)

    def access_token(self, session: requests.Session | None = None, *, deadline: float | None = None) -> str:
        """A valid access token, from memory, the cache file or the token endpoint.

        Args:
            session: the ``requests.Session`` to fetch with (a new one when None).
            deadline: seconds this may take at most (the calling request's time left): the wait
                for another thread's fetch, the fetch, then the wait for the cache file's lock (when
                another process holds it until then, the token is kept in memory only). When None,
                :data:`TOKEN_LIMITS` bounds the fetch, and the waits last as long as they take.

        Raises:
            DeadlineExceeded: another thread was still fetching the token when ``deadline`` passed
                (this call sent nothing).
            InvalidCredentialsException: the token endpoint refused the client id and secret.
            APIConnectionError, APITimeoutError, ServerError: the token endpoint could not be
                reached or failed, after the retries allowed (:data:`TOKEN_LIMITS`).
            InvalidResponseError: it answered without a usable token.
        """
        if self._token is not None and time.time() < self._expires_at:
            return self._token
        deadline_at = _instant(deadline)
        wait = _lock_timeout(deadline)
        if not self._lock.acquire(timeout=wait):
            raise token_wait_expired(wait)
        try:
            token = self.known_token()
            if token is not None:
                return token
            answer = self._fetch(session, _seconds_until(deadline_at))
            return self.accept_token_answer(answer, deadline=_seconds_until(deadline_at))
        finally:
            self._lock.release()

    # The HTTP-free steps of access_token, for an executor that fetches the token its own way
    # (the async one): under its own lock, known_token(); if None, send token_call() to
    # token_url with HTTP Basic auth (client_id, client_secret) through las._policy, then
    # accept_token_answer(status, decoded JSON), each with the calling request's time left.

    def known_token(self) -> str | None:
        """The token in memory or, failing that, a usable one in the cache file; None if neither."""
        if self._token is not None and time.time() < self._expires_at:
            return self._token
        cached = self._read_cache()
        if cached is None or cached[0] == self._refused:  # (left in the file if its lock was held)
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

    def accept_token_answer(self, answer: tuple[int, Any], *, deadline: float | None = None) -> str:
        """Keep (in memory and the cache file) the token from the endpoint's (status, JSON).

        ``deadline``: seconds the cache file's lock may be waited for (the calling request's time
        left); when another process holds it until then, the token is kept in memory only, with a
        warning. None waits as long as it takes.

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
        self._write_cache(token, expires_at, _instant(deadline))
        return token

    def invalidate(self, token: str | None = None, *, deadline: float | None = None) -> None:
        """Forget the current token (e.g. after a 401) so the next call fetches a new one.

        When ``token`` is given, only forget it if it is still the current one, so that many
        threads seeing the same 401 cause one refresh. ``deadline``: seconds this may wait at most
        (the calling request's time left). When another thread is still fetching (or forgetting)
        the token then, nothing is forgotten here: a new token is on its way; when another process
        holds the cache file's lock then, the token stays in the file, with a warning. None waits
        as long as it takes.
        """
        deadline_at = _instant(deadline)
        if not self._lock.acquire(timeout=_lock_timeout(deadline)):
            return
        try:
            if token is None or token == self._token:
                self._refused = self._token if token is None else token
                self._token = None
                self._expires_at = 0.0
                self._drop_from_cache(token, deadline_at)
        finally:
            self._lock.release()

    # -- pickling and forking --------------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        # A Credentials pickles as its values (secret included: the caller chose to send it);
        # the lock and the token stay behind, the copy reads the cache or fetches its own.
        state = self.__dict__.copy()
        del state["_lock"]
        state["_token"], state["_expires_at"], state["_refused"] = None, 0.0, None
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
        http = session or watched_http()
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

    def _write_cache(self, token: str, expires_at: float, deadline_at: float | None = None) -> None:
        if not self.cached_profile:
            return
        profile = self.cached_profile
        entry = _token_cache.entry_for(token, expires_at, self.client_id, self.auth_endpoint)
        self._cache.update(lambda data: data.__setitem__(profile, entry), deadline_at=deadline_at)

    def _drop_from_cache(self, token: str | None, deadline_at: float | None) -> None:
        if not self.cached_profile or not self.cache_path.exists():
            return
        profile = self.cached_profile

        def drop(data: dict[str, Any]) -> None:
            entry = data.get(profile)
            if isinstance(entry, dict) and (token is None or entry.get("access_token") == token):
                data.pop(profile, None)

        self._cache.update(drop, deadline_at=deadline_at)


def _instant(seconds: float | None) -> float | None:
    """The ``time.monotonic()`` instant ``seconds`` from now (None: no bound)."""
    return None if seconds is None else time.monotonic() + seconds


def _seconds_until(instant: float | None) -> float | None:
    """Seconds from now to a ``time.monotonic()`` instant (None: no bound)."""
    return None if instant is None else instant - time.monotonic()


def _lock_timeout(seconds: float | None) -> float:
    """``seconds`` as ``threading.Lock.acquire`` takes a timeout (-1: no bound)."""
    return -1 if seconds is None else min(max(seconds, 0.0), threading.TIMEOUT_MAX)


def read_credentials(
    profile: str | None = None,
    config_path: str | os.PathLike[str] | None = None,
    *,
    cache_path: str | os.PathLike[str] | None = None,
    contract: str | None = None,
    **overrides: str | None,
) -> Credentials:
    """Resolve credentials from ``overrides``, the environment, then the config file.

    Each value is taken from the first place that has it; the result's ``sources`` says which.
    The client id and the client secret must come from the same place: an id from
    ``LAS_CLIENT_ID`` with a secret from the file (or the reverse) is refused, since the pair
    would not belong together.

    Args:
        profile: config-file section; default ``LAS_PROFILE`` or ``default``.
        config_path: default ``~/.lucidtech/credentials.cfg`` (a path or a str). Values are
            taken as written (a ``%`` is a ``%``); ``use_cache`` is true or false (also
            yes/no, on/off, 1/0).
        cache_path: token cache file; default ``~/.lucidtech/token-cache.json``.
        contract: the API contract the endpoint speaks; when None, ``LAS_CONTRACT``, then the key
            ``contract`` of the profile, then the one the endpoint speaks
            (:func:`las.contracts.for_endpoint`).
        overrides: ``client_id``, ``client_secret``, ``auth_endpoint``, ``api_endpoint``.

    Raises:
        ContractError: an unknown contract as the argument or in ``LAS_CONTRACT``; the message
            says which and names the known ones (CredentialsFileError, naming the line, for one
            in the config file).
        MissingCredentials: naming every missing value and every place looked at.
        CredentialsFileError: the config file exists but cannot be read or parsed; the message
            names the file and the line, never a value.
        CredentialsConflictError: the client id and secret come from different places.
    """
    profile = profile or os.environ.get("LAS_PROFILE") or "default"
    config_path = Path(config_path or DEFAULT_CONFIG_PATH).expanduser()
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
    config = _read_config(config_path) if config_path.exists() else None
    if config is not None and config.parser.has_section(profile):
        section = config.parser[profile]
    if config is not None and section is not None:
        for name in _ENVIRONMENT:
            if name not in values and section.get(name):
                values[name] = section[name]
                sources[name] = f"file {config_path} [{profile}]"
        use_cache = config.boolean(profile, "use_cache", default=True)
    chosen, contract_source = _contract_choice(
        contract, config_path, config, profile if section is not None else None
    )
    missing = [name for name in _ENVIRONMENT if name not in values]
    if missing:
        places = [
            "arguments",
            "environment variables " + ", ".join(_ENVIRONMENT[name] for name in missing),
            f"section [{profile}] of {config_path}"
            + (
                ""
                if config_path.exists()
                else " (a symlink to a missing file)"
                if config_path.is_symlink()
                else " (file not found)"
            )
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
        cache_path=Path(cache_path or DEFAULT_CACHE_PATH).expanduser(),
        contract=chosen,
    )
    credentials.sources = sources
    credentials.contract_source = contract_source
    log.debug("credentials for client %s from: %s", credentials.client_id, sources)
    return credentials


def _contract_choice(
    argument: str | None, config_path: Path, config: _Config | None, profile: str | None
) -> tuple[str | None, str]:
    """The contract chosen (None: the endpoint's) and where it came from, checked."""
    if argument is not None:
        return contracts.check(argument, source="contract argument"), "argument"
    chosen = contracts.from_environment()
    if chosen is not None:
        return chosen, contracts.FROM_ENVIRONMENT
    if config is not None and profile is not None and config.parser[profile].get("contract"):
        value = config.parser[profile]["contract"].strip()
        if value not in contracts.KNOWN:  # the message names the line, never quotes it
            raise CredentialsFileError(
                f"{config_path}: line {config._line_of(profile, 'contract')}: contract in [{profile}] "
                f"must be one of {', '.join(contracts.KNOWN)}"
            )
        return value, f"file {config_path} [{profile}]"
    return None, "endpoint"


class _Config:
    """A parsed credentials file, and where each of its lines is (for errors that name one)."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        # Values as written: no interpolation, so a '%' in a secret is a '%'.
        self.parser = configparser.ConfigParser(interpolation=None)
        problem: str | None = None
        try:
            self.parser.read_string(text, source=str(path))
        except configparser.Error as error:
            problem = _parse_problem(error)  # the error's own text quotes the line: not shown
        if problem is not None:
            raise CredentialsFileError(f"{path}: {problem}")

    def boolean(self, section: str, option: str, *, default: bool) -> bool:
        value = self.parser[section].get(option)
        if value is None:
            return default
        if value.strip().lower() in _TRUE:
            return True
        if value.strip().lower() in _FALSE:
            return False
        raise CredentialsFileError(
            f"{self.path}: line {self._line_of(section, option)}: {option} in [{section}] must be true or "
            "false (also yes/no, on/off, 1/0)"
        )

    def _line_of(self, section: str, option: str) -> int | str:
        current = None
        for number, line in enumerate(self.lines, start=1):
            stripped = line.strip()
            if stripped.startswith("[") and stripped.endswith("]"):
                current = stripped[1:-1].strip()
            elif current == section and stripped.split("=", 1)[0].split(":", 1)[0].strip().lower() == option:
                return number
        return "?"


_TRUE = frozenset({"1", "yes", "true", "on"})
_FALSE = frozenset({"0", "no", "false", "off"})


def _read_config(path: Path) -> _Config:
    """The credentials file at ``path``, parsed.

    Raises:
        CredentialsFileError: it cannot be read, is not UTF-8 text or does not parse; the message
            names the file and the line and says what to do, and never quotes a value.
    """
    _warn_if_others_can_read(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        fix = ""
        if isinstance(error, IsADirectoryError):
            fix = ": it must be a file"
        elif isinstance(error, PermissionError):
            fix = f": make it the file of the user running las, readable by them (chmod 600 {path})"
        problem = f"cannot be read ({error.strerror or type(error).__name__}){fix}"
    else:
        try:
            return _Config(path, data.decode("utf-8-sig"))
        except UnicodeDecodeError as error:  # binary, or another encoding
            line = data.count(b"\n", 0, error.start) + 1
            problem = f"line {line}: not UTF-8 text"
    raise CredentialsFileError(f"{path}: {problem}")


def _parse_problem(error: configparser.Error) -> str:
    """What is wrong with a credentials file, by line, without quoting any of it."""
    if isinstance(error, configparser.MissingSectionHeaderError):
        return f"line {error.lineno}: a setting before any [section] header: start with [default]"
    if isinstance(error, configparser.ParsingError):
        lines = ", ".join(str(number) for number, _ in error.errors)
        return f"line {lines}: not a [section] header nor a 'name = value' line"
    if isinstance(error, configparser.DuplicateOptionError):
        return f"line {error.lineno}: {error.option} appears twice in [{error.section}]"
    if isinstance(error, configparser.DuplicateSectionError):
        return f"line {error.lineno}: the section [{error.section}] appears twice"
    return f"cannot be parsed ({type(error).__name__})"


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
