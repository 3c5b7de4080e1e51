"""A script as a lucidtech-las 6.0.0 user writes it: that release's Client signatures, credentials
from the environment, only what the 2021-09-23 contract carries. tests/client/test_compatibility.py
runs it unchanged on this SDK; .ci/real-clients runs it with lucidtech-las 6.0.0 itself."""

import time

from las import Client
from las.client import NotFound

client = Client()
dataset = client.create_dataset(name="receipts", description="from the scanner")
document = client.create_document(
    b"%PDF-1.4 a receipt",
    "application/pdf",
    dataset_id=dataset["datasetId"],
    ground_truth=[{"label": "total", "value": "9.90"}],
)
client.update_document(document["documentId"], [{"label": "total", "value": "9.99"}])
assert client.get_document(document["documentId"])["groundTruth"] == [{"label": "total", "value": "9.99"}]
assert [d["documentId"] for d in client.list_documents(dataset_id=dataset["datasetId"])["documents"]] == [
    document["documentId"]
]
model = client.create_model(300, 400, {"total": {"type": "amount", "maxLength": 10}}, name="receipts")
prediction = client.create_prediction(document["documentId"], model["modelId"], max_pages=1, auto_rotate=True)
assert {p["label"] for p in prediction["predictions"]} <= {"total"}
assert client.list_predictions(max_results=10)["predictions"]
transition = client.create_transition(
    "manual", in_schema={"type": "object"}, out_schema={"type": "object"}, name="review"
)
spec = {
    "language": "ASL",
    "version": "1.0.0",
    "definition": {
        "StartAt": "review",
        "States": {"review": {"Type": "Task", "Resource": transition["transitionId"], "End": True}},
    },
}
workflow = client.create_workflow(spec, name="receipts", error_config={"email": "ops@example.com"})
execution = client.execute_workflow(workflow["workflowId"], {"documentId": document["documentId"]})
for _ in range(50):
    running = client.list_transition_executions(transition["transitionId"], status="running")["executions"]
    if running:
        break
    time.sleep(0.1)
client.update_transition_execution(
    transition["transitionId"], running[0]["executionId"], "succeeded", output={"ok": True}
)
for _ in range(50):
    done = client.get_workflow_execution(workflow["workflowId"], execution["executionId"])
    if done["status"] != "running":
        break
    time.sleep(0.1)
assert done["status"] == "succeeded", done["status"]
client.delete_document(document["documentId"])
try:
    client.get_document(document["documentId"])
except NotFound:
    pass
else:
    raise AssertionError("the deleted document is still there")
