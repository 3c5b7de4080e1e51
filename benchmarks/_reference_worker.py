"""Run by ``run.py --reference-python PY``: latency of the published lucidtech-las Client.

Usage: PY _reference_worker.py URL TOKEN DOCUMENT_ID CALLS ROUNDS

Runs in the other interpreter, where ``import las`` is the published package (never this
project's). Its token endpoint is always https, so the worker gives its Credentials the token
``run.py`` fetched. It compares, interleaved in rounds, the reference ``Client.get_document`` with
a bare pooled ``requests.Session`` GET in the same interpreter, and prints one JSON line of
median-of-round-median seconds.
"""

from __future__ import annotations

import json
import statistics
import sys
import time

import requests


def main() -> None:
    url, token, document_id, calls, rounds = sys.argv[1:6]
    import las  # the published package

    credentials = las.Credentials("benchmark", "benchmark", "127.0.0.1", url)
    credentials._token = (token, time.time() + 3000)  # its token endpoint is https-only
    client = las.Client(credentials)
    bare = requests.Session()
    bare.headers["Authorization"] = f"Bearer {token}"
    document_url = f"{url}/documents/{document_id}"

    def bare_get() -> None:
        response = bare.get(document_url)
        response.raise_for_status()
        json.loads(response.content)

    def timed_calls(call, count):  # type: ignore[no-untyped-def]
        times = []
        for _ in range(count):
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    variants = {"bare": bare_get, "client": lambda: client.get_document(document_id)}
    figures: dict[str, list[float]] = {name: [] for name in variants}
    for call in variants.values():  # warm up
        timed_calls(call, 5)
    for index in range(int(rounds)):
        names = list(variants) if index % 2 == 0 else list(reversed(variants))
        for name in names:
            figures[name].append(timed_calls(variants[name], int(calls)))
    version = getattr(las, "__version__", None)
    if version is None:
        try:
            from las.__version__ import __version__ as version  # type: ignore[no-redef]
        except ImportError:
            version = "?"
    print(
        json.dumps(
            {"version": version, **{name: statistics.median(values) for name, values in figures.items()}}
        )
    )


if __name__ == "__main__":
    main()
