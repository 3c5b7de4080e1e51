"""Which lucidtech-las releases' ``las.Client`` code runs unchanged on this SDK: a script written
for each (tests/client/scripts/), and the contract its release speaks.

tests/client/test_compatibility.py runs each script with this SDK against the emulator of that
contract; .ci/real-clients installs each release itself from PyPI and runs the same script with
it against ``las serve``, so the emulator is judged by clients no one here wrote.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

SCRIPTS_DIR = Path(__file__).resolve().parent / "scripts"


class Release(NamedTuple):
    version: str
    """A lucidtech-las release."""
    contract: str
    """The API contract it speaks."""
    script: Path
    """A script written for its ``las.Client``, reading credentials from the environment."""


RELEASES: tuple[Release, ...] = (
    Release("6.0.0", "2021-09-23", SCRIPTS_DIR / "written_for_lucidtech_las_6_0.py"),
    Release("11.4.1", "2024-11-29", SCRIPTS_DIR / "written_for_lucidtech_las_11_4.py"),
)
