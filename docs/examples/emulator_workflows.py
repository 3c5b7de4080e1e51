# docs/examples/emulator_workflows.py
"""Test a workflow that routes documents by prediction confidence, on the emulator."""

import las
from las.testing import Emulator

with Emulator() as emulator:
    emulator.clock.freeze()  # workflow time now moves only by emulator.clock.advance()
    client = las.Client(
        las.Credentials(
            emulator.client_id, emulator.client_secret, emulator.auth_endpoint, emulator.api_endpoint
        )
    )
    model = client.create_model(300, 300, {"total": {"type": "amount", "maxLength": 10}})["modelId"]
    predict = client.create_transition("docker", parameters={"imageUrl": "example/predict"})["transitionId"]
    review = client.create_transition("manual", name="review")["transitionId"]
    export = client.create_transition("docker", parameters={"imageUrl": "example/export"})["transitionId"]

    # The emulator runs docker steps with Python functions standing in for the containers.
    def run_model(data: dict) -> dict:
        return {"predictions": client.create_prediction(data["documentId"], model)["predictions"]}

    emulator.register_docker_handler(predict, run_model)
    emulator.register_docker_handler(export, lambda data: {**data, "exported": True})

    definition = {
        "StartAt": "predict",
        "States": {
            "predict": {
                "Type": "Task",
                "Resource": predict,
                "Parameters": {"documentId.$": "$.documentId"},
                "ResultSelector": {"confidence.$": "$.predictions[0].confidence"},
                "ResultPath": "$.prediction",
                "Next": "confident?",
            },
            "confident?": {
                "Type": "Choice",
                "Choices": [
                    {
                        "Variable": "$.prediction.confidence",
                        "NumericGreaterThanEqualsPath": "$.threshold",
                        "Next": "export",
                    }
                ],
                "Default": "review",
            },
            "review": {
                "Type": "Task",
                "Resource": review,
                "HeartbeatSeconds": 60,
                "Catch": [
                    {"ErrorEquals": ["States.HeartbeatTimeout"], "Next": "export", "ResultPath": "$.noReview"}
                ],
                "Next": "export",
            },
            "export": {"Type": "Task", "Resource": export, "End": True},
        },
    }
    workflow = client.create_workflow({"language": "ASL", "version": "1.0.0", "definition": definition})[
        "workflowId"
    ]
    document = client.create_document(b"%PDF-1.4 invoice", "application/pdf")["documentId"]

    # Any confidence passes a threshold of 0: straight to export, inside the POST.
    confident = client.execute_workflow(workflow, {"documentId": document, "threshold": 0.0})
    print(confident["status"], confident["output"]["exported"])  # succeeded True

    # No confidence reaches 1.01: the document waits for a person.
    unsure = client.execute_workflow(workflow, {"documentId": document, "threshold": 1.01})
    [task] = client.list_transition_executions(review, status="running")["executions"]
    emulator.clock.advance(45)
    client.send_heartbeat(review, task["executionId"])  # still working on it
    emulator.clock.advance(45)
    client.update_transition_execution(review, task["executionId"], "succeeded", output={"checked": True})
    reviewed = client.get_workflow_execution(workflow, unsure["executionId"])
    print(reviewed["output"])  # {'checked': True, 'exported': True}

    # A reviewer who goes quiet for 60 seconds: the Catch sends the document on to export.
    silent = client.execute_workflow(workflow, {"documentId": document, "threshold": 1.01})
    emulator.clock.advance(60)
    done = client.get_workflow_execution(workflow, silent["executionId"])
    print(done["status"], done["output"]["noReview"]["Error"])  # succeeded States.HeartbeatTimeout
