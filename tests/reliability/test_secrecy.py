"""Secrets stay secret: through a whole scenario (a Secret, an app client with a generated
secret, documents, predictions, a workflow run, a 404, 429 retries) with the ``las`` and
``urllib3`` loggers at DEBUG and vcrpy recording, the client secrets, every access token the
emulator issued and the Secret's values appear in no log, repr, str, exception or cassette.

The cassette is recorded with the project's one vcrpy configuration
(``tests/support/cassettes.py``): it drops authorization headers and scrubs the bodies, since
access tokens are in every ``/token`` answer, a generated client secret in the answer to
``POST /appClients`` and Secret values in the body of ``POST /secrets``.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import las
from las.testing import Emulator
from tests.reliability.conftest import MODEL_FIELDS
from tests.support import cassettes
from tests.support.contracts import model_size

SECRET_VALUE = "hunter2-very-secret-value"


def test_secrets_appear_in_no_log_repr_exception_or_cassette(
    las_emulator: Emulator, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    for logger in ("las", "urllib3"):
        caplog.set_level(logging.DEBUG, logger=logger)
    cassette = tmp_path / "scenario.yaml"
    recorder = cassettes.cassette_vcr("all")  # the project's one cassette configuration
    shown: list[str] = []  # every repr/str/exception message produced along the way
    credentials = las_emulator.credentials(cache_path=tmp_path / "token-cache.json")

    with recorder.use_cassette(str(cassette)):
        session = las.Session(credentials, max_retries=5)
        client = las.Client(session=session)
        secret = las.Secret.create({"password": SECRET_VALUE}, name="db", session=session)
        app_client = las.AppClient.create(name="worker", generate_secret=True, session=session)
        generated_secret = app_client.client_secret
        assert generated_secret
        dataset = las.Dataset.create(name="secrecy", session=session)
        document = las.Document.create(b"%PDF-1.4\n%%EOF\n", dataset=dataset, session=session)
        model = las.Model.create(MODEL_FIELDS, **model_size(session.contract, 300, 400), session=session)
        prediction = document.predict(model)
        transition = las.Transition.create("manual", name="Review", session=session)
        workflow = las.Workflow.create(
            {
                "language": "ASL",
                "version": "1.0.0",
                "definition": {
                    "StartAt": "Review",
                    "States": {"Review": {"Type": "Task", "Resource": transition.id, "End": True}},
                },
            },
            session=session,
        )
        execution = workflow.execute({"documentId": document.id})
        try:
            las.Document.get("las:document:" + "0" * 32, session=session)
        except las.NotFoundError as error:
            shown += [str(error), repr(error)]
        las_emulator.fail_next(2, status=429, retry_after=0.01)
        client.list_documents()
        las_emulator.fail_next(1, status=429, retry_after=0.01)
        try:
            las.Client(session=las.Session(credentials, max_retries=0)).get_document(document.id)
        except las.TooManyRequestsException as error:
            shown += [str(error), repr(error), str(error.args)]
        las_emulator.expire_tokens()
        client.get_document(document.id)  # a 403, then a new token
        # the generated app client gets its own token
        worker = las.Credentials(
            str(app_client.client_id),
            generated_secret,
            las_emulator.auth_endpoint,
            las_emulator.api_endpoint,
            cache_path=tmp_path / "worker-cache.json",
            contract=las_emulator.contract,
        )
        las.Client(worker).list_models()
        try:
            las.Client(
                las.Credentials(
                    credentials.client_id,
                    "wrong-secret-" + SECRET_VALUE[:4],
                    las_emulator.auth_endpoint,
                    las_emulator.api_endpoint,
                    cache_path=tmp_path / "bad.json",
                    contract=las_emulator.contract,
                )
            ).list_models()
        except las.InvalidCredentialsException as error:
            shown += [str(error), repr(error)]

    objects = [
        credentials,
        worker,
        session,
        client,
        secret,
        app_client,
        dataset,
        document,
        model,
        prediction,
        transition,
        workflow,
        execution,
        *las.Secret.all(session=session),
    ]
    shown += [repr(obj) for obj in objects] + [str(obj) for obj in objects]
    tokens = {
        record.headers.get("Authorization", "").removeprefix("Bearer ")
        for record in las_emulator.requests
        if record.path != "/token"
    } - {""}
    assert len(tokens) >= 3  # the first token, the one after expiry, the worker's
    secrets = {
        "client secret": las_emulator.client_secret,
        "generated client secret": generated_secret,
        "secret value": SECRET_VALUE,
        **{f"token {token[:4]}...": token for token in tokens},
    }
    logs = "\n".join(record.getMessage() for record in caplog.records)
    assert "retrying" in logs and "fetching access token" in logs  # the DEBUG/INFO logs were on
    recorded = cassette.read_text()
    for name, value in secrets.items():
        assert value not in logs, f"{name} in the logs"
        assert value not in recorded, f"{name} in the cassette"
        for text in shown:
            assert value not in text, f"{name} in {text[:80]!r}"
