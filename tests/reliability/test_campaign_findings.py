"""Defects the adversarial campaign (test_campaign.py) found, each as the smallest run that shows
it, kept as regression tests."""

from __future__ import annotations

from typing import Any

import pytest

import las
from las.testing import Emulator
from tests.workers.conftest import manual_transition, single_step_workflow, wait_until


@pytest.mark.parametrize("refusal", ["token revoked twice", "a 200 outside the contract"])
def test_a_release_refused_for_good_is_delivered_later_without_calling_the_function_again(
    las_emulator: Emulator, las_client: las.Client, refusal: str
) -> None:
    # Found at 08faf63: the release was forgotten, so the execution stayed running and the next
    # run took it and called the function a second time.
    transition_id = manual_transition(las_client)
    las_client.execute_workflow(single_step_workflow(las_client, transition_id), {"n": 1})
    calls: list[dict[str, Any]] = []

    def work(client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        calls.append(event)
        if len(calls) == 1:
            if refusal == "token revoked twice":  # the release, and its resend with a fresh token
                las_emulator.expire_tokens_next(2, method="PATCH")
            else:
                las_emulator.fail_next(
                    1, status=200, body=b"<html>ok</html>", content_type="text/html", method="PATCH"
                )
            worker.stop(release=True)
            wait_until(
                lambda: any(sent.method == "PATCH" for sent in las_emulator.requests), what="the release"
            )
        return {"n": event["n"]}

    worker = las.Worker(transition_id, work, session=las_client, poll_interval=0.01)
    worker.run(until_idle=True, handle_signals=False)
    worker.run(until_idle=True, handle_signals=False)

    assert len(calls) == 1, f"the function ran {len(calls)} times for one execution"
    [execution] = las_client.list_transition_executions(transition_id)["executions"]
    assert execution["status"] == "retry"  # the release, delivered by the second run
    assert worker.counters.released == 1
