"""The examples synthesize through their own cdktf.json, as a user runs them: the real
cdktf CLI, a fresh virtual environment with the built wheel installed (and prepared for the
fast runtime, as the README says), nothing from the repository's source tree."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from helpers import (
    CLI,
    PROVIDER_LOOKUP,
    ROOT,
    VENV_BIN,
    background,
    configuration_errors,
    empty_provider_mirror,
    slow_fixture,
    terraform_init,
)

from sigmatiq_infra.testing import Template

EXAMPLES = ROOT / "examples"
CDKTF = CLI


def start_in_background(work: Path) -> tuple[subprocess.Popen, Path]:
    """Run `cdktf synth` in a copy of every example, in the session's fresh venv with the built
    wheel installed and prepared for the fast runtime (`installed_wheel`: the script waits for
    it), beside the other tests."""
    work.mkdir(parents=True, exist_ok=True)
    for example in sorted(EXAMPLES.iterdir()):
        shutil.copytree(example, work / example.name, ignore=shutil.ignore_patterns("cdktf.out", "__pycache__"))
    _, wheel = background("wheel")
    (work / "venv").symlink_to(wheel / "venv")
    script = textwrap.dedent(f"""\
        set -euo pipefail
        cd {work}
        until [ -e {wheel}/installed ] || [ -e {wheel}/failed ]; do sleep 0.2; done
        [ -e {wheel}/installed ] || {{ echo "the wheel was not installed: see installed_wheel" >&2; exit 1; }}
        for example in {" ".join(sorted(p.name for p in EXAMPLES.iterdir()))}; do
          (cd "$example" && start=$(date +%s%N) && rc=0 && {{ {CDKTF} synth >synth.out 2>synth.err || rc=$?; }} &&
           echo $rc >synth.rc && echo $(( ($(date +%s%N) - start) / 1000000 )) >synth.ms)
        done
    """)
    env = {
        **os.environ, "CHECKPOINT_DISABLE": "1", "CI": "1",
        "PATH": f"{work / 'venv' / 'bin'}:{CDKTF.parent}:{os.environ['PATH']}",
    }
    env.pop("VIRTUAL_ENV", None)
    process = subprocess.Popen(
        ["bash", "-c", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    return process, work


@pytest.fixture(scope="module")
@slow_fixture
def example_runs(tmp_path_factory, installed_wheel) -> Path:
    process, work = background(__name__) or start_in_background(tmp_path_factory.mktemp("examples"))
    _, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr
    return work


@pytest.fixture(scope="module")
def orders(example_runs) -> Template:
    folder = example_runs / "orders-service"
    assert (folder / "synth.rc").read_text().strip() == "0", (folder / "synth.err").read_text()
    return Template.from_file(folder / "cdktf.out" / "stacks" / "orders" / "cdk.tf.json")


def test_every_example_has_its_own_cdktf_json_that_runs_its_main_on_the_fast_runtime():
    for example in EXAMPLES.iterdir():
        config = json.loads((example / "cdktf.json").read_text())
        assert config["app"] == "python -m sigmatiq_infra.launch main.py"
        assert (example / "main.py").exists() and (example / "README.md").exists()


@pytest.mark.slow
def test_the_examples_imports_are_in_isort_order():
    result = subprocess.run(
        [str(VENV_BIN / "ruff"), "check", "--select", "I", "--no-cache", str(EXAMPLES)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.slow
def test_the_example_synthesizes_from_the_installed_wheel_on_the_fast_runtime(example_runs, orders):
    folder = example_runs / "orders-service"
    errors = (folder / "synth.err").read_text()
    assert "fast runtime off" not in errors and "partly off" not in errors, errors
    assert "Generated Terraform code for the stacks: orders" in (folder / "synth.out").read_text()
    located = subprocess.run(
        [str(example_runs / "venv" / "bin" / "python"), "-c", "import sigmatiq_infra; print(sigmatiq_infra.__file__)"],
        cwd=folder, capture_output=True, text=True, check=True,
    ).stdout
    assert located.startswith(str(example_runs / "venv"))


def test_the_example_database_password_is_a_sensitive_ephemeral_input_that_reaches_azure_write_only(orders):
    variable = orders.doc["variable"]["orders_db_password"]
    assert (variable["sensitive"], variable["ephemeral"], variable["type"]) == (True, True, "string")
    _, server = orders.named("azurerm_postgresql_flexible_server", "psql-orders-dev")
    assert server["administrator_password_wo"] == "${var.orders_db_password}"
    assert "administrator_password" not in server
    _, secret = orders.named("azurerm_key_vault_secret", "Orders-DatabaseUrl")
    assert secret["value_wo"] == (
        "postgresql://ordersadmin:${urlencode(var.orders_db_password)}@"
        + orders.ref("azurerm_postgresql_flexible_server", "psql-orders-dev", "fqdn") + ":5432/orders?sslmode=require"
    )
    assert secret["value_wo_version"] == "${var.orders_db_password_version}"


def test_the_example_app_runs_as_its_identity_with_the_grants_it_needs(orders):
    _, app = orders.named("azurerm_container_app", "orders-api")
    identity = orders.ref("azurerm_user_assigned_identity", "id-orders-dev")
    assert app["identity"] == {"type": "UserAssigned", "identity_ids": [identity]}
    assert app["registry"] == [{"server": orders.ref("azurerm_container_registry", "acrordersdev", "login_server"),
                                "identity": identity}]
    assert app["secret"] == [{
        "name": "orders-databaseurl", "identity": identity,
        "key_vault_secret_id": orders.ref("azurerm_key_vault_secret", "Orders-DatabaseUrl", "versionless_id"),
    }]
    principal = orders.ref("azurerm_user_assigned_identity", "id-orders-dev", "principal_id")
    granted = sorted(
        (a["scope"], a["role_definition_id"].rsplit("/", 1)[1])
        for a in orders.resources("azurerm_role_assignment").values() if a["principal_id"] == principal
    )
    assert granted == sorted([
        (orders.ref("azurerm_container_registry", "acrordersdev"), "7f951dda-4ed3-4680-a7ca-43fe172d538d"),
        (orders.ref("azurerm_key_vault", "kv-orders-dev"), "4633458b-17de-408a-b874-0445c86b69e6"),
        (orders.ref("azurerm_servicebus_namespace", "sb-orders-dev"), "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39"),
    ])


def test_the_example_sends_diagnostics_of_its_services_to_its_workspace(orders):
    workspace = orders.ref("azurerm_log_analytics_workspace", "log-orders-dev")
    targets = sorted(
        s["target_resource_id"] for s in orders.resources("azurerm_monitor_diagnostic_setting").values()
        if s["log_analytics_workspace_id"] == workspace
    )
    assert targets == sorted([
        orders.ref("azurerm_postgresql_flexible_server", "psql-orders-dev"),
        orders.ref("azurerm_key_vault", "kv-orders-dev"),
        orders.ref("azurerm_container_registry", "acrordersdev"),
        orders.ref("azurerm_container_app_environment", "cae-orders-dev"),
        orders.ref("azurerm_servicebus_namespace", "sb-orders-dev"),
    ])


@pytest.mark.slow
def test_terraform_accepts_the_example(example_runs, orders, tmp_path):
    folder = tmp_path / "orders"
    shutil.copytree(example_runs / "orders-service" / "cdktf.out" / "stacks" / "orders", folder)
    output = terraform_init(folder, empty_provider_mirror(tmp_path))
    assert configuration_errors(output) == []
    assert PROVIDER_LOOKUP in output


def _cli(example_runs, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(example_runs / "venv" / "bin" / "python"), "-m", "sigmatiq_infra.cli", *arguments],
        cwd=example_runs / "orders-service", capture_output=True, text=True, timeout=300,
    )


def test_the_apps_own_construct_class_is_guarded_and_priced_by_its_own_commands(example_runs, orders):
    """ops.py runs the library's commands with the service's construct module loaded: the plan
    gate refuses to delete the Service Bus namespace (its facts: it holds queued messages), and
    the estimate prices it from the service's own price entry (costs.toml)."""
    folder = example_runs / "orders-service"
    logical_id, _ = orders.named("azurerm_servicebus_namespace", "sb-orders-dev")
    address = f"azurerm_servicebus_namespace.{logical_id}"
    (folder / "cdktf.out" / "stacks" / "orders" / "plan.json").write_text(json.dumps({
        "format_version": "1.2", "resource_changes": [{
            "address": address, "mode": "managed", "type": "azurerm_servicebus_namespace", "name": logical_id,
            "change": {"actions": ["delete"], "before": {"name": "sb-orders-dev"}, "after": None},
        }],
    }))

    def ops(*arguments: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(example_runs / "venv" / "bin" / "python"), "ops.py", *arguments],
            cwd=folder, capture_output=True, text=True, timeout=300,
        )

    gate = ops("plan-gate", "orders")
    assert gate.returncode == 1, gate.stdout + gate.stderr
    assert (
        f"- orders: the plan would delete {address} (sb-orders-dev), which is protected: it holds queued messages."
    ) in gate.stdout
    cost = ops("cost", "orders")
    assert cost.returncode == 0, cost.stderr
    assert any(
        line.startswith(address) and "9.86  [service-bus.Standard, 2026-12-03]" in line
        for line in cost.stdout.splitlines()
    ), cost.stdout


def test_the_cost_estimate_prices_a_users_own_stack_from_the_construct_facts(example_runs, orders):
    result = _cli(example_runs, "cost", "orders")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Monthly cost estimate for orders (USD, pay-as-you-go list prices)"
    logical_id, _ = orders.named("azurerm_postgresql_flexible_server", "psql-orders-dev")
    server = f"azurerm_postgresql_flexible_server.{logical_id}"
    assert any(line.startswith(server) and "[postgres.compute.B_Standard_B1ms, " in line for line in lines)
    assert any("[container-registry.Basic, " in line for line in lines)
    assert any(line.startswith("total") for line in lines)


def test_the_diagram_draws_a_users_own_stack_grouped_with_the_app_connected(example_runs, orders):
    result = _cli(example_runs, "diagram", "orders", "--out-dir", "pictures")
    assert result.returncode == 0, result.stderr
    text = (example_runs / "orders-service" / "pictures" / "orders.mmd").read_text()
    assert 'subgraph' in text and '"rg-orders-dev"' in text
    for edge in ("runs in", "runs as", "pulls from", "reads secrets", "uses"):
        assert f"|{edge}|" in text, edge
