"""The `shared` stack matches what is deployed: rg-trading-shared, its vault and registry."""

from helpers import ENGINE

SHARED_TAGS = {"Environment": "shared", "Product": "Trading", "ManagedBy": "cdktf"}


def test_the_shared_resource_group_is_in_centralus_with_its_purpose_tag(shared):
    _, group = shared.named("azurerm_resource_group", "rg-trading-shared")
    assert group["location"] == "centralus"
    assert group["tags"] == {**SHARED_TAGS, "Purpose": "Shared resources (Key Vault, ACR)"}


def test_the_shared_vault_is_standard_rbac_with_90_day_soft_delete_and_purge_protection(shared):
    _, vault = shared.named("azurerm_key_vault", "kv-trading-shared")
    assert vault["sku_name"] == "standard"
    assert vault["rbac_authorization_enabled"] is True
    assert "enable_rbac_authorization" not in vault
    assert "access_policy" not in vault
    assert vault["soft_delete_retention_days"] == 90
    assert vault["purge_protection_enabled"] is True
    assert vault["resource_group_name"] == "rg-trading-shared"
    assert vault["tenant_id"] == "${data.azurerm_client_config.ClientConfig.tenant_id}"
    assert vault["tags"] == SHARED_TAGS


def test_the_shared_vault_holds_no_secret_written_by_code(shared):
    assert shared.resources("azurerm_key_vault_secret") == {}
    assert shared.resources("azurerm_role_assignment") == {}


def test_the_shared_registry_is_basic_with_the_admin_user_disabled(shared):
    _, registry = shared.named("azurerm_container_registry", "acrtradingshared")
    assert registry["sku"] == "Basic"
    assert registry["admin_enabled"] is False
    assert registry["public_network_access_enabled"] is True
    assert registry["location"] == "centralus"


def test_the_shared_stack_uses_only_the_azurerm_provider_pinned_to_the_engines_bindings(shared):
    assert list(shared.doc["provider"]) == ["azurerm"]
    assert shared.doc["terraform"]["required_providers"] == {  # azurerm = hashicorp/azurerm
        "azurerm": {"source": "azurerm", "version": {"cdktf": "4.55.0", "cdktn": "5.10.0"}[ENGINE.name]},
    }


def test_the_provider_keeps_destroyed_vaults_recoverable(shared):
    features = shared.doc["provider"]["azurerm"][0]["features"][0]
    assert features["key_vault"] == [
        {"purge_soft_delete_on_destroy": False, "recover_soft_deleted_key_vaults": True},
    ]
    assert features["resource_group"] == [{"prevent_deletion_if_contains_resources": True}]


def test_the_provider_takes_subscription_and_tenant_from_its_own_authentication(synthesized):
    for stack in synthesized.values():
        provider = stack.doc["provider"]["azurerm"][0]
        assert not {"subscription_id", "tenant_id", "client_id", "client_secret"} & set(provider)
