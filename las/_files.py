"""Writing files for the user without destroying anything of theirs: one place for the rules.

Every file the SDK writes (the bulk journal, the token cache, exports, downloads) follows them:

- What is at the path is replaced only when it is the SDK's own (an earlier export, recognised
  by its first line; an empty file, which holds nothing to lose) or when the caller said to
  overwrite it. Anything else raises :class:`FileExistsError` naming the path and the way out.
- A new file is written under a temporary name in the same directory, flushed to disk and then
  moved into place, so the path never holds half a file; a file that appears at the path in
  the meantime is not replaced.
- A symbolic link at the path is never followed: it is something at the path that is not
  ours, and replacing it (with overwrite) replaces the link, never its target. A FIFO, a device
  or a directory is never opened as a file (reading a FIFO would wait forever).
- A file that cannot be written (a read-only or missing directory) raises the system's
  :class:`OSError` with the path and the reason in its message, and leaves nothing behind.
- A file object the caller gives a download (``get_file(into=...)``) is emptied first and left
  empty when the download fails (:func:`discard_download`): it never holds part of a body.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

__all__ = [
    "NotARegularFile",
    "check_target",
    "discard_download",
    "kind_of",
    "open_regular",
    "read_regular",
    "written_whole",
]

NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
NON_BLOCK = getattr(os, "O_NONBLOCK", 0)
HEAD_BYTES = 64 * 1024
"""How much of an existing file is read to recognise it (a first line longer than this is not ours)."""

_KINDS = (
    (stat.S_ISLNK, "symbolic link"),
    (stat.S_ISDIR, "directory"),
    (stat.S_ISFIFO, "FIFO"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
)


class NotARegularFile(OSError):
    """The path holds a symbolic link, a directory, a FIFO or a device, where a file was expected."""


def kind_of(mode: int) -> str:
    """What a ``st_mode`` is, in words: ``"regular file"``, ``"symbolic link"``, ``"FIFO"``, ..."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "regular file"


def _not_regular(path: Path, kind: str) -> NotARegularFile:
    return NotARegularFile(
        errno.ELOOP if kind == "symbolic link" else errno.EINVAL,
        f"{str(path)!r} is a {kind}, not a regular file: las does not read or write through it",
    )


def open_regular(path: Path, flags: int, mode: int = 0o600) -> int:
    """``os.open(path, flags, mode)`` of a regular file, without following a symbolic link at
    ``path`` and without waiting on a FIFO.

    Raises:
        NotARegularFile: a symbolic link, a directory, a FIFO or a device is at ``path``.
        OSError: what ``os.open`` raises otherwise (FileNotFoundError, PermissionError, ...).
    """
    try:
        descriptor = os.open(path, flags | NO_FOLLOW | NON_BLOCK, mode)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.EMLINK) and os.path.islink(path):  # EMLINK: BSD
            raise _not_regular(path, "symbolic link") from None
        if error.errno == errno.EISDIR:
            raise _not_regular(path, "directory") from None
        raise
    found = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(found):
        os.close(descriptor)
        raise _not_regular(path, kind_of(found))
    if NON_BLOCK:
        os.set_blocking(descriptor, True)
    return descriptor


def read_regular(path: Path, limit: int | None = None) -> bytes:
    """The bytes of the regular file at ``path`` (at most ``limit``), read as :func:`open_regular`."""
    descriptor = open_regular(path, os.O_RDONLY)
    with os.fdopen(descriptor, "rb") as handle:
        return handle.read() if limit is None else handle.read(limit)


def check_target(
    path: Path, *, ours: Callable[[bytes], bool] | None, overwrite: bool, what: str, how_to_overwrite: str
) -> bool:
    """Whether writing ``path`` replaces something; raise if that something must be kept.

    Nothing at ``path``: False. An empty regular file, or one whose first :data:`HEAD_BYTES`
    ``ours`` recognises: True. Anything else but a directory with ``overwrite``: True.

    Args:
        what: what the caller writes, for the message ("an export of las.bulk").
        how_to_overwrite: the caller's way to say overwrite ("overwrite=True", "--overwrite").

    Raises:
        FileExistsError: something else is at ``path`` and ``overwrite`` is false.
        IsADirectoryError: a directory is at ``path``.
    """
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return False
    kind = kind_of(found.st_mode)
    if kind == "directory":
        raise IsADirectoryError(errno.EISDIR, f"{str(path)!r} is a directory: pass a file path")
    if overwrite:
        return True
    if kind == "regular file":
        if found.st_size == 0:
            return True
        if ours is not None:
            with contextlib.suppress(OSError):
                if ours(read_regular(path, HEAD_BYTES)):
                    return True
    article = "an" if kind[0] in "aeiou" else "a"
    raise FileExistsError(
        errno.EEXIST,
        f"{str(path)!r} exists and is not {what} (it is {article} {kind} las did not write): nothing "
        f"was written; pass {how_to_overwrite} to replace it, or choose another path",
    )


def cannot_write(error: OSError, path: Path) -> OSError:
    """``error`` (raised while writing ``path``) again, with ``path`` and the reason in its message."""
    reason = error.strerror or str(error)
    return type(error)(
        error.errno or errno.EIO,
        f"cannot write {str(path)!r}: {reason} (is {str(path.parent)!r} an existing directory you can write to?)",
    )


@contextlib.contextmanager
def written_whole(
    path: Path, *, replace: bool, text: bool = False, newline: str | None = None
) -> Iterator[IO[Any]]:
    """A file to write that appears at ``path`` only once it is whole (see the module's rules).

    Yields a binary file (``text``: UTF-8 text, with ``newline`` as for :func:`open`), created
    with mode 0600 beside ``path``. When the block ends without an error the file is flushed to
    disk and moved to ``path``: replacing what is there with ``replace`` (a symbolic link is
    replaced, not followed), else only if nothing is there. When it ends with an error the
    temporary file is removed and ``path`` is as it was.

    Raises:
        FileExistsError: without ``replace``, something appeared at ``path`` meanwhile.
        OSError: the directory cannot be written (the message names ``path``).
    """
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise cannot_write(error, path) from None
    try:
        mode = "w" if text else "wb"
        encoding = "utf-8" if text else None
        with os.fdopen(descriptor, mode, encoding=encoding, newline=newline if text else None) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _move(temporary, path, replace=replace)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def discard_download(sink: IO[bytes]) -> None:
    """Empty ``sink`` (a call's ``into``) after the call failed, so a failed download leaves
    nothing of itself: part of a body, or a whole one the deadline cut as it ended. A sink that
    cannot be emptied (closed, not seekable) is left as it is: the call's own error is raised."""
    try:
        sink.seek(0)
        sink.truncate()
    except (OSError, ValueError):
        pass


def _move(temporary: str, path: Path, *, replace: bool) -> None:
    if replace:
        os.replace(temporary, path)
        return
    try:
        os.link(temporary, path)  # fails if anything (even a dangling link) is at the path
    except FileExistsError:
        raise _appeared(path) from None
    except OSError:  # a file system without hard links: the same check, not atomic with the move
        if os.path.lexists(path):
            raise _appeared(path) from None
        os.replace(temporary, path)
        return
    os.unlink(temporary)


def _appeared(path: Path) -> FileExistsError:
    return FileExistsError(
        errno.EEXIST, f"{str(path)!r} appeared while las was writing it: it was left as it is"
    )
