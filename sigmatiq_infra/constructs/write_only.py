"""Secret values that reach Azure only through write-only arguments.

A write-only argument (`administrator_password_wo`, `value_wo`, ...) is sent to Azure
but never stored in Terraform state or plan. Terraform only re-sends it when its
companion `*_version` changes, so rotating a secret means bumping `version`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sigmatiq_infra.validation import Validator, is_token


@dataclass(frozen=True)
class WriteOnlySecret:
    value: str
    """A Terraform expression, e.g. a sensitive (ephemeral) variable or another resource's
    key. Literal strings are rejected: a secret must never be written into code."""
    version: int = 1
    """Bump to send a new value to Azure (Terraform cannot diff a write-only value)."""

    def check(self, check: Validator, prop: str) -> None:
        check.require(
            is_token(self.value), prop, "<literal string>", "is a literal secret value",
            "a Terraform expression such as a sensitive variable",
            "pass the secret as a sensitive TerraformVariable (e.g. TF_VAR_...), never as text",
        )
        check.in_range(f"{prop}.version", self.version, 1, 2**31 - 1)
