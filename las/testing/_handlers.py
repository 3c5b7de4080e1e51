"""Handlers of the plain resources: app clients, assets, datasets, documents, models and their
data bundles, the organization, predictions, secrets and users.

Each handler gets a validated :class:`~las.testing._call.Call` (the server checked the body and
query against the tables of ``_validation``) and runs under the state lock. A handler checks
everything that can fail (ids that must exist, conflicts) before it changes anything, so a
refused request leaves no trace.

Choices where the API contract is silent:

* Unknown ids answer 404 ``{"message": "<id> not found"}``, also when the id comes from the
  body (``datasetId`` of a document, ``datasetIds`` of a data bundle, ``documentId``/``modelId``
  of a prediction, ``appClientId`` of a user). Malformed ids answer 400.
* Conflicts answer 400 (the contract lists no 409): deleting a dataset that still has documents,
  a model that still has data bundles, the app client making the request; a second user with
  the same email (case-insensitive).
* New resources have ``updatedTime``/``updatedBy`` null until their first update; ``createdBy``
  and ``updatedBy`` are the app client id of the access token.
* Defaults: dataset ``retentionInDays`` 1825, ``containsPersonallyIdentifiableInformation``
  false; a document's ``retentionInDays`` is its dataset's (else 1825); model ``status``
  ``inactive`` and ``preprocessConfig`` ``{"autoRotate": false, "imageQuality": "LOW",
  "maxPages": 1}``; every organization quota is 1,000,000.
* A dataset's ``version`` grows when it is updated or documents enter or leave it;
  ``groundTruthSummary`` is ``{}``. Data bundles are ``ready`` at once, with ``summary`` ``{}``
  and a snapshot of their datasets. Document content is checked as base64 only (its bytes are
  not compared with ``contentType``).
* ``DELETE /documents`` deletes one page (``maxResults``, default 100) of the matching documents,
  all documents when there is no filter, and answers them with a ``nextToken`` for the rest.
* Predictions: for each label of the model's ``fieldConfig``, the document's ground truth value
  when it has one (booleans as ``"true"``/``"false"``), else a value of the field's type derived
  from a hash of (document id, label), cut to ``maxLength`` (and 64); confidences derive from
  the same hash.
* Organization counters: ``numberOf<X>Created`` counts what the store holds now;
  ``monthlyNumberOf<X>Created`` counts creations since the last reset.
"""

from __future__ import annotations

import hashlib
import secrets
import string
import time
from typing import Any, Final

from las.testing._call import Call, Reply, public
from las.testing._store import ApiError, Row, State, not_found, now_iso

DEFAULT_RETENTION_IN_DAYS = 1825
DEFAULT_PREPROCESS_CONFIG = {"autoRotate": False, "imageQuality": "LOW", "maxPages": 1}
ME: Final = "me"  # /organizations/me: the caller's organization, as the API's own clients ask for it
ALLOWED = 1_000_000  # every "...Allowed" quota of the emulated organization


def _echo(query: dict[str, list[str]], *names: str) -> dict[str, list[str]]:
    return {name: query[name] for name in names if name in query}


# ---------------------------------------------------------------------------------------------
# App clients


def new_client_id() -> str:
    """A client id shaped like the real ones (26 lowercase letters and digits)."""
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(26))


def add_app_client(
    state: State,
    caller: str | None,
    client_id: str,
    client_secret: str | None,
    body: dict[str, Any],
    app_client_id: str | None = None,
) -> Row:
    """Store an app client (with a fresh id unless ``app_client_id`` is given).

    Its credentials can then get access tokens from ``/token``.
    """
    row: Row = {
        "clientId": client_id,
        "hasSecret": client_secret is not None,
        "apiKey": secrets.token_urlsafe(30),
        "name": body.get("name"),
        "description": body.get("description"),
        "callbackUrls": body.get("callbackUrls", []),
        "loginUrls": body.get("loginUrls", []),
        "logoutUrls": body.get("logoutUrls", []),
        "defaultLoginUrl": body.get("defaultLoginUrl"),
        "_clientSecret": client_secret,
        "createdTime": now_iso(),
        "updatedTime": None,
        "updatedBy": None,
    }
    if app_client_id is None:
        row = state.insert(state.app_clients, "app-client", row, "appClientId")
    else:
        row["appClientId"] = app_client_id
        row = state.app_clients.insert(app_client_id, row, state.next_seq())
    row["createdBy"] = caller or row["appClientId"]
    return row


def create_app_client(call: Call) -> Reply:
    secret = secrets.token_urlsafe(40) if call.body.get("generateSecret", True) else None
    row = add_app_client(call.state, call.caller, new_client_id(), secret, call.body)
    answer = public(row)
    if secret is not None:
        answer["clientSecret"] = secret  # shown once, in this answer only
    return 200, answer


def list_app_clients(call: Call) -> Reply:
    rows, token = call.state.app_clients.page(call.query)
    return 200, {"appClients": [public(row) for row in rows], "nextToken": token}


def update_app_client(call: Call) -> Reply:
    row = call.state.app_clients.require(call.params["appClientId"])
    row.update(call.body)
    return 200, public(call.stamp_updated(row))


def delete_app_client(call: Call) -> Reply:
    state = call.state
    app_client_id = call.params["appClientId"]
    state.app_clients.require(app_client_id)
    if app_client_id == call.caller:
        raise ApiError(
            400, f"{app_client_id} is the app client making this request; use another app client to delete it"
        )
    return 200, public(state.app_clients.delete(app_client_id))  # its tokens stop working


# ---------------------------------------------------------------------------------------------
# Assets


def create_asset(call: Call) -> Reply:
    row = call.stamp_created(
        {
            "name": call.body.get("name"),
            "description": call.body.get("description"),
            "content": call.body["content"],
        }
    )
    row = call.state.insert(call.state.assets, "asset", row, "assetId")
    return 200, public(row)


def list_assets(call: Call) -> Reply:
    rows, token = call.state.assets.page(call.query)
    return 200, {"assets": [public(row, "content") for row in rows], "nextToken": token}


def get_asset(call: Call) -> Reply:
    return 200, public(call.state.assets.require(call.params["assetId"]))


def update_asset(call: Call) -> Reply:
    row = call.state.assets.require(call.params["assetId"])
    row.update(call.body)
    return 200, public(call.stamp_updated(row), "content")


def delete_asset(call: Call) -> Reply:
    call.state.assets.require(call.params["assetId"])
    return 200, public(call.state.assets.delete(call.params["assetId"]), "content")


# ---------------------------------------------------------------------------------------------
# Datasets


def render_dataset(state: State, row: Row) -> dict[str, Any]:
    answer = public(row)
    answer["numberOfDocuments"] = state.documents.count("datasetId", row["datasetId"])
    return answer


def create_dataset(call: Call) -> Reply:
    body = call.body
    row = call.stamp_created(
        {
            "name": body.get("name"),
            "description": body.get("description"),
            "retentionInDays": body.get("retentionInDays", DEFAULT_RETENTION_IN_DAYS),
            "containsPersonallyIdentifiableInformation": body.get(
                "containsPersonallyIdentifiableInformation", False
            ),
            "storageLocation": "EU",
            "version": 0,
            "groundTruthSummary": {},
        }
    )
    row = call.state.insert(call.state.datasets, "dataset", row, "datasetId")
    return 200, render_dataset(call.state, row)


def list_datasets(call: Call) -> Reply:
    rows, token = call.state.datasets.page(call.query)
    return 200, {"datasets": [render_dataset(call.state, row) for row in rows], "nextToken": token}


def get_dataset(call: Call) -> Reply:
    return 200, render_dataset(call.state, call.state.datasets.require(call.params["datasetId"]))


def update_dataset(call: Call) -> Reply:
    row = call.state.datasets.require(call.params["datasetId"])
    row.update(call.body)
    row["version"] += 1
    return 200, render_dataset(call.state, call.stamp_updated(row))


def delete_dataset(call: Call) -> Reply:
    state = call.state
    dataset_id = call.params["datasetId"]
    state.datasets.require(dataset_id)
    count = state.documents.count("datasetId", dataset_id)
    if count:
        raise ApiError(
            400,
            f"{dataset_id} still contains {count} document(s); delete them first "
            f"(DELETE /documents?datasetId={dataset_id})",
        )
    return 200, render_dataset(state, state.datasets.delete(dataset_id))


# ---------------------------------------------------------------------------------------------
# Documents

_DOCUMENT_FILTERS = ("datasetId", "consentId", "batchId")


def _bump_dataset(state: State, dataset_id: str | None) -> None:
    if dataset_id is not None and (dataset := state.datasets.get(dataset_id)) is not None:
        dataset["version"] += 1


def create_document(call: Call) -> Reply:
    state, body = call.state, call.body
    dataset = state.datasets.require(body["datasetId"]) if "datasetId" in body else None
    retention = body.get("retentionInDays")
    if retention is None:
        retention = dataset["retentionInDays"] if dataset else DEFAULT_RETENTION_IN_DAYS
    row = call.stamp_created(
        {"contentType": body["contentType"], "content": body["content"], "retentionInDays": retention}
    )
    for name in ("consentId", "datasetId", "batchId", "groundTruth"):
        if name in body:
            row[name] = body[name]
    row = state.insert(state.documents, "document", row, "documentId")
    _bump_dataset(state, body.get("datasetId"))
    return 200, public(row, "content")


def list_documents(call: Call) -> Reply:
    rows, token = call.state.documents.page(call.query, indexed_filters=_echo(call.query, *_DOCUMENT_FILTERS))
    return 200, {
        "documents": [public(row, "content") for row in rows],
        "nextToken": token,
        **_echo(call.query, *_DOCUMENT_FILTERS),
    }


def delete_documents(call: Call) -> Reply:
    """Delete one page of the matching documents and answer them (``nextToken`` for the rest)."""
    state = call.state
    rows, token = state.documents.page(call.query, indexed_filters=_echo(call.query, *_DOCUMENT_FILTERS))
    for row in rows:
        state.documents.delete(row["documentId"])
        _bump_dataset(state, row.get("datasetId"))
    return 200, {
        "documents": [public(row, "content") for row in rows],
        "nextToken": token,
        **_echo(call.query, *_DOCUMENT_FILTERS),
    }


def get_document(call: Call) -> Reply:
    return 200, public(call.state.documents.require(call.params["documentId"]))


def update_document(call: Call) -> Reply:
    state, body = call.state, call.body
    row = state.documents.require(call.params["documentId"])
    if "datasetId" in body:
        state.datasets.require(body["datasetId"])
        old = row.get("datasetId")
        if old != body["datasetId"]:
            state.documents.set_indexed(row, "datasetId", body["datasetId"])
            _bump_dataset(state, old)
            _bump_dataset(state, body["datasetId"])
    for name in ("groundTruth", "retentionInDays"):
        if name in body:
            row[name] = body[name]
    return 200, public(call.stamp_updated(row), "content")


def delete_document(call: Call) -> Reply:
    state = call.state
    state.documents.require(call.params["documentId"])
    row = state.documents.delete(call.params["documentId"])
    _bump_dataset(state, row.get("datasetId"))
    return 200, public(row, "content")


# ---------------------------------------------------------------------------------------------
# Models and data bundles


def render_model(state: State, row: Row) -> dict[str, Any]:
    answer = public(row)
    answer["numberOfDataBundles"] = state.data_bundles.count("modelId", row["modelId"])
    return answer


def create_model(call: Call) -> Reply:
    body = call.body
    row = call.stamp_created(
        {
            "name": body.get("name"),
            "description": body.get("description"),
            "width": body["width"],
            "height": body["height"],
            "fieldConfig": body["fieldConfig"],
            "preprocessConfig": body.get("preprocessConfig", dict(DEFAULT_PREPROCESS_CONFIG)),
            "status": "inactive",
        }
    )
    row = call.state.insert(call.state.models, "model", row, "modelId")
    return 200, render_model(call.state, row)


def list_models(call: Call) -> Reply:
    rows, token = call.state.models.page(call.query)
    return 200, {"models": [render_model(call.state, row) for row in rows], "nextToken": token}


def get_model(call: Call) -> Reply:
    return 200, render_model(call.state, call.state.models.require(call.params["modelId"]))


def update_model(call: Call) -> Reply:
    row = call.state.models.require(call.params["modelId"])
    row.update(call.body)
    return 200, render_model(call.state, call.stamp_updated(row))


def delete_model(call: Call) -> Reply:
    state = call.state
    model_id = call.params["modelId"]
    state.models.require(model_id)
    count = state.data_bundles.count("modelId", model_id)
    if count:
        raise ApiError(
            400,
            f"{model_id} still has {count} data bundle(s); delete them first "
            f"(DELETE /models/{model_id}/dataBundles/<dataBundleId>)",
        )
    return 200, render_model(state, state.models.delete(model_id))


def create_data_bundle(call: Call) -> Reply:
    state, body = call.state, call.body
    model_id = call.params["modelId"]
    state.models.require(model_id)
    datasets = [
        render_dataset(state, state.datasets.require(dataset_id))
        for dataset_id in dict.fromkeys(body["datasetIds"])
    ]
    row = call.stamp_created(
        {
            "modelId": model_id,
            "name": body.get("name"),
            "description": body.get("description"),
            "datasets": datasets,
            "status": "ready",
            "summary": {},
        }
    )
    row = state.insert(state.data_bundles, "model-data-bundle", row, "dataBundleId")
    return 200, public(row)


def list_data_bundles(call: Call) -> Reply:
    state = call.state
    model_id = call.params["modelId"]
    state.models.require(model_id)
    statuses = call.query.get("status")
    rows, token = state.data_bundles.page(
        call.query,
        indexed_filters={"modelId": [model_id]},
        where=(lambda row: row["status"] in statuses) if statuses else None,
    )
    return 200, {
        "dataBundles": [public(row) for row in rows],
        "nextToken": token,
        **_echo(call.query, "status"),
    }


def _data_bundle(call: Call) -> Row:
    call.state.models.require(call.params["modelId"])
    row = call.state.data_bundles.get(call.params["dataBundleId"])
    if row is None or row["modelId"] != call.params["modelId"]:
        raise not_found(call.params["dataBundleId"])
    return row


def update_data_bundle(call: Call) -> Reply:
    row = _data_bundle(call)
    row.update(call.body)
    return 200, public(call.stamp_updated(row))


def delete_data_bundle(call: Call) -> Reply:
    row = _data_bundle(call)
    return 200, public(call.state.data_bundles.delete(row["dataBundleId"]))


# ---------------------------------------------------------------------------------------------
# Organization


def render_organization(state: State) -> dict[str, Any]:
    counts = {
        "AppClients": len(state.app_clients),
        "Assets": len(state.assets),
        "Batches": 0,
        "Datasets": len(state.datasets),
        "Models": len(state.models),
        "Secrets": len(state.secrets),
        "Transitions": len(state.transitions),
        "Users": len(state.users),
        "Workflows": len(state.workflows),
    }
    monthly = {
        "DataBundles": "model-data-bundle",
        "Documents": "document",
        "Predictions": "prediction",
        "TransitionExecutions": "transition-execution",
        "WorkflowExecutions": "workflow-execution",
    }
    answer = public(state.organization)
    for name, count in counts.items():
        answer[f"numberOf{name}Allowed"] = ALLOWED
        answer[f"numberOf{name}Created"] = count
    for name, kind in monthly.items():
        answer[f"monthlyNumberOf{name}Allowed"] = ALLOWED
        answer[f"monthlyNumberOf{name}Created"] = state.created[kind]
    answer["monthlyUsageSummary"] = {}
    return answer


def _organization(call: Call) -> Row:
    """The organization of the path: its id, or ``me`` for the caller's (the emulator's only one)."""
    if call.params["organizationId"] not in (ME, call.state.organization["organizationId"]):
        raise not_found(call.params["organizationId"])
    return call.state.organization


def get_organization(call: Call) -> Reply:
    _organization(call)
    return 200, render_organization(call.state)


def update_organization(call: Call) -> Reply:
    row = _organization(call)
    row.update(call.body)
    call.stamp_updated(row)
    return 200, render_organization(call.state)


# ---------------------------------------------------------------------------------------------
# Predictions


def _digest(*parts: str) -> bytes:
    return hashlib.sha256("\x1f".join(parts).encode()).digest()


def fake_value(field_type: str, max_length: int, seed: bytes) -> str:
    """A plausible value for a field of ``field_type``, derived only from ``seed``."""
    number = int.from_bytes(seed[:8], "big")
    alnum = string.ascii_uppercase + string.digits
    if field_type == "date":
        value = f"{2015 + seed[0] % 10}-{1 + seed[1] % 12:02d}-{1 + seed[2] % 28:02d}"
    elif field_type == "amount":
        value = f"{number % 100_000}.{seed[8] % 100:02d}"
    elif field_type == "number":
        value = str(number % 1_000_000)
    elif field_type == "phone":
        value = f"+47{number % 100_000_000:08d}"
    elif field_type == "letter":
        value = "".join(string.ascii_uppercase[byte % 26] for byte in seed[:8])
    elif field_type == "alphanum":
        value = "".join(alnum[byte % len(alnum)] for byte in seed[:10])
    elif field_type == "alphanumext":
        extended = alnum + "-./"
        value = "".join(extended[byte % len(extended)] for byte in seed[:10])
    else:
        words = ("invoice", "total", "acme", "oslo", "payment", "due", "net", "order")
        value = " ".join(words[byte % len(words)] for byte in seed[:4])
    return value[: max(1, min(max_length, 64))]


def create_prediction(call: Call) -> Reply:
    state, body = call.state, call.body
    document = state.documents.require(body["documentId"])
    model = state.models.require(body["modelId"])
    truth = {item["label"]: item["value"] for item in document.get("groundTruth", [])}
    predictions = []
    for label, config in model["fieldConfig"].items():
        seed = _digest(document["documentId"], label)
        known = truth.get(label)
        if known is None:
            value = fake_value(config["type"], config["maxLength"], seed)
            confidence = round(seed[31] / 255, 4)
        else:
            value = ("true" if known else "false") if isinstance(known, bool) else known[:64]
            confidence = round(0.9 + seed[31] / 2550, 4)
        predictions.append({"label": label, "value": value, "confidence": confidence})
    seed = _digest(document["documentId"], model["modelId"])
    row = {
        "documentId": document["documentId"],
        "modelId": model["modelId"],
        "predictions": predictions,
        "inferenceTime": round(0.5 + seed[0] / 100, 3),
        "timestamp": int(time.time()),
    }
    row = state.insert(state.predictions, "prediction", row, "predictionId")
    return 200, public(row)


def list_predictions(call: Call) -> Reply:
    rows, token = call.state.predictions.page(call.query)
    return 200, {"predictions": [public(row) for row in rows], "nextToken": token}


# ---------------------------------------------------------------------------------------------
# Secrets (the data is kept but never answered)


def create_secret(call: Call) -> Reply:
    row = call.stamp_created(
        {
            "name": call.body.get("name"),
            "description": call.body.get("description"),
            "_data": call.body["data"],
        }
    )
    row = call.state.insert(call.state.secrets, "secret", row, "secretId")
    return 200, public(row)


def list_secrets(call: Call) -> Reply:
    rows, token = call.state.secrets.page(call.query)
    return 200, {"secrets": [public(row) for row in rows], "nextToken": token}


def update_secret(call: Call) -> Reply:
    row = call.state.secrets.require(call.params["secretId"])
    for name, value in call.body.items():
        row["_data" if name == "data" else name] = value
    return 200, public(call.stamp_updated(row))


def delete_secret(call: Call) -> Reply:
    call.state.secrets.require(call.params["secretId"])
    return 200, public(call.state.secrets.delete(call.params["secretId"]))


# ---------------------------------------------------------------------------------------------
# Users


def create_user(call: Call) -> Reply:
    state, body = call.state, call.body
    if "appClientId" in body:
        state.app_clients.require(body["appClientId"])
    email = body["email"]
    if any(user["email"].lower() == email.lower() for user in state.users):
        raise ApiError(400, f"body.email: a user with email {email!r} already exists")
    row = call.stamp_created(
        {
            "email": email,
            "name": body.get("name"),
            "avatar": body.get("avatar"),
            "_appClientId": body.get("appClientId"),
        }
    )
    row = state.insert(state.users, "user", row, "userId")
    return 200, public(row)


def list_users(call: Call) -> Reply:
    rows, token = call.state.users.page(call.query)
    return 200, {"users": [public(row) for row in rows], "nextToken": token}


def get_user(call: Call) -> Reply:
    return 200, public(call.state.users.require(call.params["userId"]))


def update_user(call: Call) -> Reply:
    row = call.state.users.require(call.params["userId"])
    row.update(call.body)
    return 200, public(call.stamp_updated(row))


def delete_user(call: Call) -> Reply:
    call.state.users.require(call.params["userId"])
    return 200, public(call.state.users.delete(call.params["userId"]))
