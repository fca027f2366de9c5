"""The `shared` stack: the registry and the provider-key vault every environment uses."""

from __future__ import annotations

from constructs import Construct

from sigmatiq_infra.adoption import Adoption
from sigmatiq_infra.aspects import check_library_constructs
from sigmatiq_infra.aspects.rules import OPERABLE
from sigmatiq_infra.cdk import TerraformOutput
from sigmatiq_infra.constructs import (
    ContainerRegistry,
    ContainerRegistryProps,
    KeyVault,
    KeyVaultProps,
    LogAnalyticsWorkspace,
    LogAnalyticsWorkspaceProps,
    ResourceGroup,
    ResourceGroupProps,
)
from sigmatiq_infra.deployed import DeployedRecord
from sigmatiq_infra.stacks import AzureStack, BlobStateBackend
from stacks.settings import SharedSettings


class SharedStack(AzureStack):
    """The registry and the provider-key vault every environment reads from (adopted: the
    seed deployed both), and their own Log Analytics workspace."""

    def __init__(
        self, scope: Construct, id: str, settings: SharedSettings,
        backend: BlobStateBackend | None = None, record: DeployedRecord | None = None,
    ) -> None:
        super().__init__(scope, id, tags=settings.tags, backend=backend)
        group = ResourceGroup(self, "Group", ResourceGroupProps(
            name=settings.resource_group, location=settings.location,
            tags={"Purpose": settings.purpose},
        ))
        vault = KeyVault(self, "Vault", KeyVaultProps(
            name=settings.key_vault,
            resource_group=group,
            soft_delete_retention_days=settings.key_vault_soft_delete_days,
            purge_protection_enabled=True,
            public_network_access_enabled=settings.key_vault_public_access,
            # Operators set the provider keys out of band; this stack writes no secret.
            grant_deployer_secrets_write=False,
        ))
        registry = ContainerRegistry(self, "Registry", ContainerRegistryProps(
            name=settings.registry,
            resource_group=group,
            sku=settings.registry_sku,
            public_network_access_enabled=settings.registry_public_access,
        ))
        adoption = Adoption(self, settings.adoption, record or DeployedRecord())
        adoption.group(group)
        adoption.resource(vault)
        adoption.resource(registry)
        self.vault = vault
        self.registry = registry
        if settings.logs is not None:
            self.workspace = LogAnalyticsWorkspace(self, "Logs", LogAnalyticsWorkspaceProps(
                name=settings.logs.workspace, resource_group=group,
                retention_in_days=settings.logs.retention_days, daily_quota_gb=settings.logs.daily_cap_gb,
            ))
            self.send_diagnostics(self.workspace)
        check_library_constructs(self, OPERABLE)
        TerraformOutput(self, "registry_login_server", value=registry.login_server)
        TerraformOutput(self, "key_vault_uri", value=vault.vault_uri)
