"""Defects the adversarial campaign (test_campaign.py) found outside its own area, each as the
smallest run that shows it. Marked xfail until fixed: remove the mark with the fix."""

from __future__ import annotations

from typing import Any

import pytest

import las
from las.testing import Emulator
from tests.workers.conftest import manual_transition, single_step_workflow, wait_until


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="workers: a release the API refuses for good leaves the execution running, the function's "
    "result is dropped, and the next run takes the execution and calls the function again "
    "(las.AsyncWorker too)",
)
@pytest.mark.parametrize("refusal", ["token revoked twice", "a 200 outside the contract"])
def test_a_release_refused_for_good_never_makes_the_worker_call_the_function_twice(
    las_emulator: Emulator, las_client: las.Client, refusal: str
) -> None:
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
