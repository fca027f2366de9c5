"""Seventeenth outside-in round, storage and private links: what a hurried user's own app gives a
private DNS zone's records. Each value azurerm refuses is one line of the numbered list; each value they take passes."""

from __future__ import annotations

import pytest
from helpers import error_of, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.testing import Template

PE = c.SubnetSpec("snet-pe", "10.20.1.0/24", c.SubnetRole.PRIVATE_ENDPOINTS)


def zones_of(stack, group, **tags):
    network = c.VirtualNetwork(stack, "Net", c.VirtualNetworkProps("vnet-test", group, "10.20.0.0/16", [PE]))
    return c.PrivateDnsZones(stack, "Zones", c.PrivateDnsZonesProps(group, network, tags=tags))


# --- private DNS record names (azurerm `privatedns/validate/lower_cased_string.go`) -------------------


def test_an_a_record_with_an_empty_name_is_refused_with_the_apex_name_to_write(stack, group):
    zones = zones_of(stack, group)
    zone = zones.zone("corp.internal")
    assert error_of(lambda: zones.add_a_record(stack, "Rec", zone, name="", records=["10.20.1.4"]), scope=stack) == (
        "PrivateDnsZones 'test/Zones': add_a_record name '' is empty. Allowed: a record name relative to the zone, "
        "e.g. 'www', or '@' for the zone's own name (azurerm refuses an empty or blank name). Fix: write name='@' "
        "for the zone's own name, or the host's name, e.g. name='www'."
    )


def test_an_a_record_whose_name_is_only_spaces_is_refused_as_blank(stack, group):
    zones = zones_of(stack, group)
    zone = zones.zone("corp.internal")
    assert error_of(lambda: zones.add_a_record(stack, "Rec", zone, name="  ", records=["10.20.1.4"]), scope=stack) == (
        "PrivateDnsZones 'test/Zones': add_a_record name '  ' is only whitespace. Allowed: a record name relative to "
        "the zone, e.g. 'www', or '@' for the zone's own name (azurerm refuses an empty or blank name). Fix: write "
        "name='@' for the zone's own name, or the host's name, e.g. name='www'."
    )


def test_an_a_record_name_with_a_space_is_refused_with_the_name_to_write(stack, group):
    zones = zones_of(stack, group)
    zone = zones.zone("corp.internal")
    assert error_of(lambda: zones.add_a_record(stack, "Rec", zone, name="build agent", records=["10.20.1.4"]),
                    scope=stack) == (
        "PrivateDnsZones 'test/Zones': add_a_record name 'build agent' contains a space. Allowed: a record name "
        "without spaces (azurerm refuses a space in a record name). Fix: write it as 'build-agent'."
    )


def test_an_a_record_name_with_a_space_and_capitals_is_told_one_name_that_fixes_both(stack, group):
    zones = zones_of(stack, group)
    zone = zones.zone("corp.internal")
    assert error_of(lambda: zones.add_a_record(stack, "Rec", zone, name="Build Agent", records=["10.20.1.4"]),
                    scope=stack).splitlines() == [
        "PrivateDnsZones 'test/Zones': add_a_record name 'Build Agent' contains a space. Allowed: a record name "
        "without spaces (azurerm refuses a space in a record name). Fix: write it as 'build-agent'.",
        "PrivateDnsZones 'test/Zones': add_a_record name 'Build Agent' has upper-case letters. Allowed: a lower-case "
        "record name (azurerm takes no other; DNS compares names in any case). Fix: write it as 'build-agent'.",
    ]


@pytest.mark.parametrize("name", ["@", "*", "www", "_sip._tcp", "api.v2"])
def test_a_record_name_azurerm_takes_is_written_as_given(stack, group, name):
    zones = zones_of(stack, group)
    zones.add_a_record(stack, "Rec", zones.zone("corp.internal"), name=name, records=["10.20.1.4"])
    assert recorded(stack) == []
    records = Template.from_stack(stack).find_resources("azurerm_private_dns_a_record")
    assert [record["name"] for record in records.values()] == [name]
