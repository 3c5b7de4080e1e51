"""docs/_griffe_roles.py, the griffe extension the documentation site loads: Sphinx roles become
cross-references to the pages' paths, a role that names nothing is a warning mkdocs' strict build
fails on, and reST literal blocks become fenced code.

Needs the docs extra (griffe); .ci/run runs these after installing it, before `mkdocs build --strict`.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

griffe = pytest.importorskip("griffe", reason="the docs extra is not installed: pip install -e '.[docs]'")

EXTENSION = Path(__file__).resolve().parents[2] / "docs" / "_griffe_roles.py"

TOY = {
    "__init__.py": '''
"""Toy. See :class:`Thing`, :func:`toy.helpers.make` and :mod:`toy._private`."""
from toy._impl import Thing
from toy.helpers import make

__all__ = ["Thing", "make"]
''',
    "_private.py": '"""Not rendered."""\n',
    "_impl.py": '''
import io


class Base:
    def shared(self) -> None:
        """Inherited."""


class Thing(Base):
    """A thing. :meth:`run` runs it, :meth:`Thing.shared` is inherited, :attr:`~toy.Thing.size`,
    :class:`io.BytesIO`, :exc:`TimeoutError`, :meth:`_secret`.

    Example::

        thing = Thing()
        thing.run()

    The states::

        new -> running -> stopped
    """

    size: int = 0

    def run(self) -> None:
        """Run; see :meth:`stop` and :func:`make`."""

    def stop(self) -> None:
        """Stop."""

    def _secret(self) -> None:
        """Private."""
''',
    "helpers.py": '''
def make(a: int, b: int) -> None:
    """Make.

    Args:
        a, b: the two halves,
            each an int.

    Raises:
        What :meth:`toy.Thing.run` raises.
    """
''',
    "bad.py": '''"""Broken.

See :class:`Nothing` and :meth:`toy.Thing.runn`.
"""
''',
}


def _extension() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_griffe_roles", EXTENSION)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def toy(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> Any:
    package = tmp_path / "toy"
    package.mkdir()
    for name, text in TOY.items():
        (package / name).write_text(text)
    extension = _extension().SphinxRoles(public_modules=["toy"])
    with caplog.at_level(logging.WARNING):
        return griffe.load("toy", search_paths=[tmp_path], extensions=griffe.load_extensions(extension))


def test_roles_become_links_to_the_public_paths_the_pages_render(toy: Any) -> None:
    assert toy.docstring.value == (
        "Toy. See [`Thing`][toy.Thing], [`toy.helpers.make`][toy.make] and `toy._private`."
    )
    thing = toy["Thing"].docstring.value
    assert "[`run`][toy.Thing.run] runs it" in thing  # relative to the class
    assert "[`Thing.shared`][toy.Thing.shared] is inherited" in thing  # an inherited member
    assert "[`size`][toy.Thing.size]" in thing  # ~ shows the last name
    assert "`io.BytesIO`, `TimeoutError`, `_secret`." in thing  # outside the package, private: code
    assert toy["Thing.run"].docstring.value == "Run; see [`stop`][toy.Thing.stop] and [`make`][toy.make]."


def test_a_role_that_names_nothing_is_a_warning_mkdocs_counts(
    toy: Any, caplog: pytest.LogCaptureFixture
) -> None:
    warnings = [record for record in caplog.get_records("setup") if record.levelno == logging.WARNING]
    assert all(record.name.startswith("mkdocs.") for record in warnings)  # --strict fails on them
    messages = sorted(record.getMessage() for record in warnings)
    assert len(messages) == 2, messages
    assert "toy/bad.py:3: :class:`Nothing` in the docstring of toy.bad names nothing" in messages[0]
    assert "toy/bad.py:3: :meth:`toy.Thing.runn` in the docstring of toy.bad names nothing" in messages[1]
    assert toy["bad"].docstring.value == "Broken.\n\nSee `Nothing` and `toy.Thing.runn`."


def test_literal_blocks_become_fenced_code_and_example_a_section(toy: Any) -> None:
    docstring = toy["Thing"].docstring
    assert "Example:\n    ```python\n    thing = Thing()\n    thing.run()\n    ```" in docstring.value
    assert "The states:\n\n```text\nnew -> running -> stopped\n```" in docstring.value
    sections = docstring.parse("google")
    assert [section.kind.value for section in sections] == ["text", "admonition", "text"]
    assert sections[1].title == "Example" and "```python" in sections[1].value.contents


def test_args_described_together_and_prose_raises_parse_without_warnings(
    toy: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        sections = toy["make"].docstring.parse("google")
    assert [record.getMessage() for record in caplog.records] == []
    parameters = next(section for section in sections if section.kind.value == "parameters")
    assert [(p.name, p.description) for p in parameters.value] == [
        ("a", "the two halves,\neach an int."),
        ("b", "the two halves,\neach an int."),
    ]
    assert sections[-1].kind.value == "text"
    assert sections[-1].value == "**Raises:** What [`toy.Thing.run`][toy.Thing.run] raises."


def test_a_public_module_the_package_lacks_is_a_warning_not_a_crash(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    package = tmp_path / "toy"
    package.mkdir()
    (package / "__init__.py").write_text('"""Toy: :class:`int`."""\n')
    extension = _extension().SphinxRoles(public_modules=["toy.gone", "toy"])
    with caplog.at_level(logging.WARNING):
        toy = griffe.load("toy", search_paths=[tmp_path], extensions=griffe.load_extensions(extension))
    assert [record.getMessage() for record in caplog.records] == [
        "mkdocs.yml: public_modules names toy.gone, which toy does not have"
    ]
    assert toy.docstring.value == "Toy: `int`."
