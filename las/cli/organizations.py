"""``las organizations get|update``."""

from __future__ import annotations

import click

from ._context import App, pass_app
from ._group import Group
from ._output import show_object
from ._params import ORGANIZATION_ID
from ._standard import standard_rename


@click.group("organizations", cls=Group)
def group() -> None:
    """Your organization: its name and monthly usage and limits."""


@group.command("get")
@click.argument("organization_id", type=ORGANIZATION_ID, default="me")
@pass_app
def get(app: App, organization_id: str) -> None:
    """Show an organization with its usage and limits (default: yours, `me`)."""
    show_object(app, app.client.get_organization(organization_id))


# The id is required here: a rename names its target.
standard_rename(
    group,
    "update_organization",
    [("organization_id", ORGANIZATION_ID)],
    "organization",
    "Rename or describe an organization.",
)
