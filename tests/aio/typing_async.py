"""What a type checker sees of the async variant. Checked by mypy (pyproject ``[tool.mypy]``
``files``), never run. Each ``type: ignore[...]`` below must be needed, or mypy (strict, with
``warn_unused_ignores``) fails: so mypy does see a coroutine with the Client's parameters."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

import las

if TYPE_CHECKING:
    from typing_extensions import assert_type


async def what_mypy_sees(client: las.AsyncClient, document_id: str) -> None:
    pending = assert_type(client.get_document(document_id), Coroutine[Any, Any, dict[str, Any]])
    await pending
    assert_type(await client.get_document(document_id), dict[str, Any])
    assert_type(await client.send_heartbeat("t", "e"), None)
    assert_type(await client.delete_documents(dataset_id="d", delete_all=True), dict[str, Any])
    await client.list_documents(max_results=10, next_token=None)
    await client.list_documents(max_results="ten")  # type: ignore[arg-type]
    await client.get_document(document_id, "extra")  # type: ignore[call-arg, arg-type]
    client.get_document(document_id)  # type: ignore[unused-coroutine]
    async for item in las.paginate_async(client.list_documents, dataset_id="d"):
        assert_type(item, dict[str, Any])


async def what_mypy_sees_of_upload_async(dataset: las.Dataset) -> None:
    assert_type(await dataset.upload_async([b"%PDF"]), las.bulk.IngestReport)
    assert_type(await dataset.documents.upload_async([b"%PDF"], max_concurrency=8), las.bulk.IngestReport)
    assert_type(await dataset.upload_async([b"%PDF"], journal="upload.jsonl"), las.bulk.IngestReport)
    await dataset.upload_async([b"%PDF"], max_workers=8)  # type: ignore[call-overload]


async def what_mypy_sees_of_async_sessions_in_resources(session: las.AsyncSession, model: las.Model) -> None:
    async for document in las.Document.all(session=session):
        assert_type(document, las.Document)
    reference = assert_type(las.Document.ref("las:document:x", session=session), las.Document)
    assert_type(await reference.predict_async(model), las.Prediction)
    las.Document.all(session="session")  # type: ignore[arg-type]
