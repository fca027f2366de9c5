"""What a user types or sets outside Python code: the launcher, the `sigmatiq-infra` commands
and the environment variables the library reads. Each mistake is one clear error (exit 2 for
bad input, 1 when the work failed), no traceback, nothing written; valid input works. Found by
trying them from outside the repository (round 13)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import ENGINE, NODE_BIN, ROOT

from sigmatiq_infra.cli import main


def run(*argv: str) -> int:
    return main(list(argv))


def launch(folder: Path, *argv: str) -> subprocess.CompletedProcess:
    """`python -m sigmatiq_infra.launch ARGV...` in `folder`, on this checkout's library."""
    return subprocess.run(
        [sys.executable, "-m", "sigmatiq_infra.launch", *argv], cwd=folder, capture_output=True, text=True,
        env={
            "PATH": f"{NODE_BIN}:/usr/bin:/bin", "HOME": str(Path.home()), "SIGMATIQ_ENGINE": ENGINE.name,
            "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1",
        },
        timeout=300,
    )


# --- the launcher -------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_launcher_runs_a_program_of_another_folder_with_the_modules_beside_it_and_its_arguments(tmp_path):
    """As `python infra/main.py` would: the program's folder, not the working folder, is first
    on the path (cdktf.json may say `python -m sigmatiq_infra.launch infra/main.py`)."""
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "settings.py").write_text("GROUP = 'rg-orders'\n")
    (tmp_path / "infra" / "main.py").write_text(textwrap.dedent("""\
        import sys

        from settings import GROUP

        print(GROUP, sys.argv)
    """))
    result = launch(tmp_path, "infra/main.py", "--stage", "beta")
    assert (result.returncode, result.stdout) == (0, "rg-orders ['infra/main.py', '--stage', 'beta']\n"), result.stderr


@pytest.mark.slow
def test_the_launcher_refuses_no_program_a_folder_without_main_and_a_path_through_a_file_in_one_line(tmp_path):
    (tmp_path / "infra").mkdir()
    (tmp_path / "notes.txt").write_text("")
    found = {
        argv: (result.returncode, result.stderr)
        for argv in [(), ("infra",), ("notes.txt/main.py",)] for result in [launch(tmp_path, *argv)]
    }
    assert found == {
        (): (2, "sigmatiq-infra: launch: no program given. Fix: pass the app's main file and its arguments: "
                "python -m sigmatiq_infra.launch PROGRAM [ARGS...]\n"),
        ("infra",): (2, "sigmatiq-infra: launch: infra is a folder without __main__.py. Fix: pass the app's main "
                        "file, e.g. infra/main.py.\n"),
        ("notes.txt/main.py",): (2, "sigmatiq-infra: launch: notes.txt/main.py cannot be read (Not a directory). Fix: "
                                    "pass the app's main file, e.g. main.py.\n"),
    }


@pytest.mark.slow
def test_the_launchers_help_is_its_whole_text_on_stdout(tmp_path):
    result = launch(tmp_path, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("`python -m sigmatiq_infra.launch PROGRAM [ARGS...]`: run a program on the fast")
    assert "A program that does not exist, cannot be" in result.stdout


# --- the commands: what they read ---------------------------------------------------------------------------

def stack_folder(out: Path, name: str, document: object, plan: object = None) -> Path:
    """`out/stacks/<name>/` with `document` as its cdk.tf.json (and `plan` as plan.json)."""
    folder = out / "stacks" / name
    folder.mkdir(parents=True)
    (folder / "cdk.tf.json").write_text(json.dumps(document))
    if plan is not None:
        (folder / "plan.json").write_text(json.dumps(plan))
    return folder


@pytest.mark.parametrize("command", ["cost", "diagram"])
@pytest.mark.parametrize("document", [
    {"resource": {"azurerm_key_vault": {"Vault": []}}},
    {"data": {"azurerm_client_config": {"Deployer": "me"}}},
    {"resource": {}, "output": {"fqdn": "api.example.com"}},
])
def test_a_stack_whose_resources_or_outputs_are_no_objects_is_one_clean_error(tmp_path, capsys, command, document):
    folder = stack_folder(tmp_path, "svc", document)
    drawn_to = ["--out-dir", str(tmp_path / "d")] if command == "diagram" else []
    assert run(command, "svc", "--out", str(tmp_path), *drawn_to) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: {folder / 'cdk.tf.json'} is not a synthesized stack (no object of resources by type). "
        "Fix: run `cdktf synth` again.\n"
    )
    assert not (tmp_path / "d").exists()


DELETE_VAULT = {"format_version": "1.2", "resource_changes": [{
    "address": "azurerm_key_vault.Vault", "mode": "managed", "type": "azurerm_key_vault", "name": "Vault",
    "change": {"actions": ["delete"], "before": {"name": "kv-svc"}},
}]}


@pytest.mark.parametrize("document", [[], {"import": {"to": "azurerm_key_vault.Vault"}}, {"resource": {"x": {"y": 1}}}])
def test_plan_gate_refuses_a_stack_file_of_the_wrong_shape_in_one_line(tmp_path, capsys, document):
    folder = stack_folder(tmp_path, "svc", document, DELETE_VAULT)
    assert run("plan-gate", "svc", "--out", str(tmp_path)) == 2
    assert capsys.readouterr() == ("", (
        f"sigmatiq-infra: error: plan-gate: {folder / 'cdk.tf.json'} is not a synthesized stack (no object of "
        "resources by type). Fix: run `cdktf synth` (or `cdktf diff`) again.\n"
    ))


def test_plan_gate_refuses_a_plan_whose_actions_are_not_words(tmp_path, capsys):
    plan = {**DELETE_VAULT, "resource_changes": [
        {**DELETE_VAULT["resource_changes"][0], "change": {"actions": [1, 2]}},
    ]}
    folder = stack_folder(tmp_path, "svc", {"resource": {}}, plan)
    assert run("plan-gate", "svc", "--out", str(tmp_path)) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: plan-gate: {folder / 'plan.json'} is not a Terraform plan (resource_changes[0] "
        "(azurerm_key_vault.Vault) has no change.actions). Fix: write it with `terraform show -json <plan file> > "
        "plan.json` from the plan `cdktf diff` (or `terraform plan -out`) saved.\n"
    )


def test_plan_gate_still_refuses_deleting_a_vault_of_a_well_shaped_stack(tmp_path, capsys):
    stack_folder(tmp_path, "svc", {"resource": {"azurerm_key_vault": {"Vault": {"name": "kv-svc"}}}, "import": []},
                 DELETE_VAULT)
    assert run("plan-gate", "svc", "--out", str(tmp_path)) == 1
    refused = "- svc: the plan would delete azurerm_key_vault.Vault (kv-svc), which is protected: it holds secrets"
    assert refused in capsys.readouterr().out


@pytest.mark.parametrize("amount", ["nan", "inf", "+inf"])
def test_cost_refuses_usage_toml_reads_as_nan_or_infinity_instead_of_estimating_nan(tmp_path, capsys, amount):
    stack_folder(tmp_path, "svc", {"resource": {}})
    assumptions = tmp_path / "costs.toml"
    assumptions.write_text(f"[usage.svc]\nlog_analytics_gb = {amount}\n")
    assert run("cost", "svc", "--out", str(tmp_path), "--assumptions", str(assumptions)) == 2
    assert capsys.readouterr() == ("", (
        f"sigmatiq-infra: error: cost: the assumptions file {assumptions} has usage that is no amount: "
        f"usage.svc.log_analytics_gb = {float(amount)!r}. Fix: give each usage a number of zero or more (e.g. "
        "log_analytics_gb = 5).\n"
    ))


def test_cost_refuses_an_own_price_of_infinity_and_a_baseline_of_nan(tmp_path, capsys):
    stack_folder(tmp_path, "svc", {"resource": {}})
    price = tmp_path / "price.toml"
    price.write_text(
        '[[price]]\nid = "bus.operations"\ndescription = "Service Bus operations"\nunit = "million"\nprice = inf\n'
        'source = "Azure Retail Prices API"\ndate = "2026-11-01"\n'
    )
    assert run("cost", "svc", "--out", str(tmp_path), "--assumptions", str(price)) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: cost: the assumptions file {price} has a [[price]] entry 'bus.operations' that has "
        "the price inf, which is no amount. Fix: give each entry id, description, unit, price, source, date, and a "
        "price of zero or more.\n"
    )
    baseline = tmp_path / "baseline.toml"
    baseline.write_text("[baseline_total]\nsvc = nan\n")
    assert run("cost", "svc", "--out", str(tmp_path), "--assumptions", str(baseline)) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: cost: the assumptions file {baseline} is not shaped as the command reads it: "
        "baseline_total = {'svc': nan} is no table of numbers per stack. Fix: see `sigmatiq-infra cost --help` and "
        "docs/library/commands.md for its tables.\n"
    )


# --- vpn-cert: all files or none ----------------------------------------------------------------------------

def test_a_root_whose_key_cannot_be_written_leaves_no_certificate_behind_and_the_next_run_works(
    tmp_path, secrets_env, capsys,
):
    """The certificate used to be written first, so the run after the fix was refused: the
    certificate 'already exists', with no key anywhere to sign clients."""
    (tmp_path / "notes.txt").write_text("")
    cert = tmp_path / "p2s-root.cer"
    assert run("vpn-cert", "root", "--cert-out", str(cert), "--key-out", str(tmp_path / "notes.txt" / "k.pem")) == 1
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: vpn-cert: cannot write {tmp_path / 'notes.txt' / 'k.pem'} ({tmp_path / 'notes.txt'} "
        "is a file, not a folder). Fix: choose a writable path.\n"
    )
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]
    assert run("vpn-cert", "root", "--cert-out", str(cert), "--key-out", str(tmp_path / "keys" / "k.pem")) == 0
    assert sorted(os.listdir(tmp_path)) == ["keys", "notes.txt", "p2s-root.cer"]
    assert oct((tmp_path / "keys" / "k.pem").stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_folder_where_a_certificate_goes_is_refused_as_a_folder_with_or_without_force(
    tmp_path, secrets_env, capsys, force,
):
    (tmp_path / "certs").mkdir()
    assert run(
        "vpn-cert", "root", "--cert-out", str(tmp_path / "certs"), "--key-out", str(tmp_path / "k.pem"), *force,
    ) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: vpn-cert: {tmp_path / 'certs'} is a folder, where a file goes. Fix: name a file in "
        "it, or another path.\n"
    )
    assert sorted(os.listdir(tmp_path)) == ["certs"]
    assert os.listdir(tmp_path / "certs") == []


# --- environment variables ------------------------------------------------------------------------------------

def test_the_commands_refuse_a_fast_runtime_switch_that_is_no_on_off_value_as_synth_does(
    tmp_path, capsys, monkeypatch,
):
    """Every problem at once: the switch and the engine, each one line."""
    stack_folder(tmp_path, "svc", {"resource": {}})
    monkeypatch.setenv("SIGMATIQ_FULL_IMPORT", "ture")
    monkeypatch.setenv("SIGMATIQ_ENGINE", "terraform")
    assert run("cost", "svc", "--out", str(tmp_path)) == 2
    assert capsys.readouterr() == ("", (
        "sigmatiq-infra: error: Environment variable 'SIGMATIQ_FULL_IMPORT': value 'ture' is not an on/off value. "
        "Allowed: 1, true, yes, on (on) or 0, false, no, off (off), in any case; unset or empty for the default. "
        "Fix: set SIGMATIQ_FULL_IMPORT=1 to turn it on, or SIGMATIQ_FULL_IMPORT=0 (or unset it) to turn it off.\n"
        "sigmatiq-infra: error: Environment variable 'SIGMATIQ_ENGINE': value 'terraform' is not an engine. Allowed: "
        "cdktf, cdktn (default cdktf). Fix: set SIGMATIQ_ENGINE=cdktn for CDK Terrain, or unset it.\n"
    ))


@pytest.mark.parametrize("value", ["0", " OFF ", ""])
def test_the_commands_take_every_off_value_of_the_switch(tmp_path, capsys, monkeypatch, value):
    stack_folder(tmp_path, "svc", {"resource": {}})
    monkeypatch.setenv("SIGMATIQ_FULL_IMPORT", value)
    assert run("cost", "svc", "--out", str(tmp_path)) == 0
    assert capsys.readouterr().out.startswith("Monthly cost estimate for svc")


def test_a_snapshot_update_switch_that_is_no_on_off_value_is_named_instead_of_comparing(tmp_path, monkeypatch):
    """`SIGMATIQ_UPDATE_SNAPSHOTS=ture` used to read as off: the test compared, failed with the
    diff and told the user to set the variable they had set."""
    from sigmatiq_infra.testing import Template

    snapshot = tmp_path / "svc.json"
    snapshot.write_text("{}\n")
    monkeypatch.setenv("SIGMATIQ_UPDATE_SNAPSHOTS", "ture")
    with pytest.raises(ValueError) as raised:
        Template.from_json({"resource": {}}, "svc").assert_matches_snapshot(snapshot)
    assert str(raised.value) == (
        "Template.assert_matches_snapshot: Environment variable 'SIGMATIQ_UPDATE_SNAPSHOTS': value 'ture' is not an "
        "on/off value. Allowed: 1, true, yes, on (on) or 0, false, no, off (off), in any case; unset or empty for the "
        "default. Fix: set SIGMATIQ_UPDATE_SNAPSHOTS=1 to turn it on, or SIGMATIQ_UPDATE_SNAPSHOTS=0 (or unset it) to "
        "turn it off."
    )
    assert snapshot.read_text() == "{}\n"
    monkeypatch.setenv("SIGMATIQ_UPDATE_SNAPSHOTS", " Yes ")
    Template.from_json({"resource": {}}, "svc").assert_matches_snapshot(snapshot)
    assert snapshot.read_text() == '{\n  "resource": {}\n}\n'


def test_plan_test_names_a_misspelt_stack_the_likely_one_and_the_stacks_there_as_the_other_commands_do(
    tmp_path, capsys,
):
    stack_folder(tmp_path, "orders", {"resource": {}})
    stack_folder(tmp_path, "platform", {"resource": {}})
    assert run("plan-test", "order", "--out", str(tmp_path)) == 2
    assert capsys.readouterr() == ("", (
        f"sigmatiq-infra: error: plan-test: unknown stack 'order' (did you mean 'orders'?). Allowed: the stacks in "
        f"{tmp_path}: orders, platform. Fix: pass one of those.\n"
    ))


# --- python -m sigmatiq_infra.prepare -------------------------------------------------------------------------

def test_prepare_shows_its_help_and_refuses_arguments_instead_of_building(capsys, monkeypatch):
    from sigmatiq_infra import prepare

    def built():
        raise AssertionError("prepare built")

    monkeypatch.setattr(prepare, "build_direct_kernel", built)
    assert prepare.main(["--help"]) == 0
    assert capsys.readouterr().out.startswith("`python -m sigmatiq_infra.prepare`: build, once per machine, what")
    assert prepare.main(["--force"]) == 2
    assert capsys.readouterr() == ("", (
        "sigmatiq-infra: prepare: takes no arguments (got --force). Fix: run `python -m sigmatiq_infra.prepare`; it "
        "builds what is missing or out of date.\n"
    ))


# --- an app's own errors --------------------------------------------------------------------------------------

def test_a_validation_error_an_app_raises_with_one_message_is_one_problem_not_one_per_character():
    """`raise ValidationError("...")` in an app's own settings code: the launcher listed each
    distinct character as a problem of its own."""
    from sigmatiq_infra.validation import ValidationError, format_problems

    error = ValidationError("settings.toml: region is missing", "settings.toml: owner is empty")
    assert (error.problems, error.warnings) == (
        ("settings.toml: region is missing",), ("settings.toml: owner is empty",),
    )
    assert format_problems(error.problems) == (
        "sigmatiq-infra: synth stopped, nothing was written (1 problem):\n  1. settings.toml: region is missing"
    )


def test_cost_refuses_a_table_where_a_stacks_usage_amount_goes_instead_of_calling_it_set_at_deploy_time(
    tmp_path, capsys,
):
    stack_folder(tmp_path, "svc", {"resource": {}})
    assumptions = tmp_path / "costs.toml"
    assumptions.write_text("[usage.svc.log_analytics_gb]\nbeta = 5\n")
    assert run("cost", "svc", "--out", str(tmp_path), "--assumptions", str(assumptions)) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: cost: the assumptions file {assumptions} has usage that is no amount: "
        "usage.svc.log_analytics_gb = {'beta': 5}. Fix: give each usage a number of zero or more (e.g. "
        "log_analytics_gb = 5).\n"
    )
