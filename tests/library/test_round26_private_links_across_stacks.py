"""Private endpoints, private DNS zones and the P2S VPN in a hurried user's app of several stacks:
an endpoint for a service of another stack (or a lookup), in a VNet of another region, zones
shared by two stacks, and the root certificates a user pastes in (a PEM, a file's path, one too
many). Each mistake is one problem whose fix passes; what Azure takes is synthesized as written."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives.serialization import Encoding
from helpers import error_of, recorded, self_signed_root, stacks_with_groups, synthesized_documents

from sigmatiq_infra import constructs as c
from sigmatiq_infra.certificates import public_cert_data, read_public_cert_data
from sigmatiq_infra.testing import Template

R = c.SubnetRole
ROOT = self_signed_root()
ROOT_DATA = base64.b64encode(ROOT.public_bytes(Encoding.DER)).decode()
"""A real root certificate (made in memory, its key dropped), as base64 DER on one line."""
ROOT_PEM = ROOT.public_bytes(Encoding.PEM).decode()


def vnet(scope, group, *, id="Net", name="vnet-a", space="10.20.0.0/16", gateway=False):
    subnets = [c.SubnetSpec("snet-pe", space.replace("0.0/16", "1.0/24"), R.PRIVATE_ENDPOINTS)]
    if gateway:
        subnets.append(c.SubnetSpec("GatewaySubnet", space.replace("0.0/16", "0.0/27"), R.GATEWAY))
    return c.VirtualNetwork(scope, id, c.VirtualNetworkProps(name, group, space, subnets))


def network_stack(tmp_path, *services):
    """An app of a network stack (VNet and its zones) and service stacks: (app, network, services,
    their groups, the PrivateNetwork)."""
    app, (network, *stacks), (shared, *groups) = stacks_with_groups(tmp_path, "network", *services)
    net = vnet(network, shared)
    zones = c.PrivateDnsZones(network, "Zones", c.PrivateDnsZonesProps(shared, net))
    return app, network, stacks, groups, c.PrivateNetwork(net, zones)


REMOTE = "${data.terraform_remote_state.cross-stack-reference-input-network.outputs.cross-stack-output-"
SUBNET_ID = REMOTE + "azurerm_subnetNet_Subnet-snet-pe_657927F0id}"
ZONE_ID = REMOTE + "azurerm_private_dns_zoneZones_privatelinkvaultcoreazurenet_CEDE978Eid}"


# --- 1. an endpoint for a service of another stack ---------------------------------------------------


def test_an_endpoint_for_a_vault_of_a_service_stack_is_made_there_on_the_network_stacks_subnet(tmp_path):
    app, _, (service,), (own,), private = network_stack(tmp_path, "service")
    vault = c.KeyVault(service, "Vault", c.KeyVaultProps("kv-svc-x1", own))
    assert vault.add_private_endpoint(private).node.path == "service/Vault/PrivateEndpoint"
    app.synth()
    documents = synthesized_documents(tmp_path)
    (endpoint,) = documents["service"]["resource"]["azurerm_private_endpoint"].values()
    assert (endpoint["name"], endpoint["resource_group_name"], endpoint["location"], endpoint["subnet_id"]) == (
        "pe-kv-svc-x1", "rg-service", "westeurope", SUBNET_ID,
    )
    assert endpoint["private_dns_zone_group"] == {"name": "default", "private_dns_zone_ids": [ZONE_ID]}
    assert endpoint["private_service_connection"]["private_connection_resource_id"] == (
        "${azurerm_key_vault.Vault_23237E5B.id}"
    )
    assert "azurerm_private_endpoint" not in documents["network"]["resource"]


def test_an_endpoint_for_a_looked_up_vault_goes_in_the_vnets_group_on_the_lookups_id(tmp_path):
    app, _, (service,), _, private = network_stack(tmp_path, "service")
    vault = c.KeyVault.from_existing(service, "Vault", name="kv-existing-x1", resource_group_name="rg-other")
    vault.add_private_endpoint(private)
    app.synth()
    (endpoint,) = synthesized_documents(tmp_path)["service"]["resource"]["azurerm_private_endpoint"].values()
    assert (endpoint["name"], endpoint["resource_group_name"], endpoint["subnet_id"]) == (
        "pe-kv-existing-x1", "rg-network", SUBNET_ID,
    )
    assert endpoint["private_service_connection"]["private_connection_resource_id"] == (
        "${data.azurerm_key_vault.Vault_23237E5B.id}"
    )


def test_a_vault_in_another_region_than_the_vnet_gets_its_endpoint_in_the_vnets_region(tmp_path):
    # "The private endpoint must be deployed in the same region and subscription as the virtual network";
    # "The private-link resource can be deployed in a different region" (Microsoft Learn,
    # azure/private-link/private-endpoint-overview).
    app, _, (service,), _, private = network_stack(tmp_path, "service")
    north = c.ResourceGroup(service, "North", c.ResourceGroupProps("rg-service-ne", "northeurope"))
    c.KeyVault(service, "Vault", c.KeyVaultProps("kv-svc-x1", north)).add_private_endpoint(private)
    assert recorded(service) == []
    app.synth()
    (endpoint,) = synthesized_documents(tmp_path)["service"]["resource"]["azurerm_private_endpoint"].values()
    assert (endpoint["location"], endpoint["resource_group_name"]) == ("westeurope", "rg-service-ne")
    (vault,) = synthesized_documents(tmp_path)["service"]["resource"]["azurerm_key_vault"].values()
    assert vault["location"] == "northeurope"


def test_asking_twice_for_a_vaults_endpoint_from_two_stacks_networks_is_the_first(tmp_path):
    app, _, (service,), (own,), private = network_stack(tmp_path, "service")
    vault = c.KeyVault(service, "Vault", c.KeyVaultProps("kv-svc-x1", own))
    first = vault.add_private_endpoint(private)
    assert vault.add_private_endpoint(c.PrivateNetwork(private.virtual_network, private.zones)) is first
    app.synth()
    assert len(synthesized_documents(tmp_path)["service"]["resource"]["azurerm_private_endpoint"]) == 1


# --- 2. one set of zones for the stacks of one VNet -------------------------------------------------------


def test_one_set_of_zones_used_by_two_service_stacks_links_each_zone_once_in_the_network_stack(tmp_path):
    app, _, stacks, groups, private = network_stack(tmp_path, "svc1", "svc2")
    for stack, group, name in zip(stacks, groups, ("kv-svc1-x1", "kv-svc2-x1"), strict=True):
        c.KeyVault(stack, "Vault", c.KeyVaultProps(name, group)).add_private_endpoint(private)
    app.synth()
    documents = synthesized_documents(tmp_path)
    (link,) = documents["network"]["resource"]["azurerm_private_dns_zone_virtual_network_link"].values()
    assert (link["name"], link["registration_enabled"]) == ("link-vnet-a", False)
    assert [len(documents[name]["resource"].get("azurerm_private_dns_zone_virtual_network_link", {}))
            for name in ("svc1", "svc2")] == [0, 0]
    endpoints = [next(iter(documents[name]["resource"]["azurerm_private_endpoint"].values()))
                 for name in ("svc1", "svc2")]
    assert [endpoint["private_dns_zone_group"]["private_dns_zone_ids"] for endpoint in endpoints] == [
        [ZONE_ID], [ZONE_ID],
    ]


def test_a_set_of_zones_per_service_stack_for_one_vnet_is_one_problem_naming_both_sets(tmp_path):
    _, (network, svc1, svc2), (shared, one, two) = stacks_with_groups(tmp_path, "network", "svc1", "svc2")
    net = vnet(network, shared)
    for stack, group, name in ((svc1, one, "kv-svc1-x1"), (svc2, two, "kv-svc2-x1")):
        zones = c.PrivateDnsZones(stack, "Zones", c.PrivateDnsZonesProps(group, net))
        c.KeyVault(stack, "Vault", c.KeyVaultProps(name, group)).add_private_endpoint(c.PrivateNetwork(net, zones))
    assert recorded(network) == [
        "PrivateDnsZones 'svc2/Zones': zone 'privatelink.vaultcore.azure.net' is linked to VirtualNetwork "
        "'network/Net' by PrivateDnsZones 'svc1/Zones' already. Allowed: one private DNS zone of a name linked to "
        "a virtual network (Azure refuses a second: a virtual network cannot be linked to multiple zones with "
        "overlapping namespaces). Fix: use 'svc1/Zones' for every private endpoint in this VNet "
        "(PrivateNetwork(vnet, zones) with its zones), and no second PrivateDnsZones for the VNet."
    ]


# --- 3. P2S root certificates as a user pastes them ----------------------------------------------------


def gateway(stack, group, *certificates):
    return c.VpnGateway(stack, "Vpn", c.VpnGatewayProps(
        "vpngw-test", group, vnet(stack, group, gateway=True), "172.16.0.0/24", list(certificates),
    ))


def test_a_root_certificate_given_as_the_path_of_its_file_is_told_to_read_the_file(stack, group):
    assert error_of(lambda: gateway(stack, group, c.RootCertificate("P2SRoot", "certs/P2SRoot.cer"))) == (
        "VpnGateway 'test/Vpn': root certificate 'P2SRoot' 'certs/P2SRoot.cer' is the path of a certificate file, "
        "not the certificate. Allowed: the certificate itself: its base64 DER body on one line, as read from the "
        "file. Fix: read the file: RootCertificate('P2SRoot', read_public_cert_data('certs/P2SRoot.cer')), "
        "read_public_cert_data from sigmatiq_infra.certificates."
    )


def test_a_root_certificate_given_as_a_folder_path_without_an_ending_is_told_to_read_the_file(stack, group):
    message = error_of(lambda: gateway(stack, group, c.RootCertificate("P2SRoot", "certs/ca")))
    assert message.endswith("Fix: read the file: RootCertificate('P2SRoot', read_public_cert_data('certs/ca')), "
                            "read_public_cert_data from sigmatiq_infra.certificates.")
    assert "\n" not in message


def test_the_fix_for_a_path_passes_and_writes_the_files_certificate(stack, group, tmp_path):
    (tmp_path / "P2SRoot.cer").write_text(ROOT_PEM)
    gateway(stack, group, c.RootCertificate("P2SRoot", read_public_cert_data(tmp_path / "P2SRoot.cer")))
    assert recorded(stack) == []
    (config,) = Template.from_stack(stack).resources("azurerm_virtual_network_gateway").values()
    assert config["vpn_client_configuration"]["root_certificate"] == [
        {"name": "P2SRoot", "public_cert_data": ROOT_DATA},
    ]


def test_a_pem_root_certificate_is_told_the_call_that_converts_it(stack, group):
    assert error_of(lambda: gateway(stack, group, c.RootCertificate("P2SRoot", ROOT_PEM))) == (
        f"VpnGateway 'test/Vpn': root certificate 'P2SRoot' {ROOT_PEM[:40] + '...'!r} is not base64 DER on one line. "
        "Allowed: the certificate's base64 body without -----BEGIN/END----- lines or newlines. Fix: convert it: "
        "RootCertificate('P2SRoot', public_cert_data(<the certificate text>, where='P2SRoot')), public_cert_data "
        "from sigmatiq_infra.certificates (it reads PEM, DER and base64 DER)."
    )


def test_the_fix_for_a_pem_passes_and_writes_base64_der(stack, group):
    gateway(stack, group, c.RootCertificate("P2SRoot", public_cert_data(ROOT_PEM, where="P2SRoot")))
    assert recorded(stack) == []
    (config,) = Template.from_stack(stack).resources("azurerm_virtual_network_gateway").values()
    assert config["vpn_client_configuration"]["root_certificate"] == [
        {"name": "P2SRoot", "public_cert_data": ROOT_DATA},
    ]


def test_twenty_one_root_certificates_are_refused(stack, group):
    # "You can still upload 20 root certificates" (Microsoft Learn, VPN Gateway FAQ, point-to-site
    # with certificate authentication).
    roots = [c.RootCertificate(f"P2SRoot{number}", ROOT_DATA) for number in range(21)]
    assert error_of(lambda: gateway(stack, group, *roots)) == (
        "VpnGateway 'test/Vpn': root_certificates (count) 21 is out of range. Allowed: 1 to 20. "
        "Fix: set root_certificates (count) between 1 and 20."
    )


def test_twenty_root_certificates_pass_as_written(stack, group):
    gateway(stack, group, *(c.RootCertificate(f"P2SRoot{number}", ROOT_DATA) for number in range(20)))
    assert recorded(stack) == []
    (config,) = Template.from_stack(stack).resources("azurerm_virtual_network_gateway").values()
    assert [root["name"] for root in config["vpn_client_configuration"]["root_certificate"]] == [
        f"P2SRoot{number}" for number in range(20)
    ]
