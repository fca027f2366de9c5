"""Two stacks that would use each other: how cdktf says it, and the problem the app reports.

The synthesis meets it when cdktf resolves a reference between stacks; a construct that makes
its stack wait for another itself (`add_dependency`) meets it at once. Both read it here, a
module that imports neither (the synthesis imports what imports the constructs)."""

from __future__ import annotations

import re

from sigmatiq_infra.validation import Validator

CIRCULAR = re.compile(r"Cannot add dependency (\S+) to (\S+), because it would cause a circular dependency")
"""cdktf's (and CDK Terrain's) error for a reference that would make two stacks use each other."""


def circular_problem(used: str, user: str) -> str:
    """The problem for `user` taking a value of `used`, which already uses `user` (directly
    or through other stacks)."""
    check = Validator("AzureStack", user)
    check.fail(
        "reference to stack", used, f"would make '{user}' and '{used}' depend on each other ('{used}' already uses "
        f"a value of '{user}', directly or through another stack)",
        "references between stacks in one direction: Terraform deploys a stack after the stacks whose values it uses",
        "keep what both use in the stack deployed first and reference it only from the stacks deployed after it "
        "(a grant to another stack's identity is made in the identity's stack, so it is such a reference)",
    )
    return check.problems[0]
