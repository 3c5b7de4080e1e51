"""Credentials and the OAuth2 client-credentials access token, with a shared file cache.

Values are resolved in this order: arguments, environment (``LAS_CLIENT_ID``,
``LAS_CLIENT_SECRET``, ``LAS_AUTH_ENDPOINT``, ``LAS_API_ENDPOINT``), then the config file
``~/.lucidtech/credentials.cfg`` (section = profile, default ``default``).

The token cache has the reference client's format, ``{profile: {"access_token": ...,
"expires_in": <absolute epoch seconds>}}``, so both SDKs share one file. It is written
atomically (temporary file, then rename) with mode 0600 under an exclusive lock; a corrupt or
unreadable cache is ignored with a warning.
"""

from __future__ import annotations

import configparser
import contextlib
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

from .exceptions import InvalidCredentialsException, InvalidResponseError, MissingCredentials

try:  # POSIX advisory locks; on other platforms writes stay atomic but unserialized.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

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
# A token is refreshed this many seconds before the API says it expires.
REFRESH_MARGIN_SECONDS = 60.0
_TOKEN_TIMEOUT = (5.0, 30.0)


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
        self._lock = threading.Lock()
        self.token_fetches = 0

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

    def access_token(self, session: requests.Session | None = None) -> str:
        """A valid access token, from memory, the cache file or the token endpoint.

        Raises:
            InvalidCredentialsException: the token endpoint refused the client id and secret.
        """
        if self._token is not None and time.time() < self._expires_at:
            return self._token
        with self._lock:
            if self._token is not None and time.time() < self._expires_at:
                return self._token
            cached = self._read_cache()
            if cached is not None:
                self._token, self._expires_at = cached
                return cached[0]
            token, expires_at = self._fetch(session)
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

    # -- token endpoint ------------------------------------------------------------------

    def _fetch(self, session: requests.Session | None) -> tuple[str, float]:
        http = session or requests
        log.debug("fetching access token for client %s from %s", self.client_id, self.token_url)
        response = http.post(
            self.token_url,
            auth=(self.client_id, self._client_secret),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=_TOKEN_TIMEOUT,
        )
        self.token_fetches += 1
        if response.status_code in (400, 401, 403):
            raise InvalidCredentialsException(
                "the token endpoint refused the client id and secret; check LAS_CLIENT_ID and "
                "LAS_CLIENT_SECRET (or credentials.cfg)",
                status_code=response.status_code,
                method="POST",
                path="/token",
                response=response,
            )
        response.raise_for_status()
        try:
            body = response.json()
            token = str(body["access_token"])
            expires_in = float(body["expires_in"])
        except (ValueError, KeyError, TypeError):
            raise InvalidResponseError(
                "the token endpoint answered without access_token/expires_in",
                status_code=response.status_code,
                method="POST",
                path="/token",
                response=response,
            ) from None
        margin = min(REFRESH_MARGIN_SECONDS, expires_in / 10)
        return token, time.time() + expires_in - margin

    # -- cache file ------------------------------------------------------------------------

    @contextlib.contextmanager
    def _cache_lock(self) -> Iterator[None]:
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.cache_path.with_name(self.cache_path.name + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _load_cache_file(self) -> dict[str, Any]:
        try:
            text = self.cache_path.read_text()
        except FileNotFoundError:
            return {}
        except OSError as error:
            log.warning("ignoring unreadable token cache %s: %s", self.cache_path, error)
            return {}
        try:
            data = json.loads(text)
        except ValueError:
            log.warning("ignoring corrupt token cache %s (not valid JSON)", self.cache_path)
            return {}
        if not isinstance(data, dict):
            log.warning("ignoring token cache %s: expected a JSON object", self.cache_path)
            return {}
        return data

    def _read_cache(self) -> tuple[str, float] | None:
        if not self.cached_profile:
            return None
        entry = self._load_cache_file().get(self.cached_profile)
        if not isinstance(entry, dict):
            return None
        token, expires = entry.get("access_token"), entry.get("expires_in")
        if not isinstance(token, str) or not isinstance(expires, (int, float)):
            return None
        if time.time() >= expires:
            return None
        return token, float(expires)

    def _write_cache(self, token: str, expires_at: float) -> None:
        if not self.cached_profile:
            return
        self._update_cache(
            lambda data: data.__setitem__(
                self.cached_profile, {"access_token": token, "expires_in": expires_at}
            )
        )

    def _drop_from_cache(self, token: str | None) -> None:
        if not self.cached_profile or not self.cache_path.exists():
            return

        def drop(data: dict[str, Any]) -> None:
            entry = data.get(self.cached_profile or "")
            if isinstance(entry, dict) and (token is None or entry.get("access_token") == token):
                data.pop(self.cached_profile or "", None)

        self._update_cache(drop)

    def _update_cache(self, change: Any) -> None:
        """Read-modify-write the cache under the lock, replacing the file atomically."""
        try:
            with self._cache_lock():
                data = self._load_cache_file()
                change(data)
                fd, temp = tempfile.mkstemp(
                    prefix=self.cache_path.name + ".", suffix=".tmp", dir=self.cache_path.parent
                )
                try:
                    with os.fdopen(fd, "w") as handle:  # mkstemp creates the file with mode 0600
                        json.dump(data, handle)
                        handle.flush()
                        os.fsync(handle.fileno())
                    os.replace(temp, self.cache_path)
                except BaseException:
                    with contextlib.suppress(OSError):
                        os.unlink(temp)
                    raise
        except OSError as error:
            log.warning("could not write token cache %s: %s", self.cache_path, error)


def read_credentials(
    profile: str | None = None,
    config_path: Path | None = None,
    *,
    cache_path: Path | None = None,
    **overrides: str | None,
) -> Credentials:
    """Resolve credentials from ``overrides``, the environment, then the config file.

    Args:
        profile: config-file section; default ``LAS_PROFILE`` or ``default``.
        config_path: default ``~/.lucidtech/credentials.cfg``.
        cache_path: token cache file; default ``~/.lucidtech/token-cache.json``.
        overrides: ``client_id``, ``client_secret``, ``auth_endpoint``, ``api_endpoint``.

    Raises:
        MissingCredentials: naming every missing value and every place looked at.
    """
    profile = profile or os.environ.get("LAS_PROFILE") or "default"
    config_path = (config_path or DEFAULT_CONFIG_PATH).expanduser()
    values: dict[str, str] = {k: v for k, v in overrides.items() if v}
    unknown = set(values) - set(_ENVIRONMENT)
    if unknown:
        raise TypeError(f"unknown credential argument(s): {', '.join(sorted(unknown))}")
    for name, variable in _ENVIRONMENT.items():
        if name not in values and os.environ.get(variable):
            values[name] = os.environ[variable]
    use_cache = True
    section: configparser.SectionProxy | None = None
    if config_path.exists():
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
    return Credentials(
        values["client_id"],
        values["client_secret"],
        values["auth_endpoint"],
        values["api_endpoint"],
        cached_profile=profile if use_cache else None,
        cache_path=(cache_path or DEFAULT_CACHE_PATH).expanduser(),
    )
