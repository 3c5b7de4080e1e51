"""``await dataset.upload_async(items, max_concurrency=...)``: the awaitable twin of ``dataset.upload``.

Every promise is measured at the emulator: POSTs are counted (each item created once, never
twice), the concurrency bound is read off a gate in the emulator's request handling (how many
creates it holds at once), not off a clock.
"""

from __future__ import annotations

import asyncio
import io
import json
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

import las
from las.bulk import IngestReport, ItemResult
from las.exceptions import APIConnectionError, ServerError
from las.resources import Dataset
from las.testing import Emulator

PDF = b"%PDF-1.4\n%%EOF\n"


def pdf(number: int) -> bytes:
    return PDF + b" %d" % number


def posts(emulator: Emulator) -> list[Any]:
    return [r for r in emulator.requests if r.method == "POST" and r.path == "/documents"]


class Gate:
    """Holds the emulator's POST /documents handlers: each waits until ``limit`` are held at once
    (or every expected create has arrived), so the most the client ever has in flight shows as
    ``most``. ``closed`` holds them all until :meth:`open`."""

    def __init__(
        self,
        emulator: Emulator,
        monkeypatch: pytest.MonkeyPatch,
        limit: int,
        total: int,
        *,
        closed: bool = False,
    ) -> None:
        self.limit, self.total = limit, total
        self.held = self.arrived = self.most = 0
        self.stuck = False
        self.closed = closed
        self.full = threading.Event()  # set the first time `limit` creates are held at once
        self.condition = threading.Condition()
        self.on_full: Callable[[], None] = lambda: None
        service = emulator._service
        handle = service.handle

        def gated(method: str, target: str, headers: Any, body: bytes) -> Any:
            if method != "POST" or not target.startswith("/documents"):
                return handle(method, target, headers, body)
            with self.condition:
                self.held += 1
                self.arrived += 1
                self.most = max(self.most, self.held)
                if self.held >= self.limit and not self.full.is_set():
                    self.on_full()
                    self.full.set()
                self.condition.notify_all()
                released = self.condition.wait_for(
                    lambda: not self.closed and (self.held >= self.limit or self.arrived >= self.total),
                    timeout=30,  # a safety net only: reaching it fails the test through `stuck`
                )
                self.stuck |= not released
            try:
                return handle(method, target, headers, body)
            finally:
                with self.condition:
                    self.held -= 1
                    self.condition.notify_all()

        monkeypatch.setattr(service, "handle", gated)  # the emulator outlives the test: undone after it

    def open(self) -> None:
        """Let every held create go on, and wait until the emulator has answered them all."""
        with self.condition:
            self.closed = False
            self.total = 0
            self.condition.notify_all()
            self.stuck |= not self.condition.wait_for(lambda: self.held == 0, timeout=30)


@pytest_asyncio.fixture
async def dataset(las_async_session: las.AsyncSession, las_emulator: Emulator) -> Dataset:
    created = await las.Dataset.create_async(name="scans", session=las_async_session)
    las_emulator.clear_requests()
    return created


# -- what it creates ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_upload_async_creates_one_document_per_item_in_every_form(
    dataset: Dataset, tmp_path: Path, las_emulator: Emulator, las_session: las.Session
) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf(0))
    items: list[Any] = [
        path,
        str(path),
        pdf(1),
        bytearray(pdf(2)),
        (pdf(3),),
        (pdf(4), {"total_amount": "4.00"}),
        {"content": pdf(5), "ground_truth": [{"label": "total_amount", "value": "5.00"}]},
        {"content": pdf(6), "content_type": "application/pdf", "retention_in_days": 7},
        io.BytesIO(pdf(7)),
    ]

    result = await dataset.upload_async(items, max_concurrency=3)

    assert isinstance(result, IngestReport) and result.ok and len(result) == len(items)
    assert [item.index for item in result] == list(range(len(items)))
    assert [item.source for item in result][:3] == [str(path), str(path), f"<{len(pdf(1))} bytes>"]
    documents = result.documents
    assert documents[5].ground_truth_dict() == {"total_amount": "4.00"}
    assert documents[7].retention_in_days == 7
    assert all(d.session is dataset.session and d.dataset_id == dataset.id for d in documents)
    assert len(posts(las_emulator)) == len(items)  # once each
    stored = las.Document.all(dataset=dataset.id, session=las_session)
    assert sorted(d.id for d in stored) == sorted(d.id for d in documents)
    assert las.Document.get(documents[0].id, session=las_session).content == pdf(0)


@pytest.mark.asyncio
async def test_dataset_documents_upload_async_is_the_same_verb(
    dataset: Dataset, las_emulator: Emulator
) -> None:
    result = await dataset.documents.upload_async([pdf(1), pdf(2)], max_concurrency=2)
    assert result.ok and [d.dataset_id for d in result.documents] == [dataset.id] * 2
    assert len(posts(las_emulator)) == 2


@pytest.mark.asyncio
async def test_a_lazy_and_an_async_iterable_are_uploaded_with_an_unknown_total(dataset: Dataset) -> None:
    async def contents() -> AsyncIterator[bytes]:
        for number in range(5):
            await asyncio.sleep(0)
            yield pdf(number)

    totals: list[int | None] = []
    from_generator = await dataset.upload_async(
        (pdf(n) for n in range(4)), on_progress=lambda item, done, total: totals.append(total)
    )
    from_async = await dataset.upload_async(contents(), on_progress=lambda i, d, t: totals.append(t))

    assert len(from_generator.documents) == 4 and len(from_async.documents) == 5
    assert totals == [None] * 9


# -- concurrency and the window -------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("limit", [1, 3, 8])
async def test_at_most_max_concurrency_creates_are_in_flight(
    limit: int, dataset: Dataset, las_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    total = 3 * limit + 1
    gate = Gate(las_emulator, monkeypatch, limit, total)
    pulled = 0
    pulled_when_full: list[int] = []
    gate.on_full = lambda: pulled_when_full.append(pulled)

    def items() -> Iterator[bytes]:
        nonlocal pulled
        for number in range(total):
            pulled += 1
            yield pdf(number)

    result = await dataset.upload_async(items(), max_concurrency=limit)

    assert result.ok and len(result) == total and not gate.stuck
    assert gate.most == limit  # reached, never passed
    assert pulled_when_full == [limit]  # the window: no item is read before a slot is free
    assert len(posts(las_emulator)) == total


# -- failures -------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_failures_in_the_middle_are_reported_and_not_resent(
    dataset: Dataset, las_emulator: Emulator, las_session: las.Session
) -> None:
    items = [(pdf(number), {"total_amount": str(number)}) for number in range(20)]
    created_before: list[int] = []

    def fail_some_after_five(item: ItemResult, done: int, total: int | None) -> None:
        if done <= 5:
            created_before.append(item.index)
        if done == 5:  # five created: the next three creates get a 500, then one is dropped
            las_emulator.fail_next(3, status=500, method="POST", path="/documents")
            las_emulator.drop_next(1, method="POST", path="/documents")

    result = await dataset.upload_async(items, max_concurrency=4, on_progress=fail_some_after_five)

    assert [item.index for item in result] == list(range(20))
    assert len(result.failed) == 4 and len(result.documents) == 16
    assert not {item.index for item in result.failed} & set(created_before)
    assert sum(isinstance(item.exception, ServerError) for item in result.failed) == 3
    assert sum(isinstance(item.exception, APIConnectionError) for item in result.failed) == 1
    assert len(posts(las_emulator)) == 20  # one request per item: none sent again
    stored = list(las.Document.all(dataset=dataset.id, session=las_session))
    assert {d.id for d in stored} == {d.id for d in result.documents}
    with pytest.raises(las.bulk.IngestError, match="4 of 20 uploads failed"):
        result.raise_for_errors()


@pytest.mark.asyncio
async def test_a_lost_answer_is_reported_and_never_sent_twice(
    dataset: Dataset, las_emulator: Emulator, las_session: las.Session
) -> None:
    las_emulator.lose_answer_next(1, method="POST", path="/documents")

    result = await dataset.upload_async([pdf(n) for n in range(6)], max_concurrency=2)

    [lost] = result.failed
    assert isinstance(lost.exception, APIConnectionError) and len(result.documents) == 5
    assert len(posts(las_emulator)) == 6
    # the API did create it: the report says "failed", the dataset has six, never seven
    assert len(list(las.Document.all(dataset=dataset.id, session=las_session))) == 6


@pytest.mark.asyncio
async def test_a_bad_item_is_reported_and_the_others_go_on(
    dataset: Dataset, las_emulator: Emulator, tmp_path: Path
) -> None:
    result = await dataset.upload_async(
        [pdf(1), (pdf(2), {}, "extra"), {"bytes": pdf(3)}, b"not a document", tmp_path / "missing.pdf", 42]
    )
    assert [item.ok for item in result] == [True, False, False, False, False, False]
    assert isinstance(result.results[1].exception, las.resources.InvalidArgumentError)
    assert (
        isinstance(result.results[2].exception, ValueError) and result.results[2].source == "<invalid item>"
    )
    assert isinstance(result.results[3].exception, las.FileFormatException)
    assert isinstance(result.results[4].exception, las.ContentNotFoundError)
    assert isinstance(result.results[5].exception, TypeError)
    assert len(posts(las_emulator)) == 1


@pytest.mark.asyncio
@pytest.mark.parametrize("items", [b"%PDF-1.4", "scan.pdf", Path("scan.pdf"), {"content": PDF}])
async def test_one_item_instead_of_a_list_is_refused_before_any_request(
    items: Any, dataset: Dataset, las_emulator: Emulator
) -> None:
    with pytest.raises(las.resources.InvalidArgumentError, match="pass it in a list"):
        await dataset.upload_async(items)
    assert posts(las_emulator) == []


@pytest.mark.asyncio
async def test_max_concurrency_must_be_positive(dataset: Dataset, las_emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="max_concurrency must be 1 or more, got 0"):
        await dataset.upload_async([pdf(1)], max_concurrency=0)
    assert posts(las_emulator) == []


@pytest.mark.asyncio
async def test_retry_ambiguous_without_a_journal_is_refused(dataset: Dataset, las_emulator: Emulator) -> None:
    with pytest.raises(las.resources.InvalidArgumentError, match="retry_ambiguous=True needs a journal"):
        await dataset.upload_async([pdf(1)], retry_ambiguous=True)
    assert posts(las_emulator) == []


# -- with a journal -------------------------------------------------------------------------------


def journal_states(path: Path) -> dict[str, str]:
    """The last state of each key, read straight from the JSON Lines file."""
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[0]["lasBulkJournal"] == 1
    return {line["key"]: line["state"] for line in lines[1:]}


@pytest.mark.asyncio
async def test_with_a_journal_a_lost_answer_is_ambiguous_and_never_sent_again(
    dataset: Dataset, las_emulator: Emulator, las_session: las.Session, tmp_path: Path
) -> None:
    journal = tmp_path / "upload.jsonl"
    items = [pdf(n) for n in range(6)]
    las_emulator.lose_answer_next(1, method="POST", path="/documents")

    first = await dataset.upload_async(items, journal=journal, max_concurrency=3)
    again = await dataset.upload_async(items, journal=journal)
    by_sync = las.Dataset.ref(dataset.id, session=las_session).upload(items, journal=journal)

    assert isinstance(first, IngestReport)
    assert (first.counts["created"], first.counts["ambiguous"]) == (5, 1)
    assert (again.counts["skipped"], again.counts["ambiguous"]) == (5, 1)
    assert by_sync.counts == again.counts  # the same journal, read the same way
    assert [r.index for r in first.results] == list(range(6))
    assert len(posts(las_emulator)) == 6  # the lost one was created by the API, and not sent again
    assert len(list(las.Document.all(dataset=dataset.id, session=las_session))) == 6
    assert sorted(journal_states(journal).values()) == ["ambiguous"] + ["created"] * 5


@pytest.mark.asyncio
async def test_an_async_run_resumes_a_sync_runs_journal(
    dataset: Dataset, las_emulator: Emulator, las_session: las.Session, tmp_path: Path
) -> None:
    journal = tmp_path / "upload.jsonl"
    paths = []
    for number in range(6):
        path = tmp_path / f"scan-{number}.pdf"
        path.write_bytes(pdf(number))
        paths.append(path)
    las.Dataset.ref(dataset.id, session=las_session).upload(paths[:3], journal=journal)
    progress: list[tuple[str, int, int | None]] = []

    report = await dataset.upload_async(
        [(path, {"total_amount": "1.00"}) for path in paths],
        journal=journal,
        on_progress=lambda result, done, total: progress.append((result.status, done, total)),
    )

    assert [r.status for r in report.results] == ["skipped"] * 3 + ["created"] * 3
    assert [r.key for r in report.results] == [str(path) for path in paths]
    assert sorted(status for status, _, _ in progress) == ["created"] * 3 + ["skipped"] * 3
    assert [done for _, done, _ in progress] == [1, 2, 3, 4, 5, 6] and {t for *_, t in progress} == {6}
    assert len(posts(las_emulator)) == 6
    assert journal_states(journal) == {str(path): "created" for path in paths}


@pytest.mark.asyncio
async def test_cancelled_with_a_journal_the_creates_in_flight_are_ambiguous_on_the_next_run(
    dataset: Dataset,
    las_emulator: Emulator,
    las_session: las.Session,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    journal = tmp_path / "upload.jsonl"
    items = [pdf(n) for n in range(8)]
    gate = Gate(las_emulator, monkeypatch, 3, 100, closed=True)
    try:
        task = asyncio.create_task(dataset.upload_async(items, journal=journal, max_concurrency=3))
        assert await asyncio.to_thread(gate.full.wait, 30)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    finally:
        gate.open()  # the API goes on to create the three it was sent
    assert list(journal_states(journal).values()) == ["sending"] * 3

    report = await dataset.upload_async(items, journal=journal, max_concurrency=3)

    assert report.counts["ambiguous"] == 3 and report.counts["created"] == 5
    assert len(posts(las_emulator)) == 8  # once each: the three were not sent again
    assert len(list(las.Document.all(dataset=dataset.id, session=las_session))) == 8


@pytest.mark.asyncio
async def test_an_error_in_on_progress_goes_up_after_the_creates_in_flight_are_journaled(
    dataset: Dataset, las_emulator: Emulator, las_session: las.Session, tmp_path: Path
) -> None:
    journal = tmp_path / "upload.jsonl"
    pulled = 0

    def items() -> Iterator[bytes]:
        nonlocal pulled
        for number in range(40):
            pulled += 1
            yield pdf(number)

    def stop_at_two(result: Any, done: int, total: int | None) -> None:
        if done == 2:
            raise RuntimeError("the caller's callback broke")

    with pytest.raises(RuntimeError, match="callback broke"):
        await dataset.upload_async(items(), journal=journal, max_concurrency=4, on_progress=stop_at_two)

    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []
    states = journal_states(journal)
    assert pulled <= 2 + 4 and len(states) == len(posts(las_emulator))
    assert set(states.values()) == {"created"}  # none left "sending": the ones in flight ended
    report = await dataset.upload_async(items(), journal=journal)  # and a re-run finishes the job
    assert report.ok and len(posts(las_emulator)) == 40
    assert len(list(las.Document.all(dataset=dataset.id, session=las_session))) == 40


@pytest.mark.asyncio
async def test_with_a_journal_an_item_of_no_known_form_is_refused(
    dataset: Dataset, las_emulator: Emulator, tmp_path: Path
) -> None:
    with pytest.raises(las.resources.InvalidArgumentError, match="an upload dict needs 'content'"):
        await dataset.upload_async([pdf(1), {"bytes": pdf(2)}], journal=tmp_path / "upload.jsonl")
    with pytest.raises(ValueError, match="max_concurrency must be 1 or more"):
        await dataset.upload_async([pdf(1)], journal=tmp_path / "other.jsonl", max_concurrency=0)
    assert not (tmp_path / "other.jsonl").exists()


# -- progress -------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_progress_is_reported_for_every_item_in_the_loops_thread(dataset: Dataset) -> None:
    seen: list[tuple[int, int | None, bool, int]] = []

    def on_progress(item: ItemResult, done: int, total: int | None) -> None:
        seen.append((done, total, item.ok, threading.get_ident()))

    await dataset.upload_async(
        [pdf(n) for n in range(5)] + [b"bad"], on_progress=on_progress, max_concurrency=2
    )

    assert [done for done, *_ in seen] == [1, 2, 3, 4, 5, 6]
    assert {total for _, total, *_ in seen} == {6}
    assert sorted(ok for _, _, ok, _ in seen) == [False] + [True] * 5
    assert {thread for *_, thread in seen} == {threading.get_ident()}


@pytest.mark.asyncio
async def test_progress_bar_goes_to_stderr(dataset: Dataset, capsys: pytest.CaptureFixture[str]) -> None:
    await dataset.upload_async([pdf(n) for n in range(3)], progress_bar=True)
    captured = capsys.readouterr()
    assert "3/3" in captured.err and captured.out == ""


@pytest.mark.asyncio
async def test_a_file_object_is_read_outside_the_event_loop(dataset: Dataset) -> None:
    readers: list[int] = []

    class Recording(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            readers.append(threading.get_ident())
            return super().read(size)

    result = await dataset.upload_async([Recording(pdf(1))])

    assert result.ok and readers and threading.get_ident() not in readers


# -- cancellation ---------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_cancelling_cancels_the_creates_in_flight_and_reraises(
    dataset: Dataset, las_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(las_emulator, monkeypatch, 3, 100, closed=True)
    progress: list[int] = []
    pulled = 0

    def items() -> Iterator[bytes]:
        nonlocal pulled
        for number in range(100):
            pulled += 1
            yield pdf(number)

    try:
        task = asyncio.create_task(
            dataset.upload_async(items(), max_concurrency=3, on_progress=lambda i, d, t: progress.append(d))
        )
        assert await asyncio.to_thread(gate.full.wait, 30)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert task.cancelled()
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        assert others == []  # the creates were cancelled and awaited, none left running
    finally:
        gate.open()
    assert not gate.stuck
    assert progress == [] and pulled == 3  # nothing reported, nothing more read or sent
    assert len(posts(las_emulator)) == 3


# -- the wrong session ----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_upload_async_on_a_sync_dataset_says_to_call_upload(
    las_session: las.Session, las_emulator: Emulator, tmp_path: Path
) -> None:
    dataset = las.Dataset.create(session=las_session)
    las_emulator.clear_requests()
    with pytest.raises(TypeError, match=r"belongs to a las\.Session: call dataset\.upload\(\.\.\.\) instead"):
        await dataset.upload_async([pdf(1)])
    with pytest.raises(
        TypeError, match=r"belongs to a las\.Session: call dataset_documents\.upload\(\.\.\.\) instead"
    ):
        await dataset.documents.upload_async([pdf(1)])
    with pytest.raises(TypeError, match=r"belongs to a las\.Session"):
        await dataset.upload_async([pdf(1)], journal=tmp_path / "upload.jsonl")
    assert las_emulator.requests == [] and not (tmp_path / "upload.jsonl").exists()


@pytest.mark.asyncio
async def test_upload_on_an_async_dataset_names_the_twin(
    dataset: Dataset, las_emulator: Emulator, tmp_path: Path
) -> None:
    for upload, shown in ((dataset.upload, "dataset"), (dataset.documents.upload, "dataset_documents")):
        with pytest.raises(
            TypeError,
            match=rf"belongs to an AsyncSession: await its twin instead: await {shown}\.upload_async",
        ):
            upload([pdf(1)])
    with pytest.raises(TypeError, match="AsyncSession"):
        dataset.upload([pdf(1)], journal=tmp_path / "upload.jsonl")
    assert las_emulator.requests == [] and not (tmp_path / "upload.jsonl").exists()
