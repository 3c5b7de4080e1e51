"""An AsyncWorker without session= uses the running loop's default, on the default session's
credentials: a fresh one in each event loop (a pool belongs to one loop)."""

from __future__ import annotations

import asyncio
from typing import Any

import las
from las.testing import Emulator
from tests.workers.conftest import manual_transition


async def _approve(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
    return {"by": type(client).__name__}


async def _run_and_close(worker: las.AsyncWorker) -> None:
    try:
        await asyncio.wait_for(worker.run(until_idle=True, handle_signals=False), timeout=30)
    finally:
        assert worker.client is not None
        await worker.client.close()  # the default's connections, before the loop ends


def test_each_run_in_a_new_event_loop_uses_that_loops_default_session(
    las_client: las.Client, las_emulator: Emulator
) -> None:
    transition_id = manual_transition(las_client)
    worker = las.AsyncWorker(transition_id, _approve, poll_interval=0.05)
    assert worker.client is None  # chosen by run(), inside the loop
    clients: list[las.AsyncClient | None] = []
    with las.using_session(las_client):
        for _ in range(2):
            las_client.execute_transition(transition_id)

            asyncio.run(_run_and_close(worker))
            clients.append(worker.client)
    assert worker.counters.succeeded == 2
    assert clients[0] is not clients[1]
    patches = [r.json for r in las_emulator.requests if r.method == "PATCH"]
    assert patches == [{"status": "succeeded", "output": {"by": "AsyncClient"}}] * 2
