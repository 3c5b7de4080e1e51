"""las.AsyncClient offers every las.Client method as a coroutine, from the same source (las.Client
is generated from las.AsyncClient by tools/unasync.py; tests/test_twins_generated.py checks it)."""

from __future__ import annotations

import inspect
import subprocess
import sys
from typing import Any

import pytest

import las
from las.testing import Emulator

CLIENT_METHODS = sorted(
    name
    for name, value in vars(las.Client).items()
    if inspect.isfunction(value) and not name.startswith("_") and name != "close"
)


def test_the_client_still_has_its_64_operations_and_the_24_the_2024_contract_added() -> None:
    # beside them, the two transfers to a file URL the API answers (2024-11-29), not API operations
    operations = set(CLIENT_METHODS) - {"get_file", "put_file"}
    assert len(operations) == 64 + 24  # lucidtech-las 11.4.1's 21, organizations list/create, get_profile


@pytest.mark.parametrize("name", CLIENT_METHODS)
def test_every_client_method_is_an_async_client_coroutine_with_its_signature_and_docstring(name: str) -> None:
    sync = getattr(las.Client, name)
    awaited = getattr(las.AsyncClient, name)

    assert inspect.iscoroutinefunction(awaited)
    assert inspect.signature(awaited) == inspect.signature(sync)
    assert awaited.__doc__ == sync.__doc__ and sync.__doc__
    assert getattr(awaited, "items_key", None) == getattr(sync, "items_key", None)


def test_async_client_adds_no_operation_of_its_own() -> None:
    public = {name for name in dir(las.AsyncClient) if not name.startswith("_")}
    assert public - set(CLIENT_METHODS) == {"close", "contract", "is_async", "with_raw_response"}


@pytest.mark.asyncio
async def test_a_call_returns_an_awaitable_that_sends_nothing_until_awaited(
    las_async_client: Any, las_emulator: Emulator
) -> None:
    pending = las_async_client.list_datasets()
    assert inspect.isawaitable(pending)
    assert las_emulator.requests == []

    answer = await pending

    assert answer["datasets"] == []
    assert [(record.method, record.path) for record in las_emulator.requests] == [
        ("POST", "/token"),
        ("GET", "/datasets"),
    ]


@pytest.mark.asyncio
async def test_argument_errors_are_raised_before_any_request(
    las_async_client: Any, las_emulator: Emulator
) -> None:
    with pytest.raises(las.FileFormatException, match="content_type"):
        await las_async_client.create_document(b"not a known format")
    with pytest.raises(las.ContentTooLargeError):
        await las_async_client.create_asset(b"x" * 5_000_000)
    with pytest.raises(TypeError):
        await las_async_client.get_document()
    assert las_emulator.requests == []


@pytest.mark.asyncio
async def test_a_large_file_uploads_from_a_path(
    las_async_client: Any, las_emulator: Emulator, tmp_path: Any
) -> None:
    path = tmp_path / "big.pdf"
    content = b"%PDF-1.4\n" + bytes(range(256)) * 4000  # over the streaming threshold
    path.write_bytes(content)

    document = await las_async_client.create_document(path, dataset_id=None)

    import base64

    fetched = await las_async_client.get_document(document["documentId"])
    assert base64.b64decode(fetched["content"]) == content
    assert fetched["contentType"] == "application/pdf"


def test_session_and_credentials_are_exclusive() -> None:
    credentials = las.Credentials("id", "secret", "http://127.0.0.1:9", "http://127.0.0.1:9")
    session = las.AsyncSession(credentials)
    with pytest.raises(TypeError, match="either session= or credentials"):
        las.AsyncClient(credentials, session=session)
    assert las.AsyncClient(session=session).credentials is credentials


def test_import_las_does_not_import_aiohttp() -> None:
    code = (
        "import sys, las; print('aiohttp' in sys.modules); las.AsyncClient; print('aiohttp' in sys.modules)"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.split() == ["False", "True"]


def test_without_aiohttp_the_error_names_the_extra_to_install() -> None:
    code = (
        "import sys; sys.modules['aiohttp'] = None\n"
        "import las\n"
        "try:\n    las.AsyncClient\nexcept ModuleNotFoundError as error:\n    print(error)\n"
        "print(las.Client.__name__)"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.splitlines() == [
        "las.AsyncClient needs aiohttp: pip install 'lucidtech-las-sdk[async]'",
        "Client",
    ]


def test_an_unknown_attribute_of_las_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'AsyncClinet'"):
        las.AsyncClinet  # noqa: B018


# -- pagination -------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_paginate_async_refuses_a_sync_list_method_and_paginate_an_async_one(
    las_async_client: Any,
) -> None:
    sync_client = las.Client(session=las.Session(las_async_client.credentials))
    with pytest.raises(TypeError, match=r"not a coroutine function: use las.paginate"):
        async for _ in las.paginate_async(sync_client.list_documents):
            pass
    with pytest.raises(TypeError, match=r"is a coroutine function: use las.paginate_async"):
        for _ in las.paginate(las_async_client.list_documents):
            pass
    with pytest.raises(TypeError, match=r"is not a las\.AsyncClient list method"):
        async for _ in las.paginate_async(las_async_client.get_document):
            pass


@pytest.mark.asyncio
async def test_paginate_async_starts_at_a_given_token_and_limit_zero_sends_nothing(
    las_async_client: Any, las_emulator: Emulator
) -> None:
    seeded = las_emulator.seed_documents(7)
    first = await las_async_client.list_documents(max_results=3)
    las_emulator.clear_requests()

    nothing = [item async for item in las.paginate_async(las_async_client.list_documents, limit=0)]
    assert nothing == [] and las_emulator.requests == []
    rest = [
        item["documentId"]
        async for item in las.paginate_async(
            las_async_client.list_documents, next_token=first["nextToken"], page_size=3
        )
    ]
    assert rest == seeded[3:]
    with pytest.raises(ValueError, match="limit must be 0 or more"):
        async for _ in las.paginate_async(las_async_client.list_documents, limit=-1):
            pass


@pytest.mark.asyncio
async def test_apaginate_warns_and_walks_as_paginate_async_does(
    las_async_client: Any, las_emulator: Emulator
) -> None:
    las_emulator.seed_documents(3)

    with pytest.warns(DeprecationWarning, match=r"las\.apaginate is deprecated: use las\.paginate_async"):
        walked = [item["documentId"] async for item in las.apaginate(las_async_client.list_documents)]

    assert walked == [
        item["documentId"] async for item in las.paginate_async(las_async_client.list_documents)
    ]
