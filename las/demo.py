"""``las demo``: a tour of the SDK against the embedded emulator, in a few seconds.

It uses only the public SDK (resource classes over a Session) and prints what happened.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

import las
from las.contracts import CONTRACTS, DEFAULT, KNOWN
from las.testing import Emulator

INVOICE_FIELDS = {
    "invoice_number": {"type": "alphanum", "maxLength": 20, "description": "Invoice number"},
    "total_amount": {"type": "amount", "maxLength": 12, "description": "Total including VAT"},
    "due_date": {"type": "date", "maxLength": 10, "description": "Due date"},
}
SAMPLES = [
    ("ACME-1001", "1250.00", "2026-12-01"),
    ("ACME-1002", "89.90", "2026-12-15"),
    ("GLOBEX-77", "15000.00", "2027-01-10"),
]


def sample_pdf(number: str, total: str, due: str) -> bytes:
    """A small, valid one-page PDF invoice."""
    text = f"BT /F1 18 Tf 72 720 Td (Invoice {number}) Tj 0 -30 Td (Total {total} due {due}) Tj ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number_, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number_} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def _export(payload: dict[str, Any]) -> dict[str, Any]:
    """What the docker transition's container would do: here, mark the invoice as exported."""
    return {**payload, "exported": True}


def run(emulator: Emulator, out: Any = None) -> None:
    """The tour itself, against a running emulator; it prints to ``out`` (default: sys.stdout)."""

    def say(text: str = "") -> None:
        print(text, file=sys.stdout if out is None else out)

    session = emulator.session()  # its own app client; a token cache that goes with the emulator
    las.set_default_session(session)

    say(f"Emulator serving the API at {emulator.url}\n")
    if CONTRACTS[emulator.contract].model_size:  # 2021-09-23: models have a page size
        model = las.Model.create(700, 900, INVOICE_FIELDS, name="Invoice model")
    else:  # 2024-11-29 has no "alphanum" field type: text is "string"
        number = {**INVOICE_FIELDS["invoice_number"], "type": "string"}
        model = las.Model.create({**INVOICE_FIELDS, "invoice_number": number}, name="Invoice model")
    dataset = las.Dataset.create(name="Invoices 2026", description="Demo training data")
    say(f"Created {model!r} with fields {', '.join(model.field_config)}")
    say(f"Created {dataset!r}")

    items = [
        (sample_pdf(*sample), {"invoice_number": sample[0], "total_amount": sample[1], "due_date": sample[2]})
        for sample in SAMPLES
    ]
    uploaded = dataset.upload(items, max_workers=3).raise_for_errors()
    say(f"Uploaded {len(uploaded.documents)} documents into {dataset.name!r}")
    bundle = model.data_bundles.create([dataset], name="First bundle")
    say(f"Created {bundle!r} from {len(bundle.datasets)} dataset(s)\n")

    say("Predictions:")
    for document in uploaded.documents:
        prediction = document.predict(model)
        fields = ", ".join(
            f"{item.label}={item.value}"
            + (f" ({item.confidence:.2f})" if item.confidence is not None else "")
            for item in prediction.predictions
        )
        say(f"  {document.id}: {fields}")

    review = las.Transition.create(
        "manual", name="Review", description="A person checks the predicted fields"
    )
    export = las.Transition.create(
        "docker", name="Export", parameters={"imageUrl": "registry.example.com/export:1"}
    )
    emulator.register_docker_handler(export.id, _export)
    workflow = las.Workflow.create(
        {
            "language": "ASL",
            "version": "1.0.0",
            "definition": {
                "StartAt": "Review",
                "States": {
                    "Review": {"Type": "Task", "Resource": review.id, "Next": "Export"},
                    "Export": {"Type": "Task", "Resource": export.id, "End": True},
                },
            },
        },
        name="Invoice approval",
        error_config={"email": "ops@example.com"},
    )
    say(f"\nCreated {workflow!r} with a manual and a docker transition")

    first = uploaded.documents[0]
    execution = workflow.execute({"documentId": first.id})
    task = review.executions.filter(status="running").first()
    assert task is not None, "the manual transition should be waiting for a person"
    say(f"Started {execution!r}; {task!r} waits for a reviewer")
    task.heartbeat()
    task.succeed({"documentId": first.id, "approved": True})
    execution = execution.wait(timeout=10)
    say(f"Review approved; execution ended {execution.status!r} with output {execution.output}\n")

    say("Every workflow and its executions:")
    for each in las.Workflow.all():
        say(f"  {each.name} ({each.id})")
        for run_ in each.executions:
            took = (
                (run_.end_time - run_.start_time).total_seconds()
                if run_.end_time and run_.start_time
                else 0.0
            )
            say(f"    {run_.id}: {run_.status} in {took:.3f}s, workflow {run_.workflow.name!r}")
    logs = list(las.Log.all(workflow_execution=execution))
    say(
        f"\n{len(logs)} log(s) for the execution; documents in the dataset: {dataset.refresh().number_of_documents}"
    )
    session.close()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="las demo",
        description="Run a short tour of the SDK against a fresh embedded emulator (nothing real is "
        "touched): create a model, a dataset and documents, predict, and run a workflow.",
    )
    parser.add_argument(
        "--contract",
        choices=KNOWN,
        default=DEFAULT,
        help=f"API contract the emulator serves (default: {DEFAULT}; {KNOWN[-1]} is today's service)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Start the emulator, run the tour, print a summary; returns the exit status.

    ``--help`` prints the help and runs nothing (0); an argument the demo does not take is a
    usage error (2).
    """
    try:
        options = build_parser().parse_args(argv)
    except SystemExit as exit:  # argparse has printed the help or the usage error
        return int(exit.code or 0)
    started = time.perf_counter()
    with Emulator(contract=options.contract) as emulator:
        run(emulator)
    print(
        f"\nDemo finished in {time.perf_counter() - started:.2f}s against the embedded emulator "
        f"(API contract {options.contract})."
    )
    return 0
