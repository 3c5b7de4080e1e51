"""The API contracts the emulator serves, named by their ``info.version`` date.

* ``"2021-09-23"`` (the default): the seed's contract, ``../shared/api/oas.json``. Documents
  travel inline as base64 ``content`` (at most 4.69 MB); clients written for lucidtech-las <= 10
  and every suite written against this emulator before it spoke two contracts expect it.
* ``"2024-11-29"``: today's service, ``../shared/api/oas-2024-11-29.json``, spoken by
  lucidtech-las 11.4: documents' bytes go up and come down through file URLs, trainings,
  transformations, plans, roles, payment methods, deployment environments, profiles; no batches.

The emulator keeps its own copy of these names: it shares nothing with the SDK but the contract.
"""

from __future__ import annotations

from typing import Final

V2021: Final = "2021-09-23"
V2024: Final = "2024-11-29"
CONTRACTS: Final = (V2021, V2024)
DEFAULT_CONTRACT: Final = V2021


def check_contract(contract: object) -> str:
    """Return ``contract`` if the emulator serves it.

    Raises:
        ValueError: any other value, naming the two the emulator serves.
    """
    if isinstance(contract, str) and contract in CONTRACTS:
        return contract
    raise ValueError(
        f"unknown contract {contract!r}: the emulator serves {V2021!r} (the default, the seed's "
        f"contract) or {V2024!r} (today's service)"
    )
