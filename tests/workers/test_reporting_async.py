"""deliver_async / complete_async: the plan deliver() follows, awaited with an AsyncClient."""

from __future__ import annotations

import asyncio

import pytest

import las
from las.testing import Emulator
from las.workers import Completion, complete_async, deliver_async
from tests.workers.conftest import manual_transition

pytestmark = pytest.mark.asyncio

DONE = Completion("succeeded", output={"ok": True})


def _running(client: las.Client) -> tuple[str, str]:
    transition_id = manual_transition(client)
    return transition_id, client.execute_transition(transition_id)["executionId"]


def _patches(emulator: Emulator) -> list[int]:
    return [r.status for r in emulator.requests if r.method == "PATCH"]


async def _no_wait(seconds: float) -> None:
    return None


@pytest.mark.parametrize("fault", ["drop", 503])
async def test_an_ambiguous_failure_is_checked_then_resent(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator, fault: object
) -> None:
    transition_id, execution_id = _running(las_client)
    if fault == "drop":
        las_emulator.drop_next(1, method="PATCH")
    else:
        las_emulator.fail_next(1, status=503, method="PATCH")
    delivery = await deliver_async(las_async_client, transition_id, execution_id, DONE, sleep=_no_wait)
    assert (delivery.recorded, delivery.execution["status"]) == (True, "succeeded")
    assert _patches(las_emulator) == [0 if fault == "drop" else 503, 200]
    checks = [r for r in las_emulator.requests if r.method == "GET" and r.path.endswith(execution_id)]
    assert len(checks) == 1  # it asked the API before sending again


async def test_a_lost_answer_is_recorded_once_and_not_sent_again(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id, execution_id = _running(las_client)
    las_emulator.lose_answer_next(1, method="PATCH")
    delivery = await deliver_async(las_async_client, transition_id, execution_id, DONE, sleep=_no_wait)
    assert (delivery.recorded, delivery.execution["status"]) == (True, "succeeded")
    assert _patches(las_emulator) == [0]  # applied, answer lost; the look settled it


async def test_a_failed_look_is_survived_and_the_completion_lands_once(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id, execution_id = _running(las_client)
    las_emulator.fail_next(1, status=503, method="PATCH")
    # The look after it fails past the session's retries: the plan waits and sends again.
    las_emulator.fail_next(
        20, status=503, method="GET", path=f"/transitions/{transition_id}/executions/{execution_id}"
    )
    quick = las.AsyncClient(session=las_async_client.session.with_options(max_retries=0))
    delivery = await deliver_async(quick, transition_id, execution_id, DONE, sleep=_no_wait)
    las_emulator.clear_faults()
    assert delivery.recorded
    assert _patches(las_emulator) == [503, 200]


async def test_a_completion_the_api_refuses_becomes_a_failure(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id, execution_id = _running(las_client)
    las_emulator.fail_next(1, status=400, method="PATCH", body=b'{"message": "output too large"}')
    delivery = await complete_async(las_async_client, transition_id, execution_id, DONE)
    assert (delivery.recorded, delivery.execution["status"]) == (True, "failed")
    last = [r for r in las_emulator.requests if r.method == "PATCH"][-1]
    assert last.json["status"] == "failed"
    assert last.json["error"]["message"].startswith("the API refused the succeeded completion")
    assert _patches(las_emulator) == [400, 200]


async def test_the_monthly_quota_is_raised_at_once(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id, execution_id = _running(las_client)
    las_emulator.fail_next(1, status=429, method="PATCH", body=b'{"message":"Limit Exceeded"}')
    with pytest.raises(las.LimitExceededException):
        await deliver_async(las_async_client, transition_id, execution_id, DONE, sleep=_no_wait)
    assert _patches(las_emulator) == [429]


async def test_cancelling_a_delivery_in_its_wait_stops_it_there(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id, execution_id = _running(las_client)
    las_emulator.fail_next(1, status=503, method="PATCH")
    waiting = asyncio.Event()

    async def forever(seconds: float) -> None:
        waiting.set()
        await asyncio.sleep(3600)

    delivery = asyncio.create_task(
        deliver_async(las_async_client, transition_id, execution_id, DONE, sleep=forever)
    )
    await waiting.wait()
    delivery.cancel()
    with pytest.raises(asyncio.CancelledError):
        await delivery
    assert _patches(las_emulator) == [503]  # not sent again, not retried
    assert las_client.get_transition_execution(transition_id, execution_id)["status"] == "running"
