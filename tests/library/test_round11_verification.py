"""The eleventh round: a verification of the tenth round's new checks (values known only at
deploy time, apps of several stacks, the engine's own App, stacks without the provider) from
outside, with the same mistake written differently and legitimate apps that must pass."""

from __future__ import annotations

import pytest
from helpers import recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.cdk import TerraformVariable
from sigmatiq_infra.stacks import App, AzureStack
from sigmatiq_infra.testing import Template
from sigmatiq_infra.validation import ValidationError

R = c.SubnetRole


@pytest.fixture
def own(tmp_path):
    """A user's stack in an app that synthesizes, and its group."""
    stack = AzureStack(App(outdir=str(tmp_path / "cdktf.out")), "test")
    return stack, c.ResourceGroup(stack, "G", c.ResourceGroupProps("rg-test", "westeurope"))


# --- values known only at deploy time -----------------------------------------------------------------


def test_an_nsg_rules_ports_given_as_a_deploy_time_list_are_written_as_its_reference(own):
    stack, group = own
    ports = TerraformVariable(stack, "ports", type="list(string)")
    c.VirtualNetwork(stack, "Net", c.VirtualNetworkProps("vnet-test", group, "10.20.0.0/16", [
        c.SubnetSpec("apps", "10.20.0.0/23", R.CONTAINER_APPS, inbound_rules=[
            c.InboundRule("web", 100, "Internet", ports.list_value),
        ]),
    ]))
    assert recorded(stack) == []
    Template.from_stack(stack).has_resource_properties("azurerm_network_security_rule", {
        "name": "web", "destination_port_ranges": "${var.ports}",
    })


def test_a_private_vaults_warning_names_its_secrets_as_written_and_a_deploy_time_name_as_an_expression(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test", group))
    name = TerraformVariable(stack, "secret_name", type="string")
    for id, secret in (("Url", "Orders-DatabaseUrl"), ("Named", name.string_value)):
        vault.add_secret(id, c.SecretProps(secret, c.WriteOnlySecret.from_inputs(stack, id.lower(), "a value")))
    vault.problem_log.run_deferred()
    assert vault.problem_log.warnings[0].split(": ", 1)[1].startswith(
        "public_network_access_enabled False leaves no way for the deployment to write the secrets it adds "
        "(<Terraform expression>, Orders-DatabaseUrl): ",
    )


# --- stacks without the azurerm provider --------------------------------------------------------------


def _own_stack(tmp_path, **config):
    from sigmatiq_infra.azurerm import provider
    from sigmatiq_infra.cdk import TerraformStack

    app = App(outdir=str(tmp_path / "out"))
    stack = TerraformStack(app, "own")
    provider.AzurermProvider(stack, "Azurerm", features=[provider.AzurermProviderFeatures()], **config)
    c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-svc", "westeurope"))
    return app


def test_an_own_stack_whose_only_azurerm_provider_has_an_alias_is_refused_as_its_resources_name_none(tmp_path):
    app = _own_stack(tmp_path, alias="second")
    with pytest.raises(ValidationError) as raised:
        app.synth()  # written before: Terraform's empty default configuration, "Insufficient features blocks"
    assert list(raised.value.problems) == [
        "TerraformStack 'own': provider 'azurerm' has only aliased configurations, yet the stack holds "
        "azurerm_resource_group naming none (Terraform would give them an empty default configuration and refuse the "
        "plan without its features block). Allowed: a stack with the azurerm provider: an AzureStack (its provider "
        "pinned and configured, its tags and state). Fix: make the stack with AzureStack(app, 'own') from "
        "sigmatiq_infra, or add AzurermProvider(stack, 'azurerm', features=[AzurermProviderFeatures()]) to it.",
    ]
    assert not (tmp_path / "out").exists()


def test_an_own_stack_with_a_default_azurerm_provider_passes(tmp_path):
    _own_stack(tmp_path).synth()
    assert (tmp_path / "out" / "stacks" / "own" / "cdk.tf.json").exists()


# --- a secret input of another stack ----------------------------------------------------------------------


def test_a_connection_url_of_another_stacks_server_in_a_vault_secret_is_one_problem(tmp_path):
    from helpers import error_of

    app = App(outdir=str(tmp_path / "out"))
    data = AzureStack(app, "data")
    group = c.ResourceGroup(data, "G", c.ResourceGroupProps("rg-data", "westeurope"))
    password = c.WriteOnlySecret.from_inputs(data, "db_password", "the password")
    server = c.PostgresServer(data, "Db", c.PostgresServerProps(
        "psql-data", group, "B_Standard_B1ms", "dbadmin", password, databases=["orders"],
    ))
    service = AzureStack(app, "svc")
    vault = c.KeyVault(service, "Vault", c.KeyVaultProps(
        "kv-svc", c.ResourceGroup(service, "G", c.ResourceGroupProps("rg-svc", "westeurope")),
        public_network_access_enabled=True,
    ))
    vault.add_secret("Url", c.SecretProps("db-url", c.WriteOnlySecret(server.connection_url("orders"))))
    assert error_of(app.synth) == (  # written before: Terraform refused the output ('Ephemeral value not allowed')
        "AzureStack 'svc': svc/Vault/Url value 'db_password' holds a deploy-time secret input of stack 'data' "
        "(Terraform passes no ephemeral value from one stack to another: 'Ephemeral value not allowed' in the output "
        "cdktf writes for it). Allowed: a secret input of the stack that sends it to Azure. Fix: make the input in "
        "stack 'svc' with WriteOnlySecret.from_inputs(<stack 'svc'>, 'db_password', ...) and build the value there, "
        "or make svc/Vault/Url in stack 'data'."
    )


# --- the library's App ------------------------------------------------------------------------------------


def test_an_app_synthesized_inside_its_with_block_is_written_once_without_a_traceback(tmp_path):
    with App(outdir=str(tmp_path / "out")) as app:
        c.ResourceGroup(AzureStack(app, "svc"), "G", c.ResourceGroupProps("rg-svc", "westeurope"))
        app.synth()  # cdktf's habit; the block's end synthesized it again: cdktf's ENOENT traceback
    assert sorted(path.name for path in (tmp_path / "out" / "stacks").iterdir()) == ["svc"]


@pytest.mark.parametrize(("kind", "prop", "read", "fix"), [
    ("string", "public_network_access_enabled", "string_value", "read it as a bool: Fn.tobool(<the expression>) "
     "(from sigmatiq_infra.cdk import Fn)"),
    ("number", "soft_delete_retention_days", "value", "read it as a number: Token.as_number(<the expression>) "
     "(from sigmatiq_infra.cdk import Token)"),
    ("string", "name", "value", "read it as text: Token.as_string(<the expression>) "
     "(from sigmatiq_infra.cdk import Token)"),
])
def test_a_deploy_time_value_of_another_kind_is_told_how_to_read_it_as_the_kind_that_goes(
    stack, group, kind, prop, read, fix,
):
    value = getattr(TerraformVariable(stack, "given", type=kind), read)
    props = {"name": "kv-test", "resource_group": group, prop: value}
    c.KeyVault(stack, "Vault", c.KeyVaultProps(**props))
    assert [problem.split(". Fix: ")[1] for problem in recorded(stack)] == [f"{fix}."]


def test_values_read_as_the_kind_that_goes_pass(stack, group):
    from sigmatiq_infra.cdk import Fn, Token

    text, number = (TerraformVariable(stack, name, type=kind) for name, kind in (("t", "string"), ("n", "number")))
    c.KeyVault(stack, "Vault", c.KeyVaultProps(
        Token.as_string(text.value), group, public_network_access_enabled=Fn.tobool(text.string_value),
        soft_delete_retention_days=Token.as_number(number.value),
    ))
    assert recorded(stack) == []


# --- container images -------------------------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["1.0 ", " 1.0", "1.0\n"])
def test_an_image_tag_with_spaces_around_it_is_told_the_tag_without_them(stack, group, tag):
    environment = c.ContainerAppEnvironment(stack, "Env", c.ContainerAppEnvironmentProps("cae-test", group))
    registry = c.ContainerRegistry(stack, "Reg", c.ContainerRegistryProps(
        "acrtest01", group, sku="Basic", public_network_access_enabled=True,
    ))
    identity = c.UserAssignedIdentity(stack, "Id", c.UserAssignedIdentityProps("id-test", group))
    c.ContainerApp(stack, "Api", c.ContainerAppProps("api", environment, identity, registry, "team/api", tag, 8080))
    assert recorded(stack) == [
        f"ContainerApp 'test/Api': image tag {tag!r} is not a valid image tag. Allowed: 1-128 letters, digits, '_', "
        "'.', '-', not starting with '.' or '-'. Fix: write it without spaces: image_tag='1.0'.",
    ]


@pytest.mark.parametrize("read", ["as_string_map", "as_any_map"])
def test_a_map_token_where_a_mapping_goes_is_one_problem_not_cdktfs_traceback_at_synth(stack, group, read):
    from sigmatiq_infra.cdk import Token

    tags = getattr(Token, read)(TerraformVariable(stack, "tags", type="map(string)").value)
    c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test", group, tags=tags))
    assert recorded(stack) == [  # it was written, and cdktf stopped: 'Cannot add elements to map token'
        "KeyVault 'test/Vault': tags '<Terraform expression>' is a deploy-time expression, where a mapping of str to "
        "str goes. Allowed: a mapping of str to str. Fix: give tags a value of type a mapping of str to str.",
    ]


# --- grants -----------------------------------------------------------------------------------------------


def test_a_grant_used_by_the_app_itself_is_one_problem_not_cdktfs_no_stack_traceback(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test", group, public_network_access_enabled=True))
    identity = c.UserAssignedIdentity(stack, "Id", c.UserAssignedIdentityProps("id-test", group))
    assert vault.grant_secrets_read(identity, used_by=stack.node.root) is None
    assert recorded(stack) == [
        "KeyVault 'test/Vault': grant used_by 'the app' is in no stack. Allowed: the construct that needs the access "
        "(e.g. the container app), or None. Fix: pass the construct in a stack that uses the access, e.g. "
        "used_by=api, or leave used_by out.",
    ]


def _zones(stack, group):
    return c.PrivateDnsZones(stack, "Zones", c.PrivateDnsZonesProps(group, c.VirtualNetwork(
        stack, "Net", c.VirtualNetworkProps("vnet-test", group, "10.20.0.0/16", [
            c.SubnetSpec("snet-pe", "10.20.1.0/24", R.PRIVATE_ENDPOINTS),
        ]),
    )))


def test_a_zone_or_record_made_under_the_app_itself_is_one_problem_not_cdktfs_no_stack_traceback(stack, group):
    from helpers import error_of

    zones = _zones(stack, group)
    app = stack.node.root
    assert error_of(lambda: zones.zone("internal.example.com", scope=app)) == (
        "PrivateDnsZones 'test/Zones': zone scope 'the app' is in no stack. Allowed: a construct in the stack that "
        "makes the zone (the one whose value names it), or None. Fix: pass that construct, or leave scope out to "
        "make the zone with these zones."
    )
    zone = zones.zone("internal.example.com")
    assert error_of(lambda: zones.add_a_record(app, "Www", zone, name="www", records=["10.20.1.4"])) == (
        "PrivateDnsZones 'test/Zones': add_a_record scope 'the app' is in no stack. Allowed: a construct in the "
        "stack that makes the record (e.g. the one whose address it holds). Fix: pass that construct, e.g. "
        "add_a_record(stack, 'WwwRecord', zone, ...)."
    )


# --- switches written in another type ---------------------------------------------------------------------


@pytest.mark.parametrize(("given", "fix"), [
    ("true", "True without quotes"), (" False ", "False without quotes"), (1, "True"), (0.0, "False"),
])
def test_a_switch_written_as_text_or_a_number_is_told_the_bool_to_write(stack, group, given, fix):
    c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test", group, public_network_access_enabled=given))
    assert [problem.split(". Fix: ")[1] for problem in recorded(stack)] == [
        f"give public_network_access_enabled a value of type bool: {fix}.",
    ]


def test_a_template_of_an_app_synthesized_already_is_told_so_not_cdktfs_enoent_traceback(tmp_path):
    with App(outdir=str(tmp_path / "out")) as app:
        stack = AzureStack(app, "svc")
        c.ResourceGroup(stack, "G", c.ResourceGroupProps("rg-svc", "westeurope"))
    with pytest.raises(AssertionError) as raised:
        Template.from_stack(stack)
    assert str(raised.value) == (
        "Template.from_stack: the app was synthesized already (app.synth(), synth(app) or the end of its `with` "
        "block), and an app is synthesized once, as cdktf does. Fix: call it before the app is synthesized (inside "
        "its `with` block, or on an App the test does not synthesize), or read the written stack with "
        "Template.from_file"
    )
    Template.from_file(tmp_path / "out" / "stacks" / "svc" / "cdk.tf.json").resource_count_is(
        "azurerm_resource_group", 1,
    )
