"""Round 21, the checks of rounds 17-20 on either engine: an app of a hurried user that uses what
they speak of (an NSG rule for every port and one for a list of ports, private DNS A records, both
PostgreSQL standby modes, a Managed Redis size, diagnostic settings, metric alerts with each
aggregation) synthesizes on the engine in use with no problem, writes the arguments each check is
about, as the azurerm of its bindings names them (4.55 on cdktf, 5.10 on CDK Terrain), and
`terraform init` reads the stack with only the provider missing. `bin/test` runs it on cdktf and
`SIGMATIQ_ENGINE=cdktn bin/test` on CDK Terrain.

The rules hold on both majors: the 5.0 upgrade guide (website/docs/5.0-upgrade-guide.html.markdown)
changes none of network_security_rule, postgresql_flexible_server's high_availability,
managed_redis's sku_name or monitor_metric_alert's criteria, and removes monitor_diagnostic_setting's
`metric` block for `enabled_metric`, which the library writes on both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import configuration_errors, empty_provider_mirror, recorded, terraform_init

from sigmatiq_infra import azurerm
from sigmatiq_infra import constructs as c
from sigmatiq_infra.constructs.monitoring import AGGREGATIONS
from sigmatiq_infra.stacks import App, AzureStack

R = c.SubnetRole


def _app(outdir: Path) -> tuple[App, AzureStack]:
    app = App(outdir=str(outdir))
    stack = AzureStack(app, "parity")
    group = c.ResourceGroup(stack, "G", c.ResourceGroupProps("rg-parity", "westeurope"))
    vnet = c.VirtualNetwork(stack, "Net", c.VirtualNetworkProps("vnet-parity", group, "10.20.0.0/16", [
        c.SubnetSpec("snet-pe", "10.20.1.0/24", R.PRIVATE_ENDPOINTS, [
            c.InboundRule("every", 100, "203.0.113.7/32", ("*",)),
            c.InboundRule("some", 110, "203.0.113.0/24", ("443", "8000-8080")),
        ]),
    ]))
    zones = c.PrivateDnsZones(stack, "Zones", c.PrivateDnsZonesProps(group, vnet))
    zone = zones.zone("corp.internal")
    zones.add_a_record(stack, "Www", zone, name="www", records=["10.20.1.4"])
    zones.add_a_record(stack, "Apex", zone, name="@", records=["10.20.1.5"])
    password = c.WriteOnlySecret.from_inputs(stack, "pg_password", "the password")
    servers = [
        c.PostgresServer(stack, f"Pg{mode}", c.PostgresServerProps(
            f"psql-parity-{mode.lower()}", group, "GP_Standard_D2ds_v5", "pgadmin", password,
            high_availability_mode=mode,
        ))
        for mode in ("ZoneRedundant", "SameZone")
    ]
    cache = c.ManagedRedis(stack, "Cache", c.ManagedRedisProps("amr-parity", group, sku="Balanced_B3"))
    logs = c.LogAnalyticsWorkspace(stack, "Logs", c.LogAnalyticsWorkspaceProps("log-parity", group))
    servers[0].add_diagnostic_settings(logs)
    cache.add_diagnostic_settings(logs)
    action = c.ActionGroup(stack, "Alerts", c.ActionGroupProps("ag-parity", group, "parity"))
    for aggregation in AGGREGATIONS:
        c.MetricAlert(stack, f"Cpu{aggregation}", c.MetricAlertProps(
            f"psql cpu {aggregation}", group, servers[0], "cpu_percent", 90, action, aggregation=aggregation,
        ))
    return app, stack


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory) -> tuple[Path, dict]:
    """The app synthesized once on the engine in use: its stack folder and its JSON."""
    outdir = tmp_path_factory.mktemp("parity") / "cdktf.out"
    app, stack = _app(outdir)
    assert recorded(stack) == []
    app.synth()
    folder = outdir / "stacks" / "parity"
    return folder, json.loads((folder / "cdk.tf.json").read_text())


def _resources(doc: dict, kind: str) -> list[dict]:
    return list(doc["resource"][kind].values())


def test_the_stack_pins_the_azurerm_of_the_engines_bindings(synthesized):
    _, doc = synthesized
    assert doc["terraform"]["required_providers"]["azurerm"]["version"] == azurerm.VERSION
    assert {4: "4.55.0", 5: "5.10.0"}[azurerm.MAJOR] == azurerm.VERSION


def test_star_is_the_rules_one_port_range_and_a_list_of_ports_is_its_ranges_on_either_engine(synthesized):
    _, doc = synthesized
    rules = {rule["name"]: rule for rule in _resources(doc, "azurerm_network_security_rule")}
    assert (rules["every"]["destination_port_range"], "destination_port_ranges" in rules["every"]) == ("*", False)
    assert (rules["some"]["destination_port_ranges"], "destination_port_range" in rules["some"]) == (
        ["443", "8000-8080"], False,
    )
    assert [rules[name]["source_address_prefix"] for name in ("every", "some")] == [
        "203.0.113.7/32", "203.0.113.0/24",
    ]


def test_records_keep_their_relative_names_and_name_their_zone_as_the_major_does(synthesized):
    _, doc = synthesized
    records = _resources(doc, "azurerm_private_dns_a_record")
    assert sorted(record["name"] for record in records) == ["@", "www"]
    zone_arguments = {5: {"private_dns_zone_id"}, 4: {"zone_name", "resource_group_name"}}[azurerm.MAJOR]
    assert all(zone_arguments <= set(record) for record in records)


def test_both_standby_modes_a_managed_redis_size_and_every_aggregation_are_written_as_given(synthesized):
    _, doc = synthesized
    assert sorted(server["high_availability"]["mode"]
                  for server in _resources(doc, "azurerm_postgresql_flexible_server")) == ["SameZone", "ZoneRedundant"]
    assert [cache["sku_name"] for cache in _resources(doc, "azurerm_managed_redis")] == ["Balanced_B3"]
    assert sorted(alert["criteria"][0]["aggregation"] for alert in _resources(doc, "azurerm_monitor_metric_alert")) == (
        sorted(("Average", "Count", "Minimum", "Maximum", "Total"))
    )


def test_diagnostic_settings_write_only_the_blocks_azurerm_5_keeps(synthesized):
    _, doc = synthesized
    blocks = [sorted(key for key in setting if key in ("enabled_log", "enabled_metric", "metric", "log"))
              for setting in _resources(doc, "azurerm_monitor_diagnostic_setting")]
    # The server's one target collects both; the cache's two (cluster, database) one each.
    assert sorted(blocks) == [["enabled_log"], ["enabled_log", "enabled_metric"], ["enabled_metric"]]


@pytest.mark.slow
def test_terraform_init_reads_the_stack_with_only_the_provider_missing(synthesized, tmp_path):
    folder, _ = synthesized
    output = terraform_init(folder, empty_provider_mirror(tmp_path))
    assert f'Finding hashicorp/azurerm versions matching "{azurerm.VERSION}"' in output
    assert configuration_errors(output) == []
