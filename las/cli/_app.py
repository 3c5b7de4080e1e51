"""The root ``las`` group: global options, the command groups, and how a run ends (exit codes).

Where the options come from, first found wins: a flag on the command line, then the
environment (``LAS_ENDPOINT``, ``LAS_PROFILE``, ``LAS_CLIENT_ID``, ...), then the profile in
``~/.lucidtech/credentials.cfg`` (see :class:`las.cli._context.App`). The output options
``--json`` and ``--field`` may also follow the command, as the AWS CLI takes its global options.
"""

from __future__ import annotations

import sys

import click

import las

from . import (
    app_clients,
    assets,
    datasets,
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
from ._context import REQUEST_TIMEOUT_ENV, SECONDS, App
from ._errors import EXIT_INTERRUPTED, EXIT_OK, HANDLED, exit_code, one_line, redact
from ._group import Group
from ._output import note
from ._pipes import quiet_when_the_reader_leaves

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=Group, context_settings=CONTEXT_SETTINGS)
# Flags only: the environment is read by App, after the flags (a flag wins over the environment).
@click.option(
    "--profile", help="Section of ~/.lucidtech/credentials.cfg to use (default: LAS_PROFILE or default)."
)
@click.option(
    "--emulator", is_flag=True, help="Run against a fresh embedded emulator (nothing real is touched)."
)
@click.option("--endpoint", metavar="URL", help="Run against a `las serve` at URL (default: LAS_ENDPOINT).")
@click.option("--client-id", help="Client id (default: LAS_CLIENT_ID, the profile, or las serve's default).")
@click.option(
    "--client-secret",
    help="Client secret; visible to other users in the process list, so prefer LAS_CLIENT_SECRET "
    "or a profile (default: those).",
)
@click.option(
    "--json", "json_output", is_flag=True, help="Print the API's JSON (for scripts) instead of tables."
)
@click.option(
    "--field",
    metavar="PATH",
    help="Print only this field of the JSON answer, bare if a string (for $(...)): "
    "`--field datasetId`, `--field executions.0.executionId`.",
)
@click.option(
    "--request-timeout",
    type=SECONDS,
    metavar="SECONDS",
    help=f"Seconds a request may take, retries included, before the command fails (default: "
    f"{REQUEST_TIMEOUT_ENV} or 30). Raise it for big uploads over a slow link.",
)
@click.version_option(las.__version__, "--version", prog_name="las", message="%(prog)s %(version)s")
@click.pass_context
def cli(
    ctx: click.Context,
    profile: str | None,
    emulator: bool,
    endpoint: str | None,
    client_id: str | None,
    client_secret: str | None,
    json_output: bool,
    field: str | None,
    request_timeout: float | None,
) -> None:
    """The Lucidtech AI Services API from a terminal.

    Exit codes: 0 ok, 1 the API refused or failed, 2 the command cannot run as given.
    --json and --field may also follow the command: `las documents list --json`.
    """
    app = App(
        profile=profile,
        emulator=emulator,
        endpoint=endpoint,
        client_id=client_id,
        client_secret=client_secret,
        json_output=json_output,
        field=field,
        request_timeout=request_timeout,
    )
    if client_secret is not None:
        note(
            "warning: --client-secret on the command line can be read by other users of this machine "
            "(in the process list) and stays in your shell history; set LAS_CLIENT_SECRET or put it in "
            "a profile of ~/.lucidtech/credentials.cfg (--profile) instead"
        )
    ctx.obj = app
    ctx.call_on_close(app.close)


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


def _late_json(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    app = ctx.find_object(App)
    if value and app is not None:
        app.json_requested = True


def _late_field(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    app = ctx.find_object(App)
    if value is not None and app is not None:
        app.field = value


def _accept_output_options_anywhere(group: click.Group) -> None:
    """Let ``--json`` and ``--field`` follow every command and group below ``group`` (hidden there).

    Commands that pass their arguments through (``demo``, ``serve``) keep theirs untouched.
    """
    for command in group.commands.values():
        if command.context_settings.get("ignore_unknown_options"):
            continue
        command.params += [
            click.Option(
                ["--json", "late_json"], is_flag=True, hidden=True, expose_value=False, callback=_late_json
            ),
            click.Option(["--field", "late_field"], hidden=True, expose_value=False, callback=_late_field),
        ]
        if isinstance(command, click.Group):
            _accept_output_options_anywhere(command)


_accept_output_options_anywhere(cli)


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
