"""docs/migrating.md's table of lucidtech-las 11.4.1's ``las.Client`` holds: every method and
parameter is listed and accepted by ``las.Client``; every refusal it states happens on the
contract it names, before anything is sent, and nowhere else; every resource-layer name exists.

Each call goes to a scripted loopback server (the recorder) that answers anything: a call the
session refuses raises ``las.ContractError`` and sends nothing; any other call reaches it (what the
client makes of the canned answer does not matter here)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

import las
from las import contracts, ids
from tests.contract import CONTRACT_PATHS
from tests.support.recorder import CLIENT_ID, CLIENT_SECRET, Recorder

PAGE = Path(__file__).resolve().parents[2] / "docs" / "migrating.md"
METHODS_FILE = CONTRACT_PATHS["2021-09-23"].parent / "client-methods-11.4.1.txt"


class Row(NamedTuple):
    signature: str  # as lucidtech-las 11.4.1 declares it, without "Client."
    resources: str
    refused: str

    @property
    def method(self) -> str:
        return self.signature.split("(", 1)[0]

    def parameters(self) -> tuple[list[str], list[str]]:
        """(required, optional) parameter names, ``**optional_args`` left out."""
        arguments = ast.parse(f"def f({self.signature.split('(', 1)[1][:-1]}): pass").body[0].args  # type: ignore[attr-defined]
        positional = [argument.arg for argument in arguments.args]
        required = positional[: len(positional) - len(arguments.defaults)]
        optional = positional[len(required) :]
        for argument, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
            (required if default is None else optional).append(argument.arg)
        return required, optional

    def rules(self) -> tuple[set[str], dict[str, set[str]], dict[str, set[str]]]:
        """(contracts refusing the operation, {contract: parameters refused},
        {contract: parameters without which it is refused})."""
        operation: set[str] = set()
        refused: dict[str, set[str]] = {version: set() for version in contracts.KNOWN}
        needed: dict[str, set[str]] = {version: set() for version in contracts.KNOWN}
        if self.refused == "—":
            return operation, refused, needed
        for clause in self.refused.split("; "):
            operation_clause = re.fullmatch(r"the operation, on ([\d-]+)", clause)
            if operation_clause:
                operation.add(operation_clause.group(1))
                continue
            parameters = re.fullmatch(r"(without )?((?:`\w+`(?:, )?)+) on ([\d-]+)", clause)
            assert parameters, f"{self.method}: cannot read {clause!r}"
            names = set(re.findall(r"`(\w+)`", parameters.group(2)))
            (needed if parameters.group(1) else refused)[parameters.group(3)] |= names
        return operation, refused, needed


def _rows() -> list[Row]:
    text = PAGE.read_text()
    table = text[text.index("| lucidtech-las 11.4.1 `Client.` |") :]
    rows = []
    for line in table.splitlines()[2:]:
        if not line.startswith("| `"):
            break
        signature, resources, refused = (cell.strip() for cell in line.strip("|").split(" | "))
        rows.append(Row(signature.strip("`"), resources, refused))
    return rows


ROWS = _rows()

# An id of the kind a parameter names, and a value the client takes for the others.
_KINDS = {
    "app_client": ids.APP_CLIENT,
    "asset": ids.ASSET,
    "consent": ids.CONSENT,
    "data_bundle": ids.DATA_BUNDLE,
    "dataset": ids.DATASET,
    "deployment_environment": ids.DEPLOYMENT_ENVIRONMENT,
    "document": ids.DOCUMENT,
    "log": ids.LOG,
    "model": ids.MODEL,
    "next_transition": ids.TRANSITION,
    "organization": ids.ORGANIZATION,
    "payment_method": ids.PAYMENT_METHOD,
    "plan": ids.PLAN,
    "prediction": ids.PREDICTION,
    "role": ids.ROLE,
    "secret": ids.SECRET,
    "training": ids.TRAINING,
    "transformation": ids.TRANSFORMATION,
    "transition": ids.TRANSITION,
    "transition_execution": ids.TRANSITION_EXECUTION,
    "user": ids.USER,
    "workflow": ids.WORKFLOW,
    "workflow_execution": ids.WORKFLOW_EXECUTION,
}
_VALUES: dict[str, Any] = {
    "content": b"%PDF-1.4 a page",
    "content_type": "application/pdf",
    "field_config": {"total": {"type": "amount", "maxLength": 10}},
    "specification": {
        "language": "ASL",
        "version": "1.0.0",
        "definition": {"StartAt": "a", "States": {"a": {"Type": "Succeed"}}},
    },
    "operations": [{"type": "remove-duplicates"}],
    "transition_type": "manual",
    "status": "succeeded",
    "email": "someone@example.com",
    "width": 300,
    "height": 300,
    "max_results": 1,
    "ground_truth": [{"label": "total", "value": "1.00"}],
    "generate_secret": True,
    "delete_all": False,
    "delete_documents": False,
    "run_async": True,
    "data_scientist_assistance": True,
    "logout_urls": ["https://example.com"],
    "callback_urls": ["https://example.com"],
    "login_urls": ["https://example.com"],
    "default_login_url": "https://example.com",
    "owner": "las:organization:cradl",
    "order": "ascending",
    "sort_by": "createdTime",
    "statistics_last_n_days": 7,
    "from_start_time": "2024-12-01T00:00:00+00:00",
    "to_start_time": "2024-12-02T00:00:00+00:00",
    "start_time": "2024-12-01T00:00:00+00:00",
    "page": 0,
    "rotation": 0,
    "density": 72,
    "quality": "low",
    "cpu": 256,
    "memory": 512,
    "retention_in_days": 7,
}


def _value(method: str, name: str) -> Any:
    if name == "execution_id":
        kind = ids.WORKFLOW_EXECUTION if "workflow" in method else ids.TRANSITION_EXECUTION
        return f"las:{kind}:{'a' * 32}"
    if name.endswith("_ids"):
        return [f"las:{_KINDS[name[:-4]]}:{'a' * 32}"]
    if name.endswith("_id"):
        return f"las:{_KINDS[name[:-3]]}:{'a' * 32}"
    if method == "execute_workflow" and name == "content":
        return {"documentId": f"las:document:{'a' * 32}"}
    if name in _VALUES:
        return _VALUES[name]
    return (
        {"key": "value"}
        if name.endswith("config") or name in ("metadata", "parameters", "assets", "data", "output", "error")
        else "text"
    )


class Caller:
    """Calls ``las.Client`` methods on sessions of each contract; says whether each was refused."""

    def __init__(self, recorder: Recorder, cache: Path) -> None:
        self.recorder = recorder
        self.clients = {
            version: las.Client(
                las.Credentials(
                    CLIENT_ID, CLIENT_SECRET, recorder.url, recorder.url, cache_path=cache, contract=version
                ),
                max_retries=0,
            )
            for version in contracts.KNOWN
        }

    def refused(self, version: str, row: Row, given: set[str]) -> bool:
        required, _ = row.parameters()
        arguments = [_value(row.method, name) for name in required if name != "app_client_id"]
        keywords = {name: _value(row.method, name) for name in given | ({"app_client_id"} & set(required))}
        before = len(self.recorder.requests)
        try:
            getattr(self.clients[version], row.method)(*arguments, **keywords)
        except las.ContractError as error:
            assert len(self.recorder.requests) == before, f"{row.method}: refused after sending"
            assert version in str(error) and "Nothing was sent" in str(error), str(error)
            return True
        except las.ClientException:
            pass  # sent; the canned answer is not what the operation returns
        assert len(self.recorder.requests) > before, f"{row.method} on {version}: neither refused nor sent"
        return False


@pytest.fixture(scope="module")
def caller(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Caller]:
    recorder = Recorder()
    yield Caller(recorder, tmp_path_factory.mktemp("migrating") / "token-cache.json")
    recorder.close()


def test_the_table_lists_every_method_and_parameter_of_11_4_1() -> None:
    assert len(ROWS) == 85 and len({row.method for row in ROWS}) == 85
    if not METHODS_FILE.is_file():
        pytest.skip(f"{METHODS_FILE} is absent (set LAS_SHARED_DIR): the table is not compared with it")
    listed = [line.strip().removeprefix("Client.") for line in METHODS_FILE.read_text().splitlines()]
    assert [row.signature for row in ROWS] == [line for line in listed if line and not line.startswith("#")]


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.method)
def test_each_refusal_is_where_the_table_says_and_nowhere_else(row: Row, caller: Caller) -> None:
    _, optional = row.parameters()
    operation, refused, needed = row.rules()
    assert set(optional) >= {name for names in (*refused.values(), *needed.values()) for name in names}
    for version in contracts.KNOWN:
        if version in operation:
            assert caller.refused(version, row, set()), f"{row.method} is not refused on {version}"
            continue
        base = needed[version]
        if base:
            assert caller.refused(version, row, set()), f"{row.method} without {base} on {version}"
        assert not caller.refused(version, row, base), f"{row.method} with {base} on {version}"
        for name in optional:
            if name in base:
                continue
            expected = name in refused[version]
            assert caller.refused(version, row, base | {name}) is expected, (
                f"{row.method}({name}=...) on {version}: the table says {'refused' if expected else 'sent'}"
            )


_OBJECTS = {
    "app_client": las.AppClient,
    "asset": las.Asset,
    "data_bundle": las.DataBundle,
    "dataset": las.Dataset,
    "document": las.Document,
    "execution": las.TransitionExecution,
    "model": las.Model,
    "organization": las.Organization,
    "payment_method": las.PaymentMethod,
    "secret": las.Secret,
    "training": las.Training,
    "transformation": las.Transformation,
    "transition": las.Transition,
    "user": las.User,
    "workflow": las.Workflow,
    "workflow_execution": las.WorkflowExecution,
}


def test_every_resource_layer_name_exists() -> None:
    for row in ROWS:
        for name in re.findall(r"`([\w.]+)(?:\(.*?\))?`", row.resources):
            first, attribute = name.split(".")[:2] if not name.startswith("las.") else name.split(".")[1:3]
            owner = getattr(las, first) if name.startswith("las.") else _OBJECTS[first]
            assert hasattr(owner, attribute), f"{row.method}: {name} does not exist"


def test_the_exception_names_of_11_4_1_are_where_the_page_says() -> None:
    """lucidtech-las users import its exceptions from las.client (``from las.client import
    NotFound``): each name the page gives is there, and is the las exception it names."""
    text = PAGE.read_text()
    table = text[text.index("| lucidtech-las 11.4.1 | here |") :].split("\n\n", 1)[0]
    rows = re.findall(r"^\| `(las\.\w+)\.(\w+)` \| (.*) \|$", table, flags=re.MULTILINE)
    assert len(rows) == 9
    for module_name, name, here in rows:
        module = {"las.client": las.client, "las.credentials": las.credentials}[module_name]
        if here.startswith("none"):
            assert not hasattr(module, name)
            continue
        same = re.search(r"`las\.(\w+)`", here)
        assert same is not None and getattr(module, name) is getattr(las, same.group(1)), name
        assert issubclass(getattr(module, name), las.ClientException)
