"""The library's guides followed as written: their snippets run as a user copies them, and the
messages, names and numbers they quote are what the code prints (docs/library/*.md)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ENGINE, NODE_BIN, ROOT

from sigmatiq_infra import azurerm, deployed
from sigmatiq_infra import constructs as c
from sigmatiq_infra.stacks import App, AzureStack
from sigmatiq_infra.validation import ValidationError, format_problems

GUIDE = ROOT / "docs" / "library"


def blocks(page: str, language: str = "") -> list[str]:
    """The fenced code blocks of a guide page in `language` (`""`: blocks without one)."""
    found: list[tuple[str, str]] = []
    opened: str | None = None
    for line in (GUIDE / page).read_text().splitlines(keepends=True):
        if opened is None and line.startswith("```"):
            opened, lines = line[3:].strip(), []
        elif opened is not None and line.rstrip() == "```":
            found.append((opened, "".join(lines)))
            opened = None
        elif opened is not None:
            lines.append(line)
    return [text for kind, text in found if kind == language]


def block_with(page: str, text: str, language: str = "") -> str:
    [found] = [block for block in blocks(page, language) if text in block]
    return found


def synth_problems(app: App) -> str:
    """The numbered list synth prints for `app`."""
    with pytest.raises(ValidationError) as stopped:
        app.synth()
    return format_problems(stopped.value.problems) + "\n"


# --- commands.md: an app's own command --------------------------------------------------------------


def run_command(folder: Path, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "orders_ops.py", *argv], cwd=folder, capture_output=True, text=True, timeout=300,
        env={
            "PATH": f"{NODE_BIN}:/usr/bin:/bin", "HOME": str(Path.home()), "SIGMATIQ_ENGINE": ENGINE.name,
            "PYTHONPATH": str(ROOT),
        },
    )


@pytest.mark.slow  # two processes of the app's own command, each loading the bindings
def test_the_commands_guides_own_command_runs_beside_the_examples_construct_and_a_missing_record_says_the_fix(
    tmp_path,
):
    shutil.copy(ROOT / "examples" / "orders-service" / "service_bus.py", tmp_path)
    (tmp_path / "orders_ops.py").write_text(block_with("commands.md", "cli.run(root, constructs=", "python"))
    missing = run_command(tmp_path, "plan-gate", "orders")
    # Its construct module is imported; the record it names by default is not there yet, and
    # leaving --record out (the old fix) would read the same file.
    assert (missing.returncode, missing.stderr.splitlines()[-1]) == (2, (
        "orders-ops: error: plan-gate: the deployed record deployed.toml does not exist. Fix: run the command where "
        "deployed.toml is, or pass --record with the app's record file (an app with nothing deployed yet keeps it "
        "empty until record-deployed writes its entries)."
    ))
    (tmp_path / "deployed.toml").write_text("")  # nothing deployed yet: the gate goes on to the plans
    empty = run_command(tmp_path, "plan-gate", "orders")
    assert (empty.returncode, empty.stderr.splitlines()[-1]) == (2, (
        "orders-ops: error: plan-gate: cdktf.out/stacks/orders/plan.json does not exist. Fix: run `cdktf diff "
        "<stack>`, then `terraform show -json plan > plan.json` in cdktf.out/stacks/orders."
    ))


def test_a_record_given_with_the_record_option_that_is_missing_still_says_it_may_be_left_out(tmp_path, capsys):
    from sigmatiq_infra.cli import main

    stack = tmp_path / "stacks" / "orders"
    stack.mkdir(parents=True)
    (stack / "plan.json").write_text('{"format_version": "1.2"}')
    (stack / "cdk.tf.json").write_text("{}")
    record = tmp_path / "deployed.toml"
    assert main(["plan-gate", "orders", "--out", str(tmp_path), "--record", str(record)]) == 2
    assert capsys.readouterr().err.endswith(
        f"plan-gate: the deployed record {record} does not exist. Fix: pass --record with the app's record file "
        "(record-deployed writes its entries), or leave --record out.\n"
    )


# --- constructs.md: the facts of a class of one's own -----------------------------------------------


def test_a_wrong_max_tags_in_the_facts_hides_no_misspelt_argument_beside_it():
    with pytest.raises(ValidationError) as refused:
        class Hub(c.AzureResource):
            facts = (c.ResourceFacts("azurerm_eventhub_namespace", ("name", "locaton"), max_tags=60),)

    where = f"Hub '{__name__}.Hub'"
    assert str(refused.value).splitlines() == [
        f"{where}: facts[0].max_tags 60 is out of range. Allowed: 1 to 50. Fix: give max_tags the number of tags "
        "Azure takes on the type (1 to 50), or leave it out for 50.",
        f"{where}: facts[0].replaced_when_changed argument 'locaton' is not an argument of azurerm_eventhub_namespace "
        "(did you mean 'location'?). Allowed: the arguments the azurerm "
        f"{azurerm.VERSION} bindings take for azurerm_eventhub_namespace (a name scope names the ones that hold "
        "its parent's name or id). Fix: write 'location'.",
    ]


# --- adoption.md: the record, the calls and the refusal it quotes -----------------------------------


def orders_prod(tmp_path: Path, geo_redundant_backup_enabled: bool) -> tuple[App, AzureStack, c.PostgresServer]:
    """The guide's `prod` stack: the server of its record entry."""
    app = App(outdir=str(tmp_path / "out"))
    stack = AzureStack(app, "prod")
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-orders-prod", "westeurope"))
    password = c.WriteOnlySecret.from_inputs(
        stack, "orders_db_password", "the orders database password", rules=c.admin_password_rules("ordersadmin"),
    )
    server = c.PostgresServer(stack, "Database", c.PostgresServerProps(
        "psql-orders-prod", group, "GP_Standard_D2ds_v5", "ordersadmin", password, databases=["orders"],
        geo_redundant_backup_enabled=geo_redundant_backup_enabled,
    ))
    return app, stack, server


def test_the_adoption_guides_record_guards_its_server_with_the_message_the_guide_quotes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("deployed.toml").write_text(block_with("adoption.md", "[[resource]]", "toml"))
    record = deployed.load_record(Path("deployed.toml"))
    app, _, _ = orders_prod(tmp_path, geo_redundant_backup_enabled=False)
    deployed.guard(app, record, {})
    assert synth_problems(app) == block_with("adoption.md", "Deployed resource 'prod/Database/Resource'")

    same, _, _ = orders_prod(tmp_path / "same", geo_redundant_backup_enabled=True)
    deployed.guard(same, record, {})  # the record holds every argument that forces a replacement: no other problem
    same.synth()


def test_the_adoption_guides_calls_run_as_written_on_a_stack_with_those_constructs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("deployed.toml").write_text(block_with("adoption.md", "[[resource]]", "toml"))
    app, stack, server = orders_prod(tmp_path, geo_redundant_backup_enabled=True)
    group = server.resource_group
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-orders", group, public_network_access_enabled=True))
    secret = vault.add_secret("DatabaseUrl", c.SecretProps("Orders-DatabaseUrl", c.WriteOnlySecret(
        server.connection_url("orders"), 1,
    )))
    exec(block_with("adoption.md", "adoption.role_assignments()", "python"), {
        "stack": stack, "group": group, "vault": vault, "server": server, "secret": secret,
    })
    assert app.problems.problems == []


# --- validation.md: reading an error ----------------------------------------------------------------


def test_the_validation_guides_numbered_list_is_what_synth_prints_for_those_two_mistakes(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    stack = AzureStack(app, "orders")
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-orders", "westeurope"))
    c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-orders-service-way-too-long", group))
    identity = c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps("id-orders", group))
    registry = c.ContainerRegistry(stack, "Registry", c.ContainerRegistryProps(
        "acrorders1", group, sku="Basic", public_network_access_enabled=True,
    ))
    logs = c.LogAnalyticsWorkspace(stack, "Logs", c.LogAnalyticsWorkspaceProps("log-orders", group))
    environment = c.ContainerAppEnvironment(stack, "Environment", c.ContainerAppEnvironmentProps(
        "cae-orders", group, log_analytics_workspace=logs,
    ))
    c.ContainerApp(stack, "Api", c.ContainerAppProps(
        "orders-api", environment, identity, registry, "orders/api", "1.0.0", 8080, cpu=0.5, memory="3Gi",
    ))
    quoted = block_with("validation.md", "sigmatiq-infra: synth stopped")
    assert re.fullmatch(re.escape(quoted).replace(re.escape("..."), ".*?"), synth_problems(app))
