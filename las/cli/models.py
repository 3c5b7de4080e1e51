"""``las models list|get|create|update|delete`` and their data bundles."""

from __future__ import annotations

from typing import Any

import click

from ._context import App, pass_app
from ._group import Group
from ._output import Column, show_done, show_object, show_page
from ._params import DATA_BUNDLE_ID, DATASET_ID, JSON, MODEL_ID, list_page, named, paging

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
SIZE = click.IntRange(97, 1921)


@click.group("models", cls=Group)
def group() -> None:
    """Models: what reads fields out of documents."""


@group.command("list")
@paging
@pass_app
def list_(app: App, max_results: int | None, next_token: str | None, all_pages: bool) -> None:
    """List models."""
    page = list_page(
        app.client.list_models,
        max_results=max_results,
        next_token=next_token,
        all_pages=all_pages,
        key="models",
    )
    show_page(app, page, "models", COLUMNS)


@group.command("get")
@click.argument("model_id", type=MODEL_ID)
@pass_app
def get(app: App, model_id: str) -> None:
    """Show a model."""
    show_object(app, app.client.get_model(model_id))


@group.command("create")
@click.argument("width", type=SIZE)
@click.argument("height", type=SIZE)
@click.argument("field_config", type=JSON)
@click.option("--preprocess-config", type=JSON, help="JSON or path: autoRotate, maxPages, imageQuality.")
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


@group.command("delete")
@click.argument("model_id", type=MODEL_ID)
@pass_app
def delete(app: App, model_id: str) -> None:
    """Delete a model."""
    show_done(app, app.client.delete_model(model_id), f"Deleted {model_id}")


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


@group.command("list-data-bundles")
@click.argument("model_id", type=MODEL_ID)
@paging
@pass_app
def list_data_bundles(
    app: App, model_id: str, max_results: int | None, next_token: str | None, all_pages: bool
) -> None:
    """List the data bundles of a model."""
    page = list_page(
        app.client.list_data_bundles,
        model_id,
        max_results=max_results,
        next_token=next_token,
        all_pages=all_pages,
        key="dataBundles",
    )
    show_page(app, page, "dataBundles", BUNDLE_COLUMNS, title="data bundles")


@group.command("update-data-bundle")
@click.argument("model_id", type=MODEL_ID)
@click.argument("data_bundle_id", type=DATA_BUNDLE_ID)
@click.option("--name")
@click.option("--description")
@pass_app
def update_data_bundle(
    app: App, model_id: str, data_bundle_id: str, name: str | None, description: str | None
) -> None:
    """Rename or describe a data bundle."""
    fields = named(name=name, description=description)
    if not fields:
        raise click.UsageError("nothing to update: give --name and/or --description")
    bundle = app.client.update_data_bundle(model_id, data_bundle_id, **fields)
    show_object(app, bundle, heading="Updated data bundle")


@group.command("delete-data-bundle")
@click.argument("model_id", type=MODEL_ID)
@click.argument("data_bundle_id", type=DATA_BUNDLE_ID)
@pass_app
def delete_data_bundle(app: App, model_id: str, data_bundle_id: str) -> None:
    """Delete a data bundle."""
    answer = app.client.delete_data_bundle(model_id, data_bundle_id)
    show_done(app, answer, f"Deleted {data_bundle_id}")
