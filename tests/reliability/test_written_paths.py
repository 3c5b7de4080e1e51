"""Every path the SDK writes, attacked: a file it does not own, a read-only directory, a symlink,
a second writer.

The writers: the bulk journal (``las.bulk.ingest`` and ``las datasets create-documents
--resume``), the token cache, the JSON Lines and CSV exports, ``las documents get
--download-content`` and ``las datasets download``. Each is driven the way a user drives it and
judged by the file system afterwards: the bytes and the mode of what was there, the link and its
target, what is left in the directory. What each does is in README.md (Reliability, Security).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import os
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import las
import las.bulk
from las.cli import main
from las.cli._download import download_document
from las.contracts import CONTRACTS
from las.testing import Emulator
from tests.bulk.conftest import pdf, post_documents
from tests.support.filesystem import read_only

RESULTS = [
    las.bulk.PredictionResult(
        0,
        "las:document:" + "a" * 32,
        "predicted",
        prediction={
            "predictionId": "las:prediction:" + "b" * 32,
            "modelId": "las:model:" + "c" * 32,
            "predictions": [{"label": "total_amount", "value": "10.00", "confidence": 0.9}],
        },
    ),
    las.bulk.PredictionResult(1, "las:document:" + "d" * 32, "failed", error="NotFoundError: gone"),
]


def cli(emulator: Emulator, *args: str) -> tuple[int, str, str]:
    """``las ARGS`` in this process (so a read-only directory holds for it): exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--endpoint", emulator.url, "--client-secret", emulator.client_secret, *args])
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue(), err.getvalue()


class Writer:
    """One path the SDK writes, driven as a user drives it."""

    name = ""
    says_so = True
    """Whether a refusal is told to the user (an error or a warning naming the path)."""

    def target(self, directory: Path) -> Path:
        """Where in ``directory`` this writer writes."""
        raise NotImplementedError

    def write(self, path: Path) -> str | None:
        """Have the SDK write ``path``; what it told the user (an error, a warning), or None."""
        raise NotImplementedError

    def named(self, path: Path) -> str:
        """What a message about ``path`` must name."""
        return str(path)


class Journal(Writer):
    name = "journal"

    def __init__(self, emulator: Emulator, session: las.Session, dataset_id: str) -> None:
        self.emulator, self.session, self.dataset_id = emulator, session, dataset_id

    def target(self, directory: Path) -> Path:
        return directory / "upload.jsonl"

    def write(self, path: Path) -> str | None:
        before = post_documents(self.emulator)
        try:
            las.bulk.ingest(
                [las.bulk.IngestItem(pdf(1), key="a")],
                dataset=self.dataset_id,
                journal=path,
                session=self.session,
            )
        except las.bulk.JournalError as error:
            assert post_documents(self.emulator) == before, "a refused journal must send nothing"
            return str(error)
        return None


class ResumeCommand(Writer):
    name = "las datasets create-documents --resume"

    def __init__(self, emulator: Emulator, dataset_id: str, source: Path) -> None:
        self.emulator, self.dataset_id, self.source = emulator, dataset_id, source

    def target(self, directory: Path) -> Path:
        return directory / "upload.jsonl"

    def write(self, path: Path) -> str | None:
        before = post_documents(self.emulator)
        code, _, err = cli(
            self.emulator,
            "datasets",
            "create-documents",
            self.dataset_id,
            str(self.source),
            "--resume",
            str(path),
        )
        if code == 0:
            return None
        assert code == 2 and post_documents(self.emulator) == before, err
        return err


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class TokenCache(Writer):
    name = "token cache"

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def target(self, directory: Path) -> Path:
        return directory / "token-cache.json"

    def write(self, path: Path) -> str | None:
        credentials = las.Credentials(
            self.emulator.client_id,
            self.emulator.client_secret,
            self.emulator.auth_endpoint,
            self.emulator.api_endpoint,
            cached_profile="default",
            cache_path=path,
            contract=self.emulator.contract,
        )
        seen = _Warnings()
        logger = logging.getLogger("las.credentials")
        logger.addHandler(seen)
        try:
            assert credentials.access_token()  # whatever the cache file, a token is had
        finally:
            logger.removeHandler(seen)
        return "\n".join(seen.messages) or None


class Export(Writer):
    def __init__(self, export: Callable[..., None], suffix: str) -> None:
        self.export, self.suffix = export, suffix
        self.name = export.__name__

    def target(self, directory: Path) -> Path:
        return directory / f"predictions{self.suffix}"

    def write(self, path: Path) -> str | None:
        try:
            self.export(RESULTS, path)
        except OSError as error:
            return str(error)
        return None


class DownloadContent(Writer):
    name = "las documents get --download-content"

    def __init__(self, emulator: Emulator, document_id: str) -> None:
        self.emulator, self.document_id = emulator, document_id

    def target(self, directory: Path) -> Path:
        return directory / "copy.pdf"

    def write(self, path: Path) -> str | None:
        code, _, err = cli(
            self.emulator, "documents", "get", self.document_id, "--download-content", str(path)
        )
        if code == 0:
            return None
        assert code == 2, err
        return err


class DatasetDownload(Writer):
    name = "las datasets download"
    says_so = False  # a file already at a document's name is kept (a re-run's skip), not an error

    def __init__(self, emulator: Emulator, dataset_id: str, document_id: str) -> None:
        self.emulator, self.dataset_id, self.document_id = emulator, dataset_id, document_id

    def target(self, directory: Path) -> Path:
        return directory / (self.document_id.replace(":", "_") + ".pdf")

    def write(self, path: Path) -> str | None:
        code, out, err = cli(
            self.emulator, "--json", "datasets", "download", self.dataset_id, str(path.parent)
        )
        if code == 2:
            return err
        errors = [item["error"] for item in json.loads(out)["items"] if item["error"]]
        assert (code == 1) == bool(errors), out
        return "\n".join(errors) or None

    def named(self, path: Path) -> str:
        return str(path.parent)  # the directory it was given (a file's error names the file in it)


WRITERS = [
    "journal",
    "resume",
    "token cache",
    "export_jsonl",
    "export_csv",
    "download content",
    "dataset download",
]


@pytest.fixture(params=WRITERS)
def writer(request: pytest.FixtureRequest, las_emulator: Emulator, tmp_path: Path) -> Iterator[Writer]:
    """Each path the SDK writes, with what it needs in the emulator."""
    name = request.param
    if name == "export_jsonl":
        yield Export(las.bulk.export_jsonl, ".jsonl")
        return
    if name == "export_csv":
        yield Export(las.bulk.export_csv, ".csv")
        return
    if name == "token cache":
        yield TokenCache(las_emulator)
        return
    with las_emulator.session() as session:
        client = las.Client(session=session)
        dataset_id = client.create_dataset(name="written paths")["datasetId"]
        if name == "journal":
            yield Journal(las_emulator, session, dataset_id)
        elif name == "resume":
            source = tmp_path / "source"
            source.mkdir()
            (source / "a.pdf").write_bytes(pdf(1))
            yield ResumeCommand(las_emulator, dataset_id, source)
        else:
            (document_id,) = las_emulator.seed_documents(1, dataset_id=dataset_id, content=pdf(2))
            if name == "download content":
                yield DownloadContent(las_emulator, document_id)
            else:
                yield DatasetDownload(las_emulator, dataset_id, document_id)


def place(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    return directory


# -- (a) an existing file the SDK does not own --------------------------------------------------

USER_FILES = {
    "one line, no newline": b"call the bank about the invoice",
    "lines": b"first line\nsecond line\n",
    "a JSON object": b'{"theme": "dark", "fontSize": 12}\n',
    "binary": bytes(range(256)) * 4,
}


@pytest.mark.parametrize("content", USER_FILES.values(), ids=list(USER_FILES))
def test_an_existing_file_it_does_not_own_is_left_as_it_was(
    writer: Writer, tmp_path: Path, content: bytes
) -> None:
    path = writer.target(place(tmp_path / "work"))
    path.write_bytes(content)
    path.chmod(0o640)
    said = writer.write(path)
    assert path.read_bytes() == content
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    if writer.says_so:
        assert said is not None and writer.named(path) in said, said


# -- (b) a read-only directory ------------------------------------------------------------------


def test_a_read_only_directory_gets_an_error_naming_the_path_and_nothing_is_left(
    writer: Writer, tmp_path: Path
) -> None:
    directory = place(tmp_path / "locked")
    path = writer.target(directory)
    with read_only(directory):
        said = writer.write(path)
    assert said is not None and writer.named(path) in said, said
    assert list(directory.iterdir()) == []  # no temporary file, no half a file


# -- (c) a symbolic link planted at the path ----------------------------------------------------


@pytest.mark.parametrize("dangling", [False, True], ids=["to a file", "dangling"])
def test_a_symbolic_link_at_the_path_is_never_written_through(
    writer: Writer, tmp_path: Path, dangling: bool
) -> None:
    victim = place(tmp_path / "home") / ".bashrc"
    if not dangling:
        victim.write_bytes(b"export PATH=$HOME/bin:$PATH\n")
    path = writer.target(place(tmp_path / "work"))
    path.symlink_to(victim)
    said = writer.write(path)
    assert path.is_symlink() and os.readlink(path) == str(victim)  # the link is left alone
    if dangling:
        assert not victim.exists()  # nothing created through it
    else:
        assert victim.read_bytes() == b"export PATH=$HOME/bin:$PATH\n"
    assert said is not None and writer.named(path) in said, said


# -- (d) a second writer ------------------------------------------------------------------------


def run_together(count: int, work: Callable[[int], object], wait: float = 60) -> list[object]:
    """Run ``work(0..count-1)`` in threads released at the same moment; each one's result or error
    (None for a thread still running after ``wait`` seconds)."""
    start = threading.Barrier(count)
    outcomes: list[object] = [None] * count

    def one(index: int) -> None:
        start.wait()
        try:
            outcomes[index] = work(index)
        except Exception as error:  # collected for the test to judge
            outcomes[index] = error

    threads = [threading.Thread(target=one, args=(index,), daemon=True) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(wait)
    return outcomes


def test_a_second_writer_of_a_new_journal_is_refused_and_the_journal_stays_whole(
    las_session: las.Session, las_client: las.Client, las_emulator: Emulator, tmp_path: Path
) -> None:
    dataset_id = las_client.create_dataset(name="race")["datasetId"]
    sent = 0
    for attempt in range(6):  # the race for a new journal: creating it, locking it, writing its header
        journal = tmp_path / f"upload-{attempt}.jsonl"

        def ingest(index: int, attempt: int = attempt, journal: Path = journal) -> object:
            items = [
                las.bulk.IngestItem(pdf(100 * attempt + 10 * index + n), key=f"{index}-{n}") for n in range(3)
            ]
            return las.bulk.ingest(items, dataset=dataset_id, journal=journal, session=las_session)

        outcomes = run_together(2, ingest)
        refused = [each for each in outcomes if isinstance(each, las.bulk.JournalError)]
        done = [each for each in outcomes if isinstance(each, las.bulk.IngestReport)]
        assert len(done) >= 1 and len(done) + len(refused) == 2, outcomes
        assert all("in use by another process" in str(each) for each in refused)
        lines = [json.loads(line) for line in journal.read_text().splitlines()]
        assert ["lasBulkJournal" in line for line in lines].count(True) == 1 and "lasBulkJournal" in lines[0]
        assert stat.S_IMODE(journal.stat().st_mode) == 0o600
        sent += 3 * len(done)
    assert post_documents(las_emulator) == sent  # a refused run sent nothing


def test_threads_sharing_a_token_cache_leave_every_profile_in_valid_private_json(
    las_emulator: Emulator, tmp_path: Path
) -> None:
    cache = tmp_path / "lucidtech" / "token-cache.json"

    def refresh(index: int) -> object:
        credentials = las.Credentials(
            las_emulator.client_id,
            las_emulator.client_secret,
            las_emulator.auth_endpoint,
            las_emulator.api_endpoint,
            cached_profile=f"profile-{index}",
            cache_path=cache,
            contract=las_emulator.contract,
        )
        for _ in range(3):
            credentials.invalidate()
            credentials.access_token()
        return credentials.access_token()

    tokens = run_together(6, refresh)
    assert all(isinstance(token, str) for token in tokens), tokens
    data = json.loads(cache.read_text())
    assert {profile: entry["access_token"] for profile, entry in data.items()} == {
        f"profile-{index}": token for index, token in enumerate(tokens)
    }
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert sorted(path.name for path in cache.parent.iterdir()) == [
        "token-cache.json",
        "token-cache.json.lock",
    ]


@pytest.mark.parametrize("export", [las.bulk.export_csv, las.bulk.export_jsonl])
def test_exports_racing_to_one_path_leave_one_whole_export(
    export: Callable[..., None], tmp_path: Path
) -> None:
    target = tmp_path / "predictions.out"
    variants = [RESULTS[: 1 + index % 2] for index in range(4)]
    wholes = set()
    for index, results in enumerate(variants):
        alone = tmp_path / f"alone-{index}.out"
        export(results, alone)
        wholes.add(alone.read_bytes())
        alone.unlink()
    for _ in range(5):
        outcomes = run_together(4, lambda index: export(variants[index], target))
        assert all(each is None or isinstance(each, FileExistsError) for each in outcomes), outcomes
        assert target.read_bytes() in wholes
    assert [path.name for path in tmp_path.iterdir()] == ["predictions.out"]  # no temporary file left


def test_downloads_racing_for_one_document_leave_its_files_whole(
    las_client: las.Client, las_emulator: Emulator, tmp_path: Path
) -> None:
    dataset_id = las_client.create_dataset(name="race")["datasetId"]
    (document_id,) = las_emulator.seed_documents(1, dataset_id=dataset_id, content=pdf(7))
    listed = {"documentId": document_id}  # no content type: every racer fetches and writes
    outcomes = run_together(4, lambda index: download_document(las_client, listed, tmp_path))
    assert {outcome[0] for outcome in outcomes if isinstance(outcome, tuple)} <= {"downloaded", "existing"}
    assert all(isinstance(outcome, tuple) for outcome in outcomes), outcomes
    stem = document_id.replace(":", "_")
    assert (tmp_path / f"{stem}.pdf").read_bytes() == pdf(7)
    assert json.loads((tmp_path / f"{stem}.json").read_text()) == []
    assert sorted(path.name for path in tmp_path.iterdir()) == [f"{stem}.json", f"{stem}.pdf"]


# -- what each writer does with what is its own -------------------------------------------------


def test_a_new_journal_is_private(las_session: las.Session, las_client: las.Client, tmp_path: Path) -> None:
    dataset_id = las_client.create_dataset(name="private")["datasetId"]
    journal = tmp_path / "upload.jsonl"
    previous = os.umask(0o022)
    try:
        las.bulk.ingest([pdf(1)], dataset=dataset_id, journal=journal, session=las_session)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600  # it copies ground truth


def test_an_existing_journal_readable_by_others_is_used_as_it_is_with_a_warning(
    las_session: las.Session, las_client: las.Client, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    dataset_id = las_client.create_dataset(name="shared")["datasetId"]
    journal = tmp_path / "upload.jsonl"
    las.bulk.ingest([pdf(1)], dataset=dataset_id, journal=journal, session=las_session)
    journal.chmod(0o644)  # as versions before 0600 journals created it, or as a team shares it
    with caplog.at_level(logging.WARNING, logger="las.bulk"):
        report = las.bulk.ingest([pdf(1), pdf(2)], dataset=dataset_id, journal=journal, session=las_session)
    assert [result.status for result in report.results] == ["skipped", "created"]
    assert stat.S_IMODE(journal.stat().st_mode) == 0o644  # the user's choice is kept
    assert str(journal) in caplog.text and "chmod 600" in caplog.text


def test_an_empty_file_becomes_a_new_private_journal(
    las_session: las.Session, las_client: las.Client, tmp_path: Path
) -> None:
    dataset_id = las_client.create_dataset(name="empty")["datasetId"]
    journal = tmp_path / "upload.jsonl"
    journal.touch(0o644)  # `touch upload.jsonl`, or `mktemp`: nothing in it to lose
    report = las.bulk.ingest([pdf(1)], dataset=dataset_id, journal=journal, session=las_session)
    assert report.counts["created"] == 1
    assert json.loads(journal.read_text().splitlines()[0])["datasetId"] == dataset_id
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600


def test_a_journal_torn_while_its_header_was_written_is_started_again(
    las_emulator: Emulator, las_session: las.Session, las_client: las.Client, tmp_path: Path
) -> None:
    dataset_id = las_client.create_dataset(name="torn")["datasetId"]
    journal = tmp_path / "upload.jsonl"
    journal.write_bytes(b'{"lasBulkJournal":1,"datasetId":"las:da')  # a power cut mid-header
    report = las.bulk.ingest([pdf(1)], dataset=dataset_id, journal=journal, session=las_session)
    assert report.torn_line is not None and report.counts["created"] == 1
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    assert lines[0]["datasetId"] == dataset_id  # a header again, then the item's lines
    # sending, created; 2024-11-29 notes between them that the document awaits its bytes
    assert [line["state"] for line in lines[1:]] == (
        ["sending", "created"]
        if CONTRACTS[las_session.contract].inline_uploads
        else ["sending", "created-awaiting-content", "created"]
    )


@pytest.mark.parametrize(
    "start",
    [
        b"{",
        b'{"las',
        b'{"lasBulkJournal"',  # too short to tell from another file
        b'{"lasBulkJournal": 2, "datasetId": "las:dataset:x"}',  # whole, but another version
        b'{"lasBulkJournal": 1}\nnotes\n',
    ],
)
def test_a_file_that_only_looks_like_a_journal_header_is_refused(
    las_session: las.Session, las_client: las.Client, tmp_path: Path, start: bytes
) -> None:
    dataset_id = las_client.create_dataset(name="short")["datasetId"]
    journal = tmp_path / "upload.jsonl"
    journal.write_bytes(start)
    with pytest.raises(las.bulk.JournalError, match="not a las bulk journal"):
        las.bulk.ingest([pdf(1)], dataset=dataset_id, journal=journal, session=las_session)
    assert journal.read_bytes() == start


def test_reconcile_refuses_a_file_that_is_not_a_journal_and_leaves_it(
    las_session: las.Session, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"call the bank")
    with pytest.raises(las.bulk.JournalError, match="not a las bulk journal"):
        las.bulk.reconcile(notes, session=las_session)
    assert notes.read_bytes() == b"call the bank"


def test_a_fifo_at_the_journal_path_is_refused_without_waiting(
    las_session: las.Session, las_client: las.Client, tmp_path: Path
) -> None:
    dataset_id = las_client.create_dataset(name="fifo")["datasetId"]
    fifo = tmp_path / "upload.jsonl"
    os.mkfifo(fifo)
    outcome = run_together(
        1, lambda _: las.bulk.ingest([pdf(1)], dataset=dataset_id, journal=fifo, session=las_session), wait=10
    )
    assert isinstance(outcome[0], las.bulk.JournalError), "reading a FIFO as a journal waits forever"
    assert "not a regular file" in str(outcome[0])


def test_an_empty_or_earlier_token_cache_is_written(las_emulator: Emulator, tmp_path: Path) -> None:
    cache = tmp_path / "token-cache.json"
    cache.touch()
    assert TokenCache(las_emulator).write(cache) is None
    assert "access_token" in json.loads(cache.read_text())["default"]


@pytest.mark.parametrize(
    ("export", "suffix"), [(las.bulk.export_csv, ".csv"), (las.bulk.export_jsonl, ".jsonl")]
)
def test_an_export_replaces_an_earlier_export_or_an_empty_file(
    export: Callable[..., None], suffix: str, tmp_path: Path
) -> None:
    target = tmp_path / f"predictions{suffix}"
    target.touch()
    export(RESULTS[:1], target)
    export(RESULTS, target)  # a re-run of the same script
    alone = tmp_path / f"alone{suffix}"
    export(RESULTS, alone)
    assert target.read_bytes() == alone.read_bytes()


@pytest.mark.parametrize("export", [las.bulk.export_csv, las.bulk.export_jsonl])
def test_overwrite_replaces_a_file_or_a_link_but_never_the_link_target(
    export: Callable[..., None], tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    export(RESULTS, notes, overwrite=True)
    assert notes.read_text() != "mine"
    victim = tmp_path / ".bashrc"
    victim.write_text("keep")
    link = tmp_path / "link.out"
    link.symlink_to(victim)
    export(RESULTS, link, overwrite=True)
    assert not link.is_symlink() and link.read_bytes() == notes.read_bytes() and victim.read_text() == "keep"


def test_an_export_onto_a_directory_is_refused_even_with_overwrite(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    with pytest.raises(IsADirectoryError, match="out"):
        las.bulk.export_csv(RESULTS, tmp_path / "out", overwrite=True)


def test_the_report_exports_refuse_and_overwrite_like_the_functions(tmp_path: Path) -> None:
    report = las.bulk.PredictionReport("las:model:" + "c" * 32, RESULTS, 0.0, las.bulk.LimitStats([1], 0, 1))
    for write, name in ((report.to_csv, "a.csv"), (report.to_jsonl, "a.jsonl")):
        mine = tmp_path / name
        mine.write_text("mine")
        with pytest.raises(FileExistsError, match="overwrite=True"):
            write(mine)
        assert mine.read_text() == "mine"
        write(mine, overwrite=True)
        assert mine.read_text() != "mine"


def test_csv_export_is_still_a_csv_of_every_document(tmp_path: Path) -> None:
    target = tmp_path / "predictions.csv"
    las.bulk.export_csv(RESULTS, target)
    with target.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["document_id"] for row in rows] == [result.document_id for result in RESULTS]


def test_download_content_again_with_the_same_bytes_is_fine_and_other_bytes_need_overwrite(
    las_emulator: Emulator, tmp_path: Path
) -> None:
    (document_id,) = las_emulator.seed_documents(1, content=pdf(3))
    target = tmp_path / "copy.pdf"
    assert cli(las_emulator, "documents", "get", document_id, "-d", str(target))[0] == 0
    assert cli(las_emulator, "documents", "get", document_id, "-d", str(target))[0] == 0  # a re-run
    target.write_bytes(b"my own report")
    code, _, err = cli(las_emulator, "documents", "get", document_id, "-d", str(target))
    assert code == 2 and "--overwrite" in err and target.read_bytes() == b"my own report"
    assert cli(las_emulator, "documents", "get", document_id, "-d", str(target), "--overwrite")[0] == 0
    assert target.read_bytes() == pdf(3)


def test_download_content_overwrite_replaces_a_link_not_its_target(
    las_emulator: Emulator, tmp_path: Path
) -> None:
    (document_id,) = las_emulator.seed_documents(1, content=pdf(4))
    victim = tmp_path / ".bashrc"
    victim.write_text("keep")
    link = tmp_path / "copy.pdf"
    link.symlink_to(victim)
    assert cli(las_emulator, "documents", "get", document_id, "-d", str(link), "--overwrite")[0] == 0
    assert not link.is_symlink() and link.read_bytes() == pdf(4) and victim.read_text() == "keep"


def test_download_content_streams_into_a_pipe(las_emulator: Emulator, tmp_path: Path) -> None:
    (document_id,) = las_emulator.seed_documents(1, content=pdf(5))
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    code = cli(las_emulator, "documents", "get", document_id, "-d", str(fifo))[0]
    reader.join(10)
    assert code == 0 and received == [pdf(5)] and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_download_content_to_dev_stdout_writes_the_stream_and_leaves_the_link(
    las_emulator: Emulator, capfd: pytest.CaptureFixture[str]
) -> None:
    (document_id,) = las_emulator.seed_documents(1, content=pdf(6))
    capfd.readouterr()
    code = cli(las_emulator, "documents", "get", document_id, "-d", "/dev/stdout")[0]
    assert code == 0 and pdf(6).decode() in capfd.readouterr().out  # fd 1 is a file here, not a pipe
    assert os.path.islink("/dev/stdout")


def test_exports_and_downloads_are_private(
    las_emulator: Emulator, las_client: las.Client, tmp_path: Path
) -> None:
    dataset_id = las_client.create_dataset(name="private")["datasetId"]
    (document_id,) = las_emulator.seed_documents(1, dataset_id=dataset_id, content=pdf(8))
    las.bulk.export_csv(RESULTS, tmp_path / "predictions.csv")
    las.bulk.export_jsonl(RESULTS, tmp_path / "predictions.jsonl")
    assert cli(las_emulator, "documents", "get", document_id, "-d", str(tmp_path / "copy.pdf"))[0] == 0
    assert cli(las_emulator, "datasets", "download", dataset_id, str(tmp_path / "dataset"))[0] == 0
    written = [*tmp_path.glob("*.*"), *(tmp_path / "dataset").iterdir()]
    assert len(written) == 5
    assert {path.name: stat.S_IMODE(path.stat().st_mode) for path in written} == {
        path.name: 0o600 for path in written
    }


def test_overwrite_without_download_content_is_a_usage_error(las_emulator: Emulator) -> None:
    (document_id,) = las_emulator.seed_documents(1)
    code, _, err = cli(las_emulator, "documents", "get", document_id, "--overwrite")
    assert code == 2 and "--download-content" in err


def test_dataset_download_keeps_a_file_already_there_and_writes_only_what_is_missing(
    las_client: las.Client, las_emulator: Emulator, tmp_path: Path
) -> None:
    dataset_id = las_client.create_dataset(name="keep")["datasetId"]
    (document_id,) = las_emulator.seed_documents(1, dataset_id=dataset_id, content=pdf(6))
    stem = document_id.replace(":", "_")
    edited = tmp_path / f"{stem}.json"
    edited.write_text('[{"label": "total", "value": "corrected by hand"}]')
    code, _, _ = cli(las_emulator, "datasets", "download", dataset_id, str(tmp_path))
    assert code == 0
    assert edited.read_text() == '[{"label": "total", "value": "corrected by hand"}]'
    assert (tmp_path / f"{stem}.pdf").read_bytes() == pdf(6)
