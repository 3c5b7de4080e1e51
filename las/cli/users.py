"""``las users list|get|create|update|delete``."""

from __future__ import annotations

import base64
from pathlib import Path

import click

from ._context import App, pass_app
from ._group import Group
from ._output import Column, show_object
from ._params import APP_CLIENT_ID, USER_ID, named
from ._standard import Argument, standard_delete, standard_get, standard_list

COLUMNS: list[Column] = [
    ("user id", "userId"),
    ("email", "email"),
    ("name", "name"),
    ("created", "createdTime"),
]
AVATAR = click.Path(exists=True, dir_okay=False, path_type=Path)


def _avatar(path: Path | None) -> str | None:
    return base64.b64encode(path.read_bytes()).decode("ascii") if path is not None else None


def _shown(app: App, user: dict[str, object]) -> dict[str, object]:
    if app.json_output or not isinstance(user.get("avatar"), str):
        return user
    return {**user, "avatar": f"<{len(str(user['avatar'])) * 3 // 4} bytes; --json shows it>"}


@click.group("users", cls=Group)
def group() -> None:
    """Users: people with access to the organization."""


USER: list[Argument] = [("user_id", USER_ID)]

standard_list(group, "list_users", "users", COLUMNS, "List users.")
standard_get(group, "get_user", USER, "Show a user.", shown=_shown)


@group.command("create")
@click.argument("email")
@click.argument("app_client", metavar="[APP_CLIENT_ID]", required=False, type=APP_CLIENT_ID)
@click.option(
    "--app-client-id", type=APP_CLIENT_ID, help="App client the user signs in with (or APP_CLIENT_ID)."
)
@click.option("--name")
@click.option("--avatar", type=AVATAR, help="Path of a JPEG image.")
@pass_app
def create(
    app: App,
    email: str,
    app_client: str | None,
    app_client_id: str | None,
    name: str | None,
    avatar: Path | None,
) -> None:
    """Invite a user by EMAIL, signing in with APP_CLIENT_ID (or --app-client-id)."""
    if app_client and app_client_id and app_client != app_client_id:
        raise click.UsageError(f"two app clients given: {app_client} and --app-client-id {app_client_id}")
    chosen = app_client or app_client_id
    if chosen is None:
        raise click.UsageError("which app client does the user sign in with? give APP_CLIENT_ID after EMAIL")
    user = app.client.create_user(email, app_client_id=chosen, **named(name=name, avatar=_avatar(avatar)))
    show_object(app, _shown(app, user), heading="Created user")


@group.command("update")
@click.argument("user_id", type=USER_ID)
@click.option("--name")
@click.option("--avatar", type=AVATAR, help="Path of a JPEG image.")
@pass_app
def update(app: App, user_id: str, name: str | None, avatar: Path | None) -> None:
    """Change a user."""
    fields = named(name=name, avatar=_avatar(avatar))
    if not fields:
        raise click.UsageError("nothing to update: give --name and/or --avatar")
    show_object(app, _shown(app, app.client.update_user(user_id, **fields)), heading="Updated user")


standard_delete(group, "delete_user", USER, "Delete a user.")
