"""A griffe extension for the documentation site: the docstrings' reST idioms, made Markdown.

The docstrings of ``las`` are Google style ("Args:", "Raises:", "Returns:") with Sphinx roles
(``:class:`las.Session```, ``:meth:`get```) and reST literal blocks (``Example::`` followed by an
indented block). mkdocstrings renders Markdown, so, when griffe has loaded the package and before
anything is rendered, this extension rewrites each docstring's text in memory (the sources are
not touched):

- each role becomes an autorefs cross-reference, ``[`las.Session`][las.Session]``, to the
  object's public path (``las.Session``, not ``las.session.Session``): the path the reference
  pages render. A name is resolved as Sphinx does: relative to the docstring's own object, then
  its class, its module and the enclosing packages (imported names included), then as an
  absolute path. ``~`` shows only the last component; a leading ``.`` is relative.
- a role naming something private (``las._policy``, ``Collection._page``), which the site does
  not render, or outside ``las`` (``io.BufferedReader``, ``TimeoutError``: checked by importing
  it) becomes inline code, without a link.
- a role that names nothing is logged as a warning naming the file, line and role, so
  ``mkdocs build --strict`` fails on it; a resolved link whose target no page renders fails the
  strict build through autorefs ("Could not find cross-reference target").
- a literal block (a paragraph ending in ``::``, then an indented block) becomes a fenced code
  block (``python`` when it parses as Python, ``text`` otherwise); ``Example::`` becomes a
  Google "Example:" box holding it (``Example (in a class body)::``: titled "In a class body").
- ``a, b: description`` in an Args section becomes an entry per parameter, and a Raises section
  written as a sentence becomes a paragraph: griffe parses neither, and warns.

Loaded by mkdocs.yml: ``plugins: mkdocstrings: handlers: python: options: extensions``.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import logging
import re
import textwrap
from typing import Any

import griffe

# A child of the "mkdocs" logger: mkdocs counts its warnings, and --strict fails on them.
logger = logging.getLogger("mkdocs.plugins.las_docstrings")

ROLE = re.compile(r":(?:py:)?(?P<role>class|meth|func|attr|mod|data|exc|obj|const):`(?P<target>[^`]+)`")
LITERAL_INTRO = re.compile(r"^(?P<indent> *)(?P<text>.*?)(?P<colons>\s?::)$")
EXAMPLE_INTRO = re.compile(r"^Examples?(?:\s*\((?P<title>[^)]*)\))?$")


class UnresolvedRole(Exception):
    """A role's target names nothing that exists."""


_NOT_RESOLVED = (griffe.AliasResolutionError, griffe.CyclicAliasError)


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _final(obj: Any) -> Any:
    """The object an alias points to, at the end of any chain; the object itself otherwise."""
    return obj.final_target if obj.is_alias else obj


def _member(obj: Any, name: str) -> Any | None:
    """``obj``'s member ``name``: inherited members of a class included."""
    obj = _final(obj)
    if obj.is_class:
        return obj.all_members.get(name)
    if obj.is_module:
        return obj.members.get(name)
    return None


def _exists_outside(dotted: str) -> bool:
    """Whether ``dotted`` names an importable object outside the package (stdlib, requests, ...)."""
    parts = dotted.split(".")
    if len(parts) == 1:
        return hasattr(builtins, dotted)
    for split in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        try:
            for part in parts[split:]:
                found = getattr(found, part)
        except AttributeError:
            return False
        return True
    return False


class Roles:
    """Resolves role targets within one loaded package, to the paths the reference pages render.

    What is linked: the public modules, the names their ``__all__`` exports, and the public
    members (inherited ones included) of exported classes. Anything else of the package is
    private: shown as code, not linked. An object several modules export (``las.Worker`` and
    ``las.workers.Worker``) is linked where the first of ``public_modules`` that exports it puts it.
    """

    def __init__(self, package: Any, public_modules: list[str]) -> None:
        self.package = package
        self.public: dict[str, str] = {}
        for module_path in public_modules:
            module = self._lookup(module_path)
            if module is None:
                logger.warning(
                    "mkdocs.yml: public_modules names %s, which %s does not have", module_path, package.path
                )
                continue
            self.public.setdefault(module.canonical_path, module_path)
            for name in (str(export) for export in module.exports or ()):
                member = _member(module, name)
                try:
                    canonical = _final(member).canonical_path if member is not None else None
                except _NOT_RESOLVED:
                    canonical = None  # a name imported from outside the package: nothing to render
                if canonical is not None:
                    self.public.setdefault(canonical, f"{module_path}.{name}")

    def _lookup(self, path: str) -> Any | None:
        obj = self.package
        for part in path.split(".")[1:]:
            obj = _member(obj, part)
            if obj is None:
                return None
        return obj

    def link_of(self, obj: Any) -> str | None:
        """Where the site renders ``obj`` (a scope: a module, class or function), or None."""
        if obj.canonical_path in self.public:
            return self.public[obj.canonical_path]
        if obj.parent is not None and obj.parent.is_class:
            return self._member_link(obj.parent, obj, obj.name)
        return None

    def _member_link(self, scope: Any, member: Any, name: str) -> str | None:
        """Where the site renders ``member``, found as ``name`` in ``scope``; None if it does not."""
        final = _final(member)
        if final.canonical_path in self.public:
            return self.public[final.canonical_path]
        scope = _final(scope)
        if scope.is_class and not _is_private(name):
            owner = self.link_of(scope)
            return f"{owner}.{name}" if owner is not None else None
        return None

    def resolve(self, owner: Any, target: str) -> str | None:
        """The path the site renders ``target`` at, seen from ``owner``'s docstring.

        None when ``target`` exists but the site does not render it (private, or outside the package).

        Raises:
            UnresolvedRole: when ``target`` names nothing.
        """
        names = target.lstrip(".").split(".")
        scope, found = self._find_head(owner, names[0])
        link: str | None = None
        if found is None and names[0] == self.package.name:
            found, link = self.package, self.package.path
        elif found is None:
            return self._outside(".".join(names), target)
        for index, name in enumerate(names):
            # An alias that does not resolve points outside the package (an imported module or
            # class): the rest of the target is looked up there, by importing it.
            if index > 0:
                try:
                    member = _member(found, name)
                except _NOT_RESOLVED:
                    return self._outside(".".join([found.target_path, *names[index:]]), target)
                if member is None:
                    raise UnresolvedRole(target)
                scope, found = found, member
            if scope is not None:
                try:
                    link = self._member_link(scope, found, name)
                except _NOT_RESOLVED:
                    return self._outside(".".join([found.target_path, *names[index + 1 :]]), target)
        return link

    def _outside(self, dotted: str, target: str) -> None:
        if _exists_outside(dotted):
            return None
        raise UnresolvedRole(target)

    def _find_head(self, owner: Any, head: str) -> tuple[Any | None, Any | None]:
        """The scope and object a target's first name is found in, from ``owner`` outwards, as Sphinx does."""
        scope = owner
        while scope is not None:
            member = _member(scope, head)
            if member is not None:
                return scope, member
            scope = scope.parent
        return None, None


def _shown(target: str) -> str:
    """What a role shows: its target as written; only the last name after ``~``."""
    shown = target.lstrip("~.!")
    return shown.rsplit(".", 1)[-1] if target.startswith("~") else shown


def _fence(block: list[str], indent: str) -> list[str]:
    code = textwrap.dedent("\n".join(block)).strip("\n")
    try:
        ast.parse(code)
        language = "python"
    except SyntaxError:
        language = "text"
    return [
        f"{indent}```{language}",
        *(f"{indent}{line}" if line else "" for line in code.split("\n")),
        f"{indent}```",
    ]


def literal_blocks_to_fences(text: str) -> str:
    """Turn each reST literal block (``...::``, a blank line, an indented block) into a fence."""
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        match = LITERAL_INTRO.match(line)
        if match is None or index + 1 >= len(lines) or lines[index + 1].strip():
            out.append(line)
            index += 1
            continue
        indent = match["indent"]
        end = index + 2
        while end < len(lines) and (
            not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > len(indent)
        ):
            end += 1
        while end > index + 2 and not lines[end - 1].strip():
            end -= 1
        block = lines[index + 2 : end]
        if not block:
            out.append(line)
            index += 1
            continue
        intro = match["text"]
        example = EXAMPLE_INTRO.match(intro)
        if example is not None:  # a Google "Example:" box, titled with what the brackets said
            title = f" {example['title'][0].upper()}{example['title'][1:]}" if example["title"] else ""
            out += [f"{indent}Example:{title}", *_fence(block, indent + "    ")]
        else:
            out += [f"{indent}{intro}:" if intro else "", "", *_fence(block, indent)]
        out.append("")
        index = end
    return "\n".join(out)


PARAMETER_SECTIONS = (
    "args",
    "arguments",
    "parameters",
    "params",
    "keyword args",
    "keyword arguments",
    "other parameters",
)
SECTION = re.compile(r"^(?P<indent> *)(?P<title>[A-Za-z][A-Za-z ]*):\s*$")
SEVERAL_NAMES = re.compile(
    r"^(?P<names>\*{0,2}\w+(?:\s*,\s*\*{0,2}\w+)+)\s*(?P<type>\([^)]*\))?:(?P<rest>.*)$"
)
EXCEPTION_ENTRY = re.compile(r"^[\w.]+(?:\s*\|\s*[\w.]+)*:(?:\s|$)")


def _sections(lines: list[str]) -> list[tuple[int, int, str, str]]:
    """The Google sections of a docstring: (start, end, title, indent of its entries)."""
    found = []
    for index, line in enumerate(lines):
        match = SECTION.match(line)
        if match is None or index + 1 >= len(lines):
            continue
        entries = lines[index + 1]
        entry_indent = entries[: len(entries) - len(entries.lstrip())]
        if len(entry_indent) <= len(match["indent"]):
            continue
        end = index + 1
        while end < len(lines) and (not lines[end].strip() or lines[end].startswith(entry_indent)):
            end += 1
        while end > index + 1 and not lines[end - 1].strip():
            end -= 1
        found.append((index, end, match["title"].strip().lower(), entry_indent))
    return found


def google_sections(text: str) -> str:
    """Make two Google-section habits griffe does not parse into ones it does.

    ``a, b: description`` in an Args section (several parameters described together) becomes
    one entry per parameter, each with the description; a Raises section that is prose ("What
    :func:`deliver` raises.") rather than ``Exception: when`` entries becomes a paragraph.
    """
    lines = text.split("\n")
    for start, end, title, indent in reversed(_sections(lines)):
        body = lines[start + 1 : end]
        if title in PARAMETER_SECTIONS:
            entries: list[list[str]] = []
            for line in body:
                if line.startswith(indent) and not line[len(indent) :].startswith(" ") and line.strip():
                    entries.append([line])
                elif entries:
                    entries[-1].append(line)
            rewritten = []
            for entry in entries:
                match = SEVERAL_NAMES.match(entry[0][len(indent) :])
                if match is None:
                    rewritten += entry
                    continue
                for name in (name.strip() for name in match["names"].split(",")):
                    rewritten += [
                        f"{indent}{name}{' ' + match['type'] if match['type'] else ''}:{match['rest']}",
                        *entry[1:],
                    ]
            lines[start + 1 : end] = rewritten
        elif title in ("raises", "exceptions") and not EXCEPTION_ENTRY.match(body[0].strip()):
            header = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
            prose = textwrap.dedent("\n".join(body)).split("\n")
            lines[start:end] = [
                f"{header}**Raises:** {prose[0]}",
                *(f"{header}{line}" if line else "" for line in prose[1:]),
            ]
    return "\n".join(lines)


def _outside_fences(text: str, convert: Any) -> str:
    """Apply ``convert`` to the prose of ``text``, leaving fenced code blocks as they are."""
    pieces = re.split(r"(^ *```.*?^ *```$)", text, flags=re.MULTILINE | re.DOTALL)
    return "".join(piece if index % 2 else convert(piece) for index, piece in enumerate(pieces))


class SphinxRoles(griffe.Extension):
    """Rewrites every docstring of the loaded package: roles to cross-references, literal blocks to fences.

    Args:
        public_modules: the modules whose ``__all__`` is the public API, most specific first
            (mkdocs.yml lists them); roles naming anything else of the package are not linked.
    """

    def __init__(self, public_modules: list[str]) -> None:
        super().__init__()
        self.public_modules = list(public_modules)
        self._packages: set[str] = set()
        self._docstrings: set[int] = set()

    def on_package(self, *, pkg: Any, **kwargs: Any) -> None:
        """griffe >= 1.14: the package is loaded, exports and wildcards expanded, nothing rendered yet."""
        if pkg.path in self._packages or not any(
            module == pkg.path or module.startswith(pkg.path + ".") for module in self.public_modules
        ):
            return
        self._packages.add(pkg.path)
        self._rewrite(pkg, Roles(pkg, [m for m in self.public_modules if m.split(".")[0] == pkg.path]))

    # griffe < 1.14 (mkdocstrings-python 2.0.0 allows 1.13) calls the same moment this
    on_package_loaded = on_package

    def _rewrite(self, obj: Any, roles: Roles) -> None:
        docstring = obj.docstring
        if docstring is not None and id(docstring) not in self._docstrings:
            self._docstrings.add(id(docstring))
            original = docstring.value
            text = google_sections(literal_blocks_to_fences(original))
            docstring.value = _outside_fences(text, lambda prose: self._roles(prose, obj, original, roles))
        for member in obj.members.values():
            if not member.is_alias:
                self._rewrite(member, roles)

    def _roles(self, prose: str, obj: Any, original: str, roles: Roles) -> str:
        def replace(match: re.Match[str]) -> str:
            target = match["target"].strip().removesuffix("()")
            try:
                path = roles.resolve(obj, target.lstrip("~!"))
            except UnresolvedRole:
                self._unresolved(obj, original, match.group(0))
                return f"`{_shown(target)}`"
            return f"[`{_shown(target)}`][{path}]" if path is not None else f"`{_shown(target)}`"

        return ROLE.sub(replace, prose)

    @staticmethod
    def _unresolved(obj: Any, original: str, role: str) -> None:
        line = next((index for index, text in enumerate(original.split("\n")) if role in text), 0)
        module = obj
        while not module.is_module:
            module = module.parent
        logger.warning(
            "%s:%s: %s in the docstring of %s names nothing (looked up from there: its class, "
            "module and packages, then as an importable name); fix the name",
            module.relative_filepath,
            (obj.docstring.lineno or 1) + line,
            role,
            obj.path,
        )
