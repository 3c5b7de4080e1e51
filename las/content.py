"""Document and asset content: reading it from what callers pass, detecting its type, and
streaming it base64-encoded inside a JSON body without holding three copies in memory."""

from __future__ import annotations

import base64
import io
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from .exceptions import ContentNotFoundError, ContentTooLargeError, FileFormatException

__all__ = [
    "ACCEPTED_CONTENT_TYPES",
    "MAX_BASE64_CONTENT_LENGTH",
    "Content",
    "JsonBodyWithContent",
    "content_body",
    "detect_content_type",
    "read_content",
]

Content = bytes | bytearray | str | Path | IO[bytes] | IO[str]
"""What a content argument accepts: bytes, bytearray, a path (str or Path), or a file object."""

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
    """Content as either bytes in memory or a file on disk, with its size known."""

    def __init__(self, data: bytes | None = None, path: Path | None = None) -> None:
        self.data = data
        self.path = path
        self.size = len(data) if data is not None else os.path.getsize(path) if path else 0

    def head(self, n: int) -> bytes:
        if self.data is not None:
            return self.data[:n]
        assert self.path is not None
        with open(self.path, "rb") as handle:
            return handle.read(n)

    def open(self) -> IO[bytes]:
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.path is not None
        return open(self.path, "rb")


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


def check_size(source: _Source, what: str = "content") -> None:
    """Refuse content whose base64 encoding exceeds the API's limit, before any upload."""
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


class JsonBodyWithContent(io.RawIOBase):
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
        self._file: IO[bytes] | None = None
        self._pending = b""
        self._offset = 0
        self._stage = 0
        self._position = 0

    def __len__(self) -> int:
        return self._length

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if offset != 0 or whence != io.SEEK_SET:
            raise io.UnsupportedOperation("JsonBodyWithContent can only be rewound to 0")
        self._close_file()
        self._pending = b""
        self._offset = 0
        self._stage = 0
        self._position = 0
        return 0

    def tell(self) -> int:
        return self._position

    def _close_file(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

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

    def close(self) -> None:
        self._close_file()
        super().close()


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
