"""The twelfth outside-in round, on the network tier a user builds for their own service: the
VNet's subnets, the VPN gateway, private DNS zones and private endpoints, as a hurried user
combines them. Each mistake is one problem naming the construct, the value, what Azure takes and
the fix (never a traceback, never hidden by another); each value Azure and azurerm take passes."""

from __future__ import annotations

from helpers import error_of, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.testing import Template

R = c.SubnetRole


def private_network(stack, group, cidr):
    net = c.VirtualNetwork(stack, "Net", c.VirtualNetworkProps("vnet-test", group, "10.20.0.0/16", [
        c.SubnetSpec("snet-pe", cidr, R.PRIVATE_ENDPOINTS),
    ]))
    return c.PrivateNetwork(net, c.PrivateDnsZones(stack, "Zones", c.PrivateDnsZonesProps(group, net)))


def vaults_with_endpoints(stack, group, network, count):
    for number in range(count):
        c.KeyVault(stack, f"Vault{number}", c.KeyVaultProps(f"kv-test-{number}", group)).add_private_endpoint(network)


# --- 1. A private-endpoint subnet holds as many endpoints as it has addresses ----------------------------


def test_more_private_endpoints_than_a_subnet_has_addresses_are_one_problem_at_synth(stack, group):
    network = private_network(stack, group, "10.20.1.0/29")
    vaults_with_endpoints(stack, group, network, 5)
    assert stack.problem_log.problems == []  # the count is known once the whole app exists
    stack.problem_log.run_deferred()
    assert stack.problem_log.problems == [
        "VirtualNetwork 'test/Net': subnet 'snet-pe' '10.20.1.0/29' has 5 private endpoints, more than its 3 free "
        "addresses (8 less the 5 Azure keeps in every subnet). Allowed: one address per private endpoint: a /29 "
        "holds 3, a /28 11, a /27 27. Fix: give subnet 'snet-pe' a range of /28 or larger, or put some endpoints in "
        "another VNet.",
    ]


def test_a_subnet_full_of_private_endpoints_but_not_over_passes(stack, group):
    vaults_with_endpoints(stack, group, private_network(stack, group, "10.20.1.0/29"), 3)
    stack.problem_log.run_deferred()
    assert stack.problem_log.problems == []


def test_the_fix_names_the_prefix_that_holds_every_endpoint(stack, group):
    vaults_with_endpoints(stack, group, private_network(stack, group, "10.20.1.0/29"), 12)
    stack.problem_log.run_deferred()
    assert [problem.split("Fix: ")[1] for problem in stack.problem_log.problems] == [
        "give subnet 'snet-pe' a range of /27 or larger, or put some endpoints in another VNet.",
    ]


# --- 2. Subnet and rule names whose derived construct ids meet: names Azure takes, no traceback ---------


def rule(name):
    return c.InboundRule(name, 100, "VirtualNetwork", ("443",))


def paths_and_names(stack, tf_type):
    found = Template.from_stack(stack).resources(tf_type).values()
    return sorted((config["//"]["metadata"]["path"], config["name"]) for config in found)


def test_two_subnets_whose_rules_derive_one_construct_id_both_get_their_rules(stack, group):
    c.VirtualNetwork(stack, "Net", c.VirtualNetworkProps("vnet-test", group, "10.20.0.0/16", [
        c.SubnetSpec("snet", "10.20.1.0/24", R.PRIVATE_ENDPOINTS, (rule("a-b"),)),
        c.SubnetSpec("snet-a", "10.20.2.0/24", R.PRIVATE_ENDPOINTS, (rule("b"),)),
    ]))
    assert recorded(stack) == []
    assert paths_and_names(stack, "azurerm_network_security_rule") == [
        ("test/Net/Nsg-snet-a-b", "a-b"),  # the first keeps the id it always had
        ("test/Net/Nsg-snet-a-b-2", "b"),
    ]


def test_a_subnet_named_like_another_subnets_rule_gets_its_nsg(stack, group):
    c.VirtualNetwork(stack, "Net", c.VirtualNetworkProps("vnet-test", group, "10.20.0.0/16", [
        c.SubnetSpec("snet", "10.20.1.0/24", R.PRIVATE_ENDPOINTS, (rule("a-b"),)),
        c.SubnetSpec("snet-a-b", "10.20.2.0/24", R.PRIVATE_ENDPOINTS),
    ]))
    assert recorded(stack) == []
    assert paths_and_names(stack, "azurerm_network_security_group") == [
        ("test/Net/Nsg-snet", "nsg-snet"), ("test/Net/Nsg-snet-a-b-2", "nsg-snet-a-b"),
    ]
    assert paths_and_names(stack, "azurerm_network_security_rule") == [("test/Net/Nsg-snet-a-b", "a-b")]


# --- 3. A subnet role given as its name: one problem saying which member to pass ---------------------------


def test_a_subnet_role_given_as_its_name_is_told_the_member_to_pass(stack, group):
    assert error_of(lambda: c.VirtualNetwork(stack, "Net", c.VirtualNetworkProps("vnet-test", group, "10.20.0.0/16", [
        c.SubnetSpec("snet-pe", "10.20.1.0/24", "private_endpoints"),
        c.SubnetSpec("snet-x", "10.20.2.0/24", "APPS"),
    ])), stack) == (
        "VirtualNetwork 'test/Net': subnets[0].role 'private_endpoints' has the type str. Allowed: SubnetRole. "
        "Fix: give subnets[0].role the member itself, not its name: SubnetRole.PRIVATE_ENDPOINTS (from "
        "sigmatiq_infra.constructs).\n"
        "VirtualNetwork 'test/Net': subnets[1].role 'APPS' has the type str. Allowed: SubnetRole. Fix: give "
        "subnets[1].role one of SubnetRole.PRIVATE_ENDPOINTS, SubnetRole.CONTAINER_APPS, SubnetRole.GATEWAY, "
        "SubnetRole.DNS_RESOLVER_INBOUND, SubnetRole.DNS_RESOLVER_OUTBOUND."
    )


def test_subnet_for_a_role_given_as_its_name_is_one_problem_not_a_traceback(stack, group):
    net = c.VirtualNetwork(stack, "Net", c.VirtualNetworkProps("vnet-test", group, "10.20.0.0/16", [
        c.SubnetSpec("snet-pe", "10.20.1.0/24", R.PRIVATE_ENDPOINTS),
    ]))
    assert error_of(lambda: net.subnet_for("PRIVATE_ENDPOINTS"), stack) == (
        "VirtualNetwork 'test/Net': subnet_for role 'PRIVATE_ENDPOINTS' has the type str. Allowed: SubnetRole. "
        "Fix: give subnet_for role the member itself, not its name: SubnetRole.PRIVATE_ENDPOINTS (from "
        "sigmatiq_infra.constructs)."
    )
    assert net.subnet_for(R.PRIVATE_ENDPOINTS).name == "snet-pe"
