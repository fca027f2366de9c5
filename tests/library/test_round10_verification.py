"""The tenth round: a verification of the ninth round's new checks from outside, with the values
next to each check's boundary and the same mistake written differently. Each finding is one
problem naming the construct, the value, what Azure takes and the fix (never a traceback, never a
fix that the next run refuses); each value Azure and azurerm take passes."""

from __future__ import annotations

import pytest
from helpers import error_of

from sigmatiq_infra import constructs as c

R = c.SubnetRole


def vnet(scope, group, *subnets, id="Net", name="vnet-test", space="10.20.0.0/16"):
    return c.VirtualNetwork(scope, id, c.VirtualNetworkProps(name, group, space, list(subnets)))


def zones(scope, group):
    return c.PrivateDnsZones(scope, "Z", c.PrivateDnsZonesProps(group, vnet(
        scope, group, c.SubnetSpec("snet-pe", "10.20.1.0/24", R.PRIVATE_ENDPOINTS),
    )))


# --- private DNS zones ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["usgovcloudapi.net", "ChinaCloudApi.cn"])
def test_the_government_and_china_clouds_windows_net_zones_are_refused_as_reserved(stack, group, name):
    dns = zones(stack, group)
    assert error_of(lambda: dns.zone(name), stack) == (
        f"PrivateDnsZones 'test/Z': zone name {name!r} is a name Azure reserves: it blocks creating a private DNS "
        "zone of that name. Allowed: a name other than Azure's reserved zones (azure.com, core.windows.net, "
        "windows.net and the others Microsoft Learn lists in \"What is an Azure Private DNS zone?\"), e.g. "
        "'privatelink.blob.core.windows.net'. Fix: use the privatelink zone of the service you reach (a "
        "construct's private_link.zone), or a domain of your own such as 'corp.internal'."
    )
