"""``las doctor``: check a setup against the service, read-only, one line per check.

The checks are :func:`las.doctor`'s; this module only chooses the credentials as every command
does (``--profile``, ``--endpoint``, ``--emulator``, the environment) and prints the report.
"""

from __future__ import annotations

import sys

import click
from rich.text import Text

from las._doctor import doctor as run_doctor

from ._context import App, pass_app
from ._errors import EXIT_API_ERROR, EXIT_OK
from ._output import print_json, stdout

# How a terminal shows each mark of the report's lines.
_STYLES = {"✓": "green", "!": "yellow", "✗": "bold red", "-": "dim"}


@click.command("doctor")
@pass_app
def doctor(app: App) -> int:
    """Check the credentials, the token, the clock and the API contract against the service.

    Reads where each credential came from, checks that only you can read the credentials file
    and the token cache, asks for one token, compares this machine's clock with the service's,
    and sends a few GETs (your organization; models, datasets and workflows, one each) whose
    answers it compares with the API contract the session speaks: it says whether the service
    speaks it, and if not, which fields differ and what to set (`las --contract 2024-11-29
    doctor` checks that the service speaks today's contract). It changes nothing, and prints
    no secret or token.

    Exit code 0 when no check failed (a warning does not fail), 1 when one did. With --json,
    the report as JSON.
    """
    target = app.target_credentials()  # they speak --contract already
    report = run_doctor(
        target,
        profile=app.profile,
        contract=app.contract if target is None else None,
        timeout=app.request_seconds,
        client_id=app.client_id,
        client_secret=app.client_secret,
    )
    if app.json_output:
        print_json(app, report.to_dict())
    elif sys.stdout.isatty():
        console = stdout()
        for line in report.lines(symbols=True):
            text = Text(line)
            if line[:1] in _STYLES:
                text.stylize(_STYLES[line[:1]], 0, 1)
            console.print(text, soft_wrap=True)  # the terminal wraps; a copied line stays one
    else:
        sys.stdout.write("\n".join(report.lines()) + "\n")
    return EXIT_OK if report.ok else EXIT_API_ERROR
