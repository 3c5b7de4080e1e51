"""Typed resource objects over the API: create, get, list, update, delete, relationships, verbs.

Every class maps one entity of the API; what it can do is what it inherits (see ``_base``)::

    import las

    document = las.Document.create("invoice.pdf", dataset=dataset)
    prediction = document.predict(model)
    print(prediction["total_amount"].value, prediction.document is not None)

    for execution in workflow.executions.filter(status="failed", sort_by="endTime", order="descending"):
        print(execution.id, execution.log.events[-1])

Calls use the default session (created from the environment on first use) unless given
``session=``; objects remember their session and use it for their relationships and verbs.

Uploading many documents (``dataset.upload``) is run by :mod:`las.bulk`, imported when it is
called: las.bulk depends on the resources, never the other way round at import.
"""

import warnings
from typing import TYPE_CHECKING, Any

from ._base import (
    Collection,
    InvalidArgumentError,
    NotInContractError,
    NotLoadedError,
    NotSupportedError,
    Page,
    Resource,
)
from ._session import get_default_session, set_default_session, using_session
from .app_clients import AppClient
from .assets import Asset
from .billing import PaymentMethod, Plan
from .documents import Dataset, DatasetDocuments, Document, GroundTruthItem
from .logs import Log
from .models import (
    DataBundle,
    DataBundles,
    FieldConfigEntry,
    Model,
    Prediction,
    PredictionItem,
    PreprocessConfig,
)
from .organizations import Organization
from .secrets import Secret
from .trainings import DeploymentEnvironment, ModelTrainings, Training
from .transformations import DatasetTransformations, Transformation
from .transitions import Transition, TransitionExecution, TransitionExecutions
from .users import Profile, Role, User
from .workflows import (
    CompletedConfig,
    ErrorConfig,
    WaitTimeoutError,
    Workflow,
    WorkflowExecution,
    WorkflowExecutions,
)

__all__ = [
    "AppClient",
    "Asset",
    "Collection",
    "CompletedConfig",
    "DataBundle",
    "DataBundles",
    "Dataset",
    "DatasetDocuments",
    "DatasetTransformations",
    "DeploymentEnvironment",
    "Document",
    "ErrorConfig",
    "FieldConfigEntry",
    "GroundTruthItem",
    "InvalidArgumentError",
    "Log",
    "Model",
    "ModelTrainings",
    "NotInContractError",
    "NotLoadedError",
    "NotSupportedError",
    "Organization",
    "Page",
    "PaymentMethod",
    "Plan",
    "Prediction",
    "PredictionItem",
    "PreprocessConfig",
    "Profile",
    "Resource",
    "Role",
    "Secret",
    "Training",
    "Transformation",
    "Transition",
    "TransitionExecution",
    "TransitionExecutions",
    "User",
    "WaitTimeoutError",
    "Workflow",
    "WorkflowExecution",
    "WorkflowExecutions",
    "get_default_session",
    "set_default_session",
    "using_session",
]

_DEPRECATED = {"UploadError": "IngestError", "UploadItem": "ItemResult", "UploadResult": "IngestReport"}
"""The upload vocabulary before las.bulk's became the only one: old name -> its las.bulk name."""

if TYPE_CHECKING:
    from ..bulk import IngestError, IngestReport, ItemResult

    UploadError = IngestError
    UploadItem = ItemResult
    UploadResult = IngestReport


def _deprecated(module: str, name: str, *, stacklevel: int = 2) -> Any:
    """``<module>.<name>`` of :data:`_DEPRECATED`: its las.bulk replacement, with a DeprecationWarning
    naming it (``stacklevel`` points the warning at the caller's line)."""
    replacement = _DEPRECATED[name]
    warnings.warn(
        f"{module}.{name} is deprecated: use las.bulk.{replacement} (uploads, with or without a "
        "journal, report in las.bulk's words); the old name goes in 1.0",
        DeprecationWarning,
        stacklevel=stacklevel + 1,
    )
    from .. import bulk  # at call time: las.bulk imports the resources

    return getattr(bulk, replacement)


if not TYPE_CHECKING:  # hidden from type checkers, so a misspelt name is still their error

    def __getattr__(name: str) -> Any:
        if name in _DEPRECATED:
            return _deprecated("las.resources", name)
        raise AttributeError(f"module 'las.resources' has no attribute {name!r}")
