"""The root ``las`` group: global options, the command groups, and how a run ends (exit codes)."""

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
from ._context import App
from ._errors import EXIT_INTERRUPTED, EXIT_OK, HANDLED, exit_code, one_line
from ._group import Group

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=Group, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--profile",
    envvar="LAS_PROFILE",
    help="Section of ~/.lucidtech/credentials.cfg to use (env LAS_PROFILE).",
)
@click.option(
    "--emulator", is_flag=True, help="Run against a fresh embedded emulator (nothing real is touched)."
)
@click.option(
    "--endpoint",
    metavar="URL",
    envvar="LAS_ENDPOINT",
    help="Run against a `las serve` at URL (env LAS_ENDPOINT).",
)
@click.option("--client-id", help="Client id (default: LAS_CLIENT_ID, the profile, or las serve's default).")
@click.option("--client-secret", help="Client secret (default: LAS_CLIENT_SECRET or the profile).")
@click.option(
    "--json", "json_output", is_flag=True, help="Print the API's JSON (for scripts) instead of tables."
)
@click.option(
    "--field",
    metavar="PATH",
    help="Print only this field of the JSON answer, bare if a string (for $(...)): "
    "`--field datasetId`, `--field executions.0.executionId`.",
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
) -> None:
    """The Lucidtech AI Services API from a terminal.

    Exit codes: 0 ok, 1 the API refused or failed, 2 the command cannot run as given.
    """
    if emulator and endpoint:
        raise click.UsageError("use either --emulator or --endpoint, not both")
    app = App(
        profile=profile,
        emulator=emulator,
        endpoint=endpoint,
        client_id=client_id,
        client_secret=client_secret,
        json_output=json_output,
        field=field,
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


def usage_line(error: click.UsageError) -> str:
    """A usage error as one line: what is wrong, and the help to read."""
    command = error.ctx.command_path if error.ctx is not None else "las"
    return f"error: {' '.join(error.format_message().split()).rstrip('.')}; see `{command} --help`"


def main(argv: list[str] | None = None) -> int:
    """Run ``las`` with ``argv`` (default ``sys.argv[1:]``); returns the exit status.

    Shell completion comes from click: ``eval "$(_LAS_COMPLETE=bash_source las)"``.
    """
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        result = cli.main(args=args, prog_name="las", standalone_mode=False)
    except click.UsageError as error:
        print(usage_line(error), file=sys.stderr)
        return error.exit_code
    except click.ClickException as error:
        print(f"error: {' '.join(error.format_message().split())}", file=sys.stderr)
        return error.exit_code
    except (click.Abort, KeyboardInterrupt):  # click turns Ctrl-C into Abort
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except HANDLED as error:
        print(one_line(error), file=sys.stderr)
        return exit_code(error)
    except BrokenPipeError:
        return EXIT_OK
    if isinstance(result, int):
        return result
    return EXIT_OK


__all__ = ["cli", "main"]
