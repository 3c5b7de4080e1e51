"""``las app-clients list|create|update|delete``."""

from __future__ import annotations

import click

from ._context import App, pass_app
from ._group import Group, several
from ._output import Column, show_object
from ._params import APP_CLIENT_ID, URL, named
from ._standard import standard_delete, standard_list

COLUMNS: list[Column] = [
    ("app client id", "appClientId"),
    ("name", "name"),
    ("client id", "clientId"),
    ("secret", "hasSecret"),
    ("created", "createdTime"),
]


@click.group("app-clients", cls=Group)
def group() -> None:
    """App clients: credentials programs use to call the API."""


standard_list(group, "list_app_clients", "appClients", COLUMNS, "List app clients.", noun="app client")


@group.command("create")
@click.option("--name")
@click.option("--description")
@click.option(
    "--generate-secret/--no-generate-secret",
    default=True,
    help="A confidential client (default) or a public one.",
)
@several("--login-url", "--login-urls", "login_url", type=URL, help="One or more.")
@several("--logout-url", "--logout-urls", "logout_url", type=URL, help="One or more.")
@several("--callback-url", "--callback-urls", "callback_url", type=URL, help="One or more.")
@click.option("--default-login-url")
@pass_app
def create(
    app: App,
    name: str | None,
    description: str | None,
    generate_secret: bool,
    login_url: tuple[str, ...],
    logout_url: tuple[str, ...],
    callback_url: tuple[str, ...],
    default_login_url: str | None,
) -> None:
    """Create an app client (its secret is shown once, in this answer)."""
    client = app.client.create_app_client(
        generate_secret,
        logout_urls=list(logout_url) or None,
        callback_urls=list(callback_url) or None,
        login_urls=list(login_url) or None,
        default_login_url=default_login_url,
        **named(name=name, description=description),
    )
    show_object(app, client, heading="Created app client")


@group.command("update")
@click.argument("app_client_id", type=APP_CLIENT_ID)
@click.option("--name")
@click.option("--description")
@several("--login-url", "--login-urls", "login_url", type=URL, help="One or more; replaces all.")
@click.option("--default-login-url")
@pass_app
def update(
    app: App,
    app_client_id: str,
    name: str | None,
    description: str | None,
    login_url: tuple[str, ...],
    default_login_url: str | None,
) -> None:
    """Change an app client."""
    fields = named(
        name=name,
        description=description,
        login_urls=list(login_url) or None,
        default_login_url=default_login_url,
    )
    if not fields:
        raise click.UsageError(
            "nothing to update: give --name, --description, --login-url or --default-login-url"
        )
    show_object(app, app.client.update_app_client(app_client_id, **fields), heading="Updated app client")


standard_delete(group, "delete_app_client", [("app_client_id", APP_CLIENT_ID)], "Delete an app client.")
