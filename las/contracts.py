"""The API contracts the SDK speaks, and what differs between them that the SDK needs.

The API has two public contracts, each named by the date of its ``info.version``:

- ``"2021-09-23"`` (:data:`V2021`): the seed's, which the reference client speaks. Documents are
  uploaded inline (base64 ``content``); models have ``width`` and ``height``; ids are
  ``las:<kind>:<32 hex>``.
- ``"2024-11-29"`` (:data:`V2024`): today's service, which lucidtech-las 11.x speaks. Documents'
  bytes go to a ``fileUrl``; trainings, transformations, plans, roles, payment methods and
  deployment environments; ``metadata`` on most entities; wider ids (``las:model:invoice-v2``, a
  model id with an organisation prefix ``las:organization:X/las:model:Y``); no batches.

A session speaks one of them (``session.contract``), chosen in this order: the ``contract``
argument of :class:`las.Session` / :class:`las.AsyncSession` / :class:`las.Credentials`, the
environment variable ``LAS_CONTRACT``, the key ``contract`` of the credentials.cfg profile, then
the endpoint (:func:`for_endpoint`): the real service's hosts (:data:`SERVICE_HOSTS`) speak
2024-11-29, any other endpoint (an emulator on loopback, a proxy) is taken to speak 2021-09-23.

Reading is tolerant of either contract whatever the session speaks. Writing follows the
session's contract where the two differ: an argument the session's contract cannot carry is
refused with :class:`las.ContractError` before anything is sent (:func:`refuse_fields`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from typing import Final, NamedTuple
from urllib.parse import urlsplit

from .exceptions import ContractError

__all__ = [
    "CONTRACTS",
    "DEFAULT",
    "ENVIRONMENT_VARIABLE",
    "FROM_ENVIRONMENT",
    "KNOWN",
    "ONLY_IN",
    "SERVICE_HOSTS",
    "V2021",
    "V2024",
    "ContractInfo",
    "carries",
    "check",
    "for_endpoint",
    "from_environment",
    "how_to_choose",
    "preprocess_as_2021_fields",
    "refuse_fields",
    "require",
]

V2021: Final = "2021-09-23"
V2024: Final = "2024-11-29"


class ContractInfo(NamedTuple):
    """One contract: its name and the facts of it the SDK acts on."""

    version: str
    """The contract's name, the date of its ``info.version``."""
    description: str
    """What it is, in a few words."""
    inline_uploads: bool
    """Whether documents are created with their bytes inline (base64 ``content``); otherwise the
    answer carries a ``fileUrl`` the bytes are PUT to."""
    model_size: bool
    """Whether models have ``width`` and ``height`` (required to create one)."""


CONTRACTS: Final[Mapping[str, ContractInfo]] = {
    V2021: ContractInfo(V2021, "the seed's contract (oas.json), spoken by the reference client", True, True),
    V2024: ContractInfo(
        V2024, "today's service (oas-2024-11-29.json), spoken by lucidtech-las 11.x", False, False
    ),
}
#: The contracts' names, oldest first.
KNOWN: Final[tuple[str, ...]] = tuple(CONTRACTS)
#: The contract of an endpoint that is not one of :data:`SERVICE_HOSTS`.
DEFAULT: Final = V2021
#: The environment variable that chooses the contract when no argument does.
ENVIRONMENT_VARIABLE: Final = "LAS_CONTRACT"
#: Hosts of the real service and the contract they speak today (the servers of both contracts).
SERVICE_HOSTS: Final[Mapping[str, str]] = {"api.lucidtech.ai": V2024}


def from_environment() -> str | None:
    """The contract ``LAS_CONTRACT`` names, checked; None when it is unset or empty.

    Raises:
        ContractError: it names no known contract (the message names the variable and them).
    """
    value = os.environ.get(ENVIRONMENT_VARIABLE)
    return check(value, source=ENVIRONMENT_VARIABLE) if value else None


#: How a contract taken from :func:`from_environment` is described, for messages and reports.
FROM_ENVIRONMENT: Final = f"environment ({ENVIRONMENT_VARIABLE})"


def check(value: object, *, source: str = "contract") -> str:
    """Return ``value`` if it names a known contract, else raise.

    Args:
        value: a contract name, e.g. ``"2024-11-29"``.
        source: where the value came from, for the message (``"LAS_CONTRACT"``, a file and line).

    Raises:
        ContractError: naming the value, where it came from and the known contracts.
    """
    if isinstance(value, str) and value.strip() in CONTRACTS:
        return value.strip()
    raise ContractError(
        f"{source}: unknown API contract {value!r}; known contracts: {', '.join(KNOWN)} "
        f"({V2021}: the seed's; {V2024}: today's service)"
    )


def for_endpoint(api_endpoint: str) -> str:
    """The contract an API endpoint speaks when nothing chooses one: today's for the real
    service's hosts (:data:`SERVICE_HOSTS`), :data:`DEFAULT` for any other (an emulator, a proxy).

    >>> for_endpoint("https://api.lucidtech.ai/v1")
    '2024-11-29'
    >>> for_endpoint("http://127.0.0.1:8000")
    '2021-09-23'
    """
    host = urlsplit(api_endpoint if "://" in api_endpoint else f"https://{api_endpoint}").hostname
    return SERVICE_HOSTS.get((host or "").lower().rstrip("."), DEFAULT)


def how_to_choose(version: str) -> str:
    """The ways to make a session speak ``version``, for error messages."""
    return (
        f"las.Session(contract={version!r}) (or las.Credentials(..., contract={version!r})), "
        f"the environment variable {ENVIRONMENT_VARIABLE}={version}, or 'contract = {version}' in the "
        "credentials.cfg profile"
    )


def require(contract: str, needed: str, what: str, *, instead: str = "leave it out") -> None:
    """Raise :class:`ContractError` unless ``contract`` is ``needed``.

    Args:
        contract: the session's contract.
        needed: the contract ``what`` exists in.
        what: the argument or operation, as the caller wrote it (``"create_model(width=...)"``).
        instead: what else the caller can do.
    """
    if contract != needed:
        raise ContractError(
            f"{what} is not part of the API contract {contract} this session speaks, only of {needed}: "
            f"{instead}, or speak {needed} with {how_to_choose(needed)}. Nothing was sent."
        )


# Request body fields and query parameters that only one of the contracts has, per operation
# (METHOD, path template of the contract). tests/client/test_contracts.py derives this table
# from both contract files and compares.
ONLY_IN: Final[Mapping[str, Mapping[tuple[str, str], frozenset[str]]]] = {
    V2021: {
        ("GET", "/documents"): frozenset({"batchId"}),
        ("POST", "/documents"): frozenset({"batchId"}),
        ("DELETE", "/documents"): frozenset({"batchId"}),
        ("POST", "/models"): frozenset({"height", "width"}),
        ("PATCH", "/models/{modelId}"): frozenset({"height", "status", "width"}),
        ("POST", "/transitions"): frozenset({"inputJsonSchema", "outputJsonSchema"}),
        ("PATCH", "/transitions/{transitionId}"): frozenset(
            {"assets", "environment", "environmentSecrets", "inputJsonSchema", "outputJsonSchema"}
        ),
        ("POST", "/users"): frozenset({"avatar", "name"}),
        ("PATCH", "/users/{userId}"): frozenset({"avatar", "name"}),
    },
    V2024: {
        ("POST", "/appClients"): frozenset({"roleIds"}),
        ("PATCH", "/appClients/{appClientId}"): frozenset({"roleIds"}),
        ("POST", "/datasets"): frozenset({"metadata"}),
        ("PATCH", "/datasets/{datasetId}"): frozenset(
            {"containsPersonallyIdentifiableInformation", "metadata", "retentionInDays"}
        ),
        ("GET", "/documents"): frozenset({"documentId", "order", "sortBy"}),
        ("POST", "/documents"): frozenset({"description", "metadata", "name"}),
        ("PATCH", "/documents/{documentId}"): frozenset({"description", "metadata", "name"}),
        ("GET", "/models"): frozenset({"owner"}),
        ("POST", "/models"): frozenset({"metadata", "postprocessConfig"}),
        ("GET", "/models/{modelId}"): frozenset({"statisticsLastNDays"}),
        ("PATCH", "/models/{modelId}"): frozenset({"metadata", "postprocessConfig", "trainingId"}),
        ("PATCH", "/organizations/{organizationId}"): frozenset({"paymentMethodId", "planId"}),
        ("GET", "/predictions"): frozenset({"modelId", "order", "sortBy"}),
        ("POST", "/predictions"): frozenset(
            {"async", "postprocessConfig", "preprocessConfig", "rotation", "trainingId"}
        ),
        ("PATCH", "/transitions/{transitionId}"): frozenset({"parameters"}),
        ("POST", "/users"): frozenset({"metadata", "roleIds"}),
        ("PATCH", "/users/{userId}"): frozenset({"metadata", "roleIds"}),
        ("POST", "/workflows"): frozenset({"emailConfig", "metadata", "status"}),
        ("PATCH", "/workflows/{workflowId}"): frozenset({"emailConfig", "metadata", "status"}),
        ("GET", "/workflows/{workflowId}/executions"): frozenset({"fromStartTime", "toStartTime"}),
        ("PATCH", "/workflows/{workflowId}/executions/{executionId}"): frozenset({"status"}),
    },
}

# Every name above, to let a request without any of them through at the cost of a set test.
_DIFFERING: Final = frozenset(
    name for table in ONLY_IN.values() for names in table.values() for name in names
)
_TEMPLATES: Final[tuple[tuple[str, re.Pattern[str], str], ...]] = tuple(
    (method, re.compile(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template)) + "$"), template)
    for method, template in sorted({operation for table in ONLY_IN.values() for operation in table})
)


def _snake(name: str) -> str:
    return re.sub(r"([A-Z])", lambda match: "_" + match.group(1).lower(), name)


def carries(contract: str, method: str, template: str, name: str) -> bool:
    """Whether ``contract`` has the body field or query parameter ``name`` for the operation
    (``method`` and the path ``template`` as the contracts write it): False only when another
    contract alone has it.

    >>> carries(V2021, "GET", "/predictions", "modelId"), carries(V2024, "GET", "/predictions", "modelId")
    (False, True)
    """
    operation = (method, template)
    if name in ONLY_IN[contract].get(operation, frozenset()):
        return True
    return not any(name in ONLY_IN[other].get(operation, frozenset()) for other in KNOWN if other != contract)


def refuse_fields(contract: str, method: str, path: str, names: Iterable[str]) -> None:
    """Refuse a request whose body fields or query parameters ``names`` include one that only
    the other contract has for this operation (``metadata`` on 2021, ``width`` on 2024, ...).

    Names that neither contract knows are left to the API to judge.

    Raises:
        ContractError: naming the argument, the operation, both contracts and the fix.
    """
    suspicious = _DIFFERING.intersection(names)
    if not suspicious:
        return
    path = path.split("?", 1)[0]
    for verb, pattern, template in _TEMPLATES:
        if verb != method or not pattern.match(path):
            continue
        for other in KNOWN:
            if other == contract:
                continue
            refused = sorted(
                suspicious
                & ONLY_IN[other].get((method, template), frozenset())
                - ONLY_IN[contract].get((method, template), frozenset())
            )
            if refused:
                shown = ", ".join(f"{_snake(name)} (sent as {name!r})" for name in refused)
                require(contract, other, f"{method} {template} with {shown}")
        return


# The prediction options 2021-09-23 has as fields of POST /predictions, by their name in
# lucidtech-las 11.x's preprocess_config (the same names).
_PREPROCESS_FIELDS_2021: Final = ("maxPages", "autoRotate", "imageQuality")


def preprocess_as_2021_fields(
    preprocess_config: Mapping[str, object], body: Mapping[str, object]
) -> dict[str, object]:
    """lucidtech-las 11.x's ``preprocess_config`` as the 2021-09-23 contract's prediction fields.

    Raises:
        ContractError: a key 2021-09-23 has no field for (``pages``, ``rotation``, ...).
        ValueError: a key whose field ``body`` already has (given twice).
    """
    unknown = sorted(set(preprocess_config) - set(_PREPROCESS_FIELDS_2021))
    if unknown:
        require(
            V2021,
            V2024,
            f"create_prediction(preprocess_config={{{', '.join(repr(key) for key in unknown)}: ...}})",
            instead=f"keep to {', '.join(_PREPROCESS_FIELDS_2021)}",
        )
    twice = sorted(key for key in preprocess_config if key in body)
    if twice:
        raise ValueError(
            f"create_prediction: {', '.join(twice)} given both as an argument and in preprocess_config: pass one"
        )
    return dict(preprocess_config)
