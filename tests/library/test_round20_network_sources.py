"""Round 20, an NSG rule's source and ports as a hurried user's own app writes them: a CIDR range
with host bits set (`203.0.113.7/24`), which Azure refuses (SecurityRuleInvalidAddressPrefix), and
`*` among other ports, which Azure takes only alone, as the rule's one port range. Each mistake is
one problem naming the rule, the value, what Azure takes and the fix; what Azure takes is written
exactly as given."""

from __future__ import annotations

import pytest
from helpers import error_of, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.stacks import App, AzureStack
from sigmatiq_infra.testing import Template

R = c.SubnetRole
SOURCES = (
    "Allowed: '*', an IP address or CIDR range such as '172.16.0.0/24', or a service tag such as 'Internet' or "
    "'VirtualNetwork'."
)


@pytest.fixture
def own(tmp_path):
    """A user's stack in an app that synthesizes, and its group."""
    stack = AzureStack(App(outdir=str(tmp_path / "cdktf.out")), "net")
    return stack, c.ResourceGroup(stack, "G", c.ResourceGroupProps("rg-net", "westeurope"))


def with_rules(scope, group, *rules, space="10.20.0.0/16"):
    return c.VirtualNetwork(scope, "Net", c.VirtualNetworkProps("vnet-test", group, space, [
        c.SubnetSpec("snet-pe", "10.20.1.0/24", R.PRIVATE_ENDPOINTS, list(rules)),
    ]))


def rule(source="Internet", ports=("443",), name="r", priority=100):
    return c.InboundRule(name, priority, source, ports)


def written(stack) -> list[dict]:
    return list(Template.from_stack(stack).resources("azurerm_network_security_rule").values())


# --- 1. a source range written from an address inside it, not its first ---------------------------------


@pytest.mark.parametrize(("source", "first", "network", "one"), [
    ("203.0.113.7/24", "203.0.113.7", "203.0.113.0/24", "203.0.113.7/32"),
    ("10.1.2.3/8", "10.1.2.3", "10.0.0.0/8", "10.1.2.3/32"),
    ("fd00::1/64", "fd00::1", "fd00::/64", "fd00::1/128"),
])
def test_an_nsg_source_with_host_bits_set_is_refused_with_its_range_and_its_one_address(
    stack, group, source, first, network, one,
):
    prefix = network.rpartition("/")[2]
    assert error_of(lambda: with_rules(stack, group, rule(source))) == (
        f"VirtualNetwork 'test/Net': subnet 'snet-pe' inbound rule 'r' source {source!r} has host bits set "
        f"({first} is not the first address of a /{prefix}). {SOURCES} Fix: write {network!r} for the range, or "
        f"{one!r} for the one address."
    )


def test_nsg_sources_written_from_their_first_address_pass_as_written(own):
    stack, group = own
    sources = ("203.0.113.0/24", "203.0.113.7/32", "203.0.113.7", "0.0.0.0/0", "FD00::/8", "fd00::1/128", "Internet")
    with_rules(stack, group, *(rule(source, name=f"r{n}", priority=100 + n) for n, source in enumerate(sources)))
    assert recorded(stack) == []
    assert [config["source_address_prefix"] for config in written(stack)] == list(sources)


# --- 2. '*' for every port: alone, as the rule's one port range ------------------------------------------


def test_every_port_as_star_alone_is_written_as_the_rules_one_port_range(own):
    stack, group = own
    with_rules(stack, group, rule(ports=("*",)))
    assert recorded(stack) == []
    [config] = written(stack)
    assert config["destination_port_range"] == "*"
    assert "destination_port_ranges" not in config


def test_ports_and_ranges_without_star_are_still_written_as_a_list(own):
    stack, group = own
    ports = ("0", "65535", "1-65535", "80-80", "443")
    with_rules(stack, group, rule(ports=ports))
    assert recorded(stack) == []
    [config] = written(stack)
    assert config["destination_port_ranges"] == list(ports)
    assert "destination_port_range" not in config


@pytest.mark.parametrize("ports", [("*", "443"), ("443", "*"), ("*", "*")])
def test_star_beside_other_ports_is_refused_with_star_alone_or_the_ports_listed(stack, group, ports):
    assert error_of(lambda: with_rules(stack, group, rule(ports=ports))) == (
        f"VirtualNetwork 'test/Net': subnet 'snet-pe' inbound rule 'r' ports {list(ports)!r} hold '*' beside other "
        "ports (Azure takes '*' only alone, as the rule's one port range). Allowed: '*' alone for every port, or "
        "ports and ranges without '*'. Fix: write ports=('*',) for every port, or leave '*' out to allow only the "
        "ports listed."
    )


def test_a_rule_with_both_mistakes_reports_both_at_once(stack, group):
    message = error_of(lambda: with_rules(stack, group, rule("203.0.113.7/24", ports=("*", "22"))))
    assert message.splitlines() == [
        "VirtualNetwork 'test/Net': subnet 'snet-pe' inbound rule 'r' ports ['*', '22'] hold '*' beside other "
        "ports (Azure takes '*' only alone, as the rule's one port range). Allowed: '*' alone for every port, or "
        "ports and ranges without '*'. Fix: write ports=('*',) for every port, or leave '*' out to allow only the "
        "ports listed.",
        "VirtualNetwork 'test/Net': subnet 'snet-pe' inbound rule 'r' source '203.0.113.7/24' has host bits set "
        f"(203.0.113.7 is not the first address of a /24). {SOURCES} Fix: write '203.0.113.0/24' for the range, "
        "or '203.0.113.7/32' for the one address.",
    ]
