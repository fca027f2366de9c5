"""Seventeenth outside-in round, storage and private links: what a hurried user's own app gives a
private DNS zone's records and tags. Each value azurerm refuses, or Azure DNS drops, is one line of
the numbered list; each value they take passes."""

from __future__ import annotations

import pytest
from helpers import error_of, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.stacks import App, AzureStack
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


# --- tag names on private DNS zones (Microsoft Learn, "Use tags to organize your Azure resources") ----


def test_a_stack_tag_name_with_a_space_is_refused_on_its_private_dns_zones(tmp_path):
    stack = AzureStack(App(outdir=str(tmp_path)), "net", tags={"Cost Center": "4711"})
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-net", "westeurope"))
    assert error_of(lambda: zones_of(stack, group), scope=stack) == (
        "PrivateDnsZones 'net/Zones': tags name 'Cost Center' contains a space, which Azure DNS does not keep on a "
        "private DNS zone (it drops the tag, so every plan adds it again). Allowed: tag names on private DNS zones "
        "without spaces, parentheses or ':', not starting with a digit (Microsoft Learn, \"Use tags to organize "
        "your Azure resources\"). Fix: rename the tag in the stack's tags (AzureStack(..., tags=...)), e.g. to "
        "'CostCenter'."
    )


def test_zone_tag_names_with_parentheses_a_colon_or_a_digit_first_are_each_refused(stack, group):
    assert error_of(lambda: zones_of(stack, group, **{"Owner(team)": "ops", "ms:usage": "hub", "2nd": "x"}),
                    scope=stack).splitlines() == [
        "PrivateDnsZones 'test/Zones': tags name 'Owner(team)' contains '(', ')', which Azure DNS does not keep on a "
        "private DNS zone (it drops the tag, so every plan adds it again). Allowed: tag names on private DNS zones "
        "without spaces, parentheses or ':', not starting with a digit (Microsoft Learn, \"Use tags to organize "
        "your Azure resources\"). Fix: rename the tag in the tags of these zones, e.g. to 'OwnerTeam'.",
        "PrivateDnsZones 'test/Zones': tags name 'ms:usage' contains ':', which Azure DNS does not keep on a "
        "private DNS zone (it drops the tag, so every plan adds it again). Allowed: tag names on private DNS zones "
        "without spaces, parentheses or ':', not starting with a digit (Microsoft Learn, \"Use tags to organize "
        "your Azure resources\"). Fix: rename the tag in the tags of these zones, e.g. to 'msUsage'.",
        "PrivateDnsZones 'test/Zones': tags name '2nd' starts with a digit, which Azure DNS does not keep on a "
        "private DNS zone (it drops the tag, so every plan adds it again). Allowed: tag names on private DNS zones "
        "without spaces, parentheses or ':', not starting with a digit (Microsoft Learn, \"Use tags to organize "
        "your Azure resources\"). Fix: rename the tag in the tags of these zones.",
    ]


def test_zone_tag_names_azure_dns_keeps_are_written_with_a_value_of_any_characters(tmp_path):
    stack = AzureStack(App(outdir=str(tmp_path)), "net", tags={"CostCenter": "4711 (EU): shared"})
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-net", "westeurope"))
    zones = zones_of(stack, group, owner_team="ops", **{"app-tier.v2": "x", "Env2": "beta"})
    zones.zone("corp.internal")
    assert recorded(stack) == []
    zone = next(iter(Template.from_stack(stack).find_resources("azurerm_private_dns_zone").values()))
    assert zone["tags"] == {"CostCenter": "4711 (EU): shared", "owner_team": "ops", "app-tier.v2": "x", "Env2": "beta"}


def test_a_tag_name_with_a_space_is_still_taken_on_a_storage_account(tmp_path):
    stack = AzureStack(App(outdir=str(tmp_path)), "files", tags={"Cost Center": "4711"})
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-files", "westeurope"))
    c.StorageAccount(stack, "Files", c.StorageAccountProps("stfiles01", group))
    assert recorded(stack) == []


# --- a record name written in full (Azure takes it: a warning, not a problem) --------------------------


def test_an_a_record_name_written_with_its_zone_warns_of_the_doubled_name_and_is_written_as_given(stack, group):
    zones = zones_of(stack, group)
    zones.add_a_record(stack, "Rec", zones.zone("corp.internal"), name="www.corp.internal", records=["10.20.1.4"])
    assert (stack.problem_log.problems, stack.problem_log.warnings) == ([], [
        "PrivateDnsZones 'test/Zones': add_a_record name 'www.corp.internal' is written in full, so the record is "
        "'www.corp.internal.corp.internal': a record's name is relative to its zone 'corp.internal'. Allowed: the "
        "name relative to the zone ('@' for the zone's own name). Fix: write name='www' for 'www', or leave it if "
        "'www.corp.internal.corp.internal' is meant.",
    ])
    records = Template.from_stack(stack).find_resources("azurerm_private_dns_a_record")
    assert [record["name"] for record in records.values()] == ["www.corp.internal"]


def test_an_a_record_named_as_its_zone_warns_to_write_the_apex_name(stack, group):
    zones = zones_of(stack, group)
    zones.add_a_record(stack, "Rec", zones.zone("Corp.Internal"), name="corp.internal", records=["10.20.1.4"])
    assert stack.problem_log.warnings == [
        "PrivateDnsZones 'test/Zones': add_a_record name 'corp.internal' is written in full, so the record is "
        "'corp.internal.corp.internal': a record's name is relative to its zone 'corp.internal'. Allowed: the name "
        "relative to the zone ('@' for the zone's own name). Fix: write name='@' for the zone's own name, or leave "
        "it if 'corp.internal.corp.internal' is meant.",
    ]


@pytest.mark.parametrize("name", ["www", "internal", "www.corp", "mycorp.internal"])
def test_a_record_name_that_only_looks_like_its_zone_gets_no_warning(stack, group, name):
    zones = zones_of(stack, group)
    zones.add_a_record(stack, "Rec", zones.zone("corp.internal"), name=name, records=["10.20.1.4"])
    assert (stack.problem_log.problems, stack.problem_log.warnings) == ([], [])
