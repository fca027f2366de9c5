"""The orders service's stack, tested as its users would test their own: one synth of the
app (nothing written to cdktf.out), assertions on the template, the problems a bad change
brings, and a snapshot to review."""

from pathlib import Path

import pytest

from main import OrdersStack
from sigmatiq_infra import App, azurerm
from sigmatiq_infra.testing import Annotations, Capture, Match, Template


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    return OrdersStack(App(outdir=str(tmp_path_factory.mktemp("never-written") / "cdktf.out")), "orders")


@pytest.fixture(scope="module")
def template(stack):
    return Template.from_stack(stack)


def test_the_vault_is_rbac_only_and_keeps_deleted_secrets(template):
    template.has_resource("azurerm_key_vault", {
        "name": "kv-orders-dev",
        "rbac_authorization_enabled": True,
        "purge_protection_enabled": True,
        "soft_delete_retention_days": 90,
        "access_policy": Match.absent(),
    })


def test_the_database_password_never_reaches_state(template):
    template.has_resource("azurerm_postgresql_flexible_server", {
        "name": "psql-orders-dev",
        "administrator_password_wo": "${var.orders_db_password}",
        "administrator_password": Match.absent(),
    })
    template.has_variable("orders_db_password", {
        "sensitive": True, "ephemeral": True,
        "validation": Match.array_with([
            {"error_message": Match.string_like_regexp("fewer than 8 or more than 128 characters")},
        ]),
    })


def test_the_app_reads_its_database_url_from_the_vault_as_its_identity(template, stack):
    secret = Capture()
    template.has_resource("azurerm_container_app", {
        "name": "orders-api",
        "secret": [{"key_vault_secret_id": secret, "identity": template.ref(stack.identity, "id")}],
    })
    assert secret.as_string() == template.ref("azurerm_key_vault_secret", "Orders-DatabaseUrl", "versionless_id")
    template.has_resource("azurerm_role_assignment", {
        "scope": template.ref(stack.vault, "id"),
        "principal_id": template.ref(stack.identity, "principal_id"),
        "role_definition_id": Match.string_like_regexp("/4633458b-17de-408a-b874-0445c86b69e6$"),
    })


def test_every_data_service_sends_its_logs_to_the_workspace(template):
    template.resource_count_is("azurerm_monitor_diagnostic_setting", 5)
    template.has_output("api_fqdn")


def test_the_service_bus_construct_of_our_own_is_keyless_tagged_and_sent_to_by_the_app_only(template, stack):
    template.has_resource("azurerm_servicebus_namespace", {
        "name": "sb-orders-dev",
        "local_auth_enabled": False,
        "minimum_tls_version": "1.2",
        "tags": {"Service": "orders", "Owner": "team-orders"},
    })
    template.has_resource("azurerm_role_assignment", {
        "scope": template.ref(stack.bus, "id"),
        "principal_id": template.ref(stack.identity, "principal_id"),
        "role_definition_id": Match.string_like_regexp("/69a216fc-b8fb-44d8-bc22-1f3c2cd27a39$"),
    })
    template.has_resource("azurerm_container_app", {
        "name": "orders-api",
        "template": Match.object_like({"container": [Match.object_like({
            "env": Match.array_with([{"name": "SERVICE_BUS_ENDPOINT", "value": template.ref(stack.bus, "endpoint")}]),
        })]}),
    })


def test_a_private_namespace_on_standard_fails_the_test_with_the_numbered_list(tmp_path):
    from service_bus import ServiceBusNamespace, ServiceBusNamespaceProps

    app = App(outdir=str(tmp_path / "cdktf.out"))
    stack = OrdersStack(app, "orders")
    ServiceBusNamespace(stack, "Events", ServiceBusNamespaceProps("sb-orders-events", stack.bus.resource_group))
    with pytest.raises(AssertionError) as failed:
        Template.from_stack(stack)
    assert "ServiceBusNamespace 'orders/Events': public_network_access_enabled False leaves a 'Standard' " in str(
        failed.value,
    )


def test_the_app_has_no_problems_and_no_warnings(stack):
    annotations = Annotations.from_stack(stack)
    annotations.has_no_errors()
    assert annotations.warnings == ()


def test_a_vault_name_azure_refuses_fails_the_test_with_the_numbered_list(tmp_path):
    app = App(outdir=str(tmp_path / "cdktf.out"))
    OrdersStack(app, "orders", location="Mars Central")
    with pytest.raises(AssertionError) as failed:
        Template.from_stack(app.node.find_child("orders"))
    assert str(failed.value).startswith("sigmatiq-infra: synth stopped, nothing was written (1 problem):\n")
    assert "location 'Mars Central' is not an Azure region" in str(failed.value)
    assert not (tmp_path / "cdktf.out").exists()


def test_the_whole_stack_matches_its_reviewed_snapshot(template):
    # One snapshot per azurerm major: the stack pins the provider of the engine it runs on.
    template.assert_matches_snapshot(Path(__file__).parent / "snapshots" / f"orders-azurerm{azurerm.MAJOR}.json")
