"""``las organizations get|update``."""

from __future__ import annotations

import click

from ._context import App, pass_app
from ._group import Group
from ._output import show_object
from ._params import ORGANIZATION_ID, named


@click.group("organizations", cls=Group)
def group() -> None:
    """Your organization: its name and monthly usage and limits."""


@group.command("get")
@click.argument("organization_id", type=ORGANIZATION_ID, default="me")
@pass_app
def get(app: App, organization_id: str) -> None:
    """Show an organization with its usage and limits (default: yours, `me`)."""
    show_object(app, app.client.get_organization(organization_id))


@group.command("update")
@click.argument("organization_id", type=ORGANIZATION_ID)  # required: a rename names its target
@click.option("--name")
@click.option("--description")
@pass_app
def update(app: App, organization_id: str, name: str | None, description: str | None) -> None:
    """Rename or describe an organization."""
    fields = named(name=name, description=description)
    if not fields:
        raise click.UsageError("nothing to update: give --name and/or --description")
    show_object(
        app, app.client.update_organization(organization_id, **fields), heading="Updated organization"
    )
