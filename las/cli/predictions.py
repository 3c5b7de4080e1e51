"""``las predictions create|list``."""

from __future__ import annotations

from typing import Any

import click
from rich.text import Text

from ._context import App, pass_app
from ._group import Group
from ._output import Column, emit, show_items, show_object
from ._params import DOCUMENT_ID, JSON, MODEL_ID
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
    show_items(fields if isinstance(fields, list) else [], FIELD_COLUMNS, noun="field")


# The official CLI's --preprocess-config keys this API contract carries, and the option each is.
PREPROCESS_KEYS = {
    "maxPages": "--max-pages",
    "autoRotate": "--auto-rotate",
    "imageQuality": "--image-quality",
}


def _preprocess(config: Any, **flags: Any) -> dict[str, Any]:
    """``max_pages``, ``auto_rotate`` and ``image_quality`` from the flags or a ``--preprocess-config``.

    Raises:
        click.UsageError: both given, a key this contract has no field for, or a bad value.
    """
    if config is None:
        return flags
    given = ["--" + name.replace("_", "-") for name, value in flags.items() if value is not None]
    if given:
        raise click.UsageError(f"give either --preprocess-config or {', '.join(given)}, not both")
    if not isinstance(config, dict):
        raise click.UsageError('--preprocess-config: expected a JSON object, e.g. {"maxPages": 2}')
    unknown = sorted(set(config) - set(PREPROCESS_KEYS))
    if unknown:
        raise click.UsageError(
            f"--preprocess-config: {', '.join(unknown)} not in the API contract (2021-09-23) this SDK "
            f"speaks; it takes {', '.join(PREPROCESS_KEYS)}"
        )
    auto_rotate = config.get("autoRotate")
    if auto_rotate is not None and not isinstance(auto_rotate, bool):
        raise click.UsageError(f"--preprocess-config: autoRotate must be true or false, got {auto_rotate!r}")
    max_pages, quality = config.get("maxPages"), config.get("imageQuality")
    return {
        "max_pages": None if max_pages is None else MAX_PAGES.convert(max_pages, None, None),
        "auto_rotate": auto_rotate,
        "image_quality": None if quality is None else IMAGE_QUALITY.convert(quality, None, None),
    }


@group.command("create")
@click.argument("document_id", type=DOCUMENT_ID)
@click.argument("model_id", type=MODEL_ID)
@click.option("--max-pages", type=MAX_PAGES, help="Pages to predict on (1 to 3).")
@click.option("--auto-rotate", is_flag=True, default=None, help="Let the API try rotations.")
@click.option("--image-quality", type=IMAGE_QUALITY)
@click.option(
    "--preprocess-config",
    type=JSON,
    help='The official CLI\'s way to say the three above: {"maxPages": 2, "autoRotate": true, '
    '"imageQuality": "HIGH"} (JSON or path).',
)
@pass_app
def create(
    app: App,
    document_id: str,
    model_id: str,
    max_pages: int | None,
    auto_rotate: bool | None,
    image_quality: str | None,
    preprocess_config: Any,
) -> None:
    """Predict the fields of DOCUMENT_ID with MODEL_ID."""
    options = _preprocess(
        preprocess_config, max_pages=max_pages, auto_rotate=auto_rotate, image_quality=image_quality
    )
    prediction = app.client.create_prediction(document_id, model_id, **options)
    show_prediction(app, prediction)


standard_list(group, "list_predictions", "predictions", COLUMNS, "List predictions.")
