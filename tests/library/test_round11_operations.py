"""What a user does after writing an app of several stacks, or one with deploy-time values:
assert on each stack with `sigmatiq_infra.testing`, adopt and record what is deployed, gate
and test the plans. Found by probing such apps from outside the repository."""

import json

import pytest

from sigmatiq_infra.constructs import (
    BuiltInRole,
    KeyVault,
    KeyVaultProps,
    ResourceGroup,
    ResourceGroupProps,
    UserAssignedIdentity,
    UserAssignedIdentityProps,
)
from sigmatiq_infra.deployed import DeployedRecord, DeployedResource, Replacement, check_stack


def _platform_and_service(tmp_path):
    from sigmatiq_infra.stacks import App, AzureStack

    app = App(outdir=str(tmp_path / "out"))
    platform, service = AzureStack(app, "platform"), AzureStack(app, "service")
    shared = ResourceGroup(platform, "Group", ResourceGroupProps("rg-platform", "westeurope"))
    own = ResourceGroup(service, "Group", ResourceGroupProps("rg-service", "westeurope"))
    vault = KeyVault(platform, "Vault", KeyVaultProps("kv-platform", shared))
    identity = UserAssignedIdentity(service, "Id", UserAssignedIdentityProps("id-api", own))
    vault.grant(BuiltInRole.KEY_VAULT_SECRETS_USER, identity)
    return platform, service, vault, identity


def test_a_ref_to_another_stacks_resource_is_the_remote_state_output_the_stack_reads_it_through(tmp_path):
    from sigmatiq_infra.testing import Template

    platform, service, vault, identity = _platform_and_service(tmp_path)
    template = Template.from_stack(service)
    expected = (
        "${data.terraform_remote_state.cross-stack-reference-input-platform.outputs."
        "cross-stack-output-azurerm_key_vaultVault_23237E5Bid}"
    )
    assert template.ref(vault, "id") == expected
    assert template.ref("azurerm_key_vault", "kv-platform", "id") == expected
    template.has_resource("azurerm_role_assignment", {
        "scope": template.ref(vault), "principal_id": template.ref(identity, "principal_id"),
    })
    assert Template.from_stack(platform).ref(vault) == "${azurerm_key_vault.Vault_23237E5B.id}"


def test_a_ref_to_a_value_of_another_stack_the_stack_does_not_read_says_so(tmp_path):
    from sigmatiq_infra.testing import Template

    _, service, vault, _ = _platform_and_service(tmp_path)
    with pytest.raises(AssertionError) as raised:
        Template.from_stack(service).ref(vault, "vault_uri")
    assert str(raised.value) == (
        "Template of stack 'service': the stack reads no ${azurerm_key_vault.Vault_23237E5B.vault_uri} of stack "
        "'platform' (cdktf passes another stack's value as a remote-state output only to a stack that uses it). "
        "Fix: assert on the stack whose resources use it, or on stack 'platform' itself."
    )


def test_the_plan_test_of_a_stack_reading_another_stacks_values_answers_its_remote_state(tmp_path):
    # Terraform 1.11: planning a terraform_remote_state whose stack is not deployed fails with "Unable to
    # find remote state"; an override_data of its `outputs` in the test file lets the plan run (tried).
    from sigmatiq_infra.plan_test import write_plan_test

    platform, _, _, _ = _platform_and_service(tmp_path)
    platform.node.root.synth()
    text = write_plan_test(tmp_path / "out", "service").read_text()
    assert (
        "override_data {\n"
        "  target = data.terraform_remote_state.cross-stack-reference-input-platform\n"
        "  values = {\n"
        "    outputs = {\n"
        "      cross-stack-output-azurerm_key_vaultVault_23237E5Bid                    = \"/subscriptions/"
        "00000000-0000-0000-0000-00000000a001/resourceGroups/rg-platform/providers/Microsoft.KeyVault/vaults/"
        "kv-platform\"\n"
        "      cross-stack-output-dataazurerm_client_configClientConfigsubscription_id = "
        "\"00000000-0000-0000-0000-00000000a001\"\n"
        "    }\n"
        "  }\n"
        "}\n"
    ) in text
    assert "terraform_remote_state" not in write_plan_test(tmp_path / "out", "platform").read_text()


def test_record_deployed_leaves_out_a_role_assignment_which_azure_names_and_synth_could_not_pair(tmp_path, capsys):
    # An entry `name = "<guid>"` for azurerm_role_assignment paired with no resource of the stack (grant()
    # writes no name): synth stopped saying the deployed assignment was no longer in the stack.
    from sigmatiq_infra.cli import main

    state = tmp_path / "state.json"
    state.write_text(json.dumps({"values": {"root_module": {"resources": [
        {"address": "azurerm_role_assignment.Api_Reader", "mode": "managed", "type": "azurerm_role_assignment",
         "name": "Api_Reader", "values": {"name": "21111111-1111-1111-1111-111111111111", "principal_id": "x"}},
        {"address": "azurerm_user_assigned_identity.Id", "mode": "managed", "type": "azurerm_user_assigned_identity",
         "name": "Id", "values": {"name": "id-api", "location": "westeurope", "resource_group_name": "rg-service"}},
    ]}}}))
    assert main(["record-deployed", "service", "--state", str(state), "--out", str(tmp_path / "none")]) == 0
    assert capsys.readouterr().out == (
        "# service: recorded from its Terraform state\n\n"
        "[[resource]]\n"
        'stack = "service"\n'
        'type = "azurerm_user_assigned_identity"\n'
        'name = "id-api"\n'
        'arguments = { location = "westeurope", resource_group_name = "rg-service" }\n'
    )


def test_the_snapshot_of_a_stack_reading_another_stacks_local_state_is_the_same_in_any_folder(tmp_path):
    from sigmatiq_infra.testing import Template

    _, service, _, _ = _platform_and_service(tmp_path)
    template = Template.from_stack(service)
    template._folder = "/work/orders"  # synth ran there
    (remote,) = template.doc["data"]["terraform_remote_state"].values()
    remote["config"]["path"] = "/work/orders/terraform.platform.tfstate"
    snapshot = json.loads(template.to_snapshot())
    assert snapshot["data"]["terraform_remote_state"]["cross-stack-reference-input-platform"]["config"] == {
        "path": "terraform.platform.tfstate",
    }


def test_adopting_a_resource_named_at_deploy_time_when_the_record_lists_its_type_is_one_problem_not_silence(stack):
    from helpers import error_of

    from sigmatiq_infra.adoption import Adoption, AdoptionSettings
    from sigmatiq_infra.cdk import TerraformVariable
    from sigmatiq_infra.deployed import DeployedResource

    group = ResourceGroup(stack, "Group", ResourceGroupProps("rg-svc", "westeurope"))
    name = TerraformVariable(stack, "vault_name", type="string").string_value
    vault = KeyVault(stack, "Vault", KeyVaultProps(name, group, public_network_access_enabled=True))
    record = [DeployedResource(stack.node.id, "azurerm_key_vault", "kv-real")]
    settings = AdoptionSettings(enabled=True, subscription_id="00000000-0000-0000-0000-000000000001")
    adoption = Adoption(stack, settings, record)
    assert error_of(lambda: adoption.resource(vault), stack) == (  # imported nothing, and said nothing
        "Adoption 'test': resource() KeyVault 'test/Vault' name '<Terraform expression>' is "
        "known only at deploy time, so the record cannot tell whether it is one of the deployed azurerm_key_vault "
        "(kv-real) and nothing is imported. Allowed: a name known at synth. Fix: write the name at synth (a "
        "setting, not a deploy-time input)."
    )


def test_adopting_a_resource_named_at_deploy_time_when_the_record_has_none_of_its_type_is_no_problem(stack):
    from sigmatiq_infra.adoption import Adoption, AdoptionSettings
    from sigmatiq_infra.cdk import TerraformVariable
    from sigmatiq_infra.deployed import DeployedResource

    group = ResourceGroup(stack, "Group", ResourceGroupProps("rg-svc", "westeurope"))
    name = TerraformVariable(stack, "vault_name", type="string").string_value
    vault = KeyVault(stack, "Vault", KeyVaultProps(name, group, public_network_access_enabled=True))
    record = [DeployedResource("another", "azurerm_key_vault", "kv-real")]
    Adoption(stack, AdoptionSettings(enabled=True), record).resource(vault)
    assert stack.problem_log.problems == []


REASON = "The identity moves to the new region with its apps."
IDENTITY = DeployedResource("svc", "azurerm_user_assigned_identity", "id-api", {"location": "westeurope"})


def _identity_stack(location: str) -> dict:
    return {"resource": {
        "azurerm_user_assigned_identity": {"Id": {"name": "id-api", "location": location}},
        "azurerm_key_vault": {"Vault": {"name": "kv-adopted", "location": "westeurope"}},
    }}


@pytest.mark.parametrize(("location", "opt_in"), [
    ("${var.location}", Replacement("id-api", "location", REASON)),  # known at deploy time: the gate sees it
    ("westeurope", Replacement("id-api", "replace", REASON)),  # a tainted resource: only the plan says so
    ("westeurope", Replacement("kv-adopted", "location", REASON)),  # adopted, not recorded: the gate protects it
])
def test_an_opt_in_the_plan_gate_asks_for_and_synth_cannot_see_is_not_refused_as_lingering(location, opt_in):
    # Synth stopped with "matches no change of a deployed resource" on the opt-in the gate's refusal asked for.
    assert check_stack("svc", _identity_stack(location), DeployedRecord((IDENTITY,)), (opt_in,), {}) == []


@pytest.mark.parametrize("opt_in", [
    Replacement("id-api", "location", REASON), Replacement("id-api", "delete", REASON),
    Replacement("id-apii", "location", REASON),
])
def test_an_opt_in_for_a_change_synth_sees_is_not_made_still_lingers(opt_in):
    assert check_stack("svc", _identity_stack("westeurope"), DeployedRecord((IDENTITY,)), (opt_in,), {}) == [
        f"Replacement 'svc/{opt_in.resource}': argument '{opt_in.argument}' matches no change of a deployed "
        "resource. Allowed: opt-ins only for a change synth would otherwise refuse. Fix: remove the opt-in (once a "
        "replacement is deployed, update the record instead).",
    ]


ASSIGNMENT = "21111111-1111-1111-1111-111111111111"


def test_an_adopted_role_assignment_is_let_go_by_the_opt_in_the_plan_gate_prints_and_synth_keeps_it(tmp_path):
    # The gate names an assignment by its GUID (the plan's `name`): Adoption kept prevent_destroy for that
    # opt-in (it knew the "<role> on <target>" key only), and synth stopped saying it matched no change.
    from sigmatiq_infra import deployed
    from sigmatiq_infra.adoption import Adoption, AdoptionSettings

    _, service, _, _ = _platform_and_service(tmp_path)
    opt_in = Replacement(ASSIGNMENT, "scope", type="azurerm_role_assignment", reason=REASON)
    settings = AdoptionSettings(
        enabled=True, subscription_id="00000000-0000-0000-0000-000000000001",
        role_assignments={"Key Vault Secrets User on kv-platform": ASSIGNMENT}, replacements=(opt_in,),
    )
    Adoption(service, settings).role_assignments()
    deployed.guard(service.node.root, DeployedRecord(), {"service": (opt_in,)})
    service.node.root.synth()
    document = json.loads((tmp_path / "out/stacks/service/cdk.tf.json").read_text())
    (assignment,) = document["resource"]["azurerm_role_assignment"].values()
    assert "lifecycle" not in assignment
    assert document["import"][0]["id"].endswith(f"/roleAssignments/{ASSIGNMENT}")


def test_a_ref_to_a_lookup_of_another_stacks_vault_is_its_data_source(tmp_path):
    # ref(lookup) was a TypeError ("ExistingKeyVault is not a resource"), and the type-and-name form found none.
    from sigmatiq_infra.stacks import App, AzureStack
    from sigmatiq_infra.testing import Template

    stack = AzureStack(App(outdir=str(tmp_path / "out")), "svc")
    group = ResourceGroup(stack, "Group", ResourceGroupProps("rg-svc", "westeurope"))
    shared = KeyVault.from_existing(stack, "Shared", name="kv-shared", resource_group_name="rg-shared")
    shared.grant(BuiltInRole.KEY_VAULT_SECRETS_USER, UserAssignedIdentity(stack, "Id", UserAssignedIdentityProps(
        "id-api", group,
    )))
    template = Template.from_stack(stack)
    assert template.ref(shared) == "${data.azurerm_key_vault.Shared_DACC02AA.id}"
    template.has_resource("azurerm_role_assignment", {"scope": template.ref(shared)})


def test_a_list_given_to_plan_test_as_text_is_written_as_the_list_terraforms_var_reads():
    # Terraform 1.11: `terraform plan -var 'ips=["10.0.0.4"]'` passes; the same text in the test's variables
    # block failed the plan with "Invalid value for input variable: list of string required" (tried).
    from sigmatiq_infra.plan_test import plan_test_file

    document = {"variable": {
        "ips": {"type": "list(string)"}, "tags": {"type": "map(string)"}, "name": {"type": "string"},
    }}
    text = plan_test_file(document, {"ips": '["10.0.0.4"]', "tags": '{"team": "orders"}', "name": '["x"]'})
    assert (
        'variables {\n  ips  = [\n    "10.0.0.4",\n  ]\n  name = "[\\"x\\"]"\n  tags = {\n    team = "orders"\n  }\n}\n'
    ) in text


def test_record_deployed_given_another_stacks_state_names_that_stack(tmp_path, capsys):
    # The platform's state recorded as the service's: every entry then stopped synth as a resource that had
    # left the service stack.
    from sigmatiq_infra.cli import main

    platform, _, _, _ = _platform_and_service(tmp_path)
    platform.node.root.synth()
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"values": {"root_module": {"resources": [
        {"address": "azurerm_key_vault.Vault_23237E5B", "mode": "managed", "type": "azurerm_key_vault",
         "name": "Vault_23237E5B", "values": {"name": "kv-platform", "location": "westeurope"}},
        {"address": "azurerm_resource_group.Group_C77FDACD", "mode": "managed", "type": "azurerm_resource_group",
         "name": "Group_C77FDACD", "values": {"name": "rg-platform", "location": "westeurope"}},
    ]}}}))
    out = tmp_path / "out"
    assert main(["record-deployed", "service", "--state", str(state), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: record-deployed: {state} holds none of the resources of stack 'service', but those "
        f"of stack 'platform'. Fix: pass the state of service (`terraform show -json` in {out}/stacks/service), or "
        f"record it as platform: record-deployed platform --state {state}.\n"
    )
    assert main(["record-deployed", "platform", "--state", str(state), "--out", str(out)]) == 0


def test_the_plan_test_answers_another_stacks_subnet_id_in_the_shape_azurerm_checks(tmp_path):
    # azurerm checks a subnet id's shape at plan (`.../virtualNetworks/<vnet>/subnets/<name>`).
    from sigmatiq_infra.constructs import (
        ContainerAppEnvironment,
        ContainerAppEnvironmentProps,
        LogAnalyticsWorkspace,
        LogAnalyticsWorkspaceProps,
        SubnetRole,
        SubnetSpec,
        VirtualNetwork,
        VirtualNetworkProps,
    )
    from sigmatiq_infra.plan_test import write_plan_test
    from sigmatiq_infra.stacks import App, AzureStack

    app = App(outdir=str(tmp_path / "out"))
    network, platform = AzureStack(app, "network"), AzureStack(app, "platform")
    vnet = VirtualNetwork(network, "Vnet", VirtualNetworkProps(
        "vnet-main", ResourceGroup(network, "Group", ResourceGroupProps("rg-net", "westeurope")), "10.20.0.0/16",
        [SubnetSpec("snet-apps", "10.20.0.0/23", SubnetRole.CONTAINER_APPS)],
    ))
    group = ResourceGroup(platform, "Group", ResourceGroupProps("rg-plat", "westeurope"))
    ContainerAppEnvironment(platform, "Env", ContainerAppEnvironmentProps(
        "cae-plat", group, LogAnalyticsWorkspace(platform, "Logs", LogAnalyticsWorkspaceProps("log-plat", group)),
        virtual_network=vnet,
    ))
    app.synth()
    assert (
        "      cross-stack-output-azurerm_subnetVnet_Subnet-snet-apps_E3C5B7C6id = \"/subscriptions/"
        "00000000-0000-0000-0000-00000000a001/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/"
        "vnet-main/subnets/snet-apps\"\n"
    ) in write_plan_test(tmp_path / "out", "platform").read_text()


def test_a_ref_to_a_deploy_time_input_is_its_var_expression(tmp_path):
    # ref(variable) was a TypeError ("TerraformVariable is not a resource"); its `.string_value` is a token.
    from sigmatiq_infra.cdk import TerraformVariable
    from sigmatiq_infra.stacks import App, AzureStack
    from sigmatiq_infra.testing import Template

    stack = AzureStack(App(outdir=str(tmp_path / "out")), "svc")
    location = TerraformVariable(stack, "location", type="string")
    ResourceGroup(stack, "Group", ResourceGroupProps("rg-svc", location.string_value))
    template = Template.from_stack(stack)
    assert template.ref(location) == "${var.location}"
    template.has_resource("azurerm_resource_group", {"location": template.ref(location)})


def test_a_recorded_resource_whose_name_is_now_a_deploy_time_value_is_left_to_the_plan_gate():
    # Synth said it was "no longer in the stack" though the input may well give the deployed name; the plan
    # gate, which sees the name, still refuses deleting it.
    from sigmatiq_infra import plan_gate

    vault = DeployedResource("svc", "azurerm_key_vault", "kv-real", {"location": "westeurope"})
    named_later = {"resource": {"azurerm_key_vault": {"Vault": {
        "name": "${var.vault_name}", "location": "westeurope",
    }}}}
    assert check_stack("svc", named_later, DeployedRecord((vault,)), (), {}) == []
    renamed = {"resource": {"azurerm_key_vault": {"Vault": {"name": "kv-other", "location": "westeurope"}}}}
    assert len(check_stack("svc", renamed, DeployedRecord((vault,)), (), {})) == 1
    deleted = plan_gate.Change("azurerm_key_vault.Vault", "azurerm_key_vault", "Vault", "delete", False, "kv-real")
    assert plan_gate.blocked("svc", [deleted], named_later, (vault,), (), {}) == [
        "svc: the plan would delete azurerm_key_vault.Vault (kv-real), which is protected: it is recorded as "
        "deployed. Fix: change the code or settings that cause it, or opt in with Replacement('kv-real', 'delete', "
        "type='azurerm_key_vault', reason=...) in the svc adoption settings.",
    ]
