"""The fourteenth outside-in round, on one user app run on both engines (cdktf with azurerm
4.55, CDK Terrain with azurerm 5.10): the same problems in the same words, the same JSON but
for the rows docs/library/engines.md names, and what an app records on one engine read back on
the other. The tests run on the engine of the session (`SIGMATIQ_ENGINE`)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import ENGINE, NODE_BIN, ROOT, stacks_with_groups

from sigmatiq_infra import constructs as c
from sigmatiq_infra import deployed
from sigmatiq_infra.deployed import DeployedRecord, DeployedResource
from sigmatiq_infra.validation import ValidationError

R = c.SubnetRole
OTHER_MAJOR = 4 if ENGINE.azurerm_major == 5 else 5
"""The azurerm major of the engine this session does not run on."""
ZONE_ID = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/"
    "Microsoft.Network/privateDnsZones/corp.internal"
)


# --- 1. A deployed record written on the other azurerm major ------------------------------------------


def private_zone_with_a_record(tmp_path):
    app, (net,), (group,) = stacks_with_groups(tmp_path, "net")
    vnet = c.VirtualNetwork(net, "Vnet", c.VirtualNetworkProps("vnet-net", group, "10.0.0.0/16", [
        c.SubnetSpec("snet-pe", "10.0.1.0/24", R.PRIVATE_ENDPOINTS),
    ]))
    zones = c.PrivateDnsZones(net, "Zones", c.PrivateDnsZonesProps(group, vnet))
    zones.add_a_record(net, "Db", zones.zone("corp.internal"), name="db", records=["10.0.1.4"])
    return app


# What `record-deployed` keeps of the zone's link and record, on each major: 4.x names the zone by
# name and group, 5.x by its id (an id from the state is left out; one written by hand is kept).
ZONE_ARGUMENTS = {
    4: ({"private_dns_zone_name": "corp.internal", "resource_group_name": "rg-net"},
        {"zone_name": "corp.internal", "resource_group_name": "rg-net"}),
    5: ({"private_dns_zone_id": ZONE_ID}, {"private_dns_zone_id": ZONE_ID}),
}


def record_of_the_other_major(link_name: str = "link-vnet-net") -> DeployedRecord:
    link, record = ZONE_ARGUMENTS[OTHER_MAJOR]
    return DeployedRecord((
        DeployedResource("net", "azurerm_private_dns_zone_virtual_network_link", link_name, link),
        DeployedResource("net", "azurerm_private_dns_a_record", "db", record),
    ))


def test_a_deployed_record_of_the_other_azurerm_major_passes_for_the_same_dns_links_and_records(tmp_path):
    app = private_zone_with_a_record(tmp_path)
    deployed.guard(app, record_of_the_other_major(), {})
    app.synth()  # a problem would raise (with 4.x's record on 5.x: "zone_name None would replace ...")
    assert (tmp_path / "out" / "stacks" / "net" / "cdk.tf.json").exists()


def test_a_deployed_record_of_the_other_azurerm_major_still_stops_a_removed_link(tmp_path):
    app = private_zone_with_a_record(tmp_path)
    deployed.guard(app, record_of_the_other_major(link_name="link-vnet-old"), {})
    with pytest.raises(ValidationError) as raised:
        app.synth()
    assert list(raised.value.problems) == [
        "Deployed resource 'net': azurerm_private_dns_zone_virtual_network_link 'link-vnet-old' is no longer in the "
        "stack (renamed or removed), so the next deploy would delete it. Allowed: every resource recorded in the "
        "deployed record kept under its deployed name. Fix: restore the setting that named it, or opt in: "
        "Replacement('link-vnet-old', 'delete', reason=...) in the net adoption settings' replacements.",
    ]


def test_the_arguments_only_another_major_replaces_on_are_the_zone_arguments_of_dns_links_and_records():
    link = c.ResourceFacts.of(c.PrivateDnsZones, "azurerm_private_dns_zone_virtual_network_link")
    record = c.ResourceFacts.of(c.PrivateDnsZones, "azurerm_private_dns_a_record")
    assert {major: (link.on(major).replaced_on_other_majors, record.on(major).replaced_on_other_majors)
            for major in (4, 5)} == {
        4: ({"private_dns_zone_id"}, {"private_dns_zone_id"}),
        5: ({"private_dns_zone_name", "resource_group_name"}, {"zone_name", "resource_group_name"}),
    }
    assert {kind: facts.replaced_on_other_majors for kind, facts in c.resource_facts().items()
            if facts.replaced_on_other_majors} == {
        "azurerm_private_dns_zone_virtual_network_link": set(ZONE_ARGUMENTS[OTHER_MAJOR][0]),
        "azurerm_private_dns_a_record": set(ZONE_ARGUMENTS[OTHER_MAJOR][1]),
    }


# --- 2. Names in a scope that another stack makes ----------------------------------------------------


def test_records_of_one_name_in_one_private_zone_from_two_stacks_are_one_problem(tmp_path):
    app, (net, service), (group, _) = stacks_with_groups(tmp_path, "net", "service")
    vnet = c.VirtualNetwork(net, "Vnet", c.VirtualNetworkProps("vnet-net", group, "10.0.0.0/16", [
        c.SubnetSpec("snet-pe", "10.0.1.0/24", R.PRIVATE_ENDPOINTS),
    ]))
    zones = c.PrivateDnsZones(net, "Zones", c.PrivateDnsZonesProps(group, vnet))
    zone = zones.zone("corp.internal")
    zones.add_a_record(net, "Db", zone, name="db", records=["10.0.1.4"])
    zones.add_a_record(service, "Db", zone, name="db", records=["10.0.1.5"])  # the zone by another stack's output
    zones.add_a_record(service, "Api", zone, name="api", records=["10.0.1.6"])
    with pytest.raises(ValidationError) as raised:
        app.synth()
    assert list(raised.value.problems) == [
        "private DNS record 'service/Db': name 'db' is already the name of private DNS record 'net/Db' (Azure "
        "compares names in any case). Allowed: one private DNS record per name in its private DNS zone. Fix: rename "
        "one of the two (a name the library derives follows the name you give its construct).",
    ]


def test_records_of_one_name_in_two_private_zones_from_two_stacks_pass(tmp_path):
    app, (net, service), (group, _) = stacks_with_groups(tmp_path, "net", "service")
    vnet = c.VirtualNetwork(net, "Vnet", c.VirtualNetworkProps("vnet-net", group, "10.0.0.0/16", [
        c.SubnetSpec("snet-pe", "10.0.1.0/24", R.PRIVATE_ENDPOINTS),
    ]))
    zones = c.PrivateDnsZones(net, "Zones", c.PrivateDnsZonesProps(group, vnet))
    zones.add_a_record(net, "Db", zones.zone("corp.internal"), name="db", records=["10.0.1.4"])
    zones.add_a_record(service, "Db", zones.zone("data.internal"), name="db", records=["10.0.1.5"])
    app.synth()
    assert sorted(path.parent.name for path in (tmp_path / "out").glob("stacks/*/cdk.tf.json")) == ["net", "service"]


# --- 3. The other engine's constructs in an app -------------------------------------------------------


def launched(folder: Path, program: str) -> subprocess.CompletedProcess:
    """`program` run as a user runs an app, with the library of this checkout."""
    (folder / "app.py").write_text(textwrap.dedent(program))
    return subprocess.run(
        [sys.executable, "-m", "sigmatiq_infra.launch", "app.py"], cwd=folder, capture_output=True, text=True,
        env={"PATH": f"{NODE_BIN}:/usr/bin:/bin", "HOME": str(Path.home()), "SIGMATIQ_ENGINE": ENGINE.name,
             "PYTHONPATH": str(ROOT)},
        timeout=300,
    )


@pytest.mark.slow
@pytest.mark.skipif(ENGINE.name != "cdktn", reason="CDK Terrain's environment has cdktf too (cdktf's has no cdktn)")
def test_cdktf_constructs_in_a_cdk_terrain_app_are_one_problem_each_not_a_jsii_traceback(tmp_path):
    result = launched(tmp_path, """\
        from cdktf import TerraformOutput
        from cdktf_cdktf_provider_azurerm.user_assigned_identity import UserAssignedIdentity

        from sigmatiq_infra import App, AzureStack
        from sigmatiq_infra.constructs import KeyVault, KeyVaultProps, ResourceGroup, ResourceGroupProps

        with App() as app:
            stack = AzureStack(app, "svc")
            group = ResourceGroup(stack, "Group", ResourceGroupProps("rg-svc", "westeurope"))
            KeyVault(stack, "Vault", KeyVaultProps("kv", group, public_network_access_enabled=True))
            UserAssignedIdentity(stack, "Identity", name="id-svc", resource_group_name="rg-svc", location="westeurope")
            TerraformOutput(stack, "group", value=group.name)
    """)
    assert (result.returncode, result.stderr.splitlines()) == (1, [
        "sigmatiq-infra: synth stopped, nothing was written (3 problems):",
        "  1. KeyVault 'svc/Vault': name 'kv' has 2 characters. Allowed: Key Vault names have 3-24 characters; "
        "letters, digits and hyphens; starts with a letter; ends with a letter or digit; no consecutive hyphens; "
        "unique across Azure. Fix: choose a Key Vault name that follows these rules.",
        "  2. UserAssignedIdentity 'svc/Identity': class "
        "'cdktf_cdktf_provider_azurerm.user_assigned_identity.UserAssignedIdentity' is cdktf's, and cdktn (the engine "
        "SIGMATIQ_ENGINE selects) cannot synthesize another engine's constructs. Allowed: constructs of cdktn: its "
        "names from sigmatiq_infra.cdk, its azurerm bindings from sigmatiq_infra.azurerm. Fix: import "
        "user_assigned_identity from sigmatiq_infra.azurerm, not from cdktf_cdktf_provider_azurerm (or set "
        "SIGMATIQ_ENGINE=cdktf to run the app on cdktf).",
        "  3. TerraformOutput 'svc/group': class 'cdktf.TerraformOutput' is cdktf's, and cdktn (the engine "
        "SIGMATIQ_ENGINE selects) cannot synthesize another engine's constructs. Allowed: constructs of cdktn: its "
        "names from sigmatiq_infra.cdk, its azurerm bindings from sigmatiq_infra.azurerm. Fix: import "
        "TerraformOutput from sigmatiq_infra.cdk, not from cdktf (or set SIGMATIQ_ENGINE=cdktf to run the app on "
        "cdktf).",
    ])
    assert not (tmp_path / "cdktf.out").exists()
