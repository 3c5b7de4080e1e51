"""A document's bytes are streamed to its file URL: uploading 50 MB from a path or an open file
holds a small, fixed amount in memory, never the file (nor a base64 copy of it).

Measured with tracemalloc around the call, in the test's process (the file server stand-in
keeps only a digest, so what it reads is not counted as the SDK's)."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.file_server import FileServer
from tests.support.recorder import Recorder, Reply

from .conftest import DOCUMENT_ID, Variant

pytestmark = pytest.mark.asyncio

SIZE = 50 * 1024 * 1024
LIMIT = 4 * 1024 * 1024  # peak bytes allocated during the upload: a few pieces of the file, at most


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "fifty-megabytes.pdf"
    with open(path, "wb") as handle:
        handle.write(b"%PDF-1.7\n")
        block = bytes(range(256)) * 4096  # 1 MiB
        for _ in range(SIZE // len(block)):
            handle.write(block)
    return path


@pytest.fixture
def files() -> Iterator[FileServer]:
    server = FileServer(keep=False)
    yield server
    server.close()


@pytest.mark.parametrize("given_as", ["path", "file object"])
async def test_uploading_fifty_megabytes_holds_a_few_pieces_of_it_in_memory(
    variant: Variant, recorder: Recorder, files: FileServer, big_file: Path, given_as: str
) -> None:
    recorder.reply(Reply(body={"documentId": DOCUMENT_ID, "fileUrl": files.url_for("big")}))
    with open(big_file, "rb") as handle:
        content = big_file if given_as == "path" else handle
        tracemalloc.start()
        try:
            await variant.create_document(content, "application/pdf")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert files.files["big"].size == big_file.stat().st_size  # every byte arrived
    assert peak < LIMIT, f"peak {peak:,} bytes allocated for a {SIZE:,}-byte upload"
