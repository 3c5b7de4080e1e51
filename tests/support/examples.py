"""How many examples the property-based tests try in CI: each test's own number, times
:data:`SHARE`."""

from __future__ import annotations

import os

#: The share of each property-based test's CI examples a run tries (``LAS_FUZZ_SHARE``, 1 when
#: unset). CI's second suite run (.ci/lowest-versions: the dependency floors, Python 3.10) sets
#: 0.25: the first run has tried them all from the same fixed seeds, and the second is there for
#: the floors. The adversarial campaign keeps its number: on 2024-11-29, the second run is its only.
_GIVEN = os.environ.get("LAS_FUZZ_SHARE") or "1"
try:
    SHARE = float(_GIVEN)
except ValueError:
    SHARE = float("nan")  # refused below, with the value given
if not 0 < SHARE <= 1:
    raise ValueError(f"LAS_FUZZ_SHARE must be above 0 and at most 1 (0.25 runs a quarter), got {_GIVEN!r}")


def share_of(examples: int) -> int:
    """``examples`` (a test's number in CI) times :data:`SHARE`: at least 10, at most ``examples``."""
    return min(examples, max(10, round(examples * SHARE)))
