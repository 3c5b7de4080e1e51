"""The access token's lifetime and its file cache, without any HTTP: shared by every executor.

The cache has the reference client's format, ``{profile: {"access_token": ...,
"expires_in": <absolute epoch seconds>}}``, plus ``client_id`` and ``auth_endpoint`` in each
entry, which the reference client ignores. An entry is used only by the client id (and auth
endpoint) that fetched it: by those two keys, or, for an entry the reference client wrote,
by the ``client_id`` claim of the token itself (a JWT). Anything else is not used.

The file is written atomically (temporary file, then rename) with mode 0600, under an exclusive
lock, in a directory created with mode 0700. The cache is an aid, never a reason to wait: a
caller with a deadline waits for the lock (another process holding it) :data:`LOCK_PATIENCE`
at most, and never past its deadline, and then writes nothing, with a warning. Only a token cache is ever replaced: a path that
holds anything else (a file that is not a JSON object of token entries, a symbolic link, a FIFO)
is neither read nor written, with a warning naming it; the SDK then works without a cache.
An empty file holds nothing to lose and is used as an empty cache.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import math
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ._files import open_regular, read_regular
from ._fork import track

try:  # POSIX advisory locks; on other platforms writes stay atomic but unserialized.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["REFRESH_MARGIN_SECONDS", "TokenCache", "entry_for", "token_from_answer", "usable_entry"]

log = logging.getLogger("las.credentials")

# A token is refreshed this many seconds (at most a tenth of its lifetime) before it expires.
REFRESH_MARGIN_SECONDS = 60.0


def token_from_answer(body: Any, now: float | None = None) -> tuple[str, float]:
    """The token and the epoch second to stop using it, from the token endpoint's JSON.

    Raises:
        ValueError: the answer has no usable ``access_token`` / ``expires_in``.
    """
    if not isinstance(body, Mapping):
        raise ValueError("not a JSON object")
    token, expires_in = body.get("access_token"), body.get("expires_in")
    if not isinstance(token, str) or not token:
        raise ValueError("no access_token string")
    if (
        isinstance(expires_in, bool)
        or not isinstance(expires_in, (int, float))
        or not 0 < expires_in < math.inf  # inf, which JSON cannot hold, from 1e400
    ):
        raise ValueError("no positive, finite expires_in")
    margin = min(REFRESH_MARGIN_SECONDS, float(expires_in) / 10)
    return token, (time.time() if now is None else now) + float(expires_in) - margin


def entry_for(token: str, expires_at: float, client_id: str, auth_endpoint: str) -> dict[str, Any]:
    """A cache entry: the reference client's two keys plus who fetched the token."""
    return {
        "access_token": token,
        "expires_in": expires_at,
        "client_id": client_id,
        "auth_endpoint": auth_endpoint,
    }


def _jwt_claim(token: str, claim: str) -> Any:
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except ValueError:
        return None
    return claims.get(claim) if isinstance(claims, dict) else None


def usable_entry(
    entry: Any, client_id: str, auth_endpoint: str, now: float | None = None
) -> tuple[str, float] | None:
    """The (token, expires_at) of a cache entry if this client may use it now, else None."""
    if not isinstance(entry, dict):
        return None
    token, expires = entry.get("access_token"), entry.get("expires_in")
    if not isinstance(token, str) or isinstance(expires, bool) or not isinstance(expires, (int, float)):
        return None
    if (time.time() if now is None else now) >= expires:
        return None
    owner = entry.get("client_id")
    if owner is None:  # written by the reference client: trust only the token's own claim
        owner = _jwt_claim(token, "client_id")
    elif entry.get("auth_endpoint") != auth_endpoint:
        return None
    if owner != client_id:
        return None
    return token, float(expires)


class TokenCache:
    """The cache file, read and changed under a lock."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextlib.contextmanager
    def _locked(self, deadline_at: float | None) -> Iterator[None]:
        """Hold the cache's lock for the block, waiting for it until ``deadline_at`` at most.

        Raises:
            TimeoutError: another holder kept the lock until ``deadline_at``.
        """
        _make_private_dir(self.path.parent)
        lock_path = self.path.with_name(self.path.name + ".lock")
        fd = open_regular(lock_path, os.O_RDWR | os.O_CREAT)  # mode 0600; never through a link
        track(_HELD)
        _HELD.descriptors.add(fd)
        try:
            if fcntl is not None:
                _lock_within(fd, deadline_at, lock_path)
            yield
        finally:
            try:
                if fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_UN)  # closing alone keeps it while a forked child has a copy
            finally:
                _HELD.descriptors.discard(fd)
                os.close(fd)

    def _read(self) -> dict[str, Any] | None:
        """The cache ({} when there is no file or it is empty); None, with a warning, when the path
        holds something that is not a token cache (it must then be neither used nor replaced)."""
        try:
            raw = read_regular(self.path)
        except FileNotFoundError:
            return {}
        except OSError as error:
            return self._not_a_cache(error.strerror or str(error))
        if not raw.strip():
            return {}
        try:
            data: Any = json.loads(raw)
        except ValueError:
            return self._not_a_cache("not valid JSON")
        except RecursionError:  # nested past the parser's depth: no token cache is
            return self._not_a_cache("JSON nested too deep")
        if not isinstance(data, dict) or not all(
            isinstance(entry, dict) and "access_token" in entry for entry in data.values()
        ):
            return self._not_a_cache("not a JSON object of token entries")
        return data

    def _not_a_cache(self, why: str) -> dict[str, Any] | None:
        log.warning(
            "ignoring token cache %s (%s): las neither uses nor replaces it; remove it, or set "
            "cache_path to another file, to cache tokens again",
            self.path,
            why,
        )
        return None

    def load(self) -> dict[str, Any]:
        """The whole cache; {} when absent, empty, or not a token cache (with a warning)."""
        return self._read() or {}

    def update(self, change: Callable[[dict[str, Any]], None], *, deadline_at: float | None = None) -> None:
        """Read-modify-write the cache under the lock, replacing the file atomically; nothing is
        written when the path holds something that is not a token cache, nor (with a warning) when
        the lock is still held by another process at ``deadline_at`` (a ``time.monotonic()``
        instant), or :data:`LOCK_PATIENCE` from now if that comes first (None waits as long as
        it takes)."""
        if deadline_at is not None:
            deadline_at = min(deadline_at, time.monotonic() + LOCK_PATIENCE)
        try:
            with self._locked(deadline_at):
                data = self._read()
                if data is None:
                    return
                change(data)
                fd, temp = tempfile.mkstemp(prefix=self.path.name + ".", suffix=".tmp", dir=self.path.parent)
                try:
                    with os.fdopen(fd, "w") as handle:  # mkstemp creates the file with mode 0600
                        json.dump(data, handle)
                        handle.flush()
                        os.fsync(handle.fileno())
                    os.replace(temp, self.path)  # a link that appeared meanwhile is replaced, not followed
                except BaseException:
                    with contextlib.suppress(OSError):
                        os.unlink(temp)
                    raise
        except OSError as error:
            log.warning("could not write token cache %s: %s", self.path, error.strerror or error)


class _HeldLocks:
    """The descriptors of the cache's lock file this process has open, to let go of in a fork.

    A ``flock`` belongs to the open file description, which a process forked meanwhile shares: the
    lock is released when the last descriptor of it is closed, so the parent closing its own would
    leave the lock held for the child's whole life (and every process's next cache write waiting).
    The holder unlocks before closing, and a forked child closes its copies without unlocking
    (:mod:`las._fork`): the lock is the parent's.
    """

    def __init__(self) -> None:
        self.descriptors: set[int] = set()

    def after_fork_in_child(self) -> None:
        for descriptor in list(self.descriptors):
            with contextlib.suppress(OSError):
                os.close(descriptor)
        self.descriptors.clear()


_HELD = _HeldLocks()

LOCK_PATIENCE = 1.0
"""Seconds a caller with a deadline waits for the cache's lock at most: a holder keeps it for
one read and one atomic replace (milliseconds), so a lock held longer is stuck (a process
stopped with Ctrl-Z, a hung network file system), and the token is then kept in memory only
rather than spending the call's deadline."""

_FIRST_PAUSE = 0.001  # seconds between tries for a held lock, doubling up to _LONGEST_PAUSE
_LONGEST_PAUSE = 0.05


def _lock_within(fd: int, deadline_at: float | None, lock_path: Path) -> None:
    """Take the exclusive lock of ``fd``, waiting until ``deadline_at`` (``time.monotonic()``) at
    most; None waits as long as it takes. ``flock`` has no timeout: a held lock is tried again.

    Raises:
        TimeoutError: the lock was still held at ``deadline_at``.
    """
    if deadline_at is None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return
    pause = _FIRST_PAUSE
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            left = deadline_at - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"its lock {lock_path} was still held at the call's deadline") from None
            time.sleep(min(pause, left))
            pause = min(pause * 2, _LONGEST_PAUSE)


def _make_private_dir(directory: Path) -> None:
    """Create the cache directory (and missing parents) readable by its owner only."""
    if directory.is_dir():
        return
    _make_private_dir(directory.parent)
    try:
        os.mkdir(directory, 0o700)
    except FileExistsError:
        return
    os.chmod(directory, 0o700)  # mkdir's mode is cut by the umask; make it exact
