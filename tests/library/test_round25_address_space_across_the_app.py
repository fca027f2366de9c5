"""Round 25, address-space arithmetic as a hurried user's own app writes it: a VNet, its subnets, a
VPN client pool and a DNS resolver's address. A range written with host bits set or with spaces is
still judged as the network it lies in, so the fix it is given is not met by another problem on the
next run; a range over several of the ranges Azure keeps is one problem; a DNS resolver address
written with spaces or as a /32 is told the address to write. The edge values Azure takes pass, and
are written as given."""

from __future__ import annotations

import pytest
from helpers import error_of, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.stacks import App, AzureStack
from sigmatiq_infra.testing import Template

R = c.SubnetRole
CIDR = "Allowed: CIDR notation with no host bits set, e.g. '10.20.1.0/24'."
KEPT = (
    "Allowed: an address space outside 224.0.0.0/4, 255.255.255.255/32, 127.0.0.0/8, 169.254.0.0/16, "
    "168.63.129.16/32. Fix: choose another range, e.g. a private one (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)."
)


@pytest.fixture
def own(tmp_path):
    """A user's stack in an app that synthesizes, and its group."""
    stack = AzureStack(App(outdir=str(tmp_path / "cdktf.out")), "net")
    return stack, c.ResourceGroup(stack, "G", c.ResourceGroupProps("rg-net", "westeurope"))


def vnet(scope, group, *subnets, space="10.20.0.0/16"):
    return c.VirtualNetwork(scope, "Net", c.VirtualNetworkProps("vnet-test", group, space, list(subnets)))


def pe(cidr, name="snet-pe"):
    return c.SubnetSpec(name, cidr, R.PRIVATE_ENDPOINTS)


def vpn(stack, group, pool, space="10.20.0.0/16"):
    network = vnet(stack, group, c.SubnetSpec("GatewaySubnet", "10.20.0.0/27", R.GATEWAY), space=space)
    return c.VpnGateway(stack, "Vpn", c.VpnGatewayProps(
        "vpngw-test", group, network, pool, [c.RootCertificate.from_input(stack, "root", "Root")],
    ))


def resolver(stack, group, inbound_ip, cidr="10.20.3.0/28"):
    network = vnet(stack, group, c.SubnetSpec("snet-dns-in", cidr, R.DNS_RESOLVER_INBOUND))
    return c.DnsResolver(stack, "Dns", c.DnsResolverProps("dnspr-test", group, network, inbound_ip))


# --- 1. a subnet with host bits set is still judged as the network it lies in -------------------------


def test_a_subnet_with_host_bits_set_outside_the_vnet_is_told_both_at_once(stack, group):
    assert error_of(lambda: vnet(stack, group, pe("10.21.1.5/24"))) == (
        "VirtualNetwork 'test/Net': subnet 'snet-pe' '10.21.1.5/24' is not an IPv4 network (10.21.1.5/24 has host "
        f"bits set). {CIDR} Fix: write the network address and prefix length: '10.21.1.0/24'.\n"
        "VirtualNetwork 'test/Net': subnet 'snet-pe' '10.21.1.5/24' lies outside the VNet 10.20.0.0/16. Allowed: a "
        "range inside 10.20.0.0/16. Fix: move the subnet into the VNet's address space."
    )


def test_a_subnet_with_host_bits_set_over_another_subnet_is_told_the_overlap_at_once(stack, group):
    assert error_of(lambda: vnet(stack, group, pe("10.20.1.0/24"), pe("10.20.1.5/24", "snet-pe-2"))) == (
        "VirtualNetwork 'test/Net': subnet 'snet-pe-2' '10.20.1.5/24' is not an IPv4 network (10.20.1.5/24 has host "
        f"bits set). {CIDR} Fix: write the network address and prefix length: '10.20.1.0/24'.\n"
        "VirtualNetwork 'test/Net': subnet 'snet-pe-2' '10.20.1.5/24' overlaps subnet 'snet-pe' (10.20.1.0/24). "
        "Allowed: subnets that share no addresses. Fix: move one of the two subnets."
    )


def test_a_container_apps_subnet_with_host_bits_set_and_too_small_is_told_its_size_at_once(stack, group):
    spec = c.SubnetSpec("snet-apps", "10.20.2.9/28", R.CONTAINER_APPS)
    assert error_of(lambda: vnet(stack, group, spec)) == (
        "VirtualNetwork 'test/Net': subnet 'snet-apps' '10.20.2.9/28' is not an IPv4 network (10.20.2.9/28 has host "
        f"bits set). {CIDR} Fix: write the network address and prefix length: '10.20.2.0/28'.\n"
        "VirtualNetwork 'test/Net': subnet 'snet-apps' '10.20.2.9/28' is the wrong size for a Container Apps "
        "environment subnet. Allowed: /2 to /27 for Container Apps environment. Fix: give it a prefix between /2 "
        "and /27."
    )


def test_a_vnet_with_host_bits_set_still_has_its_subnets_placed_in_it(stack, group):
    assert error_of(lambda: vnet(stack, group, pe("10.21.1.0/24"), space="10.20.0.5/16")) == (
        "VirtualNetwork 'test/Net': address_space '10.20.0.5/16' is not an IPv4 network (10.20.0.5/16 has host bits "
        f"set). {CIDR} Fix: write the network address and prefix length: '10.20.0.0/16'.\n"
        "VirtualNetwork 'test/Net': subnet 'snet-pe' '10.21.1.0/24' lies outside the VNet 10.20.0.0/16. Allowed: a "
        "range inside 10.20.0.0/16. Fix: move the subnet into the VNet's address space."
    )


def test_a_vnet_on_loopback_with_host_bits_set_is_told_both_at_once(stack, group):
    assert error_of(lambda: vnet(stack, group, space="127.0.0.1/8")) == (
        "VirtualNetwork 'test/Net': address_space '127.0.0.1/8' is not an IPv4 network (127.0.0.1/8 has host bits "
        f"set). {CIDR} Fix: write the network address and prefix length: '127.0.0.0/8'.\n"
        "VirtualNetwork 'test/Net': address_space '127.0.0.1/8' overlaps 127.0.0.0/8 (loopback), which Azure keeps "
        f"for itself. {KEPT}"
    )


def test_a_vpn_pool_with_host_bits_set_inside_the_vnet_is_told_the_overlap_at_once(stack, group):
    assert error_of(lambda: vpn(stack, group, "10.20.5.7/24")) == (
        "VpnGateway 'test/Vpn': client_address_pool '10.20.5.7/24' is not an IPv4 network (10.20.5.7/24 has host "
        f"bits set). {CIDR} Fix: write the network address and prefix length: '10.20.5.0/24'.\n"
        "VpnGateway 'test/Vpn': client_address_pool '10.20.5.7/24' overlaps the VNet address space 10.20.0.0/16. "
        "Allowed: a range outside the VNet (and outside any network the clients are on). Fix: use a separate range "
        "such as '172.16.0.0/24'."
    )


def test_a_container_apps_subnet_with_host_bits_set_on_a_reserved_range_is_told_both_at_once(stack, group):
    network = vnet(stack, group, c.SubnetSpec("snet-apps", "172.31.0.5/23", R.CONTAINER_APPS), space="172.16.0.0/12")
    assert error_of(lambda: c.ContainerAppEnvironment(stack, "Env", c.ContainerAppEnvironmentProps(
        "cae-test", group, virtual_network=network,
    )), stack) == (
        "VirtualNetwork 'test/Net': subnet 'snet-apps' '172.31.0.5/23' is not an IPv4 network (172.31.0.5/23 has "
        f"host bits set). {CIDR} Fix: write the network address and prefix length: '172.31.0.0/23'.\n"
        "ContainerAppEnvironment 'test/Env': subnet 'snet-apps' '172.31.0.5/23' overlaps address ranges Container "
        "Apps reserves (172.31.0.0/16). Allowed: a range outside those a workload-profiles environment reserves: "
        "169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16, 192.0.2.0/24, 100.100.0.0/17, 100.100.128.0/19, "
        "100.100.160.0/19, 100.100.192.0/19. Fix: move the Container Apps subnet (and its VNet) to another private "
        "range, such as 10.20.2.0/23."
    )


def test_a_resolver_on_a_subnet_with_host_bits_set_is_told_its_reserved_address_at_once(stack, group):
    assert error_of(lambda: resolver(stack, group, "10.20.3.2", cidr="10.20.3.3/28"), stack) == (
        "VirtualNetwork 'test/Net': subnet 'snet-dns-in' '10.20.3.3/28' is not an IPv4 network (10.20.3.3/28 has "
        f"host bits set). {CIDR} Fix: write the network address and prefix length: '10.20.3.0/28'.\n"
        "DnsResolver 'test/Dns': inbound_ip '10.20.3.2' is not a usable address of the inbound subnet 10.20.3.0/28. "
        "Allowed: 10.20.3.4 to 10.20.3.14 (Azure reserves the first four and the last address). Fix: pick an "
        "address such as 10.20.3.4."
    )


def test_a_vpn_pool_inside_a_vnet_written_with_host_bits_set_is_told_the_overlap_at_once(stack, group):
    assert error_of(lambda: vpn(stack, group, "10.20.5.0/24", space="10.20.0.5/16"), stack) == (
        "VirtualNetwork 'test/Net': address_space '10.20.0.5/16' is not an IPv4 network (10.20.0.5/16 has host bits "
        f"set). {CIDR} Fix: write the network address and prefix length: '10.20.0.0/16'.\n"
        "VpnGateway 'test/Vpn': client_address_pool '10.20.5.0/24' overlaps the VNet address space 10.20.0.0/16. "
        "Allowed: a range outside the VNet (and outside any network the clients are on). Fix: use a separate range "
        "such as '172.16.0.0/24'."
    )


# --- 2. spaces in a range: the range to write, and still judged --------------------------------------


@pytest.mark.parametrize(("space", "where"), [
    ("10.20.0.0 /16", "in"), ("10.20.0.0/ 16", "in"), ("10.20.0.0/16\n", "around"), ("\t10.20.0.0/16", "around"),
])
def test_a_range_with_spaces_is_told_the_range_to_write(stack, group, space, where):
    assert error_of(lambda: vnet(stack, group, space=space)) == (
        f"VirtualNetwork 'test/Net': address_space {space!r} has spaces {where} it. {CIDR} Fix: write it without "
        "spaces: '10.20.0.0/16'."
    )


def test_a_subnet_with_spaces_outside_the_vnet_is_told_both_at_once(stack, group):
    assert error_of(lambda: vnet(stack, group, pe("10.21.1.0 / 24"))) == (
        f"VirtualNetwork 'test/Net': subnet 'snet-pe' '10.21.1.0 / 24' has spaces in it. {CIDR} Fix: write it without "
        "spaces: '10.21.1.0/24'.\n"
        "VirtualNetwork 'test/Net': subnet 'snet-pe' '10.21.1.0 / 24' lies outside the VNet 10.20.0.0/16. Allowed: a "
        "range inside 10.20.0.0/16. Fix: move the subnet into the VNet's address space."
    )


# --- 3. a range over several of the ranges Azure keeps: one problem -----------------------------------


@pytest.mark.parametrize(("space", "kept"), [
    ("0.0.0.0/0", "224.0.0.0/4 (multicast), 255.255.255.255/32 (broadcast), 127.0.0.0/8 (loopback), 169.254.0.0/16 "
                  "(link-local), 168.63.129.16/32 (Azure's DNS, DHCP and health probes)"),
    ("128.0.0.0/1", "224.0.0.0/4 (multicast), 255.255.255.255/32 (broadcast), 169.254.0.0/16 (link-local), "
                    "168.63.129.16/32 (Azure's DNS, DHCP and health probes)"),
    ("224.0.0.0/3", "224.0.0.0/4 (multicast), 255.255.255.255/32 (broadcast)"),
])
def test_a_vnet_over_several_ranges_azure_keeps_is_one_problem_naming_them_all(stack, group, space, kept):
    assert error_of(lambda: vnet(stack, group, space=space)) == (
        f"VirtualNetwork 'test/Net': address_space {space!r} overlaps {kept}, which Azure keeps for itself. {KEPT}"
    )


# --- 4. a DNS resolver address written with spaces or as a range of one --------------------------------


@pytest.mark.parametrize("inbound_ip", [" 10.20.3.4", "10.20.3.4 ", "10.20.3.4/32"])
def test_a_resolver_address_with_spaces_or_a_32_is_told_the_address_to_write(stack, group, inbound_ip):
    assert error_of(lambda: resolver(stack, group, inbound_ip)) == (
        f"DnsResolver 'test/Dns': inbound_ip {inbound_ip!r} is not written as one address. Allowed: 10.20.3.4 to "
        "10.20.3.14 (Azure reserves the first four and the last address). Fix: write it as '10.20.3.4'."
    )


def test_a_resolver_address_written_as_a_32_of_a_reserved_address_is_told_a_usable_one(stack, group):
    assert error_of(lambda: resolver(stack, group, "10.20.3.15/32")) == (
        "DnsResolver 'test/Dns': inbound_ip '10.20.3.15/32' is not written as one address. Allowed: 10.20.3.4 to "
        "10.20.3.14 (Azure reserves the first four and the last address). Fix: pick an address such as 10.20.3.4."
    )


# --- 5. the edge values Azure takes pass, written as given -----------------------------------------------


def test_subnets_at_each_roles_edge_sizes_pass_as_written(own):
    stack, group = own
    subnets = [
        pe("10.20.0.248/29", "snet-pe-29"),  # any subnet: /29 at the smallest (3 addresses left)
        c.SubnetSpec("GatewaySubnet", "10.20.0.0/27", R.GATEWAY),  # non-Basic gateway SKUs: /27 or larger
        c.SubnetSpec("snet-apps", "10.20.2.0/27", R.CONTAINER_APPS),  # workload-profiles environment: /27
        c.SubnetSpec("snet-dns-in", "10.20.3.0/28", R.DNS_RESOLVER_INBOUND),  # resolver: /28 to /24
        c.SubnetSpec("snet-dns-out", "10.20.4.0/24", R.DNS_RESOLVER_OUTBOUND),
    ]
    vnet(stack, group, *subnets)
    assert recorded(stack) == []
    written = Template.from_stack(stack).resources("azurerm_subnet").values()
    assert sorted(config["address_prefixes"][0] for config in written) == [
        "10.20.0.0/27", "10.20.0.248/29", "10.20.2.0/27", "10.20.3.0/28", "10.20.4.0/24",
    ]


@pytest.mark.parametrize("space", [
    "126.255.255.0/24", "128.0.0.0/24", "169.253.255.0/24", "169.255.0.0/24", "168.63.129.0/28", "168.63.129.32/27",
    "223.255.255.0/24",
])
def test_a_vnet_right_beside_a_range_azure_keeps_passes(stack, group, space):
    vnet(stack, group, space=space)
    assert recorded(stack) == []


def test_a_subnet_as_large_as_its_vnet_passes_as_written(own):
    stack, group = own
    vnet(stack, group, pe("10.20.0.0/29"), space="10.20.0.0/29")
    assert recorded(stack) == []
    assert [config["address_prefixes"] for config in
            Template.from_stack(stack).resources("azurerm_subnet").values()] == [["10.20.0.0/29"]]


def test_a_vpn_pool_right_beside_the_vnet_passes_as_written(own):
    stack, group = own
    vpn(stack, group, "10.21.0.0/29")
    assert recorded(stack) == []
    (gateway,) = Template.from_stack(stack).resources("azurerm_virtual_network_gateway").values()
    assert gateway["vpn_client_configuration"]["address_space"] == ["10.21.0.0/29"]


@pytest.mark.parametrize("inbound_ip", ["10.20.3.4", "10.20.3.14"])
def test_a_resolver_address_at_either_end_of_the_usable_range_passes(stack, group, inbound_ip):
    resolver(stack, group, inbound_ip)
    assert recorded(stack) == []
