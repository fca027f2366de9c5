"""The `sigmatiq-infra` operator commands: behaviour, bad input, exit codes."""

import base64
import json
import os
import re
import subprocess
import sys

import pytest
from conftest import ISOLATED, VENV_BIN, synth
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12

from sigmatiq_infra.cli import main
from sigmatiq_infra.settings import load

PASSPHRASE = "correct horse battery staple"  # test-only passphrase for a throw-away key


@pytest.fixture
def secrets_env(monkeypatch):
    monkeypatch.setenv("SIGMATIQ_P2S_KEY_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("SIGMATIQ_P2S_PFX_PASSWORD", PASSPHRASE)


def run(*argv):
    return main(list(argv))


# --- help --------------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    [], ["vpn-cert"], ["vpn-cert", "root"], ["vpn-cert", "client"], ["allow-ip"], ["diagram"], ["cost"],
])
def test_every_command_has_help(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
    assert exit_.value.code == 0
    assert "usage: sigmatiq-infra" in capsys.readouterr().out


def test_the_installed_command_runs(tmp_path):
    command = VENV_BIN / "sigmatiq-infra"
    result = subprocess.run([str(command), "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "vpn-cert" in result.stdout


# --- vpn-cert ------------------------------------------------------------------------------

@pytest.fixture
def root(tmp_path, secrets_env):
    cert, key = tmp_path / "certs" / "p2s-root.cer", tmp_path / "keys" / "root.key.pem"
    assert run("vpn-cert", "root", "--cert-out", str(cert), "--key-out", str(key)) == 0
    return cert, key


def test_the_root_is_a_self_signed_ca_named_sigmatiqp2sroot_written_as_base64_der(root):
    cert, key = root
    data = cert.read_text().strip()
    assert "-----" not in data and "\n" not in data
    certificate = x509.load_der_x509_certificate(base64.b64decode(data))
    assert certificate.subject.rfc4514_string() == "CN=SigmatiqP2SRoot"
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


def test_the_root_lands_in_the_synthesized_vpn_gateway(root, tmp_path):
    cert, _ = root
    settings = load(environ={**ISOLATED, "SIGMATIQ_PROD_VPN_ROOT_CERT_FILE": str(cert)})
    import dataclasses

    settings = dataclasses.replace(settings, environments={"prod": settings.environments["prod"]})
    prod = synth(settings, tmp_path / "out")["prod"]
    _, gateway = prod.named("azurerm_virtual_network_gateway", "vpngw-trading-prod")
    assert gateway["vpn_client_configuration"]["root_certificate"] == [
        {"name": "SigmatiqP2SRoot", "public_cert_data": cert.read_text().strip()},
    ]


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


# --- allow-ip ------------------------------------------------------------------------------

def test_allow_ip_records_the_address_and_the_next_synth_opens_the_firewall(tmp_path, capsys):
    ips = tmp_path / "operator-ips.json"
    assert run("allow-ip", "--ip", "20.30.40.50", "--name", "alice", "--file", str(ips)) == 0
    assert json.loads(ips.read_text()) == {"beta": {"alice": "20.30.40.50"}}
    assert "operator-alice allows 20.30.40.50" in capsys.readouterr().out
    settings = load(environ={**ISOLATED, "SIGMATIQ_OPERATOR_IPS_FILE": str(ips)})
    assert settings.environments["beta"].postgres.operator_ips == {"alice": "20.30.40.50"}
    import dataclasses

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
    assert capsys.readouterr().err.startswith(f"sigmatiq-infra: error: {message}")
    assert not ips.exists()


def test_allow_ip_refuses_a_private_environment(tmp_path, capsys):
    assert run("allow-ip", "--env", "prod", "--ip", "20.30.40.50", "--file", str(tmp_path / "x.json")) == 2
    assert "prod has no public PostgreSQL endpoint to open" in capsys.readouterr().err


def test_allow_ip_reports_an_unwritable_file(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert run("allow-ip", "--ip", "20.30.40.50", "--name", "a", "--file", str(blocker / "ips.json")) == 1
    assert f"cannot write {blocker / 'ips.json'}" in capsys.readouterr().err


# --- diagram and cost need a synthesized stack --------------------------------------------

@pytest.fixture(scope="module")
def synth_out(synthesized, synthesized_dir):
    return synthesized_dir


@pytest.mark.parametrize("stack_name", ["shared", "beta", "prod"])
def test_the_diagram_contains_every_resource_of_the_stack(synth_out, synthesized, stack_name, tmp_path):
    assert run("diagram", stack_name, "--out", str(synth_out), "--out-dir", str(tmp_path)) == 0
    text = (tmp_path / f"{stack_name}.mmd").read_text()
    assert text.startswith("flowchart LR")
    for section in ("resource", "data"):
        for tf_type, resources in synthesized[stack_name].doc.get(section, {}).items():
            for logical_id in resources:
                prefix = "data_" if section == "data" else ""
                assert f"n_{prefix}{tf_type}_{logical_id}".replace("-", "_") in text, (tf_type, logical_id)


def test_the_beta_diagram_shows_groups_and_identity_role_target_edges(synth_out, tmp_path):
    run("diagram", "beta", "--out", str(synth_out), "--out-dir", str(tmp_path))
    text = (tmp_path / "beta.mmd").read_text()
    assert 'subgraph n_group_rg_trading_beta_data["rg-trading-beta-data"]' in text
    assert "n_azurerm_user_assigned_identity_Identity_2D60E2CC -->|holds| n_azurerm_role_assignment_" in text
    assert "-->|AcrPull| n_data_azurerm_container_registry_SharedRegistry_" in text


def test_the_prod_diagram_links_private_endpoints_to_their_services(synth_out, tmp_path):
    run("diagram", "prod", "--out", str(synth_out), "--out-dir", str(tmp_path))
    text = (tmp_path / "prod.mmd").read_text()
    assert text.count("-->|private link|") == 4


@pytest.mark.parametrize("command", ["diagram", "cost"])
def test_an_unknown_stack_is_a_clean_error_with_the_likely_name(command, synth_out, capsys):
    assert run(command, "prdo", "--out", str(synth_out)) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: unknown stack 'prdo' (did you mean 'prod'?). Allowed: the stacks in "
        f"{synth_out}: beta, prod, shared, state. Fix: pass one of those.\n"
    )


def test_diagram_and_cost_take_the_state_stack_too(synth_out, tmp_path, capsys):
    assert run("diagram", "state", "--out", str(synth_out), "--out-dir", str(tmp_path)) == 0
    assert '"rg-trading-tfstate"' in (tmp_path / "state.mmd").read_text()
    assert run("cost", "state", "--out", str(synth_out)) == 0
    assert capsys.readouterr().out.count("Monthly cost estimate for state (USD") == 1


def test_a_stack_that_was_not_synthesized_is_a_clean_error(tmp_path, capsys):
    assert run("diagram", "beta", "--out", str(tmp_path)) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: no synthesized stack in {tmp_path}. Fix: run bin/synth (or cdktf synth) "
        "first, or pass --out with your app's output folder.\n"
    )


def test_command_errors_have_no_traceback_in_a_real_process(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "sigmatiq_infra.cli", "allow-ip", "--ip", "nope", "--file", str(tmp_path / "x")],
        capture_output=True, text=True, env={**os.environ, "USER": "ci"},
    )
    assert result.returncode == 2
    assert result.stderr.startswith("sigmatiq-infra: error: allow-ip: 'nope' is not an IPv4 address.")
    assert "Traceback" not in result.stderr


# --- cost ------------------------------------------------------------------------------------

def test_every_price_records_its_source_and_date():
    from sigmatiq_infra.cli.cost import load_prices

    table = load_prices()
    assert len(table.prices) >= 15
    for price in table.prices.values():
        assert price.source and price.date and price.description, price.id
    for lines in table.seed.values():
        for item in lines:
            assert item["why"] and set(item["prices"]) <= set(table.prices), item


@pytest.mark.parametrize("stack_name", ["shared", "beta", "prod"])
def test_cost_totals_are_reproducible_and_every_line_names_its_price_entry(synth_out, stack_name):
    from sigmatiq_infra.cli.cost import estimate, load_prices, render
    from sigmatiq_infra.cli.stacks import load_stack

    table = load_prices()
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
        f"sigmatiq-infra: error: record-deployed: {state} is not JSON (Expecting value: line 1 column 2 (char 1)).\n"
    )
    folder = tmp_path / "a-folder.json"
    folder.mkdir()
    assert run("record-deployed", "prod", "--state", str(folder)) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: record-deployed: cannot read {folder} (Is a directory).\n"
    )
