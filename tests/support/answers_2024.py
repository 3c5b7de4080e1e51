"""Answers shaped as the 2024-11-29 contract says (``oas-2024-11-29.json``), one per entity,
written by hand from its response schemas: the nulls it allows, the new enum values, ids of the
wider form, and fields the 2021-09-23 contract does not have. ``tests/client/test_tolerant_reader.py``
validates each against the contract file (when present) and builds every resource class from it.

Keyed by the path of the GET that answers it (a template of the 2024 contract).
"""

from __future__ import annotations

from typing import Any

HEX = "0f" * 16
STAMP = "2024-12-02T09:30:00.123456+00:00"
APP_CLIENT = "las:app-client:cradl-web"  # the wider id form of 2024
NEW_MODEL = "las:model:invoice-v2"
ORG_MODEL = "las:organization:cradl/las:model:invoice"
DOCUMENT = f"las:document:{HEX}"
DATASET = f"las:dataset:{HEX}"
ORGANIZATION = "las:organization:acme"
TRANSITION = f"las:transition:{HEX}"
WORKFLOW = f"las:workflow:{HEX}"

_AUDIT: dict[str, Any] = {
    "createdBy": APP_CLIENT,
    "createdTime": STAMP,
    "updatedBy": None,
    "updatedTime": None,
}

DATASET_ANSWER: dict[str, Any] = {
    **_AUDIT,
    "datasetId": DATASET,
    "name": None,
    "description": None,
    "containsPersonallyIdentifiableInformation": False,
    "groundTruthSummary": {"total": {"count": 3}},
    "metadata": None,
    "numberOfDocuments": 3,
    "retentionInDays": 0,
    "storageLocation": "EU",
    "version": 2,
}

ANSWERS: dict[str, dict[str, Any]] = {
    "/appClients/{appClientId}": {
        **_AUDIT,
        "appClientId": APP_CLIENT,
        "clientId": "abc123",
        "name": None,
        "description": None,
        "hasSecret": False,
        "callbackUrls": None,
        "loginUrls": None,
        "logoutUrls": None,
        "defaultLoginUrl": None,
        "roleIds": ["las:role:admin"],
    },
    "/assets/{assetId}": {
        **_AUDIT,
        "assetId": f"las:asset:{HEX}",
        "name": None,
        "description": None,
        "contentMD5": "1B2M2Y8AsgTpgAmY7PhCfg==",  # and no content: 2024 may leave it out
    },
    "/models/{modelId}/dataBundles/{dataBundleId}": {
        **_AUDIT,
        "dataBundleId": f"las:model-data-bundle:{HEX}",
        "modelId": NEW_MODEL,
        "name": None,
        "description": None,
        "status": "running",  # new in 2024
        "summary": None,
        "datasets": [DATASET_ANSWER],
    },
    "/datasets/{datasetId}": DATASET_ANSWER,
    "/documents/{documentId}": {
        **_AUDIT,
        "documentId": DOCUMENT,
        "name": None,
        "description": None,
        "metadata": None,
        "retentionInDays": 7,
        "contentType": None,  # no content inline: the bytes are at the fileUrl
        "fileUrl": "https://files.example/documents/abc",
        "groundTruth": [
            {"label": "total", "value": 12.5},  # a number: new in 2024
            {"label": "paid", "value": None},
        ],
    },
    "/logs/{logId}": {
        "logId": f"las:log:{HEX}",
        "workflowId": None,
        "workflowExecutionId": None,
        "transitionId": None,
        "transitionExecutionId": None,
        "startTime": None,
        "events": [{"message": "hello", "timestamp": 1733131800}],
    },
    "/models/{modelId}": {
        **_AUDIT,
        "modelId": NEW_MODEL,
        "organizationId": "las:organization:cradl",
        "name": None,
        "description": None,
        "metadata": None,
        "fieldConfig": {
            "total": {"type": "numeric", "description": None},  # no maxLength: optional in 2024
            "items": {"type": "lines", "fields": {"price": {"type": "amount", "maxLength": 10}}},
        },
        "preprocessConfig": {"pages": [0, -1], "rotation": 90},  # none of the three 2021 keys
        "status": "inactive",
        "numberOfDataBundles": 1,
        "numberOfRunningTrainings": 0,
        "trainingId": None,
    },
    "/organizations/{organizationId}": {
        "organizationId": ORGANIZATION,
        "name": None,
        "description": None,
        "updatedBy": None,
        "updatedTime": None,
        "documentRetentionInDays": 30,
        "monthlyUsageSummary": {},
        "paymentMethodId": None,
        "planId": "las:organization:cradl/las:plan:free:@latest",
        **{
            name: 0
            for name in (
                "monthlyNumberOfActiveModelsUsed",
                "monthlyNumberOfDataBundlesAllowed",
                "monthlyNumberOfDataBundlesCreated",
                "monthlyNumberOfDocumentsAllowed",
                "monthlyNumberOfDocumentsCreated",
                "monthlyNumberOfFieldPredictionsAllowed",
                "monthlyNumberOfFieldPredictionsUsed",
                "monthlyNumberOfGpuHoursUsed",
                "monthlyNumberOfPredictionsAllowed",
                "monthlyNumberOfPredictionsCreated",
                "monthlyNumberOfTrainingsAllowed",
                "monthlyNumberOfTrainingsCreated",
                "monthlyNumberOfTransformationsAllowed",
                "monthlyNumberOfTransformationsCreated",
                "monthlyNumberOfTransitionExecutionsAllowed",
                "monthlyNumberOfTransitionExecutionsCreated",
                "monthlyNumberOfWorkflowExecutionsAllowed",
                "monthlyNumberOfWorkflowExecutionsCreated",
                "numberOfAppClientsAllowed",
                "numberOfAppClientsCreated",
                "numberOfAssetsAllowed",
                "numberOfAssetsCreated",
                "numberOfModelsAllowed",
                "numberOfModelsCreated",
                "numberOfSecretsAllowed",
                "numberOfSecretsCreated",
                "numberOfTransitionsAllowed",
                "numberOfTransitionsCreated",
                "numberOfUsersAllowed",
                "numberOfUsersCreated",
                "numberOfWorkflowsAllowed",
                "numberOfWorkflowsCreated",
            )
        },
    },
    "/predictions/{predictionId}": {
        "predictionId": f"las:prediction:{HEX}",
        "documentId": DOCUMENT,
        "modelId": ORG_MODEL,  # an organisation's model
        "predictions": [
            {
                "label": "total",
                "value": "12.50",
                "confidence": 0.9,
                "page": 0,
                "source": "llm",
                "rawValue": "12,50",
            },
            {"label": "items", "page": 0, "value": [[{"label": "price", "value": "3", "confidence": 0.8}]]},
        ],
        "inferenceTime": None,
    },
    "/transitions/{transitionId}": {
        **_AUDIT,
        "transitionId": TRANSITION,
        "transitionType": "lambda",  # new in 2024
        "name": None,
        "description": None,
        "parameters": {"lambdaId": "las:lambda:cradl:ocr", "environment": None},
        "timeoutInSeconds": 3600,
    },
    "/transitions/{transitionId}/executions/{executionId}": {
        "executionId": f"las:transition-execution:{HEX}",
        "transitionId": TRANSITION,
        "status": "retry",
        "input": None,
        "completedBy": None,
        "startTime": None,
        "endTime": None,
        "logId": None,
    },
    "/users/{userId}": {**_AUDIT, "userId": f"las:user:{HEX}", "metadata": None, "roleIds": []},
    "/workflows/{workflowId}": {
        **_AUDIT,
        "workflowId": WORKFLOW,
        "name": None,
        "description": None,
        "errorConfig": None,
        "completedConfig": None,
        "numberOfRunningExecutions": 0,
        "status": "production",
        "metadata": None,
    },
    "/workflows/{workflowId}/executions/{executionId}": {
        "executionId": f"las:workflow-execution:{HEX}",
        "workflowId": WORKFLOW,
        "status": "completed",  # new in 2024
        "input": None,
        "output": None,
        "transitionExecutions": None,
        "startTime": STAMP,
        "endTime": None,
        "completedBy": [APP_CLIENT],
    },
}

#: The secrets list answers each secret without its data.
SECRET_ANSWER: dict[str, Any] = {**_AUDIT, "secretId": f"las:secret:{HEX}", "name": None, "description": None}
SECRETS_ANSWER: dict[str, Any] = {"secrets": [SECRET_ANSWER], "nextToken": None}

# The entities only 2024-11-29 has (issue 20, point 3: tests/entities uses the emulator's answers).
ANSWERS.update(
    {
        "/models/{modelId}/trainings/{trainingId}": {
            **_AUDIT,
            "trainingId": "las:model-training:first-run",
            "modelId": NEW_MODEL,
            "name": None,
            "description": None,
            "status": "running-final-evaluation",
            "dataBundleIds": [f"las:model-data-bundle:{HEX}"],
            "instanceType": "large-gpu",
            "dataScientistAssistance": True,
            "deploymentEnvironmentId": "las:organization:cradl/las:deployment-environment:shared:@latest",
            "warmStartConfig": {},
            "evaluation": {},
            "gpuHours": None,
            "statistics": None,
            "metadata": None,
        },
        "/plans/{planId}": {
            "planId": "las:plan:free:3",
            "organizationId": "las:organization:cradl",
            "name": "Free",
            "description": None,
            "available": True,
            "currency": "NOK",
            "latest": 3,
            "license": None,
            "users": {"included": 1},
            "gpuHours": None,
        },
        "/roles/{roleId}": {
            "roleId": "las:role:Team_Lead-1",
            "permissions": [{"action": "delegate", "effect": "deny", "resourceId": "*"}],
        },
        "/paymentMethods/{paymentMethodId}": {
            **_AUDIT,
            "paymentMethodId": f"las:payment-method:{HEX}",
            "name": None,
            "description": None,
            "details": None,
        },
        "/deploymentEnvironments/{deploymentEnvironmentId}": {
            "deploymentEnvironmentId": "las:deployment-environment:shared:@latest",
            "organizationId": "las:organization:cradl",
            "name": "Shared",
            "description": "",
            "modelDeploymentUnits": 0,
            "status": "unavailable",
        },
        "/profiles/{profileId}": {"profileId": f"las:profile:{HEX}", "locale": "nb-NO", "metadata": None},
    }
)
