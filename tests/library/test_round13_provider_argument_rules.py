"""Round 13, a user's own app against the azurerm provider's argument rules: the optional props a
user sets that the Sigmatiq estate does not (other SKUs, windows, identities, combinations), each
synthesized and held against the provider's schema and argument notes (ConflictsWith,
RequiredWith, ValidateFunc ranges) and Azure's own refusals. A combination Azure or azurerm
refuses is one problem naming the rule; one both take passes, with the exact JSON."""

from __future__ import annotations

import pytest
from helpers import error_of, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.testing import Template


def alert_props(group, target, metric, action, **options):
    return c.MetricAlertProps("alert-test", group, target, metric, 1, action, **options)


@pytest.fixture
def watched(stack, group):
    """A vault to watch and the action group to notify."""
    return (
        c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group)),
        c.ActionGroup(stack, "Alerts", c.ActionGroupProps("ag-test", group, "test")),
    )


# --- 1. a metric alert: windows and frequencies Azure takes, as written ---------------------------------


@pytest.mark.parametrize(("window", "frequency"), [
    ("PT1H", "PT1M"), ("PT6H", "PT5M"), ("PT12H", "PT15M"), ("P1D", "PT1H"), ("PT1M", "PT1M"),
])
def test_a_window_and_frequency_azure_takes_pass_as_written(stack, group, watched, window, frequency):
    vault, action = watched
    c.MetricAlert(stack, "Alert", alert_props(group, vault, "Availability", action, window=window, frequency=frequency))
    assert recorded(stack) == []
    alert = Template.from_stack(stack).resources("azurerm_monitor_metric_alert")
    assert [(config["window_size"], config["frequency"]) for config in alert.values()] == [(window, frequency)]


# --- 2. a VPN gateway: each root certificate under a name of its own --------------------------------------


def gateway(stack, group, *names):
    network = c.VirtualNetwork(stack, "Net", c.VirtualNetworkProps("vnet-test", group, "10.20.0.0/16", [
        c.SubnetSpec("GatewaySubnet", "10.20.0.0/27", c.SubnetRole.GATEWAY),
    ]))
    return c.VpnGateway(stack, "Vpn", c.VpnGatewayProps(
        "vpng-test", group, network, "172.16.0.0/24",
        [c.RootCertificate.from_input(stack, f"root_{number}", name) for number, name in enumerate(names)],
    ))


def test_two_root_certificates_of_one_name_are_refused(stack, group):
    assert error_of(lambda: gateway(stack, group, "P2SRoot", "P2SRoot")) == (
        "VpnGateway 'test/Vpn': root certificate name 'P2SRoot' is listed twice. Allowed: one root certificate per "
        "name (Azure names each the gateway's child resource vpnClientRootCertificates/<name>, compared in any "
        "case). Fix: give each root certificate its own name, e.g. 'P2SRoot2026' beside 'P2SRoot' while clients "
        "move to the new root, or remove the repeat."
    )


def test_a_root_certificate_name_repeated_in_another_case_is_refused(stack, group):
    assert error_of(lambda: gateway(stack, group, "P2SRoot", "Old", "p2sroot")) == (
        "VpnGateway 'test/Vpn': root certificate name 'p2sroot' is the name 'P2SRoot' again, in another case. "
        "Allowed: one root certificate per name (Azure names each the gateway's child resource "
        "vpnClientRootCertificates/<name>, compared in any case). Fix: give each root certificate its own name, "
        "e.g. 'P2SRoot2026' beside 'P2SRoot' while clients move to the new root, or remove the repeat."
    )


def test_root_certificates_of_their_own_names_pass_and_are_written_each(stack, group):
    gateway(stack, group, "P2SRoot", "P2SRoot2026")
    assert recorded(stack) == []
    config = next(iter(Template.from_stack(stack).resources("azurerm_virtual_network_gateway").values()))
    assert config["vpn_client_configuration"]["root_certificate"] == [
        {"name": "P2SRoot", "public_cert_data": "${var.root_0}"},
        {"name": "P2SRoot2026", "public_cert_data": "${var.root_1}"},
    ]
