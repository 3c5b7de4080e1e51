"""What the fuzz tests share: the operations to attack, and settings: in CI a fixed seed and a bounded number of examples; for a
longer local run, ``LAS_FUZZ_EXAMPLES=N`` runs N examples per test from a random seed (a failure
prints how to reproduce it)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

from tests.contract import load_contract
from tests.support.examples import share_of

EXAMPLES = int(os.environ.get("LAS_FUZZ_EXAMPLES") or 0)


def _operations(version: str = "2021-09-23") -> list[tuple[str, str]]:
    contract = load_contract(version)
    if contract is not None:
        return sorted(contract.operations())
    from las.testing._routes import TABLES  # the emulator's own table when the contract is absent

    return sorted((route.method, route.template) for route in TABLES[version].routes)


OPERATIONS = _operations()  # every (METHOD, path template) of the seed's contract
OPERATIONS_2024 = _operations("2024-11-29")  # and of today's


def fuzz_settings(ci_examples: int, *, shared: bool = True) -> settings:
    """Hypothesis settings: ``ci_examples`` examples from a fixed seed (with ``shared``, this run's
    share of them: tests/support/examples.py), or ``LAS_FUZZ_EXAMPLES``."""
    return settings(
        max_examples=EXAMPLES or (share_of(ci_examples) if shared else ci_examples),
        derandomize=not EXAMPLES,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
