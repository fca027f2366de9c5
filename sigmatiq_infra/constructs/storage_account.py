"""Storage account with private blob containers, Entra ID only, versioned and recoverable."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from constructs import Construct

from sigmatiq_infra import regions
from sigmatiq_infra.azurerm import role_assignment, storage_account, storage_container
from sigmatiq_infra.constructs._arguments import checked_call, made_nothing
from sigmatiq_infra.constructs._resource import (
    GLOBAL,
    AzureResource,
    DiagnosticTarget,
    IResourceGroup,
    ManagedIdentities,
    PrivateLinkService,
    ResourceFacts,
    within,
)
from sigmatiq_infra.constructs.roles import BuiltInRole, Principal
from sigmatiq_infra.validation import NameRules, Validator, is_token, long_tag_name

REPLICATION = ("LRS", "ZRS", "GRS", "GZRS", "RAGRS", "RAGZRS")
ZONE_REDUNDANT = ("ZRS", "GZRS", "RAGZRS")
SKU_TIERS = ("standard", "premium")
"""The performance tiers an Azure storage SKU name starts with (`Standard_LRS`), in lowercase."""



SPECIAL_CONTAINERS = ("$root", "$web")
"""The account's root container and its static website container: names azurerm takes as they
are (`storage/validate/storage_container.go`), beside the usual rule."""


def check_container_name(check: Validator, prop: str, container: str) -> None:
    """A blob container's name: an account's root or static website container by its '$' name
    (`$root`, `$web`: azurerm's `storage/validate/storage_container.go` takes them, in lowercase),
    any other by `NameRules.STORAGE_CONTAINER`."""
    special = container.lower() if isinstance(container, str) else None
    if special in SPECIAL_CONTAINERS and container != special:  # else the name rule's fix drops the '$'
        check.fail(
            prop, container, f"is the container {special!r} written with capitals",
            f"{special!r} in lowercase, as azurerm takes it, or a storage container name of 3-63 lowercase "
            "letters, digits and hyphens",
            f"write {special!r}",
        )
    elif container not in SPECIAL_CONTAINERS:
        check.name(prop, container, NameRules.STORAGE_CONTAINER)


@dataclass(frozen=True)
class StorageAccountProps:
    name: str
    """Account name: 3-24 lowercase letters and digits, unique across Azure."""
    resource_group: IResourceGroup
    """Group the account lives in; its location is used."""
    containers: Sequence[str] = ()
    """Private blob containers to create. Default: none."""
    replication: str = "ZRS"
    """`LRS`, `ZRS`, `GRS`, `GZRS`, `RAGRS` or `RAGZRS`; the zone-redundant ones (`ZRS`,
    `GZRS`, `RAGZRS`) only in a region with availability zones. Default: `ZRS` (survives a
    zone outage)."""
    soft_delete_retention_days: int = 30
    """Days deleted blobs and containers stay recoverable, 1-365. Default: 30."""
    public_network_access_enabled: bool = False
    """Reachable from public networks (still Entra ID only). Default: off (reach the blob
    service through `add_private_endpoint`)."""
    managed_identities: ManagedIdentities | None = None
    """Identities the account itself uses (e.g. for customer-managed keys). Default: none."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""


class StorageAccount(AzureResource):
    """An `azurerm_storage_account` (StorageV2, TLS 1.2, HTTPS only) that accepts Entra ID
    only (shared keys off), never serves public blobs, and keeps blob versions and deleted
    blobs and containers. `add_private_endpoint` reaches its blob service."""

    max_tag_name_length = 128  # storage accounts allow shorter tag names than other resources
    arm_type = "Microsoft.Storage/storageAccounts"
    kind_text = "storage account"
    facts = (
        ResourceFacts(
            "azurerm_storage_account", ("name", "location", "resource_group_name", "account_tier", "account_kind"),
            holds="blobs (Terraform state)", kind="storage account", name_scope=GLOBAL, public_by_default=True,
            # azurerm `storage/storage_account_resource.go`: each `Sensitive: true` (the keys exist with shared
            # keys off too).
            sensitive=(
                "primary_access_key", "secondary_access_key", "primary_connection_string",
                "secondary_connection_string", "primary_blob_connection_string", "secondary_blob_connection_string",
            ),
        ),
        ResourceFacts(
            "azurerm_storage_container", ("name", "storage_account_id"), holds="blobs", kind="blob container",
            name_scope=within("its storage account", "storage_account_id"),
        ),
    )
    private_link = PrivateLinkService("blob", "privatelink.blob.core.windows.net")
    # The account exports metrics only, as Transaction and Capacity (Azure has rejected
    # AllMetrics here); its blob service writes the read, write and delete logs, which are
    # listed by category (Microsoft documents no category group for them).
    diagnostics = (
        DiagnosticTarget(log_groups=(), metrics=("Transaction", "Capacity")),
        DiagnosticTarget(
            log_groups=(), log_categories=("StorageRead", "StorageWrite", "StorageDelete"),
            metrics=("Transaction", "Capacity"), sub_resource="/blobServices/default", id_suffix="-blob",
        ),
    )
    identity_types = ("SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned")
    # Microsoft Learn, "Supported metrics for Microsoft.Storage/storageAccounts" (the account's own;
    # the blob service's are in the namespace of its blobServices).
    alert_metrics = {  # noqa: RUF012
        "Availability": "Average", "Transactions": "Total", "SuccessE2ELatency": "Average",
        "SuccessServerLatency": "Average", "UsedCapacity": "Average", "Egress": "Total", "Ingress": "Total",
        "ReplicationLagSeconds": "Average",
    }

    def __init__(self, scope: Construct, id: str, props: StorageAccountProps) -> None:
        super().__init__(scope, id)
        # Sources: azurerm 4.55 `storage_account.html.markdown` (replication types; blob soft delete
        # 1-365 days); Microsoft Learn, "Azure Storage redundancy" (ZRS/GZRS/RA-GZRS need zones).
        check = Validator("StorageAccount", self)
        props = check.props(props, StorageAccountProps)
        check.name("name", props.name, NameRules.STORAGE_ACCOUNT)
        location = props.resource_group.location
        check.one_of(
            "replication", props.replication, REPLICATION, _sku_name_fix(props.replication, location),
            fix_for_meant=lambda replication: _zoneless_fix(replication, location),
        )
        if props.replication in ZONE_REDUNDANT:  # Microsoft Learn, "Azure Storage redundancy": ZRS needs zones
            check.zones(
                "replication", props.replication, props.resource_group.location,
                "use replication='LRS' (or 'GRS' for a copy in the paired region) in this region",
            )
        check.in_range("soft_delete_retention_days", props.soft_delete_retention_days, 1, 365)
        if not check.known(
            "containers", props.containers, "each container is a Terraform resource of the account, named by its name",
            "a list of names written in code, e.g. ['uploads']",
        ):
            props = replace(props, containers=())
        for index, container in enumerate(props.containers):
            check_container_name(check, "container", container)
            # A container's name is its construct's id, part of its Terraform address (cdktf stops
            # with a traceback on a token in an id).
            check.known(
                f"containers[{index}]", container, "it is the container's construct id, part of its Terraform address",
                "a container name written in code, e.g. 'uploads'", "write the container's name in code",
            )
        for container in sorted({c for c in props.containers if props.containers.count(c) > 1}):
            check.fail("container", container, "is listed twice", "each container once", "remove the repeat")
        identity = self.identity_block(storage_account.StorageAccountIdentity, props.managed_identities, check)
        if check.typed:
            self._check_stack_tag_names(check, props.tags)
        check.done()

        days = props.soft_delete_retention_days
        self.resource = storage_account.StorageAccount(
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
            blob_properties=storage_account.StorageAccountBlobProperties(
                versioning_enabled=True,
                delete_retention_policy=storage_account.StorageAccountBlobPropertiesDeleteRetentionPolicy(days=days),
                container_delete_retention_policy=(
                    storage_account.StorageAccountBlobPropertiesContainerDeleteRetentionPolicy(days=days)
                ),
            ),
            identity=identity,
            tags=self.resource_tags(props.tags),
        )
        self.keep_props(props)
        # A repeat is reported above, and a name in capitals by its rule: one container per name as
        # Azure compares them (in any case), so synth's name check does not report the cause again.
        unique: dict[str, str] = {}
        for name in props.containers:
            if not is_token(name):
                unique.setdefault(name.lower(), name)
        self.containers = {
            name: storage_container.StorageContainer(
                self, f"Container-{name}",
                name=name, storage_account_id=self.id, container_access_type="private",
            )
            for name in unique.values()
        }

    def _check_stack_tag_names(self, check: Validator, own: Mapping[str, str]) -> None:
        """The stack's tags the account gets: azurerm takes tag names of at most 128 characters on a
        storage account (`storage/validate/storage_account_tags.go`), where the stack checks 512."""
        for key in self.resource_tags(own):
            too_long = None if key in own or is_token(key) else long_tag_name(key, self.max_tag_name_length)
            if too_long is None:
                continue
            problem, allowed = too_long
            check.fail(
                "tags name", key, f"(one of the stack's tags) {problem}",
                f"tag names of {allowed} on a storage account (azurerm storage_account: tags)",
                "shorten the tag name in the stack's tags (AzureStack(..., tags=...)), which every resource of the "
                "stack gets",
            )

    @checked_call(nothing=made_nothing)
    def grant_blob_data_write(
        self, principal: Principal, *, used_by: Construct | None = None,
    ) -> role_assignment.RoleAssignment | None:
        """Storage Blob Data Contributor: read, write and lease blobs (e.g. Terraform state)."""
        return self.grant(BuiltInRole.STORAGE_BLOB_DATA_CONTRIBUTOR, principal, used_by=used_by)

    @checked_call(nothing=made_nothing)
    def grant_blob_data_read(
        self, principal: Principal, *, used_by: Construct | None = None,
    ) -> role_assignment.RoleAssignment | None:
        """Storage Blob Data Reader: read and list blobs."""
        return self.grant(BuiltInRole.STORAGE_BLOB_DATA_READER, principal, used_by=used_by)


def _sku_name_fix(replication: object, location: object) -> str | None:
    """For Azure's SKU name (`Standard_LRS`, as the portal and ARM's `sku.name` write it), the fix
    that names its replication part (or, for a zone-redundant one in a region without zones, the
    replication that passes there); None for anything else."""
    if not isinstance(replication, str) or "_" not in replication:
        return None
    tier, _, kind = replication.partition("_")
    # Only a performance tier comes before the replication in a SKU name (Microsoft Learn, "SKU Types"
    # of the Storage resource provider: Standard_RAGRS, Premium_LRS): 'RA_GRS' is read-access GRS
    # written otherwise, not 'GRS' under a tier 'RA'. Microsoft's prose writes RA-GRS and RA-GZRS.
    kind = kind.upper().replace("-", "")
    if tier.lower() not in SKU_TIERS or kind not in REPLICATION:
        return None
    zoneless = _zoneless_fix(kind, location)
    if zoneless is not None:
        return (
            f"{zoneless}; {kind!r} is the part of Azure's SKU name after {tier + '_'!r} (the account is "
            "Standard, StorageV2)"
        )
    return (
        f"write replication={kind!r}: it is the part of Azure's SKU name after {tier + '_'!r} "
        "(the account is Standard, StorageV2)"
    )


def _zoneless_fix(replication: str, location: object) -> str | None:
    """The fix for a zone-redundant replication written otherwise ('zrs', 'Standard_ZRS') whose right
    spelling would fail in the account's region, which has no availability zones: the replication
    without zones. None when it would pass (or the region is none: its own check says so)."""
    if replication not in ZONE_REDUNDANT or not isinstance(location, str) or is_token(location):
        return None
    if regions.has_zones(location) is not False:
        return None
    zoneless = (
        "'LRS' (or 'GRS' for a copy in the paired region)" if replication == "ZRS"
        else repr(replication.replace("GZRS", "GRS"))
    )
    return (
        f"write replication={zoneless}: {replication} needs availability zones, which "
        f"{regions.canonical(location)} does not have"
    )
