"""Registry, caches and logs tried from outside, seventeenth round: the values at the very edge of
what Azure and azurerm 4.x take for a container registry, an Azure Cache for Redis, an Azure
Managed Redis and a Log Analytics workspace still pass as written (no false alarm), and the
ones just past the edge are one line of the numbered list each.

Sources, each read for this round:
- azurerm `containers/validate` ContainerRegistryName (5-50 letters and digits, either case) and
  `container_registry_resource.go` (sku Basic/Standard/Premium, case-sensitive; public access off
  only on Premium).
- azurerm `redis_cache_resource.go` CustomizeDiff (Basic/Standard C0-C6, Premium P1-P5, from
  Azure CLI's rules) and Microsoft Learn, "Naming rules and restrictions for Azure resources"
  (Microsoft.Cache/Redis: 1-63 alphanumerics and hyphens, no consecutive hyphens).
- azurerm `loganalytics/validate/log_analytics_workspace_name.go` (4-63, letters, digits, '-',
  not first or last) and `log_analytics_workspace_resource.go` (retention_in_days 30-730, or 7
  on the legacy Free tier only; daily_quota_gb a float, -1 for no cap).
"""

from __future__ import annotations

import pytest
from helpers import error_of, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.testing import Template

# --- container registry ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Acr01", "ACR" + "x" * 47])
def test_a_registry_name_of_5_or_50_letters_and_digits_in_either_case_passes(stack, group, name):
    c.ContainerRegistry(stack, "Registry", c.ContainerRegistryProps(name, group))
    assert recorded(stack) == []
    [registry] = Template.from_stack(stack).resources("azurerm_container_registry").values()
    assert (registry["name"], registry["sku"], registry["public_network_access_enabled"]) == (name, "Premium", False)


def test_a_standard_registry_that_opts_in_to_public_access_passes(stack, group):
    c.ContainerRegistry(stack, "Registry", c.ContainerRegistryProps(
        "acrteam17", group, sku="Standard", public_network_access_enabled=True,
    ))
    assert recorded(stack) == []
    [registry] = Template.from_stack(stack).resources("azurerm_container_registry").values()
    assert (registry["sku"], registry["admin_enabled"], registry["public_network_access_enabled"]) == (
        "Standard", False, True,
    )


def test_a_registry_sku_in_lowercase_is_told_the_spelling_azurerm_takes(stack, group):
    assert error_of(lambda: c.ContainerRegistry(stack, "Registry", c.ContainerRegistryProps(
        "acrteam17", group, sku="premium",
    ))) == (
        "ContainerRegistry 'test/Registry': sku 'premium' is not supported (did you mean 'Premium'?). "
        "Allowed: 'Basic', 'Standard', 'Premium'. Fix: use one of 'Basic', 'Standard', 'Premium'."
    )


# --- Azure Cache for Redis --------------------------------------------------------------------------------


@pytest.mark.parametrize(("sku", "capacity", "family"), [
    ("Basic", 0, "C"), ("Basic", 6, "C"), ("Standard", 0, "C"), ("Standard", 6, "C"),
    ("Premium", 1, "P"), ("Premium", 5, "P"),
])
def test_each_end_of_a_redis_skus_sizes_passes_with_its_family(stack, group, sku, capacity, family):
    c.RedisCache(stack, "Cache", c.RedisCacheProps("redis-team-17", group, sku=sku, capacity=capacity))
    assert recorded(stack) == []
    [cache] = Template.from_stack(stack).resources("azurerm_redis_cache").values()
    assert (cache["sku_name"], cache["family"], cache["capacity"]) == (sku, family, capacity)


def test_a_standard_cache_of_size_c7_is_refused_with_its_sizes(stack, group):
    assert error_of(lambda: c.RedisCache(stack, "Cache", c.RedisCacheProps(
        "redis-team-17", group, sku="Standard", capacity=7,
    ))) == (
        "RedisCache 'test/Cache': capacity 7 is not supported. Allowed: 0, 1, 2, 3, 4, 5, 6. "
        "Fix: Standard caches come in sizes C0-C6; pick one of those capacities."
    )


@pytest.mark.parametrize("name", ["r", "R2", "a" * 63, "redis-A-1"])
def test_a_redis_name_of_1_to_63_letters_digits_and_single_hyphens_passes(stack, group, name):
    c.RedisCache(stack, "Cache", c.RedisCacheProps(name, group))
    assert recorded(stack) == []
    [cache] = Template.from_stack(stack).resources("azurerm_redis_cache").values()
    assert cache["name"] == name


# --- Log Analytics workspace ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Ab-c", "l" * 63])
def test_a_workspace_name_of_4_or_63_characters_passes(stack, group, name):
    c.LogAnalyticsWorkspace(stack, "Logs", c.LogAnalyticsWorkspaceProps(name, group))
    assert recorded(stack) == []
    [workspace] = Template.from_stack(stack).resources("azurerm_log_analytics_workspace").values()
    assert workspace["name"] == name


@pytest.mark.parametrize("days", [30, 730])
def test_a_retention_of_30_or_730_days_passes_on_pay_as_you_go(stack, group, days):
    c.LogAnalyticsWorkspace(stack, "Logs", c.LogAnalyticsWorkspaceProps("log-team-17", group, retention_in_days=days))
    assert recorded(stack) == []
    [workspace] = Template.from_stack(stack).resources("azurerm_log_analytics_workspace").values()
    assert (workspace["sku"], workspace["retention_in_days"]) == ("PerGB2018", days)


def test_a_retention_of_7_days_the_free_tiers_is_refused_on_pay_as_you_go(stack, group):
    assert error_of(lambda: c.LogAnalyticsWorkspace(stack, "Logs", c.LogAnalyticsWorkspaceProps(
        "log-team-17", group, retention_in_days=7,
    ))) == (
        "LogAnalyticsWorkspace 'test/Logs': retention_in_days 7 is out of range. Allowed: 30 to 730. "
        "Fix: set retention_in_days between 30 and 730."
    )


def test_a_daily_quota_written_as_a_whole_number_passes_as_a_number_of_gb(stack, group):
    c.LogAnalyticsWorkspace(stack, "Logs", c.LogAnalyticsWorkspaceProps("log-team-17", group, daily_quota_gb=5))
    assert recorded(stack) == []
    [workspace] = Template.from_stack(stack).resources("azurerm_log_analytics_workspace").values()
    assert workspace["daily_quota_gb"] == 5
