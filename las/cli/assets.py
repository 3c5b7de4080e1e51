"""``las assets list|get|create|update|delete``."""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

import click

from ._context import App, pass_app
from ._group import Group
from ._output import Column, show_object, without_content
from ._params import ASSET_ID, named
from ._standard import standard_delete, standard_list

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


@group.command("get")
@click.argument("asset_id", type=ASSET_ID)
@click.option(
    "--download-content",
    "-d",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the content here.",
)
@pass_app
def get(app: App, asset_id: str, download_content: Path | None) -> None:
    """Show an asset (its content with --json, or into a file with --download-content)."""
    asset = app.client.get_asset(asset_id)
    if download_content is not None:
        try:
            download_content.write_bytes(base64.b64decode(asset.get("content") or "", validate=True))
        except binascii.Error as error:
            raise click.ClickException(f"the API's content is not valid base64: {error}") from None
    show_object(app, asset if app.json_output else without_content(asset))


@group.command("create")
@click.argument("path", type=FILE)
@click.option("--name")
@click.option("--description")
@pass_app
def create(app: App, path: Path, name: str | None, description: str | None) -> None:
    """Upload the file at PATH as an asset."""
    asset = app.client.create_asset(path, **named(name=name, description=description))
    show_object(app, asset if app.json_output else without_content(asset), heading="Created asset")


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
    show_object(app, asset if app.json_output else without_content(asset), heading="Updated asset")


standard_delete(group, "delete_asset", [("asset_id", ASSET_ID)], "Delete an asset.")
