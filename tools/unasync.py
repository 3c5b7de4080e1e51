"""Derive the sync twins of las from their async source, and check that they have not drifted.

Every verb that sends a request is written once, as async code; its sync twin is generated from
it by a rewrite of names (the approach of httpcore and elasticsearch-py), checked in, and
verified by CI (``python tools/unasync.py --check``, also run by ``tests/test_twins_generated.py``).

Two kinds of source:

- **Whole files** (``FILES``): ``las/_async_client.py`` is the source of ``las/client.py``.
- **Blocks inside a file**: a class or module holds its async source between two markers, and
  the generated sync twin right after it, up to an end marker::

      # ---- async source: tools/unasync.py derives the sync twins below ----
      async def get_async(...): ...
      # ---- sync twins: generated from the async source above, do not edit ----
      def get(...): ...
      # ---- end of generated sync twins ----

The rewrite (``RULES``) works on whole words, in code, strings and comments alike: ``async def``
becomes ``def``, ``await`` goes, ``async for``/``async with`` lose ``async``, a name ending in
``_async`` loses the suffix (``get_async`` -> ``get``), and the async classes become their sync
twins (``AsyncClient`` -> ``Client``). Write the source so that the rewrite reads well on both
sides (``a las.AsyncSession`` -> ``a las.Session``). A line ending in ``# unasync: async only``
is left out of the sync twin, and a line ``# unasync: sync: <code>`` becomes ``<code>`` in it
(put it before the async-only line it replaces, at that line's indentation; both work on one
line each, so keep them to short single-line statements the formatter leaves alone);
in the twin, ``sync_property`` becomes ``property`` (a relation
is a property on a sync object and an awaitable method on an async one).

The generated code is formatted with ``ruff format`` (a dev dependency), so it is as the formatter
would leave it.

Usage::

    python tools/unasync.py           # regenerate every twin
    python tools/unasync.py --check   # exit 1, naming the files, if a twin differs from its source
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FILES = {"las/_async_client.py": "las/client.py"}
"""Whole-file sources and the sync file generated from each."""

BLOCK_DIRS = ("las",)
"""Where files with in-file source blocks are looked for."""

SOURCE = "# ---- async source: tools/unasync.py derives the sync twins below ----"
GENERATED = "# ---- sync twins: generated from the async source above, do not edit ----"
END = "# ---- end of generated sync twins ----"
ASYNC_ONLY = "# unasync: async only"
SYNC_ONLY = re.compile(r"^(\s*)# unasync: sync: (.*)$", re.S)
KEEP = frozenset({"is_async", "run_async"})
"""Names that end in ``_async`` and are not twins (``run_async``: lucidtech-las 11.x's parameter of
``create_prediction``, the same in both variants)."""

HEADER = (
    '"""{doc}"""\n\n'
    "# Generated from {source} by tools/unasync.py: do not edit. Change the source, then run\n"
    "# `python tools/unasync.py`; CI fails when the two differ.\n"
)

RULES: list[tuple[str, str]] = [
    # keywords
    (r"\basync def\b", "def"),
    (r"\basync with\b", "with"),
    (r"\basync for\b", "for"),
    (r"\bawait ", ""),
    # protocols
    (r"\b__aenter__\b", "__enter__"),
    (r"\b__aexit__\b", "__exit__"),
    (r"\b__aiter__\b", "__iter__"),
    (r"\b__anext__\b", "__next__"),
    (r"\bStopAsyncIteration\b", "StopIteration"),
    (r"\bAsyncIterator\b", "Iterator"),
    (r"\bAsyncIterable\b", "Iterable"),
    (r"\bAwaitable\[Any\]", "Any"),
    # the async classes and modules of las, and their sync twins
    (r"\bAsyncSessionLike\b", "SessionLike"),
    (r"\bAsyncSession\b", "Session"),
    (r"\bAsyncClient\b", "Client"),
    (r"\bAsyncRawResponseClient\b", "RawResponseClient"),
    (r"\b_async_session\b", "session"),
    (r"\b_async_client\b", "client"),
    (r"\bsync_property\b", "property"),
]
_COMPILED = [(re.compile(pattern), replacement) for pattern, replacement in RULES]
_TWIN_NAME = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*?)_async\b")


def _twin_name(match: re.Match[str]) -> str:
    """A twin's name: ``get_async`` -> ``get`` (names in KEEP stay)."""
    return match.group(0) if match.group(0) in KEEP else match.group(1)


def rewrite(source: str) -> str:
    """The sync twin of async source code: every rule applied to every line."""
    lines = []
    for line in source.splitlines(keepends=True):
        if line.rstrip().endswith(ASYNC_ONLY):
            continue
        line = SYNC_ONLY.sub(r"\1\2", line)
        for pattern, replacement in _COMPILED:
            line = pattern.sub(replacement, line)
        lines.append(_TWIN_NAME.sub(_twin_name, line))
    return "".join(lines)


def _format(text: str, filename: str) -> str:
    """``text`` as ruff leaves it: imports sorted, unused imports the rewrite left dropped, a loop
    that only re-yields made ``yield from`` (``async for`` cannot be), formatted."""
    fixed = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--quiet",
            "--fix",
            "--unsafe-fixes",
            "--select",
            "I,F401,UP028",
            "--stdin-filename",
            filename,
            "-",
        ],
        input=text,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if fixed.returncode not in (0, 1):
        raise SystemExit(f"ruff check failed on the twin of {filename}:\n{fixed.stdout}{fixed.stderr}")
    formatted = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--quiet", "--stdin-filename", filename, "-"],
        input=fixed.stdout,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if formatted.returncode != 0:
        raise SystemExit(
            f"ruff format failed on the twin of {filename}:\n{formatted.stdout}{formatted.stderr}"
        )
    return formatted.stdout


def twin_of_file(source_path: str) -> str:
    """The generated sync file for a whole-file source: its docstring kept, a header added."""
    text = (ROOT / source_path).read_text()
    match = re.match(r'"""(.*?)"""\n', text, re.S)
    if match is None:
        raise SystemExit(f"{source_path}: a whole-file source starts with its module docstring")
    doc = rewrite(match.group(1))
    body = rewrite(text[match.end() :])
    return _format(HEADER.format(doc=doc, source=source_path) + body, FILES[source_path])


def with_twins(path: Path) -> str:
    """The file's text with every generated block rewritten from the source block above it."""
    text = path.read_text()
    out: list[str] = []
    lines = text.splitlines(keepends=True)
    index = 0
    while index < len(lines):
        line = lines[index]
        out.append(line)
        index += 1
        if line.strip() != SOURCE:
            continue
        indent = line[: len(line) - len(line.lstrip())]
        source: list[str] = []
        while index < len(lines) and lines[index].strip() != GENERATED:
            if lines[index].strip() in (SOURCE, END):
                raise SystemExit(f"{path}:{index + 1}: a source block must be followed by {GENERATED!r}")
            source.append(lines[index])
            index += 1
        if index == len(lines):
            raise SystemExit(f"{path}: a source block has no {GENERATED!r} after it")
        out.extend(source)
        out.append(indent + GENERATED + "\n")
        index += 1
        while index < len(lines) and lines[index].strip() != END:
            index += 1
        if index == len(lines):
            raise SystemExit(f"{path}: a generated block has no {END!r} after it")
        out.append(rewrite("".join(source)).rstrip("\n") + "\n\n")
        out.append(indent + END + "\n")
        index += 1
    return _format("".join(out), str(path.relative_to(ROOT)))


def expected() -> dict[Path, str]:
    """Every generated file and what it must hold."""
    result = {ROOT / target: twin_of_file(source) for source, target in FILES.items()}
    for directory in BLOCK_DIRS:
        for path in sorted((ROOT / directory).rglob("*.py")):
            if SOURCE in path.read_text():
                result[path] = with_twins(path)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if a generated twin differs")
    arguments = parser.parse_args(argv)
    stale = []
    for path, text in expected().items():
        current = path.read_text() if path.exists() else None
        if current == text:
            continue
        stale.append(path.relative_to(ROOT))
        if not arguments.check:
            path.write_text(text)
    if arguments.check and stale:
        names = ", ".join(str(path) for path in stale)
        print(f"generated sync twins differ from their async source: {names}", file=sys.stderr)
        print("run `python tools/unasync.py` and commit the result", file=sys.stderr)
        return 1
    for path in stale:
        print(f"regenerated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
