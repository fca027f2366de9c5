"""The data and secrets tier tried from outside, twelfth round: what a hurried user writes for
their own service's vault, database, caches, storage and deploy-time secrets, each mistake one
line of the numbered list (never a traceback), each value Azure takes passing."""

from __future__ import annotations

import pytest
from helpers import error_of

from sigmatiq_infra import constructs as c

# --- props of another construct ------------------------------------------------------------------------


def test_a_cache_given_the_props_of_the_other_redis_construct_is_a_problem_not_a_traceback(stack, group):
    assert error_of(lambda: c.RedisCache(stack, "Cache", c.ManagedRedisProps("redis-svc", group))) == (
        "RedisCache 'test/Cache': props ManagedRedisProps(name='redis-svc', "
        "resource_group=<sigmatiq_infra.constructs... has the type ManagedRedisProps. Allowed: RedisCacheProps. "
        "Fix: pass RedisCacheProps(...) as the props."
    )
    assert error_of(lambda: c.ManagedRedis(stack, "Managed", c.RedisCacheProps("redis-svc", group))).endswith(
        "has the type RedisCacheProps. Allowed: ManagedRedisProps. Fix: pass ManagedRedisProps(...) as the props.",
    )


@pytest.mark.parametrize("kind", [
    c.KeyVault, c.PostgresServer, c.StorageAccount, c.AppConfiguration, c.ContainerRegistry,
])
def test_each_data_construct_given_another_constructs_props_names_its_own_props(stack, group, kind):
    assert error_of(lambda: kind(stack, "Thing", c.UserAssignedIdentityProps("id-svc", group))).endswith(
        f"has the type UserAssignedIdentityProps. Allowed: {kind.__name__}Props. "
        f"Fix: pass {kind.__name__}Props(...) as the props.",
    )


def test_a_secret_given_a_mapping_for_its_props_is_told_to_pass_secret_props(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-svc-12", group, public_network_access_enabled=True))
    value = c.WriteOnlySecret.from_inputs(stack, "db_url", "the URL")
    assert error_of(lambda: vault.add_secret("Url", {"name": "db-url", "value": value}), vault).endswith(
        "has the type dict. Allowed: SecretProps. Fix: pass SecretProps(...) as the props.",
    )


def test_props_of_a_subclass_of_the_constructs_own_props_pass(stack, group):
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class TeamVaultProps(c.KeyVaultProps):
        team: str = "orders"

    vault = c.KeyVault(stack, "Vault", TeamVaultProps("kv-svc-12", group))
    assert vault.props.team == "orders"
    assert stack.problem_log.problems == []
