# docs/examples/workflows.py
"""Run a workflow with an automatic (docker) step and a manual step done by this program."""

import las

check = las.Transition.create("docker", parameters={"imageUrl": "example/check:1"}, name="check")
review = las.Transition.create("manual", name="review", output_json_schema={"type": "object"})

definition = {
    "StartAt": "check",
    "States": {
        "check": {"Type": "Task", "Resource": check.id, "Next": "review"},
        "review": {"Type": "Task", "Resource": review.id, "End": True},
    },
}
workflow = las.Workflow.create(
    {"language": "ASL", "version": "1.0.0", "definition": definition},
    name="invoice approval",
    error_config=las.ErrorConfig(email="ops@example.com"),
)

execution = workflow.execute({"documentId": "las:document:" + "0" * 32})
print(execution.status)  # running: it waits for the review

# A worker takes the running manual executions and ends each one.
for task in review.executions.filter(status="running"):
    task.heartbeat()  # at least every 60 seconds while working
    task.succeed({"approved": True, "input": task.input})

execution = execution.wait(timeout=30, poll_interval=0.2)  # polls with backoff until final
print(execution.status, execution.output["approved"])

log = execution.log  # loaded on first access
print(log is not None and len(log.events) > 0)

for finished in workflow.executions.filter(status="succeeded", sort_by="endTime", order="descending"):
    print(finished.id == execution.id)
