"""Benchmarks of the async variant (las.AsyncClient on aiohttp) against bare aiohttp and threads.

Usage::

    .venv/bin/python benchmarks/async_run.py [--quick]

Measured side by side in one run, interleaved in rounds with a rotating order; a figure is the
median over rounds. Targets are printed beside each figure, never asserted (issue 11):

1. CPU of one sequential ``await AsyncClient.get_document`` against a bare aiohttp loop doing
   the same HTTP work (GET + read + ``json.loads``), on the emulator in a child process
   (client-process CPU time per call): target <= 1.3x; ``await las.Document.get_async`` (a
   typed object), when the resource layer has it: target <= 1.6x.
2. Throughput against a server that answers after 5 ms and does no work
   (``_canned_server.py``): the SDK at 128 concurrent tasks against bare aiohttp at 128
   (>= 0.8x) and against 32 threads sharing one sync ``las.Session`` (>= 3x); the drop from 32
   to 128 tasks (<= 15%); and the connections the server accepted during a run (== the
   concurrency: one per task, reused).
3. Uploads against the same 5 ms server: ``await dataset.upload_async(max_concurrency=64)``
   against the threaded ``dataset.upload(max_workers=32)`` (documents/s, no target: the
   figure says what moving an upload to the event loop buys).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import aiohttp  # noqa: E402
from _canned_server import CannedServer  # noqa: E402
from _server import ServerProcess  # noqa: E402

import las  # noqa: E402

DOCUMENT = {
    "documentId": "las:document:" + "a" * 32,
    "contentType": "application/pdf",
    "datasetId": "las:dataset:" + "b" * 32,
    "retentionInDays": 1825,
    "createdTime": "2026-01-01T00:00:00Z",
    "createdBy": "las:app-client:" + "c" * 32,
    "updatedTime": None,
    "updatedBy": None,
}
HEADERS = {"Accept": "application/json", "User-Agent": "las-python"}


def row(label: str, figure: str, target: str = "", verdict: str = "") -> None:
    print(f"  {label:<58} {figure:>24}  {target:<10} {verdict}", flush=True)


def check(ratio: float, limit: float, *, at_least: bool = False) -> str:
    return "met" if (ratio >= limit if at_least else ratio <= limit) else "NOT MET"


def credentials(url: str, client_id: str, secret: str, cache: Path) -> las.Credentials:
    return las.Credentials(client_id, secret, url, url, cache_path=cache)


def bare_http(token: str, connections: int) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=connections, limit_per_host=0),
        headers={**HEADERS, "Authorization": f"Bearer {token}"},
    )


async def bare_get(http: aiohttp.ClientSession, url: str) -> Any:
    async with http.get(url) as response:
        content = await response.read()
        if response.status >= 400:
            raise RuntimeError(content[:200])
        return json.loads(content)


# -- 1. CPU of one sequential call ------------------------------------------------------------


async def cpu_per_call(call: Callable[[], Awaitable[Any]], count: int) -> tuple[float, float]:
    """Client-process CPU seconds and wall seconds per call, for ``count`` sequential calls."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(count):
        await call()
    return (time.process_time() - cpu) / count, (time.perf_counter() - wall) / count


async def bench_cpu(server: ServerProcess, cache_dir: Path, rounds: int, calls: int) -> None:
    document_id = server.seed_documents(1)[0]
    creds = credentials(server.url, server.client_id, server.client_secret, cache_dir / "cpu.json")
    async with las.AsyncClient(creds) as client, bare_http(creds.access_token(), 4) as http:
        url = f"{server.url}/documents/{document_id}"
        variants: dict[str, Callable[[], Awaitable[Any]]] = {
            "bare": lambda: bare_get(http, url),
            "client": lambda: client.get_document(document_id),
        }
        get_async = getattr(las.Document, "get_async", None)  # the resource layer's async twin
        if get_async is not None:
            variants["resource"] = lambda: get_async(document_id, session=client)
        for call in variants.values():  # warm up: connections, token
            await cpu_per_call(call, 20)
        figures: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
        names = list(variants)
        for index in range(rounds):
            shift = index % len(names)
            for name in names[shift:] + names[:shift]:
                figures[name].append(await cpu_per_call(variants[name], calls))
    cpu = {name: statistics.median(f[0] for f in values) for name, values in figures.items()}
    wall = {name: statistics.median(f[1] for f in values) for name, values in figures.items()}
    print(
        f"\n1. one sequential GET /documents/{{id}}, emulator in a child process ({rounds} rounds x {calls})"
    )
    row(
        "bare aiohttp: GET + read + json.loads",
        f"{cpu['bare'] * 1e6:5.0f} us CPU {wall['bare'] * 1e6:5.0f} us wall",
    )
    ratio = cpu["client"] / cpu["bare"]
    row(
        "await AsyncClient.get_document / bare (CPU)",
        f"{cpu['client'] * 1e6:5.0f} us CPU  {ratio:4.2f}x",
        "<= 1.3x",
        check(ratio, 1.3),
    )
    row("await AsyncClient.get_document / bare (wall)", f"{wall['client'] / wall['bare']:4.2f}x")
    if "resource" in cpu:
        ratio = cpu["resource"] / cpu["bare"]
        row(
            "await las.Document.get_async / bare (CPU)",
            f"{cpu['resource'] * 1e6:5.0f} us CPU  {ratio:4.2f}x",
            "<= 1.6x",
            check(ratio, 1.6),
        )


# -- 2. throughput against a server that waits 5 ms --------------------------------------------


async def sdk_run(canned: CannedServer, cache: Path, tasks: int, total: int) -> tuple[float, int]:
    """Requests/s of ``tasks`` tasks sharing one AsyncClient, and the connections they opened."""
    creds = credentials(canned.url, "canned", "canned", cache)
    await asyncio.to_thread(creds.access_token)  # the token's own connection is not the pool's
    async with las.AsyncClient(creds, max_connections=tasks) as client:
        return await _drive(canned, tasks, total, lambda: client.get_document(str(DOCUMENT["documentId"])))


async def bare_run(canned: CannedServer, tasks: int, total: int) -> tuple[float, int]:
    url = f"{canned.url}/documents/{DOCUMENT['documentId']}"
    async with bare_http("canned", tasks) as http:
        return await _drive(canned, tasks, total, lambda: bare_get(http, url))


async def _drive(
    canned: CannedServer, tasks: int, total: int, call: Callable[[], Awaitable[Any]]
) -> tuple[float, int]:
    per_task = total // tasks
    before = await asyncio.to_thread(canned.connections)

    async def work() -> None:
        for _ in range(per_task):
            await call()

    started = time.perf_counter()
    await asyncio.gather(*(work() for _ in range(tasks)))
    elapsed = time.perf_counter() - started
    opened = await asyncio.to_thread(canned.connections) - before
    return per_task * tasks / elapsed, opened


def threads_run(canned: CannedServer, cache: Path, threads: int, total: int) -> float:
    """Requests/s of ``threads`` threads sharing one sync Session (requests)."""
    creds = credentials(canned.url, "canned", "canned", cache)
    with las.Session(creds, pool_maxsize=threads) as session:
        client = las.Client(session=session)
        creds.access_token()
        per_thread = total // threads
        barrier = threading.Barrier(threads + 1)

        def work() -> None:
            barrier.wait()
            for _ in range(per_thread):
                client.get_document(str(DOCUMENT["documentId"]))

        workers = [threading.Thread(target=work) for _ in range(threads)]
        for worker in workers:
            worker.start()
        barrier.wait()
        started = time.perf_counter()
        for worker in workers:
            worker.join()
        return per_thread * threads / (time.perf_counter() - started)


def bench_throughput(
    cache_dir: Path, rounds: int, total: int, thread_total: int, delay: float = 0.005
) -> None:
    runs = 0

    def cache() -> Path:
        nonlocal runs
        runs += 1
        return cache_dir / f"throughput{runs}.json"

    with CannedServer(DOCUMENT, delay=delay) as canned:
        variants: dict[str, Callable[[], tuple[float, int]]] = {
            "sdk128": lambda: asyncio.run(sdk_run(canned, cache(), 128, total)),
            "sdk32": lambda: asyncio.run(sdk_run(canned, cache(), 32, total)),
            "bare128": lambda: asyncio.run(bare_run(canned, 128, total)),
            "threads32": lambda: (threads_run(canned, cache(), 32, thread_total), 0),
        }
        asyncio.run(sdk_run(canned, cache(), 32, 320))  # warm up
        figures: dict[str, list[tuple[float, int]]] = {name: [] for name in variants}
        names = list(variants)
        for index in range(rounds):
            shift = index % len(names)
            for name in names[shift:] + names[:shift]:
                figures[name].append(variants[name]())
    rate = {name: statistics.median(f[0] for f in values) for name, values in figures.items()}
    opened = {name: sorted({f[1] for f in values}) for name, values in figures.items()}
    print(f"\n2. get_document against a server answering after {delay * 1000:.0f} ms ({rounds} rounds)")
    row("bare aiohttp, 128 tasks", f"{rate['bare128']:6.0f} req/s")
    row("threads + requests (las.Client), 32 threads", f"{rate['threads32']:6.0f} req/s")
    row("AsyncClient, 32 tasks", f"{rate['sdk32']:6.0f} req/s")
    row("AsyncClient, 128 tasks", f"{rate['sdk128']:6.0f} req/s")
    ratio = rate["sdk128"] / rate["bare128"]
    row("AsyncClient 128 / bare aiohttp 128", f"{ratio:4.2f}x", ">= 0.8x", check(ratio, 0.8, at_least=True))
    ratio = rate["sdk128"] / rate["threads32"]
    row(
        "AsyncClient 128 / threads + requests 32", f"{ratio:4.2f}x", ">= 3x", check(ratio, 3.0, at_least=True)
    )
    drop = 1 - rate["sdk128"] / rate["sdk32"]
    row("drop from 32 to 128 tasks", f"{drop * 100:5.1f} %", "<= 15%", check(drop, 0.15))
    row(
        "connections opened per run (32 tasks, 128 tasks)",
        f"{opened['sdk32']} {opened['sdk128']}",
        "== tasks",
        "met" if opened["sdk32"] == [32] and opened["sdk128"] == [128] else "NOT MET",
    )
    row("connections opened per run, bare aiohttp 128", f"{opened['bare128']}")


# -- 3. uploads against the same server -------------------------------------------------------------

DATASET_ID = str(DOCUMENT["datasetId"])  # the canned body has a datasetId: it reads as a Dataset too


async def upload_async_run(canned: CannedServer, cache: Path, tasks: int, total: int) -> float:
    """Documents/s of ``await dataset.upload_async(max_concurrency=tasks)``."""
    creds = credentials(canned.url, "canned", "canned", cache)
    await asyncio.to_thread(creds.access_token)
    async with las.AsyncSession(creds, max_connections=tasks) as session:
        dataset = await las.Dataset.get_async(DATASET_ID, session=session)
        items = [b"%PDF-1.4 scan " + str(number).encode() for number in range(total)]
        started = time.perf_counter()
        result = await dataset.upload_async(items, max_concurrency=tasks)
        elapsed = time.perf_counter() - started
    assert result.ok, result.failed[:1]
    return total / elapsed


def upload_threads_run(canned: CannedServer, cache: Path, threads: int, total: int) -> float:
    """Documents/s of ``dataset.upload(max_workers=threads)``."""
    creds = credentials(canned.url, "canned", "canned", cache)
    with las.Session(creds, pool_maxsize=threads) as session:
        dataset = las.Dataset.get(DATASET_ID, session=session)
        items = [b"%PDF-1.4 scan " + str(number).encode() for number in range(total)]
        started = time.perf_counter()
        result = dataset.upload(items, max_workers=threads)
        elapsed = time.perf_counter() - started
    assert result.ok, result.failed[:1]
    return total / elapsed


def bench_upload(cache_dir: Path, rounds: int, total: int, thread_total: int, delay: float = 0.005) -> None:
    runs = 0

    def cache() -> Path:
        nonlocal runs
        runs += 1
        return cache_dir / f"upload{runs}.json"

    with CannedServer(DOCUMENT, delay=delay) as canned:
        variants: dict[str, Callable[[], float]] = {
            "async64": lambda: asyncio.run(upload_async_run(canned, cache(), 64, total)),
            "threads32": lambda: upload_threads_run(canned, cache(), 32, thread_total),
        }
        asyncio.run(upload_async_run(canned, cache(), 64, 256))  # warm up
        figures: dict[str, list[float]] = {name: [] for name in variants}
        names = list(variants)
        for index in range(rounds):
            shift = index % len(names)
            for name in names[shift:] + names[:shift]:
                figures[name].append(variants[name]())
    rate = {name: statistics.median(values) for name, values in figures.items()}
    print(f"\n3. uploads against a server answering after {delay * 1000:.0f} ms ({rounds} rounds)")
    row("dataset.upload(max_workers=32), threads + requests", f"{rate['threads32']:6.0f} docs/s")
    row("await dataset.upload_async(max_concurrency=64)", f"{rate['async64']:6.0f} docs/s")
    row("upload_async 64 / upload 32 threads", f"{rate['async64'] / rate['threads32']:4.2f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small counts: a smoke test")
    quick = parser.parse_args(argv).quick
    started = time.perf_counter()
    print(
        f"las async benchmarks ({'quick' if quick else 'full'}): Python {sys.version.split()[0]}, "
        f"aiohttp {aiohttp.__version__}, {os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory(prefix="las-async-bench-") as directory:
        cache_dir = Path(directory)
        with ServerProcess() as server:
            asyncio.run(bench_cpu(server, cache_dir, rounds=2 if quick else 9, calls=20 if quick else 300))
        bench_throughput(
            cache_dir,
            rounds=1 if quick else 3,
            total=256 if quick else 12_800,
            thread_total=64 if quick else 3200,
        )
        bench_upload(
            cache_dir,
            rounds=1 if quick else 3,
            total=256 if quick else 6400,
            thread_total=64 if quick else 3200,
        )
    print(f"\n({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
