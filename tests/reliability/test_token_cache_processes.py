"""The token cache file shared by processes: eight refreshing through it, one of them killed
mid-way, keep it valid JSON with mode 0600 the whole time; a process that holds its lock keeps no
call past its deadline, and a forked child does not keep the parent's."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import las
from las._token_cache import TokenCache
from las.testing import Emulator

REFRESHER = """
import sys
import las

api, client_id, secret, cache, rounds = sys.argv[1:6]
credentials = las.Credentials(client_id, secret, api, api, cached_profile="default", cache_path=cache)
print("ready", flush=True)
for _ in range(int(rounds)):
    credentials.invalidate()
    credentials.access_token()
"""


def test_eight_processes_sharing_a_token_cache_keep_it_valid_json_and_private(
    las_emulator: Emulator, tmp_path: Path
) -> None:
    cache = tmp_path / "lucidtech" / "token-cache.json"
    project = str(Path(__file__).resolve().parents[2])
    environment = {**os.environ, "PYTHONPATH": project}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                REFRESHER,
                las_emulator.api_endpoint,
                las_emulator.client_id,
                las_emulator.client_secret,
                str(cache),
                "400" if index == 0 else "30",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
        )
        for index in range(8)
    ]
    victim = processes[0]
    assert victim.stdout is not None
    assert victim.stdout.readline().strip() == "ready"

    observations = 0
    killed = False
    deadline = time.monotonic() + 60  # a bound against a hang, not a timing assertion
    while any(process.poll() is None for process in processes[1:]) and time.monotonic() < deadline:
        if cache.exists():
            try:
                text = cache.read_text()
                mode = stat.S_IMODE(cache.stat().st_mode)
            except FileNotFoundError:  # replaced between exists() and read: look again
                continue
            data = json.loads(text)  # never a partial write
            assert isinstance(data, dict)
            assert mode == 0o600, oct(mode)
            observations += 1
            if not killed and las_emulator.token_requests >= 40:
                victim.send_signal(signal.SIGKILL)
                killed = True
        time.sleep(0.002)

    victim.wait(timeout=30)
    for process in processes[1:]:
        _, errors = process.communicate(timeout=60)
        assert process.returncode == 0, errors
    assert killed and victim.returncode == -signal.SIGKILL
    data = json.loads(cache.read_text())
    assert set(data) <= {"default"}
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert observations > 10


HOLDER = """
import fcntl, os, sys, time
descriptor = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(descriptor, fcntl.LOCK_EX)
print("holding", flush=True)
time.sleep(60)
"""


def _list_models(variant: str, credentials: las.Credentials, deadline: float) -> None:
    if variant == "sync":
        with las.Session(credentials, deadline=deadline) as session:
            session.request("GET", "/models")
        return

    async def in_loop() -> None:
        async with las.AsyncSession(credentials, deadline=deadline) as session:
            await session.request("GET", "/models")

    asyncio.run(in_loop())


def test_a_refused_token_is_not_read_back_from_a_cache_whose_lock_is_held(
    las_emulator: Emulator, tmp_path: Path
) -> None:
    """After a 403, the refused token is forgotten in memory; when another process holds the
    cache's lock the entry stays in the file, and must not be read back and sent again: the
    calls after the first fetch a new token and succeed, each waiting LOCK_PATIENCE at most."""
    import fcntl

    cache = tmp_path / "lucidtech" / "token-cache.json"
    credentials = las_emulator.credentials(cache_path=cache)
    with las.Session(credentials, deadline=1.0) as session:
        session.request("GET", "/models")  # the first token, written to the cache
        holder = os.open(f"{cache}.lock", os.O_RDWR)  # "another process": its own open file
        fcntl.flock(holder, fcntl.LOCK_EX)
        try:
            las_emulator.expire_tokens()  # the cached token is refused from now on
            outcomes = []
            for _ in range(3):
                try:
                    session.request("GET", "/models", deadline=2.5)
                    outcomes.append("ok")
                except las.ClientException as error:
                    outcomes.append(type(error).__name__)
        finally:
            fcntl.flock(holder, fcntl.LOCK_UN)
            os.close(holder)
    assert outcomes[1:] == ["ok", "ok"], outcomes
    assert las_emulator.token_requests == 2  # one new token, not one per call
    assert json.loads(cache.read_text()) != {}  # the stale entry is still there: nothing was lost


@pytest.mark.parametrize("variant", ["sync", "async"])
def test_a_process_holding_the_cache_lock_keeps_no_call_past_its_deadline(
    las_emulator: Emulator, tmp_path: Path, caplog: pytest.LogCaptureFixture, variant: str
) -> None:
    """A process that holds the cache's lock (stopped with Ctrl-Z, stuck on a network file system)
    held every call that fetched a token until it let go, past any deadline (found by a review).
    The call now waits for the lock until its deadline at most, keeps the token in memory only,
    and says so."""
    cache = tmp_path / "lucidtech" / "token-cache.json"
    cache.parent.mkdir(mode=0o700)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, f"{cache}.lock"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        credentials = las_emulator.credentials(cache_path=cache)
        with caplog.at_level(logging.WARNING, logger="las.credentials"), pytest.raises(las.DeadlineExceeded):
            _list_models(variant, credentials, deadline=1.0)
        assert holder.poll() is None  # the call ended while the lock was still held
        assert f"could not write token cache {cache}" in caplog.text
        assert not cache.exists()

        _list_models(variant, credentials, deadline=30.0)  # the token kept in memory is used
        assert las_emulator.token_requests == 1

        # A call with time to spare does not spend it on the cache: LOCK_PATIENCE (1 s), not 30 s.
        started = time.monotonic()
        _list_models(variant, las_emulator.credentials(cache_path=cache), deadline=30.0)
        assert time.monotonic() - started < 10, "the cache's lock was waited for past LOCK_PATIENCE"
        assert las_emulator.token_requests == 2 and holder.poll() is None and not cache.exists()
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_child_forked_while_a_thread_writes_the_cache_leaves_the_lock_to_the_parent(
    las_emulator: Emulator, tmp_path: Path
) -> None:
    """A child forked while another thread held the cache's lock (a ``fork`` pool started during a
    token refresh) kept the lock for its whole life: a flock belongs to the open file, which the
    child shares, so the parent's next cache write waited for the child (found by a review)."""
    cache = tmp_path / "lucidtech" / "token-cache.json"
    credentials = las_emulator.credentials(cache_path=cache)
    inside, finish = threading.Event(), threading.Event()

    def slow_change(data: dict[str, Any]) -> None:
        inside.set()
        finish.wait(30)

    writer = threading.Thread(target=TokenCache(cache).update, args=(slow_change,))
    writer.start()
    assert inside.wait(30)
    pid = os.fork()
    if pid == 0:  # the child lives on, as a pool's worker does, and never returns into pytest
        try:
            time.sleep(60)
        finally:
            os._exit(0)
    try:
        finish.set()
        writer.join(30)
        with las.Session(credentials, deadline=10) as session:
            session.request("GET", "/models")  # fetches a token and writes it to the cache
        assert os.waitpid(pid, os.WNOHANG) == (0, 0)  # the child still lives
        assert set(json.loads(cache.read_text())) == {credentials.cached_profile}
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
