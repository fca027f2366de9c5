"""The tenth outside-in round, on deploy-time values: a Terraform variable, a deploy input or
another resource's attribute where a construct's prop takes a value. Each is written to
Terraform as its reference, or, where the value must be known at synth (it names a construct
or decides what is made), it is one problem saying to write it in code (never cdktf's
traceback, never a check of a token's placeholder, never a value silently dropped)."""

from __future__ import annotations

import pytest
from helpers import error_of, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.cdk import TerraformVariable
from sigmatiq_infra.stacks import App, AzureStack
from sigmatiq_infra.testing import Template

R = c.SubnetRole


@pytest.fixture
def own(tmp_path):
    """A user's stack in an app that synthesizes, and its group."""
    stack = AzureStack(App(outdir=str(tmp_path / "cdktf.out")), "app")
    return stack, c.ResourceGroup(stack, "G", c.ResourceGroupProps("rg-app", "westeurope"))


def variable(stack, name: str, kind: str = "string"):
    made = TerraformVariable(stack, name, type=kind)
    return {"string": made.string_value, "number": made.number_value, "bool": made.boolean_value}.get(
        kind, made.list_value,
    )


def vnet(stack, group, *subnets):
    return c.VirtualNetwork(stack, "Net", c.VirtualNetworkProps("vnet-test", group, "10.20.0.0/16", list(subnets)))


def postgres(stack, group, **props):
    props = {"sku": "GP_Standard_D2ds_v5", **props}
    return c.PostgresServer(stack, "Db", c.PostgresServerProps(
        "pg-test", group, administrator_login="pgadmin",
        administrator_password=c.WriteOnlySecret.from_inputs(stack, "pg_password", "the admin password"), **props,
    ))


# --- 1. names that are construct ids, and lists of them ---------------------------------------------------


def test_a_subnet_named_at_deploy_time_is_one_problem_not_cdktfs_traceback(stack, group):
    name = variable(stack, "subnet")
    assert error_of(lambda: vnet(stack, group, c.SubnetSpec(name, "10.20.1.0/24", R.PRIVATE_ENDPOINTS))) == (
        "VirtualNetwork 'test/Net': subnet name '<Terraform expression>' is a deploy-time expression, but it is part "
        "of the Terraform addresses of the subnet and its NSG (Subnet-<name>). Allowed: a name written in code, e.g. "
        "'snet-apps'. Fix: write the subnet name in code."
    )


def test_an_inbound_rule_named_at_deploy_time_is_one_problem_not_cdktfs_traceback(stack, group):
    name = variable(stack, "rule")
    assert error_of(lambda: vnet(stack, group, c.SubnetSpec("snet-pe", "10.20.1.0/24", R.PRIVATE_ENDPOINTS, [
        c.InboundRule(name, 100, "Internet", ("443",)),
    ]))) == (
        "VirtualNetwork 'test/Net': inbound rule name '<Terraform expression>' is a deploy-time expression, but it is "
        "part of the rule's Terraform address (Nsg-<subnet>-<rule>). Allowed: a name written in code, e.g. "
        "'allow-https'. Fix: write the inbound rule name in code."
    )


def test_a_list_of_containers_known_at_deploy_time_is_one_problem_not_cdktfs_traceback(stack, group):
    containers = variable(stack, "containers", "list(string)")
    assert error_of(lambda: c.StorageAccount(stack, "Files", c.StorageAccountProps(
        "stfiles01", group, containers=containers,
    ))) == (
        "StorageAccount 'test/Files': containers '<Terraform expression>' is a deploy-time expression, but each "
        "container is a Terraform resource of the account, named by its name. Allowed: a list of names written in "
        "code, e.g. ['uploads']. Fix: write the containers in code."
    )


def test_a_list_of_databases_known_at_deploy_time_is_one_problem_not_cdktfs_traceback(stack, group):
    databases = variable(stack, "databases", "list(string)")
    assert error_of(lambda: postgres(stack, group, databases=databases)) == (
        "PostgresServer 'test/Db': databases '<Terraform expression>' is a deploy-time expression, but each database "
        "is a Terraform resource of the server, named by its name. Allowed: a list of names written in code, e.g. "
        "['orders']. Fix: write the databases in code."
    )


@pytest.mark.parametrize(("build", "prop", "expected"), [
    (lambda s, g, v: postgres(s, g, public_network_access_enabled=True, firewall_rules=v),
     "firewall_rules", "a sequence of FirewallRule"),
    (lambda s, g, v: vnet(s, g, *v), "subnets", "a sequence of SubnetSpec"),
])
def test_a_list_known_at_deploy_time_where_objects_go_is_told_so_not_judged_by_its_placeholder(
    stack, group, build, prop, expected,
):
    listed = variable(stack, "listed", "list(string)")
    message = error_of(lambda: build(stack, group, listed))
    assert message.split(": ", 1)[1] == (
        f"{prop} '<Terraform expression>' is a deploy-time expression, where {expected} goes. Allowed: {expected}. "
        f"Fix: give {prop} a value of type {expected}."
    )


def test_a_private_dns_zone_named_at_deploy_time_needs_an_id_and_takes_one(own):
    stack, group = own
    zones = c.PrivateDnsZones(stack, "Zones", c.PrivateDnsZonesProps(group, vnet(
        stack, group, c.SubnetSpec("snet-pe", "10.20.1.0/24", R.PRIVATE_ENDPOINTS),
    )))
    name = variable(stack, "zone")
    assert error_of(lambda: zones.zone(name)) == (
        "PrivateDnsZones 'app/Zones': zone name '<Terraform expression>' is a deploy-time expression, but with no id "
        "it becomes the zone's construct id, part of its Terraform address. Allowed: a name written in code, e.g. "
        "'internal.example.com', or an id with it. Fix: write the zone name in code, or pass an id, e.g. "
        "zone(<the expression>, id='InternalZone')."
    )
    zones.zone(name, id="Internal")
    assert [zone["name"] for zone in Template.from_stack(stack).resources("azurerm_private_dns_zone").values()] == [
        "${var.zone}",
    ]


def test_a_records_list_known_at_deploy_time_is_written_as_its_reference(own):
    stack, group = own
    zones = c.PrivateDnsZones(stack, "Zones", c.PrivateDnsZonesProps(group, vnet(
        stack, group, c.SubnetSpec("snet-pe", "10.20.1.0/24", R.PRIVATE_ENDPOINTS),
    )))
    zone = zones.zone("internal.example.com")
    zones.add_a_record(stack, "Api", zone, name="api", records=variable(stack, "addresses", "list(string)"))
    assert [r["records"] for r in Template.from_stack(stack).resources("azurerm_private_dns_a_record").values()] == [
        "${var.addresses}",
    ]


def resolver(stack, group, rules):
    network = vnet(
        stack, group, c.SubnetSpec("snet-in", "10.20.2.0/28", R.DNS_RESOLVER_INBOUND),
        c.SubnetSpec("snet-out", "10.20.3.0/28", R.DNS_RESOLVER_OUTBOUND),
    )
    return c.DnsResolver(stack, "Dns", c.DnsResolverProps("dnspr-test", group, network, "10.20.2.4",
                                                          forwarding_rules=rules))


def test_a_forwarding_domain_known_at_deploy_time_is_one_problem_not_cdktfs_traceback(stack, group):
    domain = variable(stack, "domain")
    assert error_of(lambda: resolver(stack, group, {domain: ["10.0.0.4"]})) == (
        "DnsResolver 'test/Dns': forwarding rule domain '<Terraform expression>' is a deploy-time expression, but it "
        "names the rule and its Terraform address (Rule-<the domain>). Allowed: a domain written in code, e.g. "
        "'corp.example.com.'. Fix: write the forwarding rule domain in code."
    )


def test_forwarding_servers_known_at_deploy_time_are_one_problem_not_cdktfs_traceback(stack, group):
    servers = variable(stack, "servers", "list(string)")
    assert error_of(lambda: resolver(stack, group, {"corp.example.com.": servers})) == (
        "DnsResolver 'test/Dns': forwarding rule 'corp.example.com.' servers '<Terraform expression>' is a deploy-time "
        "expression, but each server is a block of the rule, written at synth. Allowed: a list of addresses written "
        "in code, e.g. ['10.0.0.4']. Fix: write the forwarding rule 'corp.example.com.' servers in code."
    )


# --- 2. switches known only at deploy time ----------------------------------------------------------------


def test_a_switch_that_decides_what_is_made_is_one_problem_not_taken_as_true(stack, group):
    flag = variable(stack, "flag", "bool")
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test", group, grant_deployer_secrets_write=flag))
    assert error_of(lambda: vault) == (
        "KeyVault 'test/Vault': grant_deployer_secrets_write '<Terraform expression>' is a deploy-time expression, "
        "but it decides whether add_secret assigns the deploying principal a role. Allowed: True or False written in "
        "code. Fix: write the grant_deployer_secrets_write in code."
    )
    assert error_of(lambda: postgres(stack, group, public_network_access_enabled=True, allow_azure_services=flag)) == (
        "PostgresServer 'test/Db': allow_azure_services '<Terraform expression>' is a deploy-time expression, but it "
        "decides whether the server gets the AllowAzureServices firewall rule. Allowed: True or False written in "
        "code. Fix: write the allow_azure_services in code."
    )


def test_a_resolvers_vnet_dns_switch_known_at_deploy_time_is_one_problem(stack, group):
    network = vnet(
        stack, group, c.SubnetSpec("snet-in", "10.20.2.0/28", R.DNS_RESOLVER_INBOUND),
        c.SubnetSpec("snet-out", "10.20.3.0/28", R.DNS_RESOLVER_OUTBOUND),
    )
    assert error_of(lambda: c.DnsResolver(stack, "Dns", c.DnsResolverProps(
        "dnspr-test", group, network, "10.20.2.4", set_as_vnet_dns=variable(stack, "flag", "bool"),
    ))) == (
        "DnsResolver 'test/Dns': set_as_vnet_dns '<Terraform expression>' is a deploy-time expression, but it decides "
        "whether the VNet's DNS servers resource is made. Allowed: True or False written in code. Fix: write the "
        "set_as_vnet_dns in code."
    )


def test_a_system_assigned_identity_switch_known_at_deploy_time_is_one_problem(stack, group):
    assert error_of(lambda: c.StorageAccount(stack, "Files", c.StorageAccountProps(
        "stfiles01", group, managed_identities=c.ManagedIdentities(system_assigned=variable(stack, "flag", "bool")),
    ))) == (
        "StorageAccount 'test/Files': managed_identities.system_assigned '<Terraform expression>' is a deploy-time "
        "expression, but it decides the type of the resource's identity block. Allowed: True or False written in "
        "code. Fix: write the managed_identities.system_assigned in code."
    )


def environment(stack, group, network=None, **props):
    workspace = c.LogAnalyticsWorkspace(stack, "Logs", c.LogAnalyticsWorkspaceProps("law-test", group))
    return c.ContainerAppEnvironment(stack, "Env", c.ContainerAppEnvironmentProps(
        "cae-test", group, workspace, network, **props,
    ))


def test_an_environments_switches_known_at_deploy_time_are_problems_not_judged_as_true(stack, group):
    flag = variable(stack, "flag", "bool")
    assert error_of(lambda: environment(stack, group, zone_redundant=flag, public_network_access_enabled=flag)) == (
        "ContainerAppEnvironment 'test/Env': public_network_access_enabled '<Terraform expression>' is a deploy-time "
        "expression, but it decides whether the environment is internal (its load balancer, and who can reach its "
        "apps). Allowed: True, False or None written in code. Fix: write the public_network_access_enabled in code.\n"
        "ContainerAppEnvironment 'test/Env': zone_redundant '<Terraform expression>' is a deploy-time expression, but "
        "without a virtual_network it is not written. Allowed: False written in code (or a virtual_network, which "
        "takes a deploy-time value). Fix: write the zone_redundant in code."
    )


def test_switches_written_as_text_are_terraforms_choice_at_apply(own):
    stack, group = own
    flag = variable(stack, "flag", "bool")
    c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test", group, public_network_access_enabled=flag))
    c.AppConfiguration(stack, "Config", c.AppConfigurationProps("appcs-t", group, public_network_access_enabled=flag))
    c.ManagedRedis(stack, "Cache", c.ManagedRedisProps("redis-test", group, public_network_access_enabled=flag))
    postgres(stack, group, require_secure_transport=flag)
    network = vnet(stack, group, c.SubnetSpec("snet-apps", "10.20.0.0/23", R.CONTAINER_APPS))
    environment(stack, group, network, zone_redundant=flag)
    template = Template.from_stack(stack)

    def only(kind):
        [resource] = template.resources(kind).values()
        return resource

    assert only("azurerm_key_vault")["network_acls"]["default_action"] == '${var.flag ? "Allow" : "Deny"}'
    assert only("azurerm_app_configuration")["public_network_access"] == '${var.flag ? "Enabled" : "Disabled"}'
    assert only("azurerm_managed_redis")["public_network_access"] == '${var.flag ? "Enabled" : "Disabled"}'
    assert only("azurerm_postgresql_flexible_server_configuration")["value"] == '${var.flag ? "on" : "off"}'
    assert only("azurerm_container_app_environment")["zone_redundancy_enabled"] == "${var.flag}"


def test_geo_redundant_backup_known_at_deploy_time_is_not_judged_in_a_region_without_it(stack):
    from sigmatiq_infra import regions

    region = sorted(regions.POSTGRES_NO_GEO_BACKUP)[0]
    group = c.ResourceGroup(stack, "Far", c.ResourceGroupProps("rg-far", region))
    postgres(stack, group, geo_redundant_backup_enabled=variable(stack, "geo", "bool"))
    assert recorded(stack) == []


# --- 3. a container app's Key Vault references ------------------------------------------------------------


def app_reading(stack, group, reference_of):
    registry = c.ContainerRegistry(stack, "Registry", c.ContainerRegistryProps(
        "acrtest01", group, public_network_access_enabled=True,
    ))
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test", group, public_network_access_enabled=True))
    identity = c.UserAssignedIdentity(stack, "Id", c.UserAssignedIdentityProps("id-test", group))
    return c.ContainerApp(stack, "App", c.ContainerAppProps(
        "ca-test", environment(stack, group), identity, registry, "team/api", "1.0.0", 8080,
        secret_env={"DB_PASSWORD": reference_of(vault)},
    ))


def test_a_key_vault_secret_named_at_deploy_time_is_one_problem_not_judged_by_its_placeholder(stack, group):
    name = variable(stack, "secret")
    assert error_of(lambda: app_reading(stack, group, lambda vault: c.SecretReference(
        vault, name, f"{vault.vault_uri}secrets/{name}",
    ))) == (
        "ContainerApp 'test/App': secret_env['DB_PASSWORD'] name '<Terraform expression>' is a deploy-time "
        "expression, but the app's secret is named after it, in lowercase, at synth. Allowed: a Key Vault secret "
        "name written in code, e.g. 'database-url'. Fix: write the secret_env['DB_PASSWORD'] name in code."
    )


def test_a_secrets_dependency_given_as_a_construct_is_a_problem_not_dropped(stack, group):
    assert error_of(lambda: app_reading(stack, group, lambda vault: c.SecretReference(
        vault, "db-password", f"{vault.vault_uri}secrets/db-password", dependency=vault,
    ))) == (
        "ContainerApp 'test/App': secret_env['DB_PASSWORD'] dependency KeyVault 'test/Vault' is not a Terraform "
        "resource. Allowed: the Terraform resource that creates the secret, or None. Fix: pass its Terraform "
        "resource: dependency=<the KeyVault>.resource."
    )


def test_a_secrets_dependency_given_as_its_resource_is_waited_for(own):
    stack, group = own
    app_reading(stack, group, lambda vault: c.SecretReference(
        vault, "db-password", f"{vault.vault_uri}secrets/db-password", dependency=vault.resource,
    ))
    [app] = Template.from_stack(stack).resources("azurerm_container_app").values()
    assert [d for d in app["depends_on"] if d.startswith("azurerm_key_vault.")] == ["azurerm_key_vault.Vault_23237E5B"]


# --- 4. monitoring: what a description or a list says at deploy time -------------------------------------


def alert(stack, group, **props):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test", group, public_network_access_enabled=True))
    actions = c.ActionGroup(stack, "Actions", c.ActionGroupProps("ag-test", group, "ops"))
    return c.MetricAlert(stack, "Alert", c.MetricAlertProps(
        "alert-test", group, vault, "Availability", props.pop("threshold", 99), actions, **props,
    ))


def test_an_alerts_description_says_a_deploy_time_threshold_and_aggregation_by_their_references(own):
    stack, group = own
    alert(stack, group, threshold=variable(stack, "threshold", "number"), aggregation=variable(stack, "aggregation"))
    [rule] = Template.from_stack(stack).resources("azurerm_monitor_metric_alert").values()
    assert rule["description"] == (
        "Availability of Key Vault kv-test above ${var.threshold} (${var.aggregation} over PT15M)"
    )


def test_a_budgets_roles_known_at_deploy_time_are_written_as_their_reference(own):
    stack, group = own
    c.Budget(stack, "Budget", c.BudgetProps(
        "budget-test", 100, "2026-12-01", [group], notify_roles=variable(stack, "roles", "list(string)"),
    ))
    [budget] = Template.from_stack(stack).resources("azurerm_consumption_budget_subscription").values()
    assert [n["contact_roles"] for n in budget["notification"]] == ["${var.roles}", "${var.roles}"]


# --- 5. the state backend and a role definition ------------------------------------------------------------


def test_a_backend_value_known_only_at_deploy_time_is_a_problem_terraform_takes_no_expression_there():
    from sigmatiq_infra.stacks import BlobStateBackend

    app = App()
    first = AzureStack(app, "first")
    account = variable(first, "state_account")
    assert error_of(lambda: AzureStack(app, "second", backend=BlobStateBackend("rg-state", account)), app) == (
        "AzureStack 'second': backend.storage_account '<Terraform expression>' is a deploy-time expression, but "
        "Terraform reads the backend at init, before any variable or resource, and takes no expression in it. "
        "Allowed: a value written in code. Fix: write the backend.storage_account in code."
    )


def principal(stack):
    return c.PrincipalById(stack, "Ci", principal_id="00000000-0000-0000-0000-000000000001", principal_type="User")


def test_a_custom_roles_guid_known_at_deploy_time_is_written_as_its_reference(own):
    stack, group = own
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test", group))
    vault.grant(c.RoleDefinition("Custom", "Custom role", variable(stack, "role")), principal(stack))
    [assignment] = Template.from_stack(stack).resources("azurerm_role_assignment").values()
    assert assignment["role_definition_id"].endswith("/providers/Microsoft.Authorization/roleDefinitions/${var.role}")


def test_a_custom_roles_construct_id_known_at_deploy_time_is_one_problem_not_cdktfs_traceback(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test", group))
    role = c.RoleDefinition(variable(stack, "role"), "Custom role", "12338af0-0e69-4776-bea7-57ae8d297424")
    assert error_of(lambda: vault.grant(role, principal(stack)), stack) == (
        "KeyVault 'test/Vault': grant role construct_id '<Terraform expression>' is a deploy-time expression, but it "
        "begins the assignment's construct id (<construct_id>-<principal>). Allowed: a construct id written in code, "
        "e.g. 'KeyVaultCryptoUser'. Fix: write the grant role construct_id in code."
    )


# --- 6. a lock's level, a deploy input's name, a gateway's depends_on, high availability ----------------


def test_a_lock_level_known_at_deploy_time_is_one_problem_not_taken_for_read_only(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test", group))
    assert error_of(lambda: vault.add_lock("Holds the secrets.", level=variable(stack, "level")), stack) == (
        "KeyVault 'test/Vault': lock level '<Terraform expression>' is a deploy-time expression, but it decides the "
        "lock's construct id and name (DeleteLock or ReadOnlyLock). Allowed: 'CanNotDelete' or 'ReadOnly' written in "
        "code. Fix: write the lock level in code."
    )


def test_a_deploy_input_named_at_deploy_time_is_one_problem_not_cdktfs_traceback(stack):
    name = variable(stack, "input")
    assert error_of(lambda: c.WriteOnlySecret.from_inputs(stack, name, "the database password")) == (
        "deploy input 'test': name '<Terraform expression>' is a deploy-time expression, but it is the Terraform "
        "variable's name (and construct id), set with TF_VAR_<name>. Allowed: a name written in code, e.g. "
        "'db_password'. Fix: write the name in code."
    )


def test_a_gateways_depends_on_known_at_deploy_time_is_told_so_not_shown_as_its_placeholder(stack, group):
    network = vnet(stack, group, c.SubnetSpec("GatewaySubnet", "10.20.0.0/27", R.GATEWAY))
    assert error_of(lambda: c.VpnGateway(stack, "Vpn", c.VpnGatewayProps(
        "vpn-test", group, network, client_address_pool="172.16.0.0/24",
        root_certificates=[c.RootCertificate.from_input(stack, "root_cert", "root")],
        depends_on=variable(stack, "after", "list(string)"),
    ))) == (
        "VpnGateway 'test/Vpn': depends_on '<Terraform expression>' is a deploy-time expression, but Terraform's "
        "depends_on names resources in the configuration. Allowed: Terraform resources, e.g. "
        "[resolver.vnet_dns_servers]. Fix: write the depends_on in code."
    )


def test_a_high_availability_mode_known_at_deploy_time_is_not_judged_on_a_burstable_sku(own):
    stack, group = own
    postgres(stack, group, sku="B_Standard_B1ms", high_availability_mode=variable(stack, "ha"))
    [server] = Template.from_stack(stack).resources("azurerm_postgresql_flexible_server").values()
    assert server["high_availability"]["mode"] == "${var.ha}"


# --- 7. construct ids: an identity's name in a grant, an id given as a deploy-time value -----------------


def test_a_grant_to_an_identity_named_at_deploy_time_is_named_after_its_construct_id(own):
    stack, group = own
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test", group))
    identity = c.UserAssignedIdentity(stack, "Api", c.UserAssignedIdentityProps(variable(stack, "identity"), group))
    vault.grant_secrets_read(identity)
    [assignment] = Template.from_stack(stack).resources("azurerm_role_assignment")
    assert assignment.startswith("Vault_KeyVaultSecretsUser-Api_")


def test_an_id_known_only_at_deploy_time_is_one_problem_not_cdktfs_traceback(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test", group))
    id = variable(stack, "id")
    assert error_of(lambda: c.KeyVault(stack, id, c.KeyVaultProps("kv-other", group))) == (
        "KeyVault 'test/KeyVault': id '<Terraform expression>' is a deploy-time expression, but it is part of every "
        "Terraform address below it. Allowed: a name written in code, unique among its scope's children. Fix: write "
        "the id in code (the resource's name may still be a deploy-time value)."
    )
    assert error_of(lambda: vault.add_secret(id, c.SecretProps(
        "db-password", c.WriteOnlySecret.from_inputs(stack, "db_password", "the database password"),
    )), stack) == (
        "KeyVault 'test/Vault': add_secret id '<Terraform expression>' is a deploy-time expression, but it is the "
        "secret's construct id, part of its Terraform address. Allowed: an id written in code, e.g. 'DatabaseUrl' "
        "(the secret's name may be a deploy-time value). Fix: write the add_secret id in code."
    )


def test_a_map_known_only_at_deploy_time_is_told_so_not_shown_as_a_jsii_proxy(stack, group):
    tags = TerraformVariable(stack, "tags", type="map(string)").value
    assert error_of(lambda: c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test", group, tags=tags))) == (
        "KeyVault 'test/Vault': tags '<Terraform expression>' is a deploy-time expression, where a mapping of str to "
        "str goes. Allowed: a mapping of str to str. Fix: give tags a value of type a mapping of str to str."
    )


def test_a_stack_id_known_only_at_deploy_time_is_one_problem_not_judged_by_its_placeholder():
    app = App()
    id = variable(AzureStack(app, "first"), "stack")
    assert error_of(lambda: AzureStack(app, id), app) == (
        "AzureStack 'AzureStack': id '<Terraform expression>' is a deploy-time expression, but it is part of every "
        "Terraform address below it. Allowed: a name written in code, unique among its scope's children. Fix: write "
        "the id in code (the resource's name may still be a deploy-time value)."
    )


def test_a_message_shows_a_deploy_time_value_as_such_not_its_placeholder(stack):
    from sigmatiq_infra.validation import Validator

    check = Validator("KeyVault", "test/Vault")
    check.fail("name", variable(stack, "name"), "is refused", "a name", "rename it")
    check.fail("days", variable(stack, "days", "number"), "is refused", "a number", "change it")
    assert check.problems == (
        "KeyVault 'test/Vault': name '<Terraform expression>' is refused. Allowed: a name. Fix: rename it.",
        "KeyVault 'test/Vault': days '<Terraform expression>' is refused. Allowed: a number. Fix: change it.",
    )


# --- 8. lookups of existing resources ------------------------------------------------------------------------


@pytest.mark.parametrize(("group_of", "expected"), [
    (lambda stack: variable(stack, "group"), "lower(var.group)"),
    (lambda stack: f"rg-{variable(stack, 'env')}", 'lower("rg-${var.env}")'),
    (lambda stack: "RG-Shared", '"rg-shared"'),
])
def test_an_existing_resources_group_known_at_deploy_time_is_lowered_by_terraform_not_broken(own, group_of, expected):
    stack, _ = own
    c.KeyVault.from_existing(
        stack, "Shared", name="kv-shared", resource_group_name=group_of(stack), missing_hint="Deploy shared first.",
    )
    [vault] = Template.from_stack(stack).data("azurerm_key_vault").values()
    assert vault["lifecycle"]["precondition"][0]["condition"] == (
        "${contains([for found in data.azurerm_resources.Shared_Exists_32DAE2F3.resources : "
        f"lower(found.resource_group_name)], {expected})}}"
    )


def test_a_reachability_problem_says_names_known_at_deploy_time_as_such(stack, group):
    from sigmatiq_infra.constructs.container_app import unreachable

    registry = c.ContainerRegistry(stack, "Registry", c.ContainerRegistryProps("acrtest01", group))
    workspace = c.LogAnalyticsWorkspace(stack, "Logs", c.LogAnalyticsWorkspaceProps("law-test", group))
    environment = c.ContainerAppEnvironment(stack, "Env", c.ContainerAppEnvironmentProps(
        variable(stack, "environment"), group, workspace,
    ))
    identity = c.UserAssignedIdentity(stack, "Id", c.UserAssignedIdentityProps("id-test", group))
    app = c.ContainerApp(stack, "App", c.ContainerAppProps(
        variable(stack, "app"), environment, identity, registry, "team/api", "1.0.0", 8080,
    ))
    [problem] = unreachable([app])
    assert problem.startswith(
        "Reachability 'test/Registry': container registry 'acrtest01' cannot be reached from environment "
        "'<Terraform expression>' through its Azure-managed network (it has no VNet), yet the apps use it "
        "(<Terraform expression> as image pull): "
    )


def test_a_root_certificate_named_at_deploy_time_is_said_as_such_in_its_problem(stack, group):
    network = vnet(stack, group, c.SubnetSpec("GatewaySubnet", "10.20.0.0/27", R.GATEWAY))
    message = error_of(lambda: c.VpnGateway(stack, "Vpn", c.VpnGatewayProps(
        "vpn-test", group, network, client_address_pool="172.16.0.0/24",
        root_certificates=[c.RootCertificate(variable(stack, "root"), "MIIC")],
    )))
    assert message.startswith("VPN root certificate 'test/Vpn/<Terraform expression>': content 'MIIC' is not an X.509")
