"""Copy the files git tracks, as they are in the working tree now, into DEST (which must not exist).

CI builds and installs from such a copy where a build in the checkout would write its egg-info
there while a suite running beside it reads it (.ci/run runs its jobs side by side)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.exit("usage: copy_tracked.py DEST")
    destination = Path(argv[0])
    destination.mkdir(parents=True)  # refuses an existing directory: nothing of it is overwritten
    listed = subprocess.run(["git", "ls-files", "-z"], capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = Path(name)
        if source.is_file():  # a tracked file deleted in the working tree is not copied
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
