"""The adversarial campaign: a stateful, property-based test that drives every layer of the SDK
against the emulator while faults hit it, and checks after every step what the server says
happened, never what the SDK returned.

Hypothesis draws a sequence of steps. Operations, through every layer:

- ``las.Client.create_document`` (its answer sometimes later than the client waits),
  ``las.Document.create``, ``dataset.upload`` without a journal, and
  ``las.AsyncClient.create_document`` in parallel on one ``las.AsyncSession``;
- ``las.bulk.ingest`` with a journal, re-run (a resume) with every earlier item plus new ones
  and copies of earlier ones (same content, new key: created once), sometimes stopped by a
  Ctrl-C in its progress callback, and ``las.bulk.reconcile`` of what it left ambiguous;
- walks of every document: ``las.Document.all``, ``las.paginate``, ``las.paginate_async``;
- workflow executions started with ``execute_workflow``; ``las.Worker`` and ``las.AsyncWorker``
  draining the manual transition until idle, or stopped by a SIGTERM that the function sends to
  this process (once: graceful; twice: release what is in hand, the release's PATCH faulted).

Faults, armed between operations and consumed by whichever requests they match (any API request,
document creates, document pages, workflow executions, transition listings and takes,
completions, heartbeats, uploads to file URLs): 5xx answers, dropped connections, lost answers
(the server did the work, the answer never arrives), 429 storms with and without
``Retry-After``, every token revoked now or as a given request arrives
(``Emulator.expire_tokens_next``), faults on the token endpoint, and tokens that expire on their
own (the emulator grants them for 2 seconds).

Invariants, after every step, from the emulator's store and request log:

- no document and no workflow execution created twice, and none that no create asked for;
- none lost: everything the SDK reported created is in the store, under the id it reported;
- nothing the SDK reported certainly not created is in the store: an answer lost after the work
  was done is reported ``ambiguous`` (``las.AnswerLostError`` or a timeout from a Client);
- a create is never sent again after an answer the API may have acted on (only after 401, 403
  or 429), and a resumed ingest never sends content it knows created or ambiguous;
- every transition execution that ended was completed exactly once (the API recorded one
  completion: its log says so once, whether the answer was lost or not; a PATCH's status cannot
  tell, as an injected 200 was never handled and a lost answer is recorded 0) with the status its
  function's result maps to, or released after a second SIGTERM; an execution still running has
  no recorded completion; each worker called the function at most once per execution;
- every walk of the documents sees each document once, and all of them when it completes;
- the token cache file stays a private, well-formed JSON object, with no temporary file left;
- (at the end of each run) every request the SDK sent conforms to the contract.

It runs against the contract the run serves (``--las-contract``; CI runs both). On 2024-11-29 the
``POST /documents`` carries no bytes: they follow in a ``PUT`` to the ``fileUrl`` of its answer, and
a ``POST`` whose answer was lost, or whose ``PUT`` failed, leaves a document without bytes. So each
create also sends its content's label as ground truth, which names what a ``POST`` and a document
were created for (see ``_campaign.py``), and the invariants above keep their meaning with these
added:

- a document the SDK reported created (or a duplicate's) holds its bytes, and no document holds
  other bytes than those it was created for;
- a document without bytes is one the SDK reported ambiguous or incomplete
  (``las.DocumentUploadError``, ingest's and reconcile's ``incomplete``, naming it), never created;
  one that ingest or reconcile reported incomplete for a journal's item is that item's, whichever
  item's lost answer made it (reconcile takes them as interchangeable), so the journal has a dataset
  of its own, into which nothing else uploads;
- an incomplete document stays in the store, under the id reported, until the SDK deletes it; one
  it replaced (``recreate_incomplete=True``, drawn for each ingest) or found gone is deleted, not
  left beside its replacement; a resumed ingest sends an incomplete item's create again only then.

The retry backoff is scaled down (``BACKOFF_BASE``) so that retries cost milliseconds; what is
retried, and how often, is unchanged. CI runs a fixed sequence (``derandomize``) of 12 runs of up
to 40 steps, about ten seconds. A longer, random run::

    LAS_CAMPAIGN_EXAMPLES=300 .venv/bin/python -m pytest tests/reliability/test_campaign.py

(``LAS_CAMPAIGN_STEPS`` sets the steps per run.) A failure prints the steps that led to it,
shrunk, as calls on ``Campaign``. Rules have no precondition on the emulator's state: Hypothesis
replays its choices, and that state depends on how threads interleave.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import itertools
import os
import signal
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

import las
from las import _policy
from las.bulk import IngestItem
from las.contracts import CONTRACTS
from las.testing import Emulator
from las.testing._files import FILES_PATH
from las.testing.pytest_plugin import served_contract
from tests.conftest import requests_outside_the_contract
from tests.reliability._campaign import (
    AMBIGUOUS,
    CREATED,
    DUPLICATE,
    FAILED,
    INCOMPLETE,
    UNKNOWN,
    Create,
    Ledger,
    check_documents,
    check_token_cache,
    document_posts,
    documents_deleted,
    marked,
    outcome_of,
    pdf,
    sends_that_may_have_worked,
    stored_document_rows,
    stored_documents,
    stored_transition_executions,
    stored_workflow_execution_inputs,
)
from tests.workers.conftest import manual_transition, single_step_workflow

LONG_RUN = os.environ.get("LAS_CAMPAIGN_EXAMPLES")
EXAMPLES = int(LONG_RUN or 12)
STEPS = int(os.environ.get("LAS_CAMPAIGN_STEPS") or 40)
TOKEN_TTL = 2.0  # seconds: tokens expire on their own during a run, as well as by faults
SESSION_OPTIONS: dict[str, Any] = {
    "max_retries": 4,
    "max_retry_wait": 2.0,
    "timeout": (2.0, 5.0),
    "deadline": 15.0,
}

LATE_ANSWER = 0.03  # seconds the emulator holds a create whose client gives up after a third of that
WORKER_OPTIONS: dict[str, Any] = {
    "concurrency": 3,
    "poll_interval": 0.01,
    "heartbeat_interval": 0.5,
    "patience": 10,
    "page_size": 2,  # polls take several pages, for the faults to fall on
}

# Which requests a fault concerns: (method, path filter) for Emulator.fail_next and friends.
TARGETS: dict[str, dict[str, Any]] = {
    "any API request": {"method": None, "path": None},
    "document creates": {"method": "POST", "path": "/documents"},
    "document pages": {"method": "GET", "path": "/documents"},
    "workflow executions": {"method": "POST", "path": "/workflows"},
    "transition listings and takes": {"method": "GET", "path": "/transitions"},
    "completions": {"method": "PATCH", "path": "/transitions"},
    "heartbeats": {"method": "POST", "path": "/transitions"},
    "uploads to file URLs": {"method": "PUT", "path": FILES_PATH},  # 2024-11-29: none on 2021-09-23
}
requests_concerned = st.sampled_from(sorted(TARGETS))
counts = st.integers(1, 3)
new_executions = st.integers(0, 3)  # started (through the faults) right before a worker runs
COMPLETION_FAULTS = (None, "503", "drop", "lost", "a 200 outside the contract", "token revoked twice")
completion_faults = st.sampled_from(COMPLETION_FAULTS)


SIGNAL_HANDLED = 0.05  # seconds for the main thread (or the loop) to run a signal's handler


@dataclasses.dataclass(frozen=True)
class StopPlan:
    """What the first function call of a worker run sends: SIGTERM, or two (a release), the
    release's PATCH meeting ``release_fault``."""

    twice: bool
    release_fault: str | None = None


STOP_PLANS = {"none": None, "SIGTERM": StopPlan(twice=False), "SIGTERM twice": StopPlan(twice=True)}


def logged(step: Callable[..., None]) -> Callable[..., None]:
    """Note each step in the run's history, and name the steps in any failure: one that depends
    on how threads interleave may not replay, and Hypothesis then cannot print them."""

    @functools.wraps(step)
    def run(self: Campaign, **arguments: Any) -> None:
        self.history.append(f"{step.__name__}({', '.join(f'{k}={v!r}' for k, v in arguments.items())})")
        with self.naming_the_steps():
            step(self, **arguments)

    return run


def expected_status(n: int) -> str:
    """What the campaign's transition function does with input ``n``."""
    return ("rejected", "failed", "succeeded")[n % 3]


class Campaign(RuleBasedStateMachine):
    """One run: fresh emulator state, a Session with a token cache, a dataset, a workflow whose
    one step is a manual transition, and one Worker for it."""

    def __init__(self, emulator: Emulator, workdir: Path) -> None:
        super().__init__()
        emulator.reset()
        emulator.clock.freeze()  # no transition execution times out while it waits for a worker
        self.emulator = emulator
        folder = Path(tempfile.mkdtemp(dir=workdir))
        self.cache_path = folder / "cache" / "token-cache.json"
        self.journal = folder / "ingest.jsonl"
        self.session = las.Session(self._credentials(), **SESSION_OPTIONS)
        self.client = las.Client(session=self.session)
        self.dataset_id = str(self.client.create_dataset(name="campaign")["datasetId"])
        # reconcile takes a document without bytes in the journal's dataset as an ambiguous item's
        # (2024-11-29: nothing else tells them apart), so there no other upload goes into it
        self.journal_dataset_id = (
            self.dataset_id
            if CONTRACTS[emulator.contract].inline_uploads
            else str(self.client.create_dataset(name="campaign journal")["datasetId"])
        )
        self.transition_id = manual_transition(self.client)
        self.workflow_id = single_step_workflow(self.client, self.transition_id)
        self.ledger = Ledger()
        self.history: list[str] = []  # the steps of this run, for failure messages
        self.numbers = itertools.count()
        self.ingest_items: dict[str, bytes] = {}  # key -> content, in first-ingested order
        self.lock = threading.Lock()
        self.calls: Counter[tuple[str, int]] = Counter()  # function calls per (worker, input n)
        self.async_workers = itertools.count()
        self.releasable: set[int] = set()  # inputs whose execution a second SIGTERM may release
        self.stop_plan: StopPlan | None = None  # what the next function call signals
        self.worker = las.Worker(self.transition_id, self._work, session=self.client, **WORKER_OPTIONS)

    @contextlib.contextmanager
    def naming_the_steps(self) -> Iterator[None]:
        try:
            yield
        except AssertionError as failure:
            steps = "\n  ".join(self.history)
            raise AssertionError(f"{failure}\nafter these steps:\n  {steps}") from failure

    def _credentials(self) -> las.Credentials:
        return las.Credentials(
            self.emulator.client_id,
            self.emulator.client_secret,
            self.emulator.auth_endpoint,
            self.emulator.api_endpoint,
            cached_profile="campaign",
            cache_path=self.cache_path,
            contract=self.emulator.contract,
        )

    def teardown(self) -> None:
        """Every request the SDK sent conforms to the contract, faults or not (checked once per
        run: it reads every request)."""
        self.emulator.clear_faults()
        self.session.close()
        problems = requests_outside_the_contract(self.emulator)
        assert not problems, "the SDK sent requests outside the contract:\n" + "\n".join(problems)

    # -- faults ------------------------------------------------------------------------------

    @rule(
        status=st.sampled_from([500, 502, 503, 504]),
        body=st.sampled_from([None, b"<html><title>502 Bad Gateway</title></html>", b""]),
        n=counts,
        where=requests_concerned,
    )
    @logged
    def fail(self, status: int, body: bytes | None, n: int, where: str) -> None:
        """5xx, in the API's JSON shape (``body`` None), as a proxy's HTML page, or empty."""
        content_type = "text/html" if body else "application/json"
        self.emulator.fail_next(n, status=status, body=body, content_type=content_type, **TARGETS[where])

    @rule(
        body=st.sampled_from([b"<html>maintenance</html>", b'{"documentId": "las:docu', b"[]", b"null"]),
        where=requests_concerned,
    )
    @logged
    def answer_200_with_a_body_outside_the_contract(self, body: bytes, where: str) -> None:
        """A 200 whose body is not what the operation promises (the request was not handled)."""
        self.emulator.fail_next(1, status=200, body=body, **TARGETS[where])

    @rule(n=counts, where=requests_concerned)
    @logged
    def drop_connections(self, n: int, where: str) -> None:
        self.emulator.drop_next(n, **TARGETS[where])

    @rule(n=counts, where=requests_concerned)
    @logged
    def lose_answers(self, n: int, where: str) -> None:
        self.emulator.lose_answer_next(n, **TARGETS[where])

    @rule(
        n=st.integers(1, 6),
        retry_after=st.sampled_from([None, 0, 0.01, "-1", "nan", "soon"]),  # the last three count as absent
        where=requests_concerned,
    )
    @logged
    def storm_of_429(self, n: int, retry_after: float | str | None, where: str) -> None:
        self.emulator.fail_next(n, status=429, retry_after=retry_after, **TARGETS[where])

    @rule()
    @logged
    def revoke_every_token(self) -> None:
        self.emulator.expire_tokens()

    @rule(n=counts, where=requests_concerned)
    @logged
    def revoke_every_token_as_a_request_arrives(self, n: int, where: str) -> None:
        self.emulator.expire_tokens_next(n, **TARGETS[where])

    @rule(kind=st.sampled_from(["503", "drop", "lose", "HTML 200"]))
    @logged
    def fault_the_token_endpoint(self, kind: str) -> None:
        if kind == "503":
            self.emulator.fail_next(1, status=503, path="/token")
        elif kind == "HTML 200":
            self.emulator.fail_next(
                1, status=200, body=b"<html>sign in</html>", content_type="text/html", path="/token"
            )
        elif kind == "drop":
            self.emulator.drop_next(1, path="/token")
        else:
            self.emulator.lose_answer_next(1, path="/token")

    @rule()
    @logged
    def calm(self) -> None:
        self.emulator.clear_faults()

    # -- documents, one at a time --------------------------------------------------------------

    def _new_document(self, via: str) -> tuple[str, bytes]:
        label = f"{via}-{next(self.numbers)}"
        return label, pdf(label)

    def _settle_document(
        self, label: str, via: str, content: bytes, answer: str | BaseException, *, since: int
    ) -> None:
        """Record what one create said; check at once that it was sent at most once."""
        if isinstance(answer, BaseException):
            if not isinstance(answer, las.ClientException):
                raise answer  # the SDK raised something that is not one of its errors
            named = answer.document_id if isinstance(answer, las.DocumentUploadError) else None
            create = Create(
                label, via, outcome_of(answer), content, named, error=f"{type(answer).__name__}: {answer}"
            )
        else:
            create = Create(label, via, CREATED, content, answer)
        self.ledger.documents[label] = create
        statuses = document_posts(self.emulator.requests[since:]).get(content, [])
        assert sends_that_may_have_worked(statuses) <= 1, f"{label} ({via}) was sent again: {statuses}"
        if create.status != CREATED and statuses and statuses[-1] == 0 and content in self._stored_contents():
            assert isinstance(answer, (las.AnswerLostError, las.APITimeoutError)), (
                f"{label}: the answer was lost, the SDK said {answer!r}"
            )

    def _stored_contents(self) -> set[bytes | None]:
        return set(stored_documents(self.emulator).values())

    @rule(n=counts, late=st.booleans())
    @logged
    def client_creates_documents(self, n: int, late: bool) -> None:
        """``late``: the first create is answered after the client stopped waiting (read timeout):
        the API created the document, the client heard nothing."""
        for number in range(n):
            label, content = self._new_document("Client")
            client = self.client
            if late and number == 0:
                self.emulator.delay_next(1, LATE_ANSWER, method="POST", path="/documents")
                client = las.Client(session=self.session.with_options(timeout=(2.0, LATE_ANSWER / 3)))
            since = len(self.emulator.requests)
            answer: str | BaseException
            try:
                answer = client.create_document(
                    content, "application/pdf", dataset_id=self.dataset_id, ground_truth=marked(content)
                )["documentId"]
            except Exception as error:
                answer = error
            if isinstance(answer, las.APITimeoutError) and str(answer).startswith("POST /documents"):
                self._wait_until_handled(content)  # before a walk counts the documents
            self._settle_document(label, "Client", content, answer, since=since)

    def _wait_until_handled(self, content: bytes) -> None:
        """Wait for the emulator to finish the create that carried ``content`` (it records a
        request once it has answered, or given up on, it)."""
        deadline = time.monotonic() + 10
        while content not in document_posts(self.emulator.requests):
            assert time.monotonic() < deadline, "the late create never finished"
            time.sleep(0.002)

    @rule()
    @logged
    def resource_creates_a_document(self) -> None:
        label, content = self._new_document("Document")
        since = len(self.emulator.requests)
        answer: str | BaseException
        try:
            answer = las.Document.create(
                content, dataset=self.dataset_id, ground_truth=marked(content), session=self.client
            ).id
        except Exception as error:
            answer = error
        self._settle_document(label, "Document", content, answer, since=since)

    @rule(n=st.integers(1, 4))
    @logged
    def dataset_uploads_without_journal(self, n: int) -> None:
        items = [self._new_document("upload") for _ in range(n)]
        since = len(self.emulator.requests)
        dataset = las.Dataset.ref(self.dataset_id, session=self.client)
        result = dataset.upload([(content, marked(content)) for _, content in items], max_workers=2)
        assert [item.index for item in result.results] == list(range(n))
        for (label, content), item in zip(items, result.results, strict=True):
            answer = item.exception if item.exception is not None else item.document_id
            self._settle_document(label, "dataset.upload", content, answer, since=since)

    @rule(n=st.integers(1, 4))
    @logged
    def async_client_creates_documents(self, n: int) -> None:
        items = [self._new_document("AsyncClient") for _ in range(n)]
        since = len(self.emulator.requests)

        async def create_all() -> list[Any]:
            async with las.AsyncSession(self._credentials(), **SESSION_OPTIONS) as session:
                client = las.AsyncClient(session=session)
                creates = (
                    client.create_document(
                        content, "application/pdf", dataset_id=self.dataset_id, ground_truth=marked(content)
                    )
                    for _, content in items
                )
                return await asyncio.gather(*creates, return_exceptions=True)

        for (label, content), answer in zip(items, asyncio.run(create_all()), strict=True):
            outcome = answer if isinstance(answer, BaseException) else answer["documentId"]
            self._settle_document(label, "AsyncClient", content, outcome, since=since)

    # -- documents in bulk, with a journal ------------------------------------------------------

    @rule(
        new=st.integers(0, 4),
        copies=st.lists(st.integers(0, 99), max_size=2),
        max_workers=st.integers(1, 3),
        answers_lost=st.integers(0, 2),
        interrupt_after=st.one_of(st.none(), st.integers(1, 3)),
        recreate_incomplete=st.booleans(),
    )
    @logged
    def ingest_with_a_journal(
        self,
        new: int,
        copies: list[int],
        max_workers: int,
        answers_lost: int,
        interrupt_after: int | None,
        recreate_incomplete: bool,
    ) -> None:
        """Ingest every item so far (a resume) plus ``new`` ones and ``copies`` (new keys with the
        content of earlier items: created once, the others ``duplicate``), the answers to the first
        ``answers_lost`` creates lost; Ctrl-C in the progress callback after ``interrupt_after``
        items stops the run before its report. ``recreate_incomplete`` (2024-11-29) replaces the
        documents the journal has without bytes and no upload URL for."""
        earlier = list(self.ingest_items.values())
        for pick in copies if earlier else []:
            self.ingest_items[f"copy-{next(self.numbers)}"] = earlier[pick % len(earlier)]
        for _ in range(new):
            label, content = self._new_document("ingest")
            self.ingest_items[label] = content
        if not self.ingest_items:
            return
        before = {key: self.ledger.documents.get(key) for key in self.ingest_items}
        deleted = documents_deleted(self.emulator.requests)
        settled = {  # what this run must not create again
            create.content
            for create in self.ledger.documents.values()
            if create.status in (CREATED, AMBIGUOUS)
            # an incomplete document is created again only once deleted: by this run, or gone already
            or (create.status == INCOMPLETE and not recreate_incomplete and create.resource_id not in deleted)
        }
        progress = itertools.count(1)
        if answers_lost:
            self.emulator.lose_answer_next(answers_lost, method="POST", path="/documents")

        def on_progress(done: las.bulk.Progress) -> None:
            if next(progress) == interrupt_after:
                raise KeyboardInterrupt  # the user's Ctrl-C, in the callback

        since = len(self.emulator.requests)
        try:
            report = las.bulk.ingest(
                [
                    IngestItem(content, key=key, ground_truth=marked(content))
                    for key, content in self.ingest_items.items()
                ],
                dataset=self.journal_dataset_id,
                journal=self.journal,
                session=self.client,
                max_workers=max_workers,
                recreate_incomplete=recreate_incomplete,
                on_progress=on_progress,
            )
        except KeyboardInterrupt:
            report = None
        for content, statuses in document_posts(self.emulator.requests[since:]).items():
            assert sends_that_may_have_worked(statuses) <= 1, (
                f"content of {self._keys_of(content)} sent twice: {statuses}"
            )
            assert content not in settled, (
                f"{self._keys_of(content)} were created, ambiguous or incomplete before this run and were "
                f"sent again: {statuses}"
            )
        if report is None:  # what the interrupted run did is known from the next one's report
            for key, content in self.ingest_items.items():
                previous = before[key]
                if previous is None or previous.status not in (CREATED, AMBIGUOUS, INCOMPLETE):
                    self.ledger.documents[key] = Create(key, "interrupted ingest", UNKNOWN, content)
                elif previous.status == INCOMPLETE and recreate_incomplete:  # may be replaced by now
                    self.ledger.documents[key] = Create(
                        key, "interrupted ingest", UNKNOWN, content, previous.resource_id
                    )
            return
        assert [result.key for result in report.results] == list(self.ingest_items)
        for result in report.results:
            self._record_ingest_item(self._ingest_outcome(result, before[result.key], recreate_incomplete))

    def _keys_of(self, content: bytes | None) -> list[str]:
        return [key for key, same in self.ingest_items.items() if same == content]

    def _record_ingest_item(self, create: Create) -> None:
        """Record what the SDK now says of a journal's item: a document it named before (reported
        ``incomplete``) and no longer names was replaced, or found gone, so must be deleted."""
        previous = self.ledger.documents.get(create.label)
        if (
            previous is not None
            and previous.resource_id is not None
            and previous.status in (INCOMPLETE, UNKNOWN)
        ):
            if create.resource_id != previous.resource_id:
                self.ledger.replaced.add(previous.resource_id)
        self.ledger.documents[create.label] = create

    def _ingest_outcome(self, result: las.bulk.ItemResult, previous: Create | None, recreate: bool) -> Create:
        """The ledger entry for an ingest result, checked against what the item was before."""
        content = self.ingest_items[result.key]
        if result.shares is not None and result.status != "duplicate":
            # a copy (its key or content given before it) whose twin was not created: it takes the
            # twin's status, sent nothing and is not journaled; like a duplicate, the twin holds its fate
            assert result.status in ("failed", "ambiguous", "incomplete") and result.document_id is None, (
                result
            )
            return Create(result.key, "ingest", DUPLICATE, content, error=result.error)
        was = previous.status if previous is not None else None
        unsent = (None, FAILED, DUPLICATE, UNKNOWN)  # the journal does not settle these: ingest may send them
        maybe_resolved = previous is not None and previous.maybe_resolved
        # an incomplete item is sent again once its document is gone: replaced, or found deleted
        # (by a replacement whose answer was lost, or by a reconcile that stopped half-way)
        resent = unsent + ((INCOMPLETE,) if recreate or maybe_resolved or self._gone(previous) else ())
        # its journaled document, finished (the bytes PUT again) or still without them
        same_document = was == INCOMPLETE and result.document_id == previous.resource_id  # type: ignore[union-attr]
        if result.status in ("created", "failed", "duplicate"):
            assert was in resent or (result.status == "created" and same_document), (result, previous)
            status = {"created": CREATED, "failed": FAILED, "duplicate": DUPLICATE}[result.status]
            return Create(result.key, "ingest", status, content, result.document_id, error=result.error)
        if result.status == "skipped":  # the journal has it created
            assert previous is not None and (
                was in (CREATED, UNKNOWN) or (was in (AMBIGUOUS, INCOMPLETE) and maybe_resolved)
            ), (result, previous)
            if was == CREATED:
                assert result.document_id == previous.resource_id, (result, previous)
            return Create(result.key, "ingest", CREATED, content, result.document_id)
        if result.status == INCOMPLETE:  # 2024-11-29: created without its bytes known to be there
            assert result.document_id is not None, result
            assert was in resent or same_document or (was == AMBIGUOUS and maybe_resolved), (result, previous)
            return Create(result.key, "ingest", INCOMPLETE, content, result.document_id, error=result.error)
        assert result.status == "ambiguous", f"unexpected ingest result: {result}"
        assert was in (*resent, AMBIGUOUS), (result, previous)
        return Create(
            result.key, "ingest", AMBIGUOUS, content, error=result.error, maybe_resolved=maybe_resolved
        )

    def _gone(self, create: Create | None) -> bool:
        """Whether the SDK deleted the document ``create`` names (the answer may have been lost)."""
        return (
            create is not None
            and create.resource_id is not None
            and create.resource_id in documents_deleted(self.emulator.requests)
        )

    @rule()
    @logged
    def reconcile_the_journal(self) -> None:
        unresolved = [
            key
            for key in self.ingest_items
            if (create := self.ledger.documents.get(key)) is not None
            and create.status in (AMBIGUOUS, UNKNOWN, INCOMPLETE)
        ]
        if not unresolved:
            return
        try:
            report = las.bulk.reconcile(self.journal, session=self.client, settle=0)
        except las.ClientException:  # what it found so far is recorded in the journal already
            for key in unresolved:
                self.ledger.documents[key].maybe_resolved = True
            return
        assert report.extra_documents == [] and report.pending == [], report
        assert set(report.found) | set(report.not_found) | set(report.incomplete) <= set(unresolved), (
            report,
            unresolved,
        )
        holding = {
            row.holds: document_id
            for document_id, row in stored_document_rows(self.emulator).items()
            if row.holds is not None
        }
        for key in unresolved:
            content, previous = self.ingest_items[key], self.ledger.documents[key]
            if key in report.found:
                create = Create(key, "reconcile", CREATED, content, report.found[key])
            elif key in report.incomplete:
                create = Create(key, "reconcile", INCOMPLETE, content, report.incomplete[key])
            elif key in report.not_found:
                create = Create(key, "reconcile", FAILED, content, error="reconcile: not found")
            elif previous.status == INCOMPLETE:  # settled by an earlier reconcile that failed half-way
                assert previous.maybe_resolved, (key, report)
                if holding.get(content) == previous.resource_id:  # its bytes had arrived
                    create = Create(key, "reconcile", CREATED, content, previous.resource_id)
                else:  # its document was gone
                    create = Create(key, "reconcile", FAILED, content, error="reconcile: gone")
            elif previous.status == AMBIGUOUS:  # settled by an earlier reconcile that failed half-way
                assert previous.maybe_resolved and content in holding, (key, report)
                create = Create(key, "reconcile", CREATED, content, holding[content])
            else:
                continue
            self._record_ingest_item(create)

    # -- walking every document ------------------------------------------------------------------

    @rule(
        page_size=st.integers(1, 7),
        via=st.sampled_from(["Document.all", "las.paginate", "las.paginate_async"]),
    )
    @logged
    def walk_every_document(self, page_size: int, via: str) -> None:
        rows = stored_document_rows(self.emulator)
        expected = set(rows)
        if via == "las.paginate":  # the documents of the dataset one-off creates go into
            expected = {document_id for document_id, row in rows.items() if row.dataset_id == self.dataset_id}
        seen: list[str] = []
        complete = True
        try:
            if via == "Document.all":
                for document in las.Document.all(page_size=page_size, session=self.client):
                    seen.append(document.id)
            elif via == "las.paginate":
                listing = las.paginate(
                    self.client.list_documents, dataset_id=self.dataset_id, page_size=page_size
                )
                seen.extend(item["documentId"] for item in listing)
            else:
                walked, complete = asyncio.run(self._walk_async(page_size))
                seen.extend(walked)
        except las.ClientException:
            complete = False
        repeated = [document_id for document_id, times in Counter(seen).items() if times > 1]
        assert repeated == [], f"{via} saw {repeated} more than once"
        assert set(seen) <= expected, f"{via} saw documents that do not exist: {set(seen) - expected}"
        if complete:
            assert set(seen) == expected, f"{via} missed {expected - set(seen)}"

    async def _walk_async(self, page_size: int) -> tuple[list[str], bool]:
        """The ids ``las.paginate_async`` saw, and whether it saw the last page."""
        seen: list[str] = []
        async with las.AsyncSession(self._credentials(), **SESSION_OPTIONS) as session:
            client = las.AsyncClient(session=session)
            try:
                async for item in las.paginate_async(client.list_documents, page_size=page_size):
                    seen.append(item["documentId"])
            except las.ClientException:
                return seen, False
        return seen, True

    # -- workflow executions and the Worker ----------------------------------------------------

    @rule(n=counts)
    @logged
    def start_workflow_executions(self, n: int) -> None:
        self._start_executions(n)

    def _start_executions(self, n: int) -> None:
        for _ in range(n):
            number = next(self.numbers)
            label = f"execution-{number}"
            try:
                answer = self.client.execute_workflow(self.workflow_id, {"n": number})
            except las.ClientException as error:
                create = Create(label, "Client", outcome_of(error), error=f"{type(error).__name__}: {error}")
            else:
                create = Create(label, "Client", CREATED, answer["executionId"])
            self.ledger.executions[number] = create

    def _work(self, client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        """The Worker's function. The first call of a run armed with a stop signals this process
        (the Worker's handler runs on the main thread): SIGTERM stops the taking of work, a second
        one releases what is in hand (its PATCH meeting ``release_fault``)."""
        self._called("Worker", event["n"])
        plan = self._take_stop_plan()
        if plan is not None:
            os.kill(os.getpid(), signal.SIGTERM)
            if plan.twice:
                time.sleep(SIGNAL_HANDLED)  # the first signal is handled (two at once count once)
                self._fault_the_next_completion(plan.release_fault)
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(SIGNAL_HANDLED)  # still running when the release comes
        return self._outcome(event["n"])

    def _called(self, worker: str, n: int) -> None:
        with self.lock:
            self.calls[worker, n] += 1

    def _take_stop_plan(self) -> StopPlan | None:
        with self.lock:
            plan, self.stop_plan = self.stop_plan, None
        return plan

    def _fault_the_next_completion(self, fault: str | None) -> None:
        """Arm ``fault`` (one of :data:`COMPLETION_FAULTS`) for the next completion or release.
        The last two fail it for good this time: the worker must deliver it later, without
        calling the function again."""
        completions = TARGETS["completions"]
        if fault == "503":
            self.emulator.fail_next(1, status=503, **completions)
        elif fault == "drop":
            self.emulator.drop_next(1, **completions)
        elif fault == "lost":
            self.emulator.lose_answer_next(1, **completions)
        elif fault == "a 200 outside the contract":
            self.emulator.fail_next(
                1, status=200, body=b"<html>ok</html>", content_type="text/html", **completions
            )
        elif fault == "token revoked twice":  # the completion, and its resend with a fresh token
            self.emulator.expire_tokens_next(2, **completions)

    @contextlib.contextmanager
    def _stopped_by_signals(self, plan: StopPlan | None) -> Iterator[None]:
        """A worker run whose function may signal a stop: check the SIGTERM handler comes back
        and note what a release may have ended."""
        before = Counter(self.calls)
        handler = signal.getsignal(signal.SIGTERM)
        self.stop_plan = plan
        try:
            yield
        finally:
            self.stop_plan = None
        assert signal.getsignal(signal.SIGTERM) == handler, "the worker did not put the SIGTERM handler back"
        if plan is not None and plan.twice:
            with self.lock:
                self.releasable |= {
                    n for (worker, n), times in self.calls.items() if times > before[worker, n]
                }

    def _outcome(self, n: int) -> dict[str, Any]:
        """Do what :func:`expected_status` says for input ``n``."""
        status = expected_status(n)
        if status == "rejected":
            raise las.Reject(f"rejected {n}")
        if status == "failed":
            raise RuntimeError(f"failed {n}")
        return {"n": n, "double": 2 * n}

    def _running(self) -> list[int]:
        return [
            execution.n
            for execution in stored_transition_executions(self.emulator, self.transition_id)
            if execution.status == "running"
        ]

    @rule(new=new_executions, completion_fault=completion_faults)
    @logged
    def worker_drains_the_transition(self, new: int, completion_fault: str | None) -> None:
        self._start_executions(new)
        self._fault_the_next_completion(completion_fault)
        self.worker.run(until_idle=True, handle_signals=False)
        assert self._running() == [], "the worker went idle with executions still running"

    @precondition(lambda self: threading.current_thread() is threading.main_thread())
    @rule(new=new_executions, stop=st.sampled_from(["none", "SIGTERM", "SIGTERM twice"]))
    @logged
    def async_worker_drains_the_transition(self, new: int, stop: str) -> None:
        self._start_executions(new)
        name = f"AsyncWorker-{next(self.async_workers)}"

        async def work(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
            self._called(name, event["n"])
            plan = self._take_stop_plan()
            if plan is not None:
                os.kill(os.getpid(), signal.SIGTERM)  # handled by the loop, between awaits
                if plan.twice:
                    await asyncio.sleep(SIGNAL_HANDLED)
                    self._fault_the_next_completion(plan.release_fault)
                    os.kill(os.getpid(), signal.SIGTERM)  # releases at once: cancels this function
                    await asyncio.sleep(SIGNAL_HANDLED)
            return self._outcome(event["n"])

        async def drain() -> None:
            async with las.AsyncSession(self._credentials(), **SESSION_OPTIONS) as session:
                worker = las.AsyncWorker(self.transition_id, work, session=session, **WORKER_OPTIONS)
                await worker.run(until_idle=True, handle_signals=stop != "none")

        with self._stopped_by_signals(STOP_PLANS[stop]):
            asyncio.run(drain())
        if stop == "none":
            assert self._running() == [], "the async worker went idle with executions still running"

    @precondition(lambda self: threading.current_thread() is threading.main_thread())
    @rule(new=new_executions, twice=st.booleans(), release_fault=completion_faults)
    @logged
    def sigterm_stops_the_worker(self, new: int, twice: bool, release_fault: str | None) -> None:
        self._start_executions(new)
        with self._stopped_by_signals(StopPlan(twice, release_fault)):
            self.worker.run(until_idle=True, handle_signals=True)

    # -- invariants --------------------------------------------------------------------------------

    @invariant()
    def the_server_agrees_with_what_the_sdk_said(self) -> None:
        with self.naming_the_steps():
            check_documents(self.emulator, self.ledger)
            self._check_workflow_executions()
            self._check_transition_executions()
            check_token_cache(self.cache_path)

    def _check_workflow_executions(self) -> None:
        """No workflow execution started twice, none lost, none the SDK called failed."""
        stored = stored_workflow_execution_inputs(self.emulator, self.workflow_id)
        assert set(stored) <= set(self.ledger.executions), "executions no create asked for"
        for n, create in self.ledger.executions.items():
            assert stored[n] <= 1, f"{create.label} was started {stored[n]} times"
            if create.status == CREATED:
                assert stored[n] == 1, f"{create.label} was reported started and is not in the store"
            elif create.status == FAILED:
                assert stored[n] == 0, f"{create.label} was reported not started ({create.error}) but it was"

    def _check_transition_executions(self) -> None:
        """Every transition execution a worker took was completed once, as its function said."""
        with self.lock:
            calls = Counter(self.calls)
        called: Counter[int] = Counter()
        for (worker, n), times in calls.items():
            assert times <= 1, f"{worker} called the function {times} times for execution {n}"
            called[n] += times
        for execution in stored_transition_executions(self.emulator, self.transition_id):
            n = execution.n
            expected_completions = 0 if execution.status == "running" else 1
            assert execution.completions == expected_completions, (
                f"execution {n} ({execution.status}) was completed {execution.completions} times"
            )
            if execution.status == "running":
                continue
            assert called[n] >= 1, (
                f"execution {n} ended ({execution.status}) without its function being called"
            )
            if execution.status == "retry":
                assert n in self.releasable, f"execution {n} was released without a second SIGTERM"
                assert execution.error["message"].startswith("released"), execution
                continue
            assert execution.status == expected_status(n), execution
            if execution.status == "succeeded":
                assert execution.output == {"n": n, "double": 2 * n}, execution


@pytest.fixture(scope="module")
def campaign_emulator(pytestconfig: pytest.Config) -> Iterator[Emulator]:
    """An emulator of the contract this run serves (``--las-contract``)."""
    with Emulator(token_ttl=TOKEN_TTL, contract=served_contract(pytestconfig)) as emulator:
        yield emulator


@pytest.fixture
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries wait milliseconds instead of a quarter second and more."""
    monkeypatch.setattr(_policy, "BACKOFF_BASE", 0.002)
    monkeypatch.setattr(_policy, "BACKOFF_MAX", 0.02)


@pytest.mark.usefixtures("fast_backoff")
def test_the_sdk_keeps_its_promises_under_random_faults(campaign_emulator: Emulator, tmp_path: Path) -> None:
    run_state_machine_as_test(
        lambda: Campaign(campaign_emulator, tmp_path),
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            derandomize=LONG_RUN is None,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
