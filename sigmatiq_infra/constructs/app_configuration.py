"""App Configuration store, read by managed identity (local access keys off)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from constructs import Construct

from sigmatiq_infra import regions
from sigmatiq_infra.azurerm import app_configuration, role_assignment
from sigmatiq_infra.constructs._arguments import checked_call, made_nothing
from sigmatiq_infra.constructs._context import context_of
from sigmatiq_infra.constructs._resource import (
    GLOBAL,
    AzureResource,
    DiagnosticTarget,
    IResourceGroup,
    ManagedIdentities,
    PrivateLinkService,
    ResourceAttribute,
    ResourceFacts,
    either,
)
from sigmatiq_infra.constructs.roles import BuiltInRole, Principal
from sigmatiq_infra.validation import NameRules, Validator, is_token

SKUS = ("free", "developer", "standard", "premium")
# SKUs with private endpoints, public access control, soft delete and purge protection.
PRIVATE_LINK_SKUS = ("standard", "premium")


@dataclass(frozen=True)
class AppConfigurationProps:
    name: str
    """Store name: 5-50 letters, digits and hyphens, unique across Azure
    (`<name>.azconfig.io`). Deleted stores keep their name reserved for a while."""
    resource_group: IResourceGroup
    """Group the store lives in; its location is used."""
    sku: str = "standard"
    """`free`, `developer`, `standard` or `premium` (lowercase); Azure gives a subscription one
    `free` store (a second in one stack and region is refused). Default: `standard`."""
    public_network_access_enabled: bool = False
    """Reachable from public networks. Default: off (needs `standard` or `premium` and a
    private endpoint); `free` and `developer` stores must opt in with `True`."""
    local_auth_enabled: bool = False
    """Allow access keys besides Entra ID. Default: off (identities and RBAC only)."""
    purge_protection_enabled: bool | None = None
    """Forbid purging deleted stores. Default: on where the SKU has it (`standard`,
    `premium`); `free` and `developer` stores have no soft delete, so setting it there is
    refused rather than dropped."""
    soft_delete_retention_days: int | None = None
    """Days a deleted store stays recoverable, 1-7. Default: 7 where the SKU has soft delete
    (`standard`, `premium`); refused on `free` and `developer`."""
    managed_identities: ManagedIdentities | None = None
    """Identities the store itself uses (e.g. for customer-managed keys). Default: none."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""


class AppConfiguration(AzureResource):
    """An `azurerm_app_configuration` store."""

    facts = (
        ResourceFacts(
            "azurerm_app_configuration", ("name", "location", "resource_group_name", "soft_delete_retention_days"),
            # Moving down to free (or from standard/premium to developer) re-creates the store.
            replaced_when_lowered={"sku": SKUS}, kind="App Configuration store",
            # azurerm purges a destroyed store by default (features.app_configuration.purge_soft_delete_on_destroy).
            holds="key-values and feature flags",
            name_scope=GLOBAL,
            public_by_default=True,
            billing=lambda config, usage: [(f"app-configuration.{config['sku']}", 1, "")],
        ),
    )
    arm_type = "Microsoft.AppConfiguration/configurationStores"
    kind_text = "App Configuration store"
    private_link = PrivateLinkService("configurationStores", "privatelink.azconfig.io")
    diagnostics = (DiagnosticTarget(),)
    identity_types = ("SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned")
    # Microsoft Learn, "Supported metrics for Microsoft.AppConfiguration/configurationStores".
    alert_metrics = {  # noqa: RUF012
        "HttpIncomingRequestCount": "Total", "HttpIncomingRequestDuration": "Average",
        "ThrottledHttpRequestCount": "Total", "RequestQuotaUsage": "Maximum", "DailyStorageUsage": "Maximum",
        "ReplicationLatency": "Average", "SnapshotStorageSize": "Maximum",
    }
    endpoint = ResourceAttribute[str]()

    def __init__(self, scope: Construct, id: str, props: AppConfigurationProps) -> None:
        super().__init__(scope, id)
        # Sources: azurerm 4.55 `app_configuration.html.markdown` (sku, soft delete 1-7 days);
        # Microsoft Learn, "Use private endpoints for Azure App Configuration" (not on free).
        check = Validator("AppConfiguration", self)
        props = check.props(props, AppConfigurationProps)
        check.name("name", props.name, NameRules.APP_CONFIGURATION)
        check.one_of("sku", props.sku, SKUS, fix_for_meant=lambda sku: _private_sku_fix(sku, props))
        private_link = props.sku in PRIVATE_LINK_SKUS
        # On free and developer (in any case) any number of days is refused below, once: a range to
        # pick from would be a fix that fails again.
        if not (isinstance(props.sku, str) and props.sku.lower() in set(SKUS) - set(PRIVATE_LINK_SKUS)):
            check.in_range("soft_delete_retention_days", props.soft_delete_retention_days, 1, 7)
        # Microsoft Learn, "Soft delete in Azure App Configuration": standard and premium only, "not
        # available in the free and developer tiers"
        # (purge protection off is what free and developer stores have, so False passes).
        for prop, value in (("purge_protection_enabled", props.purge_protection_enabled or None),
                            ("soft_delete_retention_days", props.soft_delete_retention_days)):
            check.require(
                value is None or private_link or props.sku not in SKUS, prop, value,
                f"is not available on the {props.sku!r} SKU (it has no soft delete)",
                f"{prop} only with sku 'standard' or 'premium'", f"leave {prop} out, or use sku='standard'" + (
                    # with days soft delete takes (1 to 7), so the other fix passes too
                    " with soft_delete_retention_days between 1 and 7"
                    if prop == "soft_delete_retention_days" and not _days_taken(value) else ""
                ),
            )
        check.require(
            # (a SKU that is not one is said once, above)
            props.public_network_access_enabled or private_link or props.sku not in SKUS,
            "public_network_access_enabled", False, f"is not available on the {props.sku!r} SKU",
            "public_network_access_enabled=False only with sku 'standard' or 'premium'",
            "use sku='standard', or opt in to public access with public_network_access_enabled=True",
        )
        identity = self.identity_block(app_configuration.AppConfigurationIdentity, props.managed_identities, check)
        if check.done() and props.sku == "free":  # counted once the whole app exists
            self.problem_log.defer(_second_free_stores, self)

        self.resource = app_configuration.AppConfiguration(
            self, "Resource",
            name=props.name,
            resource_group_name=props.resource_group.name,
            location=props.resource_group.location,
            sku=props.sku,
            local_auth_enabled=props.local_auth_enabled,
            public_network_access=(
                either(props.public_network_access_enabled, "Enabled", "Disabled")
                if private_link else None
            ),
            purge_protection_enabled=(
                (True if props.purge_protection_enabled is None else props.purge_protection_enabled)
                if private_link else None
            ),
            soft_delete_retention_days=(props.soft_delete_retention_days or 7) if private_link else None,
            identity=identity,
            tags=self.resource_tags(props.tags),
        )
        self.keep_props(props)

    def _private_endpoint_problem(self) -> tuple[str, object, str, str, str] | None:
        if self.props.sku in PRIVATE_LINK_SKUS:
            return None
        return (
            "sku", self.props.sku, "cannot have a private endpoint",
            "private endpoints on sku 'standard' or 'premium'", "use sku='standard'",
        )

    @checked_call(nothing=made_nothing)
    def grant_data_read(
        self, principal: Principal, *, used_by: Construct | None = None,
    ) -> role_assignment.RoleAssignment | None:
        """App Configuration Data Reader: read key-values with Entra ID."""
        return self.grant(BuiltInRole.APP_CONFIGURATION_DATA_READER, principal, used_by=used_by)

    @checked_call(nothing=made_nothing)
    def grant_data_write(
        self, principal: Principal, *, used_by: Construct | None = None,
    ) -> role_assignment.RoleAssignment | None:
        """App Configuration Data Owner: read, write and delete key-values with Entra ID."""
        return self.grant(BuiltInRole.APP_CONFIGURATION_DATA_OWNER, principal, used_by=used_by)


def _private_sku_fix(sku: str, props: AppConfigurationProps) -> str | None:
    """The fix for a SKU written in the wrong case ('Free') whose right spelling would fail on the
    store's other props: public access off (the default) and soft delete are standard and premium
    only. None when it would pass."""
    if sku in PRIVATE_LINK_SKUS:
        return None
    soft_delete = [prop for prop, value in (
        ("purge_protection_enabled", props.purge_protection_enabled or None),
        ("soft_delete_retention_days", props.soft_delete_retention_days),
    ) if value is not None]
    needs = ([] if props.public_network_access_enabled else ["with public_network_access_enabled=True"]) + [
        f"without {prop}" for prop in soft_delete
    ]
    if not needs:
        return None
    reasons = ([] if props.public_network_access_enabled else ["are public"]) + (
        ["have no soft delete"] if soft_delete else []
    )
    keep = "keep it private" if not props.public_network_access_enabled else "keep soft delete"
    return (
        f"write sku={sku!r} {' and '.join(needs)} (free and developer stores {' and '.join(reasons)}), "
        f"or sku='standard' to {keep}"
    )


def _second_free_stores(stores: list[AppConfiguration]) -> list[str]:
    """A problem for each `free` store after the first in a stack and region: "Each subscription
    is limited to one configuration store in the free tier" (Microsoft Learn, "Azure App
    Configuration FAQ": which tier should I use), and a stack deploys to one subscription (its
    provider's). Stores of two stacks are not compared: the stacks may deploy to two
    subscriptions. Compared in one region only, where the limit holds however it is counted; a
    region known only at deploy time is not compared."""
    first: dict[tuple[int, str], AppConfiguration] = {}
    for store in stores:
        location = store.props.resource_group.location
        if not isinstance(location, str) or is_token(location):
            continue
        location = regions.canonical(location) or location.lower()
        earlier = first.setdefault((id(context_of(store).stack), location), store)
        if earlier is store:
            continue
        check = Validator("AppConfiguration", store)
        check.fail(
            "sku", "free",
            f"is the second free store in {location!r} of its stack, after {earlier.node.path!r}: Azure gives a "
            "subscription one free App Configuration store, and a stack deploys to one subscription",
            "one store of sku 'free' in a subscription",
            f"use sku='standard' for this store, or share {earlier.node.path!r} (a label per environment tells "
            "their key-values apart)",
        )
        check.done()
    return []


def _days_taken(days: object) -> bool:
    """Whether `days` is a soft-delete retention a standard or premium store takes (1 to 7)."""
    return isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= 7
