"""Load generators that run in their own processes: the emulator's throughput is measured with
bare ``requests`` clients spread over several processes, so that one client's GIL does not cap it.
"""

from __future__ import annotations

import json
import threading
import time
from multiprocessing.synchronize import Barrier
from typing import Any

import requests
from requests.adapters import HTTPAdapter


def bare_session(token: str, pool_maxsize: int = 32) -> requests.Session:
    """A plain requests.Session with the headers las sends (the floor for a requests client)."""
    http = requests.Session()
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_maxsize, max_retries=0)
    http.mount("http://", adapter)
    http.headers["Accept"] = "application/json"
    http.headers["User-Agent"] = "las-python"
    http.headers["Authorization"] = f"Bearer {token}"
    return http


def load_worker(
    url: str,
    token: str,
    params: dict[str, Any] | None,
    count: int,
    threads: int,
    barrier: Barrier,
    results: Any,
) -> None:
    """Send ``count`` GETs to ``url`` from ``threads`` threads; report (count, start, end)."""
    http = bare_session(token)

    def get() -> None:
        response = http.get(url, params=params, timeout=(5, 60))
        response.raise_for_status()
        json.loads(response.content)

    for _ in range(threads):  # open the connections before the clock starts
        get()
    per_thread = count // threads

    def run() -> None:
        for _ in range(per_thread):
            get()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    barrier.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    results.put((per_thread * threads, started, time.perf_counter()))
