# docs/async_examples/resources.py
"""The resource classes on an AsyncSession: *_async verbs, `async for`, explicit loads."""

import asyncio

import las


async def main() -> None:
    async with las.AsyncSession() as session:
        dataset = await las.Dataset.create_async(name="async scans", session=session)
        document = await las.Document.create_async(b"%PDF-1.4 x", dataset=dataset, session=session)

        async for listed in las.Document.all(dataset=dataset, session=session):
            print(listed == document)
            try:
                print(listed.content)  # left out of lists: loading it would block the event loop
            except las.NotLoadedError as error:
                print("await document.load_content_async()" in str(error))
            content = await listed.load_content_async()  # the body, and on 2024-11-29 its fileUrl
            print(content[:8] if content else None, listed.content == content)

        fetched = await las.Document.get_async(document.id, session=session)
        await fetched.update_async(ground_truth={"total_amount": "12.00"})
        print(fetched.ground_truth[0].value)
        await dataset.delete_async(delete_documents=True)


asyncio.run(main())
