"""Secure by default, construct by construct, as a user's app meets it: each construct built
from its required props, its synthesized arguments read against azurerm's defaults, and every
unsafe setting a user can reach checked for a named opt-out. Found by probing apps of a user's
own from outside the repository."""

from __future__ import annotations

import pytest
from helpers import error_of, stacks_with_groups

from sigmatiq_infra import constructs as c
from sigmatiq_infra.cdk import Fn


def _app_parts(stack, group):
    """What a container app needs besides its props: an environment, an identity, a registry."""
    environment = c.ContainerAppEnvironment(stack, "Environment", c.ContainerAppEnvironmentProps("cae-orders", group))
    identity = c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps("id-orders", group))
    registry = c.ContainerRegistry(stack, "Registry", c.ContainerRegistryProps(
        "acrorders14", group, sku="Basic", public_network_access_enabled=True,
    ))
    return environment, identity, registry


def _api(stack, group, **settings):
    environment, identity, registry = _app_parts(stack, group)
    return c.ContainerApp(stack, "Api", c.ContainerAppProps(
        "orders-api", environment, identity, registry, "orders/api", "1.0.0", 8080, **settings,
    ))


def _cache(stack, group):
    return c.RedisCache(stack, "Cache", c.RedisCacheProps("redis-orders-14", group, public_network_access_enabled=True))


def _secret_in_env(path: str, name: str, what: str, fix: str = "") -> str:
    return (
        f"ContainerApp '{path}': env {name!r} reads {what}, a secret: Azure shows a container app's plain environment "
        "variables to anyone who can read the app (portal, CLI, template export), and Terraform only masks it in its "
        "plan. Allowed: secrets through secret_env (Key Vault references the app reads with its identity); plain env "
        "for values that are no secret. Fix: store it as a Key Vault secret, vault.add_secret(id, SecretProps(name, "
        f"WriteOnlySecret(<the value>, <its version>))), and pass the reference it returns as secret_env[{name!r}]"
        f"{fix}."
    )


# --- secrets in a container app's plain env ----------------------------------------------------------


def test_a_redis_access_key_in_a_container_apps_plain_env_is_one_problem_and_nothing_is_written(tmp_path):
    app, (stack,), (group,) = stacks_with_groups(tmp_path, "orders")
    cache = _cache(stack, group)
    _api(stack, group, env={"LOG_LEVEL": "info", "REDIS_URL": cache.connection_url()},
         dependencies={"REDIS_URL": cache})
    assert error_of(app.synth) == _secret_in_env(
        "orders/Api", "REDIS_URL", "the primary_access_key of Azure Cache for Redis 'orders/Cache'",
    )
    assert not (tmp_path / "out").exists()


def test_the_keys_of_managed_redis_storage_and_a_workspace_in_plain_env_are_each_one_problem(tmp_path):
    app, (stack,), (group,) = stacks_with_groups(tmp_path, "orders")
    cache = c.ManagedRedis(stack, "Cache", c.ManagedRedisProps(
        "amr-orders-14", group, access_keys_authentication_enabled=True, public_network_access_enabled=True,
    ))
    files = c.StorageAccount(stack, "Files", c.StorageAccountProps("storders14", group))
    logs = c.LogAnalyticsWorkspace(stack, "Logs", c.LogAnalyticsWorkspaceProps("log-orders-14", group))
    _api(stack, group, env={
        "REDIS_KEY": cache.access_key(),
        "FILES": files.resource.primary_blob_connection_string,
        "LOGS_KEY": logs.resource.secondary_shared_key,
    })
    assert error_of(app.synth).splitlines() == [
        _secret_in_env("orders/Api", "REDIS_KEY", "the default_database.primary_access_key of Azure Managed Redis "
                       "'orders/Cache'"),
        _secret_in_env("orders/Api", "FILES", "the primary_blob_connection_string of storage account 'orders/Files'"),
        _secret_in_env("orders/Api", "LOGS_KEY", "the secondary_shared_key of Log Analytics workspace 'orders/Logs'"),
    ]


def test_a_key_vault_secrets_value_read_with_the_data_source_into_plain_env_is_refused(tmp_path):
    """Reading a secret with the azurerm data source and passing its value as a plain variable is
    what secret_env (a Key Vault reference) is for."""
    from sigmatiq_infra.azurerm import data_azurerm_key_vault_secret

    app, (stack,), (group,) = stacks_with_groups(tmp_path, "orders")
    vault = c.KeyVault.from_existing(stack, "Shared", name="kv-shared-14", resource_group_name="rg-shared")
    secret = data_azurerm_key_vault_secret.DataAzurermKeyVaultSecret(
        stack, "PartnerKey", name="partner-key", key_vault_id=vault.id,
    )
    _api(stack, group, env={"PARTNER_KEY": secret.value})
    assert error_of(app.synth) == _secret_in_env(
        "orders/Api", "PARTNER_KEY", "the value of Key Vault secret 'orders/PartnerKey'",
    )


def test_a_sensitive_deploy_input_in_plain_env_is_refused_with_the_way_to_say_it_is_no_secret(tmp_path):
    app, (stack,), (group,) = stacks_with_groups(tmp_path, "orders")
    token = c.deploy_input(stack, "partner_token", what="the partner API token", type="string", sensitive=True)
    _api(stack, group, env={"PARTNER_TOKEN": token.string_value})
    assert error_of(app.synth) == _secret_in_env(
        "orders/Api", "PARTNER_TOKEN", "the sensitive deploy-time input partner_token",
        " (or, for a value that is no secret, mark the input sensitive=False)",
    )


def test_another_stacks_cache_key_in_plain_env_is_refused_in_the_apps_stack(tmp_path):
    app, (data, apps), (data_group, apps_group) = stacks_with_groups(tmp_path, "data", "apps")
    cache = c.RedisCache(data, "Cache", c.RedisCacheProps(
        "redis-orders-14", data_group, public_network_access_enabled=True,
    ))
    _api(apps, apps_group, env={"REDIS_URL": cache.connection_url()}, dependencies={"REDIS_URL": cache})
    assert error_of(app.synth) == _secret_in_env(
        "apps/Api", "REDIS_URL", "the primary_access_key of Azure Cache for Redis 'data/Cache'",
    )


def test_a_cache_key_in_plain_env_through_a_terraform_local_is_refused_too(tmp_path):
    from sigmatiq_infra.cdk import TerraformLocal

    app, (stack,), (group,) = stacks_with_groups(tmp_path, "orders")
    cache = _cache(stack, group)
    url = TerraformLocal(stack, "redis_url", cache.connection_url())
    _api(stack, group, env={"REDIS_URL": url.as_string}, dependencies={"REDIS_URL": cache})
    assert error_of(app.synth) == _secret_in_env(
        "orders/Api", "REDIS_URL", "the primary_access_key of Azure Cache for Redis 'orders/Cache'",
    )


def test_a_key_sent_through_a_vault_secret_and_the_services_plain_facts_in_env_pass(tmp_path):
    """What the plain env may hold: host names, ports, endpoints, a value cleared with
    nonsensitive(); the key itself reaches the app through secret_env."""
    app, (stack,), (group,) = stacks_with_groups(tmp_path, "orders")
    cache = _cache(stack, group)
    files = c.StorageAccount(stack, "Files", c.StorageAccountProps("storders14", group))
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-orders-14", group, public_network_access_enabled=True))
    url = vault.add_secret("RedisUrl", c.SecretProps("redis-url", c.WriteOnlySecret(cache.connection_url())))
    _api(stack, group, env={
        "REDIS_HOST": cache.hostname,
        "FILES_ENDPOINT": files.resource.primary_blob_endpoint,
        "DEBUG_KEY": Fn.nonsensitive(cache.access_key()),
    }, secret_env={"REDIS_URL": url}, dependencies={"REDIS_URL": cache})
    app.synth()
    assert (tmp_path / "out" / "stacks" / "orders" / "cdk.tf.json").exists()


@pytest.mark.parametrize(("construct", "attributes"), [
    (c.RedisCache, ("primary_access_key", "secondary_access_key", "primary_connection_string",
                    "secondary_connection_string")),
    (c.ManagedRedis, ("default_database.primary_access_key", "default_database.secondary_access_key")),
    (c.StorageAccount, ("primary_access_key", "secondary_access_key", "primary_connection_string",
                        "secondary_connection_string", "primary_blob_connection_string",
                        "secondary_blob_connection_string")),
    (c.LogAnalyticsWorkspace, ("primary_shared_key", "secondary_shared_key")),
])
def test_a_construct_states_the_attributes_azurerm_marks_sensitive(construct, attributes):
    assert construct.facts[0].sensitive == attributes


def test_a_key_vault_secrets_value_is_stated_sensitive():
    assert c.ResourceFacts.of(c.KeyVault, "azurerm_key_vault_secret").sensitive == ("value",)


# --- the private-environment pack and a deploy-time public access flag --------------------------------


def _private_services(stack, group, public):
    from sigmatiq_infra.aspects import check_every_construct
    from sigmatiq_infra.aspects.rules import PRIVATE_ENVIRONMENT

    vnet = c.VirtualNetwork(stack, "Net", c.VirtualNetworkProps("vnet-orders", group, "10.9.0.0/16", [
        c.SubnetSpec("snet-pe", "10.9.1.0/24", c.SubnetRole.PRIVATE_ENDPOINTS),
    ]))
    network = c.PrivateNetwork(vnet, c.PrivateDnsZones(stack, "Zones", c.PrivateDnsZonesProps(group, vnet)))
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-orders-14", group, public_network_access_enabled=public))
    store = c.AppConfiguration(stack, "Settings", c.AppConfigurationProps(
        "appcs-orders-14", group, public_network_access_enabled=public,
    ))
    for service in (vault, store):
        service.add_private_endpoint(network)
    check_every_construct(stack, PRIVATE_ENVIRONMENT)
    return vault, store


def test_a_public_access_flag_given_at_deploy_time_is_a_finding_of_the_private_environment_pack(tmp_path):
    """The pack promises nothing public: a flag Terraform learns at apply may turn access on, so it
    is a finding, as True is (both spellings: a boolean argument, and Enabled/Disabled)."""
    app, (stack,), (group,) = stacks_with_groups(tmp_path, "orders")
    public = c.deploy_input(stack, "public_access", what="whether the services are public", type="bool",
                            default=False)
    _private_services(stack, group, public.boolean_value)
    assert error_of(app.synth).splitlines() == [
        f"Policy 'orders/{name}/Resource': rule 'public-network-access': {kind!r} sets public network access to a "
        "value known only at deploy time (a Terraform expression, which may turn it on). Allowed: public network "
        "access disabled on every resource of a private environment. Fix: write public_network_access_enabled=False "
        "in code (the constructs' default) and use a private endpoint, or suppress it with "
        "sigmatiq_infra.aspects.suppress(construct, 'public-network-access', reason)."
        for name, kind in (("Vault", "azurerm_key_vault"), ("Settings", "azurerm_app_configuration"))
    ]
    assert not (tmp_path / "out").exists()


def test_a_deploy_time_public_access_flag_with_a_written_reason_and_false_in_code_pass(tmp_path):
    from sigmatiq_infra.aspects import suppress

    app, (stack,), (group,) = stacks_with_groups(tmp_path, "orders")
    public = c.deploy_input(stack, "public_access", what="whether the services are public", type="bool",
                            default=False)
    vault, store = _private_services(stack, group, public.boolean_value)
    for service in (vault, store):
        suppress(service, "public-network-access", "Opened for the partner pilot by TF_VAR_public_access only.")
    other, (private,), (private_group,) = stacks_with_groups(tmp_path / "private", "orders")
    _private_services(private, private_group, False)
    app.synth()
    other.synth()
    assert (tmp_path / "out" / "stacks" / "orders" / "cdk.tf.json").exists()
    assert (tmp_path / "private" / "out" / "stacks" / "orders" / "cdk.tf.json").exists()
