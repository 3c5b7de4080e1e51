# docs/async_examples/many_calls.py
"""Upload documents concurrently, then walk them with `async for`."""

import asyncio

import las


async def main() -> None:
    # Credentials from the environment or ~/.lucidtech, as for las.Client.
    async with las.AsyncClient(max_connections=16) as client:
        dataset = await client.create_dataset(name="scans")

        # Sixteen uploads in flight at once; every Client method is awaitable here.
        uploads = [
            client.create_document(b"%PDF-1.4 page " + str(n).encode(), dataset_id=dataset["datasetId"])
            for n in range(40)
        ]
        created = await asyncio.gather(*uploads)
        print(len(created))

        # Pages are fetched one at a time, as the loop needs them.
        seen = [
            d["documentId"]
            async for d in las.paginate_async(client.list_documents, dataset_id=dataset["datasetId"])
        ]
        print(sorted(seen) == sorted(d["documentId"] for d in created))

        await client.delete_dataset(dataset["datasetId"], delete_documents=True)


asyncio.run(main())
