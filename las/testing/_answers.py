"""Answers shaped to the letter of the contract the emulator serves.

The handlers are shared by both contracts and keep rows holding the fields of either (a user
row has the 2021 ``email`` and ``avatar`` and the 2024 ``status`` and ``profileId``). Before an
answer leaves, the :class:`Shape` of its operation's response schema keeps the fields that schema
has, where it closes the object (``additionalProperties: false``), at every depth. The shapes are
generated from each contract (:mod:`las.testing._contract_2021`, :mod:`las.testing._contract_2024`)
by ``tools/generate_emulator_contracts.py``.

A shape never adds or repairs anything: a field the schema requires but the handler left out
stays missing (the tests that validate every answer against the contract find it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


class Shape(Protocol):
    """Something that trims a decoded JSON answer to what a schema allows."""

    def apply(self, value: Any) -> Any: ...


@dataclass(frozen=True)
class Fields:
    """A closed JSON object: keys outside ``keep`` are left out; ``nested`` shapes some values."""

    keep: frozenset[str]
    nested: Mapping[str, Shape] = field(default_factory=dict)

    def apply(self, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        nested = self.nested
        return {
            name: nested[name].apply(item) if name in nested else item
            for name, item in value.items()
            if name in self.keep
        }


@dataclass(frozen=True)
class Items:
    """A JSON array whose items are shaped by ``item``."""

    item: Shape

    def apply(self, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        return [self.item.apply(entry) for entry in value]
