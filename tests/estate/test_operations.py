"""Operable and within budget: every stack sends its resources' logs and metrics to a
workspace, every environment has an action group, metric alerts, alerts on deleting what is
protected, and a budget; the policy pack refuses a stack without them."""

from __future__ import annotations

import dataclasses
import json

import pytest
from estate_helpers import ISOLATED, synth
from helpers import error_of

from sigmatiq_infra import constructs as c
from sigmatiq_infra.testing import Template
from stacks.settings import AlertThresholds, LogSettings, load

OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
SUBSCRIPTION = "/subscriptions/${data.azurerm_client_config.ClientConfig.subscription_id}"
ALL = ('[{"category_group": "allLogs"}]', '[{"category": "AllMetrics"}]')


def settings_of(doc: Template) -> dict[str, tuple[str, str, str]]:
    """target reference -> (workspace reference, enabled logs, enabled metrics), as JSON text."""
    return {
        s["target_resource_id"]: (
            s["log_analytics_workspace_id"], json.dumps(s.get("enabled_log")), json.dumps(s.get("enabled_metric")),
        )
        for s in doc.resources("azurerm_monitor_diagnostic_setting").values()
    }


# --- 1. diagnostics ------------------------------------------------------------------------

def test_prod_sends_every_diagnosable_resources_logs_and_metrics_to_its_workspace(prod):
    workspace = prod.ref("azurerm_log_analytics_workspace", "log-trading-prod")
    cache = prod.ref("azurerm_managed_redis", "redis-trading-prod")
    assert settings_of(prod) == {
        prod.ref("azurerm_key_vault", "kv-trading-prod"): (workspace, *ALL),
        prod.ref("azurerm_postgresql_flexible_server", "psql-trading-prod"): (workspace, *ALL),
        prod.ref("azurerm_app_configuration", "appconfig-trading-prod"): (workspace, *ALL),
        prod.ref("azurerm_container_app_environment", "cae-trading-prod"): (workspace, *ALL),
        prod.ref("azurerm_virtual_network_gateway", "vpngw-trading-prod"): (workspace, *ALL),
        prod.ref("azurerm_virtual_network", "vnet-trading-prod"): (workspace, *ALL),
        workspace: (workspace, *ALL),
        # Azure Managed Redis: metrics from the cluster, the connection logs from its database.
        cache: (workspace, "null", '[{"category": "AllMetrics"}]'),
        f"{cache}/databases/default": (workspace, '[{"category_group": "allLogs"}]', "null"),
    }
    assert {s["name"] for s in prod.resources("azurerm_monitor_diagnostic_setting").values()} == {
        "diag-log-trading-prod",
    }


def test_beta_sends_its_adopted_services_diagnostics_to_its_workspace(beta):
    workspace = beta.ref("azurerm_log_analytics_workspace", "log-trading-beta")
    assert settings_of(beta) == {
        beta.ref("azurerm_key_vault", "kv-trading-beta-1023"): (workspace, *ALL),
        beta.ref("azurerm_postgresql_flexible_server", "psql-trading-beta"): (workspace, *ALL),
        beta.ref("azurerm_redis_cache", "redis-trading-beta-1023"): (workspace, *ALL),
        beta.ref("azurerm_app_configuration", "appconfig-trading-beta-1023"): (workspace, *ALL),
        beta.ref("azurerm_container_app_environment", "cae-trading-beta"): (workspace, *ALL),
        workspace: (workspace, *ALL),
    }


def test_shared_has_a_workspace_of_its_own_for_its_vault_and_registry(shared):
    workspace = shared.ref("azurerm_log_analytics_workspace", "log-trading-shared")
    _, config = shared.named("azurerm_log_analytics_workspace", "log-trading-shared")
    assert (config["resource_group_name"], config["retention_in_days"], config["daily_quota_gb"]) == (
        "rg-trading-shared", 90, 0.1,
    )
    assert settings_of(shared) == {
        shared.ref("azurerm_key_vault", "kv-trading-shared"): (workspace, *ALL),
        shared.ref("azurerm_container_registry", "acrtradingshared"): (workspace, *ALL),
        workspace: (workspace, *ALL),
    }


def test_the_state_account_sends_metrics_from_the_account_and_blob_logs_from_its_blob_service(synthesized):
    state = synthesized["state"]
    workspace = state.ref("azurerm_log_analytics_workspace", "log-trading-tfstate")
    account = state.ref("azurerm_storage_account", "sttradingtfstate")
    metrics = '[{"category": "Transaction"}, {"category": "Capacity"}]'
    assert settings_of(state) == {
        account: (workspace, "null", metrics),
        f"{account}/blobServices/default": (
            workspace, '[{"category": "StorageRead"}, {"category": "StorageWrite"}, {"category": "StorageDelete"}]',
            metrics,
        ),
        workspace: (workspace, *ALL),
    }


@pytest.mark.parametrize(("stack_name", "name", "retention", "cap"), [
    ("beta", "log-trading-beta", 30, 0.5), ("prod", "log-trading-prod", 90, 2),
])
def test_workspace_retention_and_daily_cap_come_from_settings(synthesized, stack_name, name, retention, cap):
    _, workspace = synthesized[stack_name].named("azurerm_log_analytics_workspace", name)
    assert (workspace["sku"], workspace["retention_in_days"], workspace["daily_quota_gb"]) == (
        "PerGB2018", retention, cap,
    )


# --- 2. alerts -----------------------------------------------------------------------------

@pytest.mark.parametrize("env", ["beta", "prod"])
def test_each_environment_has_an_action_group_that_mails_the_subscription_owners(synthesized, env):
    _, group = synthesized[env].named("azurerm_monitor_action_group", f"ag-trading-{env}")
    assert group["short_name"] == env
    assert group["resource_group_name"] == f"rg-trading-{env}-apps"
    assert group["arm_role_receiver"] == [{"name": "Owner", "role_id": OWNER, "use_common_alert_schema": True}]
    assert "email_receiver" not in group  # no address in code: they come from settings or the environment


def alerts_of(doc: Template) -> dict[str, tuple]:
    """alert name -> (scope, namespace, metric, aggregation, operator, threshold, window, frequency, dimensions)."""
    found = {}
    for alert in doc.resources("azurerm_monitor_metric_alert").values():
        [criteria] = alert["criteria"]
        found[alert["name"]] = (
            alert["scopes"][0], criteria["metric_namespace"], criteria["metric_name"], criteria["aggregation"],
            criteria["operator"], criteria["threshold"], alert["window_size"], alert["frequency"],
            json.dumps(criteria.get("dimension")),
        )
        assert alert["action"] == [{"action_group_id": doc.ref("azurerm_monitor_action_group", alert_group(doc))}]
        assert alert["severity"] == 2
    return found


def alert_group(doc: Template) -> str:
    [group] = doc.resources("azurerm_monitor_action_group").values()
    return group["name"]


def test_prod_has_a_metric_alert_on_every_tier_with_the_thresholds_of_its_settings(prod):
    pg = prod.ref("azurerm_postgresql_flexible_server", "psql-trading-prod")
    cache = prod.ref("azurerm_managed_redis", "redis-trading-prod")
    vault = prod.ref("azurerm_key_vault", "kv-trading-prod")
    vpn = prod.ref("azurerm_virtual_network_gateway", "vpngw-trading-prod")
    server, enterprise = "Microsoft.DBforPostgreSQL/flexibleServers", "Microsoft.Cache/redisEnterprise"
    expected = {
        "alert-psql-trading-prod-cpu": (
            pg, server, "cpu_percent", "Average", "GreaterThan", 80, "PT15M", "PT5M", "null",
        ),
        "alert-psql-trading-prod-storage": (
            pg, server, "storage_percent", "Average", "GreaterThan", 85, "PT15M", "PT5M", "null",
        ),
        "alert-psql-trading-prod-failed-connections": (
            pg, server, "connections_failed", "Total", "GreaterThan", 10, "PT15M", "PT5M", "null",
        ),
        "alert-redis-trading-prod-server-load": (
            cache, enterprise, "serverLoad", "Maximum", "GreaterThan", 80, "PT15M", "PT5M", "null",
        ),
        "alert-redis-trading-prod-memory": (
            cache, enterprise, "usedmemorypercentage", "Maximum", "GreaterThan", 85, "PT15M", "PT5M", "null",
        ),
        "alert-kv-trading-prod-availability": (
            vault, "Microsoft.KeyVault/vaults", "Availability", "Average", "LessThan", 99, "PT15M", "PT5M", "null",
        ),
        "alert-vpngw-trading-prod-p2s-connections": (
            vpn, "Microsoft.Network/virtualNetworkGateways", "P2SConnectionCount", "Total", "GreaterThan", 100,
            "PT15M", "PT5M", "null",
        ),
    }
    for app in ("ca-auth-api", "ca-native-api", "ca-pilot-api", "ca-card-api", "ca-sim-api"):
        ref = prod.ref("azurerm_container_app", app)
        expected[f"alert-{app}-restarts"] = (
            ref, "Microsoft.App/containerApps", "RestartCount", "Maximum", "GreaterThan", 3, "PT15M", "PT5M", "null",
        )
        expected[f"alert-{app}-5xx"] = (
            ref, "Microsoft.App/containerApps", "Requests", "Total", "GreaterThan", 10, "PT5M", "PT1M",
            '[{"name": "statusCodeCategory", "operator": "Include", "values": ["5xx"]}]',
        )
    assert alerts_of(prod) == expected
    assert {a["resource_group_name"] for a in prod.resources("azurerm_monitor_metric_alert").values()} == {
        "rg-trading-prod-apps",  # never in the locked data group, where a lock would stop their deletion
    }


def test_beta_watches_its_azure_cache_for_redis_and_has_no_vpn_alert(beta):
    alerts = alerts_of(beta)
    cache = beta.ref("azurerm_redis_cache", "redis-trading-beta-1023")
    assert alerts["alert-redis-trading-beta-1023-server-load"][:6] == (
        cache, "Microsoft.Cache/redis", "serverLoad", "Maximum", "GreaterThan", 80,
    )
    assert len(alerts) == 16 and not any("vpngw" in name for name in alerts)


def delete_alerts(doc: Template) -> dict[str, tuple[str, str, str]]:
    """watched resource reference -> (operation, the alert's group, the alert's name)."""
    found = {}
    for alert in doc.resources("azurerm_monitor_activity_log_alert").values():
        assert (alert["location"], alert["scopes"], alert["criteria"]["category"]) == (
            "global", [SUBSCRIPTION], "Administrative",
        )
        found[alert["criteria"]["resource_id"]] = (
            alert["criteria"]["operation_name"], alert["resource_group_name"], alert["name"],
        )
    return found


def test_deleting_any_protected_prod_resource_alerts_the_action_group(prod):
    assert delete_alerts(prod) == {
        prod.ref("azurerm_resource_group", "rg-trading-prod-data"): (
            "Microsoft.Resources/subscriptions/resourceGroups/delete", "rg-trading-prod-apps",
            "alert-rg-trading-prod-data-deleted",
        ),
        prod.ref("azurerm_postgresql_flexible_server", "psql-trading-prod"): (
            "Microsoft.DBforPostgreSQL/flexibleServers/delete", "rg-trading-prod-apps",
            "alert-psql-trading-prod-deleted",
        ),
        prod.ref("azurerm_managed_redis", "redis-trading-prod"): (
            "Microsoft.Cache/redisEnterprise/delete", "rg-trading-prod-apps", "alert-redis-trading-prod-deleted",
        ),
        prod.ref("azurerm_key_vault", "kv-trading-prod"): (
            "Microsoft.KeyVault/vaults/delete", "rg-trading-prod-apps", "alert-kv-trading-prod-deleted",
        ),
    }


def test_every_adopted_beta_resource_is_protected_and_its_deletion_alerts(beta):
    found = delete_alerts(beta)
    # The apps group's own alert lives in the data group: a rule is deleted with its group.
    assert found[beta.ref("azurerm_resource_group", "rg-trading-beta-apps")][1:] == (
        "rg-trading-beta-data", "alert-rg-trading-beta-apps-deleted",
    )
    assert found[beta.ref("azurerm_redis_cache", "redis-trading-beta-1023")][0] == "Microsoft.Cache/redis/delete"
    assert len(found) == 8  # two groups, the server, the cache, the identity, the vault, the store, the environment


# --- 3. budgets ----------------------------------------------------------------------------

@pytest.mark.parametrize(("env", "amount"), [("beta", 37), ("prod", 500)])
def test_each_environment_is_held_to_the_seeds_monthly_target(synthesized, env, amount):
    doc = synthesized[env]
    _, budget = doc.named("azurerm_consumption_budget_subscription", f"budget-trading-{env}")
    group = doc.ref("azurerm_monitor_action_group", f"ag-trading-{env}")
    assert {k: v for k, v in budget.items() if k != "//"} == {
        "name": f"budget-trading-{env}",
        "subscription_id": SUBSCRIPTION,
        "amount": amount,
        "time_grain": "Monthly",
        "time_period": {"start_date": "2026-12-01T00:00:00Z"},  # fixed: a new start re-creates the budget
        "filter": {"dimension": [{
            "name": "ResourceGroupName", "operator": "In",
            "values": [f"rg-trading-{env}-data", f"rg-trading-{env}-apps"],
        }]},
        "notification": [
            {"threshold": 80, "threshold_type": "Actual", "operator": "GreaterThanOrEqualTo",
             "contact_groups": [group], "contact_roles": ["Owner"]},
            {"threshold": 100, "threshold_type": "Forecasted", "operator": "GreaterThanOrEqualTo",
             "contact_groups": [group], "contact_roles": ["Owner"]},
        ],
    }


# --- settings drive all of it ---------------------------------------------------------------

@pytest.fixture(scope="module")
def tuned(tmp_path_factory) -> Template:
    """Beta with other thresholds, workspace limits, budget and receivers from the environment."""
    settings = load(environ={**ISOLATED, "SIGMATIQ_BETA_ALERT_EMAILS": "oncall=ops@example.com, alice@example.com"})
    beta = settings.environments["beta"]
    beta = dataclasses.replace(
        beta,
        logs=LogSettings("log-trading-beta", retention_days=60, daily_cap_gb=1.5),
        alerts=dataclasses.replace(beta.alerts, thresholds=AlertThresholds(postgres_cpu_percent=65, app_restarts=5)),
        budget=dataclasses.replace(beta.budget, amount=45, actual_percent=90),
    )
    return synth(dataclasses.replace(settings, environments={"beta": beta}), tmp_path_factory.mktemp("tuned"))["beta"]


def test_thresholds_limits_budget_and_receivers_are_settings(tuned):
    alerts = alerts_of(tuned)
    assert alerts["alert-psql-trading-beta-cpu"][5] == 65
    assert alerts["alert-ca-auth-api-restarts"][5] == 5
    _, workspace = tuned.named("azurerm_log_analytics_workspace", "log-trading-beta")
    assert (workspace["retention_in_days"], workspace["daily_quota_gb"]) == (60, 1.5)
    _, budget = tuned.named("azurerm_consumption_budget_subscription", "budget-trading-beta")
    assert (budget["amount"], budget["notification"][0]["threshold"]) == (45, 90)
    _, group = tuned.named("azurerm_monitor_action_group", "ag-trading-beta")
    assert group["email_receiver"] == [
        {"name": "oncall", "email_address": "ops@example.com", "use_common_alert_schema": True},
        {"name": "alice", "email_address": "alice@example.com", "use_common_alert_schema": True},
    ]


def test_a_bad_alert_address_in_the_environment_is_a_clear_problem():
    from stacks.settings import read_environment

    _, problems = read_environment({**ISOLATED, "SIGMATIQ_PROD_ALERT_EMAILS": "oncall=ops-at-example.com"})
    assert problems == [
        "Environment variable 'SIGMATIQ_PROD_ALERT_EMAILS': entry 'oncall=ops-at-example.com' is not an e-mail "
        "address. Allowed: comma-separated entries `name=address` or `address`. Fix: write e.g. "
        "SIGMATIQ_PROD_ALERT_EMAILS='oncall=ops@example.com,alice@example.com'."
    ]


# --- the constructs refuse what Azure would --------------------------------------------------



def test_an_action_group_short_name_longer_than_12_characters_is_refused(stack, group):
    assert error_of(lambda: c.ActionGroup(stack, "Alerts", c.ActionGroupProps("ag-test", group, "trading-prod-x"))) == (
        "ActionGroup 'test/Alerts': short_name 'trading-prod-x' has 14 characters. Allowed: action group short "
        "names have 1-12 characters; any characters but control characters. Fix: use 'trading-prod' or another "
        "action group short name that follows these rules."
    )


# --- 5. the policy pack ----------------------------------------------------------------------

def test_an_environment_without_alerts_and_budget_fails_the_operable_policy(tmp_path):
    settings = load(environ=ISOLATED)
    beta = dataclasses.replace(settings.environments["beta"], alerts=None, budget=None)
    message = error_of(lambda: synth(dataclasses.replace(settings, environments={"beta": beta}), tmp_path))
    assert message == (
        "Policy 'beta': rule 'monitoring-required': 'BetaStack' runs container apps but has no action group, "
        "no metric alert, no budget. Allowed: an environment with an action group, metric alerts and a budget. "
        "Fix: add an ActionGroup, MetricAlerts on its services and a Budget, "
        "or suppress it with sigmatiq_infra.aspects.suppress(construct, 'monitoring-required', reason)."
    )


def test_a_diagnosable_resource_without_diagnostic_settings_fails_the_operable_policy(tmp_path):
    from sigmatiq_infra.aspects import check_library_constructs, suppress
    from sigmatiq_infra.aspects.rules import OPERABLE
    from sigmatiq_infra.stacks import App, AzureStack

    app = App(outdir=str(tmp_path / "out"))
    stack = AzureStack(app, "mine")
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-mine", "westeurope"))
    c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-mine-1", group, public_network_access_enabled=True))
    registry = c.ContainerRegistry(stack, "Registry", c.ContainerRegistryProps("acrmine1", group))
    suppress(registry, "diagnostics-required", "A throw-away registry for a demo; nothing to audit.")
    c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps("id-mine", group))  # none to collect
    check_library_constructs(stack, OPERABLE)
    assert error_of(app.synth) == (
        "Policy 'mine/Vault': rule 'diagnostics-required': 'KeyVault' has no diagnostic "
        "settings (its logs and metrics are kept nowhere). Allowed: diagnostic settings on every resource Azure "
        "Monitor collects logs or metrics from. Fix: call add_diagnostic_settings(workspace) on it, or suppress it "
        "with sigmatiq_infra.aspects.suppress(construct, 'diagnostics-required', reason)."
    )
    assert not (tmp_path / "out" / "stacks").exists()


# --- 4. the documented move of beta's cache to Azure Managed Redis ---------------------------

def test_moving_beta_to_managed_redis_takes_the_documented_opt_in_and_imports_nothing_new(tmp_path):
    from stacks.settings import Replacement

    settings = load(environ={**ISOLATED, "ARM_SUBSCRIPTION_ID": "00000000-0000-0000-0000-000000000000"})
    beta = settings.environments["beta"]
    moved = dataclasses.replace(beta, redis=dataclasses.replace(
        beta.redis, name="amr-trading-beta", service="managed-redis", sku="Balanced_B0",
    ))
    refused = error_of(lambda: synth(dataclasses.replace(settings, environments={"beta": moved}), tmp_path / "a"))
    assert "azurerm_redis_cache 'redis-trading-beta-1023'" in refused and "Replacement(" in refused
    opted_in = dataclasses.replace(moved, adoption=dataclasses.replace(moved.adoption, replacements=(
        Replacement("redis-trading-beta-1023", "delete", reason="Moved to Azure Managed Redis amr-trading-beta."),
    )))
    doc = synth(dataclasses.replace(settings, environments={"beta": opted_in}), tmp_path / "b")["beta"]
    _, cache = doc.named("azurerm_managed_redis", "amr-trading-beta")
    assert (cache["sku_name"], cache["public_network_access"]) == ("Balanced_B0", "Enabled")
    assert doc.resources("azurerm_redis_cache") == {}
    imported = {block["to"] for block in doc.doc.get("import", [])}
    assert not any(target.startswith("azurerm_managed_redis.") for target in imported)
    assert any(target.startswith("azurerm_postgresql_flexible_server.") for target in imported)
