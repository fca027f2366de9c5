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
from sigmatiq_infra.testing import Annotations, Capture, Match, Template


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


# --- props that are no pattern of a resource ------------------------------------------------------

def not_props(who: str, got: str, example: str = "{'name': ...}", count: str = "") -> str:
    return (
        f"Template.{who}: props is a dict of the resource's arguments and their patterns (or a Match), not {got}. "
        f"Fix: {who}('azurerm_key_vault', {example}{count})."
    )


def test_a_count_of_none_by_props_that_are_a_name_or_a_list_is_refused_instead_of_passing(template):
    assert refusal(TypeError, lambda: template.resource_properties_count_is("azurerm_key_vault", "kv-own-1", 0)) == (
        not_props("resource_properties_count_is", "str 'kv-own-1'", "{'name': 'kv-own-1'}", ", 1")
    )
    assert refusal(TypeError, lambda: template.find_resources("azurerm_key_vault", ["name", "kv-own-1"])) == (
        not_props("find_resources", 'list ["name", "kv-own-1"]')
    )
    assert refusal(TypeError, lambda: template.has_resource("azurerm_key_vault", "kv-own-1")) == (
        not_props("has_resource", "str 'kv-own-1'", "{'name': 'kv-own-1'}")
    )
    assert refusal(TypeError, lambda: template.has_resource_properties("azurerm_key_vault", True)) == (
        not_props("has_resource", "bool true")
    )
    assert refusal(TypeError, lambda: template.all_resources_properties("azurerm_key_vault", None)) == (
        not_props("all_resources_properties", "None")
    )


def test_a_constructs_props_dataclass_is_refused_saying_the_template_holds_terraform_arguments(own, template):
    props = own[2].props
    assert refusal(TypeError, lambda: template.has_resource("azurerm_key_vault", props)) == not_props(
        "has_resource",
        "KeyVaultProps (a construct's props: the template holds the resource's Terraform arguments, as its JSON "
        "names them)",
    )


def test_a_whole_resource_pattern_may_still_be_a_dict_a_matcher_or_nothing(template):
    template.has_resource("azurerm_key_vault", {"name": "kv-own-1"})
    template.has_resource("azurerm_key_vault", Match.object_like({"name": "kv-own-1"}))
    template.has_resource("azurerm_key_vault")
    template.has_data("azurerm_client_config", {})
    assert list(template.find_resources("azurerm_key_vault", Match.any_value())) == ["Vault_23237E5B"]
    template.resource_properties_count_is("azurerm_key_vault", Match.not_({"name": "kv-other"}), 1)
    template.all_resources_properties("azurerm_key_vault", {"sku_name": "standard"})
    assert "sku_name: expected 'premium', actual 'standard'" in failure(
        lambda: template.has_resource("azurerm_key_vault", Match.object_like({"sku_name": "premium"})),
    )


# --- a matcher helper not called ------------------------------------------------------------------

def test_a_match_helper_not_called_is_refused_with_the_call_to_write(template):
    assert refusal(TypeError, lambda: template.has_resource("azurerm_key_vault", {"network_acls": Match.absent})) == (
        "A pattern holds the function Match.absent at network_acls (not called), which would be compared as a value "
        "and never match. Fix: call it, Match.absent()."
    )
    assert refusal(TypeError, lambda: template.has_resource("azurerm_key_vault", {"name": Match.not_})) == (
        "A pattern holds the function Match.not_ at name (not called), which would be compared as a value and never "
        "match. Fix: call it, Match.not_(...)."
    )
    assert refusal(TypeError, lambda: template.has_resource("azurerm_key_vault", {"tags": Capture})) == (
        "A pattern holds the class Capture at tags (not a matcher made of it), which would be compared as a value "
        "and never match. Fix: write Capture()."
    )
    assert refusal(TypeError, lambda: Annotations((), ()).has_error(Match.any_value)) == (
        "A pattern holds the function Match.any_value (not called), which would be compared as a value and never "
        "match. Fix: call it, Match.any_value()."
    )


def test_a_count_of_none_or_a_negation_by_a_helper_not_called_is_refused_or_fails(template):
    assert refusal(TypeError, lambda: template.resource_properties_count_is(
        "azurerm_key_vault", {"network_acls": Match.absent}, 0,
    )) == (
        'Template.resource_properties_count_is: no resource could match {"network_acls": "Match.absent"} (the '
        "function Match.absent, not called: it never equals the template's value. Fix: call it, Match.absent())."
    )
    assert failure(lambda: template.has_resource("azurerm_key_vault", {"name": Match.not_(Match.any_value)})).endswith(
        '\n  name: expected not "Match.any_value" (the function Match.any_value, not called: it never equals the '
        "template's value. Fix: call it, Match.any_value()), actual 'kv-own-1'",
    )
    assert refusal(TypeError, lambda: template.find_resources("azurerm_key_vault", {"name": str.isalpha})) == (
        'Template.find_resources: no resource could match {"name": "str.isalpha"} (the function str.isalpha: it '
        "never equals the template's value. Fix: write the value the template holds, or a Match (a function is no "
        "pattern: filter what find_resources returns in Python))."
    )
    template.has_resource("azurerm_key_vault", {"network_acls": Match.any_value(), "tags": Capture()})


# --- a count of the wrong kind ---------------------------------------------------------------------

def test_a_count_given_first_or_below_zero_says_which_argument_is_wrong(template):
    assert refusal(TypeError, lambda: template.resource_count_is(1, "azurerm_key_vault")) == (
        "Template.resource_count_is: count 'azurerm_key_vault' is a str, not a whole number. Fix: "
        "resource_count_is('azurerm_key_vault', 1), the type first."
    )
    assert refusal(ValueError, lambda: template.resource_count_is("azurerm_key_vault", -1)) == (
        "Template.resource_count_is: count -1 is below 0, so the assertion could never pass. Fix: "
        "resource_count_is('azurerm_key_vault', 1)."
    )
    assert refusal(TypeError, lambda: template.resource_properties_count_is("azurerm_key_vault", 1, {"name": "x"})) == (
        "Template.resource_properties_count_is: count {'name': 'x'} is a dict, not a whole number. Fix: "
        "resource_properties_count_is('azurerm_key_vault', {...}, 1)."
    )
    assert refusal(TypeError, lambda: template.resource_count_is("azurerm_key_vault", "1")) == (
        "Template.resource_count_is: count '1' is a str, not a whole number. Fix: "
        "resource_count_is('azurerm_key_vault', 1)."
    )
    template.resource_count_is("azurerm_key_vault", 1)
    assert failure(lambda: template.resource_count_is("azurerm_key_vault", 2)) == (
        "Template of stack 'own': expected 2 azurerm_key_vault, found 1"
    )


def test_an_output_or_a_variable_asserted_by_its_bare_value_says_to_name_the_key():
    document = Template.from_json({
        "output": {"fqdn": {"value": "${azurerm_postgresql_flexible_server.Db.fqdn}"}},
        "variable": {"region": {"type": "string", "default": "westeurope"}},
    }, "doc")
    value = "${azurerm_postgresql_flexible_server.Db.fqdn}"
    assert refusal(TypeError, lambda: document.has_output("fqdn", value)) == (
        "Template.has_output: props is a dict of the block's keys and their patterns (or a Match), not str "
        f"'{value}'. Fix: has_output('fqdn', {{'value': '{value}'}})."
    )
    assert refusal(TypeError, lambda: document.has_variable("region", "westeurope")) == (
        "Template.has_variable: props is a dict of the block's keys and their patterns (or a Match), not str "
        "'westeurope'. Fix: has_variable('region', {'default': 'westeurope'})."
    )
    document.has_output("fqdn", {"value": value})
    document.has_output("fqdn", Match.object_like({"value": Match.string_like_regexp("fqdn")}))
    document.has_variable("region", {"default": "westeurope"})
    document.has_variable("region")


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

def test_a_key_written_short_of_the_providers_name_suggests_it():
    # Documents without a pinned azurerm (a stack's own are judged against the provider's arguments, below).
    vault = Template.from_json({"resource": {"azurerm_key_vault": {"V": {"sku_name": "standard", "location": "x"}}}})
    assert failure(lambda: vault.has_resource("azurerm_key_vault", {"sku": "standard"})).endswith(
        "\n  sku: expected 'standard' (did you mean 'sku_name'?), actual (not set)",
    )
    several = Template.from_json({"resource": {"azurerm_x": {"A": {"sku_name": "B1", "sku_tier": "Basic"}}}})
    assert failure(lambda: several.has_resource("azurerm_x", {"sku": "B1"})).endswith(
        "\n  sku: expected 'B1' (did you mean one of 'sku_name', 'sku_tier'?), actual (not set)",
    )
    assert failure(lambda: vault.has_resource("azurerm_key_vault", {"locaton": "x"})).endswith(
        "\n  locaton: expected 'x' (did you mean 'location'?), actual (not set)",
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



# --- a reference by a type without the name --------------------------------------------------------

def test_a_reference_by_a_type_without_its_name_says_to_name_it_instead_of_looking_for_one_called_id(own, template):
    assert refusal(TypeError, lambda: template.ref("azurerm_key_vault")) == (
        "Template.ref: a type takes the resource's Azure name after it (its azurerm_key_vault names: kv-own-1). "
        'Fix: ref(\'azurerm_key_vault\', \'kv-own-1\', "id"), or ref(construct, "id").'
    )
    assert refusal(TypeError, lambda: template.named("azurerm_key_vault", own[2])) == (
        "Template.named: name is the resource's Azure name, a string, not <KeyVault 'own/Vault': use "
        "template.ref(...) for a reference to it>. Fix: named('azurerm_key_vault', 'kv-own-1'), or "
        'template.ref(construct, "id") for a construct\'s reference.'
    )
    vault_id = "${azurerm_key_vault.Vault_23237E5B.id}"
    assert template.ref("azurerm_key_vault", "kv-own-1") == vault_id
    assert template.ref(own[2]) == vault_id
    assert template.ref(own[2], "vault_uri") == "${azurerm_key_vault.Vault_23237E5B.vault_uri}"
    assert template.named("azurerm_key_vault", "kv-own-1")[0] == "Vault_23237E5B"


# --- a key the resource type does not have ---------------------------------------------------------

def no_argument(key: str, meant: str, tf_type: str = "azurerm_key_vault", kind: str = "resource") -> str:
    from sigmatiq_infra import azurerm

    return (
        f"Template of stack 'own': {key!r} is no argument of the {kind} {tf_type} in azurerm {azurerm.VERSION}"
        + (f" (did you mean {meant!r}?)" if meant else "") + f", so no {tf_type} sets it: an assertion that it is "
        "absent, or of none with it, would pass whatever the stack holds. Fix: write the argument as the provider "
        "names it" + (f", {meant!r}." if meant else " (its page in the azurerm provider's documentation).")
    )


def test_absent_or_a_count_of_none_of_a_misspelt_argument_is_refused_instead_of_passing(template):
    absent = {"publc_network_access_enabled": Match.absent()}
    assert refusal(ValueError, lambda: template.has_resource("azurerm_key_vault", absent)) == no_argument(
        "publc_network_access_enabled", "public_network_access_enabled",
    )
    assert refusal(ValueError, lambda: template.resource_properties_count_is(
        "azurerm_key_vault", {"nmae": "kv-own-1"}, 0,
    )) == no_argument("nmae", "name")
    assert refusal(ValueError, lambda: template.find_resources("azurerm_key_vault", {"sku": "standard"})) == (
        no_argument("sku", "sku_name")
    )
    assert refusal(ValueError, lambda: template.has_resource(
        "azurerm_key_vault", Match.not_({"nmae": "kv-other"}),
    )) == no_argument("nmae", "name")
    assert refusal(ValueError, lambda: template.all_resources_properties(
        "azurerm_key_vault", Match.object_like({"purge_protection": Match.absent()}),
    )) == no_argument("purge_protection", "purge_protection_enabled")
    assert refusal(ValueError, lambda: template.has_data("azurerm_client_config", {"tenant": Match.absent()})) == (
        no_argument("tenant", "", "azurerm_client_config", "data source")
    )
    assert refusal(ValueError, lambda: template.has_resource("azurerm_key_vault", {"vault_uri": Match.absent()})) == (
        no_argument("vault_uri", "")  # an attribute Azure reports, never written
    )


def test_an_argument_the_stack_leaves_unset_a_meta_argument_and_a_type_with_none_still_pass(template):
    template.has_resource("azurerm_key_vault", {
        "enabled_for_disk_encryption": Match.absent(), "enabled_for_template_deployment": None,
    })
    template.has_resource("azurerm_key_vault", {"lifecycle": Match.absent(), "depends_on": Match.absent()})
    template.resource_properties_count_is("azurerm_storage_account", {"name": "st-own"}, 0)
    template.resource_properties_count_is("azurerm_key_vault", {"enabled_for_deployment": True}, 0)
    assert template.find_resources("azurerm_key_vault", {"name": "kv-own-1", "//": Match.any_value()})
    Template.from_json({"resource": {"azurerm_key_vault": {"V": {}}}}).has_resource(
        "azurerm_key_vault", {"made_up": Match.absent()},  # no pinned provider: not judged
    )
