"""Handlers of the plain resources: app clients, assets, datasets, documents, models and their
data bundles, the organization, predictions, secrets and users.

Each handler gets a validated :class:`~las.testing._request.ApiRequest` (the server checked the body and
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

Under the 2024-11-29 contract, besides the fields it adds (``metadata``, ``roleIds``,
``contentMD5``, ...; the answer shapes leave out what a contract does not have):

* Documents keep their bytes, not base64: see :mod:`las.testing._files` for ``fileUrl``. A
  document answers no ``content``; a prediction on one whose bytes have not arrived answers 400.
  ``GET /documents`` takes ``order`` (by creation) and ``documentId`` filters.
* Models have no ``width``/``height``; a model is ``active`` while it has a ``trainingId``
  (``PATCH`` it to a succeeded training of the model, or to null), else ``inactive``. The
  public models of the catalogue (:mod:`las.testing._account`) belong to another organization:
  they answer ``GET`` and take predictions (whose ``modelId`` then carries the owner prefix,
  ``las:organization:<owner>/las:model:<name>``), and refuse changes (403). A model id in a path
  or body may carry its owner's prefix.
* Data bundles are ``running``, then ``succeeded``, on the emulator's clock
  (:mod:`las.testing._progress`).
* Predictions: ``async: true`` answers ``pending`` (``predictions`` null) for a few seconds of
  the emulator's clock (:mod:`las.testing._progress`; ``GET /predictions/{id}``).
  Field types ``digits``, ``numeric``, ``string``, ``enum`` (one of the field's ``enum``) and
  ``lines`` (one line of its ``fields``) are made up as the 2021 ones are; ``trainingId`` must be
  a succeeded training of the model (default: the model's). ``GET /predictions`` filters by
  ``modelId`` and sorts by creation.
* Users: ``POST /users`` also creates the user's profile (``GET /profiles/{profileId}``, which
  holds the email); users are ``active``. ``roleIds`` must name roles of the catalogue (404).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import string
import time
from collections.abc import Callable
from typing import Any, Final

from las.testing._contracts import V2024
from las.testing._files import file_url, md5_base64, store_bytes
from las.testing._progress import (
    data_bundle_status,
    prediction_pending,
    training_gpu_hours,
    training_running,
    training_status,
)
from las.testing._request import ApiRequest, Reply, public
from las.testing._store import ApiError, Row, State, Table, not_found, now_iso, page_sorted

DEFAULT_RETENTION_IN_DAYS = 1825
DEFAULT_PREPROCESS_CONFIG = {"autoRotate": False, "imageQuality": "LOW", "maxPages": 1}
ME: Final = "me"  # /organizations/me: the caller's organization, as the API's own clients ask for it
ALLOWED = 1_000_000  # every "...Allowed" quota of the emulated organization
ORGANIZATION_PREFIX: Final = "las:organization:"


def echo(query: dict[str, list[str]], *names: str) -> dict[str, list[str]]:
    return {name: query[name] for name in names if name in query}


def echo_one(query: dict[str, list[str]], *names: str) -> dict[str, str]:
    return {name: query[name][0] for name in names if name in query}


def modern(request: ApiRequest) -> bool:
    """Whether the request is answered as the 2024-11-29 contract says."""
    return request.state.contract == V2024


def split_owner(value: str) -> tuple[str | None, str]:
    """``("las:organization:x", "las:model:y")`` for ``"las:organization:x/las:model:y"``;
    ``(None, value)`` for an id without its owner's prefix."""
    if value.startswith(ORGANIZATION_PREFIX) and "/" in value:
        owner, _, rest = value.partition("/")
        return owner, rest
    return None, value


_VERSIONED = re.compile(r"^(las:[a-z-]+:[a-z0-9-_]+):(@[a-z0-9-_]+|[0-9]+)$")


def require_owned(state: State, table: Table, value: str) -> Row:
    """The row of ``value``, an id that may carry its owner's prefix (which must be its owner)
    and, for a versioned kind (plans, deployment environments), a version: ``:@latest`` or
    ``:<n>`` up to the row's ``latest``."""
    owner, row_id = split_owner(value)
    row = table.get(row_id)
    if row is None and (versioned := _VERSIONED.match(row_id)):
        row_id, version = versioned.groups()
        row = table.get(row_id)
        if (
            row is not None
            and version != "@latest"
            and not (version.isdigit() and 1 <= int(version) <= row.get("latest", 1))
        ):
            row = None
    if row is None or (owner is not None and owner != row.get("organizationId", owner)):
        raise not_found(value)
    return row


def page_of(
    request: ApiRequest, table: Table, key: str, render: Callable[[Row], Any] = public, **filters: Any
) -> Reply:
    """One page of ``table`` (``filters``: those of :meth:`Table.page`), answered under ``key``."""
    rows, token = table.page(request.query, **filters)
    return 200, {key: [render(row) for row in rows], "nextToken": token}


def page_of_model(
    request: ApiRequest,
    table: Table,
    key: str,
    status_of: Callable[[State, Row], str],
    render: Callable[[State, Row], Any],
) -> Reply:
    """One page of what belongs to the path's model (data bundles, trainings), in the query's
    ``status`` (echoed)."""
    state = request.state
    model_id = require_owned(state, state.models, request.params["modelId"])["modelId"]
    return page_by_status(
        request,
        table,
        ("modelId", model_id),
        key,
        lambda row: status_of(state, row),
        lambda row: render(state, row),
    )


def page_by_status(
    request: ApiRequest,
    table: Table,
    parent: tuple[str, str],
    key: str,
    status_of: Callable[[Row], str],
    render: Callable[[Row], Any],
) -> Reply:
    """One page of the rows of a parent (``(field, id)``) in the query's ``status`` (echoed)."""
    statuses = request.query.get("status")
    status, answer = page_of(
        request,
        table,
        key,
        render,
        indexed_filters={parent[0]: [parent[1]]},
        where=(lambda row: status_of(row) in statuses) if statuses else None,
    )
    return status, {**answer, **echo(request.query, "status")}


def require_roles(state: State, body: dict[str, Any]) -> None:
    """Refuse (404) ``roleIds`` naming roles the emulator does not know."""
    for role_id in body.get("roleIds") or ():
        state.roles.require(role_id)


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
        "roleIds": body.get("roleIds"),
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


def create_app_client(request: ApiRequest) -> Reply:
    require_roles(request.state, request.body)
    secret = secrets.token_urlsafe(40) if request.body.get("generateSecret", True) else None
    row = add_app_client(request.state, request.caller, new_client_id(), secret, request.body)
    answer = public(row)
    if secret is not None:
        answer["clientSecret"] = secret  # shown once, in this answer only
    return 200, answer


def list_app_clients(request: ApiRequest) -> Reply:
    rows, token = request.state.app_clients.page(request.query)
    return 200, {"appClients": [public(row) for row in rows], "nextToken": token}


def get_app_client(request: ApiRequest) -> Reply:
    return 200, public(request.state.app_clients.require(request.params["appClientId"]))


def update_app_client(request: ApiRequest) -> Reply:
    row = request.state.app_clients.require(request.params["appClientId"])
    require_roles(request.state, request.body)
    row.update(request.body)
    return 200, public(request.stamp_updated(row))


def delete_app_client(request: ApiRequest) -> Reply:
    state = request.state
    app_client_id = request.params["appClientId"]
    state.app_clients.require(app_client_id)
    if app_client_id == request.caller:
        raise ApiError(
            400, f"{app_client_id} is the app client making this request; use another app client to delete it"
        )
    return 200, public(state.app_clients.delete(app_client_id))  # its tokens stop working


# ---------------------------------------------------------------------------------------------
# Assets


def create_asset(request: ApiRequest) -> Reply:
    row = request.stamp_created(
        {
            "name": request.body.get("name"),
            "description": request.body.get("description"),
            "content": request.body["content"],
            "contentMD5": md5_base64(base64.b64decode(request.body["content"])),
        }
    )
    row = request.state.insert(request.state.assets, "asset", row, "assetId")
    return 200, public(row)


def list_assets(request: ApiRequest) -> Reply:
    rows, token = request.state.assets.page(request.query)
    return 200, {"assets": [public(row, "content") for row in rows], "nextToken": token}


def get_asset(request: ApiRequest) -> Reply:
    return 200, public(request.state.assets.require(request.params["assetId"]))


def update_asset(request: ApiRequest) -> Reply:
    row = request.state.assets.require(request.params["assetId"])
    row.update(request.body)
    if "content" in request.body:
        row["contentMD5"] = md5_base64(base64.b64decode(request.body["content"]))
    return 200, public(request.stamp_updated(row), "content")


def delete_asset(request: ApiRequest) -> Reply:
    request.state.assets.require(request.params["assetId"])
    return 200, public(request.state.assets.delete(request.params["assetId"]), "content")


# ---------------------------------------------------------------------------------------------
# Datasets


def render_dataset(state: State, row: Row) -> dict[str, Any]:
    answer = public(row)
    answer["numberOfDocuments"] = state.documents.count("datasetId", row["datasetId"])
    return answer


def create_dataset(request: ApiRequest) -> Reply:
    body = request.body
    row = request.stamp_created(
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
            "metadata": body.get("metadata"),
        }
    )
    row = request.state.insert(request.state.datasets, "dataset", row, "datasetId")
    return 200, render_dataset(request.state, row)


def list_datasets(request: ApiRequest) -> Reply:
    rows, token = request.state.datasets.page(request.query)
    return 200, {"datasets": [render_dataset(request.state, row) for row in rows], "nextToken": token}


def get_dataset(request: ApiRequest) -> Reply:
    return 200, render_dataset(request.state, request.state.datasets.require(request.params["datasetId"]))


def update_dataset(request: ApiRequest) -> Reply:
    row = request.state.datasets.require(request.params["datasetId"])
    row.update(request.body)
    row["version"] += 1
    return 200, render_dataset(request.state, request.stamp_updated(row))


def delete_dataset(request: ApiRequest) -> Reply:
    state = request.state
    dataset_id = request.params["datasetId"]
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


def create_document(request: ApiRequest) -> Reply:
    state, body = request.state, request.body
    dataset = state.datasets.require(body["datasetId"]) if "datasetId" in body else None
    retention = body.get("retentionInDays")
    if retention is None:
        retention = dataset["retentionInDays"] if dataset else DEFAULT_RETENTION_IN_DAYS
    row: Row = {"contentType": body.get("contentType")}
    if modern(request):  # the bytes, inline or (later) PUT to the fileUrl of the answer
        content = body.get("content")
        store_bytes(row, base64.b64decode(content) if content is not None else None)
    else:
        row["content"] = body["content"]
    row["retentionInDays"] = retention
    row = request.stamp_created(row)
    row.update(name=body.get("name"), description=body.get("description"), metadata=body.get("metadata"))
    for name in ("consentId", "datasetId", "batchId", "groundTruth"):
        if name in body:
            row[name] = body[name]
    row = state.insert(state.documents, "document", row, "documentId")
    _bump_dataset(state, body.get("datasetId"))
    return 200, render_document(request, row, upload=row.get("_bytes", False) is None)


def render_document(
    request: ApiRequest, row: Row, *, content: bool = False, upload: bool = False
) -> dict[str, Any]:
    """A document as answered alone: 2021 with its base64 ``content`` when asked; 2024 with a
    ``fileUrl`` to download its bytes (null before they arrive), or to upload them."""
    answer = public(row) if content else public(row, "content")
    if modern(request):
        if upload:
            answer["fileUrl"] = file_url(request, row["documentId"], "PUT")
        else:
            has_bytes = row.get("_bytes") is not None
            answer["fileUrl"] = file_url(request, row["documentId"], "GET") if has_bytes else None
    return answer


def _documents(request: ApiRequest) -> tuple[list[Row], str | None, dict[str, list[str]]]:
    """One page of the documents the query selects (and the filters to echo)."""
    query, table = request.query, request.state.documents
    filters = echo(query, *_DOCUMENT_FILTERS)
    wanted = set(query.get("documentId", ()))
    where = (lambda row: row["documentId"] in wanted) if wanted else None
    if query.get("order") != ["descending"]:
        rows, token = table.page(query, indexed_filters=filters, where=where)
        return rows, token, filters
    matching = [
        row
        for row in table
        if all(row.get(name) in values for name, values in filters.items()) and (where is None or where(row))
    ]
    rows, token = page_sorted(matching, query, descending=True)
    return rows, token, filters


def list_documents(request: ApiRequest) -> Reply:
    rows, token, filters = _documents(request)
    return 200, {
        "documents": [public(row, "content") for row in rows],
        "nextToken": token,
        **filters,
        **echo_one(request.query, "sortBy", "order"),
    }


def delete_documents(request: ApiRequest) -> Reply:
    """Delete one page of the matching documents and answer them (``nextToken`` for the rest)."""
    state = request.state
    rows, token, filters = _documents(request)
    for row in rows:
        state.documents.delete(row["documentId"])
        _bump_dataset(state, row.get("datasetId"))
    return 200, {"documents": [public(row, "content") for row in rows], "nextToken": token, **filters}


def get_document(request: ApiRequest) -> Reply:
    return 200, render_document(
        request, request.state.documents.require(request.params["documentId"]), content=True
    )


def update_document(request: ApiRequest) -> Reply:
    state, body = request.state, request.body
    row = state.documents.require(request.params["documentId"])
    if "datasetId" in body:
        state.datasets.require(body["datasetId"])
        old = row.get("datasetId")
        if old != body["datasetId"]:
            state.documents.set_indexed(row, "datasetId", body["datasetId"])
            _bump_dataset(state, old)
            _bump_dataset(state, body["datasetId"])
    for name in ("groundTruth", "retentionInDays", "name", "description", "metadata"):
        if name in body:
            row[name] = body[name]
    if "groundTruth" in body and body["groundTruth"] is None:  # 2024: null removes it
        del row["groundTruth"]
    return 200, render_document(request, request.stamp_updated(row))


def delete_document(request: ApiRequest) -> Reply:
    state = request.state
    state.documents.require(request.params["documentId"])
    row = state.documents.delete(request.params["documentId"])
    _bump_dataset(state, row.get("datasetId"))
    return 200, public(row, "content")


# ---------------------------------------------------------------------------------------------
# Models and data bundles


def render_model(state: State, row: Row) -> dict[str, Any]:
    answer = public(row)
    answer["numberOfDataBundles"] = state.data_bundles.count("modelId", row["modelId"])
    answer["numberOfRunningTrainings"] = sum(
        1
        for training in state.trainings.select("modelId", row["modelId"])
        if training_running(state, training)
    )
    return answer


def model_ref(state: State, model: Row) -> str:
    """A model's id as predictions answer it: with its owner's prefix if another organization owns it."""
    owner = model.get("organizationId")
    if owner is None or owner == state.organization["organizationId"]:
        return str(model["modelId"])
    return f"{owner}/{model['modelId']}"


def own_model(request: ApiRequest, value: str) -> Row:
    """The model ``value`` names, which the caller's organization must own to change (403)."""
    model = require_owned(request.state, request.state.models, value)
    if model_ref(request.state, model) != model["modelId"]:
        raise ApiError(403, f"{value} belongs to {model['organizationId']}; it can be used, not changed")
    return model


def create_model(request: ApiRequest) -> Reply:
    body = request.body
    row: Row = {"name": body.get("name"), "description": body.get("description")}
    for name in ("width", "height"):  # 2021 only
        if name in body:
            row[name] = body[name]
    row.update(
        fieldConfig=body["fieldConfig"],
        preprocessConfig=body.get("preprocessConfig", dict(DEFAULT_PREPROCESS_CONFIG)),
        status="inactive",
    )
    row = request.stamp_created(row)
    row.update(
        metadata=body.get("metadata"),
        trainingId=None,
        organizationId=request.state.organization["organizationId"],
    )
    if "postprocessConfig" in body:
        row["postprocessConfig"] = body["postprocessConfig"]
    row = request.state.insert(request.state.models, "model", row, "modelId")
    return 200, render_model(request.state, row)


def list_models(request: ApiRequest) -> Reply:
    state = request.state
    owner = request.query.get("owner", [state.organization["organizationId"]])[0]
    rows, token = state.models.page(request.query, where=lambda row: row["organizationId"] == owner)
    return 200, {"models": [render_model(state, row) for row in rows], "nextToken": token}


def get_model(request: ApiRequest) -> Reply:
    state = request.state
    model = require_owned(state, state.models, request.params["modelId"])
    answer = render_model(state, model)
    if "statisticsLastNDays" in request.query:
        days = int(request.query["statisticsLastNDays"][0])
        since = time.time() - days * 86400
        answer["statistics"] = {
            "lastNDays": days,
            "numberOfPredictions": sum(
                1
                for row in state.predictions
                if row["_modelId"] == model["modelId"] and row["timestamp"] >= since
            ),
        }
    return 200, answer


def update_model(request: ApiRequest) -> Reply:
    state, body = request.state, request.body
    row = own_model(request, request.params["modelId"])
    if body.get("trainingId") is not None:
        succeeded_training(state, row["modelId"], body["trainingId"], "only a succeeded training can be used")
    row.update(body)
    if "trainingId" in body:
        row["status"] = "inactive" if body["trainingId"] is None else "active"
    return 200, render_model(state, request.stamp_updated(row))


def delete_model(request: ApiRequest) -> Reply:
    state = request.state
    model = own_model(request, request.params["modelId"])
    model_id = model["modelId"]
    count = state.data_bundles.count("modelId", model_id)
    if count:
        raise ApiError(
            400,
            f"{model_id} still has {count} data bundle(s); delete them first "
            f"(DELETE /models/{model_id}/dataBundles/<dataBundleId>)",
        )
    for training in state.trainings.select("modelId", model_id):
        state.trainings.delete(training["trainingId"])
    return 200, render_model(state, state.models.delete(model_id))


def render_data_bundle(state: State, row: Row) -> dict[str, Any]:
    answer = public(row)
    answer["status"] = data_bundle_status(state, row)
    return answer


def create_data_bundle(request: ApiRequest) -> Reply:
    state, body = request.state, request.body
    model_id = own_model(request, request.params["modelId"])["modelId"]
    datasets = [
        render_dataset(state, state.datasets.require(dataset_id))
        for dataset_id in dict.fromkeys(body.get("datasetIds", ()))
    ]
    row = request.stamp_created(
        {
            "modelId": model_id,
            "name": body.get("name"),
            "description": body.get("description"),
            "datasets": datasets,
            "status": "ready",
            "summary": {},
            "_startedAt": state.clock.now(),
        }
    )
    row = state.insert(state.data_bundles, "model-data-bundle", row, "dataBundleId")
    return 200, render_data_bundle(state, row)


def list_data_bundles(request: ApiRequest) -> Reply:
    return page_of_model(
        request, request.state.data_bundles, "dataBundles", data_bundle_status, render_data_bundle
    )


def _data_bundle(request: ApiRequest) -> Row:
    model_id = require_owned(request.state, request.state.models, request.params["modelId"])["modelId"]
    return request.state.data_bundles.child(request.params["dataBundleId"], "modelId", model_id)


def succeeded_training(state: State, model_id: str, training_id: str, use: str) -> Row:
    """The training ``training_id`` of the model, which must have succeeded to be used (400
    naming the ``use``, e.g. "predict with a succeeded one")."""
    training = state.trainings.child(training_id, "modelId", model_id)
    status = training_status(state, training)
    if status != "succeeded":
        raise ApiError(400, f"body.trainingId: {training_id} is {status}; {use}")
    return training


def get_data_bundle(request: ApiRequest) -> Reply:
    return 200, render_data_bundle(request.state, _data_bundle(request))


def update_data_bundle(request: ApiRequest) -> Reply:
    row = _data_bundle(request)
    row.update(request.body)
    return 200, render_data_bundle(request.state, request.stamp_updated(row))


def delete_data_bundle(request: ApiRequest) -> Reply:
    row = _data_bundle(request)
    return 200, render_data_bundle(request.state, request.state.data_bundles.delete(row["dataBundleId"]))


# ---------------------------------------------------------------------------------------------
# Organization


def new_organization(state: State, organization_id: str, name: str | None) -> Row:
    """Store an organization (the emulator's own, or one ``POST /organizations`` creates)."""
    row: Row = {
        "organizationId": organization_id,
        "name": name,
        "description": None,
        "updatedTime": None,
        "updatedBy": None,
        "createdTime": now_iso(),
        "planId": None,
        "paymentMethodId": None,
        "documentRetentionInDays": DEFAULT_RETENTION_IN_DAYS,
    }
    return state.organizations.insert(organization_id, row, state.next_seq())


def render_organization(state: State, row: Row | None = None) -> dict[str, Any]:
    """An organization with its quotas and counters (those of an organization created by the
    caller count nothing: everything the emulator holds belongs to its own)."""
    row = state.organization if row is None else row
    own = row is state.organization
    owned = [model for model in state.models if model["organizationId"] == row["organizationId"]]
    counts = {
        "AppClients": len(state.app_clients),
        "Assets": len(state.assets),
        "Batches": 0,
        "Datasets": len(state.datasets),
        "Models": len(owned),
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
        "Trainings": "model-training",
        "Transformations": "dataset-transformation",
    }
    answer = public(row)
    for name, count in counts.items():
        answer[f"numberOf{name}Allowed"] = ALLOWED
        answer[f"numberOf{name}Created"] = count if own else 0
    for name, kind in monthly.items():
        answer[f"monthlyNumberOf{name}Allowed"] = ALLOWED
        answer[f"monthlyNumberOf{name}Created"] = state.created[kind] if own else 0
    answer["monthlyUsageSummary"] = {}
    used: dict[str, float] = {
        "ActiveModels": sum(1 for model in owned if model["status"] == "active"),
        "FieldPredictions": state.created["field-prediction"],
        "PagePredictions": state.created["prediction"],
        "GpuHours": round(sum(_gpu_hours(state, training) for training in state.trainings), 4),
        "ModelDeploymentUnits": 0,
        "ProductionWorkflowMinutes": 0,
        "UserMinutes": 0,
    }
    for name, amount in used.items():
        answer[f"monthlyNumberOf{name}Used"] = amount if own else 0
    for name in ("FieldPredictions", "PagePredictions"):
        answer[f"monthlyNumberOf{name}Allowed"] = ALLOWED
    answer["deploymentsAllowed"] = {}
    answer["deploymentsCreated"] = {}
    return answer


def _gpu_hours(state: State, training: Row) -> float:
    return training_gpu_hours(state, training) or 0.0


def _organization(request: ApiRequest) -> Row:
    """The organization of the path: its id, or ``me`` for the caller's (the emulator's own)."""
    organization_id = request.params["organizationId"]
    if organization_id == ME:
        return request.state.organization
    row = request.state.organizations.get(organization_id)
    if row is None:
        raise not_found(organization_id)
    return row


def get_organization(request: ApiRequest) -> Reply:
    return 200, render_organization(request.state, _organization(request))


def update_organization(request: ApiRequest) -> Reply:
    state, body = request.state, request.body
    row = _organization(request)
    if body.get("paymentMethodId") is not None:
        state.payment_methods.require(body["paymentMethodId"])
    if "planId" in body:
        body = {**body, "planId": require_owned(state, state.plans, body["planId"])["planId"]}
    row.update(body)
    request.stamp_updated(row)
    return 200, render_organization(state, row)


# ---------------------------------------------------------------------------------------------
# Predictions


def digest(*parts: str) -> bytes:
    return hashlib.sha256("\x1f".join(parts).encode()).digest()


def fake_value(field_type: str, max_length: int, seed: bytes, choices: list[str] | None = None) -> str:
    """A plausible value for a field of ``field_type``, derived only from ``seed`` (an ``enum``
    field takes one of its ``choices``)."""
    number = int.from_bytes(seed[:8], "big")
    alnum = string.ascii_uppercase + string.digits
    if field_type == "date":
        value = f"{2015 + seed[0] % 10}-{1 + seed[1] % 12:02d}-{1 + seed[2] % 28:02d}"
    elif field_type == "amount":
        value = f"{number % 100_000}.{seed[8] % 100:02d}"
    elif field_type in ("number", "numeric"):
        value = str(number % 1_000_000)
    elif field_type == "digits":
        value = f"{number % 10**10:010d}"
    elif field_type == "enum" and choices:
        value = choices[number % len(choices)]
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


def _known_value(known: Any) -> str | None:
    """A ground truth value as a predicted one (a string of 1 to 64 characters, or null)."""
    if isinstance(known, bool):
        return "true" if known else "false"
    if isinstance(known, (int, float)):
        return str(known)[:64]
    if isinstance(known, str) and known:
        return known[:64]
    return None


def _predict_field(
    document_id: str, label: str, config: dict[str, Any], truth: dict[str, Any]
) -> dict[str, Any]:
    """The prediction of one field: its ground truth if the document has one, else made up."""
    seed = digest(document_id, label)
    if config.get("type") == "lines":  # 2024: one line of the field's fields
        line = [
            _predict_field(document_id, f"{label}.{sub}", sub_config, {})
            for sub, sub_config in config["fields"].items()
        ]
        for item, sub in zip(line, config["fields"], strict=True):
            item["label"] = sub
        return {"label": label, "value": [line]}
    known = truth.get(label)
    if known is None or isinstance(known, list):
        value: str | None = fake_value(config["type"], config.get("maxLength", 64), seed, config.get("enum"))
        confidence = round(seed[31] / 255, 4)
    else:
        value = _known_value(known)
        confidence = round(0.9 + seed[31] / 2550, 4)
    return {"label": label, "value": value, "confidence": confidence}


def create_prediction(request: ApiRequest) -> Reply:
    state, body = request.state, request.body
    document = state.documents.require(body["documentId"])
    model = require_owned(state, state.models, body["modelId"])
    if modern(request) and document.get("_bytes") is None:
        raise ApiError(
            400,
            f"{document['documentId']} has no content yet: PUT its bytes to the fileUrl "
            "that POST /documents answered",
        )
    training_id = model.get("trainingId")
    if body.get("trainingId") is not None:
        training_id = succeeded_training(
            state, model["modelId"], body["trainingId"], "predict with a succeeded one"
        )["trainingId"]
    truth = {item["label"]: item["value"] for item in document.get("groundTruth", [])}
    predictions = [
        _predict_field(document["documentId"], label, config, truth)
        for label, config in model["fieldConfig"].items()
    ]
    seed = digest(document["documentId"], model["modelId"])
    row = {
        "documentId": document["documentId"],
        "modelId": model_ref(state, model),
        "predictions": predictions,
        "inferenceTime": round(0.5 + seed[0] / 100, 3),
        "timestamp": int(time.time()),
        "createdTime": now_iso(),
        "createdBy": request.caller,
        "status": "succeeded",
        "trainingId": training_id,
        "_modelId": model["modelId"],
        "_async": bool(body.get("async")),
        "_startedAt": state.clock.now(),
    }
    for name in ("preprocessConfig", "postprocessConfig"):
        if name in body:
            row[name] = body[name]
    row = state.insert(state.predictions, "prediction", row, "predictionId")
    state.created["field-prediction"] += len(predictions)
    return 200, render_prediction(state, row)


def render_prediction(state: State, row: Row) -> dict[str, Any]:
    """A prediction; an ``async`` one is ``pending`` without predictions for a while."""
    answer = public(row)
    if prediction_pending(state, row):
        answer.update(status="pending", predictions=None, inferenceTime=None)
    return answer


def list_predictions(request: ApiRequest) -> Reply:
    state, query = request.state, request.query
    wanted = split_owner(query["modelId"][0])[1] if "modelId" in query else None
    where = (lambda row: row["_modelId"] == wanted) if wanted else None
    if query.get("order") == ["descending"]:
        rows, token = page_sorted(
            [row for row in state.predictions if where is None or where(row)], query, descending=True
        )
    else:
        rows, token = state.predictions.page(query, where=where)
    return 200, {
        "predictions": [render_prediction(state, row) for row in rows],
        "nextToken": token,
        **echo_one(query, "modelId", "sortBy", "order"),
    }


def get_prediction(request: ApiRequest) -> Reply:
    return 200, render_prediction(
        request.state, request.state.predictions.require(request.params["predictionId"])
    )


# ---------------------------------------------------------------------------------------------
# Secrets (the data is kept but never answered)


def create_secret(request: ApiRequest) -> Reply:
    row = request.stamp_created(
        {
            "name": request.body.get("name"),
            "description": request.body.get("description"),
            "_data": request.body["data"],
        }
    )
    row = request.state.insert(request.state.secrets, "secret", row, "secretId")
    return 200, public(row)


def list_secrets(request: ApiRequest) -> Reply:
    rows, token = request.state.secrets.page(request.query)
    return 200, {"secrets": [public(row) for row in rows], "nextToken": token}


def update_secret(request: ApiRequest) -> Reply:
    row = request.state.secrets.require(request.params["secretId"])
    for name, value in request.body.items():
        row["_data" if name == "data" else name] = value
    return 200, public(request.stamp_updated(row))


def delete_secret(request: ApiRequest) -> Reply:
    request.state.secrets.require(request.params["secretId"])
    return 200, public(request.state.secrets.delete(request.params["secretId"]))


# ---------------------------------------------------------------------------------------------
# Users


def create_user(request: ApiRequest) -> Reply:
    state, body = request.state, request.body
    if "appClientId" in body:
        state.app_clients.require(body["appClientId"])
    require_roles(state, body)
    email = body["email"]
    if any(user["_email"].lower() == email.lower() for user in state.users):
        raise ApiError(400, f"body.email: a user with email {email!r} already exists")
    profile = state.insert(
        state.profiles,
        "profile",
        {
            "email": email,
            "name": body.get("name"),
            "givenName": None,
            "familyName": None,
            "createdTime": now_iso(),
            "updatedTime": None,
            "metadata": None,
        },
        "profileId",
    )
    row = request.stamp_created(
        {
            "email": email,
            "name": body.get("name"),
            "avatar": body.get("avatar"),
            "_appClientId": body.get("appClientId"),
            "_email": email,
        }
    )
    row.update(
        status="active",
        profileId=profile["profileId"],
        roleIds=body.get("roleIds"),
        metadata=body.get("metadata"),
    )
    row = state.insert(state.users, "user", row, "userId")
    return 200, public(row)


def list_users(request: ApiRequest) -> Reply:
    rows, token = request.state.users.page(request.query)
    return 200, {"users": [public(row) for row in rows], "nextToken": token}


def get_user(request: ApiRequest) -> Reply:
    return 200, public(request.state.users.require(request.params["userId"]))


def update_user(request: ApiRequest) -> Reply:
    row = request.state.users.require(request.params["userId"])
    require_roles(request.state, request.body)
    row.update(request.body)
    return 200, public(request.stamp_updated(row))


def delete_user(request: ApiRequest) -> Reply:
    request.state.users.require(request.params["userId"])
    return 200, public(request.state.users.delete(request.params["userId"]))
