"""Logs of workflow and transition executions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs

from .. import ids
from ._base import Listable, Operations, Retrievable

__all__ = ["Log"]

_LOG_FILTERS = {
    "workflow": ids.WORKFLOW,
    "workflow_execution": ids.WORKFLOW_EXECUTION,
    "transition": ids.TRANSITION,
    "transition_execution": ids.TRANSITION_EXECUTION,
}


@attrs.define(slots=False, frozen=True, eq=False, repr=False)
class Log(Retrievable, Listable):
    """The events logged by one execution. Usually reached as ``execution.log``.

    ``Log.all(workflow=..., workflow_execution=..., transition=..., transition_execution=...)``
    lists logs; each filter takes an object or its id.
    """

    _id_field: ClassVar[str] = "log_id"
    _id_kind: ClassVar[str] = ids.LOG
    _operations: ClassVar[Operations] = Operations(get="get_log", list="list_logs")
    _filters: ClassVar[Mapping[str, str | None]] = _LOG_FILTERS

    log_id: str
    workflow_id: str | None = None
    workflow_execution_id: str | None = None
    transition_id: str | None = None
    transition_execution_id: str | None = None
    start_time: datetime | None = None
    events: list[dict[str, Any]] = attrs.field(factory=list)
