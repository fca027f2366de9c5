"""A list where the library documents a tuple: an inbound rule's ports and the adoption
settings' replacements are sequences like every other list a props class takes, so
`ports=["443"]` and `replacements=[Replacement(...)]` pass, as a hurried user writes them.
Before, each was refused as "has the type list"."""

from __future__ import annotations

from helpers import fresh_stack, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.deployed import AdoptionSettings, Replacement
from sigmatiq_infra.testing import Template


def test_an_inbound_rules_ports_as_a_list_pass_and_are_written_as_the_rules_port_ranges():
    stack, group = fresh_stack()
    rules = [c.InboundRule("https", 100, "10.0.0.0/8", ["443", "8000-8080"]),
             c.InboundRule("all", 110, "10.1.0.0/16", ["*"])]
    c.VirtualNetwork(stack, "Net", c.VirtualNetworkProps("vnet-test", group, "10.20.0.0/16", [
        c.SubnetSpec("snet-apps", "10.20.2.0/23", c.SubnetRole.CONTAINER_APPS, rules),
    ]))
    assert recorded(stack) == []
    written = {
        rule["name"]: (rule.get("destination_port_range"), rule.get("destination_port_ranges"))
        for rule in Template.from_stack(stack).resources("azurerm_network_security_rule").values()
    }
    assert written["https"] == (None, ["443", "8000-8080"])
    assert written["all"] == ("*", None)


def test_a_list_of_replacements_in_adoption_settings_passes_and_a_short_reason_in_it_is_still_a_problem():
    reason = "the cache is rebuilt from the database"
    assert AdoptionSettings(enabled=True, replacements=[Replacement("redis-orders", "delete", reason)]).problems(
        "prod") == ()
    (problem,) = AdoptionSettings(enabled=True, replacements=[Replacement("redis-orders", "delete", "ok")]).problems(
        "prod")
    assert problem.startswith("AdoptionSettings 'prod': replacements[0].reason 'ok' is too short. ")
