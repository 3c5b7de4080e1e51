"""Uploads have one home, las.bulk: the resources do not import it (no cycle between the two
packages), its loops exist once each, and the steps of one item are written once."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

LAS = Path(__file__).resolve().parents[2] / "las"


def imports(path: Path) -> Iterator[tuple[str, bool]]:
    """(module imported, whether at import time) for every import in ``path``: an import inside a
    function, or under ``if TYPE_CHECKING:``, does not run when the module is imported."""
    package = ".".join(path.relative_to(LAS.parent).parts[:-1])  # what a relative import starts from

    def walk(nodes: list[ast.stmt] | list[ast.AST], at_import: bool) -> Iterator[tuple[str, bool]]:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                negated = ast.unparse(node.test).startswith("not ")
                yield from walk(node.body, at_import and negated)
                yield from walk(node.orelse, at_import and not negated)
                continue
            if isinstance(node, ast.Import):
                yield from ((alias.name, at_import) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = package.split(".")
                base = base[: len(base) - node.level + 1] if node.level else []
                module = ".".join([*base, node.module] if node.module else base)
                yield module, at_import
                yield from ((f"{module}.{alias.name}", at_import) for alias in node.names)
            inside = at_import and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            yield from walk(list(ast.iter_child_nodes(node)), inside)

    yield from walk(ast.parse(path.read_text()).body, True)


def test_no_module_of_las_resources_imports_las_bulk_at_import_time() -> None:
    at_import = {
        str(path.relative_to(LAS))
        for path in sorted((LAS / "resources").rglob("*.py"))
        for module, now in imports(path)
        if now and (module == "las.bulk" or module.startswith("las.bulk."))
    }
    assert at_import == set()


def test_only_the_upload_verbs_and_the_old_names_reach_for_las_bulk_when_called() -> None:
    # The Uploads verbs delegate at call time, and the deprecated names resolve to las.bulk's;
    # nothing else in the resources knows that las.bulk exists (types aside).
    reaching = {
        str(path.relative_to(LAS))
        for path in sorted((LAS / "resources").rglob("*.py"))
        for module, now in imports(path)
        if module.startswith("las.bulk") and not now
    }
    assert reaching <= {"resources/documents.py", "resources/__init__.py"}
    assert not (LAS / "resources" / "uploads.py").exists()


def test_importing_las_or_its_resources_does_not_import_las_bulk() -> None:
    code = (
        "import sys\n"
        "import las, las.resources\n"
        "las.Dataset, las.resources.DatasetDocuments.upload\n"
        "assert 'las.bulk' not in sys.modules, sorted(m for m in sys.modules if m.startswith('las.bulk'))\n"
        "import las.bulk\n"  # and las.bulk imports the resources, not the other way round
        "assert 'las.resources' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_thread_loop_and_the_task_loop_exist_once_each() -> None:
    # What happens to an item is written once (async source and its generated twin); only the
    # loops that run items differ, and las/bulk/_window.py holds both.
    places: Counter[str] = Counter()
    for folder in ("bulk", "resources"):
        for path in sorted((LAS / folder).rglob("*.py")):
            text = path.read_text()
            for marker in ("ThreadPoolExecutor(", "asyncio.create_task(", "asyncio.wait("):
                if marker in text:
                    places[f"{path.relative_to(LAS)}: {marker}"] += 1
    assert set(places) == {
        "bulk/_window.py: ThreadPoolExecutor(",
        "bulk/_window.py: asyncio.create_task(",
        "bulk/_window.py: asyncio.wait(",
    }


def test_every_class_of_las_bulk_has_a_name_of_its_own() -> None:
    names = Counter(
        node.name
        for path in sorted((LAS / "bulk").rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ClassDef)
    )
    assert [name for name, count in names.items() if count > 1] == []
    assert "_Run" not in names  # a name that says what it runs: _IngestRun, _PredictionRun


def test_one_tally_counts_every_bulk_run() -> None:
    # dataset.upload had its own _Tally and progress bar beside las.bulk's Tally and printer.
    tallies = [
        f"{path.relative_to(LAS)}: {node.name}"
        for folder in ("bulk", "resources")
        for path in sorted((LAS / folder).rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ClassDef) and ("Tally" in node.name or "ProgressBar" in node.name)
    ]
    assert tallies == ["bulk/_progress.py: Tally"]
