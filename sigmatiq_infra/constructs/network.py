"""Virtual network with role-checked subnets, each behind its own NSG where Azure allows one."""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

from constructs import Construct

from sigmatiq_infra.azurerm import (
    network_security_group,
    network_security_rule,
    subnet_network_security_group_association,
    virtual_network,
)
from sigmatiq_infra.azurerm import subnet as _subnet
from sigmatiq_infra.constructs._arguments import checked_function
from sigmatiq_infra.constructs._context import make_under_first_free_id
from sigmatiq_infra.constructs._resource import (
    RESOURCE_GROUP,
    AzureResource,
    DiagnosticTarget,
    IResourceGroup,
    ResourceFacts,
    within,
)
from sigmatiq_infra.validation import (
    NameRules,
    ValidationError,
    Validator,
    cidr_network,
    is_token,
    lies_in,
    overlapping,
)

RESERVED_RANGES = {
    ipaddress.IPv4Network("224.0.0.0/4"): "multicast",
    ipaddress.IPv4Network("255.255.255.255/32"): "broadcast",
    ipaddress.IPv4Network("127.0.0.0/8"): "loopback",
    ipaddress.IPv4Network("169.254.0.0/16"): "link-local",
    ipaddress.IPv4Network("168.63.129.16/32"): "Azure's DNS, DHCP and health probes",
}
"""Ranges a VNet's address space may not include (Azure Virtual Network FAQ, "What address
ranges can I use in my virtual networks?")."""

PRIVATE_RANGES = tuple(map(ipaddress.IPv4Network, ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")))
"""The private ranges of RFC 1918, which the Azure Virtual Network FAQ lists as the ones to use
("What address ranges can I use in my virtual networks?")."""

GATEWAY_SUBNET_NAME = "GatewaySubnet"
SERVICE_SUBNET_NAMES = {
    # "If you create and apply an NSG to AzureBastionSubnet, make sure you have added the following
    # rules in your NSG. If you do not add these rules, the NSG creation/update will fail" (Microsoft
    # Learn, "Working with NSG access and Azure Bastion"): outbound rules among them, which a
    # subnet's NSG here never has.
    "AzureBastionSubnet": "Azure Bastion, which refuses a network security group without Bastion's inbound and "
    "outbound rules",
    # "Subnet level NSGs aren't required on the AzureFirewallSubnet, and are disabled to ensure no
    # service interruption" (Microsoft Learn, Azure Firewall FAQ).
    "AzureFirewallSubnet": "Azure Firewall, which has subnet network security groups disabled",
}
"""Subnet names Azure keeps for a service whose subnet refuses the NSG every role but GATEWAY gets
(the exact names the services require: azurerm's `BastionSubnetName` compares exactly)."""
_JOIN = ["Microsoft.Network/virtualNetworks/subnets/join/action"]


@dataclass(frozen=True)
class _Role:
    text: str
    largest_prefix: int
    """Longest prefix (smallest subnet) Azure accepts for the role."""
    smallest_prefix: int
    """Shortest prefix (largest subnet) Azure accepts for the role."""
    delegation: str | None
    nsg: bool
    """Whether the subnet may have a network security group."""


# Any subnet Azure takes: "The smallest supported IPv4 subnet is /29, and the largest is /2"
# (Microsoft Learn, Azure Virtual Network FAQ). A role narrows this only where Azure does.
SMALLEST_SUBNET = 29
LARGEST_SUBNET = 2
# "Azure reserves the first four and the last IP address for a total of 5 IP addresses within
# each subnet" (Microsoft Learn, Azure Virtual Network FAQ).
RESERVED_ADDRESSES = 5


class SubnetRole(Enum):
    """What a subnet is for: decides its size limits, delegation and NSG.

    Sizes are Azure's rules; the advice beyond them: Azure keeps 5 addresses of every subnet, so
    a /28 for private endpoints leaves room for 11 (a /29 for 3); a Container Apps environment
    takes 12 for itself (a /27 leaves 15 for about 70 replicas, a /23 495); a VPN gateway
    subnet larger than /27 leaves room for later configurations."""

    # No size of its own: any subnet Azure takes.
    PRIVATE_ENDPOINTS = _Role("private endpoints", SMALLEST_SUBNET, LARGEST_SUBNET, None, True)
    # Workload-profiles environments (the kind ContainerAppEnvironment makes): "/27 is the minimum
    # subnet size", delegated to Microsoft.App/environments (Microsoft Learn, "Virtual network
    # configuration", Container Apps; consumption-only environments would need /23).
    CONTAINER_APPS = _Role("Container Apps environment", 27, LARGEST_SUBNET, "Microsoft.App/environments", True)
    # "all other SKUs [than Basic] require a gateway subnet of size /27 or larger" (Microsoft Learn,
    # "About VPN Gateway configuration settings"); an NSG on it breaks the gateway.
    GATEWAY = _Role("VPN gateway", 27, LARGEST_SUBNET, None, False)
    # "A subnet must be a minimum of /28 address space or a maximum of /24 address space"
    # (Microsoft Learn, "What is Azure DNS Private Resolver?", Subnet restrictions).
    DNS_RESOLVER_INBOUND = _Role(
        "DNS resolver inbound endpoint", 28, 24, "Microsoft.Network/dnsResolvers", True,
    )
    DNS_RESOLVER_OUTBOUND = _Role(
        "DNS resolver outbound endpoint", 28, 24, "Microsoft.Network/dnsResolvers", True,
    )


@checked_function
def subnet_role(name: str) -> SubnetRole:
    """The role called `name` (as settings spell it), or a ValidationError listing the roles."""
    if isinstance(name, SubnetRole):
        return name  # the member itself: it is the role
    try:
        return SubnetRole[name]
    except (KeyError, TypeError):  # TypeError: not text (e.g. a list)
        roles = ", ".join(role.name for role in SubnetRole)
        raise ValidationError([
            f"SubnetSpec: role {name!r} is not a subnet role. Allowed: {roles}. "
            "Fix: use one of those names."
        ]) from None


@dataclass(frozen=True)
class InboundRule:
    """An NSG rule that allows inbound TCP traffic to the subnet."""

    name: str
    priority: int
    """100-4096; lower runs first."""
    source: str
    """Address prefix or service tag, e.g. `Internet`, `VirtualNetwork`, `172.16.0.0/24` (a range
    from its first address: `203.0.113.7/32` for one address)."""
    ports: Sequence[str]
    """Destination ports and ranges, e.g. `("443", "8000-8080")` (a list too), or `("*",)` alone
    for every port."""


@dataclass(frozen=True)
class SubnetSpec:
    name: str
    """Subnet name; the gateway subnet must be called `GatewaySubnet` (in any case, as Azure compares it)."""
    cidr: str
    """Address range inside the VNet, e.g. `10.20.1.0/24`."""
    role: SubnetRole
    """What the subnet is for; decides size limits, delegation and NSG."""
    inbound_rules: Sequence[InboundRule] = ()
    """Extra inbound allows on the subnet's NSG. Default: none (Azure's defaults deny
    inbound from the internet and allow traffic within the VNet)."""


@dataclass(frozen=True)
class VirtualNetworkProps:
    name: str
    """VNet name: 2-64 characters."""
    resource_group: IResourceGroup
    """Group the VNet, subnets and NSGs live in; its location is used."""
    address_space: str
    """The VNet's IPv4 range, e.g. `10.20.0.0/16`."""
    subnets: Sequence[SubnetSpec]
    """Subnets; each must lie inside `address_space` and not overlap another."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags on the VNet and NSGs. Default: none."""


class Subnet:
    """A created subnet: its spec, network (the range it lies in; None when the spec's range is not
    one) and Terraform id."""

    def __init__(self, spec: SubnetSpec, resource: _subnet.Subnet) -> None:
        self.spec = spec
        self.name = spec.name
        self.role = spec.role
        self.network = network_or_none(spec.cidr)
        self.resource = resource

    @functools.cached_property
    def id(self) -> str:
        """The subnet's Terraform id (read from the kernel on first use, then kept)."""
        return self.resource.id

    @property
    def free_addresses(self) -> int | None:
        """The addresses Azure leaves for resources in the subnet (None when its range is not one)."""
        return None if self.network is None else self.network.num_addresses - RESERVED_ADDRESSES


# Microsoft Learn, "Network security groups" (ms.date 2025-07-15): a rule's priority is
# 100-4096 and no two rules of an NSG share a priority and direction (Azure refuses the second
# with SecurityRuleConflict); ports are 0-65535, one port or a range `low-high`, or `*`; a
# source is `*`, an IPv4 address, a CIDR range or one service tag. A port is ASCII digits (Azure:
# "Value should be an integer OR integer range with '-' delimiter"; Python's \d and int() take any
# script's digits). "Any" is the portal's word for `*`, no service tag: Azure refuses it ("Security
# rule has invalid Address prefix. Value provided: any", ernestio/ernest#473; azurerm's
# network_security_rule docs: "`*` to match any"). `*` is every port only as a rule's one port
# range: Azure refuses it in a list of ranges (destinationPortRanges), which takes ports and ranges
# alone (Azure/terraform-azurerm-network-security-group: "destination_port_ranges ... doesn't take
# '*' as a valid value", #44, so its main.tf writes '*' there as 0-65535).
_PORT = re.compile(r"([0-9]+)(?:-([0-9]+))?")
_SERVICE_TAG = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*")
_ANY = "any"
_SOURCES = (
    "'*', an IP address or CIDR range such as '172.16.0.0/24', or a service tag such as 'Internet' or "
    "'VirtualNetwork'"
)


def _check_inbound_rules(check: Validator, spec: SubnetSpec) -> None:
    where = f"subnet {spec.name!r} inbound rule"
    priorities: dict[int, str] = {}
    names: set[str] = set()
    for rule in spec.inbound_rules:
        if not check.known(
            "inbound rule name", rule.name, "it is part of the rule's Terraform address (Nsg-<subnet>-<rule>)",
            "a name written in code, e.g. 'allow-https'",
        ):
            continue
        check.name("inbound rule name", rule.name, NameRules.NETWORK_RESOURCE)
        check.require(
            rule.name.lower() not in names, f"{where} name", rule.name, "is used twice",
            "one rule per name in a network security group", "rename one of the rules",
        )
        names.add(rule.name.lower())
        check.in_range(f"{where} {rule.name!r} priority", rule.priority, 100, 4096)
        if rule.priority in priorities:
            check.fail(
                f"{where} {rule.name!r} priority", rule.priority,
                f"is also the priority of inbound rule {priorities[rule.priority]!r}",
                "one inbound rule per priority in a network security group (Azure refuses the second)",
                "give each rule its own priority",
            )
        priorities.setdefault(rule.priority, rule.name)
        check.require(
            bool(rule.ports), f"{where} {rule.name!r} ports", [], "are empty", "at least one port or range",
            "list the ports, e.g. ports=('443',)",
        )
        ports = () if is_token(rule.ports) else tuple(rule.ports)  # a deploy-time list: Terraform's to know
        for port in ports:
            fix = _port_fix(port)
            check.require(
                fix is None, f"{where} {rule.name!r} port", port, "is not a port or range Azure takes",
                "a port 0-65535, a range such as '8000-8080' (low to high), or '*'", fix or "",
            )
        check.require(
            "*" not in ports or len(ports) == 1, f"{where} {rule.name!r} ports", list(ports),
            "hold '*' beside other ports (Azure takes '*' only alone, as the rule's one port range)",
            "'*' alone for every port, or ports and ranges without '*'",
            "write ports=('*',) for every port, or leave '*' out to allow only the ports listed",
        )
        source = rule.source  # a token (a deploy-time input) is Terraform's to know, not checked here
        loose = None if is_token(source) else _with_host_bits(source)
        if loose is not None:
            address, network = loose
            check.fail(
                f"{where} {rule.name!r} source", source,
                f"has host bits set ({address} is not the first address of a /{network.prefixlen})",
                _SOURCES, f"write {str(network)!r} for the range, or "
                f"'{address}/{network.max_prefixlen}' for the one address",
            )
        else:
            check.require(
                is_token(source) or (source.lower() != _ANY and (
                    source == "*" or _is_prefix(source) or _SERVICE_TAG.fullmatch(source) is not None
                )),
                f"{where} {rule.name!r} source", source, "is not an address, CIDR range or service tag",
                _SOURCES, _source_fix(source),
            )


def _every_port(ports: Sequence[str]) -> bool:
    """Whether `ports` is `('*',)`: every port, which Azure takes only as a rule's one port range."""
    return not is_token(ports) and list(ports) == ["*"]


def _port_fix(port: str) -> str | None:
    """How to write an NSG port Azure does not take; None for one it takes (or a token, known at apply)."""
    if port == "*" or is_token(port):
        return None
    bare = "".join(port.split())  # ' * ' and '80 - 443' are '*' and '80-443' written with spaces
    match = _PORT.fullmatch(bare)
    if bare == "*":
        return "write it without spaces: '*'"
    if match is None:
        if bare.lower() == _ANY:
            return "write '*' for every port"
        return "write one port or one range of ASCII digits per item, e.g. ports=('80', '443', '8000-8080')"
    low, high = int(match[1]), int(match[2] or match[1])
    if high > 65535:
        return "use ports from 0 to 65535"
    if low > high:
        return f"write the range low to high: '{high}-{low}'"
    return None if match[0] == port else f"write it without spaces: {bare!r}"


def _source_fix(source: str) -> str:
    """How to write an NSG source that is no address, range or tag: a netmask as its prefix length."""
    if source.strip().lower() == _ANY:
        return "write '*' for any source"
    if source != source.strip() and source.strip():
        return f"write it without spaces: {source.strip()!r}"
    with contextlib.suppress(ValueError):
        if "/" in source and not source.partition("/")[2].isdigit():
            return f"write it as {str(ipaddress.IPv4Network(source, strict=False))!r}"
    return "write the range as address/prefix length, e.g. '10.1.0.0/24'"


def _with_host_bits(text: str) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address,
                                         ipaddress.IPv4Network | ipaddress.IPv6Network] | None:
    """The address and the network of a CIDR range written with host bits set (`203.0.113.7/24`),
    which Azure refuses in a rule: "Security rule ... has invalid Address prefix. Value provided:
    10.0.0.1/24" (SecurityRuleInvalidAddressPrefix; kubernetes-sigs/cloud-provider-azure#5599,
    Azure/azure-powershell#4557); None for anything else."""
    address, slash, length = text.partition("/")
    if not slash or not length.isdigit() or len(length) > 3:
        return None
    try:
        network, first = ipaddress.ip_network(text, strict=False), ipaddress.ip_address(address)
    except ValueError:
        return None
    return None if first == network.network_address else (first, network)


def _is_prefix(text: str) -> bool:
    """An IP address, or a CIDR range (an address and a prefix length: not a netmask)."""
    address, slash, length = text.partition("/")
    try:
        if not slash:
            ipaddress.ip_address(address)
        elif length.isdigit() and len(length) <= 3:
            ipaddress.ip_network(text, strict=False)
        else:
            return False
    except ValueError:
        return False
    return True


def network_or_none(cidr: str) -> ipaddress.IPv4Network | None:
    """The IPv4 network `cidr` in CIDR notation, or the one it lies in when written with host bits
    set or spaces (`lies_in`), or None; the VNet's validator has reported either. Constructs on the
    VNet (a Container Apps environment, a DNS resolver, a VPN gateway) judge that network too, so
    every problem of the range comes at once."""
    return cidr_network(cidr) or lies_in(cidr)


class VirtualNetwork(AzureResource):
    """An `azurerm_virtual_network` with `azurerm_subnet`s and one NSG per subnet that can
    have one. Subnets are separate resources so DNS servers can be set afterwards
    (`azurerm_virtual_network_dns_servers`) without a dependency cycle."""

    arm_type = "Microsoft.Network/virtualNetworks"
    kind_text = "virtual network"
    facts = (
        ResourceFacts(
            "azurerm_virtual_network", ("name", "location", "resource_group_name"), kind="virtual network",
            name_scope=RESOURCE_GROUP,
        ),
        ResourceFacts(
            "azurerm_subnet", ("name", "resource_group_name", "virtual_network_name"), kind="subnet",
            name_scope=within("its virtual network", "resource_group_name", "virtual_network_name"),
            arm_child="subnets",
        ),
        ResourceFacts(
            "azurerm_network_security_group", ("name", "location", "resource_group_name"),
            kind="network security group", name_scope=RESOURCE_GROUP,
            collision_fix="rename one of the two subnets (a subnet's network security group is named "
            "nsg-<subnet name>), or put one VNet in another resource group",
        ),
        ResourceFacts(
            "azurerm_network_security_rule", ("name", "resource_group_name", "network_security_group_name"),
            kind="network security rule",
            name_scope=within("its network security group", "resource_group_name", "network_security_group_name"),
        ),
        ResourceFacts("azurerm_subnet_network_security_group_association", ("subnet_id",), kind="NSG association"),
    )
    diagnostics = (DiagnosticTarget(),)

    def __init__(self, scope: Construct, id: str, props: VirtualNetworkProps) -> None:
        super().__init__(scope, id)
        props = self._validate(props)
        group = props.resource_group
        self.resource = virtual_network.VirtualNetwork(
            self, "Resource",
            name=props.name,
            resource_group_name=group.name,
            location=group.location,
            address_space=[props.address_space],
            tags=self.resource_tags(props.tags),
        )
        self.keep_props(props)
        self.location: str = group.location
        self.address_space = network_or_none(props.address_space)
        self.subnets: dict[str, Subnet] = {}
        network_name = self.resource.name if props.subnets else ""  # one kernel read for every subnet
        for spec in props.subnets:
            # A repeat, or a name known only at deploy time: reported by _validate.
            if not is_token(spec.name) and spec.name.lower() not in (name.lower() for name in self.subnets):
                self.subnets[spec.name] = self._subnet(spec, group, props.tags, network_name)

    def subnet_for(self, role: SubnetRole) -> Subnet | None:
        """The one subnet with this role; None (and a problem) when there is none, and a
        problem when there are several."""
        check = Validator("VirtualNetwork", self)
        if not check.value_type("subnet_for role", role, SubnetRole):
            check.done()
            return None
        found = [s for s in self.subnets.values() if s.role is role]
        check.require(  # none: the subnets it has, to add to; several: those of the role
            len(found) == 1, "subnets", [s.name for s in found or self.subnets.values()],
            f"hold {len(found)} subnets for {role.value.text}" if found else f"hold no subnet for {role.value.text}",
            # The library's model (each use finds its subnet by role), not an Azure rule.
            f"exactly one subnet with role {role.name}" + (
                " per VirtualNetwork (the library picks the subnet by role)" if found else ""
            ),
            f"add one SubnetSpec with role={role.name}" if not found else (
                f"keep one SubnetSpec with role={role.name} in this VNet, and put another environment or endpoint "
                "in a VNet of its own (peered if they must reach each other)"
            ),
        )
        check.done()
        return found[0] if found else None

    def claim_once(self, use: str, user: Construct) -> Construct | None:
        """Record `user` as the one construct this VNet has for `use`, where Azure allows one: a
        DNS resolver, a VPN gateway, an environment on the Container Apps subnet, a linked private
        DNS zone of a name. None when `use` was free (or `user`'s already); else the construct
        that has it, for `user` to report."""
        users: dict[str, Construct] = self.__dict__.setdefault("_claimed", {})
        first = users.setdefault(use, user)
        return None if first is user else first

    def _subnet(self, spec: SubnetSpec, group: IResourceGroup, tags: Mapping[str, str], network_name: str) -> Subnet:
        role = spec.role.value
        resource = _subnet.Subnet(
            self, f"Subnet-{spec.name}",
            name=spec.name,
            resource_group_name=group.name,
            virtual_network_name=network_name,
            address_prefixes=[spec.cidr],
            delegation=[
                _subnet.SubnetDelegation(
                    name=role.delegation.replace("/", "."),
                    service_delegation=_subnet.SubnetDelegationServiceDelegation(
                        name=role.delegation, actions=_JOIN,
                    ),
                ),
            ] if role.delegation else None,
            # Let NSGs (and route tables) apply to private endpoints too.
            private_endpoint_network_policies=(
                "Enabled" if spec.role is SubnetRole.PRIVATE_ENDPOINTS else None
            ),
        )
        subnet = Subnet(spec, resource)
        if role.nsg:
            # The ids below are derived from names Azure takes, and may meet: subnet 'snet' with rule
            # 'a-b' and subnet 'snet-a' with rule 'b' (or a subnet 'snet-a-b') both derive
            # 'Nsg-snet-a-b'. The first keeps its id, the next takes the first free numbered one.
            _, nsg = make_under_first_free_id(functools.partial(
                network_security_group.NetworkSecurityGroup, self,
                name=f"nsg-{spec.name}",
                resource_group_name=group.name,
                location=group.location,
                tags=self.resource_tags(tags),
            ), self, f"Nsg-{spec.name}")
            # Separate rule resources: inline `security_rule` blocks are attributes in JSON
            # and would have to spell out every optional field.
            once: dict[str, InboundRule] = {}  # a repeated name is reported by _validate
            for rule in spec.inbound_rules:
                if not is_token(rule.name):  # reported by _validate
                    once.setdefault(rule.name.lower(), rule)
            nsg_name = nsg.name if once else ""  # one kernel read for every rule
            for rule in once.values():
                make_under_first_free_id(functools.partial(
                    network_security_rule.NetworkSecurityRule, self,
                    name=rule.name,
                    resource_group_name=group.name,
                    network_security_group_name=nsg_name,
                    priority=rule.priority,
                    direction="Inbound",
                    access="Allow",
                    protocol="Tcp",
                    source_address_prefix=rule.source,
                    source_port_range="*",
                    destination_address_prefix="*",
                    # '*' goes in the one-value argument: Azure refuses it in a list of ranges.
                    destination_port_range="*" if _every_port(rule.ports) else None,
                    destination_port_ranges=None if _every_port(rule.ports) else list(rule.ports),
                ), self, f"Nsg-{spec.name}-{rule.name}")
            subnet_network_security_group_association.SubnetNetworkSecurityGroupAssociation(
                self, f"NsgAssociation-{spec.name}",
                subnet_id=subnet.id, network_security_group_id=nsg.id,
            )
        return subnet

    def _validate(self, props: VirtualNetworkProps) -> VirtualNetworkProps:
        check = Validator("VirtualNetwork", self)
        props = check.props(props, VirtualNetworkProps)
        check.name("name", props.name, NameRules.VIRTUAL_NETWORK)
        # A range written with host bits set or spaces is reported as such (Validator.cidr), and still
        # judged as the network it lies in, so that its fix ('10.0.1.0/24' for '10.0.1.5/24') is not met
        # by another problem on the next run.
        space = check.cidr("address_space", props.address_space) or lies_in(props.address_space)
        # One problem for the one range, however many of Azure's ranges it covers (a /0 covers them all).
        clashes = [f"{reserved} ({use})" for reserved, use in RESERVED_RANGES.items()
                   if space is not None and space.overlaps(reserved)]
        if clashes:
            check.fail(
                "address_space", props.address_space,
                f"overlaps {', '.join(clashes)}, which Azure keeps for itself",
                "an address space outside " + ", ".join(str(r) for r in RESERVED_RANGES),
                "choose another range, e.g. a private one (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)",
            )
        networks: dict[str, ipaddress.IPv4Network] = {}
        written: dict[str, str] = {}
        for spec in props.subnets:
            if not check.known(
                "subnet name", spec.name, "it is part of the Terraform addresses of the subnet and its NSG "
                "(Subnet-<name>)", "a name written in code, e.g. 'snet-apps'",
            ):
                continue
            check.name("subnet name", spec.name, NameRules.SUBNET)
            if spec.role.value.nsg:  # networkSecurityGroups: 1-80 characters (Microsoft's naming rules)
                check.derived_name("subnet name", spec.name, f"nsg-{spec.name}", "network security group", 80)
            network = check.cidr(f"subnet {spec.name!r}", spec.cidr) or lies_in(spec.cidr)
            if network is None:
                continue
            networks[spec.name], written[spec.name] = network, spec.cidr
            role = spec.role.value
            if space is not None and not network.subnet_of(space):
                check.fail(
                    f"subnet {spec.name!r}", spec.cidr, f"lies outside the VNet {space}",
                    f"a range inside {space}", "move the subnet into the VNet's address space",
                )
            if not role.smallest_prefix <= network.prefixlen <= role.largest_prefix:
                check.fail(
                    f"subnet {spec.name!r}", spec.cidr,
                    f"is the wrong size for a {role.text} subnet",
                    f"/{role.smallest_prefix} to /{role.largest_prefix} for {role.text}",
                    f"give it a prefix between /{role.smallest_prefix} and /{role.largest_prefix}",
                )
            # Azure takes the gateway subnet's name in any case, and azurerm too (`IsGatewaySubnet`:
            # strings.EqualFold; hashicorp/terraform-provider-azurerm#1141, "gatEwaysuBnet" tested).
            is_gateway_name = spec.name.lower() == GATEWAY_SUBNET_NAME.lower()
            if is_gateway_name != (spec.role is SubnetRole.GATEWAY):
                # Named 'GatewaySubnet' with another role, it is renamed (or made the gateway's):
                # renaming it 'GatewaySubnet' again would be the same mistake.
                own_name = "snet-" + spec.role.name.lower().replace("_", "-")
                check.fail(
                    f"subnet {spec.name!r}", spec.role.name,
                    "breaks the gateway subnet naming rule",
                    f"role GATEWAY exactly for the subnet named {GATEWAY_SUBNET_NAME!r}",
                    f"give this subnet a name of its own, e.g. {own_name!r}, or role=SubnetRole.GATEWAY if it is "
                    "the VPN gateway's" if is_gateway_name else
                    f"name the VPN gateway subnet {GATEWAY_SUBNET_NAME!r} and no other",
                )
            service = SERVICE_SUBNET_NAMES.get(spec.name)
            if service is not None and role.nsg:
                check.fail(
                    "subnet name", spec.name,
                    f"is the subnet name Azure keeps for {service}; a {spec.role.name} subnet gets one "
                    "(with inbound rules only)",
                    "a name of the subnet's own: not " + " or ".join(map(repr, SERVICE_SUBNET_NAMES)) + " for a "
                    "library role",
                    f"give the subnet a name of its own, e.g. {'snet-' + spec.role.name.lower().replace('_', '-')!r}",
                )
            check.require(
                role.nsg or not spec.inbound_rules, f"subnet {spec.name!r} inbound_rules",
                [r.name for r in spec.inbound_rules],
                f"need an NSG, which a {role.text} subnet cannot have",
                "inbound rules only on subnets with an NSG", "remove the rules",
            )
            _check_inbound_rules(check, spec)
        for a, b in overlapping(networks):
            check.fail(
                f"subnet {b!r}", written[b], f"overlaps subnet {a!r} ({written[a]})",
                "subnets that share no addresses", "move one of the two subnets",
            )
        names = [spec.name.lower() for spec in props.subnets if not is_token(spec.name)]  # in any case, as Azure
        for name in sorted({n for n in names if names.count(n) > 1}):
            check.fail("subnet name", name, "is used twice", "unique subnet names", "rename one")
        check.done()
        return props

