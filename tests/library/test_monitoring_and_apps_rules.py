"""Monitoring and container apps as Azure has them: every metric Azure Monitor lists for a
resource can be alerted on, diagnostic settings go wherever Azure takes them, budget names
collide as other names do, images can be pinned by digest, memory is written as Azure reads
it, any role definition can be granted, and a Key Vault reference to a secret nobody adds is
said before the first deploy fails. Found by trying the library from outside."""

from __future__ import annotations

import pytest
from helpers import container_app, error_of

from sigmatiq_infra import constructs as c
from sigmatiq_infra.stacks import App, AzureStack
from sigmatiq_infra.testing import Template


@pytest.fixture
def built(tmp_path):
    """`built(make)`: run `make(stack, group)` in a fresh stack, synthesize it, return the stack."""

    def build(make) -> Template:
        app = App(outdir=str(tmp_path / "out"))
        stack = AzureStack(app, "test")
        group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-test", "centralus"))
        make(stack, group)
        app.synth()
        return Template.from_file(tmp_path / "out/stacks/test/cdk.tf.json")

    return build


def _app(stack, group, **props) -> c.ContainerApp:
    return container_app(stack, group, logs=True, **props)


# --- metric alerts: every metric Azure Monitor lists -----------------------------------------


@pytest.mark.parametrize(("make", "metric", "aggregation"), [
    (lambda stack, group: _app(stack, group), "Replicas", "Maximum"),
    (lambda stack, group: _app(stack, group), "CpuPercentage", "Average"),
    (lambda stack, group: _app(stack, group), "UsageNanoCores", "Average"),
    (lambda stack, group: _app(stack, group), "WorkingSetBytes", "Average"),
    (lambda stack, group: c.LogAnalyticsWorkspace(stack, "Logs", c.LogAnalyticsWorkspaceProps("log-test", group)),
     "Ingestion Volume", "Count"),
    (lambda stack, group: c.AppConfiguration(stack, "Config", c.AppConfigurationProps("appcs-test", group)),
     "ThrottledHttpRequestCount", "Total"),
    (lambda stack, group: c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group)), "ServiceApiResult", "Count"),
    (lambda stack, group: c.ContainerRegistry(stack, "Registry", c.ContainerRegistryProps("acrtest1", group)),
     "StorageUsed", "Average"),
    (lambda stack, group: c.StorageAccount(stack, "Files", c.StorageAccountProps("sttest1", group)),
     "Availability", "Average"),
    (lambda stack, group: c.RedisCache(stack, "Cache", c.RedisCacheProps("redis-test-1", group)),
     "allpercentprocessortime", "Maximum"),
    (lambda stack, group: c.ManagedRedis(stack, "Cache", c.ManagedRedisProps("redis-test-1", group)),
     "ShardReplicationLinkUp", "Minimum"),
    (lambda stack, group: c.ContainerAppEnvironment(stack, "Env", c.ContainerAppEnvironmentProps("cae-test", group)),
     "EnvCoresQuotaUtilization", "Average"),
], ids=lambda value: value if isinstance(value, str) else "")
def test_a_metric_azure_monitor_lists_for_the_target_can_be_alerted_on_with_the_aggregation_it_offers(
    stack, group, make, metric, aggregation,
):
    target = make(stack, group)
    action = c.ActionGroup(stack, "Alerts", c.ActionGroupProps("ag-test", group, "test"))
    alert = c.MetricAlert(stack, "Alert", c.MetricAlertProps("alert-test", group, target, metric, 80, action))
    assert alert.problem_log.problems == []
    (criteria,) = alert.resource.criteria_input
    assert (criteria.metric_namespace, criteria.metric_name, criteria.aggregation) == (
        target.arm_type, metric, aggregation,
    )


def test_a_metric_of_a_long_list_the_target_does_not_have_names_the_first_ones_and_how_many_more(stack, group):
    app = _app(stack, group)
    action = c.ActionGroup(stack, "Alerts", c.ActionGroupProps("ag-test", group, "test"))
    assert error_of(lambda: c.MetricAlert(stack, "Alert", c.MetricAlertProps(
        "alert-test", group, app, "Replica", 10, action,
    ))) == (
        "MetricAlert 'test/Alert': metric 'Replica' is not supported (did you mean 'Replicas'?). Allowed: "
        "RestartCount, Requests, Replicas, CpuPercentage, MemoryPercentage and 26 more metrics Azure Monitor lists "
        'for Microsoft.App/containerApps (Microsoft Learn, "Supported metrics for Microsoft.App/containerApps"). '
        "Fix: use a metric of the container app 'api'."
    )


# --- diagnostic settings: container apps export their metrics ------------------------------------


def test_a_container_app_sends_all_its_metrics_and_no_logs_to_a_workspace(built):
    def make(stack, group):
        app = _app(stack, group)
        app.add_diagnostic_settings(app.props.environment.props.log_analytics_workspace)

    doc = built(make)
    (setting,) = doc.resources("azurerm_monitor_diagnostic_setting").values()
    assert {key: value for key, value in setting.items() if key != "//"} == {
        "name": "diag-log-test",
        "target_resource_id": doc.ref("azurerm_container_app", "api"),
        "log_analytics_workspace_id": doc.ref("azurerm_log_analytics_workspace", "log-test"),
        "enabled_metric": [{"category": "AllMetrics"}],
    }


def test_a_stack_sending_its_diagnostics_leaves_container_apps_out_and_the_policy_does_not_ask_for_them(stack, group):
    from sigmatiq_infra.aspects.rules.diagnostics_required import missing_diagnostics

    app = _app(stack, group)
    stack.send_diagnostics(app.props.environment.props.log_analytics_workspace)
    assert (app.diagnostic_workspaces, missing_diagnostics(app)) == ([], None)
    assert app.props.environment.diagnostic_workspaces == ["log-test"]


# --- budget names collide as other names do --------------------------------------------------------


def _budgets(tmp_path, second_stack: bool, second_name: str) -> list[str]:
    from sigmatiq_infra.validation import ValidationError

    app = App(outdir=str(tmp_path / "out"))
    stack = AzureStack(app, "one")
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-one", "westeurope"))
    c.Budget(stack, "Budget", c.BudgetProps("budget-probe", 100, "2026-12-01", [group]))
    if second_stack:
        stack = AzureStack(app, "two")
        group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-two", "westeurope"))
    c.Budget(stack, "Budget2", c.BudgetProps(second_name, 100, "2026-12-01", [group]))
    with pytest.raises(ValidationError) as raised:
        app.synth()
    assert not (tmp_path / "out").exists()
    return list(raised.value.problems)


def test_two_budgets_of_one_name_in_any_case_in_one_stack_are_one_problem(tmp_path):
    assert _budgets(tmp_path, second_stack=False, second_name="Budget-Probe") == [
        "budget 'one/Budget': name 'budget-probe' is already the name of budget 'one/Budget2' (Azure compares "
        "names in any case). Allowed: one budget per name in the subscription. Fix: rename one of the two (a "
        "name the library derives follows the name you give its construct).",
    ]


def test_two_budgets_of_one_name_in_two_stacks_of_an_app_are_one_problem(tmp_path):
    assert _budgets(tmp_path, second_stack=True, second_name="budget-probe") == [
        "budget 'two/Budget2': name 'budget-probe' is already the name of budget 'one/Budget' (Azure compares "
        "names in any case). Allowed: one budget per name in the subscription. Fix: rename one of the two (a "
        "name the library derives follows the name you give its construct).",
    ]


# --- diagnostic settings: workspaces by identity ---------------------------------------------------


def test_two_workspaces_of_one_name_in_two_groups_each_get_a_setting_of_its_own_name(built):
    def make(stack, group):
        other = c.ResourceGroup(stack, "Other", c.ResourceGroupProps("rg-other", "centralus"))
        vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
        vault.add_diagnostic_settings(c.LogAnalyticsWorkspace(stack, "Logs", c.LogAnalyticsWorkspaceProps(
            "log-test", group,
        )))
        vault.add_diagnostic_settings(c.LogAnalyticsWorkspace(stack, "Logs2", c.LogAnalyticsWorkspaceProps(
            "log-test", other,
        )))

    doc = built(make)
    assert sorted(
        # the workspace's construct id, from `${azurerm_log_analytics_workspace.<id>_<hash>.id}`
        (setting["name"], setting["log_analytics_workspace_id"].split(".")[1].rsplit("_", 1)[0])
        for setting in doc.resources("azurerm_monitor_diagnostic_setting").values()
    ) == [("diag-log-test", "Logs"), ("diag-log-test-2", "Logs2")]


def test_one_workspace_twice_is_still_one_problem(stack, group):
    workspace = c.LogAnalyticsWorkspace(stack, "Logs", c.LogAnalyticsWorkspaceProps("log-test", group))
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    vault.add_diagnostic_settings(workspace)
    assert error_of(lambda: vault.add_diagnostic_settings(workspace), scope=vault) == (
        "KeyVault 'test/Vault': add_diagnostic_settings 'log-test' already receives this resource's diagnostics. "
        "Allowed: one diagnostic setting per workspace. Fix: remove the second call."
    )


# --- images pinned by digest -------------------------------------------------------------------------

DIGEST = "sha256:" + "0123456789abcdef" * 4


def test_an_image_tag_given_as_a_digest_pins_the_image_by_digest(stack, group):
    app = _app(stack, group, image_tag=DIGEST)
    assert app.problem_log.problems == []
    (container,) = app.resource.template_input.container
    assert container.image == f"{app.props.registry.login_server}/team/api@{DIGEST}"


def test_a_repository_ending_with_a_digest_says_to_give_the_digest_as_the_tag(stack, group):
    assert error_of(lambda: _app(stack, group, repository=f"team/api@{DIGEST}")) == (
        f"ContainerApp 'test/Api': repository {repr(f'team/api@{DIGEST}')[:77]}... ends with a digest. Allowed: the "
        "repository path alone; an image pinned by digest gives the digest as its tag. Fix: write "
        "repository='team/api', "
        f"image_tag='{DIGEST}'."
    )


def test_a_digest_in_capitals_or_cut_short_is_not_a_valid_digest(stack, group):
    assert error_of(lambda: _app(stack, group, image_tag=DIGEST.upper().replace("SHA", "sha")[:-1])) == (
        f"ContainerApp 'test/Api': image tag '{DIGEST.upper().replace('SHA', 'sha')[:-1]}' is not a valid digest. "
        "Allowed: 'sha256:' and 64 lowercase hex digits, or 'sha512:' and 128 (OCI's digest rules). Fix: copy the "
        "digest as the registry shows it (lowercase hex, nothing before or after)."
    )


# --- memory as Azure reads it ----------------------------------------------------------------------


def test_memory_with_two_decimal_places_passes(stack, group):
    assert _app(stack, group, memory="1.00Gi").problem_log.problems == []


def test_memory_with_more_than_two_decimal_places_is_refused(stack, group):
    assert error_of(lambda: _app(stack, group, memory="1.000Gi")) == (
        "ContainerApp 'test/Api': memory '1.000Gi' has more than 2 decimal places. Allowed: a decimal number of GiB "
        "with at most 2 decimal places, followed by 'Gi', e.g. '1Gi' or '1.5Gi'. Fix: write memory='1Gi' for "
        "cpu=0.5."
    )


def test_memory_that_is_no_size_is_said_so_rather_than_as_a_combination(stack, group):
    assert error_of(lambda: _app(stack, group, memory="lots")) == (
        "ContainerApp 'test/Api': memory 'lots' is not a memory size. Allowed: a decimal number of GiB with at most 2 "
        "decimal places, followed by 'Gi', e.g. '1Gi' or '1.5Gi'. Fix: write memory='1Gi' for cpu=0.5."
    )


# --- any role definition can be granted ----------------------------------------------------------

CRYPTO_USER = c.RoleDefinition("KeyVaultCryptoUser", "Key Vault Crypto User", "12338af0-0e69-4776-bea7-57ae8d297424")


def test_a_role_built_in_role_does_not_list_is_granted_by_its_definition(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    identity = c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps("id-test", group))
    assignment = vault.grant(CRYPTO_USER, identity)
    assert vault.problem_log.problems == []
    assert (assignment.node.id, assignment.role_definition_id_input.rsplit("/", 1)[-1]) == (
        "KeyVaultCryptoUser-id-test", "12338af0-0e69-4776-bea7-57ae8d297424",
    )
    assert vault.grant(CRYPTO_USER, identity) is assignment


def test_a_role_definition_of_a_built_in_roles_guid_is_that_role_granted_once(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    identity = c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps("id-test", group))
    first = vault.grant_secrets_read(identity)
    same = c.RoleDefinition("SecretsUser", "Key Vault Secrets User", "4633458B-17DE-408A-B874-0445C86B69E6")
    assert vault.grant(same, identity) is first


def test_a_role_definition_whose_guid_is_no_guid_is_a_problem(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    identity = c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps("id-test", group))
    role = c.RoleDefinition("KeyVaultCryptoUser", "Key Vault Crypto User", "Key Vault Crypto User")
    assert error_of(lambda: vault.grant(role, identity), scope=vault) == (
        "KeyVault 'test/Vault': grant role guid 'Key Vault Crypto User' is not a role definition id. Allowed: a GUID "
        "such as 12338af0-0e69-4776-bea7-57ae8d297424. Fix: use the role's GUID: az role definition list --name "
        "'Key Vault Crypto User' --query [].name -o tsv."
    )


# --- a Key Vault reference to a secret nobody adds ---------------------------------------------------


def _vault(stack, group) -> c.KeyVault:
    return c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group, public_network_access_enabled=True))


def test_a_secret_of_a_vault_the_stack_creates_and_adds_no_such_secret_to_is_a_warning(stack, group):
    app = _app(stack, group, secret_env={"DB_URL": _vault(stack, group).secret("Db-Url")})
    assert (app.problem_log.problems, app.problem_log.warnings) == ([], [
        "ContainerApp 'test/Api': secret_env 'DB_URL' 'Db-Url' is a secret of Key Vault 'kv-test-1', which this "
        "stack creates and adds no such secret to: the app's first deploy fails to fetch it unless it is set in the "
        "vault before the app is created. Allowed: a secret vault.add_secret creates (the app then waits for it), "
        "or one set before the app's deploy. Fix: create it with vault.add_secret(id, SecretProps('Db-Url', value)) "
        "and pass the reference it returns; for a value an operator sets, deploy the vault first, set the secret, "
        "then deploy the app.",
    ])


def test_a_secret_the_stack_adds_or_of_a_vault_it_looks_up_is_no_warning(stack, group):
    from sigmatiq_infra.cdk import TerraformVariable

    vault = _vault(stack, group)
    value = c.WriteOnlySecret(TerraformVariable(stack, "db", type="string", sensitive=True).string_value)
    vault.add_secret("DbUrl", c.SecretProps("Db-Url", value))
    existing = c.KeyVault.from_existing(stack, "Shared", name="kv-shared-1", resource_group_name="rg-shared")
    app = _app(stack, group, secret_env={
        "DB_URL": vault.secret("db-url"), "PROVIDER_KEY": existing.secret("Provider-Key"),
        "CACHE_URL": vault.add_secret("CacheUrl", c.SecretProps("Cache-Url", value)),
    })
    assert (app.problem_log.problems, app.problem_log.warnings) == ([], [])


# --- messages ----------------------------------------------------------------------------------------


def test_a_bad_identity_name_asks_for_a_user_assigned_identity_name(stack, group):
    assert error_of(lambda: c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps(
        "-id", group,
    ))) == (
        "UserAssignedIdentity 'test/Identity': name '-id' starts with '-'. Allowed: user-assigned identity names have "
        "3-128 characters; letters, digits, hyphens and underscores; starts with a letter or digit. Fix: choose a "
        "user-assigned identity name that follows these rules."
    )



def test_one_secret_read_in_two_cases_is_one_app_secret_and_two_vaults_secrets_of_one_name_clash(stack, group):
    """Key Vault names compare in any case: 'Db-Url' and 'db-url' of one vault are one secret."""
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-case-secret", group, public_network_access_enabled=True))
    other = c.KeyVault(stack, "Other", c.KeyVaultProps("kv-case-other", group, public_network_access_enabled=True))
    app = _app(stack, group, secret_env={"A": vault.secret("Db-Url"), "B": vault.secret("db-url")})
    assert [secret.name for secret in app.resource.secret_input] == ["db-url"]
    assert error_of(lambda: c.ContainerApp(stack, "Api2", c.ContainerAppProps(
        "api2", app.props.environment, app.props.identity, app.props.registry, "team/api", "1.0", 8080,
        secret_env={"A": vault.secret("Db-Url"), "B": other.secret("Db-Url")},
    ))) == (
        "ContainerApp 'test/Api2': secret_env['B'] 'Db-Url' maps to the app secret 'db-url', as secret_env['A'] "
        "does, from another Key Vault secret. Allowed: Key Vault secrets whose names differ after lowercasing. "
        "Fix: rename one of the Key Vault secrets."
    )
