"""The tenth round: a verification of the ninth round's new checks from outside, with the values
next to each check's boundary and the same mistake written differently. Each finding is one
problem naming the construct, the value, what Azure takes and the fix (never a traceback, never a
fix that the next run refuses); each value Azure and azurerm take passes."""

from __future__ import annotations

import pytest
from helpers import container_app, error_of, recorded, stacks_with_groups

from sigmatiq_infra import constructs as c
from sigmatiq_infra.constructs.inputs import deploy_input
from sigmatiq_infra.stacks import App, AzureStack
from sigmatiq_infra.testing import Template

R = c.SubnetRole


@pytest.fixture
def own(tmp_path):
    """A user's stack in an app that synthesizes, and its group."""
    stack = AzureStack(App(outdir=str(tmp_path / "cdktf.out")), "test")
    return stack, c.ResourceGroup(stack, "G", c.ResourceGroupProps("rg-test", "westeurope"))


def vnet(scope, group, *subnets, id="Net", name="vnet-test", space="10.20.0.0/16"):
    return c.VirtualNetwork(scope, id, c.VirtualNetworkProps(name, group, space, list(subnets)))


def zones(scope, group):
    return c.PrivateDnsZones(scope, "Z", c.PrivateDnsZonesProps(group, vnet(
        scope, group, c.SubnetSpec("snet-pe", "10.20.1.0/24", R.PRIVATE_ENDPOINTS),
    )))


# --- private DNS zones ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["usgovcloudapi.net", "ChinaCloudApi.cn"])
def test_the_government_and_china_clouds_windows_net_zones_are_refused_as_reserved(stack, group, name):
    dns = zones(stack, group)
    assert error_of(lambda: dns.zone(name), stack) == (
        f"PrivateDnsZones 'test/Z': zone name {name!r} is a name Azure reserves: it blocks creating a private DNS "
        "zone of that name. Allowed: a name other than Azure's reserved zones (azure.com, core.windows.net, "
        "windows.net and the others Microsoft Learn lists in \"What is an Azure Private DNS zone?\"), e.g. "
        "'privatelink.blob.core.windows.net'. Fix: use the privatelink zone of the service you reach (a "
        "construct's private_link.zone), or a domain of your own such as 'corp.internal'."
    )


def test_a_zone_named_at_deploy_time_without_an_id_is_one_problem_not_cdktfs_traceback(stack, group):
    dns = zones(stack, group)
    name = deploy_input(stack, "corp_zone", what="the corporate zone", type="string").string_value
    assert error_of(lambda: dns.zone(name)) == (
        "PrivateDnsZones 'test/Z': zone name '<Terraform expression>' is a deploy-time expression, but with no id "
        "it becomes the zone's construct id, part of its Terraform address. Allowed: a name written in code, e.g. "
        "'internal.example.com', or an id with it. Fix: write the zone name in code, or pass an id, e.g. "
        "zone(<the expression>, id='InternalZone')."
    )


def test_a_zone_named_at_deploy_time_with_an_id_is_made(own):
    stack, group = own
    dns = zones(stack, group)
    name = deploy_input(stack, "corp_zone", what="the corporate zone", type="string").string_value
    dns.zone(name, id="CorpZone")
    assert recorded(stack) == []
    assert [zone["name"] for zone in Template.from_stack(stack).resources("azurerm_private_dns_zone").values()] == [
        "${var.corp_zone}",
    ]


# --- one role assigned twice to one principal on one resource, across stacks -------------------------------


def test_a_shared_vault_looked_up_in_two_stacks_and_granted_to_one_identity_in_each_is_one_problem(tmp_path):
    app, (platform, service), (_, own) = stacks_with_groups(tmp_path, "platform", "service")
    identity = c.UserAssignedIdentity(service, "Id", c.UserAssignedIdentityProps("id-svc", own))
    shared = c.KeyVault.from_existing(platform, "Shared", name="kv-shared-x1", resource_group_name="rg-shared")
    again = c.KeyVault.from_existing(service, "Shared", name="KV-Shared-X1", resource_group_name="rg-shared")
    shared.grant_secrets_read(identity)  # made in the identity's stack, the vault read through platform's output
    again.grant_secrets_read(identity)
    assert error_of(app.synth) == (
        "role assignment 'service/Shared/KeyVaultSecretsUser-id-svc': role 'Key Vault Secrets User' is already "
        "assigned to the same principal on the same scope by role assignment "
        "'service/Id/KeyVaultSecretsUser-kv-shared-x1', and Azure refuses a second assignment "
        "(RoleAssignmentExists). Allowed: one assignment of a role to a principal on a scope, in one stack of the "
        "app. Fix: grant it on one of the two constructs only (they are one Azure resource)."
    )


def test_one_grant_used_by_two_stacks_is_one_problem_naming_both(tmp_path):
    app, (platform, _, _), (shared, web_group, jobs_group) = stacks_with_groups(tmp_path, "platform", "web", "jobs")
    vault = c.KeyVault(platform, "Vault", c.KeyVaultProps("kv-platform-x1", shared))
    identity = c.UserAssignedIdentity(platform, "Id", c.UserAssignedIdentityProps("id-apps", shared))
    vault.grant_secrets_read(identity, used_by=web_group)
    vault.grant_secrets_read(identity, used_by=jobs_group)
    assert error_of(app.synth) == (
        "role assignment 'web/Group/KeyVaultSecretsUser-" "kv-platform-x1-id-apps': role 'Key Vault Secrets User' is "
        "already assigned to the same principal on the same scope by role assignment "
        "'jobs/Group/KeyVaultSecretsUser-" "kv-platform-x1-id-apps', and Azure refuses a second assignment "
        "(RoleAssignmentExists). Allowed: one assignment of a role to a principal on a scope, in one stack of the "
        "app. Fix: grant it in one of the stacks 'jobs' and 'web' only (the other has the access once that one is "
        "deployed)."
    )


def apps_of_one_identity_in_two_stacks(tmp_path, *, granted_first):
    app, (platform, web, jobs), (shared, *_) = stacks_with_groups(tmp_path, "platform", "web", "jobs")
    registry = c.ContainerRegistry(platform, "Acr", c.ContainerRegistryProps(
        "acrplatformx1", shared, sku="Basic", public_network_access_enabled=True,
    ))
    identity = c.UserAssignedIdentity(platform, "Id", c.UserAssignedIdentityProps("id-apps", shared))
    logs = c.LogAnalyticsWorkspace(platform, "Logs", c.LogAnalyticsWorkspaceProps("log-platform", shared))
    if granted_first:
        registry.grant_pull(identity)
    for stack in (web, jobs):
        group = c.ResourceGroup(stack, "Apps", c.ResourceGroupProps(f"rg-{stack.node.id}-apps", "westeurope"))
        environment = c.ContainerAppEnvironment(stack, "Env", c.ContainerAppEnvironmentProps(
            f"cae-{stack.node.id}", group, log_analytics_workspace=logs,
        ))
        c.ContainerApp(stack, "Api", c.ContainerAppProps(
            stack.node.id, environment, identity, registry, f"team/{stack.node.id}", "1.0", 8080,
        ))
    return app


def test_apps_of_one_identity_in_two_stacks_are_one_problem_not_role_assignment_exists_at_deploy(tmp_path):
    app = apps_of_one_identity_in_two_stacks(tmp_path, granted_first=False)
    assert error_of(app.synth) == (
        "role assignment 'web/Api/AcrPull-acrplatformx1-id-apps': role 'AcrPull' is already assigned to the same "
        "principal on the same scope by role assignment 'jobs/Api/AcrPull-acrplatformx1-id-apps', and Azure refuses "
        "a second assignment (RoleAssignmentExists). Allowed: one assignment of a role to a principal on a scope, in "
        "one stack of the app. Fix: grant it in one of the stacks 'jobs' and 'web' only (the other has the access "
        "once that one is deployed)."
    )


def test_apps_of_one_identity_in_two_stacks_use_the_pull_granted_first_in_the_registrys_stack(tmp_path):
    import json

    apps_of_one_identity_in_two_stacks(tmp_path, granted_first=True).synth()
    assigned = {
        stack: list(json.loads((tmp_path / f"out/stacks/{stack}/cdk.tf.json").read_text())["resource"].get(
            "azurerm_role_assignment", {},
        ))
        for stack in ("platform", "web", "jobs")
    }
    assert {stack: len(found) for stack, found in assigned.items()} == {"platform": 1, "web": 0, "jobs": 0}


def test_a_vault_of_another_stack_granted_to_two_identities_is_two_assignments(tmp_path):
    import json

    app, (platform, service), (shared, own) = stacks_with_groups(tmp_path, "platform", "service")
    vault = c.KeyVault(platform, "Vault", c.KeyVaultProps("kv-platform-x1", shared))
    for name in ("id-api", "id-worker"):
        vault.grant_secrets_read(c.UserAssignedIdentity(service, name, c.UserAssignedIdentityProps(name, own)))
    app.synth()
    document = json.loads((tmp_path / "out/stacks/service/cdk.tf.json").read_text())
    assignments = document["resource"]["azurerm_role_assignment"].values()
    assert sorted(config["//"]["metadata"]["path"] for config in assignments) == [
        "service/id-api/KeyVaultSecretsUser-kv-platform-x1", "service/id-worker/KeyVaultSecretsUser-kv-platform-x1",
    ]


# --- NSG rules: a fix that the next run takes ---------------------------------------------------------------


def with_rule(scope, group, *, source="Internet", ports=("443",)):
    return vnet(scope, group, c.SubnetSpec("snet-pe", "10.20.1.0/24", R.PRIVATE_ENDPOINTS, [
        c.InboundRule("r", 100, source, ports),
    ]))


@pytest.mark.parametrize(("port", "fix"), [
    (" * ", "write it without spaces: '*'"),
    ("80 - 443", "write it without spaces: '80-443'"),
    (" any", "write '*' for every port"),
])
def test_a_port_written_with_spaces_is_told_the_port_without_them(stack, group, port, fix):
    assert error_of(lambda: with_rule(stack, group, ports=(port,))) == (
        f"VirtualNetwork 'test/Net': subnet 'snet-pe' inbound rule 'r' port {port!r} is not a port or range Azure "
        "takes. Allowed: a port 0-65535, a range such as '8000-8080' (low to high), or '*'. "
        f"Fix: {fix}."
    )


def test_any_as_a_source_with_spaces_is_told_the_star_not_any_without_spaces(stack, group):
    assert error_of(lambda: with_rule(stack, group, source=" Any ")).endswith("Fix: write '*' for any source.")


# --- a container app's repository: the fix names each part where it goes -------------------------------------


DIGEST = "sha256:" + "b" * 64


@pytest.mark.parametrize(("repository", "problem", "fix"), [
    ("team/api:", "ends with a tag", "write repository='team/api'"),
    ("team/api:1.0@" + DIGEST, "ends with a digest", f"write repository='team/api', image_tag={DIGEST!r}"),
    ("myreg:5000/team/api:1.0", "starts with the registry host 'myreg:5000'",
     "write repository='team/api', image_tag='1.0'"),
    ("mcr.microsoft.com/dotnet/aspnet@" + DIGEST, "starts with the registry host 'mcr.microsoft.com'",
     f"write repository='dotnet/aspnet', image_tag={DIGEST!r}"),
    ("Localhost/app", "starts with the registry host 'Localhost'", "write repository='app'"),
])
def test_a_repository_with_a_host_tag_or_digest_is_told_a_fix_the_next_run_takes(
    stack, group, repository, problem, fix,
):
    message = error_of(lambda: container_app(stack, group, repository=repository))
    assert message.startswith("ContainerApp 'test/Api': repository '")
    assert f" {problem}. Allowed: " in message
    assert message.endswith(f"Fix: {fix}.")


# --- a storage account's containers given as a deploy-time list --------------------------------------------


def test_containers_given_as_a_deploy_time_list_are_one_problem_not_cdktfs_traceback_at_synth(own):
    stack, group = own
    names = deploy_input(stack, "containers", what="the containers", type="list(string)").list_value
    c.StorageAccount(stack, "Files", c.StorageAccountProps("stfilesx1", group, containers=names))
    assert error_of(stack.node.root.synth) == (
        "StorageAccount 'test/Files': containers '<Terraform expression>' is a deploy-time expression, but each "
        "container is a Terraform resource of the account, named by its name. Allowed: a list of names written in "
        "code, e.g. ['uploads']. Fix: write the containers in code."
    )


# --- a Container Apps environment name of 60 characters ------------------------------------------------------


@pytest.mark.parametrize("last", ["1", "B"])
def test_an_environment_name_of_60_characters_ending_in_a_digit_or_capital_is_refused_as_azurerm_refuses_it(
    stack, group, last,
):
    name = "cae-" + "x" * 55 + last
    assert error_of(lambda: c.ContainerAppEnvironment(stack, "Env", c.ContainerAppEnvironmentProps(name, group))) == (
        f"ContainerAppEnvironment 'test/Env': name {name!r} has 60 characters and ends with "
        f"{last!r}, which azurerm refuses. Allowed: at most 59 characters, or 60 ending with a lowercase letter "
        f"(azurerm's rule for environment names). Fix: drop a character: {'cae-' + 'x' * 54 + last!r}, or end the "
        "name with a lowercase letter."
    )


@pytest.mark.parametrize("name", ["cae-" + "x" * 56, "Cae-" + "X" * 54 + "1"])
def test_an_environment_name_of_60_ending_in_a_lowercase_letter_or_of_59_passes(stack, group, name):
    c.ContainerAppEnvironment(stack, "Env", c.ContainerAppEnvironmentProps(name, group))
    assert recorded(stack) == []


# --- a DNS resolver forwarding to its own inbound address given at deploy time ---------------------------------


def test_a_resolver_forwarding_to_its_own_deploy_time_address_names_the_expression_not_its_token(stack, group):
    address = deploy_input(stack, "dns_ip", what="the inbound endpoint's address", type="string").string_value
    network = vnet(stack, group, c.SubnetSpec("snet-dns-in", "10.20.0.32/28", R.DNS_RESOLVER_INBOUND),
                   c.SubnetSpec("snet-dns-out", "10.20.0.48/28", R.DNS_RESOLVER_OUTBOUND))
    assert error_of(lambda: c.DnsResolver(stack, "Dns", c.DnsResolverProps(
        "dnsr-test", group, network, address, forwarding_rules={"corp.example.com.": [address]},
    ))).startswith(
        "DnsResolver 'test/Dns': forwarding rule 'corp.example.com.' server '<the inbound_ip expression>' is this "
        "resolver's own inbound endpoint, so the query would loop",
    )


# --- a deploy-time value of the other kind: the fix says how to read it as the kind that goes ------------------


def test_a_text_variable_where_a_number_goes_is_told_to_read_it_as_a_number(stack, group):
    days = deploy_input(stack, "retention", what="the retention in days", type="string").string_value
    assert error_of(lambda: c.KeyVault(stack, "Vault", c.KeyVaultProps(
        "kv-test-1", group, soft_delete_retention_days=days,
    ))) == (
        "KeyVault 'test/Vault': soft_delete_retention_days '<Terraform expression>' is a deploy-time expression, "
        "where int goes. Allowed: int. Fix: read it as a number: Token.as_number(<the expression>) (from "
        "sigmatiq_infra.cdk import Token)."
    )


def test_a_number_variable_where_text_goes_is_told_to_read_it_as_text(stack, group):
    centre = deploy_input(stack, "cost_centre", what="the cost centre", type="number").number_value
    assert error_of(lambda: c.KeyVault(stack, "Vault", c.KeyVaultProps(
        "kv-test-1", group, tags={"CostCentre": centre},
    ))).endswith(
        "tags['CostCentre'] '<Terraform expression>' is a deploy-time expression, where str goes. Allowed: str. "
        "Fix: read it as text: Token.as_string(<the expression>) (from sigmatiq_infra.cdk import Token).",
    )


def test_values_read_as_their_kind_pass(stack, group):
    from sigmatiq_infra.cdk import Token

    days = deploy_input(stack, "retention", what="the retention in days", type="string").string_value
    centre = deploy_input(stack, "cost_centre", what="the cost centre", type="number").number_value
    c.KeyVault(stack, "Vault", c.KeyVaultProps(
        "kv-test-1", group, soft_delete_retention_days=Token.as_number(days),
        tags={"CostCentre": Token.as_string(centre)},
    ))
    assert recorded(stack) == []


@pytest.mark.parametrize(("repository", "fix"), [
    ("Team/API:1.0", "write repository='team/api', image_tag='1.0'"),
    ("docker.io/Library/Nginx", "write repository='library/nginx'"),
    (" team/api", "write repository='team/api'"),
])
def test_a_repository_in_capitals_or_with_spaces_is_told_it_lowercased_in_the_same_fix(stack, group, repository, fix):
    assert error_of(lambda: container_app(stack, group, repository=repository)).endswith(f"Fix: {fix}.")


# --- reserved words: checked where Azure checks them, at creation -------------------------------------------


@pytest.mark.parametrize(("kind", "name"), [(c.KeyVault, "kv-windows-prod"), (c.ContainerRegistry, "acrmicrosoftx")])
def test_a_lookup_of_an_existing_resource_whose_name_holds_a_reserved_word_passes(stack, kind, name):
    kind.from_existing(stack, "Shared", name=name, resource_group_name="rg-shared")
    assert recorded(stack) == []


def test_a_lookup_still_checks_the_names_own_rule(stack):
    assert error_of(lambda: c.KeyVault.from_existing(
        stack, "Shared", name="kv_shared", resource_group_name="rg-shared",
    )).startswith("KeyVault.from_existing 'test/Shared': name 'kv_shared' contains '_'.")


# --- a budget's start as a datetime --------------------------------------------------------------------------


def test_a_budgets_start_as_a_midnight_datetime_is_told_the_date_to_write(stack, group):
    import datetime

    assert error_of(lambda: c.Budget(stack, "Budget", c.BudgetProps(
        "budget-test", 100, datetime.datetime(2027, 1, 1), [group],
    ))) == (
        "Budget 'test/Budget': start_date datetime.datetime(2027, 1, 1, 0, 0) has the type datetime. Allowed: str. "
        "Fix: give start_date a value of type str: '2027-01-01' in quotes."
    )


# --- add_private_dns given what add_private_endpoint takes ------------------------------------------------------


def vnet_environment(stack, group):
    network = vnet(stack, group, c.SubnetSpec("snet-pe", "10.20.1.0/24", R.PRIVATE_ENDPOINTS),
                   c.SubnetSpec("snet-cae", "10.20.4.0/23", R.CONTAINER_APPS))
    zones = c.PrivateDnsZones(stack, "Z", c.PrivateDnsZonesProps(group, network))
    environment = c.ContainerAppEnvironment(stack, "Env", c.ContainerAppEnvironmentProps(
        "cae-test", group, virtual_network=network,
    ))
    return environment, c.PrivateNetwork(network, zones)


def test_add_private_dns_given_a_private_network_is_told_to_pass_its_zones_not_an_attribute_error(stack, group):
    environment, network = vnet_environment(stack, group)
    assert error_of(lambda: environment.add_private_dns(network)) == (
        "ContainerAppEnvironment 'test/Env': add_private_dns zones \"PrivateNetwork of PrivateDnsZones 'test/Z'\" is "
        "the network, not its zones. Allowed: PrivateDnsZones. Fix: pass its zones: add_private_dns(network.zones)."
    )


def test_add_private_dns_given_none_is_a_type_problem_not_an_attribute_error(stack, group):
    environment, _ = vnet_environment(stack, group)
    assert error_of(lambda: environment.add_private_dns(None)) == (
        "ContainerAppEnvironment 'test/Env': add_private_dns zones None has the type NoneType. Allowed: "
        "PrivateDnsZones. Fix: give add_private_dns zones a value of type PrivateDnsZones."
    )


# --- grant(used_by=) given a name ----------------------------------------------------------------------------


def test_a_grant_used_by_a_name_is_one_problem_not_an_attribute_error(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    identity = c.UserAssignedIdentity(stack, "Id", c.UserAssignedIdentityProps("id-test", group))
    assert error_of(lambda: vault.grant_secrets_read(identity, used_by="api"), stack) == (
        "KeyVault 'test/Vault': grant used_by 'api' has the type str. Allowed: the construct that needs the access "
        "(e.g. the container app), or None. Fix: pass the construct itself, e.g. used_by=api, not its name."
    )


# --- a VPN gateway's depends_on given the DNS resolver ---------------------------------------------------------


def test_a_resolver_in_a_gateways_depends_on_is_told_to_pass_the_vnet_dns_servers_it_sets(stack, group):
    network = vnet(stack, group, c.SubnetSpec("GatewaySubnet", "10.20.0.0/27", R.GATEWAY),
                   c.SubnetSpec("snet-dns-in", "10.20.0.32/28", R.DNS_RESOLVER_INBOUND),
                   c.SubnetSpec("snet-dns-out", "10.20.0.48/28", R.DNS_RESOLVER_OUTBOUND))
    resolver = c.DnsResolver(stack, "Dns", c.DnsResolverProps("dnsr-test", group, network, "10.20.0.36"))
    assert error_of(lambda: c.VpnGateway(stack, "Vpn", c.VpnGatewayProps(
        "vpngw-test", group, network, "172.16.0.0/24", [c.RootCertificate.from_input(stack, "root", "Root")],
        depends_on=[resolver],
    ))).endswith(
        "depends_on[0] DnsResolver 'test/Dns' is not a Terraform resource. Allowed: Terraform resources to finish "
        "first, e.g. a DnsResolver's vnet_dns_servers. Fix: pass the VNet's DNS servers it sets: "
        "depends_on=[resolver.vnet_dns_servers].",
    )


# --- one string where a list of ports goes (a list passes: test_round24_lists_where_sequences_go) ----------


def test_ports_as_one_string_are_told_the_sequence_to_write(stack, group):
    assert error_of(lambda: with_rule(stack, group, ports="443")).endswith(
        "Fix: give subnets[0].inbound_rules[0].ports a list, even of one: ['443'].",
    )


# --- cost: a SKU or size given at deploy time ------------------------------------------------------------------


def test_the_cost_of_a_server_whose_sku_and_storage_come_at_deploy_time_is_said_to_be_not_estimated():
    """`sigmatiq-infra cost` stopped with a TypeError ('${var.mb}' / 1024), and a SKU variable
    was 'no price for postgres.compute.${var.sku}: add it as a [[price]]'."""
    from sigmatiq_infra.cli.cost import estimate, load_prices
    from sigmatiq_infra.cli.stacks import Resource, Stack

    server = Resource("azurerm_postgresql_flexible_server.Db_1", "azurerm_postgresql_flexible_server", "Db_1", {
        "name": "psql-test", "sku_name": "${var.sku}", "storage_mb": "${var.mb}",
    })
    lines = estimate(Stack("test", {}, {server.address: server}), load_prices())
    assert [(line.price.id, line.quantity, line.note) for line in lines] == [
        ("set-at-deploy", 0, "postgres.compute.<deploy-time value>: set at deploy time, not estimated"),
        ("set-at-deploy", 0, "postgres.storage.gb quantity set at deploy time: not estimated"),
    ]
