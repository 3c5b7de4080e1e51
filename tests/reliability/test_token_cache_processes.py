"""Eight processes refreshing tokens through one cache file, one of them killed mid-way: the file
stays valid JSON with mode 0600 the whole time."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

from las.testing import Emulator

REFRESHER = """
import sys
import las

api, client_id, secret, cache, rounds = sys.argv[1:6]
credentials = las.Credentials(client_id, secret, api, api, cached_profile="default", cache_path=cache)
print("ready", flush=True)
for _ in range(int(rounds)):
    credentials.invalidate()
    credentials.access_token()
"""


def test_eight_processes_sharing_a_token_cache_keep_it_valid_json_and_private(
    las_emulator: Emulator, tmp_path: Path
) -> None:
    cache = tmp_path / "lucidtech" / "token-cache.json"
    project = str(Path(__file__).resolve().parents[2])
    environment = {**os.environ, "PYTHONPATH": project}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                REFRESHER,
                las_emulator.api_endpoint,
                las_emulator.client_id,
                las_emulator.client_secret,
                str(cache),
                "400" if index == 0 else "30",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
        )
        for index in range(8)
    ]
    victim = processes[0]
    assert victim.stdout is not None
    assert victim.stdout.readline().strip() == "ready"

    observations = 0
    killed = False
    deadline = time.monotonic() + 60  # a bound against a hang, not a timing assertion
    while any(process.poll() is None for process in processes[1:]) and time.monotonic() < deadline:
        if cache.exists():
            try:
                text = cache.read_text()
                mode = stat.S_IMODE(cache.stat().st_mode)
            except FileNotFoundError:  # replaced between exists() and read: look again
                continue
            data = json.loads(text)  # never a partial write
            assert isinstance(data, dict)
            assert mode == 0o600, oct(mode)
            observations += 1
            if not killed and las_emulator.token_requests >= 40:
                victim.send_signal(signal.SIGKILL)
                killed = True
        time.sleep(0.002)

    victim.wait(timeout=30)
    for process in processes[1:]:
        _, errors = process.communicate(timeout=60)
        assert process.returncode == 0, errors
    assert killed and victim.returncode == -signal.SIGKILL
    data = json.loads(cache.read_text())
    assert set(data) <= {"default"}
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert observations > 10
