"""Storage account with private blob containers, Entra ID only, versioned and recoverable."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cdktf_cdktf_provider_azurerm.role_assignment import RoleAssignment
from cdktf_cdktf_provider_azurerm.storage_account import (
    StorageAccount as _StorageAccount,
)
from cdktf_cdktf_provider_azurerm.storage_account import (
    StorageAccountBlobProperties,
    StorageAccountBlobPropertiesContainerDeleteRetentionPolicy,
    StorageAccountBlobPropertiesDeleteRetentionPolicy,
)
from cdktf_cdktf_provider_azurerm.storage_container import StorageContainer
from constructs import Construct

from sigmatiq_infra.constructs._context import AzureConstruct
from sigmatiq_infra.constructs._primary import PrimaryResource, ResourceFacts
from sigmatiq_infra.constructs.resource_group import IResourceGroup
from sigmatiq_infra.constructs.roles import BuiltInRole, Principal, grant
from sigmatiq_infra.validation import NameRules, Validator

REPLICATION = ("LRS", "ZRS", "GRS", "GZRS", "RAGRS", "RAGZRS")


@dataclass(frozen=True)
class StorageAccountProps:
    name: str
    """Account name: 3-24 lowercase letters and digits, unique across Azure."""
    resource_group: IResourceGroup
    """Group the account lives in; its location is used."""
    containers: Sequence[str] = ()
    """Private blob containers to create. Default: none."""
    replication: str = "ZRS"
    """`LRS`, `ZRS`, `GRS`, `GZRS`, `RAGRS` or `RAGZRS`. Default: `ZRS` (survives a zone outage)."""
    soft_delete_days: int = 30
    """Days deleted blobs and containers stay recoverable, 1-365. Default: 30."""
    public_network_access_enabled: bool = False
    """Reachable from public networks (still Entra ID only). Default: off."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""


class StorageAccount(PrimaryResource, AzureConstruct):
    """An `azurerm_storage_account` (StorageV2, TLS 1.2, HTTPS only) that accepts Entra ID
    only (shared keys off), never serves public blobs, and keeps blob versions and deleted
    blobs and containers."""

    max_tag_name_length = 128  # storage accounts allow shorter tag names than other resources
    facts = (
        ResourceFacts(
            "azurerm_storage_account", ("name", "location", "resource_group_name", "account_tier", "account_kind"),
            holds="blobs (Terraform state)",
        ),
        ResourceFacts("azurerm_storage_container", ("name", "storage_account_id"), holds="blobs"),
    )
    def __init__(self, scope: Construct, id: str, props: StorageAccountProps) -> None:
        super().__init__(scope, id)
        check = Validator("StorageAccount", self)
        props = check.props(props)
        check.name("name", props.name, NameRules.STORAGE_ACCOUNT)
        check.one_of("replication", props.replication, REPLICATION)
        check.in_range("soft_delete_days", props.soft_delete_days, 1, 365)
        for container in props.containers:
            check.name("container", container, NameRules.STORAGE_CONTAINER)
        check.done()

        days = props.soft_delete_days
        self.resource = _StorageAccount(
            self, "Resource",
            name=props.name,
            resource_group_name=props.resource_group.name,
            location=props.resource_group.location,
            account_kind="StorageV2",
            account_tier="Standard",
            account_replication_type=props.replication,
            min_tls_version="TLS1_2",
            https_traffic_only_enabled=True,
            allow_nested_items_to_be_public=False,
            shared_access_key_enabled=False,
            default_to_oauth_authentication=True,
            public_network_access_enabled=props.public_network_access_enabled,
            blob_properties=StorageAccountBlobProperties(
                versioning_enabled=True,
                delete_retention_policy=StorageAccountBlobPropertiesDeleteRetentionPolicy(days=days),
                container_delete_retention_policy=(
                    StorageAccountBlobPropertiesContainerDeleteRetentionPolicy(days=days)
                ),
            ),
            tags=self._resource_tags(props.tags),
        )
        self.name: str = props.name
        self.resource_group = props.resource_group
        self.containers = {
            name: StorageContainer(
                self, f"Container-{name}",
                name=name, storage_account_id=self.id, container_access_type="private",
            )
            for name in props.containers
        }

    def grant_blob_data_write(self, principal: Principal) -> RoleAssignment:
        """Storage Blob Data Contributor: read, write and lease blobs (e.g. Terraform state)."""
        return grant(self, self.id, BuiltInRole.STORAGE_BLOB_DATA_CONTRIBUTOR, principal)

