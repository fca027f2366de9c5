"""Bad input fails before anything is written, naming the construct, value, rule and fix."""


from helpers import error_of, recorded

from sigmatiq_infra._cdktf import TerraformVariable
from sigmatiq_infra.constructs import (
    AppConfiguration,
    AppConfigurationProps,
    ContainerApp,
    ContainerAppEnvironment,
    ContainerAppEnvironmentProps,
    ContainerAppProps,
    ContainerRegistry,
    ContainerRegistryProps,
    FirewallRule,
    KeyVault,
    KeyVaultProps,
    LogAnalyticsWorkspace,
    LogAnalyticsWorkspaceProps,
    PostgresServer,
    PostgresServerProps,
    RedisCache,
    RedisCacheProps,
    ResourceGroup,
    ResourceGroupProps,
    SecretProps,
    UserAssignedIdentity,
    UserAssignedIdentityProps,
    WriteOnlySecret,
)

KEY_VAULT_RULE = (
    "Key Vault names have 3-24 characters; letters, digits and hyphens; starts with a letter; "
    "ends with a letter or digit; no consecutive hyphens; unique across Azure"
)
CPU_MEMORY_PAIRS = (
    "on the Consumption plan: 0.25/0.5Gi, 0.5/1Gi, 0.75/1.5Gi, 1/2Gi, 1.25/2.5Gi, 1.5/3Gi, "
    "1.75/3.5Gi, 2/4Gi"
)


def password(stack):
    variable = TerraformVariable(stack, "pw", type="string", sensitive=True)
    return WriteOnlySecret(variable.string_value)


REGIONS = (
    "a region's programmatic name such as 'centralus' or 'westeurope', or its display name such as 'West Europe' "
    "(Microsoft's Azure regions list, regions-list.md of 2025-09-23)"
)


def test_fails_when_the_vault_name_has_25_characters(stack, group):
    assert error_of(lambda: KeyVault(stack, "Vault", KeyVaultProps("kv-" + "a" * 22, group))) == (
        f"KeyVault 'test/Vault': name '{'kv-' + 'a' * 22}' has 25 characters. "
        f"Allowed: {KEY_VAULT_RULE}. Fix: use 'kv-aaaaaaaaaaaaaaaaaaaaa' or another Key Vault name that follows these "
        "rules."
    )


def test_fails_when_the_vault_name_has_bad_characters_double_hyphens_and_a_digit_first(
    stack, group,
):
    assert error_of(lambda: KeyVault(stack, "Vault", KeyVaultProps("1kv--trading_x", group))) == (
        "KeyVault 'test/Vault': name '1kv--trading_x' contains '_' and starts with '1' and "
        f"contains consecutive hyphens. Allowed: {KEY_VAULT_RULE}. "
        "Fix: use 'kv-trading-x' or another Key Vault name that follows these rules."
    )


def test_a_name_that_is_a_terraform_token_is_not_validated(stack, group):
    name = TerraformVariable(stack, "vault_name", type="string").string_value
    assert KeyVault(stack, "Vault", KeyVaultProps(name, group)).name == name


def test_fails_when_the_registry_name_has_a_hyphen(stack, group):
    assert error_of(lambda: ContainerRegistry(stack, "Registry", ContainerRegistryProps(
        "acr-trading", group, public_network_access_enabled=True,
    ))) == (
        "ContainerRegistry 'test/Registry': name 'acr-trading' contains '-'. "
        "Allowed: container registry names have 5-50 characters; letters and digits only; "
        "unique across Azure. Fix: use 'acrtrading' or another container registry name that follows these rules."
    )


def test_fails_when_the_postgres_server_name_has_uppercase_letters(stack, group):
    message = error_of(lambda: PostgresServer(stack, "Db", PostgresServerProps(
        "Psql-Trading", group, "B_Standard_B1ms", "sqladmin", password(stack),
    )))
    assert message == (
        "PostgresServer 'test/Db': name 'Psql-Trading' contains 'P', 'T' and starts with 'P'. "
        "Allowed: PostgreSQL flexible server names have 3-63 characters; lowercase letters, "
        "digits and hyphens; starts with a lowercase letter or digit; ends with a lowercase "
        "letter or digit; unique across Azure. "
        "Fix: use 'psql-trading' or another PostgreSQL flexible server name that follows these rules."
    )


def test_fails_when_the_resource_group_name_ends_with_a_period(stack):
    assert error_of(lambda: ResourceGroup(stack, "G", ResourceGroupProps("rg-x.", "centralus"))) == (
        "ResourceGroup 'test/G': name 'rg-x.' ends with '.'. Allowed: resource group names have "
        "1-90 characters; letters, digits, underscores, parentheses, hyphens and periods; "
        "ends with anything but a period. Fix: use 'rg-x' or another resource group name that follows these rules."
    )


def test_a_region_written_as_its_display_name_is_accepted_and_written_as_its_programmatic_name(stack):
    from helpers import recorded

    group = ResourceGroup(stack, "G", ResourceGroupProps("rg-x", "Central US"))
    assert recorded(stack) == [] and group.location == "centralus"
    assert ResourceGroup(stack, "H", ResourceGroupProps("rg-y", "WEST EUROPE")).location == "westeurope"


def test_fails_when_a_display_name_has_a_typo_and_says_which_region_it_means(stack):
    assert error_of(lambda: ResourceGroup(stack, "G", ResourceGroupProps("rg-x", "Central UZ"))) == (
        "ResourceGroup 'test/G': location 'Central UZ' is not an Azure region (did you mean 'centralus'?). "
        f"Allowed: {REGIONS}. Fix: use 'centralus'."
    )


def test_fails_when_the_location_has_a_typo(stack):
    assert error_of(lambda: ResourceGroup(stack, "G", ResourceGroupProps("rg-x", "westeurop"))) == (
        "ResourceGroup 'test/G': location 'westeurop' is not an Azure region (did you mean 'westeurope'?). "
        f"Allowed: {REGIONS}. Fix: use 'westeurope'."
    )


def test_fails_when_the_location_is_no_region_at_all(stack):
    assert error_of(lambda: ResourceGroup(stack, "G", ResourceGroupProps("rg-x", "mars"))) == (
        f"ResourceGroup 'test/G': location 'mars' is not an Azure region. Allowed: {REGIONS}. "
        "Fix: use the name `az account list-locations -o table` shows in its Name column."
    )


def test_every_region_in_the_data_file_is_accepted(stack):
    from sigmatiq_infra import regions

    assert len(regions.NAMES) == 59
    assert {"centralus", "westeurope", "italynorth", "newzealandnorth", "austriaeast"} <= set(regions.NAMES)
    for name in regions.NAMES:
        ResourceGroup(stack, f"G-{name}", ResourceGroupProps(f"rg-{name}", name))
    assert recorded(stack) == []


def test_fails_when_identity_redis_app_config_workspace_and_environment_names_are_bad(
    stack, group,
):
    assert error_of(lambda: UserAssignedIdentity(
        stack, "Id", UserAssignedIdentityProps("mi", group),
    )).startswith("UserAssignedIdentity 'test/Id': name 'mi' has 2 characters.")
    assert error_of(lambda: RedisCache(stack, "R", RedisCacheProps("redis-", group))).startswith(
        "RedisCache 'test/R': name 'redis-' ends with '-'.",
    )
    assert error_of(lambda: AppConfiguration(stack, "A", AppConfigurationProps(
        "app", group, sku="free", public_network_access_enabled=True,
    ))).startswith("AppConfiguration 'test/A': name 'app' has 3 characters.")
    assert error_of(lambda: LogAnalyticsWorkspace(
        stack, "L", LogAnalyticsWorkspaceProps("log", group),
    )).startswith("LogAnalyticsWorkspace 'test/L': name 'log' has 3 characters.")
    assert error_of(lambda: ContainerAppEnvironment(
        stack, "E", ContainerAppEnvironmentProps("cae_beta", group),
    )).startswith("ContainerAppEnvironment 'test/E': name 'cae_beta' contains '_'")


def test_fails_when_vault_soft_delete_is_outside_7_to_90_days(stack, group):
    assert error_of(lambda: KeyVault(stack, "Vault", KeyVaultProps(
        "kv-test", group, soft_delete_retention_days=6,
    ))) == (
        "KeyVault 'test/Vault': soft_delete_retention_days 6 is out of range. "
        "Allowed: 7 to 90. Fix: set soft_delete_retention_days between 7 and 90."
    )


def test_fails_when_postgres_backup_retention_and_storage_are_not_what_azure_offers(stack, group):
    message = error_of(lambda: PostgresServer(stack, "Db", PostgresServerProps(
        "psql-test", group, "B_Standard_B1ms", "sqladmin", password(stack),
        backup_retention_days=36, storage_mb=30000,
    )))
    assert message.splitlines() == [
        "PostgresServer 'test/Db': storage_mb 30000 is not supported. Allowed: 32768, 65536, "
        "131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304, 8388608, 16777216, "
        "33553408. Fix: use one of 32768, 65536, 131072, 262144, 524288, 1048576, 2097152, "
        "4193280, 4194304, 8388608, 16777216, 33553408.",
        "PostgresServer 'test/Db': backup_retention_days 36 is out of range. Allowed: 7 to 35. "
        "Fix: set backup_retention_days between 7 and 35.",
    ]


def test_fails_when_high_availability_is_asked_of_a_burstable_server(stack, group):
    message = error_of(lambda: PostgresServer(stack, "Db", PostgresServerProps(
        "psql-test", group, "B_Standard_B1ms", "sqladmin", password(stack),
        high_availability_mode="ZoneRedundant",
    )))
    assert message == (
        "PostgresServer 'test/Db': high_availability_mode 'ZoneRedundant' is not available on "
        "the Burstable SKU 'B_Standard_B1ms'. Allowed: high availability on General Purpose "
        "(GP_) or Memory Optimized (MO_) SKUs. Fix: choose a GP_ or MO_ sku, or set "
        "high_availability_mode=None."
    )


def test_fails_when_the_postgres_password_is_a_literal_string(stack, group):
    message = error_of(lambda: PostgresServer(stack, "Db", PostgresServerProps(
        "psql-test", group, "B_Standard_B1ms", "sqladmin", WriteOnlySecret("not-a-token"),
    )))
    assert message == (
        "PostgresServer 'test/Db': administrator_password '<literal string>' is a literal secret "
        "value. Allowed: a Terraform expression such as a sensitive variable. Fix: pass a deploy-time input, e.g. "
        "WriteOnlySecret.from_inputs(stack, 'db_password', 'the database password') (TF_VAR_db_password at "
        "deploy time); never the secret as text."
    )
    assert "not-a-token" not in message


def test_a_secret_given_as_plain_text_where_a_secret_goes_is_never_shown(stack, group):
    """A str where a WriteOnlySecret goes is a type problem; its message must not echo it (CI logs)."""
    message = error_of(lambda: PostgresServer(stack, "Db", PostgresServerProps(
        "psql-test", group, "B_Standard_B1ms", "sqladmin", "Sup3r-Secret!",
    )))
    assert message == (
        "PostgresServer 'test/Db': administrator_password '<literal string>' is a literal str, where a secret goes. "
        "Allowed: WriteOnlySecret. Fix: pass a deploy-time input, e.g. WriteOnlySecret.from_inputs(stack, "
        "'db_password', 'the database password') (TF_VAR_db_password at deploy time); never the secret as text."
    )
    vault = KeyVault(stack, "Vault", KeyVaultProps("kv-test-secret", group))
    shown = error_of(lambda: vault.add_secret("Url", SecretProps("db-url", "postgresql://u:Sup3r@h/db")), vault)
    assert "'<literal string>' is a literal str, where a secret goes" in shown and "Sup3r" not in shown


def test_fails_when_the_postgres_admin_login_is_reserved(stack, group):
    assert error_of(lambda: PostgresServer(stack, "Db", PostgresServerProps(
        "psql-test", group, "B_Standard_B1ms", "admin", password(stack),
    ))).startswith("PostgresServer 'test/Db': administrator_login 'admin' is reserved by Azure.")


def test_fails_when_firewall_rules_are_given_without_public_access(stack, group):
    assert error_of(lambda: PostgresServer(stack, "Db", PostgresServerProps(
        "psql-test", group, "B_Standard_B1ms", "sqladmin", password(stack),
        firewall_rules=[FirewallRule("office", "203.0.113.7", "203.0.113.7")],
    ))) == (
        "PostgresServer 'test/Db': firewall_rules ['office'] need public network access. "
        "Allowed: firewall rules only with public_network_access_enabled=True. "
        "Fix: remove the rules, or opt in to public access."
    )


def test_fails_when_a_firewall_rule_is_not_ipv4(stack, group):
    assert error_of(lambda: PostgresServer(stack, "Db", PostgresServerProps(
        "psql-test", group, "B_Standard_B1ms", "sqladmin", password(stack),
        public_network_access_enabled=True,
        firewall_rules=[FirewallRule("office", "203.0.113.300", "203.0.113.7")],
    ))) == (
        "PostgresServer 'test/Db': firewall rule 'office' ('203.0.113.300', '203.0.113.7') is "
        "not a pair of IPv4 addresses. Allowed: IPv4 addresses such as '203.0.113.7'. "
        "Fix: write both ends as dotted IPv4 addresses."
    )


def test_fails_when_the_redis_capacity_does_not_exist_for_the_sku(stack, group):
    assert error_of(lambda: RedisCache(stack, "R", RedisCacheProps(
        "redis-test", group, sku="Premium", capacity=0,
    ))) == (
        "RedisCache 'test/R': capacity 0 is not supported. Allowed: 1, 2, 3, 4, 5. "
        "Fix: Premium caches come in sizes P1-P5; pick one of those capacities."
    )


def test_fails_when_redis_is_asked_for_tls_older_than_1_2(stack, group):
    assert error_of(lambda: RedisCache(stack, "R", RedisCacheProps(
        "redis-test", group, minimum_tls_version="1.0",
    ))) == (
        "RedisCache 'test/R': minimum_tls_version '1.0' is not supported. Allowed: '1.2'. "
        "Fix: use one of '1.2'."
    )


def test_fails_when_a_basic_registry_is_asked_to_turn_public_access_off(stack, group):
    assert error_of(lambda: ContainerRegistry(stack, "Registry", ContainerRegistryProps(
        "acrtest1", group, sku="Basic",
    ))) == (
        "ContainerRegistry 'test/Registry': public_network_access_enabled False is not available "
        "on the Basic SKU. Allowed: public_network_access_enabled=False only with sku='Premium'. "
        "Fix: use sku='Premium', or opt in to public access with public_network_access_enabled=True."
    )


def test_fails_when_a_free_app_configuration_store_is_asked_to_turn_public_access_off(stack, group):
    assert error_of(lambda: AppConfiguration(stack, "A", AppConfigurationProps(
        "appconfig-test", group, sku="free",
    ))) == (
        "AppConfiguration 'test/A': public_network_access_enabled False is not available on the "
        "'free' SKU. Allowed: public_network_access_enabled=False only with sku 'standard' or "
        "'premium'. Fix: use sku='standard', or opt in to public access with "
        "public_network_access_enabled=True."
    )


def test_fails_when_a_key_vault_secret_name_has_an_underscore(stack, group):
    vault = KeyVault(stack, "Vault", KeyVaultProps("kv-test", group))
    assert error_of(lambda: vault.secret("Api_Key"), scope=vault).startswith(
        "KeyVault 'test/Vault': secret name 'Api_Key' contains '_'.",
    )


def test_a_secret_value_given_as_text_is_rejected(stack, group):
    vault = KeyVault(stack, "Vault", KeyVaultProps("kv-test", group))
    assert "is a literal secret value" in error_of(lambda: vault.add_secret(
        "S", SecretProps("Api-Key", WriteOnlySecret("plain-text")),
    ), scope=vault)


def test_a_valid_vault_name_passes(stack, group):
    assert KeyVault(stack, "Vault", KeyVaultProps("kv-trading-beta-1023", group)).name == (
        "kv-trading-beta-1023"
    )


# --- container apps ----------------------------------------------------------------------

def _app_kwargs(stack, group):
    registry = ContainerRegistry(stack, "Registry", ContainerRegistryProps(
        "acrtest1", group, public_network_access_enabled=True,
    ))
    identity = UserAssignedIdentity(stack, "Identity", UserAssignedIdentityProps("mi-test", group))
    environment = ContainerAppEnvironment(
        stack, "Env", ContainerAppEnvironmentProps("cae-test", group),
    )
    return {
        "environment": environment, "identity": identity, "registry": registry,
        "repository": "svc-api", "image_tag": "beta", "target_port": 8000,
    }


def test_fails_when_cpu_and_memory_are_not_a_pair_azure_accepts(stack, group):
    assert error_of(lambda: ContainerApp(stack, "App", ContainerAppProps(
        name="ca-svc", cpu=0.5, memory="2Gi", **_app_kwargs(stack, group),
    ))) == (
        "ContainerApp 'test/App': cpu/memory '0.5/2Gi' is not a combination Azure accepts. "
        f"Allowed: {CPU_MEMORY_PAIRS}. Fix: use memory='1Gi' for cpu=0.5."
    )


def test_fails_when_cpu_is_not_a_quarter_step(stack, group):
    assert error_of(lambda: ContainerApp(stack, "App", ContainerAppProps(
        name="ca-svc", cpu=0.3, memory="0.6Gi", **_app_kwargs(stack, group),
    ))).endswith("Fix: pick a cpu of 0.25-2.0 in steps of 0.25.")


def test_fails_when_replicas_and_port_are_out_of_range_and_reports_all_of_them(stack, group):
    message = error_of(lambda: ContainerApp(stack, "App", ContainerAppProps(
        name="ca-svc", min_replicas=-1, max_replicas=301,
        **{**_app_kwargs(stack, group), "target_port": 70000},
    )))
    assert message.splitlines() == [
        "ContainerApp 'test/App': target_port 70000 is out of range. Allowed: 1 to 65535. "
        "Fix: set target_port between 1 and 65535.",
        "ContainerApp 'test/App': min_replicas -1 is out of range. Allowed: 0 to 300. "
        "Fix: set min_replicas between 0 and 300.",
        "ContainerApp 'test/App': max_replicas 301 is out of range. Allowed: 1 to 300. "
        "Fix: set max_replicas between 1 and 300.",
    ]


def test_fails_when_min_replicas_is_above_max_replicas(stack, group):
    assert error_of(lambda: ContainerApp(stack, "App", ContainerAppProps(
        name="ca-svc", min_replicas=4, max_replicas=3, **_app_kwargs(stack, group),
    ))) == (
        "ContainerApp 'test/App': min_replicas 4 is above max_replicas 3. "
        "Allowed: min_replicas <= max_replicas. Fix: lower min_replicas or raise max_replicas."
    )


def test_fails_when_the_image_tag_is_not_a_valid_tag(stack, group):
    assert error_of(lambda: ContainerApp(stack, "App", ContainerAppProps(
        name="ca-svc", **{**_app_kwargs(stack, group), "image_tag": "-beta"},
    ))) == (
        "ContainerApp 'test/App': image tag '-beta' is not a valid image tag. "
        "Allowed: 1-128 letters, digits, '_', '.', '-', not starting with '.' or '-'. "
        "Fix: use a tag such as 'staging' or '1.4.2'."
    )


def test_fails_when_a_variable_is_both_plain_and_secret(stack, group):
    kwargs = _app_kwargs(stack, group)
    vault = KeyVault(stack, "Vault", KeyVaultProps("kv-test", group))
    assert error_of(lambda: ContainerApp(stack, "App", ContainerAppProps(
        name="ca-svc", env={"API_KEY": "x"}, secret_env={"API_KEY": vault.secret("Api-Key")},
        **kwargs,
    ))) == (
        "ContainerApp 'test/App': environment variable 'API_KEY' is set both as plain env and "
        "as secret_env. Allowed: each variable once. Fix: keep only the secret_env entry."
    )


def test_fails_when_the_container_app_name_is_longer_than_azure_allows(stack, group):
    app = _app_kwargs(stack, group)
    message = error_of(lambda: ContainerApp(stack, "App", ContainerAppProps(
        name="ca-" + "x" * 30, **app,
    )))
    assert message.startswith(f"ContainerApp 'test/App': name '{'ca-' + 'x' * 30}' has 33 characters.")
    assert "Allowed: container app names have 2-32 characters;" in message
