"""Grants create role assignments once per role, scope and principal."""

from sigmatiq_infra.constructs import (
    BuiltInRole,
    KeyVault,
    KeyVaultProps,
    UserAssignedIdentity,
    UserAssignedIdentityProps,
)


def test_granting_the_same_role_twice_returns_the_first_assignment(stack, group):
    vault = KeyVault(stack, "Vault", KeyVaultProps("kv-test", group))
    identity = UserAssignedIdentity(stack, "Identity", UserAssignedIdentityProps("mi-test", group))
    first = vault.grant_secrets_read(identity)
    assert vault.grant_secrets_read(identity) is first
    assert vault.grant_secrets_write(identity) is not first


def test_two_identities_with_the_same_construct_id_get_separate_assignments(stack, group):
    from constructs import Construct

    vault = KeyVault(stack, "Vault", KeyVaultProps("kv-test", group))
    one = UserAssignedIdentity(Construct(stack, "A"), "Identity", UserAssignedIdentityProps("mi-a", group))
    two = UserAssignedIdentity(Construct(stack, "B"), "Identity", UserAssignedIdentityProps("mi-b", group))
    assert vault.grant_secrets_read(one) is not vault.grant_secrets_read(two)


def test_built_in_roles_carry_azure_role_definition_guids():
    assert {role.display_name: role.guid for role in BuiltInRole} == {
        "AcrPull": "7f951dda-4ed3-4680-a7ca-43fe172d538d",
        "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
        "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
        "App Configuration Data Reader": "516239f1-63e1-4d78-a4de-a74fb236a071",
        "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
        "App Configuration Data Owner": "5ae67dd6-50cb-40e7-96ff-dc2bfa4b606b",
        "AcrPush": "8311e382-0749-4cb8-b61a-304f252e45ec",
        "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
        "Key Vault Administrator": "00482a5a-887f-4fb3-b363-3b7fe8e74483",
        "Key Vault Reader": "21090545-7ca7-4776-b22c-e363652d74d2",
        "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
        "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
        "Monitoring Reader": "43d0d8ad-25c7-4714-9337-8ba259a9fe05",
        "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        "Monitoring Contributor": "749f88d5-cbae-40b8-bcfc-e573ddc772fa",
        "Log Analytics Reader": "73c42c96-874c-492b-b04d-ab87d138a893",
        "Azure Service Bus Data Sender": "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
        "Azure Service Bus Data Receiver": "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
    }

