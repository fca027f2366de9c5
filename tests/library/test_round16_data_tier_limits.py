"""The data tier tried from outside, sixteenth round: what a hurried user's own app gives
PostgreSQL and Redis that the library passed and Azure refuses at apply (each now one line of
the numbered list, naming the value, what is allowed and the fix), and the values Azure takes,
which still pass."""

from __future__ import annotations

import pytest
from helpers import error_of, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.cdk import TerraformVariable
from sigmatiq_infra.testing import Template

SOURCE = "Microsoft's PostgreSQL flexible server regions table, regions-table.md of 2025-12-22"


def server_in(stack, location: str, sku: str, **props) -> c.PostgresServer:
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-svc", location))
    password = c.WriteOnlySecret.from_inputs(stack, "db_password", "the database password")
    return c.PostgresServer(stack, "Db", c.PostgresServerProps(
        "psql-svc-16", group, sku, "dbadminx", password, **props,
    ))


# --- a PostgreSQL size of compute the region does not offer ---------------------------------------------


def test_a_general_purpose_v5_size_in_east_us_2_is_refused_with_the_v4_size_of_its_cores(stack):
    assert error_of(lambda: server_in(stack, "eastus2", "GP_Standard_D2ds_v5"), stack) == (
        "PostgresServer 'test/Db': sku 'GP_Standard_D2ds_v5' is of Intel v5 compute, which eastus2 does not offer. "
        f"Allowed: in eastus2, General Purpose sizes of Intel v4 or Intel v3 compute ({SOURCE}). Fix: use "
        "GP_Standard_D2ds_v4, or a region that offers Intel v5 compute."
    )


def test_a_memory_optimized_size_in_a_region_written_by_its_display_name_is_refused_the_same_way(stack):
    assert error_of(lambda: server_in(stack, "East US 2", "MO_Standard_E4ds_v5"), stack) == (
        "PostgresServer 'test/Db': sku 'MO_Standard_E4ds_v5' is of Intel v5 compute, which eastus2 does not offer. "
        f"Allowed: in eastus2, Memory Optimized sizes of Intel v4 or Intel v3 compute ({SOURCE}). Fix: use "
        "MO_Standard_E4ds_v4, or a region that offers Intel v5 compute."
    )


@pytest.mark.parametrize(("location", "sku", "generation", "offered", "fix"), [
    ("westeurope", "GP_Standard_D2ads_v5", "AMD v5", "Intel v5, Intel v4, Intel v3 or Confidential v5",
     "GP_Standard_D2ds_v5"),
    ("eastus", "GP_Standard_DC2ads_v5", "Confidential v5", "Intel v5, Intel v4, Intel v3 or AMD v5",
     "GP_Standard_D2ds_v5"),
    ("eastasia", "MO_Standard_E8ads_v5", "AMD v5", "Intel v5, Intel v4 or Intel v3", "MO_Standard_E8ds_v5"),
    ("jioindiawest", "GP_Standard_D4ds_v4", "Intel v4", "Intel v3", "GP_Standard_D4s_v3"),
])
def test_an_amd_confidential_or_newer_size_where_the_region_lacks_it_is_refused(
    stack, location, sku, generation, offered, fix,
):
    tier = "Memory Optimized" if sku.startswith("MO_") else "General Purpose"
    assert error_of(lambda: server_in(stack, location, sku), stack) == (
        f"PostgresServer 'test/Db': sku '{sku}' is of {generation} compute, which {location} does not offer. "
        f"Allowed: in {location}, {tier} sizes of {offered} compute ({SOURCE}). Fix: use {fix}, or a region that "
        f"offers {generation} compute."
    )


def test_a_size_with_no_counterpart_of_its_cores_in_the_region_is_told_to_list_the_regions_sizes(stack):
    assert error_of(lambda: server_in(stack, "eastus2", "GP_Standard_D96ds_v5"), stack) == (
        "PostgresServer 'test/Db': sku 'GP_Standard_D96ds_v5' is of Intel v5 compute, which eastus2 does not offer. "
        f"Allowed: in eastus2, General Purpose sizes of Intel v4 or Intel v3 compute ({SOURCE}). Fix: choose a size "
        "from `az postgres flexible-server list-skus --location eastus2`, or a region that offers Intel v5 compute."
    )


def test_the_region_check_comes_with_the_other_problems_of_the_server_in_one_list(stack):
    assert error_of(lambda: server_in(
        stack, "eastus2", "GP_Standard_D2ds_v5", backup_retention_days=40,
    ), stack).splitlines() == [
        "PostgresServer 'test/Db': backup_retention_days 40 is out of range. Allowed: 7 to 35. Fix: set "
        "backup_retention_days between 7 and 35.",
        "PostgresServer 'test/Db': sku 'GP_Standard_D2ds_v5' is of Intel v5 compute, which eastus2 does not offer. "
        f"Allowed: in eastus2, General Purpose sizes of Intel v4 or Intel v3 compute ({SOURCE}). Fix: use "
        "GP_Standard_D2ds_v4, or a region that offers Intel v5 compute.",
    ]


@pytest.mark.parametrize(("location", "sku"), [
    ("eastus2", "GP_Standard_D2ds_v4"),  # Intel v4, which every region but Jio India's offers
    ("eastus2", "GP_Standard_D2s_v3"),
    ("eastus2", "B_Standard_B1ms"),  # Burstable sizes are not in the table: not checked
    ("jioindiawest", "B_Standard_B2s"),
    ("eastus", "GP_Standard_D2ads_v5"),  # AMD v5 where the table lists it
    ("westeurope", "GP_Standard_DC2ads_v5"),  # Confidential v5 in one of its three regions
    ("centralus", "MO_Standard_E4ds_v5"),
    ("westindia", "GP_Standard_D2ads_v5"),  # a region the table leaves out: not checked
])
def test_a_size_of_compute_the_region_offers_passes_as_written(stack, location, sku):
    server_in(stack, location, sku)
    assert recorded(stack) == []
    [server] = Template.from_stack(stack).resources("azurerm_postgresql_flexible_server").values()
    assert (server["sku_name"], server["location"]) == (sku, location)


def test_a_size_or_region_known_only_at_deploy_time_is_left_to_azure(stack):
    sku = TerraformVariable(stack, "sku", type="string").string_value
    server_in(stack, "eastus2", sku)
    region = TerraformVariable(stack, "region", type="string").string_value
    c.PostgresServer(stack, "Other", c.PostgresServerProps(
        "psql-svc-17", c.ResourceGroup(stack, "Other-Group", c.ResourceGroupProps("rg-other", region)),
        "GP_Standard_D2ds_v5", "dbadminx", c.WriteOnlySecret.from_inputs(stack, "other_password", "a password"),
    ))
    assert recorded(stack) == []


# --- zone-redundant high availability in the Jio India regions ------------------------------------------


@pytest.mark.parametrize("location", ["jioindiacentral", "jioindiawest"])
def test_zone_redundant_high_availability_in_a_jio_india_region_is_refused(stack, location):
    assert error_of(lambda: server_in(
        stack, location, "GP_Standard_D2s_v3", high_availability_mode="ZoneRedundant",
    ), stack) == (
        f"PostgresServer 'test/Db': high_availability_mode 'ZoneRedundant' is not offered in {location}. Allowed: "
        f"ZoneRedundant in a region that offers it ({SOURCE}); SameZone everywhere. Fix: use "
        "high_availability_mode='SameZone', or a region with availability zones."
    )


def test_same_zone_high_availability_in_a_jio_india_region_passes(stack):
    server_in(stack, "jioindiawest", "GP_Standard_D2s_v3", high_availability_mode="SameZone")
    assert recorded(stack) == []
    [server] = Template.from_stack(stack).resources("azurerm_postgresql_flexible_server").values()
    assert server["high_availability"] == {"mode": "SameZone"}


def test_the_compute_table_names_regions_of_the_library_and_generations_the_check_reads():
    from sigmatiq_infra import regions

    assert set(regions.POSTGRES_COMPUTE) <= set(regions.NAMES)
    assert set(regions.NAMES) - set(regions.POSTGRES_COMPUTE) == {"denmarkeast", "swedensouth", "westindia"}
    assert set().union(*regions.POSTGRES_COMPUTE.values()) == {
        "intel-v3", "intel-v4", "intel-v5", "intel-v6", "amd-v5", "amd-v6", "confidential-v5",
    }
    assert sorted(regions.POSTGRES_COMPUTE["eastus2"]) == ["intel-v3", "intel-v4"]
