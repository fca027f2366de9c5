"""Round 19: every problem ends with "Fix: ...", and a hurried user does literally what it says. Each
test here gives the mistake, asserts the exact message, then applies the fix as written and asserts that
the run passes with the exact synthesized value. Before this round these fixes named the wrong region
('US East' was told 'austriaeast'), a value refused again ('GatewaySubnet' for a subnet named
'GatewaySubnet'; a SKU from `az postgres flexible-server list-skus`, which lists it without its tier), a
rule the user never wrote (`allow_azure_services` told to "remove the rules"), a date Azure refuses for
a new budget ('2017-06-01'), or a value that only led to the next problem (a cpu without its memory)."""

from __future__ import annotations

import datetime

import pytest
from helpers import error_of, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.stacks import App, AzureStack
from sigmatiq_infra.testing import Template

R = c.SubnetRole
THIS_MONTH = datetime.date.today().replace(day=1).isoformat()


def fresh():
    """A stack of a new app and its group, where the fix is applied: (stack, group)."""
    stack = AzureStack(App(), "fixed")
    return stack, c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-test", "westeurope"))


def only(stack, terraform_type: str) -> dict:
    """The one resource of `terraform_type` the stack synthesizes."""
    (config,) = Template.from_stack(stack).resources(terraform_type).values()
    return config


# --- 1. a region written with its words in another order ---------------------------------------------------
# The fix named the most similar spelling ('US East' -> 'austriaeast', 'eu-west' -> 'ukwest'): a region
# that exists, so the run passed, in the wrong country. Microsoft's names put the direction first.


def test_a_location_written_us_east_is_told_eastus_not_austriaeast(stack):
    assert error_of(lambda: c.ResourceGroup(stack, "G", c.ResourceGroupProps("rg-orders", "US East"))) == (
        "ResourceGroup 'test/G': location 'US East' is not an Azure region (did you mean 'eastus'?). Allowed: a "
        "region's programmatic name such as 'centralus' or 'westeurope', or its display name such as 'West Europe' "
        "(Microsoft's Azure regions list, regions-list.md of 2025-09-23). Fix: use 'eastus'."
    )


@pytest.mark.parametrize(("written", "region"), [
    ("US East", "eastus"), ("eu-west", "westeurope"), ("eu-north", "northeurope"), ("ap-southeast", "southeastasia"),
])
def test_a_location_in_another_clouds_word_order_is_told_the_azure_region_and_that_passes(stack, written, region):
    assert error_of(lambda: c.ResourceGroup(stack, "Bad", c.ResourceGroupProps("rg-bad", written))).endswith(
        f"Fix: use '{region}'."
    )
    fixed = AzureStack(App(), "fixed")
    c.ResourceGroup(fixed, "G", c.ResourceGroupProps("rg-orders", region))
    assert recorded(fixed) == []
    assert only(fixed, "azurerm_resource_group")["location"] == region
