"""Identities, role assignments, Key Vault and App Configuration tried from outside, seventeenth
round: what a hurried user gets wrong there is one line of the numbered list (never a failed
apply), and what Azure takes passes."""

from __future__ import annotations

import json

import pytest
from helpers import error_of, recorded, stacks_with_groups

from sigmatiq_infra import constructs as c
from sigmatiq_infra.stacks import App, AzureStack
from sigmatiq_infra.validation import ValidationError


def _free_store(stack, id, name, group):
    return c.AppConfiguration(stack, id, c.AppConfigurationProps(
        name, group, sku="free", public_network_access_enabled=True,
    ))


def test_a_second_free_app_configuration_store_in_a_stack_and_region_is_refused_at_synth(tmp_path):
    app, (svc,), (group,) = stacks_with_groups(tmp_path, "svc")
    _free_store(svc, "Config", "appcs-svc-17", group)
    _free_store(svc, "TestConfig", "appcs-test-17", group)
    with pytest.raises(ValidationError) as raised:
        app.synth()
    assert raised.value.problems == (
        "AppConfiguration 'svc/TestConfig': sku 'free' is the second free store in 'westeurope' of its stack, after "
        "'svc/Config': Azure gives a subscription one free App Configuration store, and a stack deploys to one "
        "subscription. Allowed: one store of sku 'free' in a subscription. Fix: use sku='standard' for this store, "
        "or share 'svc/Config' (a label per environment tells their key-values apart).",
    )
    assert not (tmp_path / "out" / "stacks").exists()


def test_free_stores_of_two_stacks_pass_as_the_stacks_may_deploy_to_two_subscriptions(tmp_path):
    app, (beta, test), (beta_group, test_group) = stacks_with_groups(tmp_path, "beta", "test")
    _free_store(beta, "Config", "appcs-beta-17", beta_group)
    _free_store(test, "Config", "appcs-test-17", test_group)
    app.synth()
    for stack in ("beta", "test"):
        stores = json.loads((tmp_path / "out" / "stacks" / stack / "cdk.tf.json").read_text())["resource"][
            "azurerm_app_configuration"]
        assert [(store["name"], store["sku"]) for store in stores.values()] == [(f"appcs-{stack}-17", "free")]


def test_a_second_free_store_in_a_group_whose_region_is_written_otherwise_is_refused_too(stack, group):
    other = c.ResourceGroup(stack, "Other", c.ResourceGroupProps("rg-other", "Central US"))
    _free_store(stack, "First", "appcs-first-17", group)
    _free_store(stack, "Second", "appcs-second-17", other)
    stack.problem_log.run_deferred()
    assert recorded(stack) == [
        "AppConfiguration 'test/Second': sku 'free' is the second free store in 'centralus' of its stack, after "
        "'test/First': Azure gives a subscription one free App Configuration store, and a stack deploys to one "
        "subscription. Allowed: one store of sku 'free' in a subscription. Fix: use sku='standard' for this store, "
        "or share 'test/First' (a label per environment tells their key-values apart).",
    ]


def test_one_free_store_beside_standard_and_developer_stores_passes(tmp_path):
    app, (svc,), (group,) = stacks_with_groups(tmp_path, "svc")
    _free_store(svc, "Free", "appcs-free-17", group)
    c.AppConfiguration(svc, "Standard", c.AppConfigurationProps("appcs-standard-17", group))
    c.AppConfiguration(svc, "Developer", c.AppConfigurationProps(
        "appcs-developer-17", group, sku="developer", public_network_access_enabled=True,
    ))
    app.synth()
    stores = json.loads((tmp_path / "out" / "stacks" / "svc" / "cdk.tf.json").read_text())["resource"][
        "azurerm_app_configuration"]
    assert sorted(store["sku"] for store in stores.values()) == ["developer", "free", "standard"]


def test_free_stores_in_two_regions_are_not_compared(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    stack = AzureStack(app, "svc")
    west = c.ResourceGroup(stack, "West", c.ResourceGroupProps("rg-west", "westeurope"))
    north = c.ResourceGroup(stack, "North", c.ResourceGroupProps("rg-north", "northeurope"))
    _free_store(stack, "WestConfig", "appcs-west-17", west)
    _free_store(stack, "NorthConfig", "appcs-north-17", north)
    app.synth()
    stores = json.loads((tmp_path / "out" / "stacks" / "svc" / "cdk.tf.json").read_text())["resource"][
        "azurerm_app_configuration"]
    assert sorted((store["location"], store["sku"]) for store in stores.values()) == [
        ("northeurope", "free"), ("westeurope", "free"),
    ]


def test_a_principal_given_an_identitys_client_id_is_refused_with_its_principal_id(tmp_path):
    _, (apps, ci), (group, _) = stacks_with_groups(tmp_path, "apps", "ci")
    identity = c.UserAssignedIdentity(apps, "Identity", c.UserAssignedIdentityProps("id-apps-17", group))
    # In another stack: the identity is found in every stack of the app.
    assert error_of(lambda: c.PrincipalById(
        ci, "Runner", principal_id=identity.client_id, principal_type="ServicePrincipal",
    )) == (
        "PrincipalById 'ci/Runner': principal_id '<Terraform expression>' is the client id (application id) of "
        "managed identity 'apps/Identity', not its object id. Allowed: the principal's object id: the identity's "
        "principal_id. Fix: pass principal_id=identity.principal_id, or grant to the identity itself: "
        "resource.grant(role, identity)."
    )


def test_a_principal_given_an_identitys_principal_id_or_an_object_id_passes(tmp_path):
    app, (svc,), (group,) = stacks_with_groups(tmp_path, "svc")
    identity = c.UserAssignedIdentity(svc, "Identity", c.UserAssignedIdentityProps("id-svc-17", group))
    assert isinstance(identity.client_id, str)  # read, as an app that passes it on (to an env var) does
    vault = c.KeyVault(svc, "Vault", c.KeyVaultProps("kv-svc-17", group))
    by_id = c.PrincipalById(svc, "Ci", principal_id=identity.principal_id, principal_type="ServicePrincipal")
    group_of_admins = c.PrincipalById(
        svc, "Admins", principal_id="00000000-0000-0000-0000-0000000000aa", principal_type="Group",
    )
    vault.grant_secrets_read(by_id)
    vault.grant(c.BuiltInRole.KEY_VAULT_ADMINISTRATOR, group_of_admins)
    assert recorded(svc) == []
    app.synth()
    assignments = json.loads((tmp_path / "out" / "stacks" / "svc" / "cdk.tf.json").read_text())["resource"][
        "azurerm_role_assignment"]
    assert sorted((a["principal_id"], a["principal_type"]) for a in assignments.values()) == [
        ("${azurerm_user_assigned_identity.Identity_2D60E2CC.principal_id}", "ServicePrincipal"),
        ("00000000-0000-0000-0000-0000000000aa", "Group"),
    ]


@pytest.mark.parametrize("principal_type", ["User", "Group", "user", "serviceprincipal"])
def test_an_identitys_principal_id_given_another_principal_type_is_refused_once_with_the_identitys_type(
    tmp_path, principal_type,
):
    _, (apps, ci), (group, _) = stacks_with_groups(tmp_path, "apps", "ci")
    identity = c.UserAssignedIdentity(apps, "Identity", c.UserAssignedIdentityProps("id-apps-17", group))
    assert error_of(lambda: c.PrincipalById(
        ci, "Runner", principal_id=identity.principal_id, principal_type=principal_type,
    )) == (
        f"PrincipalById 'ci/Runner': principal_type '{principal_type}' is not the type of managed identity "
        "'apps/Identity', whose principal_id this is, and Azure refuses the assignment (UnmatchedPrincipalType). "
        "Allowed: 'ServicePrincipal': the managed identity's principal type. Fix: write "
        "principal_type='ServicePrincipal', or grant to the identity itself: resource.grant(role, identity)."
    )


def test_two_principals_by_one_written_object_id_of_two_types_are_not_compared_here(stack):
    # Which of the two is right is Azure's to say: only an identity construct's own id is known.
    c.PrincipalById(stack, "AsUser", principal_id="00000000-0000-0000-0000-0000000000bb", principal_type="User")
    c.PrincipalById(stack, "AsGroup", principal_id="00000000-0000-0000-0000-0000000000bb", principal_type="Group")
    assert recorded(stack) == []
