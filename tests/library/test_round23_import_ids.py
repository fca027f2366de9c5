"""Import ids the library builds for adoption, called with plausible wrong parts: each is one
problem at synth, not an id that fails at `terraform plan`. Sources: azurerm
`website/docs/r/key_vault_secret.html.markdown` (Import: `https://<vault>.vault.azure.net/secrets/
<name>/<version>`); Microsoft Learn, "About keys, secrets, and certificates" ("An object-version is
a system-generated, 32 character string identifier"; identifiers compare case-insensitively);
azurerm `keyvault/validate/nested_item_name.go` (secret names) and the Key Vault name rules."""

import pytest
from helpers import error_of, stacks_with_groups

from sigmatiq_infra.constructs import KeyVault, KeyVaultProps, SecretProps, WriteOnlySecret

VERSION = "00000000000000000000000000000abc"  # low-entropy, so the secret scanner sees no secret
VERSION_FIX = (
    "Allowed: the 32-character version Key Vault gave the secret (the last part of its id). Fix: copy the last "
    "part of the id `az keyvault secret show --vault-name <vault> --name <name> --query id` prints."
)


@pytest.mark.parametrize(("version", "shown", "problem"), [
    ("latest", "'latest'", "is not a Key Vault secret version"),
    ("", "''", "is not a Key Vault secret version"),
    (VERSION[:31], f"'{VERSION[:31]}'", "is not a Key Vault secret version"),
    (VERSION + "0", f"'{VERSION}0'", "is not a Key Vault secret version"),
    (None, "None", "has the type NoneType"),
])
def test_a_secret_import_id_with_a_version_key_vault_never_gives_is_refused_with_the_32_characters(
    version, shown, problem,
):
    assert error_of(lambda: KeyVault.secret_import_id("kv-orders", "db-url", version)) == (
        f"KeyVault 'secret_import_id()': version {shown} {problem}. {VERSION_FIX}"
    )


def test_a_secret_import_id_with_a_secret_name_key_vault_refuses_is_refused_with_its_rule():
    assert error_of(lambda: KeyVault.secret_import_id("kv-orders", "db_url", VERSION)) == (
        "KeyVault 'secret_import_id()': secret_name 'db_url' contains '_'. Allowed: Key Vault secret names have "
        "1-127 characters; letters, digits and hyphens. Fix: use 'db-url' or another Key Vault secret name that "
        "follows these rules."
    )


def test_a_secret_import_id_with_every_part_wrong_is_every_problem_at_once():
    assert error_of(lambda: KeyVault.secret_import_id("kv_orders", "db url", "latest")).splitlines() == [
        "KeyVault 'secret_import_id()': vault_name 'kv_orders' contains '_'. Allowed: Key Vault names have 3-24 "
        "characters; letters, digits and hyphens; starts with a letter; ends with a letter or digit; no "
        "consecutive hyphens; unique across Azure. Fix: use 'kv-orders' or another Key Vault name that follows "
        "these rules.",
        "KeyVault 'secret_import_id()': secret_name 'db url' contains ' '. Allowed: Key Vault secret names have "
        "1-127 characters; letters, digits and hyphens. Fix: use 'db-url' or another Key Vault secret name that "
        "follows these rules.",
        f"KeyVault 'secret_import_id()': version 'latest' is not a Key Vault secret version. {VERSION_FIX}",
    ]


def test_a_secret_import_id_given_the_vault_instead_of_its_name_is_refused_with_vault_name(tmp_path):
    _app, (stack,), (group,) = stacks_with_groups(tmp_path, "svc")
    vault = KeyVault(stack, "Vault", KeyVaultProps("kv-orders", group))
    assert error_of(lambda: KeyVault.secret_import_id(vault, "db-url", VERSION)) == (
        "KeyVault 'secret_import_id()': vault_name KeyVault 'svc/Vault' is the vault, not its name. Allowed: the "
        "vault's name (text). Fix: pass vault.name."
    )
    assert KeyVault.secret_import_id(vault.name, "db-url", VERSION) == (
        f"https://kv-orders.vault.azure.net/secrets/db-url/{VERSION}"
    )


@pytest.mark.parametrize(("vault", "secret", "version"), [
    ("kv-orders", "db-url", VERSION),
    ("kv-orders", "db-url", VERSION.upper()),  # identifiers are compared case-insensitively
    ("abc", "1", "a" * 32),  # the shortest names; a secret name may start with a digit
    ("a" + "b" * 23, "s" * 127, VERSION),  # the longest names
])
def test_a_secret_import_id_of_right_parts_is_the_secret_versions_url(vault, secret, version):
    assert KeyVault.secret_import_id(vault, secret, version) == (
        f"https://{vault}.vault.azure.net/secrets/{secret}/{version}"
    )


def _adopting(tmp_path, vault_name, secret_name):
    from sigmatiq_infra.adoption import Adoption, AdoptionSettings

    app, (stack,), (group,) = stacks_with_groups(tmp_path, "svc")
    vault = KeyVault(stack, "Vault", KeyVaultProps("kv-orders-x23", group, public_network_access_enabled=True))
    token = vault.add_secret("Token", SecretProps("api-token", WriteOnlySecret.from_inputs(stack, "token", "it")))
    settings = AdoptionSettings(
        enabled=True, subscription_id="00000000-0000-0000-0000-000000000001", secret_versions={"api-token": VERSION},
    )
    name = vault if vault_name is None else vault_name
    Adoption(stack, settings).secret(token, name, secret_name)
    return app, token


def test_adopting_a_secret_with_the_vault_instead_of_its_name_is_one_problem_and_imports_nothing(tmp_path):
    app, token = _adopting(tmp_path, None, "api-token")
    assert error_of(app.synth) == (
        "Adoption 'svc': secret() vault_name KeyVault 'svc/Vault' is the vault, not its name. Allowed: the vault's "
        "name (text). Fix: pass vault.name."
    )
    assert "import" not in token.dependency.to_terraform()


def test_adopting_a_secret_in_a_vault_named_as_key_vault_refuses_is_one_problem(tmp_path):
    app, token = _adopting(tmp_path, "kv_orders_x23", "api-token")
    assert error_of(app.synth) == (
        "Adoption 'svc': secret() vault_name 'kv_orders_x23' contains '_'. Allowed: Key Vault names have 3-24 "
        "characters; letters, digits and hyphens; starts with a letter; ends with a letter or digit; no "
        "consecutive hyphens; unique across Azure. Fix: use 'kv-orders-x23' or another Key Vault name that follows "
        "these rules."
    )
    assert "import" not in token.dependency.to_terraform()


def test_adopting_a_secret_by_its_right_names_still_imports_its_version(tmp_path):
    _app, token = _adopting(tmp_path, "kv-orders-x23", "api-token")
    assert [found["id"] for found in token.dependency.to_terraform()["import"]] == [
        f"https://kv-orders-x23.vault.azure.net/secrets/api-token/{VERSION}",
    ]
