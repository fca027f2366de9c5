"""Round 22: a choice written in the wrong case ("did you mean 'Basic'?") is told everything a run that
passes needs. Before this round the fix said "use one of ..." and the value the problem suggested then
failed on the construct's defaults, so the user needed a second run: a Basic or Standard registry (or a
free or developer App Configuration store) is public only, while public access is off by default; a
Premium Redis cache starts at P1, while the capacity is 0 by default; Generation2 VPN gateways start at
VpnGw2AZ, while the SKU is VpnGw1AZ by default, and VpnGw4AZ and VpnGw5AZ are Generation2 only, while the
generation is Generation1 by default. Each test asserts the exact message, then applies what the fix
says in a fresh stack and asserts that the run passes with the exact synthesized values."""

from __future__ import annotations

import pytest
from helpers import error_of, fresh_stack, only_resource, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.stacks import App, AzureStack

R = c.SubnetRole


# --- 1. a container registry SKU in lowercase -----------------------------------------------------------
# Microsoft Learn, "Configure public registry access": disabling public access needs Premium; azurerm
# `container_registry.html.markdown`: sku is Basic, Standard or Premium.


def registry(stack, group, **props) -> c.ContainerRegistry:
    return c.ContainerRegistry(stack, "Acr", c.ContainerRegistryProps("acrorders", group, **props))


@pytest.mark.parametrize(("written", "sku"), [("basic", "Basic"), ("standard", "Standard"), ("BASIC", "Basic")])
def test_a_registry_sku_in_lowercase_is_told_to_open_public_access_and_that_passes(stack, group, written, sku):
    assert error_of(lambda: registry(stack, group, sku=written)) == (
        f"ContainerRegistry 'test/Acr': sku {written!r} is not supported (did you mean {sku!r}?). Allowed: 'Basic', "
        f"'Standard', 'Premium'. Fix: write sku={sku!r} with public_network_access_enabled=True (Basic and Standard "
        "registries are public), or sku='Premium' to keep it private."
    )
    fixed, fixed_group = fresh_stack()
    registry(fixed, fixed_group, sku=sku, public_network_access_enabled=True)
    assert recorded(fixed) == []
    config = only_resource(fixed, "azurerm_container_registry")
    assert (config["sku"], config["public_network_access_enabled"]) == (sku, True)


def test_the_private_registry_the_fix_offers_passes(stack, group):
    fixed, fixed_group = fresh_stack()
    registry(fixed, fixed_group, sku="Premium")
    assert recorded(fixed) == []
    config = only_resource(fixed, "azurerm_container_registry")
    assert (config["sku"], config["public_network_access_enabled"]) == ("Premium", False)


def test_a_registry_sku_in_lowercase_on_a_public_registry_is_told_the_choices_as_before(stack, group):
    assert error_of(lambda: registry(stack, group, sku="basic", public_network_access_enabled=True)).endswith(
        "Fix: use one of 'Basic', 'Standard', 'Premium'."
    )
    assert error_of(lambda: registry(stack, group, sku="premium")).endswith(
        "Fix: use one of 'Basic', 'Standard', 'Premium'."
    )


# --- 2. an App Configuration SKU with a capital letter ----------------------------------------------------
# Microsoft Learn, "Use private endpoints for Azure App Configuration" (not on free or developer) and
# "Soft delete in Azure App Configuration" ("not available in the free and developer tiers").


def store(stack, group, **props) -> c.AppConfiguration:
    return c.AppConfiguration(stack, "Cfg", c.AppConfigurationProps("appcs-orders", group, **props))


@pytest.mark.parametrize(("written", "sku"), [("Free", "free"), ("Developer", "developer"), ("FREE", "free")])
def test_an_app_configuration_sku_with_capitals_is_told_to_open_public_access_and_that_passes(
    stack, group, written, sku,
):
    assert error_of(lambda: store(stack, group, sku=written)) == (
        f"AppConfiguration 'test/Cfg': sku {written!r} is not supported (did you mean {sku!r}?). Allowed: 'free', "
        f"'developer', 'standard', 'premium'. Fix: write sku={sku!r} with public_network_access_enabled=True (free "
        "and developer stores are public), or sku='standard' to keep it private."
    )
    fixed, fixed_group = fresh_stack()
    store(fixed, fixed_group, sku=sku, public_network_access_enabled=True)
    assert recorded(fixed) == []
    config = only_resource(fixed, "azurerm_app_configuration")
    assert config["sku"] == sku
    assert "public_network_access" not in config


def test_an_app_configuration_sku_with_capitals_and_soft_delete_is_told_to_leave_soft_delete_out(stack, group):
    assert error_of(lambda: store(
        stack, group, sku="Free", purge_protection_enabled=True, soft_delete_retention_days=3,
    )) == (
        "AppConfiguration 'test/Cfg': sku 'Free' is not supported (did you mean 'free'?). Allowed: 'free', "
        "'developer', 'standard', 'premium'. Fix: write sku='free' with public_network_access_enabled=True and "
        "without purge_protection_enabled and without soft_delete_retention_days (free and developer stores are "
        "public and have no soft delete), or sku='standard' to keep it private."
    )
    fixed, fixed_group = fresh_stack()
    store(fixed, fixed_group, sku="free", public_network_access_enabled=True)
    assert recorded(fixed) == []
    assert only_resource(fixed, "azurerm_app_configuration")["sku"] == "free"


def test_a_public_store_with_soft_delete_is_told_only_to_leave_soft_delete_out(stack, group):
    assert error_of(lambda: store(
        stack, group, sku="Developer", public_network_access_enabled=True, soft_delete_retention_days=3,
    )).endswith(
        "Fix: write sku='developer' without soft_delete_retention_days (free and developer stores have no soft "
        "delete), or sku='standard' to keep soft delete."
    )
    fixed, fixed_group = fresh_stack()
    store(fixed, fixed_group, sku="developer", public_network_access_enabled=True)
    assert recorded(fixed) == []
    assert only_resource(fixed, "azurerm_app_configuration")["sku"] == "developer"


def test_the_private_store_the_fix_offers_passes(stack, group):
    fixed, fixed_group = fresh_stack()
    store(fixed, fixed_group, sku="standard", purge_protection_enabled=True, soft_delete_retention_days=3)
    assert recorded(fixed) == []
    config = only_resource(fixed, "azurerm_app_configuration")
    assert (config["sku"], config["public_network_access"], config["soft_delete_retention_days"]) == (
        "standard", "Disabled", 3,
    )


# --- 3. a Redis SKU in lowercase -------------------------------------------------------------------------
# azurerm `redis_cache.html.markdown`: capacity 0-6 for the C family (Basic/Standard), 1-5 for P (Premium).


def cache(stack, group, **props) -> c.RedisCache:
    return c.RedisCache(stack, "Redis", c.RedisCacheProps("redis-orders", group, **props))


@pytest.mark.parametrize(("written", "capacity", "fixed_capacity"), [("premium", 0, 1), ("PREMIUM", 6, 5)])
def test_a_premium_redis_sku_in_lowercase_is_told_a_premium_capacity_and_that_passes(
    stack, group, written, capacity, fixed_capacity,
):
    assert error_of(lambda: cache(stack, group, sku=written, capacity=capacity)) == (
        f"RedisCache 'test/Redis': sku {written!r} is not supported (did you mean 'Premium'?). Allowed: 'Basic', "
        f"'Standard', 'Premium'. Fix: write sku='Premium' with capacity={fixed_capacity} (Premium caches come in "
        "sizes P1-P5)."
    )
    fixed, fixed_group = fresh_stack()
    cache(fixed, fixed_group, sku="Premium", capacity=fixed_capacity)
    assert recorded(fixed) == []
    config = only_resource(fixed, "azurerm_redis_cache")
    assert (config["sku_name"], config["family"], config["capacity"]) == ("Premium", "P", fixed_capacity)


def test_a_basic_redis_sku_in_lowercase_with_a_capacity_it_has_is_told_the_choices_as_before(stack, group):
    assert error_of(lambda: cache(stack, group, sku="basic")).endswith(
        "Fix: use one of 'Basic', 'Standard', 'Premium'."
    )


# --- 4. a VPN gateway generation or SKU in lowercase -----------------------------------------------------
# azurerm 4.55 `virtual_network_gateway_resource.go` (validateVirtualNetworkGatewayRouteBasedVpnSku
# Generation1: VpnGw1AZ-VpnGw3AZ; Generation2: VpnGw2AZ-VpnGw5AZ).


def vpn(stack, group, **props) -> c.VpnGateway:
    network = c.VirtualNetwork(stack, "Net", c.VirtualNetworkProps(
        "vnet-test", group, "10.20.0.0/16", [c.SubnetSpec("GatewaySubnet", "10.20.0.0/27", R.GATEWAY)],
    ))
    return c.VpnGateway(stack, "Vpn", c.VpnGatewayProps(
        "vpngw-test", group, network, "172.16.0.0/24", [c.RootCertificate.from_input(stack, "root", "Root")],
        **props,
    ))


def gateway(stack) -> tuple[str, str]:
    config = only_resource(stack, "azurerm_virtual_network_gateway")
    return config["sku"], config["generation"]


def test_generation2_in_lowercase_is_told_a_generation2_sku_and_that_passes(stack, group):
    assert error_of(lambda: vpn(stack, group, generation="generation2")) == (
        "VpnGateway 'test/Vpn': generation 'generation2' is not supported (did you mean 'Generation2'?). Allowed: "
        "'Generation1', 'Generation2'. Fix: write generation='Generation2' with sku='VpnGw2AZ' (Generation2 takes "
        "VpnGw2AZ, VpnGw3AZ, VpnGw4AZ, VpnGw5AZ), or generation='Generation1' to keep sku 'VpnGw1AZ'."
    )
    fixed, fixed_group = fresh_stack()
    vpn(fixed, fixed_group, generation="Generation2", sku="VpnGw2AZ")
    assert recorded(fixed) == []
    assert gateway(fixed) == ("VpnGw2AZ", "Generation2")
    kept, kept_group = fresh_stack()
    vpn(kept, kept_group, generation="Generation1")
    assert recorded(kept) == []
    assert gateway(kept) == ("VpnGw1AZ", "Generation1")


def test_generation1_in_lowercase_with_vpngw4az_is_told_vpngw3az_and_that_passes(stack, group):
    assert error_of(lambda: vpn(stack, group, generation="generation1", sku="VpnGw4AZ")).endswith(
        "Fix: write generation='Generation1' with sku='VpnGw3AZ' (Generation1 takes VpnGw1AZ, VpnGw2AZ, VpnGw3AZ), "
        "or generation='Generation2' to keep sku 'VpnGw4AZ'."
    )
    fixed, fixed_group = fresh_stack()
    vpn(fixed, fixed_group, generation="Generation1", sku="VpnGw3AZ")
    assert recorded(fixed) == []
    assert gateway(fixed) == ("VpnGw3AZ", "Generation1")


@pytest.mark.parametrize(("written", "sku"), [("vpngw4az", "VpnGw4AZ"), ("vpngw5az", "VpnGw5AZ")])
def test_a_generation2_sku_in_lowercase_is_told_generation2_and_that_passes(stack, group, written, sku):
    assert error_of(lambda: vpn(stack, group, sku=written)) == (
        f"VpnGateway 'test/Vpn': sku {written!r} is not supported (did you mean {sku!r}?). Allowed: 'VpnGw1AZ', "
        f"'VpnGw2AZ', 'VpnGw3AZ', 'VpnGw4AZ', 'VpnGw5AZ'. Fix: write sku={sku!r} with generation='Generation2' "
        "(Generation1 takes VpnGw1AZ, VpnGw2AZ, VpnGw3AZ)."
    )
    fixed, fixed_group = fresh_stack()
    vpn(fixed, fixed_group, sku=sku, generation="Generation2")
    assert recorded(fixed) == []
    assert gateway(fixed) == (sku, "Generation2")


@pytest.mark.parametrize(("written", "generation", "sku", "needed"), [
    ("VpnGw4", "Generation1", "VpnGw4AZ", "Generation2"), ("VpnGw1", "Generation2", "VpnGw1AZ", "Generation1"),
])
def test_a_retired_sku_is_told_its_zone_redundant_sku_with_the_generation_that_takes_it(
    stack, group, written, generation, sku, needed,
):
    takes = "VpnGw1AZ, VpnGw2AZ, VpnGw3AZ" if generation == "Generation1" else "VpnGw2AZ, VpnGw3AZ, VpnGw4AZ, VpnGw5AZ"
    assert error_of(lambda: vpn(stack, group, sku=written, generation=generation)) == (
        f"VpnGateway 'test/Vpn': sku {written!r} can no longer be created (non-zonal SKUs retired 2025-01-01). "
        "Allowed: 'VpnGw1AZ', 'VpnGw2AZ', 'VpnGw3AZ', 'VpnGw4AZ', 'VpnGw5AZ'. "
        f"Fix: write sku={sku!r} with generation={needed!r} ({generation} takes {takes})."
    )
    fixed, fixed_group = fresh_stack()
    vpn(fixed, fixed_group, sku=sku, generation=needed)
    assert recorded(fixed) == []
    assert gateway(fixed) == (sku, needed)


def test_a_sku_and_generation_both_in_lowercase_are_told_fixes_that_pass_together(stack, group):
    assert error_of(lambda: vpn(stack, group, sku="vpngw4az", generation="generation1")) == (
        "VpnGateway 'test/Vpn': sku 'vpngw4az' is not supported (did you mean 'VpnGw4AZ'?). Allowed: 'VpnGw1AZ', "
        "'VpnGw2AZ', 'VpnGw3AZ', 'VpnGw4AZ', 'VpnGw5AZ'. Fix: write sku='VpnGw4AZ' with generation='Generation2' "
        "(Generation1 takes VpnGw1AZ, VpnGw2AZ, VpnGw3AZ).\n"
        "VpnGateway 'test/Vpn': generation 'generation1' is not supported (did you mean 'Generation1'?). Allowed: "
        "'Generation1', 'Generation2'. Fix: use one of 'Generation1', 'Generation2'."
    )


def test_a_sku_in_lowercase_the_default_generation_takes_is_told_the_choices_as_before(stack, group):
    assert error_of(lambda: vpn(stack, group, sku="vpngw2az")).endswith(
        "Fix: use one of 'VpnGw1AZ', 'VpnGw2AZ', 'VpnGw3AZ', 'VpnGw4AZ', 'VpnGw5AZ'."
    )


# --- 5. a zone-redundant storage replication in lowercase, in a region without zones -------------------------
# Microsoft Learn, "Azure Storage redundancy" (ZRS, GZRS and RA-GZRS need availability zones) and "Azure
# regions list" (northcentralus has none); azurerm `storage_account.html.markdown`: account_replication_type
# is LRS, GRS, RAGRS, ZRS, GZRS or RAGZRS.


def account(stack, group, replication) -> c.StorageAccount:
    return c.StorageAccount(stack, "St", c.StorageAccountProps("storders", group, replication=replication))


def zoneless_group(stack) -> c.ResourceGroup:
    return c.ResourceGroup(stack, "Zoneless", c.ResourceGroupProps("rg-ncus", "northcentralus"))


@pytest.mark.parametrize(("written", "meant", "fix", "replication"), [
    ("zrs", "ZRS", "'LRS' (or 'GRS' for a copy in the paired region)", "LRS"),
    ("gzrs", "GZRS", "'GRS'", "GRS"),
    ("RA-GZRS", "RAGZRS", "'RAGRS'", "RAGRS"),
])
def test_a_zone_redundant_replication_in_lowercase_where_there_are_no_zones_is_told_one_that_passes_there(
    stack, written, meant, fix, replication,
):
    assert error_of(lambda: account(stack, zoneless_group(stack), written)) == (
        f"StorageAccount 'test/St': replication {written!r} is not supported (did you mean {meant!r}?). Allowed: "
        f"'LRS', 'ZRS', 'GRS', 'GZRS', 'RAGRS', 'RAGZRS'. Fix: write replication={fix}: {meant} needs availability "
        "zones, which northcentralus does not have."
    )
    fixed = AzureStack(App(), "fixed")
    account(fixed, zoneless_group(fixed), replication)
    assert recorded(fixed) == []
    assert only_resource(fixed, "azurerm_storage_account")["account_replication_type"] == replication


def test_a_zone_redundant_sku_name_where_there_are_no_zones_is_told_the_replication_that_passes_there(stack):
    assert error_of(lambda: account(stack, zoneless_group(stack), "Standard_ZRS")) == (
        "StorageAccount 'test/St': replication 'Standard_ZRS' is not supported. Allowed: 'LRS', 'ZRS', 'GRS', "
        "'GZRS', 'RAGRS', 'RAGZRS'. Fix: write replication='LRS' (or 'GRS' for a copy in the paired region): ZRS "
        "needs availability zones, which northcentralus does not have; 'ZRS' is the part of Azure's SKU name after "
        "'Standard_' (the account is Standard, StorageV2)."
    )
    fixed = AzureStack(App(), "fixed")
    account(fixed, zoneless_group(fixed), "GRS")
    assert recorded(fixed) == []
    assert only_resource(fixed, "azurerm_storage_account")["account_replication_type"] == "GRS"


def test_a_zone_redundant_replication_in_lowercase_where_there_are_zones_is_told_the_choices_as_before(stack, group):
    assert error_of(lambda: account(stack, group, "zrs")).endswith(
        "Fix: use one of 'LRS', 'ZRS', 'GRS', 'GZRS', 'RAGRS', 'RAGZRS'."
    )
    assert error_of(lambda: account(stack, group, "Standard_ZRS")).endswith(
        "Fix: write replication='ZRS': it is the part of Azure's SKU name after 'Standard_' (the account is Standard, "
        "StorageV2)."
    )


# --- 6. a metric alert's frequency or window in lowercase ----------------------------------------------
# Azure Monitor (metricAlerts REST API): windowSize >= evaluationFrequency, and "Evaluation frequency must
# be greater than or equal to five minutes since the period is greater than four hours"; azurerm
# `monitor_metric_alert.html.markdown`: frequency PT1M-PT1H, window_size PT1M-P1D.


def alert(stack, group, **props) -> c.MetricAlert:
    action = c.ActionGroup(stack, "Alerts", c.ActionGroupProps("ag-test", group, "test"))
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    return c.MetricAlert(stack, "Alert", c.MetricAlertProps(
        "kv-availability", group, vault, "Availability", 99, action, operator="LessThan", **props,
    ))


def timing(stack) -> tuple[str, str]:
    config = only_resource(stack, "azurerm_monitor_metric_alert")
    return config["frequency"], config["window_size"]


FREQUENCY = "Allowed: 'PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H'."
WINDOW = "Allowed: 'PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H', 'PT6H', 'PT12H', 'P1D'."


@pytest.mark.parametrize(("props", "message", "applied", "synthesized"), [
    ({"frequency": "pt30m"},
     f"frequency 'pt30m' is not supported (did you mean 'PT30M'?). {FREQUENCY} Fix: write frequency='PT30M' with "
     "window='PT30M' (a window is at least as long as the frequency).",
     {"frequency": "PT30M", "window": "PT30M"}, ("PT30M", "PT30M")),
    ({"window": "pt1m"},
     f"window 'pt1m' is not supported (did you mean 'PT1M'?). {WINDOW} Fix: write window='PT1M' with "
     "frequency='PT1M' (a window is at least as long as the frequency).",
     {"window": "PT1M", "frequency": "PT1M"}, ("PT1M", "PT1M")),
    ({"window": "pt6h", "frequency": "PT1M"},
     f"window 'pt6h' is not supported (did you mean 'PT6H'?). {WINDOW} Fix: write window='PT6H' with "
     "frequency='PT5M' (Azure evaluates a window of more than four hours every five minutes or less often).",
     {"window": "PT6H", "frequency": "PT5M"}, ("PT5M", "PT6H")),
    ({"frequency": "pt1m", "window": "P1D"},
     f"frequency 'pt1m' is not supported (did you mean 'PT1M'?). {FREQUENCY} Fix: write frequency='PT1M' with "
     "window='PT1H' (Azure evaluates a window of more than four hours every five minutes or less often).",
     {"frequency": "PT1M", "window": "PT1H"}, ("PT1M", "PT1H")),
])
def test_a_frequency_or_window_in_lowercase_is_told_the_other_one_azure_takes_with_it_and_that_passes(
    stack, group, props, message, applied, synthesized,
):
    assert error_of(lambda: alert(stack, group, **props)) == f"MetricAlert 'test/Alert': {message}"
    fixed, fixed_group = fresh_stack()
    alert(fixed, fixed_group, **applied)
    assert recorded(fixed) == []
    assert timing(fixed) == synthesized


def test_a_frequency_in_lowercase_the_default_window_takes_is_told_the_choices_as_before(stack, group):
    assert error_of(lambda: alert(stack, group, frequency="pt15m")).endswith(
        "Fix: use one of 'PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H'."
    )


# --- 7. a PostgreSQL high availability mode in lowercase, where the region has no zone-redundant HA ---------
# The fix said "use one of 'ZoneRedundant', 'SameZone'"; 'ZoneRedundant' then failed on the region
# (Microsoft's PostgreSQL regions table, data/regions.toml): the fix names SameZone, which passes.

def postgres(stack, group, mode):
    password = c.WriteOnlySecret.from_inputs(stack, "db_password", "the database password")
    return c.PostgresServer(stack, "Db", c.PostgresServerProps(
        "psql-orders-22", group, "GP_Standard_D2ds_v4", "dbadminx", password, high_availability_mode=mode,
    ))


def test_a_zone_redundant_mode_in_lowercase_in_a_region_without_it_is_told_same_zone_which_passes(stack):
    group = c.ResourceGroup(stack, "Japan", c.ResourceGroupProps("rg-japan", "japanwest"))
    assert error_of(lambda: postgres(stack, group, "zoneredundant")) == (
        "PostgresServer 'test/Db': high_availability_mode 'zoneredundant' is not supported (did you mean "
        "'ZoneRedundant'?). Allowed: 'SameZone', 'ZoneRedundant'. Fix: write high_availability_mode='SameZone' "
        "(japanwest offers no zone-redundant high availability), or 'ZoneRedundant' in a region that offers it."
    )
    fixed = AzureStack(App(), "fixed")
    postgres(fixed, c.ResourceGroup(fixed, "Japan", c.ResourceGroupProps("rg-japan", "japanwest")), "SameZone")
    assert recorded(fixed) == []
    assert only_resource(fixed, "azurerm_postgresql_flexible_server")["high_availability"] == {"mode": "SameZone"}


def test_a_zone_redundant_mode_in_lowercase_where_the_region_has_it_is_told_the_choices_as_before(stack, group):
    assert error_of(lambda: postgres(stack, group, "zoneredundant")).endswith(
        "Fix: use one of 'SameZone', 'ZoneRedundant'."
    )
