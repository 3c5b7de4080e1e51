"""Document and asset content: reading it from what callers pass, detecting its type, and
sending it without holding copies in memory: base64-encoded inside a JSON body (the 2021-09-23
contract), or as the raw bytes PUT to a document's ``fileUrl`` (2024-11-29), streamed from the
file either way."""

from __future__ import annotations

import base64
import io
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, cast

from . import contracts
from .exceptions import ContentNotFoundError, ContentTooLargeError, FileFormatException

__all__ = [
    "ACCEPTED_CONTENT_TYPES",
    "CONTRACT_2021",
    "CONTRACT_2024",
    "MAX_BASE64_CONTENT_LENGTH",
    "Content",
    "FileBody",
    "JsonBodyWithContent",
    "content_body",
    "contract_of",
    "detect_content_type",
    "file_body",
    "read_content",
    "uploads_to_file_url",
]

Content = bytes | bytearray | str | Path | IO[bytes] | IO[str]
"""What a content argument accepts: bytes, bytearray, a path (str or Path), or a file object."""

CONTRACT_2021 = contracts.V2021
"""The seed's contract: a document's bytes go inline, base64 in ``content`` (at most ~4.69 MB)."""
CONTRACT_2024 = contracts.V2024
"""Today's service: a document is created without ``content``; its bytes go to the ``fileUrl``
of the answer (no size cap of the SDK's)."""


def contract_of(session: Any) -> str:
    """The contract ``session`` speaks (its ``contract``; the 2021 one for a session that does
    not say). The one place the upload and download code asks it."""
    return str(getattr(session, "contract", None) or contracts.DEFAULT)


def uploads_to_file_url(session: Any) -> bool:
    """Whether documents created through ``session`` send their bytes to a ``fileUrl``
    (2024-11-29) rather than inline base64 (2021-09-23)."""
    return not contracts.CONTRACTS[contract_of(session)].inline_uploads


# The API's limit on the base64-encoded content field (oas.json: PostDocuments.content.maxLength).
MAX_BASE64_CONTENT_LENGTH = 6_250_000
_MAGIC = (
    (b"%PDF", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
ACCEPTED_CONTENT_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/tiff")
_STREAM_THRESHOLD = 256 * 1024  # content larger than this is streamed, not built in memory
_CHUNK = 3 * 64 * 1024  # a multiple of 3, so chunks encode to base64 without padding in between


def base64_length(size: int) -> int:
    """Length of the base64 encoding of ``size`` bytes."""
    return 4 * ((size + 2) // 3)


class _Source:
    """Content as bytes in memory, a file on disk, or the rest of a seekable binary file object
    (from where it stood), with its size known; opened again for each read of it."""

    def __init__(
        self, data: bytes | None = None, path: Path | None = None, file: IO[bytes] | None = None
    ) -> None:
        self.data = data
        self.path = path
        self.file = file
        self.start = 0
        if file is not None:
            self.start = file.tell()
            self.size = file.seek(0, io.SEEK_END) - self.start
            file.seek(self.start)
        else:
            self.size = len(data) if data is not None else os.path.getsize(path) if path else 0

    def head(self, n: int) -> bytes:
        with self.open() as handle:
            return handle.read(n)

    def open(self) -> IO[bytes]:
        if self.data is not None:
            return io.BytesIO(self.data)
        if self.file is not None:
            return cast("IO[bytes]", _Window(self.file, self.start, self.size))
        assert self.path is not None
        return open(self.path, "rb")


class _Window(io.RawIOBase):
    """The part of a caller's file object that is the content; closing it leaves the file open
    (it is the caller's)."""

    def __init__(self, file: IO[bytes], start: int, size: int) -> None:
        super().__init__()
        self._file = file
        self._left = size
        file.seek(start)

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        wanted = self._left if size is None or size < 0 else min(size, self._left)
        data = self._file.read(wanted) if wanted else b""
        self._left -= len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def read_content(content: Content) -> _Source:
    """Turn a content argument into a sized source. Files on disk are not read into memory.

    Raises:
        TypeError: content of another type.
        ContentNotFoundError: a path that is not a file (a ``las.ClientException`` and a
            ``FileNotFoundError``).
    """
    if isinstance(content, (bytes, bytearray, memoryview)):
        return _Source(data=bytes(content))
    if isinstance(content, (str, Path)):
        path = Path(content).expanduser()
        if not path.is_file():
            raise ContentNotFoundError(
                2,  # errno.ENOENT, as open() would say
                f"content path {str(path)!r} is not a file"
                + ("" if path.exists() else " (no such file)")
                + "; pass bytes, a file object, or the path of an existing file",
                str(path),
            )
        return _Source(path=path)
    read = getattr(content, "read", None)
    if callable(read):
        if _is_seekable_binary(content):
            return _Source(file=cast("IO[bytes]", content))  # streamed from it, never read whole
        data = read()
        if isinstance(data, str):
            data = data.encode()
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError(f"content file object returned {type(data).__name__} from read(), expected bytes")
        return _Source(data=bytes(data))
    raise TypeError(
        f"content must be bytes, bytearray, a path (str or pathlib.Path) or a file object, "
        f"got {type(content).__name__}"
    )


def _is_seekable_binary(content: Any) -> bool:
    """Whether a file object can be measured and read again from where it stands (a binary
    file on disk, a BytesIO); a text file, a pipe or a socket is read once into memory."""
    try:
        return bool(content.seekable()) and isinstance(content.read(0), bytes) and content.tell() >= 0
    except (AttributeError, OSError, ValueError):
        return False


def detect_content_type(head: bytes) -> str:
    """The MIME type of a PDF, JPEG, PNG or TIFF from its first bytes.

    Raises:
        FileFormatException: listing the accepted types when none matches.
    """
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    raise FileFormatException(
        f"could not detect the content type from the first bytes {head[:8]!r}; accepted types are "
        f"{', '.join(ACCEPTED_CONTENT_TYPES)}. Pass content_type=... if the content is one of them."
    )


def check_size(source: _Source, what: str = "content", *, session: Any = None) -> None:
    """Refuse content whose base64 encoding exceeds the API's limit, before any upload: the
    inline content of the 2021-09-23 contract (a document sent to a ``fileUrl`` through a
    ``session`` speaking 2024-11-29 has no cap of the SDK's)."""
    if session is not None and uploads_to_file_url(session):
        return
    encoded = base64_length(source.size)
    if encoded > MAX_BASE64_CONTENT_LENGTH:
        raise ContentTooLargeError(
            f"{what} is {source.size:,} bytes ({encoded:,} base64 characters); the API accepts at most "
            f"{MAX_BASE64_CONTENT_LENGTH:,} base64 characters (about "
            f"{MAX_BASE64_CONTENT_LENGTH * 3 // 4:,} bytes). Split or compress the file."
        )


def encode_content(source: _Source) -> str:
    """The whole content as a base64 string (for small content and PATCH bodies)."""
    if source.data is not None:
        return base64.b64encode(source.data).decode("ascii")
    with source.open() as handle:
        return base64.b64encode(handle.read()).decode("ascii")


class _RewindableBody(io.RawIOBase):
    """A request body read from a source's file: a known length, rewound only to 0 (a retried
    request sends the same bytes again), the file opened by the first read after a rewind."""

    _file: IO[bytes] | None = None
    _position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if offset != 0 or whence != io.SEEK_SET:
            raise io.UnsupportedOperation(f"{type(self).__name__} can only be rewound to 0")
        self._close_file()
        self._rewind()
        self._position = 0
        return 0

    def _rewind(self) -> None:
        """Forget what was read (the file is closed already)."""

    def tell(self) -> int:
        return self._position

    def _close_file(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def close(self) -> None:
        self._close_file()
        super().close()


class JsonBodyWithContent(_RewindableBody):
    """A JSON object body whose ``"content"`` is base64 streamed from a source.

    It has a known length (so requests sends Content-Length, not chunks) and can be rewound
    with ``seek(0)`` so a retried request (e.g. after a 429) sends the same bytes again.
    Memory use is one chunk, not the whole file plus its base64 plus the JSON text.
    """

    def __init__(self, source: _Source, fields: Mapping[str, Any]) -> None:
        super().__init__()
        self._source = source
        rest = json.dumps(dict(fields), separators=(",", ":"))
        self._prefix = b'{"content":"'
        self._suffix = b'"' + (b"," + rest[1:].encode() if rest != "{}" else b"}")
        self._length = len(self._prefix) + base64_length(source.size) + len(self._suffix)
        self._rewind()

    def __len__(self) -> int:
        return self._length

    def _rewind(self) -> None:
        self._pending = b""
        self._offset = 0
        self._stage = 0

    def _next_block(self) -> bytes:
        if self._stage == 0:
            self._stage = 1
            self._file = self._source.open()
            return self._prefix
        if self._stage == 1:
            assert self._file is not None
            chunk = self._file.read(_CHUNK)
            if chunk:
                return base64.b64encode(chunk)
            self._close_file()
            self._stage = 2
            return self._suffix
        return b""

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            parts = [self._pending[self._offset :]]
            while block := self._next_block():
                parts.append(block)
            self._pending, self._offset = b"", 0
            out = b"".join(parts)
        else:
            if self._offset >= len(self._pending):
                self._pending, self._offset = self._next_block(), 0
            out = self._pending[self._offset : self._offset + size]
            self._offset += len(out)
        self._position += len(out)
        return out


class FileBody(_RewindableBody):
    """The bytes of a source as a request body (a PUT to a file URL): a known length (so it goes
    with a ``Content-Length``, never chunked), read a piece at a time, and rewound with
    ``seek(0)`` so a retried request sends the same bytes again. Memory use is one piece."""

    def __init__(self, source: _Source) -> None:
        super().__init__()
        self._source = source

    def __len__(self) -> int:
        return self._source.size

    def read(self, size: int | None = -1) -> bytes:
        if self._file is None:
            self._file = self._source.open()
        data = self._file.read(-1 if size is None else size)
        self._position += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def file_body(source: _Source) -> bytes | FileBody:
    """``source`` as the body of a PUT to a file URL: its bytes when they are in memory (no
    copy), else a :class:`FileBody` streaming them from the file."""
    if source.data is not None:
        return source.data
    return FileBody(source) if source.size else b""


def content_body(
    content: Content, content_type: str | None, fields: dict[str, Any], *, with_type: bool
) -> Any:
    """A JSON body with ``content`` base64-encoded beside ``fields``: built in memory when small,
    streamed (:class:`JsonBodyWithContent`) when large; with ``with_type``, ``contentType`` too
    (detected from the first bytes when None).

    Raises:
        ContentNotFoundError: a path that does not exist.
        ContentTooLargeError: content over the API's limit, before any upload.
        FileFormatException: the type could not be detected.
    """
    source = read_content(content)
    check_size(source)
    if with_type and content_type is None:
        content_type = detect_content_type(source.head(16))
    if with_type:
        fields = {"contentType": content_type, **fields}
    if source.size > _STREAM_THRESHOLD:
        return JsonBodyWithContent(source, fields)
    return {"content": encode_content(source), **fields}
