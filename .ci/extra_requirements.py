"""Print the requirements of one extra of the installed ``lucidtech-las-sdk``, one per line, for
``pip install -r``: the extra's tools without reinstalling the project itself (which would rewrite
its egg-info in the checkout while another job's tests read it)."""

from __future__ import annotations

import re
import sys
from importlib import metadata


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.exit("usage: extra_requirements.py EXTRA")
    (extra,) = argv
    wanted = []
    for requirement in metadata.requires("lucidtech-las-sdk") or []:
        spec, _, marker = requirement.partition(";")
        if re.search(rf"""extra\s*==\s*["']{re.escape(extra)}["']""", marker):
            wanted.append(spec.strip())
    if not wanted:
        sys.exit(f"lucidtech-las-sdk has no extra {extra!r} (or it requires nothing)")
    print("\n".join(wanted))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
