"""``las executions wait``: block until workflow executions end."""

from __future__ import annotations

import time
from typing import Any

import click

from las import paginate

from ._context import App, pass_app
from ._errors import EXIT_API_ERROR, EXIT_OK
from ._group import Group
from ._output import EXECUTION_COLUMNS, print_json, show_items
from ._params import WORKFLOW_EXECUTION_ID, WORKFLOW_ID
from ._progress import progress_bar
from ._words import counted

# Statuses after which an execution does not change by itself ("retry" waits to run again).
ENDED = frozenset({"succeeded", "failed", "rejected", "error"})
NOT_ENDED = ["running", "retry"]
FEW = 5  # up to this many executions are checked one GET each; more, through one listing per round


def _not_ended(app: App, workflow_id: str) -> dict[str, dict[str, Any]]:
    """The executions of a workflow that have not ended, by id (every page)."""
    listed = paginate(app.client.list_workflow_executions, workflow_id, status=NOT_ENDED)
    return {execution["executionId"]: execution for execution in listed}


@click.group("executions", cls=Group)
def group() -> None:
    """Workflow executions across workflows (see also `las workflows list-executions`)."""


@group.command("wait")
@click.argument("workflow_id", type=WORKFLOW_ID)
@click.argument("execution_ids", nargs=-1, type=WORKFLOW_EXECUTION_ID)
@click.option("--timeout", type=click.FloatRange(min=0), help="Give up after this many seconds.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.05),
    default=1.0,
    show_default=True,
    help="Seconds between checks.",
)
@pass_app
def wait(
    app: App, workflow_id: str, execution_ids: tuple[str, ...], timeout: float | None, interval: float
) -> int:
    """Wait until executions of WORKFLOW_ID end (default: every one running now).

    Checks every --interval seconds: a GET per execution when there are a few, else one
    listing of the running ones plus a GET per execution that ended. Exits 0 when every
    execution succeeded, 1 when one ended otherwise (failed, rejected, error) or the timeout
    passed first.
    """
    client = app.client
    pending = list(dict.fromkeys(execution_ids)) or list(_not_ended(app, workflow_id))
    ended: dict[str, dict[str, Any]] = {}
    latest: dict[str, dict[str, Any]] = {}
    deadline = None if timeout is None else time.monotonic() + timeout
    with progress_bar("Waiting", len(pending)) as bar:
        while True:
            waiting = [each for each in pending if each not in ended]
            # Many to watch: one listing of what still runs, then a GET only for those that ended.
            running = _not_ended(app, workflow_id) if len(waiting) > FEW else {}
            for execution_id in waiting:
                execution = running.get(execution_id) or client.get_workflow_execution(
                    workflow_id, execution_id
                )
                latest[execution_id] = execution
                if execution.get("status") in ENDED:
                    ended[execution_id] = execution
                    bar.advance()
            if len(ended) == len(pending) or (deadline is not None and time.monotonic() >= deadline):
                break
            time.sleep(interval if deadline is None else max(0.0, min(interval, deadline - time.monotonic())))
    executions = [latest[each] for each in pending]
    if app.json_output:
        print_json(app, {"executions": executions})
    else:
        show_items(executions, EXECUTION_COLUMNS, noun="execution")
    unfinished = len(pending) - len(ended)
    unsuccessful = [each for each in ended.values() if each.get("status") != "succeeded"]
    if unfinished:
        click.echo(
            f"error: {counted(unfinished, 'execution')} still running after {timeout or 0:g}s; "
            "wait again or raise --timeout",
            err=True,
        )
    if unsuccessful:
        click.echo(
            f"error: {counted(len(unsuccessful), 'execution')} did not succeed; "
            f"`las workflows get-execution {workflow_id} ID` shows why",
            err=True,
        )
    return EXIT_API_ERROR if unfinished or unsuccessful else EXIT_OK
