"""``las models list|get|create|update|delete`` and their data bundles."""

from __future__ import annotations

from typing import Any

import click

from ._context import App, pass_app
from ._group import Group
from ._output import Column, show_object
from ._params import DATA_BUNDLE_ID, DATASET_ID, JSON, MODEL_ID, named
from ._standard import Argument, standard_delete, standard_get, standard_list, standard_rename

COLUMNS: list[Column] = [
    ("model id", "modelId"),
    ("name", "name"),
    ("status", "status"),
    ("size", lambda item: f"{item.get('width')}x{item.get('height')}"),
    ("fields", lambda item: ", ".join(item.get("fieldConfig") or {})),
    ("data bundles", "numberOfDataBundles"),
]
BUNDLE_COLUMNS: list[Column] = [
    ("data bundle id", "dataBundleId"),
    ("name", "name"),
    ("status", "status"),
    ("datasets", lambda item: ", ".join(d.get("datasetId", "?") for d in item.get("datasets") or [])),
]


class SizeType(click.IntRange):
    """A model's width or height; the official CLI's ``models create FIELD_CONFIG`` is told what is missing."""

    def __init__(self) -> None:
        super().__init__(97, 1921)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and (value.lstrip().startswith("{") or value.endswith(".json")):
            self.fail(
                "got a field config where WIDTH goes: the API contract this SDK speaks (2021-09-23) "
                "needs a model's size: las models create WIDTH HEIGHT FIELD_CONFIG",
                param,
                ctx,
            )
        return super().convert(value, param, ctx)


SIZE = SizeType()


@click.group("models", cls=Group)
def group() -> None:
    """Models: what reads fields out of documents."""


MODEL: list[Argument] = [("model_id", MODEL_ID)]
DATA_BUNDLE: list[Argument] = [*MODEL, ("data_bundle_id", DATA_BUNDLE_ID)]

standard_list(group, "list_models", "models", COLUMNS, "List models.")
standard_get(group, "get_model", MODEL, "Show a model.")


@group.command("create")
@click.argument("width", type=SIZE)
@click.argument("height", type=SIZE)
@click.argument("field_config", type=JSON)
@click.option(
    "--preprocess-config", "-p", type=JSON, help="JSON or path: autoRotate, maxPages, imageQuality."
)
@click.option("--name")
@click.option("--description")
@pass_app
def create(
    app: App,
    width: int,
    height: int,
    field_config: Any,
    preprocess_config: Any,
    name: str | None,
    description: str | None,
) -> None:
    """Create a model reading WIDTHxHEIGHT images with the fields of FIELD_CONFIG (JSON or path).

    FIELD_CONFIG is {"label": {"type": "amount", "maxLength": 12, "description": "..."}, ...}.
    """
    model = app.client.create_model(
        width, height, field_config, preprocess_config=preprocess_config, name=name, description=description
    )
    show_object(app, model, heading="Created model")


@group.command("update")
@click.argument("model_id", type=MODEL_ID)
@click.option("--width", type=SIZE)
@click.option("--height", type=SIZE)
@click.option("--field-config", type=JSON, help="JSON or path.")
@click.option("--preprocess-config", type=JSON, help="JSON or path.")
@click.option("--start-training", is_flag=True, help="Set the status to training.")
@click.option("--name")
@click.option("--description")
@pass_app
def update(
    app: App,
    model_id: str,
    width: int | None,
    height: int | None,
    field_config: Any,
    preprocess_config: Any,
    start_training: bool,
    name: str | None,
    description: str | None,
) -> None:
    """Change a model."""
    model = app.client.update_model(
        model_id,
        width=width,
        height=height,
        field_config=field_config,
        preprocess_config=preprocess_config,
        status="training" if start_training else None,
        **named(name=name, description=description),
    )
    show_object(app, model, heading="Updated model")


standard_delete(group, "delete_model", MODEL, "Delete a model.")


@group.command("create-data-bundle")
@click.argument("model_id", type=MODEL_ID)
@click.argument("dataset_ids", nargs=-1, required=True, type=DATASET_ID)
@click.option("--name")
@click.option("--description")
@pass_app
def create_data_bundle(
    app: App, model_id: str, dataset_ids: tuple[str, ...], name: str | None, description: str | None
) -> None:
    """Bundle datasets to train MODEL_ID on."""
    bundle = app.client.create_data_bundle(
        model_id, list(dataset_ids), **named(name=name, description=description)
    )
    show_object(app, bundle, heading="Created data bundle")


standard_list(
    group,
    "list_data_bundles",
    "dataBundles",
    BUNDLE_COLUMNS,
    "List the data bundles of a model.",
    name="list-data-bundles",
    noun="data bundle",
    arguments=MODEL,
)
standard_rename(
    group,
    "update_data_bundle",
    DATA_BUNDLE,
    "data bundle",
    "Rename or describe a data bundle.",
    name="update-data-bundle",
)
standard_delete(group, "delete_data_bundle", DATA_BUNDLE, "Delete a data bundle.", name="delete-data-bundle")
