"""Per-stack context kept on the Python side: one `StackContext` per stack, holding what
the stack's constructs share (the stack, the app's problem log, the stack's tags, the
subscription facts and the grants made in it).

Each lookup here would otherwise be a jsii round trip (`TerraformStack.of`,
`node.try_find_child`, a token read) repeated for every construct that needs it.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import jsii
from constructs import Construct, IConstruct, IValidation

from sigmatiq_infra._cdktf import ENGINE, App, TerraformStack
from sigmatiq_infra._stack_cycles import CIRCULAR, circular_problem
from sigmatiq_infra._taken_ids import DUPLICATE_ID
from sigmatiq_infra.azurerm import data_azurerm_client_config
from sigmatiq_infra.constructs._arguments import checked_call
from sigmatiq_infra.constructs._facts import REFUSED, class_problems
from sigmatiq_infra.validation import (
    LIBRARY_APP,
    PROBLEM_LOG,
    ProblemLog,
    ValidationError,
    Validator,
    is_token,
    merge_tags,
)

_CLIENT_CONFIG_ID = "ClientConfig"
_CONTEXT = "_sigmatiq_context"
_APP_GRANTS = "_sigmatiq_grants"


@dataclass
class StackContext:
    """What the constructs of one stack share."""

    stack: TerraformStack
    problems: ProblemLog
    """The app's problem log (one per app), which every construct records problems in."""
    tags: dict[str, str] = field(default_factory=dict)
    """The tags every taggable resource of the stack gets (`AzureStack` sets them)."""
    client_config: data_azurerm_client_config.DataAzurermClientConfig | None = None
    """The stack's `azurerm_client_config`, once a construct asked for it."""
    subscription_id: str | None = None
    """Its subscription id token, kept in Python (read for every role assignment)."""
    grants: dict[tuple[int, Any, Any], tuple[Any, Any, Any]] = field(default_factory=dict)
    """Every grant made in the stack, by (target, role, principal): (target, role, assignment)."""
    app_grants: dict[tuple[int, Any, Any], Any] = field(default_factory=dict)
    """Every grant made in any stack of the app, by (target, role, principal): the assignment
    (one dict, shared by the app's stacks)."""
    members: list[Any] = field(default_factory=list)
    """Every library construct in the stack, in the order made."""
    rule_ids: set[str] = field(default_factory=set)
    """The ids of the policy rules checked in the stack (`check_every_construct`, ...), which
    a suppression may name besides the library's own."""


def context_of(scope: IConstruct, *, stack_scope: IConstruct | None = None) -> StackContext:
    """The context of the stack `scope` is in: known at once for stacks and
    `AzureConstruct`s, looked up (once, then remembered) for any other construct. A stack
    being made passes the scope it is made in (`stack_scope`): when that is the app, the
    app is known without asking the kernel."""
    found = scope.__dict__.get(_CONTEXT)
    if found is None:
        stack = scope if isinstance(scope, TerraformStack) else TerraformStack.of(scope)
        found = stack.__dict__.get(_CONTEXT)
        if found is None:
            found = stack.__dict__[_CONTEXT] = _new_context(stack, stack_scope)
        scope.__dict__[_CONTEXT] = found
    return found


def _new_context(stack: TerraformStack, stack_scope: IConstruct | None) -> StackContext:
    """A stack's context. In an app that is not `sigmatiq_infra.App` it also registers a cdktf
    validation that reports the app's problem log and that the app is not the library's, so
    that cdktf's own `App.synth()` (validations on) refuses to write the stack;
    `sigmatiq_infra.App` reports its problems itself, with nothing written."""
    root = stack_scope if isinstance(stack_scope, App) else stack.node.root  # an App is always the root
    log = root.__dict__.get(PROBLEM_LOG)
    if log is None:  # an app that is not sigmatiq_infra's App: its first stack
        log = root.__dict__[PROBLEM_LOG] = ProblemLog()
        _OTHER_APPS_LOGS.append(weakref.ref(log))
    if not root.__dict__.get(LIBRARY_APP):  # sigmatiq_infra's App reports its problems itself
        stack.node.add_validation(_RecordedProblems(log))
    return StackContext(stack, log, app_grants=root.__dict__.setdefault(_APP_GRANTS, {}))


_OTHER_APPS_LOGS: list[weakref.ref[ProblemLog]] = []
"""The problem logs of apps that are not `sigmatiq_infra.App`, which may write their stacks
whatever is recorded (with cdktf's `skip_validation`): the launcher reports them at the end."""


def other_apps_problems() -> list[str]:
    """Every problem recorded in an app that is not `sigmatiq_infra.App`, and that such an app
    made stacks of this library (none: no such app)."""
    logs = [log for ref in _OTHER_APPS_LOGS if (log := ref()) is not None]
    return [*(problem for log in logs for problem in log.problems), other_app_problem()] if logs else []


def other_app_problem() -> str:
    """The problem of an app that is not `sigmatiq_infra.App` holding this library's stacks."""
    check = Validator("App", "the app")
    check.fail(
        "type", f"{ENGINE.runtime}.App",
        "writes the stacks without the library's checks across constructs (names unique in their Azure scope, "
        "tag limits, the deployed record)",
        "sigmatiq_infra's App, which runs them and writes nothing while a problem stands",
        "from sigmatiq_infra import App, and build the stacks in `with App() as app:`",
    )
    return check.problems[0]


def stack_of(scope: IConstruct) -> TerraformStack:
    """The stack `scope` is in."""
    return context_of(scope).stack


def problem_log(scope: IConstruct) -> ProblemLog:
    """The `ProblemLog` of the app `scope` is in (one per app, found through its stack)."""
    return context_of(scope).problems


@jsii.implements(IValidation)
class _RecordedProblems:
    """cdktf's validation of a stack, which only another app than `sigmatiq_infra.App` runs
    (the library's App reports its problems itself): the app's problems, and that the app is
    not the library's, whose checks across constructs (names unique in their Azure scope, tag
    limits, the deployed record) run on the synthesized stacks and would not have run."""

    def __init__(self, log: ProblemLog) -> None:
        self.log = log

    def validate(self) -> list[str]:
        self.log.run_deferred()
        return [*self.log.problems, other_app_problem()]




NO_STACK = "No stack could be identified for the construct"
"""How cdktf says a construct's scope is in no stack (the app itself, or a construct on it)."""


def wait_for(scope: IConstruct, other: Any) -> None:
    """Deploy the stack of `scope` after the stack of `other` (a construct whose value `scope`
    uses where no reference tells cdktf, e.g. a resource group by its literal name, or a resource
    that may not be named in `depends_on` from another stack). Nothing when they are one stack,
    or `other` is no construct (a group known by name only). Two stacks that would then wait for
    each other are one problem naming both."""
    if not isinstance(other, Construct):
        return
    here, there = context_of(scope).stack, context_of(other).stack
    if here is there:
        return
    try:
        here.add_dependency(there)
    except RuntimeError as error:
        cycle = CIRCULAR.search(str(error))
        if cycle is None:
            raise
        context_of(scope).problems.add([circular_problem(*cycle.groups())])


def made_in(construct: IConstruct, scope: IConstruct) -> None:
    """Remember that `construct` was made in the stack of `scope`: `context_of(construct)`
    then needs no jsii round trip."""
    construct.__dict__[_CONTEXT] = context_of(scope)


def in_a_stack(construct: Construct) -> bool:
    """False for the app itself, or a construct made on it: no stack's Terraform holds it."""
    try:
        context_of(construct)
    except RuntimeError as error:
        if NO_STACK not in str(error):
            raise
        return False
    return True


def checked_scope(kind: str, scope: Any, id: Any, call: str | None = None) -> StackContext:
    """The context of the stack `scope` is in; a scope that is no construct, or is in no
    stack (the app itself), raises one ValidationError saying so (its fix shows `call`, the
    call with the stack first; by default `<kind>(stack, <id>, ...)`)."""
    found = scope.__dict__.get(_CONTEXT) if isinstance(scope, Construct) else None
    if found is not None:
        return found
    check = Validator(kind, str(id))
    call = call or f"{kind}(stack, {id!r}, ...)"
    if not isinstance(scope, Construct):
        check.type_problem(
            "scope", scope, f"has the type {type(scope).__name__}", "a stack (AzureStack) or a construct in one",
            f"pass the stack it belongs in first: {call}",
        )
        raise ValidationError(check.problems)
    if in_a_stack(scope):
        return context_of(scope)
    where = scope.node.path
    check.fail(
        "scope", where or "the app", "is in no stack" if where else "is the app, not a stack",
        "a stack (AzureStack) or a construct in one: every resource belongs to one stack's Terraform",
        f"create the stack first and pass it: {call}",
    )
    raise ValidationError(check.problems)


def checked_id(kind: str, scope: Construct, id: Any, log: ProblemLog | None) -> str:
    """`id`, or, when it is not a name (None, a number, empty), a problem in `log` (raised
    without one) and a numbered id made from `kind`, so the run goes on to find every other
    problem too."""
    if isinstance(id, str) and id and not is_token(id):
        return id
    where = scope.node.path
    check = Validator(kind, f"{where}/{kind}" if where else kind, log=log)
    if is_token(id):  # cdktf stops with a traceback on a token in an id
        check.known(
            "id", id, "it is part of every Terraform address below it",
            "a name written in code, unique among its scope's children",
            "write the id in code (the resource's name may still be a deploy-time value)",
        )
        check.done()
        return free_id(scope, kind)
    check.type_problem(
        "id", id, "is empty" if isinstance(id, str) else f"has the type {type(id).__name__}",
        "a name (str), unique among its scope's children: it is part of every Terraform address below it",
        f"give it a name: {kind}(scope, {kind!r}, ...)",
    )
    check.done()
    return free_id(scope, kind)


def free_id(scope: Construct, id: str) -> str:
    """`id` when `scope` has no child by that id, else the first free `id-2`, `id-3`, ..."""
    found, number = id, 1
    while scope.node.try_find_child(found) is not None:
        number += 1
        found = f"{id}-{number}"
    return found


_Made = TypeVar("_Made")


def make_under_free_id(
    make: Callable[[str], _Made], kind: str, scope: Construct, id: str, log: ProblemLog | None,
) -> tuple[str, _Made]:
    """`make(id)` (a construct under `scope`); when `scope` already holds `id`, a problem
    (raised without `log`) and `make` again under a free numbered id. The id used, and what
    `make` made."""
    id = checked_id(kind, scope, id, log) if is_token(id) else id
    return make_under_first_free_id(make, scope, id, lambda taken: report_duplicate_id(kind, scope, taken, log))


def make_under_first_free_id(
    make: Callable[[str], _Made], scope: Construct, id: str, taken: Callable[[str], str] | None = None,
) -> tuple[str, _Made]:
    """`make(id)`; when `scope` already holds `id`, `make` again under `taken(id)`: by default
    the first free numbered id, with no problem (for ids derived from names that Azure takes
    but that may meet). The id used, and what `make` made."""
    try:
        return id, make(id)
    except RuntimeError as error:
        if DUPLICATE_ID not in str(error):
            raise
        id = taken(id) if taken is not None else free_id(scope, id)
        return id, make(id)


def report_duplicate_id(kind: str, scope: Construct, id: str, log: ProblemLog | None) -> str:
    """A problem for an `id` `scope` already holds (raised without `log`); a free numbered
    id to build the construct under instead."""
    where = scope.node.path or "the app"
    check = Validator(kind, f"{where}/{id}" if scope.node.path else id, log=log)
    check.fail(
        "id", id, f"is already the id of another construct in '{where}'",
        "one construct per id in a scope (the id is part of every Terraform address below it)",
        "give this construct an id of its own",
    )
    check.done()
    return free_id(scope, id)


SUPER_NOT_CALLED = "had not called super().__init__(scope, id)"


def _made_through_super(init: Callable[..., None]) -> Callable[..., None]:
    """An app's own constructor that says so when it forgot `super().__init__(scope, id)`, which
    puts the construct in its stack: an error raised before that call (a `KeyError` of the
    library's context, jsii's "Don't know how to convert object to JSON") keeps its traceback,
    with a note saying what to do; a constructor that returns without it is one problem (the
    construct would be in no stack, and nothing it made synthesized)."""

    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        kind = type(self).__name__
        try:
            init(self, *args, **kwargs)
        except Exception as error:
            note = (f"{kind}.__init__ {SUPER_NOT_CALLED} when this was raised: call it first, before anything "
                    "uses the construct (docs/library/constructs.md, \"Writing your own construct\")")
            if _CONTEXT not in self.__dict__ and not isinstance(error, ValidationError) and note not in getattr(
                error, "__notes__", (),
            ):
                error.add_note(note)
            raise
        if _CONTEXT not in self.__dict__:
            scope, id = [*args, None, None][:2]
            node = getattr(scope, "node", None)
            where = f"{node.path}/{id}" if node is not None and node.path else str(id)
            check = Validator(kind, where)
            check.fail(
                "__init__", kind, f"returned and {SUPER_NOT_CALLED}, so the construct is in no stack and nothing it "
                "made is synthesized", "a constructor that calls super().__init__(scope, id) before anything uses "
                "the construct", f"call super().__init__(scope, id) first in {kind}.__init__",
            )
            raise ValidationError(check.problems)
        _check_stated(self)

    return __init__


def _check_stated(construct: Any) -> None:
    """A problem when no construct class states facts about the Terraform type of `construct`'s
    resource: synth could not check its name in its scope nor its tags, and the plan gate, `cost`
    and `diagram` would not know it. A resource of a binding without a type (another provider's
    generic resource) is left alone."""
    resource = construct.__dict__.get("resource")
    terraform_type = getattr(type(resource), "TF_RESOURCE_TYPE", None)
    if not isinstance(terraform_type, str) or any(
        getattr(facts, "terraform_type", None) == terraform_type
        for cls in construct_classes() for facts in cls.__dict__.get("facts", ())
    ):
        return
    cls = type(construct)
    kind = cls.__name__
    # Said of the class (once, however many constructs of it the app makes).
    check = Validator(kind, f"{cls.__module__}.{kind}", log=construct.__dict__[_CONTEXT].problems)
    check.fail(
        "facts", terraform_type, "are stated by no construct class, though it is the type of its resource",
        "a class that states the facts of what it creates: where Azure keeps its names unique (name_scope), what a "
        "deletion would lose (holds), whether Azure makes it public (public_by_default), how it is billed",
        f"add facts = (ResourceFacts({terraform_type!r}, kind=..., name_scope=..., holds=...),) to class {kind} "
        "(docs/library/constructs.md, \"Writing your own construct\")",
    )
    check.done()


class AzureConstruct(Construct):
    """Base of this library's constructs: it remembers its stack's context when it is
    created, and tags what it creates with its stack's tags as it creates it.

    A scope in no stack (the app itself) stops the app with one problem saying so. An id
    that is no name, or that its scope already holds, is a problem in the app's list, not
    jsii's traceback: the construct is still built (under a numbered id) so the run reports
    every other problem too.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__module__.startswith("sigmatiq_infra."):
            return  # the library's own facts are tested (tests/library)
        problems = class_problems(cls, construct_classes())
        if problems:  # an app's own class: its facts are read far from here, checked now
            setattr(cls, REFUSED, True)
            raise ValidationError(problems)
        own = cls.__dict__.get("__init__")
        if own is not None and not hasattr(own, "__wrapped__"):
            cls.__init__ = checked_call(_made_through_super(own))  # type: ignore[misc]

    def __init__(self, scope: Construct, id: str) -> None:
        kind = type(self).__name__
        context = checked_scope(kind, scope, id)
        id = checked_id(kind, scope, id, context.problems)
        make_under_free_id(
            lambda free: super(AzureConstruct, self).__init__(scope, free), kind, scope, id, context.problems,
        )
        self.__dict__[_CONTEXT] = context
        context.members.append(self)

    def _claim(self, id: str, prop: str, value: object, fix: str) -> bool:
        """Whether `id` is still free among the children this construct creates (it is then
        taken); when it is not, a problem saying that `prop` `value` is added twice."""
        taken: set[str] = self.__dict__.setdefault("_child_ids", set())
        if id in taken:
            looked_up = getattr(self, "construct_kind", None)  # a lookup: named as the user made it
            check = Validator(f"{looked_up}.from_existing" if looked_up else type(self).__name__, self)
            check.fail(prop, value, "is added twice", "each once", fix)
            check.done()
            return False
        taken.add(id)
        return True

    @property
    def problem_log(self) -> ProblemLog:
        """The app's problem log, which this construct's validators record problems in."""
        return self.__dict__[_CONTEXT].problems

    def resource_tags(self, own: Mapping[str, str] | None = None) -> dict[str, str]:
        """Tags for a resource this construct creates: the stack's, then `own` (which win).
        Pass them as the binding's `tags=`; the stack's tag policy checks every resource.
        Names compare in any case, as Azure compares them (`merge_tags`)."""
        return merge_tags(self.__dict__[_CONTEXT].tags, own)


def client_config(scope: IConstruct) -> data_azurerm_client_config.DataAzurermClientConfig:
    """The stack's `azurerm_client_config` (tenant, subscription and caller object id), one
    per stack.

    These come from the provider's own authentication (`az login` or `ARM_*` variables),
    so no subscription or tenant id is ever written into code.
    """
    context = context_of(scope)
    if context.client_config is None:
        context.client_config = data_azurerm_client_config.DataAzurermClientConfig(context.stack, _CLIENT_CONFIG_ID)
        context.subscription_id = context.client_config.subscription_id
    return context.client_config


def subscription_id(scope: IConstruct) -> str:
    """`data.azurerm_client_config...subscription_id` of the stack, without a jsii round trip
    after the first call."""
    context = context_of(scope)
    if context.subscription_id is None:
        client_config(scope)
    return context.subscription_id  # type: ignore[return-value]


def app_members(scope: IConstruct) -> Iterator[Any]:
    """Every library construct of the app `scope` is in, stack by stack (its other stacks' too)."""
    for child in context_of(scope).stack.node.root.node.children:
        found = child.__dict__.get(_CONTEXT) if isinstance(child, TerraformStack) else None
        if found is not None:
            yield from found.members


def construct_classes(base: type | None = None) -> Iterator[type]:
    """`base` (default: `AzureConstruct`) and every class below it, a user's own included once
    defined: where the facts the classes state are collected from."""
    pending: list[type] = [base or AzureConstruct]
    while pending:
        cls = pending.pop()
        if REFUSED in cls.__dict__:
            continue  # its statement raised (`class_problems`): it lingers until collected
        pending.extend(cls.__subclasses__())
        yield cls
