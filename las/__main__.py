"""The ``las`` command (also ``python -m las``).

``demo`` and ``serve`` need nothing beyond the SDK, so they are dispatched here before the
command-line library is imported: ``python -m las demo`` works after a plain ``pip install lucidtech-las-sdk``.
Every other command lives in :mod:`las.cli`, which needs the ``cli`` extra (click and rich).
"""

from __future__ import annotations

import sys

from ._version import DISTRIBUTION

INSTALL_HINT = f"the las command line needs the 'cli' extra: pip install '{DISTRIBUTION}[cli]'"

USAGE = f"""usage: las [--profile P] [--emulator | --endpoint URL] [--json] GROUP VERB [ARGS]

commands that work without extras:
  demo                 run a short tour of the SDK against the embedded emulator
  serve [--port N]     serve the API emulator on 127.0.0.1 for any HTTP client
  --version            print the distribution (lucidtech-las-sdk) and version of las

every other command (documents, models, datasets, workflows, ...): {INSTALL_HINT}
"""


def main(argv: list[str] | None = None) -> int:
    """Run a command; returns the process exit status (0 ok, 1 API error, 2 usage)."""
    args = sys.argv[1:] if argv is None else list(argv)
    if args and args[0] == "demo":
        from .demo import main as demo

        return demo(args[1:])
    if args and args[0] == "serve":
        from .testing.cli import serve

        return serve(args[1:])
    try:
        from .cli import main as cli_main
    except ImportError as error:
        if error.name not in ("click", "rich") and not str(error.name).startswith(("click.", "rich.")):
            raise
        return _without_cli_extra(args)
    return cli_main(args)


def _without_cli_extra(args: list[str]) -> int:
    """What ``las`` can still do when click or rich is missing: help, version, and the install hint."""
    if args == ["--version"]:
        from ._version import VERSION_LINE

        print(VERSION_LINE)
        return 0
    if args in (["-h"], ["--help"]):
        print(USAGE, end="")
        return 0
    print(f"error: {INSTALL_HINT}", file=sys.stderr)
    if not args:
        print(USAGE, end="", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
