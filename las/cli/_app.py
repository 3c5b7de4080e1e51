"""The root ``las`` group: global options, the command groups, and how a run ends (exit codes).

Where the options come from, first found wins: a flag on the command line, then the
environment (``LAS_ENDPOINT``, ``LAS_PROFILE``, ``LAS_CLIENT_ID``, ...), then the profile in
``~/.lucidtech/credentials.cfg`` (see :class:`las.cli._context.App`). The global options may
also follow the command (``las documents list --json``), as the AWS CLI takes its own.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

import las
from las import contracts
from las._version import VERSION_LINE

from . import (
    app_clients,
    assets,
    datasets,
    doctor,
    documents,
    executions,
    logs,
    models,
    organizations,
    predict,
    predictions,
    secrets,
    transitions,
    users,
    workflows,
)
from ._context import DEFAULT_REQUEST_TIMEOUT, OUTPUT_ENV, OUTPUTS, REQUEST_TIMEOUT_ENV, App
from ._errors import EXIT_INTERRUPTED, EXIT_OK, HANDLED, exit_code, one_line, redact
from ._group import Group
from ._output import note
from ._params import SECONDS
from ._pipes import quiet_when_the_reader_leaves

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

# The global options: (declarations, the App attribute each sets, click's other arguments).
# They are flags only: App reads the environment after them (a flag wins over the environment).
GLOBAL_OPTIONS: list[tuple[list[str], str, dict[str, Any]]] = [
    (
        ["--profile", "-p"],
        "profile",
        {"help": "Section of ~/.lucidtech/credentials.cfg to use (default: LAS_PROFILE or default)."},
    ),
    (
        ["--emulator"],
        "use_emulator",
        {"is_flag": True, "help": "Run against a fresh embedded emulator (nothing real is touched)."},
    ),
    (
        ["--endpoint"],
        "endpoint",
        {"metavar": "URL", "help": "Run against a `las serve` at URL (default: LAS_ENDPOINT)."},
    ),
    (
        ["--contract"],
        "contract",
        {
            "type": click.Choice(contracts.KNOWN),
            "help": "API contract the commands speak, and --emulator serves (default: LAS_CONTRACT, the "
            "profile's `contract`, else the endpoint's: 2021-09-23 for --emulator and --endpoint).",
        },
    ),
    (
        ["--client-id"],
        "client_id",
        {"help": "Client id (default: LAS_CLIENT_ID, the profile, or las serve's default)."},
    ),
    (
        ["--client-secret"],
        "client_secret",
        {
            "help": "Client secret; visible to other users in the process list, so prefer "
            "LAS_CLIENT_SECRET or a profile (default: those)."
        },
    ),
    (
        ["--output"],
        "output",
        {
            "type": OUTPUTS,
            "help": f"table (for people) or json (the API's answer, as the official CLI prints it) "
            f"(default: {OUTPUT_ENV} or table).",
        },
    ),
    (
        ["--json"],
        "json_requested",
        {"is_flag": True, "help": "Short for --output json."},
    ),
    (
        ["--field"],
        "field",
        {
            "metavar": "PATH",
            "help": "Print only this field of the JSON answer, bare if a string (for $(...)): "
            "`--field datasetId`, `--field executions.0.executionId`.",
        },
    ),
    (
        ["--request-timeout"],
        "request_timeout",
        {
            "type": SECONDS,
            "help": "Seconds a request may take, retries included, before the command fails (default: "
            f"{REQUEST_TIMEOUT_ENV} or {DEFAULT_REQUEST_TIMEOUT:g}). Raise it for big uploads over a slow link.",
        },
    ),
]
SECRET_ON_THE_COMMAND_LINE = (
    "warning: --client-secret on the command line can be read by other users of this machine (in the "
    "process list) and stays in your shell history; set LAS_CLIENT_SECRET or put it in a profile of "
    "~/.lucidtech/credentials.cfg (--profile) instead"
)


def _setter(attribute: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    """The callback of a global option: a value given sets ``attribute`` of the run's App."""

    def set_on_app(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value is None or value is False:  # not given here (maybe before or after the command)
            return
        app = ctx.ensure_object(App)
        if attribute == "client_secret" and app.client_secret is None:
            note(SECRET_ON_THE_COMMAND_LINE)
        setattr(app, attribute, value)

    return set_on_app


def global_options(*, hidden: bool, taken: frozenset[str] = frozenset()) -> list[click.Option]:
    """The global options, for the root group (shown) or any command below it (hidden).

    A spelling in ``taken`` (one the command has an option of its own for, as ``-p`` is
    ``transitions create --parameters``, like in the official CLI) is left to the command.
    """
    options = []
    for declarations, attribute, settings in GLOBAL_OPTIONS:
        free = [spelling for spelling in declarations if spelling not in taken]
        if free:
            options.append(
                click.Option(free, expose_value=False, callback=_setter(attribute), hidden=hidden, **settings)
            )
    return options


@click.group(cls=Group, context_settings=CONTEXT_SETTINGS)
@click.version_option(las.__version__, "--version", prog_name="las", message=VERSION_LINE)
@click.pass_context
def cli(ctx: click.Context) -> None:
    """The Lucidtech AI Services API from a terminal.

    Exit codes: 0 ok, 1 the API refused or failed, 2 the command cannot run as given.
    The options below may also follow the command: `las documents list --json`.
    """
    app = ctx.ensure_object(App)
    ctx.call_on_close(app.close)
    app.check_output_environment()


cli.params[:0] = global_options(hidden=False)  # before --version and --help


_PASS_THROUGH = {"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []}


@cli.command(context_settings=_PASS_THROUGH)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def demo(args: tuple[str, ...]) -> int:
    """Run a short tour of the SDK against the embedded emulator."""
    from las.demo import main as run_demo

    return run_demo(list(args))


@cli.command(context_settings=_PASS_THROUGH)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def serve(args: tuple[str, ...]) -> int:
    """Serve the API emulator on 127.0.0.1 (see `las serve --help`)."""
    from las.testing.cli import serve as run_serve

    return run_serve(list(args))


for _module in (
    documents,
    models,
    datasets,
    workflows,
    transitions,
    predictions,
    secrets,
    assets,
    users,
    app_clients,
    organizations,
    logs,
    executions,
):
    cli.add_command(_module.group)
cli.add_command(predict.predict)
cli.add_command(doctor.doctor)


def _accept_global_options_anywhere(group: click.Group) -> None:
    """Let the global options follow every command and group below ``group`` (hidden there).

    Commands that pass their arguments through (``demo``, ``serve``) keep theirs untouched.
    """
    for command in group.commands.values():
        if command.context_settings.get("ignore_unknown_options"):
            continue
        taken = frozenset(spelling for param in command.params for spelling in param.opts)
        command.params += global_options(hidden=True, taken=taken)
        if isinstance(command, click.Group):
            _accept_global_options_anywhere(command)


_accept_global_options_anywhere(cli)


def usage_line(error: click.UsageError) -> str:
    """A usage error as one line: what is wrong, and the help to read."""
    command = error.ctx.command_path if error.ctx is not None else "las"
    return f"error: {' '.join(error.format_message().split()).rstrip('.')}; see `{command} --help`"


def main(argv: list[str] | None = None) -> int:
    """Run ``las`` with ``argv`` (default ``sys.argv[1:]``); returns the exit status.

    Shell completion comes from click: ``eval "$(_LAS_COMPLETE=bash_source las)"``.
    """
    args = sys.argv[1:] if argv is None else list(argv)
    with quiet_when_the_reader_leaves():
        return _run(args)


def _run(args: list[str]) -> int:
    try:
        result = cli.main(args=args, prog_name="las", standalone_mode=False)
    except click.UsageError as error:
        print(redact(usage_line(error)), file=sys.stderr)
        return error.exit_code
    except click.ClickException as error:
        print(redact(f"error: {' '.join(error.format_message().split())}"), file=sys.stderr)
        return error.exit_code
    except (click.Abort, KeyboardInterrupt):  # click turns Ctrl-C into Abort
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except HANDLED as error:
        print(one_line(error), file=sys.stderr)
        return exit_code(error)
    except BrokenPipeError:  # a write that bypassed the guard (click's bytes to .buffer)
        return EXIT_OK
    if isinstance(result, int):
        return result
    return EXIT_OK


__all__ = ["cli", "main"]
