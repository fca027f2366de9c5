"""Adopting the deployed shared and beta estate: import blocks, never replacement."""

import dataclasses
import re

import pytest
from estate_helpers import ISOLATED, synth
from helpers import error_of

from stacks.app import build_app
from stacks.settings import AdoptionSettings, load

SUB = "11111111-2222-3333-4444-555555555555"
RG = f"/subscriptions/{SUB}/resourceGroups"
# Azure's id format per resource type: /subscriptions/<guid>/resourceGroups/<rg>/providers/<ns>/<type>/<name>
ARM_ID = re.compile(
    r"/subscriptions/[0-9a-f-]{36}/resourceGroups/[\w.()-]+"
    r"(/providers/Microsoft\.[A-Za-z]+/[A-Za-z]+/[\w.-]+(/[A-Za-z]+/[\w.-]+)?"
    r"(/providers/Microsoft\.Authorization/roleAssignments/[0-9a-f-]{36})?)?",
)
EXPECTED_SHARED = {
    "azurerm_resource_group": [f"{RG}/rg-trading-shared"],
    "azurerm_key_vault": [f"{RG}/rg-trading-shared/providers/Microsoft.KeyVault/vaults/kv-trading-shared"],
    "azurerm_container_registry": [
        f"{RG}/rg-trading-shared/providers/Microsoft.ContainerRegistry/registries/acrtradingshared",
    ],
}
BETA_DATA = f"{RG}/rg-trading-beta-data/providers"
BETA_APPS = f"{RG}/rg-trading-beta-apps/providers"
SERVER = f"{BETA_DATA}/Microsoft.DBforPostgreSQL/flexibleServers/psql-trading-beta"
EXPECTED_BETA = {
    "azurerm_resource_group": [f"{RG}/rg-trading-beta-data", f"{RG}/rg-trading-beta-apps"],
    "azurerm_postgresql_flexible_server": [SERVER],
    "azurerm_postgresql_flexible_server_firewall_rule": [f"{SERVER}/firewallRules/AllowAzureServices"],
    "azurerm_postgresql_flexible_server_database": [
        f"{SERVER}/databases/{db}" for db in (
            "sigmatiq_core", "sigmatiq_assistant", "sigmatiq_pilot", "sigmatiq_auth",
            "sigmatiq_cache", "sigmatiq_sim", "sigmatiq_card", "sigmatiq_native",
        )
    ],
    "azurerm_redis_cache": [f"{BETA_DATA}/Microsoft.Cache/redis/redis-trading-beta-1023"],
    "azurerm_user_assigned_identity": [
        f"{BETA_APPS}/Microsoft.ManagedIdentity/userAssignedIdentities/mi-trading-beta",
    ],
    "azurerm_key_vault": [f"{BETA_APPS}/Microsoft.KeyVault/vaults/kv-trading-beta-1023"],
    "azurerm_app_configuration": [
        f"{BETA_APPS}/Microsoft.AppConfiguration/configurationStores/appconfig-trading-beta-1023",
    ],
    "azurerm_container_app_environment": [f"{BETA_APPS}/Microsoft.App/managedEnvironments/cae-trading-beta"],
}
ASSIGNMENT = "9f8e7d6c-5b4a-4321-8765-43210fedcba9"
VERSION = "0123456789abcdef" * 2  # a Key Vault secret version id (not a secret)


@pytest.fixture(scope="module")
def adopted(tmp_path_factory):
    settings = load(environ={**ISOLATED, "ARM_SUBSCRIPTION_ID": SUB})
    beta = settings.environments["beta"]
    beta = dataclasses.replace(beta, adoption=dataclasses.replace(
        beta.adoption,
        role_assignments={"AcrPull on acrtradingshared": ASSIGNMENT},
        secret_versions={"PostgreSQL-ConnectionString": VERSION},
    ))
    settings = dataclasses.replace(settings, environments={"beta": beta})
    return synth(settings, tmp_path_factory.mktemp("adopted"))


def imports_by_type(stack):
    found: dict[str, list[str]] = {}
    for block in stack.doc.get("import", []):
        tf_type, logical = block["to"].split(".")
        assert logical in stack.resources(tf_type), block["to"]
        found.setdefault(tf_type, []).append(block["id"])
    return found


def test_shared_imports_its_group_vault_and_registry_by_their_azure_ids(adopted):
    assert imports_by_type(adopted["shared"]) == EXPECTED_SHARED


def test_beta_imports_everything_the_seed_deployed_and_nothing_new(adopted):
    found = imports_by_type(adopted["beta"])
    role_assignments = found.pop("azurerm_role_assignment")
    secrets = found.pop("azurerm_key_vault_secret")
    assert found == EXPECTED_BETA
    assert role_assignments == [
        f"{RG}/rg-trading-shared/providers/Microsoft.ContainerRegistry/registries/acrtradingshared"
        f"/providers/Microsoft.Authorization/roleAssignments/{ASSIGNMENT}",
    ]
    assert secrets == [f"https://kv-trading-beta-1023.vault.azure.net/secrets/PostgreSQL-ConnectionString/{VERSION}"]


def test_every_import_id_has_azures_id_format(adopted):
    for stack in adopted.values():
        for block in stack.doc.get("import", []):
            assert ARM_ID.fullmatch(block["id"]) or block["id"].startswith("https://"), block["id"]


def test_the_new_apps_and_log_workspace_are_created_not_imported(adopted):
    imported = {block["to"].split(".")[0] for block in adopted["beta"].doc["import"]}
    assert "azurerm_container_app" not in imported
    assert "azurerm_log_analytics_workspace" not in imported


def test_without_a_subscription_at_synth_the_import_ids_use_a_deploy_variable(beta):
    [group] = [b for b in beta.doc["import"] if b["id"].endswith("/resourceGroups/rg-trading-beta-data")]
    assert group["id"] == "/subscriptions/${var.subscription_id}/resourceGroups/rg-trading-beta-data"
    assert beta.doc["variable"]["subscription_id"]["type"] == "string"


def test_prod_adopts_nothing(prod):
    assert "import" not in prod.doc
    assert "subscription_id" not in prod.doc["variable"]


# Arguments that force replacement (azurerm 4.55) must equal what is deployed, or adopting
# would destroy and re-create the resource. Values from SPEC's deployed tables.
FORCE_NEW = {
    ("shared", "azurerm_resource_group", "rg-trading-shared"): {"location": "centralus"},
    ("shared", "azurerm_key_vault", "kv-trading-shared"): {
        "location": "centralus", "resource_group_name": "rg-trading-shared",
    },
    ("shared", "azurerm_container_registry", "acrtradingshared"): {
        "location": "centralus", "resource_group_name": "rg-trading-shared",
    },
    ("beta", "azurerm_resource_group", "rg-trading-beta-data"): {"location": "centralus"},
    ("beta", "azurerm_resource_group", "rg-trading-beta-apps"): {"location": "centralus"},
    ("beta", "azurerm_postgresql_flexible_server", "psql-trading-beta"): {
        "location": "centralus", "resource_group_name": "rg-trading-beta-data",
        "administrator_login": "sqladmin", "geo_redundant_backup_enabled": False, "version": "16",
    },
    ("beta", "azurerm_redis_cache", "redis-trading-beta-1023"): {
        "location": "centralus", "resource_group_name": "rg-trading-beta-data",
    },
    ("beta", "azurerm_user_assigned_identity", "mi-trading-beta"): {
        "location": "centralus", "resource_group_name": "rg-trading-beta-apps",
    },
    ("beta", "azurerm_key_vault", "kv-trading-beta-1023"): {
        "location": "centralus", "resource_group_name": "rg-trading-beta-apps",
    },
    ("beta", "azurerm_app_configuration", "appconfig-trading-beta-1023"): {
        "location": "centralus", "resource_group_name": "rg-trading-beta-apps", "sku": "free",
    },
    ("beta", "azurerm_container_app_environment", "cae-trading-beta"): {
        "location": "centralus", "resource_group_name": "rg-trading-beta-apps",
    },
}
# Arguments that force replacement and are absent from what the seed deployed.
FORCE_NEW_ABSENT = {
    "azurerm_postgresql_flexible_server": ("delegated_subnet_id", "create_mode", "private_dns_zone_id"),
    "azurerm_redis_cache": ("subnet_id", "private_static_ip_address", "zones"),
    "azurerm_container_registry": ("zone_redundancy_enabled",),
    "azurerm_container_app_environment": (
        "infrastructure_subnet_id", "internal_load_balancer_enabled", "zone_redundancy_enabled",
        "workload_profile", "infrastructure_resource_group_name", "dapr_application_insights_connection_string",
    ),
    "azurerm_app_configuration": ("soft_delete_retention_days",),
}


@pytest.mark.parametrize(("key", "deployed"), FORCE_NEW.items(), ids=["/".join(key) for key in FORCE_NEW])
def test_arguments_that_force_replacement_equal_the_deployed_values(synthesized, key, deployed):
    stack, tf_type, name = key
    _, resource = synthesized[stack].named(tf_type, name)
    assert {arg: resource.get(arg) for arg in deployed} == deployed
    for absent in FORCE_NEW_ABSENT.get(tf_type, ()):
        assert absent not in resource, (name, absent)


def test_databases_keep_the_charset_and_collation_they_were_created_with(beta):
    for database in beta.resources("azurerm_postgresql_flexible_server_database").values():
        assert (database["charset"], database["collation"]) == ("UTF8", "en_US.utf8")


def test_a_bad_subscription_id_or_assignment_name_is_rejected():
    settings = load(environ={**ISOLATED, "ARM_SUBSCRIPTION_ID": "my-subscription"})
    beta = settings.environments["beta"]
    beta = dataclasses.replace(beta, adoption=AdoptionSettings(
        enabled=True, subscription_id="my-subscription", role_assignments={"AcrPull on acr": "x"},
    ))
    message = error_of(lambda: build_app(dataclasses.replace(settings, environments={"beta": beta})))
    assert "AdoptionSettings 'shared': subscription_id 'my-subscription' is not a subscription id." in message
    assert (
        "AdoptionSettings 'beta': role_assignments['AcrPull on acr'] 'x' is not a role assignment name."
    ) in message
