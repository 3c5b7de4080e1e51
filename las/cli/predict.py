"""``las predict FILE --model MODEL_ID``: upload a file and predict on it in one step.

A failed ``predict`` leaves nothing behind: the model is checked before the upload, and the
document it uploaded is deleted when the prediction then fails (or is interrupted).
"""

from __future__ import annotations

from pathlib import Path

import click

from ._context import App, pass_app
from ._errors import HANDLED, one_line
from ._output import note
from ._params import MODEL_ID
from .predictions import IMAGE_QUALITY, MAX_PAGES, show_prediction


@click.command("predict")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--model", "-m", "model_id", type=MODEL_ID, required=True, help="The model to predict with.")
@click.option("--content-type", help="MIME type (default: detected from the file).")
@click.option("--max-pages", type=MAX_PAGES, help="Pages to predict on (1 to 3).")
@click.option("--auto-rotate", is_flag=True, default=None, help="Let the API try rotations.")
@click.option("--image-quality", type=IMAGE_QUALITY)
@pass_app
def predict(
    app: App,
    path: Path,
    model_id: str,
    content_type: str | None,
    max_pages: int | None,
    auto_rotate: bool | None,
    image_quality: str | None,
) -> None:
    """Upload FILE as a document and predict its fields with a model.

    With --json, prints the prediction as the API answers it (its documentId names the upload).
    When the prediction fails, the uploaded document is deleted again.
    """
    app.client.get_model(model_id)  # a model that is not there fails here, before any upload
    document_id = app.client.create_document(path, content_type)["documentId"]
    note(f"Uploaded {path} as {document_id}")
    try:
        prediction = app.client.create_prediction(
            document_id, model_id, max_pages=max_pages, auto_rotate=auto_rotate, image_quality=image_quality
        )
    except BaseException:  # an API error, a lost answer, Ctrl-C: the upload is not left behind
        _delete_upload(app, document_id)
        raise
    show_prediction(app, prediction)


def _delete_upload(app: App, document_id: str) -> None:
    try:
        app.client.delete_document(document_id)
    except HANDLED as error:
        note(
            f"The prediction failed, and {document_id} (uploaded by this command) could not be deleted "
            f"({one_line(error).removeprefix('error: ')}): delete it with `las documents delete {document_id}`"
        )
        return
    note(f"The prediction failed: deleted {document_id}, the document this command uploaded")
