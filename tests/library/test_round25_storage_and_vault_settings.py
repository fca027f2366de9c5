"""Round 25, outside in: the optional settings a hurried user gives StorageAccount and KeyVault (and a
vault's secrets). What azurerm or Azure refuses is one problem through the construct's validator,
naming the construct, the value, what is allowed and a fix that passes when applied; the edge values
Azure takes pass, with the exact values synthesized."""

from __future__ import annotations

import pytest
from helpers import error_of, fresh_stack, only_resource, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.stacks import App, AzureStack
from sigmatiq_infra.testing import Template


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


# --- 2. replication written as Azure's SKU name -------------------------------------------------------
# Microsoft Learn, "SKU Types" (Storage resource provider REST API): the SKU names are a performance tier,
# '_' and the replication (Standard_LRS, Standard_RAGRS, Premium_LRS, ...); azurerm
# `storage_account.html.markdown`: account_replication_type is LRS, GRS, RAGRS, ZRS, GZRS or RAGZRS.


def test_read_access_geo_replication_written_with_an_underscore_is_not_told_to_drop_its_read_access(stack, group):
    assert error_of(lambda: storage(stack, group, replication="RA_GRS")) == (
        "StorageAccount 'test/Files': replication 'RA_GRS' is not supported (did you mean 'RAGRS'?). Allowed: "
        "'LRS', 'ZRS', 'GRS', 'GZRS', 'RAGRS', 'RAGZRS'. Fix: use one of 'LRS', 'ZRS', 'GRS', 'GZRS', 'RAGRS', "
        "'RAGZRS'."
    )


def test_a_sku_name_with_microsofts_hyphen_is_told_the_replication_without_it(stack, group):
    assert error_of(lambda: storage(stack, group, replication="Standard_RA-GZRS")) == (
        "StorageAccount 'test/Files': replication 'Standard_RA-GZRS' is not supported. Allowed: 'LRS', 'ZRS', "
        "'GRS', 'GZRS', 'RAGRS', 'RAGZRS'. Fix: write replication='RAGZRS': it is the part of Azure's SKU name "
        "after 'Standard_' (the account is Standard, StorageV2)."
    )


@pytest.mark.parametrize("replication", ["RAGRS", "RAGZRS"])
def test_the_read_access_replication_the_fixes_name_passes_and_is_synthesized(replication):
    stack, group = fresh_stack()
    storage(stack, group, replication=replication)
    assert recorded(stack) == []
    account = only_resource(stack, "azurerm_storage_account")
    assert (account["account_tier"], account["account_replication_type"]) == ("Standard", replication)


# --- 3. the static website and root containers written with capitals ------------------------------------
# azurerm `storage/validate/storage_container.go`: `^\$root$|^\$web$|^[0-9a-z-]+$` (in this case only);
# the usual rule's fix ('web') would drop the '$' and name another container.


@pytest.mark.parametrize(("written", "name"), [("$Web", "$web"), ("$WEB", "$web"), ("$Root", "$root")])
def test_a_special_container_written_with_capitals_is_told_it_in_lowercase(stack, group, written, name):
    assert error_of(lambda: storage(stack, group, containers=[written])) == (
        f"StorageAccount 'test/Files': container {written!r} is the container {name!r} written with capitals. "
        f"Allowed: {name!r} in lowercase, as azurerm takes it, or a storage container name of 3-63 lowercase "
        f"letters, digits and hyphens. Fix: write {name!r}."
    )


@pytest.mark.parametrize("name", ["$web", "$root"])
def test_the_special_container_the_fix_names_passes_and_is_synthesized(name):
    stack, group = fresh_stack()
    storage(stack, group, containers=[name, "uploads"])
    assert recorded(stack) == []
    containers = Template.from_stack(stack).find_resources("azurerm_storage_container")
    assert sorted((r["name"], r["container_access_type"]) for r in containers.values()) == [
        (name, "private"), ("uploads", "private"),
    ]


# --- 4. the edge values Azure takes pass as written ------------------------------------------------------
# azurerm `storage_account.html.markdown`: delete_retention_policy and container_delete_retention_policy
# days 1-365; `key_vault.html.markdown`: soft_delete_retention_days 7-90, sku_name standard or premium;
# Microsoft Learn, "Naming and referencing containers": 3-63 lowercase letters, digits and hyphens.


@pytest.mark.parametrize("days", [1, 365])
def test_a_storage_soft_delete_of_1_or_365_days_is_written_on_blobs_and_containers(stack, group, days):
    storage(stack, group, soft_delete_retention_days=days)
    assert recorded(stack) == []
    blobs = only_resource(stack, "azurerm_storage_account")["blob_properties"]
    assert (blobs["delete_retention_policy"], blobs["container_delete_retention_policy"]) == (
        {"days": days}, {"days": days},
    )


@pytest.mark.parametrize("days", [0, 366])
def test_a_storage_soft_delete_outside_1_to_365_days_is_one_problem(stack, group, days):
    assert error_of(lambda: storage(stack, group, soft_delete_retention_days=days)) == (
        f"StorageAccount 'test/Files': soft_delete_retention_days {days} is out of range. Allowed: 1 to 365. Fix: "
        "set soft_delete_retention_days between 1 and 365."
    )


@pytest.mark.parametrize("name", ["123", "a-1-b", "a" * 63])
def test_container_names_at_the_edges_of_the_rule_pass(stack, group, name):
    storage(stack, group, containers=[name])
    assert recorded(stack) == []
    (container,) = Template.from_stack(stack).find_resources("azurerm_storage_container").values()
    assert container["name"] == name


@pytest.mark.parametrize(("sku", "days"), [("standard", 7), ("premium", 90)])
def test_a_vault_of_either_sku_and_7_or_90_days_is_written_as_given(stack, group, sku, days):
    c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-files-1", group, sku=sku, soft_delete_retention_days=days))
    assert recorded(stack) == []
    vault = only_resource(stack, "azurerm_key_vault")
    assert (vault["sku_name"], vault["soft_delete_retention_days"]) == (sku, days)
