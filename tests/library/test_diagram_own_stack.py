"""`sigmatiq-infra diagram` on a stack of one's own: groups, edges, Mermaid text, and what
happens without the picture's tools."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

from sigmatiq_infra.cli import diagram, main
from sigmatiq_infra.cli.diagram import OTHER, Edge, build
from sigmatiq_infra.cli.stacks import load_stack

MINE = {
    "resource": {
        "azurerm_resource_group": {"rg": {"name": "rg-mine", "location": "westeurope"}},
        "azurerm_storage_account": {"files": {
            "name": "stmine", "resource_group_name": "${azurerm_resource_group.rg.name}",
        }},
        "azurerm_storage_container": {"uploads": {
            "name": "uploads", "storage_account_id": "${azurerm_storage_account.files.id}",
        }},
        "azurerm_container_app_environment": {"env": {"name": "cae-mine", "resource_group_name": "rg-mine"}},
        "azurerm_container_app": {"web": {
            "name": "web", "resource_group_name": "${azurerm_resource_group.rg.name}",
            "container_app_environment_id": "${azurerm_container_app_environment.env.id}",
            "template": {"container": [{"name": "web", "image": "nginx", "env": [
                {"name": "BLOB", "value": "${azurerm_storage_account.files.primary_blob_endpoint}"},
                {"name": "TEAM_VAULT", "value": "${data.azurerm_key_vault.team.vault_uri}"},
            ]}]},
        }},
        "azurerm_monitor_action_group": {"ops": {"name": "ops", "resource_group_name": "${var.group}"}},
    },
    "data": {
        "azurerm_key_vault": {"team": {"name": "kv-team", "resource_group_name": "rg-team"}},
        "azurerm_log_analytics_workspace": {"logs": {"name": "log-mine", "resource_group_name": "rg-mine"}},
    },
}


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    """A synth output folder with one small hand-written stack, `mine`."""
    folder = tmp_path / "cdktf.out"
    (folder / "stacks" / "mine").mkdir(parents=True)
    (folder / "stacks" / "mine" / "cdk.tf.json").write_text(json.dumps(MINE))
    return folder


def test_a_hand_written_stack_is_grouped_and_connected_and_only_the_unplaceable_goes_to_no_resource_group(mine):
    result = build(load_stack("mine", mine), roles={})
    assert {g: [r.address for r in members] for g, members in result.groups.items()} == {
        "rg-mine": [
            "azurerm_resource_group.rg", "azurerm_storage_account.files", "azurerm_storage_container.uploads",
            "azurerm_container_app_environment.env", "azurerm_container_app.web",
            # A lookup in a group this stack creates is no other stack's.
            "data.azurerm_log_analytics_workspace.logs",
        ],
        "rg-team (other stack)": ["data.azurerm_key_vault.team"],
        OTHER: ["azurerm_monitor_action_group.ops"],  # its group is a variable: not knowable here
    }
    assert result.edges == [
        Edge("azurerm_container_app.web", "azurerm_container_app_environment.env", "runs in"),
        Edge("azurerm_container_app.web", "azurerm_storage_account.files", "uses"),
        Edge("azurerm_container_app.web", "data.azurerm_key_vault.team", "uses"),
    ]


def test_the_command_draws_a_hand_written_stack(mine, tmp_path, capsys):
    assert main(["diagram", "mine", "--out", str(mine), "--out-dir", str(tmp_path / "pictures")]) == 0
    text = (tmp_path / "pictures" / "mine.mmd").read_text()
    assert 'subgraph n_group__no_resource_group_["(no resource group)"]' in text
    assert "  n_azurerm_container_app_web -->|runs in| n_azurerm_container_app_environment_env\n" in text
    assert capsys.readouterr().out.startswith(
        f"mine: 6 resources and 2 lookups in 3 groups -> {tmp_path / 'pictures/mine.mmd'}",
    )


PICTURE = "pictures/mine.png"


def run_diagram(out: Path, target: Path, stack: str = "mine") -> int:
    return main(["diagram", stack, "--out", str(out), "--out-dir", str(target)])


def test_without_the_diagrams_package_the_command_writes_mermaid_and_says_why(mine, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "diagrams", None)  # import diagrams -> ImportError
    monkeypatch.setattr(diagram.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert run_diagram(mine, tmp_path / "pictures") == 0
    assert [p.name for p in (tmp_path / "pictures").iterdir()] == ["mine.mmd"]
    captured = capsys.readouterr()
    assert captured.out.splitlines()[1] == (
        f"{tmp_path / PICTURE} not drawn: the Python package 'diagrams' is not installed. For the picture "
        "with Azure icons: pip install diagrams, then run this again."
    )
    assert captured.err == ""


def test_without_graphviz_the_command_writes_mermaid_and_says_why(mine, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "diagrams", types.ModuleType("diagrams"))
    monkeypatch.setattr(diagram.shutil, "which", lambda name: None)
    assert run_diagram(mine, tmp_path / "pictures") == 0
    assert [p.name for p in (tmp_path / "pictures").iterdir()] == ["mine.mmd"]
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        f"mine: 6 resources and 2 lookups in 3 groups -> {tmp_path / 'pictures/mine.mmd'}",
        f"{tmp_path / PICTURE} not drawn: Graphviz ('dot') is not on PATH. For the picture with Azure icons: "
        "apt-get install graphviz, then run this again.",
    ]
    assert captured.err == ""


def test_with_neither_installed_the_command_names_both_fixes(mine, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "diagrams", None)
    monkeypatch.setattr(diagram.shutil, "which", lambda name: None)
    assert run_diagram(mine, tmp_path / "pictures") == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        f"{tmp_path / PICTURE} not drawn: the Python package 'diagrams' is not installed and Graphviz ('dot') "
        "is not on PATH. For the picture with Azure icons: pip install diagrams and apt-get install graphviz, "
        "then run this again."
    )


@pytest.mark.slow
def test_a_graphviz_failure_is_one_clean_error_and_the_mermaid_is_kept(mine, tmp_path, monkeypatch, capsys):
    def fail(*_):
        raise subprocess.CalledProcessError(1, ["dot"])

    monkeypatch.setattr(diagram, "picture_tools", lambda: (types.ModuleType("diagrams"), ""))
    monkeypatch.setattr(diagram, "render_png", fail)
    assert run_diagram(mine, tmp_path / "pictures") == 1
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: diagram: Graphviz could not draw {tmp_path / PICTURE} (Command '['dot']' "
        f"returned non-zero exit status 1.); {tmp_path / 'pictures/mine.mmd'} is written.\n"
    )
    assert (tmp_path / "pictures" / "mine.mmd").exists()


def test_a_stack_that_was_not_synthesized_is_a_clean_error(tmp_path, capsys):
    assert main(["diagram", "beta", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: no synthesized stack in {tmp_path}. Fix: run `cdktf synth` "
        "first, or pass --out with your app's output folder.\n"
    )


def test_an_unknown_stack_of_ones_own_app_is_a_clean_error_with_the_likely_name(mine, capsys):
    for command in ("diagram", "cost"):
        assert main([command, "mien", "--out", str(mine)]) == 2
        assert capsys.readouterr().err == (
            f"sigmatiq-infra: error: unknown stack 'mien' (did you mean 'mine'?). Allowed: the stacks in "
            f"{mine}: mine. Fix: pass one of those.\n"
        )


def test_another_stacks_outputs_are_drawn_outside_every_group_as_that_stack(tmp_path):
    remote = "${data.terraform_remote_state.cross-stack-reference-input-platform.outputs."
    folder = tmp_path / "cdktf.out"
    (folder / "stacks" / "service").mkdir(parents=True)
    (folder / "stacks" / "service" / "cdk.tf.json").write_text(json.dumps({
        "resource": {
            "azurerm_resource_group": {"rg": {"name": "rg-service", "location": "westeurope"}},
            "azurerm_user_assigned_identity": {"id": {
                "name": "id-svc", "resource_group_name": "${azurerm_resource_group.rg.name}",
            }},
            "azurerm_role_assignment": {"pull": {
                "scope": remote + "cross-stack-output-acr-id}", "role_definition_name": "AcrPull",
                "principal_id": "${azurerm_user_assigned_identity.id.principal_id}",
            }},
        },
        "data": {"terraform_remote_state": {"cross-stack-reference-input-platform": {"backend": "local"}}},
    }))
    result = build(load_stack("service", folder), roles={})
    assert {g: [r.address for r in members] for g, members in result.groups.items()} == {"rg-service": [
        "azurerm_resource_group.rg", "azurerm_user_assigned_identity.id", "azurerm_role_assignment.pull",
    ]}  # the assignment with its principal: not in the remote state's group, which has none
    assert [r.address for r in result.loose] == ["data.terraform_remote_state.cross-stack-reference-input-platform"]
    assert result.titles["data.terraform_remote_state.cross-stack-reference-input-platform"] == "stack platform"
    assert Edge(
        "azurerm_role_assignment.pull", "data.terraform_remote_state.cross-stack-reference-input-platform", "AcrPull",
    ) in result.edges
