"""Redis caches, TLS only: Azure Cache for Redis and its successor, Azure Managed Redis."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from constructs import Construct

from sigmatiq_infra._cdktf import Fn
from sigmatiq_infra.azurerm import managed_redis, redis_cache
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
from sigmatiq_infra.validation import NameRules, Validator, is_token

# sku -> (family, allowed capacities)
SKU_SIZES: dict[str, tuple[str, tuple[int, ...]]] = {
    "Basic": ("C", (0, 1, 2, 3, 4, 5, 6)),
    "Standard": ("C", (0, 1, 2, 3, 4, 5, 6)),
    "Premium": ("P", (1, 2, 3, 4, 5)),
}
REDIS_VERSIONS = ("6",)
TLS_VERSIONS = ("1.2",)


def _per_shard(*names: str, aggregation: str) -> dict[str, str]:
    """Azure Cache for Redis metrics as the cache and each of its shards (0-9) report them."""
    return {variant: aggregation for name in names for variant in (name, *(f"{name}{shard}" for shard in range(10)))}


@dataclass(frozen=True)
class RedisCacheProps:
    name: str
    """Cache name: 1-63 letters, digits and hyphens, unique across Azure
    (`<name>.redis.cache.windows.net`). Deleted caches keep their name reserved for a while."""
    resource_group: IResourceGroup
    """Group the cache lives in; its location is used."""
    sku: str = "Basic"
    """`Basic`, `Standard` or `Premium`. Default: `Basic`."""
    capacity: int = 0
    """Size within the SKU family: C0-C6 for Basic/Standard, P1-P5 for Premium. Default: 0."""
    redis_version: str = "6"
    """Redis major version. Default: `6`."""
    minimum_tls_version: str = "1.2"
    """Oldest TLS version accepted. Default and only allowed value: `1.2`."""
    public_network_access_enabled: bool = False
    """Reachable from public networks (still needs the access key). Default: off."""
    managed_identities: ManagedIdentities | None = None
    """Identities the cache itself uses (e.g. to export to storage). Default: none."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""


class RedisCache(AzureResource):
    """An `azurerm_redis_cache` with the non-TLS port always off."""

    facts = (
        ResourceFacts(
            "azurerm_redis_cache",
            ("name", "location", "resource_group_name", "zones", "subnet_id", "private_static_ip_address"),
            replaced_when_lowered={"sku_name": tuple(SKU_SIZES)},
            holds="cached data", kind="Azure Cache for Redis", name_scope=GLOBAL, public_by_default=True,
            billing=lambda config, usage: [
                (f"redis.{config['sku_name']}.{config['family']}{config['capacity']}", 1, ""),
            ],
            # azurerm `redis/redis_cache_resource.go`: each `Sensitive: true`.
            sensitive=(
                "primary_access_key", "secondary_access_key", "primary_connection_string",
                "secondary_connection_string",
            ),
        ),
    )
    arm_type = "Microsoft.Cache/redis"
    kind_text = "Azure Cache for Redis"
    private_link = PrivateLinkService("redisCache", "privatelink.redis.cache.windows.net")
    diagnostics = (DiagnosticTarget(),)
    identity_types = ("SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned")
    # Microsoft Learn, "Supported metrics for Microsoft.Cache/redis": most also per shard
    # (`<name>0`-`<name>9`) and per instance (`all<name>`, as named there).
    alert_metrics = {  # noqa: RUF012
        "serverLoad": "Maximum", "usedmemorypercentage": "Maximum", "percentProcessorTime": "Maximum",
        **_per_shard(
            "serverLoad", "percentProcessorTime", "connectedclients", "usedmemory", "usedmemoryRss", "totalkeys",
            "operationsPerSecond", "cacheRead", "cacheWrite", aggregation="Maximum",
        ),
        **_per_shard(
            "cachehits", "cachemisses", "evictedkeys", "expiredkeys", "getcommands", "setcommands",
            "totalcommandsprocessed", aggregation="Total",
        ),
        **dict.fromkeys((
            "allserverLoad", "allpercentprocessortime", "allusedmemorypercentage", "allconnectedclients",
            "allusedmemory", "allusedmemoryRss", "alltotalkeys", "alloperationsPerSecond", "allcacheRead",
            "allcacheWrite", "ConnectedClientsUsingAADToken", "errors",
        ), "Maximum"),
        **dict.fromkeys((
            "allcachehits", "allcachemisses", "allevictedkeys", "allexpiredkeys", "allgetcommands", "allsetcommands",
            "alltotalcommandsprocessed", "cachemissrate",
        ), "Total"),
        "allConnectionsCreatedPerSecond": "Average", "allConnectionsClosedPerSecond": "Average",
        "cacheLatency": "Average", "LatencyP99": "Average", "GeoReplicationHealthy": "Minimum",
        "GeoReplicationConnectivityLag": "Average", "GeoReplicationDataSyncOffset": "Average",
        "GeoReplicationFullSyncEventStarted": "Count", "GeoReplicationFullSyncEventFinished": "Count",
    }
    hostname = ResourceAttribute[str]()
    tls_port = ResourceAttribute[float]("ssl_port")

    def __init__(self, scope: Construct, id: str, props: RedisCacheProps) -> None:
        super().__init__(scope, id)
        # Sources: azurerm 4.55 `redis_cache.html.markdown` (capacity 0-6 on Basic/Standard, 1-5 on
        # Premium; `minimum_tls_version` at most 1.2, and Azure retires 1.0/1.1).
        check = Validator("RedisCache", self)
        props = check.props(
            props, RedisCacheProps, choices={"redis_version": REDIS_VERSIONS, "minimum_tls_version": TLS_VERSIONS},
        )
        check.name("name", props.name, NameRules.REDIS_CACHE)
        check.one_of("sku", props.sku, tuple(SKU_SIZES), fix_for_meant=lambda sku: _capacity_fix(sku, props.capacity))
        family, capacities = SKU_SIZES.get(props.sku, ("C", ()))
        if capacities:
            check.one_of(
                "capacity", props.capacity, capacities,
                f"{props.sku} caches come in sizes {family}{capacities[0]}-{family}"
                f"{capacities[-1]}; pick one of those capacities",
            )
        check.one_of("redis_version", props.redis_version, REDIS_VERSIONS)
        check.one_of("minimum_tls_version", props.minimum_tls_version, TLS_VERSIONS)
        identity = self.identity_block(redis_cache.RedisCacheIdentity, props.managed_identities, check)
        check.done()

        self.resource = redis_cache.RedisCache(
            self, "Resource",
            name=props.name,
            resource_group_name=props.resource_group.name,
            location=props.resource_group.location,
            sku_name=props.sku,
            family=family,
            capacity=props.capacity,
            redis_version=props.redis_version,
            non_ssl_port_enabled=False,
            minimum_tls_version=props.minimum_tls_version,
            public_network_access_enabled=props.public_network_access_enabled,
            identity=identity,
            tags=self.resource_tags(props.tags),
        )
        self.keep_props(props)

    def connection_url(self) -> str:
        """`rediss://:<key>@<host>:<tls port>/0` as a Terraform expression (the key is
        URL-encoded). Use it only as a write-only value."""
        key = Fn.urlencode(self.access_key())
        return f"rediss://:{key}@{self.hostname}:{self.tls_port}/0"

    def access_key(self) -> str:
        """The primary access key, as a Terraform expression. Use it only as a write-only value."""
        return self.resource.primary_access_key


def _capacity_fix(sku: str, capacity: int) -> str | None:
    """The fix for a SKU written in the wrong case ('premium') whose right spelling would fail on the
    cache's capacity (0 by default; Premium starts at P1): the SKU with the nearest capacity it has.
    None when it would pass."""
    family, capacities = SKU_SIZES[sku]
    if not isinstance(capacity, int) or capacity in capacities:
        return None
    nearest = min(max(capacity, capacities[0]), capacities[-1])
    return (
        f"write sku={sku!r} with capacity={nearest} ({sku} caches come in sizes "
        f"{family}{capacities[0]}-{family}{capacities[-1]})"
    )


MANAGED_SKUS = (
    *(f"Balanced_B{n}" for n in (0, 1, 3, 5, 10, 20, 50, 100, 150, 250, 350, 500, 700, 1000)),
    *(f"MemoryOptimized_M{n}" for n in (10, 20, 50, 100, 150, 250, 350, 500, 700, 1000, 1500, 2000)),
    *(f"ComputeOptimized_X{n}" for n in (3, 5, 10, 20, 50, 100, 150, 250, 350, 500, 700)),
    *(f"FlashOptimized_A{n}" for n in (250, 500, 700, 1000, 1500, 2000, 4500)),
)
"""Azure Managed Redis sizes (the redisEnterprise API of 2025-07-01 without the retired
Enterprise_/EnterpriseFlash_ ones, as azurerm's `azurerm_managed_redis` accepts them)."""


def _managed_step(sku: object) -> tuple[str, str] | None:
    """For a size between Azure's steps of a tier (`Balanced_B2`) or in another case (`balanced_b3`),
    the step meant and why: the next step up (`Balanced_B3`), the tier's largest when it is
    above them all, or the same size as Azure writes it; None for anything else."""
    match = re.fullmatch(r"([A-Za-z]+_[A-Za-z])(\d+)", sku) if isinstance(sku, str) and not is_token(sku) else None
    if match is None or sku in MANAGED_SKUS:
        return None
    tier, size = match[1].lower(), int(match[2])
    steps = [(int(known[len(tier):]), known) for known in MANAGED_SKUS if known.lower().startswith(tier)]
    if not steps:
        return None
    step, known = next(((step, known) for step, known in steps if step >= size), steps[-1])
    if step == size:
        return known, "as Azure writes it"
    return known, ("the next size of that tier" if step > size else "the largest size of that tier") + (
        " (or another from the Azure Managed Redis pricing page)"
    )


@dataclass(frozen=True)
class ManagedRedisProps:
    name: str
    """Cache name: 1-60 letters, digits and hyphens, unique across Azure
    (`<name>.<region>.redis.azure.net`)."""
    resource_group: IResourceGroup
    """Group the cache lives in; its location is used."""
    sku: str = "Balanced_B1"
    """Tier and size, e.g. `Balanced_B1`, `MemoryOptimized_M10`. Default: `Balanced_B1`."""
    high_availability_enabled: bool = True
    """Replicate to a second node; fixed at creation. Default: on."""
    access_keys_authentication_enabled: bool = False
    """Allow access keys besides Entra ID (needed by clients that authenticate with a
    password, and by `connection_url`). Default: off."""
    public_network_access_enabled: bool = False
    """Reachable from public networks. Default: off."""
    managed_identities: ManagedIdentities | None = None
    """Identities the cache itself uses (e.g. for customer-managed keys). Default: none."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""


class ManagedRedis(AzureResource):
    """An `azurerm_managed_redis` (Azure Managed Redis, the successor of Azure Cache for
    Redis, which retires on 2028-09-30), offering the same interface as `RedisCache`:
    `hostname`, `tls_port`, `connection_url()`, `add_private_endpoint()`,
    `protect_from_destroy()`. TLS only."""

    facts = (
        ResourceFacts(
            "azurerm_managed_redis",
            # Even a resize (another sku_name) re-creates an Azure Managed Redis cache.
            ("name", "location", "resource_group_name", "sku_name", "high_availability_enabled"),
            holds="cached data", kind="Azure Managed Redis", name_scope=GLOBAL, public_by_default=True,
            billing=lambda config, usage: _managed_billing(config),
            # azurerm `managedredis/managed_redis_resource.go`: the default database's keys, `Sensitive: true`.
            sensitive=("default_database.primary_access_key", "default_database.secondary_access_key"),
        ),
    )
    arm_type = "Microsoft.Cache/redisEnterprise"
    kind_text = "Azure Managed Redis"
    private_link = PrivateLinkService("redisEnterprise", "privatelink.redis.azure.net")
    # The cluster exports metrics; its (default) database writes the connection logs.
    diagnostics = (
        DiagnosticTarget(log_groups=()),
        DiagnosticTarget(metrics=(), sub_resource="/databases/default", id_suffix="-database"),
    )
    identity_types = ("SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned")
    # Microsoft Learn, "Supported metrics for Microsoft.Cache/redisEnterprise".
    alert_metrics = {  # noqa: RUF012
        "serverLoad": "Maximum", "usedmemorypercentage": "Maximum", "percentProcessorTime": "Maximum",
        **dict.fromkeys((
            "connectedclients", "usedmemory", "totalkeys", "operationsPerSecond", "cacheRead", "cacheWrite",
            "geoReplicationHealthy", "ShardKeyCount", "ShardMemoryUsedBytes", "ShardMemoryClientsNormalBytes",
            "ShardMemoryClientsReplicaBytes", "ShardHashesItemsUnder1M", "ShardHashesItems1MTo8M",
            "ShardHashesItemsOver8M", "ShardListsItemsUnder1M", "ShardListsItems1MTo8M", "ShardListsItemsOver8M",
            "ShardSetsItemsUnder1M", "ShardSetsItems1MTo8M", "ShardSetsItemsOver8M", "ShardZSetsItemsUnder1M",
            "ShardZSetsItems1MTo8M", "ShardZSetsItemsOver8M", "ShardStringsSizesUnder128M",
        ), "Maximum"),
        **dict.fromkeys((
            "cacheLatency", "cachehits", "cachemisses", "evictedkeys", "expiredkeys", "getcommands", "setcommands",
            "totalcommandsprocessed",
        ), "Average"),
        "ShardReplicationLinkUp": "Minimum",
    }
    hostname = ResourceAttribute[str]()

    def __init__(self, scope: Construct, id: str, props: ManagedRedisProps) -> None:
        super().__init__(scope, id)
        check = Validator("ManagedRedis", self)
        props = check.props(props, ManagedRedisProps)
        check.name("name", props.name, NameRules.MANAGED_REDIS)
        sizes = (
            "Balanced_B0 to _B1000, MemoryOptimized_M10 to _M2000, ComputeOptimized_X3 to _X700 or FlashOptimized_A250 "
            "to _A4500, in Azure's steps (redis.MANAGED_SKUS)"
        )
        step, why = _managed_step(props.sku) or (None, "")  # a tier's size between its steps: the step meant
        check.one_of(
            "sku", props.sku, MANAGED_SKUS,
            "pick a size from the Azure Managed Redis pricing page, e.g. 'Balanced_B5' (6 GB)", allowed_text=sizes,
            meant=step, fix_for_meant=lambda meant: f"use {meant!r}, {why}" if why else None,
        )
        identity = self.identity_block(managed_redis.ManagedRedisIdentity, props.managed_identities, check)
        check.done()

        self.resource = managed_redis.ManagedRedis(
            self, "Resource",
            name=props.name,
            resource_group_name=props.resource_group.name,
            location=props.resource_group.location,
            sku_name=props.sku,
            high_availability_enabled=props.high_availability_enabled,
            public_network_access=either(props.public_network_access_enabled, "Enabled", "Disabled"),
            default_database=managed_redis.ManagedRedisDefaultDatabase(
                access_keys_authentication_enabled=props.access_keys_authentication_enabled,
                client_protocol="Encrypted",
                # One endpoint, like a non-clustered cache: plain Redis clients keep working.
                clustering_policy="EnterpriseCluster",
            ),
            identity=identity,
            tags=self.resource_tags(props.tags),
        )
        self.keep_props(props)
        self.tls_port: float = self.resource.default_database.port

    def connection_url(self) -> str:
        """`rediss://:<key>@<host>:<port>/0` as a Terraform expression; needs
        `access_keys_authentication_enabled`. Use it only as a write-only value."""
        check = Validator("ManagedRedis", self)
        check.require(
            self.props.access_keys_authentication_enabled, "access_keys_authentication_enabled",
            False, "leaves no key for a connection URL", "access_keys_authentication_enabled=True",
            "enable access keys, or have clients authenticate with Entra ID instead",
        )
        check.done()
        key = Fn.urlencode(self.access_key())
        return f"rediss://:{key}@{self.hostname}:{self.tls_port}/0"

    def access_key(self) -> str:
        """The default database's primary access key, as a Terraform expression; needs
        `access_keys_authentication_enabled`. Use it only as a write-only value."""
        return self.resource.default_database.primary_access_key


def _managed_billing(config: Mapping[str, Any]) -> list[tuple[str, float, str]]:
    """Azure Managed Redis is billed per node; high availability (the default) runs two."""
    nodes = 1 if config.get("high_availability_enabled") is False else 2
    note = "two nodes: high availability, zone redundant" if nodes == 2 else "one node, no high availability"
    return [(f"managed-redis.{config['sku_name']}", nodes, note)]
