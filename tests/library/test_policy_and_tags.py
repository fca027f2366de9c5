"""Guardrails: every problem reported at once, policy and tagging aspects, safe synth output."""


import pytest
from helpers import error_of

from sigmatiq_infra._cdktf import Aspects
from sigmatiq_infra.aspects import PolicyAspect, suppress
from sigmatiq_infra.aspects.rules import PRIVATE_ENVIRONMENT
from sigmatiq_infra.constructs import (
    KeyVault,
    KeyVaultProps,
    PrivateDnsZones,
    PrivateDnsZonesProps,
    PrivateNetwork,
    ResourceGroup,
    ResourceGroupProps,
    SubnetRole,
    SubnetSpec,
    VirtualNetwork,
    VirtualNetworkProps,
)
from sigmatiq_infra.stacks import App as SigmatiqApp
from sigmatiq_infra.stacks import AzureStack
from sigmatiq_infra.validation import NameRules


def private_stack(outdir):
    app = SigmatiqApp(outdir=str(outdir))
    stack = AzureStack(app, "private")
    Aspects.of(stack).add(PolicyAspect(PRIVATE_ENVIRONMENT))
    group = ResourceGroup(stack, "Group", ResourceGroupProps("rg-private", "centralus"))
    vnet = VirtualNetwork(stack, "Net", VirtualNetworkProps("vnet-private", group, "10.9.0.0/16", [
        SubnetSpec("snet-pe", "10.9.1.0/24", SubnetRole.PRIVATE_ENDPOINTS),
    ]))
    zones = PrivateDnsZones(stack, "Zones", PrivateDnsZonesProps(group, vnet))
    return app, stack, group, PrivateNetwork(vnet, zones)


NAMES = {
    "RESOURCE_GROUP": ("rg-orders-prod-data", "rg-x."),
    "KEY_VAULT": ("kv-orders-shared", "kv--x"),
    "KEY_VAULT_SECRET": ("1password-key", "Postgres_Url"),
    "CONTAINER_REGISTRY": ("acrordersshared", "acr-orders"),
    "POSTGRES_SERVER": ("psql-orders-prod", "-psql"),
    "POSTGRES_DATABASE": ("orders-db", "1db"),
    "POSTGRES_FIREWALL_RULE": ("AllowAzureServices", "allow all"),
    "POSTGRES_ADMIN_LOGIN": ("ordersadmin", "sql-admin"),
    "REDIS_CACHE": ("redis-orders-prod-7c1", "redis--x"),
    "USER_ASSIGNED_IDENTITY": ("mi-orders-prod", "-mi"),
    "APP_CONFIGURATION": ("appconfig-orders-prod", "app_config"),
    "LOG_ANALYTICS_WORKSPACE": ("log-orders-prod", "log-"),
    "CONTAINER_APP_ENVIRONMENT": ("cae-orders-prod", "1cae"),
    "CONTAINER_APP": ("ca-orders-api", "ca-" + "x" * 30),
    "CONTAINER_APP_SECRET": ("stripe-api-key", "Stripe-API-Key"),
    "VIRTUAL_NETWORK": ("vnet-orders-prod", "vnet-"),
    "SUBNET": ("GatewaySubnet", "snet-pe."),
    "NETWORK_RESOURCE": ("vpngw-orders-prod", "vpn gw"),
    "PRIVATE_ENDPOINT": ("pe-kv-orders-prod", "p"),
    "STORAGE_ACCOUNT": ("stordersstate", "st-orders-state"),
    "STORAGE_CONTAINER": ("tfstate", "tf_state"),
    "DNS_RESOLVER": ("dnsr-orders-prod", "dnsr.prod"),
    "MANAGED_REDIS": ("redis-orders-prod", "redis--prod"),
    "ENVIRONMENT_VARIABLE": ("Orleans.Cluster-Id", "1DATABASE_URL"),
    "ACTION_GROUP": ("Orders prod alerts", "ag:orders"),
    "ACTION_GROUP_SHORT_NAME": ("orders prod", "orders-prod-xx"),
    "ACTION_GROUP_RECEIVER": ("ops+alerts", ""),
    "METRIC_ALERT": ("psql orders-prod cpu", "alert/cpu"),
    "ACTIVITY_LOG_ALERT": ("rg-orders-prod deleted", "deleted|moved"),
    "BUDGET": ("budget-orders-prod", "budget orders"),
    "DNS_FORWARDING": ("corp-example-com", "-corp"),
}


def test_a_suppression_without_a_real_reason_is_refused(tmp_path):
    _, stack, group, _ = private_stack(tmp_path)
    vault = KeyVault(stack, "Vault", KeyVaultProps("kv-private", group))
    assert error_of(lambda: suppress(vault, "private-endpoint-required", "because"), scope=vault) == (
        "Policy suppression 'private/Vault': reason 'because' is too short. Allowed: a written "
        "reason of at least 20 characters. Fix: say why the exception is acceptable."
    )


@pytest.mark.parametrize(("rule", "good", "bad"), [(r, *NAMES[r]) for r in NAMES])
def test_each_naming_rule_accepts_a_good_name_and_rejects_a_bad_one(rule, good, bad):
    assert getattr(NameRules, rule).problems(good) == []
    assert getattr(NameRules, rule).problems(bad) != []


def test_zone_redundancy_needs_a_vnet_integrated_environment(stack, group):
    from sigmatiq_infra.constructs import ContainerAppEnvironment, ContainerAppEnvironmentProps

    assert error_of(lambda: ContainerAppEnvironment(stack, "Env", ContainerAppEnvironmentProps(
        "cae-test", group, zone_redundant=True,
    ))) == (
        "ContainerAppEnvironment 'test/Env': zone_redundant True needs a VNet. Allowed: "
        "zone_redundant=True only with virtual_network. Fix: give the environment a "
        "virtual_network, or set zone_redundant=False."
    )


def test_managed_redis_rejects_a_sku_that_does_not_exist(stack, group):
    from sigmatiq_infra.constructs import ManagedRedis, ManagedRedisProps

    allowed = (
        "Allowed: Balanced_B0 to _B1000, MemoryOptimized_M10 to _M2000, ComputeOptimized_X3 to _X700 or "
        "FlashOptimized_A250 to _A4500, in Azure's steps (redis.MANAGED_SKUS). Fix: pick a size from the Azure "
        "Managed Redis pricing page, e.g. 'Balanced_B5' (6 GB)."
    )
    assert error_of(lambda: ManagedRedis(stack, "Cache", ManagedRedisProps(
        "redis-test", group, sku="Premium_P1",
    ))) == f"ManagedRedis 'test/Cache': sku 'Premium_P1' is not supported. {allowed}"
    # A size Azure does not sell, though shaped like one, is refused too, with the tier's next size.
    assert error_of(lambda: ManagedRedis(stack, "Cache2", ManagedRedisProps(
        "redis-test2", group, sku="Balanced_B2",
    ))) == (
        "ManagedRedis 'test/Cache2': sku 'Balanced_B2' is not supported (did you mean 'Balanced_B3'?). "
        + allowed.split(" Fix:")[0] + " Fix: use 'Balanced_B3', the next size of that tier (or another from the Azure "
        "Managed Redis pricing page)."
    )


def test_the_name_table_covers_every_rule():
    rules = {name for name in vars(NameRules) if name.isupper()}
    assert rules == set(NAMES)
