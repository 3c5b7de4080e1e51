"""One default session everywhere: every entry point that takes ``session=`` and is not given one
talks through :func:`las.set_default_session`'s (or :func:`las.using_session`'s) session, never a
new ``las.Session()`` of its own from the environment.

The environment here has no credentials at all, so an entry point that built its own session
would raise ``MissingCredentials``; each call is also counted on the default session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import las
import las.bulk
from las.testing._files import FILES_PATH
from tests.bulk.conftest import pdf
from tests.support.contracts import model_size

MODEL_FIELDS = {"total": {"type": "amount", "maxLength": 10, "description": "Total"}}


@pytest.fixture
def default(las_emulator: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[las.Session]:
    """The default session, in an environment where ``las.Session()`` would find no credentials."""
    for name in (
        "LAS_CLIENT_ID",
        "LAS_CLIENT_SECRET",
        "LAS_AUTH_ENDPOINT",
        "LAS_API_ENDPOINT",
        "LAS_PROFILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "empty-home"))  # no ~/.lucidtech/credentials.cfg
    with pytest.raises(las.MissingCredentials):
        las.Session()
    credentials = las_emulator.credentials(cache_path=tmp_path / "cache.json")
    with las.Session(credentials) as session, las.using_session(session):
        yield session


Prepared = Callable[[], Any]


def _ingest(client: las.Client, emulator: Any, tmp_path: Path) -> Prepared:
    dataset_id = client.create_dataset(name="default")["datasetId"]
    return lambda: las.bulk.ingest([pdf(1), pdf(2)], dataset=dataset_id, journal=tmp_path / "ingest.jsonl")


def _upload_to_dataset(client: las.Client, emulator: Any, tmp_path: Path) -> Prepared:
    dataset_id = client.create_dataset(name="default")["datasetId"]
    return lambda: las.bulk.upload_to_dataset(dataset_id, [pdf(3)], journal=tmp_path / "upload.jsonl")


def _reconcile(client: las.Client, emulator: Any, tmp_path: Path) -> Prepared:
    dataset_id = client.create_dataset(name="default")["datasetId"]
    emulator.lose_answer_next(method="POST", path="/documents")  # one item left ambiguous
    journal = tmp_path / "ingest.jsonl"
    las.bulk.ingest([pdf(5)], dataset=dataset_id, journal=journal, session=client)
    return lambda: las.bulk.reconcile(journal, settle=0)


def _predict(client: las.Client, emulator: Any, tmp_path: Path) -> Prepared:
    model_id = client.create_model(MODEL_FIELDS, **model_size(client.contract, 300, 400), name="default")[
        "modelId"
    ]
    document_id = client.create_document(pdf(4), "application/pdf")["documentId"]
    return lambda: las.bulk.predict(model_id, [document_id])


@pytest.mark.parametrize(
    "prepare",
    [_ingest, _upload_to_dataset, _reconcile, _predict],
    ids=["bulk.ingest", "bulk.upload_to_dataset", "bulk.reconcile", "bulk.predict"],
)
def test_bulk_entry_points_without_session_send_through_the_default_one(
    default: las.Session,
    las_emulator: Any,
    tmp_path: Path,
    prepare: Callable[[las.Client, Any, Path], Prepared],
) -> None:
    with las.Session(default.credentials) as other:  # sets things up without counting on the default
        run = prepare(las.Client(session=other), las_emulator, tmp_path)
        sent_before = len(las_emulator.requests)
        run()
    # API requests: the bytes PUT to a file URL (2024-11-29) carry no token, and are not counted
    sent = len([r for r in las_emulator.requests[sent_before:] if not r.path.startswith(FILES_PATH)])
    assert sent > 0 and default.request_count == sent  # every request of the call, on the default


def test_workers_handlers_and_resources_without_session_use_the_default_one(
    default: las.Session, las_emulator: Any
) -> None:
    worker = las.Worker("las:transition:" + "a" * 32, lambda client, event: {})
    assert worker.client.session is default
    dataset = las.Dataset.create(name="default")
    assert dataset.session is default
    assert las.resources.get_default_session() is default

    with las.Session(default.credentials) as other:
        client = las.Client(session=other)
        transition_id = client.create_transition("manual", name="step")["transitionId"]
        execution_id = client.execute_transition(transition_id)["executionId"]
    before = default.request_count
    handler = las.transition_handler(lambda client, event: {"done": True})
    done = handler(environ={"TRANSITION_ID": transition_id, "EXECUTION_ID": execution_id})
    assert done["status"] == "succeeded"
    assert default.request_count - before >= 2  # its GET and its PATCH, on the default session
