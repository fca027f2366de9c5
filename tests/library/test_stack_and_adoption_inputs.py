"""What a user passes to a stack, to adoption, to the tag aspect and to a suppression: two
stacks never share one state blob, adoption settings are checked where they are used, tag
names are compared as Azure compares them (in any case), and a call that cannot be honoured
is one line of the numbered list, not a traceback. Found by probing the stack-level features
from outside the repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import error_of, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.stacks import App, AzureStack, BlobStateBackend
from sigmatiq_infra.validation import ValidationError


def synth_problems(app: App, out: Path) -> list[str]:
    """The problems a real synth of `app` reports; [] when it wrote. Nothing is written on a refusal."""
    try:
        app.synth()
    except ValidationError as error:
        assert not out.exists()
        return list(error.problems)
    return []


def two_stacks(tmp_path: Path, first: BlobStateBackend, second: BlobStateBackend) -> list[str]:
    out = tmp_path / "out"
    app = App(outdir=str(out))
    for id, backend in (("s", first), ("t", second)):
        stack = AzureStack(app, id, backend=backend)
        c.ResourceGroup(stack, "Group", c.ResourceGroupProps(f"rg-{id}", "westeurope"))
    return synth_problems(app, out)


# --- 1. one state blob per stack ------------------------------------------------------------------


def test_two_stacks_whose_backends_name_one_blob_are_refused_naming_both(tmp_path):
    assert two_stacks(
        tmp_path, BlobStateBackend("rg-state", "ststate01", key="x.tfstate"),
        BlobStateBackend("rg-other", "ststate01", key="x.tfstate"),
    ) == [
        "AzureStack 't': backend.key 'x.tfstate' is already the state blob of stack 's' (storage account "
        "'ststate01', container 'tfstate'), so either stack's deploy would plan against the other's state and "
        "destroy what it deployed. Allowed: one state blob per stack. Fix: give one of the two its own key "
        "(leaving key out gives '<stack id>.tfstate').",
    ]


def test_a_key_that_is_another_stacks_default_blob_is_refused(tmp_path):
    assert two_stacks(
        tmp_path, BlobStateBackend("rg-state", "ststate01", key="t.tfstate"), BlobStateBackend("rg-state", "ststate01"),
    ) == [
        "AzureStack 't': backend.key 't.tfstate' is already the state blob of stack 's' (storage account "
        "'ststate01', container 'tfstate'), so either stack's deploy would plan against the other's state and "
        "destroy what it deployed. Allowed: one state blob per stack. Fix: give one of the two its own key "
        "(leaving key out gives '<stack id>.tfstate').",
    ]


@pytest.mark.parametrize(("first", "second"), [
    (BlobStateBackend("rg-state", "ststate01"), BlobStateBackend("rg-state", "ststate01")),  # one backend, two defaults
    (BlobStateBackend("rg-state", "ststate01", key="x"), BlobStateBackend("rg-state", "ststate01", key="X")),
    (BlobStateBackend("rg-state", "ststate01", key="x"), BlobStateBackend("rg-state", "ststate01", "other", key="x")),
    (BlobStateBackend("rg-state", "ststate01", key="x"), BlobStateBackend("rg-state", "ststate02", key="x")),
], ids=["default keys", "blob names are case-sensitive", "other container", "other account"])
def test_stacks_with_blobs_of_their_own_pass(tmp_path, first, second):
    assert two_stacks(tmp_path, first, second) == []


def test_an_empty_state_key_is_refused_with_the_default_to_use(stack):
    backend = BlobStateBackend("rg-state", "ststate01", key="")
    assert error_of(lambda: AzureStack(stack.node.root, "s", backend=backend)) == (
        "AzureStack 's': backend.key '' is empty. Allowed: a blob name of 1 to 1,024 characters, or None for the "
        "default 's.tfstate'. Fix: leave key out for the default 's.tfstate', or name the blob."
    )


def test_a_state_key_longer_than_azures_1024_characters_is_refused_and_1024_pass(stack):
    root = stack.node.root
    AzureStack(root, "longest", backend=BlobStateBackend("rg-state", "ststate01", key="k" * 1024))
    assert recorded(stack) == []
    backend = BlobStateBackend("rg-state", "ststate01", key="k" * 1025)
    assert error_of(lambda: AzureStack(root, "t", backend=backend)) == (
        f"AzureStack 't': backend.key '{'k' * 76}... has 1025 characters. Allowed: a blob name of 1 to 1,024 "
        "characters. Fix: shorten the key, or leave it out for the default 't.tfstate'."
    )


# --- 2. adoption checks its settings; 5. each adoption call is checked --------------------------------


SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
RECORD = """
[[resource]]
stack = "test"
type = "azurerm_key_vault"
name = "kv-test-x1"
arguments = { location = "centralus" }
"""


@pytest.fixture
def vault(stack, group):
    return c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-x1", group, public_network_access_enabled=True))


def adoption_of(stack, settings):
    from sigmatiq_infra.adoption import Adoption
    from sigmatiq_infra.deployed import parse_record

    return Adoption(stack, settings, parse_record(RECORD))


def test_adoption_reports_what_is_wrong_with_its_settings_once(stack):
    from sigmatiq_infra.deployed import AdoptionSettings, Replacement

    settings = AdoptionSettings(
        enabled=True, subscription_id="not-a-guid", replacements=(Replacement("kv-test-x1", "location", reason="x"),),
        secret_versions={"a": "nothex"},
    )
    adoption_of(stack, settings)
    adoption_of(stack, settings)  # a second adoption of the stack with the same settings says nothing new
    assert recorded(stack) == [
        "AdoptionSettings 'test': subscription_id 'not-a-guid' is not a subscription id. Allowed: a GUID such as "
        "00000000-0000-0000-0000-000000000000. Fix: set subscription_id to the subscription's id.",
        "AdoptionSettings 'test': secret_versions['a'] 'nothex' is not a Key Vault secret version. Allowed: 32 "
        "lowercase hex characters. Fix: copy the last part of the id `az keyvault secret show` prints.",
        "AdoptionSettings 'test': replacements[0].reason 'x' is too short. Allowed: a written reason of at least 20 "
        "characters. Fix: say why losing the deployed resource is acceptable.",
    ]


def test_adoption_settings_of_the_wrong_type_are_problems_not_tracebacks(stack, vault):
    from sigmatiq_infra.deployed import AdoptionSettings, Replacement

    adoption_of(stack, {"enabled": True}).resource(vault)
    adoption_of(stack, AdoptionSettings(enabled=True, replacements=(Replacement("kv-test-x1", "location", None),)))
    assert recorded(stack) == [
        "Adoption 'test': settings {'enabled': True} has the type dict. Allowed: AdoptionSettings (from "
        "sigmatiq_infra.deployed). Fix: pass AdoptionSettings(enabled=True, ...): Adoption(stack, "
        "AdoptionSettings(enabled=True), record).",
        "AdoptionSettings 'test': replacements[0].reason None has the type NoneType. Allowed: str. Fix: give "
        "replacements[0].reason a value of type str.",
    ]
    assert "import" not in vault.resource.to_terraform()  # bad settings adopt nothing


def test_adopting_a_name_a_lookup_or_a_group_by_the_wrong_call_is_a_problem_and_imports_nothing(stack, group, vault):
    from sigmatiq_infra.deployed import AdoptionSettings

    adoption = adoption_of(stack, AdoptionSettings(enabled=True, subscription_id=SUBSCRIPTION))
    adoption.resource("kv-test-x1")
    adoption.group(vault)
    adoption.resource(group)
    adoption.resource(c.KeyVault.from_existing(stack, "Other", name="kv-other-x1", resource_group_name="rg-other"))
    assert recorded(stack) == [
        "Adoption 'test': resource() 'kv-test-x1' has the type str. Allowed: a resource construct of this stack (an "
        "AzureResource, such as a KeyVault). Fix: pass the construct, not its name: adoption.resource(vault) (the "
        "record says whether it exists).",
        "Adoption 'test': group() KeyVault 'test/Vault' is not a resource group. Allowed: a ResourceGroup construct "
        "of this stack. Fix: adopt it with adoption.resource(...), and its group with adoption.group(group).",
        "Adoption 'test': resource() ResourceGroup 'test/Group' is a resource group, whose id has no group of its "
        "own. Allowed: a resource construct of this stack (an AzureResource, such as a KeyVault). Fix: adopt it "
        "with adoption.group(group).",
        "Adoption 'test': resource() ExistingKeyVault 'test/Other' is a lookup of an existing resource "
        "(from_existing), which the stack does not manage. Allowed: a resource construct of this stack (an "
        "AzureResource, such as a KeyVault). Fix: leave it out: a lookup only reads the resource and needs no import.",
    ]
    assert "import" not in vault.resource.to_terraform()
    adoption.resource(vault)  # the right call still adopts it
    assert [found["id"] for found in vault.resource.to_terraform()["import"]] == [
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/"
        "Microsoft.KeyVault/vaults/kv-test-x1",
    ]


def test_a_top_level_resource_given_as_a_child_is_a_problem_listing_the_children(stack, vault):
    from sigmatiq_infra.deployed import AdoptionSettings

    adoption_of(stack, AdoptionSettings(enabled=True)).child(vault.resource, vault, "kv-test-x1")
    assert recorded(stack) == [
        "Adoption 'test': child() resource 'azurerm_key_vault' is not a child resource with an ARM id. Allowed: the "
        "Terraform resource of a child: azurerm_postgresql_flexible_server_configuration, "
        "azurerm_postgresql_flexible_server_database, azurerm_postgresql_flexible_server_firewall_rule, "
        "azurerm_subnet. Fix: adopt a top-level resource with adoption.resource(construct), a child with "
        "adoption.child(server.databases['orders'], server, 'orders').",
    ]


def test_a_resources_terraform_type_is_its_own_and_only_a_binding_classes_is_kept_per_class(stack, vault):
    from sigmatiq_infra._cdktf import TerraformResource
    from sigmatiq_infra.adoption import terraform_type

    raw = [TerraformResource(stack, f"Raw{n}", terraform_resource_type=kind) for n, kind in enumerate(("a_x", "a_y"))]
    assert [terraform_type(resource) for resource in (*raw, vault.resource, vault.resource)] == [
        "a_x", "a_y", "azurerm_key_vault", "azurerm_key_vault",
    ]


def test_adoption_of_no_stack_is_refused_plainly():
    from sigmatiq_infra.adoption import Adoption
    from sigmatiq_infra.deployed import AdoptionSettings

    assert error_of(lambda: Adoption(None, AdoptionSettings())) == (
        "Adoption 'Adoption': stack None has the type NoneType. Allowed: the stack (AzureStack) whose resources are "
        "adopted. Fix: pass the stack first: Adoption(stack, AdoptionSettings(enabled=True), record)."
    )


# --- 3. tag names compare in any case, as Azure compares them ---------------------------------------


def synthesized_tags(tmp_path: Path, make) -> dict[str, dict[str, str]]:
    """`make(stack)` in a stack tagged {"Team": "payments", "T0": "stack"}; each resource's tags by Terraform type."""
    out = tmp_path / "out"
    app = App(outdir=str(out))
    make(AzureStack(app, "s", tags={"Team": "payments", "T0": "stack"}))
    assert synth_problems(app, out) == []
    document = json.loads((out / "stacks/s/cdk.tf.json").read_text())
    return {kind: config["tags"] for kind, found in document["resource"].items() for config in found.values()}


def test_stack_tag_names_that_differ_only_in_case_are_refused_naming_both(stack):
    assert error_of(lambda: AzureStack(stack.node.root, "s", tags={"Env": "a", "env": "b", "ENV": "c"})) == (
        "AzureStack 's': tags name 'env' differs from 'Env' only in case. Allowed: tag names that differ in more "
        "than case (Azure compares tag names in any case, so the resource would keep one of the two). Fix: keep one "
        "of 'Env' and 'env'.\n"
        "AzureStack 's': tags name 'ENV' differs from 'Env' only in case. Allowed: tag names that differ in more "
        "than case (Azure compares tag names in any case, so the resource would keep one of the two). Fix: keep one "
        "of 'Env' and 'ENV'."
    )


def test_a_constructs_own_tag_names_that_differ_only_in_case_are_refused(stack, group):
    assert error_of(lambda: c.UserAssignedIdentity(stack, "Id", c.UserAssignedIdentityProps(
        "id-test", group, tags={"Owner": "a", "owner": "b"},
    ))) == (
        "UserAssignedIdentity 'test/Id': tags name 'owner' differs from 'Owner' only in case. Allowed: tag names "
        "that differ in more than case (Azure compares tag names in any case, so the resource would keep one of the "
        "two). Fix: keep one of 'Owner' and 'owner'."
    )


def test_a_constructs_tag_that_differs_from_a_stack_tag_only_in_case_replaces_it(tmp_path):
    def make(stack):
        c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-s", "westeurope", tags={"t0": "own", "Team": "own"}))

    assert synthesized_tags(tmp_path, make) == {"azurerm_resource_group": {"Team": "own", "t0": "own"}}


def test_a_raw_resources_tag_that_differs_from_a_stack_tag_only_in_case_is_kept(tmp_path):
    from sigmatiq_infra.azurerm import user_assigned_identity

    def make(stack):
        user_assigned_identity.UserAssignedIdentity(
            stack, "Raw", name="id-raw", location="westeurope", resource_group_name="rg-s", tags={"team": "own"},
        )

    assert synthesized_tags(tmp_path, make) == {"azurerm_user_assigned_identity": {"T0": "stack", "team": "own"}}


# --- 4. the tag aspect checks its tags as a stack's are checked --------------------------------------


def aspect_problems(tmp_path: Path, tags) -> list[str]:
    from sigmatiq_infra.aspects import TagResources
    from sigmatiq_infra.azurerm import user_assigned_identity
    from sigmatiq_infra.cdk import Aspects

    out = tmp_path / "out"
    app = App(outdir=str(out))
    stack = AzureStack(app, "s")
    user_assigned_identity.UserAssignedIdentity(
        stack, "Raw", name="id-raw", location="westeurope", resource_group_name="rg",
    )
    Aspects.of(stack).add(TagResources(tags))
    return synth_problems(app, out)


def test_tags_the_aspect_would_add_are_checked_as_azure_takes_them(tmp_path):
    assert aspect_problems(tmp_path, {"bad<name": "v", "x" * 600: "y", "Cost": "z" * 300, "cost": "z"}) == [
        "TagResources 's': tags name 'bad<name' contains '<'. Allowed: tag names without < > % & \\ ? / or control "
        "characters. Fix: rename the tag, e.g. with '-' or '_' instead.",
        f"TagResources 's': tags name '{'x' * 76}... has 600 characters. Allowed: 1 to 512 characters. Fix: shorten "
        "the tag name.",
        f"TagResources 's': tags 'Cost' value '{'z' * 76}... has 300 characters. Allowed: at most 256 characters. "
        "Fix: shorten the value.",
        "TagResources 's': tags name 'cost' differs from 'Cost' only in case. Allowed: tag names that differ in more "
        "than case (Azure compares tag names in any case, so the resource would keep one of the two). Fix: keep one "
        "of 'Cost' and 'cost'.",
    ]


def test_tags_of_the_wrong_type_for_the_aspect_are_one_problem(tmp_path):
    assert aspect_problems(tmp_path, {"Team": 1}) == [
        "TagResources 's': tags['Team'] 1 has the type int. Allowed: str. Fix: give tags['Team'] a value of type "
        "str: '1' in quotes.",
    ]


def test_good_tags_of_the_aspect_pass_and_tag(tmp_path):
    assert aspect_problems(tmp_path, {"Team": "payments"}) == []
    document = json.loads((tmp_path / "out/stacks/s/cdk.tf.json").read_text())
    assert document["resource"]["azurerm_user_assigned_identity"]["Raw"]["tags"] == {"Team": "payments"}


# --- 5. a call that cannot be honoured is a problem, not a traceback ------------------------------------


def test_protecting_a_looked_up_vault_from_destroy_is_a_problem_that_says_why(stack):
    existing = c.KeyVault.from_existing(stack, "Ext", name="kv-ext-x1", resource_group_name="rg-ext")
    existing.protect_from_destroy()
    assert recorded(stack) == [
        "KeyVault.from_existing 'test/Ext': protect_from_destroy() 'kv-ext-x1' is a lookup of an existing resource, "
        "which this stack only reads (prevent_destroy guards only what a stack manages). Allowed: "
        "protect_from_destroy() on a KeyVault this stack creates. Fix: call it on the KeyVault in the stack that "
        "manages 'kv-ext-x1'.",
    ]
    assert existing.protected is False


def test_a_suppression_on_no_construct_is_refused_plainly():
    from sigmatiq_infra.aspects import suppress

    assert error_of(lambda: suppress(None, "public-network-access", "Partners call the APIs from the internet.")) == (
        "Policy suppression 'public-network-access': construct None has the type NoneType. Allowed: a construct: "
        "the resource (or a scope above it) whose findings of the rule are accepted. Fix: pass the construct first: "
        "suppress(construct, 'public-network-access', reason)."
    )


# --- 6. clearer messages: a misspelt rule id, an empty tag name, a reason of no text, switch spaces ------------


LIBRARY_RULES = "'diagnostics-required', 'monitoring-required', 'private-endpoint-required', 'public-network-access'"


def test_a_suppression_of_a_misspelt_rule_id_names_no_rule_and_says_which_was_meant(stack, group):
    from sigmatiq_infra.aspects import suppress

    suppress(group, "public-network-acces", "Partners call the APIs from the internet during the pilot.")
    stack.problem_log.run_deferred()
    assert recorded(stack) == [
        "Policy suppression 'test/Group': rule_id 'public-network-acces' names no rule (did you mean "
        "'public-network-access'?). Allowed: the id of one of the library's rules or of a rule checked on it: "
        f"{LIBRARY_RULES}. Fix: use 'public-network-access'.",
    ]


def test_a_suppression_of_an_own_rule_checked_on_the_construct_passes(stack, group):
    from sigmatiq_infra.aspects import PolicyAspect, Rule, check_every_construct, suppress
    from sigmatiq_infra.cdk import Aspects

    own = Rule("own-rule", lambda node: None, "anything", "nothing to do")
    aspect = Rule("aspect-rule", lambda node: None, "anything", "nothing to do")
    check_every_construct(stack, (own,))
    Aspects.of(stack).add(PolicyAspect((aspect,)))
    for rule_id in ("own-rule", "aspect-rule", "private-endpoint-required"):
        suppress(group, rule_id, "The group is reviewed by hand every quarter.")
    suppress(group, "own-rul", "The group is reviewed by hand every quarter.")
    stack.problem_log.run_deferred()
    assert recorded(stack) == [
        "Policy suppression 'test/Group': rule_id 'own-rul' names no rule (did you mean 'own-rule'?). Allowed: the id "
        "of one of the library's rules or of a rule checked on it: 'aspect-rule', 'diagnostics-required', "
        "'monitoring-required', 'own-rule', 'private-endpoint-required', 'public-network-access'. Fix: use 'own-rule'.",
    ]


def test_a_suppression_without_a_written_reason_says_its_type(stack, group):
    from sigmatiq_infra.aspects import suppress

    assert suppress(group, "public-network-access", None) is False
    assert recorded(stack) == [
        "Policy suppression 'test/Group': reason None has the type NoneType. Allowed: str. Fix: give reason a value "
        "of type str.",
    ]


def test_an_empty_tag_name_is_said_to_be_empty(stack):
    assert error_of(lambda: AzureStack(stack.node.root, "s", tags={"": "x"})) == (
        "AzureStack 's': tags name '' is empty. Allowed: 1 to 512 characters. Fix: give the tag a name."
    )


@pytest.mark.parametrize(("value", "on"), [(" 1", True), ("TRUE ", True), ("\toff", False), ("   ", None)])
def test_a_switch_ignores_spaces_around_its_value_as_the_engine_variable_does(value, on):
    from sigmatiq_infra.engine import selected
    from sigmatiq_infra.switches import library_variable_problems, parse_switch

    assert parse_switch(value) is on
    assert library_variable_problems({"SIGMATIQ_FULL_IMPORT": value}) == []
    assert selected({"SIGMATIQ_ENGINE": " cdktf "}).name == "cdktf"


# --- 7. what the docs and the policy's fix say matches what the code does ------------------------------


def test_the_public_network_fix_for_an_environment_says_it_needs_a_vnet_and_stays_for_others(stack, group):
    from sigmatiq_infra.aspects import check_every_construct
    from sigmatiq_infra.aspects.rules import NO_PUBLIC_NETWORK_ACCESS

    logs = c.LogAnalyticsWorkspace(stack, "Logs", c.LogAnalyticsWorkspaceProps("log-test", group))
    c.ContainerAppEnvironment(stack, "Env", c.ContainerAppEnvironmentProps(
        "cae-test", group, log_analytics_workspace=logs,
    ))
    c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-x1", group, public_network_access_enabled=True))
    check_every_construct(stack, (NO_PUBLIC_NETWORK_ACCESS,))
    stack.problem_log.run_deferred()
    assert recorded(stack) == [
        "Policy 'test/Env/Resource': rule 'public-network-access': 'azurerm_container_app_environment' leaves public "
        "network access at Azure's default (enabled). Allowed: public network access disabled on every resource of "
        "a private environment. Fix: give the environment a virtual_network and leave public_network_access_enabled "
        "unset (or False): without a VNet it runs on an Azure-managed public network, or suppress it with "
        "sigmatiq_infra.aspects.suppress(construct, 'public-network-access', reason).",
        "Policy 'test/Vault/Resource': rule 'public-network-access': 'azurerm_key_vault' enables public network "
        "access. Allowed: public network access disabled on every resource of a private environment. Fix: turn "
        "public network access off (the constructs' default) and use a private endpoint, or suppress it with "
        "sigmatiq_infra.aspects.suppress(construct, 'public-network-access', reason).",
    ]


def test_the_adoption_guide_claims_no_environment_variable_the_library_does_not_read():
    guide = (Path(__file__).resolve().parents[2] / "docs/library/adoption.md").read_text()
    assert "`ARM_SUBSCRIPTION_ID` at synth" not in guide
    assert "`TF_VAR_subscription_id`" in guide


def test_adopting_a_secret_takes_its_reference_and_refuses_the_vault():
    from sigmatiq_infra.adoption import Adoption
    from sigmatiq_infra.deployed import AdoptionSettings, DeployedRecord

    app = App()
    stack = AzureStack(app, "ad")
    group = c.ResourceGroup(stack, "G", c.ResourceGroupProps("rg-ad", "westeurope"))
    vault = c.KeyVault(stack, "Kv", c.KeyVaultProps("kv-adopt-secret", group))
    reference = vault.add_secret("Db", c.SecretProps("Db", c.WriteOnlySecret.from_inputs(stack, "db", "the db secret")))
    adoption = Adoption(stack, AdoptionSettings(
        enabled=True, subscription_id="00000000-0000-0000-0000-000000000001",
        secret_versions={"Db": "0123456789abcdef" * 2},  # a Key Vault secret version id (not a secret)
    ), DeployedRecord())
    adoption.secret(reference, "kv-adopt-secret", "Db")
    assert not app.problems.problems
    adoption.secret(vault, "kv-adopt-secret", "Db")
    [problem] = app.problems.problems
    assert problem.startswith("Adoption 'ad': secret() KeyVault 'ad/Kv' is not a Key Vault secret this stack writes.")


def test_a_suppression_above_a_construct_whose_own_aspect_checks_the_rule_passes(stack, group):
    """A suppression covers everything inside its construct, so a rule a PolicyAspect checks
    on a construct inside it is a rule it may name."""
    from sigmatiq_infra.aspects import PolicyAspect, Rule, suppress
    from sigmatiq_infra.cdk import Aspects

    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-inner-rule", group))
    Aspects.of(vault).add(PolicyAspect((Rule("team-tag", lambda node: None, "anything", "nothing to do"),)))
    suppress(stack, "team-tag", "Team tags are added by the platform's policy after deploy.")
    stack.problem_log.run_deferred()
    assert recorded(stack) == []
