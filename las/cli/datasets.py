"""``las datasets list|get|create|update|delete|create-documents|reconcile|download``."""

from __future__ import annotations

import copy
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.markup import escape

from las import bulk, paginate

from ._context import App, pass_app
from ._download import DownloadError, download_document, prepare_directory
from ._errors import EXIT_API_ERROR, EXIT_OK, HANDLED, one_line, redact
from ._group import Group
from ._output import Column, emit, note, print_json, show_done, show_items, show_object
from ._params import DATASET_ID, named
from ._progress import progress_bar
from ._sources import Item, Skipped, SourceError, read_items
from ._standard import Argument, standard_get, standard_list, standard_rename
from ._words import counted

T = TypeVar("T")
R = TypeVar("R")

COLUMNS: list[Column] = [
    ("dataset id", "datasetId"),
    ("name", "name"),
    ("documents", "numberOfDocuments"),
    ("created", "createdTime"),
]
REPORT_COLUMNS: list[Column] = [
    ("path", "path"),
    ("status", "status"),
    ("document id / error", lambda item: item.get("documentId") or item.get("error")),
]
WORKERS = click.IntRange(1, 64)


def workers(help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--max-workers N`` (the official CLI's ``--num-threads N``): items in flight at once."""
    return click.option(
        "--max-workers", "--num-threads", "max_workers", type=WORKERS, default=4, show_default=True, help=help
    )


UPLOAD_STATUSES = ("created", "failed", "ambiguous", "incomplete")
AMBIGUOUS = (
    "sent, but the answer was lost: the document may exist; "
    "check `las documents list --dataset-id {}` before uploading it again"
)
AMBIGUOUS_IN_JOURNAL = "answer lost, may exist; not sent again: see `las datasets reconcile {}`"
AMBIGUOUS_NEXT = (
    "The ambiguous items were sent, but their answers were lost, so the API may have created them; "
    "they are not sent again. Run `las datasets reconcile {journal}` to look for them in the dataset (a re-run "
    "then sends those not found), or re-run with --retry-ambiguous to send them again, accepting "
    "possible duplicates."
)
DUPLICATE = "same content as another item: created once"
INCOMPLETE = (
    "created as {} without its bytes (the upload to its file URL failed): a re-run uploads them while "
    "that URL is valid; once it is not, --recreate-incomplete deletes that document and creates it again"
)
INCOMPLETE_NO_JOURNAL = (
    "created as {0} without its bytes (the upload to its file URL failed), and no journal was kept to "
    "finish it: delete it (`las documents delete {0}`) and upload the file again"
)
INCOMPLETE_NEXT = (
    "The incomplete items were created, but their bytes did not arrive. Run the same command again to "
    "upload them while their upload URLs are valid (the journal keeps them); an item whose URL was refused "
    "or expired stays incomplete until a run with --recreate-incomplete deletes its document (it holds no "
    "bytes) and creates it again."
)


@click.group("datasets", cls=Group)
def group() -> None:
    """Datasets: documents with ground truth, to train models on."""


DATASET: list[Argument] = [("dataset_id", DATASET_ID)]

standard_list(group, "list_datasets", "datasets", COLUMNS, "List datasets.")
standard_get(group, "get_dataset", DATASET, "Show a dataset.")


@group.command("create")
@click.option("--name")
@click.option("--description")
@click.option("--retention-in-days", type=click.IntRange(min=1))
@pass_app
def create(app: App, name: str | None, description: str | None, retention_in_days: int | None) -> None:
    """Create a dataset."""
    fields = named(name=name, description=description, retention_in_days=retention_in_days)
    show_object(app, app.client.create_dataset(**fields), heading="Created dataset")


standard_rename(group, "update_dataset", DATASET, "dataset", "Rename or describe a dataset.")


@group.command("delete")
@click.argument("dataset_id", type=DATASET_ID)
@click.option("--delete-documents", is_flag=True, help="First delete its documents (else the API refuses).")
@pass_app
def delete(app: App, dataset_id: str, delete_documents: bool) -> None:
    """Delete a dataset."""
    answer = app.client.delete_dataset(dataset_id, delete_documents=delete_documents)
    show_done(app, answer, f"Deleted {dataset_id}")


def _in_parallel(
    function: Callable[[T], R], items: Iterable[T], workers: int, on_done: Callable[[], None]
) -> list[R]:
    """``function`` over ``items`` on ``workers`` threads; results in input order.

    On Ctrl-C, items not started yet are dropped and those in flight are let finish (so no
    request is cut off half-sent) before the interrupt goes on.
    """
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(function, item) for item in items]
        results = []
        try:
            for future in futures:
                results.append(future.result())
                on_done()
        except KeyboardInterrupt:
            for future in futures:
                future.cancel()
            raise
    return results


UPLOAD_JOURNALS = Path("~/.lucidtech/uploads")
"""Where ``create-documents`` keeps a dataset's journal unless told otherwise (``--resume``)."""


def default_journal(dataset_id: str) -> Path:
    """The journal ``create-documents`` keeps for ``dataset_id``: ``~/.lucidtech/uploads/<hex>.jsonl``.

    One journal a dataset, whatever folder or file is uploaded into it, so a file already
    uploaded into the dataset from anywhere is not created twice. The folders are made 0700
    (a journal copies ground truth; the journal itself is made 0600).

    Raises:
        click.UsageError: the folder cannot be made (no home directory, a read-only one).
    """
    folder = UPLOAD_JOURNALS
    try:
        folder = UPLOAD_JOURNALS.expanduser()
        folder.parent.mkdir(mode=0o700, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)
    except (OSError, RuntimeError) as error:  # RuntimeError: no home directory to expand ~ to
        raise click.UsageError(
            f"cannot keep the upload journal in {folder} ({error}): pass --resume JOURNAL to keep it "
            "elsewhere, or --no-resume to keep none"
        ) from None
    return folder / f"{dataset_id.rpartition(':')[2]}.jsonl"


@group.command("create-documents")
@click.argument("dataset_id", type=DATASET_ID)
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@workers("Uploads at once.")
@click.option("--delimiter", default=",", show_default=True, help="Cell delimiter of a CSV source.")
@click.option(
    "--resume",
    "journal",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Keep the journal in this file instead (created when missing, 0600; another file there is refused).",
)
@click.option(
    "--no-resume",
    is_flag=True,
    help="Keep no journal: send every item, even those an earlier run created.",
)
@click.option(
    "--retry-ambiguous",
    is_flag=True,
    help="Send again items whose answer was lost in an earlier run (accepting possible duplicates).",
)
@click.option(
    "--recreate-incomplete",
    is_flag=True,
    help=(
        "Delete the document of an item created without its bytes whose upload URL no longer works "
        "(only once it is seen to hold no bytes), and create the item again."
    ),
)
@pass_app
def create_documents(
    app: App,
    dataset_id: str,
    source: Path,
    max_workers: int,
    delimiter: str,
    journal: Path | None,
    no_resume: bool,
    retry_ambiguous: bool,
    recreate_incomplete: bool,
) -> int:
    """Upload the documents of SOURCE (a directory, a CSV or a JSON file) into DATASET_ID.

    \b
    SOURCE is one of:
      a directory  every PDF/JPEG/PNG/TIFF file, with NAME.json beside it as ground truth
                   ([{"label": ..., "value": ...}] or {"label": value});
      a CSV file   header `path,label1,label2,...`, one row per document;
      a JSON file  {"path": [ground truth] or {"ground_truth": ..., "consent_id": ...}}.
    Paths in a CSV or JSON file are relative to its folder. The input is checked before
    anything is uploaded. Prints one line per item: created, failed, or ambiguous (sent, but
    the answer was lost: it may exist; it is never sent twice).

    Each item's fate is recorded in the dataset's journal, ~/.lucidtech/uploads/<dataset>.jsonl
    (or the --resume JOURNAL file), so running the command again sends only what is not created
    yet: items the journal has created are `skipped`, failed ones are sent again, ambiguous ones
    are not (see `las datasets reconcile`), and a file with the same content as another is a
    `duplicate`, created once. An item created whose bytes did not reach its upload URL
    (API 2024-11-29) is `incomplete`: a re-run uploads them while the URL is valid, and
    --recreate-incomplete replaces its document once it is not. --no-resume keeps no journal.
    Exits 0 when every item is created, skipped or a duplicate, 1 when any failed, is ambiguous
    or incomplete.
    """
    if no_resume and journal is not None:
        raise click.UsageError("--no-resume keeps no journal, --resume JOURNAL keeps one: give one of them")
    if no_resume and retry_ambiguous:
        raise click.UsageError(
            "--retry-ambiguous resends what the journal records as ambiguous: drop --no-resume"
        )
    if no_resume and recreate_incomplete:
        raise click.UsageError(
            "--recreate-incomplete replaces what the journal records as incomplete: drop --no-resume"
        )
    try:
        items, skipped = read_items(source, delimiter=delimiter)
    except SourceError as error:
        raise click.BadParameter(str(error), param_hint="SOURCE") from None
    # One request before any journal is made or upload sent: a dataset that is not there, bad
    # credentials or an endpoint that does not answer fail here, once, with the reason.
    app.client.get_dataset(dataset_id)
    if no_resume:  # the same engine, with a journal that lives only as long as this run
        with tempfile.TemporaryDirectory(prefix="las-upload-") as scratch:
            return _ingest(
                app, dataset_id, items, skipped, Path(scratch) / "journal.jsonl", max_workers, kept=False
            )
    kept = journal or default_journal(dataset_id)
    note(f"journal: {kept} (a re-run sends only what is not created yet; --no-resume keeps none)")
    return _ingest(
        app,
        dataset_id,
        items,
        skipped,
        kept,
        max_workers,
        kept=True,
        retry_ambiguous=retry_ambiguous,
        recreate_incomplete=recreate_incomplete,
    )


def _ingest(
    app: App,
    dataset_id: str,
    items: list[Item],
    skipped: list[Skipped],
    journal: Path,
    max_workers: int,
    *,
    kept: bool,
    retry_ambiguous: bool = False,
    recreate_incomplete: bool = False,
) -> int:
    """:func:`las.bulk.ingest` over the items, and its report (the journal's path when ``kept``)."""
    specs = [
        bulk.IngestItem(
            item.path,
            key=str(item.path),
            content_type=item.options.get("content_type"),
            ground_truth=item.ground_truth,
            consent_id=item.options.get("consent_id"),
            retention_in_days=item.options.get("retention_in_days"),
        )
        for item in items
    ]
    try:
        with progress_bar("Uploading", len(specs)) as bar:
            report = bulk.ingest(
                specs,
                dataset=dataset_id,
                journal=journal,
                session=app.client,
                max_workers=max_workers,
                retry_ambiguous=retry_ambiguous,
                recreate_incomplete=recreate_incomplete,
                on_progress=lambda progress: bar.advance(),
            )
    except bulk.JournalError as error:
        raise click.BadParameter(str(error), param_hint="journal (--resume)") from None
    if report.torn_line is not None:
        note(f"warning: journal {journal}: {report.torn_line}")
    shown_journal = journal if kept else None
    rows = [
        {
            "path": result.key,
            "status": result.status,
            "documentId": result.document_id,
            "error": _error_shown(result, dataset_id, shown_journal),
        }
        for result in report.results
    ]
    counts = report.counts
    skipped_rows = [{"path": str(each.path), "status": "skipped", "reason": each.reason} for each in skipped]
    if app.json_output:
        print_json(
            app,
            {
                "datasetId": dataset_id,
                "journal": str(shown_journal) if shown_journal else None,
                "items": rows,
                "skipped": skipped_rows,
                "counts": counts,
                **{status: counts[status] for status in UPLOAD_STATUSES},
            },
        )
    else:
        shown = [{**row, "error": None} if row["status"] == "skipped" else row for row in rows] + [
            {**row, "error": row["reason"]} for row in skipped_rows
        ]
        total = {**counts, "skipped": counts["skipped"] + len(skipped)}
        summary = ", ".join(
            f"{count} {status}" for status, count in total.items() if count or status in ("created", "failed")
        )
        show_items(shown, REPORT_COLUMNS, noun="item", summary=summary)
        if counts["ambiguous"] and shown_journal:
            emit(escape(AMBIGUOUS_NEXT.format(journal=shown_journal)))
        if counts["incomplete"] and shown_journal:
            emit(escape(INCOMPLETE_NEXT))
    return EXIT_OK if report.ok else EXIT_API_ERROR


def _error_shown(result: bulk.ItemResult, dataset_id: str, journal: Path | None) -> str | None:
    """The report's error column for one item, with the command line's next step, not the SDK's."""
    if result.status == "ambiguous":
        return AMBIGUOUS_IN_JOURNAL.format(journal) if journal else AMBIGUOUS.format(dataset_id)
    if result.status == "duplicate" and "allow_duplicates" in (result.error or ""):
        return DUPLICATE  # the SDK's hint names a Python argument the command does not have
    if result.status == "incomplete":  # likewise recreate_incomplete=True
        return (INCOMPLETE if journal else INCOMPLETE_NO_JOURNAL).format(result.document_id)
    return redact(result.error) if result.error else None


@group.command("reconcile")
@click.argument("journal", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--settle",
    type=click.FloatRange(min=0),
    default=bulk.DEFAULT_SETTLE,
    show_default=True,
    help="Seconds after its upload before an item with no document is taken as not created.",
)
@pass_app
def reconcile(app: App, journal: Path, settle: float) -> int:
    """Resolve the ambiguous items of a `create-documents --resume JOURNAL` run.

    Looks in the journal's dataset for a document with each ambiguous item's content: one found
    is recorded created (a re-run skips it); one not found is recorded failed (a re-run sends
    it), unless it was sent less than --settle seconds ago: then it stays ambiguous (pending).
    On API 2024-11-29, a document without bytes that an ambiguous item's lost answer left, and
    the documents of items created without their bytes, are listed incomplete: a re-run of
    create-documents uploads their bytes while it can, --recreate-incomplete replaces them.
    Exits 0 when every ambiguous item is resolved, 1 when some are pending or incomplete.
    """
    try:
        found = bulk.reconcile(journal, session=app.client, settle=settle)
    except bulk.JournalError as error:
        raise click.BadParameter(str(error), param_hint="JOURNAL") from None
    rows = (
        [{"key": key, "status": "created", "detail": document_id} for key, document_id in found.found.items()]
        + [
            {"key": key, "status": "failed", "detail": "not created: a re-run sends it"}
            for key in found.not_found
        ]
        + [
            {"key": key, "status": "pending", "detail": "sent recently: reconcile again later"}
            for key in found.pending
        ]
        + [
            {
                "key": key,
                "status": "incomplete",
                "detail": f"{document_id}: without its bytes; re-run create-documents",
            }
            for key, document_id in found.incomplete.items()
        ]
    )
    if app.json_output:
        print_json(
            app,
            {
                "found": found.found,
                "notFound": found.not_found,
                "pending": found.pending,
                "incomplete": found.incomplete,
                "extraDocuments": found.extra_documents,
            },
        )
    else:
        show_items(
            rows,
            [("key", "key"), ("status", "status"), ("document id / next step", "detail")],
            noun="ambiguous item",
            summary=(
                f"{len(found.found)} found, {len(found.not_found)} not created, {len(found.pending)} pending"
                + (f", {len(found.incomplete)} incomplete" if found.incomplete else "")
            ),
        )
        if found.extra_documents:
            emit(
                escape(
                    f"{counted(len(found.extra_documents), 'duplicate document')} of items already created: "
                    + ", ".join(found.extra_documents)
                )
            )
    return EXIT_API_ERROR if found.pending or found.incomplete else EXIT_OK


@group.command("download")
@click.argument("dataset_id", type=DATASET_ID)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@workers("Downloads at once.")
@pass_app
def download(app: App, dataset_id: str, directory: Path, max_workers: int) -> int:
    """Write every document of DATASET_ID into DIRECTORY: ID.pdf (or .jpg, ...) and ID.json.

    Documents whose two files are already there are skipped, so a re-run continues an
    interrupted download; a file already there is never replaced (only missing ones are
    written), and a link at a document's name fails that document. Exits 1 if any document
    failed, 2 if DIRECTORY cannot be written (before anything is fetched).
    """
    try:
        prepare_directory(directory)
    except OSError as error:
        raise click.BadParameter(error.strerror or str(error), param_hint="DIRECTORY") from None
    client = app.client
    total = client.get_dataset(dataset_id).get("numberOfDocuments")

    def fetch(listed: dict[str, Any]) -> dict[str, Any]:
        row: dict[str, Any] = {"documentId": listed.get("documentId")}
        try:
            status, path = download_document(client, listed, directory)
        except (DownloadError, OSError, *HANDLED) as error:  # OSError: a file that cannot be written
            return {**row, "status": "failed", "path": None, "error": one_line(error).removeprefix("error: ")}
        return {**row, "status": status, "path": str(path), "error": None}

    with progress_bar("Downloading", total if isinstance(total, int) else None) as bar:
        listed = paginate(client.list_documents, dataset_id=dataset_id)
        report = _in_parallel(fetch, listed, max_workers, bar.advance)
    counts = {
        status: sum(1 for row in report if row["status"] == status)
        for status in ("downloaded", "existing", "failed")
    }
    if app.json_output:
        print_json(app, {"datasetId": dataset_id, "directory": str(directory), "items": report, **counts})
    else:
        failures = [row for row in report if row["status"] == "failed"]
        if failures:
            show_items(failures, [("document id", "documentId"), ("error", "error")], noun="failed document")
        emit(
            f"{counts['downloaded']} downloaded, {counts['existing']} already there, "
            f"{counts['failed']} failed, into {directory}"
        )
    return EXIT_API_ERROR if counts["failed"] else EXIT_OK


# The official CLI's name for `download` (lucidtech-las-cli: `datasets get-documents DATASET DIR`).
get_documents = copy.copy(download)
get_documents.params = list(download.params)
get_documents.hidden = True
get_documents.help = "The official CLI's name for `las datasets download`."
group.add_command(get_documents, "get-documents")
