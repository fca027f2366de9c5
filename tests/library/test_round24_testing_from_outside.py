"""A hurried user's pytest file for their own stack, written with `sigmatiq_infra.testing` from
outside the repository: a type written as Azure or Python names it, props that are no pattern
of a resource, a matcher helper not called, a JSON file that is no stack. Each case either
passed when it should have failed, or failed deep inside with a message that did not say which
argument was wrong; now a clear error names it."""

from __future__ import annotations

import json

import pytest

from sigmatiq_infra import App, AzureStack
from sigmatiq_infra import constructs as c
from sigmatiq_infra.testing import Annotations, Match, Template


def failure(check) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(AssertionError) as failed:
        check()
    return str(failed.value)


def refusal(kind: type[Exception], check) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(kind) as refused:
        check()
    return str(refused.value)


@pytest.fixture(scope="module")
def own(tmp_path_factory):  # type: ignore[no-untyped-def]
    app = App(outdir=str(tmp_path_factory.mktemp("own") / "cdktf.out"))
    stack = AzureStack(app, "own", tags={"Team": "orders"})
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-own", "westeurope"))
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-own-1", group))
    return app, stack, vault


@pytest.fixture(scope="module")
def template(own):  # type: ignore[no-untyped-def]
    return Template.from_stack(own[1])


# --- a type written as Azure or Python names it --------------------------------------------------

def no_such_type(written: str, meant: str, kind: str = "resource") -> str:
    return (
        f"Template of stack 'own': {written} is no {kind} type of the stack's providers (an azurerm type is in "
        "lower case, with the provider's prefix), so the stack can have none: an assertion of none would pass "
        f"whatever it holds. Fix: write {meant!r}."
    )


@pytest.mark.parametrize("written", ["key_vault", "AZURERM_KEY_VAULT", "AzureRM_Key_Vault", "azurermKeyVault"])
def test_a_count_of_none_of_a_type_without_its_prefix_or_in_another_case_is_refused_instead_of_passing(
    template, written,
):
    assert refusal(ValueError, lambda: template.resource_count_is(written, 0)) == no_such_type(
        written, "azurerm_key_vault",
    )
    assert refusal(ValueError, lambda: template.has_resource(written, {"name": "kv-own-1"})) == no_such_type(
        written, "azurerm_key_vault",
    )


def test_a_lookup_type_without_its_prefix_is_refused_and_the_written_types_still_pass(template):
    assert refusal(ValueError, lambda: template.has_data("client_config")) == no_such_type(
        "client_config", "azurerm_client_config", "data source",
    )
    template.has_data("azurerm_client_config")
    template.resource_count_is("azurerm_key_vault", 1)
    template.resource_count_is("azurerm_storage_account", 0)
    template.resource_count_is("random_password", 0)  # another provider's: not judged
    template.resource_count_is("null_resource", 0)
    # A type the stack holds is taken as written, whatever its case (a provider of the user's own).
    Template.from_json({"resource": {"Custom_Thing": {"A": {}}}}).resource_count_is("Custom_Thing", 1)


def test_an_arm_type_is_refused_with_the_terraform_type_of_the_librarys_construct(template):
    assert refusal(ValueError, lambda: template.resource_count_is("Microsoft.KeyVault/vaults", 0)) == (
        "Template of stack 'own': 'Microsoft.KeyVault/vaults' is no Terraform resource type (a type's name is "
        "letters, digits, underscores and dashes), so the stack can have none: an assertion of none would pass "
        "whatever it holds. Fix: write the type as the provider names it, 'azurerm_key_vault'."
    )
    assert refusal(ValueError, lambda: Template.from_json({}).find_resources("Microsoft.Web/sites")) == (
        "Template: 'Microsoft.Web/sites' is no Terraform resource type (a type's name is letters, digits, "
        "underscores and dashes), so the stack can have none: an assertion of none would pass whatever it holds. "
        "Fix: write the type as the provider names it, as the stack's JSON has it (e.g. 'azurerm_key_vault')."
    )


# --- a JSON file that is no stack ------------------------------------------------------------------

def test_cdktfs_manifest_or_a_plan_read_as_a_template_is_refused_instead_of_passing_every_count_of_none(tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"version": "0.21.0", "stacks": {"own": {"name": "own"}}}))
    assert refusal(ValueError, lambda: Template.from_file(manifest)) == (
        f"Template.from_file: {manifest} is no stack's document (cdk.tf.json): it has none of Terraform's top-level "
        "blocks (resource, data, output, terraform, ...), only the keys 'stacks', 'version', so an assertion of none "
        "would pass whatever the stack holds. Fix: read the stack's own file, cdktf.out/stacks/<stack>/cdk.tf.json."
    )
    plan = {"format_version": "1.2", "planned_values": {}, "resource_changes": []}
    assert refusal(ValueError, lambda: Template.from_json(json.dumps(plan))) == (
        "Template.from_json: the document is no stack's document (cdk.tf.json): it has none of Terraform's top-level "
        "blocks (resource, data, output, terraform, ...), only the keys 'format_version', 'planned_values', "
        "'resource_changes', so an assertion of none would pass whatever the stack holds. Fix: read the stack's own "
        "file, cdktf.out/stacks/<stack>/cdk.tf.json."
    )


def test_a_stacks_own_file_and_documents_of_any_terraform_block_are_still_read(tmp_path, own):
    written = tmp_path / "stacks" / "own" / "cdk.tf.json"
    written.parent.mkdir(parents=True)
    written.write_text(json.dumps(Template.from_stack(own[1]).doc))
    Template.from_file(written).has_resource("azurerm_key_vault", {"name": "kv-own-1"})
    for block in ("output", "variable", "locals", "moved", "import", "check", "removed", "ephemeral", "//"):
        Template.from_json({block: {}}).resource_count_is("azurerm_key_vault", 0)
    Template.from_json({}).resource_count_is("azurerm_key_vault", 0)


# --- messages that name the closest candidate ------------------------------------------------------

def test_a_key_written_short_of_the_providers_name_suggests_it(template):
    assert failure(lambda: template.has_resource("azurerm_key_vault", {"sku": "standard"})).endswith(
        "\n  sku: expected 'standard' (did you mean 'sku_name'?), actual (not set)",
    )
    several = Template.from_json({"resource": {"azurerm_x": {"A": {"sku_name": "B1", "sku_tier": "Basic"}}}})
    assert failure(lambda: several.has_resource("azurerm_x", {"sku": "B1"})).endswith(
        "\n  sku: expected 'B1' (did you mean one of 'sku_name', 'sku_tier'?), actual (not set)",
    )
    assert failure(lambda: template.has_resource("azurerm_key_vault", {"locaton": "westeurope"})).endswith(
        "\n  locaton: expected 'westeurope' (did you mean 'location'?), actual (not set)",
    )


def test_an_empty_array_with_says_a_list_and_passes_on_any_list():
    lists = Template.from_json({"resource": {"azurerm_x": {"A": {"ids": [], "name": "a"}}}})
    lists.has_resource("azurerm_x", {"ids": Match.array_with([])})
    assert failure(lambda: lists.has_resource("azurerm_x", {"name": Match.array_with([])})).endswith(
        "\n  name: expected a list, actual 'a'",
    )


def test_annotations_of_a_stack_in_another_app_name_annotations(tmp_path):
    from sigmatiq_infra._cdktf import App as EngineApp
    from sigmatiq_infra._cdktf import TerraformStack

    stack = TerraformStack(EngineApp(outdir=str(tmp_path / "out")), "plain")
    assert refusal(TypeError, lambda: Annotations.from_stack(stack)) == (
        "Annotations.from_stack: the stack's app is not sigmatiq_infra's App (from sigmatiq_infra import App); for "
        "another app, synthesize it and use Template.from_file"
    )


def test_annotations_of_a_stack_without_problems_pass_no_errors_and_fail_every_expected_one(own):
    annotations = Annotations.from_stack(own[1])
    annotations.has_no_errors()
    assert annotations.problems == ()
    assert failure(lambda: annotations.has_error(Match.string_like_regexp("."))) == (
        "Annotations: no problem matches a string like /./; its problems:\n  (none)"
    )
    assert failure(lambda: annotations.has_error(Match.not_("anything"))) == (
        "Annotations: no problem matches not 'anything'; its problems:\n  (none)"
    )
