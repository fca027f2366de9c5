"""Bad network, VPN, certificate and private-endpoint input fails early and clearly."""

import base64

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from helpers import error_of, recorded, self_signed_root

from sigmatiq_infra.certificates import public_cert_data, read_public_cert_data
from sigmatiq_infra.constructs import (
    AppConfiguration,
    AppConfigurationProps,
    ContainerRegistry,
    ContainerRegistryProps,
    DnsResolver,
    DnsResolverProps,
    KeyVault,
    KeyVaultProps,
    PrivateDnsZones,
    PrivateDnsZonesProps,
    PrivateNetwork,
    RootCertificate,
    SecretProps,
    SubnetRole,
    SubnetSpec,
    VirtualNetwork,
    VirtualNetworkProps,
    VpnGateway,
    VpnGatewayProps,
    WriteOnlySecret,
)

ACCEPTED = (
    "Allowed: a PEM certificate (-----BEGIN CERTIFICATE----- ...), a DER certificate file, or its "
    "base64 DER text on one line without header lines."
)


def vnet(stack, group, *subnets, space="10.20.0.0/16"):
    return VirtualNetwork(stack, "Net", VirtualNetworkProps("vnet-test", group, space, list(subnets)))


GATEWAY = SubnetSpec("GatewaySubnet", "10.20.0.0/27", SubnetRole.GATEWAY)
PE = SubnetSpec("snet-pe", "10.20.1.0/24", SubnetRole.PRIVATE_ENDPOINTS)
INBOUND = SubnetSpec("snet-in", "10.20.0.32/28", SubnetRole.DNS_RESOLVER_INBOUND)
OUTBOUND = SubnetSpec("snet-out", "10.20.0.48/28", SubnetRole.DNS_RESOLVER_OUTBOUND)


# --- subnets ---------------------------------------------------------------------------

def test_fails_when_a_subnet_lies_outside_the_vnet(stack, group):
    outside = SubnetSpec("snet-pe", "10.21.1.0/24", SubnetRole.PRIVATE_ENDPOINTS)
    assert error_of(lambda: vnet(stack, group, outside)) == (
        "VirtualNetwork 'test/Net': subnet 'snet-pe' '10.21.1.0/24' lies outside the VNet "
        "10.20.0.0/16. Allowed: a range inside 10.20.0.0/16. "
        "Fix: move the subnet into the VNet's address space."
    )


def test_fails_when_two_subnets_overlap(stack, group):
    overlapping = SubnetSpec("snet-apps", "10.20.1.0/27", SubnetRole.CONTAINER_APPS)
    assert error_of(lambda: vnet(stack, group, PE, overlapping)) == (
        "VirtualNetwork 'test/Net': subnet 'snet-apps' '10.20.1.0/27' overlaps subnet 'snet-pe' "
        "(10.20.1.0/24). Allowed: subnets that share no addresses. Fix: move one of the two subnets."
    )


@pytest.mark.parametrize(("spec", "allowed"), [
    (SubnetSpec("GatewaySubnet", "10.20.0.0/29", SubnetRole.GATEWAY), "/2 to /27 for VPN gateway"),
    (SubnetSpec("snet-apps", "10.20.2.0/28", SubnetRole.CONTAINER_APPS),
     "/2 to /27 for Container Apps environment"),
    (SubnetSpec("snet-in", "10.20.0.32/29", SubnetRole.DNS_RESOLVER_INBOUND),
     "/24 to /28 for DNS resolver inbound endpoint"),
    (SubnetSpec("snet-out", "10.20.4.0/23", SubnetRole.DNS_RESOLVER_OUTBOUND),
     "/24 to /28 for DNS resolver outbound endpoint"),
])
def test_fails_when_a_subnet_is_the_wrong_size_for_its_role(stack, group, spec, allowed):
    message = error_of(lambda: vnet(stack, group, spec))
    assert f"subnet {spec.name!r} {spec.cidr!r} is the wrong size for a " in message
    assert f"Allowed: {allowed}." in message


def test_fails_when_the_gateway_subnet_has_another_name(stack, group):
    wrong = SubnetSpec("snet-gateway", "10.20.0.0/27", SubnetRole.GATEWAY)
    assert error_of(lambda: vnet(stack, group, wrong)) == (
        "VirtualNetwork 'test/Net': subnet 'snet-gateway' 'GATEWAY' breaks the gateway subnet naming "
        "rule. Allowed: role GATEWAY exactly for the subnet named 'GatewaySubnet'. "
        "Fix: name the VPN gateway subnet 'GatewaySubnet' and no other."
    )


def test_fails_when_a_subnet_range_is_not_a_network(stack, group):
    bad = SubnetSpec("snet-pe", "10.20.1.7/24", SubnetRole.PRIVATE_ENDPOINTS)
    assert error_of(lambda: vnet(stack, group, bad)).startswith(
        "VirtualNetwork 'test/Net': subnet 'snet-pe' '10.20.1.7/24' is not an IPv4 network "
        "(10.20.1.7/24 has host bits set).",
    )


def test_a_well_formed_network_passes(stack, group):
    network = vnet(stack, group, GATEWAY, PE, INBOUND, OUTBOUND)
    assert network.subnet_for(SubnetRole.GATEWAY).name == "GatewaySubnet"


# --- VPN -------------------------------------------------------------------------------

ROOT_DATA = base64.b64encode(self_signed_root().public_bytes(Encoding.DER)).decode()
"""A real root certificate (made in memory, its key dropped), as base64 DER on one line."""


def vpn_props(network, group, **overrides):
    props = {
        "name": "vpngw-test", "resource_group": group, "virtual_network": network,
        "client_address_pool": "172.16.0.0/24",
        "root_certificates": [RootCertificate("Root", ROOT_DATA)],
    }
    return VpnGatewayProps(**{**props, **overrides})


def test_a_literal_root_certificate_that_is_no_certificate_or_expired_is_refused(stack, group):
    network = vnet(stack, group, GATEWAY)
    message = error_of(lambda: VpnGateway(stack, "Vpn", vpn_props(
        network, group, root_certificates=[RootCertificate("Fake", base64.b64encode(b"not a certificate").decode())],
    )))
    assert message.startswith("VPN root certificate 'test/Vpn/Fake': content 'bm90IGEgY2VydGlmaWNhdGU=' is not an "
                              "X.509 certificate")
    assert message.endswith("Fix: export the root certificate again (see `sigmatiq-infra vpn-cert root`).")


def test_a_literal_root_certificate_that_is_real_passes(stack, group):
    network = vnet(stack, group, GATEWAY)
    VpnGateway(stack, "Vpn", vpn_props(network, group))
    assert recorded(stack) == []


def test_fails_when_the_vpn_client_pool_overlaps_the_vnet(stack, group):
    network = vnet(stack, group, GATEWAY)
    assert error_of(lambda: VpnGateway(stack, "Vpn", vpn_props(
        network, group, client_address_pool="10.20.200.0/24",
    ))) == (
        "VpnGateway 'test/Vpn': client_address_pool '10.20.200.0/24' overlaps the VNet address space "
        "10.20.0.0/16. Allowed: a range outside the VNet (and outside any network the clients are "
        "on). Fix: use a separate range such as '172.16.0.0/24'."
    )


def test_fails_when_the_vpn_sku_is_a_retired_non_zonal_one(stack, group):
    network = vnet(stack, group, GATEWAY)
    assert error_of(lambda: VpnGateway(stack, "Vpn", vpn_props(network, group, sku="VpnGw1"))) == (
        "VpnGateway 'test/Vpn': sku 'VpnGw1' can no longer be created (non-zonal SKUs retired "
        "2025-01-01). Allowed: 'VpnGw1AZ', 'VpnGw2AZ', 'VpnGw3AZ', 'VpnGw4AZ', 'VpnGw5AZ'. "
        "Fix: use 'VpnGw1AZ'."
    )


def test_each_generation_takes_the_skus_azurerm_lists_for_it(stack, group):
    network = vnet(stack, group, GATEWAY)
    assert error_of(lambda: VpnGateway(stack, "Vpn", vpn_props(network, group, sku="VpnGw4AZ"))) == (
        "VpnGateway 'test/Vpn': generation 'Generation1' is not available for VpnGw4AZ. Allowed: Generation1 with "
        "VpnGw1AZ, VpnGw2AZ, VpnGw3AZ. Fix: use generation='Generation2'."
    )
    def another_network(id):  # Azure takes one VPN gateway per VNet
        return VirtualNetwork(stack, id, VirtualNetworkProps(f"vnet-{id}", group, "10.20.0.0/16", [GATEWAY]))

    assert error_of(lambda: VpnGateway(stack, "Vpn2", vpn_props(
        another_network("Net2"), group, sku="VpnGw1AZ", generation="Generation2",
    ))) == (
        "VpnGateway 'test/Vpn2': generation 'Generation2' is not available for VpnGw1AZ. Allowed: Generation2 with "
        "VpnGw2AZ, VpnGw3AZ, VpnGw4AZ, VpnGw5AZ. Fix: use generation='Generation1'."
    )
    VpnGateway(stack, "Vpn3", vpn_props(another_network("Net3"), group, sku="VpnGw3AZ"))  # Generation1: VpnGw3AZ
    assert recorded(stack) == []


def test_fails_when_the_root_certificate_data_still_has_pem_header_lines(stack, group):
    network = vnet(stack, group, GATEWAY)
    pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"
    assert "root certificate 'Root'" in error_of(lambda: VpnGateway(stack, "Vpn", vpn_props(
        network, group, root_certificates=[RootCertificate("Root", pem)],
    )))


def test_fails_when_there_is_no_gateway_subnet(stack, group):
    network = vnet(stack, group, PE)
    assert error_of(lambda: VpnGateway(stack, "Vpn", vpn_props(network, group))) == (
        "VirtualNetwork 'test/Net': subnets ['snet-pe'] hold no subnet for VPN gateway. Allowed: exactly one "
        "subnet with role GATEWAY. Fix: add one SubnetSpec with role=GATEWAY."
    )


# --- root certificates ------------------------------------------------------------------

@pytest.fixture(scope="module")
def root():
    return self_signed_root()


def test_a_pem_certificate_becomes_base64_der_on_one_line(root):
    pem = root.public_bytes(Encoding.PEM).decode()
    assert public_cert_data(pem, where="setting") == base64.b64encode(
        root.public_bytes(Encoding.DER),
    ).decode()


def test_base64_der_is_accepted_as_it_is(root):
    der64 = base64.b64encode(root.public_bytes(Encoding.DER)).decode()
    assert public_cert_data(der64, where="setting") == der64


def test_a_binary_der_file_and_a_pem_file_give_the_same_data(tmp_path, root):
    (tmp_path / "root.cer").write_bytes(root.public_bytes(Encoding.DER))
    (tmp_path / "root.pem").write_bytes(root.public_bytes(Encoding.PEM))
    assert read_public_cert_data(tmp_path / "root.cer") == read_public_cert_data(tmp_path / "root.pem")


def test_a_malformed_root_certificate_is_rejected():
    message = error_of(lambda: public_cert_data("not a certificate", where="root_certificate setting"))
    assert message.startswith(
        "VPN root certificate 'root_certificate setting': content 'not a certificate' is not an X.509 certificate (",
    )
    assert message.endswith(f"{ACCEPTED} Fix: export the root certificate again "
                            "(see `sigmatiq-infra vpn-cert root`).")


def test_a_private_key_is_refused_as_a_root_certificate():
    key = "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n"
    assert error_of(lambda: public_cert_data(key, where="root.pem")) == (
        f"VPN root certificate 'root.pem': content '<private key>' contains a private key. {ACCEPTED} "
        "Fix: never hand a private key to the VPN gateway; give only the root certificate (the public part)."
    )


def test_a_missing_certificate_file_is_a_clear_error(tmp_path):
    missing = tmp_path / "nope.cer"
    assert error_of(lambda: read_public_cert_data(missing)) == (
        f"VPN root certificate '{missing}': file '{missing}' cannot be read (No such file or directory). "
        "Allowed: a readable certificate file. Fix: point the setting at an existing certificate file."
    )


# --- DNS resolver -----------------------------------------------------------------------

def test_fails_when_the_inbound_ip_is_one_azure_reserves(stack, group):
    network = vnet(stack, group, INBOUND, OUTBOUND)
    assert error_of(lambda: DnsResolver(stack, "Dns", DnsResolverProps(
        "dnsr-test", group, network, inbound_ip="10.20.0.33",
    ))) == (
        "DnsResolver 'test/Dns': inbound_ip '10.20.0.33' is not a usable address of the inbound "
        "subnet 10.20.0.32/28. Allowed: 10.20.0.36 to 10.20.0.46 (Azure reserves the first four and "
        "the last address). Fix: pick an address such as 10.20.0.36."
    )


# --- private endpoints ----------------------------------------------------------------------

@pytest.fixture
def private_network(stack, group):
    network = vnet(stack, group, PE)
    zones = PrivateDnsZones(stack, "Zones", PrivateDnsZonesProps(group, network))
    return PrivateNetwork(network, zones)


def test_a_basic_registry_cannot_have_a_private_endpoint(stack, group, private_network):
    registry = ContainerRegistry(stack, "Registry", ContainerRegistryProps(
        "acrtest1", group, sku="Basic", public_network_access_enabled=True,
    ))
    assert error_of(lambda: registry.add_private_endpoint(private_network), scope=registry).splitlines() == [
        "ContainerRegistry 'test/Registry': sku 'Basic' cannot have a private endpoint. Allowed: "
        "private endpoints on sku 'Premium'. Fix: use sku='Premium'.",
    ]


def test_a_free_app_configuration_store_cannot_have_a_private_endpoint(stack, group, private_network):
    store = AppConfiguration(stack, "Config", AppConfigurationProps(
        "appconfig-test", group, sku="free", public_network_access_enabled=True,
    ))
    assert error_of(lambda: store.add_private_endpoint(private_network), scope=store).splitlines()[0] == (
        "AppConfiguration 'test/Config': sku 'free' cannot have a private endpoint. Allowed: private "
        "endpoints on sku 'standard' or 'premium'. Fix: use sku='standard'."
    )


def test_a_service_that_opted_in_to_public_access_can_also_get_an_endpoint(stack, group, private_network):
    """Azure serves both paths (a database public to Azure services for an environment without
    a VNet, and privately to a VNet): no conflict, and public access stays as the props set it."""
    vault = KeyVault(stack, "Vault", KeyVaultProps("kv-test", group, public_network_access_enabled=True))
    endpoint = vault.add_private_endpoint(private_network)
    assert endpoint is not None and vault.private_endpoints == [endpoint]
    assert not vault.problem_log.problems
    assert vault.resource.public_network_access_enabled_input is True


def test_a_premium_registry_gets_its_endpoint_in_the_registry_zone(stack, group, private_network):
    registry = ContainerRegistry(stack, "Registry", ContainerRegistryProps("acrtest1", group, sku="Premium"))
    endpoint = registry.add_private_endpoint(private_network)
    assert endpoint.zone is private_network.zones.zones["privatelink.azurecr.io"]


def _vault_with_a_secret(stack, group, **props):
    vault = KeyVault(stack, "Vault", KeyVaultProps("kv-test", group, **props))
    vault.add_secret("Token", SecretProps("api-token", WriteOnlySecret.from_inputs(stack, "token", "the token")))
    return vault


def test_secrets_added_to_a_private_vault_no_endpoint_reaches_are_warned_of_at_synth(stack, group):
    vault = _vault_with_a_secret(stack, group)
    vault.problem_log.run_deferred()
    assert vault.problem_log.warnings == [
        "KeyVault 'test/Vault': public_network_access_enabled False leaves no way for the deployment to write the "
        "secrets it adds (api-token): with public access off, only private endpoints and trusted Azure services "
        "reach a vault's data plane, and this vault has no private endpoint. Allowed: a private endpoint the "
        "deploying machine reaches, or public network access. Fix: add one with "
        "vault.add_private_endpoint(PrivateNetwork(vnet, zones)) and deploy from inside that network (a self-hosted "
        "runner, the VPN), or set public_network_access_enabled=True.",
    ]
    assert vault.problem_log.problems == []


def test_a_vault_given_secrets_with_an_endpoint_or_public_access_is_not_warned_of(stack, group, private_network):
    _vault_with_a_secret(stack, group).add_private_endpoint(private_network)  # the endpoint may come after
    other = KeyVault(stack, "Public", KeyVaultProps("kv-test-2", group, public_network_access_enabled=True))
    other.add_secret("Token", SecretProps("api-token", WriteOnlySecret.from_inputs(stack, "token2", "the token")))
    other.problem_log.run_deferred()
    assert other.problem_log.warnings == []
