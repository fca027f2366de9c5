"""The commands that read a user's Terraform JSON, given the files a real user has when they are
not what the tool expects (round 27): what PowerShell writes (a byte order mark, UTF-16, CRLF
line ends), plans with no changes, only output changes, only no-ops and reads, or resources in
child modules; states that are empty, that hold data sources, child modules, `count` and
`for_each` copies and sensitive values; stacks with `count`, `for_each` and module blocks. Each
file is read correctly (exact output) or refused in one line naming it, what is wrong and the fix;
a destructive change in a child module is still refused. What test_cli.py and rounds 11, 13 and
24 cover is not repeated here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sigmatiq_infra.cli import main

VAULT = {"resource": {"azurerm_key_vault": {"Vault": {"name": "kv-svc"}}}}
TABLE = "| stack | create | update | replace | delete | import | gate |\n|---|---:|---:|---:|---:|---:|---|\n"


def run(*argv: str) -> int:
    return main(list(argv))


def stack_folder(out: Path, name: str, config: dict, plan: dict | bytes | None = None) -> Path:
    folder = out / "stacks" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cdk.tf.json").write_text(json.dumps(config))
    if isinstance(plan, bytes):
        (folder / "plan.json").write_bytes(plan)
    elif plan is not None:
        (folder / "plan.json").write_text(json.dumps(plan))
    return folder


def change(kind: str, name: str, actions: list[str], azure_name: str, module: str | None = None) -> dict:
    """One `resource_changes` entry as `terraform show -json` writes it (in `module`, when given)."""
    address = f"{module + '.' if module else ''}{kind}.{name}"
    entry = {
        "address": address, "mode": "managed", "type": kind, "name": name,
        "change": {"actions": actions, "before": {"name": azure_name}, "after": None if actions == ["delete"] else {
            "name": azure_name,
        }},
    }
    return {**entry, "module_address": module} if module else entry


def powershell(document: dict, encoding: str = "utf-8-sig") -> bytes:
    """`document` as Windows PowerShell writes `terraform show -json` output to a file: indented
    over CRLF lines, UTF-8 with a byte order mark (`Out-File -Encoding utf8`) or UTF-16 (`>`)."""
    return json.dumps(document, indent=2).replace("\n", "\r\n").encode(encoding)


# --- plan-gate -------------------------------------------------------------------------------

DELETE_VAULT = {"format_version": "1.2", "resource_changes": [
    change("azurerm_key_vault", "Vault", ["delete"], "kv-svc"),
]}
REFUSED_VAULT = (
    "svc: the plan would delete azurerm_key_vault.Vault (kv-svc), which is protected: it holds secrets. Fix: change "
    "the code or settings that cause it, or opt in with Replacement('kv-svc', 'delete', type='azurerm_key_vault', "
    "reason=...) in the svc adoption settings."
)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_plan_powershell_wrote_with_a_byte_order_mark_and_crlf_is_read_and_still_refuses_deleting_a_vault(
    tmp_path, capsys, encoding,
):
    stack_folder(tmp_path, "svc", VAULT, powershell(DELETE_VAULT, encoding))
    assert run("plan-gate", "svc", "--out", str(tmp_path)) == 1
    assert capsys.readouterr() == (
        TABLE + "| svc | 0 | 0 | 0 | 1 | 0 | refused |\n\nReplacements and deletions:\n- svc: delete "
        f"`azurerm_key_vault.Vault` (kv-svc)\n\nRefused by the plan gate:\n- {REFUSED_VAULT}\n", "",
    )


def test_a_plan_file_that_is_no_text_is_one_line_naming_it(tmp_path, capsys):
    folder = stack_folder(tmp_path, "svc", VAULT, b"\x93{}")
    assert run("plan-gate", "svc", "--out", str(tmp_path)) == 2
    assert capsys.readouterr() == ("", (
        f"sigmatiq-infra: error: plan-gate: {folder / 'plan.json'} is not JSON ('utf-8' codec can't decode byte 0x93 "
        "in position 0: invalid start byte). Fix: write it with terraform show -json.\n"
    ))


@pytest.mark.parametrize("plan", [
    {"format_version": "1.2", "terraform_version": "1.9.8", "planned_values": {"root_module": {}}},
    {"format_version": "1.2", "output_changes": {"vault_uri": {"actions": ["create"], "before": None, "after": "x"}}},
    {"format_version": "1.2", "resource_changes": [
        change("azurerm_key_vault", "Vault", ["no-op"], "kv-svc"),
        {**change("azurerm_client_config", "Current", ["read"], "x"), "mode": "data",
         "address": "data.azurerm_client_config.Current", "action_reason": "read_because_dependency_pending"},
    ]},
], ids=["no resource_changes key", "only output changes", "only no-op and read"])
def test_a_plan_that_changes_no_resource_passes_and_the_drift_check_finds_none(tmp_path, capsys, plan):
    stack_folder(tmp_path, "svc", VAULT, plan)
    assert run("plan-gate", "svc", "--out", str(tmp_path), "--drift") == 0
    assert capsys.readouterr() == (
        TABLE + "| svc | 0 | 0 | 0 | 0 | 0 | passed |\n\nNo drift: the deployed estate matches the code.\n", "",
    )


def test_deleting_a_vault_in_a_child_module_is_refused_and_listed_as_drift(tmp_path, capsys):
    plan = {"format_version": "1.2", "resource_changes": [
        change("azurerm_key_vault", "Vault", ["delete"], "kv-shared", module="module.secrets"),
    ]}
    stack_folder(tmp_path, "svc", {"resource": {}, "module": {"secrets": {"source": "./secrets"}}}, plan)
    assert run("plan-gate", "svc", "--out", str(tmp_path), "--drift") == 1
    assert capsys.readouterr() == (
        TABLE + "| svc | 0 | 0 | 0 | 1 | 0 | refused |\n\nReplacements and deletions:\n- svc: delete "
        "`module.secrets.azurerm_key_vault.Vault` (kv-shared)\n\nRefused by the plan gate:\n- svc: the plan would "
        "delete module.secrets.azurerm_key_vault.Vault (kv-shared), which is protected: it holds secrets. Fix: change "
        "the code or settings that cause it, or opt in with Replacement('kv-shared', 'delete', "
        "type='azurerm_key_vault', reason=...) in the svc adoption settings.\n\nDrift: the deployed estate differs "
        "from the code; these changes would be made:\n- svc: delete `module.secrets.azurerm_key_vault.Vault` "
        "(kv-shared)\n", "",
    )


def test_a_child_modules_resource_is_not_judged_by_the_prevent_destroy_of_a_root_resource_of_the_same_id(
    tmp_path, capsys,
):
    replaced = {**change("azurerm_resource_group", "Group", ["create", "delete"], "rg-net", module="module.net"),
                "action_reason": "replace_because_cannot_update"}
    root = {"resource": {"azurerm_resource_group": {
        "Group": {"name": "rg-svc", "lifecycle": {"prevent_destroy": True}},
    }}}
    stack_folder(tmp_path, "svc", root, {"format_version": "1.2", "resource_changes": [replaced]})
    assert run("plan-gate", "svc", "--out", str(tmp_path)) == 0
    assert capsys.readouterr() == (
        TABLE + "| svc | 0 | 0 | 1 | 0 | 0 | passed |\n\nReplacements and deletions:\n- svc: replace "
        "`module.net.azurerm_resource_group.Group` (rg-net)\n", "",
    )
    # the root resource itself is still held by its prevent_destroy
    root_replaced = {**change("azurerm_resource_group", "Group", ["delete", "create"], "rg-svc"),
                     "action_reason": "replace_because_cannot_update"}
    stack_folder(tmp_path, "svc", root, {"format_version": "1.2", "resource_changes": [root_replaced]})
    assert run("plan-gate", "svc", "--out", str(tmp_path)) == 1
    assert capsys.readouterr().out.endswith(
        "- svc: the plan would replace azurerm_resource_group.Group (rg-svc) (replace_because_cannot_update), which "
        "is protected: it has prevent_destroy. Fix: change the code or settings that cause it, or opt in with "
        "Replacement('rg-svc', 'replace', type='azurerm_resource_group', reason=...) in the svc adoption settings.\n"
    )


def test_a_replacement_forced_by_a_nested_block_of_a_counted_vault_names_the_block(tmp_path, capsys):
    replaced = change("azurerm_key_vault", "Vault", ["create", "delete"], "kv-svc-0")
    replaced = {**replaced, "address": "azurerm_key_vault.Vault[0]", "index": 0, "change": {
        **replaced["change"], "replace_paths": [["network_acls", 0, "bypass"], ["network_acls", 0, "default_action"]],
    }}
    stack_folder(tmp_path, "svc", VAULT, {"format_version": "1.2", "resource_changes": [replaced]})
    assert run("plan-gate", "svc", "--out", str(tmp_path)) == 1
    assert capsys.readouterr().out.endswith(
        "- svc: the plan would replace azurerm_key_vault.Vault[0] (kv-svc-0) (forced by network_acls), which is "
        "protected: it holds secrets. Fix: change the code or settings that cause it, or opt in with "
        "Replacement('kv-svc-0', 'network_acls', type='azurerm_key_vault', reason=...) in the svc adoption settings.\n"
    )


# --- record-deployed -----------------------------------------------------------------------------

def test_record_deployed_of_an_empty_state_says_nothing_is_deployed_and_the_fix(tmp_path, capsys):
    state = tmp_path / "state.json"
    state.write_text('{"format_version":"1.0"}')
    assert run("record-deployed", "prod", "--state", str(state)) == 2
    assert capsys.readouterr() == ("", (
        f"sigmatiq-infra: error: record-deployed: {state} is an empty state: nothing of stack 'prod' is deployed in "
        "it, so there is nothing to record. Fix: deploy the stack first, then run `terraform show -json > "
        "state.json` in cdktf.out/stacks/prod (where its state is) and pass that file.\n"
    ))
    state.write_text('{"format_version": "1.2", "planned_values": {}, "resource_changes": []}')  # a plan: as before
    assert run("record-deployed", "prod", "--state", str(state)) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: record-deployed: {state} holds no state values. Fix: pass the output of `terraform "
        "show -json` (without a plan file) after the stack was deployed.\n"
    )


SERVER = {
    "address": "module.db.azurerm_postgresql_flexible_server.Server", "mode": "managed",
    "type": "azurerm_postgresql_flexible_server", "name": "Server",
    "values": {
        "name": "psql-svc", "location": "swedencentral", "resource_group_name": "rg-svc", "version": "16",
        "administrator_login": "pgadmin", "administrator_password": "aaaaaaaaaaaaaaaa", "storage_mb": 32768,
        "create_mode": None, "geo_redundant_backup_enabled": False, "delegated_subnet_id": None,
        "private_dns_zone_id": None,
    },
    "sensitive_values": {"administrator_login": True, "administrator_password": True},
}
STATE = {"format_version": "1.0", "terraform_version": "1.9.8", "values": {"root_module": {
    "resources": [
        {"address": "data.azurerm_resource_group.Hub", "mode": "data", "type": "azurerm_resource_group",
         "name": "Hub", "values": {"name": "rg-hub", "location": "swedencentral"}, "sensitive_values": {}},
        *({"address": f"azurerm_resource_group.Group[{key!r}]".replace("'", '"'), "mode": "managed",
           "type": "azurerm_resource_group", "name": "Group", "index": key,
           "values": {"name": f"rg-svc-{key}", "location": "swedencentral"}, "sensitive_values": {}}
          for key in (0, "b")),
    ],
    "child_modules": [{"address": "module.db", "resources": [SERVER]}],
}}}
RECORDED = """# prod: recorded from its Terraform state

[[resource]]
stack = "prod"
type = "azurerm_resource_group"
name = "rg-svc-0"
arguments = { location = "swedencentral" }

[[resource]]
stack = "prod"
type = "azurerm_resource_group"
name = "rg-svc-b"
arguments = { location = "swedencentral" }

[[resource]]
stack = "prod"
type = "azurerm_postgresql_flexible_server"
name = "psql-svc"
arguments = { location = "swedencentral", resource_group_name = "rg-svc", geo_redundant_backup_enabled = false, \
version = "16", storage_mb = 32768 }
unset = ["create_mode", "delegated_subnet_id", "private_dns_zone_id"]
# not recorded, sensitive in the state: administrator_login (the plan gate still refuses replacing the resource)
"""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_record_deployed_records_copies_and_child_modules_leaves_out_data_and_never_prints_a_sensitive_value(
    tmp_path, capsys, encoding,
):
    state = tmp_path / "state.json"
    state.write_bytes(powershell(STATE, encoding))
    assert run("record-deployed", "prod", "--state", str(state), "--out", str(tmp_path)) == 0
    captured = capsys.readouterr()
    assert captured.out == RECORDED
    assert "pgadmin" not in captured.out + captured.err


# --- cost ---------------------------------------------------------------------------------------

REGISTRY = {"name": "acrsvc", "sku": "Basic", "location": "swedencentral", "resource_group_name": "rg-svc"}


def test_cost_prices_every_copy_of_count_and_for_each_and_does_not_estimate_a_deploy_time_count(tmp_path, capsys):
    stack = {"resource": {"azurerm_container_registry": {
        "Counted": {**REGISTRY, "count": 2},
        "Listed": {**REGISTRY, "for_each": '${toset(["a", "b", "c"])}'},
        "Mapped": {**REGISTRY, "for_each": {"x": 1}},
        "None": {**REGISTRY, "count": 0},
        "Later": {**REGISTRY, "count": "${var.registries}"},
        "Keyed": {**REGISTRY, "for_each": "${var.registry_names}"},
        "One": REGISTRY,
    }}}
    folder = stack_folder(tmp_path, "svc", stack)
    (folder / "cdk.tf.json").write_bytes(powershell(stack))  # as PowerShell would have copied it
    assert run("cost", "svc", "--out", str(tmp_path)) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    lines = captured.out.splitlines()
    assert lines[2:10] == [
        "azurerm_container_registry.Listed       15.21  [container-registry.Basic, 2026-10-03]  (3 copies (for_each))",
        "azurerm_container_registry.Counted      10.14  [container-registry.Basic, 2026-10-03]  (2 copies (count))",
        "azurerm_container_registry.Mapped        5.07  [container-registry.Basic, 2026-10-03]  (1 copy (for_each))",
        "azurerm_container_registry.One           5.07  [container-registry.Basic, 2026-10-03]",
        "azurerm_container_registry.Keyed         0.00  [set-at-deploy, -]  (container-registry.Basic x for_each set "
        "at deploy time: not estimated)",
        "azurerm_container_registry.Later         0.00  [set-at-deploy, -]  (container-registry.Basic x count set at "
        "deploy time: not estimated)",
        "azurerm_container_registry.None          0.00  [container-registry.Basic, 2026-10-03]  (0 copies (count))",
        "total                                   35.49",
    ]


def test_cost_says_what_a_module_block_creates_is_left_out_of_the_estimate(tmp_path, capsys):
    stack_folder(tmp_path, "svc", {"resource": {"azurerm_container_registry": {"One": REGISTRY}}, "module": {
        "net": {"source": "Azure/vnet/azurerm", "version": "5.0.0"},
    }})
    assert run("cost", "svc", "--out", str(tmp_path)) == 0
    captured = capsys.readouterr()
    assert captured.err == (
        "cost: warning: what the module net of svc creates is left out of the estimate (cdk.tf.json names only a "
        "module's source, which cost does not read). Fix: add it to the estimate yourself.\n"
    )
    assert "\ntotal                                5.07\n" in captured.out
