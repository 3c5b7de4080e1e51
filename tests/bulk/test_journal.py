"""The journal survives crashes: a killed process, a torn last line, a second process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import pytest

import las
import las.bulk
from las.testing import Emulator
from tests.bulk.conftest import documents_in, pdf, post_documents
from tests.support.contracts import BYTES_IN_THE_POST

KILLED_RUN = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    import las, las.bulk

    endpoint, client_id, secret, dataset_id, journal, folder = sys.argv[1:]
    credentials = las.Credentials(client_id, secret, endpoint, endpoint, cache_path=Path(journal).with_suffix(".token"))

    def die_mid_run(progress):
        if progress.done == 7:
            os._exit(9)  # no cleanup, no flush: as a kill -9 or a power cut would leave it

    las.bulk.ingest(sorted(Path(folder).iterdir()), dataset=dataset_id, journal=journal,
                    session=las.Session(credentials), max_workers=4, on_progress=die_mid_run)
    """
)


@BYTES_IN_THE_POST
def test_a_killed_run_resumes_and_every_item_ends_in_the_dataset_once(
    las_session: las.Session,
    las_client: las.Client,
    las_emulator: Emulator,
    dataset_id: str,
    scans: list[Path],
    tmp_path: Path,
) -> None:
    journal = tmp_path / "upload.jsonl"
    script = tmp_path / "killed_run.py"
    script.write_text(KILLED_RUN)
    root = Path(__file__).resolve().parents[2]
    args = [
        las_emulator.url,
        las_emulator.client_id,
        las_emulator.client_secret,
        dataset_id,
        str(journal),
        str(scans[0].parent),
    ]
    env = {**os.environ, "PYTHONPATH": str(root)}
    died = subprocess.run([sys.executable, str(script), *args], env=env, capture_output=True, timeout=120)
    assert died.returncode == 9, died.stderr.decode()
    assert post_documents(las_emulator) >= 7

    # Items in flight when the process died are "sending" in the journal: ambiguous, not resent,
    # and a POST the dead process sent may still be in the server's hands: reconcile right away
    # keeps those without a document pending instead of declaring them not created.
    resumed = las.bulk.ingest(scans, dataset=dataset_id, journal=journal, session=las_session)
    assert resumed.counts["skipped"] + resumed.counts["ambiguous"] + resumed.counts["created"] == 20
    early = las.bulk.reconcile(journal, session=las_session)
    assert early.not_found == [] and len(early.found) + len(early.pending) == resumed.counts["ambiguous"]
    las.bulk.ingest(scans, dataset=dataset_id, journal=journal, session=las_session)
    assert max(posted_contents(las_emulator).values()) == 1  # nothing sent twice

    wait_until_the_server_is_idle(las_client, las_emulator, dataset_id)
    las.bulk.reconcile(journal, session=las_session, settle=0)
    final = las.bulk.ingest(scans, dataset=dataset_id, journal=journal, session=las_session)
    assert final.ok and final.counts["skipped"] + final.counts["created"] == 20
    assert len(documents_in(las_client, dataset_id)) == 20  # each item once
    assert max(posted_contents(las_emulator).values()) == 1


def posted_contents(emulator: Emulator) -> Counter[str]:
    """How many times each content was POSTed to /documents."""
    return Counter(
        str(sent.json["content"])
        for sent in emulator.requests
        if sent.method == "POST" and sent.path == "/documents" and isinstance(sent.json, dict)
    )


def wait_until_the_server_is_idle(client: las.Client, emulator: Emulator, dataset_id: str) -> None:
    """Until the documents and recorded POSTs stop changing (a bound against hanging, no assertion)."""
    seen: list[tuple[int, int]] = []
    give_up = time.monotonic() + 30
    while time.monotonic() < give_up and (len(seen) < 5 or len(set(seen[-5:])) > 1):
        seen.append((len(documents_in(client, dataset_id)), post_documents(emulator)))
        time.sleep(0.1)


def test_reconcile_keeps_an_item_sent_moments_ago_pending_and_never_resends_it(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, scans: list[Path], tmp_path: Path
) -> None:
    journal = tmp_path / "upload.jsonl"
    las_emulator.drop_next(1, method="POST", path="/documents")  # nothing created, but who knows
    las.bulk.ingest(scans[:3], dataset=dataset_id, journal=journal, session=las_session, max_workers=1)
    report = las.bulk.reconcile(journal, session=las_session)  # default settle: 60 s
    assert report.pending == [str(scans[0])] and report.not_found == [] and report.found == {}
    again = las.bulk.ingest(scans[:3], dataset=dataset_id, journal=journal, session=las_session)
    assert again.counts["ambiguous"] == 1 and post_documents(las_emulator) == 3
    assert las.bulk.reconcile(journal, session=las_session, settle=0).not_found == [str(scans[0])]


def test_a_torn_last_line_is_tolerated_reported_and_cut_off(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, scans: list[Path], tmp_path: Path
) -> None:
    journal = tmp_path / "upload.jsonl"
    las.bulk.ingest(scans[:5], dataset=dataset_id, journal=journal, session=las_session)
    whole = journal.read_bytes()
    with journal.open("ab") as handle:
        handle.write(b'{"key":"' + str(scans[5]).encode() + b'","state":"sen')  # a crash mid-write
    report = las.bulk.ingest(scans[:6], dataset=dataset_id, journal=journal, session=las_session)
    assert report.torn_line is not None and report.torn_line.line_number == whole.count(b"\n") + 1
    assert "torn" in report.summary()
    assert [r.status for r in report.results] == ["skipped"] * 5 + ["created"]
    assert post_documents(las_emulator) == 6
    assert journal.read_bytes().startswith(whole) and b'"sen\n' not in journal.read_bytes()
    for line in journal.read_text().splitlines():
        json.loads(line)  # every line whole again


@BYTES_IN_THE_POST  # 2024: the torn line leaves created-awaiting-content, and resume PUTs the bytes
def test_a_torn_created_line_leaves_the_item_ambiguous_not_resent(
    las_session: las.Session,
    las_client: las.Client,
    las_emulator: Emulator,
    dataset_id: str,
    scans: list[Path],
    tmp_path: Path,
) -> None:
    journal = tmp_path / "upload.jsonl"
    las.bulk.ingest(scans[:3], dataset=dataset_id, journal=journal, session=las_session, max_workers=1)
    text = journal.read_text()
    journal.write_text(text[: text.rstrip("\n").rfind("\n") + 1] + text.rstrip("\n").rsplit("\n", 1)[1][:30])
    report = las.bulk.ingest(scans[:3], dataset=dataset_id, journal=journal, session=las_session)
    assert [r.status for r in report.results] == ["skipped", "skipped", "ambiguous"]
    unknown_to_the_journal = documents_ids_minus(las_client, dataset_id, report)
    assert las.bulk.reconcile(journal, session=las_session).found == {str(scans[2]): unknown_to_the_journal}
    assert post_documents(las_emulator) == 3


def documents_ids_minus(client: las.Client, dataset_id: str, report: las.bulk.IngestReport) -> str:
    known = {r.document_id for r in report.results}
    (left,) = [
        doc["documentId"] for doc in documents_in(client, dataset_id) if doc["documentId"] not in known
    ]
    return str(left)


def test_a_corrupted_line_before_the_last_is_refused_with_its_number(
    las_session: las.Session, dataset_id: str, scans: list[Path], tmp_path: Path
) -> None:
    journal = tmp_path / "upload.jsonl"
    las.bulk.ingest(scans[:2], dataset=dataset_id, journal=journal, session=las_session)
    lines = journal.read_text().splitlines()
    lines[2] = "garbage"
    journal.write_text("\n".join(lines) + "\n")
    with pytest.raises(las.bulk.JournalError, match="line 3"):
        las.bulk.ingest(scans[:2], dataset=dataset_id, journal=journal, session=las_session)


def test_a_journal_of_another_dataset_is_refused(
    las_session: las.Session,
    las_client: las.Client,
    las_emulator: Emulator,
    dataset_id: str,
    scans: list[Path],
    tmp_path: Path,
) -> None:
    journal = tmp_path / "upload.jsonl"
    las.bulk.ingest(scans[:1], dataset=dataset_id, journal=journal, session=las_session)
    other = las_client.create_dataset(name="other")["datasetId"]
    with pytest.raises(las.bulk.JournalError, match="another journal file"):
        las.bulk.ingest(scans[:1], dataset=other, journal=journal, session=las_session)
    assert post_documents(las_emulator) == 1


def test_a_journal_in_use_is_refused(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, scans: list[Path], tmp_path: Path
) -> None:
    journal = tmp_path / "upload.jsonl"
    with las.bulk.Journal(journal, dataset_id=dataset_id):
        with pytest.raises(las.bulk.JournalError, match="in use by another process"):
            las.bulk.ingest(scans[:1], dataset=dataset_id, journal=journal, session=las_session)
    assert post_documents(las_emulator) == 0


def test_a_file_that_is_not_a_journal_is_refused(
    las_session: las.Session, dataset_id: str, tmp_path: Path
) -> None:
    journal = tmp_path / "notes.jsonl"
    journal.write_text('{"some": "other data"}\n')
    with pytest.raises(las.bulk.JournalError, match="not a las bulk journal"):
        las.bulk.ingest([], dataset=dataset_id, journal=journal, session=las_session)


def test_reconcile_with_nothing_ambiguous_sends_no_request(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, scans: list[Path], tmp_path: Path
) -> None:
    journal = tmp_path / "upload.jsonl"
    las.bulk.ingest(scans[:2], dataset=dataset_id, journal=journal, session=las_session)
    before = len(las_emulator.requests)
    assert las.bulk.reconcile(journal, session=las_session) == las.bulk.ReconcileReport({}, [], [])
    assert len(las_emulator.requests) == before


def test_reconcile_of_a_missing_journal_says_so_and_creates_no_file(
    las_session: las.Session, tmp_path: Path
) -> None:
    with pytest.raises(las.bulk.JournalError, match="no journal at"):
        las.bulk.reconcile(tmp_path / "typo.jsonl", session=las_session)
    assert not (tmp_path / "typo.jsonl").exists()


def document_gets(emulator: Emulator) -> int:
    return sum(
        1 for sent in emulator.requests if sent.method == "GET" and sent.path.startswith("/documents/")
    )


@BYTES_IN_THE_POST
def test_reconcile_fetches_only_unknown_documents_that_could_be_an_ambiguous_item(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, scans: list[Path], tmp_path: Path
) -> None:
    journal = tmp_path / "upload.jsonl"
    las_emulator.seed_documents(
        30, dataset_id=dataset_id, content=b"\x89PNG\r\n\x1a\n", content_type="image/png"
    )
    las_emulator.lose_answer_next(2, method="POST", path="/documents")
    las.bulk.ingest(scans, dataset=dataset_id, journal=journal, session=las_session)
    las_emulator.clear_requests()
    found = las.bulk.reconcile(journal, session=las_session)
    assert len(found.found) == 2
    assert document_gets(las_emulator) == 2  # not the 18 the journal knows, nor the 30 PNGs


def test_reconcile_skips_documents_created_before_the_items_were_sent(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, scans: list[Path], tmp_path: Path
) -> None:
    journal = tmp_path / "upload.jsonl"
    las_emulator.lose_answer_next(2, method="POST", path="/documents")
    las.bulk.ingest(scans, dataset=dataset_id, journal=journal, session=las_session)
    # As if the items had been sent in the far future: every document in the dataset is older.
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    for line in lines:
        if line.get("state") == "sending":
            line["time"] = "2999-01-01T00:00:00.000+00:00"
    journal.write_text("".join(json.dumps(line) + "\n" for line in lines))
    las_emulator.clear_requests()
    found = las.bulk.reconcile(journal, session=las_session, settle=0)
    assert found.found == {} and len(found.not_found) == 2
    assert document_gets(las_emulator) == 0


def test_a_journal_cut_anywhere_in_a_line_loads_and_is_whole_lines_again(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, scans: list[Path], tmp_path: Path
) -> None:
    journal = tmp_path / "upload.jsonl"
    las_emulator.lose_answer_next(1, method="POST", path="/documents")
    las.bulk.ingest(scans[:3], dataset=dataset_id, journal=journal, session=las_session, max_workers=1)
    whole = journal.read_bytes()
    complete = las.bulk.Journal(journal, dataset_id=dataset_id)
    final_states = {entry.key: entry.state for entry in complete.entries()}
    complete.close()
    cut_journal = tmp_path / "cut.jsonl"
    ends = [index + 1 for index, byte in enumerate(whole) if byte == ord("\n")]
    starts = [0, *ends[:-1]]
    cuts = {0, len(whole)}
    for start, end in zip(starts, ends, strict=True):  # around each line end, and mid-line
        cuts |= {start + 1, (start + end) // 2, end - 2, end - 1, end}
    for cut in sorted(cuts):
        cut_journal.write_bytes(whole[:cut])
        if 0 < cut < len(b'{"lasBulkJournal":'):  # too little to tell it from another file: kept
            with pytest.raises(las.bulk.JournalError, match="not a las bulk journal"):
                las.bulk.Journal(cut_journal, dataset_id=dataset_id)
            assert cut_journal.read_bytes() == whole[:cut]
            continue
        with las.bulk.Journal(cut_journal, dataset_id=dataset_id) as book:
            states = {entry.key: entry.state for entry in book.entries()}
            torn = book.torn_line
        at_boundary = cut == 0 or whole[cut - 1 : cut] == b"\n"
        assert (torn is None) == at_boundary or whole[:cut].rsplit(b"\n", 1)[-1].endswith(b"}"), cut
        assert set(states) <= set(final_states)
        text = cut_journal.read_text()
        assert text.endswith("\n") and all(json.loads(line) for line in text.splitlines())
    assert states == final_states


def test_hostile_keys_round_trip_through_the_journal(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, tmp_path: Path
) -> None:
    keys = ["a\nb", '{"key": "x"}', "ключ", "%2F", ".", "..", "/", " "]
    items = [las.bulk.IngestItem(pdf(number), key=key) for number, key in enumerate(keys)]
    journal = tmp_path / "upload.jsonl"
    first = las.bulk.ingest(items, dataset=dataset_id, journal=journal, session=las_session)
    assert [r.key for r in first.results] == keys and first.counts["created"] == len(keys)
    again = las.bulk.ingest(items, dataset=dataset_id, journal=journal, session=las_session)
    assert again.counts["skipped"] == len(keys)
    assert post_documents(las_emulator) == len(keys)
    with pytest.raises(las.InvalidArgumentError, match="key must not be empty"):
        las.bulk.ingest(
            [las.bulk.IngestItem(pdf(99), key="")], dataset=dataset_id, journal=journal, session=las_session
        )


@BYTES_IN_THE_POST
def test_reconcile_matches_by_content_even_if_the_api_reshaped_the_ground_truth(
    las_session: las.Session, las_emulator: Emulator, dataset_id: str, tmp_path: Path
) -> None:
    journal = tmp_path / "upload.jsonl"
    item = las.bulk.IngestItem(pdf(1), key="receipt", ground_truth=[{"label": "total", "value": "12"}])
    las_emulator.lose_answer_next(1, method="POST", path="/documents")
    las.bulk.ingest([item], dataset=dataset_id, journal=journal, session=las_session)
    # As if the API stored the value in another form than the one sent.
    journal.write_text(journal.read_text().replace('"value":"12"', '"value":"12.00"'))
    assert list(las.bulk.reconcile(journal, session=las_session).found) == ["receipt"]
