"""``las transitions list|get|create|update|delete|execute`` and their executions."""

from __future__ import annotations

from typing import Any

import click

from ._context import App, pass_app
from ._group import Group
from ._output import Column, show_done, show_object, show_page
from ._params import (
    JSON,
    KEY_VALUE,
    SECRET_ID,
    TRANSITION_EXECUTION_ID,
    TRANSITION_ID,
    list_page,
    named,
    paging,
)

COLUMNS: list[Column] = [
    ("transition id", "transitionId"),
    ("type", "transitionType"),
    ("name", "name"),
    ("created", "createdTime"),
]
EXECUTION_COLUMNS: list[Column] = [
    ("execution id", "executionId"),
    ("status", "status"),
    ("started", "startTime"),
    ("ended", "endTime"),
]
TYPES = click.Choice(["docker", "manual"])
STATUSES = click.Choice(["running", "succeeded", "failed", "rejected", "retry"])


@click.group("transitions", cls=Group)
def group() -> None:
    """Transitions: the steps of a workflow (docker containers or manual tasks)."""


@group.command("list")
@click.option("--transition-type", "-t", type=TYPES, multiple=True, help="Only this type (repeatable).")
@paging
@pass_app
def list_(
    app: App,
    transition_type: tuple[str, ...],
    max_results: int | None,
    next_token: str | None,
    all_pages: bool,
) -> None:
    """List transitions."""
    page = list_page(
        app.client.list_transitions,
        transition_type=list(transition_type) or None,
        max_results=max_results,
        next_token=next_token,
        all_pages=all_pages,
        key="transitions",
    )
    show_page(app, page, "transitions", COLUMNS)


@group.command("get")
@click.argument("transition_id", type=TRANSITION_ID)
@pass_app
def get(app: App, transition_id: str) -> None:
    """Show a transition."""
    show_object(app, app.client.get_transition(transition_id))


@group.command("create")
@click.argument("transition_type", type=TYPES)
@click.option("--parameters", "-p", type=JSON, help='JSON or path, e.g. {"imageUrl": ...} for docker.')
@click.option("--in-schema", type=JSON, help="JSON schema (or its path) of the input.")
@click.option("--out-schema", type=JSON, help="JSON schema (or its path) of the output.")
@click.option("--name")
@click.option("--description")
@pass_app
def create(
    app: App,
    transition_type: str,
    parameters: Any,
    in_schema: Any,
    out_schema: Any,
    name: str | None,
    description: str | None,
) -> None:
    """Create a docker or manual transition."""
    transition = app.client.create_transition(
        transition_type,
        in_schema=in_schema,
        out_schema=out_schema,
        parameters=parameters,
        **named(name=name, description=description),
    )
    show_object(app, transition, heading="Created transition")


@group.command("update")
@click.argument("transition_id", type=TRANSITION_ID)
@click.option("--in-schema", type=JSON, help="JSON or path.")
@click.option("--out-schema", type=JSON, help="JSON or path.")
@click.option("--assets", type=JSON, help="JSON or path: {name: asset id} of a manual transition.")
@click.option("--environment", "-e", type=KEY_VALUE, multiple=True, help="NAME=VALUE (repeatable).")
@click.option("--environment-secret", type=SECRET_ID, multiple=True, help="Secret id (repeatable).")
@click.option("--name")
@click.option("--description")
@pass_app
def update(
    app: App,
    transition_id: str,
    in_schema: Any,
    out_schema: Any,
    assets: Any,
    environment: tuple[tuple[str, str], ...],
    environment_secret: tuple[str, ...],
    name: str | None,
    description: str | None,
) -> None:
    """Change a transition."""
    transition = app.client.update_transition(
        transition_id,
        in_schema=in_schema,
        out_schema=out_schema,
        assets=assets,
        environment=dict(environment) or None,
        environment_secrets=list(environment_secret) or None,
        **named(name=name, description=description),
    )
    show_object(app, transition, heading="Updated transition")


@group.command("delete")
@click.argument("transition_id", type=TRANSITION_ID)
@pass_app
def delete(app: App, transition_id: str) -> None:
    """Delete a transition (the API refuses while a workflow uses it)."""
    show_done(app, app.client.delete_transition(transition_id), f"Deleted {transition_id}")


@group.command("execute")
@click.argument("transition_id", type=TRANSITION_ID)
@pass_app
def execute(app: App, transition_id: str) -> None:
    """Start an execution of a manual transition."""
    show_object(app, app.client.execute_transition(transition_id), heading="Started execution")


@group.command("list-executions")
@click.argument("transition_id", type=TRANSITION_ID)
@click.option("--status", "-s", type=STATUSES, multiple=True, help="Only these statuses (repeatable).")
@click.option("--execution-id", type=TRANSITION_EXECUTION_ID, multiple=True, help="Only these (repeatable).")
@click.option("--sort-by", type=click.Choice(["startTime", "endTime"]))
@click.option("--order", type=click.Choice(["ascending", "descending"]))
@paging
@pass_app
def list_executions(
    app: App,
    transition_id: str,
    status: tuple[str, ...],
    execution_id: tuple[str, ...],
    sort_by: str | None,
    order: str | None,
    max_results: int | None,
    next_token: str | None,
    all_pages: bool,
) -> None:
    """List the executions of a transition."""
    page = list_page(
        app.client.list_transition_executions,
        transition_id,
        status=list(status) or None,
        execution_id=list(execution_id) or None,
        sort_by=sort_by,
        order=order,
        max_results=max_results,
        next_token=next_token,
        all_pages=all_pages,
        key="executions",
    )
    show_page(app, page, "executions", EXECUTION_COLUMNS)


@group.command("get-execution")
@click.argument("transition_id", type=TRANSITION_ID)
@click.argument("execution_id", type=TRANSITION_EXECUTION_ID)
@pass_app
def get_execution(app: App, transition_id: str, execution_id: str) -> None:
    """Show a transition execution."""
    show_object(app, app.client.get_transition_execution(transition_id, execution_id))


@group.command("update-execution")
@click.argument("transition_id", type=TRANSITION_ID)
@click.argument("execution_id", type=TRANSITION_EXECUTION_ID)
@click.argument("status", type=click.Choice(["succeeded", "failed", "rejected", "retry"]))
@click.option("--output", "-o", type=JSON, help="JSON or path: the output (with succeeded).")
@click.option("--error", type=JSON, help='JSON or path: {"message": ...} (with failed).')
@click.option("--start-time", help="ISO 8601 time that replaces the start time.")
@pass_app
def update_execution(
    app: App,
    transition_id: str,
    execution_id: str,
    status: str,
    output: Any,
    error: Any,
    start_time: str | None,
) -> None:
    """End a transition execution with STATUS."""
    execution = app.client.update_transition_execution(
        transition_id, execution_id, status, output=output, error=error, start_time=start_time
    )
    show_object(app, execution, heading="Updated execution")


@group.command("heartbeat")
@click.argument("transition_id", type=TRANSITION_ID)
@click.argument("execution_id", type=TRANSITION_EXECUTION_ID)
@pass_app
def heartbeat(app: App, transition_id: str, execution_id: str) -> None:
    """Tell the API a manual execution is still being worked on (at least every 60 s)."""
    app.client.send_heartbeat(transition_id, execution_id)
    show_done(app, None, f"Heartbeat sent for {execution_id}")
