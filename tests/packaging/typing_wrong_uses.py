"""Wrong uses of the installed wheel that ``mypy --strict`` must refuse.

Each line marked ``# expect: CODE`` must get exactly that mypy error code and no line may get
another: ``tests/packaging/check_typing.py`` compares. Never run, only type-checked.
"""

from __future__ import annotations

import las


def archive(document: las.Document) -> str:
    return document.id


def wrong(model: las.Model, dataset: las.Dataset) -> None:
    archive(model)  # expect: arg-type
    las.Document.get(model)  # expect: arg-type
    las.Document.create(b"%PDF", dataset=model)  # expect: arg-type
    las.Dataset.create(nmae="Invoices")  # expect: call-arg
    las.Document.create(b"%PDF", dataset=dataset, grund_truth={})  # expect: call-arg


def document_count() -> int:
    return las.Document.get("las:document:x").id  # expect: return-value


def wrong_variants(session: las.Session, async_session: las.AsyncSession) -> None:
    las.Client(async_session)  # expect: arg-type
    las.AsyncClient(session)  # expect: arg-type
