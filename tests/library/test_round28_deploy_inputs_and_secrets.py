"""A hurried user's deploy-time inputs: a default that is not of the input's type (`'three'` for a
number, `'yes'` for a bool) and a rule whose condition never names the input it checks both
passed synth and stopped the first `terraform init` ("Invalid default value for variable",
"The condition for variable ... must refer to var.<name>"). Each is now one problem naming the
input, the value, what is allowed and the fix; the real `terraform` refuses exactly those and
takes what passes (cross-references to other inputs included: Terraform 1.9 and later)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import configuration_errors, empty_provider_mirror, error_of, recorded, terraform_init

from sigmatiq_infra.constructs import InputRule, deploy_input
from sigmatiq_infra.stacks import App, AzureStack

REFUSED_DEFAULTS = [  # (type, default): Terraform cannot convert the default to the type
    ("number", "three"), ("number", "1_000"), ("number", " 1"), ("number", "1,5"), ("number", ""),
    ("number", True), ("number", [1]), ("bool", "yes"), ("bool", "True"), ("bool", "TRUE"), ("bool", 1),
    ("bool", 0.0), ("string", ["a"]), ("string", {"a": "b"}), ("list(string)", "a"), ("list(string)", {"a": "b"}),
    ("list(number)", ["a"]), ("set(number)", ["one"]), ("map(string)", ["a"]), ("map(number)", {"a": "x"}),
    ("list(list(string))", ["a"]), ("map(bool)", {"on": "yes"}),
]
TAKEN_DEFAULTS = [  # (type, default): Terraform converts each
    ("number", "1"), ("number", "2.5"), ("number", "-2"), ("number", "+3"), ("number", "1e3"), ("number", ".5"),
    ("number", "5."), ("number", "inf"), ("number", 3), ("number", 0.5), ("bool", "true"), ("bool", "false"),
    ("bool", "1"), ("bool", "0"), ("bool", False), ("string", 5), ("string", True), ("string", ""),
    ("list(string)", ["a", 1, True]), ("list(string)", []), ("set(string)", ["a", "a"]),
    ("map(number)", {"a": "1", "b": 2}), ("list(list(string))", [["a"]]), ("any", "x"), ("list", ["a", 1]),
    ("object({ name = string })", {"name": "a"}),
]


def test_a_number_input_with_a_word_for_its_default_is_refused_with_a_default_that_passes():
    stack = AzureStack(App(), "ops")
    assert error_of(lambda: deploy_input(stack, "replicas", what="the replica count", type="number",
                                         default="three"), scope=stack) == (
        "deploy input 'ops/replicas': default 'three' is not a value of the input's type 'number'; terraform "
        "init refuses it (\"Invalid default value for variable\"). Allowed: a number, or a numeral as text ('3', "
        "'2.5') (what Terraform converts to number; Terraform, \"Type Constraints\"). Fix: give a default of type "
        "number, e.g. default=1, or leave default out so the input must be set."
    )
    fixed = AzureStack(App(), "ops")
    deploy_input(fixed, "replicas", what="the replica count", type="number", default=1)
    assert recorded(fixed) == []


def test_a_sensitive_inputs_default_of_the_wrong_type_is_one_problem_without_showing_it():
    """Leaving the default out (the fix of a sensitive input's default) settles its type too, so
    that is the one problem (test_round28_sensitive_defaults)."""
    stack = AzureStack(App(), "ops")
    assert error_of(lambda: deploy_input(stack, "keys", what="the partner keys", type="map(string)",
                                         sensitive=True, default=["aaaa"]), scope=stack) == (
        "deploy input 'ops/keys': default '<sensitive>' is a sensitive input's default, which synth writes in plain "
        "text into the stack's cdk.tf.json. Allowed: no default on a sensitive input (its value comes at deploy "
        "time, never in code). Fix: leave default out and set TF_VAR_keys when deploying; or, if the value is no "
        "secret, drop sensitive=True."
    )


@pytest.mark.parametrize(("type", "default"), REFUSED_DEFAULTS, ids=repr)
def test_a_default_terraform_cannot_convert_to_the_inputs_type_is_refused(type, default):
    stack = AzureStack(App(), "ops")
    message = error_of(lambda: deploy_input(stack, "value", what="a value", type=type, default=default),
                       scope=stack)
    assert message.startswith("deploy input 'ops/value': default ")
    assert f"is not a value of the input's type {type!r}; terraform init refuses it" in message
    assert "\n" not in message


def test_every_default_terraform_converts_passes_and_is_written_as_given(tmp_path):
    app = App(outdir=str(tmp_path))
    stack = AzureStack(app, "ops")
    for number, (type, default) in enumerate(TAKEN_DEFAULTS):
        deploy_input(stack, f"value{number}", what="a value", type=type, default=default)
    assert recorded(stack) == []
    app.synth()
    variables = json.loads((tmp_path / "stacks" / "ops" / "cdk.tf.json").read_text())["variable"]
    assert [variables[f"value{number}"]["default"] for number in range(len(TAKEN_DEFAULTS))] == [
        list(default) if isinstance(default, tuple) else default for _, default in TAKEN_DEFAULTS
    ]


def test_a_rule_whose_condition_never_names_its_input_is_refused_with_the_value_placeholder():
    stack = AzureStack(App(), "ops")
    rule = InputRule("var.min_count >= 1", "is below the minimum", "at least the minimum count")
    assert error_of(lambda: deploy_input(stack, "replicas", what="the replica count", type="number",
                                         rules=[rule]), scope=stack) == (
        "deploy input 'ops/replicas': rules[0].condition 'var.min_count >= 1' does not refer to the input it "
        "checks; terraform init refuses it (\"The condition for variable 'replicas' must refer to var.replicas "
        "in order to test incoming values\"). Allowed: a condition over {value} (the input's value), which may "
        "also name other inputs, e.g. '{value} > var.min_count' (Terraform, \"Input Variables\": custom "
        "validation rules). Fix: write the input's value as {value} in the condition, e.g. 'length({value}) >= 8'."
    )


def test_rules_naming_their_input_pass_other_inputs_included_and_are_written_as_terraform_reads_them(tmp_path):
    app = App(outdir=str(tmp_path))
    stack = AzureStack(app, "ops")
    deploy_input(stack, "min_count", what="the least replica count", type="number", default=1)
    deploy_input(stack, "replicas", what="the replica count", type="number", default=2, rules=[
        InputRule("{value} >= var.min_count", "is below min_count", "at least min_count"),
        InputRule("var.replicas <= 10", "is above 10", "at most 10"),
    ])
    deploy_input(stack, "zone-name", what="the zone", type="string", default="a", rules=[
        InputRule("length(var.zone-name) > 0", "is empty", "a name"),
    ])
    assert recorded(stack) == []
    app.synth()
    variables = json.loads((tmp_path / "stacks" / "ops" / "cdk.tf.json").read_text())["variable"]
    assert [rule["condition"] for rule in variables["replicas"]["validation"]] == [
        "${var.replicas >= var.min_count}", "${var.replicas <= 10}",
    ]


def test_a_rule_naming_only_a_longer_named_input_is_refused():
    stack = AzureStack(App(), "ops")
    rule = InputRule("var.replicas_max > 0", "is not positive", "a positive count")
    message = error_of(lambda: deploy_input(stack, "replicas", what="the replica count", type="number",
                                            rules=[rule]), scope=stack)
    assert message.startswith("deploy input 'ops/replicas': rules[0].condition 'var.replicas_max > 0' does not")


def _refused_by_terraform_init(folder: Path, variables: dict, environment: dict[str, str]) -> list[str]:
    folder.mkdir()
    (folder / "main.tf.json").write_text(json.dumps({"variable": variables}))
    output = terraform_init(folder, environment)
    assert set(configuration_errors(output)) <= {
        "Error: Invalid default value for variable", "Error: Invalid variable validation condition",
        "Error: Invalid validation expression",
    }, output
    return sorted({line.split("in variable.", 1)[1].split(".")[0].rstrip(":") for line in output.splitlines()
                   if "in variable." in line})


@pytest.mark.slow
def test_terraform_init_refuses_exactly_the_refused_defaults_and_rule_and_takes_what_synth_writes(tmp_path):
    environment = empty_provider_mirror(tmp_path)
    refused = {f"value{number}": {"type": type, "default": default}
               for number, (type, default) in enumerate(REFUSED_DEFAULTS)}
    refused["replicas"] = {"type": "number", "default": 1, "validation": [
        {"condition": "${var.min_count >= 1}", "error_message": "The count is below the minimum."},
    ]}
    refused["min_count"] = {"type": "number", "default": 1}
    assert _refused_by_terraform_init(tmp_path / "refused", refused, environment) == sorted(
        [*(f"value{number}" for number in range(len(REFUSED_DEFAULTS))), "replicas"]
    )
    app = App(outdir=str(tmp_path / "out"))
    stack = AzureStack(app, "ops")
    for number, (type, default) in enumerate(TAKEN_DEFAULTS):
        deploy_input(stack, f"value{number}", what="a value", type=type, default=default)
    deploy_input(stack, "min_count", what="the least replica count", type="number", default=1)
    deploy_input(stack, "replicas", what="the replica count", type="number", default=2, rules=[
        InputRule("{value} >= var.min_count", "is below min_count", "at least min_count"),
    ])
    assert recorded(stack) == []
    app.synth()
    output = terraform_init(tmp_path / "out" / "stacks" / "ops", environment)
    assert configuration_errors(output) == [], output

