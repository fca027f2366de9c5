"""The `state` stack: the storage account that holds the other stacks' Terraform state.

Deploy it once, with local state (it cannot keep its own state in the account it creates):
`cdktf deploy state`. Its local state file is small; keep it, or re-import the two
resources with `terraform import` if it is lost.
"""

from __future__ import annotations

from constructs import Construct

from sigmatiq_infra.aspects import check_library_constructs, suppress
from sigmatiq_infra.aspects.rules import OPERABLE
from sigmatiq_infra.cdk import TerraformOutput
from sigmatiq_infra.constructs import (
    DeployingPrincipal,
    LogAnalyticsWorkspace,
    LogAnalyticsWorkspaceProps,
    PrincipalById,
    ResourceGroup,
    ResourceGroupProps,
    StorageAccount,
    StorageAccountProps,
)
from sigmatiq_infra.stacks import AzureStack
from stacks.settings import StateSettings


class StateStack(AzureStack):
    """The storage account that holds the other stacks' state (Entra ID only, versioned,
    geo-zone-redundant, protected from destroy)."""

    def __init__(self, scope: Construct, id: str, settings: StateSettings) -> None:
        super().__init__(scope, id, tags=settings.tags)
        group = ResourceGroup(self, "Group", ResourceGroupProps(
            name=settings.resource_group, location=settings.location,
            tags={"Purpose": "Terraform state"},
        ))
        account = StorageAccount(self, "Storage", StorageAccountProps(
            name=settings.storage_account,
            resource_group=group,
            containers=[settings.container],
            # State is the one copy of what Terraform manages: keep it across a regional outage.
            replication="GZRS",
            # CI runners and laptops reach it over the internet; only Entra ID gets in.
            public_network_access_enabled=True,
        ))
        account.protect_from_destroy()
        account.grant_blob_data_write(DeployingPrincipal(self, "Deployer"))
        if settings.ci_principal_id:
            account.grant_blob_data_write(PrincipalById(
                self, "Ci", principal_id=settings.ci_principal_id, principal_type="ServicePrincipal",
            ))
        suppress(account, "public-network-access", "State is read from CI runners and laptops; Entra ID only.")
        if settings.logs is not None:
            workspace = LogAnalyticsWorkspace(self, "Logs", LogAnalyticsWorkspaceProps(
                name=settings.logs.workspace, resource_group=group,
                retention_in_days=settings.logs.retention_days, daily_quota_gb=settings.logs.daily_cap_gb,
            ))
            self.send_diagnostics(workspace)
        check_library_constructs(self, OPERABLE)
        TerraformOutput(self, "storage_account", value=account.name)
        TerraformOutput(self, "container", value=settings.container)
