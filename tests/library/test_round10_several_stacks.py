"""Apps of several stacks, as a team splits an estate (network, platform, data, services): what a
construct makes for another's in another stack lands where the stacks keep using each other in
one direction, and `depends_on` names only its own stack's resources (Terraform refuses another
stack's remote-state output there). Found by probing such apps from outside the repository."""

import json

from helpers import error_of, stacks_with_groups, synthesized_documents

from sigmatiq_infra.constructs import (
    SubnetRole,
    SubnetSpec,
    VirtualNetwork,
    VirtualNetworkProps,
)


def _network(stack, group):
    return VirtualNetwork(stack, "Vnet", VirtualNetworkProps("vnet-main", group, "10.20.0.0/16", [
        SubnetSpec("snet-apps", "10.20.0.0/23", SubnetRole.CONTAINER_APPS),
        SubnetSpec("snet-pe", "10.20.2.0/24", SubnetRole.PRIVATE_ENDPOINTS),
        SubnetSpec("snet-in", "10.20.3.0/28", SubnetRole.DNS_RESOLVER_INBOUND),
        SubnetSpec("GatewaySubnet", "10.20.4.0/27", SubnetRole.GATEWAY),
    ]))


def test_a_vpn_gateway_waiting_for_another_stacks_dns_servers_waits_for_that_stack(tmp_path):
    from sigmatiq_infra.constructs import DnsResolver, DnsResolverProps, RootCertificate, VpnGateway, VpnGatewayProps

    app, (network, dns, vpn), (shared, resolvers, gateways) = stacks_with_groups(tmp_path, "network", "dns", "vpn")
    vnet = _network(network, shared)
    resolver = DnsResolver(dns, "Resolver", DnsResolverProps("dnspr-main", resolvers, vnet, "10.20.3.4"))
    VpnGateway(vpn, "Vpn", VpnGatewayProps(
        "vpng-main", gateways, vnet, "172.16.0.0/24", [RootCertificate.from_input(vpn, "root_cert", "P2SRoot")],
        depends_on=[resolver.vnet_dns_servers],
    ))
    app.synth()  # depends_on named the resolver stack's remote-state output: Terraform refuses it
    (gateway,) = synthesized_documents(tmp_path)["vpn"]["resource"]["azurerm_virtual_network_gateway"].values()
    assert "depends_on" not in gateway
    manifest = json.loads((tmp_path / "out/manifest.json").read_text())
    assert manifest["stacks"]["vpn"]["dependencies"] == ["dns", "network"]  # deployed after the DNS servers


def test_a_secret_input_of_one_stack_written_by_another_stacks_vault_is_one_problem(tmp_path):
    from helpers import error_of

    from sigmatiq_infra.constructs import KeyVault, KeyVaultProps, SecretProps, WriteOnlySecret

    app, (platform, service), (_shared, own) = stacks_with_groups(tmp_path, "platform", "service")
    token = WriteOnlySecret.from_inputs(platform, "api_token", "the API token")
    vault = KeyVault(service, "Vault", KeyVaultProps("kv-service-x10", own, public_network_access_enabled=True))
    vault.add_secret("Token", SecretProps("api-token", token))
    # cdktf passed the ephemeral input through an output of 'platform': Terraform refuses it
    assert error_of(app.synth) == (
        "KeyVault 'service/Vault/Token': value 'api_token' is a deploy-time input of stack 'platform', used in "
        "stack 'service'. Allowed: a secret input of the stack that sends it to Azure (Terraform passes no "
        "ephemeral value from one stack to another). Fix: make the input in stack 'service': "
        "WriteOnlySecret.from_inputs(<stack 'service'>, 'api_token', ...), and set its TF_VAR_ when deploying that "
        "stack."
    )
    assert not (tmp_path / "out").exists()


def test_a_postgres_password_input_of_another_stack_is_one_problem_and_of_its_own_stack_none(tmp_path):
    from helpers import error_of

    from sigmatiq_infra.constructs import PostgresServer, PostgresServerProps, WriteOnlySecret

    app, (platform, data), (_shared, own) = stacks_with_groups(tmp_path, "platform", "data")
    PostgresServer(data, "Own", PostgresServerProps(
        "psql-own-x10", own, "B_Standard_B1ms", "dbadmin", WriteOnlySecret.from_inputs(data, "own_password", "it"),
    ))
    PostgresServer(data, "Db", PostgresServerProps(
        "psql-data-x10", own, "B_Standard_B1ms", "dbadmin", WriteOnlySecret.from_inputs(platform, "db_password", "it"),
    ))
    assert error_of(app.synth).startswith(
        "PostgresServer 'data/Db': administrator_password 'db_password' is a deploy-time input of stack 'platform', "
        "used in stack 'data'.",
    )


def test_adopting_a_secret_another_stack_writes_is_one_problem(tmp_path):
    from helpers import error_of

    from sigmatiq_infra.adoption import Adoption, AdoptionSettings
    from sigmatiq_infra.constructs import KeyVault, KeyVaultProps, SecretProps, WriteOnlySecret

    app, (platform, service), (shared, _own) = stacks_with_groups(tmp_path, "platform", "service")
    vault = KeyVault(platform, "Vault", KeyVaultProps("kv-platform-x10", shared, public_network_access_enabled=True))
    token = vault.add_secret("Token", SecretProps("api-token", WriteOnlySecret.from_inputs(platform, "token", "it")))
    settings = AdoptionSettings(
        enabled=True, subscription_id="00000000-0000-0000-0000-000000000001",
        secret_versions={"api-token": "00000000000000000000000000000001"},
    )
    Adoption(service, settings).secret(token, "kv-platform-x10", "api-token")
    # it imported the platform's secret, in the platform's stack, by the service's settings
    assert error_of(app.synth) == (
        "Adoption 'service': secret() 'api-token' is written by stack 'platform', not by this one. Allowed: a Key "
        "Vault secret this stack writes. Fix: adopt it with the Adoption of its own stack."
    )


def test_the_cost_of_a_stack_whose_budget_holds_another_stacks_group_says_that_group_is_left_out(tmp_path, capsys):
    from sigmatiq_infra.cli import main
    from sigmatiq_infra.constructs import (
        ActionGroup,
        ActionGroupProps,
        Budget,
        BudgetProps,
        RedisCache,
        RedisCacheProps,
        UserAssignedIdentity,
        UserAssignedIdentityProps,
    )

    app, (data, service), (stores, own) = stacks_with_groups(tmp_path, "data", "service")
    RedisCache(data, "Redis", RedisCacheProps("redis-data-x10", stores, sku="Premium", capacity=1))
    UserAssignedIdentity(service, "Id", UserAssignedIdentityProps("id-api", own))
    actions = ActionGroup(service, "Actions", ActionGroupProps("ag-service", own, "agservice"))
    Budget(service, "Budget", BudgetProps("budget-service", 100, "2026-12-01", [own, stores], action_group=actions))
    app.synth()
    assert main(["cost", "service", "--out", str(tmp_path / "out")]) == 0
    # it said $100.00 under the budget, while the data stack's Premium cache alone costs four times that
    assert (
        "Budget: $100/month (budget-service, notifies at 80% actual and 100% forecast); this estimate is $100.00 "
        "under it. It also holds rg-data, where this stack has no resource: add the estimates of the stacks "
        "deployed there.\n"
    ) in capsys.readouterr().out
    assert main(["cost", "data", "--out", str(tmp_path / "out")]) == 0
    assert "Budget:" not in capsys.readouterr().out


def test_adopting_a_grant_on_another_stacks_resource_group_imports_it_by_the_groups_id(tmp_path):
    from sigmatiq_infra.adoption import Adoption, AdoptionSettings
    from sigmatiq_infra.constructs import BuiltInRole, UserAssignedIdentity, UserAssignedIdentityProps

    app, (_, service), (shared, own) = stacks_with_groups(tmp_path, "network", "service")
    identity = UserAssignedIdentity(service, "Id", UserAssignedIdentityProps("id-api", own))
    shared.grant(BuiltInRole.READER, identity)  # in the identity's stack
    settings = AdoptionSettings(
        enabled=True, subscription_id="00000000-0000-0000-0000-000000000001",
        role_assignments={"Reader on rg-network": "21111111-1111-1111-1111-111111111111"},
    )
    Adoption(service, settings).role_assignments()  # stopped the app with AttributeError: no resource_group_name
    app.synth()
    assert synthesized_documents(tmp_path)["service"]["import"] == [{
        "id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-network/providers/"
              "Microsoft.Authorization/roleAssignments/21111111-1111-1111-1111-111111111111",
        "to": "azurerm_role_assignment.Id_Reader-rg-network_D9D0E400",
    }]


def test_a_lock_and_diagnostics_on_a_resource_and_on_another_stacks_lookup_of_it_say_to_add_them_once(tmp_path):
    from helpers import error_of

    from sigmatiq_infra.constructs import KeyVault, KeyVaultProps, LogAnalyticsWorkspace, LogAnalyticsWorkspaceProps

    app, (platform, service), (shared, _own) = stacks_with_groups(tmp_path, "platform", "service")
    vault = KeyVault(platform, "Vault", KeyVaultProps("kv-platform-x10", shared))
    logs = LogAnalyticsWorkspace(platform, "Logs", LogAnalyticsWorkspaceProps("log-platform", shared))
    vault.add_diagnostic_settings(logs)
    vault.add_lock("Holds the platform's secrets.")
    lookup = KeyVault.from_existing(service, "SharedVault", name="kv-platform-x10", resource_group_name="rg-platform")
    lookup.add_diagnostic_settings(logs)
    lookup.add_lock("Holds the platform's secrets.")
    # the fix said to rename one of the two, and the names are derived from the one vault's
    assert error_of(app.synth).splitlines() == [
        "lock 'service/SharedVault/DeleteLock': name 'lock-kv-platform-x10' is already the name of lock "
        "'platform/Vault/DeleteLock' (Azure compares names in any case). Allowed: one lock per name in the locked "
        "resource. Fix: lock it from one of the two constructs only (they are one Azure resource).",
        "diagnostic setting 'service/SharedVault/Diagnostics': name 'diag-log-platform' is already the name of "
        "diagnostic setting 'platform/Vault/Diagnostics' (Azure compares names in any case). Allowed: one "
        "diagnostic setting per name in the resource it reads. Fix: add the diagnostic settings on one of the two "
        "constructs only (they are one Azure resource).",
    ]


def test_a_resource_in_another_stacks_resource_group_makes_its_stack_wait_for_that_one(tmp_path):
    from sigmatiq_infra.constructs import (
        PrivateDnsZones,
        PrivateDnsZonesProps,
        UserAssignedIdentity,
        UserAssignedIdentityProps,
    )

    app, (platform, service, dns), (shared, _own, _names) = stacks_with_groups(tmp_path, "platform", "service", "dns")
    UserAssignedIdentity(service, "Id", UserAssignedIdentityProps("id-api", shared))
    vnet = _network(platform, shared)
    zones = PrivateDnsZones(platform, "Zones", PrivateDnsZonesProps(shared, vnet))
    zones.add_a_record(dns, "Www", zones.zone("corp.internal"), name="www", records=["10.20.2.10"])
    app.synth()  # the group's name is a literal: nothing told cdktf, which deployed the two in any order
    (identity,) = synthesized_documents(tmp_path)["service"]["resource"]["azurerm_user_assigned_identity"].values()
    assert identity["resource_group_name"] == "rg-platform"
    manifest = json.loads((tmp_path / "out/manifest.json").read_text())
    assert {name: stack["dependencies"] for name, stack in manifest["stacks"].items()} == {
        "platform": [], "service": ["platform"], "dns": ["platform"],
    }


def test_a_resource_in_the_group_of_a_stack_that_uses_its_own_stack_is_one_problem_naming_both(tmp_path):
    from helpers import error_of

    from sigmatiq_infra.constructs import KeyVault, KeyVaultProps, UserAssignedIdentity, UserAssignedIdentityProps

    app, (platform, service), (shared, own) = stacks_with_groups(tmp_path, "platform", "service")
    KeyVault(platform, "Vault", KeyVaultProps("kv-platform-x10", shared)).grant_secrets_read(
        UserAssignedIdentity(service, "Id", UserAssignedIdentityProps("id-api", own)), used_by=platform,
    )  # platform uses the service's identity
    UserAssignedIdentity(service, "Other", UserAssignedIdentityProps("id-other", shared))  # in the platform's group
    assert error_of(app.synth) == (
        "AzureStack 'platform': reference to stack 'service' would make 'platform' and 'service' depend on each "
        "other ('service' already uses a value of 'platform', directly or through another stack). Allowed: "
        "references between stacks in one direction: Terraform deploys a stack after the stacks whose values it "
        "uses. Fix: keep what both use in the stack deployed first and reference it only from the stacks deployed "
        "after it (a grant to another stack's identity is made in the identity's stack, so it is such a reference)."
    )


def test_the_diagram_of_a_stack_draws_another_stacks_resources_it_uses_not_their_remote_state(tmp_path, capsys):
    from sigmatiq_infra.cli import main
    from sigmatiq_infra.constructs import (
        ContainerApp,
        ContainerAppEnvironment,
        ContainerAppEnvironmentProps,
        ContainerAppProps,
        ContainerRegistry,
        ContainerRegistryProps,
        LogAnalyticsWorkspace,
        LogAnalyticsWorkspaceProps,
        UserAssignedIdentity,
        UserAssignedIdentityProps,
    )

    app, (platform, service), (shared, own) = stacks_with_groups(tmp_path, "platform", "service")
    registry = ContainerRegistry(platform, "Acr", ContainerRegistryProps(
        "acrplatformx10", shared, sku="Basic", public_network_access_enabled=True,
    ))
    logs = LogAnalyticsWorkspace(platform, "Logs", LogAnalyticsWorkspaceProps("log-platform", shared))
    environment = ContainerAppEnvironment(platform, "Env", ContainerAppEnvironmentProps(
        "cae-shared", shared, log_analytics_workspace=logs,
    ))
    identity = UserAssignedIdentity(service, "Id", UserAssignedIdentityProps("id-api", own))
    ContainerApp(service, "Api", ContainerAppProps("api", environment, identity, registry, "svc/api", "1.0.0", 8080))
    app.synth()
    assert main(["diagram", "service", "--out", str(tmp_path / "out"), "--out-dir", str(tmp_path / "pictures")]) == 0
    assert capsys.readouterr().out.startswith("service: 4 resources and 3 lookups in 2 groups")
    lines = (tmp_path / "pictures/service.mmd").read_text().splitlines()
    # every edge to the platform went to one node, "cross-stack-reference-input-platform"
    assert not [line for line in lines if "remote state" in line]
    assert [line for line in lines if "-->" in line] == [
        "  n_azurerm_container_app_Api_F70053CD -->|runs in| n_data_azurerm_container_app_environment_platform_Env_"
        "C33A5BD9",
        "  n_azurerm_container_app_Api_F70053CD -->|runs as| n_azurerm_user_assigned_identity_Id_6F45185B",
        "  n_azurerm_container_app_Api_F70053CD -->|pulls from| n_data_azurerm_container_registry_platform_Acr_"
        "CEB9FBBA",
        "  n_azurerm_user_assigned_identity_Id_6F45185B -->|holds| n_azurerm_role_assignment_Api_AcrPull_"
        "acrplatformx10_id_api_10D88B5A",
        "  n_azurerm_role_assignment_Api_AcrPull_acrplatformx10_id_api_10D88B5A -->|AcrPull| n_data_azurerm_container_"
        "registry_platform_Acr_CEB9FBBA",
    ]
    assert (
        '    n_data_azurerm_container_app_environment_platform_Env_C33A5BD9[/"cae-shared<br/><small>Container '
        'Apps environment</small>"/]'
    ) in lines


def test_the_same_access_an_app_of_a_third_stack_has_asked_again_in_the_identitys_stack_is_one_problem(tmp_path):
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
        UserAssignedIdentity,
        UserAssignedIdentityProps,
    )

    app, (platform, identities, service), (shared, people, own) = stacks_with_groups(
        tmp_path, "platform", "identities", "service",
    )
    vault = KeyVault(platform, "Vault", KeyVaultProps("kv-platform-x10", shared, public_network_access_enabled=True))
    identity = UserAssignedIdentity(identities, "Id", UserAssignedIdentityProps("id-api", people))
    registry = ContainerRegistry(service, "Acr", ContainerRegistryProps(
        "acrservicex10", own, sku="Basic", public_network_access_enabled=True,
    ))
    logs = LogAnalyticsWorkspace(service, "Logs", LogAnalyticsWorkspaceProps("log-service", own))
    environment = ContainerAppEnvironment(service, "Env", ContainerAppEnvironmentProps(
        "cae-service", own, log_analytics_workspace=logs,
    ))
    api = ContainerApp(service, "Api", ContainerAppProps(
        "api", environment, identity, registry, "svc/api", "1.0.0", 8080, secret_env={"TOKEN": vault.secret("token")},
    ))
    first = api.node.find_child("KeyVaultSecretsUser-kv-platform-x10-id-api")
    # The service is deployed after the identities' stack: what there relies on the access cannot
    # wait for the service's assignment, and a second one Azure refuses (RoleAssignmentExists).
    assert vault.grant_secrets_read(identity) is not first
    assert error_of(app.synth) == (
        "role assignment 'service/Api/KeyVaultSecretsUser-kv-platform-x10-id-api': role 'Key Vault Secrets User' is "
        "already assigned to the same principal on the same scope by role assignment "
        "'identities/Id/KeyVaultSecretsUser-" "kv-platform-x10', and Azure refuses a second assignment "
        "(RoleAssignmentExists). Allowed: one assignment of a role to a principal on a scope, in one stack of the "
        "app. Fix: grant it in one of the stacks 'identities' and 'service' only (the other has the access once that "
        "one is deployed)."
    )

