"""Benchmarks of the las SDK against bare ``requests`` loops, on one emulator on loopback.

Usage::

    .venv/bin/python benchmarks/run.py [--quick] [--reference-python /path/to/python]

Every SDK figure is measured side by side with a bare ``requests.Session`` doing the same HTTP
work (same headers, same pool, JSON decoded), interleaved in rounds (A B C, B C A, ...) so that
machine noise hits every variant alike; the figure is the median of the per-round medians.
Targets are printed beside each figure, never asserted. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import base64
import gc
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import requests  # noqa: E402
from _canned_server import CannedServer, Listing  # noqa: E402
from _load import bare_session, load_worker  # noqa: E402
from _server import InProcessServer, ServerProcess  # noqa: E402

import las  # noqa: E402
from las.content import MAX_BASE64_CONTENT_LENGTH  # noqa: E402

MiB = 1024 * 1024
# Every field of the contract's document list item (content is left out of lists), and the
# attributes that hold them.
DOCUMENT_KEYS = (
    "documentId",
    "contentType",
    "createdBy",
    "createdTime",
    "updatedBy",
    "updatedTime",
    "retentionInDays",
    "consentId",
    "datasetId",
    "batchId",
    "groundTruth",
)
DOCUMENT_FIELDS = (
    "id",
    "content_type",
    "created_by",
    "created_time",
    "updated_by",
    "updated_time",
    "retention_in_days",
    "consent_id",
    "dataset_id",
    "batch_id",
    "ground_truth",
)
Server = ServerProcess | InProcessServer


# -- output -----------------------------------------------------------------------------------

ROWS: list[tuple[str, str, str, str]] = []


def row(label: str, figure: str, target: str = "", verdict: str = "") -> None:
    """Print one figure with its target; rows are repeated as a table at the end."""
    ROWS.append((label, figure, target, verdict))
    print(f"  {label:<52} {figure:>22}  {target:<18} {verdict}", flush=True)


def section(title: str) -> None:
    print(f"\n{title}", flush=True)


def check(ratio: float, limit: float, *, at_least: bool = False) -> str:
    met = ratio >= limit if at_least else ratio <= limit
    return "met" if met else "NOT MET"


# -- helpers ----------------------------------------------------------------------------------


def make_session(server: Server, cache_dir: Path, name: str = "token-cache.json") -> las.Session:
    credentials = las.Credentials(
        server.client_id, server.client_secret, server.url, server.url, cache_path=cache_dir / name
    )
    return las.Session(credentials)


def interleaved(
    variants: dict[str, Callable[[], float | list[float]]], rounds: int
) -> dict[str, list[float]]:
    """Run each variant once per round, rotating the order; returns each variant's round figures."""
    names = list(variants)
    figures: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            result = variants[name]()
            figures[name].append(statistics.median(result) if isinstance(result, list) else result)
    return figures


def timed_calls(call: Callable[[], Any], count: int) -> list[float]:
    """Per-call seconds of ``count`` calls."""
    times = []
    clock = time.perf_counter
    for _ in range(count):
        started = clock()
        call()
        times.append(clock() - started)
    return times


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def peak_growth(call: Callable[[], Any]) -> float:
    """Peak bytes allocated (tracemalloc) above the level before ``call``, in MiB."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return (peak - before) / MiB


# -- 1. latency of one GET --------------------------------------------------------------------


def bench_latency(
    server: Server, cache_dir: Path, rounds: int, calls: int, suffix: str = ""
) -> dict[str, float]:
    document_id = server.seed_documents(1)[0]
    session = make_session(server, cache_dir, f"latency{suffix}.json")
    client = las.Client(session=session)
    token = session.credentials.access_token(session.http)
    bare = bare_session(token)
    url = f"{server.url}/documents/{document_id}"

    def bare_get() -> None:
        response = bare.get(url, timeout=las.session.DEFAULT_TIMEOUT)
        if response.status_code >= 400:
            raise RuntimeError(response.text)
        json.loads(response.content)

    variants: dict[str, Callable[[], Any]] = {
        "bare": lambda: timed_calls(bare_get, calls),
        "client": lambda: timed_calls(lambda: client.get_document(document_id), calls),
        "resource": lambda: timed_calls(lambda: las.Document.get(document_id, session=session), calls),
        "raw": lambda: timed_calls(lambda: client.with_raw_response.get_document(document_id), calls),
    }
    for variant in variants.values():  # warm up: connections, caches
        variant()
    figures = {name: statistics.median(values) for name, values in interleaved(variants, rounds).items()}
    section(
        f"1. latency of one GET /documents/{{id}} (server {server.where}{suffix}; "
        f"median of {rounds} round medians of {calls} calls)"
    )
    bare_us = figures["bare"] * 1e6
    row(f"bare requests.Session GET{suffix}", f"{bare_us:8.0f} us")
    ratio = figures["client"] / figures["bare"]
    row(
        f"Client.get_document / bare{suffix}",
        f"{figures['client'] * 1e6:6.0f} us  {ratio:4.2f}x",
        "<= 1.05x",
        check(ratio, 1.05),
    )
    ratio = figures["resource"] / figures["bare"]
    row(
        f"las.Document.get / bare{suffix}",
        f"{figures['resource'] * 1e6:6.0f} us  {ratio:4.2f}x",
        "<= 1.2x",
        check(ratio, 1.2),
    )
    ratio = figures["resource"] / figures["client"]
    row(f"las.Document.get / Client.get_document{suffix}", f"{ratio:4.2f}x", "<= 1.1x", check(ratio, 1.1))
    # Resources keep each answer's ResponseInfo (obj.last_response_info) through with_raw_response.
    ratio = figures["raw"] / figures["client"]
    row(
        f"with_raw_response.get_document / get_document{suffix}",
        f"{ratio:4.2f}x",
        "<= 1.02x",
        check(ratio, 1.02),
    )
    session.close()
    bare.close()
    return figures


# -- 2. listing many documents: client CPU against a server that does no work -------------------

# A list item carrying every field of the contract's document list item (the API leaves
# ``content`` out of lists): two timestamps, ground truth of three labels, every optional id.
LISTED_DOCUMENT: dict[str, object] = {
    "documentId": "las:document:" + "0" * 32,
    "contentType": "application/pdf",
    "createdBy": "las:app-client:" + "c" * 32,
    "createdTime": "2024-03-01T12:30:00.250000Z",
    "updatedBy": "las:app-client:" + "c" * 32,
    "updatedTime": "2024-03-02T08:15:00+00:00",
    "retentionInDays": 1825,
    "consentId": "las:consent:" + "e" * 32,
    "datasetId": "las:dataset:" + "d" * 32,
    "batchId": "las:batch:" + "f" * 32,
    "groundTruth": [
        {"label": "total_amount", "value": "120.00"},
        {"label": "due_date", "value": "2024-04-01"},
        {"label": "paid", "value": True},
    ],
}


def lockstep(variants: dict[str, Callable[[], Iterator[object]]], rounds: int) -> dict[str, list[float]]:
    """Run the variants side by side, one step of each in turn (a step is a page: about a
    millisecond), rotating which goes first, and add up each one's CPU time (this process only:
    the server is another). Noise on a shared machine comes and goes over seconds, so at this
    grain it hits every variant alike. Returns each variant's CPU seconds, one figure per round."""
    clock = time.process_time
    figures: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        running = {name: iter(variant()) for name, variant in variants.items()}
        spent = dict.fromkeys(variants, 0.0)
        turn = 0
        while running:
            order = list(running)
            turn += 1
            for name in order[turn % len(order) :] + order[: turn % len(order)]:
                started = clock()
                try:
                    next(running[name])
                except StopIteration:
                    del running[name]
                spent[name] += clock() - started
        for name, seconds in spent.items():
            figures[name].append(seconds)
    return figures


@contextmanager
def small_environment() -> Iterator[int]:
    """The process environment cut to ``PATH`` and ``HOME`` (put back after): requests walks the
    whole environment twice per request for proxies, which las's Session does only when the
    variables changed, so a small environment is where that saving is least. Gives its size."""
    kept = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update({name: kept[name] for name in ("PATH", "HOME") if name in kept})
        yield len(os.environ)
    finally:
        os.environ.clear()
        os.environ.update(kept)


def bench_listing(cache_dir: Path, documents: int, rounds: int) -> None:
    """``Document.all()`` over ``documents`` listed documents against bare requests loops, in
    client CPU time, against a server that answers pre-built pages and does no other work."""
    listing = Listing("/documents", "documents", LISTED_DOCUMENT, "documentId", documents, 100)
    with CannedServer(LISTED_DOCUMENT, listing=listing) as canned:
        credentials = las.Credentials(
            "canned", "canned", canned.url, canned.url, cache_path=cache_dir / "listing.json"
        )
        session = las.Session(credentials)
        client = las.Client(session=session)
        bare = bare_session(credentials.access_token(session.http))
        url = f"{canned.url}/documents"

        def bare_page(next_token: str | None) -> tuple[list[dict[str, Any]], str | None]:
            """The floor: GET a page with requests, json.loads it, give its items and nextToken."""
            params: dict[str, Any] = {"maxResults": 100}
            if next_token:
                params["nextToken"] = next_token
            response = bare.get(url, params=params, timeout=las.session.DEFAULT_TIMEOUT)
            if response.status_code >= 400:
                raise RuntimeError(response.text)
            page = json.loads(response.content)
            return page["documents"], page.get("nextToken") or None

        # Each loop yields after a page's worth of items (the steps of lockstep), and returns
        # how many items it saw.
        def bare_loop() -> Iterator[int]:
            seen, next_token = 0, None
            while True:
                items, next_token = bare_page(next_token)
                for _ in items:
                    seen += 1
                yield seen
                if next_token is None:
                    return

        def bare_fields() -> Iterator[int]:
            """The bare loop, reading every contract field of every item from its dict."""
            seen, next_token = 0, None
            while True:
                items, next_token = bare_page(next_token)
                for item in items:
                    for key in DOCUMENT_KEYS:
                        item.get(key)
                    seen += 1
                yield seen
                if next_token is None:
                    return

        def counted(listed: Iterable[Any]) -> Iterator[int]:
            """Count the items of ``listed``, a page's worth per step."""
            items, seen = iter(listed), 0
            while True:
                before = seen
                for _ in islice(items, 100):
                    seen += 1
                yield seen
                if seen - before < 100:
                    return

        def resources() -> Iterator[int]:
            return counted(las.Document.all(page_size=100, session=session))

        def paginate() -> Iterator[int]:
            return counted(las.paginate(client.list_documents, page_size=100))

        def resource_fields() -> Iterator[int]:
            """Document.all(), reading every contract field (the typed attributes) of every item."""
            listed, seen = iter(las.Document.all(page_size=100, session=session)), 0
            while True:
                before = seen
                for document in islice(listed, 100):
                    for name in DOCUMENT_FIELDS:
                        getattr(document, name)
                    seen += 1
                yield seen
                if seen - before < 100:
                    return

        loops = {
            "bare": bare_loop,
            "resource": resources,
            "paginate": paginate,
            "bare fields": bare_fields,
            "resource fields": resource_fields,
        }

        def run(name: str) -> int:
            return max(loops[name](), default=0)

        responses: list[int] = []
        session.http.hooks["response"].append(lambda response, *args, **kwargs: responses.append(1))
        counts = {name: run(name) for name in loops}  # also warms up
        if set(counts.values()) != {documents}:
            raise RuntimeError(f"listing saw {counts}, expected {documents} each")
        responses.clear()
        run("resource fields")
        requests_reading_fields = len(responses)  # pages only: reading a field never costs a request
        # Two groups, each run side by side with its own floor: the garbage collector's counts
        # are the process's, so a loop that builds many objects would make a loop beside it pay
        # for collections it did not cause.
        figures = lockstep({name: loops[name] for name in ("bare", "resource", "paginate")}, rounds)
        figures.update(lockstep({name: loops[name] for name in ("bare fields", "resource fields")}, rounds))
        environment = len(os.environ)
        with small_environment() as small:
            trimmed = lockstep({"bare": loops["bare"], "resource": loops["resource"]}, rounds)
        figures.update({f"{name}, small environment": values for name, values in trimmed.items()})
        cpu = {name: statistics.median(values) for name, values in figures.items()}
        memory = {name: peak_growth(lambda name=name: run(name)) for name in ("bare", "resource", "paginate")}
        session.close()
        bare.close()
    section(
        f"2. listing {documents:,} documents in pages of 100, client CPU time against a server that "
        f"answers pre-built pages ({canned.where}; every contract field in each item; run side by "
        f"side a page at a time, median of {rounds} rounds; {environment} environment variables, "
        f"then {small})"
    )

    def per_item(name: str) -> str:
        return f"{cpu[name] / documents * 1e6:5.2f} us/doc"

    def versus(name: str, floor: str, label: str, limit: float | None) -> None:
        ratios = [mine / theirs for mine, theirs in zip(figures[name], figures[floor], strict=True)]
        ratio = statistics.median(ratios)
        figure = f"{per_item(name)}  {ratio:4.2f}x"
        if limit is None:
            row(label, figure, "(info)")
        else:
            row(label, figure, f"<= {limit}x", check(ratio, limit))
        print(f"      rounds: {' '.join(f'{each:.2f}x' for each in ratios)}", flush=True)

    row("bare nextToken loop (CPU)", per_item("bare"))
    versus("resource", "bare", "las.Document.all(page_size=100) / bare (CPU)", 1.1)
    versus("paginate", "bare", "las.paginate(client.list_documents) / bare (CPU)", None)
    versus("resource", "paginate", "Document.all() / paginate: building the objects (CPU)", None)
    versus(
        "resource, small environment",
        "bare, small environment",
        f"las.Document.all() / bare, {small} environment variables (CPU)",
        1.1,
    )
    row("bare loop reading every field of every item (CPU)", per_item("bare fields"))
    versus("resource fields", "bare fields", "Document.all() reading every field / bare (CPU)", 1.5)
    pages = -(-documents // 100)
    row(
        "requests while reading every field (pages)",
        f"{requests_reading_fields} ({pages})",
        "pages only",
        "met" if requests_reading_fields == pages else "NOT MET",
    )
    row("peak memory growth, bare loop", f"{memory['bare']:7.2f} MiB")
    row(
        "peak memory growth, Document.all",
        f"{memory['resource']:7.2f} MiB",
        "<= 2 MiB",
        check(memory["resource"], 2.0),
    )
    row("peak memory growth, paginate", f"{memory['paginate']:7.2f} MiB", "(info)")


# -- 3. uploading a large file ----------------------------------------------------------------


def bench_upload(server: Server, cache_dir: Path, rounds: int) -> None:
    server.reset()
    size = MAX_BASE64_CONTENT_LENGTH // 4 * 3  # the largest file whose base64 fits the API's limit
    path = cache_dir / "large.pdf"
    with open(path, "wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.write(os.urandom(size - 9))
    session = make_session(server, cache_dir, "upload.json")
    client = las.Client(session=session)
    token = session.credentials.access_token(session.http)
    bare = bare_session(token)
    url = f"{server.url}/documents"

    def bare_upload() -> None:
        with open(path, "rb") as handle:
            content = base64.b64encode(handle.read()).decode()
        body = json.dumps({"content": content, "contentType": "application/pdf"})
        response = bare.post(
            url, data=body, headers={"Content-Type": "application/json"}, timeout=las.session.DEFAULT_TIMEOUT
        )
        if response.status_code >= 400:
            raise RuntimeError(response.text)
        json.loads(response.content)

    def sdk_upload() -> None:
        client.create_document(path)

    def fresh(call: Callable[[], None]) -> Callable[[], float]:
        def run() -> float:
            server.reset()  # the emulator keeps every upload in memory: start each from empty
            return timed(call)

        return run

    fresh(bare_upload)()
    fresh(sdk_upload)()
    figures = interleaved({"bare": fresh(bare_upload), "sdk": fresh(sdk_upload)}, rounds)
    times = {name: statistics.median(values) for name, values in figures.items()}
    server.reset()
    memory_bare = peak_growth(bare_upload)
    server.reset()
    memory_sdk = peak_growth(sdk_upload)
    section(
        f"3. Client.create_document(path) of a {size:,}-byte file ({size / 1e6:.2f} MB: the "
        f"largest whose base64 fits the API's {MAX_BASE64_CONTENT_LENGTH:,} characters; "
        f"median of {rounds} rounds)"
    )
    row("bare read + b64encode + json.dumps + POST", f"{times['bare'] * 1000:7.0f} ms")
    ratio = times["sdk"] / times["bare"]
    row(
        "Client.create_document(path) / bare",
        f"{times['sdk'] * 1000:5.0f} ms  {ratio:4.2f}x",
        "<= 1.2x",
        check(ratio, 1.2),
    )
    row("peak memory growth, bare upload", f"{memory_bare:7.2f} MiB")
    row(
        "peak memory growth, Client.create_document",
        f"{memory_sdk:7.2f} MiB",
        "<= 6 MiB",
        check(memory_sdk, 6.0),
    )
    session.close()
    bare.close()
    path.unlink()
    server.reset()


# -- 4. threads sharing one Session -----------------------------------------------------------

_CANNED_DOCUMENT = {
    "documentId": "las:document:" + "0" * 32,
    "contentType": "application/pdf",
    "content": base64.b64encode(b"%PDF-1.4\n%%EOF\n").decode(),
    "retentionInDays": 1825,
    "createdTime": "2024-01-01T00:00:00+00:00",
    "createdBy": None,
    "updatedTime": None,
    "updatedBy": None,
}


def thread_throughput(
    session: las.Session, document_id: str, threads: int, total: int, bare: bool = False
) -> float:
    """Requests/s of ``threads`` threads sharing ``session`` for ``total`` get_document calls."""
    client = las.Client(session=session)
    http = bare_session(session.credentials.access_token(session.http)) if bare else None
    url = f"{session.api_endpoint}/documents/{document_id}"

    def call() -> None:
        if http is None:
            client.get_document(document_id)
        else:
            json.loads(http.get(url, timeout=las.session.DEFAULT_TIMEOUT).content)

    barrier = threading.Barrier(threads + 1)
    per_thread = total // threads

    def work() -> None:
        barrier.wait()
        for _ in range(per_thread):
            call()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    return per_thread * threads / (time.perf_counter() - started)


def bench_threads(
    server: Server,
    cache_dir: Path,
    total: int,
    rounds: int,
    threads: int = 8,
    suffix: str = "",
    latency_total: int = 800,
    latency: float = 0.005,
) -> None:
    """Thread scaling twice: against the emulator (CPU-bound on 2 cores) and against a server
    that answers after ``latency`` seconds and does no work (I/O-bound, like the real API)."""
    server.reset()
    document_id = server.seed_documents(1)[0]
    runs = 0

    def fresh_session(url: str, client_id: str, client_secret: str) -> las.Session:
        nonlocal runs
        runs += 1
        credentials = las.Credentials(
            client_id, client_secret, url, url, cache_path=cache_dir / f"threads{runs}.json"
        )
        return las.Session(credentials)

    figures: dict[str, list[float]] = {"sdk1": [], "sdk8": [], "bare1": [], "bare8": []}
    fetches: list[int] = []
    grants: list[int] = []
    for index in range(rounds):
        order = ["sdk1", "sdk8", "bare1", "bare8"]
        for name in order[index % 4 :] + order[: index % 4]:
            count = 1 if name.endswith("1") else threads
            session = fresh_session(server.url, server.client_id, server.client_secret)
            grants_before = server.token_requests
            figures[name].append(
                thread_throughput(session, document_id, count, total, bare=name.startswith("bare"))
            )
            if name == "sdk8":
                fetches.append(session.credentials.token_fetches)
                grants.append(server.token_requests - grants_before)
            session.close()
    one, many = (statistics.median(figures[name]) for name in ("sdk1", "sdk8"))
    bare_one, bare_many = (statistics.median(figures[name]) for name in ("bare1", "bare8"))
    section(
        f"4. {threads} threads sharing one Session, get_document ({total} calls per run, median of "
        f"{rounds} runs)"
    )
    row(f"emulator {server.where}: 1 thread", f"{one:7.0f} req/s")
    ratio = many / one
    row(
        f"emulator {server.where}: {threads} threads / 1",
        f"{many:5.0f} req/s  {ratio:4.2f}x",
        ">= 1.6x",
        check(ratio, 1.6, at_least=True) + " (CPU-bound: see README)",
    )
    row(
        f"emulator {server.where}: bare requests {threads} threads / 1",
        f"{bare_many:5.0f} req/s  {bare_many / bare_one:4.2f}x",
        "(floor)",
    )
    row(
        f"token fetches per {threads}-thread run{suffix} (client, server)",
        f"{sorted(set(fetches))} {sorted(set(grants))}",
        "exactly 1",
        "met" if set(fetches) == {1} and set(grants) == {1} else "NOT MET",
    )
    server.reset()
    if suffix:
        return
    with CannedServer(_CANNED_DOCUMENT, delay=latency) as canned:
        results: dict[int, list[float]] = {1: [], threads: []}
        canned_fetches: list[int] = []
        for index in range(rounds):
            for count in [1, threads] if index % 2 == 0 else [threads, 1]:
                session = fresh_session(canned.url, "canned", "canned")
                results[count].append(
                    thread_throughput(session, str(_CANNED_DOCUMENT["documentId"]), count, latency_total)
                )
                if count == threads:
                    canned_fetches.append(session.credentials.token_fetches)
                session.close()
        one, many = statistics.median(results[1]), statistics.median(results[threads])
        label = f"server answering after {latency * 1000:.0f} ms"
        row(f"{label}: 1 thread", f"{one:7.0f} req/s")
        ratio = many / one
        row(
            f"{label}: {threads} threads / 1",
            f"{many:5.0f} req/s  {ratio:4.2f}x",
            ">= 1.6x",
            check(ratio, 1.6, at_least=True),
        )
        row(
            f"token fetches per {threads}-thread run ({label})",
            f"{sorted(set(canned_fetches))}",
            "exactly 1",
            "met" if set(canned_fetches) == {1} else "NOT MET",
        )


# -- 5. the emulator's own throughput ---------------------------------------------------------


def bench_emulator(server: Server, cache_dir: Path, count: int, processes: int = 3, threads: int = 2) -> None:
    server.reset()
    document_id = server.seed_documents(1000)[0]
    session = make_session(server, cache_dir, "emulator.json")
    token = session.credentials.access_token(session.http)
    context = multiprocessing.get_context("spawn")
    section(
        f"5. the emulator's throughput (server {server.where}; {processes} bare client processes x "
        f"{threads} threads, {count} requests in all; the clients share the 2 cores)"
    )
    for label, url, params in (
        ("GET /documents/{id}", f"{server.url}/documents/{document_id}", None),
        ("GET /documents?maxResults=100 (list)", f"{server.url}/documents", {"maxResults": 100}),
    ):
        barrier = context.Barrier(processes)
        results = context.Queue()
        workers = [
            context.Process(
                target=load_worker, args=(url, token, params, count // processes, threads, barrier, results)
            )
            for _ in range(processes)
        ]
        for worker in workers:
            worker.start()
        reports = [results.get(timeout=600) for _ in workers]
        for worker in workers:
            worker.join()
        done = sum(report[0] for report in reports)
        elapsed = max(report[2] for report in reports) - min(report[1] for report in reports)
        row(f"emulator {label}", f"{done / elapsed:7.0f} req/s", "(info)")
    session.close()
    server.reset()


# -- 6. the published reference client --------------------------------------------------------

_REFERENCE_WORKER = HERE / "_reference_worker.py"


def bench_reference(server: Server, cache_dir: Path, python: str, rounds: int, calls: int) -> None:
    """Latency of the published lucidtech-las Client in another interpreter, against its own bare loop."""
    server.reset()
    document_id = server.seed_documents(1)[0]
    session = make_session(server, cache_dir, "reference.json")
    token = session.credentials.access_token(session.http)
    section(f"6. the published lucidtech-las Client ({python}; server {server.where})")
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    process = subprocess.Popen(
        [python, str(_REFERENCE_WORKER), server.url, token, document_id, str(calls), str(rounds)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tempfile.gettempdir(),
        env=environment,
    )
    out, err = process.communicate(timeout=600)
    if process.returncode != 0:
        row("reference client", "failed", "", err.strip().splitlines()[-1] if err.strip() else "")
        return
    figures = json.loads(out.strip().splitlines()[-1])
    row(f"reference {figures['version']}: bare requests GET", f"{figures['bare'] * 1e6:8.0f} us")
    ratio = figures["client"] / figures["bare"]
    row(
        "reference Client.get_document / its bare",
        f"{figures['client'] * 1e6:6.0f} us  {ratio:4.2f}x",
        "(info)",
    )
    session.close()


# -- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke-test counts (a few seconds): every figure printed, none meaningful",
    )
    parser.add_argument("--reference-python", help="a Python with the published lucidtech-las installed")
    parser.add_argument(
        "--listing-only",
        action="store_true",
        help="only figure 2 (listing: client CPU against a canned server), e.g. while profiling",
    )
    options = parser.parse_args(argv)
    quick = options.quick
    started = time.perf_counter()
    print(
        f"las benchmarks ({'quick' if quick else 'full'}): Python {sys.version.split()[0]}, "
        f"requests {requests.__version__}, {os.cpu_count()} CPUs"
    )
    print(f"  {'figure':<52} {'measured':>22}  {'target':<18} verdict")
    with tempfile.TemporaryDirectory(prefix="las-bench-") as directory:
        cache_dir = Path(directory)
        if options.listing_only:
            bench_listing(cache_dir, documents=2_000 if quick else 100_000, rounds=1 if quick else 7)
            return summary(started)
        with ServerProcess() as server:
            bench_latency(server, cache_dir, rounds=3 if quick else 15, calls=16 if quick else 200)
            bench_listing(cache_dir, documents=2_000 if quick else 100_000, rounds=1 if quick else 7)
            bench_upload(server, cache_dir, rounds=1 if quick else 5)
            bench_threads(
                server,
                cache_dir,
                total=96 if quick else 3000,
                rounds=1 if quick else 3,
                latency_total=48 if quick else 800,
            )
            bench_emulator(server, cache_dir, count=120 if quick else 6000)
            if options.reference_python:
                bench_reference(
                    server,
                    cache_dir,
                    options.reference_python,
                    rounds=5 if quick else 15,
                    calls=40 if quick else 200,
                )
        if not quick:
            with InProcessServer() as in_process:
                bench_latency(in_process, cache_dir, rounds=15, calls=200, suffix=" [in-process]")
                bench_threads(in_process, cache_dir, total=3000, rounds=3, suffix=" [in-process]")
    return summary(started)


def summary(started: float) -> int:
    """Print every row again as a table (the README's format)."""
    print(f"\nSummary ({time.perf_counter() - started:.0f} s)")
    print(f"| {'figure':<62} | {'measured':>22} | {'target':<10} | verdict |")
    print(f"|{'-' * 64}|{'-' * 24}|{'-' * 12}|---------|")
    for label, figure, target, verdict in ROWS:
        print(f"| {label:<62} | {figure:>22} | {target:<10} | {verdict} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
