"""Round 16, the network tier as a hurried user's own app meets it: values the library took that
Azure refuses at apply (each now one problem naming the rule), and the edge cases Azure takes,
which still pass with the exact synthesized values."""

from __future__ import annotations

import pytest
from helpers import error_of, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.testing import Template

R = c.SubnetRole
GATEWAY = c.SubnetSpec("GatewaySubnet", "10.20.0.0/27", R.GATEWAY)


def vnet(scope, group, *subnets, space="10.20.0.0/16"):
    return c.VirtualNetwork(scope, "Net", c.VirtualNetworkProps("vnet-test", group, space, list(subnets)))


def vpn(stack, group, pool, network=None):
    return c.VpnGateway(stack, "Vpn", c.VpnGatewayProps(
        "vpngw-test", group, network or vnet(stack, group, GATEWAY), pool,
        [c.RootCertificate.from_input(stack, "root", "Root")],
    ))


# --- 1. a P2S client address pool: /29 or larger (Microsoft Learn, P2S "Address pool") ---------------


@pytest.mark.parametrize(("pool", "wider"), [
    ("172.16.0.0/30", "172.16.0.0/24"), ("172.16.5.8/31", "172.16.5.0/24"), ("192.168.7.1/32", "192.168.7.0/24"),
])
def test_a_client_address_pool_smaller_than_a_29_is_refused_with_a_wider_one(stack, group, pool, wider):
    assert error_of(lambda: vpn(stack, group, pool)) == (
        f"VpnGateway 'test/Vpn': client_address_pool {pool!r} is too small for a client address pool. Allowed: a "
        "range of /29 or larger (Azure's smallest for an active-standby gateway); each connected client takes one "
        f"address. Fix: give it a prefix of /29 or shorter, e.g. {wider!r}."
    )


def test_a_too_small_pool_whose_24_is_the_vnets_is_offered_a_free_range(stack, group):
    network = vnet(stack, group, c.SubnetSpec("GatewaySubnet", "172.16.0.0/27", R.GATEWAY), space="172.16.0.0/16")
    assert error_of(lambda: vpn(stack, group, "172.16.9.0/30", network)) == (
        "VpnGateway 'test/Vpn': client_address_pool '172.16.9.0/30' overlaps the VNet address space 172.16.0.0/16. "
        "Allowed: a range outside the VNet (and outside any network the clients are on). Fix: use a separate range "
        "such as '192.168.255.0/24'.\n"
        "VpnGateway 'test/Vpn': client_address_pool '172.16.9.0/30' is too small for a client address pool. Allowed: "
        "a range of /29 or larger (Azure's smallest for an active-standby gateway); each connected client takes one "
        "address. Fix: give it a prefix of /29 or shorter, e.g. '192.168.255.0/24'."
    )


@pytest.mark.parametrize("pool", ["172.16.0.8/29", "172.16.0.0/28", "10.99.0.0/24"])
def test_a_client_address_pool_of_a_29_or_larger_passes_as_written(stack, group, pool):
    vpn(stack, group, pool)
    assert recorded(stack) == []
    gateway = next(iter(Template.from_stack(stack).resources("azurerm_virtual_network_gateway").values()))
    assert gateway["vpn_client_configuration"]["address_space"] == [pool]


def test_a_public_pool_of_a_32_is_told_only_the_private_range_to_use(stack, group):
    assert error_of(lambda: vpn(stack, group, "8.8.8.8/32")) == (
        "VpnGateway 'test/Vpn': client_address_pool '8.8.8.8/32' is not a private range. Allowed: RFC 1918 ranges: "
        "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16. Fix: use a private range such as '172.16.0.0/24'."
    )


# --- 2. a subnet under a name Azure keeps for a service whose subnet refuses the NSG ---------------------


@pytest.mark.parametrize(("name", "service"), [
    ("AzureBastionSubnet", "Azure Bastion, which refuses a network security group without Bastion's inbound and "
     "outbound rules"),
    ("AzureFirewallSubnet", "Azure Firewall, which has subnet network security groups disabled"),
])
def test_a_subnet_named_for_bastion_or_firewall_is_refused_the_nsg_azure_refuses(stack, group, name, service):
    assert error_of(lambda: vnet(stack, group, c.SubnetSpec(name, "10.20.1.0/26", R.PRIVATE_ENDPOINTS))) == (
        f"VirtualNetwork 'test/Net': subnet name {name!r} is the subnet name Azure keeps for {service}; a "
        "PRIVATE_ENDPOINTS subnet gets one (with inbound rules only). Allowed: a name of the subnet's own: not "
        "'AzureBastionSubnet' or 'AzureFirewallSubnet' for a library role. Fix: give the subnet a name of its own, "
        "e.g. 'snet-private-endpoints'."
    )


def test_a_container_apps_subnet_named_azurebastionsubnet_is_told_a_name_for_its_role(stack, group):
    assert error_of(lambda: vnet(stack, group, c.SubnetSpec("AzureBastionSubnet", "10.20.2.0/23", R.CONTAINER_APPS))) \
        .endswith("Fix: give the subnet a name of its own, e.g. 'snet-container-apps'.")


@pytest.mark.parametrize("name", ["snet-bastion", "AzureBastionSubnet2", "AzureFirewallSubnet-pe"])
def test_a_subnet_whose_name_only_resembles_a_service_subnet_gets_its_nsg(stack, group, name):
    vnet(stack, group, c.SubnetSpec(name, "10.20.1.0/26", R.PRIVATE_ENDPOINTS))
    assert recorded(stack) == []
    template = Template.from_stack(stack)
    assert [config["name"] for config in template.resources("azurerm_subnet").values()] == [name]
    assert [config["name"] for config in template.resources("azurerm_network_security_group").values()] == [
        f"nsg-{name}",
    ]
