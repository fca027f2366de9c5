"""The names the library derives from a user's names (a lock's `lock-<name>`, an endpoint's
`pe-<name>`, an NSG's `nsg-<subnet>`): a name valid for its own resource makes a derived name
Azure takes too, or one problem naming the user's name. Found by probing apps of a user's own
from outside the repository."""

from __future__ import annotations

from sigmatiq_infra import constructs as c
from sigmatiq_infra.testing import Template

# 90 characters, the longest resource group name; a period where a lock's name is cut to 90.
CUT_AT_A_PERIOD = "rg-" + "a" * 81 + ".b" + "cccc"
READ_ONLY_CUT_AT_A_PERIOD = "rg-" + "a" * 72 + ".b" + "c" * 13


def _lock_names(stack) -> list[str]:
    return sorted(lock["name"] for lock in Template.from_stack(stack).resources("azurerm_management_lock").values())


def test_a_lock_name_cut_to_90_characters_at_a_period_drops_the_period(stack):
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps(CUT_AT_A_PERIOD, "westeurope"))
    group.add_lock("Holds everything.")
    assert _lock_names(stack) == ["lock-rg-" + "a" * 81]


def test_a_read_only_lock_name_cut_to_90_characters_at_a_period_drops_the_period(stack):
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps(READ_ONLY_CUT_AT_A_PERIOD, "westeurope"))
    group.add_lock("Holds everything.", level="ReadOnly")
    assert _lock_names(stack) == ["lock-readonly-rg-" + "a" * 72]


def test_a_lock_name_cut_to_90_characters_elsewhere_keeps_its_90_characters(stack):
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-" + "a" * 87, "westeurope"))
    group.add_lock("Holds everything.")
    group.add_lock("Holds everything.", level="ReadOnly")
    assert _lock_names(stack) == ["lock-readonly-rg-" + "a" * 73, "lock-rg-" + "a" * 82]
