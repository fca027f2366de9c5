"""The `beta` stack describes the deployed beta estate (seed steps 3-4) plus the five apps."""

import pytest

BETA_TAGS = {"Environment": "beta", "Product": "Trading", "ManagedBy": "cdktf"}
DATABASES = [
    "sigmatiq_core", "sigmatiq_assistant", "sigmatiq_pilot", "sigmatiq_auth",
    "sigmatiq_cache", "sigmatiq_sim", "sigmatiq_card", "sigmatiq_native",
]
APPS = {  # name: (port, min replicas)
    "ca-auth-api": (8004, 0),
    "ca-native-api": (8002, 1),
    "ca-pilot-api": (8003, 0),
    "ca-card-api": (8005, 0),
    "ca-sim-api": (8084, 0),
}
PROVIDER_KEYS = {
    "POLYGON_API_KEY": "Polygon-API-Key",
    "ALPACA_API_KEY": "Alpaca-API-Key",
    "ALPACA_SECRET_KEY": "Alpaca-Secret-Key",
    "ALPHA_VANTAGE_API_KEY": "AlphaVantage-API-Key",
}


def test_beta_has_its_data_and_apps_resource_groups_in_centralus(beta):
    _, data = beta.named("azurerm_resource_group", "rg-trading-beta-data")
    _, apps = beta.named("azurerm_resource_group", "rg-trading-beta-apps")
    assert data["location"] == apps["location"] == "centralus"
    assert data["tags"] == {**BETA_TAGS, "Purpose": "Beta data layer (PostgreSQL, Redis)"}
    assert apps["tags"] == {**BETA_TAGS, "Purpose": "Beta Container Apps"}


def test_postgres_is_v16_burstable_b1ms_with_32gb_autogrow_and_7_day_local_backups(beta):
    _, server = beta.named("azurerm_postgresql_flexible_server", "psql-trading-beta")
    assert server["resource_group_name"] == "rg-trading-beta-data"
    assert server["version"] == "16"
    assert server["sku_name"] == "B_Standard_B1ms"
    assert server["storage_mb"] == 32768
    assert server["auto_grow_enabled"] is True
    assert server["backup_retention_days"] == 7
    assert server["geo_redundant_backup_enabled"] is False
    assert "high_availability" not in server
    assert server["public_network_access_enabled"] is True
    assert server["administrator_login"] == "sqladmin"


def test_postgres_password_arrives_write_only_from_an_ephemeral_sensitive_variable(beta):
    _, server = beta.named("azurerm_postgresql_flexible_server", "psql-trading-beta")
    assert "administrator_password" not in server
    assert server["administrator_password_wo"] == "${var.postgres_admin_password}"
    assert server["administrator_password_wo_version"] == "${var.postgres_admin_password_version}"
    variable = beta.doc["variable"]["postgres_admin_password"]
    assert variable["sensitive"] is True
    assert variable["ephemeral"] is True
    assert "default" not in variable


def test_postgres_requires_tls(beta):
    server = beta.ref("azurerm_postgresql_flexible_server", "psql-trading-beta")
    _, setting = beta.named("azurerm_postgresql_flexible_server_configuration", "require_secure_transport")
    assert setting == {**setting, "server_id": server, "value": "on"}


def test_postgres_allows_azure_services_through_the_0_0_0_0_rule(beta):
    server = beta.ref("azurerm_postgresql_flexible_server", "psql-trading-beta")
    rules = beta.resources("azurerm_postgresql_flexible_server_firewall_rule")
    assert [
        (r["name"], r["start_ip_address"], r["end_ip_address"], r["server_id"])
        for r in rules.values()
    ] == [("AllowAzureServices", "0.0.0.0", "0.0.0.0", server)]


def test_all_eight_databases_are_created_by_code_on_the_beta_server(beta):
    server = beta.ref("azurerm_postgresql_flexible_server", "psql-trading-beta")
    databases = beta.resources("azurerm_postgresql_flexible_server_database").values()
    assert sorted(d["name"] for d in databases) == sorted(DATABASES)
    for database in databases:
        assert (database["server_id"], database["charset"], database["collation"]) == (
            server, "UTF8", "en_US.utf8",
        )


def test_redis_is_basic_c0_version_6_tls_only_with_minimum_tls_1_2(beta):
    _, cache = beta.named("azurerm_redis_cache", "redis-trading-beta-1023")
    assert cache["resource_group_name"] == "rg-trading-beta-data"
    assert (cache["sku_name"], cache["family"], cache["capacity"]) == ("Basic", "C", 0)
    assert cache["redis_version"] == "6"
    assert cache["non_ssl_port_enabled"] is False
    assert "enable_non_ssl_port" not in cache
    assert cache["minimum_tls_version"] == "1.2"
    assert cache["public_network_access_enabled"] is True


def test_the_beta_identity_lives_in_the_apps_group(beta):
    _, identity = beta.named("azurerm_user_assigned_identity", "mi-trading-beta")
    assert identity["resource_group_name"] == "rg-trading-beta-apps"
    assert identity["location"] == "centralus"


def test_the_beta_vault_is_standard_rbac_with_7_day_soft_delete_and_no_purge_protection(beta):
    _, vault = beta.named("azurerm_key_vault", "kv-trading-beta-1023")
    assert vault["resource_group_name"] == "rg-trading-beta-apps"
    assert vault["sku_name"] == "standard"
    assert vault["rbac_authorization_enabled"] is True
    assert vault["soft_delete_retention_days"] == 7
    assert vault["purge_protection_enabled"] is False
    assert vault["public_network_access_enabled"] is True


def test_the_beta_vault_secrets_are_written_only_through_value_wo(beta):
    vault = beta.ref("azurerm_key_vault", "kv-trading-beta-1023")
    server_fqdn = beta.ref("azurerm_postgresql_flexible_server", "psql-trading-beta", "fqdn")
    _, postgres = beta.named("azurerm_key_vault_secret", "PostgreSQL-ConnectionString")
    _, redis = beta.named("azurerm_key_vault_secret", "Redis-ConnectionString")
    redis_ref = beta.ref("azurerm_redis_cache", "redis-trading-beta-1023", "primary_access_key")
    redis_host = beta.ref("azurerm_redis_cache", "redis-trading-beta-1023", "hostname")
    assert postgres["key_vault_id"] == redis["key_vault_id"] == vault
    assert "value" not in postgres and "value" not in redis
    assert postgres["value_wo"] == (
        "postgresql://sqladmin:${urlencode(var.postgres_admin_password)}"
        f"@{server_fqdn}:5432/sigmatiq_core?sslmode=require"
    )
    assert postgres["value_wo_version"] == "${var.postgres_admin_password_version}"
    assert redis["value_wo"].startswith(f"rediss://:${{urlencode({redis_ref[2:-1]})}}@{redis_host}:")
    assert redis["value_wo_version"] == "${var.redis_connection_string_version}"
    _, password = beta.named("azurerm_key_vault_secret", "Redis-Password")
    assert (password["key_vault_id"], password["value_wo"], password["value_wo_version"]) == (
        vault, redis_ref, "${var.redis_connection_string_version}",
    )
    assert "value" not in password


def test_the_deployer_can_write_beta_secrets_before_they_are_created(beta):
    vault = beta.ref("azurerm_key_vault", "kv-trading-beta-1023")
    officer = [
        (key, r) for key, r in beta.resources("azurerm_role_assignment").items()
        if r["role_definition_id"].endswith("b86a8fe4-44ce-4948-aee5-eccb2c155cd7")
    ]
    assert len(officer) == 1
    key, assignment = officer[0]
    assert assignment["scope"] == vault
    assert assignment["principal_id"] == "${data.azurerm_client_config.ClientConfig.object_id}"
    for secret in beta.resources("azurerm_key_vault_secret").values():
        assert secret["depends_on"] == [f"azurerm_role_assignment.{key}"]


def test_app_configuration_is_the_free_sku_with_access_keys_off(beta):
    _, store = beta.named("azurerm_app_configuration", "appconfig-trading-beta-1023")
    assert store["resource_group_name"] == "rg-trading-beta-apps"
    assert store["sku"] == "free"
    assert store["local_auth_enabled"] is False
    assert "public_network_access" not in store
    assert "purge_protection_enabled" not in store


def test_the_container_apps_environment_is_plain_consumption_without_vnet_settings(beta):
    _, environment = beta.named("azurerm_container_app_environment", "cae-trading-beta")
    workspace = beta.ref("azurerm_log_analytics_workspace", "log-trading-beta")
    assert environment["resource_group_name"] == "rg-trading-beta-apps"
    assert environment["log_analytics_workspace_id"] == workspace
    assert environment["logs_destination"] == "log-analytics"
    for vnet_only in (
        "infrastructure_subnet_id", "zone_redundancy_enabled", "internal_load_balancer_enabled",
    ):
        assert vnet_only not in environment


def test_the_identity_holds_acrpull_secrets_user_on_both_vaults_and_app_config_reader(beta):
    principal = beta.ref("azurerm_user_assigned_identity", "mi-trading-beta", "principal_id")
    granted = {
        (r["scope"], r["role_definition_id"].rsplit("/", 1)[1])
        for r in beta.resources("azurerm_role_assignment").values()
        if r["principal_id"] == principal
    }
    assert granted == {
        (beta.data_ref("azurerm_container_registry", "acrtradingshared"),
         "7f951dda-4ed3-4680-a7ca-43fe172d538d"),
        (beta.ref("azurerm_key_vault", "kv-trading-beta-1023"),
         "4633458b-17de-408a-b874-0445c86b69e6"),
        (beta.data_ref("azurerm_key_vault", "kv-trading-shared"),
         "4633458b-17de-408a-b874-0445c86b69e6"),
        (beta.ref("azurerm_app_configuration", "appconfig-trading-beta-1023"),
         "516239f1-63e1-4d78-a4de-a74fb236a071"),
    }
    for assignment in beta.resources("azurerm_role_assignment").values():
        assert assignment["role_definition_id"].startswith(
            "/subscriptions/${data.azurerm_client_config.ClientConfig.subscription_id}"
            "/providers/Microsoft.Authorization/roleDefinitions/"
        )
        if assignment["principal_id"] == principal:
            assert assignment["principal_type"] == "ServicePrincipal"


def test_beta_looks_up_the_shared_vault_and_registry_by_name(beta):
    vaults = beta.data("azurerm_key_vault")
    registries = beta.data("azurerm_container_registry")
    assert [(v["name"], v["resource_group_name"]) for v in vaults.values()] == [
        ("kv-trading-shared", "rg-trading-shared"),
    ]
    assert [(r["name"], r["resource_group_name"]) for r in registries.values()] == [
        ("acrtradingshared", "rg-trading-shared"),
    ]


def test_the_five_apps_exist_with_their_ports_replicas_and_sizes(beta):
    apps = beta.resources("azurerm_container_app")
    assert sorted(a["name"] for a in apps.values()) == sorted(APPS)
    for name, (port, min_replicas) in APPS.items():
        _, app = beta.named("azurerm_container_app", name)
        container = app["template"]["container"][0]
        assert app["resource_group_name"] == "rg-trading-beta-apps"
        assert app["container_app_environment_id"] == beta.ref(
            "azurerm_container_app_environment", "cae-trading-beta",
        )
        assert app["revision_mode"] == "Single"
        assert app["ingress"] == {
            "allow_insecure_connections": False,
            "external_enabled": True,
            "target_port": port,
            "transport": "auto",
            "traffic_weight": [{"latest_revision": True, "percentage": 100}],
        }
        assert (app["template"]["min_replicas"], app["template"]["max_replicas"]) == (min_replicas, 3)
        assert (container["cpu"], container["memory"]) == (0.5, "1Gi")
        assert container["liveness_probe"] == [
            {"transport": "HTTP", "port": port, "path": "/healthz"},
        ]


@pytest.mark.parametrize("name", sorted(APPS))
def test_each_app_pulls_its_beta_image_with_the_identity_and_no_admin_credentials(beta, name):
    _, app = beta.named("azurerm_container_app", name)
    identity = beta.ref("azurerm_user_assigned_identity", "mi-trading-beta")
    login_server = beta.data_ref("azurerm_container_registry", "acrtradingshared", "login_server")
    assert app["identity"] == {"type": "UserAssigned", "identity_ids": [identity]}
    assert app["registry"] == [{"server": login_server, "identity": identity}]
    service = name.removeprefix("ca-")
    assert app["template"]["container"][0]["image"] == f"{login_server}/sigmatiq-{service}:beta"


@pytest.mark.parametrize("name", sorted(APPS))
def test_each_app_reads_database_url_and_provider_keys_through_key_vault_references(beta, name):
    _, app = beta.named("azurerm_container_app", name)
    identity = beta.ref("azurerm_user_assigned_identity", "mi-trading-beta")
    secrets = {s["name"]: s for s in app["secret"]}
    env = {e["name"]: e for e in app["template"]["container"][0]["env"]}
    for secret in secrets.values():
        assert secret["identity"] == identity
        assert "value" not in secret

    database_url = secrets[env["DATABASE_URL"]["secret_name"]]
    assert database_url["key_vault_secret_id"] == beta.ref(
        "azurerm_key_vault_secret", "PostgreSQL-ConnectionString", "versionless_id",
    )
    redis_url = secrets[env["REDIS_URL"]["secret_name"]]
    assert redis_url["key_vault_secret_id"] == beta.ref(
        "azurerm_key_vault_secret", "Redis-ConnectionString", "versionless_id",
    )
    redis_password = secrets[env["REDIS_PASSWORD"]["secret_name"]]  # the access key alone, not the URL
    assert redis_password["key_vault_secret_id"] == beta.ref(
        "azurerm_key_vault_secret", "Redis-Password", "versionless_id",
    )
    shared_uri = beta.data_ref("azurerm_key_vault", "kv-trading-shared", "vault_uri")
    for variable, secret_name in PROVIDER_KEYS.items():
        reference = secrets[env[variable]["secret_name"]]
        assert reference["key_vault_secret_id"] == f"{shared_uri}secrets/{secret_name}"


@pytest.mark.parametrize("name", sorted(APPS))
def test_each_app_gets_redis_identity_and_app_config_settings_as_plain_env(beta, name):
    _, app = beta.named("azurerm_container_app", name)
    env = {e["name"]: e.get("value") for e in app["template"]["container"][0]["env"]}
    assert env["REDIS_HOST"] == beta.ref("azurerm_redis_cache", "redis-trading-beta-1023", "hostname")
    assert env["REDIS_PORT"] == beta.ref("azurerm_redis_cache", "redis-trading-beta-1023", "ssl_port")
    assert env["USE_REDIS_CACHE"] == "true"
    assert env["AZURE_CLIENT_ID"] == beta.ref(
        "azurerm_user_assigned_identity", "mi-trading-beta", "client_id",
    )
    assert env["AZURE_APP_CONFIG_ENDPOINT"] == beta.ref(
        "azurerm_app_configuration", "appconfig-trading-beta-1023", "endpoint",
    )


@pytest.mark.parametrize("name", sorted(APPS))
def test_each_app_waits_for_its_pull_and_secret_grants(beta, name):
    _, app = beta.named("azurerm_container_app", name)
    by_role = {
        (r["scope"], r["role_definition_id"].rsplit("/", 1)[1]): f"azurerm_role_assignment.{key}"
        for key, r in beta.resources("azurerm_role_assignment").items()
    }
    needed = {
        by_role[(beta.data_ref("azurerm_container_registry", "acrtradingshared"),
                 "7f951dda-4ed3-4680-a7ca-43fe172d538d")],
        by_role[(beta.ref("azurerm_key_vault", "kv-trading-beta-1023"),
                 "4633458b-17de-408a-b874-0445c86b69e6")],
        by_role[(beta.data_ref("azurerm_key_vault", "kv-trading-shared"),
                 "4633458b-17de-408a-b874-0445c86b69e6")],
    }
    assert needed <= set(app["depends_on"])


def test_there_is_exactly_one_assignment_per_role_scope_and_principal(beta):
    keys = [
        (r["scope"], r["role_definition_id"], r["principal_id"])
        for r in beta.resources("azurerm_role_assignment").values()
    ]
    assert len(keys) == len(set(keys)) == 5
