"""``las documents list|get|create|update|delete``."""

from __future__ import annotations

from pathlib import Path

import click

from ._context import App, pass_app
from ._group import Group
from ._output import Column, show_file
from ._params import CONSENT_ID, DATASET_ID, DOCUMENT_ID, KEY_VALUE, ground_truth_list
from ._standard import Argument, standard_delete, standard_get, standard_list

COLUMNS: list[Column] = [
    ("document id", "documentId"),
    ("content type", "contentType"),
    ("dataset", "datasetId"),
    ("ground truth", lambda item: len(item.get("groundTruth") or [])),
    ("created", "createdTime"),
]


@click.group("documents", cls=Group)
def group() -> None:
    """Documents: the files models read."""


standard_list(
    group,
    "list_documents",
    "documents",
    COLUMNS,
    "List documents.",
    options=[
        click.option(
            "--dataset-id",
            type=DATASET_ID,
            multiple=True,
            help="Only documents of this dataset (repeatable).",
        ),
        click.option(
            "--consent-id",
            type=CONSENT_ID,
            multiple=True,
            help="Only documents with this consent (repeatable).",
        ),
    ],
)


DOCUMENT: list[Argument] = [("document_id", DOCUMENT_ID)]

standard_get(
    group,
    "get_document",
    DOCUMENT,
    "Show a document (its content with --json, or into a file with --download-content).",
    download_help="Write the content to this file.",
)


@group.command("create")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--content-type", help="MIME type (default: detected from the file: PDF, JPEG, PNG, TIFF).")
@click.option("--dataset-id", type=DATASET_ID, help="Put the document in this dataset.")
@click.option("--consent-id", type=CONSENT_ID, help="Consent that marks the owner of the document.")
@click.option("--ground-truth", "-g", type=KEY_VALUE, multiple=True, help="LABEL=VALUE (repeatable).")
@click.option("--retention-in-days", type=click.IntRange(min=1), help="Days before the API deletes it.")
@pass_app
def create(
    app: App,
    path: Path,
    content_type: str | None,
    dataset_id: str | None,
    consent_id: str | None,
    ground_truth: tuple[tuple[str, str], ...],
    retention_in_days: int | None,
) -> None:
    """Upload the file at PATH as a document."""
    document = app.client.create_document(
        path,
        content_type,
        dataset_id=dataset_id,
        consent_id=consent_id,
        ground_truth=ground_truth_list(ground_truth),
        retention_in_days=retention_in_days,
    )
    show_file(app, document, heading="Created document")


@group.command("update")
@click.argument("document_id", type=DOCUMENT_ID)
@click.option(
    "--ground-truth", "-g", type=KEY_VALUE, multiple=True, help="LABEL=VALUE (repeatable); replaces all."
)
@click.option("--dataset-id", type=DATASET_ID, help="Move the document to this dataset.")
@pass_app
def update(
    app: App, document_id: str, ground_truth: tuple[tuple[str, str], ...], dataset_id: str | None
) -> None:
    """Replace a document's ground truth or move it to a dataset."""
    if not ground_truth and dataset_id is None:
        raise click.UsageError("nothing to update: give --ground-truth LABEL=VALUE and/or --dataset-id")
    document = app.client.update_document(document_id, ground_truth_list(ground_truth), dataset_id=dataset_id)
    show_file(app, document, heading="Updated document")


standard_delete(group, "delete_document", DOCUMENT, "Delete a document.")
