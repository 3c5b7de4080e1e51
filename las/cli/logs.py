"""``las logs list|get``."""

from __future__ import annotations

import datetime
from typing import Any

import click
from rich.text import Text

from ._context import App, pass_app
from ._group import Group
from ._output import Column, emit, print_json, show_page
from ._params import (
    LOG_ID,
    TRANSITION_EXECUTION_ID,
    TRANSITION_ID,
    WORKFLOW_EXECUTION_ID,
    WORKFLOW_ID,
    list_page,
    paging,
)

COLUMNS: list[Column] = [
    ("log id", "logId"),
    ("workflow", "workflowId"),
    ("transition", "transitionId"),
    ("started", "startTime"),
]


def _event_line(event: Any) -> str:
    if not isinstance(event, dict):
        return str(event)
    stamp = event.get("timestamp")
    if isinstance(stamp, (int, float)) and not isinstance(stamp, bool):
        when = datetime.datetime.fromtimestamp(stamp, datetime.timezone.utc).isoformat(timespec="seconds")
    else:
        when = str(stamp) if stamp is not None else "-"
    return f"{when}  {event.get('message', '')}"


@click.group("logs", cls=Group)
def group() -> None:
    """Logs of workflow and transition executions."""


@group.command("list")
@click.option("--workflow-id", type=WORKFLOW_ID)
@click.option("--workflow-execution-id", type=WORKFLOW_EXECUTION_ID)
@click.option("--transition-id", type=TRANSITION_ID)
@click.option("--transition-execution-id", type=TRANSITION_EXECUTION_ID)
@paging
@pass_app
def list_(
    app: App,
    workflow_id: str | None,
    workflow_execution_id: str | None,
    transition_id: str | None,
    transition_execution_id: str | None,
    max_results: int | None,
    next_token: str | None,
    all_pages: bool,
) -> None:
    """List logs."""
    page = list_page(
        app.client.list_logs,
        workflow_id=workflow_id,
        workflow_execution_id=workflow_execution_id,
        transition_id=transition_id,
        transition_execution_id=transition_execution_id,
        max_results=max_results,
        next_token=next_token,
        all_pages=all_pages,
        key="logs",
    )
    show_page(app, page, "logs", COLUMNS, noun="log")


@group.command("get")
@click.argument("log_id", type=LOG_ID)
@pass_app
def get(app: App, log_id: str) -> None:
    """Show a log's events, one per line (UTC)."""
    log = app.client.get_log(log_id)
    if app.json_output:
        print_json(app, log)
        return
    emit(Text(f"Log {log.get('logId')} of {log.get('workflowId')} / {log.get('transitionId')}"))
    for event in log.get("events") or []:
        emit(Text(_event_line(event)))
