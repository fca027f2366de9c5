"""Round 18: what a hurried user gets wrong at the stack level and when referring to resources
that already exist. A blob container copied as its address is told the container's name (not the
account's, which is a container name too and would name another container); a state backend given
where the tags go is told to pass it by keyword; the state account, which the backend only reads,
is not refused for a reserved word Azure checks only at creation; and a lookup's `missing_hint` is
written so that Terraform shows it as written, not read as a template."""

from __future__ import annotations

import pytest
from helpers import error_of, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.cdk import TerraformVariable
from sigmatiq_infra.stacks import App, AzureStack, BlobStateBackend
from sigmatiq_infra.testing import Template

CONTAINER_RULE = (
    "Allowed: storage container names have 3-63 characters; lowercase letters, digits and hyphens; starts with a "
    "lowercase letter or digit; ends with a lowercase letter or digit; no consecutive hyphens."
)


def stack_with(backend: BlobStateBackend) -> list[str]:
    """The problems an AzureStack with `backend` records (none: [])."""
    return recorded(AzureStack(App(), "s", backend=backend))


# --- 1. a blob container copied as its address ---------------------------------------------------------------
# Microsoft Learn, "Naming and Referencing Containers, Blobs, and Metadata": a container's URI is
# https://myaccount.blob.core.windows.net/mycontainer, the account's name first, the container's after it.


def test_a_backend_container_given_as_its_address_is_told_the_containers_name_not_the_accounts():
    assert stack_with(BlobStateBackend("rg-state", "ststate01", "https://ststate01.blob.core.windows.net/tfstate")) == [
        "AzureStack 's': backend.container 'https://ststate01.blob.core.windows.net/tfstate' contains '.', '/', ':'. "
        f"{CONTAINER_RULE} Fix: write the name alone, not its address: 'tfstate'.",
    ]


def test_a_storage_accounts_container_given_as_its_address_with_a_blob_after_it_is_told_the_containers_name(
    stack, group,
):
    c.StorageAccount(stack, "Store", c.StorageAccountProps(
        "stlogs01", group, containers=("ststate01.blob.core.windows.net/logs/2026/app.log",),
    ))
    assert recorded(stack) == [
        "StorageAccount 'test/Store': container 'ststate01.blob.core.windows.net/logs/2026/app.log' contains '.', '/'. "
        f"{CONTAINER_RULE} Fix: write the name alone, not its address: 'logs'.",
    ]


def test_an_accounts_address_given_as_the_container_keeps_the_rules_fix_as_it_holds_no_container():
    assert stack_with(BlobStateBackend("rg-state", "ststate01", "https://ststate01.blob.core.windows.net/")) == [
        "AzureStack 's': backend.container 'https://ststate01.blob.core.windows.net/' contains '.', '/', ':' and ends "
        f"with '/'. {CONTAINER_RULE} Fix: choose a storage container name that follows these rules.",
    ]


def test_a_container_given_as_its_resource_id_and_an_account_given_as_its_address_are_told_their_own_names():
    container_id = (
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-state/providers/Microsoft.Storage/"
        "storageAccounts/ststate01/blobServices/default/containers/tfstate"
    )
    problems = stack_with(BlobStateBackend("rg-state", "https://ststate01.blob.core.windows.net/", container_id))
    assert [problem.rsplit("Fix: ", 1)[1] for problem in problems] == [
        "write the name alone, not its address: 'ststate01'.",
        "write the name alone, not its resource id: 'tfstate'.",
    ]


# --- 2. a backend given where the tags go ----------------------------------------------------------------------


def test_a_backend_given_where_the_tags_go_is_told_to_pass_it_by_keyword():
    app = App()
    assert error_of(lambda: AzureStack(app, "prod", BlobStateBackend("rg-state", "ststate01")), app) == (
        "AzureStack 'prod': tags BlobStateBackend(resource_group='rg-state', storage_account='ststate01', cont... is "
        "the state backend, given where the tags go (the argument after the id). Allowed: tags (a mapping of str to "
        "str) third, and the backend by keyword. Fix: pass it by keyword: AzureStack(app, 'prod', "
        "backend=BlobStateBackend(...))."
    )


def test_tags_and_a_backend_given_in_their_order_by_position_pass_and_are_written():
    app = App()
    stack = AzureStack(app, "prod", {"env": "prod"}, BlobStateBackend("rg-state", "ststate01"))
    c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-prod", "westeurope"))
    template = Template.from_stack(stack)
    assert recorded(stack) == []
    assert template.doc["terraform"]["backend"]["azurerm"] == {
        "container_name": "tfstate", "key": "prod.tfstate", "resource_group_name": "rg-state",
        "storage_account_name": "ststate01", "use_azuread_auth": True,
    }
    [group] = template.resources("azurerm_resource_group").values()
    assert group["tags"] == {"env": "prod"}


# --- 3. the state account, which the backend only reads ----------------------------------------------------------
# Microsoft Learn, "Resolve errors for reserved resource names": "The name is checked when the resource
# is created"; Terraform's azurerm backend "Stores the state as a Blob ... within the Blob Storage Account"
# (developer.hashicorp.com/terraform/language/backend/azurerm): it reads an account that exists.


@pytest.mark.parametrize("account", ["loginstate01", "azure", "stmicrosofttf"])
def test_a_state_account_whose_name_holds_a_reserved_word_passes_as_the_backend_only_reads_it(account):
    assert stack_with(BlobStateBackend("rg-state", account)) == []


def test_a_state_accounts_name_still_follows_the_storage_account_rule():
    assert stack_with(BlobStateBackend("rg-state", "StState-01")) == [
        "AzureStack 's': backend.storage_account 'StState-01' contains '-', 'S'. Allowed: storage account names have "
        "3-24 characters; lowercase letters and digits only; unique across Azure. Fix: use 'ststate01' or another "
        "storage account name that follows these rules.",
    ]


def test_an_account_the_app_creates_with_a_reserved_word_is_still_refused(stack, group):
    c.StorageAccount(stack, "Store", c.StorageAccountProps("loginstate01", group))
    assert recorded(stack) == [
        "StorageAccount 'test/Store': name 'loginstate01' starts with the reserved word 'login', which Azure refuses "
        "in a name with a public endpoint (ReservedResourceName). Allowed: a name that is not a reserved word such as "
        "'azure' or 'office', holds neither 'microsoft' nor 'windows', and does not start with 'login' (Microsoft "
        "Learn, \"Resolve errors for reserved resource names\"). Fix: choose another storage account name.",
    ]


# --- 4. a lookup's missing_hint, shown as written ------------------------------------------------------------------
# Terraform, "Strings and Templates": `${` begins an interpolation and `%{` a directive; `$${` and `%%{` stand
# for themselves. Unescaped, `terraform validate` stops with "Reference to undeclared input variable" (for
# `${var.env}`) or "Invalid expression" (for `%{if}`).


def error_message_of(stack, hint: str) -> str:
    c.KeyVault.from_existing(stack, "Shared", name="kv-shared", resource_group_name="rg-shared", missing_hint=hint)
    [vault] = Template.from_stack(stack).data("azurerm_key_vault").values()
    return vault["lifecycle"]["precondition"][0]["error_message"]


def test_a_missing_hint_holding_dollar_or_percent_braces_is_written_so_terraform_shows_it_as_written(stack):
    assert error_message_of(stack, "Run `deploy.sh ${ENV}` first; 100%{done} is shown as such.") == (
        "The Key Vault 'kv-shared' does not exist in resource group 'rg-shared' of this subscription. Run `deploy.sh "
        "$${ENV}` first; 100%%{done} is shown as such."
    )
    assert recorded(stack) == []


@pytest.mark.parametrize("hint", ["Deploy the shared stack first.", "Costs $5 {per month}, 100% sure."])
def test_a_missing_hint_without_a_template_sequence_is_written_as_given(stack, hint):
    assert error_message_of(stack, hint).endswith(f"of this subscription. {hint}")


def test_a_missing_hint_known_at_deploy_time_stays_terraforms_expression(stack):
    environment = TerraformVariable(stack, "env", type="string")
    assert error_message_of(stack, f"Deploy shared-{environment.string_value} first.").endswith(
        "of this subscription. Deploy shared-${var.env} first."
    )
