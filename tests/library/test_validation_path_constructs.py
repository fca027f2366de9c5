"""One validation path: every bad input, in settings or in a user's own app, ends in one
numbered list; never a traceback, never a silent accept."""

from __future__ import annotations

import pytest
from helpers import error_of, recorded

from sigmatiq_infra.constructs import (
    ContainerAppEnvironment,
    ContainerAppEnvironmentProps,
    KeyVault,
    KeyVaultProps,
    PostgresServer,
    PostgresServerProps,
    StorageAccount,
    StorageAccountProps,
    SubnetRole,
    SubnetSpec,
    UserAssignedIdentity,
    UserAssignedIdentityProps,
    VirtualNetwork,
    VirtualNetworkProps,
    WriteOnlySecret,
)
from sigmatiq_infra.stacks import App

TOKEN = "${TfToken[TOKEN.1]}"



def test_a_construct_records_a_bad_value_and_building_goes_on(stack, group):
    vault = KeyVault(stack, "Vault", KeyVaultProps("kv", group))
    identity = UserAssignedIdentity(stack, "Identity", UserAssignedIdentityProps("mi-test", group))
    vault.grant_secrets_read(identity)  # the construct exists: later code keeps working
    assert [line.split(":")[0] for line in recorded(stack)] == ["KeyVault 'test/Vault'"]


def test_a_genuine_bug_keeps_its_traceback_and_is_never_turned_into_a_problem(tmp_path):
    with pytest.raises(KeyError), App(outdir=str(tmp_path / "out")):
        raise KeyError("a bug")
    assert not (tmp_path / "out").exists()


def test_a_resource_group_given_as_its_name_is_a_type_problem_not_a_crash(stack):
    KeyVault(stack, "Vault", KeyVaultProps("kv-test", "rg-test"))
    assert recorded(stack) == [
        "KeyVault 'test/Vault': resource_group 'rg-test' has the type str. Allowed: IResourceGroup (an "
        "object with name and location). Fix: give resource_group a value of type IResourceGroup (an "
        "object with name and location).",
    ]


def test_terraform_tokens_pass_the_type_checks(stack, group):
    from sigmatiq_infra._cdktf import TerraformVariable

    version = TerraformVariable(stack, "version", type="number").number_value  # a float token where an int goes
    secret = WriteOnlySecret(TOKEN, version=version)
    PostgresServer(stack, "Pg", PostgresServerProps("psql-test", group, "B_Standard_B1ms", "sqladmin", secret))
    assert recorded(stack) == []


def test_more_than_50_tags_counting_the_stacks_are_refused_on_a_construct(stack, group):
    KeyVault(stack, "Vault", KeyVaultProps("kv-test", group, tags={f"t{i}": "x" for i in range(51)}))
    assert recorded(stack) == [
        "KeyVault 'test/Vault': tags '51 tags' are more than Azure allows on one resource. Allowed: at most "
        "50 tags per resource (the stack's tags included). Fix: merge or drop tags.",
    ]


def test_storage_accounts_allow_only_128_character_tag_names(stack, group):
    StorageAccount(stack, "State", StorageAccountProps("sttest1", group, tags={"a" * 129: "x"}))
    assert recorded(stack) == [
        f"StorageAccount 'test/State': tags name '{'a' * 76}... has 129 characters. Allowed: 1 to 128 "
        "characters. Fix: shorten the tag name.",
    ]


def test_a_container_apps_subnet_in_a_range_the_platform_reserves_is_refused(stack, group):
    network = VirtualNetwork(stack, "Net", VirtualNetworkProps("vnet-test", group, "100.100.0.0/16", [
        SubnetSpec("snet-apps", "100.100.2.0/23", SubnetRole.CONTAINER_APPS),
    ]))
    ContainerAppEnvironment(stack, "Env", ContainerAppEnvironmentProps("cae-test", group, virtual_network=network))
    assert recorded(stack) == [
        "ContainerAppEnvironment 'test/Env': subnet 'snet-apps' '100.100.2.0/23' overlaps address ranges "
        "Container Apps reserves (100.100.0.0/17). Allowed: a range outside those a workload-profiles "
        "environment reserves: 169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16, 192.0.2.0/24, 100.100.0.0/17, "
        "100.100.128.0/19, 100.100.160.0/19, 100.100.192.0/19. Fix: move the Container Apps subnet (and its "
        "VNet) to another private range, such as 10.20.2.0/23.",
    ]


def test_the_reserved_ranges_of_both_environment_types_are_microsofts():
    from sigmatiq_infra.constructs.container_app_environment import RESERVED_RANGES

    both = ["169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24"]
    assert [str(r) for r in RESERVED_RANGES["consumption-only"]] == both
    assert [str(r) for r in RESERVED_RANGES["workload-profiles"]] == [
        *both, "100.100.0.0/17", "100.100.128.0/19", "100.100.160.0/19", "100.100.192.0/19",
    ]


def test_a_choice_from_an_empty_list_never_renders_an_empty_allowed_list(stack, group):
    server = PostgresServer(stack, "Pg", PostgresServerProps(
        "psql-test", group, "B_Standard_B1ms", "sqladmin", WriteOnlySecret(TOKEN),
    ))
    assert error_of(lambda: server.connection_url("sigmatiq_core"), scope=server) == (
        "PostgresServer 'test/Pg': connection database 'sigmatiq_core' is not supported. Allowed: nothing "
        "(the list to choose from is empty). Fix: use one of the server's databases, or add "
        "'sigmatiq_core' to its databases."
    )


