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
"""

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
from .uploads import UploadError, UploadItem, UploadResult
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
    "UploadError",
    "UploadItem",
    "UploadResult",
    "User",
    "WaitTimeoutError",
    "Workflow",
    "WorkflowExecution",
    "WorkflowExecutions",
    "get_default_session",
    "set_default_session",
    "using_session",
]
