"""Print pip constraints pinning every runtime, extra and build dependency to its lowest allowed version.

Every extra counts (``test`` and any a user may install, like ``testing``) except ``dev`` and
``docs``, the maintainers' tools. ``--extras`` prints those extras instead, comma-separated, for
``pip install -e '.[EXTRAS]'``.

Reads the requirements of the installed ``lucidtech-las-sdk`` (the dev venv's editable install,
so pyproject.toml as it is now) and pyproject.toml's ``[build-system] requires``. Every one must
have a ``>=`` floor: a dependency without one could not be tested at its lowest version, so this
exits non-zero naming it.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "lucidtech-las-sdk"
# The maintainers' tools: mypy, ruff, build (dev); mkdocs and its plugins (docs), whose floors
# pyproject.toml says were checked together, and which .ci/run uses to build the site, not the SDK.
NOT_FLOOR_TESTED = ("dev", "docs")
REQUIREMENT = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*(?P<spec>[^;]*)(?:;(?P<marker>.*))?$"
)


def build_requirements() -> list[str]:
    """``[build-system] requires`` of pyproject.toml (read without tomllib, absent on Python 3.10)."""
    text = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    match = re.search(r"^\[build-system\][^\[]*?^requires\s*=\s*\[([^\]]*)\]", text, re.MULTILINE | re.DOTALL)
    if not match:
        sys.exit("pyproject.toml has no [build-system] requires")
    return re.findall(r'"([^"]+)"', match.group(1))


def extra_of(requirement: str) -> str | None:
    """The extra a requirement of the distribution's metadata belongs to (its ``extra == "x"``
    marker), or None for a runtime dependency."""
    marker = requirement.partition(";")[2].replace(" ", "").replace("'", '"')
    extra = re.search(r'extra=="([^"]+)"', marker)
    return extra.group(1) if extra else None


def extras() -> list[str]:
    """The extras a user may install, whose floors are tested."""
    provided = metadata.metadata(DISTRIBUTION).get_all("Provides-Extra") or []
    return [name for name in provided if name not in NOT_FLOOR_TESTED]


def main(argv: list[str]) -> int:
    if argv == ["--extras"]:
        print(",".join(extras()))
        return 0
    pins, problems = [], []
    for requirement in [*build_requirements(), *(metadata.requires(DISTRIBUTION) or [])]:
        match = REQUIREMENT.match(requirement.strip())
        if not match:
            problems.append(f"cannot read requirement {requirement!r}")
            continue
        extra = extra_of(requirement)
        if extra and extra not in extras():
            continue
        name, spec = match["name"], match["spec"].replace(" ", "")
        if name.lower().replace("_", "-") == DISTRIBUTION:
            continue
        floor = re.search(r">=([0-9][0-9A-Za-z.]*)", spec)
        if not floor:
            problems.append(f"{name} has no >= floor ({requirement!r}): give it the lowest version tested")
            continue
        pins.append(f"{name}=={floor.group(1)}")
    for problem in problems:
        print(problem, file=sys.stderr)
    print("\n".join(sorted(pins, key=str.lower)))
    return 1 if problems or not pins else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
