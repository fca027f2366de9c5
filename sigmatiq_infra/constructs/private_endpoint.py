"""Private endpoints: the one place that knows how a service is reached privately.

A service construct states which `PrivateLinkService` it is (its class's `private_link`);
its `add_private_endpoint(network)` then asks the `PrivateNetwork` for an endpoint in the
VNet's private-endpoint subnet, registered in the service's privatelink zone. Public
network access is off by default on every service construct; adding an endpoint to one
that opted in to public access (or whose SKU cannot have endpoints) is a problem, not a
silent change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from constructs import Construct

from sigmatiq_infra.azurerm import private_endpoint
from sigmatiq_infra.constructs._resource import (
    RESOURCE_GROUP,
    AzureResource,
    IResourceGroup,
    PrivateLinkService,
    ResourceFacts,
)
from sigmatiq_infra.constructs.network import LARGEST_SUBNET, RESERVED_ADDRESSES, Subnet, SubnetRole, VirtualNetwork
from sigmatiq_infra.constructs.private_dns import PrivateDnsZones
from sigmatiq_infra.validation import NameRules, Validator


@dataclass(frozen=True)
class PrivateNetwork:
    """Where private endpoints go: a VNet (with a PRIVATE_ENDPOINTS subnet) and its zones."""

    virtual_network: VirtualNetwork
    zones: PrivateDnsZones

    @property
    def subnet(self) -> Subnet | None:
        """The PRIVATE_ENDPOINTS subnet (None, and a problem, when the VNet has none)."""
        return self.virtual_network.subnet_for(SubnetRole.PRIVATE_ENDPOINTS)

    def add_endpoint(self, target: AzureResource) -> PrivateEndpoint | None:
        """A private endpoint for `target` (a private-link service) in this network, inside
        the target's construct: `pe-<name>`, numbered from the second one (another VNet). None,
        and a problem naming the target's name, when that makes a name Azure does not take."""
        if target.private_link is None:
            raise TypeError(f"{type(target).__name__} is not a private-link service")
        number = f"{len(target.private_endpoints) + 1}" if target.private_endpoints else ""
        name = f"pe-{target.name}" + (f"-{number}" if number else "")
        # The user names the service, not its endpoint: a name too long is the service's to shorten.
        check = Validator(type(target).__name__, target)
        check.derived_name("name", target.name, name, "private endpoint", NameRules.PRIVATE_ENDPOINT.max_length)
        if not check.done():
            return None
        # A lookup (`from_existing`) has no group of this stack's: its endpoint goes in the VNet's.
        return PrivateEndpoint(
            target, f"PrivateEndpoint{number}",
            PrivateEndpointProps(
                name=name,
                resource_group=getattr(target, "resource_group", None) or self.virtual_network.resource_group,
                network=self,
                target_id=target.id,
                service=target.private_link,
                tags=getattr(target, "tags", None) or {},
            ),
        )


@dataclass(frozen=True)
class PrivateEndpointProps:
    name: str
    """Endpoint name, e.g. `pe-kv-orders-prod`."""
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


class PrivateEndpoint(AzureResource):
    """An `azurerm_private_endpoint` with a DNS zone group on the service's privatelink zone."""

    arm_type = "Microsoft.Network/privateEndpoints"
    kind_text = "private endpoint"
    facts = (
        ResourceFacts(
            "azurerm_private_endpoint",
            ("name", "location", "resource_group_name", "subnet_id", "custom_network_interface_name",
             "private_service_connection"),
            kind="private endpoint",
            name_scope=RESOURCE_GROUP,
            billing=lambda config, usage: [("private-endpoint", 1, "")],
        ),
    )

    def __init__(self, scope: Construct, id: str, props: PrivateEndpointProps) -> None:
        super().__init__(scope, id)
        check = Validator("PrivateEndpoint", self)
        props = check.props(props, PrivateEndpointProps)
        check.name("name", props.name, NameRules.PRIVATE_ENDPOINT)
        check.done()
        self.keep_props(props)
        self.network = props.network
        subnet = props.network.subnet
        zone = props.network.zones.zone(props.service.zone)
        self.zone = zone
        if subnet is None:
            return  # reported by subnet_for
        placed: list[PrivateEndpoint] = subnet.__dict__.setdefault("_private_endpoints", [])
        if not placed:  # the subnet's endpoints are counted once the whole app exists
            self.problem_log.defer(_crowded_subnets, (props.network.virtual_network, subnet))
        placed.append(self)
        self.resource = private_endpoint.PrivateEndpoint(
            self, "Resource",
            name=props.name,
            resource_group_name=props.resource_group.name,
            location=props.network.virtual_network.location,
            subnet_id=subnet.id,
            private_service_connection=private_endpoint.PrivateEndpointPrivateServiceConnection(
                name=f"{props.name}-connection",
                private_connection_resource_id=props.target_id,
                subresource_names=[props.service.subresource],
                is_manual_connection=False,
            ),
            private_dns_zone_group=private_endpoint.PrivateEndpointPrivateDnsZoneGroup(
                name="default", private_dns_zone_ids=[zone.id],
            ),
            tags=self.resource_tags(props.tags),
        )

    def made_for(self, network: PrivateNetwork) -> bool:
        """Whether this endpoint was made for `network`: its VNet and its zones (zones linked to
        another VNet too, as a hub's are: asking again for the same is this endpoint)."""
        return self.network.virtual_network is network.virtual_network and self.network.zones is network.zones

    def serves(self, network: VirtualNetwork) -> bool:
        """Whether this endpoint answers inside `network`: it sits there, and the zone its
        name is registered in is linked there."""
        return (
            "resource" in self.__dict__ and self.network.virtual_network is network
            and self.network.zones.virtual_network is network
        )


def _crowded_subnets(subnets: list[tuple[VirtualNetwork, Subnet]]) -> list[str]:
    """A problem for each subnet given more private endpoints than it has addresses: each endpoint
    takes one ("the subnet from which the private IP will be allocated", the Azure network API's
    PrivateEndpoint.subnet), of those Azure leaves (a /29 holds 3, a /28 11)."""
    for vnet, subnet in subnets:
        count, free = len(subnet.__dict__["_private_endpoints"]), subnet.free_addresses
        if free is None or count <= free:
            continue  # a range that is no network: reported by the VNet
        prefix = next(p for p in range(32, LARGEST_SUBNET - 1, -1) if 2 ** (32 - p) - RESERVED_ADDRESSES >= count)
        check = Validator("VirtualNetwork", vnet)
        check.fail(
            f"subnet {subnet.name!r}", subnet.spec.cidr,
            f"has {count} private endpoints, more than its {free} free addresses "
            f"({free + RESERVED_ADDRESSES} less the {RESERVED_ADDRESSES} Azure keeps in every subnet)",
            "one address per private endpoint: a /29 holds 3, a /28 11, a /27 27",
            f"give subnet {subnet.name!r} a range of /{prefix} or larger, or put some endpoints in another VNet",
        )
        check.done()
    return []
