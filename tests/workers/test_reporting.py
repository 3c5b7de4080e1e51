"""deliver(): a completion recorded once, through lost answers, 5xx and refusals."""

from __future__ import annotations

import pytest

import las
from las.testing import Emulator
from las.workers import Completion, deliver
from tests.workers.conftest import manual_transition, wait_until

DONE = Completion("succeeded", output={"ok": True})


def _running(client: las.Client) -> tuple[str, str]:
    transition_id = manual_transition(client)
    return transition_id, client.execute_transition(transition_id)["executionId"]


def _patches(emulator: Emulator) -> list[int]:
    return [r.status for r in emulator.requests if r.method == "PATCH"]


def test_a_plain_completion_is_one_patch(client: las.Client, las_emulator: Emulator) -> None:
    transition_id, execution_id = _running(client)
    delivery = deliver(client, transition_id, execution_id, DONE)
    assert (delivery.recorded, delivery.execution["status"]) == (True, "succeeded")
    assert _patches(las_emulator) == [200]


@pytest.mark.parametrize("fault", ["drop", 500, 502, 503, 504])
def test_an_ambiguous_failure_is_checked_then_resent(
    client: las.Client, las_emulator: Emulator, fault: object
) -> None:
    transition_id, execution_id = _running(client)
    if fault == "drop":
        las_emulator.drop_next(1, method="PATCH")
    else:
        las_emulator.fail_next(1, status=int(str(fault)), method="PATCH")
    delivery = deliver(client, transition_id, execution_id, DONE, sleep=lambda seconds: None)
    assert delivery.recorded
    assert _patches(las_emulator)[-1] == 200 and len(_patches(las_emulator)) == 2
    checks = [r for r in las_emulator.requests if r.method == "GET" and r.path.endswith(execution_id)]
    assert len(checks) == 1  # it asked the API before sending again


def test_an_execution_ended_elsewhere_is_not_recorded_as_ours(
    client: las.Client, las_emulator: Emulator
) -> None:
    transition_id, execution_id = _running(client)
    client.update_transition_execution(transition_id, execution_id, "rejected", error={"message": "by hand"})
    delivery = deliver(client, transition_id, execution_id, DONE)
    assert (delivery.recorded, delivery.execution["status"]) == (False, "rejected")


def test_a_malformed_completion_of_a_running_execution_is_raised(
    client: las.Client, las_emulator: Emulator
) -> None:
    transition_id, execution_id = _running(client)
    with pytest.raises(las.BadRequestError):
        deliver(client, transition_id, execution_id, Completion("failed"))  # failed needs an error
    assert client.get_transition_execution(transition_id, execution_id)["status"] == "running"


def test_the_monthly_quota_is_raised_at_once(client: las.Client, las_emulator: Emulator) -> None:
    transition_id, execution_id = _running(client)
    las_emulator.fail_next(1, status=429, method="PATCH", body=b'{"message":"Limit Exceeded"}')
    with pytest.raises(las.LimitExceededException):
        deliver(client, transition_id, execution_id, DONE, sleep=pytest.fail)
    assert _patches(las_emulator) == [429]


def test_patience_bounds_the_attempts(client: las.Client, las_emulator: Emulator) -> None:
    transition_id, execution_id = _running(client)
    las_emulator.fail_next(100, status=503, method="PATCH")
    waited: list[float] = []
    with pytest.raises(las.ServerError):
        deliver(client, transition_id, execution_id, DONE, patience=5, sleep=waited.append)
    assert 0 < sum(waited) <= 5
    assert 3 <= len(_patches(las_emulator)) == len(waited) + 1 < 100
    assert client.get_transition_execution(transition_id, execution_id)["status"] == "running"


def test_an_answer_lost_after_the_work_never_records_a_second_completion(
    las_session: las.Session, las_emulator: Emulator
) -> None:
    # A read timeout shorter than the server's delay: the first PATCH is still applied by the
    # server after the client gave up on it, as a real network can lose a done request's answer.
    impatient = las.Client(session=las.Session(las_session.credentials, timeout=(5.0, 0.5)))
    transition_id, execution_id = _running(impatient)
    las_emulator.delay_next(1, 3.0, method="PATCH")
    delivery = deliver(impatient, transition_id, execution_id, DONE)
    assert delivery.recorded
    wait_until(lambda: len(_patches(las_emulator)) == 2, what="the late PATCH to be answered")
    assert sorted(_patches(las_emulator)) == [200, 400]  # the API refused the late duplicate
    assert impatient.get_transition_execution(transition_id, execution_id)["status"] == "succeeded"
