"""Grants create role assignments once per role, scope and principal. In an app of several
stacks, what one stack's construct makes for another's (a grant to its identity, the zone of
its environment's domain) is made where the stacks keep using each other in one direction."""

from sigmatiq_infra.constructs import (
    BuiltInRole,
    KeyVault,
    KeyVaultProps,
    UserAssignedIdentity,
    UserAssignedIdentityProps,
)


def test_granting_the_same_role_twice_returns_the_first_assignment(stack, group):
    vault = KeyVault(stack, "Vault", KeyVaultProps("kv-test", group))
    identity = UserAssignedIdentity(stack, "Identity", UserAssignedIdentityProps("mi-test", group))
    first = vault.grant_secrets_read(identity)
    assert vault.grant_secrets_read(identity) is first
    assert vault.grant_secrets_write(identity) is not first


def test_two_identities_with_the_same_construct_id_get_separate_assignments(stack, group):
    from constructs import Construct

    vault = KeyVault(stack, "Vault", KeyVaultProps("kv-test", group))
    one = UserAssignedIdentity(Construct(stack, "A"), "Identity", UserAssignedIdentityProps("mi-a", group))
    two = UserAssignedIdentity(Construct(stack, "B"), "Identity", UserAssignedIdentityProps("mi-b", group))
    assert vault.grant_secrets_read(one) is not vault.grant_secrets_read(two)


def test_built_in_roles_carry_azure_role_definition_guids():
    assert {role.display_name: role.guid for role in BuiltInRole} == {
        "AcrPull": "7f951dda-4ed3-4680-a7ca-43fe172d538d",
        "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
        "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
        "App Configuration Data Reader": "516239f1-63e1-4d78-a4de-a74fb236a071",
        "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
        "App Configuration Data Owner": "5ae67dd6-50cb-40e7-96ff-dc2bfa4b606b",
        "AcrPush": "8311e382-0749-4cb8-b61a-304f252e45ec",
        "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
        "Key Vault Administrator": "00482a5a-887f-4fb3-b363-3b7fe8e74483",
        "Key Vault Reader": "21090545-7ca7-4776-b22c-e363652d74d2",
        "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
        "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
        "Monitoring Reader": "43d0d8ad-25c7-4714-9337-8ba259a9fe05",
        "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        "Monitoring Contributor": "749f88d5-cbae-40b8-bcfc-e573ddc772fa",
        "Log Analytics Reader": "73c42c96-874c-492b-b04d-ab87d138a893",
        "Azure Service Bus Data Sender": "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
        "Azure Service Bus Data Receiver": "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
    }


def _two_stacks(tmp_path):
    from sigmatiq_infra.constructs import ResourceGroup, ResourceGroupProps
    from sigmatiq_infra.stacks import App, AzureStack

    app = App(outdir=str(tmp_path / "out"))
    platform, service = AzureStack(app, "platform"), AzureStack(app, "service")
    groups = [ResourceGroup(s, "Group", ResourceGroupProps(f"rg-{name}", "westeurope"))
              for s, name in ((platform, "platform"), (service, "service"))]
    return app, platform, service, groups


def test_a_grant_to_another_stacks_identity_is_made_in_the_identitys_stack_which_then_uses_the_resources(tmp_path):
    import json

    from sigmatiq_infra.constructs import (
        ContainerApp,
        ContainerAppEnvironment,
        ContainerAppEnvironmentProps,
        ContainerAppProps,
        ContainerRegistry,
        ContainerRegistryProps,
        LogAnalyticsWorkspace,
        LogAnalyticsWorkspaceProps,
    )

    app, platform, service, (shared, own) = _two_stacks(tmp_path)
    registry = ContainerRegistry(platform, "Acr", ContainerRegistryProps(
        "acrplatformx1", shared, sku="Basic", public_network_access_enabled=True,
    ))
    logs = LogAnalyticsWorkspace(platform, "Logs", LogAnalyticsWorkspaceProps("log-platform", shared))
    identity = UserAssignedIdentity(service, "Id", UserAssignedIdentityProps("id-svc", own))
    environment = ContainerAppEnvironment(service, "Env", ContainerAppEnvironmentProps(
        "cae-svc", own, log_analytics_workspace=logs,
    ))
    ContainerApp(service, "Api", ContainerAppProps("api", environment, identity, registry, "svc/api", "1.0.0", 8080))
    app.synth()  # in the registry's stack, the pull grant made the two stacks use each other: cdktf refused
    documents = {name: json.loads((tmp_path / f"out/stacks/{name}/cdk.tf.json").read_text())
                 for name in ("platform", "service")}
    assert "azurerm_role_assignment" not in documents["platform"]["resource"]
    (pull,) = documents["service"]["resource"]["azurerm_role_assignment"].values()
    assert pull["//"]["metadata"]["path"] == "service/Id/AcrPull-acrplatformx1"
    assert pull["principal_id"] == "${azurerm_user_assigned_identity.Id_6F45185B.principal_id}"
    assert pull["scope"] == (
        "${data.terraform_remote_state.cross-stack-reference-input-platform.outputs."
        "cross-stack-output-azurerm_container_registryAcr_CEB9FBBAid}"
    )
    (api,) = documents["service"]["resource"]["azurerm_container_app"].values()
    assert "azurerm_role_assignment.Id_AcrPull-acrplatformx1_42DC2175" in api["depends_on"]


def test_two_stacks_that_would_use_each_other_are_one_problem_naming_both(tmp_path):
    from helpers import error_of

    from sigmatiq_infra.constructs import ContainerRegistry, ContainerRegistryProps

    app, platform, service, (shared, own) = _two_stacks(tmp_path)
    vault = KeyVault(platform, "Vault", KeyVaultProps("kv-platform-x1", shared))
    registry = ContainerRegistry(service, "Acr", ContainerRegistryProps("acrservicex1", own))
    vault.grant_secrets_read(UserAssignedIdentity(service, "Id", UserAssignedIdentityProps("id-svc", own)))
    registry.grant_pull(UserAssignedIdentity(platform, "Id", UserAssignedIdentityProps("id-platform", shared)))
    assert error_of(app.synth) == (
        "AzureStack 'service': reference to stack 'platform' would make 'service' and 'platform' depend on each "
        "other ('platform' already uses a value of 'service', directly or through another stack). Allowed: "
        "references between stacks in one direction: Terraform deploys a stack after the stacks whose values it "
        "uses. Fix: keep what both use in the stack deployed first and reference it only from the stacks deployed "
        "after it (a grant to another stack's identity is made in the identity's stack, so it is such a reference)."
    )
    assert not (tmp_path / "out").exists()


def test_an_environment_of_another_stack_than_its_network_makes_the_zone_of_its_own_domain(tmp_path):
    import json

    from sigmatiq_infra.constructs import (
        ContainerAppEnvironment,
        ContainerAppEnvironmentProps,
        LogAnalyticsWorkspace,
        LogAnalyticsWorkspaceProps,
        PrivateDnsZones,
        PrivateDnsZonesProps,
        SubnetRole,
        SubnetSpec,
        VirtualNetwork,
        VirtualNetworkProps,
    )

    app, network, service, (shared, own) = _two_stacks(tmp_path)
    vnet = VirtualNetwork(network, "Vnet", VirtualNetworkProps("vnet-main", shared, "10.20.0.0/16", [
        SubnetSpec("snet-apps", "10.20.0.0/23", SubnetRole.CONTAINER_APPS),
    ]))
    zones = PrivateDnsZones(network, "Zones", PrivateDnsZonesProps(shared, vnet))
    logs = LogAnalyticsWorkspace(network, "Logs", LogAnalyticsWorkspaceProps("log-main", shared))
    environment = ContainerAppEnvironment(service, "Env", ContainerAppEnvironmentProps(
        "cae-svc", own, log_analytics_workspace=logs, virtual_network=vnet,
    ))
    environment.add_private_dns(zones)
    app.synth()  # in the network's stack, the zone named after the environment's domain made the stacks cycle
    documents = {name: json.loads((tmp_path / f"out/stacks/{name}/cdk.tf.json").read_text())
                 for name in ("platform", "service")}
    assert "azurerm_private_dns_zone" not in documents["platform"]["resource"]
    (zone,) = documents["service"]["resource"]["azurerm_private_dns_zone"].values()
    (link,) = documents["service"]["resource"]["azurerm_private_dns_zone_virtual_network_link"].values()
    assert (zone["name"], zone["resource_group_name"]) == (
        "${azurerm_container_app_environment.Env_C33A5BD9.default_domain}", "rg-platform",
    )
    assert link["virtual_network_id"] == (
        "${data.terraform_remote_state.cross-stack-reference-input-platform.outputs."
        "cross-stack-output-azurerm_virtual_networkVnet_6D476A84id}"
    )
