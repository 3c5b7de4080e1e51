"""``las documents list|get|create|update|delete|delete-all``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from ._context import App, pass_app
from ._errors import EXIT_API_ERROR, EXIT_OK
from ._group import Group, several
from ._output import Column, emit, note, print_json, show_file
from ._params import CONSENT_ID, DATASET_ID, DOCUMENT_ID, ground_truth_list, ground_truth_options
from ._standard import Argument, standard_delete, standard_get, standard_list
from ._words import counted

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
        several("--dataset-id", type=DATASET_ID, help="Only documents of these datasets (one or more)."),
        several("--consent-id", type=CONSENT_ID, help="Only documents with these consents (one or more)."),
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
@ground_truth_options
@click.option("--retention-in-days", type=click.IntRange(min=1), help="Days before the API deletes it.")
@pass_app
def create(
    app: App,
    path: Path,
    content_type: str | None,
    dataset_id: str | None,
    consent_id: str | None,
    ground_truth: tuple[tuple[str, str], ...],
    ground_truth_file: list[dict[str, Any]] | None,
    retention_in_days: int | None,
) -> None:
    """Upload the file at PATH as a document."""
    document = app.client.create_document(
        path,
        content_type,
        dataset_id=dataset_id,
        consent_id=consent_id,
        ground_truth=ground_truth_list(ground_truth, ground_truth_file),
        retention_in_days=retention_in_days,
    )
    show_file(app, document, heading="Created document")


@group.command("update")
@click.argument("document_id", type=DOCUMENT_ID)
@ground_truth_options
@click.option("--dataset-id", type=DATASET_ID, help="Move the document to this dataset.")
@pass_app
def update(
    app: App,
    document_id: str,
    ground_truth: tuple[tuple[str, str], ...],
    ground_truth_file: list[dict[str, Any]] | None,
    dataset_id: str | None,
) -> None:
    """Replace a document's ground truth (all of it) or move it to a dataset."""
    truth = ground_truth_list(ground_truth, ground_truth_file)
    if truth is None and dataset_id is None:
        raise click.UsageError(
            "nothing to update: give --ground-truth LABEL=VALUE (or --ground-truth-path FILE) and/or --dataset-id"
        )
    document = app.client.update_document(document_id, truth, dataset_id=dataset_id)
    show_file(app, document, heading="Updated document")


standard_delete(group, "delete_document", DOCUMENT, "Delete a document.")

NOT_A_TERMINAL = (
    "documents delete-all asks before it deletes, and stdin is not a terminal to ask on: "
    "pass --yes to delete without asking"
)


def _what_goes(
    app: App, dataset_ids: tuple[str, ...], consent_ids: tuple[str, ...], at_most: int | None
) -> str:
    """What delete-all is about to delete, in words, counted where that costs one request a dataset."""
    which = f"up to {counted(at_most, 'document')}" if at_most else "every document"
    if dataset_ids:
        sizes = [app.client.get_dataset(each).get("numberOfDocuments") for each in dataset_ids]
        known = [size for size in sizes if isinstance(size, int)]
        total = f" ({counted(sum(known), 'document')})" if len(known) == len(sizes) else ""
        where = f" of dataset {', '.join(dataset_ids)}{total}"
    else:
        where = " of the organization" if not consent_ids else ""
    consent = f" with consent {', '.join(consent_ids)}" if consent_ids else ""
    return f"{which}{where}{consent}"


def _confirmed(question: str) -> bool:
    """Whether the person at the terminal answers ``y`` or ``yes`` to ``question`` (asked on stderr).

    Written here rather than with ``click.confirm``, which in click 8.1.0 prints the prompt's last
    space on stdout (into a script's JSON or a table).

    Raises:
        click.Abort: stdin ended (Ctrl-D) before an answer.
    """
    sys.stderr.write(f"{question} [y/N]: ")
    sys.stderr.flush()
    answer = sys.stdin.readline()
    if not answer:
        raise click.Abort
    return answer.strip().lower() in ("y", "yes")


@group.command("delete-all")
@several("--dataset-id", type=DATASET_ID, help="Only documents of these datasets (one or more).")
@several("--consent-id", type=CONSENT_ID, help="Only documents with these consents (one or more).")
@click.option(
    "--max-results",
    "-m",
    type=click.IntRange(min=1),
    help="Delete at most this many (one page); the answer's nextToken continues.",
)
@click.option("--next-token", "-n", help="Continue a --max-results deletion from this token.")
@click.option(
    "--yes", "-y", is_flag=True, help="Delete without asking (needed when stdin is not a terminal)."
)
@pass_app
def delete_all(
    app: App,
    dataset_id: tuple[str, ...],
    consent_id: tuple[str, ...],
    max_results: int | None,
    next_token: str | None,
    yes: bool,
) -> int:
    """Delete every document (of the datasets or consents given), after asking.

    Without filters this is every document of the organization. On a terminal it asks first;
    --yes skips the question, and is needed when stdin is not a terminal (a script, a pipe):
    without it the command deletes nothing and exits 2. Answering no deletes nothing and exits 1.
    """
    if not yes:
        if sys.stdin is None or not sys.stdin.isatty():
            raise click.UsageError(NOT_A_TERMINAL)
        question = f"Delete {_what_goes(app, dataset_id, consent_id, max_results)}? This cannot be undone"
        if not _confirmed(question):
            note("nothing deleted")
            return EXIT_API_ERROR
    answer = app.client.delete_documents(
        dataset_id=list(dataset_id) or None,
        consent_id=list(consent_id) or None,
        max_results=max_results,
        next_token=next_token,
        delete_all=max_results is None,
    )
    if app.json_output:
        print_json(app, answer)
        return EXIT_OK
    emit(escape(f"Deleted {counted(len(answer.get('documents') or []), 'document')}"))
    if answer.get("nextToken"):
        emit(escape(f"more: add --next-token {answer['nextToken']} to delete the next {max_results}"))
    return EXIT_OK
