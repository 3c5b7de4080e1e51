"""A Session across processes: forked children use connections of their own, and pickling a
Session (which holds a secret) is refused with a message that says what to do instead."""

from __future__ import annotations

import os
import pickle
import threading
from pathlib import Path

import pytest

import las
from las.testing import Emulator

WORKERS = 4
GETS_PER_WORKER = 120


def _child(client: las.Client, ids: list[str], worker: int, write_fd: int) -> None:
    """Runs in a forked child: report how many answers were wrong, or the first error."""
    try:
        pools_at_start = len(client.session.http.get_adapter(client.session.api_endpoint).poolmanager.pools)
        wrong = 0
        for n in range(GETS_PER_WORKER):
            wanted = ids[(worker * 31 + n) % len(ids)]
            if client.get_document(wanted)["documentId"] != wanted:
                wrong += 1
        report = f"pools={pools_at_start} wrong={wrong}"
    except BaseException as error:
        report = f"error {error!r}"
    os.write(write_fd, report.encode())
    os.close(write_fd)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forked_workers_never_share_the_parents_pooled_sockets(
    las_emulator: Emulator, tmp_path: Path
) -> None:
    ids = las_emulator.seed_documents(50)
    session = las_emulator.session(cache_path=tmp_path / "cache.json")
    client = las.Client(session=session)
    assert client.get_document(ids[0])["documentId"] == ids[0]  # the pool now holds an open socket

    children: list[tuple[int, int]] = []
    for worker in range(WORKERS):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never return into pytest
            os.close(read_fd)
            try:
                _child(client, ids, worker, write_fd)
            finally:
                os._exit(0)
        os.close(write_fd)
        children.append((pid, read_fd))

    parent_wrong = 0
    for n in range(GETS_PER_WORKER):  # the parent keeps using its own socket meanwhile
        wanted = ids[n % len(ids)]
        parent_wrong += client.get_document(wanted)["documentId"] != wanted

    reports = []
    for pid, read_fd in children:
        with os.fdopen(read_fd, "rb") as pipe:
            reports.append(pipe.read().decode())
        os.waitpid(pid, 0)
    assert reports == ["pools=0 wrong=0"] * WORKERS
    assert parent_wrong == 0
    served = [r for r in las_emulator.requests if r.path.startswith("/documents/") and r.status == 200]
    assert len(served) == 1 + GETS_PER_WORKER * (WORKERS + 1)


def test_pickling_a_session_says_why_not_and_what_to_do(las_emulator: Emulator, tmp_path: Path) -> None:
    session = las_emulator.session(cache_path=tmp_path / "cache.json")
    for holder in (session, las.Client(session=session), session.with_options(timeout=1)):
        with pytest.raises(las.SessionNotPicklableError) as raised:
            pickle.dumps(holder)
        assert isinstance(raised.value, TypeError) and isinstance(raised.value, las.ClientException)
        message = str(raised.value)
        assert "secret" in message and "las.Session()" in message and "las.Credentials" in message
        assert las_emulator.client_secret not in message


def test_credentials_pickle_as_their_values_and_work_in_the_copy(
    las_emulator: Emulator, tmp_path: Path
) -> None:
    credentials = las_emulator.credentials(cache_path=tmp_path / "cache.json")
    credentials.access_token()
    copy = pickle.loads(pickle.dumps(credentials))
    assert (copy.client_id, copy.client_secret, copy.api_endpoint) == (
        credentials.client_id,
        credentials.client_secret,
        credentials.api_endpoint,
    )
    with las.Session(copy) as session:
        assert "models" in las.Client(session=session).list_models()
    assert isinstance(copy._lock, type(threading.Lock()))
