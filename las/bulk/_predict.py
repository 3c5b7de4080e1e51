"""Bulk prediction: one model over many documents, with concurrency that adapts to 429s.

Each document gets a :class:`PredictionResult` (``predicted`` with the API's prediction,
``skipped`` with an earlier one when asked, or ``failed`` with the reason), in input order. A 429
halves the number of requests in flight (see :class:`AdaptiveLimit`), waits the ``Retry-After``
and sends the document again; a connection that could not be opened is tried again too. Every
such wait obeys the Session's own rule (``retry_or_fail`` of ``las._policy``): a wait longer than
its ``max_retry_wait``, or past its ``deadline``, is not waited: the document fails, saying so.
Nothing else is repeated: a prediction whose answer was lost may have been made (and counted
against the quota), so it is reported ``failed`` with that said. A 429 "Limit Exceeded" (the
monthly quota) stops the run: the documents not yet sent are reported ``failed`` without a
request. A dataset's documents are listed page by page as the run goes; a page that fails for
good ends the listing, and the report keeps what was done and says why it stopped.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from .. import contracts
from .._pagination import paginate
from .._policy import Fail, Limits, Resend, SoFar, retry_or_fail
from ..client import Client
from ..exceptions import ClientException, LimitExceededException, TooManyRequestsException
from ..ids import DATASET, DOCUMENT, MODEL, is_id, require_id
from ..resources import InvalidArgumentError
from ..resources._session import client_for
from ..session import Session
from ._export import export_csv, export_jsonl
from ._ingest import HasId
from ._limiter import AdaptiveLimit, LimitStats
from ._outcome import AMBIGUOUS, classify_failure, never_sent
from ._progress import Progress, Tally
from ._window import each_bounded

__all__ = ["STATUSES", "PredictionReport", "PredictionResult", "predict"]

STATUSES = ("predicted", "skipped", "failed")
"""What can happen to a document, in the order :attr:`PredictionReport.counts` lists them."""


@attrs.frozen
class PredictionResult:
    """What happened to one document: ``predicted`` (``prediction`` is the API's answer),
    ``skipped`` (predicted by this model before, ``skip_predicted=True``: ``prediction`` is the
    one the API lists) or ``failed`` (``error`` says why); ``attempts`` counts the requests sent
    for it in this run."""

    index: int
    document_id: str
    status: str
    prediction: dict[str, Any] | None = None
    error: str | None = None
    attempts: int = 0


@attrs.frozen
class PredictionReport:
    """Every document's result in input order, what the adaptive concurrency did, and why the
    run stopped before the end, if it did.

    Attributes:
        model_id: the model predicted with.
        results: one :class:`PredictionResult` per document reached, in input order.
        elapsed: seconds the run took.
        concurrency: what the adaptive limit did (:class:`LimitStats`).
        stopped: why the run stopped before it reached every document, for people; None when it
            did not. ``"the monthly quota is used up (...)"`` (the documents after it are
            ``failed``, not sent) or ``"listing the documents of dataset ... failed after N of
            them (...)"``: the documents not listed have no result at all.
        exception: what stopped it (the ``LimitExceededException``, or the listing's error);
            None when nothing did.
    """

    model_id: str
    results: list[PredictionResult]
    elapsed: float
    concurrency: LimitStats
    stopped: str | None = None
    exception: BaseException | None = attrs.field(default=None, eq=False)

    @property
    def counts(self) -> dict[str, int]:
        """How many documents ended in each status (every status present, zeros included)."""
        found = Counter(result.status for result in self.results)
        return {status: found.get(status, 0) for status in STATUSES}

    @property
    def failed(self) -> list[PredictionResult]:
        return [result for result in self.results if result.status == "failed"]

    @property
    def ok(self) -> bool:
        """Whether every document has a prediction (made now or skipped) and the run reached
        them all (``stopped`` is None: a listing that failed part-way leaves documents out)."""
        return not self.failed and self.stopped is None

    def to_jsonl(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        """Write one JSON object per document (see :func:`las.bulk.export_jsonl`: an existing
        file other than an earlier export is replaced only with ``overwrite=True``)."""
        export_jsonl(self.results, path, overwrite=overwrite)

    def to_csv(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        """Write one row per document per label (see :func:`las.bulk.export_csv`: an existing
        file other than an earlier export is replaced only with ``overwrite=True``)."""
        export_csv(self.results, path, overwrite=overwrite)


def _an_id(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        found = value.get("documentId")
        if isinstance(found, str):
            return found
        raise InvalidArgumentError(
            f"a document given as a mapping needs a 'documentId', got keys {sorted(value)}"
        )
    found = getattr(value, "id", None)
    if isinstance(found, str):
        return found
    raise InvalidArgumentError(
        f"a document must be an id, a mapping with 'documentId' or an object with an id, got {type(value).__name__}"
    )


class _Listing:
    """A dataset's document ids, listed page by page as the run takes them.

    A page that fails for good (the Session has retried what it retries) ends the listing:
    ``error`` keeps the error and the documents listed before it are still predicted. A failure
    before the first document is raised instead: nothing was sent, so nothing is lost.
    """

    def __init__(self, client: Client, dataset_id: str) -> None:
        self.client = client
        self.dataset_id = dataset_id
        self.listed = 0
        self.error: ClientException | None = None

    def __iter__(self) -> Iterator[str]:
        try:
            for listed in paginate(self.client.list_documents, dataset_id=self.dataset_id):
                self.listed += 1
                yield listed["documentId"]
        except ClientException as error:
            if not self.listed:
                raise
            self.error = error

    def why_stopped(self) -> str | None:
        if self.error is None:
            return None
        return (
            f"listing the documents of dataset {self.dataset_id} failed after {self.listed} of them "
            f"({type(self.error).__name__}: {self.error}); those not listed were not predicted: "
            "run again with skip_predicted=True to predict only those without a prediction by this model"
        )


def _documents(client: Client, documents: Any) -> Iterable[Any]:
    """The documents to predict: a dataset's (given by id or as an object with that id) or those given."""
    dataset_id = getattr(documents, "id", None)
    if isinstance(dataset_id, str) and is_id(DATASET, dataset_id):
        documents = dataset_id
    if isinstance(documents, str):
        if is_id(DATASET, documents):
            return _Listing(client, documents)
        raise InvalidArgumentError(
            f"documents must be a dataset id or an iterable of documents, got the string {documents!r}"
        )
    if isinstance(documents, (bytes, bytearray)):
        raise InvalidArgumentError(
            f"documents must be a dataset id or an iterable of documents, got {type(documents).__name__}"
        )
    given: Iterable[Any] = documents
    return given


def _predicted_before(client: Client, model_id: str) -> dict[str, dict[str, Any]]:
    """The predictions of ``model_id`` the API lists, by document id (the last listed when a
    document has several); those not succeeded (2024-11-29: ``pending``, ``failed``) left out."""
    # Filtered by the API where the contract can (2024-11-29), else here.
    by_model = contracts.carries(client.contract, "GET", "/predictions", "modelId")
    listing = (
        paginate(client.list_predictions, model_id=model_id)
        if by_model
        else paginate(client.list_predictions)
    )
    found: dict[str, dict[str, Any]] = {}
    for prediction in listing:
        document_id = prediction.get("documentId")
        if not isinstance(document_id, str) or prediction.get("status", "succeeded") != "succeeded":
            continue
        if by_model or prediction.get("modelId") == model_id:
            found[document_id] = prediction
    return found


class _PredictionRun:
    """One model over many documents: the limit they share, and why the run stopped sending."""

    def __init__(
        self,
        client: Client,
        model_id: str,
        limit: AdaptiveLimit,
        limits: Limits,
        options: dict[str, Any],
        predicted_before: Mapping[str, dict[str, Any]],
        once: bool = False,
    ) -> None:
        self.client = client
        self.model_id = model_id
        self.limit = limit
        self.limits = limits  # the Session's bounds on one document's attempts and waits
        self.options = options
        self.predicted_before = predicted_before
        self.once = once  # skip_predicted: a document given again is not sent again
        self.first_of: dict[str, int] = {}  # document id -> the index of its first appearance
        self.twins: dict[int, int] = {}  # index of a later appearance -> that first index
        self.stopped: str | None = None  # why the run stops sending (the quota is used up, an interrupt)
        self.stopped_by: BaseException | None = None

    def interrupted(self) -> None:
        """The run was stopped (an interrupt, an error): what is running sends nothing more."""
        if self.stopped is None:
            self.stopped = "the run was stopped"

    def one(self, index: int, document: Any) -> PredictionResult:
        try:
            document_id = require_id(DOCUMENT, _an_id(document))
        except (TypeError, ValueError) as error:
            return PredictionResult(index, str(document), "failed", error=f"{type(error).__name__}: {error}")
        earlier = self.predicted_before.get(document_id)
        if earlier is not None:
            return PredictionResult(index, document_id, "skipped", earlier)
        if self.once:
            first = self.first_of.setdefault(document_id, index)  # atomic: one first appearance
            if first != index:
                self.twins[index] = first
                return PredictionResult(index, document_id, "skipped")  # settled by settle()
        attempts = 0
        waited = 0.0
        started = 0.0  # when the first request for this document went out
        while True:
            if self.stopped is not None:
                return PredictionResult(
                    index, document_id, "failed", error=f"not sent: {self.stopped}", attempts=attempts
                )
            ticket = self.limit.acquire()
            if self.stopped is not None:  # stopped while this one waited for a slot: not sent
                self.limit.release(ticket, "error")
                continue
            if not attempts:
                started = time.monotonic()
            attempts += 1
            try:
                prediction = self.client.create_prediction(document_id, self.model_id, **self.options)
            except LimitExceededException as error:
                self.limit.release(ticket, "error")
                if self.stopped is None:
                    self.stopped, self.stopped_by = f"the monthly quota is used up ({error})", error
                return self._failed(index, document_id, error, attempts)
            except TooManyRequestsException as error:
                verdict = self._retry(error, error.retry_after, attempts, waited, started)
                if isinstance(verdict, Fail):  # given up: its wait is imposed on no other document
                    self.limit.release(ticket, "rate_limited")
                    return self._failed(index, document_id, error, attempts, why=verdict.why)
                self.limit.release(ticket, "rate_limited", pause=verdict.wait)  # the limit waits for all
                waited += verdict.wait
                continue
            except Exception as error:
                self.limit.release(ticket, "error")
                if classify_failure(error) == AMBIGUOUS:
                    return self._failed(
                        index, document_id, error, attempts, prefix="the prediction may have been made: "
                    )
                if not never_sent(error):
                    return self._failed(index, document_id, error, attempts)
                verdict = self._retry(error, None, attempts, waited, started)
                if isinstance(verdict, Fail):
                    return self._failed(index, document_id, error, attempts, why=verdict.why)
                time.sleep(verdict.wait)
                waited += verdict.wait
                continue
            self.limit.release(ticket, "ok")
            return PredictionResult(index, document_id, "predicted", prediction, attempts=attempts)

    def _retry(
        self, error: Exception, retry_after: float | None, attempts: int, waited: float, started: float
    ) -> Resend | Fail:
        """The Session's verdict on sending a document again: what it has spent so far against
        ``max_attempts``, the session's ``max_retry_wait`` and its ``deadline``."""
        so_far = SoFar(attempts - 1, False, waited, time.monotonic() - started)
        return retry_or_fail(error, retry_after, so_far, self.limits)

    def settle(self, results: list[PredictionResult]) -> list[PredictionResult]:
        """``results`` with each later appearance of a document (``skip_predicted``) given what
        its first appearance got: its prediction, or ``failed`` (not sent) if it has none."""
        if not self.twins:
            return results
        by_index = {result.index: result for result in results}
        settled = []
        for result in results:
            first = self.twins.get(result.index)
            twin = None if first is None else by_index.get(first)
            if first is None:
                settled.append(result)
            elif twin is not None and twin.prediction is not None:
                settled.append(attrs.evolve(result, prediction=twin.prediction))
            else:
                why = "it was not reached" if twin is None else f"it failed: {twin.error}"
                error = f"not sent: the same document as item {first}, and {why}"
                settled.append(attrs.evolve(result, status="failed", error=error))
        return settled

    @staticmethod
    def _failed(
        index: int,
        document_id: str,
        error: Exception,
        attempts: int,
        *,
        prefix: str = "",
        why: str | None = None,
    ) -> PredictionResult:
        reason = f"{prefix}{type(error).__name__}: {error}" + (f" ({why})" if why else "")
        return PredictionResult(index, document_id, "failed", error=reason, attempts=attempts)


def _clients(session: Session | Client | None) -> tuple[Client, Client]:
    """(a Client on the caller's Session for listing, one that hands 429s back for predicting)."""
    lister = client_for(session)
    # Same pool, token and settings; a 429 comes back at once so the adaptive limit sees it.
    predictor = Client(session=lister.session.with_options(max_retries=0))
    return lister, predictor


def predict(
    model: Any,
    documents: str | HasId | Iterable[Any],
    *,
    session: Session | Client | None = None,
    max_workers: int = 8,
    initial_concurrency: int | None = None,
    max_attempts: int = 30,
    skip_predicted: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
    max_pages: int | None = None,
    auto_rotate: bool | None = None,
    image_quality: str | None = None,
) -> PredictionReport:
    """Predict ``model`` on every document, with at most ``max_workers`` requests in flight.

    Concurrency adapts to the API's rate limit: a 429 halves the requests in flight and the
    document is sent again after the ``Retry-After``; after a run of successes as long as the
    limit, it grows by one, up to ``max_workers``. The session's ``max_retry_wait`` and
    ``deadline`` bound one document's waits as they bound a call's: a ``Retry-After`` longer than
    what is left of them is not waited, and the document fails saying so.

    A dataset's documents are listed as the run goes. If a page of the listing fails for good
    part-way (after the session's retries), the documents listed are still predicted and the
    report says where and why it stopped (``report.stopped``, ``report.ok`` is False). Running
    again predicts every document again, unless ``skip_predicted=True``.

    Args:
        model: the model id (or an object with an ``id``).
        documents: a dataset id or object (every document in it), or an iterable of document ids,
            mappings with a ``documentId`` (list items) or objects with an ``id``.
        session: a :class:`las.Session` or :class:`las.Client`; default: the default session
            (:func:`las.set_default_session`, else one made from the environment).
            Its 429s come back to the adaptive limit instead of being retried by the Session.
        max_workers: threads, so the most requests in flight at once; the adaptive limit stays
            at or below it.
        initial_concurrency: where the limit starts; default ``max_workers``.
        max_attempts: requests sent at most for one document (429s and refused connections
            included; a document that reaches it fails with the last error).
        skip_predicted: first list this model's predictions (``GET /predictions``, every page; on
            2021-09-23, which cannot filter by model, the organization's every prediction) and
            send nothing for a document that has one: it is ``skipped``, with that prediction;
            a document given more than once is sent once, and its later appearances are
            ``skipped`` with that prediction (``failed``, not sent, if it got none). For a re-run
            after a run that stopped part-way; leave it False to predict anew (a model retrained
            under the same id).
        on_progress: called (from the calling thread) with a :class:`Progress` after each document.
        max_pages, auto_rotate, image_quality: as :meth:`las.Client.create_prediction`.

    Returns:
        A :class:`PredictionReport`; export it with ``to_jsonl(path)`` or ``to_csv(path)``.

    Raises:
        InvalidIdError: ``model`` is not a model id.
        ClientException: listing the dataset failed before its first document, or listing the
            predictions (``skip_predicted``) failed; nothing was sent.

    Example::

        report = las.bulk.predict(model_id, dataset_id, max_workers=16)
        report.to_csv("predictions.csv")
        if report.stopped:  # e.g. a page of the dataset could not be listed
            report = las.bulk.predict(model_id, dataset_id, skip_predicted=True)
    """
    if max_workers < 1:
        raise InvalidArgumentError(f"max_workers must be 1 or more, got {max_workers}")
    if max_attempts < 1:
        raise InvalidArgumentError(f"max_attempts must be 1 or more, got {max_attempts}")
    model_id = require_id(MODEL, model if isinstance(model, str) else getattr(model, "id", model))
    options = {
        name: value
        for name, value in (
            ("max_pages", max_pages),
            ("auto_rotate", auto_rotate),
            ("image_quality", image_quality),
        )
        if value is not None
    }
    lister, client = _clients(session)
    source = _documents(lister, documents)
    predicted_before = _predicted_before(lister, model_id) if skip_predicted else {}
    limit = AdaptiveLimit(max_workers, initial=initial_concurrency)
    # One document's attempts and waits, within the session's bounds on one call's.
    limits = lister.session._limits(None, max_attempts - 1, None)
    run = _PredictionRun(client, model_id, limit, limits, options, predicted_before, skip_predicted)
    total = len(documents) if isinstance(documents, Sequence) and not isinstance(documents, str) else None
    tally: Tally[PredictionResult] = Tally(total, on_progress)
    each_bounded(
        source,
        run.one,
        max_workers,
        tally.add,
        thread_name_prefix="las-predict",
        stop=run.interrupted,
    )
    stopped, exception = run.stopped, run.stopped_by
    if stopped is None and isinstance(source, _Listing):
        stopped, exception = source.why_stopped(), source.error
    results = run.settle(tally.in_order())
    return PredictionReport(
        model_id, results, tally.elapsed(), limit.stats(), stopped=stopped, exception=exception
    )
