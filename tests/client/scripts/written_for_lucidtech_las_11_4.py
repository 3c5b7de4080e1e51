"""A script as a lucidtech-las 11.4.1 user writes it: its Client's signatures (not the reference's),
credentials and contract from the environment. tests/client/test_compatibility.py runs it unchanged on
this SDK; .ci/real-clients runs it with lucidtech-las 11.4.1 itself."""

import datetime

from las import Client
from las.client import NotFound

client = Client()
dataset = client.create_dataset(name="invoices", metadata={"source": "email"})
client.update_dataset(dataset["datasetId"], {"source": "scanner"})
document = client.create_document(
    b"%PDF-1.4 an invoice", "application/pdf", dataset_id=dataset["datasetId"], metadata={"customer": "acme"}
)
client.update_document(
    document["documentId"], [{"label": "total", "value": "12.50"}], metadata={"checked": True}
)
client.list_documents(dataset_id=dataset["datasetId"], order="ascending", sort_by="createdTime")
assert client.get_document(document["documentId"])["content"]
model = client.create_model(
    {"total": {"type": "amount", "maxLength": 10}}, name="invoices", metadata={"team": "ap"}
)
client.list_models(owner="las:organization:cradl")
client.get_model("las:organization:cradl/las:model:invoice-v2", statistics_last_n_days=7)
client.update_model(
    model["modelId"], postprocess_config={"strategy": "BEST_FIRST"}, metadata={"team": "finance"}
)
prediction = client.create_prediction(
    document["documentId"],
    "las:model:invoice-v2",
    preprocess_config={"pages": [0], "autoRotate": True},
    run_async=False,
)
client.list_predictions(model_id="las:model:invoice-v2", order="descending", sort_by="createdTime")
transition = client.create_transition("docker", parameters={"imageUrl": "registry.example/ocr:1"})
client.update_transition(transition["transitionId"], cpu=256, memory=512, image_url="registry.example/ocr:2")
spec = {
    "language": "ASL",
    "version": "1.0.0",
    "definition": {
        "StartAt": "ocr",
        "States": {"ocr": {"Type": "Task", "Resource": transition["transitionId"], "End": True}},
    },
}
workflow = client.create_workflow(spec, metadata={"owner": "ap"}, error_config={"manualRetry": True})
client.update_workflow(workflow["workflowId"], status="production", metadata={"owner": "finance"})
client.list_workflow_executions(
    workflow["workflowId"],
    from_start_time=datetime.datetime(2024, 12, 1),
    to_start_time=datetime.datetime.now(),
)
payment_method = client.create_payment_method(name="card")
client.update_organization(
    client.get_organization("me")["organizationId"], payment_method_id=payment_method["paymentMethodId"]
)
client.delete_dataset(dataset["datasetId"], delete_documents=True)
try:
    client.get_document(document["documentId"])
except NotFound:
    pass
else:
    raise AssertionError("the deleted document is still there")
