"""Azure resource ids, built from a subscription id and names: one place for their format.

Used to adopt (import) resources that already exist, so nothing is looked up at synth.
"""

from __future__ import annotations

import re

SUBSCRIPTION_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
GUID = SUBSCRIPTION_ID

# azurerm resource type -> ARM resource type, spelled as azurerm's import ids spell it.
ARM_TYPES = {
    "azurerm_key_vault": "Microsoft.KeyVault/vaults",
    "azurerm_container_registry": "Microsoft.ContainerRegistry/registries",
    "azurerm_postgresql_flexible_server": "Microsoft.DBforPostgreSQL/flexibleServers",
    "azurerm_redis_cache": "Microsoft.Cache/redis",
    "azurerm_managed_redis": "Microsoft.Cache/redisEnterprise",
    "azurerm_user_assigned_identity": "Microsoft.ManagedIdentity/userAssignedIdentities",
    "azurerm_app_configuration": "Microsoft.AppConfiguration/configurationStores",
    "azurerm_container_app_environment": "Microsoft.App/managedEnvironments",
    "azurerm_log_analytics_workspace": "Microsoft.OperationalInsights/workspaces",
}


def resource_group_id(subscription_id: str, resource_group: str) -> str:
    return f"/subscriptions/{subscription_id}/resourceGroups/{resource_group}"


def resource_id(subscription_id: str, resource_group: str, tf_type: str, name: str) -> str:
    """The ARM id of a top-level resource, e.g. a vault: `.../providers/Microsoft.KeyVault/vaults/kv`."""
    return f"{resource_group_id(subscription_id, resource_group)}/providers/{ARM_TYPES[tf_type]}/{name}"


def child_id(parent_id: str, child_type: str, name: str) -> str:
    """A child resource, e.g. a database: `<server id>/databases/<name>`."""
    return f"{parent_id}/{child_type}/{name}"


def role_assignment_id(scope_id: str, assignment_guid: str) -> str:
    return f"{scope_id}/providers/Microsoft.Authorization/roleAssignments/{assignment_guid}"
