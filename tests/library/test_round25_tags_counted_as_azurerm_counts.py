"""Tag names and values are counted as azurerm counts them: in bytes of UTF-8 (Go's `len` in
`internal/tags/validation.go` and `storage/validate/storage_account_tags.go`). A value of 200
'é' is 400 bytes: azurerm refuses it at plan, so it is one problem at synth; 128 'é' (256
bytes) and ASCII text at the limits pass."""

from __future__ import annotations

from helpers import fresh_stack, only_resource, recorded

from sigmatiq_infra import constructs as c


def test_a_tag_value_of_200_accented_letters_is_400_bytes_and_one_problem_saying_how_azurerm_counts():
    stack, group = fresh_stack()
    c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-tags-1", group, tags={"Owner": "é" * 200}))
    (problem,) = recorded(stack)
    assert problem.startswith("KeyVault 'fixed/Vault': tags 'Owner' value 'ééé")
    assert problem.endswith(
        "... has 400 bytes in UTF-8 (200 characters). Allowed: at most 256 characters (azurerm counts bytes of UTF-8: "
        "a letter such as 'é' takes two, others up to four). Fix: shorten the value.",
    )


def test_a_storage_account_tag_name_of_65_accented_letters_is_130_bytes_and_one_problem():
    stack, group = fresh_stack()
    c.StorageAccount(stack, "Files", c.StorageAccountProps("stfiles01", group, tags={"é" * 65: "x"}))
    (problem,) = recorded(stack)
    assert problem.startswith("StorageAccount 'fixed/Files': tags name 'ééé")
    assert " has 130 bytes in UTF-8 (65 characters). Allowed: 1 to 128 characters (azurerm counts bytes" in problem


def test_tags_at_the_byte_limits_pass_and_are_written_as_given():
    stack, group = fresh_stack()
    tags = {"Owner": "é" * 128, "n" * 512: "v" * 256}
    c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-tags-1", group, tags=tags))
    c.StorageAccount(stack, "Files", c.StorageAccountProps("stfiles01", group, tags={"é" * 64: "ü" * 128}))
    assert recorded(stack) == []
    assert only_resource(stack, "azurerm_key_vault")["tags"]["Owner"] == "é" * 128
    assert only_resource(stack, "azurerm_storage_account")["tags"]["é" * 64] == "ü" * 128


def test_a_stack_tag_name_of_65_accented_letters_is_one_problem_on_a_storage_account_in_bytes():
    from sigmatiq_infra.stacks import App, AzureStack

    stack = AzureStack(App(), "files", tags={"é" * 65: "x"})
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-files", "westeurope"))
    c.StorageAccount(stack, "Files", c.StorageAccountProps("stfiles01", group))
    (problem,) = recorded(stack)
    assert problem.startswith("StorageAccount 'files/Files': tags name 'ééé")
    assert "(one of the stack's tags) has 130 bytes in UTF-8 (65 characters). Allowed: tag names of 1 to 128 " \
        "characters (azurerm counts bytes of UTF-8" in problem
