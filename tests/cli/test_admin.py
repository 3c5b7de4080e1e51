"""``las models``, ``secrets``, ``assets``, ``users``, ``app-clients`` and ``organizations``."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path

from tests.cli.conftest import Result, Server, created_id
from tests.contract import Contract

Las = Callable[..., Result]
FIELDS = json.dumps({"total_amount": {"type": "amount", "maxLength": 12, "description": "Total"}})


def test_model_crud_and_data_bundles(las: Las, contract: Contract) -> None:
    created = las("--json", "models", "create", "700", "900", FIELDS, "--name", "Invoices")
    model_id = created_id(created, "modelId")
    contract.validate_response("POST", "/models", 200, created.json())
    table = las("models", "list", "--all")
    assert model_id in table.stdout and "700x900" in table.stdout
    updated = las("--json", "models", "update", model_id, "--description", "v2", "--width", "800")
    contract.validate_response("PATCH", f"/models/{model_id}", 200, updated.json())
    assert (updated.json()["width"], updated.json()["description"]) == (800, "v2")

    dataset_id = created_id(las("--json", "datasets", "create"), "datasetId")
    bundle = las("--json", "models", "create-data-bundle", model_id, dataset_id, "--name", "B")
    bundle_id = created_id(bundle, "dataBundleId")
    contract.validate_response("POST", f"/models/{model_id}/dataBundles", 200, bundle.json())
    listed = las("--json", "models", "list-data-bundles", model_id)
    contract.validate_response("GET", f"/models/{model_id}/dataBundles", 200, listed.json())
    assert [each["dataBundleId"] for each in listed.json()["dataBundles"]] == [bundle_id]
    renamed = las("--json", "models", "update-data-bundle", model_id, bundle_id, "--name", "B2")
    assert renamed.json()["name"] == "B2"
    assert las("models", "delete-data-bundle", model_id, bundle_id).code == 0
    assert las("--json", "models", "get", model_id).json()["modelId"] == model_id
    assert las("models", "delete", model_id).stdout == f"Deleted {model_id}\n"


def test_model_size_out_of_the_api_range_is_a_usage_error(las: Las) -> None:
    result = las("models", "create", "50", "900", FIELDS)
    assert result.code == 2 and "97<=x<=1921" in result.stderr


def test_secret_crud_never_prints_the_data(las: Las, contract: Contract) -> None:
    created = las("--json", "secrets", "create", "username=bot", "password=hunter2", "--name", "S")
    secret_id = created_id(created, "secretId")
    contract.validate_response("POST", "/secrets", 200, created.json())
    updated = las("--json", "secrets", "update", secret_id, "-d", "password=new")
    contract.validate_response("PATCH", f"/secrets/{secret_id}", 200, updated.json())
    table = las("secrets", "list", "--all")
    assert secret_id in table.stdout and "hunter2" not in table.stdout
    assert las("secrets", "delete", secret_id).code == 0


def test_secret_data_must_be_key_value(las: Las) -> None:
    result = las("secrets", "create", "no-equals-sign")
    assert result.code == 2 and "expected KEY=VALUE" in result.stderr


def test_asset_crud_and_download(las: Las, tmp_path: Path, contract: Contract) -> None:
    page = tmp_path / "form.html"
    page.write_text("<html>review</html>")
    created = las("--json", "assets", "create", str(page), "--name", "form")
    asset_id = created_id(created, "assetId")
    contract.validate_response("POST", "/assets", 200, created.json())
    copy = tmp_path / "copy.html"
    shown = las("assets", "get", asset_id, "-d", str(copy))
    assert shown.code == 0 and copy.read_text() == "<html>review</html>"
    got = las("--json", "assets", "get", asset_id)
    assert base64.b64decode(got.json()["content"]) == b"<html>review</html>"
    page.write_text("<html>v2</html>")
    updated = las("--json", "assets", "update", asset_id, "--content", str(page))
    contract.validate_response("PATCH", f"/assets/{asset_id}", 200, updated.json())
    assert asset_id in las("assets", "list", "--all").stdout
    assert las("assets", "delete", asset_id).code == 0


def test_app_clients_and_users(las: Las, contract: Contract) -> None:
    created = las("--json", "app-clients", "create", "--name", "portal", "--no-generate-secret")
    app_client_id = created_id(created, "appClientId")
    contract.validate_response("POST", "/appClients", 200, created.json())
    listed = las("--json", "app-clients", "list", "--all")
    contract.validate_response("GET", "/appClients", 200, listed.json())
    updated = las("--json", "app-clients", "update", app_client_id, "--description", "for people")
    contract.validate_response("PATCH", f"/appClients/{app_client_id}", 200, updated.json())

    user = las(
        "--json", "users", "create", "ada@example.com", "--app-client-id", app_client_id, "--name", "Ada"
    )
    user_id = created_id(user, "userId")
    contract.validate_response("POST", "/users", 200, user.json())
    assert las("--json", "users", "get", user_id).json()["email"] == "ada@example.com"
    renamed = las("--json", "users", "update", user_id, "--name", "Ada L.")
    contract.validate_response("PATCH", f"/users/{user_id}", 200, renamed.json())
    assert "ada@example.com" in las("users", "list", "--all").stdout
    assert las("users", "delete", user_id).code == 0
    assert las("app-clients", "delete", app_client_id).code == 0


def test_organization_get_and_update(las: Las, server: Server, contract: Contract) -> None:
    shown = las("organizations", "get", server.organization_id)
    assert shown.code == 0 and "monthlyNumberOfDocumentsAllowed" in shown.stdout
    mine = las("--json", "organizations", "get")  # default `me`: the caller's organization
    contract.validate_response("GET", "/organizations/me", 200, mine.json())
    assert mine.json()["organizationId"] == server.organization_id
    updated = las("--json", "organizations", "update", server.organization_id, "--name", "ACME")
    contract.validate_response("PATCH", f"/organizations/{server.organization_id}", 200, updated.json())
    assert updated.json()["name"] == "ACME"
