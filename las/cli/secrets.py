"""``las secrets list|create|update|delete`` (the API never shows a secret's data back)."""

from __future__ import annotations

import click

from ._context import App, pass_app
from ._group import Group
from ._output import Column, show_object
from ._params import KEY_VALUE, SECRET_ID, named
from ._standard import standard_delete, standard_list

COLUMNS: list[Column] = [
    ("secret id", "secretId"),
    ("name", "name"),
    ("description", "description"),
    ("created", "createdTime"),
]


@click.group("secrets", cls=Group)
def group() -> None:
    """Secrets: values docker transitions read from their environment."""


standard_list(group, "list_secrets", "secrets", COLUMNS, "List secrets.")


@group.command("create")
@click.argument("data", nargs=-1, required=True, type=KEY_VALUE)
@click.option("--name")
@click.option("--description")
@pass_app
def create(app: App, data: tuple[tuple[str, str], ...], name: str | None, description: str | None) -> None:
    """Create a secret holding DATA (KEY=VALUE ...)."""
    secret = app.client.create_secret(dict(data), **named(name=name, description=description))
    show_object(app, secret, heading="Created secret")


@group.command("update")
@click.argument("secret_id", type=SECRET_ID)
@click.option("--data", "-d", type=KEY_VALUE, multiple=True, help="KEY=VALUE (repeatable); replaces all.")
@click.option("--name")
@click.option("--description")
@pass_app
def update(
    app: App, secret_id: str, data: tuple[tuple[str, str], ...], name: str | None, description: str | None
) -> None:
    """Change a secret."""
    secret = app.client.update_secret(
        secret_id, data=dict(data) or None, **named(name=name, description=description)
    )
    show_object(app, secret, heading="Updated secret")


standard_delete(group, "delete_secret", [("secret_id", SECRET_ID)], "Delete a secret.")
