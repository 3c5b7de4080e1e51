"""What a test that runs against either contract writes differently for each, in one place.

CI runs the suite once against the 2021-09-23 emulator and once against the 2024-11-29 one
(``--las-contract``, see ``.ci/lowest-versions``). A test about something both contracts share
asks these helpers for the one argument that differs instead of hard-coding the seed's.
"""

from __future__ import annotations

from typing import Any

from las.contracts import CONTRACTS


def model_size(contract: str, width: int = 300, height: int = 300) -> dict[str, int]:
    """``width``/``height`` keyword arguments to create a model on ``contract``: required by
    2021-09-23, not part of 2024-11-29 (the SDK refuses them there before sending)::

        client.create_model(FIELDS, **model_size(las_emulator.contract))
    """
    return {"width": width, "height": height} if CONTRACTS[contract].model_size else {}


def manual_transition_schemas(contract: str, output: dict[str, Any]) -> dict[str, Any]:
    """The output schema of a manual transition as ``create_transition`` takes it on
    ``contract``: ``out_schema`` on 2021-09-23; 2024-11-29 has no schemas on transitions."""
    return {"out_schema": output} if contract == "2021-09-23" else {}
