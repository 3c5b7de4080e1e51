"""``las assets list|get|create|update|delete``."""

from __future__ import annotations

from pathlib import Path

import click

from ._context import App, pass_app
from ._group import Group
from ._output import Column, show_file
from ._params import ASSET_ID, named
from ._standard import Argument, standard_delete, standard_get, standard_list

COLUMNS: list[Column] = [
    ("asset id", "assetId"),
    ("name", "name"),
    ("description", "description"),
    ("created", "createdTime"),
]
FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group("assets", cls=Group)
def group() -> None:
    """Assets: files transitions use (e.g. the HTML of a manual task)."""


standard_list(group, "list_assets", "assets", COLUMNS, "List assets.")


ASSET: list[Argument] = [("asset_id", ASSET_ID)]

standard_get(
    group,
    "get_asset",
    ASSET,
    "Show an asset (its content with --json, or into a file with --download-content).",
    download_help="Write the content here.",
)


@group.command("create")
@click.argument("path", type=FILE)
@click.option("--name")
@click.option("--description")
@pass_app
def create(app: App, path: Path, name: str | None, description: str | None) -> None:
    """Upload the file at PATH as an asset."""
    asset = app.client.create_asset(path, **named(name=name, description=description))
    show_file(app, asset, heading="Created asset")


@group.command("update")
@click.argument("asset_id", type=ASSET_ID)
@click.option("--content", type=FILE, help="Replace the content with this file.")
@click.option("--name")
@click.option("--description")
@pass_app
def update(app: App, asset_id: str, content: Path | None, name: str | None, description: str | None) -> None:
    """Change an asset."""
    fields = named(content=content, name=name, description=description)
    if not fields:
        raise click.UsageError("nothing to update: give --content, --name and/or --description")
    asset = app.client.update_asset(asset_id, **fields)
    show_file(app, asset, heading="Updated asset")


standard_delete(group, "delete_asset", ASSET, "Delete an asset.")
