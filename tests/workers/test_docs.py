"""Every example of docs/workers.md runs: standalone ones as scripts, the handler as a
container the platform starts, the worker as a service stopped with SIGTERM."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import las
from las.testing import Emulator
from tests.workers.conftest import (
    Platform,
    docker_transition,
    environment_for,
    manual_transition,
    single_step_workflow,
    wait_until,
)

PAGE = Path(__file__).resolve().parents[2] / "docs" / "workers.md"


def _examples() -> dict[str, str]:
    blocks = re.findall(r"```python\n# docs/workers\.md: (\S+)\n(.*?)```", PAGE.read_text(), flags=re.DOTALL)
    return dict(blocks)


def _script(tmp_path: Path, name: str) -> Path:
    script = tmp_path / name
    script.write_text(_examples()[name])
    return script


def test_every_example_of_the_page_is_run_here() -> None:
    assert set(_examples()) == {"handler.py", "try_handler.py", "worker.py", "drain.py", "async_drain.py"}
    assert PAGE.read_text().count("```python") == 5  # none without a name, so none unrun


@pytest.mark.parametrize(
    ("name", "printed"),
    [("try_handler.py", "succeeded {'total': 6}\n"), ("drain.py", "5 5\n"), ("async_drain.py", "20 20\n")],
)
def test_a_standalone_example_runs(las_emulator: Emulator, tmp_path: Path, name: str, printed: str) -> None:
    done = subprocess.run(
        [sys.executable, str(_script(tmp_path, name))],
        env=environment_for(las_emulator, tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == printed


@pytest.mark.parametrize(
    ("content_type", "status"), [("application/pdf", "succeeded"), ("image/jpeg", "rejected")]
)
def test_the_handler_example_runs_as_a_container(
    las_client: las.Client, las_emulator: Emulator, tmp_path: Path, content_type: str, status: str
) -> None:
    [document_id] = las_emulator.seed_documents(1, content_type=content_type)
    transition_id = docker_transition(las_client)
    workflow_id = single_step_workflow(las_client, transition_id)
    platform = Platform(las_emulator, las_client, transition_id)
    finished = platform.serve_script(_script(tmp_path, "handler.py"), tmp_path)
    execution = las_client.execute_workflow(workflow_id, {"documentId": document_id})
    assert [container.returncode for container in finished] == [0]
    assert execution["status"] == status
    if status == "succeeded":
        assert execution["output"] == {"documentId": document_id, "checked": True}


def test_the_worker_example_serves_until_sigterm(
    las_client: las.Client, las_emulator: Emulator, tmp_path: Path
) -> None:
    transition_id = manual_transition(las_client)
    workflow_id = single_step_workflow(las_client, transition_id)
    for total in (5, 20_000, 7):
        las_client.execute_workflow(workflow_id, {"total": total})
    process = subprocess.Popen(
        [sys.executable, str(_script(tmp_path, "worker.py")), transition_id],
        env=environment_for(las_emulator, tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(
            lambda: not las_client.list_transition_executions(transition_id, status="running")["executions"],
            what="the worker to complete every execution",
        )
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert out.startswith("WorkerCounters(taken=3, succeeded=2, failed=0, rejected=1,")
    statuses = sorted(
        execution["status"] for execution in las_client.list_workflow_executions(workflow_id)["executions"]
    )
    assert statuses == ["rejected", "succeeded", "succeeded"]
