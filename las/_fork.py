"""After ``os.fork()``, what the parent holds stays the parent's: the child lets go of it.

A fork copies every object, so a pooled socket, an event loop's selector (epoll) and a lock that
another thread held at that moment belong to the parent and the child at once. An object given
to :func:`track` has its ``after_fork_in_child()`` called in the child, first thing after the
fork (``os.register_at_fork``); it drops such things *without touching them*: closing a pooled
connection there (an SSL goodbye written to the parent's stream, a socket taken out of the
selector both processes share) would break the parent's connection, and a copied lock may never
be released. The child opens its own connections on its next use.
"""

from __future__ import annotations

import os
import threading
import weakref
from typing import Protocol

__all__ = ["ForkAware", "track"]


class ForkAware(Protocol):
    """An object that must let go of what the parent holds in a forked child."""

    def after_fork_in_child(self) -> None: ...


_LIVE: weakref.WeakSet[ForkAware] = weakref.WeakSet()
_lock = threading.Lock()
_registered = False


def _after_fork_in_child() -> None:
    global _lock
    _lock = threading.Lock()  # another thread of the parent may have held it at the fork
    for owner in list(_LIVE):
        owner.after_fork_in_child()


def track(owner: ForkAware) -> None:
    """Call ``owner.after_fork_in_child()`` in every process forked while ``owner`` lives."""
    global _registered
    with _lock:
        if not _registered and hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=_after_fork_in_child)
            _registered = True
        _LIVE.add(owner)
