"""Command line: ``python -m las demo`` and ``python -m las serve [--port N]``."""

from __future__ import annotations

import sys

USAGE = """usage: python -m las COMMAND [options]

commands:
  demo                 run a short tour of the SDK against the embedded emulator
  serve [--port N]     serve the API emulator on 127.0.0.1 for any HTTP client
"""


def main(argv: list[str] | None = None) -> int:
    """Run a command; returns the process exit status."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(USAGE, end="")
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command == "demo":
        from .demo import main as demo

        return demo(rest)
    if command == "serve":
        from .testing.cli import serve

        return serve(rest)
    print(f"unknown command {command!r}\n\n{USAGE}", end="", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
