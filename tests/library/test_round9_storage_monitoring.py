"""Ninth outside-in round, storage, monitoring and identity: what a hurried user's own app gives
the storage, workspace, alert, budget, identity and role constructs. Each mistake Azure or azurerm
would refuse at deploy time is one line of the numbered list; each value they take passes."""

from __future__ import annotations

import datetime

import pytest
from helpers import error_of, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.cdk import TerraformVariable
from sigmatiq_infra.constructs.roles import role_assignments_in
from sigmatiq_infra.stacks import App, AzureStack
from sigmatiq_infra.validation import NameRules, ValidationError


def alert_props(group, target, action, **changes):
    return c.MetricAlertProps(
        changes.pop("name", "kv api hits"), group, target, "ServiceApiHit", 1000, action, **changes,
    )


# --- metric alerts ------------------------------------------------------------------------------------


def test_a_dimension_with_no_value_or_no_name_is_refused(stack, group):
    action = c.ActionGroup(stack, "Alerts", c.ActionGroupProps("ag-test", group, "test"))
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    assert error_of(lambda: c.MetricAlert(stack, "Hits", alert_props(
        group, vault, action, dimensions={"ActivityType": [], "": ["secret"]},
    ))).splitlines() == [
        "MetricAlert 'test/Hits': dimensions['ActivityType'] [] lists no value. Allowed: at least one value to "
        "include, or '*' for every value (azurerm: values takes at least one item). Fix: list the ActivityType "
        "values to watch, e.g. ['*'], or leave the dimension out.",
        "MetricAlert 'test/Hits': dimensions name '' is empty. Allowed: the name of one of the metric's "
        "dimensions, e.g. 'ActivityType' (azurerm: not empty). Fix: name the dimension, or leave it out.",
    ]


def test_a_dimension_with_every_value_passes(stack, group):
    action = c.ActionGroup(stack, "Alerts", c.ActionGroupProps("ag-test", group, "test"))
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    c.MetricAlert(stack, "Hits", alert_props(group, vault, action, dimensions={"ActivityType": ["*"]}))
    assert recorded(stack) == []


def test_an_alert_name_that_with_its_group_name_passes_252_characters_is_refused(stack, group):
    action = c.ActionGroup(stack, "Alerts", c.ActionGroupProps("ag-test", group, "test"))
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    c.MetricAlert(stack, "Fits", alert_props(group, vault, action, name="a" * 245))  # 'rg-test': 7 + 245
    assert error_of(lambda: c.MetricAlert(stack, "Long", alert_props(group, vault, action, name="b" * 246))) == (
        f"MetricAlert 'test/Long': name '{'b' * 76}... is 246 characters long, 253 with its resource group's name "
        "'rg-test'. Allowed: a rule name and resource group name of at most 252 characters together (Microsoft "
        "Learn, \"Create or edit a metric alert rule\"). Fix: shorten the name to 245 characters or fewer."
    )


# --- budgets ------------------------------------------------------------------------------------------


def test_a_budget_of_more_than_a_billion_passes_as_azurerm_sets_no_upper_limit(stack, group):
    budget = c.Budget(stack, "Budget", c.BudgetProps("budget-idr", 2_500_000_000, "2026-12-01", [group]))
    assert recorded(stack) == []
    assert budget.amount == 2_500_000_000


def test_a_budget_below_one_says_it_takes_one_or_more(stack, group):
    assert error_of(lambda: c.Budget(stack, "Budget", c.BudgetProps("budget-test", 0.5, "2026-12-01", [group]))) == (
        "Budget 'test/Budget': amount 0.5 is out of range. Allowed: at least 1, in the billing currency (azurerm "
        "sets no upper limit). Fix: set amount to 1 or more."
    )


# --- role assignments ---------------------------------------------------------------------------------


CI = "11111111-2222-3333-4444-555555555555"


def test_two_principals_of_one_object_id_get_one_assignment_of_a_role(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    first = c.PrincipalById(stack, "Ci", principal_id=CI, principal_type="ServicePrincipal")
    again = c.PrincipalById(stack, "CiAgain", principal_id=CI.upper(), principal_type="ServicePrincipal")
    assert vault.grant_secrets_read(again) is vault.grant_secrets_read(first)
    assert len(role_assignments_in(stack)) == 1


def test_two_deploying_principals_of_a_stack_get_one_assignment_of_a_role(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    me = c.DeployingPrincipal(stack, "Me")
    also_me = c.DeployingPrincipal(stack, "AlsoMe")
    role = c.BuiltInRole.KEY_VAULT_ADMINISTRATOR
    assert vault.grant(role, also_me) is vault.grant(role, me)
    assert len(role_assignments_in(stack)) == 1


def test_two_principals_of_two_object_ids_each_get_their_assignment(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    first = c.PrincipalById(stack, "Ci", principal_id=CI, principal_type="ServicePrincipal")
    other = c.PrincipalById(stack, "Ops", principal_id=CI.replace("1", "9"), principal_type="Group")
    assert vault.grant_secrets_read(first) is not vault.grant_secrets_read(other)



def test_an_identity_and_a_principal_by_its_id_get_one_assignment_of_a_role(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    identity = c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps("id-test", group))
    wrapped = c.PrincipalById(stack, "Wrapped", principal_id=identity.principal_id, principal_type="ServicePrincipal")
    assert vault.grant_secrets_read(wrapped) is vault.grant_secrets_read(identity)
    assert len(role_assignments_in(stack)) == 1



def test_one_role_granted_to_one_principal_on_a_shared_vault_in_two_stacks_is_refused(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    for name in ("api", "worker"):
        stack = AzureStack(app, name)
        ci = c.PrincipalById(stack, "Ci", principal_id=CI, principal_type="ServicePrincipal")
        vault = c.KeyVault.from_existing(stack, "Shared", name="kv-shared-1", resource_group_name="rg-shared")
        vault.grant_secrets_read(ci)
    with pytest.raises(ValidationError) as raised:
        app.synth()
    assert raised.value.problems == (
        "role assignment 'worker/Shared/KeyVaultSecretsUser-Ci': role 'Key Vault Secrets User' is already assigned "
        "to the same principal on the same scope by role assignment 'api/Shared/KeyVaultSecretsUser-Ci', and Azure "
        "refuses a second assignment (RoleAssignmentExists). Allowed: one assignment of a role to a principal on a "
        "scope, in one stack of the app. Fix: grant it in one of the stacks 'api' and 'worker' only (the other has "
        "the access once that one is deployed).",
    )
    assert not (tmp_path / "out").exists()


def test_one_role_on_two_vaults_of_one_name_in_two_groups_passes(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    for name in ("api", "worker"):
        stack = AzureStack(app, name)
        ci = c.PrincipalById(stack, "Ci", principal_id=CI, principal_type="ServicePrincipal")
        vault = c.KeyVault.from_existing(stack, "Vault", name="kv-shared-1", resource_group_name=f"rg-{name}")
        vault.grant_secrets_read(ci)
    app.synth()
    assert (tmp_path / "out" / "stacks" / "worker" / "cdk.tf.json").exists()


# --- storage accounts ---------------------------------------------------------------------------------


def test_a_container_listed_again_in_capitals_is_one_problem_not_a_second_at_synth(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    stack = AzureStack(app, "files")
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-files", "westeurope"))
    c.StorageAccount(stack, "Files", c.StorageAccountProps("stfiles01", group, containers=["uploads", "Uploads"]))
    with pytest.raises(ValidationError) as raised:
        app.synth()
    assert raised.value.problems == (
        "StorageAccount 'files/Files': container 'Uploads' contains 'U' and starts with 'U'. Allowed: storage "
        "container names have 3-63 characters; lowercase letters, digits and hyphens; starts with a lowercase "
        "letter or digit; ends with a lowercase letter or digit; no consecutive hyphens. Fix: use 'uploads' or "
        "another storage container name that follows these rules.",
    )


def test_a_storage_account_name_with_a_reserved_word_is_refused(stack, group):
    assert error_of(lambda: c.StorageAccount(stack, "Files", c.StorageAccountProps("stwindowsapps", group))) == (
        "StorageAccount 'test/Files': name 'stwindowsapps' contains the reserved word 'windows', which Azure "
        "refuses in a name with a public endpoint (ReservedResourceName). Allowed: a name that is not a reserved "
        "word such as 'azure' or 'office', holds neither 'microsoft' nor 'windows', and does not start with 'login' "
        "(Microsoft Learn, \"Resolve errors for reserved resource names\"). Fix: choose another storage account name."
    )


@pytest.mark.parametrize(("name", "problem"), [
    ("azure", "is the reserved word 'azure'"),
    ("OFFICE365", "is the reserved word 'OFFICE365'"),
    ("kv-Microsoft-1", "contains the reserved word 'microsoft'"),
    ("loginvault", "starts with the reserved word 'login'"),
])
def test_reserved_words_are_found_as_azure_reserves_them(name, problem):
    assert NameRules.KEY_VAULT.reserved_word(name) == problem


@pytest.mark.parametrize("name", ["stazurefiles", "kv-office-1", "stbloginfiles", "kv-access-logs"])
def test_a_reserved_word_inside_a_longer_name_passes(name):
    assert NameRules.KEY_VAULT.reserved_word(name) is None
    assert NameRules.LOG_ANALYTICS_WORKSPACE.reserved_word("microsoft-logs") is None  # no public endpoint



def test_replication_written_as_azures_sku_name_is_told_the_part_to_write(stack, group):
    assert error_of(lambda: c.StorageAccount(stack, "Files", c.StorageAccountProps(
        "stfiles01", group, replication="Standard_RAGZRS",
    ))) == (
        "StorageAccount 'test/Files': replication 'Standard_RAGZRS' is not supported. Allowed: 'LRS', 'ZRS', "
        "'GRS', 'GZRS', 'RAGRS', 'RAGZRS'. Fix: write replication='RAGZRS': it is the part of Azure's SKU name "
        "after 'Standard_' (the account is Standard, StorageV2)."
    )


def test_a_role_given_by_its_resource_id_is_told_the_guid_at_its_end(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    identity = c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps("id-test", group))
    role = c.RoleDefinition("KeyVaultCryptoUser", "Key Vault Crypto User", (
        "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/"
        "12338af0-0e69-4776-bea7-57ae8d297424"
    ))
    assert error_of(lambda: vault.grant(role, identity), scope=vault) == (
        "KeyVault 'test/Vault': grant role guid '/subscriptions/00000000-0000-0000-0000-000000000000/providers/"
        "Microsoft.Auth... is not a role definition id. Allowed: a GUID such as 12338af0-0e69-4776-bea7-57ae8d297424. "
        "Fix: write the GUID at the end of the resource id: '12338af0-0e69-4776-bea7-57ae8d297424'."
    )


def test_a_start_date_given_as_a_date_is_told_the_text_to_write(stack, group):
    assert error_of(lambda: c.Budget(stack, "Budget", c.BudgetProps(
        "budget-test", 40, datetime.date(2026, 12, 1), [group],
    ))) == (
        "Budget 'test/Budget': start_date datetime.date(2026, 12, 1) has the type date. Allowed: str. Fix: give "
        "start_date a value of type str: '2026-12-01' in quotes."
    )


@pytest.mark.parametrize("start", ["2026-12-01T00:00:00+00:00", "2026-12-01T00:00:00.000Z", "2026-12-01T00:00:00Z"])
def test_a_start_date_as_an_rfc_3339_midnight_utc_passes_as_azurerm_takes_it(stack, group, start):
    c.Budget(stack, "Budget", c.BudgetProps("budget-test", 40, start, [group]))
    assert recorded(stack) == []


def test_a_start_date_known_only_at_deploy_time_is_not_checked(stack, group):
    start = TerraformVariable(stack, "budget_start", type="string").string_value
    c.Budget(stack, "Budget", c.BudgetProps("budget-test", 40, start, [group]))
    assert recorded(stack) == []


@pytest.mark.parametrize("start", ["2026-12-01T01:00:00Z", "2026-12-01T00:00:00", "2026-12-01 00:00:00Z"])
def test_a_start_date_at_another_hour_or_without_its_zone_is_not_a_date(stack, group, start):
    assert error_of(lambda: c.Budget(stack, "Budget", c.BudgetProps("budget-test", 40, start, [group]))) == (
        f"Budget 'test/Budget': start_date {start!r} is not a date. Allowed: a date written YYYY-MM-01. Fix: write "
        "it as e.g. '2026-12-01'."
    )


def test_a_container_name_known_only_at_deploy_time_is_a_problem_not_a_traceback(stack, group):
    name = TerraformVariable(stack, "container", type="string").string_value
    assert error_of(lambda: c.StorageAccount(stack, "Files", c.StorageAccountProps(
        "stfiles01", group, containers=["uploads", name],
    ))) == (
        "StorageAccount 'test/Files': containers[1] '<Terraform expression>' is a deploy-time expression, but it is "
        "the container's construct id, part of its Terraform address. Allowed: a container name written in code, "
        "e.g. 'uploads'. Fix: write the container's name in code."
    )
