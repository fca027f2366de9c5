"""Private endpoints: the one place that knows how a service is reached privately.

A service construct mixes in `PrivateLinkTarget` and says which `PrivateLinkService` it
is; `add_private_endpoint(network)` then places an endpoint in the VNet's private-endpoint
subnet and registers it in the service's privatelink zone. Public network access is off by
default on every service construct; adding an endpoint to one that opted in to public
access (or whose SKU cannot have endpoints) is an error, not a silent change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktf_cdktf_provider_azurerm.private_endpoint import (
    PrivateEndpoint as _PrivateEndpoint,
)
from cdktf_cdktf_provider_azurerm.private_endpoint import (
    PrivateEndpointPrivateDnsZoneGroup,
    PrivateEndpointPrivateServiceConnection,
)
from constructs import Construct

from sigmatiq_infra.constructs._context import AzureConstruct
from sigmatiq_infra.constructs._primary import PrimaryResource
from sigmatiq_infra.constructs.network import Subnet, SubnetRole, VirtualNetwork
from sigmatiq_infra.constructs.private_dns import PrivateDnsZones
from sigmatiq_infra.constructs.resource_group import IResourceGroup
from sigmatiq_infra.validation import NameRules, Validator


@dataclass(frozen=True)
class PrivateLinkService:
    """How one kind of Azure resource is reached privately."""

    subresource: str
    """The private-link group id, e.g. `vault`."""
    zone: str
    """The privatelink DNS zone its endpoints register in."""


class PrivateLinkServices:
    """Group ids and zones from Microsoft's private-endpoint DNS table (Azure public cloud)."""

    KEY_VAULT = PrivateLinkService("vault", "privatelink.vaultcore.azure.net")
    APP_CONFIGURATION = PrivateLinkService("configurationStores", "privatelink.azconfig.io")
    POSTGRES_FLEXIBLE = PrivateLinkService(
        "postgresqlServer", "privatelink.postgres.database.azure.com",
    )
    REDIS_CACHE = PrivateLinkService("redisCache", "privatelink.redis.cache.windows.net")
    MANAGED_REDIS = PrivateLinkService("redisEnterprise", "privatelink.redis.azure.net")
    CONTAINER_REGISTRY = PrivateLinkService("registry", "privatelink.azurecr.io")


@dataclass(frozen=True)
class PrivateNetwork:
    """Where private endpoints go: a VNet (with a PRIVATE_ENDPOINTS subnet) and its zones."""

    virtual_network: VirtualNetwork
    zones: PrivateDnsZones

    @property
    def subnet(self) -> Subnet | None:
        """The PRIVATE_ENDPOINTS subnet (None, and a problem, when the VNet has none)."""
        return self.virtual_network.subnet_for(SubnetRole.PRIVATE_ENDPOINTS)


@dataclass(frozen=True)
class PrivateEndpointProps:
    name: str
    """Endpoint name, e.g. `pe-kv-trading-prod`."""
    resource_group: IResourceGroup
    """Group the endpoint lives in (usually the service's own)."""
    network: PrivateNetwork
    """VNet subnet and DNS zones to use."""
    target_id: str
    """Resource id of the service."""
    service: PrivateLinkService
    """Which group id and zone the service uses."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""


class PrivateEndpoint(PrimaryResource, AzureConstruct):
    """An `azurerm_private_endpoint` with a DNS zone group on the service's privatelink zone."""

    def __init__(self, scope: Construct, id: str, props: PrivateEndpointProps) -> None:
        super().__init__(scope, id)
        check = Validator("PrivateEndpoint", self)
        props = check.props(props)
        check.name("name", props.name, NameRules.PRIVATE_ENDPOINT)
        check.done()
        self.network = props.network
        subnet = props.network.subnet
        zone = props.network.zones.zone(props.service.zone)
        self.zone = zone
        if subnet is None:
            return  # reported by subnet_for
        self.resource = _PrivateEndpoint(
            self, "Resource",
            name=props.name,
            resource_group_name=props.resource_group.name,
            location=props.network.virtual_network.location,
            subnet_id=subnet.id,
            private_service_connection=PrivateEndpointPrivateServiceConnection(
                name=f"{props.name}-connection",
                private_connection_resource_id=props.target_id,
                subresource_names=[props.service.subresource],
                is_manual_connection=False,
            ),
            private_dns_zone_group=PrivateEndpointPrivateDnsZoneGroup(
                name="default", private_dns_zone_ids=[zone.id],
            ),
            tags=self._resource_tags(props.tags),
        )

    def serves(self, network: VirtualNetwork) -> bool:
        """Whether this endpoint answers inside `network`: it sits there, and the zone its
        name is registered in is linked there."""
        return (
            "resource" in self.__dict__ and self.network.virtual_network is network
            and self.network.zones.virtual_network is network
        )


class PrivateLinkTarget:
    """Mixin for service constructs that can be reached through a private endpoint.

    A construct sets `private_link` and `public_network_access_enabled`, and may override
    `_private_endpoint_problem` (why its SKU cannot have an endpoint) and `_public_path`
    (what lets a client through when public access is on). `unreachable_from()` answers,
    for a client in a given network, why it cannot reach the service.
    """

    private_link: PrivateLinkService
    kind_text: str = "service"
    name: str
    id: str
    resource_group: IResourceGroup
    tags: Mapping[str, str]
    public_network_access_enabled: bool

    @property
    def private_endpoints(self) -> list[PrivateEndpoint]:
        return self.__dict__.setdefault("_private_endpoints", [])

    @property
    def private_endpoint(self) -> PrivateEndpoint | None:
        """The first private endpoint, if any."""
        return self.private_endpoints[0] if self.private_endpoints else None

    def add_private_endpoint(self, network: PrivateNetwork) -> PrivateEndpoint | None:
        """Reach this service through an endpoint in `network` (public access stays off).
        None, and a problem, when the service cannot have one (its SKU, or public access on)."""
        if not isinstance(self, Construct):
            raise TypeError("PrivateLinkTarget is a mixin for constructs")
        check = Validator(type(self).__name__, self)
        problem = self._private_endpoint_problem()
        if problem:
            check.fail(*problem)
        check.require(
            not self.public_network_access_enabled, "public_network_access_enabled", True,
            "conflicts with a private endpoint",
            "public network access off on a service reached through a private endpoint",
            "remove public_network_access_enabled=True (off is the default)",
        )
        if not check.done():
            self.__dict__["_private_endpoint_refused"] = True  # reported here, not again by policy
            return None
        # The first endpoint keeps the plain names; another one (another VNet) is numbered.
        number = f"{len(self.private_endpoints) + 1}" if self.private_endpoints else ""
        endpoint = PrivateEndpoint(
            self, f"PrivateEndpoint{number}",
            PrivateEndpointProps(
                name=f"pe-{self.name}" + (f"-{number}" if number else ""),
                resource_group=self.resource_group,
                network=network,
                target_id=self.id,
                service=self.private_link,
                tags=self.tags,
            ),
        )
        self.private_endpoints.append(endpoint)
        return endpoint

    def unreachable_from(self, network: VirtualNetwork | None) -> tuple[str, str] | None:
        """(why, the fix) when a client whose traffic leaves from `network` (None: an
        Azure-managed network, as a Container Apps environment without a VNet) cannot reach
        this service; None when it can."""
        if network is not None and any(endpoint.serves(network) for endpoint in self.private_endpoints):
            return None
        if self.public_network_access_enabled:
            return self._public_path()
        where = "the client's VNet" if network is not None else "a network the client uses (it has no VNet)"
        endpoints = (
            f"its private endpoints are not in {where}" if self.private_endpoints
            else "it has no private endpoint"
        )
        fix = (
            f"add a private endpoint in VNet {network.name!r} (add_private_endpoint), whose DNS zones are linked there"
            if network is not None else
            "turn its public network access on (public_network_access_enabled=True), or give the "
            "environment a VNet and the service a private endpoint in it"
        )
        return f"public network access is off and {endpoints}", fix

    def _public_path(self) -> tuple[str, str] | None:
        """With public access on: (why a client on Azure still cannot get in, the fix), or None."""
        return None

    def _private_endpoint_problem(self) -> tuple[str, object, str, str, str] | None:
        """Why this resource cannot have a private endpoint, as `Validator.fail` arguments."""
        return None
