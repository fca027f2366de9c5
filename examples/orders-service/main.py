"""A small service on sigmatiq-infra: an orders API with its database, vault, registry and
identity, on a Container Apps environment. `cdktf synth` runs it (see cdktf.json); the
database password is given at deploy time: `TF_VAR_orders_db_password=... cdktf deploy`."""

from sigmatiq_infra import App
from sigmatiq_infra.constructs import (
    ContainerApp,
    ContainerAppEnvironment,
    ContainerAppEnvironmentProps,
    ContainerAppProps,
    ContainerRegistry,
    ContainerRegistryProps,
    KeyVault,
    KeyVaultProps,
    LogAnalyticsWorkspace,
    LogAnalyticsWorkspaceProps,
    PostgresServer,
    PostgresServerProps,
    ResourceGroup,
    ResourceGroupProps,
    SecretProps,
    UserAssignedIdentity,
    UserAssignedIdentityProps,
    WriteOnlySecret,
)
from sigmatiq_infra.constructs.postgres import admin_password_rules
from sigmatiq_infra.stacks import AzureStack

with App() as app:
    stack = AzureStack(app, "orders", tags={"Service": "orders", "Owner": "team-orders"})
    group = ResourceGroup(stack, "Group", ResourceGroupProps("rg-orders-dev", "westeurope"))

    # A sensitive, ephemeral deploy-time input: never in code, state or plan.
    password = WriteOnlySecret.from_inputs(
        stack, "orders_db_password", "the orders database password", rules=admin_password_rules("ordersadmin"),
    )
    # Public access with the Azure-services rule: the environment below has no VNet.
    database = PostgresServer(stack, "Database", PostgresServerProps(
        "psql-orders-dev", group, "B_Standard_B1ms", "ordersadmin", password,
        databases=["orders"], public_network_access_enabled=True, allow_azure_services=True,
    ))
    vault = KeyVault(stack, "Vault", KeyVaultProps("kv-orders-dev", group, public_network_access_enabled=True))
    database_url = vault.add_secret("DatabaseUrl", SecretProps(
        "Orders-DatabaseUrl", WriteOnlySecret(database.connection_url("orders"), password.version),
    ))
    registry = ContainerRegistry(stack, "Registry", ContainerRegistryProps(
        "acrordersdev", group, sku="Basic", public_network_access_enabled=True,
    ))
    identity = UserAssignedIdentity(stack, "Identity", UserAssignedIdentityProps("id-orders-dev", group))
    logs = LogAnalyticsWorkspace(stack, "Logs", LogAnalyticsWorkspaceProps("log-orders-dev", group))
    environment = ContainerAppEnvironment(stack, "Environment", ContainerAppEnvironmentProps(
        "cae-orders-dev", group, log_analytics_workspace=logs,
    ))
    for resource in (database, vault, registry, environment):
        resource.add_diagnostic_settings(logs)
    ContainerApp(stack, "Api", ContainerAppProps(
        "orders-api", environment, identity, registry, "orders/api", "1.0.0", 8080,
        external_ingress_enabled=True,
        secret_env={"DATABASE_URL": database_url},
        dependencies={"DATABASE_URL": database},
    ))
