"""Round 25, outside in: the optional settings a hurried user gives StorageAccount and KeyVault (and a
vault's secrets). What azurerm or Azure refuses is one problem through the construct's validator,
naming the construct, the value, what is allowed and a fix that passes when applied; the edge values
Azure takes pass, with the exact values synthesized."""

from __future__ import annotations

from helpers import error_of, only_resource, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.stacks import App, AzureStack


def storage(stack, group, **props) -> c.StorageAccount:
    return c.StorageAccount(stack, "Files", c.StorageAccountProps("stfiles01", group, **props))


def tagged_stack(tags):
    """A stack tagged `tags` with its group `rg-test` (westeurope)."""
    stack = AzureStack(App(), "files", tags=tags)
    return stack, c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-test", "westeurope"))


# --- 1. the stack's tag names on a storage account ----------------------------------------------------
# azurerm `storage/validate/storage_account_tags.go` (the ValidateFunc of azurerm_storage_account's
# tags): "the maximum length for a tag key is 128 characters"; the stack checks its tags against the
# 512 characters of every other resource, and each of its resources gets them.


def test_a_stack_tag_name_of_129_characters_is_refused_on_its_storage_account():
    stack, group = tagged_stack({"a" * 129: "x"})
    assert error_of(lambda: storage(stack, group)) == (
        f"StorageAccount 'files/Files': tags name '{'a' * 76}... (one of the stack's tags) has 129 characters. "
        "Allowed: tag names of 1 to 128 characters on a storage account (azurerm storage_account: tags). Fix: "
        "shorten the tag name in the stack's tags (AzureStack(..., tags=...)), which every resource of the stack "
        "gets."
    )


def test_a_stack_tag_name_of_128_characters_is_written_on_the_storage_account():
    stack, group = tagged_stack({"a" * 128: "x"})
    storage(stack, group)
    assert recorded(stack) == []
    assert only_resource(stack, "azurerm_storage_account")["tags"] == {"a" * 128: "x"}


def test_a_long_tag_name_of_the_stack_and_one_of_the_account_are_each_one_problem():
    stack, group = tagged_stack({"s" * 130: "x"})
    assert error_of(lambda: storage(stack, group, tags={"o" * 129: "y"})).splitlines() == [
        f"StorageAccount 'files/Files': tags name '{'o' * 76}... has 129 characters. Allowed: 1 to 128 characters. "
        "Fix: shorten the tag name.",
        f"StorageAccount 'files/Files': tags name '{'s' * 76}... (one of the stack's tags) has 130 characters. "
        "Allowed: tag names of 1 to 128 characters on a storage account (azurerm storage_account: tags). Fix: "
        "shorten the tag name in the stack's tags (AzureStack(..., tags=...)), which every resource of the stack "
        "gets.",
    ]


def test_a_long_stack_tag_name_is_still_taken_by_a_key_vault_which_takes_512():
    stack, group = tagged_stack({"a" * 129: "x"})
    c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-files-1", group))
    assert recorded(stack) == []
    assert only_resource(stack, "azurerm_key_vault")["tags"] == {"a" * 129: "x"}

