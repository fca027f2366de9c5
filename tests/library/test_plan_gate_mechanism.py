"""The plan gate CI runs after `cdktf diff`: a table of what each plan does, and a refusal of
any plan that would replace or delete a protected or adopted resource."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from helpers import empty_provider_mirror, slow_fixture

from sigmatiq_infra import plan_gate
from sigmatiq_infra.constructs import resource_facts


@pytest.fixture(scope="module")
def holds():
    return {kind: facts.holds for kind, facts in resource_facts().items() if facts.holds}


TERRAFORM = shutil.which("terraform")


@pytest.fixture(scope="module")
@slow_fixture
def real_plan(tmp_path_factory):
    """A plan Terraform makes offline (its built-in `terraform_data` resource, local state):
    one create, one in-place update, one replacement and one deletion."""
    if TERRAFORM is None:
        pytest.skip("terraform is not installed (CI and bin/test have it)")
    folder = tmp_path_factory.mktemp("real-plan")
    environment = empty_provider_mirror(folder)

    def terraform(*arguments):
        subprocess.run([TERRAFORM, *arguments, "-input=false", "-no-color"], cwd=folder, env=environment,
                       check=True, capture_output=True, timeout=120)

    config = folder / "main.tf.json"
    config.write_text(json.dumps({"resource": {"terraform_data": {
        "kept": {"input": "v1"}, "replaced": {"triggers_replace": ["v1"]}, "removed": {"input": "x"},
    }}}))
    terraform("init")
    terraform("apply", "-auto-approve")
    config.write_text(json.dumps({"resource": {"terraform_data": {
        "kept": {"input": "v2"}, "replaced": {"triggers_replace": ["v2"]}, "added": {"input": "y"},
    }}}))
    terraform("plan", "-out", "plan")
    shown = subprocess.run([TERRAFORM, "show", "-json", "plan"], cwd=folder, env=environment,
                           check=True, capture_output=True, text=True, timeout=120)
    return json.loads(shown.stdout), json.loads(config.read_text())


def test_prevent_destroy_and_an_import_block_each_protect_a_resource(holds):
    config = {
        "import": [{"to": "azurerm_user_assigned_identity.Adopted", "id": "/subscriptions/x"}],
        "resource": {"azurerm_private_endpoint": {"Guarded": {"lifecycle": {"prevent_destroy": True}}}},
    }
    endpoint, identity = "azurerm_private_endpoint", "azurerm_user_assigned_identity"
    changes = [
        plan_gate.Change(f"{endpoint}.Guarded", endpoint, "Guarded", "delete", False, "pe-x"),
        plan_gate.Change(f"{identity}.Adopted", identity, "Adopted", "replace", True, "mi-x"),
    ]
    reasons = [line.split("which is protected: ")[1].split(". Fix")[0] for line in plan_gate.blocked(
        "qa", changes, config, (), (), holds,
    )]
    assert reasons == ["it has prevent_destroy", "it is adopted (imported)"]


def test_a_plan_terraform_made_is_counted_by_kind(real_plan):
    plan, _ = real_plan
    changes = plan_gate.changes_of(plan)
    assert {c.address: c.kind for c in changes} == {
        "terraform_data.added": "create", "terraform_data.kept": "update",
        "terraform_data.replaced": "replace", "terraform_data.removed": "delete",
    }
    assert plan_gate.counts(changes) == {"create": 1, "update": 1, "replace": 1, "delete": 1, "import": 0}


def test_in_a_plan_terraform_made_the_gate_refuses_exactly_the_destructive_changes_of_protected_types(real_plan):
    plan, config = real_plan
    found = plan_gate.blocked(
        "qa", plan_gate.changes_of(plan), config, (), (), {"terraform_data": "test data"},
    )
    assert [line.split(" (")[0] for line in found] == [
        "qa: the plan would delete terraform_data.removed", "qa: the plan would replace terraform_data.replaced",
    ]


