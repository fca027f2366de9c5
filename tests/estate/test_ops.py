"""`bin/ops`, the estate's operator commands: the library's commands with the estate's
sources and defaults, and the estate-only `allow-ip`."""

import base64
import dataclasses
import json
import os
import re
import subprocess
import sys

import pytest
from cryptography import x509
from estate_helpers import ISOLATED, synth
from helpers import ROOT

from sigmatiq_infra.cli import main as library
from stacks.ops import main
from stacks.settings import load


def run(*argv):
    return main(list(argv))


@pytest.mark.parametrize("argv", [
    [], ["vpn-cert", "root"], ["allow-ip"], ["cost"], ["plan-gate"], ["record-deployed"],
])
def test_every_estate_command_has_help(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
    assert exit_.value.code == 0
    assert "usage: bin/ops" in capsys.readouterr().out


@pytest.mark.slow
def test_bin_ops_runs_from_the_repository_with_the_estates_commands():
    result = subprocess.run([str(ROOT / "bin" / "ops"), "--help"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Operator commands for the Sigmatiq Azure estate" in result.stdout
    assert sorted(re.findall(r"^    ([a-z-]+)", result.stdout, re.M)) == [
        "allow-ip", "cost", "plan-gate", "record-deployed", "vpn-cert",
    ]


def make_root(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the defaults are relative to the repository: certs/p2s-root.cer
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert run("vpn-cert", "root") == 0
    return tmp_path / "certs" / "p2s-root.cer", tmp_path / "home" / ".sigmatiq" / "p2s" / "SigmatiqP2SRoot.key.pem"


@pytest.fixture
def root(tmp_path, secrets_env, monkeypatch):
    return make_root(tmp_path, monkeypatch)


def test_the_root_is_named_sigmatiqp2sroot_and_goes_where_the_prod_settings_read_it(
    tmp_path, secrets_env, monkeypatch, capsys,
):
    cert, key = make_root(tmp_path, monkeypatch)
    assert capsys.readouterr().out.startswith(
        "root certificate CN=SigmatiqP2SRoot: certs/p2s-root.cer (base64 DER, read by the prod stack)\n"
    )
    certificate = x509.load_der_x509_certificate(base64.b64decode(cert.read_text()))
    assert certificate.subject.rfc4514_string() == "CN=SigmatiqP2SRoot"
    assert b"ENCRYPTED PRIVATE KEY" in key.read_bytes()


def test_the_root_lands_in_the_synthesized_vpn_gateway(root, tmp_path):
    cert, _ = root
    settings = load(environ={**ISOLATED, "SIGMATIQ_PROD_VPN_ROOT_CERT_FILE": str(cert)})
    settings = dataclasses.replace(settings, environments={"prod": settings.environments["prod"]})
    prod = synth(settings, tmp_path / "out")["prod"]
    _, gateway = prod.named("azurerm_virtual_network_gateway", "vpngw-trading-prod")
    assert gateway["vpn_client_configuration"]["root_certificate"] == [
        {"name": "SigmatiqP2SRoot", "public_cert_data": cert.read_text().strip()},
    ]


# --- allow-ip ------------------------------------------------------------------------------

def test_allow_ip_records_the_address_and_the_next_synth_opens_the_firewall(tmp_path, capsys):
    ips = tmp_path / "operator-ips.json"
    assert run("allow-ip", "--ip", "20.30.40.50", "--name", "alice", "--file", str(ips)) == 0
    assert json.loads(ips.read_text()) == {"beta": {"alice": "20.30.40.50"}}
    assert "operator-alice allows 20.30.40.50" in capsys.readouterr().out
    settings = load(environ={**ISOLATED, "SIGMATIQ_OPERATOR_IPS_FILE": str(ips)})
    assert settings.environments["beta"].postgres.operator_ips == {"alice": "20.30.40.50"}
    beta = synth(dataclasses.replace(settings, environments={"beta": settings.environments["beta"]}),
                 tmp_path / "out")["beta"]
    rules = {r["name"]: r for r in beta.resources("azurerm_postgresql_flexible_server_firewall_rule").values()}
    assert (rules["operator-alice"]["start_ip_address"], rules["operator-alice"]["end_ip_address"]) == (
        "20.30.40.50", "20.30.40.50",
    )


def test_allow_ip_can_remove_an_entry(tmp_path):
    ips = tmp_path / "operator-ips.json"
    run("allow-ip", "--ip", "20.30.40.50", "--name", "alice", "--file", str(ips))
    assert run("allow-ip", "--remove", "--name", "alice", "--file", str(ips)) == 0
    assert json.loads(ips.read_text()) == {"beta": {}}


@pytest.mark.parametrize(("ip", "message"), [
    ("300.1.2.3", "allow-ip: '300.1.2.3' is not an IPv4 address."),
    ("10.1.2.3", "allow-ip: 10.1.2.3 is not a public address."),
    ("not-an-ip", "allow-ip: 'not-an-ip' is not an IPv4 address."),
])
def test_allow_ip_rejects_an_invalid_or_private_ip(tmp_path, capsys, ip, message):
    ips = tmp_path / "operator-ips.json"
    assert run("allow-ip", "--ip", ip, "--name", "alice", "--file", str(ips)) == 2
    assert capsys.readouterr().err.startswith(f"bin/ops: error: {message}")
    assert not ips.exists()


def test_allow_ip_refuses_a_private_environment(tmp_path, capsys):
    assert run("allow-ip", "--env", "prod", "--ip", "20.30.40.50", "--file", str(tmp_path / "x.json")) == 2
    assert "prod has no public PostgreSQL endpoint to open" in capsys.readouterr().err


def test_allow_ip_reports_an_unwritable_file(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert run("allow-ip", "--ip", "20.30.40.50", "--name", "a", "--file", str(blocker / "ips.json")) == 1
    assert f"cannot write {blocker / 'ips.json'}" in capsys.readouterr().err


@pytest.mark.slow
def test_estate_command_errors_have_no_traceback_in_a_real_process(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "stacks.ops", "allow-ip", "--ip", "nope", "--file", str(tmp_path / "x")],
        capture_output=True, text=True, env={**os.environ, "USER": "ci"}, cwd=ROOT,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("bin/ops: error: allow-ip: 'nope' is not an IPv4 address.")
    assert "Traceback" not in result.stderr


# --- cost, with the estate's assumptions and the seed's estimate -----------------------------

def test_every_seed_line_explains_itself_and_names_prices_of_the_table():
    from sigmatiq_infra.cli.cost import load_prices
    from stacks.ops import COSTS_FILE

    table = load_prices(assumptions=COSTS_FILE)
    assert sorted(table.baseline) == ["beta", "prod"] and table.baseline_name == "Seed estimate"
    for lines in table.baseline.values():
        for item in lines:
            assert item["why"] and set(item["prices"]) <= set(table.prices), item


@pytest.fixture(scope="module")
def synth_out(synthesized, synthesized_dir):
    return synthesized_dir


@pytest.mark.parametrize("stack_name", ["shared", "beta", "prod"])
def test_the_diagram_contains_every_resource_of_the_stack(synth_out, synthesized, stack_name, tmp_path):
    assert library(["diagram", stack_name, "--out", str(synth_out), "--out-dir", str(tmp_path)]) == 0
    text = (tmp_path / f"{stack_name}.mmd").read_text()
    assert text.startswith("flowchart LR")
    for section in ("resource", "data"):
        for tf_type, resources in synthesized[stack_name].doc.get(section, {}).items():
            for logical_id in resources:
                prefix = "data_" if section == "data" else ""
                assert f"n_{prefix}{tf_type}_{logical_id}".replace("-", "_") in text, (tf_type, logical_id)


def test_the_beta_diagram_shows_groups_and_identity_role_target_edges(synth_out, tmp_path):
    library(["diagram", "beta", "--out", str(synth_out), "--out-dir", str(tmp_path)])
    text = (tmp_path / "beta.mmd").read_text()
    assert 'subgraph n_group_rg_trading_beta_data["rg-trading-beta-data"]' in text
    assert "n_azurerm_user_assigned_identity_Identity_2D60E2CC -->|holds| n_azurerm_role_assignment_" in text
    assert "-->|AcrPull| n_data_azurerm_container_registry_SharedRegistry_" in text


def test_the_prod_diagram_links_private_endpoints_to_their_services(synth_out, tmp_path):
    library(["diagram", "prod", "--out", str(synth_out), "--out-dir", str(tmp_path)])
    text = (tmp_path / "prod.mmd").read_text()
    assert text.count("-->|private link|") == 4


@pytest.mark.parametrize("command", ["diagram", "cost"])
def test_an_unknown_stack_is_a_clean_error_with_the_likely_name(command, synth_out, capsys):
    assert library([command, "prdo", "--out", str(synth_out)]) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: unknown stack 'prdo' (did you mean 'prod'?). Allowed: the stacks in "
        f"{synth_out}: beta, prod, shared, state. Fix: pass one of those.\n"
    )


def test_diagram_and_cost_take_the_state_stack_too(synth_out, tmp_path, capsys):
    assert library(["diagram", "state", "--out", str(synth_out), "--out-dir", str(tmp_path)]) == 0
    assert '"rg-trading-tfstate"' in (tmp_path / "state.mmd").read_text()
    assert run("cost", "state", "--out", str(synth_out)) == 0
    assert capsys.readouterr().out.count("Monthly cost estimate for state (USD") == 1


@pytest.mark.parametrize("stack_name", ["shared", "beta", "prod"])
def test_cost_totals_are_reproducible_and_every_line_names_its_price_entry(synth_out, stack_name):
    from sigmatiq_infra.cli.cost import estimate, load_prices, render
    from sigmatiq_infra.cli.stacks import load_stack
    from stacks.ops import COSTS_FILE

    table = load_prices(assumptions=COSTS_FILE)
    first = render(stack_name, estimate(load_stack(stack_name, synth_out), table), table)
    second = render(stack_name, estimate(load_stack(stack_name, synth_out), table), table)
    assert first == second
    body = first.split("\n\n")[1].splitlines()
    assert body[-1].startswith("total")
    for line in body[:-1]:
        assert re.search(r"\s\d+\.\d\d  \[[A-Za-z0-9_.-]+, [^\]]*\d{4}[^\]]*\]", line), line  # id, date


def test_the_beta_estimate_is_itemized_and_compared_with_the_seed(synth_out, capsys):
    assert run("cost", "beta", "--out", str(synth_out)) == 0
    out = capsys.readouterr().out
    assert "azurerm_redis_cache.Redis_FF642DF2" in out and "16.06  [redis.Basic.C0, 2026-09-06]" in out
    assert re.search(r"^total\s+47\.96$", out, re.M)
    assert (
        "Budget: $37/month (budget-trading-beta, notifies at 80% actual and 100% forecast); "
        "this estimate is $10.96 over it."
    ) in out
    assert "Seed estimate: about $37/month" in out
    assert "Container Apps (5): seed 0.00, here 11.82 (+11.82)\n    why: ca-native-api keeps one warm replica" in out


def test_the_prod_estimate_stays_under_950_with_a_6_gb_cache_and_explains_the_seeds_500(synth_out, capsys):
    assert run("cost", "prod", "--out", str(synth_out)) == 0
    out = capsys.readouterr().out
    total = float(re.search(r"^total\s+(\d+\.\d\d)$", out, re.M).group(1))
    assert total == 919.71 and total < 950
    assert re.search(
        r"^azurerm_managed_redis\.Redis_FF642DF2\s+227\.76  \[managed-redis\.Balanced_B5, 2026-08-11 \(Clarchy: "
        r"2026-10-02\)\]  \(two nodes: high availability, zone redundant\)$", out, re.M,
    )
    assert "azurerm_private_dns_resolver_outbound_endpoint" not in out
    assert "Budget: $500/month (budget-trading-prod, notifies at 80% actual and 100% forecast)" in out
    assert "Seed estimate: about $500/month" in out
    assert (
        "VPN Gateway VpnGw1: seed 140.00, here 156.95 (+16.95)\n    why: non-zonal VpnGw1 can no longer be created"
    ) in out
    assert "DNS Resolver: seed 25.00, here 180.00 (+155.00)" in out
    assert "Redis Premium P1: seed 250.00, here 227.76 (-22.24)" in out
    # Every price the estimate uses is listed with its source and date.
    used = set(re.findall(r"\[([a-z0-9_.-]+\.[A-Za-z0-9_.-]+|private-endpoint), ", out))
    listed = set(re.findall(r"^  \[([^\]]+)\] ", out, re.M))
    assert used <= listed
