"""Apps of several stacks (a platform or network stack deployed first, services after it):
what one stack's construct makes for another's (a grant to its identity, the zone of its
environment's domain) is made where the stacks keep using each other in one direction, an app
waits only for what its own stack makes, and two stacks that would use each other are one
problem. Found by probing a two-stack app from outside the repository."""

from helpers import error_of, stacks_with_groups, synthesized_documents

from sigmatiq_infra.constructs import (
    ContainerApp,
    ContainerAppEnvironment,
    ContainerAppEnvironmentProps,
    ContainerAppProps,
    ContainerRegistry,
    ContainerRegistryProps,
    KeyVault,
    KeyVaultProps,
    LogAnalyticsWorkspace,
    LogAnalyticsWorkspaceProps,
    PrivateDnsZones,
    PrivateDnsZonesProps,
    SecretProps,
    SubnetRole,
    SubnetSpec,
    UserAssignedIdentity,
    UserAssignedIdentityProps,
    VirtualNetwork,
    VirtualNetworkProps,
    WriteOnlySecret,
)


def _registry_and_logs(platform, group):
    """The platform's public registry and its workspace."""
    registry = ContainerRegistry(platform, "Acr", ContainerRegistryProps(
        "acrplatformx1", group, sku="Basic", public_network_access_enabled=True,
    ))
    return registry, LogAnalyticsWorkspace(platform, "Logs", LogAnalyticsWorkspaceProps("log-platform", group))


def test_an_apps_grants_are_made_in_its_stack_and_a_grant_to_another_stacks_identity_in_the_identitys(tmp_path):
    app, (platform, service), (shared, own) = stacks_with_groups(tmp_path, "platform", "service")
    registry, logs = _registry_and_logs(platform, shared)
    vault = KeyVault(platform, "Vault", KeyVaultProps("kv-platform-x1", shared))
    identity = UserAssignedIdentity(service, "Id", UserAssignedIdentityProps("id-svc", own))
    environment = ContainerAppEnvironment(service, "Env", ContainerAppEnvironmentProps(
        "cae-svc", own, log_analytics_workspace=logs,
    ))
    ContainerApp(service, "Api", ContainerAppProps("api", environment, identity, registry, "svc/api", "1.0.0", 8080))
    vault.grant_secrets_read(identity)
    app.synth()  # in the registry's and vault's stack, the grants made the two stacks use each other: cdktf refused
    documents = synthesized_documents(tmp_path)
    assert "azurerm_role_assignment" not in documents["platform"]["resource"]
    pull, read = documents["service"]["resource"]["azurerm_role_assignment"].values()
    assert (pull["//"]["metadata"]["path"], read["//"]["metadata"]["path"]) == (
        "service/Api/AcrPull-acrplatformx1-id-svc", "service/Id/KeyVaultSecretsUser-kv-platform-x1",
    )
    assert pull["principal_id"] == "${azurerm_user_assigned_identity.Id_6F45185B.principal_id}"
    assert pull["scope"] == (
        "${data.terraform_remote_state.cross-stack-reference-input-platform.outputs."
        "cross-stack-output-azurerm_container_registryAcr_CEB9FBBAid}"
    )
    (api,) = documents["service"]["resource"]["azurerm_container_app"].values()
    assert api["depends_on"] == ["azurerm_role_assignment.Api_AcrPull-acrplatformx1-id-svc_70E1C54C"]


def test_two_stacks_that_would_use_each_other_are_one_problem_naming_both(tmp_path):
    app, (platform, service), (shared, own) = stacks_with_groups(tmp_path, "platform", "service")
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
    app, (network, service), (shared, own) = stacks_with_groups(tmp_path, "platform", "service")
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
    documents = synthesized_documents(tmp_path)
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


def test_an_app_waits_only_for_the_grants_and_secrets_its_own_stack_makes(tmp_path):
    app, (platform, service), (shared, own) = stacks_with_groups(tmp_path, "platform", "service")
    registry, logs = _registry_and_logs(platform, shared)
    identity = UserAssignedIdentity(platform, "Id", UserAssignedIdentityProps("id-apps", shared))
    environment = ContainerAppEnvironment(platform, "Env", ContainerAppEnvironmentProps(
        "cae-shared", shared, log_analytics_workspace=logs,
    ))
    vault = KeyVault(platform, "Vault", KeyVaultProps("kv-platform-x1", shared, public_network_access_enabled=True))
    token = vault.add_secret("Token", SecretProps("shared-token", WriteOnlySecret.from_inputs(platform, "token", "x")))
    own_vault = KeyVault(service, "Vault", KeyVaultProps("kv-service-x1", own, public_network_access_enabled=True))
    own_token = own_vault.add_secret("Token", SecretProps("own-token", WriteOnlySecret.from_inputs(service, "t", "x")))
    ContainerApp(service, "Api", ContainerAppProps(
        "api", environment, identity, registry, "svc/api", "1.0.0", 8080,
        secret_env={"SHARED_TOKEN": token, "OWN_TOKEN": own_token},
    ))
    app.synth()  # the platform's grant and secret in depends_on: remote-state outputs Terraform refuses there
    (api,) = synthesized_documents(tmp_path)["service"]["resource"]["azurerm_container_app"].values()
    assert api["depends_on"] == [  # the platform's secret is deployed with the platform, before the service
        "azurerm_role_assignment.Api_AcrPull-acrplatformx1-id-apps_15F77D9A",
        "azurerm_role_assignment.Api_KeyVaultSecretsUser-kv-platform-x1-id-apps_A326BD0C",
        "azurerm_role_assignment.Vault_KeyVaultSecretsUser-id-apps_7272ACC7",
        "azurerm_key_vault_secret.Vault_Token_92211D8D",
    ]


def test_a_grant_made_in_one_stack_is_the_one_an_app_of_another_stack_gets(tmp_path):
    app, (platform, service), (shared, _own) = stacks_with_groups(tmp_path, "platform", "service")
    registry, logs = _registry_and_logs(platform, shared)
    identity = UserAssignedIdentity(platform, "Id", UserAssignedIdentityProps("id-apps", shared))
    pull = registry.grant_pull(identity)  # in the platform: both are its own
    environment = ContainerAppEnvironment(platform, "Env", ContainerAppEnvironmentProps(
        "cae-shared", shared, log_analytics_workspace=logs,
    ))
    ContainerApp(service, "Api", ContainerAppProps("api", environment, identity, registry, "svc/api", "1.0.0", 8080))
    assert registry.grant_pull(identity, used_by=environment) is pull
    app.synth()  # a second AcrPull of the identity on the registry: Azure refuses it (RoleAssignmentExists)
    documents = synthesized_documents(tmp_path)
    assert list(documents["platform"]["resource"]["azurerm_role_assignment"]) == [
        "Acr_AcrPull-id-apps_F6AD5A0E",
    ]
    assert "azurerm_role_assignment" not in documents["service"]["resource"]
    (api,) = documents["service"]["resource"]["azurerm_container_app"].values()
    assert "depends_on" not in api  # the platform, and its grant, is deployed before the service
