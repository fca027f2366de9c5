"""The library's `sigmatiq-infra` commands, as any app's operators use them: behaviour, bad
input, exit codes (vpn-cert, cost's price table and assumptions, plan-gate and
record-deployed inputs; `diagram` has its own file)."""

import argparse
import base64
import json
import re
import subprocess
import sys

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from helpers import PASSPHRASE, VENV_BIN

from sigmatiq_infra import cli
from sigmatiq_infra.cli import main, vpn_cert


def run(*argv):
    return main(list(argv))


# --- help --------------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    [], ["vpn-cert"], ["vpn-cert", "root"], ["vpn-cert", "client"], ["diagram"], ["cost"], ["plan-gate"],
    ["record-deployed"],
])
def test_every_command_has_help(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
    assert exit_.value.code == 0
    assert "usage: sigmatiq-infra" in capsys.readouterr().out


def test_the_help_speaks_of_the_library_and_any_app_not_of_an_estate(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "Commands of the sigmatiq-infra construct library for any app built on it" in out
    assert "allow-ip" not in out and "Sigmatiq Azure estate" not in out
    assert sorted(re.findall(r"^    ([a-z-]+)", out, re.M)) == [
        "cost", "diagram", "plan-gate", "plan-test", "record-deployed", "vpn-cert",
    ]


@pytest.mark.slow
def test_the_installed_command_runs(tmp_path):
    command = VENV_BIN / "sigmatiq-infra"
    result = subprocess.run([str(command), "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "vpn-cert" in result.stdout


def test_an_app_builds_its_own_command_from_the_library_commands_with_its_own_defaults(tmp_path, secrets_env, capsys):
    root = argparse.ArgumentParser(prog="orders-ops")
    commands = root.add_subparsers(dest="command", required=True)
    vpn_cert.register(commands, defaults=vpn_cert.VpnCertDefaults(
        common_name="OrdersP2SRoot", root_certificate_file=tmp_path / "orders-root.cer",
        key_directory=tmp_path / "keys", where_read="read by the orders gateway",
    ))
    assert cli.run(root, ["vpn-cert", "root"]) == 0
    certificate = x509.load_der_x509_certificate(base64.b64decode((tmp_path / "orders-root.cer").read_text()))
    assert certificate.subject.rfc4514_string() == "CN=OrdersP2SRoot"
    assert (tmp_path / "keys" / "OrdersP2SRoot.key.pem").exists()
    assert "(base64 DER, read by the orders gateway)" in capsys.readouterr().out
    assert cli.run(root, ["vpn-cert", "root"]) == 2
    assert capsys.readouterr().err.startswith("orders-ops: error: vpn-cert: ")


# --- vpn-cert ------------------------------------------------------------------------------

@pytest.fixture
def root(tmp_path, secrets_env):
    cert, key = tmp_path / "certs" / "p2s-root.cer", tmp_path / "keys" / "root.key.pem"
    assert run("vpn-cert", "root", "--cert-out", str(cert), "--key-out", str(key)) == 0
    return cert, key


def test_the_root_is_a_self_signed_ca_named_p2sroot_by_default_written_as_base64_der(root):
    cert, key = root
    data = cert.read_text().strip()
    assert "-----" not in data and "\n" not in data
    certificate = x509.load_der_x509_certificate(base64.b64decode(data))
    assert certificate.subject.rfc4514_string() == "CN=P2SRoot"
    assert certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    certificate.verify_directly_issued_by(certificate)
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert b"ENCRYPTED PRIVATE KEY" in key.read_bytes()


def test_a_client_certificate_chains_to_the_root_and_comes_as_pfx_and_pem(root, tmp_path):
    cert, key = root
    out = tmp_path / "clients"
    assert run("vpn-cert", "client", "alice-laptop", "--root-cert", str(cert), "--root-key", str(key),
               "--out-dir", str(out)) == 0
    root_certificate = x509.load_der_x509_certificate(base64.b64decode(cert.read_text()))
    _private_key, client, chain = pkcs12.load_key_and_certificates(
        (out / "alice-laptop.pfx").read_bytes(), PASSPHRASE.encode(),
    )
    assert client.subject.rfc4514_string() == "CN=alice-laptop"
    client.verify_directly_issued_by(root_certificate)
    assert chain == [root_certificate]
    eku = client.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert [usage.dotted_string for usage in eku] == ["1.3.6.1.5.5.7.3.2"]  # clientAuth
    pem = (out / "alice-laptop.pem").read_bytes()
    assert x509.load_pem_x509_certificate(pem) == client
    assert b"ENCRYPTED PRIVATE KEY" in pem


def test_vpn_cert_refuses_to_overwrite_and_to_run_without_a_passphrase(root, monkeypatch, capsys):
    cert, key = root
    assert run("vpn-cert", "root", "--cert-out", str(cert), "--key-out", str(key)) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: vpn-cert: {cert}, {key} already exist. "
        "Fix: move them away, or pass --force to replace them.\n"
    )
    monkeypatch.delenv("SIGMATIQ_P2S_KEY_PASSPHRASE")
    assert run("vpn-cert", "root", "--cert-out", str(cert), "--key-out", str(key), "--force") == 2
    assert "SIGMATIQ_P2S_KEY_PASSPHRASE, which is not set" in capsys.readouterr().err


def test_vpn_cert_reports_an_unwritable_path(tmp_path, secrets_env, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert run("vpn-cert", "root", "--cert-out", str(blocker / "root.cer"),
               "--key-out", str(tmp_path / "k.pem")) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"sigmatiq-infra: error: vpn-cert: cannot write {blocker / 'root.cer'} (")
    assert "Traceback" not in err


def test_a_client_name_with_spaces_is_rejected(root, capsys):
    cert, key = root
    assert run("vpn-cert", "client", "alice laptop", "--root-cert", str(cert), "--root-key", str(key)) == 2
    assert "NAME 'alice laptop' is not allowed" in capsys.readouterr().err


@pytest.mark.slow
def test_command_errors_have_no_traceback_in_a_real_process(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "sigmatiq_infra.cli", "vpn-cert", "client", "no spaces", "--root-cert",
         str(tmp_path / "x.cer"), "--root-key", str(tmp_path / "x.pem")],
        capture_output=True, text=True,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("sigmatiq-infra: error: vpn-cert client: NAME 'no spaces' is not allowed.")
    assert "Traceback" not in result.stderr


# --- cost: the price table and an app's assumptions ------------------------------------------

def test_every_price_records_its_source_and_date():
    from sigmatiq_infra.cli.cost import load_prices

    table = load_prices()
    assert len(table.prices) >= 15
    for price in table.prices.values():
        assert price.source and price.date and price.description, price.id
    assert table.baseline == {} and table.usage == {"key_vault_operations_10k": 10.0, "log_analytics_gb": 0.0}


def test_an_apps_assumptions_set_usage_per_stack_and_a_baseline_to_compare_with(tmp_path):
    from sigmatiq_infra.cli.cost import load_prices, usage_of

    assumptions = tmp_path / "costs.toml"
    assumptions.write_text(
        'baseline_name = "Last quarter"\nbaseline_label = "before"\n[usage.orders]\nlog_analytics_gb = 3.0\n'
        '[baseline_total]\norders = 20.0\n[[baseline.orders]]\nitem = "Vault"\nmonthly = 1.0\n'
        'prices = ["key-vault.operations-10k"]\nwhy = "reads"\n'
    )
    table = load_prices(assumptions=assumptions)
    assert usage_of(table, "orders") == {"key_vault_operations_10k": 10.0, "log_analytics_gb": 3.0}
    assert usage_of(table, "other") == {"key_vault_operations_10k": 10.0, "log_analytics_gb": 0.0}
    assert (table.baseline_name, table.baseline_label) == ("Last quarter", "before")
    assert table.baseline_total == {"orders": 20.0}


def test_an_apps_assumptions_add_prices_for_its_own_construct_classes(tmp_path):
    from sigmatiq_infra.cli.cost import load_prices

    assumptions = tmp_path / "costs.toml"
    assumptions.write_text(
        '[[price]]\nid = "service-bus.Standard"\ndescription = "Service Bus Standard base"\nunit = "hour"\n'
        'price = 0.0135\nsource = "pricing page"\ndate = "2026-12-03"\n'
    )
    table = load_prices(assumptions=assumptions)
    assert round(table.prices["service-bus.Standard"].monthly, 4) == 9.855
    assert "postgres.storage.gb" in table.prices  # the library's prices stay


@pytest.mark.parametrize(("content", "problem"), [
    (None, "does not exist. Fix: pass an existing file, or leave --assumptions out."),
    ("[usage\n", "is not TOML (Expected ']' at the end of a table declaration (at line 1, column 7)). Fix: repair it."),
    ("folder", "cannot be read (Is a directory). Fix: pass the TOML file itself, or leave --assumptions out."),
    ('[usage.orders]\nlog_analytics_gb = "five"\n[usage]\nextra = -1\n',
     "has usage that is no amount: usage.orders.log_analytics_gb = 'five'; usage.extra = -1. Fix: give each usage "
     "a number of zero or more (e.g. log_analytics_gb = 5)."),
    ('[[price]]\nid = "service-bus.Standard"\nunit = "hour"\nprice = 0.0135\n',
     "has a [[price]] entry 'service-bus.Standard' that lacks description, source, date. Fix: give each entry id, "
     "description, unit, price, source, date, and a price of zero or more."),
    ('[[price]]\nid = "x"\ndescription = "x"\nunit = "hour"\nprice = "cheap"\nsource = "s"\ndate = "2026-12-03"\n',
     "has a [[price]] entry 'x' that has the price 'cheap', which is no amount. Fix: give each entry id, "
     "description, unit, price, source, date, and a price of zero or more."),
])
def test_a_missing_or_broken_assumptions_file_is_one_clean_error(tmp_path, capsys, content, problem):
    assumptions = tmp_path / "costs.toml"
    if content == "folder":
        assumptions.mkdir()
    elif content is not None:
        assumptions.write_text(content)
    assert run("cost", "orders", "--out", str(tmp_path), "--assumptions", str(assumptions)) == 2
    assert capsys.readouterr().err == f"sigmatiq-infra: error: cost: the assumptions file {assumptions} {problem}\n"


# --- plan-gate and record-deployed inputs ---------------------------------------------------

def test_plan_gate_and_record_deployed_name_a_missing_or_broken_file_and_the_fix(tmp_path, capsys):
    stack = tmp_path / "stacks" / "beta"
    stack.mkdir(parents=True)
    assert run("plan-gate", "beta", "--out", str(tmp_path)) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: plan-gate: {stack / 'plan.json'} does not exist. Fix: run `cdktf diff <stack>`, "
        f"then `terraform show -json plan > plan.json` in {stack}.\n"
    )
    (stack / "plan.json").write_text("{not json")
    assert run("plan-gate", "beta", "--out", str(tmp_path)) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: plan-gate: {stack / 'plan.json'} is not JSON (Expecting property name enclosed in "
        "double quotes: line 1 column 2 (char 1)). Fix: write it with terraform show -json.\n"
    )
    state = tmp_path / "state.json"
    assert run("record-deployed", "prod", "--state", str(state)) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: record-deployed: {state} does not exist. Fix: run `terraform show -json > "
        "state.json` in cdktf.out/stacks/prod and pass that file.\n"
    )
    state.write_text("[")
    assert run("record-deployed", "prod", "--state", str(state)) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: record-deployed: {state} is not JSON (Expecting value: line 1 column 2 (char 1)). "
        "Fix: pass the output of `terraform show -json` (run in cdktf.out/stacks/prod after the deploy).\n"
    )
    folder = tmp_path / "a-folder.json"
    folder.mkdir()
    assert run("record-deployed", "prod", "--state", str(folder)) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: record-deployed: {folder} is a folder, where a JSON file goes. Fix: run `terraform "
        "show -json > state.json` in cdktf.out/stacks/prod and pass that file.\n"
    )


def test_plan_gate_names_a_missing_deployed_record_and_the_fix(tmp_path, capsys):
    stack = tmp_path / "stacks" / "orders"
    stack.mkdir(parents=True)
    (stack / "plan.json").write_text('{"format_version": "1.2"}')
    (stack / "cdk.tf.json").write_text("{}")
    record = tmp_path / "deployed.toml"
    assert run("plan-gate", "orders", "--out", str(tmp_path), "--record", str(record)) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: plan-gate: the deployed record {record} does not exist. Fix: pass --record with "
        "the app's record file (record-deployed writes its entries), or leave --record out.\n"
    )
    summary = tmp_path / "summary-folder"
    summary.mkdir()
    assert run("plan-gate", "orders", "--out", str(tmp_path), "--summary", str(summary)) == 2
    assert capsys.readouterr().err.endswith(
        f"sigmatiq-infra: error: plan-gate: cannot write the summary to {summary} (Is a directory). Fix: pass "
        '--summary a file this process can write (in CI, "$GITHUB_STEP_SUMMARY"), or leave it out.\n'
    )
    assert run("plan-gate", "orders", "--out", str(tmp_path), "--record", str(tmp_path)) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: plan-gate: the deployed record {tmp_path} cannot be read (Is a directory). Fix: "
        "pass --record with the record file itself (TOML), or leave --record out.\n"
    )
    assert run("plan-gate", "orders", "--out", str(tmp_path)) == 0


@pytest.mark.parametrize(("plan", "why"), [
    ({}, "no format_version: not a plan Terraform wrote"),
    ([], "no format_version: not a plan Terraform wrote"),
    ({"format_version": "1.2", "resource_changes": "oops"}, "resource_changes is not a list"),
    ({"format_version": "1.2", "resource_changes": [{"change": {"actions": ["delete"]}}]},
     "resource_changes[0] has no address"),
    ({"format_version": "1.2", "resource_changes": [{"address": "azurerm_key_vault.v"}]},
     "resource_changes[0] (azurerm_key_vault.v) has no change.actions"),
])
def test_plan_gate_refuses_a_plan_json_that_is_no_terraform_plan_instead_of_passing_it(tmp_path, capsys, plan, why):
    stack = tmp_path / "stacks" / "orders"
    stack.mkdir(parents=True)
    (stack / "plan.json").write_text(json.dumps(plan))
    (stack / "cdk.tf.json").write_text("{}")
    assert run("plan-gate", "orders", "--out", str(tmp_path)) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: plan-gate: {stack / 'plan.json'} is not a Terraform plan ({why}). Fix: write it "
        "with `terraform show -json <plan file> > plan.json` from the plan `cdktf diff` (or `terraform plan -out`) "
        "saved.\n"
    )


def test_record_deployed_refuses_json_that_is_no_terraform_state(tmp_path, capsys):
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"values": {"root_module": {"resources": "x"}}}))
    assert run("record-deployed", "prod", "--state", str(state)) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: record-deployed: {state} is not Terraform state (values.root_module.resources is "
        "not a list of objects). Fix: pass the output of `terraform show -json` (without a plan file) after the "
        "stack was deployed.\n"
    )


# --- an own app's stacks through the commands (eighth outside-in round) -----------------------

def _stack_folder(tmp_path, name, document):
    folder = tmp_path / "stacks" / name
    folder.mkdir(parents=True)
    (folder / "cdk.tf.json").write_text(json.dumps(document))
    return folder


@pytest.mark.parametrize(("content", "problem"), [
    ("baseline = 5\n", "baseline = 5 is no table ([[baseline.<stack>]] lines)"),
    ('[[baseline.blog]]\nitem = "Database"\n', "[[baseline.blog]] 1 needs monthly as a number"),
    ('[[baseline.blog]]\nitem = "Database"\nmonthly = "300"\nprices = "postgres.storage.gb"\nwhy = "x"\n',
     "[[baseline.blog]] 1 needs monthly as a number (has '300'); [[baseline.blog]] 1 needs prices as a list of "
     "price ids (has 'postgres.storage.gb')"),
    ('baseline_total = { blog = "lots" }\n', "baseline_total = {'blog': 'lots'} is no table of numbers per stack"),
    ("usage = 5\n", "usage = 5 is no table ([usage] with amounts, [usage.<stack>] per stack)"),
])
def test_an_assumptions_file_the_command_would_misread_is_one_clean_error(tmp_path, capsys, content, problem):
    assumptions = tmp_path / "costs.toml"
    assumptions.write_text(content)
    assert run("cost", "blog", "--out", str(tmp_path), "--assumptions", str(assumptions)) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"sigmatiq-infra: error: cost: the assumptions file {assumptions} is not shaped as")
    assert problem in err


def test_the_budget_line_says_the_budgets_own_thresholds_and_amount(tmp_path, capsys):
    _stack_folder(tmp_path, "blog", {"resource": {"azurerm_consumption_budget_subscription": {"B": {
        "name": "budget-blog", "amount": 150.5, "notification": [
            {"threshold": 50, "threshold_type": "Actual"}, {"threshold": 90, "threshold_type": "Forecasted"},
        ],
    }}}})
    assert run("cost", "blog", "--out", str(tmp_path)) == 0
    assert "Budget: $150.50/month (budget-blog, notifies at 50% actual and 90% forecast); this estimate is $150.50 " \
        "under it." in capsys.readouterr().out


def test_an_hourly_price_is_hourly_in_any_case_and_a_type_no_class_bills_is_said_to_be_left_out(tmp_path, capsys):
    from sigmatiq_infra.cli.cost import Price

    assert Price("x", "x", "Hour", 0.1, "s", "d").monthly == pytest.approx(73.0)
    _stack_folder(tmp_path, "blog", {"resource": {"azurerm_eventhub_namespace": {"Hub": {"name": "evhns-blog"}}}})
    assert run("cost", "blog", "--out", str(tmp_path)) == 0
    assert capsys.readouterr().err.startswith(
        "cost: warning: no construct class states how Azure bills azurerm_eventhub_namespace: left out of the estimate."
    )


@pytest.mark.parametrize("document", [[], {"resource": []}, {"resource": {"azurerm_key_vault": []}}])
def test_a_stack_file_of_the_wrong_shape_is_one_clean_error(tmp_path, capsys, document):
    folder = _stack_folder(tmp_path, "blog", document)
    assert run("cost", "blog", "--out", str(tmp_path)) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: {folder / 'cdk.tf.json'} is not a synthesized stack (no object of resources by type). "
        "Fix: run `cdktf synth` again.\n"
    )


def test_plan_gate_names_an_unknown_stack_and_the_likely_one(tmp_path, capsys):
    _stack_folder(tmp_path, "shop", {})
    assert run("plan-gate", "shpo", "--out", str(tmp_path)) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: plan-gate: unknown stack 'shpo' (did you mean 'shop'?). Allowed: the stacks in "
        f"{tmp_path}: shop. Fix: pass one of those.\n"
    )


def test_a_root_common_name_x509_cannot_hold_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SIGMATIQ_P2S_KEY_PASSPHRASE", PASSPHRASE)
    assert run("vpn-cert", "root", "--common-name", "", "--cert-out", str(tmp_path / "r.cer"),
               "--key-out", str(tmp_path / "r.key.pem")) == 2
    assert capsys.readouterr().err == (
        "sigmatiq-infra: error: vpn-cert root: --common-name '' has 0 characters. Allowed: 1-64 (X.509's limit for a "
        "common name). Fix: give a name of 1-64 characters, e.g. OrdersP2SRoot.\n"
    )


def test_every_price_a_stack_needs_and_the_table_lacks_is_said_at_once(tmp_path, capsys):
    _stack_folder(tmp_path, "blog", {"resource": {
        "azurerm_container_registry": {"Acr": {"name": "acrblog", "sku": "Standard"}},
        "azurerm_postgresql_flexible_server": {"Db": {"name": "psql-blog", "sku_name": "GP_Standard_D2ds_v5"}},
    }})
    assert run("cost", "blog", "--out", str(tmp_path)) == 1
    assert capsys.readouterr().err == (
        "sigmatiq-infra: error: cost: no price for 'container-registry.Standard' (azurerm_container_registry.Acr), "
        "'postgres.compute.GP_Standard_D2ds_v5' (azurerm_postgresql_flexible_server.Db). Fix: add each, with its "
        "source and date, as a [[price]] of your --assumptions file.\n"
    )


def _workspace_stack(tmp_path):
    _stack_folder(tmp_path, "blog", {"resource": {
        "azurerm_log_analytics_workspace": {"Logs": {"name": "log-blog", "sku": "PerGB2018"}},
    }})


def test_a_misspelt_usage_amount_or_stack_table_is_warned_of_with_the_name_meant(tmp_path, capsys):
    _workspace_stack(tmp_path)
    assumptions = tmp_path / "costs.toml"
    assumptions.write_text("[usage]\nlog_analytic_gb = 20\norders_per_day = 5\n[usage.blgo]\nlog_analytics_gb = 9\n")
    assert run("cost", "blog", "--out", str(tmp_path), "--assumptions", str(assumptions)) == 0
    assert capsys.readouterr().err == (
        f"cost: warning: usage.log_analytic_gb is read by no price of blog (did you mean 'log_analytics_gb'?). Fix: "
        f"correct the name in {assumptions}.\n"
        f"cost: warning: [usage.blgo] names no synthesized stack (did you mean [usage.blog]?); its amounts are read "
        f"by none. Fix: correct the name in {assumptions}.\n"
    )


def test_usage_amounts_a_price_reads_or_that_resemble_none_are_not_warned_of(tmp_path, capsys):
    _workspace_stack(tmp_path)
    assumptions = tmp_path / "costs.toml"
    assumptions.write_text("[usage]\nlog_analytics_gb = 20\norders_per_day = 5\n[usage.blog]\nlog_analytics_gb = 9\n")
    assert run("cost", "blog", "--out", str(tmp_path), "--assumptions", str(assumptions)) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "azurerm_log_analytics_workspace.Logs      20.70  [log-analytics.gb, " in captured.out  # 9 GB at 2.30


def test_a_usage_amount_an_own_price_needs_and_nobody_gives_is_one_clean_error(tmp_path, capsys, monkeypatch):
    from sigmatiq_infra.constructs import ResourceFacts, resource_facts

    facts = {**resource_facts(), "azurerm_servicebus_namespace": ResourceFacts(
        "azurerm_servicebus_namespace", billing=lambda config, usage: [("bus", usage["bus_messages_million"], "")],
    )}
    monkeypatch.setattr("sigmatiq_infra.constructs.resource_facts", lambda: facts)
    _stack_folder(tmp_path, "blog", {"resource": {"azurerm_servicebus_namespace": {"Bus": {"name": "sb-blog"}}}})
    assert run("cost", "blog", "--out", str(tmp_path)) == 1
    assert capsys.readouterr().err == (
        "sigmatiq-infra: error: cost: no usage amount 'bus_messages_million' (azurerm_servicebus_namespace.Bus). "
        "Fix: give each amount under [usage] (or [usage.blog]) of your --assumptions file, e.g. "
        "bus_messages_million = 1.\n"
    )
