"""The `prod` stack: private by construction (seed steps 6-7 plus the prod apps)."""

import base64
import dataclasses

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from estate_helpers import ISOLATED, synth
from helpers import self_signed_root

from sigmatiq_infra import azurerm
from stacks.settings import load

ZONE_OF_LINK = {4: ("private_dns_zone_name", "name"), 5: ("private_dns_zone_id", "id")}[azurerm.MAJOR]
"""How a private DNS link names its zone: by name on azurerm 4, by id on 5 (the argument, and
the zone's attribute it refers to)."""

PROD_TAGS = {"Environment": "prod", "Product": "Trading", "ManagedBy": "cdktf"}
SUBNETS = {
    "GatewaySubnet": ("10.20.0.0/27", None),
    "snet-dns-inbound": ("10.20.0.32/28", "Microsoft.Network/dnsResolvers"),
    "snet-dns-outbound": ("10.20.0.48/28", "Microsoft.Network/dnsResolvers"),
    "snet-private-endpoints": ("10.20.1.0/24", None),
    "snet-container-apps": ("10.20.2.0/23", "Microsoft.App/environments"),
}
PRIVATE_SERVICES = {  # (type, name): (subresource, zone)
    ("azurerm_key_vault", "kv-trading-prod"): ("vault", "privatelink.vaultcore.azure.net"),
    ("azurerm_app_configuration", "appconfig-trading-prod"): (
        "configurationStores", "privatelink.azconfig.io",
    ),
    ("azurerm_postgresql_flexible_server", "psql-trading-prod"): (
        "postgresqlServer", "privatelink.postgres.database.azure.com",
    ),
    ("azurerm_managed_redis", "redis-trading-prod"): ("redisEnterprise", "privatelink.redis.azure.net"),
}


# --- network ---------------------------------------------------------------------------

def test_the_vnet_is_a_slash_16_in_the_apps_group(prod):
    _, vnet = prod.named("azurerm_virtual_network", "vnet-trading-prod")
    assert vnet["address_space"] == ["10.20.0.0/16"]
    assert vnet["resource_group_name"] == "rg-trading-prod-apps"
    assert "dns_servers" not in vnet  # set by azurerm_virtual_network_dns_servers (no cycle)


def test_the_subnets_have_their_ranges_and_delegations(prod):
    vnet_name = prod.ref("azurerm_virtual_network", "vnet-trading-prod", "name")
    subnets = {s["name"]: s for s in prod.resources("azurerm_subnet").values()}
    assert set(subnets) == set(SUBNETS)
    for name, (cidr, delegation) in SUBNETS.items():
        subnet = subnets[name]
        assert subnet["virtual_network_name"] == vnet_name
        assert subnet["address_prefixes"] == [cidr]
        if delegation:
            assert subnet["delegation"][0]["service_delegation"]["name"] == delegation
        else:
            assert "delegation" not in subnet
    assert subnets["snet-private-endpoints"]["private_endpoint_network_policies"] == "Enabled"


def test_every_subnet_but_the_gateway_subnet_has_its_own_nsg(prod):
    associations = prod.resources("azurerm_subnet_network_security_group_association").values()
    protected = {a["subnet_id"]: a["network_security_group_id"] for a in associations}
    for name in SUBNETS:
        subnet = prod.ref("azurerm_subnet", name)
        if name == "GatewaySubnet":
            assert subnet not in protected
        else:
            assert protected[subnet] == prod.ref("azurerm_network_security_group", f"nsg-{name}")


# --- VPN -------------------------------------------------------------------------------

def test_the_vpn_gateway_is_route_based_openvpn_with_certificates_on_an_az_sku(prod):
    _, gateway = prod.named("azurerm_virtual_network_gateway", "vpngw-trading-prod")
    assert (gateway["type"], gateway["vpn_type"], gateway["sku"]) == ("Vpn", "RouteBased", "VpnGw1AZ")
    assert gateway["generation"] == "Generation1"
    assert gateway["ip_configuration"] == [{
        "name": "vnetGatewayConfig",
        "private_ip_address_allocation": "Dynamic",
        "public_ip_address_id": prod.ref("azurerm_public_ip", "pip-vpngw-trading-prod"),
        "subnet_id": prod.ref("azurerm_subnet", "GatewaySubnet"),
    }]
    client = gateway["vpn_client_configuration"]
    assert client["address_space"] == ["172.16.0.0/24"]
    assert client["vpn_client_protocols"] == ["OpenVPN"]
    assert client["vpn_auth_types"] == ["Certificate"]
    assert client["root_certificate"] == [
        {"name": "SigmatiqP2SRoot", "public_cert_data": "${var.vpn_root_certificate}"},
    ]


def test_the_gateway_public_ip_is_standard_static_and_zone_redundant(prod):
    _, ip = prod.named("azurerm_public_ip", "pip-vpngw-trading-prod")
    assert (ip["sku"], ip["allocation_method"], ip["zones"]) == ("Standard", "Static", ["1", "2", "3"])


def test_without_a_certificate_file_the_root_certificate_is_a_validated_deploy_variable(prod):
    variable = prod.doc["variable"]["vpn_root_certificate"]
    assert variable["type"] == "string"
    line = 'can(regex("^[A-Za-z0-9+/=]+$", var.vpn_root_certificate))'
    # Expressions are templates; base64decode is never used (it fails on a DER certificate's bytes).
    assert [rule["condition"] for rule in variable["validation"]] == [
        '${!strcontains(var.vpn_root_certificate, "-----")}',
        "${" + line + "}",
        f'${{!{line} || (length(var.vpn_root_certificate) % 4 == 0 && '
        f'can(regex("^[^=]*={{0,2}}$", var.vpn_root_certificate)))}}',
        f'${{!{line} || (startswith(var.vpn_root_certificate, "MII") && length(var.vpn_root_certificate) >= 344)}}',
    ]
    _, gateway = prod.named("azurerm_virtual_network_gateway", "vpngw-trading-prod")
    assert gateway["vpn_client_configuration"]["root_certificate"] == [
        {"name": "SigmatiqP2SRoot", "public_cert_data": "${var.vpn_root_certificate}"},
    ]


# --- DNS -------------------------------------------------------------------------------

def test_the_resolver_has_a_static_inbound_endpoint_and_no_outbound_one_without_forwarding_rules(prod):
    resolver = prod.ref("azurerm_private_dns_resolver", "dnsr-trading-prod")
    _, resolver_config = prod.named("azurerm_private_dns_resolver", "dnsr-trading-prod")
    assert resolver_config["virtual_network_id"] == prod.ref("azurerm_virtual_network", "vnet-trading-prod")
    _, inbound = prod.named("azurerm_private_dns_resolver_inbound_endpoint", "dnsr-trading-prod-inbound")
    assert inbound["private_dns_resolver_id"] == resolver
    assert inbound["ip_configurations"] == {
        "private_ip_address": "10.20.0.36",
        "private_ip_allocation_method": "Static",
        "subnet_id": prod.ref("azurerm_subnet", "snet-dns-inbound"),
    }
    # An outbound endpoint (about $180 a month) serves forwarding rulesets only; prod has none.
    assert prod.resources("azurerm_private_dns_resolver_outbound_endpoint") == {}
    assert prod.resources("azurerm_private_dns_resolver_dns_forwarding_ruleset") == {}


def test_the_vnet_dns_points_at_the_resolver_inbound_ip_before_the_vpn_is_built(prod):
    inbound = prod.ref(
        "azurerm_private_dns_resolver_inbound_endpoint", "dnsr-trading-prod-inbound",
        "ip_configurations[0].private_ip_address",
    )
    [(key, dns)] = prod.resources("azurerm_virtual_network_dns_servers").items()
    assert dns == {**dns, "dns_servers": [inbound],
                   "virtual_network_id": prod.ref("azurerm_virtual_network", "vnet-trading-prod")}
    _, gateway = prod.named("azurerm_virtual_network_gateway", "vpngw-trading-prod")
    assert gateway["depends_on"] == [f"azurerm_virtual_network_dns_servers.{key}"]


def test_each_privatelink_zone_and_the_apps_zone_is_linked_to_the_vnet(prod):
    vnet = prod.ref("azurerm_virtual_network", "vnet-trading-prod")
    zones = prod.resources("azurerm_private_dns_zone")
    links = prod.resources("azurerm_private_dns_zone_virtual_network_link").values()
    argument, attribute = ZONE_OF_LINK
    linked = {link[argument] for link in links if link["virtual_network_id"] == vnet}
    assert all(link["registration_enabled"] is False for link in links)
    assert linked == {f"${{azurerm_private_dns_zone.{key}.{attribute}}}" for key in zones}
    names = {z["name"] for z in zones.values()}
    assert {zone for _, zone in PRIVATE_SERVICES.values()} <= names
    assert "${azurerm_container_app_environment." in "".join(names)


def test_app_names_resolve_to_the_internal_load_balancer(prod):
    [record] = prod.resources("azurerm_private_dns_a_record").values()
    assert record["name"] == "*"
    assert record["records"] == [
        prod.ref("azurerm_container_app_environment", "cae-trading-prod", "static_ip_address"),
    ]


# --- private endpoints ------------------------------------------------------------------

@pytest.mark.parametrize(("service", "wiring"), PRIVATE_SERVICES.items(), ids=lambda v: str(v))
def test_each_data_plane_service_has_an_endpoint_in_the_pe_subnet_registered_in_its_zone(
    prod, service, wiring,
):
    tf_type, name = service
    subresource, zone = wiring
    _, endpoint = prod.named("azurerm_private_endpoint", f"pe-{name}")
    assert endpoint["subnet_id"] == prod.ref("azurerm_subnet", "snet-private-endpoints")
    connection = endpoint["private_service_connection"]
    assert connection["private_connection_resource_id"] == prod.ref(tf_type, name)
    assert connection["subresource_names"] == [subresource]
    assert connection["is_manual_connection"] is False
    assert endpoint["private_dns_zone_group"]["private_dns_zone_ids"] == [
        prod.ref("azurerm_private_dns_zone", zone),
    ]


def test_no_prod_resource_enables_public_network_access(prod):
    for tf_type, resources in prod.doc["resource"].items():
        for key, resource in resources.items():
            assert resource.get("public_network_access_enabled", False) is False, (tf_type, key)
            assert resource.get("public_network_access", "Disabled") == "Disabled", (tf_type, key)
    _, vault = prod.named("azurerm_key_vault", "kv-trading-prod")
    assert vault["network_acls"] == {"bypass": "AzureServices", "default_action": "Deny"}


def test_every_private_endpoint_zone_is_linked_to_the_vnet(prod):
    vnet = prod.ref("azurerm_virtual_network", "vnet-trading-prod")
    argument, attribute = ZONE_OF_LINK
    linked = {
        link[argument]
        for link in prod.resources("azurerm_private_dns_zone_virtual_network_link").values()
        if link["virtual_network_id"] == vnet
    }
    for endpoint in prod.resources("azurerm_private_endpoint").values():
        for zone_id in endpoint["private_dns_zone_group"]["private_dns_zone_ids"]:
            assert zone_id.replace(".id}", f".{attribute}}}") in linked


# --- app infrastructure ----------------------------------------------------------------

def test_the_prod_vault_has_purge_protection_and_90_day_soft_delete(prod):
    _, vault = prod.named("azurerm_key_vault", "kv-trading-prod")
    assert vault["resource_group_name"] == "rg-trading-prod-apps"
    assert vault["purge_protection_enabled"] is True
    assert vault["soft_delete_retention_days"] == 90
    assert vault["public_network_access_enabled"] is False


def test_prod_app_configuration_is_standard_with_public_access_disabled(prod):
    _, store = prod.named("azurerm_app_configuration", "appconfig-trading-prod")
    assert store["sku"] == "standard"
    assert store["public_network_access"] == "Disabled"
    assert store["purge_protection_enabled"] is True
    assert store["local_auth_enabled"] is False


def test_the_prod_identity_holds_the_same_three_grants_as_beta(prod):
    principal = prod.ref("azurerm_user_assigned_identity", "mi-trading-prod", "principal_id")
    granted = {
        (r["scope"], r["role_definition_id"].rsplit("/", 1)[1])
        for r in prod.resources("azurerm_role_assignment").values()
        if r["principal_id"] == principal
    }
    assert granted == {
        (prod.data_ref("azurerm_container_registry", "acrtradingshared"),
         "7f951dda-4ed3-4680-a7ca-43fe172d538d"),
        (prod.ref("azurerm_key_vault", "kv-trading-prod"), "4633458b-17de-408a-b874-0445c86b69e6"),
        (prod.data_ref("azurerm_key_vault", "kv-trading-shared"),
         "4633458b-17de-408a-b874-0445c86b69e6"),
        (prod.ref("azurerm_app_configuration", "appconfig-trading-prod"),
         "516239f1-63e1-4d78-a4de-a74fb236a071"),
    }


def test_the_prod_environment_is_vnet_integrated_and_internal(prod):
    _, environment = prod.named("azurerm_container_app_environment", "cae-trading-prod")
    assert environment["infrastructure_subnet_id"] == prod.ref("azurerm_subnet", "snet-container-apps")
    assert environment["internal_load_balancer_enabled"] is True
    assert environment["zone_redundancy_enabled"] is False
    assert environment["workload_profile"] == [
        {"name": "Consumption", "workload_profile_type": "Consumption"},
    ]
    assert environment["log_analytics_workspace_id"] == prod.ref(
        "azurerm_log_analytics_workspace", "log-trading-prod",
    )


def test_the_five_prod_apps_run_at_least_two_replicas_on_the_consumption_profile(prod):
    apps = {a["name"]: a for a in prod.resources("azurerm_container_app").values()}
    assert sorted(apps) == ["ca-auth-api", "ca-card-api", "ca-native-api", "ca-pilot-api", "ca-sim-api"]
    for app in apps.values():
        assert app["template"]["min_replicas"] == 2
        assert app["workload_profile_name"] == "Consumption"
        assert app["container_app_environment_id"] == prod.ref(
            "azurerm_container_app_environment", "cae-trading-prod",
        )
        image = app["template"]["container"][0]["image"]
        assert image.endswith(f"/sigmatiq-{app['name'].removeprefix('ca-')}:prod")


# --- data ------------------------------------------------------------------------------

def test_prod_postgres_is_general_purpose_private_with_geo_redundant_backups(prod):
    _, server = prod.named("azurerm_postgresql_flexible_server", "psql-trading-prod")
    assert server["resource_group_name"] == "rg-trading-prod-data"
    assert server["sku_name"] == "GP_Standard_D2ds_v4"
    assert server["public_network_access_enabled"] is False
    assert server["geo_redundant_backup_enabled"] is True
    assert server["backup_retention_days"] == 14
    assert "high_availability" not in server
    assert prod.resources("azurerm_postgresql_flexible_server_firewall_rule") == {}


def test_prod_redis_is_azure_managed_redis_with_6_gb_zone_redundant_and_private(prod):
    assert prod.resources("azurerm_redis_cache") == {}
    _, cache = prod.named("azurerm_managed_redis", "redis-trading-prod")
    assert cache["sku_name"] == "Balanced_B5"  # 6 GB, the seed's Premium P1 size
    assert "high_availability_enabled" not in cache or cache["high_availability_enabled"] is True
    assert cache["public_network_access"] == "Disabled"
    assert cache["default_database"] == {
        "access_keys_authentication_enabled": True, "client_protocol": "Encrypted",
        "clustering_policy": "EnterpriseCluster",
    }
    app = next(iter(prod.resources("azurerm_container_app").values()))
    env = {e["name"]: e.get("value") for e in app["template"]["container"][0]["env"]}
    assert env["REDIS_HOST"] == prod.ref("azurerm_managed_redis", "redis-trading-prod", "hostname")
    assert env["REDIS_PORT"] == prod.ref("azurerm_managed_redis", "redis-trading-prod", "default_database[0].port")
    _, password = prod.named("azurerm_key_vault_secret", "Redis-Password")
    assert password["value_wo"] == prod.ref(
        "azurerm_managed_redis", "redis-trading-prod", "default_database[0].primary_access_key",
    )


@pytest.mark.parametrize(("tf_type", "name"), [
    ("azurerm_resource_group", "rg-trading-prod-data"),
    ("azurerm_postgresql_flexible_server", "psql-trading-prod"),
    ("azurerm_managed_redis", "redis-trading-prod"),
    ("azurerm_key_vault", "kv-trading-prod"),
])
def test_prod_data_cannot_be_destroyed_by_a_plan(prod, tf_type, name):
    _, resource = prod.named(tf_type, name)
    assert resource["lifecycle"]["prevent_destroy"] is True


def test_the_prod_data_group_carries_a_cannot_delete_lock(prod):
    [lock] = prod.resources("azurerm_management_lock").values()
    assert lock["scope"] == prod.ref("azurerm_resource_group", "rg-trading-prod-data")
    assert lock["lock_level"] == "CanNotDelete"


def test_beta_data_has_no_delete_lock_and_is_kept_from_destruction_by_its_adoption(beta):
    assert beta.resources("azurerm_management_lock") == {}
    _, server = beta.named("azurerm_postgresql_flexible_server", "psql-trading-beta")
    assert server["lifecycle"]["prevent_destroy"] is True  # as every adopted resource


# --- settings variants (one extra synth) -------------------------------------------------

@pytest.fixture(scope="module")
def root_certificate():
    return self_signed_root()


@pytest.fixture(scope="module")
def variant(tmp_path_factory, root_certificate):
    """Prod with Azure Cache for Redis, zone-redundant HA, public app ingress, DNS forwarding
    rules and a PEM root cert."""
    settings = load(environ=ISOLATED)
    prod = settings.environments["prod"]
    pem = root_certificate.public_bytes(Encoding.PEM).decode()
    prod = dataclasses.replace(
        prod,
        postgres=dataclasses.replace(prod.postgres, high_availability_mode="ZoneRedundant"),
        redis=dataclasses.replace(prod.redis, service="azure-cache-for-redis", sku="Premium", capacity=1),
        network=dataclasses.replace(
            prod.network, public_app_ingress=True,
            dns_forwarding_rules={"corp.example.com.": ("10.1.0.4", "10.1.0.5")},
            public_app_ingress_reason="Partners call the APIs from the internet during the pilot.",
            vpn=dataclasses.replace(prod.network.vpn, root_certificate=pem),
        ),
    )
    settings = dataclasses.replace(settings, environments={"prod": prod})
    return synth(settings, tmp_path_factory.mktemp("variant"))["prod"]


def test_a_pem_root_certificate_in_settings_lands_as_base64_der(variant, root_certificate):
    _, gateway = variant.named("azurerm_virtual_network_gateway", "vpngw-trading-prod")
    der = base64.b64encode(root_certificate.public_bytes(Encoding.DER)).decode()
    assert gateway["vpn_client_configuration"]["root_certificate"] == [
        {"name": "SigmatiqP2SRoot", "public_cert_data": der},
    ]
    assert "vpn_root_certificate" not in variant.doc["variable"]


def test_zone_redundant_high_availability_is_a_setting(variant):
    _, server = variant.named("azurerm_postgresql_flexible_server", "psql-trading-prod")
    assert server["high_availability"] == {"mode": "ZoneRedundant"}


def test_azure_cache_for_redis_stays_a_setting_behind_the_same_wiring(variant):
    assert variant.resources("azurerm_managed_redis") == {}
    _, cache = variant.named("azurerm_redis_cache", "redis-trading-prod")
    assert (cache["sku_name"], cache["family"], cache["capacity"]) == ("Premium", "P", 1)
    assert cache["public_network_access_enabled"] is False
    assert cache["non_ssl_port_enabled"] is False
    assert cache["lifecycle"]["prevent_destroy"] is True
    _, endpoint = variant.named("azurerm_private_endpoint", "pe-redis-trading-prod")
    assert endpoint["private_service_connection"]["subresource_names"] == ["redisCache"]
    assert endpoint["private_dns_zone_group"]["private_dns_zone_ids"] == [
        variant.ref("azurerm_private_dns_zone", "privatelink.redis.cache.windows.net"),
    ]
    app = next(iter(variant.resources("azurerm_container_app").values()))
    env = {e["name"]: e.get("value") for e in app["template"]["container"][0]["env"]}
    assert env["REDIS_HOST"] == variant.ref("azurerm_redis_cache", "redis-trading-prod", "hostname")
    assert env["REDIS_PORT"] == variant.ref("azurerm_redis_cache", "redis-trading-prod", "ssl_port")


def test_forwarding_rules_bring_the_outbound_endpoint_and_a_ruleset_linked_to_the_vnet(variant):
    resolver = variant.ref("azurerm_private_dns_resolver", "dnsr-trading-prod")
    _, outbound = variant.named("azurerm_private_dns_resolver_outbound_endpoint", "dnsr-trading-prod-outbound")
    assert (outbound["private_dns_resolver_id"], outbound["subnet_id"]) == (
        resolver, variant.ref("azurerm_subnet", "snet-dns-outbound"),
    )
    _, ruleset = variant.named("azurerm_private_dns_resolver_dns_forwarding_ruleset", "dnsr-trading-prod-ruleset")
    assert ruleset["private_dns_resolver_outbound_endpoint_ids"] == [
        variant.ref("azurerm_private_dns_resolver_outbound_endpoint", "dnsr-trading-prod-outbound"),
    ]
    ruleset_id = variant.ref("azurerm_private_dns_resolver_dns_forwarding_ruleset", "dnsr-trading-prod-ruleset")
    _, rule = variant.named("azurerm_private_dns_resolver_forwarding_rule", "corp-example-com")
    assert rule == {**rule, "dns_forwarding_ruleset_id": ruleset_id, "domain_name": "corp.example.com.",
                    "enabled": True, "target_dns_servers": [
                        {"ip_address": "10.1.0.4", "port": 53}, {"ip_address": "10.1.0.5", "port": 53},
                    ]}
    _, link = variant.named("azurerm_private_dns_resolver_virtual_network_link", "link-vnet-trading-prod")
    assert (link["dns_forwarding_ruleset_id"], link["virtual_network_id"]) == (
        ruleset_id, variant.ref("azurerm_virtual_network", "vnet-trading-prod"),
    )


def test_public_app_ingress_is_an_explicit_setting_with_its_nsg_rule(variant):
    _, environment = variant.named("azurerm_container_app_environment", "cae-trading-prod")
    assert environment["internal_load_balancer_enabled"] is False
    assert environment["public_network_access"] == "Enabled"
    [rule] = variant.resources("azurerm_network_security_rule").values()
    assert (rule["source_address_prefix"], rule["destination_port_ranges"]) == ("Internet", ["443", "80"])
    assert rule["network_security_group_name"] == variant.ref(
        "azurerm_network_security_group", "nsg-snet-container-apps", "name",
    )
    assert variant.resources("azurerm_private_dns_a_record") == {}


def test_bootstrap_mode_leaves_out_vault_secrets_and_apps(tmp_path):
    settings = load(environ={**ISOLATED, "SIGMATIQ_PROD_BOOTSTRAP": "1"})
    settings = dataclasses.replace(
        settings, environments={"prod": settings.environments["prod"]},
    )
    prod = synth(settings, tmp_path)["prod"]
    assert prod.resources("azurerm_key_vault_secret") == {}
    assert prod.resources("azurerm_container_app") == {}
    assert prod.resources("azurerm_private_endpoint") != {}
