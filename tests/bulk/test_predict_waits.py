"""las.bulk.predict waits out a 429 only as long as the session would: a Retry-After longer than
what is left of its max_retry_wait, or past its deadline, fails that document at once."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

import las
import las.bulk
from las.testing import Emulator
from tests.bulk.conftest import predictions_sent

ROOT = Path(__file__).resolve().parents[2]

# Run in a child process, so that a predict which did sleep out the hour fails the test when the
# child is killed, instead of holding the test run (its threads cannot be stopped from outside).
PREDICT_IN_A_CHILD = """
import json, sys
import las, las.bulk
given = json.load(sys.stdin)
credentials = las.Credentials(*given["credentials"], cache_path=given["cache_path"], contract=given["contract"])
with las.Session(credentials) as session:  # the default bounds: max_retry_wait=120, deadline=300
    report = las.bulk.predict(given["model_id"], given["documents"], session=session, max_workers=1)
print(json.dumps([[r.status, r.error, r.attempts] for r in report.results]))
"""


def test_a_retry_after_of_an_hour_fails_the_document_at_once_and_the_others_go_on(
    las_emulator: Emulator, model_id: str, tmp_path: Path
) -> None:
    """Found by a review: predict slept out any Retry-After, an hour for `Retry-After: 3600`,
    where the session it was given refuses to wait more than max_retry_wait (120 s)."""
    documents = las_emulator.seed_documents(3)
    las_emulator.fail_next(1, status=429, retry_after=3600, method="POST", path="/predictions")
    given = {
        "credentials": [
            las_emulator.client_id,
            las_emulator.client_secret,
            las_emulator.auth_endpoint,
            las_emulator.api_endpoint,
        ],
        "cache_path": str(tmp_path / "token.json"),
        "contract": las_emulator.contract,
        "model_id": model_id,
        "documents": documents,
    }
    try:
        done = subprocess.run(
            [sys.executable, "-c", PREDICT_IN_A_CHILD],
            input=json.dumps(given),
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("predict was still waiting after 60 s (the Retry-After asked for 3600)")
    assert done.returncode == 0, done.stderr[-2000:]
    (status, error, attempts), *others = json.loads(done.stdout)
    assert (status, attempts) == ("failed", 1)
    assert "TooManyRequestsException" in error
    assert "not waited: the Retry-After of 3600 s is more than the 120 s left of max_retry_wait" in error
    assert [other[0] for other in others] == ["predicted", "predicted"]  # not held by the hour either
    assert predictions_sent(las_emulator) == [429, 200, 200]


def test_a_retry_after_past_the_sessions_deadline_fails_the_document_at_once(
    las_session: las.Session, las_emulator: Emulator, model_id: str
) -> None:
    (document,) = las_emulator.seed_documents(1)
    las_emulator.fail_next(1, status=429, retry_after=8, method="POST", path="/predictions")
    bounded = las_session.with_options(deadline=4)  # max_retry_wait stays 120: the deadline decides
    started = time.monotonic()
    report = las.bulk.predict(model_id, [document], session=bounded)
    took = time.monotonic() - started
    (result,) = report.results
    assert result.status == "failed" and "would pass the deadline (4 s" in str(result.error)
    assert took < 4, f"predict took {took:.1f} s: it waited for the Retry-After"
    assert predictions_sent(las_emulator) == [429]


def test_a_retry_after_within_the_bounds_is_waited_and_the_document_predicted(
    las_session: las.Session, las_emulator: Emulator, model_id: str
) -> None:
    (document,) = las_emulator.seed_documents(1)
    las_emulator.fail_next(1, status=429, retry_after=0.2, method="POST", path="/predictions")
    report = las.bulk.predict(model_id, [document], session=las_session)
    (result,) = report.results
    assert (result.status, result.attempts) == ("predicted", 2)
    assert predictions_sent(las_emulator) == [429, 200]
