"""A user's program: must type-check with ``mypy --strict`` against the installed wheel.

``.ci/packaging`` checks it with the wheel's venv (``tests/packaging/check_typing.py``). It is
never run, only type-checked; it uses only the stable public API.
"""

from __future__ import annotations

import las


def archive(document: las.Document) -> str:
    return document.id


def first_dataset_of(documents: list[las.Document]) -> las.Dataset | None:
    return documents[0].dataset if documents else None


def invoice_totals(model: las.Model) -> dict[str, object]:
    dataset: las.Dataset = las.Dataset.create(name="Invoices")
    document = las.Document.create(b"%PDF-1.4 ...", dataset=dataset, ground_truth={"total": "1.00"})
    prediction: las.Prediction = document.predict(model)
    predicted_on: las.Document = prediction.document
    assert archive(predicted_on) == document.id
    totals: dict[str, object] = {}
    for each in las.Document.all(dataset_id=dataset.id):
        totals[archive(each)] = None
    try:
        again = las.Document.get(document.id)
    except las.NotFoundError as error:
        print(f"gone: {error}")
    else:
        item = prediction.item_for("total")
        totals[again.id] = item.value if item else prediction["total"].value
    return totals
