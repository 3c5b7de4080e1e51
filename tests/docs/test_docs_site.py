"""The documentation site's promises that need no docs tooling: every public name has a reference
page, CI builds the site strictly, and the README's links work wherever it is shown."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "reference"


def _public_modules() -> list[str]:
    """The modules mkdocs.yml gives the roles extension as the public API."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    python = next(p["mkdocstrings"] for p in config["plugins"] if isinstance(p, dict) and "mkdocstrings" in p)
    for extension in python["handlers"]["python"]["options"]["extensions"]:
        if isinstance(extension, dict) and "docs/_griffe_roles.py:SphinxRoles" in extension:
            modules: list[str] = extension["docs/_griffe_roles.py:SphinxRoles"]["public_modules"]
            return modules
    raise AssertionError("mkdocs.yml does not load docs/_griffe_roles.py:SphinxRoles with public_modules")


def _directives() -> list[tuple[str, str]]:
    """Each ``::: path`` of the reference pages, with the indented options under it."""
    found = []
    for page in sorted(REFERENCE.rglob("*.md")):
        for match in re.finditer(r"^::: (\S+)\n((?:[ \t]+\S.*\n)*)", page.read_text(), re.MULTILINE):
            found.append((match.group(1), match.group(2)))
    return found


def _object(path: str) -> Any:
    module, _, name = path.rpartition(".")
    try:
        return importlib.import_module(path)
    except ModuleNotFoundError:
        return getattr(importlib.import_module(module), name)


def test_every_public_name_is_rendered_on_a_reference_page() -> None:
    rendered: list[Any] = []
    for path, options in _directives():
        obj = _object(path)
        rendered.append(obj)
        if hasattr(obj, "__all__") and not re.search(r"^\s+members:", options, re.MULTILINE):
            rendered += [getattr(obj, name) for name in obj.__all__]  # a module page renders its exports
        for listed in re.findall(r"^\s+members: \[(.*)\]", options, re.MULTILINE):
            rendered += [getattr(obj, name.strip()) for name in listed.split(",")]
    missing = [
        f"{module}.{name}"
        for module in _public_modules()
        for name in importlib.import_module(module).__all__
        if not name.startswith("__")
        and not any(getattr(importlib.import_module(module), name) is obj for obj in rendered)
    ]
    assert missing == [], f"no page of docs/reference renders {missing}: add a '::: path' for each"


def test_ci_builds_the_site_strictly_from_the_docs_extra() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert ".ci/extra_requirements.py docs" in ci  # the docs extra's tools (tests/packaging/test_ci_jobs.py)
    assert re.search(r"^[^#\n]*mkdocs build --strict", ci, re.MULTILINE), (
        "CI does not run mkdocs build --strict"
    )
    assert "tests/docs" in ci  # the extension's tests, which skip where griffe is not installed
    assert "build_reference" not in ci  # the hand-built reference is gone: the site replaces it


# A link target in Markdown: [text](target), ![alt](target), [label]: target, href/src="target"
# (an autolink, <scheme:...>, is absolute by definition)
LINK_TARGETS = (
    r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)",
    r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)",
    r"""(?:href|src)\s*=\s*["']([^"']+)""",
)


def _links(markdown: str) -> list[str]:
    prose = re.sub(r"^(```|~~~).*?^\1", "", markdown, flags=re.MULTILINE | re.DOTALL)  # code blocks
    prose = re.sub(r"(`+).*?\1", "", prose, flags=re.DOTALL)  # code spans
    return [target for pattern in LINK_TARGETS for target in re.findall(pattern, prose, re.MULTILINE)]


def test_the_readme_links_only_to_absolute_urls() -> None:
    """README.md is PyPI's project page too, where docs/guide.md or #async lead nowhere."""
    links = _links((ROOT / "README.md").read_text())
    relative = [link for link in links if not re.match(r"(https?|mailto):", link)]
    assert relative == [], (
        f"README.md links {relative}: link an absolute URL that exists, or name the file in text"
    )


def test_the_link_check_sees_every_kind_of_relative_link() -> None:
    sample = """[guide](docs/guide.md) ![logo](logo.png) [up](#async) <https://pypi.org>
[ref]: CHANGELOG.md
<a href="CONTRIBUTING.md">x</a> [ok](https://semver.org) `[not](a-link.md)`

```python
x = d["k"](1)  # [not](a-link.md)
```
"""
    assert _links(sample) == [
        "docs/guide.md",
        "logo.png",
        "#async",
        "https://semver.org",
        "CHANGELOG.md",
        "CONTRIBUTING.md",
    ]
