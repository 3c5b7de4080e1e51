"""2024-11-29: a process killed (SIGKILL) anywhere between a document's POST and the journal's
word that its bytes arrived, or while replacing a document without bytes, is resumed to exactly
one document per item, each with its bytes; and a second process is kept off the journal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import las
import las.bulk
from las.testing import Emulator
from las.testing._files import FILES_PATH
from tests.bulk.conftest import pdf, post_documents

from .conftest import assert_each_item_once_with_its_bytes, puts, requests_to

ITEMS = 4
KILL_AT = 3  # the third item's PUT (or journal line, or DELETE): some before it done, one after

RUN = textwrap.dedent(
    """
    import os, signal, sys, threading
    from pathlib import Path
    import las, las.bulk

    endpoint, client_id, secret, dataset, journal, folder, point, kill_at = sys.argv[1:]
    kill_at = int(kill_at)
    credentials = las.Credentials(client_id, secret, endpoint, endpoint,
                                  cache_path=Path(journal).with_suffix(".token"), contract="2024-11-29")
    seen = []

    def die():
        os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no flush: as a kill -9 or a power cut

    def reached():
        seen.append(1)
        return len(seen) == kill_at

    if point in ("before-put", "during-put"):
        send = las.Session.send
        def sending(self, call, **options):
            if call.url is not None and call.method == "PUT" and reached():
                if point == "before-put":
                    die()  # the journal has the document and its URL; no byte has left
                threading.Timer(0.2, die).start()  # the PUT goes out; its answer never comes back
            return send(self, call, **options)
        las.Session.send = sending
    elif point == "after-put":
        record = las.bulk.Journal.record
        def recording(self, key, state, **fields):
            if state == "created" and reached():
                die()  # the bytes arrived; the journal never heard
            return record(self, key, state, **fields)
        las.bulk.Journal.record = recording
    elif point in ("before-delete", "after-delete"):
        delete = las.Client.delete_document
        def deleting(self, document_id):
            if reached() and point == "before-delete":
                die()  # `replacing` journaled, the document still there
            answer = delete(self, document_id)
            if len(seen) == kill_at:
                die()  # deleted; the journal does not know yet
            return answer
        las.Client.delete_document = deleting
    elif point == "hold":  # resume, and wait at the first PUT (holding the journal) until told
        send = las.Session.send
        def holding(self, call, **options):
            if call.url is not None and call.method == "PUT" and len(seen) == 0:
                seen.append(1)
                print("holding", flush=True)
                sys.stdin.readline()
            return send(self, call, **options)
        las.Session.send = holding
    elif point == "second":  # must be refused before it sends anything
        def sending(self, call, **options):
            print("SENT", call.method, call.path, file=sys.stderr, flush=True)
            raise SystemExit(3)
        las.Session.send = sending
    report = las.bulk.ingest(sorted(Path(folder).iterdir()), dataset=dataset, journal=journal,
                             session=las.Session(credentials), max_workers=1, recreate_incomplete=True)
    print(report.counts, flush=True)
    """
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "scans"
    folder.mkdir()
    for number in range(ITEMS):
        (folder / f"scan-{number}.pdf").write_bytes(pdf(number))
    return folder


def run(
    emulator: Emulator, dataset: str, journal: Path, folder: Path, point: str, **options: object
) -> subprocess.Popen[bytes]:
    script = journal.parent / "run.py"
    script.write_text(RUN)
    root = Path(__file__).resolve().parents[2]
    args = [emulator.url, emulator.client_id, emulator.client_secret, dataset, str(journal), str(folder)]
    return subprocess.Popen(
        [sys.executable, str(script), *args, point, str(KILL_AT)],
        env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **options,  # type: ignore[call-overload]
    )


def killed(process: subprocess.Popen[bytes]) -> None:
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL, stderr.decode()


def wait_for_the_delayed_put(emulator: Emulator) -> None:
    """Until the emulator has answered the PUT the dead process left in its hands (bounded: on a
    slow machine the process may have died before sending it; no assertion)."""
    give_up = time.monotonic() + 5
    while puts(emulator) < KILL_AT and time.monotonic() < give_up:
        time.sleep(0.05)


def resume_and_check(
    session: las.Session, client: las.Client, dataset: str, journal: Path, folder: Path
) -> las.bulk.IngestReport:
    paths = sorted(folder.iterdir())
    resumed = las.bulk.ingest(
        paths, dataset=dataset, journal=journal, session=session, recreate_incomplete=True
    )
    las.bulk.reconcile(journal, session=session, settle=0)
    final = las.bulk.ingest(
        paths, dataset=dataset, journal=journal, session=session, recreate_incomplete=True
    )
    assert final.ok, final.summary()
    assert_each_item_once_with_its_bytes(client, dataset, [path.read_bytes() for path in paths])
    return resumed


@pytest.mark.parametrize("point", ["before-put", "during-put", "after-put"])
def test_a_kill_between_the_post_and_the_journal_hearing_of_the_bytes_is_resumed(
    session: las.Session,
    client: las.Client,
    emulator: Emulator,
    dataset: str,
    folder: Path,
    tmp_path: Path,
    point: str,
) -> None:
    journal = tmp_path / "upload.jsonl"
    if point == "during-put":
        emulator.delay_next(KILL_AT, 0.5, method="PUT", path=FILES_PATH)  # the PUT in the server's hands
    killed(run(emulator, dataset, journal, folder, point))
    if point == "during-put":
        wait_for_the_delayed_put(emulator)
    assert post_documents(emulator) == KILL_AT  # the third was created, the fourth never sent
    with las.bulk.Journal(journal) as book:
        entry = book.get(str(sorted(folder.iterdir())[KILL_AT - 1]))
    assert entry is not None and entry.state == "created-awaiting-content" and entry.file_url

    resumed = resume_and_check(session, client, dataset, journal, folder)
    assert [item.status for item in resumed] == ["skipped", "skipped", "created", "created"]
    assert post_documents(emulator) == ITEMS  # no document created twice
    if point == "after-put":
        assert puts(emulator) == ITEMS  # its bytes had arrived: not sent again
    if point == "before-put":
        assert puts(emulator) == ITEMS


@pytest.mark.parametrize("point", ["before-delete", "after-delete"])
def test_a_kill_while_replacing_a_document_without_bytes_is_resumed(
    session: las.Session,
    client: las.Client,
    emulator: Emulator,
    dataset: str,
    folder: Path,
    tmp_path: Path,
    point: str,
) -> None:
    journal = tmp_path / "upload.jsonl"
    emulator.fail_next(ITEMS, status=403, method="PUT", path=FILES_PATH)  # every item incomplete
    first = las.bulk.ingest(sorted(folder.iterdir()), dataset=dataset, journal=journal, session=session)
    assert first.counts["incomplete"] == ITEMS
    killed(run(emulator, dataset, journal, folder, point))
    assert requests_to(emulator, "DELETE", "/documents/") == KILL_AT - (point == "before-delete")
    replaced_by_the_dead = KILL_AT - 1

    resumed = resume_and_check(session, client, dataset, journal, folder)
    assert (
        resumed.counts["skipped"] == replaced_by_the_dead
        and resumed.counts["created"] == ITEMS - replaced_by_the_dead
    )
    assert post_documents(emulator) == 2 * ITEMS  # each item: the byte-less one, and its replacement
    assert requests_to(emulator, "DELETE", "/documents/") == ITEMS  # each byte-less one once


def test_a_second_process_resuming_the_same_journal_at_once_is_refused(
    session: las.Session,
    client: las.Client,
    emulator: Emulator,
    dataset: str,
    folder: Path,
    tmp_path: Path,
) -> None:
    journal = tmp_path / "upload.jsonl"
    emulator.fail_next(2 * ITEMS, status=503, method="PUT", path=FILES_PATH)  # every item awaits its bytes
    first = las.bulk.ingest(sorted(folder.iterdir()), dataset=dataset, journal=journal, session=session)
    assert first.counts["incomplete"] == ITEMS
    holder = run(emulator, dataset, journal, folder, "hold", stdin=subprocess.PIPE)
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert holder.stdout.readline() == b"holding\n"  # resuming: it opened (and locked) the journal
        second = run(emulator, dataset, journal, folder, "second")
        _, stderr = second.communicate(timeout=120)
        assert second.returncode == 1 and b"in use by another process" in stderr, stderr.decode()
        assert b"SENT" not in stderr  # refused before a request
        with pytest.raises(las.bulk.JournalError, match="in use by another process"):
            las.bulk.reconcile(journal, session=session)
        with pytest.raises(las.bulk.JournalError, match="in use by another process"):
            las.bulk.ingest(sorted(folder.iterdir()), dataset=dataset, journal=journal, session=session)
    finally:
        _, err = holder.communicate(b"go on\n", timeout=120)
    assert holder.returncode == 0, err.decode()
    assert post_documents(emulator) == ITEMS
    assert_each_item_once_with_its_bytes(
        client, dataset, [path.read_bytes() for path in sorted(folder.iterdir())]
    )
