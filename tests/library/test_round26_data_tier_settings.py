"""The data tier's optional settings tried from outside, twenty-sixth round: what a hurried
user writes for a PostgreSQL flexible server, an Azure Cache for Redis, an Azure Managed Redis,
an App Configuration store and a container registry. The values Azure and azurerm take at the
very edge pass as written (no false alarm); a setting the library does not offer is one clear
problem naming the props class and the fields it has; a refusal's fix passes when applied.

Sources, each read for this round:
- azurerm 4.x `postgresql_flexible_server.html.markdown` (backup_retention_days 7-35; storage_mb
  from a list, 32768 to 33553408) and Microsoft Learn, "Soft delete in Azure App Configuration"
  (soft delete and purge protection on the standard and premium tiers only, "not available in the
  free and developer tiers"); azurerm `app_configuration.html.markdown` (soft_delete_retention_days
  1-7).
- azurerm `redis/redis_cache_resource.go` (redis_version "4" or "6", written as the major alone;
  `redis_cache.html.markdown`: version 4 no longer creates new caches) and
  `postgresql_flexible_server.html.markdown` (version: the major version as text).

A number where a version goes (`version=16.0`, `redis_version=6.0`, `minimum_tls_version=1.0`) was
told to put its own digits in quotes, which the next run refused ('16.0' is no version azurerm
takes); it is now told the choice it means, or the choices.
"""

from __future__ import annotations

import pytest
from helpers import error_of, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.testing import Template


def server(stack, group, **props) -> c.PostgresServer:
    password = c.WriteOnlySecret.from_inputs(stack, "db_password", "the database password")
    return c.PostgresServer(stack, "Db", c.PostgresServerProps(
        "psql-orders-26", group, "GP_Standard_D2ds_v5", "dbadminx", password, **props,
    ))


def written(stack, resource_type: str) -> dict:
    [resource] = Template.from_stack(stack).resources(resource_type).values()
    return resource


# --- PostgreSQL flexible server: the edges Azure takes ----------------------------------------------


@pytest.mark.parametrize("days", [7, 35])
def test_a_backup_retention_of_7_or_35_days_passes_as_written(stack, group, days):
    server(stack, group, backup_retention_days=days)
    assert recorded(stack) == []
    assert written(stack, "azurerm_postgresql_flexible_server")["backup_retention_days"] == days


@pytest.mark.parametrize("storage_mb", [32768, 4193280, 4194304, 33553408])
def test_the_smallest_the_largest_and_both_4_tib_storage_sizes_pass_as_written(stack, group, storage_mb):
    server(stack, group, storage_mb=storage_mb)
    assert recorded(stack) == []
    assert written(stack, "azurerm_postgresql_flexible_server")["storage_mb"] == storage_mb


def test_a_storage_size_in_gib_written_as_mb_is_refused_with_the_sizes_azure_offers(stack, group):
    assert error_of(lambda: server(stack, group, storage_mb=32000)) == (
        "PostgresServer 'test/Db': storage_mb 32000 is not supported. Allowed: 32768, 65536, 131072, 262144, "
        "524288, 1048576, 2097152, 4193280, 4194304, 8388608, 16777216, 33553408. Fix: use one of 32768, 65536, "
        "131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304, 8388608, 16777216, 33553408."
    )


CHOICES = "'13', '14', '15', '16', '17', '18'"


@pytest.mark.parametrize("version", [16.0, 16.2])
def test_a_version_written_as_a_decimal_number_is_told_its_major_version_in_quotes(stack, group, version):
    assert error_of(lambda: server(stack, group, version=version)) == (
        f"PostgresServer 'test/Db': version {version} has the type float. Allowed: str. Fix: write version='16', "
        f"as text in quotes (the choices: {CHOICES})."
    )


def test_a_version_azure_no_longer_creates_written_as_a_number_is_told_the_choices_not_its_digits(stack, group):
    assert error_of(lambda: server(stack, group, version=12)) == (
        "PostgresServer 'test/Db': version 12 has the type int. Allowed: str. Fix: give version one of "
        f"{CHOICES}, as text in quotes."
    )


def test_a_version_written_as_a_whole_number_is_still_told_its_digits_in_quotes(stack, group):
    assert error_of(lambda: server(stack, group, version=17)) == (
        "PostgresServer 'test/Db': version 17 has the type int. Allowed: str. Fix: give version a value of type "
        "str: '17' in quotes."
    )


@pytest.mark.parametrize("version", ["16", "17"])
def test_the_versions_the_fixes_name_pass_as_written(stack, group, version):
    server(stack, group, version=version)
    assert recorded(stack) == []
    assert written(stack, "azurerm_postgresql_flexible_server")["version"] == version


SETTINGS = (
    "name, resource_group, sku, administrator_login, administrator_password, version, storage_mb, "
    "auto_grow_enabled, backup_retention_days, geo_redundant_backup_enabled, high_availability_mode, "
    "public_network_access_enabled, allow_azure_services, firewall_rules, databases, require_secure_transport, "
    "managed_identities, tags"
)


@pytest.mark.parametrize("keyword", ["maintenance_window", "server_parameters", "charset", "zone"])
def test_a_postgres_setting_the_library_does_not_offer_is_one_problem_naming_the_fields(stack, group, keyword):
    assert error_of(lambda: server(stack, group, **{keyword: "x"})) == (
        f"PostgresServerProps 'arguments': keyword {keyword!r} is not one of its fields. Allowed: {SETTINGS}. "
        f"Fix: remove {keyword}=<value> (PostgresServerProps has no such setting)."
    )


# --- Azure Cache for Redis, Azure Managed Redis -----------------------------------------------------


def cache(stack, group, **props) -> c.RedisCache:
    return c.RedisCache(stack, "Cache", c.RedisCacheProps("redis-orders-26", group, **props))


@pytest.mark.parametrize(("prop", "value", "fix"), [
    ("redis_version", 6.0, "write redis_version='6', as text in quotes (the choices: '6')"),
    ("minimum_tls_version", 1.0, "give minimum_tls_version one of '1.2', as text in quotes"),
    ("minimum_tls_version", 1.1, "give minimum_tls_version one of '1.2', as text in quotes"),
])
def test_a_redis_version_written_as_a_number_is_told_the_text_the_cache_takes(stack, group, prop, value, fix):
    assert error_of(lambda: cache(stack, group, **{prop: value})) == (
        f"RedisCache 'test/Cache': {prop} {value} has the type float. Allowed: str. Fix: {fix}."
    )


def test_the_redis_and_tls_versions_the_fixes_name_pass(stack, group):
    cache(stack, group, redis_version="6", minimum_tls_version="1.2")
    assert recorded(stack) == []
    redis = written(stack, "azurerm_redis_cache")
    assert (redis["redis_version"], redis["minimum_tls_version"], redis["non_ssl_port_enabled"]) == ("6", "1.2", False)


@pytest.mark.parametrize("keyword", ["shard_count", "non_ssl_port_enabled", "family", "zones"])
def test_a_redis_setting_the_library_does_not_offer_is_one_problem_naming_the_fields(stack, group, keyword):
    assert error_of(lambda: cache(stack, group, **{keyword: 2})) == (
        f"RedisCacheProps 'arguments': keyword {keyword!r} is not one of its fields. Allowed: name, resource_group, "
        "sku, capacity, redis_version, minimum_tls_version, public_network_access_enabled, managed_identities, "
        f"tags. Fix: remove {keyword}=<value> (RedisCacheProps has no such setting)."
    )


@pytest.mark.parametrize("keyword", ["eviction_policy", "clustering_policy", "modules"])
def test_a_managed_redis_policy_the_library_does_not_offer_is_one_problem_naming_the_fields(stack, group, keyword):
    assert error_of(lambda: c.ManagedRedis(stack, "Cache", c.ManagedRedisProps(
        "redis-orders-26", group, **{keyword: "NoEviction"},
    ))) == (
        f"ManagedRedisProps 'arguments': keyword {keyword!r} is not one of its fields. Allowed: name, "
        "resource_group, sku, high_availability_enabled, access_keys_authentication_enabled, "
        f"public_network_access_enabled, managed_identities, tags. Fix: remove {keyword}=<value> "
        "(ManagedRedisProps has no such setting)."
    )


# --- App Configuration ------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [1, 7])
def test_a_soft_delete_retention_of_1_or_7_days_passes_as_written(stack, group, days):
    c.AppConfiguration(stack, "Config", c.AppConfigurationProps(
        "appcs-orders-26", group, soft_delete_retention_days=days,
    ))
    assert recorded(stack) == []
    store = written(stack, "azurerm_app_configuration")
    assert (store["soft_delete_retention_days"], store["purge_protection_enabled"]) == (days, True)


@pytest.mark.parametrize(("sku", "days"), [("free", 0), ("free", 8), ("developer", 30)])
def test_soft_delete_days_out_of_range_on_a_tier_without_soft_delete_is_one_problem_to_leave_them_out(
    stack, group, sku, days,
):
    assert error_of(lambda: c.AppConfiguration(stack, "Config", c.AppConfigurationProps(
        "appcs-orders-26", group, sku=sku, public_network_access_enabled=True, soft_delete_retention_days=days,
    ))) == (
        f"AppConfiguration 'test/Config': soft_delete_retention_days {days} is not available on the {sku!r} SKU "
        "(it has no soft delete). Allowed: soft_delete_retention_days only with sku 'standard' or 'premium'. "
        "Fix: leave soft_delete_retention_days out, or use sku='standard' with soft_delete_retention_days between 1 "
        "and 7."
    )


def test_soft_delete_days_out_of_range_with_free_in_capitals_is_told_only_to_write_free_without_them(stack, group):
    assert error_of(lambda: c.AppConfiguration(stack, "Config", c.AppConfigurationProps(
        "appcs-orders-26", group, sku="Free", public_network_access_enabled=True, soft_delete_retention_days=0,
    ))) == (
        "AppConfiguration 'test/Config': sku 'Free' is not supported (did you mean 'free'?). Allowed: 'free', "
        "'developer', 'standard', 'premium'. Fix: write sku='free' without soft_delete_retention_days (free and "
        "developer stores have no soft delete), or sku='standard' to keep soft delete."
    )


def test_the_fix_to_leave_the_days_out_of_a_free_store_passes(stack, group):
    c.AppConfiguration(stack, "Config", c.AppConfigurationProps(
        "appcs-orders-26", group, sku="free", public_network_access_enabled=True,
    ))
    assert recorded(stack) == []
    store = written(stack, "azurerm_app_configuration")
    assert (store["sku"], store.get("soft_delete_retention_days")) == ("free", None)


def test_soft_delete_days_out_of_range_on_a_standard_store_are_still_told_the_range(stack, group):
    assert error_of(lambda: c.AppConfiguration(stack, "Config", c.AppConfigurationProps(
        "appcs-orders-26", group, soft_delete_retention_days=8,
    ))) == (
        "AppConfiguration 'test/Config': soft_delete_retention_days 8 is out of range. Allowed: 1 to 7. Fix: set "
        "soft_delete_retention_days between 1 and 7."
    )


@pytest.mark.parametrize("keyword", ["replicas", "replica_locations"])
def test_app_configuration_replicas_are_one_problem_naming_the_fields(stack, group, keyword):
    assert error_of(lambda: c.AppConfiguration(stack, "Config", c.AppConfigurationProps(
        "appcs-orders-26", group, **{keyword: ["westus"]},
    ))) == (
        f"AppConfigurationProps 'arguments': keyword {keyword!r} is not one of its fields. Allowed: name, "
        "resource_group, sku, public_network_access_enabled, local_auth_enabled, purge_protection_enabled, "
        f"soft_delete_retention_days, managed_identities, tags. Fix: remove {keyword}=<value> "
        "(AppConfigurationProps has no such setting)."
    )


# --- container registry -----------------------------------------------------------------------------


@pytest.mark.parametrize("keyword", [
    "retention_policy_in_days", "georeplications", "zone_redundancy_enabled", "admin_enabled",
    "anonymous_pull_enabled", "data_endpoint_enabled",
])
def test_a_registry_setting_the_library_does_not_offer_is_one_problem_naming_the_fields(stack, group, keyword):
    assert error_of(lambda: c.ContainerRegistry(stack, "Registry", c.ContainerRegistryProps(
        "acrorders26", group, **{keyword: True},
    ))) == (
        f"ContainerRegistryProps 'arguments': keyword {keyword!r} is not one of its fields. Allowed: name, "
        "resource_group, sku, public_network_access_enabled, managed_identities, tags. Fix: remove "
        f"{keyword}=<value> (ContainerRegistryProps has no such setting)."
    )
