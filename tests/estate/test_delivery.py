"""Delivery of the estate: actionlint, remote state and cross-stack wiring (the pip package:
tests/library/test_package.py)."""

import dataclasses
import json
import subprocess

import pytest
from estate_helpers import ISOLATED, synth
from helpers import VENV_BIN

from stacks.settings import load

ACTIONLINT = VENV_BIN / "actionlint"


# --- GitHub Actions (the workflows themselves: test_workflows.py) ----------------------------

@pytest.mark.slow
def test_actionlint_does_catch_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope }}\n",
    )
    result = subprocess.run([str(ACTIONLINT), str(broken)], capture_output=True, text=True)
    assert result.returncode == 1 and "nope" in result.stdout


# --- state -------------------------------------------------------------------------------------

def test_local_state_is_the_default(synthesized):
    for name in ("shared", "beta", "prod", "state"):
        assert list(synthesized[name].doc["terraform"]["backend"]) == ["local"]


@pytest.fixture(scope="module")
def remote(tmp_path_factory):
    settings = load(environ={**ISOLATED, "SIGMATIQ_REMOTE_STATE": "1", "SIGMATIQ_STATE_STORAGE_ACCOUNT": "stteamstate"})
    return synth(dataclasses.replace(settings, environments={}), tmp_path_factory.mktemp("remote"))


def test_remote_state_uses_the_azurerm_backend_one_key_per_stack_with_entra_id(remote):
    assert remote["shared"].doc["terraform"]["backend"] == {"azurerm": {
        "resource_group_name": "rg-trading-tfstate",
        "storage_account_name": "stteamstate",
        "container_name": "tfstate",
        "key": "shared.tfstate",
        "use_azuread_auth": True,
    }}
    assert list(remote["state"].doc["terraform"]["backend"]) == ["local"]  # it cannot hold its own


def test_the_state_account_is_private_versioned_recoverable_and_entra_only(synthesized):
    state = synthesized["state"]
    _, account = state.named("azurerm_storage_account", "sttradingtfstate")
    assert account["allow_nested_items_to_be_public"] is False
    assert account["shared_access_key_enabled"] is False
    assert account["min_tls_version"] == "TLS1_2"
    assert account["account_replication_type"] == "GZRS"
    assert account["blob_properties"]["versioning_enabled"] is True
    assert account["blob_properties"]["delete_retention_policy"] == {"days": 30}
    assert account["blob_properties"]["container_delete_retention_policy"] == {"days": 30}
    assert account["lifecycle"]["prevent_destroy"] is True
    _, container = state.named("azurerm_storage_container", "tfstate")
    assert container["container_access_type"] == "private"
    assert container["storage_account_id"] == state.ref("azurerm_storage_account", "sttradingtfstate")
    [grant] = state.resources("azurerm_role_assignment").values()
    assert grant["role_definition_id"].endswith("/ba92f5b4-2d11-453d-a403-e96b0029c9fe")
    assert grant["principal_id"] == "${data.azurerm_client_config.ClientConfig.object_id}"


# --- cross-stack wiring --------------------------------------------------------------------------

def test_no_stack_declares_a_cdktf_dependency_so_every_stack_deploys_alone(synthesized_dir):
    manifest = json.loads((synthesized_dir / "manifest.json").read_text())
    assert {name: stack["dependencies"] for name, stack in manifest["stacks"].items()} == {
        "beta": [], "prod": [], "shared": [], "state": [],
    }


def test_environments_look_the_shared_vault_and_registry_up_and_stop_early_when_shared_is_missing(beta):
    [vault] = beta.data("azurerm_key_vault").values()
    [registry] = beta.data("azurerm_container_registry").values()
    lookups = beta.data("azurerm_resources")
    assert sorted((lookup["name"], lookup["type"]) for lookup in lookups.values()) == [
        ("acrtradingshared", "Microsoft.ContainerRegistry/registries"),
        ("kv-trading-shared", "Microsoft.KeyVault/vaults"),
    ]
    for data, name, kind in ((vault, "kv-trading-shared", "Key Vault"),
                             (registry, "acrtradingshared", "container registry")):
        [lookup] = [key for key, value in lookups.items() if value["name"] == name]
        [precondition] = data["lifecycle"]["precondition"]
        assert precondition["condition"] == (
            f"${{contains([for found in data.azurerm_resources.{lookup}.resources : "
            'lower(found.resource_group_name)], "rg-trading-shared")}'
        )
        assert precondition["error_message"] == (
            f"The {kind} '{name}' does not exist in resource group 'rg-trading-shared' of this "
            "subscription. The shared stack is not deployed yet: run `cdktf deploy shared` first "
            "(or `cdktf deploy shared beta`, which deploys both in that order)."
        )


def test_no_stack_reads_another_stacks_state_file(synthesized):
    for stack in synthesized.values():
        assert "terraform_remote_state" not in stack.doc.get("data", {})
