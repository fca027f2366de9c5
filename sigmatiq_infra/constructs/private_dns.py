"""Private DNS: privatelink zones linked to a VNet, and the DNS private resolver that lets
VPN clients resolve them."""

from __future__ import annotations

import contextlib
import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from constructs import Construct

from sigmatiq_infra.azurerm import (
    private_dns_a_record,
    private_dns_resolver,
    private_dns_resolver_dns_forwarding_ruleset,
    private_dns_resolver_forwarding_rule,
    private_dns_resolver_inbound_endpoint,
    private_dns_resolver_outbound_endpoint,
    private_dns_resolver_virtual_network_link,
    private_dns_zone,
    private_dns_zone_virtual_network_link,
    virtual_network_dns_servers,
)
from sigmatiq_infra.constructs._context import AzureConstruct, in_a_stack, make_under_free_id, wait_for
from sigmatiq_infra.constructs._resource import (
    RESOURCE_GROUP,
    AzureResource,
    IResourceGroup,
    ResourceFacts,
    within,
)
from sigmatiq_infra.constructs.network import Subnet, SubnetRole, VirtualNetwork
from sigmatiq_infra.validation import NameRules, ValidationError, Validator, is_token

# Azure keeps the first four addresses and the last one of every subnet.
_RESERVED_AT_START = 4


def _endpoint_billing(config: Mapping[str, Any], usage: Mapping[str, float]) -> list[tuple[str, float, str]]:
    """A DNS private resolver is billed per endpoint."""
    return [("dns-resolver.endpoint", 1, "")]


@dataclass(frozen=True)
class PrivateDnsZonesProps:
    resource_group: IResourceGroup
    """Group the zones and their VNet links live in."""
    virtual_network: VirtualNetwork
    """The VNet every zone is linked to (resolution only, no auto-registration)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags on the zones and links. Default: none."""


class PrivateDnsZones(AzureConstruct):
    """The private DNS zones of one VNet: each created once, on first use, and linked to it."""

    facts = (
        ResourceFacts(
            "azurerm_private_dns_zone", ("name", "resource_group_name"), kind="private DNS zone",
            name_scope=RESOURCE_GROUP, max_tags=15,
            collision_fix="give one of the two PrivateDnsZones another resource group (a privatelink zone's name is "
            "its service's, and each PrivateDnsZones links its zones to its own VNet)",
            billing=lambda config, usage: [("private-dns.zone", 1, "")],
        ),
        ResourceFacts(
            "azurerm_private_dns_zone_virtual_network_link",
            ("name", "private_dns_zone_name", "resource_group_name", "virtual_network_id"),
            kind="private DNS zone link",
            name_scope=within("its private DNS zone", "resource_group_name", "private_dns_zone_name"),
            parent_arguments=lambda zone, group: {
                "private_dns_zone_name": zone.name, "resource_group_name": group.name,
            },
            # azurerm 5.0 names the zone by its id alone (5.0 upgrade guide,
            # azurerm_private_dns_zone_virtual_network_link: `private_dns_zone_id` replaces both).
            on_azurerm={5: {
                "replaced_when_changed": ("name", "private_dns_zone_id", "virtual_network_id"),
                "name_scope": within("its private DNS zone", "private_dns_zone_id"),
                "parent_arguments": lambda zone, group: {"private_dns_zone_id": zone.id},
            }},
        ),
        ResourceFacts(
            "azurerm_private_dns_a_record", ("name", "resource_group_name", "zone_name"), kind="private DNS record",
            name_scope=within("its private DNS zone", "resource_group_name", "zone_name"), max_tags=15,
            parent_arguments=lambda zone, group: {"zone_name": zone.name, "resource_group_name": group.name},
            # azurerm 5.0: `private_dns_zone_id` replaces `zone_name` and `resource_group_name`
            # on every private DNS record type (5.0 upgrade guide, azurerm_private_dns_a_record).
            on_azurerm={5: {
                "replaced_when_changed": ("name", "private_dns_zone_id"),
                "name_scope": within("its private DNS zone", "private_dns_zone_id"),
                "parent_arguments": lambda zone, group: {"private_dns_zone_id": zone.id},
            }},
        ),
    )

    def __init__(self, scope: Construct, id: str, props: PrivateDnsZonesProps) -> None:
        super().__init__(scope, id)
        check = Validator("PrivateDnsZones", self)
        props = check.props(props, PrivateDnsZonesProps)
        _check_dns_tag_names(check, self.resource_tags(props.tags), props.tags)
        check.done()
        self.props = props
        self.resource_group = props.resource_group
        wait_for(self, props.resource_group)  # another stack's group, named by its literal name: made first
        self.virtual_network = props.virtual_network
        self.tags = self.resource_tags(props.tags)
        self.zones: dict[str, private_dns_zone.PrivateDnsZone] = {}
        self.links: dict[str, private_dns_zone_virtual_network_link.PrivateDnsZoneVirtualNetworkLink] = {}

    def zone(
        self, name: str, *, id: str | None = None, scope: Construct | None = None,
    ) -> private_dns_zone.PrivateDnsZone:
        """The zone called `name` in any case, linked to the VNet (created on first call, under
        the name as first written), in these zones' resource group. It is made under `scope`
        (default: these zones), e.g. under the construct of another stack whose value names it,
        so that stack makes it: made here, it would make the zones' stack use that stack (which
        uses the zones' VNet). A name or id of the wrong type raises a ValidationError (there is
        no zone to return); a name Azure does not take is a problem in the app's list."""
        check = Validator("PrivateDnsZones", self)
        if not all([check.value_type("zone name", name, str), check.value_type("zone id", id, str | None),
                    check.value_type("zone scope", scope, Construct | None)]):
            raise ValidationError(check.problems)
        if scope is not None and not in_a_stack(scope):  # the app: the zone would be in no stack
            check.type_problem(
                "zone scope", scope.node.path or "the app", "is in no stack",
                "a construct in the stack that makes the zone (the one whose value names it), or None",
                "pass that construct, or leave scope out to make the zone with these zones",
            )
            raise ValidationError(check.problems)
        owner = self if scope is None else scope
        # DNS names are the same in any case (RFC 4343), and so are Azure's names of zones in a group:
        # 'Privatelink.Vaultcore.Azure.Net' is the zone a vault's endpoint asks for, not a second one.
        if id is None and not check.known(
            "zone name", name, "with no id it becomes the zone's construct id, part of its Terraform address",
            "a name written in code, e.g. 'internal.example.com', or an id with it",
            "write the zone name in code, or pass an id, e.g. zone(<the expression>, id='InternalZone')",
        ):
            raise ValidationError(check.problems)
        if not is_token(name):
            name = next((made for made in self.zones if made.lower() == name.lower()), name)
        if name not in self.zones:
            _check_zone_name(check, name)
            check.done()
            self._claim_link(name)
            wait_for(owner, self.resource_group)
            construct_id, zone = make_under_free_id(  # an id the owner holds already: a problem, not jsii's traceback
                lambda free: private_dns_zone.PrivateDnsZone(
                    owner, free, name=name, resource_group_name=self.resource_group.name, tags=self.tags,
                ), "PrivateDnsZones.zone", owner, id or name or "Zone", self.problem_log,  # "": refused above
            )
            link = ResourceFacts.of(self, "azurerm_private_dns_zone_virtual_network_link")
            self.links[name] = private_dns_zone_virtual_network_link.PrivateDnsZoneVirtualNetworkLink(
                owner, f"{construct_id}-link",
                name=f"link-{self.virtual_network.name}",
                **link.parent_arguments(zone, self.resource_group),
                virtual_network_id=self.virtual_network.id,
                registration_enabled=False,
                tags=self.tags,
            )
            self.zones[name] = zone
        return self.zones[name]

    def _claim_link(self, name: str) -> None:
        """A problem when another PrivateDnsZones links a zone of this name to the VNet already:
        Azure refuses the second link ("A virtual network cannot be linked to multiple zones with
        overlapping namespaces", Microsoft Learn, "Troubleshoot the CreateOrUpdateVirtualNetworkLinkFailed
        error code": two zones of the same name in two resource groups)."""
        if is_token(name):
            return
        other = self.virtual_network.claim_once(f"private DNS zone {name.lower()}", self)
        if other is not None:
            check = Validator("PrivateDnsZones", self)
            check.fail(
                "zone", name, f"is linked to VirtualNetwork '{self.virtual_network.node.path}' by PrivateDnsZones "
                f"'{other.node.path}' already",
                "one private DNS zone of a name linked to a virtual network (Azure refuses a second: a virtual "
                "network cannot be linked to multiple zones with overlapping namespaces)",
                f"use '{other.node.path}' for every private endpoint in this VNet (PrivateNetwork(vnet, zones) with "
                "its zones), and no second PrivateDnsZones for the VNet",
            )
            check.done()

    def add_a_record(
        self, scope: Construct, id: str, zone: private_dns_zone.PrivateDnsZone, *, name: str,
        records: Sequence[str], ttl: int = 300, tags: Mapping[str, str] | None = None,
    ) -> private_dns_a_record.PrivateDnsARecord:
        """An A record `name` in `zone` (one of these zones), created under `scope`. Values of
        the wrong type, an empty id and a zone these zones did not make raise a ValidationError
        (there is no record to make); values Azure does not take are problems in the list."""
        check = Validator("PrivateDnsZones", self)
        if not all([check.value_type("add_a_record scope", scope, Construct),
                    check.value_type("add_a_record id", id, str),
                    check.value_type("add_a_record name", name, str),
                    check.value_type("add_a_record records", records, Sequence[str]),
                    check.value_type("add_a_record ttl", ttl, int)]):
            raise ValidationError(check.problems)
        if id == "":
            check.type_problem(
                "add_a_record id", id, "is empty",
                "a name (str), unique among the scope's children: it is part of the record's Terraform address",
                "give the record an id, e.g. add_a_record(scope, 'WwwRecord', zone, ...)",
            )
        if not in_a_stack(scope):  # the app: the record would be in no stack
            check.type_problem(
                "add_a_record scope", scope.node.path or "the app", "is in no stack",
                "a construct in the stack that makes the record (e.g. the one whose address it holds)",
                "pass that construct, e.g. add_a_record(stack, 'WwwRecord', zone, ...)",
            )
        if not any(zone is made for made in self.zones.values()):
            named = isinstance(zone, str) and zone in self.zones
            check.type_problem(
                "add_a_record zone", zone, "is not a zone of these PrivateDnsZones",
                "a zone these zones made: zones.zone(name), linked to their VNet and in their resource group",
                f"pass zones.zone({zone!r})" if named else
                "pass the zone that zones.zone(name) returns, and call add_a_record on the PrivateDnsZones that "
                "made it",
            )
        if check.problems:
            raise ValidationError(check.problems)
        _check_a_record(check, name, records, ttl)
        _warn_full_name(check, name, next(key for key, made in self.zones.items() if made is zone))
        check.done()
        record = ResourceFacts.of(self, "azurerm_private_dns_a_record")
        wait_for(scope, self.resource_group)
        _, made = make_under_free_id(  # an id `scope` holds already: a problem, not jsii's traceback
            lambda free: private_dns_a_record.PrivateDnsARecord(
                scope, free,
                name=name,
                **record.parent_arguments(zone, self.resource_group),
                ttl=ttl,
                records=list(records),
                tags=self.tags if tags is None else dict(tags),
            ), "PrivateDnsZones.add_a_record", scope, id, self.problem_log,
        )
        return made


# Microsoft's naming rules for privateDnsZones: "2 to 34 labels", each of "alphanumerics, underscores,
# and hyphens", separated by periods.
_ZONE_LABEL = re.compile(r"[A-Za-z0-9_-]{1,63}")


# "The following list of reserved zone names are blocked from creation to prevent disruption of
# services" (Microsoft Learn, "What is an Azure Private DNS zone?", Restrictions): the public cloud's,
# Azure Government's and Azure in China's, row by row (windows.net's are usgovcloudapi.net and
# chinacloudapi.cn). Names below them (privatelink.blob.core.windows.net) are fine.
RESERVED_ZONE_NAMES = frozenset({
    "azclient.ms", "azure.com", "cloudapp.net", "core.windows.net", "microsoft.com", "msidentity.com",
    "trafficmanager.net", "windows.net",
    "azclient.us", "azure.us", "usgovcloudapp.net", "core.usgovcloudapi.net", "microsoft.us", "msidentity.us",
    "usgovtrafficmanager.net", "usgovcloudapi.net",
    "azclient.cn", "azure.cn", "chinacloudapp.cn", "core.chinacloudapi.cn", "microsoft.cn", "msidentity.cn",
    "trafficmanager.cn", "chinacloudapi.cn",
})


def _check_zone_name(check: Validator, name: str) -> None:
    if is_token(name):
        return
    labels = name.removesuffix(".").split(".")
    bad = [label for label in labels if not _ZONE_LABEL.fullmatch(label)]
    problem = f"has the label {bad[0]!r}" if bad else f"has {len(labels)} label" + "s" * (len(labels) != 1)
    check.require(
        not bad and 2 <= len(labels) <= 34, "zone name", name,
        f"{problem}, which Azure does not take for a private DNS zone",
        "2 to 34 labels of 1-63 letters, digits, underscores and hyphens, separated by periods, as in "
        "'privatelink.vaultcore.azure.net'",
        "write the zone's domain name, e.g. 'corp.internal'",
    )
    check.require(
        name.removesuffix(".").lower() not in RESERVED_ZONE_NAMES, "zone name", name,
        "is a name Azure reserves: it blocks creating a private DNS zone of that name",
        "a name other than Azure's reserved zones (azure.com, core.windows.net, windows.net and the others "
        "Microsoft Learn lists in \"What is an Azure Private DNS zone?\"), e.g. 'privatelink.blob.core.windows.net'",
        "use the privatelink zone of the service you reach (a construct's private_link.zone), or a domain of "
        "your own such as 'corp.internal'",
    )


# Tag names Azure DNS drops from a private DNS zone and its links: "Azure DNS zones don't support the
# use of spaces or parentheses in the tag or a tag that starts with a number. Azure DNS tag names don't
# support special and Unicode characters" (Microsoft Learn, "Use tags to organize your Azure resources",
# Limitations). The API accepts such a tag and leaves it out, so every plan adds it again
# (Azure/azure-resource-manager-schemas#3367: a name with a space; Azure/azure-rest-api-specs#11748 and
# hashicorp/terraform-provider-azurerm#6129: a name with ':').
_DNS_TAG_NAME_REFUSED = re.compile(r"[\s():]")


def _check_dns_tag_names(check: Validator, tags: Mapping[str, str], own: Mapping[str, str]) -> None:
    """A problem for each tag name (the stack's included) that Azure DNS does not keep on a zone."""
    for key in tags:
        if is_token(key) or not isinstance(key, str) or not key:
            continue  # a tag name of the wrong type or empty: the tag checks say so
        bad = sorted({"a space" if c.isspace() else repr(c) for c in _DNS_TAG_NAME_REFUSED.findall(key)})
        problem = ("contains " + ", ".join(bad)) if bad else "starts with a digit" if key[0].isdigit() else ""
        if not problem:
            continue
        words = [word for word in _DNS_TAG_NAME_REFUSED.split(key) if word]
        example = "".join(words[:1] + [word[:1].upper() + word[1:] for word in words[1:]])
        where = "in the tags of these zones" if key in own else "in the stack's tags (AzureStack(..., tags=...))"
        check.fail(
            "tags name", key, f"{problem}, which Azure DNS does not keep on a private DNS zone (it drops the tag, "
            "so every plan adds it again)",
            "tag names on private DNS zones without spaces, parentheses or ':', not starting with a digit (Microsoft "
            "Learn, \"Use tags to organize your Azure resources\")",
            f"rename the tag {where}" + (f", e.g. to {example!r}" if example and not example[0].isdigit() else ""),
        )


def _check_a_record(check: Validator, name: str, records: Sequence[str], ttl: int) -> None:
    """azurerm's rules for `azurerm_private_dns_a_record` (`private_dns_a_record_resource.go`): a
    lower-cased name that is not blank and has no space (`privatedns/validate/lower_cased_string.go`,
    `LowerCasedString`), 1-20 records (each an IPv4 address: an A record's); and a TTL of 0 to
    2147483647 seconds (RFC 2181, section 8)."""
    written = name if is_token(name) else "-".join(name.lower().split())  # the name azurerm takes
    if not is_token(name) and not name.strip():
        # The zone's own name is '@' (Microsoft Learn, "Overview of private DNS records": "By
        # convention, the relative name '@' is used to represent apex records").
        check.fail(
            "add_a_record name", name, "is empty" if not name else "is only whitespace",
            "a record name relative to the zone, e.g. 'www', or '@' for the zone's own name (azurerm refuses an "
            "empty or blank name)",
            "write name='@' for the zone's own name, or the host's name, e.g. name='www'",
        )
    elif not is_token(name) and " " in name:
        check.fail(
            "add_a_record name", name, "contains a space",
            "a record name without spaces (azurerm refuses a space in a record name)",
            f"write it as {written!r}",
        )
    check.require(
        is_token(name) or name == name.lower(), "add_a_record name", name, "has upper-case letters",
        "a lower-case record name (azurerm takes no other; DNS compares names in any case)",
        f"write it as {written!r}",
    )
    if is_token(records):  # a list known only at deploy time, written as its reference
        records = []
    else:
        check.in_range("add_a_record records (count)", len(records), 1, 20)
    for record in records:
        if not is_token(record):
            try:
                ipaddress.IPv4Address(record)
            except ValueError:
                check.fail(
                    "add_a_record record", record, "is not an IPv4 address",
                    "the IPv4 address the name resolves to, e.g. '10.20.2.4'", "write the address as four numbers",
                )
    check.require(
        is_token(ttl) or 0 <= ttl <= 2**31 - 1, "add_a_record ttl", ttl, "is out of range",
        "0 to 2147483647 seconds", "give the time to live in seconds, e.g. ttl=300",
    )


def _warn_full_name(check: Validator, name: str, zone: str) -> None:
    """A record's name is relative to its zone: `www.corp.internal` in zone `corp.internal` is the
    host `www.corp.internal.corp.internal`. Azure takes it (it is a valid name), so a warning."""
    if is_token(name) or is_token(zone) or not name.strip():
        return
    written, zone = name.lower().rstrip("."), zone.lower().rstrip(".")
    if written == zone:
        relative, host = "@", "the zone's own name"
    elif written.endswith("." + zone):
        relative = written[: -len(zone) - 1]
        host = repr(relative)
    else:
        return
    check.warn(
        "add_a_record name", name, f"is written in full, so the record is {written + '.' + zone!r}: a record's name "
        f"is relative to its zone {zone!r}",
        "the name relative to the zone ('@' for the zone's own name)",
        f"write name={relative!r} for {host}, or leave it if {written + '.' + zone!r} is meant",
    )


@dataclass(frozen=True)
class DnsResolverProps:
    name: str
    """Resolver name."""
    resource_group: IResourceGroup
    """Group the resolver lives in."""
    virtual_network: VirtualNetwork
    """VNet with one DNS_RESOLVER_INBOUND subnet (and one DNS_RESOLVER_OUTBOUND subnet when
    there are forwarding rules)."""
    inbound_ip: str
    """Fixed address of the inbound endpoint inside the inbound subnet (not one of the
    first four addresses, which Azure reserves)."""
    set_as_vnet_dns: bool = True
    """Point the VNet's DNS servers at the inbound endpoint, so resources and VPN clients
    (whose profile carries the VNet's DNS servers) resolve private zones. Default: on."""
    forwarding_rules: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Domain (ending with a dot) -> IPv4 DNS servers that answer for it, e.g.
    `{"corp.example.com.": ["10.1.0.4"]}`. Only with rules does the resolver get an outbound
    endpoint (billed like the inbound one) and a forwarding ruleset linked to the VNet.
    Default: none (the inbound endpoint alone serves the VNet and VPN clients)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""


class DnsResolver(AzureResource):
    """An `azurerm_private_dns_resolver` with a static inbound endpoint, and an outbound
    endpoint with a forwarding ruleset when there are forwarding rules."""

    arm_type = "Microsoft.Network/dnsResolvers"
    kind_text = "DNS private resolver"
    facts = (
        ResourceFacts(
            "azurerm_private_dns_resolver", ("name", "resource_group_name", "location", "virtual_network_id"),
            kind="DNS private resolver", name_scope=RESOURCE_GROUP,
        ),
        ResourceFacts(
            "azurerm_private_dns_resolver_inbound_endpoint",
            ("name", "private_dns_resolver_id", "location", "ip_configurations"), kind="DNS resolver inbound endpoint",
            name_scope=within("its DNS resolver", "private_dns_resolver_id"),
            billing=_endpoint_billing,
        ),
        ResourceFacts(
            "azurerm_private_dns_resolver_outbound_endpoint",
            ("name", "private_dns_resolver_id", "subnet_id", "location"), kind="DNS resolver outbound endpoint",
            name_scope=within("its DNS resolver", "private_dns_resolver_id"),
            billing=_endpoint_billing,
        ),
        ResourceFacts("azurerm_virtual_network_dns_servers", ("virtual_network_id",), kind="VNet DNS servers"),
        ResourceFacts(
            "azurerm_private_dns_resolver_dns_forwarding_ruleset", ("name", "resource_group_name", "location"),
            kind="DNS forwarding ruleset",
            name_scope=RESOURCE_GROUP,
            billing=lambda config, usage: [("dns-resolver.ruleset", 1, "")],
        ),
        ResourceFacts(
            "azurerm_private_dns_resolver_forwarding_rule", ("name", "dns_forwarding_ruleset_id"),
            kind="DNS forwarding rule", name_scope=within("its forwarding ruleset", "dns_forwarding_ruleset_id"),
        ),
        ResourceFacts(
            "azurerm_private_dns_resolver_virtual_network_link",
            ("name", "dns_forwarding_ruleset_id", "virtual_network_id"),
            kind="DNS forwarding ruleset link",
            name_scope=within("its forwarding ruleset", "dns_forwarding_ruleset_id"),
        ),
    )

    def __init__(self, scope: Construct, id: str, props: DnsResolverProps) -> None:
        super().__init__(scope, id)
        check = Validator("DnsResolver", self)
        props = check.props(props, DnsResolverProps)
        check.name("name", props.name, NameRules.DNS_RESOLVER)
        vnet = props.virtual_network
        # "A virtual network can't be shared between multiple DNS resolvers" (Microsoft Learn, "What
        # is Azure DNS Private Resolver?", Virtual network restrictions).
        other = vnet.claim_once("DNS resolver", self)
        if other is not None:
            check.fail(
                "virtual_network", vnet, f"already has the DNS resolver '{other.node.path}'",
                "one DNS resolver per virtual network (Azure: a virtual network can't be shared between multiple "
                "DNS resolvers)",
                f"use '{other.node.path}' for this VNet (its inbound endpoint serves the whole VNet, forwarding "
                "rules included), or give this resolver a VNet of its own",
            )
        inbound_subnet = vnet.subnet_for(SubnetRole.DNS_RESOLVER_INBOUND)
        # A domain names its rule and the rule's construct id; each server is a block of the rule.
        rules = {
            domain: servers for domain, servers in props.forwarding_rules.items()
            if check.known(
                "forwarding rule domain", domain, "it names the rule and its Terraform address (Rule-<the domain>)",
                "a domain written in code, e.g. 'corp.example.com.'",
            ) and check.known(
                f"forwarding rule {domain!r} servers", servers, "each server is a block of the rule, written at synth",
                "a list of addresses written in code, e.g. ['10.0.0.4']",
            )
        }
        outbound_subnet = vnet.subnet_for(SubnetRole.DNS_RESOLVER_OUTBOUND) if rules else None
        # Endpoints and rulesets: 1-80 characters (Microsoft Learn, naming rules for Microsoft.Network);
        # the longest name derived from the resolver's says how long it may be.
        derived = [(f"{props.name}-inbound", "DNS resolver inbound endpoint")]
        if rules:
            derived += [(f"{props.name}-outbound", "DNS resolver outbound endpoint"),
                        (f"{props.name}-ruleset", "DNS forwarding ruleset")]
        check.derived_name("name", props.name, *max(derived, key=lambda pair: len(pair[0])), 80)
        _check_inbound_ip(check, props.inbound_ip, inbound_subnet)
        if not check.known(
            "set_as_vnet_dns", props.set_as_vnet_dns, "it decides whether the VNet's DNS servers resource is made",
            "True or False written in code",
        ):
            props = replace(props, set_as_vnet_dns=False)
        for domain, servers in rules.items():
            _check_forwarding_rule(check, domain, servers)
            # "a rule ... using the private resolver inbound endpoint as a destination ... can cause a DNS
            # resolution loop if the VNet where the resolver is provisioned is also linked to the ruleset"
            # (Microsoft Learn, "Quickstart: Create an Azure DNS Private Resolver using the Azure portal"),
            # as this resolver's ruleset always is.
            check.require(
                props.inbound_ip not in servers, f"forwarding rule {domain!r} server",
                "<the inbound_ip expression>" if is_token(props.inbound_ip) else props.inbound_ip,
                "is this resolver's own inbound endpoint, so the query would loop (its ruleset is linked to the "
                "resolver's VNet)",
                "the address of another DNS server, one that answers for the domain",
                "leave the domain out of forwarding_rules (the inbound endpoint resolves Azure's and linked private "
                "zones itself), or name the DNS server that holds the domain",
            )
        rules = _one_rule_per_domain(check, rules)
        check.done()
        self.keep_props(props)
        self.inbound_ip: str = props.inbound_ip
        self.vnet_dns_servers: virtual_network_dns_servers.VirtualNetworkDnsServers | None = None
        self.outbound: private_dns_resolver_outbound_endpoint.PrivateDnsResolverOutboundEndpoint | None = None
        if inbound_subnet is None or (rules and outbound_subnet is None):
            return  # reported by subnet_for

        group = props.resource_group
        self.resource = private_dns_resolver.PrivateDnsResolver(
            self, "Resource",
            name=props.name, resource_group_name=group.name, location=vnet.location,
            virtual_network_id=vnet.id, tags=self.resource_tags(props.tags),
        )
        self.inbound = private_dns_resolver_inbound_endpoint.PrivateDnsResolverInboundEndpoint(
            self, "Inbound",
            name=f"{props.name}-inbound",
            private_dns_resolver_id=self.resource.id,
            location=vnet.location,
            ip_configurations=private_dns_resolver_inbound_endpoint.PrivateDnsResolverInboundEndpointIpConfigurations(
                subnet_id=inbound_subnet.id,
                private_ip_allocation_method="Static",
                private_ip_address=props.inbound_ip,
            ),
            tags=self.resource_tags(props.tags),
        )
        if rules and outbound_subnet is not None:
            self._forwarding(props, outbound_subnet, rules)
        self.inbound_ip = self.inbound.ip_configurations.private_ip_address
        if props.set_as_vnet_dns:
            # A separate resource: setting dns_servers on the VNet itself would make the
            # VNet depend on an endpoint inside its own subnet (a cycle).
            self.vnet_dns_servers = virtual_network_dns_servers.VirtualNetworkDnsServers(
                self, "VnetDnsServers", virtual_network_id=vnet.id, dns_servers=[self.inbound_ip],
            )


    def _forwarding(self, props: DnsResolverProps, subnet: Subnet, rules: dict[str, Sequence[str]]) -> None:
        """The outbound endpoint, a ruleset with one rule per domain, linked to the VNet."""
        vnet = props.virtual_network
        self.outbound = private_dns_resolver_outbound_endpoint.PrivateDnsResolverOutboundEndpoint(
            self, "Outbound",
            name=f"{props.name}-outbound",
            private_dns_resolver_id=self.resource.id,
            location=vnet.location,
            subnet_id=subnet.id,
            tags=self.resource_tags(props.tags),
        )
        ruleset = private_dns_resolver_dns_forwarding_ruleset.PrivateDnsResolverDnsForwardingRuleset(
            self, "Ruleset",
            name=f"{props.name}-ruleset",
            resource_group_name=props.resource_group.name,
            location=vnet.location,
            private_dns_resolver_outbound_endpoint_ids=[self.outbound.id],
            tags=self.resource_tags(props.tags),
        )
        taken: set[str] = set()
        for domain, servers in rules.items():
            name = _rule_name(domain, taken)
            private_dns_resolver_forwarding_rule.PrivateDnsResolverForwardingRule(
                self, f"Rule-{name}",
                name=name,
                dns_forwarding_ruleset_id=ruleset.id,
                domain_name=domain,
                enabled=True,
                target_dns_servers=[
                    private_dns_resolver_forwarding_rule.PrivateDnsResolverForwardingRuleTargetDnsServers(
                        ip_address=server, port=53,
                    )
                    for server in servers
                ],
            )
        private_dns_resolver_virtual_network_link.PrivateDnsResolverVirtualNetworkLink(
            self, "RulesetLink",
            name=f"link-{vnet.name}",
            dns_forwarding_ruleset_id=ruleset.id,
            virtual_network_id=vnet.id,
        )


AZURE_DNS = "168.63.129.16"
"""Azure's own DNS (and DHCP and health probe) address."""

WILDCARD_DOMAIN = "."
"""A forwarding rule for every domain no other rule names (Microsoft Learn, "Azure DNS Private
Resolver endpoints and rulesets": a domain of zero labels)."""


def _rule_name(domain: str, taken: set[str]) -> str:
    """A forwarding rule's name (and construct id): the domain's labels joined by '-'
    (`corp-example-com`, `wildcard` for '.'), as every rule has been named; a name another rule
    of the ruleset has already, in any case (`a-b.example.com.` and `a.b-example.com.`), gets the
    first free number (`a-b-example-com-2`). `taken` holds the names given so far, lower-cased."""
    # A rule's name starts with a letter or digit: an underscore label's first ('_msdcs') is dropped.
    base = "-".join(part for part in domain.rstrip(".").split(".") if part).strip("_-")[:80] or "wildcard"
    name, number = base, 1
    while name.lower() in taken:
        number += 1
        name = f"{base[:80 - len(str(number)) - 1]}-{number}"
    taken.add(name.lower())
    return name


def _one_rule_per_domain(check: Validator, rules: dict[str, Sequence[str]]) -> dict[str, Sequence[str]]:
    """The rules, a domain named again in another case left out and reported: DNS compares names
    in any case (RFC 4343), so it is the same domain, and a ruleset takes one rule per domain
    (Azure refuses the second: MicrosoftDocs/azure-docs#94326, two rules for '.')."""
    first: dict[str, str] = {}
    for domain in rules:
        same = first.setdefault(domain.lower(), domain)
        if same != domain:
            servers = list(dict.fromkeys([*rules[same], *rules[domain]]))
            check.fail(
                "forwarding rule domain", domain,
                f"is the domain {same!r} again (DNS names are the same in any case)",
                "one forwarding rule per domain",
                f"merge the two rules' servers under one domain: {same!r}: {servers!r}",
            )
    return {domain: servers for domain, servers in rules.items() if first[domain.lower()] == domain}


# A label of a rule's domain: Azure names no characters (a "dot-terminated DNS namespace", Microsoft
# Learn, "Azure DNS Private Resolver endpoints and rulesets") and azurerm takes any domain_name;
# underscores stay, as in Active Directory's `_msdcs.corp.example.com.`.
_LABEL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?")


def _check_forwarding_rule(check: Validator, domain: str, servers: Sequence[str]) -> None:
    labels = domain[:-1].split(".") if domain.endswith(".") else []
    bad = [label for label in labels if not _LABEL.fullmatch(label)]
    if domain != WILDCARD_DOMAIN and domain and not domain.strip("."):
        check.fail(
            "forwarding rule domain", domain, "is only dots, no domain",
            "a domain such as 'corp.example.com.' (the trailing dot included), or '.' for every domain",
            "name the domain to forward, or use '.' for every domain",
        )
    elif domain != WILDCARD_DOMAIN and labels and bad and domain.strip("."):
        check.fail(
            "forwarding rule domain", domain, f"has the label {bad[0]!r}, which DNS does not take",
            "labels of 1-63 letters, digits, hyphens and underscores, not starting or ending with a hyphen, "
            "as in 'corp.example.com.' or '_msdcs.corp.example.com.'",
            f"correct the label {bad[0]!r}",
        )
    else:
        check.require(
            domain == WILDCARD_DOMAIN or bool(labels), "forwarding rule domain", domain,
            "is not a domain name ending with a dot",
            "a domain such as 'corp.example.com.' (the trailing dot included), or '.' for every domain",
            f"write it as {domain.rstrip('.') + '.'!r}" if domain.strip(".") else "name the domain to forward",
        )
    check.in_range(f"forwarding rule {domain!r} servers (count)", len(servers), 1, 6)
    for server in servers:
        if is_token(server):
            continue  # known at apply time
        try:
            ipaddress.IPv4Address(server)
        except ValueError:
            check.fail(
                f"forwarding rule {domain!r} server", server, "is not an IPv4 address",
                "the IPv4 address of a DNS server that answers for the domain", "write it as e.g. '10.1.0.4'",
            )
        # "You can't enter the Azure DNS IP address of 168.63.129.16 as the destination IP address
        # for a rule" (Microsoft Learn, "Azure DNS Private Resolver endpoints and rulesets").
        check.require(
            server != AZURE_DNS, f"forwarding rule {domain!r} server", server,
            "is Azure DNS, which a forwarding rule cannot target",
            "the address of a DNS server of your own (Azure refuses 168.63.129.16 as a rule's destination)",
            "leave the domain out of forwarding_rules: a query no rule matches is resolved by Azure DNS",
        )


def _check_inbound_ip(check: Validator, inbound_ip: str, inbound: Subnet | None) -> None:
    subnet = inbound.network if inbound is not None else None
    if subnet is None or is_token(inbound_ip):
        return  # no inbound subnet (or none with a valid range): reported already; a token: known at apply
    try:
        address = ipaddress.IPv4Address(inbound_ip)
    except ValueError:
        address = None
    usable = list(subnet.hosts())[_RESERVED_AT_START - 1:]
    # ' 10.20.3.4' or '10.20.3.4/32': the address, written with spaces or as a range of one.
    bare = "".join(inbound_ip.split()).removesuffix("/32")
    meant = None
    with contextlib.suppress(ValueError):
        meant = ipaddress.IPv4Address(bare) if address is None else None
    check.require(
        address is not None and address in usable, "inbound_ip", inbound_ip,
        "is not written as one address" if meant is not None else
        f"is not a usable address of the inbound subnet {subnet}",
        f"{usable[0]} to {usable[-1]} (Azure reserves the first four and the last address)"
        if usable else f"an address in {subnet}",
        f"write it as {bare!r}" if meant is not None and meant in usable else
        f"pick an address such as {usable[0] if usable else subnet.network_address}",
    )
