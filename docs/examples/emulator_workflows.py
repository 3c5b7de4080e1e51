# docs/examples/emulator_workflows.py
"""Test a workflow that routes documents by prediction confidence, on the emulator."""

import las
from las.testing import Emulator

with Emulator() as emulator:
    emulator.clock.freeze()  # workflow time now moves only by emulator.clock.advance()
    las.set_default_session(emulator.session())  # every call below goes to the emulator

    model = las.Model.create(300, 300, {"total": las.FieldConfigEntry("amount", 10)})
    predict = las.Transition.create("docker", parameters={"imageUrl": "example/predict"}, name="predict")
    review = las.Transition.create("manual", name="review")
    export = las.Transition.create("docker", parameters={"imageUrl": "example/export"}, name="export")

    # The emulator runs docker steps with Python functions standing in for the containers.
    def run_model(data: dict) -> dict:
        prediction = model.predict(data["documentId"])
        return {"predictions": prediction.to_dict()["predictions"]}  # as the API gives them

    emulator.register_docker_handler(predict.id, run_model)
    emulator.register_docker_handler(export.id, lambda data: {**data, "exported": True})

    definition = {
        "StartAt": "predict",
        "States": {
            "predict": {
                "Type": "Task",
                "Resource": predict.id,
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
                "Resource": review.id,
                "HeartbeatSeconds": 60,
                "Catch": [
                    {"ErrorEquals": ["States.HeartbeatTimeout"], "Next": "export", "ResultPath": "$.noReview"}
                ],
                "Next": "export",
            },
            "export": {"Type": "Task", "Resource": export.id, "End": True},
        },
    }
    workflow = las.Workflow.create(
        {"language": "ASL", "version": "1.0.0", "definition": definition}, name="route by confidence"
    )
    document = las.Document.create(b"%PDF-1.4 invoice", "application/pdf")

    # Any confidence passes a threshold of 0: straight to export, inside the POST.
    confident = workflow.execute({"documentId": document.id, "threshold": 0.0})
    print(confident.status, confident.output["exported"])  # succeeded True

    # No confidence reaches 1.01: the document waits for a person.
    unsure = workflow.execute({"documentId": document.id, "threshold": 1.01})
    [task] = review.executions.filter(status="running")
    emulator.clock.advance(45)
    task.heartbeat()  # still working on it
    emulator.clock.advance(45)
    task.succeed({"checked": True})
    reviewed = unsure.wait(timeout=10)  # already final: one request
    print(reviewed.output)  # {'checked': True, 'exported': True}

    # A reviewer who goes quiet for 60 seconds: the Catch sends the document on to export.
    silent = workflow.execute({"documentId": document.id, "threshold": 1.01})
    emulator.clock.advance(60)
    done = silent.wait(timeout=10)
    print(done.status, done.output["noReview"]["Error"])  # succeeded States.HeartbeatTimeout
