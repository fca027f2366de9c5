"""Round 19: every problem ends with "Fix: ...", and a hurried user does literally what it says. Each
test here gives the mistake, asserts the exact message, then applies the fix as written and asserts that
the run passes with the exact synthesized value. Before this round these fixes named the wrong region
('US East' was told 'austriaeast'), a value refused again ('GatewaySubnet' for a subnet named
'GatewaySubnet'; a SKU from `az postgres flexible-server list-skus`, which lists it without its tier), a
rule the user never wrote (`allow_azure_services` told to "remove the rules"), a date Azure refuses for
a new budget ('2017-06-01'), or a value that only led to the next problem (a cpu without its memory)."""

from __future__ import annotations

import datetime

import pytest
from helpers import container_app, error_of, fresh_stack, only_resource, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.stacks import App, AzureStack
from sigmatiq_infra.testing import Template

R = c.SubnetRole
THIS_MONTH = datetime.date.today().replace(day=1).isoformat()


# --- 1. a region written with its words in another order ---------------------------------------------------
# The fix named the most similar spelling ('US East' -> 'austriaeast', 'eu-west' -> 'ukwest'): a region
# that exists, so the run passed, in the wrong country. Microsoft's names put the direction first.


def test_a_location_written_us_east_is_told_eastus_not_austriaeast(stack):
    assert error_of(lambda: c.ResourceGroup(stack, "G", c.ResourceGroupProps("rg-orders", "US East"))) == (
        "ResourceGroup 'test/G': location 'US East' is not an Azure region (did you mean 'eastus'?). Allowed: a "
        "region's programmatic name such as 'centralus' or 'westeurope', or its display name such as 'West Europe' "
        "(Microsoft's Azure regions list, regions-list.md of 2025-09-23). Fix: use 'eastus'."
    )


@pytest.mark.parametrize(("written", "region"), [
    ("US East", "eastus"), ("eu-west", "westeurope"), ("eu-north", "northeurope"), ("ap-southeast", "southeastasia"),
])
def test_a_location_in_another_clouds_word_order_is_told_the_azure_region_and_that_passes(stack, written, region):
    assert error_of(lambda: c.ResourceGroup(stack, "Bad", c.ResourceGroupProps("rg-bad", written))).endswith(
        f"Fix: use '{region}'."
    )
    fixed = AzureStack(App(), "fixed")
    c.ResourceGroup(fixed, "G", c.ResourceGroupProps("rg-orders", region))
    assert recorded(fixed) == []
    assert only_resource(fixed, "azurerm_resource_group")["location"] == region


# --- 2. a PostgreSQL SKU as `az postgres flexible-server list-skus` shows it -------------------------------
# Azure CLI's table (postgresql/_transformers.py) lists `Standard_B1ms` under the tier `Burstable`;
# azurerm's sku_name is the tier and that name: `B_Standard_B1ms` (postgresql_flexible_server docs).


def server(stack, group, sku: str) -> c.PostgresServer:
    password = c.WriteOnlySecret.from_inputs(stack, "pw", "the password")
    return c.PostgresServer(stack, "Db", c.PostgresServerProps("psql-orders-test", group, sku, "ordersadmin", password))


def test_a_sku_copied_from_list_skus_without_its_tier_is_told_the_sku_with_it(stack, group):
    assert error_of(lambda: server(stack, group, "Standard_B1ms")) == (
        "PostgresServer 'test/Db': sku 'Standard_B1ms' is not a flexible server SKU. Allowed: <tier>_Standard_<size> "
        "with tier B (Burstable), GP (General Purpose) or MO (Memory Optimized), e.g. 'B_Standard_B1ms', "
        "'GP_Standard_D2ds_v4'. Fix: write it as 'B_Standard_B1ms'."
    )


@pytest.mark.parametrize(("written", "sku"), [
    ("Standard_B1ms", "B_Standard_B1ms"), ("Standard_D2ds_v5", "GP_Standard_D2ds_v5"),
    ("Standard_E4ds_v4", "MO_Standard_E4ds_v4"), ("b_standard_b1ms", "B_Standard_B1ms"),
    ("standard_dc2ads_v5", "GP_Standard_DC2ads_v5"),
])
def test_the_sku_the_fix_writes_passes_and_is_synthesized(stack, group, written, sku):
    assert error_of(lambda: server(stack, group, written)).endswith(f"Fix: write it as '{sku}'.")
    fixed, fixed_group = fresh_stack()
    server(fixed, fixed_group, sku)
    assert recorded(fixed) == []
    assert only_resource(fixed, "azurerm_postgresql_flexible_server")["sku_name"] == sku


def test_a_size_alone_is_told_to_put_the_tier_before_what_list_skus_shows(stack, group):
    assert error_of(lambda: server(stack, group, "B1ms")) == (
        "PostgresServer 'test/Db': sku 'B1ms' is not a flexible server SKU. Allowed: <tier>_Standard_<size> with "
        "tier B (Burstable), GP (General Purpose) or MO (Memory Optimized), e.g. 'B_Standard_B1ms', "
        "'GP_Standard_D2ds_v4'. Fix: put the tier before a SKU of `az postgres flexible-server list-skus --location "
        "<region>`, which lists them without it: B_ for Burstable, GP_ for General Purpose, MO_ for Memory "
        "Optimized (its 'Standard_B1ms' is 'B_Standard_B1ms')."
    )


def test_a_size_azurerm_does_not_take_is_told_one_it_takes_and_that_passes(stack, group):
    assert error_of(lambda: server(stack, group, "MO_Standard_E3ds_v5")) == (
        "PostgresServer 'test/Db': sku 'MO_Standard_E3ds_v5' is not a Memory Optimized size azurerm 4.55 takes. "
        "Allowed: Memory Optimized (MO_) sizes from the E-series, e.g. E2ds_v4, E2ds_v5, E2s_v3. Fix: use one of "
        "those sizes, e.g. 'MO_Standard_E2ds_v4'."
    )
    fixed, fixed_group = fresh_stack()
    server(fixed, fixed_group, "MO_Standard_E2ds_v4")
    assert recorded(fixed) == []
    assert only_resource(fixed, "azurerm_postgresql_flexible_server")["sku_name"] == "MO_Standard_E2ds_v4"


# --- 3. allow_azure_services on a private server ---------------------------------------------------------
# The problem named firewall_rules ['AllowAzureServices'] and said "remove the rules": the user wrote
# no rule; the switch adds it.


def test_allow_azure_services_on_a_private_server_names_the_switch_not_rules_to_remove(stack, group):
    password = c.WriteOnlySecret.from_inputs(stack, "pw", "the password")
    assert error_of(lambda: c.PostgresServer(stack, "Db", c.PostgresServerProps(
        "psql-orders-test", group, "B_Standard_B1ms", "ordersadmin", password, allow_azure_services=True,
    ))) == (
        "PostgresServer 'test/Db': allow_azure_services True needs public network access (it adds the firewall "
        "rule AllowAzureServices). Allowed: allow_azure_services=True only with public_network_access_enabled=True. "
        "Fix: leave allow_azure_services out (False), or opt in to public access with "
        "public_network_access_enabled=True."
    )


def test_opting_in_to_public_access_as_the_fix_says_passes_with_the_azure_services_rule(stack, group):
    password = c.WriteOnlySecret.from_inputs(stack, "pw", "the password")
    c.PostgresServer(stack, "Db", c.PostgresServerProps(
        "psql-orders-test", group, "B_Standard_B1ms", "ordersadmin", password, allow_azure_services=True,
        public_network_access_enabled=True,
    ))
    assert recorded(stack) == []
    rule = only_resource(stack, "azurerm_postgresql_flexible_server_firewall_rule")
    assert (rule["name"], rule["start_ip_address"], rule["end_ip_address"]) == (
        "AllowAzureServices", "0.0.0.0", "0.0.0.0",
    )


def test_rules_of_ones_own_and_the_switch_on_a_private_server_are_two_problems_each_with_its_fix(stack, group):
    password = c.WriteOnlySecret.from_inputs(stack, "pw", "the password")
    assert error_of(lambda: c.PostgresServer(stack, "Db", c.PostgresServerProps(
        "psql-orders-test", group, "B_Standard_B1ms", "ordersadmin", password, allow_azure_services=True,
        firewall_rules=[c.FirewallRule("office", "203.0.113.7", "203.0.113.7")],
    ))).splitlines() == [
        "PostgresServer 'test/Db': firewall_rules ['office'] need public network access. Allowed: firewall rules "
        "only with public_network_access_enabled=True. Fix: remove the rules, or opt in to public access.",
        "PostgresServer 'test/Db': allow_azure_services True needs public network access (it adds the firewall "
        "rule AllowAzureServices). Allowed: allow_azure_services=True only with public_network_access_enabled=True. "
        "Fix: leave allow_azure_services out (False), or opt in to public access with "
        "public_network_access_enabled=True.",
    ]


# --- 4. a subnet named GatewaySubnet with another role ----------------------------------------------------
# The fix said to name the gateway subnet 'GatewaySubnet': that is this subnet's name already, so
# doing it gave the same problem. Azure keeps the name for the VPN gateway's subnet.


def vnet(stack, group, *subnets):
    return c.VirtualNetwork(stack, "Net", c.VirtualNetworkProps("vnet-orders", group, "10.20.0.0/16", list(subnets)))


def test_a_private_endpoint_subnet_named_gatewaysubnet_is_told_a_name_of_its_own_or_the_gateway_role(stack, group):
    assert error_of(lambda: vnet(stack, group, c.SubnetSpec("GatewaySubnet", "10.20.1.0/24", R.PRIVATE_ENDPOINTS))) == (
        "VirtualNetwork 'test/Net': subnet 'GatewaySubnet' 'PRIVATE_ENDPOINTS' breaks the gateway subnet naming "
        "rule. Allowed: role GATEWAY exactly for the subnet named 'GatewaySubnet'. Fix: give this subnet a name of "
        "its own, e.g. 'snet-private-endpoints', or role=SubnetRole.GATEWAY if it is the VPN gateway's."
    )


def test_the_name_the_gateway_fix_suggests_passes(stack, group):
    vnet(stack, group, c.SubnetSpec("snet-private-endpoints", "10.20.1.0/24", R.PRIVATE_ENDPOINTS))
    assert recorded(stack) == []
    assert only_resource(stack, "azurerm_subnet")["name"] == "snet-private-endpoints"


def test_the_gateway_role_the_fix_suggests_passes_without_an_nsg(stack, group):
    vnet(stack, group, c.SubnetSpec("GatewaySubnet", "10.20.0.0/27", R.GATEWAY))
    assert recorded(stack) == []
    assert only_resource(stack, "azurerm_subnet")["name"] == "GatewaySubnet"
    assert Template.from_stack(stack).resources("azurerm_network_security_group") == {}


def test_a_subnet_of_the_gateway_role_with_another_name_is_still_told_to_name_it_gatewaysubnet(stack, group):
    assert error_of(lambda: vnet(stack, group, c.SubnetSpec("snet-gateway", "10.20.0.0/27", R.GATEWAY))).endswith(
        "Fix: name the VPN gateway subnet 'GatewaySubnet' and no other."
    )


# --- 5. a budget's start date ------------------------------------------------------------------------------
# azurerm's consumption_budget_subscription docs (time_period.start_date): "Budget start date must be on
# or after June 1, 2017 ... Past start date should be selected within the timegrain period": a new monthly
# budget starts this month at the earliest, so '2017-06-01' (the fix before) is refused at apply.


def budget(stack, group, start: str, id: str = "Budget") -> c.Budget:
    return c.Budget(stack, id, c.BudgetProps(f"budget-{id.lower()}", 40, start, [group]))


def test_a_start_before_june_2017_is_told_this_month_which_azure_takes_for_a_new_budget(stack, group):
    assert error_of(lambda: budget(stack, group, "2017-01-01")) == (
        "Budget 'test/Budget': start_date '2017-01-01' is not the first of a month from June 2017 on. Allowed: the "
        f"first day of a month, 2017-06-01 or later. Fix: use '{THIS_MONTH}'."
    )
    fixed, fixed_group = fresh_stack()
    budget(fixed, fixed_group, THIS_MONTH)
    assert recorded(fixed) == []
    assert only_resource(fixed, "azurerm_consumption_budget_subscription")["time_period"]["start_date"] == (
        f"{THIS_MONTH}T00:00:00Z"
    )


def test_a_date_written_with_slashes_is_told_that_date_as_the_api_writes_it(stack, group):
    assert error_of(lambda: budget(stack, group, "2027/01/15")) == (
        "Budget 'test/Budget': start_date '2027/01/15' is not a date. Allowed: a date written YYYY-MM-01. Fix: write "
        "it as '2027-01-01'."
    )
    fixed, fixed_group = fresh_stack()
    budget(fixed, fixed_group, "2027-01-01")
    assert recorded(fixed) == []


def test_a_start_that_is_no_date_is_told_this_month_not_a_fixed_date_that_goes_stale(stack, group):
    assert error_of(lambda: budget(stack, group, "next month")) == (
        "Budget 'test/Budget': start_date 'next month' is not a date. Allowed: a date written YYYY-MM-01. Fix: write "
        f"it as e.g. '{THIS_MONTH}'."
    )


# --- 6. a container app's cpu of no pair, with a memory of one ---------------------------------------------
# The fix said "pick a cpu of 0.25-2.0 in steps of 0.25"; a cpu picked so was then told its memory.


def test_a_cpu_of_no_pair_is_told_the_cpu_of_its_memory(stack, group):
    assert error_of(lambda: container_app(stack, group, cpu=0.3, memory="1.5Gi")) == (
        "ContainerApp 'test/Api': cpu/memory '0.3/1.5Gi' is not a combination Azure accepts. Allowed: on the "
        "Consumption plan: 0.25/0.5Gi, 0.5/1Gi, 0.75/1.5Gi, 1/2Gi, 1.25/2.5Gi, 1.5/3Gi, 1.75/3.5Gi, 2/4Gi. Fix: use "
        "cpu=0.75 for memory='1.5Gi'."
    )


def test_the_cpu_the_fix_names_passes_with_the_memory_as_written(stack, group):
    container_app(stack, group, cpu=0.75, memory="1.5Gi")
    assert recorded(stack) == []
    (container,) = only_resource(stack, "azurerm_container_app")["template"]["container"]
    assert (container["cpu"], container["memory"]) == (0.75, "1.5Gi")


# --- 7. an image tag written with its repository -----------------------------------------------------------


def test_an_image_tag_written_as_name_and_tag_is_told_the_tag_after_the_colon(stack, group):
    assert error_of(lambda: container_app(stack, group, image_tag="api:1.4.2")) == (
        "ContainerApp 'test/Api': image tag 'api:1.4.2' is not a valid image tag. Allowed: 1-128 letters, digits, "
        "'_', '.', '-', not starting with '.' or '-'. Fix: write the tag alone: image_tag='1.4.2' (what comes before "
        "':' is the repository)."
    )
    fixed, fixed_group = fresh_stack()
    container_app(fixed, fixed_group, image_tag="1.4.2")
    assert recorded(fixed) == []
    (container,) = only_resource(fixed, "azurerm_container_app")["template"]["container"]
    assert container["image"].endswith("/team/api:1.4.2")


# --- 8. a metric written in another case ------------------------------------------------------------------


def test_a_metric_in_another_case_is_told_the_metric_as_listed_and_that_passes(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-orders-test", group))
    actions = c.ActionGroup(stack, "Actions", c.ActionGroupProps("ag-orders", group, "orders"))

    def alert(id: str, metric: str) -> c.MetricAlert:
        return c.MetricAlert(stack, id, c.MetricAlertProps(
            f"alert-{id.lower()}", group, vault, metric, 99, actions, operator="LessThan",
        ))

    assert error_of(lambda: alert("Bad", "availability")) == (
        "MetricAlert 'test/Bad': metric 'availability' is not supported (did you mean 'Availability'?). Allowed: "
        "Availability, ServiceApiLatency, SaturationShoebox, ServiceApiHit, ServiceApiResult. Fix: use "
        "'Availability'."
    )
    stack.node.try_remove_child("Bad")
    alert("Good", "Availability")
    assert recorded(stack) == []
    assert only_resource(stack, "azurerm_monitor_metric_alert")["criteria"][0]["metric_name"] == "Availability"


# --- 9. a Managed Redis size between Azure's steps -------------------------------------------------------
# The hint said the most similar spelling ('Balanced_B2' -> 'Balanced_B20', ten times the size) and the fix
# another size again ('Balanced_B5'): both now name the next step of the tier, or its largest above them all.

SIZES = (
    "Allowed: Balanced_B0 to _B1000, MemoryOptimized_M10 to _M2000, ComputeOptimized_X3 to _X700 or "
    "FlashOptimized_A250 to _A4500, in Azure's steps (redis.MANAGED_SKUS)."
)


def managed_redis(stack, group, sku):
    return c.ManagedRedis(stack, "Cache", c.ManagedRedisProps("redis-test-19", group, sku=sku))


@pytest.mark.parametrize(("written", "step", "why"), [
    ("Balanced_B2", "Balanced_B3", "the next size of that tier (or another from the Azure Managed Redis pricing page)"),
    ("memoryoptimized_m5", "MemoryOptimized_M10",
     "the next size of that tier (or another from the Azure Managed Redis pricing page)"),
    ("Balanced_B2000", "Balanced_B1000",
     "the largest size of that tier (or another from the Azure Managed Redis pricing page)"),
    ("balanced_b3", "Balanced_B3", "as Azure writes it"),
])
def test_a_managed_redis_size_between_azures_steps_is_told_the_step_meant_which_passes(
    stack, group, written, step, why,
):
    assert error_of(lambda: managed_redis(stack, group, written), scope=stack) == (
        f"ManagedRedis 'test/Cache': sku {written!r} is not supported (did you mean {step!r}?). {SIZES} "
        f"Fix: use {step!r}, {why}."
    )
    fixed, fixed_group = fresh_stack()
    managed_redis(fixed, fixed_group, step)
    assert recorded(fixed) == []
    assert only_resource(fixed, "azurerm_managed_redis")["sku_name"] == step


# --- 10. a VNet without a subnet of the role a construct needs ------------------------------------------------
# The value shown was the (empty) list of the role's subnets: now the VNet's subnets, to add one to.

def test_a_vnet_without_a_gateway_subnet_shows_the_subnets_it_has_and_adding_one_passes(stack, group):
    pe = c.SubnetSpec("snet-pe", "10.20.1.0/24", R.PRIVATE_ENDPOINTS)
    network = c.VirtualNetwork(stack, "Net", c.VirtualNetworkProps("vnet-test", group, "10.20.0.0/16", [pe]))
    assert error_of(lambda: network.subnet_for(R.GATEWAY), scope=stack) == (
        "VirtualNetwork 'test/Net': subnets ['snet-pe'] hold no subnet for VPN gateway. Allowed: exactly one subnet "
        "with role GATEWAY. Fix: add one SubnetSpec with role=GATEWAY."
    )
    fixed, fixed_group = fresh_stack()
    gateway = c.SubnetSpec("GatewaySubnet", "10.20.255.0/27", R.GATEWAY)
    with_gateway = c.VirtualNetwork(fixed, "Net", c.VirtualNetworkProps("vnet-test", fixed_group, "10.20.0.0/16",
                                                                         [pe, gateway]))
    assert with_gateway.subnet_for(R.GATEWAY).name == "GatewaySubnet"
    assert recorded(fixed) == []
