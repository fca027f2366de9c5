"""A deploy-time input's `type` is a Terraform type constraint, which `terraform init` reads: a
type it has no keyword for (`int`, `String`, `list(int)`) stopped the first `cdktf diff` after a
synth that passed. Each is one problem with the type to write, and the real `terraform` shows both
halves: it refuses what is refused and takes what the fix says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import configuration_errors, empty_provider_mirror, error_of, recorded, terraform_init

from sigmatiq_infra.constructs import deploy_input
from sigmatiq_infra.stacks import App, AzureStack

ALLOWED = (
    "Allowed: string, number, bool or any; list(T), map(T) or set(T); object({...}) or tuple([...]) "
    "(Terraform, \"Type Constraints\")."
)
REFUSED = {  # the type written: the type the fix says
    "int": "number", "integer": "number", "float": "number", "String": "string", "str": "string",
    "boolean": "bool", "Bool": "bool", "set": "set(string)", "object": "object({ name = string })",
    "list(int)": "list(number)", "map( str )": "map( string )", "list(set)": "list(set(string))",
    "LIST(string)": "list(string)", "Map(List(int))": "map(list(number))",
}
TAKEN = (
    "string", "number", "bool", "any", "list", "map", "list(string)", "map(number)", "set(string)",
    "list(list(string))", "object({ name = string, port = optional(number, 443) })", "tuple([string, number])",
    "map(object({a=string, b=list(number)}))", " string", "list( string )",
)


def test_an_int_input_is_refused_with_number_the_type_terraform_has():
    stack = AzureStack(App(), "ops")
    assert error_of(lambda: deploy_input(stack, "replicas", what="the replica count", type="int"), scope=stack) == (
        "deploy input 'ops/replicas': type 'int' is not a Terraform type ('int' is no type keyword; terraform init "
        f"stops on it). {ALLOWED} Fix: write type='number'."
    )


def test_a_collection_keyword_in_capitals_is_refused_with_the_lowercase_type():
    stack = AzureStack(App(), "ops")
    assert error_of(lambda: deploy_input(stack, "ips", what="the office addresses", type="List(string)"),
                    scope=stack) == (
        "deploy input 'ops/ips': type 'List(string)' is not a Terraform type ('List': its type keywords are "
        f"lowercase; terraform init stops on it). {ALLOWED} Fix: write type='list(string)'."
    )


@pytest.mark.parametrize(("written", "fixed"), REFUSED.items())
def test_a_type_terraform_refuses_is_told_the_type_to_write_and_that_type_passes(written, fixed):
    stack = AzureStack(App(), "ops")
    message = error_of(lambda: deploy_input(stack, "value", what="a value", type=written), scope=stack)
    assert message.startswith(f"deploy input 'ops/value': type {written!r} is not a Terraform type (")
    assert message.endswith(f"Fix: write type={fixed!r}.")
    fixed_stack = AzureStack(App(), "ops")
    deploy_input(fixed_stack, "value", what="a value", type=fixed)
    assert recorded(fixed_stack) == []


def test_every_type_terraform_takes_is_written_as_given(tmp_path):
    app = App(outdir=str(tmp_path))
    stack = AzureStack(app, "ops")
    for number, written in enumerate(TAKEN):
        deploy_input(stack, f"value{number}", what="a value", type=written)
    assert recorded(stack) == []
    app.synth()
    variables = json.loads((tmp_path / "stacks" / "ops" / "cdk.tf.json").read_text())["variable"]
    assert [variables[f"value{number}"]["type"] for number in range(len(TAKEN))] == list(TAKEN)


def _variables_terraform_refuses(folder: Path, types: list[str], environment: dict[str, str]) -> list[str]:
    """The types of `types` that `terraform init` refuses, read from one configuration with a
    variable of each (Terraform reports every configuration error of a run)."""
    folder.mkdir()
    (folder / "main.tf.json").write_text(json.dumps({
        "variable": {f"value{number}": {"type": written} for number, written in enumerate(types)},
    }))
    output = terraform_init(folder, environment)
    assert set(configuration_errors(output)) <= {"Error: Invalid type specification"}, output
    refused = {int(line.rsplit("variable.value", 1)[1].rstrip(":")) for line in output.splitlines()
               if "in variable.value" in line}
    return [types[number] for number in sorted(refused)]


@pytest.mark.slow
def test_terraform_init_refuses_every_refused_type_and_takes_its_fix_and_every_type_taken(tmp_path):
    environment = empty_provider_mirror(tmp_path)
    assert _variables_terraform_refuses(tmp_path / "refused", list(REFUSED), environment) == list(REFUSED)
    assert _variables_terraform_refuses(tmp_path / "taken", [*REFUSED.values(), *TAKEN], environment) == []
