"""Secret values that reach Azure only through write-only arguments.

A write-only argument (`administrator_password_wo`, `value_wo`, ...) is sent to Azure
but never stored in Terraform state or plan. Terraform only re-sends it when its
companion `*_version` changes, so rotating a secret means bumping `version`.

`WriteOnlySecret.from_inputs(...)` makes the usual pair of deploy-time inputs: the secret as
a sensitive, ephemeral variable (given with `TF_VAR_<name>`, kept out of state and plan) and
its version counter (`<name>_version`, default 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from constructs import Construct

from sigmatiq_infra.constructs._arguments import checked_function
from sigmatiq_infra.constructs._context import context_of, made_in, stack_of
from sigmatiq_infra.constructs.inputs import (
    TAKEN_NAME,
    WHOLE_NUMBER_RULES,
    InputRule,
    deploy_input,
    secret_input,
)
from sigmatiq_infra.validation import Validator, is_token


@dataclass(frozen=True)
class WriteOnlySecret:
    value: str
    """A Terraform expression, e.g. a sensitive (ephemeral) variable or another resource's
    key. Literal strings are rejected: a secret must never be written into code."""
    version: int = 1
    """Bump to send a new value to Azure (Terraform cannot diff a write-only value)."""
    source: Construct | None = field(default=None, compare=False, repr=False)
    """The deploy-time input that holds the value (`from_inputs` sets it): only its own stack's
    resources may receive it. Default: not known."""
    holds_secret: ClassVar[bool] = True
    """A type problem of a field of this type never shows the value given (`typecheck`)."""

    @staticmethod
    @checked_function
    def from_inputs(
        scope: Construct, name: str, what: str, rules: Sequence[InputRule] = (), how: str = "",
    ) -> WriteOnlySecret:
        """The secret from the deploy-time input `name` (sensitive, ephemeral, checked by
        `rules`), sent again whenever the input `<name>_version` is bumped."""
        secret = secret_input(scope, name, what=what, rules=rules, how=how)
        made_in(secret, scope)  # its stack, known without a jsii round trip when the secret is checked
        # A taken name is reported once: its version counter goes under the secret's numbered name.
        version_name = f"{secret.node.id}_version" if TAKEN_NAME in secret.__dict__ else f"{name}_version"
        return WriteOnlySecret(secret.string_value, version_input(scope, version_name, what), source=secret)

    def check(self, check: Validator, prop: str) -> None:
        check.require(
            is_token(self.value), prop, "<literal string>", "is a literal secret value",
            "a Terraform expression such as a sensitive variable",
            "pass a deploy-time input, e.g. WriteOnlySecret.from_inputs(stack, 'db_password', 'the database "
            "password') (TF_VAR_db_password at deploy time); never the secret as text",
        )
        check.in_range(f"{prop}.version", self.version, 1, 2**31 - 1)
        # The input is ephemeral, and Terraform keeps an ephemeral value in its own module: cdktf
        # would pass it to another stack as an output, which Terraform refuses ("Ephemeral value
        # not allowed: This output value is not declared as returning an ephemeral value").
        if (
            self.source is not None and isinstance(check.where, Construct)
            and stack_of(self.source) is not stack_of(check.where)
        ):
            made, used = stack_of(self.source).node.id, stack_of(check.where).node.id
            check.fail(
                prop, self.source.node.id, f"is a deploy-time input of stack '{made}', used in stack '{used}'",
                "a secret input of the stack that sends it to Azure (Terraform passes no ephemeral value from "
                "one stack to another)",
                f"make the input in stack '{used}': WriteOnlySecret.from_inputs(<stack '{used}'>, "
                f"{self.source.node.id!r}, ...), and set its TF_VAR_ when deploying that stack",
            )
            context_of(check.where).problems.inputs_reported.add(f"{made}/{self.source.node.id}")


@checked_function
def version_input(scope: Construct, name: str, what: str) -> float:
    """A version counter (default 1) for a write-only value: bump it to send the value again."""
    return deploy_input(
        scope, name, what=f"the version of {what}", type="number", default=1,
        rules=WHOLE_NUMBER_RULES, note="Bump it to send a new value to Azure (a write-only value is not diffed).",
    ).number_value
