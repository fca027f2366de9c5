"""Networks as an outside user combines them: DNS forwarding rules, address ranges, subnet sizes,
the VPN client pool, and the constructs Azure lets share a VNet only once. Each mistake is one
problem in the list (never a traceback), each value Azure takes passes."""

from __future__ import annotations

import pytest
from helpers import error_of, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.stacks import App, AzureStack
from sigmatiq_infra.testing import Template
from sigmatiq_infra.validation import ValidationError

R = c.SubnetRole
INBOUND = c.SubnetSpec("snet-dns-in", "10.20.0.32/28", R.DNS_RESOLVER_INBOUND)
OUTBOUND = c.SubnetSpec("snet-dns-out", "10.20.0.48/28", R.DNS_RESOLVER_OUTBOUND)
PE = c.SubnetSpec("snet-pe", "10.20.1.0/24", R.PRIVATE_ENDPOINTS)


def vnet(scope, group, *subnets, id="Net", name="vnet-test", space="10.20.0.0/16"):
    return c.VirtualNetwork(scope, id, c.VirtualNetworkProps(name, group, space, list(subnets)))


def resolver(scope, group, network, id="Dns", name="dnsr-test", inbound_ip="10.20.0.36", **props):
    return c.DnsResolver(scope, id, c.DnsResolverProps(name, group, network, inbound_ip, **props))


@pytest.fixture
def app(tmp_path):
    return App(outdir=str(tmp_path / "cdktf.out"))


@pytest.fixture
def own(app):
    """A user's stack in an app that synthesizes, and its group."""
    stack = AzureStack(app, "net")
    return stack, c.ResourceGroup(stack, "G", c.ResourceGroupProps("rg-net", "westeurope"))


# --- 1. DNS forwarding rules: one name per rule, one rule per domain ------------------------------------


def test_two_domains_whose_labels_join_to_one_name_get_two_rules_the_second_numbered(own):
    stack, group = own
    resolver(stack, group, vnet(stack, group, INBOUND, OUTBOUND), forwarding_rules={
        "a-b.example.com.": ["10.1.0.4"], "a.b-example.com.": ["10.1.0.5"],
    })
    rules = Template.from_stack(stack).resources("azurerm_private_dns_resolver_forwarding_rule")
    assert {config["name"]: config["domain_name"] for config in rules.values()} == {
        "a-b-example-com": "a-b.example.com.", "a-b-example-com-2": "a.b-example.com.",
    }
    assert sorted(config["//"]["metadata"]["path"] for config in rules.values()) == [
        "net/Dns/Rule-a-b-example-com", "net/Dns/Rule-a-b-example-com-2",
    ]


def test_a_rule_keeps_the_name_and_id_it_always_had(own):
    stack, group = own
    resolver(stack, group, vnet(stack, group, INBOUND, OUTBOUND), forwarding_rules={
        "corp.example.com.": ["10.1.0.4"], ".": ["10.1.0.5"],
    })
    rules = Template.from_stack(stack).resources("azurerm_private_dns_resolver_forwarding_rule")
    assert sorted((config["name"], config["//"]["metadata"]["path"]) for config in rules.values()) == [
        ("corp-example-com", "net/Dns/Rule-corp-example-com"), ("wildcard", "net/Dns/Rule-wildcard"),
    ]


def test_a_numbered_name_stays_within_80_characters(own):
    stack, group = own
    resolver(stack, group, vnet(stack, group, INBOUND, OUTBOUND), forwarding_rules={
        f"{'a' * 40}.{'b' * 30}.{'c' * 20}.": ["10.1.0.4"], f"{'a' * 40}.{'b' * 30}-{'c' * 20}.": ["10.1.0.5"],
    })
    names = sorted(
        config["name"] for config in Template.from_stack(stack).resources(
            "azurerm_private_dns_resolver_forwarding_rule").values()
    )
    assert names == [f"{'a' * 40}-{'b' * 30}-{'c' * 6}-2", f"{'a' * 40}-{'b' * 30}-{'c' * 8}"]
    assert {len(name) for name in names} == {80}


def test_two_domains_that_differ_only_in_case_are_one_domain_to_merge(stack, group):
    message = error_of(lambda: resolver(stack, group, vnet(stack, group, INBOUND, OUTBOUND), forwarding_rules={
        "Corp.Example.com.": ["10.1.0.4"], "corp.example.com.": ["10.1.0.5", "10.1.0.4"],
    }))
    assert message == (
        "DnsResolver 'test/Dns': forwarding rule domain 'corp.example.com.' is the domain 'Corp.Example.com.' "
        "again (DNS names are the same in any case). Allowed: one forwarding rule per domain. Fix: merge the two "
        "rules' servers under one domain: 'Corp.Example.com.': ['10.1.0.4', '10.1.0.5']."
    )


def test_two_domains_that_differ_only_in_case_are_one_problem_at_synth(own, app):
    stack, group = own
    resolver(stack, group, vnet(stack, group, INBOUND, OUTBOUND), forwarding_rules={
        "Corp.Example.com.": ["10.1.0.4"], "corp.example.com.": ["10.1.0.5"],
    })
    with pytest.raises(ValidationError) as raised:
        app.synth()
    assert [p.split(":")[0] for p in raised.value.problems] == ["DnsResolver 'net/Dns'"]


# --- 2. address ranges in CIDR notation only -----------------------------------------------------------


def test_a_range_with_a_netmask_is_refused_with_the_cidr_to_write(stack, group):
    assert error_of(lambda: vnet(stack, group, c.SubnetSpec("snet-pe", "10.20.1.0/255.255.255.0",
                                                            R.PRIVATE_ENDPOINTS), space="10.20.0.0/255.255.0.0")) == (
        "VirtualNetwork 'test/Net': address_space '10.20.0.0/255.255.0.0' gives its prefix length as a netmask. "
        "Allowed: CIDR notation with no host bits set, e.g. '10.20.1.0/24'. Fix: write it as '10.20.0.0/16'.\n"
        "VirtualNetwork 'test/Net': subnet 'snet-pe' '10.20.1.0/255.255.255.0' gives its prefix length as a "
        "netmask. Allowed: CIDR notation with no host bits set, e.g. '10.20.1.0/24'. Fix: write it as "
        "'10.20.1.0/24'."
    )


def test_a_range_without_a_prefix_length_is_one_problem_saying_so(stack, group):
    assert error_of(lambda: vnet(stack, group, c.SubnetSpec("snet-pe", "10.20.1.0", R.PRIVATE_ENDPOINTS),
                                 space="10.20.0.0")) == (
        "VirtualNetwork 'test/Net': address_space '10.20.0.0' has no prefix length. Allowed: CIDR notation with "
        "no host bits set, e.g. '10.20.1.0/24'. Fix: add the prefix length, e.g. '10.20.0.0/16'.\n"
        "VirtualNetwork 'test/Net': subnet 'snet-pe' '10.20.1.0' has no prefix length. Allowed: CIDR notation "
        "with no host bits set, e.g. '10.20.1.0/24'. Fix: add the prefix length, e.g. '10.20.1.0/24'."
    )


def test_a_vpn_client_pool_without_a_prefix_length_is_refused(stack, group):
    network = vnet(stack, group, c.SubnetSpec("GatewaySubnet", "10.20.0.0/27", R.GATEWAY))
    assert error_of(lambda: c.VpnGateway(stack, "Vpn", c.VpnGatewayProps(
        "vpngw-test", group, network, "172.16.0.0", [c.RootCertificate.from_input(stack, "root", "Root")],
    ))) == (
        "VpnGateway 'test/Vpn': client_address_pool '172.16.0.0' has no prefix length. Allowed: CIDR notation "
        "with no host bits set, e.g. '10.20.1.0/24'. Fix: add the prefix length, e.g. '172.16.0.0/16'."
    )


def test_an_nsg_source_with_a_netmask_is_refused_and_addresses_ranges_and_tags_pass(stack, group):
    def rules(*sources):
        return vnet(stack, group, c.SubnetSpec("snet-pe", "10.20.1.0/24", R.PRIVATE_ENDPOINTS, [
            c.InboundRule(f"r{n}", 100 + n, source, ("443",)) for n, source in enumerate(sources)
        ]), id=f"Net{len(sources)}")

    rules("*", "10.1.0.4", "10.1.0.0/16", "fd00::/8", "Internet", "Storage.WestEurope")
    assert recorded(stack) == []
    assert error_of(lambda: rules("10.1.0.0/255.255.0.0")) == (
        "VirtualNetwork 'test/Net1': subnet 'snet-pe' inbound rule 'r0' source '10.1.0.0/255.255.0.0' is not an "
        "address, CIDR range or service tag. Allowed: '*', an IP address or CIDR range such as '172.16.0.0/24', "
        "or a service tag such as 'Internet' or 'VirtualNetwork'. Fix: write it as '10.1.0.0/16'."
    )


def test_a_range_with_a_netmask_is_never_written_to_terraform(own, app, tmp_path):
    stack, group = own
    vnet(stack, group, PE, space="10.20.0.0/255.255.0.0")
    with pytest.raises(ValidationError) as raised:
        app.synth()
    assert [problem.split(" gives ")[0] for problem in raised.value.problems] == [
        "VirtualNetwork 'net/Net': address_space '10.20.0.0/255.255.0.0'",
    ]
    assert not (tmp_path / "cdktf.out").exists()


# --- 3. subnet sizes: Azure's rules per role, not advice -----------------------------------------------


@pytest.mark.parametrize(("role", "cidr"), [
    (R.PRIVATE_ENDPOINTS, "10.20.1.0/29"), (R.PRIVATE_ENDPOINTS, "10.0.0.0/7"), (R.CONTAINER_APPS, "10.20.2.0/27"),
    (R.CONTAINER_APPS, "10.0.0.0/7"), (R.DNS_RESOLVER_INBOUND, "10.20.0.0/24"),
])
def test_every_subnet_size_azure_takes_for_the_role_passes(stack, group, role, cidr):
    vnet(stack, group, c.SubnetSpec("snet-x", cidr, role), space=cidr if cidr.endswith("/7") else "10.20.0.0/16")
    assert recorded(stack) == []


def test_a_private_endpoint_subnet_smaller_than_azure_takes_is_refused(stack, group):
    assert error_of(lambda: vnet(stack, group, c.SubnetSpec("snet-pe", "10.20.1.0/30", R.PRIVATE_ENDPOINTS))) == (
        "VirtualNetwork 'test/Net': subnet 'snet-pe' '10.20.1.0/30' is the wrong size for a private endpoints "
        "subnet. Allowed: /2 to /29 for private endpoints. Fix: give it a prefix between /2 and /29."
    )


def test_a_gateway_subnet_smaller_than_27_is_still_refused(stack, group):
    assert error_of(lambda: vnet(stack, group, c.SubnetSpec("GatewaySubnet", "10.20.0.0/28", R.GATEWAY))) == (
        "VirtualNetwork 'test/Net': subnet 'GatewaySubnet' '10.20.0.0/28' is the wrong size for a VPN gateway "
        "subnet. Allowed: /2 to /27 for VPN gateway. Fix: give it a prefix between /2 and /27."
    )


# --- 4. the VPN client pool: private ranges, as the message says ----------------------------------------


def vpn(stack, group, pool, id="Vpn", name="vpngw-test", network=None):
    network = network or vnet(stack, group, c.SubnetSpec("GatewaySubnet", "10.20.0.0/27", R.GATEWAY))
    return c.VpnGateway(stack, id, c.VpnGatewayProps(
        name, group, network, pool, [c.RootCertificate.from_input(stack, f"root{id}", "Root")],
    ))


@pytest.mark.parametrize("pool", ["127.0.0.0/24", "169.254.10.0/24", "255.255.255.255/32", "100.64.0.0/24"])
def test_a_vpn_client_pool_outside_the_rfc_1918_ranges_is_refused(stack, group, pool):
    assert error_of(lambda: vpn(stack, group, pool)) == (
        f"VpnGateway 'test/Vpn': client_address_pool {pool!r} is not a private range. Allowed: RFC 1918 ranges: "
        "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16. Fix: use a private range such as '172.16.0.0/24'."
    )


@pytest.mark.parametrize("pool", ["10.99.0.0/24", "172.31.255.0/24", "192.168.0.0/16"])
def test_a_vpn_client_pool_in_an_rfc_1918_range_passes(stack, group, pool):
    vpn(stack, group, pool)
    assert recorded(stack) == []


# --- 5. a forwarding rule cannot target Azure DNS -------------------------------------------------------


def test_a_forwarding_rule_to_azure_dns_is_refused(stack, group):
    assert error_of(lambda: resolver(stack, group, vnet(stack, group, INBOUND, OUTBOUND), forwarding_rules={
        "corp.example.com.": ["10.1.0.4", "168.63.129.16"],
    })) == (
        "DnsResolver 'test/Dns': forwarding rule 'corp.example.com.' server '168.63.129.16' is Azure DNS, which a "
        "forwarding rule cannot target. Allowed: the address of a DNS server of your own (Azure refuses "
        "168.63.129.16 as a rule's destination). Fix: leave the domain out of forwarding_rules: a query no rule "
        "matches is resolved by Azure DNS."
    )


# --- 6. what Azure lets a VNet have once -------------------------------------------------------------------


def test_two_dns_resolvers_on_one_vnet_are_refused(stack, group):
    network = vnet(stack, group, INBOUND, OUTBOUND)
    resolver(stack, group, network)
    second = {"id": "Dns2", "name": "dnsr-test-2", "inbound_ip": "10.20.0.37"}
    assert error_of(lambda: resolver(stack, group, network, **second)) == (
        "DnsResolver 'test/Dns2': virtual_network VirtualNetwork 'test/Net' already has the DNS resolver "
        "'test/Dns'. Allowed: one DNS resolver per virtual network (Azure: a virtual network can't be shared "
        "between multiple DNS resolvers). Fix: use 'test/Dns' for this VNet (its inbound endpoint serves the whole "
        "VNet, forwarding rules included), or give this resolver a VNet of its own."
    )


def test_two_dns_resolvers_on_one_inbound_address_are_one_problem(stack, group):
    network = vnet(stack, group, INBOUND)
    resolver(stack, group, network)
    message = error_of(lambda: resolver(stack, group, network, id="Dns2", name="dnsr-test-2"))
    assert message.startswith("DnsResolver 'test/Dns2': virtual_network VirtualNetwork 'test/Net' already has")
    assert "\n" not in message


def test_dns_resolvers_on_two_vnets_pass(stack, group):
    resolver(stack, group, vnet(stack, group, INBOUND))
    resolver(stack, group, vnet(stack, group, INBOUND, id="Net2", name="vnet-test-2"), id="Dns2", name="dnsr-2")
    assert recorded(stack) == []


def environment(stack, group, network, id="Env", name="cae-test"):
    return c.ContainerAppEnvironment(stack, id, c.ContainerAppEnvironmentProps(name, group, virtual_network=network))


APPS = c.SubnetSpec("snet-apps", "10.20.2.0/23", R.CONTAINER_APPS)


def test_two_environments_on_one_subnet_are_refused(stack, group):
    network = vnet(stack, group, APPS)
    environment(stack, group, network)
    assert error_of(lambda: environment(stack, group, network, id="Env2", name="cae-test-2")) == (
        "ContainerAppEnvironment 'test/Env2': virtual_network VirtualNetwork 'test/Net' has its Container Apps "
        "subnet 'snet-apps' in use by the environment 'test/Env' already. Allowed: one environment per Container "
        "Apps subnet (Azure: the subnet is dedicated exclusively to one environment). Fix: run these apps in "
        "'test/Env', or give this environment a VNet of its own (a VNet has one CONTAINER_APPS subnet)."
    )


def test_environments_on_two_vnets_pass(stack, group):
    environment(stack, group, vnet(stack, group, APPS))
    environment(stack, group, vnet(stack, group, APPS, id="Net2", name="vnet-test-2"), id="Env2", name="cae-test-2")
    assert recorded(stack) == []


def test_two_vpn_gateways_on_one_vnet_are_refused(stack, group):
    network = vnet(stack, group, c.SubnetSpec("GatewaySubnet", "10.20.0.0/27", R.GATEWAY))
    vpn(stack, group, "172.16.0.0/24", network=network)
    assert error_of(lambda: vpn(stack, group, "172.17.0.0/24", id="Vpn2", name="vpngw-test-2", network=network)) == (
        "VpnGateway 'test/Vpn2': virtual_network VirtualNetwork 'test/Net' already has the VPN gateway "
        "'test/Vpn'. Allowed: one VPN gateway per virtual network (Azure: one virtual network gateway per gateway "
        "type). Fix: give 'test/Vpn' what this one adds (root certificates take up to 20), or put this gateway on "
        "another VNet."
    )


def test_one_vnet_linked_to_two_zones_of_one_name_is_refused(stack, group):
    other_group = c.ResourceGroup(stack, "Group2", c.ResourceGroupProps("rg-test-2", "centralus"))
    network = vnet(stack, group, PE)
    zones = c.PrivateDnsZones(stack, "Zones", c.PrivateDnsZonesProps(group, network))
    second = c.PrivateDnsZones(stack, "Zones2", c.PrivateDnsZonesProps(other_group, network))
    first = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    first.add_private_endpoint(c.PrivateNetwork(network, zones))
    vault = c.KeyVault(stack, "Vault2", c.KeyVaultProps("kv-test-2", other_group))
    assert error_of(lambda: vault.add_private_endpoint(c.PrivateNetwork(network, second)), scope=stack) == (
        "PrivateDnsZones 'test/Zones2': zone 'privatelink.vaultcore.azure.net' is linked to VirtualNetwork "
        "'test/Net' by PrivateDnsZones 'test/Zones' already. Allowed: one private DNS zone of a name linked to a "
        "virtual network (Azure refuses a second: a virtual network cannot be linked to multiple zones with "
        "overlapping namespaces). Fix: use 'test/Zones' for every private endpoint in this VNet "
        "(PrivateNetwork(vnet, zones) with its zones), and no second PrivateDnsZones for the VNet."
    )


def test_one_vnet_linked_to_zones_of_different_names_from_two_sets_passes(stack, group):
    network = vnet(stack, group, PE)
    c.PrivateDnsZones(stack, "Zones", c.PrivateDnsZonesProps(group, network)).zone("privatelink.vaultcore.azure.net")
    c.PrivateDnsZones(stack, "Zones2", c.PrivateDnsZonesProps(group, network)).zone("corp.internal")
    assert recorded(stack) == []


# --- 7. names the library derives stay within Azure's 80 characters ------------------------------------------


def test_a_subnet_name_whose_nsg_name_is_too_long_says_how_long_it_may_be(stack, group):
    assert error_of(lambda: vnet(stack, group, c.SubnetSpec("s" * 80, "10.20.1.0/24", R.PRIVATE_ENDPOINTS))) == (
        f"VirtualNetwork 'test/Net': subnet name '{'s' * 76}... makes the network security group name "
        f"'nsg-{'s' * 80}' 84 characters long. Allowed: network security group names of at most 80 characters, so "
        "a subnet name of at most 76. Fix: shorten the subnet name to 76 characters or fewer."
    )


def test_a_subnet_name_of_76_characters_and_a_gateway_subnet_pass(stack, group):
    vnet(stack, group, c.SubnetSpec("s" * 76, "10.20.1.0/24", R.PRIVATE_ENDPOINTS),
         c.SubnetSpec("GatewaySubnet", "10.20.0.0/27", R.GATEWAY))
    assert recorded(stack) == []


def test_a_vpn_gateway_name_whose_public_ip_name_is_too_long_is_refused(stack, group):
    assert error_of(lambda: vpn(stack, group, "172.16.0.0/24", name="v" * 80)) == (
        f"VpnGateway 'test/Vpn': name '{'v' * 76}... makes the public IP address name 'pip-{'v' * 80}' 84 "
        "characters long. Allowed: public IP address names of at most 80 characters, so a name of at most 76. "
        "Fix: shorten the name to 76 characters or fewer."
    )


def test_a_resolver_name_is_measured_by_its_longest_derived_name(stack, group):
    assert error_of(lambda: resolver(stack, group, vnet(stack, group, INBOUND), name="d" * 73)) == (
        f"DnsResolver 'test/Dns': name '{'d' * 73}' makes the DNS resolver inbound endpoint name "
        f"'{'d' * 73}-inbound' 81 characters long. Allowed: DNS resolver inbound endpoint names of at most 80 "
        "characters, so a name of at most 72. Fix: shorten the name to 72 characters or fewer."
    )
    assert error_of(lambda: resolver(stack, group, vnet(stack, group, INBOUND, OUTBOUND, id="Net2"), id="Dns2",
                                     name="d" * 72, forwarding_rules={"corp.example.com.": ["10.1.0.4"]})) == (
        f"DnsResolver 'test/Dns2': name '{'d' * 72}' makes the DNS resolver outbound endpoint name "
        f"'{'d' * 72}-outbound' 81 characters long. Allowed: DNS resolver outbound endpoint names of at most 80 "
        "characters, so a name of at most 71. Fix: shorten the name to 71 characters or fewer."
    )


def test_a_resolver_name_of_80_characters_is_its_own_rules_problem_only(stack, group):
    message = error_of(lambda: resolver(stack, group, vnet(stack, group, INBOUND), name="d" * 81))
    assert "has 81 characters" in message and "\n" not in message


# --- 8. asking twice for an endpoint is the same endpoint ---------------------------------------------------


def test_asking_twice_for_an_endpoint_whose_zones_are_linked_elsewhere_returns_the_first(stack, group):
    hub = vnet(stack, group, PE)
    zones = c.PrivateDnsZones(stack, "Zones", c.PrivateDnsZonesProps(group, hub))
    spoke = vnet(stack, group, c.SubnetSpec("snet-pe-b", "10.21.1.0/24", R.PRIVATE_ENDPOINTS), id="Spoke",
                 name="vnet-spoke", space="10.21.0.0/16")
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    first = vault.add_private_endpoint(c.PrivateNetwork(spoke, zones))
    assert vault.add_private_endpoint(c.PrivateNetwork(spoke, zones)) is first
    assert [endpoint.node.path for endpoint in vault.private_endpoints] == ["test/Vault/PrivateEndpoint"]
    assert recorded(stack) == []


def test_an_endpoint_in_another_vnet_is_a_second_endpoint(stack, group):
    one, other = vnet(stack, group, PE), vnet(stack, group, PE, id="Net2", name="vnet-test-2")
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    vault.add_private_endpoint(c.PrivateNetwork(one, c.PrivateDnsZones(stack, "Zones", c.PrivateDnsZonesProps(
        group, one))))
    second = vault.add_private_endpoint(c.PrivateNetwork(other, c.PrivateDnsZones(
        stack, "Zones2", c.PrivateDnsZonesProps(c.ResourceGroup(stack, "G2", c.ResourceGroupProps(
            "rg-test-2", "centralus")), other))))
    assert second.node.path == "test/Vault/PrivateEndpoint2" and len(vault.private_endpoints) == 2


# --- 9. messages that say what to do -------------------------------------------------------------------------


def test_a_forwarding_rule_for_an_underscore_domain_passes_with_a_name_starting_with_a_letter(own):
    stack, group = own
    resolver(stack, group, vnet(stack, group, INBOUND, OUTBOUND), forwarding_rules={
        "_msdcs.corp.example.com.": ["10.1.0.4"], "_ldap._tcp.corp.example.com.": ["10.1.0.4"],
    })
    rules = Template.from_stack(stack).resources("azurerm_private_dns_resolver_forwarding_rule")
    assert sorted((config["name"], config["domain_name"]) for config in rules.values()) == [
        ("ldap-_tcp-corp-example-com", "_ldap._tcp.corp.example.com."),
        ("msdcs-corp-example-com", "_msdcs.corp.example.com."),
    ]


def test_a_forwarding_rule_domain_with_a_bad_label_names_the_label(stack, group):
    assert error_of(lambda: resolver(stack, group, vnet(stack, group, INBOUND, OUTBOUND), forwarding_rules={
        "corp.-example.com.": ["10.1.0.4"],
    })) == (
        "DnsResolver 'test/Dns': forwarding rule domain 'corp.-example.com.' has the label '-example', which DNS "
        "does not take. Allowed: labels of 1-63 letters, digits, hyphens and underscores, not starting or ending "
        "with a hyphen, as in 'corp.example.com.' or '_msdcs.corp.example.com.'. Fix: correct the label '-example'."
    )


def test_two_zone_sets_in_one_group_say_to_use_another_group_not_to_rename_a_privatelink_zone(own, app):
    stack, group = own
    for id, name, space in (("V", "vnet-a", "10.0.0.0/16"), ("W", "vnet-b", "10.1.0.0/16")):
        network = vnet(stack, group, c.SubnetSpec(f"snet-pe-{id}", space.replace("0.0/16", "1.0/24"),
                                                  R.PRIVATE_ENDPOINTS), id=id, name=name, space=space)
        zones = c.PrivateDnsZones(stack, f"Z{id}", c.PrivateDnsZonesProps(group, network))
        c.KeyVault(stack, f"Vault{id}", c.KeyVaultProps(f"kv-test-{id.lower()}", group)).add_private_endpoint(
            c.PrivateNetwork(network, zones))
    with pytest.raises(ValidationError) as raised:
        app.synth()
    assert raised.value.problems == (
        "private DNS zone 'net/ZW/privatelink.vaultcore.azure.net': name 'privatelink.vaultcore.azure.net' is "
        "already the name of private DNS zone 'net/ZV/privatelink.vaultcore.azure.net' (Azure compares names in "
        "any case). Allowed: one private DNS zone per name in its resource group. Fix: give one of the two "
        "PrivateDnsZones another resource group (a privatelink zone's name is its service's, and each "
        "PrivateDnsZones links its zones to its own VNet).",
    )


# --- 10. the zone helpers check what they are given -------------------------------------------------------


def zones_of(stack, group):
    return c.PrivateDnsZones(stack, "Zones", c.PrivateDnsZonesProps(group, vnet(stack, group, PE)))


def test_a_zone_name_that_is_no_name_is_a_problem_not_a_traceback(stack, group):
    zones = zones_of(stack, group)
    assert error_of(lambda: zones.zone(None), scope=stack) == (
        "PrivateDnsZones 'test/Zones': zone name None has the type NoneType. Allowed: str. Fix: give zone name a "
        "value of type str."
    )


def test_a_zone_name_azure_does_not_take_is_refused_and_a_dns_name_passes(stack, group):
    zones = zones_of(stack, group)
    zones.zone("corp.internal")
    zones.zone("_sites.corp-2.example.com")
    assert recorded(stack) == []
    assert error_of(lambda: zones.zone("not a zone!!"), scope=stack) == (
        "PrivateDnsZones 'test/Zones': zone name 'not a zone!!' has the label 'not a zone!!', which Azure does not "
        "take for a private DNS zone. Allowed: 2 to 34 labels of 1-63 letters, digits, underscores and hyphens, "
        "separated by periods, as in 'privatelink.vaultcore.azure.net'. Fix: write the zone's domain name, e.g. "
        "'corp.internal'."
    )
    assert error_of(lambda: zones.zone("internal"), scope=stack).startswith(
        "PrivateDnsZones 'test/Zones': zone name 'internal' has 1 label, which Azure does not take",
    )


def test_an_a_record_in_upper_case_is_refused_with_its_lower_case_name(stack, group):
    zones = zones_of(stack, group)
    zone = zones.zone("corp.internal")
    assert error_of(lambda: zones.add_a_record(stack, "Rec", zone, name="App", records=["10.0.0.5"]), scope=stack) == (
        "PrivateDnsZones 'test/Zones': add_a_record name 'App' has upper-case letters. Allowed: a lower-case record "
        "name (azurerm takes no other; DNS compares names in any case). Fix: write it as 'app'."
    )


def test_an_a_record_with_no_address_or_a_negative_ttl_is_refused(stack, group):
    zones = zones_of(stack, group)
    zone = zones.zone("corp.internal")
    assert error_of(lambda: zones.add_a_record(stack, "Rec", zone, name="app", records=["not-an-ip"], ttl=-5),
                    scope=stack) == (
        "PrivateDnsZones 'test/Zones': add_a_record record 'not-an-ip' is not an IPv4 address. Allowed: the IPv4 "
        "address the name resolves to, e.g. '10.20.2.4'. Fix: write the address as four numbers.\n"
        "PrivateDnsZones 'test/Zones': add_a_record ttl -5 is out of range. Allowed: 0 to 2147483647 seconds. Fix: "
        "give the time to live in seconds, e.g. ttl=300."
    )


def test_an_a_record_azure_takes_passes(stack, group):
    zones = zones_of(stack, group)
    zones.add_a_record(stack, "Rec", zones.zone("corp.internal"), name="*", records=["10.0.0.5"], ttl=0)
    assert recorded(stack) == []


def test_a_zone_or_a_record_under_an_id_taken_already_is_a_problem_not_a_traceback(app, own):
    stack, group = own
    zones = c.PrivateDnsZones(stack, "Z", c.PrivateDnsZonesProps(
        group, vnet(stack, group, c.SubnetSpec("pe", "10.20.1.0/24", c.SubnetRole.PRIVATE_ENDPOINTS)),
    ))
    first = zones.zone("a.internal", id="X")
    zones.zone("b.internal", id="X")
    zones.add_a_record(stack, "Rec", first, name="www", records=["10.20.1.4"])
    zones.add_a_record(stack, "Rec", first, name="www2", records=["10.20.1.5"])
    assert list(app.problems.problems) == [
        "PrivateDnsZones.zone 'net/Z/X': id 'X' is already the id of another construct in 'net/Z'. Allowed: one "
        "construct per id in a scope (the id is part of every Terraform address below it). Fix: give this construct "
        "an id of its own.",
        "PrivateDnsZones.add_a_record 'net/Rec': id 'Rec' is already the id of another construct in 'net'. Allowed: "
        "one construct per id in a scope (the id is part of every Terraform address below it). Fix: give this "
        "construct an id of its own.",
    ]


def test_a_forwarding_domain_of_dots_only_is_refused(own):
    stack, group = own
    network = vnet(
        stack, group, c.SubnetSpec("dnsin", "10.20.0.32/28", c.SubnetRole.DNS_RESOLVER_INBOUND),
        c.SubnetSpec("dnsout", "10.20.0.48/28", c.SubnetRole.DNS_RESOLVER_OUTBOUND),
    )
    assert error_of(lambda: resolver(stack, group, network, forwarding_rules={"..": ["10.50.0.5"]})) == (
        "DnsResolver 'net/Dns': forwarding rule domain '..' is only dots, no domain. Allowed: a domain such as "
        "'corp.example.com.' (the trailing dot included), or '.' for every domain. Fix: name the domain to forward, "
        "or use '.' for every domain."
    )


def test_two_subnets_of_one_role_say_to_keep_one_not_to_add_one(own):
    stack, group = own
    network = vnet(
        stack, group, c.SubnetSpec("cae-a", "10.20.2.0/27", c.SubnetRole.CONTAINER_APPS),
        c.SubnetSpec("cae-b", "10.20.2.32/27", c.SubnetRole.CONTAINER_APPS),
    )
    message = error_of(lambda: network.subnet_for(c.SubnetRole.CONTAINER_APPS), network)
    assert "Fix: keep one SubnetSpec with role=CONTAINER_APPS in this VNet" in message


def test_a_range_with_host_bits_set_is_told_the_network_it_lies_in(stack, group):
    message = error_of(lambda: vnet(stack, group, c.SubnetSpec("snet-pe", "10.20.1.5/24", R.PRIVATE_ENDPOINTS)))
    assert message.endswith("Fix: write the network address and prefix length: '10.20.1.0/24'.")


def test_two_subnets_whose_derived_nsgs_share_a_name_say_to_rename_a_subnet(app, own, tmp_path):
    from sigmatiq_infra.validation import ValidationError

    stack, group = own
    vnet(stack, group, c.SubnetSpec("snet-in", "10.20.1.0/24", R.PRIVATE_ENDPOINTS), id="A", name="vnet-a")
    vnet(stack, group, c.SubnetSpec("snet-in", "10.21.1.0/24", R.PRIVATE_ENDPOINTS), id="B", name="vnet-b",
         space="10.21.0.0/16")
    with pytest.raises(ValidationError) as raised:
        app.synth()
    assert list(raised.value.problems) == [
        "network security group 'net/B/Nsg-snet-in': name 'nsg-snet-in' is already the name of network security "
        "group 'net/A/Nsg-snet-in' (Azure compares names in any case). Allowed: one network security group per name "
        "in its resource group. Fix: rename one of the two subnets (a subnet's network security group is named "
        "nsg-<subnet name>), or put one VNet in another resource group.",
    ]
