"""How counts read: ``1 field``, ``2 fields`` (never ``1 fields``)."""

from __future__ import annotations


def counted(count: int, noun: str) -> str:
    """``count`` and ``noun`` (singular), in the plural unless one: ``1 field``, ``2 fields``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
