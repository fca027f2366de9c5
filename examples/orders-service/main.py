"""A small service on sigmatiq-infra: an orders API with its database, vault, registry,
identity and a Service Bus namespace (a construct of its own, `service_bus.py`), on a
Container Apps environment. `cdktf synth` runs it (see cdktf.json); the
database password is given at deploy time: `TF_VAR_orders_db_password=... cdktf deploy`.
Its tests (`tests/`) build the same stack and assert on it with `sigmatiq_infra.testing`."""

from constructs import Construct
from service_bus import ServiceBusNamespace, ServiceBusNamespaceProps

from sigmatiq_infra import App, AzureStack
from sigmatiq_infra.cdk import TerraformOutput
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
    admin_password_rules,
)


class OrdersStack(AzureStack):
    """The orders service: public data services an environment without a VNet can reach."""

    def __init__(self, scope: Construct, id: str, location: str = "westeurope") -> None:
        super().__init__(scope, id, tags={"Service": "orders", "Owner": "team-orders"})
        group = ResourceGroup(self, "Group", ResourceGroupProps("rg-orders-dev", location))

        # A sensitive, ephemeral deploy-time input: never in code, state or plan.
        password = WriteOnlySecret.from_inputs(
            self, "orders_db_password", "the orders database password", rules=admin_password_rules("ordersadmin"),
        )
        # Public access with the Azure-services rule: the environment below has no VNet.
        self.database = PostgresServer(self, "Database", PostgresServerProps(
            "psql-orders-dev", group, "B_Standard_B1ms", "ordersadmin", password,
            databases=["orders"], public_network_access_enabled=True, allow_azure_services=True,
        ))
        self.vault = KeyVault(self, "Vault", KeyVaultProps("kv-orders-dev", group, public_network_access_enabled=True))
        database_url = self.vault.add_secret("DatabaseUrl", SecretProps(
            "Orders-DatabaseUrl", WriteOnlySecret(self.database.connection_url("orders"), password.version),
        ))
        registry = ContainerRegistry(self, "Registry", ContainerRegistryProps(
            "acrordersdev", group, sku="Basic", public_network_access_enabled=True,
        ))
        self.identity = UserAssignedIdentity(self, "Identity", UserAssignedIdentityProps("id-orders-dev", group))
        # A construct of this service's own (service_bus.py): the API publishes accepted orders.
        self.bus = ServiceBusNamespace(self, "Bus", ServiceBusNamespaceProps(
            "sb-orders-dev", group, public_network_access_enabled=True,
        ))
        self.bus.grant_send(self.identity)
        logs = LogAnalyticsWorkspace(self, "Logs", LogAnalyticsWorkspaceProps("log-orders-dev", group))
        environment = ContainerAppEnvironment(self, "Environment", ContainerAppEnvironmentProps(
            "cae-orders-dev", group, log_analytics_workspace=logs,
        ))
        for resource in (self.database, self.vault, registry, environment, self.bus):
            resource.add_diagnostic_settings(logs)
        self.api = ContainerApp(self, "Api", ContainerAppProps(
            "orders-api", environment, self.identity, registry, "orders/api", "1.0.0", 8080,
            external_ingress_enabled=True,
            env={"SERVICE_BUS_ENDPOINT": self.bus.endpoint},
            secret_env={"DATABASE_URL": database_url},
            dependencies={"DATABASE_URL": self.database, "SERVICE_BUS_ENDPOINT": self.bus},
        ))
        TerraformOutput(self, "api_fqdn", value=self.api.fqdn)


if __name__ == "__main__":
    with App() as app:
        OrdersStack(app, "orders")
