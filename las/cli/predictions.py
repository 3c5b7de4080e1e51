"""``las predictions create|list``."""

from __future__ import annotations

import click
from rich.text import Text

from ._context import App, pass_app
from ._group import Group
from ._output import Column, emit, show_items, show_object
from ._params import DOCUMENT_ID, MODEL_ID
from ._standard import standard_list

COLUMNS: list[Column] = [
    ("prediction id", "predictionId"),
    ("document", "documentId"),
    ("model", "modelId"),
    ("fields", lambda item: len(item.get("predictions") or [])),
    ("time", "timestamp"),
]
FIELD_COLUMNS: list[Column] = [("label", "label"), ("value", "value"), ("confidence", "confidence")]
MAX_PAGES = click.IntRange(1, 3)
IMAGE_QUALITY = click.Choice(["LOW", "HIGH"])


@click.group("predictions", cls=Group)
def group() -> None:
    """Predictions: a model's reading of a document."""


def show_prediction(app: App, prediction: dict[str, object]) -> None:
    """A prediction: its JSON, or its fields as a table."""
    if app.json_output:
        show_object(app, prediction)
        return
    fields = prediction.get("predictions")
    emit(Text(f"Prediction {prediction.get('predictionId')} of {prediction.get('documentId')}"))
    show_items(fields if isinstance(fields, list) else [], FIELD_COLUMNS, title="fields")


@group.command("create")
@click.argument("document_id", type=DOCUMENT_ID)
@click.argument("model_id", type=MODEL_ID)
@click.option("--max-pages", type=MAX_PAGES, help="Pages to predict on (1 to 3).")
@click.option("--auto-rotate", is_flag=True, default=None, help="Let the API try rotations.")
@click.option("--image-quality", type=IMAGE_QUALITY)
@pass_app
def create(
    app: App,
    document_id: str,
    model_id: str,
    max_pages: int | None,
    auto_rotate: bool | None,
    image_quality: str | None,
) -> None:
    """Predict the fields of DOCUMENT_ID with MODEL_ID."""
    prediction = app.client.create_prediction(
        document_id, model_id, max_pages=max_pages, auto_rotate=auto_rotate, image_quality=image_quality
    )
    show_prediction(app, prediction)


standard_list(group, "list_predictions", "predictions", COLUMNS, "List predictions.")
