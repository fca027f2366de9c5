"""Every resource construct offers one interface (Azure Verified Modules' set, where Azure
supports it): tags, locks, grants, private endpoints, diagnostic settings and managed
identities; each tier's facts live on its construct class; defaults pass their own checks."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import json
import pydoc
from types import SimpleNamespace

import pytest
from helpers import error_of

from sigmatiq_infra import _bindings, azurerm
from sigmatiq_infra import constructs as c
from sigmatiq_infra.stacks import App, AzureStack
from sigmatiq_infra.testing import Template


@pytest.fixture
def built(tmp_path):
    """`built(make)`: run `make(stack, group)` in a fresh stack of a `sigmatiq_infra.App`,
    synthesize it and return the parsed stack."""

    def build(make) -> Template:
        app = App(outdir=str(tmp_path / "out"))
        stack = AzureStack(app, "test", tags={"Owner": "team"})
        group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-test", "centralus"))
        make(stack, group)
        app.synth()
        return Template.from_file(tmp_path / "out/stacks/test/cdk.tf.json")

    return build


def _workspace(stack, group):
    return c.LogAnalyticsWorkspace(stack, "Logs", c.LogAnalyticsWorkspaceProps("log-test", group))


def _network(stack, group):
    vnet = c.VirtualNetwork(stack, "Network", c.VirtualNetworkProps(
        "vnet-test", group, "10.40.0.0/16", [c.SubnetSpec("snet-pe", "10.40.1.0/24", c.SubnetRole.PRIVATE_ENDPOINTS)],
    ))
    return c.PrivateNetwork(vnet, c.PrivateDnsZones(stack, "Zones", c.PrivateDnsZonesProps(group, vnet)))


# --- one base class, facts on the class --------------------------------------------------

RESOURCE_CONSTRUCTS = (
    c.ResourceGroup, c.KeyVault, c.ContainerRegistry, c.PostgresServer, c.RedisCache, c.ManagedRedis,
    c.AppConfiguration, c.StorageAccount, c.LogAnalyticsWorkspace, c.UserAssignedIdentity, c.VirtualNetwork,
    c.VpnGateway, c.DnsResolver, c.PrivateEndpoint, c.ContainerAppEnvironment, c.ContainerApp,
)


@pytest.mark.parametrize("construct", RESOURCE_CONSTRUCTS, ids=lambda cls: cls.__name__)
def test_every_resource_construct_is_an_azure_resource_that_states_its_arm_type_and_kind(construct):
    assert issubclass(construct, c.AzureResource)
    assert construct.arm_type.startswith("Microsoft.") and construct.arm_type.count("/") == 1
    assert construct.kind_text and construct.facts and construct.facts[0].kind


def test_the_private_link_facts_of_every_service_are_on_its_class():
    assert {
        cls.__name__: (cls.private_link.subresource, cls.private_link.zone)
        for cls in RESOURCE_CONSTRUCTS if cls.private_link
    } == {
        "KeyVault": ("vault", "privatelink.vaultcore.azure.net"),
        "ContainerRegistry": ("registry", "privatelink.azurecr.io"),
        "PostgresServer": ("postgresqlServer", "privatelink.postgres.database.azure.com"),
        "RedisCache": ("redisCache", "privatelink.redis.cache.windows.net"),
        "ManagedRedis": ("redisEnterprise", "privatelink.redis.azure.net"),
        "AppConfiguration": ("configurationStores", "privatelink.azconfig.io"),
        "StorageAccount": ("blob", "privatelink.blob.core.windows.net"),
    }


def test_the_public_by_default_list_the_policy_rule_reads_comes_from_the_construct_classes():
    from sigmatiq_infra.constructs._context import construct_classes

    # The library's own classes (a user's classes, as the example's, join once defined).
    library = {
        facts.terraform_type for cls in construct_classes() if cls.__module__.startswith("sigmatiq_infra.")
        for facts in cls.__dict__.get("facts", ())
    }
    facts = c.resource_facts()
    assert sorted(t for t, f in facts.items() if f.public_by_default and t in library) == [
        "azurerm_app_configuration", "azurerm_container_app_environment", "azurerm_container_registry",
        "azurerm_key_vault", "azurerm_managed_redis", "azurerm_postgresql_flexible_server",
        "azurerm_redis_cache", "azurerm_storage_account",
    ]
    assert {t: f.arm_child for t, f in facts.items() if f.arm_child} == {
        "azurerm_postgresql_flexible_server_database": "databases",
        "azurerm_postgresql_flexible_server_firewall_rule": "firewallRules",
        "azurerm_postgresql_flexible_server_configuration": "configurations",
        "azurerm_subnet": "subnets",
    }


def binding_arguments(terraform_type: str) -> set[str]:
    """The arguments the bindings in use take for `terraform_type` (their class's keywords)."""
    module = importlib.import_module(f"{_bindings.PACKAGE}.{terraform_type.removeprefix('azurerm_')}")
    [binding] = [value for value in vars(module).values()
                 if isinstance(value, type) and getattr(value, "TF_RESOURCE_TYPE", None) == terraform_type]
    return set(list(inspect.signature(binding.__init__).parameters)[3:])  # after self and the construct's scope, id


def test_every_argument_a_constructs_facts_name_is_one_the_provider_major_in_use_takes():
    zone, group = SimpleNamespace(name="zone-name", id="zone-id"), SimpleNamespace(name="rg-name")
    for terraform_type, facts in c.resource_facts().items():
        named = {*facts.replaced_when_changed, *facts.replaced_when_lowered}
        named |= set(facts.name_scope.by if facts.name_scope else ())
        named |= set(facts.parent_arguments(zone, group) if facts.parent_arguments else ())
        assert named - binding_arguments(terraform_type) == set(), (terraform_type, azurerm.VERSION)


def test_a_fact_azurerm_5_changes_is_read_as_the_bindings_major_has_it():
    link = c.ResourceFacts.of(c.PrivateDnsZones, "azurerm_private_dns_zone_virtual_network_link")
    assert link == c.resource_facts()["azurerm_private_dns_zone_virtual_network_link"]
    zone, group = SimpleNamespace(name="zone-name", id="zone-id"), SimpleNamespace(name="rg-name")
    on = {major: link.on(major) for major in (4, 5)}
    assert {major: (facts.replaced_when_changed, facts.name_scope.by, facts.parent_arguments(zone, group))
            for major, facts in on.items()} == {
        4: (("name", "private_dns_zone_name", "resource_group_name", "virtual_network_id"),
            ("resource_group_name", "private_dns_zone_name"),
            {"private_dns_zone_name": "zone-name", "resource_group_name": "rg-name"}),
        5: (("name", "private_dns_zone_id", "virtual_network_id"), ("private_dns_zone_id",),
            {"private_dns_zone_id": "zone-id"}),
    }
    assert link.on(azurerm.MAJOR) == link
    with pytest.raises(TypeError, match=r"on_azurerm\[5\]: not facts: \['private_dns_zone_id'\]"):
        c.ResourceFacts("azurerm_x", on_azurerm={5: {"private_dns_zone_id": "wrong: an argument, not a fact"}})


def test_the_provider_block_states_its_resource_provider_registrations_on_every_major(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    stacks = {
        "plain": AzureStack(app, "plain"),
        "least": AzureStack(app, "least", resource_provider_registrations="none",
                            resource_providers_to_register=["Microsoft.App", "Microsoft.KeyVault"]),
    }
    providers = {name: Template.from_stack(stack).doc["provider"]["azurerm"][0] for name, stack in stacks.items()}
    assert {name: {key: value for key, value in provider.items() if key.startswith("resource_provider")}
            for name, provider in providers.items()} == {
        "plain": {"resource_provider_registrations": "legacy"},
        "least": {"resource_provider_registrations": "none",
                  "resource_providers_to_register": ["Microsoft.App", "Microsoft.KeyVault"]},
    }


def test_a_lookup_of_an_existing_resource_is_made_by_the_one_from_existing_of_the_base_class(stack):
    vault = c.KeyVault.from_existing(stack, "Shared", name="kv-shared", resource_group_name="rg-shared")
    registry = c.ContainerRegistry.from_existing(stack, "Acr", name="acrshared", resource_group_name="rg-shared")
    assert (type(vault).__name__, vault.name, "data" in vault.__dict__) == ("ExistingKeyVault", "kv-shared", True)
    assert isinstance(registry, c.ContainerRegistryBase) and registry.kind_text == "container registry"
    assert c.KeyVault.from_existing.__func__ is c.ContainerRegistry.from_existing.__func__


# --- defaults pass their own validation --------------------------------------------------

def test_every_construct_built_from_its_required_props_alone_reports_no_problem(built):
    def make(stack, group):
        password = c.WriteOnlySecret.from_inputs(stack, "pg_password", "the password")
        environment = c.ContainerAppEnvironment(stack, "Env", c.ContainerAppEnvironmentProps("cae-test", group))
        identity = c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps("id-test", group))
        c.ContainerRegistry(stack, "Registry", c.ContainerRegistryProps("acrtest1", group))
        c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
        c.PostgresServer(stack, "Pg", c.PostgresServerProps("psql-test", group, "B_Standard_B1ms", "pgadmin", password))
        c.RedisCache(stack, "Redis", c.RedisCacheProps("redis-test-1", group))
        c.ManagedRedis(stack, "ManagedRedis", c.ManagedRedisProps("amr-test-1", group))
        c.AppConfiguration(stack, "Config", c.AppConfigurationProps("appcs-test", group))
        c.StorageAccount(stack, "Storage", c.StorageAccountProps("sttest1", group))
        _workspace(stack, group)
        # An app without a VNet pulls over the internet: from a registry that opted in to that.
        public = c.ContainerRegistry(stack, "Public", c.ContainerRegistryProps(
            "acrtest2", group, sku="Basic", public_network_access_enabled=True,
        ))
        c.ContainerApp(stack, "App", c.ContainerAppProps(
            "app-test", environment, identity, public, "team/app", "1.0.0", 8080,
        ))

    doc = built(make)  # raises ValidationError on any problem
    registry = doc.named("azurerm_container_registry", "acrtest1")[1]
    assert (registry["sku"], registry["public_network_access_enabled"]) == ("Premium", False)


# --- locks -------------------------------------------------------------------------------

def test_add_lock_locks_any_resource_with_its_level_and_notes(built):
    doc = built(lambda stack, group: (
        c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group)).add_lock("Holds the API keys."),
        group.add_lock("Holds everything.", level="ReadOnly"),
    ))
    assert sorted(
        (lock["name"], lock["scope"], lock["lock_level"], lock["notes"])
        for lock in doc.resources("azurerm_management_lock").values()
    ) == [
        ("lock-kv-test-1", doc.ref("azurerm_key_vault", "kv-test-1"), "CanNotDelete", "Holds the API keys."),
        ("lock-readonly-rg-test", doc.ref("azurerm_resource_group", "rg-test"), "ReadOnly", "Holds everything."),
    ]


def test_a_lock_with_an_unknown_level_or_no_notes_is_a_problem(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    assert error_of(lambda: vault.add_lock(" ", level="DoNotDelete"), scope=vault).splitlines() == [
        "KeyVault 'test/Vault': lock level 'DoNotDelete' is not supported (did you mean 'CanNotDelete'?). "
        "Allowed: 'CanNotDelete', 'ReadOnly'. Fix: use one of 'CanNotDelete', 'ReadOnly'.",
        "KeyVault 'test/Vault': lock notes ' ' are empty. Allowed: a sentence saying what the lock protects. "
        "Fix: say why the lock is there, e.g. 'Holds the databases.'.",
    ]


# --- grants ------------------------------------------------------------------------------

def test_grant_assigns_any_built_in_role_on_any_resource_and_the_typed_wrappers_are_the_same_grant(built):
    made = {}

    def make(stack, group):
        identity = c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps("id-test", group))
        store = c.AppConfiguration(stack, "Config", c.AppConfigurationProps("appcs-test", group))
        made["generic"] = store.grant(c.BuiltInRole.APP_CONFIGURATION_DATA_READER, identity)
        made["typed"] = store.grant_data_read(identity)
        group.grant(c.BuiltInRole.MONITORING_READER, identity)

    doc = built(make)
    assert made["generic"] is made["typed"]
    assignments = sorted(
        (a["scope"], a["role_definition_id"].rsplit("/", 1)[1], a["principal_id"])
        for a in doc.resources("azurerm_role_assignment").values()
    )
    principal = doc.ref("azurerm_user_assigned_identity", "id-test", "principal_id")
    assert assignments == sorted([
        (doc.ref("azurerm_app_configuration", "appcs-test"), "516239f1-63e1-4d78-a4de-a74fb236a071", principal),
        (doc.ref("azurerm_resource_group", "rg-test"), "43d0d8ad-25c7-4714-9337-8ba259a9fe05", principal),
    ])


# --- private endpoints -------------------------------------------------------------------

def test_a_storage_account_gets_a_private_endpoint_on_its_blob_service_with_its_dns_zone_group(built):
    def make(stack, group):
        c.StorageAccount(stack, "Storage", c.StorageAccountProps("sttest1", group)).add_private_endpoint(
            _network(stack, group),
        )

    doc = built(make)
    _, endpoint = doc.named("azurerm_private_endpoint", "pe-sttest1")
    assert endpoint["private_service_connection"] == {
        "name": "pe-sttest1-connection",
        "private_connection_resource_id": doc.ref("azurerm_storage_account", "sttest1"),
        "subresource_names": ["blob"],
        "is_manual_connection": False,
    }
    assert endpoint["private_dns_zone_group"] == {
        "name": "default",
        "private_dns_zone_ids": [doc.ref("azurerm_private_dns_zone", "privatelink.blob.core.windows.net")],
    }


def test_a_private_endpoint_on_a_resource_that_is_no_private_link_service_is_a_problem(stack, group):
    identity = c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps("id-test", group))
    network = _network(stack, group)
    assert error_of(lambda: identity.add_private_endpoint(network), scope=identity) == (
        "UserAssignedIdentity 'test/Identity': add_private_endpoint 'managed identity' is not reached through "
        "private endpoints. Allowed: private endpoints on private-link services (Key Vault, registry, PostgreSQL, "
        "Redis, App Configuration, storage). Fix: remove the call; reach this resource through its VNet "
        "integration instead."
    )


# --- diagnostic settings -----------------------------------------------------------------

def test_diagnostic_settings_send_all_logs_and_metrics_to_the_workspace(built):
    def make(stack, group):
        workspace = _workspace(stack, group)
        c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group)).add_diagnostic_settings(workspace)

    doc = built(make)
    (setting,) = doc.resources("azurerm_monitor_diagnostic_setting").values()
    assert {key: value for key, value in setting.items() if key != "//"} == {
        "name": "diag-log-test",
        "target_resource_id": doc.ref("azurerm_key_vault", "kv-test-1"),
        "log_analytics_workspace_id": doc.ref("azurerm_log_analytics_workspace", "log-test"),
        "enabled_log": [{"category_group": "allLogs"}],
        "enabled_metric": [{"category": "AllMetrics"}],
    }


def test_a_storage_account_sends_metrics_from_the_account_and_logs_from_its_blob_service(built):
    def make(stack, group):
        workspace = _workspace(stack, group)
        c.StorageAccount(stack, "Storage", c.StorageAccountProps("sttest1", group)).add_diagnostic_settings(workspace)

    doc = built(make)
    account = doc.ref("azurerm_storage_account", "sttest1")
    assert sorted(
        (s["target_resource_id"], json.dumps(s.get("enabled_log")), json.dumps(s["enabled_metric"]))
        for s in doc.resources("azurerm_monitor_diagnostic_setting").values()
    ) == [
        (account, "null", '[{"category": "Transaction"}, {"category": "Capacity"}]'),
        (
            f"{account}/blobServices/default",
            '[{"category": "StorageRead"}, {"category": "StorageWrite"}, {"category": "StorageDelete"}]',
            '[{"category": "Transaction"}, {"category": "Capacity"}]',
        ),
    ]


def test_an_azure_managed_redis_sends_cluster_metrics_and_database_logs(built):
    def make(stack, group):
        workspace = _workspace(stack, group)
        c.ManagedRedis(stack, "Redis", c.ManagedRedisProps("amr-test-1", group)).add_diagnostic_settings(workspace)

    doc = built(make)
    cluster = doc.ref("azurerm_managed_redis", "amr-test-1")
    assert sorted(
        (s["target_resource_id"], json.dumps(s.get("enabled_log")), json.dumps(s.get("enabled_metric")))
        for s in doc.resources("azurerm_monitor_diagnostic_setting").values()
    ) == [
        (cluster, "null", '[{"category": "AllMetrics"}]'),
        (f"{cluster}/databases/default", '[{"category_group": "allLogs"}]', "null"),
    ]


def test_diagnostic_settings_where_azure_monitor_collects_nothing_or_twice_to_one_workspace_are_problems(stack, group):
    workspace = _workspace(stack, group)
    identity = c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps("id-test", group))
    assert error_of(lambda: identity.add_diagnostic_settings(workspace), scope=identity) == (
        "UserAssignedIdentity 'test/Identity': add_diagnostic_settings 'managed identity' has no diagnostic "
        "settings in Azure Monitor. Allowed: diagnostic settings on resources that emit resource logs or export "
        "metrics. Fix: remove the call; the activity log records this resource's changes."
    )
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    vault.add_diagnostic_settings(workspace)
    assert error_of(lambda: vault.add_diagnostic_settings(workspace), scope=vault) == (
        "KeyVault 'test/Vault': add_diagnostic_settings 'log-test' already receives this resource's diagnostics. "
        "Allowed: one diagnostic setting per workspace. Fix: remove the second call."
    )


# --- managed identities ------------------------------------------------------------------

def test_managed_identities_give_a_resource_its_system_and_user_assigned_identities(built):
    def make(stack, group):
        identity = c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps("id-test", group))
        c.ContainerRegistry(stack, "Registry", c.ContainerRegistryProps(
            "acrtest1", group, managed_identities=c.ManagedIdentities(system_assigned=True, user_assigned=[identity]),
        ))
        c.StorageAccount(stack, "Storage", c.StorageAccountProps(
            "sttest1", group, managed_identities=c.ManagedIdentities(system_assigned=True),
        ))

    doc = built(make)
    assert doc.named("azurerm_container_registry", "acrtest1")[1]["identity"] == {
        "type": "SystemAssigned, UserAssigned",
        "identity_ids": [doc.ref("azurerm_user_assigned_identity", "id-test")],
    }
    assert doc.named("azurerm_storage_account", "sttest1")[1]["identity"] == {"type": "SystemAssigned"}


# --- tags --------------------------------------------------------------------------------

def test_every_resource_a_construct_creates_carries_the_stack_tags_and_its_own(built):
    def make(stack, group):
        store = c.AppConfiguration(stack, "Config", c.AppConfigurationProps(
            "appcs-test", group, tags={"Tier": "config"},
        ))
        store.add_private_endpoint(_network(stack, group))

    doc = built(make)
    assert doc.named("azurerm_app_configuration", "appcs-test")[1]["tags"] == {"Owner": "team", "Tier": "config"}
    assert doc.named("azurerm_private_endpoint", "pe-appcs-test")[1]["tags"] == {"Owner": "team", "Tier": "config"}


# --- field docs in help() ----------------------------------------------------------------

@pytest.mark.parametrize(
    "props", [value for value in vars(c).values() if isinstance(value, type) and dataclasses.is_dataclass(value)],
    ids=lambda cls: cls.__name__,
)
def test_help_on_a_props_class_shows_every_field_with_its_doc(props):
    text = pydoc.render_doc(props, renderer=pydoc.plaintext)
    for field in dataclasses.fields(props):
        assert f"{field.name}: " in text, field.name
    assert "Fields:" in text


def test_help_on_key_vault_props_shows_what_purge_protection_does():
    text = pydoc.render_doc(c.KeyVaultProps, renderer=pydoc.plaintext)
    assert "purge_protection_enabled: bool = True" in text
    assert "Forbid purging before the retention ends; cannot be turned off once on." in text
