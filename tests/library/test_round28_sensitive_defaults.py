"""A sensitive deploy-time input's default is written in plain text into the synthesized stack
(`cdk.tf.json`), which an app commits, uploads as a CI artifact or prints: the library keeps
secrets out of code and output, so it is one problem (Terraform itself takes it). No default,
an empty one, or an input that is not sensitive pass."""

from __future__ import annotations

import json

import pytest
from helpers import fresh_stack, recorded

from sigmatiq_infra.constructs import deploy_input
from sigmatiq_infra.testing import Template


def test_a_sensitive_inputs_default_is_one_problem_that_never_shows_the_value():
    stack, _ = fresh_stack()
    deploy_input(stack, "api_key", what="the partner API's key", type="string", sensitive=True,
                 default="not-a-real-key-but-looks-like-one")
    assert recorded(stack) == [
        "deploy input 'fixed/api_key': default '<sensitive>' is a sensitive input's default, which synth writes in "
        "plain text into the stack's cdk.tf.json. Allowed: no default on a sensitive input (its value comes at deploy "
        "time, never in code). Fix: leave default out and set TF_VAR_api_key when deploying; or, if the value is no "
        "secret, drop sensitive=True.",
    ]


@pytest.mark.parametrize(("sensitive", "default"), [(True, None), (True, ""), (False, "eu-west")])
def test_no_default_an_empty_one_or_an_input_that_is_not_sensitive_pass(sensitive, default):
    stack, _ = fresh_stack()
    deploy_input(stack, "value", what="a value", type="string", sensitive=sensitive, default=default)
    assert recorded(stack) == []
    variable = json.loads(Template.from_stack(stack).to_snapshot())["variable"]["value"]
    assert variable.get("default") == default
