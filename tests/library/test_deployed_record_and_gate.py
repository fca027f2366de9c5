"""The deployed record and the plan gate on what a user's own stacks write: a record that reads
back, references compared as their values, resources of one name told apart, and opt-ins that
let exactly one change through."""

from __future__ import annotations

import json

from sigmatiq_infra import plan_gate
from sigmatiq_infra.deployed import (
    DeployedRecord,
    DeployedResource,
    Replacement,
    check_stack,
    parse_record,
    record_from_state,
)

REASON = "The subnet moves to the new hub network this quarter."


def vnet(logical: str, name: str, group: str) -> dict:
    return {logical: {"name": name, "resource_group_name": group, "//": {"metadata": {"path": f"net/{logical}"}}}}


def subnet(logical: str, network: str, group: str) -> dict:
    return {logical: {
        "name": "snet-pe", "resource_group_name": group,
        "virtual_network_name": f"${{azurerm_virtual_network.{network}.name}}",
        "virtual_network_id_like": f"${{azurerm_virtual_network.{network}.id}}",
        "//": {"metadata": {"path": f"net/{logical}"}},
    }}


def recorded(group: str, network: str) -> DeployedResource:
    return DeployedResource("net", "azurerm_subnet", "snet-pe", {
        "resource_group_name": group, "virtual_network_name": network, "virtual_network_id_like": "/subscriptions/x",
    })


def document(*subnets: dict, vnets: dict) -> dict:
    subnets_by_id = {logical: config for one in subnets for logical, config in one.items()}
    return {"resource": {"azurerm_virtual_network": vnets, "azurerm_subnet": subnets_by_id}}


def test_a_reference_is_compared_as_the_value_it_names_and_a_deploy_time_one_is_left_to_the_plan():
    doc = document(subnet("A", "VnetA", "rg-net"), vnets=vnet("VnetA", "vnet-a", "rg-net"))
    record = DeployedRecord((recorded("rg-net", "vnet-a"),))
    assert check_stack("net", doc, record, (), {}) == []
    renamed = document(subnet("A", "VnetA", "rg-net"), vnets=vnet("VnetA", "vnet-b", "rg-net"))
    assert check_stack("net", renamed, record, (), {}) == [
        "Deployed resource 'net/A': virtual_network_name 'vnet-b' would replace azurerm_subnet 'snet-pe' (deployed: "
        "'vnet-a'; Azure fixes it at creation, so the next deploy would destroy it and create it again, losing "
        "what it holds). Allowed: 'vnet-a', the deployed value recorded in the deployed record. Fix: set it back "
        "to 'vnet-a', or opt in: Replacement('snet-pe', 'virtual_network_name', reason=...) in the net adoption "
        "settings' replacements.",
    ]


def test_two_recorded_resources_of_one_name_are_each_compared_with_their_own():
    doc = document(
        subnet("A", "VnetA", "rg-net"), subnet("B", "VnetB", "rg-net2"),
        vnets={**vnet("VnetA", "vnet-a", "rg-net"), **vnet("VnetB", "vnet-b", "rg-net2")},
    )
    record = DeployedRecord((recorded("rg-net", "vnet-a"), recorded("rg-net2", "vnet-b")))
    assert check_stack("net", doc, record, (), {}) == []
    moved = document(
        subnet("A", "VnetA", "rg-net"), subnet("B", "VnetB", "rg-net3"),
        vnets={**vnet("VnetA", "vnet-a", "rg-net"), **vnet("VnetB", "vnet-b", "rg-net2")},
    )
    [problem] = check_stack("net", moved, record, (), {})
    assert problem.startswith("Deployed resource 'net/B': resource_group_name 'rg-net3' would replace azurerm_subnet")


def test_an_opt_in_for_another_type_of_the_same_name_is_no_opt_in():
    doc = document(subnet("A", "VnetA", "rg-net"), vnets=vnet("VnetA", "vnet-b", "rg-net"))
    record = DeployedRecord((recorded("rg-net", "vnet-a"),))
    wrong = Replacement("snet-pe", "virtual_network_name", REASON, type="azurerm_virtual_network")
    problems = check_stack("net", doc, record, (wrong,), {})
    assert len(problems) == 2
    assert problems[1] == (
        "Replacement 'net/snet-pe': argument 'virtual_network_name' matches no change of a deployed resource of "
        "type azurerm_virtual_network. Allowed: opt-ins only for a change synth would otherwise refuse. Fix: remove "
        "the opt-in (once a replacement is deployed, update the record instead)."
    )
    right = Replacement("snet-pe", "virtual_network_name", REASON, type="azurerm_subnet")
    assert check_stack("net", doc, record, (right,), {}) == []


def test_a_record_of_nested_values_with_nulls_reads_back():
    state = {"values": {"root_module": {"resources": [{
        "address": "azurerm_private_endpoint.Pe", "mode": "managed", "type": "azurerm_private_endpoint",
        "values": {
            "name": "pe-kv", "location": "westeurope", "resource_group_name": "rg-net",
            "subnet_id": "/subscriptions/x/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v",
            "private_service_connection": [{"name": "psc", "is_manual_connection": False, "request_message": None,
                                            "subresource_names": ["vault"], "weird key": 1}],
        },
    }]}}}

    class Facts:
        replaced_when_changed = ("name", "location", "resource_group_name", "subnet_id", "private_service_connection")
        replaced_when_lowered: tuple = ()

    text = record_from_state("net", state, {"azurerm_private_endpoint": Facts()})
    [entry] = parse_record(text).resources
    assert entry.arguments == {
        "location": "westeurope", "resource_group_name": "rg-net",
        "private_service_connection": [{"name": "psc", "is_manual_connection": False,
                                        "subresource_names": ["vault"], "weird key": 1}],
    }


def change(address: str, kind: list[str], name: str, paths: list | None = None) -> dict:
    entry = {"address": address, "mode": "managed", "type": address.split(".")[0], "name": address.split(".")[1],
             "change": {"actions": kind, "before": {"name": name}, "after": None if kind == ["delete"] else {}}}
    if paths is not None:
        entry["change"]["replace_paths"] = paths
    return entry


def test_the_gate_lets_a_replacement_through_only_for_the_argument_the_plan_says_forces_it():
    plan = {"format_version": "1.2", "resource_changes": [
        change("azurerm_postgresql_flexible_server.Db", ["delete", "create"], "psql-orders", [["version"]]),
    ]}
    changes = plan_gate.changes_of(plan)
    assert changes[0].replace_paths == ("version",)
    holds = {"azurerm_postgresql_flexible_server": "the databases"}
    other = (Replacement("psql-orders", "geo_redundant_backup_enabled", REASON),)
    assert len(plan_gate.blocked("orders", changes, {}, (), other, holds)) == 1
    assert plan_gate.blocked("orders", changes, {}, (), (Replacement("psql-orders", "version", REASON),), holds) == []


def test_the_gate_refuses_deleting_a_vault_secret_or_a_configuration_store():
    from sigmatiq_infra.constructs import resource_facts

    holds = {kind: facts.holds for kind, facts in resource_facts().items() if facts.holds}
    plan = {"format_version": "1.2", "resource_changes": [
        change("azurerm_key_vault_secret.Url", ["delete"], "Db-Url"),
        change("azurerm_app_configuration.Config", ["delete"], "appcs-orders"),
    ]}
    refused = plan_gate.blocked("orders", plan_gate.changes_of(plan), {}, (), (), holds)
    assert [line.split(" (")[0] for line in refused] == [
        "orders: the plan would delete azurerm_key_vault_secret.Url",
        "orders: the plan would delete azurerm_app_configuration.Config",
    ]
    assert "it holds a secret value" in refused[0] and "it holds key-values and feature flags" in refused[1]


def test_a_plan_entry_without_its_mode_or_type_is_no_plan_the_gate_reads(tmp_path, capsys):
    from sigmatiq_infra.cli import main

    folder = tmp_path / "stacks" / "orders"
    folder.mkdir(parents=True)
    entry = change("azurerm_postgresql_flexible_server.Db", ["delete"], "psql-orders")
    del entry["mode"], entry["type"]
    (folder / "plan.json").write_text(json.dumps({"format_version": "1.2", "resource_changes": [entry]}))
    (folder / "cdk.tf.json").write_text("{}")
    assert main(["plan-gate", "orders", "--out", str(tmp_path)]) == 2
    assert "(azurerm_postgresql_flexible_server.Db) has no mode, type" in capsys.readouterr().err


def test_record_deployed_refuses_a_stack_name_the_synth_has_not(tmp_path, capsys):
    from sigmatiq_infra.cli import main

    (tmp_path / "stacks" / "prod").mkdir(parents=True)
    (tmp_path / "stacks" / "prod" / "cdk.tf.json").write_text("{}")
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"values": {"root_module": {"resources": []}}}))
    assert main(["record-deployed", "Prod", "--state", str(state), "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        "sigmatiq-infra: error: record-deployed: unknown stack 'Prod' (did you mean 'prod'?). Allowed: the stacks "
        f"in {tmp_path}: prod. Fix: pass the stack's id as written in the app (entries under another name protect "
        "nothing).\n"
    )


def test_the_record_guard_refuses_an_opt_in_without_a_written_reason(tmp_path):
    from sigmatiq_infra import App, AzureStack
    from sigmatiq_infra.deployed import guard
    from sigmatiq_infra.validation import ValidationError

    app = App(outdir=str(tmp_path / "cdktf.out"))
    AzureStack(app, "net")
    guard(app, DeployedRecord(), {"net": (Replacement("snet-pe", "delete", "x"),)})
    try:
        app.synth()
    except ValidationError as error:
        problems = list(error.problems)
    else:
        problems = []
    assert problems[0] == (
        "AdoptionSettings 'net': replacements[0].reason 'x' is too short. Allowed: a written reason of at least 20 "
        "characters. Fix: say why losing the deployed resource is acceptable."
    )


def test_a_block_of_one_is_compared_with_the_list_of_one_state_holds():
    """cdktf writes a one-item block as an object; Terraform's state holds a list of one."""
    doc = {"resource": {"azurerm_private_endpoint": {"Pe": {
        "name": "pe-kv", "private_service_connection": {"name": "psc", "is_manual_connection": False},
    }}}}
    deployed = DeployedResource("net", "azurerm_private_endpoint", "pe-kv", {
        "private_service_connection": [
            {"name": "psc", "is_manual_connection": False, "private_ip_address": "10.0.1.4"},
        ],
    })
    assert check_stack("net", doc, DeployedRecord((deployed,)), (), {}) == []
    doc["resource"]["azurerm_private_endpoint"]["Pe"]["private_service_connection"]["name"] = "psc-2"
    assert len(check_stack("net", doc, DeployedRecord((deployed,)), (), {})) == 1


def test_a_record_not_shaped_as_record_deployed_writes_it_says_where():
    import pytest

    for text, why in (
        ('[resource]\nstack = "net"\n', "its resources are one [resource] table; write each entry as [[resource]]"),
        ('[[resource]]\nstack = "net"\ntype = "azurerm_subnet"\n', "[[resource]] 1 has no name (a string)"),
        ('[[resource]]\nstack = "net"\ntype = "t"\nname = "n"\nunset = "location"\n',
         '[[resource]] 1 (n): unset is not a list of argument names, e.g. unset = ["zone"]'),
    ):
        with pytest.raises(ValueError) as raised:
            parse_record(text)
        assert str(raised.value) == why


def test_a_replacement_the_plan_names_no_argument_for_needs_the_replace_opt_in():
    entry = change("azurerm_key_vault.Vault", ["delete", "create"], "kv-orders")
    entry["action_reason"] = "replace_because_tainted"
    changes = plan_gate.changes_of({"format_version": "1.2", "resource_changes": [entry]})
    holds = {"azurerm_key_vault": "secrets"}
    [refused] = plan_gate.blocked("orders", changes, {}, (), (Replacement("kv-orders", "location", REASON),), holds)
    assert refused == (
        "orders: the plan would replace azurerm_key_vault.Vault (kv-orders) (replace_because_tainted), which is "
        "protected: it holds secrets. Fix: change the code or settings that cause it, or opt in with "
        "Replacement('kv-orders', 'replace', type='azurerm_key_vault', reason=...) in the orders adoption settings."
    )
    assert plan_gate.blocked("orders", changes, {}, (), (Replacement("kv-orders", "replace", REASON),), holds) == []


def test_deleting_a_deposed_object_says_it_is_one():
    entry = change("azurerm_key_vault.Vault", ["delete"], "kv-orders")
    entry["deposed"] = "00000001"
    changes = plan_gate.changes_of({"format_version": "1.2", "resource_changes": [entry]})
    [refused] = plan_gate.blocked("orders", changes, {}, (), (), {"azurerm_key_vault": "secrets"})
    assert "(kv-orders) (its deposed object 00000001, left by a create-before-destroy), which is protected" in refused


def test_the_library_gate_says_it_cannot_judge_a_type_no_construct_class_it_loaded_states(tmp_path, capsys):
    from sigmatiq_infra.cli import main

    folder = tmp_path / "stacks" / "orders"
    folder.mkdir(parents=True)
    entry = change("azurerm_eventhub_namespace.Hub", ["delete"], "evhns-orders")
    (folder / "plan.json").write_text(json.dumps({"format_version": "1.2", "resource_changes": [entry]}))
    (folder / "cdk.tf.json").write_text("{}")
    assert main(["plan-gate", "orders", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().err.startswith(
        "plan-gate: warning: no construct class states facts about azurerm_eventhub_namespace, which the plans "
        "replace or delete: the gate cannot tell whether they hold data"
    )


def test_record_deployed_without_a_synth_to_check_the_stack_name_against_says_so(tmp_path, capsys):
    from sigmatiq_infra.cli import main

    state = tmp_path / "state.json"
    state.write_text(json.dumps({"values": {"root_module": {"resources": []}}}))
    assert main(["record-deployed", "Prod", "--state", str(state), "--out", str(tmp_path / "none")]) == 0
    captured = capsys.readouterr()
    assert captured.out == "# Prod: recorded from its Terraform state\n"
    assert captured.err == (
        f"record-deployed: warning: no synthesized stack in {tmp_path / 'none'} to check the name 'Prod' against "
        "(entries under a name no stack has protect nothing). Fix: run `cdktf synth` first, or pass --out with your "
        "app's output folder.\n"
    )
