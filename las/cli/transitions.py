"""``las transitions list|get|create|update|delete|execute`` and their executions."""

from __future__ import annotations

from typing import Any

import click

from ._context import App, pass_app
from ._group import Group, several
from ._output import EXECUTION_COLUMNS, Column, show_done, show_object
from ._params import (
    JSON,
    KEY_VALUE_OR_MAP,
    ORDER,
    SECRET_ID,
    SORT_BY,
    TRANSITION_EXECUTION_ID,
    TRANSITION_ID,
    named,
)
from ._standard import Argument, standard_delete, standard_get, standard_list

COLUMNS: list[Column] = [
    ("transition id", "transitionId"),
    ("type", "transitionType"),
    ("name", "name"),
    ("created", "createdTime"),
]
TYPES = click.Choice(["docker", "manual"])
STATUSES = click.Choice(["running", "succeeded", "failed", "rejected", "retry"])


@click.group("transitions", cls=Group)
def group() -> None:
    """Transitions: the steps of a workflow (docker containers or manual tasks)."""


TRANSITION: list[Argument] = [("transition_id", TRANSITION_ID)]
EXECUTION: list[Argument] = [*TRANSITION, ("execution_id", TRANSITION_EXECUTION_ID)]

standard_list(
    group,
    "list_transitions",
    "transitions",
    COLUMNS,
    "List transitions.",
    options=[several("--transition-type", "-t", type=TYPES, help="Only these types (one or more).")],
)
standard_get(group, "get_transition", TRANSITION, "Show a transition.")


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
@several(
    "--environment",
    "-e",
    type=KEY_VALUE_OR_MAP,
    help='NAME=VALUE, or a JSON file (or inline JSON) {"NAME": "value"}; one or more.',
)
@several(
    "--environment-secret",
    "--environment-secrets",
    type=SECRET_ID,
    help="Secret ids whose data become environment variables; one or more.",
)
@click.option("--name")
@click.option("--description")
@pass_app
def update(
    app: App,
    transition_id: str,
    in_schema: Any,
    out_schema: Any,
    assets: Any,
    environment: tuple[list[tuple[str, str]], ...],
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
        environment=dict(pair for pairs in environment for pair in pairs) or None,
        environment_secrets=list(environment_secret) or None,
        **named(name=name, description=description),
    )
    show_object(app, transition, heading="Updated transition")


standard_delete(
    group, "delete_transition", TRANSITION, "Delete a transition (the API refuses while a workflow uses it)."
)


@group.command("execute")
@click.argument("transition_id", type=TRANSITION_ID)
@pass_app
def execute(app: App, transition_id: str) -> None:
    """Start an execution of a manual transition."""
    show_object(app, app.client.execute_transition(transition_id), heading="Started execution")


standard_list(
    group,
    "list_transition_executions",
    "executions",
    EXECUTION_COLUMNS,
    "List the executions of a transition.",
    name="list-executions",
    arguments=TRANSITION,
    options=[
        several("--status", "-s", type=STATUSES, help="Only these statuses (one or more)."),
        several("--execution-id", type=TRANSITION_EXECUTION_ID, help="Only these executions (one or more)."),
        click.option("--sort-by", type=SORT_BY),
        click.option("--order", type=ORDER),
    ],
)
standard_get(
    group, "get_transition_execution", EXECUTION, "Show a transition execution.", name="get-execution"
)


@group.command("update-execution")
@click.argument("transition_id", type=TRANSITION_ID)
@click.argument("execution_id", type=TRANSITION_EXECUTION_ID)
@click.argument("status", type=click.Choice(["succeeded", "failed", "rejected", "retry"]))
@click.option("--output", "-o", type=JSON, help="JSON or path: the output (with succeeded).")
@click.option("--error", "-e", type=JSON, help='JSON or path: {"message": ...} (with failed).')
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
    app.client.send_heartbeat(transition_id, execution_id)  # 204: no answer to print
    show_done(app, None, f"Heartbeat sent for {execution_id}")
