"""Policy packs: rules checked on every construct of a stack at synth, cdk-nag style.

A rule is a pure function of one construct that returns what is wrong, or None. A
finding fails synth unless the construct (or one of its parents) carries a suppression for
that rule with a written reason: `suppress(construct, "public-network-access", "why")`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import jsii
from constructs import Construct, IConstruct

from sigmatiq_infra._cdktf import IAspect
from sigmatiq_infra.constructs._context import context_of, problem_log
from sigmatiq_infra.validation import ValidationError, Validator

_SUPPRESSIONS = "_sigmatiq_policy_suppressions"
MIN_REASON_LENGTH = 20


@dataclass(frozen=True)
class Rule:
    id: str
    """Short stable name, used to suppress the rule."""
    check: Callable[[IConstruct], str | None]
    """Pure function of one construct: what is wrong with it, or None."""
    allowed: str
    """What the rule accepts, for the error message."""
    fix: str
    """How to comply, for the error message."""


def suppress(construct: IConstruct, rule_id: str, reason: str) -> bool:
    """Accept a finding of `rule_id` on `construct` and everything inside it, for `reason`
    (at least 20 characters; a shorter one is a problem, and nothing is suppressed). Anything
    but a construct raises one ValidationError: there is no app to record the problem in."""
    if not isinstance(construct, Construct):
        check = Validator("Policy suppression", str(rule_id))
        check.type_problem(
            "construct", construct, f"has the type {type(construct).__name__}",
            "a construct: the resource (or a scope above it) whose findings of the rule are accepted",
            f"pass the construct first: suppress(construct, {rule_id!r}, reason)",
        )
        raise ValidationError(check.problems)
    check = Validator("Policy suppression", construct, log=problem_log(construct))
    check.require(
        isinstance(reason, str) and len(reason.strip()) >= MIN_REASON_LENGTH, "reason", reason, "is too short",
        f"a written reason of at least {MIN_REASON_LENGTH} characters", "say why the exception is acceptable",
    )
    if not check.done():
        return False
    suppressions = construct.__dict__.setdefault(_SUPPRESSIONS, {})
    suppressions[rule_id] = reason
    return True


def suppressions_of(construct: IConstruct) -> dict[str, str]:
    """Suppressions that apply to `construct`: its own and its parents'."""
    found: dict[str, str] = {}
    for scope in reversed(construct.node.scopes):
        found.update(getattr(scope, _SUPPRESSIONS, {}))
    return found


def resource_type(node: IConstruct) -> str:
    """`azurerm_key_vault` for a Terraform resource, the class name for other constructs."""
    return getattr(node, "terraform_resource_type", None) or type(node).__name__


def findings(node: IConstruct, pack: Sequence[Rule]) -> list[str]:
    """The problems of `node` under `pack`, minus what it (or a parent) suppresses."""
    found = [(rule, rule.check(node)) for rule in pack]
    found = [(rule, problem) for rule, problem in found if problem]
    if not found:
        return []
    suppressed = suppressions_of(node)
    check = Validator("Policy", node, log=problem_log(node))
    for rule, problem in found:
        if rule.id not in suppressed:
            check.fail(
                f"rule {rule.id!r}:", resource_type(node), problem, rule.allowed,
                f"{rule.fix}, or suppress it with sigmatiq_infra.aspects.suppress(construct, "
                f"{rule.id!r}, reason)",
            )
    return list(check.problems)


@jsii.implements(IAspect)
class PolicyAspect:
    """Checks each construct against a pack of rules; findings fail synth (all together).
    Visits every construct, the library's and any other (raw Terraform resources too)."""

    def __init__(self, pack: Sequence[Rule]) -> None:
        self.pack = tuple(pack)

    def visit(self, node: IConstruct) -> None:
        problem_log(node).add(findings(node, self.pack))


def check_library_constructs(stack: IConstruct, pack: Sequence[Rule]) -> None:
    """Check `pack` on `stack` itself and every library construct in it, once the whole app
    exists. Python-side (no jsii callback per construct, unlike an aspect): for rules about
    the library's constructs, such as diagnostics and alerts."""
    problem_log(stack).defer(_check_library_constructs, (stack, tuple(pack)))


def check_every_construct(stack: IConstruct, pack: Sequence[Rule]) -> None:
    """Check `pack` on every construct in `stack` (the library's and any other, raw Terraform
    resources too), once the whole app exists, before synthesis: what `PolicyAspect` does,
    with one jsii call for the whole tree instead of a callback per construct. Constructs an
    aspect adds during synthesis are not seen (use `PolicyAspect` for those)."""
    problem_log(stack).defer(_check_every_construct, (stack, tuple(pack)))


def _check_library_constructs(subjects: list[tuple[IConstruct, tuple[Rule, ...]]]) -> list[str]:
    problems: list[str] = []
    for stack, pack in subjects:
        for node in (stack, *context_of(stack).members):
            problems += findings(node, pack)
    return problems


def _check_every_construct(subjects: list[tuple[IConstruct, tuple[Rule, ...]]]) -> list[str]:
    problems: list[str] = []
    for stack, pack in subjects:
        for node in stack.node.find_all():
            problems += findings(node, pack)
    return problems
