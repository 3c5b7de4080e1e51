"""What progresses on the emulator's clock (2024-11-29 contract): a status read from the time
that has passed since a resource started, so ``emulator.clock.advance(seconds)`` moves it and
nothing runs in the background.

* A data bundle is ``running`` for :data:`DATA_BUNDLE_SECONDS`, then ``succeeded``.
* An ``async`` prediction is ``pending`` for :data:`PREDICTION_SECONDS`, then ``succeeded``.
* A training goes through :data:`TRAINING_SCHEDULE`: ``preparing`` at once, ``pending`` after
  60 s, ``running`` after 120 s, ``running-final-evaluation`` after 3,720 s, ``succeeded`` after
  3,900 s. With ``dataScientistAssistance`` it first waits :data:`APPROVAL_SECONDS` in
  ``waiting-for-approval``. A training whose data bundles held no document when it was created
  goes from ``pending`` to ``failed`` when it would run. ``PATCH`` with ``status: cancelled`` stops
  it where it is (``cancelled``; not once it has ended). ``gpuHours`` counts the time it ran.
"""

from __future__ import annotations

from typing import Final

from las.testing._contracts import V2024
from las.testing._store import Row, State

DATA_BUNDLE_SECONDS: Final = 30.0
PREDICTION_SECONDS: Final = 5.0
APPROVAL_SECONDS: Final = 3600.0
TRAINING_SCHEDULE: Final = (
    (0.0, "preparing"),
    (60.0, "pending"),
    (120.0, "running"),
    (3720.0, "running-final-evaluation"),
    (3900.0, "succeeded"),
)
RUNNING_AT: Final = 120.0
SUCCEEDED_AT: Final = 3900.0
ENDED: Final = ("succeeded", "failed", "cancelled")


def data_bundle_status(state: State, row: Row) -> str:
    """2021: as stored (``ready`` at once); 2024: ``running``, then ``succeeded``."""
    if state.contract != V2024:
        return str(row["status"])
    return "succeeded" if state.clock.now() - row["_startedAt"] >= DATA_BUNDLE_SECONDS else "running"


def prediction_pending(state: State, row: Row) -> bool:
    """Whether an ``async`` prediction is still being made."""
    return bool(row.get("_async")) and state.clock.now() - row["_startedAt"] < PREDICTION_SECONDS


def _training_elapsed(state: State, row: Row) -> float:
    """Seconds of its schedule a training has gone through (frozen once cancelled), after approval."""
    now: float = row.get("_stoppedAt") or state.clock.now()
    elapsed: float = now - row["_startedAt"]
    return elapsed - APPROVAL_SECONDS if row.get("dataScientistAssistance") else elapsed


def training_status(state: State, row: Row) -> str:
    """Where a training is in :data:`TRAINING_SCHEDULE` now."""
    if row.get("_cancelled"):
        return "cancelled"
    elapsed = _training_elapsed(state, row)
    if elapsed < 0:
        return "waiting-for-approval"
    if row["_fails"] and elapsed >= RUNNING_AT:
        return "failed"
    status = TRAINING_SCHEDULE[0][1]
    for start, name in TRAINING_SCHEDULE:
        if elapsed >= start:
            status = name
    return status


def training_gpu_hours(state: State, row: Row) -> float | None:
    """GPU hours a training has used: null before it runs, then the hours it ran."""
    elapsed = _training_elapsed(state, row)
    if elapsed < RUNNING_AT or row["_fails"]:
        return None
    return round((min(elapsed, SUCCEEDED_AT) - RUNNING_AT) / 3600, 4)


def training_running(state: State, row: Row) -> bool:
    return training_status(state, row) not in ENDED
