"""Delivering a completion so that the API records it once, through lost answers and 5xx.

The Session never resends a PATCH whose answer was lost (a dropped connection, a timeout or a
5xx may come after the API did the work). Completing a transition execution is different: the
API accepts a completion only while the execution is ``running`` and refuses any later one with
400, so asking the API what happened settles the doubt:

1. send the PATCH;
2. on an ambiguous failure, GET the execution (GETs are retried by the Session): still
   ``running`` means the PATCH did not land, so wait and send it again; ended means it did
   (the status is ours) or someone else ended it first;
3. a 400 refusal is read the same way: the execution has ended (our earlier attempt landed,
   or it was ended elsewhere), or the body is wrong and the error is raised.

So at most one completion is ever recorded per execution, and a lost answer never makes
the function run again.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from ..client import Client
from ..exceptions import BadRequestError, LimitExceededException, ServerError, TooManyRequestsException
from ._outcomes import Completion, truncate

__all__ = ["DEFAULT_PATIENCE", "Delivery", "complete", "deliver"]

log = logging.getLogger("las.workers")

DEFAULT_PATIENCE = 300.0
"""Seconds :func:`deliver` keeps trying through ambiguous failures before it gives up."""

_AMBIGUOUS = (requests.ConnectionError, requests.Timeout, ServerError, TooManyRequestsException)
_BACKOFF_BASE = 0.25
_BACKOFF_MAX = 8.0


@dataclass(frozen=True)
class Delivery:
    """How a completion ended.

    Attributes:
        execution: the execution as the API last showed it (the PATCH answer, or a GET).
        recorded: True when the API recorded *this* completion; False when the execution had
            already ended another way (ended elsewhere, timed out) and ours was not recorded.
    """

    execution: dict[str, Any]
    recorded: bool


def deliver(
    client: Client,
    transition_id: str,
    execution_id: str,
    completion: Completion,
    *,
    patience: float = DEFAULT_PATIENCE,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """Record ``completion`` on the execution once, through lost answers and 5xx.

    The Session never resends a PATCH (its answer may be lost after the API did the work);
    the API, though, accepts a completion only while the execution is running. So after an
    ambiguous failure (dropped connection, timeout, 5xx, 429) this GETs the execution: still
    ``running`` means the PATCH did not land, and it is sent again after a backoff; ended
    means it landed (the status is ours: ``recorded``) or someone else ended it first. A 400
    is read the same way. At most one completion is recorded per execution.

    Args:
        completion: the fields to send.
        patience: seconds (of clock and of waits) to keep trying through ambiguous failures.
        sleep: how to wait between attempts.

    Raises:
        APIError: the API refused the completion while the execution is running (a malformed
            body), the execution is gone (404), the credentials were refused, or the monthly
            quota is used up (LimitExceededException, at once).
        requests.RequestException: the API stayed unreachable for ``patience`` seconds; the
            execution may still be running.
    """
    started = time.monotonic()
    waited = 0.0  # besides the clock: a test's sleep may not take time
    attempt = 0
    while True:
        attempt += 1
        try:
            return Delivery(completion.send(client, transition_id, execution_id), recorded=True)
        except LimitExceededException:
            raise  # the monthly quota: no work was done, and waiting minutes will not help
        except BadRequestError:
            found = client.get_transition_execution(transition_id, execution_id)
            if found.get("status") == "running":
                raise
            # Refused because it has ended: by our own earlier attempt whose answer was lost
            # (only possible after an ambiguous attempt), or by someone else.
            recorded = attempt > 1 and found.get("status") == completion.status
            return Delivery(found, recorded=recorded)
        except _AMBIGUOUS as error:
            failure: Exception = error
        log.info("completing %s: %s; checking whether it landed", execution_id, failure)
        current: dict[str, Any] | None
        try:
            current = client.get_transition_execution(transition_id, execution_id)
        except _AMBIGUOUS as error:
            current = None
            failure = error
        if current is not None and current.get("status") != "running":
            return Delivery(current, recorded=current.get("status") == completion.status)
        wait = random.uniform(0, min(_BACKOFF_MAX, _BACKOFF_BASE * 2 ** (attempt - 1)))
        if max(time.monotonic() - started, waited) + wait > patience:
            raise failure
        sleep(wait)
        waited += wait


def complete(
    client: Client,
    transition_id: str,
    execution_id: str,
    completion: Completion,
    *,
    patience: float = DEFAULT_PATIENCE,
) -> Delivery:
    """:func:`deliver` ``completion``; if the API refuses it as malformed (say, an output over
    its size limit), deliver ``failed`` with the refusal as message instead, so the execution
    never stays running because of a body the API will not take.

    Raises:
        What :func:`deliver` raises, but for the first 400.
    """
    try:
        return deliver(client, transition_id, execution_id, completion, patience=patience)
    except BadRequestError as refusal:
        if completion.status == "failed":
            raise  # a failed completion is as small as it gets: nothing simpler to send
        log.warning("the API refused the %s completion of %s: %s", completion.status, execution_id, refusal)
        fallback = Completion(
            "failed", error_message=truncate(f"the API refused the {completion.status} completion: {refusal}")
        )
        return deliver(client, transition_id, execution_id, fallback, patience=patience)
