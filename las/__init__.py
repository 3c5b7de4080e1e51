"""las: the Python SDK for Lucidtech AI Services.

Three layers, each usable on its own:

- :class:`Session`: credentials, token, pooled connections, timeouts, retries;
- :class:`Client`: one method per API operation, returning the API's JSON;
- resource classes (:class:`Document`, :class:`Model`, :class:`Workflow`, ...): typed objects
  with create/get/list/all/update/delete, lazy relationships and domain verbs.

``las.workers`` runs transitions with code: :func:`transition_handler`, :class:`Worker`,
:class:`AsyncWorker`.
``las.testing`` holds an in-process emulator of the API for tests and demos.

:class:`AsyncClient` and :class:`AsyncSession` are the asyncio variant (``pip install
'lucidtech-las-sdk[async]'``, aiohttp); they are imported on first use, so ``import las`` does not need aiohttp.
"""

from typing import TYPE_CHECKING, Any

from ._doctor import DoctorCheck, DoctorReport, doctor
from ._pagination import apaginate, paginate, paginate_async
from ._response import RawResponse, ResponseInfo
from ._version import __version__, warn_if_installed_beside_another_las
from .client import Client
from .credentials import Credentials, read_credentials
from .exceptions import (
    AnswerLostError,
    APIConnectionError,
    APIError,
    APITimeoutError,
    BadRequestError,
    CertificateRefusedError,
    ClientException,
    ConflictError,
    ContentNotFoundError,
    ContentTooLargeError,
    ContractError,
    CredentialsConflictError,
    CredentialsFileError,
    DeadlineExceeded,
    DocumentUploadError,
    FileFormatException,
    InvalidCredentialsException,
    InvalidIdError,
    InvalidResponseError,
    LimitExceededException,
    MissingCredentials,
    NotFoundError,
    ServerError,
    SessionNotPicklableError,
    TooManyRequestsException,
)
from .resources import *  # noqa: F403 - the resource classes are the SDK's main surface
from .resources import __all__ as _resources_all
from .session import Session
from .workers import AsyncWorker, Reject, Retry, Worker, WorkerCounters, transition_handler

if TYPE_CHECKING:
    from ._async_client import AsyncClient
    from ._async_session import AsyncSession
    from .resources import UploadError as UploadError  # deprecated: las.bulk.IngestError
    from .resources import UploadItem as UploadItem  # deprecated: las.bulk.ItemResult
    from .resources import UploadResult as UploadResult  # deprecated: las.bulk.IngestReport

warn_if_installed_beside_another_las()

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AnswerLostError",
    "AsyncClient",
    "AsyncSession",
    "BadRequestError",
    "CertificateRefusedError",
    "Client",
    "ClientException",
    "ConflictError",
    "ContentNotFoundError",
    "ContentTooLargeError",
    "ContractError",
    "Credentials",
    "CredentialsConflictError",
    "CredentialsFileError",
    "DeadlineExceeded",
    "DoctorCheck",
    "DoctorReport",
    "DocumentUploadError",
    "FileFormatException",
    "InvalidCredentialsException",
    "InvalidIdError",
    "InvalidResponseError",
    "LimitExceededException",
    "MissingCredentials",
    "NotFoundError",
    "RawResponse",
    "ResponseInfo",
    "ServerError",
    "Session",
    "SessionNotPicklableError",
    "TooManyRequestsException",
    "__version__",
    "apaginate",
    "doctor",
    "paginate",
    "paginate_async",
    "read_credentials",
    # transition workers (las.workers)
    "AsyncWorker",
    "Reject",
    "Retry",
    "Worker",
    "WorkerCounters",
    "transition_handler",
    *_resources_all,
]


def __getattr__(name: str) -> Any:
    """Import the async variant on first use: it needs the optional aiohttp."""
    if name in ("AsyncClient", "AsyncSession"):
        try:
            from . import _async_client
        except ModuleNotFoundError as error:
            if error.name != "aiohttp":
                raise
            raise ModuleNotFoundError(
                f"las.{name} needs aiohttp: pip install 'lucidtech-las-sdk[async]'", name="aiohttp"
            ) from None
        return getattr(_async_client, name)
    from . import resources

    if name in resources._DEPRECATED:  # the old upload vocabulary: las.bulk's names, with a warning
        return resources._deprecated("las", name, stacklevel=2)
    raise AttributeError(f"module 'las' has no attribute {name!r}")
