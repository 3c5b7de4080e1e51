"""``las secrets list|create|update|delete`` (the API never shows a secret's data back)."""

from __future__ import annotations

import click

from ._context import App, pass_app
from ._group import Group, several
from ._output import Column, show_object
from ._params import KEY_VALUE, SECRET_ID, STRING_MAP, named
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


def _secret_data(
    pairs: tuple[tuple[str, str], ...], from_file: dict[str, str] | None
) -> dict[str, str] | None:
    """The secret's data from KEY=VALUE pairs or ``--secret-path`` (None: neither given).

    Raises:
        click.UsageError: both were given (as in the official CLI, they exclude each other).
    """
    if pairs and from_file is not None:
        raise click.UsageError("give the data either as KEY=VALUE (or --secret-data) or --secret-path FILE")
    return from_file if from_file is not None else dict(pairs) or None


SECRET_PATH = click.option(
    "--secret-path", "secret_file", type=STRING_MAP, help='JSON file (or inline JSON): {"KEY": "value", ...}.'
)


@group.command("create")
@click.argument("data", nargs=-1, type=KEY_VALUE)
@several("--secret-data", type=KEY_VALUE, help="KEY=VALUE, one or more (as DATA).")
@SECRET_PATH
@click.option("--name")
@click.option("--description")
@pass_app
def create(
    app: App,
    data: tuple[tuple[str, str], ...],
    secret_data: tuple[tuple[str, str], ...],
    secret_file: dict[str, str] | None,
    name: str | None,
    description: str | None,
) -> None:
    """Create a secret holding DATA (KEY=VALUE ...), or the --secret-path file's."""
    values = _secret_data(data + secret_data, secret_file)
    if values is None:
        raise click.UsageError("a secret needs data: give KEY=VALUE ... or --secret-path FILE")
    secret = app.client.create_secret(values, **named(name=name, description=description))
    show_object(app, secret, heading="Created secret")


@group.command("update")
@click.argument("secret_id", type=SECRET_ID)
@several(
    "--data", "--secret-data", "-d", type=KEY_VALUE, help="KEY=VALUE, one or more; replaces all the data."
)
@SECRET_PATH
@click.option("--name")
@click.option("--description")
@pass_app
def update(
    app: App,
    secret_id: str,
    data: tuple[tuple[str, str], ...],
    secret_file: dict[str, str] | None,
    name: str | None,
    description: str | None,
) -> None:
    """Change a secret."""
    secret = app.client.update_secret(
        secret_id, data=_secret_data(data, secret_file), **named(name=name, description=description)
    )
    show_object(app, secret, heading="Updated secret")


standard_delete(group, "delete_secret", [("secret_id", SECRET_ID)], "Delete a secret.")
