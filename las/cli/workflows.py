"""``las workflows list|get|create|update|delete|execute`` and their executions."""

from __future__ import annotations

from typing import Any

import click

from ._context import App, pass_app
from ._group import Group, several
from ._output import EXECUTION_COLUMNS, Column, show_object
from ._params import JSON, ORDER, SORT_BY, TRANSITION_ID, WORKFLOW_EXECUTION_ID, WORKFLOW_ID, named
from ._standard import Argument, standard_delete, standard_get, standard_list

COLUMNS: list[Column] = [
    ("workflow id", "workflowId"),
    ("name", "name"),
    ("running executions", "numberOfRunningExecutions"),
    ("created", "createdTime"),
]
STATUSES = click.Choice(["running", "succeeded", "failed", "rejected", "retry", "error"])


@click.group("workflows", cls=Group)
def group() -> None:
    """Workflows: chains of transitions that documents go through."""


WORKFLOW: list[Argument] = [("workflow_id", WORKFLOW_ID)]
EXECUTION: list[Argument] = [*WORKFLOW, ("execution_id", WORKFLOW_EXECUTION_ID)]

standard_list(group, "list_workflows", "workflows", COLUMNS, "List workflows.")
standard_get(group, "get_workflow", WORKFLOW, "Show a workflow.")


@group.command("create")
@click.argument("specification", type=JSON)
@click.option("--name")
@click.option("--description")
@click.option("--error-config", type=JSON, help='JSON or path, e.g. {"email": "ops@example.com"}.')
@click.option("--completed-config", type=JSON, help="JSON or path: a job run when an execution ends.")
@pass_app
def create(
    app: App,
    specification: Any,
    name: str | None,
    description: str | None,
    error_config: Any,
    completed_config: Any,
) -> None:
    """Create a workflow from SPECIFICATION (JSON or path): {"language": "ASL", "definition": {...}}."""
    workflow = app.client.create_workflow(
        specification,
        error_config=error_config,
        completed_config=completed_config,
        **named(name=name, description=description),
    )
    show_object(app, workflow, heading="Created workflow")


@group.command("update")
@click.argument("workflow_id", type=WORKFLOW_ID)
@click.option("--name")
@click.option("--description")
@click.option("--error-config", type=JSON, help="JSON or path.")
@click.option("--completed-config", type=JSON, help="JSON or path.")
@pass_app
def update(
    app: App,
    workflow_id: str,
    name: str | None,
    description: str | None,
    error_config: Any,
    completed_config: Any,
) -> None:
    """Change a workflow."""
    workflow = app.client.update_workflow(
        workflow_id,
        error_config=error_config,
        completed_config=completed_config,
        **named(name=name, description=description),
    )
    show_object(app, workflow, heading="Updated workflow")


standard_delete(group, "delete_workflow", WORKFLOW, "Delete a workflow.")


@group.command("execute")
@click.argument("workflow_id", type=WORKFLOW_ID)
@click.argument("input_", metavar="INPUT", type=JSON)
@pass_app
def execute(app: App, workflow_id: str, input_: Any) -> None:
    """Start an execution with INPUT (JSON or path) as the first state's input.

    Wait for it with `las executions wait WORKFLOW_ID EXECUTION_ID`.
    """
    execution = app.client.execute_workflow(workflow_id, input_)
    show_object(app, execution, heading="Started execution")


standard_list(
    group,
    "list_workflow_executions",
    "executions",
    EXECUTION_COLUMNS,
    "List the executions of a workflow.",
    name="list-executions",
    arguments=WORKFLOW,
    options=[
        several("--status", "-s", type=STATUSES, help="Only these statuses (one or more)."),
        click.option("--sort-by", type=SORT_BY),
        click.option("--order", type=ORDER),
    ],
)
standard_get(group, "get_workflow_execution", EXECUTION, "Show a workflow execution.", name="get-execution")


@group.command("update-execution")
@click.argument("workflow_id", type=WORKFLOW_ID)
@click.argument("execution_id", type=WORKFLOW_EXECUTION_ID)
@click.argument("next_transition", metavar="[NEXT_TRANSITION_ID]", required=False, type=TRANSITION_ID)
@click.option(
    "--next-transition-id", type=TRANSITION_ID, help="The transition to go on from (or NEXT_TRANSITION_ID)."
)
@pass_app
def update_execution(
    app: App, workflow_id: str, execution_id: str, next_transition: str | None, next_transition_id: str | None
) -> None:
    """Retry an execution from NEXT_TRANSITION_ID (las:transition:commons-failed ends it)."""
    if next_transition and next_transition_id and next_transition != next_transition_id:
        raise click.UsageError(
            f"two next transitions given: {next_transition} and --next-transition-id {next_transition_id}"
        )
    chosen = next_transition or next_transition_id
    if chosen is None:
        raise click.UsageError("which transition does the execution go on from? give NEXT_TRANSITION_ID")
    execution = app.client.update_workflow_execution(workflow_id, execution_id, chosen)
    show_object(app, execution, heading="Updated execution")


standard_delete(
    group, "delete_workflow_execution", EXECUTION, "Delete a workflow execution.", name="delete-execution"
)
