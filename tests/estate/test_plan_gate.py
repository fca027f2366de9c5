"""The plan gate CI runs after `cdktf diff`: a table of what each plan does, and a refusal of
any plan that would replace or delete a protected or adopted resource."""

from __future__ import annotations

import json
import shutil

import pytest
from helpers import ROOT

from sigmatiq_infra import plan_gate
from sigmatiq_infra.constructs import resource_facts
from stacks.record import record as load_record
from stacks.settings import Replacement

FIXTURES = ROOT / "tests" / "estate" / "fixtures"
REASON = "Beta holds only test data; a fresh server with geo backups is wanted."


@pytest.fixture(scope="module")
def holds():
    return {kind: facts.holds for kind, facts in resource_facts().items() if facts.holds}


@pytest.fixture(scope="module")
def beta_plan():
    plan = json.loads((FIXTURES / "plan-beta.json").read_text())
    config = json.loads((FIXTURES / "plan-beta.cdk.tf.json").read_text())
    return plan_gate.changes_of(plan), config


def test_the_plan_is_read_into_its_changes_with_imports_and_azure_names(beta_plan):
    changes, _ = beta_plan
    assert [(c.address, c.kind, c.importing, c.azure_name) for c in changes] == [
        ("azurerm_container_app.ca-auth-api_1D4A3F55", "create", False, "ca-auth-api"),
        ("azurerm_key_vault.Vault_23237E5B", "update", True, "kv-trading-beta-1023"),
        ("azurerm_user_assigned_identity.Identity_8A5E3F2B", "no-op", True, "mi-trading-beta"),
        ("azurerm_postgresql_flexible_server.Postgres_9DC8BB04", "replace", False, "psql-trading-beta"),
        ("azurerm_container_app_environment.AppEnvironment_0D9C2B11", "delete", False, "cae-trading-beta"),
        ("azurerm_private_dns_a_record.PrivateDnsWildcard_7F3E", "delete", False, "*"),
        ("azurerm_container_app.ca-sim-api_5E2C91AA", "replace", False, "ca-sim-api"),
        ("azurerm_log_analytics_workspace.Logs_1B2C3D4E", "no-op", False, "log-trading-beta"),
    ]


def test_the_plan_is_counted_by_kind(beta_plan):
    changes, _ = beta_plan
    assert plan_gate.counts(changes) == {"create": 1, "update": 1, "replace": 2, "delete": 2, "import": 2}


def test_the_gate_refuses_replacing_the_data_tier_and_deleting_a_recorded_resource(beta_plan, holds):
    changes, config = beta_plan
    assert plan_gate.blocked("beta", changes, config, load_record(), (), holds) == [
        "beta: the plan would replace azurerm_postgresql_flexible_server.Postgres_9DC8BB04 (psql-trading-beta) "
        "(forced by geo_redundant_backup_enabled), which is protected: it holds the databases; it is recorded as "
        "deployed. Fix: change the code or settings that cause it, or opt in with Replacement('psql-trading-beta', "
        "'geo_redundant_backup_enabled', type='azurerm_postgresql_flexible_server', reason=...) in the beta "
        "adoption settings.",
        "beta: the plan would delete azurerm_container_app_environment.AppEnvironment_0D9C2B11 "
        "(cae-trading-beta), which is protected: it is recorded as deployed. Fix: change the code or settings "
        "that cause it, or opt in with Replacement('cae-trading-beta', 'delete', "
        "type='azurerm_container_app_environment', reason=...) in the beta adoption settings.",
    ]


def test_unprotected_replacements_and_deletions_pass(beta_plan, holds):
    changes, config = beta_plan
    unprotected = [c for c in changes if c.azure_name in ("*", "ca-sim-api")]
    assert [c.kind for c in unprotected] == ["delete", "replace"]
    assert plan_gate.blocked("beta", unprotected, config, load_record(), (), holds) == []


def test_a_replacement_opt_in_lets_exactly_the_named_resource_be_replaced(beta_plan, holds):
    changes, config = beta_plan
    opt_in = (Replacement("psql-trading-beta", "geo_redundant_backup_enabled", REASON),)
    [remaining] = plan_gate.blocked("beta", changes, config, load_record(), opt_in, holds)
    assert "(cae-trading-beta)" in remaining


def test_an_opt_in_for_another_argument_or_another_type_lets_nothing_through(beta_plan, holds):
    """The plan names what forces the replacement (replace_paths): an opt-in for another
    argument, or for a resource of another type that shares the name, is no opt-in for it."""
    changes, config = beta_plan
    for opt_in in (
        Replacement("psql-trading-beta", "version", REASON),
        Replacement("psql-trading-beta", "geo_redundant_backup_enabled", REASON, type="azurerm_key_vault"),
        Replacement("cae-trading-beta", "delete", REASON, type="azurerm_postgresql_flexible_server_database"),
    ):
        assert len(plan_gate.blocked("beta", changes, config, load_record(), (opt_in,), holds)) == 2, opt_in
    typed = (
        Replacement("psql-trading-beta", "geo_redundant_backup_enabled", REASON,
                    type="azurerm_postgresql_flexible_server"),
        Replacement("cae-trading-beta", "delete", REASON, type="azurerm_container_app_environment"),
    )
    assert plan_gate.blocked("beta", changes, config, load_record(), typed, holds) == []


def test_a_delete_opt_in_allows_a_deletion_but_not_a_replacement(beta_plan, holds):
    changes, config = beta_plan
    opt_in = (Replacement("psql-trading-beta", "delete", REASON), Replacement("cae-trading-beta", "delete", REASON))
    [remaining] = plan_gate.blocked("beta", changes, config, load_record(), opt_in, holds)
    assert "would replace azurerm_postgresql_flexible_server" in remaining


def test_the_summary_is_a_table_per_stack_with_the_destructive_changes_and_the_verdict(beta_plan, holds):
    changes, config = beta_plan
    refused = {"beta": plan_gate.blocked("beta", changes, config, load_record(), (), holds), "shared": []}
    text = plan_gate.summary({"shared": [], "beta": changes}, refused)
    assert text.splitlines()[:4] == [
        "| stack | create | update | replace | delete | import | gate |",
        "|---|---:|---:|---:|---:|---:|---|",
        "| shared | 0 | 0 | 0 | 0 | 0 | passed |",
        "| beta | 1 | 1 | 2 | 2 | 2 | refused |",
    ]
    assert text.splitlines()[5:10] == [
        "Replacements and deletions:",
        "- beta: replace `azurerm_postgresql_flexible_server.Postgres_9DC8BB04` (psql-trading-beta)",
        "- beta: delete `azurerm_container_app_environment.AppEnvironment_0D9C2B11` (cae-trading-beta)",
        "- beta: delete `azurerm_private_dns_a_record.PrivateDnsWildcard_7F3E` (*)",
        "- beta: replace `azurerm_container_app.ca-sim-api_5E2C91AA` (ca-sim-api)",
    ]
    assert text.splitlines()[11] == "Refused by the plan gate:"
    assert len(text.splitlines()) == 14


# --- the command CI runs ---------------------------------------------------------------------------------------

def test_the_plan_gate_command_writes_the_summary_and_exits_1_on_a_refused_plan(tmp_path, capsys):
    from stacks.ops import main as cli

    for stack, plan, config in (("beta", "plan-beta.json", "plan-beta.cdk.tf.json"),):
        folder = tmp_path / "stacks" / stack
        folder.mkdir(parents=True)
        shutil.copy(FIXTURES / plan, folder / "plan.json")
        shutil.copy(FIXTURES / config, folder / "cdk.tf.json")
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier job output\n")
    assert cli(["plan-gate", "beta", "--out", str(tmp_path), "--summary", str(summary)]) == 1
    printed = capsys.readouterr().out
    assert summary.read_text() == "# earlier job output\n" + printed
    assert "| beta | 1 | 1 | 2 | 2 | 2 | refused |" in printed


def test_the_plan_gate_command_passes_a_plan_without_destructive_changes(tmp_path, capsys):
    from stacks.ops import main as cli

    folder = tmp_path / "stacks" / "shared"
    folder.mkdir(parents=True)
    (folder / "plan.json").write_text(json.dumps({"format_version": "1.2", "resource_changes": []}))
    (folder / "cdk.tf.json").write_text("{}")
    assert cli(["plan-gate", "shared", "--out", str(tmp_path)]) == 0
    assert "| shared | 0 | 0 | 0 | 0 | 0 | passed |" in capsys.readouterr().out


def test_the_plan_gate_command_says_how_to_make_a_missing_plan(tmp_path, capsys):
    from stacks.ops import main as cli

    assert cli(["plan-gate", "prod", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"bin/ops: error: plan-gate: {tmp_path / 'stacks' / 'prod' / 'plan.json'} does not exist. "
        "Fix: run `cdktf diff <stack>`, then `terraform show -json plan > plan.json` in "
        f"{tmp_path / 'stacks' / 'prod'}.\n"
    )


def test_in_drift_mode_any_change_fails_and_every_change_is_listed(tmp_path, capsys):
    from stacks.ops import main as cli

    folder = tmp_path / "stacks" / "shared"
    folder.mkdir(parents=True)
    plan = {"format_version": "1.2", "resource_changes": [
        {"address": "azurerm_key_vault.Vault_1", "mode": "managed", "type": "azurerm_key_vault", "name": "Vault_1",
         "change": {"actions": ["update"], "before": {"name": "kv-trading-shared"},
                    "after": {"name": "kv-trading-shared"}}},
        {"address": "azurerm_resource_group.Group_1", "mode": "managed", "type": "azurerm_resource_group",
         "name": "Group_1", "change": {"actions": ["no-op"], "before": {"name": "rg-trading-shared"}}},
    ]}
    (folder / "plan.json").write_text(json.dumps(plan))
    (folder / "cdk.tf.json").write_text("{}")
    assert cli(["plan-gate", "shared", "--out", str(tmp_path), "--drift"]) == 1
    printed = capsys.readouterr().out
    assert "| shared | 0 | 1 | 0 | 0 | 0 | passed |" in printed
    assert printed.endswith(
        "Drift: the deployed estate differs from the code; these changes would be made:\n"
        "- shared: update `azurerm_key_vault.Vault_1` (kv-trading-shared)\n"
    )


def test_in_drift_mode_an_unchanged_estate_passes(tmp_path, capsys):
    from stacks.ops import main as cli

    folder = tmp_path / "stacks" / "beta"
    folder.mkdir(parents=True)
    (folder / "plan.json").write_text(json.dumps({"format_version": "1.2", "resource_changes": []}))
    (folder / "cdk.tf.json").write_text("{}")
    assert cli(["plan-gate", "beta", "--out", str(tmp_path), "--drift"]) == 0
    assert capsys.readouterr().out.endswith("No drift: the deployed estate matches the code.\n")
