# docs/async_examples/workflows.py
"""A manual step done by an async program: create, execute, relationships and lists, awaited."""

import asyncio

import las


async def main() -> None:
    async with las.AsyncSession() as session:
        review = await las.Transition.create_async("manual", name="review", session=session)
        definition = {
            "StartAt": "review",
            "States": {"review": {"Type": "Task", "Resource": review.id, "End": True}},
        }
        workflow = await las.Workflow.create_async(
            {"language": "ASL", "version": "1.0.0", "definition": definition}, session=session
        )
        execution = await workflow.execute_async({"documentId": None})

        task = await review.executions.filter(status="running").first_async()
        assert task is not None
        try:
            print(task.transition)  # a relationship needs a request: never on attribute access
        except las.NotLoadedError as error:
            print("await transition_execution.transition_async()" in str(error))
        print(await task.transition_async() == review)
        await task.heartbeat_async()
        await task.succeed_async({"approved": True})

        await execution.wait_async(timeout=30, poll_interval=0.1)
        print(execution.status, (await execution.workflow_async()) == workflow)

        page = await las.Workflow.list_async(page_size=1, session=session)
        print(len(page.items), await workflow.executions.count_async())
        await workflow.delete_async()
        await review.delete_async()


asyncio.run(main())
