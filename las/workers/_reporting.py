"""Delivering a completion so that the API records it once, through lost answers and 5xx.

The Session never resends a PATCH whose answer was lost (a dropped connection, a timeout or a
5xx may come after the API did the work). Completing a transition execution is different: the
API accepts a completion only while the execution is ``running`` and refuses any later one with
400, so asking the API what happened settles the doubt:

1. send the PATCH;
2. on an ambiguous failure, GET the execution (GETs are retried by the Session): still
   ``running`` means the PATCH did not land, so wait and send it again; ended means it did
   (the status is ours) or someone else ended it first;
3. a refusal of the body (400, 413, 422) is read the same way: the execution has ended (our
   earlier attempt landed, or it was ended elsewhere), or the body is wrong and the error is
   raised.

So at most one completion is ever recorded per execution, and a lost answer never makes
the function run again.

The decisions live once, in :func:`completion_plan`: a generator that yields the steps to
take (:class:`Send`, :class:`Look`, :class:`Wait`), is sent each step's answer (or thrown its
exception), and returns the :class:`Delivery`. :func:`complete` / :func:`deliver` run it with
a :class:`las.Client`; :func:`complete_async` / :func:`deliver_async` with a
:class:`las.AsyncClient`. Each runner only performs steps.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import requests

from ..client import Client
from ..exceptions import APIError, LimitExceededException, ServerError, TooManyRequestsException
from ._outcomes import Completion, truncate

if TYPE_CHECKING:
    from .._async_client import AsyncClient

__all__ = [
    "DEFAULT_PATIENCE",
    "Delivery",
    "Look",
    "Send",
    "Wait",
    "complete",
    "complete_async",
    "completion_plan",
    "deliver",
    "deliver_async",
]

log = logging.getLogger("las.workers")

_REFUSED_BODY = frozenset({400, 413, 422})
"""Statuses by which the API refuses a request's body itself (malformed, too large): the same
completion would be refused again, a simpler one may not."""

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


@dataclass(frozen=True)
class Send:
    """A step of a plan: PATCH the execution with ``completion``; the answer is the execution."""

    completion: Completion


@dataclass(frozen=True)
class Look:
    """A step of a plan: GET the execution; the answer is the execution."""


@dataclass(frozen=True)
class Wait:
    """A step of a plan: wait ``seconds``; the answer is None."""

    seconds: float


Step = Send | Look | Wait
Plan = Generator[Step, Any, Delivery]


Hurry = Callable[[], bool]
"""Says whether a delivery is out of time (its worker's stop is): once it does, the delivery
waits no more: it makes at most one last attempt, then raises the last failure."""


def _never() -> bool:
    return False


def is_ambiguous(error: BaseException) -> bool:
    """Whether ``error`` leaves a completion's fate open (the API may or may not have it): what
    a delivery tries again through, and what it raises when out of time or patience."""
    return isinstance(error, _AMBIGUOUS)


def delivery_plan(execution_id: str, completion: Completion, patience: float, hurry: Hurry = _never) -> Plan:
    """The steps of :func:`deliver`: send, and after an ambiguous failure look, wait, resend;
    once ``hurry()`` is true, no more waits and at most one last attempt."""
    started = time.monotonic()
    waited = 0.0  # besides the clock: a test's sleep may not take time
    attempt = 0
    last_attempt = False
    while True:
        attempt += 1
        try:
            return Delivery((yield Send(completion)), recorded=True)
        except LimitExceededException:
            raise  # the monthly quota: no work was done, and waiting minutes will not help
        except _AMBIGUOUS as error:
            failure: Exception = error
        except APIError as error:
            if error.status_code not in _REFUSED_BODY:
                raise
            found = yield Look()
            if found.get("status") == "running":
                raise
            # Refused because it has ended: by our own earlier attempt whose answer was lost
            # (only possible after an ambiguous attempt), or by someone else.
            recorded = attempt > 1 and found.get("status") == completion.status
            return Delivery(found, recorded=recorded)
        log.info("completing %s: %s; checking whether it landed", execution_id, failure)
        current: dict[str, Any] | None
        try:
            current = yield Look()
        except _AMBIGUOUS as error:
            current = None
            failure = error
        if current is not None and current.get("status") != "running":
            return Delivery(current, recorded=current.get("status") == completion.status)
        if last_attempt:
            raise failure
        if hurry():
            last_attempt = True  # out of time: one last attempt, at once
            continue
        wait = random.uniform(0, min(_BACKOFF_MAX, _BACKOFF_BASE * 2 ** (attempt - 1)))
        if max(time.monotonic() - started, waited) + wait > patience:
            raise failure
        yield Wait(wait)
        waited += wait
        last_attempt = hurry()  # the wait was cut short: this attempt is the last


def completion_plan(
    execution_id: str, completion: Completion, patience: float, hurry: Hurry = _never
) -> Plan:
    """The steps of :func:`complete`: :func:`delivery_plan`, then ``failed`` with the API's
    reason if it refuses the completion itself."""
    try:
        return (yield from delivery_plan(execution_id, completion, patience, hurry))
    except APIError as refusal:
        if refusal.status_code not in _REFUSED_BODY or completion.status == "failed":
            raise  # not a refusal of the body; or a failed completion, as small as it gets
        log.warning("the API refused the %s completion of %s: %s", completion.status, execution_id, refusal)
        fallback = Completion(
            "failed", error_message=truncate(f"the API refused the {completion.status} completion: {refusal}")
        )
        return (yield from delivery_plan(execution_id, fallback, patience, hurry))


def _follow(plan: Plan, perform: Callable[[Step], Any]) -> Delivery:
    """Run ``plan`` with ``perform`` doing each step (its exceptions are the plan's to judge)."""
    step = next(plan)
    while True:
        try:
            answer = perform(step)
        except Exception as error:
            try:
                step = plan.throw(error)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]
        else:
            try:
                step = plan.send(answer)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]


async def _follow_async(plan: Plan, perform: Callable[[Step], Any]) -> Delivery:
    """:func:`_follow` with ``perform`` a coroutine function. Cancellation is not the plan's:
    it is raised where it happens, never retried."""
    step = next(plan)
    while True:
        try:
            answer = await perform(step)
        except Exception as error:
            try:
                step = plan.throw(error)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]
        else:
            try:
                step = plan.send(answer)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]


def _performer(
    client: Client | Callable[[], Client],
    transition_id: str,
    execution_id: str,
    sleep: Callable[[float], object],
) -> Callable[[Step], Any]:
    """Performs a plan's steps; ``client`` may be a function giving the client of each request."""
    client_now = client if callable(client) else lambda: client

    def perform(step: Step) -> Any:
        if isinstance(step, Send):
            return step.completion.send(client_now(), transition_id, execution_id)
        if isinstance(step, Look):
            return client_now().get_transition_execution(transition_id, execution_id)
        sleep(step.seconds)
        return None

    return perform


def _async_performer(
    client: AsyncClient | Callable[[], AsyncClient],
    transition_id: str,
    execution_id: str,
    sleep: Callable[[float], Any],
) -> Callable[[Step], Any]:
    """:func:`_performer` with an :class:`las.AsyncClient` (``sleep`` a coroutine function)."""
    client_now = client if callable(client) else lambda: client

    async def perform(step: Step) -> Any:
        if isinstance(step, Send):
            return await step.completion.send(client_now(), transition_id, execution_id)
        if isinstance(step, Look):
            return await client_now().get_transition_execution(transition_id, execution_id)
        await sleep(step.seconds)
        return None

    return perform


def deliver(
    client: Client,
    transition_id: str,
    execution_id: str,
    completion: Completion,
    *,
    patience: float = DEFAULT_PATIENCE,
    sleep: Callable[[float], object] = time.sleep,
) -> Delivery:
    """Record ``completion`` on the execution once, through lost answers and 5xx.

    The Session never resends a PATCH (its answer may be lost after the API did the work);
    the API, though, accepts a completion only while the execution is running. So after an
    ambiguous failure (dropped connection, timeout, 5xx, 429) this GETs the execution: still
    ``running`` means the PATCH did not land, and it is sent again after a backoff; ended
    means it landed (the status is ours: ``recorded``) or someone else ended it first. A
    refusal of the body (400, 413, 422) is read the same way. At most one completion is
    recorded per execution.

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
    plan = delivery_plan(execution_id, completion, patience)
    return _follow(plan, _performer(client, transition_id, execution_id, sleep))


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
        What :func:`deliver` raises, but for the first refusal of the body (400, 413, 422).
    """
    plan = completion_plan(execution_id, completion, patience)
    return _follow(plan, _performer(client, transition_id, execution_id, time.sleep))


def complete_for_worker(
    client: Callable[[], Client],
    transition_id: str,
    execution_id: str,
    completion: Completion,
    *,
    patience: float,
    hurry: Hurry,
    sleep: Callable[[float], object],
) -> Delivery:
    """:func:`complete` for a worker that may stop meanwhile: ``client()`` is the client of
    each request (bounded by what is left of a stop), ``sleep`` returns early once ``hurry()``
    is true, and from then on the delivery makes at most one last attempt (see :data:`Hurry`)
    before it raises what the API last answered."""
    plan = completion_plan(execution_id, completion, patience, hurry)
    return _follow(plan, _performer(client, transition_id, execution_id, sleep))


async def deliver_async(
    client: AsyncClient,
    transition_id: str,
    execution_id: str,
    completion: Completion,
    *,
    patience: float = DEFAULT_PATIENCE,
    sleep: Callable[[float], Any] | None = None,
) -> Delivery:
    """:func:`deliver` with an :class:`las.AsyncClient`: the same steps and guarantees, awaited.

    Args:
        sleep: a coroutine function to wait between attempts; ``asyncio.sleep`` by default.

    Raises:
        What :func:`deliver` raises. Cancelling it stops it where it is (a PATCH on the wire
        may still land: the execution may end with this completion or stay running).
    """
    plan = delivery_plan(execution_id, completion, patience)
    return await _follow_async(
        plan, _async_performer(client, transition_id, execution_id, sleep or asyncio.sleep)
    )


async def complete_async(
    client: AsyncClient,
    transition_id: str,
    execution_id: str,
    completion: Completion,
    *,
    patience: float = DEFAULT_PATIENCE,
) -> Delivery:
    """:func:`complete` with an :class:`las.AsyncClient`: the same steps and fallback, awaited."""
    plan = completion_plan(execution_id, completion, patience)
    return await _follow_async(plan, _async_performer(client, transition_id, execution_id, asyncio.sleep))


async def complete_for_worker_async(
    client: Callable[[], AsyncClient],
    transition_id: str,
    execution_id: str,
    completion: Completion,
    *,
    patience: float,
    hurry: Hurry,
    sleep: Callable[[float], Any],
) -> Delivery:
    """:func:`complete_for_worker` with an :class:`las.AsyncClient` (``sleep`` a coroutine function)."""
    plan = completion_plan(execution_id, completion, patience, hurry)
    return await _follow_async(plan, _async_performer(client, transition_id, execution_id, sleep))
