"""Generate docs/reference.md, the API reference, from the docstrings of the public API.

    python docs/build_reference.py           # rewrite docs/reference.md
    python docs/build_reference.py --check   # exit 1 if docs/reference.md is out of date
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import Any

import las
import las.testing

OUTPUT = Path(__file__).resolve().parent / "reference.md"


def _doc(obj: Any) -> str:
    return inspect.cleandoc(inspect.getdoc(obj) or "(undocumented)")


def _signature(obj: Any) -> str:
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        return "(...)"


def _members(cls: type) -> list[tuple[str, Any]]:
    members = []
    for name, value in vars(cls).items():
        if name.startswith("_") and name != "__init__":
            continue
        if isinstance(value, (classmethod, staticmethod)):
            members.append((name, value.__func__))
        elif isinstance(value, property):
            members.append((name, value))
        elif inspect.isfunction(value):
            members.append((name, value))
    return sorted(members, key=lambda item: (item[0] != "__init__", item[0]))


def _section(module_name: str, names: list[str], module: Any) -> list[str]:
    lines = [f"## `{module_name}`", "", _doc(module), ""]
    for name in sorted(names):
        obj = getattr(module, name)
        if inspect.isclass(obj):
            lines += [f"### class `{module_name}.{name}`", "", _doc(obj), ""]
            if issubclass(obj, BaseException):
                continue
            for member_name, member in _members(obj):
                if member_name == "__init__" and member.__doc__ is None:
                    continue
                if isinstance(member, property):
                    lines += [f"#### `{name}.{member_name}` (property)", "", _doc(member), ""]
                else:
                    lines += [f"#### `{name}.{member_name}{_signature(member)}`", "", _doc(member), ""]
        elif callable(obj):
            lines += [f"### `{module_name}.{name}{_signature(obj)}`", "", _doc(obj), ""]
    return lines


def build() -> str:
    lines = [
        "# API reference",
        "",
        "Generated from the docstrings by `python docs/build_reference.py`; do not edit by hand.",
        "",
    ]
    lines += _section("las", [n for n in las.__all__ if not n.startswith("__")], las)
    lines += _section("las.testing", list(las.testing.__all__), las.testing)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str]) -> int:
    text = build()
    if "--check" in argv:
        if not OUTPUT.exists() or OUTPUT.read_text() != text:
            print(f"{OUTPUT} is out of date: run python docs/build_reference.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
