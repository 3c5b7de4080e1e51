"""Relationships and lazy completion: one request on first access, none after."""

from __future__ import annotations

import las
from las.resources import Asset, Dataset, Document, Model, Transition, Workflow
from tests.support.contracts import content_downloads

from .conftest import PDF, Requests

ASL_ONE_STEP = "StartAt"


def one_step_workflow(session: las.Session, transition: Transition) -> Workflow:
    definition = {
        "StartAt": "step",
        "States": {"step": {"Type": "Task", "Resource": transition.id, "End": True}},
    }
    return Workflow.create({"language": "ASL", "version": "1.0.0", "definition": definition}, session=session)


def test_prediction_document_costs_one_request_then_none(
    document: Document, model: Model, api: Requests
) -> None:
    prediction = document.predict(model)
    api.clear()
    loaded = prediction.document
    assert loaded == document
    assert api.calls == [("GET", f"/documents/{document.id}")]
    assert prediction.document is loaded
    assert loaded is not None and loaded.content == PDF  # complete: no more API requests
    assert len(api) == 1 and len(api.files) == content_downloads(document.session.contract)


def test_prediction_model_costs_one_request_then_none(
    document: Document, model: Model, api: Requests
) -> None:
    prediction = document.predict(model)
    api.clear()
    assert prediction.model == model
    assert prediction.model is prediction.model
    assert api.calls == [("GET", f"/models/{model.id}")]


def test_document_dataset_costs_one_request_then_none(
    document: Document, dataset: Dataset, api: Requests
) -> None:
    api.clear()
    assert document.dataset == dataset
    assert document.dataset is document.dataset
    assert api.calls == [("GET", f"/datasets/{dataset.id}")]


def test_a_changed_dataset_id_loads_the_new_dataset(
    document: Document, session: las.Session, api: Requests
) -> None:
    first = document.dataset
    other = Dataset.create(name="other", session=session)
    document.update(dataset=other)
    assert document.dataset == other and document.dataset != first


def test_data_bundle_model_and_datasets(model: Model, dataset: Dataset, api: Requests) -> None:
    bundle = model.data_bundles.create([dataset])
    api.clear()
    assert bundle.model == model
    assert bundle.model is bundle.model
    assert api.calls == [("GET", f"/models/{model.id}")]
    api.clear()
    assert bundle.datasets == [dataset]
    assert bundle.datasets[0].name == "receipts"  # embedded in the bundle: no request
    assert len(api) == 0


def test_execution_workflow_and_log(session: las.Session, api: Requests) -> None:
    transition = Transition.create("docker", parameters={"imageUrl": "img"}, session=session)
    workflow = one_step_workflow(session, transition)
    execution = workflow.execute({"a": 1})
    api.clear()
    assert execution.workflow == workflow
    assert execution.workflow is execution.workflow
    assert api.calls == [("GET", f"/workflows/{workflow.id}")]
    api.clear()
    execution.refresh()
    log = execution.log
    assert log is not None and log.id == execution.log_id
    assert execution.log is log
    assert api.calls[1:] == [("GET", f"/logs/{log.id}")]


def test_transition_execution_transition_and_log(session: las.Session, api: Requests) -> None:
    transition = Transition.create("manual", session=session)
    execution = transition.execute()
    api.clear()
    assert execution.transition == transition
    assert execution.transition is execution.transition
    assert api.calls == [("GET", f"/transitions/{transition.id}")]


def test_transition_assets_are_asset_objects_loaded_on_first_use(session: las.Session, api: Requests) -> None:
    ui = Asset.create(b"<js/>", name="ui", session=session)
    transition = Transition.create(
        "manual", parameters={"assets": {"jsRemoteComponent": ui.id}}, session=session
    )
    transition = Transition.get(transition.id, session=session)
    api.clear()
    assets = transition.assets
    assert assets == {"jsRemoteComponent": ui}
    assert len(api) == 0
    assert assets["jsRemoteComponent"].name == "ui"
    assert assets["jsRemoteComponent"].content == b"<js/>"
    assert api.calls == [("GET", f"/assets/{ui.id}")]
    assert transition.assets["jsRemoteComponent"] is assets["jsRemoteComponent"]


def test_list_entries_complete_themselves_once(session: las.Session, dataset: Dataset, api: Requests) -> None:
    dataset.documents.create(PDF)
    api.clear()
    [listed] = list(Document.all(session=session))
    assert api.calls == [("GET", "/documents")]
    assert listed.content == PDF  # left out of the list: fetched now
    assert listed.consent_id is None  # absent from the full body too: no second fetch
    assert listed.content_type == "application/pdf"
    assert api.calls == [("GET", "/documents"), ("GET", f"/documents/{listed.id}")]
    assert len(api.files) == content_downloads(session.contract)


def test_a_ref_costs_nothing_until_an_attribute_is_read(
    model: Model, session: las.Session, api: Requests
) -> None:
    reference = Model.ref(model.id, session=session)
    assert reference.id == model.id
    assert len(api) == 0
    assert reference.name == "invoices"
    assert list(reference.field_config) == ["total_amount", "due_date"]
    assert api.calls == [("GET", f"/models/{model.id}")]


def test_verbs_on_a_ref_need_no_fetch(
    document: Document, model: Model, session: las.Session, api: Requests
) -> None:
    prediction = Document.ref(document.id, session=session).predict(model.id)
    assert prediction.document_id == document.id
    assert api.calls == [("POST", "/predictions")]
