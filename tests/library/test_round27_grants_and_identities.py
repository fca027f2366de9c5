"""Role grants and managed identities tried from outside, twenty-seventh round: a role or an
object id written as a hurried user has it at hand (a role's name in any case, its GUID, its
resource id; an id with spaces, braces or no hyphens) is one problem whose fix is the value that
passes, and what Azure takes (any role at any scope, an id in capitals, the same access asked
twice) passes as one assignment."""

from __future__ import annotations

import pytest
from helpers import error_of, recorded, stacks_with_groups, synthesized_documents

from sigmatiq_infra import constructs as c

ALLOWED = "Allowed: a BuiltInRole, or a RoleDefinition for a role it does not list."


def _vault_and_identity(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-27", group))
    return vault, c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps("id-test-27", group))


ROLE_ID = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/"
    "4633458b-17de-408a-b874-0445c86b69e6"
)


@pytest.mark.parametrize(("written", "shown", "member", "name"), [
    ("acrpull", "'acrpull'", "ACR_PULL", "AcrPull"),
    ("ACR_PULL", "'ACR_PULL'", "ACR_PULL", "AcrPull"),
    ("key vault secrets user", "'key vault secrets user'", "KEY_VAULT_SECRETS_USER", "Key Vault Secrets User"),
    ("KeyVaultSecretsUser", "'KeyVaultSecretsUser'", "KEY_VAULT_SECRETS_USER", "Key Vault Secrets User"),
    ("7F951DDA-4ED3-4680-A7CA-43FE172D538D", "'7F951DDA-4ED3-4680-A7CA-43FE172D538D'", "ACR_PULL", "AcrPull"),
    (ROLE_ID, "'/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Auth...",
     "KEY_VAULT_SECRETS_USER", "Key Vault Secrets User"),
])
def test_a_built_in_role_given_by_its_name_in_any_case_its_guid_or_its_id_is_refused_naming_the_member(
    stack, group, written, shown, member, name,
):
    vault, identity = _vault_and_identity(stack, group)
    assert error_of(lambda: vault.grant(written, identity), scope=vault) == (
        f"KeyVault 'test/Vault': grant role {shown} has the type str. {ALLOWED} "
        f"Fix: pass BuiltInRole.{member}, the built-in role {name!r}."
    )
    assert vault.grant(getattr(c.BuiltInRole, member), identity) is not None  # the fix, as written
    assert recorded(stack) == []


def test_a_role_by_a_guid_the_library_does_not_list_is_refused_with_a_role_definition_that_passes(tmp_path):
    app, (svc,), (group,) = stacks_with_groups(tmp_path, "svc")
    vault, identity = _vault_and_identity(svc, group)
    crypto_user = "12338af0-0e69-4776-bea7-57ae8d297424"
    assert error_of(lambda: vault.grant(crypto_user, identity), scope=vault) == (
        f"KeyVault 'svc/Vault': grant role {crypto_user!r} has the type str. {ALLOWED} "
        f"Fix: wrap the GUID with the role's names: RoleDefinition('MyRole', 'My Role', {crypto_user!r})."
    )
    vault.grant(c.RoleDefinition("MyRole", "My Role", crypto_user), identity)  # the fix, as written
    assert recorded(svc) == []
    app.synth()
    (assignment,) = synthesized_documents(tmp_path)["svc"]["resource"]["azurerm_role_assignment"].values()
    assert assignment["role_definition_id"] == (
        "/subscriptions/${data.azurerm_client_config.ClientConfig.subscription_id}"
        f"/providers/Microsoft.Authorization/roleDefinitions/{crypto_user}"
    )


@pytest.mark.parametrize("written", [
    " 00000000-0000-0000-0000-0000000000aa ",
    "{00000000-0000-0000-0000-0000000000aa}",
    "00000000000000000000000000000000aa"[2:],
])
def test_an_object_id_with_spaces_braces_or_no_hyphens_is_refused_with_the_guid_azurerm_takes(stack, written):
    # azurerm 4.55 role_assignment principal_id: validation.IsUUID (hashicorp/go-uuid ParseUUID: 36 characters).
    expected = "00000000-0000-0000-0000-0000000000aa"
    assert error_of(lambda: c.PrincipalById(
        stack, "Ci", principal_id=written, principal_type="ServicePrincipal",
    ), scope=stack) == (
        f"PrincipalById 'test/Ci': principal_id {written!r} is not an object id. Allowed: a GUID such as "
        f"00000000-0000-0000-0000-000000000000. Fix: write it as {expected!r}."
    )
    c.PrincipalById(stack, "Fixed", principal_id=expected, principal_type="ServicePrincipal")
    assert recorded(stack) == []


def test_a_role_definition_guid_with_spaces_is_refused_with_the_guid_to_write(stack, group):
    vault, identity = _vault_and_identity(stack, group)
    role = c.RoleDefinition("KeyVaultCryptoUser", "Key Vault Crypto User", " 12338af0-0e69-4776-bea7-57ae8d297424")
    assert error_of(lambda: vault.grant(role, identity), scope=vault) == (
        "KeyVault 'test/Vault': grant role guid ' 12338af0-0e69-4776-bea7-57ae8d297424' is not a role definition id. "
        "Allowed: a GUID such as 12338af0-0e69-4776-bea7-57ae8d297424. "
        "Fix: write it as '12338af0-0e69-4776-bea7-57ae8d297424'."
    )


def test_granting_to_an_object_id_as_text_names_the_principal_by_id_to_write(stack, group):
    vault, _ = _vault_and_identity(stack, group)
    assert error_of(lambda: vault.grant_secrets_read("00000000-0000-0000-0000-0000000000aa"), scope=vault) == (
        "KeyVault 'test/Vault': grant principal '00000000-0000-0000-0000-0000000000aa' has the type str. Allowed: "
        "a principal: the library's UserAssignedIdentity, a DeployingPrincipal or a PrincipalById. Fix: pass the "
        "identity construct itself; for an object id, PrincipalById(stack, 'Ci', "
        "principal_id='00000000-0000-0000-0000-0000000000aa', principal_type='ServicePrincipal')."
    )


def test_an_object_id_in_capitals_passes_and_is_one_principal_with_its_lowercase_spelling(tmp_path):
    # GUIDs compare in any case (validation.IsUUID takes hex in either case).
    app, (svc,), (group,) = stacks_with_groups(tmp_path, "svc")
    vault, _ = _vault_and_identity(svc, group)
    upper = c.PrincipalById(svc, "Upper", principal_id="0000000A-000B-000C-000D-0000000000EE", principal_type="Group")
    lower = c.PrincipalById(svc, "Lower", principal_id="0000000a-000b-000c-000d-0000000000ee", principal_type="Group")
    assert vault.grant_secrets_read(upper) is vault.grant_secrets_read(lower)
    assert recorded(svc) == []
    app.synth()
    (assignment,) = synthesized_documents(tmp_path)["svc"]["resource"]["azurerm_role_assignment"].values()
    assert (assignment["principal_id"], assignment["principal_type"]) == (
        "0000000A-000B-000C-000D-0000000000EE", "Group",
    )


def test_acr_pull_on_a_key_vault_passes_as_azure_assigns_any_role_at_any_scope(tmp_path):
    # Azure takes an assignment of any role at any scope (the role's actions that do not apply there grant nothing).
    app, (svc,), (group,) = stacks_with_groups(tmp_path, "svc")
    vault, identity = _vault_and_identity(svc, group)
    vault.grant(c.BuiltInRole.ACR_PULL, identity)
    assert recorded(svc) == []
    app.synth()
    (assignment,) = synthesized_documents(tmp_path)["svc"]["resource"]["azurerm_role_assignment"].values()
    assert assignment["scope"] == "${azurerm_key_vault.Vault_23237E5B.id}"
    assert assignment["role_definition_id"] == (
        "/subscriptions/${data.azurerm_client_config.ClientConfig.subscription_id}"
        "/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d"
    )


PRINCIPAL_ALLOWED = (
    "Allowed: a principal: the library's UserAssignedIdentity, a DeployingPrincipal or a PrincipalById."
)


def test_granting_to_the_identity_class_instead_of_an_identity_is_one_problem_not_a_traceback(stack, group):
    vault, _ = _vault_and_identity(stack, group)
    assert error_of(lambda: vault.grant_secrets_read(c.UserAssignedIdentity), scope=vault) == (
        f"KeyVault 'test/Vault': grant principal 'UserAssignedIdentity' is a class, not a principal made from it. "
        f"{PRINCIPAL_ALLOWED} Fix: pass the UserAssignedIdentity construct the app made, e.g. identity = "
        "UserAssignedIdentity(stack, 'Identity', ...), then grant(role, identity)."
    )


def test_a_role_and_principal_given_the_other_way_round_is_one_problem_saying_to_swap_them(stack, group):
    vault, identity = _vault_and_identity(stack, group)
    assert error_of(lambda: vault.grant(identity, c.BuiltInRole.ACR_PULL), scope=vault) == (
        "KeyVault 'test/Vault': grant role UserAssignedIdentity 'test/Identity' is a principal, and the principal "
        "given after it (BuiltInRole.ACR_PULL) a role. Allowed: the role first, then the principal: "
        "resource.grant(role, principal). Fix: swap them: grant(BuiltInRole.ACR_PULL, "
        "<UserAssignedIdentity 'test/Identity'>)."
    )
    assert vault.grant(c.BuiltInRole.ACR_PULL, identity) is not None  # the fix, as written
    assert recorded(stack) == []


def test_granting_to_a_list_of_identities_says_to_grant_to_each_one(stack, group):
    vault, identity = _vault_and_identity(stack, group)
    assert error_of(lambda: vault.grant_secrets_read([identity]), scope=vault) == (
        "KeyVault 'test/Vault': grant principal [UserAssignedIdentity 'test/Identity'] has the type list. "
        f"{PRINCIPAL_ALLOWED} Fix: grant to each one: for principal in principals: resource.grant(role, principal)."
    )


def test_a_built_in_role_given_as_a_role_definitions_guid_is_refused_with_its_guid_not_its_name(stack, group):
    vault, identity = _vault_and_identity(stack, group)
    role = c.RoleDefinition("AcrPullHere", "AcrPull", c.BuiltInRole.ACR_PULL)
    assert error_of(lambda: vault.grant(role, identity), scope=vault) == (
        "KeyVault 'test/Vault': grant role guid BuiltInRole.ACR_PULL has the type BuiltInRole. Allowed: str. "
        "Fix: give grant role guid the role's GUID: '7f951dda-4ed3-4680-a7ca-43fe172d538d'."
    )
    fixed = c.RoleDefinition("AcrPullHere", "AcrPull", "7f951dda-4ed3-4680-a7ca-43fe172d538d")
    assert vault.grant(fixed, identity) is vault.grant(c.BuiltInRole.ACR_PULL, identity)  # one role, by its GUID
    assert recorded(stack) == []


@pytest.mark.parametrize("name", ["abc", "a" * 128, "id-orders-", "id_orders_", "1d-orders", "ID-Orders"])
def test_identity_names_azure_takes_pass_at_their_edges(stack, group, name):
    # Microsoft Learn, Microsoft.ManagedIdentity/userAssignedIdentities (ARM template reference): 3-128 characters,
    # alphanumerics, hyphens and underscores, starting with a letter or number (no rule on the last one);
    # azurerm 4.55 user_assigned_identity_resource.go validates no name.
    c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps(name, group))
    assert recorded(stack) == []


def test_an_identity_granted_pull_on_its_registry_before_its_app_is_made_is_the_grant_the_app_waits_for(tmp_path):
    app, (svc,), (group,) = stacks_with_groups(tmp_path, "svc")
    registry = c.ContainerRegistry(svc, "Acr", c.ContainerRegistryProps(
        "acrsvc27", group, sku="Basic", public_network_access_enabled=True,
    ))
    identity = c.UserAssignedIdentity(svc, "Identity", c.UserAssignedIdentityProps("id-svc-27", group))
    pull = registry.grant_pull(identity)  # first, by hand, as a hurried user does
    logs = c.LogAnalyticsWorkspace(svc, "Logs", c.LogAnalyticsWorkspaceProps("log-svc-27", group))
    environment = c.ContainerAppEnvironment(svc, "Env", c.ContainerAppEnvironmentProps("cae-svc-27", group, logs))
    c.ContainerApp(svc, "Api", c.ContainerAppProps("api", environment, identity, registry, "svc/api", "1.0.0", 8080))
    assert registry.grant_pull(identity) is pull
    assert recorded(svc) == []
    app.synth()
    document = synthesized_documents(tmp_path)["svc"]["resource"]
    assert list(document["azurerm_role_assignment"]) == ["Acr_AcrPull-id-svc-27_13BBF539"]
    (container_app,) = document["azurerm_container_app"].values()
    assert container_app["depends_on"] == ["azurerm_role_assignment.Acr_AcrPull-id-svc-27_13BBF539"]
