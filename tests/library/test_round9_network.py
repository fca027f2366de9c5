"""The ninth outside-in round, on the network tier: NSG rule ports and sources, the gateway
subnet's name, the VPN client pool, private DNS zones and records, and private endpoints' names,
as a hurried user writes them. Each mistake is one problem naming the construct, the value, what
Azure takes and the fix (never a traceback); each value Azure and azurerm take passes."""

from __future__ import annotations

import pytest
from helpers import error_of, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.constructs.inputs import deploy_input
from sigmatiq_infra.stacks import App, AzureStack
from sigmatiq_infra.testing import Template

R = c.SubnetRole
ALLOWED_PORTS = "Allowed: a port 0-65535, a range such as '8000-8080' (low to high), or '*'."


@pytest.fixture
def own(tmp_path):
    """A user's stack in an app that synthesizes, and its group."""
    stack = AzureStack(App(outdir=str(tmp_path / "cdktf.out")), "net")
    return stack, c.ResourceGroup(stack, "G", c.ResourceGroupProps("rg-net", "westeurope"))


def vnet(scope, group, *subnets, id="Net", name="vnet-test", space="10.20.0.0/16"):
    return c.VirtualNetwork(scope, id, c.VirtualNetworkProps(name, group, space, list(subnets)))


def with_rule(scope, group, *, source="Internet", ports=("443",), id="Net"):
    return vnet(scope, group, c.SubnetSpec("snet-pe", "10.20.1.0/24", R.PRIVATE_ENDPOINTS, [
        c.InboundRule("r", 100, source, ports),
    ]), id=id)


# --- 1. NSG rules: ports of ASCII digits, low to high; '*' rather than 'Any' ----------------------------


def test_a_port_in_another_scripts_digits_is_refused_not_written(stack, group):
    assert error_of(lambda: with_rule(stack, group, ports=("٤٤٣",))) == (
        "VirtualNetwork 'test/Net': subnet 'snet-pe' inbound rule 'r' port '٤٤٣' is not a port or range Azure "
        f"takes. {ALLOWED_PORTS} Fix: write one port or one range of ASCII digits per item, e.g. "
        "ports=('80', '443', '8000-8080')."
    )


@pytest.mark.parametrize(("port", "fix"), [
    ("443-80", "write the range low to high: '80-443'"),
    ("65536", "use ports from 0 to 65535"),
    ("1024-100000", "use ports from 0 to 65535"),
    (" 443", "write it without spaces: '443'"),
    ("any", "write '*' for every port"),
])
def test_a_port_azure_refuses_is_told_the_fix_for_what_is_wrong(stack, group, port, fix):
    assert error_of(lambda: with_rule(stack, group, ports=(port,))) == (
        f"VirtualNetwork 'test/Net': subnet 'snet-pe' inbound rule 'r' port {port!r} is not a port or range "
        f"Azure takes. {ALLOWED_PORTS} Fix: {fix}."
    )


@pytest.mark.parametrize("source", ["any", "Any"])
def test_any_as_a_source_is_refused_with_the_star_azure_takes(stack, group, source):
    assert error_of(lambda: with_rule(stack, group, source=source)) == (
        f"VirtualNetwork 'test/Net': subnet 'snet-pe' inbound rule 'r' source {source!r} is not an address, CIDR "
        "range or service tag. Allowed: '*', an IP address or CIDR range such as '172.16.0.0/24', or a service "
        "tag such as 'Internet' or 'VirtualNetwork'. Fix: write '*' for any source."
    )


def test_a_source_with_a_space_around_it_is_told_to_drop_the_space(stack, group):
    assert error_of(lambda: with_rule(stack, group, source="Internet ")).endswith(
        "Fix: write it without spaces: 'Internet'.",
    )


def test_every_port_and_range_azure_takes_passes_as_written(own):
    stack, group = own
    ports = ("0", "65535", "1-65535", "80-80")  # '*' only alone: test_round20_network_sources
    with_rule(stack, group, source="AzureLoadBalancer", ports=ports)
    assert recorded(stack) == []
    rules = Template.from_stack(stack).resources("azurerm_network_security_rule")
    assert [config["destination_port_ranges"] for config in rules.values()] == [list(ports)]


# --- 2. the gateway subnet: its name in any case, as Azure and azurerm compare it ------------------------


def test_a_gateway_subnet_named_in_another_case_passes_and_takes_the_gateway(stack, group):
    network = vnet(stack, group, c.SubnetSpec("gatewaysubnet", "10.20.0.0/27", R.GATEWAY))
    assert recorded(stack) == []
    assert network.subnet_for(R.GATEWAY).name == "gatewaysubnet"


def test_a_private_endpoint_subnet_named_gatewaysubnet_in_any_case_is_refused(stack, group):
    assert error_of(lambda: vnet(stack, group, c.SubnetSpec("GATEWAYSUBNET", "10.20.0.0/27", R.PRIVATE_ENDPOINTS))) == (
        "VirtualNetwork 'test/Net': subnet 'GATEWAYSUBNET' 'PRIVATE_ENDPOINTS' breaks the gateway subnet naming "
        "rule. Allowed: role GATEWAY exactly for the subnet named 'GatewaySubnet'. Fix: give this subnet a name of "
        "its own, e.g. 'snet-private-endpoints', or role=SubnetRole.GATEWAY if it is the VPN gateway's."
    )


# --- 3. the VPN client pool: the range suggested is one the VNet leaves free ------------------------------


def vpn(scope, group, network, pool):
    return c.VpnGateway(scope, "Vpn", c.VpnGatewayProps(
        "vpngw-test", group, network, pool, [c.RootCertificate.from_input(scope, "root", "Root")],
    ))


def test_a_pool_overlapping_a_vnet_on_172_16_is_offered_a_range_outside_it(stack, group):
    network = vnet(stack, group, c.SubnetSpec("GatewaySubnet", "172.16.0.0/27", R.GATEWAY), space="172.16.0.0/12")
    assert error_of(lambda: vpn(stack, group, network, "172.16.1.0/24")) == (
        "VpnGateway 'test/Vpn': client_address_pool '172.16.1.0/24' overlaps the VNet address space 172.16.0.0/12. "
        "Allowed: a range outside the VNet (and outside any network the clients are on). "
        "Fix: use a separate range such as '192.168.255.0/24'."
    )


def test_a_public_pool_beside_a_vnet_on_172_16_is_offered_a_private_range_outside_it(stack, group):
    network = vnet(stack, group, c.SubnetSpec("GatewaySubnet", "172.16.0.0/27", R.GATEWAY), space="172.16.0.0/16")
    assert error_of(lambda: vpn(stack, group, network, "100.64.0.0/24")).endswith(
        "Fix: use a private range such as '192.168.255.0/24'.",
    )


# --- 4. private DNS zones and records: reserved names, no traceback for an empty name or id ---------------


def zones(scope, group):
    return c.PrivateDnsZones(scope, "Z", c.PrivateDnsZonesProps(group, vnet(scope, group)))


RESERVED = (
    "is a name Azure reserves: it blocks creating a private DNS zone of that name. Allowed: a name other than "
    "Azure's reserved zones (azure.com, core.windows.net, windows.net and the others Microsoft Learn lists in "
    "\"What is an Azure Private DNS zone?\"), e.g. 'privatelink.blob.core.windows.net'. Fix: use the privatelink "
    "zone of the service you reach (a construct's private_link.zone), or a domain of your own such as "
    "'corp.internal'."
)


@pytest.mark.parametrize("name", ["core.windows.net", "Azure.com", "windows.net.", "usgovcloudapp.net"])
def test_a_zone_name_azure_reserves_is_refused(stack, group, name):
    dns = zones(stack, group)
    assert error_of(lambda: dns.zone(name), stack) == f"PrivateDnsZones 'test/Z': zone name {name!r} {RESERVED}"


def test_a_zone_below_a_reserved_name_passes(stack, group):
    dns = zones(stack, group)
    dns.zone("privatelink.blob.core.windows.net")
    dns.zone("corp.azure.com")
    assert recorded(stack) == []


def test_an_empty_zone_name_is_one_problem_not_a_traceback(stack, group):
    dns = zones(stack, group)
    assert error_of(lambda: dns.zone(""), stack).startswith(
        "PrivateDnsZones 'test/Z': zone name '' has the label '', which Azure does not take for a private DNS zone.",
    )


def test_a_record_under_an_empty_id_is_one_problem_not_a_traceback(stack, group):
    dns = zones(stack, group)
    zone = dns.zone("corp.internal")
    assert error_of(lambda: dns.add_a_record(stack, "", zone, name="www", records=["10.20.1.4"])) == (
        "PrivateDnsZones 'test/Z': add_a_record id '' is empty. Allowed: a name (str), unique among the scope's "
        "children: it is part of the record's Terraform address. Fix: give the record an id, e.g. "
        "add_a_record(scope, 'WwwRecord', zone, ...)."
    )


def test_a_record_in_a_zone_given_by_its_name_is_told_to_pass_the_zone(stack, group):
    dns = zones(stack, group)
    dns.zone("corp.internal")
    assert error_of(lambda: dns.add_a_record(stack, "Www", "corp.internal", name="www", records=["10.20.1.4"])) == (
        "PrivateDnsZones 'test/Z': add_a_record zone 'corp.internal' is not a zone of these PrivateDnsZones. "
        "Allowed: a zone these zones made: zones.zone(name), linked to their VNet and in their resource group. "
        "Fix: pass zones.zone('corp.internal')."
    )


def test_a_record_in_another_sets_zone_is_refused(stack, group):
    dns = zones(stack, group)
    other = c.PrivateDnsZones(stack, "Other", c.PrivateDnsZonesProps(
        c.ResourceGroup(stack, "G2", c.ResourceGroupProps("rg-other", "centralus")),
        vnet(stack, group, id="Net2", name="vnet-other", space="10.30.0.0/16"),
    ))
    zone = other.zone("corp.internal")
    assert error_of(lambda: dns.add_a_record(stack, "Www", zone, name="www", records=["10.20.1.4"])) == (
        "PrivateDnsZones 'test/Z': add_a_record zone PrivateDnsZone 'test/Other/corp.internal' is not a zone of "
        "these PrivateDnsZones. Allowed: a zone these zones made: zones.zone(name), linked to their VNet and in "
        "their resource group. Fix: pass the zone that zones.zone(name) returns, and call add_a_record on the "
        "PrivateDnsZones that made it."
    )


# --- 5. private endpoints: a name derived from the service's is the service's to shorten -----------------


def private_network(scope, group, *, id="Net", name="vnet-test", space="10.20.0.0/16", zones_id="Zones"):
    network = vnet(scope, group, c.SubnetSpec("snet-pe", space.replace(".0.0/16", ".1.0/24"), R.PRIVATE_ENDPOINTS),
                   id=id, name=name, space=space)
    return c.PrivateNetwork(network, c.PrivateDnsZones(scope, zones_id, c.PrivateDnsZonesProps(group, network)))


def postgres(scope, group, name):
    password = c.WriteOnlySecret.from_inputs(scope, "pw", "the administrator password")
    props = c.PostgresServerProps(name, group, "GP_Standard_D2ds_v4", "adminuser", password)
    return c.PostgresServer(scope, "Db", props)


def test_a_server_name_whose_endpoint_name_is_too_long_says_how_long_the_server_name_may_be(stack, group):
    server = postgres(stack, group, "p" * 63)
    network = private_network(stack, group)
    assert error_of(lambda: server.add_private_endpoint(network), stack) == (
        f"PostgresServer 'test/Db': name '{'p' * 63}' makes the private endpoint name 'pe-{'p' * 63}' 66 characters "
        "long. Allowed: private endpoint names of at most 64 characters, so a name of at most 61. "
        "Fix: shorten the name to 61 characters or fewer."
    )
    assert server.private_endpoints == []


def test_a_second_endpoints_number_counts_in_the_name_the_server_may_have(stack, group):
    server = postgres(stack, group, "p" * 60)
    server.add_private_endpoint(private_network(stack, group))
    second = private_network(stack, group, id="Net2", name="vnet-other", space="10.30.0.0/16", zones_id="Zones2")
    assert error_of(lambda: server.add_private_endpoint(second), stack).endswith(
        "Allowed: private endpoint names of at most 64 characters, so a name of at most 59. "
        "Fix: shorten the name to 59 characters or fewer.",
    )


def test_a_server_name_of_61_characters_gets_its_endpoint(stack, group):
    server = postgres(stack, group, "p" * 61)
    endpoint = server.add_private_endpoint(private_network(stack, group))
    assert recorded(stack) == []
    assert endpoint is not None and server.private_endpoints == [endpoint]


# --- 6. the VPN gateway's depends_on: Terraform resources, never silently dropped -------------------------


def gateway_on(scope, group, network, depends_on):
    return c.VpnGateway(scope, "Vpn", c.VpnGatewayProps(
        "vpngw-test", group, network, "172.16.0.0/24", [c.RootCertificate.from_input(scope, "root", "Root")],
        depends_on=depends_on,
    ))


def test_a_construct_in_depends_on_is_refused_not_written_as_no_dependency(stack, group):
    network = vnet(stack, group, c.SubnetSpec("GatewaySubnet", "10.20.0.0/27", R.GATEWAY))
    assert error_of(lambda: gateway_on(stack, group, network, [network])) == (
        "VpnGateway 'test/Vpn': depends_on[0] VirtualNetwork 'test/Net' is not a Terraform resource. Allowed: "
        "Terraform resources to finish first, e.g. a DnsResolver's vnet_dns_servers. Fix: pass its Terraform "
        "resource: depends_on=[<the VirtualNetwork>.resource]."
    )


def test_a_name_in_depends_on_is_one_problem_not_a_jsii_error(stack, group):
    network = vnet(stack, group, c.SubnetSpec("GatewaySubnet", "10.20.0.0/27", R.GATEWAY))
    assert error_of(lambda: gateway_on(stack, group, network, ["vnet-test"])).endswith(
        "depends_on[0] 'vnet-test' is not a Terraform resource. Allowed: Terraform resources to finish first, e.g. "
        "a DnsResolver's vnet_dns_servers. Fix: pass the resource itself (e.g. resolver.vnet_dns_servers).",
    )


def test_the_resolvers_dns_servers_in_depends_on_are_written(own):
    stack, group = own
    network = vnet(stack, group, c.SubnetSpec("GatewaySubnet", "10.20.0.0/27", R.GATEWAY),
                   c.SubnetSpec("snet-dns-in", "10.20.0.32/28", R.DNS_RESOLVER_INBOUND))
    resolver = c.DnsResolver(stack, "Dns", c.DnsResolverProps("dnsr-test", group, network, "10.20.0.36"))
    gateway_on(stack, group, network, [resolver.vnet_dns_servers])
    assert recorded(stack) == []
    gateway = Template.from_stack(stack).resources("azurerm_virtual_network_gateway")
    assert [config["depends_on"] for config in gateway.values()] == [
        ["azurerm_virtual_network_dns_servers.Dns_VnetDnsServers_2C660778"],
    ]


# --- 7. a zone named again in another case is the same zone --------------------------------------------


def test_a_zone_named_again_in_another_case_is_the_zone_made_first(own):
    stack, group = own
    network = vnet(stack, group, c.SubnetSpec("snet-pe", "10.20.1.0/24", R.PRIVATE_ENDPOINTS))
    dns = c.PrivateDnsZones(stack, "Z", c.PrivateDnsZonesProps(group, network))
    first = dns.zone("Privatelink.Vaultcore.Azure.Net")
    vault = c.KeyVault(stack, "Kv", c.KeyVaultProps("kv-round9", group))
    endpoint = vault.add_private_endpoint(c.PrivateNetwork(network, dns))
    assert dns.zone("corp.internal") is dns.zone("CORP.Internal")
    assert recorded(stack) == []
    assert endpoint.zone is first
    zones = Template.from_stack(stack).resources("azurerm_private_dns_zone")
    assert sorted(config["name"] for config in zones.values()) == ["Privatelink.Vaultcore.Azure.Net", "corp.internal"]


# --- 8. ranges: an IPv6 range or spaces around one are named as such ------------------------------------


def test_an_ipv6_address_space_is_told_it_takes_ipv4_only(stack, group):
    assert error_of(lambda: vnet(stack, group, space="fd00:db8::/48")) == (
        "VirtualNetwork 'test/Net': address_space 'fd00:db8::/48' is an IPv6 range. Allowed: CIDR notation with no "
        "host bits set, e.g. '10.20.1.0/24'. Fix: give address_space an IPv4 range: it takes IPv4 only."
    )


def test_a_subnet_range_with_spaces_is_told_to_drop_them(stack, group):
    assert error_of(lambda: vnet(stack, group, c.SubnetSpec("snet-pe", " 10.20.1.0/24", R.PRIVATE_ENDPOINTS))) == (
        "VirtualNetwork 'test/Net': subnet 'snet-pe' ' 10.20.1.0/24' has spaces around it. Allowed: CIDR notation "
        "with no host bits set, e.g. '10.20.1.0/24'. Fix: write it without spaces: '10.20.1.0/24'."
    )


# --- 9. DNS forwarding: no rule back to the resolver's own inbound endpoint -------------------------------


def test_a_forwarding_rule_to_the_resolvers_own_inbound_endpoint_is_refused(stack, group):
    network = vnet(stack, group, c.SubnetSpec("snet-dns-in", "10.20.0.32/28", R.DNS_RESOLVER_INBOUND),
                   c.SubnetSpec("snet-dns-out", "10.20.0.48/28", R.DNS_RESOLVER_OUTBOUND))
    assert error_of(lambda: c.DnsResolver(stack, "Dns", c.DnsResolverProps(
        "dnsr-test", group, network, "10.20.0.36", forwarding_rules={"corp.example.com.": ["10.1.0.4", "10.20.0.36"]},
    ))) == (
        "DnsResolver 'test/Dns': forwarding rule 'corp.example.com.' server '10.20.0.36' is this resolver's own "
        "inbound endpoint, so the query would loop (its ruleset is linked to the resolver's VNet). Allowed: the "
        "address of another DNS server, one that answers for the domain. Fix: leave the domain out of "
        "forwarding_rules (the inbound endpoint resolves Azure's and linked private zones itself), or name the DNS "
        "server that holds the domain."
    )


# --- 10. deploy-time inputs: tokens are Terraform's to know, never refused at synth ---------------------


def test_an_nsg_source_and_port_given_at_deploy_time_pass(stack, group):
    office = deploy_input(stack, "office_ip", what="the office's address", type="string").string_value
    port = deploy_input(stack, "app_port", what="the app's port", type="string").string_value
    with_rule(stack, group, source=office, ports=(port, "443"))
    assert recorded(stack) == []


def test_a_resolvers_address_and_forwarding_server_given_at_deploy_time_pass(stack, group):
    address = deploy_input(stack, "dns_ip", what="the inbound endpoint's address", type="string").string_value
    server = deploy_input(stack, "corp_dns", what="the corporate DNS server", type="string").string_value
    network = vnet(stack, group, c.SubnetSpec("snet-dns-in", "10.20.0.32/28", R.DNS_RESOLVER_INBOUND),
                   c.SubnetSpec("snet-dns-out", "10.20.0.48/28", R.DNS_RESOLVER_OUTBOUND))
    c.DnsResolver(stack, "Dns", c.DnsResolverProps(
        "dnsr-test", group, network, address, forwarding_rules={"corp.example.com.": [server]},
    ))
    assert recorded(stack) == []
