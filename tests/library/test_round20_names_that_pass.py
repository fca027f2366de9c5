"""Round 20: a name Azure refuses is told one it takes. The naming-rule problem of every construct
(`Validator.name` with a `NameRule`) ended with "choose a <resource> name that follows these
rules", so a hurried user had to work the rules out; its fix now offers one name made from the bad
one that follows the whole rule (length, characters, first and last character, hyphens in a row,
lowercase), to paste as it is. A name nothing sensible can be made of (empty, too short, all
digits where a letter comes first, an address, a reserved word once cleaned) keeps the generic
fix; the construct path, the bad value, the problem and what is allowed read as before."""

from __future__ import annotations

import ast
import re

import pytest
from helpers import error_of, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.testing import Template
from sigmatiq_infra.validation import NameRule, NameRules, Validator

RULES = {name: rule for name, rule in vars(NameRules).items() if isinstance(rule, NameRule)}

# Names a hurried user writes: capitals, spaces, underscores and periods as separators, punctuation,
# hyphens in a row, a digit or separator first, a period last, letters with accents, too long.
BAD_NAMES = (
    "My_Resource--Name 01", "Orders API", "-orders-", "x" * 300, "kv.orders.prod.", "Bestellungen Köln",
    "1st-orders", "orders---api", "Orders@Prod!", "orders\tapi", "ORDERS API URL", "a" * 70 + "-01",
    "cpu > 80%", "orders.", "St_Orders", "my--app", "KV-Orders-Prod-Westeurope-01", "ops: alerts.",
    "orders\x07team", "Ünïcode_Näme", "_orders_", "orders & payments / eu", "r" * 261,
)


def fix_of(rule: NameRule, name: str, *, created: bool = True) -> str:
    check = Validator("Thing", "app/Thing")
    check.name("name", name, rule, created=created)
    (problem,) = check.problems
    return problem.rsplit(" Fix: ", 1)[1]


def suggested_in(fix: str) -> str | None:
    """The name a fix offers (`use 'storders' or another ...`), as Python reads it back, or None."""
    offered = re.fullmatch(r"use ('.*'|\".*\") or another .+ name that follows these rules\.", fix, re.S)
    return ast.literal_eval(offered.group(1)) if offered else None


# --- every name offered follows the rule it was made for ---------------------------------------------------


def test_every_name_a_fix_offers_passes_the_rule_it_was_made_for_with_every_rule_offering_one():
    offered: dict[str, list[tuple[str, str]]] = {key: [] for key in RULES}
    for key, rule in RULES.items():
        for name in BAD_NAMES:
            if not rule.problems(name):
                continue
            suggested = suggested_in(fix_of(rule, name))
            if suggested is not None:
                offered[key].append((name, suggested))
                again = Validator("Thing", "app/Thing")
                again.name("name", suggested, rule)
                assert (name, rule.problems(suggested), again.problems) == (name, [], ())
    assert [key for key, names in offered.items() if not names] == []
    assert sum(len(names) for names in offered.values()) > 300


@pytest.mark.parametrize(("rule", "name", "suggested"), [
    (NameRules.KEY_VAULT, "KV-Orders-Prod-Westeurope-01", "KV-Orders-Prod-Westeu-01"),
    (NameRules.KEY_VAULT, "kv-orders-service-way-too-long", "kv-orders-service-way-to"),
    (NameRules.KEY_VAULT, "kv_orders", "kv-orders"),
    (NameRules.KEY_VAULT, "kv-Köln", "kv-Koln"),
    (NameRules.STORAGE_ACCOUNT, "St_Orders", "storders"),
    (NameRules.STORAGE_ACCOUNT, "stordersprodwesteurope0001", "stordersprodwesteuro0001"),
    (NameRules.CONTAINER_APP, "my--app", "my-app"),
    (NameRules.CONTAINER_APP, "Orders API", "orders-api"),
    (NameRules.APP_CONFIGURATION, "appcs---orders", "appcs--orders"),
    (NameRules.POSTGRES_ADMIN_LOGIN, "pg-admin", "pg_admin"),
    (NameRules.ENVIRONMENT_VARIABLE, "ORDERS API URL", "ORDERS_API_URL"),
    (NameRules.ENVIRONMENT_VARIABLE, "1PORT", "PORT"),
    (NameRules.CONTAINER_APP_ENVIRONMENT, "1cae", "cae"),
    (NameRules.RESOURCE_GROUP, "rg-orders.", "rg-orders"),
    (NameRules.ACTION_GROUP, "ops: alerts.", "ops alerts"),
    (NameRules.METRIC_ALERT, "cpu > 80%", "cpu 80"),
    (NameRules.ACTION_GROUP_SHORT_NAME, "orders-prod-1", "orders-pro-1"),
    (NameRules.STORAGE_CONTAINER, "Terraform State", "terraform-state"),
])
def test_a_bad_name_is_offered_the_name_a_user_would_have_meant(rule, name, suggested):
    assert suggested_in(fix_of(rule, name)) == suggested


@pytest.mark.parametrize(("rule", "name"), [
    (NameRules.KEY_VAULT, ""),  # nothing to make a name of
    (NameRules.KEY_VAULT, "kv"),  # too short: a name made longer would be the library's invention
    (NameRules.KEY_VAULT, "123"),  # a Key Vault name starts with a letter: none is left
    (NameRules.KEY_VAULT, "azure!"),  # 'azure' is a reserved word Azure refuses (ReservedResourceName)
    (NameRules.USER_ASSIGNED_IDENTITY, "-id"),  # 'id' is too short
    (NameRules.STORAGE_CONTAINER, "https://ststate01.blob.core.windows.net/"),  # an account's address
    (NameRules.KEY_VAULT, "/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/1"),
])
def test_a_name_nothing_sensible_can_be_made_of_keeps_the_rules_fix(rule, name):
    article = "an" if rule.resource[0] in "AEIOU" else "a"
    assert fix_of(rule, name) == f"choose {article} {rule.resource} name that follows these rules."


def test_a_looked_up_name_is_offered_a_reserved_word_as_azure_checks_those_at_creation_only():
    assert suggested_in(fix_of(NameRules.STORAGE_ACCOUNT, "Azure", created=False)) == "azure"
    assert fix_of(NameRules.STORAGE_ACCOUNT, "Azure") == "choose a storage account name that follows these rules."


def test_a_resource_id_pasted_as_the_name_is_still_told_the_name_it_holds():
    assert fix_of(NameRules.KEY_VAULT, "https://kv-orders.vault.azure.net/") == (
        "write the name alone, not its address: 'kv-orders'."
    )


# --- the whole message, and the name offered builds ---------------------------------------------------------


KEY_VAULT_RULE = (
    "Key Vault names have 3-24 characters; letters, digits and hyphens; starts with a letter; ends with a letter "
    "or digit; no consecutive hyphens; unique across Azure"
)


def test_a_key_vault_name_of_28_characters_is_offered_one_of_24_that_keeps_its_number(stack, group):
    assert error_of(lambda: c.KeyVault(stack, "Vault", c.KeyVaultProps("KV-Orders-Prod-Westeurope-01", group))) == (
        "KeyVault 'test/Vault': name 'KV-Orders-Prod-Westeurope-01' has 28 characters. "
        f"Allowed: {KEY_VAULT_RULE}. Fix: use 'KV-Orders-Prod-Westeu-01' or another Key Vault name that follows "
        "these rules."
    )
    c.KeyVault(stack, "Vault2", c.KeyVaultProps("KV-Orders-Prod-Westeu-01", group))
    assert recorded(stack) == []
    _, vault = Template.from_stack(stack).named("azurerm_key_vault", "KV-Orders-Prod-Westeu-01")
    assert (vault["name"], len(vault["name"]), vault["sku_name"]) == ("KV-Orders-Prod-Westeu-01", 24, "standard")


def test_a_storage_account_name_with_capitals_and_an_underscore_is_offered_it_in_lowercase_letters(stack, group):
    assert error_of(lambda: c.StorageAccount(stack, "Files", c.StorageAccountProps("St_Orders", group))) == (
        "StorageAccount 'test/Files': name 'St_Orders' contains 'O', 'S', '_'. Allowed: storage account names have "
        "3-24 characters; lowercase letters and digits only; unique across Azure. Fix: use 'storders' or another "
        "storage account name that follows these rules."
    )
    c.StorageAccount(stack, "Files2", c.StorageAccountProps("storders", group))
    assert recorded(stack) == []
    _, account = Template.from_stack(stack).named("azurerm_storage_account", "storders")
    assert (account["name"], account["account_replication_type"]) == ("storders", "ZRS")


def test_a_storage_container_written_as_words_is_offered_them_joined_by_hyphens(stack, group):
    assert error_of(lambda: c.StorageAccount(stack, "Files", c.StorageAccountProps(
        "stfiles01", group, containers=["Terraform State"],
    ))) == (
        "StorageAccount 'test/Files': container 'Terraform State' contains ' ', 'S', 'T' and starts with 'T'. "
        "Allowed: storage container names have 3-63 characters; lowercase letters, digits and hyphens; starts with a "
        "lowercase letter or digit; ends with a lowercase letter or digit; no consecutive hyphens. Fix: use "
        "'terraform-state' or another storage container name that follows these rules."
    )
    c.StorageAccount(stack, "Files2", c.StorageAccountProps("stfiles02", group, containers=["terraform-state"]))
    assert recorded(stack) == []
    _, container = Template.from_stack(stack).named("azurerm_storage_container", "terraform-state")
    assert (container["name"], container["container_access_type"]) == ("terraform-state", "private")


def container_apps(stack, group):
    """A function that makes a container app of the given name and props in one environment."""
    environment = c.ContainerAppEnvironment(stack, "Env", c.ContainerAppEnvironmentProps("cae-test", group))
    registry = c.ContainerRegistry(stack, "Registry", c.ContainerRegistryProps(
        "acrtest1", group, sku="Basic", public_network_access_enabled=True,
    ))
    identity = c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps("id-test", group))
    return lambda id, name, **props: c.ContainerApp(stack, id, c.ContainerAppProps(
        name, environment, identity, registry, "team/api", "1.0", 8080, **props,
    ))


def test_a_container_app_name_with_two_hyphens_in_a_row_is_offered_it_with_one(stack, group):
    container_app = container_apps(stack, group)
    assert error_of(lambda: container_app("Api", "my--app")) == (
        "ContainerApp 'test/Api': name 'my--app' contains consecutive hyphens. Allowed: container app names have "
        "2-32 characters; lowercase letters, digits and hyphens; starts with a lowercase letter; ends with a "
        "lowercase letter or digit; no consecutive hyphens. Fix: use 'my-app' or another container app name that "
        "follows these rules."
    )
    container_app("Api2", "my-app")
    assert recorded(stack) == []
    _, app = Template.from_stack(stack).named("azurerm_container_app", "my-app")
    assert app["name"] == "my-app"


def test_an_environment_variable_written_as_words_in_capitals_is_offered_them_joined_by_underscores(stack, group):
    container_app = container_apps(stack, group)
    assert error_of(lambda: container_app("Api", "api", env={"ORDERS API URL": "https://orders"})) == (
        "ContainerApp 'test/Api': environment variable 'ORDERS API URL' contains ' '. Allowed: environment "
        "variable names have at least 1 character; letters, digits, '_', '.' and '-'; starts with anything but a "
        "digit. Fix: use 'ORDERS_API_URL' or another environment variable name that follows these rules."
    )
    container_app("Api2", "api2", env={"ORDERS_API_URL": "https://orders"})
    assert recorded(stack) == []
    _, app = Template.from_stack(stack).named("azurerm_container_app", "api2")
    assert [(e["name"], e["value"]) for e in app["template"]["container"][0]["env"]] == [
        ("ORDERS_API_URL", "https://orders"),
    ]


def test_an_identity_name_with_spaces_and_parentheses_is_offered_one_of_hyphens(stack, group):
    assert error_of(lambda: c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps(
        "id orders (prod)", group,
    ))) == (
        "UserAssignedIdentity 'test/Identity': name 'id orders (prod)' contains ' ', '(', ')'. Allowed: "
        "user-assigned identity names have 3-128 characters; letters, digits, hyphens and underscores; starts with a "
        "letter or digit. Fix: use 'id-orders-prod' or another user-assigned identity name that follows these rules."
    )
    c.UserAssignedIdentity(stack, "Identity2", c.UserAssignedIdentityProps("id-orders-prod", group))
    assert recorded(stack) == []
    _, identity = Template.from_stack(stack).named("azurerm_user_assigned_identity", "id-orders-prod")
    assert identity["name"] == "id-orders-prod"
