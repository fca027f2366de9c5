"""A user testing an app of several stacks with `sigmatiq_infra.testing`, as AWS CDK's
assertions are used: assertions that passed when they should have failed, problems and
warnings the assertions could not see, and messages that hid what differs. Found by writing
such a user's pytest file outside the repository."""

from __future__ import annotations

from pathlib import Path

import jsii
import pytest

from sigmatiq_infra import App, AzureStack, azurerm
from sigmatiq_infra import constructs as c
from sigmatiq_infra.testing import Annotations, Match, Template


def failure(check) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(AssertionError) as failed:
        check()
    return str(failed.value)


def shop_app(tmp_path: Path) -> tuple[App, AzureStack, c.KeyVault, AzureStack]:
    """A shared stack with a vault and an identity, and an API stack that reads them."""
    app = App(outdir=str(tmp_path / "cdktf.out"))
    shared = AzureStack(app, "shared", tags={"Team": "shop"})
    group = c.ResourceGroup(shared, "Group", c.ResourceGroupProps("rg-shop-shared", "westeurope"))
    vault = c.KeyVault(shared, "Vault", c.KeyVaultProps("kv-shop-shared", group, public_network_access_enabled=True))
    identity = c.UserAssignedIdentity(shared, "Identity", c.UserAssignedIdentityProps("id-shop-api", group))
    vault.grant_secrets_read(identity)
    api = AzureStack(app, "api", tags={"Team": "shop"})
    c.ResourceGroup(api, "Group", c.ResourceGroupProps("rg-shop-api", "westeurope"))
    return app, shared, vault, api


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    return shop_app(tmp_path_factory.mktemp("shop"))


@pytest.fixture(scope="module")
def shared(shop):
    return Template.from_stack(shop[1])


# --- a token in a negation -----------------------------------------------------------------------

TOKEN_HINT = (
    " (an unresolved token: it resolves only at synth, so it never equals the template's value. "
    'Fix: write template.ref(construct, "attribute"), or the value the template holds)'
)


def test_not_of_a_construct_attribute_fails_instead_of_passing_on_the_very_value_it_stands_for(shop, shared):
    vault = shop[2]
    name = vault.resource.name  # a token: never equal to the template's 'kv-shop-shared'
    assert failure(lambda: shared.has_resource("azurerm_key_vault", {"name": Match.not_(name)})).endswith(
        f"\n  name: expected not {name!r}{TOKEN_HINT}, actual 'kv-shop-shared'",
    )
    inside = Match.not_(Match.array_with([vault.resource.id]))
    assert failure(lambda: shared.has_resource("azurerm_key_vault", {"name": inside})).endswith(
        f"{TOKEN_HINT}, actual 'kv-shop-shared'",
    )
    shared.has_resource("azurerm_key_vault", {"name": Match.not_("kv-other")})
    shared.has_resource("azurerm_role_assignment", {"scope": Match.not_(shared.ref(vault, "name"))})


def test_a_lookup_or_a_count_by_a_construct_attribute_is_refused_instead_of_finding_none(shop, shared):
    name = shop[2].resource.name
    message = 'WHO: no resource could match {"name": "' + name + '"}' + TOKEN_HINT + "."
    with pytest.raises(TypeError) as refused:
        shared.find_resources("azurerm_key_vault", {"name": name})
    assert str(refused.value) == message.replace("WHO", "Template.find_resources")
    with pytest.raises(TypeError) as refused:
        shared.resource_properties_count_is("azurerm_key_vault", {"name": name}, 0)
    assert str(refused.value) == message.replace("WHO", "Template.resource_properties_count_is")
    assert list(shared.find_resources("azurerm_key_vault", {"name": "kv-shop-shared"})) == [
        shop[2].resource.friendly_unique_id,
    ]


def test_not_a_lookup_or_a_count_of_a_construct_or_a_set_fails_or_is_refused_instead_of_passing(shop, shared):
    vault = shop[2]
    construct = (
        " (KeyVault 'shared/Vault' is a construct: it never equals the template's value. Fix: write "
        'template.ref(construct, "id"), the reference the template holds)'
    )
    assert failure(lambda: shared.has_resource("azurerm_role_assignment", {"scope": Match.not_(vault)})).endswith(
        f"{construct}, actual '{shared.ref(vault)}'",
    )
    with pytest.raises(TypeError) as refused:
        shared.resource_properties_count_is("azurerm_role_assignment", {"scope": vault}, 0)
    assert str(refused.value) == (
        "Template.resource_properties_count_is: no resource could match "
        f"{{\"scope\": \"<KeyVault 'shared/Vault': use template.ref(...) for a reference to it>\"}}{construct}."
    )
    assert failure(lambda: shared.has_resource("azurerm_key_vault", {"name": Match.not_({"kv-shop-shared"})})).endswith(
        "\n  name: expected not \"{'kv-shop-shared'}\" (set {'kv-shop-shared'} is no JSON value: it never equals the "
        "template's value. Fix: write the value the template holds, a list in its order), actual 'kv-shop-shared'",
    )
    shared.resource_properties_count_is("azurerm_role_assignment", {"scope": shared.ref(vault)}, 1)


# --- a type the provider does not have -----------------------------------------------------------

def test_a_count_of_none_of_a_misspelt_type_is_refused_instead_of_passing(shop, shared):
    api = Template.from_stack(shop[3])
    with pytest.raises(ValueError) as refused:
        api.resource_count_is("azurerm_keyvault", 0)
    assert str(refused.value) == (
        f"Template of stack 'api': azurerm_keyvault is not a resource type of azurerm {azurerm.VERSION}, so the stack "
        "can have none: an assertion of none would pass whatever it holds (did you mean 'azurerm_key_vault'?). Fix: "
        "write the type as the provider names it, 'azurerm_key_vault'."
    )
    with pytest.raises(ValueError, match=r"^Template of stack 'shared': azurerm_key_vaults is not a data source type"):
        shared.data("azurerm_key_vaults")
    with pytest.raises(ValueError) as refused:
        shared.resource_properties_count_is("azurerm_client_config", {}, 0)
    assert str(refused.value) == (
        f"Template of stack 'shared': azurerm_client_config is a data source type of azurerm {azurerm.VERSION}, not a "
        "resource type. Fix: use template.has_data / data."
    )
    # Every type the provider has passes, whatever its binding's module is called.
    for tf_type in ("azurerm_key_vault", "azurerm_public_ip", "azurerm_aadb2c_directory", "azurerm_data_factory",
                    "azurerm_sentinel_data_connector_office_365"):
        api.resource_count_is(tf_type, 0)
    assert api.find_resources("azurerm_storage_account") == {}
    shared.has_data("azurerm_client_config")
    api.resource_count_is("random_password", 0)  # another provider's: not judged
    Template.from_json({"resource": {}}).resource_count_is("azurerm_keyvault", 0)  # no pinned provider: not judged


# --- what constructs report through the engine's Annotations --------------------------------------

def engine_annotations(node):  # type: ignore[no-untyped-def]
    from sigmatiq_infra.cdk import Annotations as EngineAnnotations

    return EngineAnnotations.of(node)


def no_public_vaults():  # type: ignore[no-untyped-def]
    """A policy of the user's own, written as for AWS CDK: an aspect that reports through the
    engine's `Annotations`."""
    from sigmatiq_infra.cdk import IAspect

    @jsii.implements(IAspect)
    class NoPublicVaults:
        def visit(self, node) -> None:  # type: ignore[no-untyped-def]
            if getattr(node, "terraform_resource_type", None) == "azurerm_key_vault":
                engine_annotations(node).add_error("no public vaults in this company")

    return NoPublicVaults()


def test_an_error_a_construct_reports_through_the_engines_annotations_is_a_problem_not_a_traceback(tmp_path):
    from sigmatiq_infra.cdk import Aspects

    _app, shared_stack, vault, api = shop_app(tmp_path)
    engine_annotations(vault).add_warning("the vault is shared by every team")
    Aspects.of(shared_stack).add(no_public_vaults())
    annotations = Annotations.from_stack(shared_stack)
    assert annotations.problems == (
        "KeyVault 'shared/Vault/Resource': no public vaults in this company",
    )
    assert annotations.warnings == ("KeyVault 'shared/Vault': the vault is shared by every team",)
    annotations.has_error("KeyVault 'shared/Vault/Resource': no public vaults in this company")
    annotations.has_warning(Match.string_like_regexp("shared by every team"))
    assert failure(lambda: Template.from_stack(shared_stack)) == (
        "sigmatiq-infra: synth stopped, nothing was written (1 problem):\n"
        "  1. KeyVault 'shared/Vault/Resource': no public vaults in this company"
    )
    Annotations.from_stack(api).has_no_errors()
    assert not (tmp_path / "cdktf.out").exists()


def test_a_warning_a_construct_reports_through_the_engines_annotations_is_read_and_printed(tmp_path, capsys):
    from sigmatiq_infra.synthesis import synth

    app, _shared, vault, _api = shop_app(tmp_path)
    engine_annotations(vault).add_warning("the vault is shared by every team")
    synth(app)
    assert capsys.readouterr().err == (
        "sigmatiq-infra: warning: KeyVault 'shared/Vault': the vault is shared by every team\n"
    )
    assert (tmp_path / "cdktf.out" / "stacks" / "shared" / "cdk.tf.json").exists()


# --- messages that say what differs --------------------------------------------------------------

APP = Template.from_json({"resource": {"azurerm_container_app": {"Api": {
    "name": "api",
    "identity": {"type": "UserAssigned", "identity_ids": ["${azurerm_user_assigned_identity.Identity.id}"]},
    "ingress": {"target_port": 8080, "external_enabled": True},
    "registry": [{"server": "acr.azurecr.io"}],
    "tags": {"Service": "shop"},
}}}}, "app")
"""A container app as cdktf writes it: a block Azure allows once as one object (`identity`,
`ingress`), one it allows more often as a list, even of one (`registry`)."""


def test_a_block_written_as_an_object_or_a_list_says_how_the_stack_writes_it():
    listed = {"identity": [{"type": "UserAssigned"}]}
    assert failure(lambda: APP.has_resource("azurerm_container_app", listed)).endswith(
        "\n  identity: expected a list of 1 (the stack writes this block as one object: write the object itself, not "
        'in a list), actual {"identity_ids": ["${azurerm_user_assigned_identity.Identity.id}"], "type": "UserAssigned"}'
    )
    assert failure(lambda: APP.has_resource("azurerm_container_app", {
        "identity": Match.array_with([{"type": "UserAssigned"}]),
    })).endswith('(in this order) (the stack writes this block as one object: write the object itself, not in a list), '
                 'actual {"identity_ids": ["${azurerm_user_assigned_identity.Identity.id}"], "type": "UserAssigned"}')
    one = {"registry": {"server": "acr.azurecr.io"}}
    assert failure(lambda: APP.has_resource("azurerm_container_app", one)).endswith(
        "\n  registry: expected an object (the stack writes this block as a list of 1: write [{...}], or "
        'Match.array_with([{...}]) for the items to find), actual [{"server": "acr.azurecr.io"}]'
    )
    APP.has_resource("azurerm_container_app", {
        "identity": {"type": "UserAssigned"}, "registry": [{"server": "acr.azurecr.io"}],
    })


def test_a_number_written_as_a_string_and_a_misspelt_key_say_so():
    assert failure(lambda: APP.has_resource("azurerm_container_app", {"ingress": {"target_port": "8080"}})).endswith(
        "\n  ingress.target_port: expected '8080' (a string, not a number), actual 8080",
    )
    assert failure(lambda: APP.has_resource("azurerm_container_app", {"tags": {"service": "shop"}})).endswith(
        "\n  tags.service: expected 'shop' (did you mean 'Service'?), actual (not set)",
    )
    assert failure(lambda: APP.has_resource("azurerm_container_app", {"ingress": {"target_prot": 8080}})).endswith(
        "\n  ingress.target_prot: expected 8080 (did you mean 'target_port'?), actual (not set)",
    )


# --- adoption, without the logical id's hash -----------------------------------------------------

def test_an_import_or_a_moved_block_is_asserted_by_the_construct_not_its_hashed_logical_id(tmp_path):
    from sigmatiq_infra.adoption import Adoption
    from sigmatiq_infra.deployed import AdoptionSettings, parse_record

    _app, shared_stack, vault, _api = shop_app(tmp_path)
    record = parse_record('[[resource]]\nstack = "shared"\ntype = "azurerm_key_vault"\nname = "kv-shop-shared"\n')
    subscription = "00000000-0000-0000-0000-000000000001"
    Adoption(shared_stack, AdoptionSettings(enabled=True, subscription_id=subscription), record).resource(vault)
    vault.resource.move_from_id("azurerm_key_vault.OldVault")
    template = Template.from_stack(shared_stack)
    template.has_import(to=vault, id=Match.string_like_regexp("/providers/Microsoft.KeyVault/vaults/kv-shop-shared$"))
    template.has_import(to=vault.resource)
    template.has_moved(from_="azurerm_key_vault.OldVault", to=vault)
    assert failure(lambda: template.has_import(to=vault, id="wrong")).startswith(
        "Template of stack 'shared': no import block matches. The closest is '0', which differs in 1 key:\n"
        "  id: expected 'wrong', actual '/subscriptions/",
    )


def test_a_template_of_a_stack_the_engine_never_made_says_synth_stopped_instead_of_no_such_stack(tmp_path):
    _app, shared_stack, vault, api = shop_app(tmp_path)
    engine_annotations(vault).add_error("no public vaults in this company")
    for stack in (shared_stack, api):
        assert failure(lambda stack=stack: Template.from_stack(stack, allow_problems=True)) == (
            f"Template.from_stack: synth stopped before it made stack '{stack.node.id}', so there is no template of "
            "it, allow_problems or not. Fix: read the problems with Annotations.from_stack(stack), or fix them:\n"
            "sigmatiq-infra: synth stopped, nothing was written (1 problem):\n"
            "  1. KeyVault 'shared/Vault': no public vaults in this company"
        )
