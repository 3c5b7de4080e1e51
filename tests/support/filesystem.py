"""A read-only directory that refuses writes even when the tests run as root.

Root ignores file permissions (``CAP_DAC_OVERRIDE``), so ``chmod 0o500`` alone would not make a
directory read-only for it. :func:`read_only` also drops that power from the calling thread's
effective capabilities for the duration of the block (Linux keeps capabilities per thread, and
the permitted set keeps them, so they come back after), so the kernel refuses the write with
``EACCES`` exactly as it would for any other user.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

_CAPABILITY_VERSION_3 = 0x20080522
_DAC_OVERRIDE_AND_READ_SEARCH = (1 << 1) | (1 << 2)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


@contextmanager
def _without_permission_override() -> Iterator[None]:
    if os.geteuid() != 0:
        yield
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        capget, capset = libc.capget, libc.capset
    except (OSError, AttributeError):
        pytest.skip("running as root without capget/capset: cannot make a directory read-only for root")
    header = _Header(_CAPABILITY_VERSION_3, 0)  # pid 0: this thread
    data = (_Data * 2)()
    if capget(ctypes.byref(header), data) != 0:
        pytest.skip(f"capget failed (errno {ctypes.get_errno()}): cannot drop root's file access override")
    saved = data[0].effective
    data[0].effective = saved & ~_DAC_OVERRIDE_AND_READ_SEARCH
    if capset(ctypes.byref(header), data) != 0:
        pytest.skip(f"capset failed (errno {ctypes.get_errno()}): cannot drop root's file access override")
    try:
        yield
    finally:
        data[0].effective = saved
        assert capset(ctypes.byref(header), data) == 0, "could not restore this thread's capabilities"


@contextmanager
def read_only(directory: Path) -> Iterator[Path]:
    """Make ``directory`` read-only (mode 0500) for the code run in this thread inside the block."""
    mode = directory.stat().st_mode & 0o7777
    directory.chmod(0o500)
    try:
        with _without_permission_override():
            probe = directory / ".probe"
            with pytest.raises(PermissionError):
                probe.write_bytes(b"")  # the directory really refuses a new file
            yield directory
    finally:
        directory.chmod(mode)
