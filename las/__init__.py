"""las: the Python SDK for Lucidtech AI Services.

Three layers, each usable on its own:

- :class:`Session`: credentials, token, pooled connections, timeouts, retries;
- :class:`Client`: one method per API operation, returning the API's JSON;
- resource classes (:class:`Document`, :class:`Model`, :class:`Workflow`, ...): typed objects
  with create/get/list/all/update/delete, lazy relationships and domain verbs.

``las.workers`` runs transitions with code: :func:`transition_handler`, :class:`Worker`.
``las.testing`` holds an in-process emulator of the API for tests and demos.
"""

from ._pagination import paginate
from .client import Client
from .credentials import Credentials, read_credentials
from .exceptions import (
    APIError,
    BadRequestError,
    ClientException,
    ConflictError,
    ContentTooLargeError,
    FileFormatException,
    InvalidCredentialsException,
    InvalidIdError,
    InvalidResponseError,
    LimitExceededException,
    MissingCredentials,
    NotFoundError,
    ServerError,
    TooManyRequestsException,
)
from .resources import *  # noqa: F403 - the resource classes are the SDK's main surface
from .resources import __all__ as _resources_all
from .session import Session
from .workers import Reject, Retry, Worker, WorkerCounters, transition_handler

__version__ = "0.1.0"

__all__ = [
    "APIError",
    "BadRequestError",
    "Client",
    "ClientException",
    "ConflictError",
    "ContentTooLargeError",
    "Credentials",
    "FileFormatException",
    "InvalidCredentialsException",
    "InvalidIdError",
    "InvalidResponseError",
    "LimitExceededException",
    "MissingCredentials",
    "NotFoundError",
    "ServerError",
    "Session",
    "TooManyRequestsException",
    "__version__",
    "paginate",
    "read_credentials",
    # transition workers (las.workers)
    "Reject",
    "Retry",
    "Worker",
    "WorkerCounters",
    "transition_handler",
    *_resources_all,
]
