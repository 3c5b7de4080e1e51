# docs/async_examples/timeouts.py
"""Deadlines, per-call options, answers' metadata and cancellation."""

import asyncio

import las


async def main() -> None:
    session = las.AsyncSession(timeout=(5, 30), max_retries=3, deadline=60)
    async with las.AsyncClient(session=session) as client:
        # Any call can be wrapped: the deadline is the caller's, nothing is retried after it.
        models = await asyncio.wait_for(client.list_models(), timeout=10)  # or asyncio.timeout(10)
        print(models["models"])

        # Other limits for some calls: same connections, token and request counter.
        quick = las.AsyncClient(session=session.with_options(timeout=2, max_retries=0, deadline=5))
        answer = await quick.with_raw_response.list_datasets()
        print(answer.info.status, answer.info.attempts, answer.info.request_id is not None)

        try:
            await client.get_document("las:document:" + "0" * 32)
        except las.NotFoundError as error:
            print(error.status_code, error.path)
        print(session.request_count)


asyncio.run(main())
