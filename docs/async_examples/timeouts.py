# docs/async_examples/timeouts.py
"""Deadlines and cancellation: wrap any call; nothing is retried after it is cancelled."""

import asyncio

import las


async def main() -> None:
    session = las.AsyncSession(timeout=(5, 30), max_retries=3)  # per-request timeouts and retries
    async with las.AsyncClient(session=session) as client:
        models = await asyncio.wait_for(client.list_models(), timeout=10)  # or asyncio.timeout(10)
        print(models["models"])

        try:
            await client.get_document("las:document:" + "0" * 32)
        except las.NotFoundError as error:
            print(error.status_code, error.path)


asyncio.run(main())
