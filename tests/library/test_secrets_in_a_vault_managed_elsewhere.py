"""A service writing its secret into a vault another stack or team manages
(`KeyVault.from_existing(...).add_secret`): written write-only as into a vault of its own,
checked the same, and without a role assignment for the deployer, which the vault's owners
grant (the stack cannot assign roles on what it does not manage). Found by probing a user's own
app from outside the repository."""

from helpers import error_of, stacks_with_groups, synthesized_documents

from sigmatiq_infra.constructs import KeyVault, SecretProps, WriteOnlySecret


def _shared_vault(stack):
    return KeyVault.from_existing(stack, "Shared", name="kv-shared-x13", resource_group_name="rg-shared")


def test_a_looked_up_vault_takes_a_secret_written_write_only_and_grants_the_deployer_nothing(tmp_path):
    app, (stack,), _groups = stacks_with_groups(tmp_path, "orders")
    token = WriteOnlySecret.from_inputs(stack, "api_token", "the API token")
    reference = _shared_vault(stack).add_secret("Token", SecretProps("orders-api-token", token))
    app.synth()
    document = synthesized_documents(tmp_path)["orders"]
    (name, secret), = document["resource"]["azurerm_key_vault_secret"].items()
    assert {key: value for key, value in secret.items() if key != "//"} == {
        "name": "orders-api-token",
        "key_vault_id": "${data.azurerm_key_vault.Shared_DACC02AA.id}",
        "value_wo": "${var.api_token}",
        "value_wo_version": "${var.api_token_version}",
        "depends_on": [],
        "tags": {},
    }
    assert "azurerm_role_assignment" not in document["resource"]
    assert reference.name == "orders-api-token"
    assert name == "Shared_Token_0D2337CF"


def test_a_looked_up_vaults_secrets_are_checked_as_a_created_vaults_are(stack):
    vault = _shared_vault(stack)
    token = WriteOnlySecret.from_inputs(stack, "api_token", "the API token")
    vault.add_secret("Token", SecretProps("api_token", token))
    vault.add_secret("Token", SecretProps("orders-token", token))
    assert error_of(lambda: None, stack).splitlines() == [
        "KeyVault 'test/Shared/Token': name 'api_token' contains '_'. Allowed: Key Vault secret names have 1-127 "
        "characters; letters, digits and hyphens. Fix: use 'api-token' or another Key Vault secret name that "
        "follows these rules.",
        "KeyVault.from_existing 'test/Shared': add_secret 'Token' is added twice. Allowed: each once. Fix: give each "
        "secret its own id (and name).",
    ]
