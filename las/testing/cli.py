"""``las serve [--tls] [--contract 2024-11-29]`` (also ``python -m las serve``): run the emulator in
the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import threading
from urllib.parse import urlsplit

from las.testing._contracts import CONTRACTS, DEFAULT_CONTRACT
from las.testing._emulator import Emulator
from las.testing._limits import DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_REQUEST_TIMEOUT


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="las serve",
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
    parser.add_argument(
        "--idle-timeout",
        type=float,
        default=DEFAULT_IDLE_TIMEOUT,
        metavar="SECONDS",
        help="close a connection that sends no request for this long (default: %(default)g)",
    )
    parser.add_argument(
        "--request-timeout",
        type=float,
        default=DEFAULT_REQUEST_TIMEOUT,
        metavar="SECONDS",
        help="answer 408 and close when a request takes longer to arrive whole (default: %(default)g)",
    )
    parser.add_argument(
        "--max-connections",
        type=int,
        default=DEFAULT_MAX_CONNECTIONS,
        metavar="N",
        help="connections served at once; more wait to be accepted (default: %(default)s)",
    )
    parser.add_argument(
        "--contract",
        choices=CONTRACTS,
        default=DEFAULT_CONTRACT,
        help="API contract to serve: 2021-09-23 (the seed's, inline base64 documents) or 2024-11-29 "
        "(today's service, file URLs; default: %(default)s)",
    )
    parser.add_argument(
        "--tls",
        action="store_true",
        help="serve HTTPS only, with a throwaway CA whose certificate path is printed "
        "(needs pip install 'lucidtech-las-sdk[tls]')",
    )
    return parser


def describe(emulator: Emulator) -> str:
    """What ``serve`` prints: where the emulator is, its credentials, environment and curl examples.

    With TLS it also prints the CA certificate to trust, and the auth endpoint as a bare host
    name: clients that only know a host name (the reference client) fetch
    ``https://{auth_endpoint}/token``, and las does the same for an endpoint without a scheme.
    """
    ca = emulator.ca_path
    auth_endpoint = urlsplit(emulator.auth_endpoint).netloc if ca else emulator.auth_endpoint
    cacert = f"--cacert {shlex.quote(ca)} " if ca else ""
    lines = [
        f"las emulator serving at {emulator.url}",
        f"  api endpoint:    {emulator.api_endpoint}",
        f"  auth endpoint:   {emulator.auth_endpoint}  (POST /token?grant_type=client_credentials)",
        f"  client id:       {emulator.client_id}",
        f"  client secret:   {emulator.client_secret}",
        f"  organization id: {emulator.organization_id}",
        f"  contract:        {emulator.contract}",
    ]
    if ca:
        lines.append(f"  CA certificate (throwaway, trust it for this emulator only): {ca}")
    lines += [
        "Environment for las (and clients that read the same variables):",
        "  export "
        + " ".join(
            f"{name}={shlex.quote(value)}"
            for name, value in (
                ("LAS_CLIENT_ID", emulator.client_id),
                ("LAS_CLIENT_SECRET", emulator.client_secret),
                ("LAS_AUTH_ENDPOINT", auth_endpoint),
                ("LAS_API_ENDPOINT", emulator.api_endpoint),
                ("LAS_CONTRACT", emulator.contract),
            )
        ),
    ]
    if ca:
        lines.append(f"  export REQUESTS_CA_BUNDLE={shlex.quote(ca)} SSL_CERT_FILE={shlex.quote(ca)}")
        lines.append("  (an auth endpoint without a scheme is a host name: clients fetch https://HOST/token)")
    lines += [
        "Try:",
        f"  TOKEN=$(curl -s {cacert}-X POST -u '{emulator.client_id}:{emulator.client_secret}' "
        f"'{emulator.auth_endpoint}/token?grant_type=client_credentials' "
        "| python -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')",
        f'  curl -s {cacert}-H "Authorization: Bearer $TOKEN" {emulator.api_endpoint}/documents',
        "Press Ctrl-C to stop.",
    ]
    return "\n".join(lines)


def serve(argv: list[str] | None = None, *, stop: threading.Event | None = None) -> int:
    """Run the emulator until Ctrl-C, SIGTERM (in the main thread) or until ``stop`` is set.

    Either way it stops cleanly: with ``--tls`` the throwaway CA's files are removed.

    Returns:
        The exit status: 0 (also after ``--help``, which serves nothing), or 2 for an argument
        it does not take, ``--tls`` asked for without trustme installed, or a limit that is not
        positive.
    """
    try:
        options = build_parser().parse_args(argv)
    except SystemExit as exit:  # argparse has printed the help or the usage error
        return int(exit.code or 0)
    try:
        emulator = Emulator(
            options.host,
            options.port,
            client_id=options.client_id,
            client_secret=options.client_secret,
            token_ttl=options.token_ttl,
            tls=options.tls,
            idle_timeout=options.idle_timeout,
            request_timeout=options.request_timeout,
            max_connections=options.max_connections,
            contract=options.contract,
        )
    except (ImportError, ValueError) as error:
        print(f"las serve: {error}", file=sys.stderr)
        return 2
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler) if in_main_thread else None
    try:
        with emulator:
            print(describe(emulator), flush=True)
            try:
                (stop or threading.Event()).wait()
            except KeyboardInterrupt:
                print("stopped", flush=True)
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)
    return 0
