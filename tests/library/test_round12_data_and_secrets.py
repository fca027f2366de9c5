"""The data and secrets tier tried from outside, twelfth round: what a hurried user writes for
their own service's vault, database, caches, storage and deploy-time secrets, each mistake one
line of the numbered list (never a traceback), each value Azure takes passing."""

from __future__ import annotations

import pytest
from helpers import error_of

from sigmatiq_infra import constructs as c
from sigmatiq_infra.testing import Template
from sigmatiq_infra.validation import ValidationError

# --- props of another construct ------------------------------------------------------------------------


def test_a_cache_given_the_props_of_the_other_redis_construct_is_a_problem_not_a_traceback(stack, group):
    assert error_of(lambda: c.RedisCache(stack, "Cache", c.ManagedRedisProps("redis-svc", group))) == (
        "RedisCache 'test/Cache': props ManagedRedisProps(name='redis-svc', "
        "resource_group=ResourceGroup 'test/Group'... has the type ManagedRedisProps. Allowed: RedisCacheProps. "
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


@pytest.mark.parametrize("kind", [
    c.ResourceGroup, c.VirtualNetwork, c.ContainerApp, c.ContainerAppEnvironment, c.UserAssignedIdentity,
    c.LogAnalyticsWorkspace, c.ActionGroup, c.MetricAlert, c.DeleteAlert, c.Budget, c.PrivateDnsZones,
    c.DnsResolver, c.PrivateEndpoint, c.VpnGateway,
])
def test_every_other_construct_given_another_constructs_props_names_its_own_props(stack, group, kind):
    assert error_of(lambda: kind(stack, "Thing", c.KeyVaultProps("kv-svc-12", group))).endswith(
        f"has the type KeyVaultProps. Allowed: {kind.__name__}Props. Fix: pass {kind.__name__}Props(...) as the props.",
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


# --- lookups of existing vaults and registries ---------------------------------------------------------


def test_a_lookup_given_its_resource_group_construct_for_the_group_name_is_told_to_pass_its_name(stack, group):
    assert error_of(lambda: c.KeyVault.from_existing(
        stack, "Shared", name="kv-shared", resource_group_name=group,
    ), stack) == (
        "KeyVault.from_existing 'test/Shared': resource_group_name ResourceGroup 'test/Group' is a resource group, "
        "where its name goes. Allowed: the resource group's name (str). Fix: pass its name: "
        "resource_group_name=<group>.name."
    )


def test_a_lookup_with_names_of_the_wrong_type_reports_each_and_no_traceback(stack):
    assert error_of(lambda: c.ContainerRegistry.from_existing(
        stack, "Shared", name=5, resource_group_name=("rg-shared",), missing_hint=["deploy shared first"],
    ), stack).splitlines() == [
        "ContainerRegistry.from_existing 'test/Shared': name 5 has the type int. Allowed: str. Fix: give name a "
        "value of type str: '5' in quotes.",
        "ContainerRegistry.from_existing 'test/Shared': resource_group_name ('rg-shared',) has the type tuple. "
        "Allowed: str. Fix: give resource_group_name a value of type str.",
        "ContainerRegistry.from_existing 'test/Shared': missing_hint ['deploy shared first'] has the type list. "
        "Allowed: str or None. Fix: give missing_hint a value of type str or None.",
    ]


def test_a_lookup_by_the_groups_name_still_passes(stack, group):
    c.KeyVault.from_existing(stack, "Shared", name="kv-shared", resource_group_name=group.name)
    assert stack.problem_log.problems == []
    [vault] = Template.from_stack(stack).data("azurerm_key_vault").values()
    assert (vault["name"], vault["resource_group_name"]) == ("kv-shared", "rg-test")


# --- deploy-time inputs --------------------------------------------------------------------------------


@pytest.mark.parametrize("scope", [None, "test"])
def test_a_secret_input_without_a_construct_for_its_scope_is_a_problem_not_a_traceback(scope):
    with pytest.raises(ValidationError) as raised:
        c.WriteOnlySecret.from_inputs(scope, "db_password", "the database password")
    assert list(raised.value.problems) == [
        f"deploy input 'db_password': scope {scope!r} has the type {type(scope).__name__}. Allowed: a stack "
        "(AzureStack) or a construct in one. Fix: pass the stack it belongs in first: "
        "WriteOnlySecret.from_inputs(stack, 'db_password', ...) (or deploy_input(stack, ...)).",
    ]


def test_a_secret_input_of_the_app_instead_of_a_stack_is_a_problem_not_a_traceback(stack):
    with pytest.raises(ValidationError) as raised:
        c.WriteOnlySecret.from_inputs(stack.node.scope, "db_password", "the database password")
    assert list(raised.value.problems) == [
        "deploy input 'db_password': scope 'the app' is the app, not a stack. Allowed: a stack (AzureStack) or a "
        "construct in one: every resource belongs to one stack's Terraform. Fix: create the stack first and pass it: "
        "WriteOnlySecret.from_inputs(stack, 'db_password', ...) (or deploy_input(stack, ...)).",
    ]


# --- PostgreSQL databases ------------------------------------------------------------------------------


def test_a_database_named_as_a_postgresql_template_database_is_refused(stack, group):
    password = c.WriteOnlySecret.from_inputs(stack, "db_password", "the database password")
    assert error_of(lambda: c.PostgresServer(stack, "Db", c.PostgresServerProps(
        "psql-svc-12", group, "B_Standard_B1ms", "dbadminx", password, databases=["orders", "template1"],
    ))) == (
        "PostgresServer 'test/Db': database 'template1' is a template database PostgreSQL creates on every server. "
        "Allowed: databases of your own, not template0, template1 (new databases are copied from them; the server "
        "has them from the start). Fix: remove 'template1' from databases, or name your database otherwise, e.g. 'app'."
    )


def test_a_database_whose_name_only_starts_like_a_template_passes(stack, group):
    password = c.WriteOnlySecret.from_inputs(stack, "db_password", "the database password")
    server = c.PostgresServer(stack, "Db", c.PostgresServerProps(
        "psql-svc-12", group, "B_Standard_B1ms", "dbadminx", password, databases=["template_orders", "templates"],
    ))
    assert stack.problem_log.problems == []
    assert sorted(server.databases) == ["template_orders", "templates"]


def test_a_connection_url_to_the_postgres_database_every_server_has_passes_without_databases(stack, group):
    password = c.WriteOnlySecret.from_inputs(stack, "db_password", "the database password")
    server = c.PostgresServer(stack, "Db", c.PostgresServerProps(
        "psql-svc-12", group, "B_Standard_B1ms", "dbadminx", password,
    ))
    url = server.connection_url("postgres")
    assert stack.problem_log.problems == []
    assert url.endswith(":5432/postgres?sslmode=require")
    assert error_of(lambda: server.connection_url("Postgres"), server).startswith(
        "PostgresServer 'test/Db': connection database 'Postgres' is not supported.",
    )


# --- Key Vault secrets ---------------------------------------------------------------------------------


@pytest.mark.parametrize("id", ["Resource", "Deployer"])
def test_a_secret_whose_id_the_vault_holds_already_is_a_problem_not_a_traceback(stack, group, id):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-svc-12", group, public_network_access_enabled=True))
    value = c.WriteOnlySecret.from_inputs(stack, "db_url", "the URL")
    assert error_of(lambda: vault.add_secret(id, c.SecretProps("db-url", value)), vault) == (
        f"KeyVault 'test/Vault/{id}': id '{id}' is already the id of another construct in 'test/Vault'. Allowed: one "
        "construct per id in a scope (the id is part of every Terraform address below it). Fix: give this construct "
        "an id of its own."
    )


def test_a_secret_keeps_its_id_in_its_terraform_address(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-svc-12", group, public_network_access_enabled=True))
    vault.add_secret("DatabaseUrl", c.SecretProps("db-url", c.WriteOnlySecret.from_inputs(stack, "db_url", "the URL")))
    assert stack.problem_log.problems == []
    secrets = Template.from_stack(stack).resources("azurerm_key_vault_secret").values()
    assert [secret["//"]["metadata"]["path"] for secret in secrets] == ["test/Vault/DatabaseUrl"]


# --- the launcher ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_launcher_lists_the_problems_recorded_before_a_construct_that_cannot_be_built(tmp_path):
    from test_a_hurried_users_app import launched

    result = launched(tmp_path, """\
        from sigmatiq_infra import constructs as c
        from sigmatiq_infra.stacks import App, AzureStack

        app = App()
        stack = AzureStack(app, "svc")
        group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-svc", "westeurope"))
        c.KeyVault(stack, "Vault", c.KeyVaultProps("kv", group, public_network_access_enabled=True))
        c.RedisCache(stack, "Cache", c.ManagedRedisProps("redis-svc", group))
        app.synth()
    """)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[:3] == [
        "sigmatiq-infra: synth stopped, nothing was written (2 problems):",
        "  1. KeyVault 'svc/Vault': name 'kv' has 2 characters. Allowed: Key Vault names have 3-24 characters; "
        "letters, digits and hyphens; starts with a letter; ends with a letter or digit; no consecutive hyphens; "
        "unique across Azure. Fix: choose a Key Vault name that follows these rules.",
        "  2. RedisCache 'svc/Cache': props ManagedRedisProps(name='redis-svc', "
        "resource_group=ResourceGroup 'svc/Group',... has the type ManagedRedisProps. Allowed: RedisCacheProps. "
        "Fix: pass RedisCacheProps(...) as the props.",
    ]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "cdktf.out").exists()
