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
from sigmatiq_infra.constructs.network import SubnetRole, VirtualNetwork
from sigmatiq_infra.constructs.private_dns import PrivateDnsZones
from sigmatiq_infra.constructs.resource_group import IResourceGroup
from sigmatiq_infra.validation import NameRules, ValidationError, Validator


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
    def subnet_id(self) -> str:
        return self.virtual_network.subnet_for(SubnetRole.PRIVATE_ENDPOINTS).id


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
        check.name("name", props.name, NameRules.PRIVATE_ENDPOINT)
        check.done()
        zone = props.network.zones.zone(props.service.zone)
        self.resource = _PrivateEndpoint(
            self, "Resource",
            name=props.name,
            resource_group_name=props.resource_group.name,
            location=props.network.virtual_network.location,
            subnet_id=props.network.subnet_id,
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
        self.zone = zone


class PrivateLinkTarget:
    """Mixin for service constructs that can be reached through a private endpoint.

    A construct sets `private_link` and `public_network_access_enabled`, and may override
    `_private_endpoint_problem` (why its SKU cannot have an endpoint).
    """

    private_link: PrivateLinkService
    private_endpoint: PrivateEndpoint | None = None
    name: str
    id: str
    resource_group: IResourceGroup
    tags: Mapping[str, str]
    public_network_access_enabled: bool

    def add_private_endpoint(self, network: PrivateNetwork) -> PrivateEndpoint:
        """Reach this service only through an endpoint in `network` (public access stays off)."""
        if not isinstance(self, Construct):
            raise TypeError("PrivateLinkTarget is a mixin for constructs")
        problem = self._private_endpoint_problem() or (
            _PUBLIC_CONFLICT if self.public_network_access_enabled else None
        )
        if problem:
            raise ValidationError([f"{type(self).__name__} '{self.node.path}': {problem}"])
        self.private_endpoint = PrivateEndpoint(self, "PrivateEndpoint", PrivateEndpointProps(
            name=f"pe-{self.name}",
            resource_group=self.resource_group,
            network=network,
            target_id=self.id,
            service=self.private_link,
            tags=self.tags,
        ))
        return self.private_endpoint

    def _private_endpoint_problem(self) -> str | None:
        """Why this resource cannot have a private endpoint, in the error-message format."""
        return None


_PUBLIC_CONFLICT = (
    "public_network_access_enabled True conflicts with a private endpoint. Allowed: public "
    "network access off on a service reached through a private endpoint. Fix: remove "
    "public_network_access_enabled=True (off is the default)."
)
