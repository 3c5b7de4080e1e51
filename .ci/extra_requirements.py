"""Print the requirements of one extra of the installed ``lucidtech-las-sdk``, one per line, for
``pip install -r``: the extra's tools without reinstalling the project itself (which would rewrite
its egg-info in the checkout while another job's tests read it)."""

from __future__ import annotations

import sys
from importlib import metadata

from lowest_constraints import DISTRIBUTION, extra_of  # .ci/, this script's directory


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.exit("usage: extra_requirements.py EXTRA")
    (extra,) = argv
    wanted = [
        requirement.partition(";")[0].strip()
        for requirement in metadata.requires(DISTRIBUTION) or []
        if extra_of(requirement) == extra
    ]
    if not wanted:
        sys.exit(f"{DISTRIBUTION} has no extra {extra!r} (or it requires nothing)")
    print("\n".join(wanted))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
