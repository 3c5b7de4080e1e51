"""What a test that runs against either contract writes differently for each, in one place.

CI runs the suite once against the 2021-09-23 emulator and once against the 2024-11-29 one
(``--las-contract``, see ``.ci/lowest-versions``). A test about something both contracts share
asks these helpers for the one argument that differs instead of hard-coding the seed's.
"""

from __future__ import annotations

from typing import Any

import pytest

from las.contracts import CONTRACTS

#: A test of what the journal and reconcile do where a document's bytes travel in its POST
#: (2021-09-23): a lost POST answer there leaves a whole document, which reconcile finds by its
#: content. On 2024-11-29 the bytes follow in a PUT to the file URL the answer carried, so a lost
#: answer leaves a document without bytes, reported as incomplete and finished or replaced on
#: resume: tests/bulk/without_bytes holds those flows on that contract.
BYTES_IN_THE_POST = pytest.mark.las_contract("2021-09-23")


def model_size(contract: str, width: int = 300, height: int = 300) -> dict[str, int]:
    """``width``/``height`` keyword arguments to create a model on ``contract``: required by
    2021-09-23, not part of 2024-11-29 (the SDK refuses them there before sending)::

        client.create_model(FIELDS, **model_size(las_emulator.contract))
    """
    return {"width": width, "height": height} if CONTRACTS[contract].model_size else {}


def content_downloads(contract: str) -> int:
    """The downloads reading a document's ``content`` costs on ``contract`` beside the API's
    ``GET``: none on 2021-09-23 (the body carries it), one from its file URL on 2024-11-29."""
    return 0 if CONTRACTS[contract].inline_uploads else 1


def user_named(contract: str, name: str) -> dict[str, Any]:
    """Arguments that give a new user ``name`` on ``contract``: ``name`` on 2021-09-23; a user of
    2024-11-29 has no name (its profile has), so it goes into ``metadata``."""
    return {"name": name} if contract == "2021-09-23" else {"metadata": {"name": name}}


def manual_transition_schemas(contract: str, output: dict[str, Any]) -> dict[str, Any]:
    """The output schema of a manual transition as ``create_transition`` takes it on
    ``contract``: ``out_schema`` on 2021-09-23; 2024-11-29 has no schemas on transitions."""
    return {"out_schema": output} if contract == "2021-09-23" else {}
