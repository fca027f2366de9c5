"""Names unique in their Azure scope, across the stacks of one app, as a hurried user's app of
several stacks gives them: the same name twice in one scope is one problem naming both
constructs, in one stack or in two and in any case; the same name in two scopes passes (two
resource groups, two subscriptions: Microsoft Learn, "Naming rules and restrictions for Azure
resources", the Scope column), and a lookup of what its own stack creates is one problem."""

import pytest
from helpers import error_of, stacks_with_groups

from sigmatiq_infra.constructs import (
    BuiltInRole,
    ContainerRegistry,
    ContainerRegistryProps,
    KeyVault,
    KeyVaultProps,
    ResourceGroup,
    ResourceGroupProps,
    SubnetRole,
    SubnetSpec,
    UserAssignedIdentity,
    UserAssignedIdentityProps,
    VirtualNetwork,
    VirtualNetworkProps,
)

SUBSCRIPTION_1 = "00000000-0000-0000-0000-000000000001"
SUBSCRIPTION_2 = "00000000-0000-0000-0000-000000000002"


def _stack_in(app, name, subscription):
    """A plain TerraformStack with its own azurerm provider, as docs/library/validation.md allows,
    naming the subscription it deploys to (None: the environment's, as an AzureStack's)."""
    from cdktf import TerraformStack

    from sigmatiq_infra.azurerm import provider

    stack = TerraformStack(app, name)
    arguments = {} if subscription is None else {"subscription_id": subscription}
    provider.AzurermProvider(stack, "azurerm", features=[provider.AzurermProviderFeatures()], **arguments)
    return stack


def _vnet(stack, group, name="vnet", subnet="snet-pe"):
    return VirtualNetwork(stack, "Vnet", VirtualNetworkProps(
        name, group, "10.0.0.0/16", [SubnetSpec(subnet, "10.0.0.0/24", SubnetRole.PRIVATE_ENDPOINTS)],
    ))


def _app(tmp_path):
    from sigmatiq_infra.stacks import App

    return App(outdir=str(tmp_path / "out"))


def test_a_resource_group_and_vnet_of_one_name_in_stacks_of_two_subscriptions_pass(tmp_path):
    from helpers import synthesized_documents

    app = _app(tmp_path)
    for name, subscription in (("prod", SUBSCRIPTION_1), ("test", SUBSCRIPTION_2)):
        stack = _stack_in(app, name, subscription)
        group = ResourceGroup(stack, "Group", ResourceGroupProps("rg-app", "westeurope"))
        _vnet(stack, group)
        group.add_lock("Holds the app.")
    app.synth()  # was: "resource group 'test/Group': name 'rg-app' is already the name of resource group ..."
    documents = synthesized_documents(tmp_path)
    prod, test = documents["prod"], documents["test"]
    assert [document["provider"]["azurerm"][0]["subscription_id"] for document in (prod, test)] == [
        SUBSCRIPTION_1, SUBSCRIPTION_2,
    ]
    assert [
        next(iter(document["resource"]["azurerm_resource_group"].values()))["name"]
        for document in (prod, test)
    ] == ["rg-app", "rg-app"]


def test_a_resource_group_on_an_aliased_provider_of_another_subscription_passes_beside_its_namesake(tmp_path):
    from sigmatiq_infra.azurerm import provider

    app = _app(tmp_path)
    stack = _stack_in(app, "hub", SUBSCRIPTION_1)
    other = provider.AzurermProvider(
        stack, "SpokeProvider", alias="spoke", features=[provider.AzurermProviderFeatures()],
        subscription_id=SUBSCRIPTION_2,
    )
    ResourceGroup(stack, "Hub", ResourceGroupProps("rg-app", "westeurope"))
    spoke = ResourceGroup(stack, "Spoke", ResourceGroupProps("rg-app", "westeurope"))
    spoke.node.find_child("Resource").provider = other
    app.synth()  # two subscriptions, one group name each


def test_one_group_name_in_two_stacks_of_one_subscription_is_one_problem_naming_both(tmp_path):
    app = _app(tmp_path)
    for name in ("prod", "test"):
        ResourceGroup(_stack_in(app, name, SUBSCRIPTION_1), "Group", ResourceGroupProps("rg-app", "westeurope"))
    assert error_of(app.synth) == (
        "resource group 'test/Group': name 'rg-app' is already the name of resource group 'prod/Group' (Azure "
        "compares names in any case). Allowed: one resource group per name in the subscription. Fix: rename one of "
        "the two (a name the library derives follows the name you give its construct)."
    )


@pytest.mark.parametrize("subscription", [None, SUBSCRIPTION_1.upper()])
def test_a_group_of_a_stack_in_the_environments_subscription_or_one_written_in_capitals_is_compared(
    tmp_path, subscription,
):
    app = _app(tmp_path)
    first = _stack_in(app, "prod", subscription and SUBSCRIPTION_1)
    ResourceGroup(first, "Group", ResourceGroupProps("rg-app", "westeurope"))
    ResourceGroup(_stack_in(app, "test", subscription), "Group", ResourceGroupProps("RG-App", "westeurope"))
    assert error_of(app.synth).startswith(
        "resource group 'test/Group': name 'RG-App' is already the name of resource group 'prod/Group' (Azure "
        "compares names in any case). Allowed: one resource group per name in the subscription.",
    )


def test_a_key_vault_name_is_taken_in_every_subscription(tmp_path):
    app = _app(tmp_path)
    for name, subscription in (("prod", SUBSCRIPTION_1), ("test", SUBSCRIPTION_2)):
        stack = _stack_in(app, name, subscription)
        group = ResourceGroup(stack, "Group", ResourceGroupProps(f"rg-{name}", "westeurope"))
        KeyVault(stack, "Vault", KeyVaultProps("kv-app-x10" if name == "prod" else "KV-App-X10", group))
    assert error_of(app.synth) == (
        "Key Vault 'test/Vault': name 'KV-App-X10' is already the name of Key Vault 'prod/Vault' (Azure compares "
        "names in any case). Allowed: one Key Vault per name in all of Azure. Fix: rename one of the two (a name the "
        "library derives follows the name you give its construct)."
    )


def test_a_subscription_known_only_at_deploy_time_is_not_compared(tmp_path):
    from cdktf import TerraformVariable

    app = _app(tmp_path)
    ResourceGroup(_stack_in(app, "prod", SUBSCRIPTION_1), "Group", ResourceGroupProps("rg-app", "westeurope"))
    later = _stack_in(app, "test", None)
    variable = TerraformVariable(later, "subscription", type="string")
    later.node.find_child("azurerm").subscription_id = variable.string_value
    ResourceGroup(later, "Group", ResourceGroupProps("rg-app", "westeurope"))
    app.synth()


def test_a_role_granted_on_a_group_of_one_name_in_each_of_two_subscriptions_passes(tmp_path):
    app = _app(tmp_path)
    for name, subscription in (("prod", SUBSCRIPTION_1), ("test", SUBSCRIPTION_2)):
        stack = _stack_in(app, name, subscription)
        group = ResourceGroup(stack, "Group", ResourceGroupProps("rg-app", "westeurope"))
        identity = UserAssignedIdentity(stack, "Id", UserAssignedIdentityProps("id-app", group))
        group.grant(BuiltInRole.READER, identity)
    app.synth()  # was: RoleAssignmentExists said of 'test' (one group and one identity, by name)


def test_a_vnet_of_one_name_in_two_groups_of_two_stacks_passes_and_in_one_group_in_any_case_is_refused(tmp_path):
    app, (network, spoke), (shared, own) = stacks_with_groups(tmp_path, "network", "spoke")
    _vnet(network, shared)
    _vnet(spoke, own)
    app.synth()  # two resource groups may each hold a VNet named 'vnet'

    app, (network, spoke), (shared, _own) = stacks_with_groups(tmp_path / "again", "network", "spoke")
    _vnet(network, shared)
    _vnet(spoke, shared, "VNet", "snet-spoke")
    assert error_of(app.synth) == (
        "virtual network 'spoke/Vnet': name 'VNet' is already the name of virtual network 'network/Vnet' (Azure "
        "compares names in any case). Allowed: one virtual network per name in its resource group. Fix: rename one "
        "of the two (a name the library derives follows the name you give its construct)."
    )


@pytest.mark.parametrize(("kind", "make", "lookup"), [
    ("Key Vault", lambda stack, group: KeyVault(stack, "Made", KeyVaultProps("kv-app-x10", group)),
     lambda stack: KeyVault.from_existing(stack, "Found", name="KV-App-X10", resource_group_name="RG-Platform")),
    ("container registry",
     lambda stack, group: ContainerRegistry(stack, "Made", ContainerRegistryProps("acrappx10", group, sku="Premium")),
     lambda stack: ContainerRegistry.from_existing(
         stack, "Found", name="acrappx10", resource_group_name="rg-platform",
     )),
])
def test_a_lookup_of_what_its_own_stack_creates_is_one_problem_naming_both(tmp_path, kind, make, lookup):
    app, (platform,), (group,) = stacks_with_groups(tmp_path, "platform")
    make(platform, group)
    found = lookup(platform)
    assert error_of(app.synth) == (
        f"{kind} lookup 'platform/Found': name {found.name!r} is the name of {kind} 'platform/Made', which this stack "
        "creates: Terraform reads a lookup while it plans, before it creates anything, so the stack's first plan "
        "stops with 'not found'. Allowed: a lookup of a resource that another stack or tool manages. Fix: use the "
        "construct 'platform/Made' itself where the lookup is used."
    )


def test_a_lookup_of_what_another_stack_creates_or_of_another_group_passes(tmp_path):
    app, (platform, service), (shared, _own) = stacks_with_groups(tmp_path, "platform", "service")
    KeyVault(platform, "Vault", KeyVaultProps("kv-app-x10", shared))
    KeyVault.from_existing(service, "Shared", name="kv-app-x10", resource_group_name="rg-platform")
    KeyVault.from_existing(platform, "Other", name="kv-other-x10", resource_group_name="rg-platform")
    app.synth()
