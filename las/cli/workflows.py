"""``las workflows list|get|create|update|delete|execute`` and their executions."""

from __future__ import annotations

from typing import Any

import click

from ._context import App, pass_app
from ._group import Group
from ._output import Column, show_done, show_object, show_page
from ._params import JSON, TRANSITION_ID, WORKFLOW_EXECUTION_ID, WORKFLOW_ID, list_page, named, paging

COLUMNS: list[Column] = [
    ("workflow id", "workflowId"),
    ("name", "name"),
    ("running executions", "numberOfRunningExecutions"),
    ("created", "createdTime"),
]
EXECUTION_COLUMNS: list[Column] = [
    ("execution id", "executionId"),
    ("status", "status"),
    ("started", "startTime"),
    ("ended", "endTime"),
]
STATUSES = click.Choice(["running", "succeeded", "failed", "rejected", "retry", "error"])
SORT_BY = click.Choice(["startTime", "endTime"])
ORDER = click.Choice(["ascending", "descending"])


@click.group("workflows", cls=Group)
def group() -> None:
    """Workflows: chains of transitions that documents go through."""


@group.command("list")
@paging
@pass_app
def list_(app: App, max_results: int | None, next_token: str | None, all_pages: bool) -> None:
    """List workflows."""
    page = list_page(
        app.client.list_workflows,
        max_results=max_results,
        next_token=next_token,
        all_pages=all_pages,
        key="workflows",
    )
    show_page(app, page, "workflows", COLUMNS)


@group.command("get")
@click.argument("workflow_id", type=WORKFLOW_ID)
@pass_app
def get(app: App, workflow_id: str) -> None:
    """Show a workflow."""
    show_object(app, app.client.get_workflow(workflow_id))


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


@group.command("delete")
@click.argument("workflow_id", type=WORKFLOW_ID)
@pass_app
def delete(app: App, workflow_id: str) -> None:
    """Delete a workflow."""
    show_done(app, app.client.delete_workflow(workflow_id), f"Deleted {workflow_id}")


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


@group.command("list-executions")
@click.argument("workflow_id", type=WORKFLOW_ID)
@click.option("--status", "-s", type=STATUSES, multiple=True, help="Only these statuses (repeatable).")
@click.option("--sort-by", type=SORT_BY)
@click.option("--order", type=ORDER)
@paging
@pass_app
def list_executions(
    app: App,
    workflow_id: str,
    status: tuple[str, ...],
    sort_by: str | None,
    order: str | None,
    max_results: int | None,
    next_token: str | None,
    all_pages: bool,
) -> None:
    """List the executions of a workflow."""
    page = list_page(
        app.client.list_workflow_executions,
        workflow_id,
        status=list(status) or None,
        sort_by=sort_by,
        order=order,
        max_results=max_results,
        next_token=next_token,
        all_pages=all_pages,
        key="executions",
    )
    show_page(app, page, "executions", EXECUTION_COLUMNS)


@group.command("get-execution")
@click.argument("workflow_id", type=WORKFLOW_ID)
@click.argument("execution_id", type=WORKFLOW_EXECUTION_ID)
@pass_app
def get_execution(app: App, workflow_id: str, execution_id: str) -> None:
    """Show a workflow execution."""
    show_object(app, app.client.get_workflow_execution(workflow_id, execution_id))


@group.command("update-execution")
@click.argument("workflow_id", type=WORKFLOW_ID)
@click.argument("execution_id", type=WORKFLOW_EXECUTION_ID)
@click.argument("next_transition_id", type=TRANSITION_ID)
@pass_app
def update_execution(app: App, workflow_id: str, execution_id: str, next_transition_id: str) -> None:
    """Retry an execution from NEXT_TRANSITION_ID (las:transition:commons-failed ends it)."""
    execution = app.client.update_workflow_execution(workflow_id, execution_id, next_transition_id)
    show_object(app, execution, heading="Updated execution")


@group.command("delete-execution")
@click.argument("workflow_id", type=WORKFLOW_ID)
@click.argument("execution_id", type=WORKFLOW_EXECUTION_ID)
@pass_app
def delete_execution(app: App, workflow_id: str, execution_id: str) -> None:
    """Delete a workflow execution."""
    answer = app.client.delete_workflow_execution(workflow_id, execution_id)
    show_done(app, answer, f"Deleted {execution_id}")
