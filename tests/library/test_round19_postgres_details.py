"""PostgreSQL flexible server details tried from outside, nineteenth round: what a hurried
user's own app gives the server that the library judged wrongly. A firewall rule of their own
from 0.0.0.0 to 0.0.0.0 (Azure's "allow any Azure service" rule, as azurerm's and Microsoft's
examples write it) now lets a container app without a VNet reach the server, as it does in
Azure; the Azure API's high-availability mode 'Disabled', which azurerm refuses, is one line
that says to write None, not a second line about Burstable SKUs."""

from __future__ import annotations

import pytest
from helpers import error_of, recorded, stacks_with_groups, synthesized_documents

from sigmatiq_infra import constructs as c
from sigmatiq_infra.testing import Template
from sigmatiq_infra.validation import ValidationError


def server_used_by_an_app(stack, group, *rules: c.FirewallRule, allow_azure_services: bool = False):
    """A public server with `rules`, used as DATABASE_URL by a container app whose environment has no VNet."""
    password = c.WriteOnlySecret.from_inputs(stack, "db_password", "the database password")
    server = c.PostgresServer(stack, "Db", c.PostgresServerProps(
        "psql-orders-19", group, "B_Standard_B1ms", "dbadminx", password, databases=["orders"],
        public_network_access_enabled=True, firewall_rules=list(rules), allow_azure_services=allow_azure_services,
    ))
    environment = c.ContainerAppEnvironment(stack, "Environment", c.ContainerAppEnvironmentProps("cae-orders", group))
    identity = c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps("id-orders", group))
    registry = c.ContainerRegistry(stack, "Registry", c.ContainerRegistryProps(
        "acrorders19", group, sku="Basic", public_network_access_enabled=True,
    ))
    c.ContainerApp(stack, "Api", c.ContainerAppProps(
        "orders-api", environment, identity, registry, "orders/api", "1.0.0", 8080,
        dependencies={"DATABASE_URL": server},
    ))
    return server


def firewall_rules_written(tmp_path) -> dict[str, tuple[str, str, str]]:
    """The stack's firewall rules as synthesized, by logical id: (name, start, end)."""
    resource = synthesized_documents(tmp_path)["orders"]["resource"]
    resources = resource["azurerm_postgresql_flexible_server_firewall_rule"]
    return {key: (rule["name"], rule["start_ip_address"], rule["end_ip_address"]) for key, rule in resources.items()}


# --- a firewall rule of the user's own that admits Azure services -------------------------------------------
# Microsoft Learn, "Firewall rules in Azure Database for PostgreSQL flexible server": "a firewall rule setting
# with a starting and ending address equal to 0.0.0.0 does the equivalent of the Allow public access from any
# Azure service within Azure to this server option in the portal"; a source address "within one of the ranges"
# is let in, so a range over every IPv4 address lets in every client too.


def test_a_rule_of_ones_own_from_0_0_0_0_to_0_0_0_0_lets_an_app_without_a_vnet_reach_the_server(tmp_path):
    app, (stack,), (group,) = stacks_with_groups(tmp_path, "orders")
    server_used_by_an_app(stack, group, c.FirewallRule("AllowAllAzureIps", "0.0.0.0", "0.0.0.0"))
    app.synth()
    assert sorted(firewall_rules_written(tmp_path).values()) == [("AllowAllAzureIps", "0.0.0.0", "0.0.0.0")]


def test_a_rule_over_every_ipv4_address_lets_the_app_reach_the_server_too(tmp_path):
    app, (stack,), (group,) = stacks_with_groups(tmp_path, "orders")
    server_used_by_an_app(stack, group, c.FirewallRule("office", "203.0.113.7", "203.0.113.7"),
                          c.FirewallRule("everyone", "0.0.0.0", "255.255.255.255"))
    app.synth()
    assert sorted(firewall_rules_written(tmp_path).values()) == [
        ("everyone", "0.0.0.0", "255.255.255.255"), ("office", "203.0.113.7", "203.0.113.7"),
    ]


@pytest.mark.parametrize(("start", "end"), [("203.0.113.7", "203.0.113.7"), ("0.0.0.0", "0.0.0.1"),
                                            ("0.0.0.1", "255.255.255.255")])
def test_a_rule_of_some_addresses_only_still_leaves_the_server_unreachable_from_the_app(tmp_path, start, end):
    app, (stack,), (group,) = stacks_with_groups(tmp_path, "orders")
    server_used_by_an_app(stack, group, c.FirewallRule("office", start, end))
    with pytest.raises(ValidationError) as error:
        app.synth()
    assert [p for p in error.value.problems if p.startswith("Reachability")] == [
        "Reachability 'orders/Db': PostgreSQL flexible server 'psql-orders-19' cannot be reached from environment "
        "'cae-orders' through its Azure-managed network (it has no VNet), yet the apps use it (orders-api as "
        "DATABASE_URL): its firewall admits no Azure service (the client's outbound addresses are not known at "
        "synth, so only allow_azure_services, or a rule from 0.0.0.0 to 0.0.0.0, opens a path). Allowed: a private "
        "endpoint in the environment's VNet (its DNS zone linked there), or public network access with a path the "
        "environment can use. Fix: set allow_azure_services=True, or give the environment a VNet and the server a "
        "private endpoint in it.",
    ]


def test_allow_azure_services_still_writes_its_own_rule_first(tmp_path):
    app, (stack,), (group,) = stacks_with_groups(tmp_path, "orders")
    server_used_by_an_app(stack, group, c.FirewallRule("office", "203.0.113.7", "203.0.113.7"),
                          allow_azure_services=True)
    app.synth()
    assert sorted(firewall_rules_written(tmp_path).values()) == [
        ("AllowAzureServices", "0.0.0.0", "0.0.0.0"), ("office", "203.0.113.7", "203.0.113.7"),
    ]


# --- the Azure API's high-availability mode for no standby ------------------------------------------------------
# The API's modes are Disabled, SameZone and ZoneRedundant (Microsoft Learn, .NET API reference,
# PostgreSqlFlexibleServerHighAvailabilityMode: "Disabled: High availability is disabled for the server");
# azurerm's `high_availability.mode` takes only ZoneRedundant and SameZone (postgresql_flexible_server_resource.go),
# and no standby is no block.

NO_STANDBY = (
    "PostgresServer 'test/Db': high_availability_mode {mode!r} is the Azure API's value for no standby, which "
    "azurerm does not take. Allowed: 'SameZone' or 'ZoneRedundant' for a standby; None for none. Fix: set "
    "high_availability_mode=None (the default) for a server without a standby."
)


def server(stack, group, sku: str, **props) -> c.PostgresServer:
    password = c.WriteOnlySecret.from_inputs(stack, "db_password", "the database password")
    return c.PostgresServer(stack, "Db", c.PostgresServerProps(
        "psql-orders-19", group, sku, "dbadminx", password, **props,
    ))


@pytest.mark.parametrize("mode", ["Disabled", "disabled"])
def test_high_availability_disabled_as_the_api_writes_it_is_told_to_write_none(stack, group, mode):
    assert error_of(lambda: server(stack, group, "GP_Standard_D2ds_v5", high_availability_mode=mode)) == (
        NO_STANDBY.format(mode=mode)
    )


def test_high_availability_disabled_on_a_burstable_server_is_one_problem_not_a_second_about_burstable(stack, group):
    assert error_of(lambda: server(stack, group, "B_Standard_B1ms", high_availability_mode="Disabled")) == (
        NO_STANDBY.format(mode="Disabled")
    )


def test_high_availability_disabled_comes_with_the_other_problems_of_the_server_in_one_list(stack, group):
    assert error_of(lambda: server(
        stack, group, "B_Standard_B1ms", high_availability_mode="Disabled", backup_retention_days=3,
    )).splitlines() == [
        "PostgresServer 'test/Db': backup_retention_days 3 is out of range. Allowed: 7 to 35. Fix: set "
        "backup_retention_days between 7 and 35.",
        NO_STANDBY.format(mode="Disabled"),
    ]


@pytest.mark.parametrize(("mode", "block"), [(None, None), ("SameZone", {"mode": "SameZone"}),
                                             ("ZoneRedundant", {"mode": "ZoneRedundant"})])
def test_no_standby_or_a_standby_mode_azurerm_takes_passes_as_written(stack, group, mode, block):
    server(stack, group, "GP_Standard_D2ds_v5", high_availability_mode=mode)
    assert recorded(stack) == []
    [written] = Template.from_stack(stack).resources("azurerm_postgresql_flexible_server").values()
    assert written.get("high_availability") == block
