"""Bulk prediction: one model over many documents, with concurrency that adapts to 429s.

Each document gets a :class:`PredictionResult` (``predicted`` with the API's prediction, or
``failed`` with the reason), in input order. A 429 halves the number of requests in flight
(see :class:`AdaptiveLimit`), waits the ``Retry-After`` and sends the document again; a
connection that could not be opened is tried again too. Every such wait obeys the Session's own
rule (``retry_or_fail`` of ``las._policy``): a wait longer than its ``max_retry_wait``, or past its
``deadline``, is not waited: the document fails, saying so. Nothing else is repeated: a
prediction whose answer was lost may have been made (and counted against the quota), so it is
reported ``failed`` with that said. A 429 "Limit Exceeded" (the monthly quota) stops the run: the
documents not yet sent are reported ``failed`` without a request.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from .._pagination import paginate
from .._policy import Fail, Limits, Resend, SoFar, retry_or_fail
from ..client import Client
from ..exceptions import LimitExceededException, TooManyRequestsException
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

__all__ = ["PredictionReport", "PredictionResult", "predict"]


@attrs.frozen
class PredictionResult:
    """What happened to one document: ``predicted`` (``prediction`` is the API's answer) or
    ``failed`` (``error`` says why); ``attempts`` counts the requests sent for it."""

    index: int
    document_id: str
    status: str
    prediction: dict[str, Any] | None = None
    error: str | None = None
    attempts: int = 0


@attrs.frozen
class PredictionReport:
    """Every document's result in input order, and what the adaptive concurrency did."""

    model_id: str
    results: list[PredictionResult]
    elapsed: float
    concurrency: LimitStats

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(result.status for result in self.results)
        return {status: found.get(status, 0) for status in ("predicted", "failed")}

    @property
    def failed(self) -> list[PredictionResult]:
        return [result for result in self.results if result.status == "failed"]

    @property
    def ok(self) -> bool:
        """Whether every document was predicted."""
        return not self.failed

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


def _documents(client: Client, documents: Any) -> Iterator[Any]:
    """The documents to predict: a dataset's (given by id or as an object with that id) or those given."""
    dataset_id = getattr(documents, "id", None)
    if isinstance(dataset_id, str) and is_id(DATASET, dataset_id):
        documents = dataset_id
    if isinstance(documents, str):
        if is_id(DATASET, documents):
            return (listed["documentId"] for listed in paginate(client.list_documents, dataset_id=documents))
        raise InvalidArgumentError(
            f"documents must be a dataset id or an iterable of documents, got the string {documents!r}"
        )
    if isinstance(documents, (bytes, bytearray)):
        raise InvalidArgumentError(
            f"documents must be a dataset id or an iterable of documents, got {type(documents).__name__}"
        )
    return iter(documents)


class _PredictionRun:
    """One model over many documents: the limit they share, and why the run stopped sending."""

    def __init__(
        self, client: Client, model_id: str, limit: AdaptiveLimit, limits: Limits, options: dict[str, Any]
    ) -> None:
        self.client = client
        self.model_id = model_id
        self.limit = limit
        self.limits = limits  # the Session's bounds on one document's attempts and waits
        self.options = options
        self.stopped: str | None = None  # why the run stops sending (the quota is used up, an interrupt)
        self.lock = threading.Lock()

    def interrupted(self) -> None:
        """The run was stopped (an interrupt, an error): what is running sends nothing more."""
        if self.stopped is None:
            self.stopped = "the run was stopped"

    def one(self, index: int, document: Any) -> PredictionResult:
        try:
            document_id = require_id(DOCUMENT, _an_id(document))
        except (TypeError, ValueError) as error:
            return PredictionResult(index, str(document), "failed", error=f"{type(error).__name__}: {error}")
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
                self.stopped = f"the monthly quota is used up ({error})"
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
        on_progress: called (from the calling thread) with a :class:`Progress` after each document.
        max_pages, auto_rotate, image_quality: as :meth:`las.Client.create_prediction`.

    Returns:
        A :class:`PredictionReport`; export it with ``to_jsonl(path)`` or ``to_csv(path)``.

    Raises:
        InvalidIdError: ``model`` is not a model id.

    Example::

        report = las.bulk.predict(model_id, dataset_id, max_workers=16)
        report.to_csv("predictions.csv")
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
    limit = AdaptiveLimit(max_workers, initial=initial_concurrency)
    # One document's attempts and waits, within the session's bounds on one call's.
    limits = lister.session._limits(None, max_attempts - 1, None)
    run = _PredictionRun(client, model_id, limit, limits, options)
    total = len(documents) if isinstance(documents, Sequence) and not isinstance(documents, str) else None
    tally: Tally[PredictionResult] = Tally(total, on_progress)
    each_bounded(
        _documents(lister, documents),
        run.one,
        max_workers,
        tally.add,
        thread_name_prefix="las-predict",
        stop=run.interrupted,
    )
    return PredictionReport(model_id, tally.in_order(), tally.elapsed(), limit.stats())
