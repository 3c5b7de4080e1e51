"""What a request handler receives (:class:`ApiRequest`) and returns (:data:`Reply`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from las.testing._store import Row, State, now_iso

# (HTTP status, JSON body). The body may be a zero-argument callable: it is then called under the
# state lock once the request's docker transitions have run, so the answer shows their outcome.
Reply = tuple[int, Any]


@dataclass
class ApiRequest:
    """One validated API request: path parameters, query, JSON body and the calling app client."""

    state: State
    params: dict[str, str]
    query: dict[str, list[str]]
    body: Any
    caller: str  # app client id owning the access token
    # Work left for after the state lock: transition execution ids of docker transitions to run,
    # and workflow execution ids to carry on (see las.testing._workflows.run_docker_jobs).
    docker_jobs: list[str] = field(default_factory=list)
    origin: str = ""  # scheme://host:port of file URLs answered to this request (las.testing._files)

    def stamp_created(self, row: Row) -> Row:
        """Set createdTime/createdBy (now, caller) and null updatedTime/updatedBy."""
        row.update(createdTime=now_iso(), createdBy=self.caller, updatedTime=None, updatedBy=None)
        return row

    def stamp_updated(self, row: Row) -> Row:
        """Set updatedTime/updatedBy to now and the caller."""
        row.update(updatedTime=now_iso(), updatedBy=self.caller)
        return row


Handler = Callable[[ApiRequest], Reply]


def public(row: Row, *omit: str) -> dict[str, Any]:
    """The wire fields of ``row``: private ``_``-prefixed fields and ``omit`` removed."""
    return {key: value for key, value in row.items() if not key.startswith("_") and key not in omit}
