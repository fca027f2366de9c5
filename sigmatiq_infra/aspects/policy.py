"""Policy packs: rules checked on every construct of a stack at synth, cdk-nag style.

A rule is a pure function of one construct that returns what is wrong, or None. A
finding fails synth unless the construct (or one of its parents) carries a suppression for
that rule with a written reason: `suppress(construct, "public-network-access", "why")`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence

import jsii
from constructs import Construct, IConstruct

from sigmatiq_infra._cdktf import Aspects, IAspect
from sigmatiq_infra.aspects.rule import Rule
from sigmatiq_infra.constructs._context import context_of, problem_log
from sigmatiq_infra.validation import ValidationError, Validator

_SUPPRESSIONS = "_sigmatiq_policy_suppressions"
MIN_REASON_LENGTH = 20


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
    log = problem_log(construct)
    check = Validator("Policy suppression", construct, log=log)
    if check.value_type("rule_id", rule_id, str) & check.value_type("reason", reason, str):
        check.require(
            len(reason.strip()) >= MIN_REASON_LENGTH, "reason", reason, "is too short",
            f"a written reason of at least {MIN_REASON_LENGTH} characters", "say why the exception is acceptable",
        )
    if not check.done():
        return False
    suppressions = construct.__dict__.setdefault(_SUPPRESSIONS, {})
    suppressions[rule_id] = reason
    log.defer(_unknown_rule_ids, (construct, rule_id))  # once the packs checked on it are known
    return True


def _unknown_rule_ids(subjects: list[tuple[IConstruct, str]]) -> list[str]:
    """Suppressions whose rule id names none of the library's rules nor a rule checked on
    their construct (by `check_every_construct`, `check_library_constructs` or a
    `PolicyAspect` above it or inside it): a misspelt id would suppress nothing."""
    from sigmatiq_infra.aspects import rules  # the library's own, known wherever it checks them or not

    library = {rule.id for rule in _rules_in(vars(rules).values())}
    problems: list[str] = []
    for construct, rule_id in subjects:
        known = library | context_of(construct).rule_ids
        if rule_id in known:
            continue
        # Aspects above it, and below it (a suppression covers everything inside its construct).
        places = [*construct.node.scopes, *construct.node.find_all()]
        known |= {rule.id for scope in places for rule in _rules_in(Aspects.of(scope).all)}
        if rule_id in known:
            continue
        listed = ", ".join(repr(id) for id in sorted(known))
        close = difflib.get_close_matches(rule_id, sorted(known), n=1)
        check = Validator("Policy suppression", construct)
        check.fail(
            "rule_id", rule_id, "names no rule" + (f" (did you mean {close[0]!r}?)" if close else ""),
            f"the id of one of the library's rules or of a rule checked on it: {listed}",
            f"use {close[0]!r}" if close else "use the id the finding names after 'rule'",
        )
        problems += check.problems
    return problems


def _rules_in(values: Iterable[object]) -> Iterator[Rule]:
    """The rules among `values`: rules, packs of rules, and the packs of `PolicyAspect`s."""
    for value in values:
        if isinstance(value, Rule):
            yield value
        elif isinstance(value, PolicyAspect):
            yield from value.pack
        elif isinstance(value, tuple):
            yield from (rule for rule in value if isinstance(rule, Rule))


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
    """The problems of `node` under `pack`, minus what it (or a parent) suppresses. A rule that
    raises keeps its traceback, with a note naming the rule and the construct (a rule is code,
    and an error in it a bug, not bad input)."""
    found = [(rule, _checked(rule, node)) for rule in pack]
    found = [(rule, problem) for rule, problem in found if problem]
    if not found:
        return []
    suppressed = suppressions_of(node)
    check = Validator("Policy", node, log=problem_log(node))
    for rule, problem in found:
        if not isinstance(problem, str):  # e.g. True from a rule written as a yes/no question
            rule_check = Validator("Policy rule", str(rule.id), log=problem_log(node))
            rule_check.fail(
                "check's result", problem, f"is of type {type(problem).__name__}, which says nothing "
                "of what is wrong",
                "a text saying what is wrong with the construct (e.g. 'has public network access enabled'), or "
                "None when nothing is", "return a sentence or None from the rule's check",
            )
            rule_check.done()
        elif rule.id not in suppressed:
            check.fail(
                f"rule {rule.id!r}:", resource_type(node), problem, rule.allowed,
                f"{rule.fix(node) if callable(rule.fix) else rule.fix}, or suppress it with "
                "sigmatiq_infra.aspects.suppress(construct, "
                f"{rule.id!r}, reason)",
            )
    return list(check.problems)


def _checked(rule: Rule, node: IConstruct) -> object:
    """`rule.check(node)`; an error it raises notes the rule and the construct."""
    try:
        return rule.check(node)
    except Exception as error:
        error.add_note(f"in policy rule {rule.id!r}, checking {resource_type(node)} '{node.node.path}'")
        raise


@jsii.implements(IAspect)
class PolicyAspect:
    """Checks each construct against a pack of rules; findings fail synth (all together).
    Visits every construct, the library's and any other (raw Terraform resources too)."""

    def __init__(self, pack: Sequence[Rule]) -> None:
        self.pack = tuple(pack)

    def visit(self, node: IConstruct) -> None:
        log = problem_log(node)
        try:
            log.add(findings(node, self.pack))
        except Exception as error:
            log.raised.append(error)  # jsii hands back only the message: synth raises it again
            raise


def check_library_constructs(stack: IConstruct, pack: Sequence[Rule]) -> None:
    """Check `pack` on `stack` itself and every library construct in it, once the whole app
    exists. Python-side (no jsii callback per construct, unlike an aspect): for rules about
    the library's constructs, such as diagnostics and alerts."""
    context_of(stack).rule_ids.update(rule.id for rule in pack)
    problem_log(stack).defer(_check_library_constructs, (stack, tuple(pack)))


def check_every_construct(stack: IConstruct, pack: Sequence[Rule]) -> None:
    """Check `pack` on every construct in `stack` (the library's and any other, raw Terraform
    resources too), once the whole app exists, before synthesis: what `PolicyAspect` does,
    with one jsii call for the whole tree instead of a callback per construct. Constructs an
    aspect adds during synthesis are not seen (use `PolicyAspect` for those)."""
    context_of(stack).rule_ids.update(rule.id for rule in pack)
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
