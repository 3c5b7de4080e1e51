"""Behaviours that need the emulator's request log or faults: lost answers, Ctrl-C, no requests.

The command runs in-process here (``las.cli.main``, the function behind the console script)
against a pytest-owned emulator whose faults the test sets and whose requests it reads.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from las.cli import main
from las.demo import sample_pdf
from las.testing import Emulator


def las(emulator: Emulator, *args: str) -> int:
    return main(["--endpoint", emulator.url, "--client-secret", emulator.client_secret, *args])


def test_a_dropped_create_is_ambiguous_not_failed_and_not_resent(
    las_emulator: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.pdf").write_bytes(sample_pdf(name, "1.00", "2026-01-01"))
    assert las(las_emulator, "--json", "datasets", "create") == 0
    dataset_id = json.loads(capsys.readouterr().out)["datasetId"]
    las_emulator.clear_requests()
    las_emulator.drop_next(1, method="POST", path="/documents")

    code = las(
        las_emulator,
        "--json",
        "datasets",
        "create-documents",
        dataset_id,
        str(tmp_path),
        "--max-workers",
        "1",
    )

    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert (report["created"], report["failed"], report["ambiguous"]) == (2, 0, 1)
    (lost,) = [item for item in report["items"] if item["status"] == "ambiguous"]
    assert "may exist" in lost["error"] and f"las datasets reconcile {report['journal']}" in lost["error"]
    posts = [each for each in las_emulator.requests if each.method == "POST" and each.path == "/documents"]
    assert len(posts) == 3  # one per file: the lost one was not sent again


def test_the_human_report_counts_the_ambiguous_items(
    las_emulator: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.pdf").write_bytes(sample_pdf("a", "1.00", "2026-01-01"))
    assert las(las_emulator, "--field", "datasetId", "datasets", "create") == 0
    dataset_id = capsys.readouterr().out.strip()
    las_emulator.drop_next(1, method="POST", path="/documents")
    assert las(las_emulator, "datasets", "create-documents", dataset_id, str(tmp_path)) == 1
    out = capsys.readouterr().out
    assert "ambiguous" in out.splitlines()[1]
    assert out.splitlines()[-2] == "1 item: 0 created, 1 ambiguous, 0 failed"
    assert out.splitlines()[-1].startswith("The ambiguous items were sent")


def test_ctrl_c_stops_starting_uploads_and_exits_130(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = tmp_path / "interrupt.py"
    script.write_text(
        "import os, signal, sys, threading\n"
        "from pathlib import Path\n"
        "from las.cli import main\n"
        "from las.demo import sample_pdf\n"
        "from las.testing import Emulator\n"
        "folder = Path(sys.argv[1])\n"
        "for number in range(20):\n"
        "    (folder / f'{number}.pdf').write_bytes(sample_pdf(str(number), '1.00', '2026-01-01'))\n"
        "with Emulator() as emulator:\n"
        "    import las\n"
        "    client = emulator.client()\n"
        "    dataset_id = client.create_dataset()['datasetId']\n"
        "    emulator.delay_next(100, seconds=0.4, method='POST', path='/documents')\n"
        "    threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT)).start()\n"
        "    code = main(['--endpoint', emulator.url, '--client-secret', emulator.client_secret,\n"
        "                 'datasets', 'create-documents', dataset_id, str(folder), '--max-workers', '2'])\n"
        "    posts = [r for r in emulator.requests if r.method == 'POST' and r.path == '/documents']\n"
        "    print('exit', code, 'posts', len(posts))\n"
    )
    folder = tmp_path / "docs"
    folder.mkdir()
    done = subprocess.run(
        [sys.executable, str(script), str(folder)], capture_output=True, text=True, timeout=60, check=False
    )
    words = done.stdout.split()
    assert words[:2] == ["exit", "130"], done.stdout + done.stderr
    assert int(words[3]) < 20  # the uploads not started at Ctrl-C were dropped
    assert "interrupted" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "hostile", ["", ".", "..", "/", "%2F", "las:document:%2F..", "las:model:" + "0" * 32]
)
def test_a_bad_id_is_refused_before_any_request_even_for_a_token(
    hostile: str, las_emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    las_emulator.clear_requests()
    tokens_before = las_emulator.token_requests
    assert las(las_emulator, "documents", "get", hostile) == 2
    assert "expected a document id" in capsys.readouterr().err
    assert las_emulator.requests == [] and las_emulator.token_requests == tokens_before


def test_help_needs_no_credentials_and_sends_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["datasets", "create-documents", "--help"]) == 0
    assert "a directory" in capsys.readouterr().out


def test_waiting_for_many_executions_gets_each_one_once_it_ended(
    las_emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    import threading
    import time

    import las as sdk

    client = las_emulator.client()
    review = client.create_transition("manual")["transitionId"]
    spec = {
        "language": "ASL",
        "version": "1.0.0",
        "definition": {"StartAt": "R", "States": {"R": {"Type": "Task", "Resource": review, "End": True}}},
    }
    workflow_id = client.create_workflow(spec)["workflowId"]
    for number in range(8):
        client.execute_workflow(workflow_id, {"n": number})
    listing = f"/workflows/{workflow_id}/executions"
    las_emulator.clear_requests()
    codes: list[int] = []
    waiter = threading.Thread(
        target=lambda: codes.append(
            las(las_emulator, "--json", "executions", "wait", workflow_id, "--interval", "0.05")
        )
    )
    waiter.start()
    deadline = time.monotonic() + 30
    while sum(1 for r in las_emulator.requests if r.path == listing) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)  # let the wait poll a few rounds with everything still running
    for task in sdk.paginate(client.list_transition_executions, review, status="running"):
        client.update_transition_execution(review, task["executionId"], "succeeded", output={})
    waiter.join(30)

    assert codes == [0]
    executions = json.loads(capsys.readouterr().out)["executions"]
    assert len(executions) == 8 and {each["status"] for each in executions} == {"succeeded"}
    gets = [r.path for r in las_emulator.requests if r.method == "GET" and r.path.startswith(listing + "/")]
    assert sorted(gets) == sorted(f"{listing}/{each['executionId']}" for each in executions)  # once each


def test_an_upload_to_an_endpoint_that_cannot_be_reached_stops_before_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as probe:  # a loopback port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "a.pdf").write_bytes(sample_pdf("a", "1.00", "2026-01-01"))
    dataset_id = "las:dataset:" + "0" * 32
    target = ["--endpoint", f"http://127.0.0.1:{port}", "--client-secret", "s"]
    code = main([*target, "--json", "datasets", "create-documents", dataset_id, str(tmp_path)])
    printed = capsys.readouterr()
    assert (
        code == 1 and printed.out == "" and f"error: cannot connect to http://127.0.0.1:{port}" in printed.err
    )
    assert not (Path.home() / ".lucidtech" / "uploads").exists()  # no journal for a run that never started
