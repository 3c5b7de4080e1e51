"""The emulator's limits: how much one request may send, and how long a connection may hold a
thread. README's "Testing your code against the emulator" states them; this module owns them.

- A request body is at most :data:`MAX_BODY_BYTES`: the largest request the API takes is a
  document of 6,250,000 base64 characters (4.69 MB of content) plus its JSON fields, well under
  8 MiB. A larger ``Content-Length`` is answered 413 before a byte of the body is read.
- A JSON body nests arrays and objects at most :data:`MAX_JSON_DEPTH` deep (room for the 40
  Parallel and Map states inside each other that workflow definitions may have, each four levels
  of JSON) and holds at most :data:`MAX_JSON_CONTAINERS` of them (each takes 50 to 200
  bytes of memory once decoded, from as little as two bytes of JSON); more is answered 400 before decoding.
- :class:`ConnectionLimits`: the timeouts and the number of connections served at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

MAX_BODY_BYTES: Final = 8 * 1024 * 1024
MAX_JSON_DEPTH: Final = 256
MAX_JSON_CONTAINERS: Final = 100_000
DEFAULT_IDLE_TIMEOUT: Final = 5.0
DEFAULT_REQUEST_TIMEOUT: Final = 10.0
DEFAULT_MAX_CONNECTIONS: Final = 256


@dataclass(frozen=True)
class ConnectionLimits:
    """How long a connection may wait and how many are served at once.

    Attributes:
        idle_timeout: Seconds a connection may stay open without sending the first byte of a
            request (a new connection, or a keep-alive one between requests); then it is closed
            without an answer, as every HTTP server does with idle keep-alives.
        request_timeout: Seconds from the first byte of a request until its last one (request
            line, headers and body); then it is answered 408 and closed. The same bound applies
            to writing an answer to a client that does not read it, and to a TLS handshake.
        max_connections: Connections served at once (a thread each). Further connections wait,
            unanswered, in the listen queue until one of those closes; connections already
            served go on undisturbed.

    Raises:
        ValueError: a timeout that is not a positive finite number, or ``max_connections < 1``.
    """

    idle_timeout: float = DEFAULT_IDLE_TIMEOUT
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    max_connections: int = DEFAULT_MAX_CONNECTIONS

    def __post_init__(self) -> None:
        for name in ("idle_timeout", "request_timeout"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
                raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
        count = self.max_connections
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"max_connections must be a positive integer, got {count!r}")
