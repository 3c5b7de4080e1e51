"""Logs of workflow and transition executions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs

from .. import ids
from ..client import Client
from ._base import Listable, Operations, Retrievable

__all__ = ["Log"]

_FILTER_KINDS = {
    "workflow_id": ids.WORKFLOW,
    "workflow_execution_id": ids.WORKFLOW_EXECUTION,
    "transition_id": ids.TRANSITION,
    "transition_execution_id": ids.TRANSITION_EXECUTION,
}


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class Log(Retrievable, Listable):
    """The events logged by one execution. Usually reached as ``execution.log``.

    ``Log.all(workflow_id=..., workflow_execution_id=..., transition_id=...,
    transition_execution_id=...)`` lists logs; each filter takes an id or the object.
    """

    _id_field: ClassVar[str] = "log_id"
    _id_kind: ClassVar[str] = ids.LOG
    _operations: ClassVar[Operations] = Operations(get=Client.get_log, list=Client.list_logs)

    log_id: str = ""
    workflow_id: str | None = None
    workflow_execution_id: str | None = None
    transition_id: str | None = None
    transition_execution_id: str | None = None
    start_time: datetime | None = None
    events: list[dict[str, Any]] = attrs.field(factory=list)

    @classmethod
    def _list_filters(cls, filters: Mapping[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(filters) - set(_FILTER_KINDS))
        if unknown:
            raise TypeError(
                f"Log lists take {', '.join(f'{name}=' for name in _FILTER_KINDS)}; not {', '.join(unknown)}"
            )
        return {
            name: ids.require_id(_FILTER_KINDS[name], value)
            for name, value in filters.items()
            if value is not None
        }
