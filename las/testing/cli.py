"""``python -m las serve``: run the emulator in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import threading

from las.testing._emulator import Emulator


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m las serve",
        description="Serve an in-memory emulator of the Lucidtech AI Services API.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: %(default)s)")
    parser.add_argument("--port", type=int, default=0, help="TCP port (default: a free one)")
    parser.add_argument(
        "--client-id",
        default="las-emulator-client",
        help="client id of the emulator's app client (default: %(default)s)",
    )
    parser.add_argument("--client-secret", default=None, help="its client secret (default: random)")
    parser.add_argument(
        "--token-ttl",
        type=float,
        default=3600.0,
        help="access token lifetime in seconds (default: %(default)s)",
    )
    return parser


def describe(emulator: Emulator) -> str:
    """What ``serve`` prints: where the emulator is, its credentials and a curl example."""
    return "\n".join(
        [
            f"las emulator serving at {emulator.url}",
            f"  api endpoint:    {emulator.api_endpoint}",
            f"  auth endpoint:   {emulator.auth_endpoint}  (POST /token?grant_type=client_credentials)",
            f"  client id:       {emulator.client_id}",
            f"  client secret:   {emulator.client_secret}",
            f"  organization id: {emulator.organization_id}",
            "Try:",
            f"  TOKEN=$(curl -s -X POST -u '{emulator.client_id}:{emulator.client_secret}' "
            f"'{emulator.auth_endpoint}/token?grant_type=client_credentials' "
            "| python -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')",
            f'  curl -s -H "Authorization: Bearer $TOKEN" {emulator.api_endpoint}/documents',
            "Press Ctrl-C to stop.",
        ]
    )


def serve(argv: list[str] | None = None, *, stop: threading.Event | None = None) -> int:
    """Run the emulator until Ctrl-C (or until ``stop`` is set); returns the exit status 0."""
    options = build_parser().parse_args(argv)
    emulator = Emulator(
        options.host,
        options.port,
        client_id=options.client_id,
        client_secret=options.client_secret,
        token_ttl=options.token_ttl,
    )
    with emulator:
        print(describe(emulator), flush=True)
        try:
            (stop or threading.Event()).wait()
        except KeyboardInterrupt:
            print("stopped", flush=True)
    return 0
