"""Container Apps environment: the boundary that container apps run in."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from constructs import Construct

from sigmatiq_infra import regions
from sigmatiq_infra.azurerm import container_app_environment as environment_binding
from sigmatiq_infra.azurerm import private_dns_a_record
from sigmatiq_infra.constructs._context import context_of
from sigmatiq_infra.constructs._resource import (
    RESOURCE_GROUP,
    AzureResource,
    DiagnosticTarget,
    IResourceGroup,
    ManagedIdentities,
    ResourceAttribute,
    ResourceFacts,
)
from sigmatiq_infra.constructs.log_analytics import LogAnalyticsWorkspace
from sigmatiq_infra.constructs.network import Subnet, SubnetRole, VirtualNetwork
from sigmatiq_infra.constructs.private_dns import PrivateDnsZones
from sigmatiq_infra.validation import NameRules, ValidationError, Validator, is_token

# Address ranges the Container Apps platform reserves: a VNet-integrated environment's subnet
# must not overlap them (Microsoft Learn, "Networking in Azure Container Apps environment",
# articles/container-apps/custom-virtual-networks.md, 2025-05-01). Both environment types
# reserve the first list; workload-profiles environments (the kind this construct makes)
# reserve the second as well.
_BOTH = ("169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24")
RESERVED_RANGES: dict[str, tuple[ipaddress.IPv4Network, ...]] = {
    "consumption-only": tuple(map(ipaddress.IPv4Network, _BOTH)),
    "workload-profiles": tuple(map(ipaddress.IPv4Network, (
        *_BOTH, "100.100.0.0/17", "100.100.128.0/19", "100.100.160.0/19", "100.100.192.0/19",
    ))),
}


def _check_reserved_ranges(check: Validator, subnet: Subnet, kind: str) -> None:
    reserved = RESERVED_RANGES[kind]
    clash = ", ".join(str(r) for r in reserved if subnet.network is not None and subnet.network.overlaps(r))
    check.require(
        not clash, f"subnet {subnet.name!r}", subnet.spec.cidr,  # as written: host bits too, which the VNet reports
        f"overlaps address ranges Container Apps reserves ({clash})",
        f"a range outside those a {kind} environment reserves: " + ", ".join(map(str, reserved)),
        "move the Container Apps subnet (and its VNet) to another private range, such as 10.20.2.0/23",
    )


@dataclass(frozen=True)
class ContainerAppEnvironmentProps:
    name: str
    """Environment name: 2-60 letters, digits and hyphens, starting with a letter and
    ending with a letter or digit; unique in its resource group, in any case."""
    resource_group: IResourceGroup
    """Group the environment lives in; its location is used."""
    log_analytics_workspace: LogAnalyticsWorkspace | None = None
    """Workspace that receives app logs. Default: none (logs are only streamed)."""
    virtual_network: VirtualNetwork | None = None
    """VNet whose CONTAINER_APPS subnet (/27 or larger, delegated to Microsoft.App) hosts
    the environment, which then gets the Consumption workload profile. Fixed at creation.
    Default: none (Azure-managed network, public)."""
    public_network_access_enabled: bool | None = None
    """Whether apps are reachable from public networks. With a VNet, off puts them on an
    internal load balancer in the VNet (no public IP) with public network access off, and
    on gives the environment a public IP; fixed at creation. Without a VNet the environment
    runs on an Azure-managed public network, so only on is possible. Default: None, which
    is off with a VNet and on without one."""
    zone_redundant: bool = False
    """With a VNet: spread replicas across availability zones; fixed at creation.
    Default: off."""
    managed_identities: ManagedIdentities | None = None
    """Identities the environment itself uses (e.g. to read certificates from Key Vault).
    Default: none."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""


class ContainerAppEnvironment(AzureResource):
    """An `azurerm_container_app_environment`: Consumption-only without a VNet, or
    VNet-integrated with the Consumption workload profile (internal by default)."""

    facts = (
        ResourceFacts(
            "azurerm_container_app_environment",
            (
                "name", "location", "resource_group_name", "infrastructure_subnet_id",
                "internal_load_balancer_enabled", "zone_redundancy_enabled", "workload_profile",
                "infrastructure_resource_group_name", "dapr_application_insights_connection_string",
            ),
            kind="Container Apps environment", name_scope=RESOURCE_GROUP, public_by_default=True,
        ),
    )
    arm_type = "Microsoft.App/managedEnvironments"
    kind_text = "Container Apps environment"
    diagnostics = (DiagnosticTarget(),)
    identity_types = ("SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned")
    # Microsoft Learn, "Supported metrics for Microsoft.App/managedEnvironments" (ms.date 2025-04-16).
    alert_metrics = {  # noqa: RUF012
        "IngressCpuPercentage": "Average", "IngressMemoryPercentage": "Average", "IngressUsageBytes": "Average",
        "IngressUsageNanoCores": "Average", "NodeCount": "Maximum", "EnvCoresQuotaUtilization": "Average",
        "EnvCoresQuotaLimit": "Average",
    }
    default_domain = ResourceAttribute[str]()
    static_ip_address = ResourceAttribute[str]()

    def __init__(self, scope: Construct, id: str, props: ContainerAppEnvironmentProps) -> None:
        super().__init__(scope, id)
        check = Validator("ContainerAppEnvironment", self)
        props = check.props(props, ContainerAppEnvironmentProps)
        check.name("name", props.name, NameRules.CONTAINER_APP_ENVIRONMENT)
        _check_sixtieth_character(check, props.name)
        # Without a VNet zone redundancy is not written, and public access decides the load balancer:
        # neither can wait for apply.
        if not check.known(
            "public_network_access_enabled", props.public_network_access_enabled,
            "it decides whether the environment is internal (its load balancer, and who can reach its apps)",
            "True, False or None written in code",
        ):
            props = replace(props, public_network_access_enabled=None)
        if props.virtual_network is None and not check.known(
            "zone_redundant", props.zone_redundant, "without a virtual_network it is not written",
            "False written in code (or a virtual_network, which takes a deploy-time value)",
        ):
            props = replace(props, zone_redundant=False)
        check.require(
            props.virtual_network is not None or not props.zone_redundant, "zone_redundant", True,
            "needs a VNet", "zone_redundant=True only with virtual_network",
            "give the environment a virtual_network, or set zone_redundant=False",
        )
        check.require(
            props.virtual_network is not None or props.public_network_access_enabled is not False,
            "public_network_access_enabled", False, "needs a VNet (without one the environment runs on an "
            "Azure-managed public network)", "public_network_access_enabled=False only with virtual_network",
            "give the environment a virtual_network, or leave public_network_access_enabled unset",
        )
        vnet = props.virtual_network
        location = props.resource_group.location
        # Microsoft Learn, "Reliability in Azure Container Apps": a VNet in a zone region.
        if props.zone_redundant and not is_token(props.zone_redundant):
            check.zones("zone_redundant", True, location, "set zone_redundant=False in this region, or choose a "
                        "region with availability zones")
        if vnet is not None and not (is_token(location) or is_token(vnet.location)):
            # A subnet serves resources of its VNet's region only (the portal lists only those VNets).
            check.require(
                regions.canonical(vnet.location) == regions.canonical(location), "virtual_network", vnet.name,
                f"is in {vnet.location}, the environment in {location}",
                "a VNet in the environment's region", "put the environment's resource group and the VNet in one region",
            )
        subnet = vnet.subnet_for(SubnetRole.CONTAINER_APPS) if vnet else None
        # "you need to provide a subnet dedicated exclusively to your container app. This subnet isn't
        # available to other services" (Microsoft Learn, "Virtual network configuration", Container Apps).
        other = vnet.claim_once(f"Container Apps subnet {subnet.name}", self) if vnet and subnet else None
        if other is not None:
            check.fail(
                "virtual_network", vnet, f"has its Container Apps subnet {subnet.name!r} in use by the environment "
                f"'{other.node.path}' already",
                "one environment per Container Apps subnet (Azure: the subnet is dedicated exclusively to one "
                "environment)",
                f"run these apps in '{other.node.path}', or give this environment a VNet of its own (a VNet has one "
                "CONTAINER_APPS subnet)",
            )
        if subnet is not None and subnet.network is not None:
            # A VNet-integrated environment made here has the Consumption workload profile.
            _check_reserved_ranges(check, subnet, "workload-profiles")
        identity = self.identity_block(
            environment_binding.ContainerAppEnvironmentIdentity, props.managed_identities, check,
        )
        check.done()
        public = props.public_network_access_enabled
        self.internal = bool(vnet is not None and not public)
        """Apps are reached only inside the VNet (internal load balancer)."""

        workspace = props.log_analytics_workspace
        # Only with a subnet: azurerm rejects the VNet-only arguments otherwise, even as false.
        vnet_arguments = {
            "infrastructure_subnet_id": subnet.id,
            "internal_load_balancer_enabled": self.internal,
            "zone_redundancy_enabled": props.zone_redundant,
            "public_network_access": "Disabled" if self.internal else "Enabled",
            # Environments created without a workload profile can never get one.
            "workload_profile": [
                environment_binding.ContainerAppEnvironmentWorkloadProfile(
                    name="Consumption", workload_profile_type="Consumption",
                ),
            ],
        } if subnet else {}
        self.resource = environment_binding.ContainerAppEnvironment(
            self, "Resource",
            name=props.name,
            resource_group_name=props.resource_group.name,
            location=props.resource_group.location,
            log_analytics_workspace_id=workspace.id if workspace else None,
            logs_destination="log-analytics" if workspace else None,
            identity=identity,
            tags=self.resource_tags(props.tags),
            **vnet_arguments,
        )
        self.keep_props(props)
        self.public_network_access_enabled = not self.internal
        self.workload_profile_name: str | None = "Consumption" if subnet else None

    def add_private_dns(self, zones: PrivateDnsZones) -> private_dns_a_record.PrivateDnsARecord:
        """Resolve `<app>.<default domain>` to the internal load balancer inside the VNet
        (and for VPN clients, through the VNet's DNS resolver)."""
        check = Validator("ContainerAppEnvironment", self)
        zones_of = getattr(zones, "zones", None)  # a PrivateNetwork (what add_private_endpoint takes) holds them
        if isinstance(zones_of, PrivateDnsZones) and not isinstance(zones, PrivateDnsZones):
            check.type_problem(
                "add_private_dns zones", f"{type(zones).__name__} of PrivateDnsZones '{zones_of.node.path}'",
                "is the network, not its zones", "PrivateDnsZones", "pass its zones: add_private_dns(network.zones)",
            )
            raise ValidationError(check.problems)
        if not check.value_type("add_private_dns zones", zones, PrivateDnsZones):
            raise ValidationError(check.problems)  # no record to return
        allowed = "add_private_dns() only with virtual_network and public network access off"
        if self.props.virtual_network is None:
            check.fail(
                "virtual_network", None, "leaves the environment on an Azure-managed public network, with no "
                "internal load balancer for private DNS to resolve to", allowed,
                "give the environment a virtual_network (fixed at creation), or remove the add_private_dns call",
            )
        else:
            check.require(
                self.internal, "public_network_access_enabled", self.props.public_network_access_enabled,
                "leaves no internal, VNet-integrated environment for private DNS", allowed,
                "leave public_network_access_enabled unset (or False)",
            )
        made = self.__dict__.get("_private_dns_record")
        if made is not None:  # once per environment: a second call means the same
            check.require(
                made[0] is zones, "add_private_dns", zones.virtual_network.name,
                f"adds a second record set for the environment (it has one in {made[0].virtual_network.name!r})",
                "one private DNS record per environment", "call add_private_dns once",
            )
            check.done()
            return made[1]
        if not check.done():
            return None  # type: ignore[return-value]
        # The zone is named after this environment's domain: made in the zones' stack, when that is
        # another (a network stack), the two stacks would use each other.
        elsewhere = context_of(self).stack is not context_of(zones).stack
        zone = zones.zone(self.default_domain, id="ContainerAppsDefaultDomain", scope=self if elsewhere else None)
        record = zones.add_a_record(
            self, "PrivateDnsWildcard", zone, name="*", records=[self.static_ip_address], ttl=300,
            tags=self.resource_tags(),
        )
        self.__dict__["_private_dns_record"] = (zones, record)
        return record


def _check_sixtieth_character(check: Validator, name: str) -> None:
    """azurerm 4.x (`containerapps/validate/validate.go` ManagedEnvironmentName,
    `^([a-zA-Z])[a-zA-Z0-9-]{0,58}[a-z]?$`) takes 59 characters of any case, and a 60th only
    when it is a lowercase letter: a 60-character name ending in a digit or a capital fails at plan."""
    if not isinstance(name, str) or is_token(name) or len(name) != NameRules.CONTAINER_APP_ENVIRONMENT.max_length:
        return
    if not (name[-1].isascii() and name[-1].isalnum()) or NameRules.CONTAINER_APP_ENVIRONMENT.problems(name):
        return  # the name's own rule says what is wrong, once, with a name that also keeps to this (last_at_max)
    check.require(
        name[-1] in "abcdefghijklmnopqrstuvwxyz", "name", name,
        f"has 60 characters and ends with {name[-1]!r}, which azurerm refuses",
        "at most 59 characters, or 60 ending with a lowercase letter (azurerm's rule for environment names)",
        f"drop a character: {name[:-2] + name[-1]!r}, or end the name with a lowercase letter",
    )
