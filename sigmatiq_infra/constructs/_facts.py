"""The facts each construct class states about what it creates (`ResourceFacts`, `NameScope`,
`PrivateLinkService`, `DiagnosticTarget`), and the check of an app's own class's statement.

A class's facts (`facts`, `arm_type`, `kind_text`, `diagnostics`, `private_link`,
`identity_types`) are read far from where they are written: by synth's checks across
constructs, the policy rules, adoption, the plan gate, `cost` and `diagram`. A mistake in them
(one `ResourceFacts` where a tuple of them goes, a `name_scope` naming an argument the resource
does not have, `max_tags=0`, two classes stating other facts about one Terraform type) would
surface there as a traceback, or not at all. So the statement of an app's own class raises one
`ValidationError` with every problem of the class (`AzureConstruct.__init_subclass__`), which
`with App()` and the launcher print as the numbered list. The library's own classes are tested
instead (tests/library).
"""

from __future__ import annotations

import difflib
import inspect
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeAlias

from sigmatiq_infra import _bindings, azurerm
from sigmatiq_infra.validation import Validator

Billing: TypeAlias = Callable[[Mapping[str, Any], Mapping[str, float]], list[tuple[str, float, str]]]
"""What Azure bills for one resource: from its synthesized configuration and the usage
assumptions of the price table, the (price id, quantity, note) of each component; the
price ids are those of `sigmatiq_infra/data/prices.toml` (or an app's `[[price]]` entries).
The quantity counts the price's units for a month, except for an hourly price, which is
taken for a month's 730 hours: its quantity counts the instances (2 for an HA pair)."""


@dataclass(frozen=True)
class NameScope:
    """Where Azure keeps a resource type's names unique (Microsoft Learn, "Naming rules and
    restrictions for Azure resources", ms.date 2025-03-14: its Scope column), and whether it
    compares them in any case (it does unless that page says otherwise)."""

    within: str
    """The scope as messages say it: `all of Azure`, `the subscription`, `its resource group`,
    `its Key Vault`."""
    by: tuple[str, ...] = ()
    """The Terraform arguments that name the scope (e.g. `resource_group_name`, or the
    parent's id `key_vault_id`); empty for all of Azure and the subscription."""
    case_sensitive: bool = False
    across_subscriptions: bool = False
    """The scope spans every subscription (`GLOBAL`). Otherwise it lies in one: a resource is in
    its provider's subscription, so two stacks whose providers name two subscriptions may each
    hold a resource group `rg-app` (the page's Scope column: resourcegroups, "subscription")."""


GLOBAL = NameScope("all of Azure", across_subscriptions=True)
"""Names Azure keeps unique across every subscription (they are DNS names)."""
SUBSCRIPTION = NameScope("the subscription")
RESOURCE_GROUP = NameScope("its resource group", ("resource_group_name",))


def within(scope: str, *arguments: str) -> NameScope:
    """A name unique inside a parent resource, named by `arguments`."""
    return NameScope(scope, arguments)


MAX_TAGS = 50
"""Azure's tag limit on most resources (Microsoft Learn, "Use tags to organize your Azure
resources", ms.date 2025-02-06: Limitations)."""


@dataclass(frozen=True)
class ResourceFacts:
    """What a construct knows about one Terraform resource type it creates, as azurerm 4.x
    (4.55, cdktf's bindings) has it; `on_azurerm` holds what another provider major changes.
    Read them with `ResourceFacts.of()` or `resource_facts()`, which apply the major of the
    bindings in use."""

    terraform_type: str
    replaced_when_changed: tuple[str, ...] = ()
    """Arguments whose change makes Terraform destroy and re-create the resource."""
    replaced_when_lowered: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    """Arguments that may move up but not down this order (e.g. a PostgreSQL version)."""
    holds: str | None = None
    """What the resource holds that a replacement or deletion would lose (data, secrets,
    state); the plan gate refuses both for such resources."""
    kind: str = ""
    """What the resource is called in messages, diagrams and cost lines, as written mid-sentence:
    `Key Vault`, `container app`."""
    public_by_default: bool = False
    """Azure makes the resource reachable from public networks when the Terraform argument
    is left unset (the policy rule on public access reads this)."""
    arm_child: str | None = None
    """For a child resource, the segment its ARM id adds to its parent's: a database of a
    PostgreSQL server is `<server id>/databases/<name>`, so `databases`. Adoption builds
    import ids from it."""
    billing: Billing | None = None
    """How Azure bills the resource (`sigmatiq-infra cost` reads it); None: it is free."""
    name_scope: NameScope | None = None
    """Where Azure keeps its names unique; every app's synth checks the names of all its
    stacks against it (`sigmatiq_infra.synth_checks`). None: Azure names it (a GUID)."""
    collision_fix: str = ""
    """The fix for two of these with one name in their `name_scope`, where renaming one is not it
    (a privatelink zone's name is its service's). Empty: rename one of the two."""
    max_tags: int = MAX_TAGS
    """How many tags Azure takes on it (15 on private DNS zones and records)."""
    sensitive: tuple[str, ...] = ()
    """Its attributes azurerm marks sensitive (access keys, connection strings), as a reference
    names them without list indexes (`default_database.primary_access_key`): synth refuses
    them in a container app's plain `env`, which Azure shows to anyone who can read the app."""
    parent_arguments: Callable[..., dict[str, Any]] | None = None
    """For a resource that lives in another (a record in its DNS zone): the arguments that
    tell Terraform which one, from the parent's binding and its resource group."""
    on_azurerm: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)
    """What another azurerm major changes in these facts, by major: `{5: {"parent_arguments":
    ..., "replaced_when_changed": ...}}` (the provider's upgrade guide for that major)."""
    declared: ResourceFacts | None = field(default=None, compare=False, repr=False)
    """For facts `on()` made: the facts as the construct class states them."""

    def __post_init__(self) -> None:
        for major, changes in self.on_azurerm.items():
            unknown = sorted(set(changes) - {*self.__dataclass_fields__} | ({"on_azurerm", "declared"} & set(changes)))
            if unknown:
                raise TypeError(f"ResourceFacts({self.terraform_type!r}).on_azurerm[{major}]: not facts: {unknown}")

    @classmethod
    def of(cls, construct: type | object, terraform_type: str) -> ResourceFacts:
        """The facts a construct class (or a construct's class) states about `terraform_type`,
        as the azurerm major of the bindings in use has them."""
        owner = construct if isinstance(construct, type) else type(construct)
        for facts in getattr(owner, "facts", ()):
            if facts.terraform_type == terraform_type:
                return facts.on(azurerm.MAJOR)
        raise KeyError(f"{owner.__name__} states no facts about {terraform_type}")

    def on(self, major: int) -> ResourceFacts:
        """These facts as azurerm `major` has them."""
        base = self.declared or self
        changes = base.on_azurerm.get(major)
        return replace(base, **changes, declared=base) if changes else base

    @property
    def replaced_on_other_majors(self) -> frozenset[str]:
        """The arguments that force a replacement on another azurerm major only (4.x's
        `zone_name` of a DNS record, which 5.x names `private_dns_zone_id`): a deployed record
        written on that major holds them, and a stack of these facts' major writes none."""
        base = self.declared or self
        every = {
            argument for facts in (base, *(base.on(major) for major in base.on_azurerm))
            for argument in (*facts.replaced_when_changed, *facts.replaced_when_lowered)
        }
        return frozenset(every - {*self.replaced_when_changed, *self.replaced_when_lowered})


@dataclass(frozen=True)
class PrivateLinkService:
    """How one kind of Azure resource is reached privately (Microsoft's private-endpoint DNS
    table, Azure public cloud)."""

    subresource: str
    """The private-link group id, e.g. `vault`."""
    zone: str
    """The privatelink DNS zone its endpoints register in."""


@dataclass(frozen=True)
class DiagnosticTarget:
    """One Azure resource a construct's diagnostic settings can point at, and what Azure
    Monitor collects from it."""

    log_groups: Sequence[str] = ("allLogs",)
    """Log category groups (`allLogs` covers every category, `audit` included)."""
    log_categories: Sequence[str] = ()
    """Log categories, for resources without category groups (storage blob services)."""
    metrics: Sequence[str] = ("AllMetrics",)
    """Metric categories (`AllMetrics`, except storage: `Transaction`, `Capacity`). A target
    collects at least one log category group, log category or metric category."""
    sub_resource: str = ""
    """Appended to the construct's id for a target below it: `/blobServices/default`."""
    id_suffix: str = ""
    """Appended to the construct id of the setting, to tell targets apart: `-blob` (one per
    target of a class)."""


TERRAFORM_TYPE = re.compile(r"[a-z][a-z0-9]*_[a-z0-9_]+")
"""A Terraform resource type: its provider's name, `_`, the type (`azurerm_servicebus_namespace`)."""
METRIC_AGGREGATIONS = ("Average", "Count", "Minimum", "Maximum", "Total")
"""How a metric alert reads its metric: azurerm 4.x `monitor_metric_alert_resource.go`, criteria.aggregation
(`validation.StringInSlice`, case-sensitive)."""
OPERATION = re.compile(r"[^/\s]+(?:/[^/\s]+){2,}")
"""An activity log operation: "Supported operation should be of the form:
`<resourceProvider>/<resourceType>/<operation>`" (azurerm `monitor_activity_log_alert.html.markdown`,
criteria.operation_name), e.g. `Microsoft.ServiceBus/namespaces/delete`."""
CHILD_PATH = re.compile(r"(?:/[^/\s]+/[^/\s]+)+")
"""What a child resource's ARM id adds to its parent's: one or more `/<child type>/<child name>` pairs
(Microsoft Learn, "Set name and type for child resources"), e.g. `/blobServices/default`."""
ARM_TYPE = re.compile(r"[^/\s]+(?:/[^/\s]+)+")
"""An ARM resource type: its resource provider namespace, then one or more type segments, each after a
slash (Microsoft Learn, "Resolve errors for resource name and type mismatch":
`{resource-provider-namespace}/{type-segment-1}/{type-segment-2}`, e.g. `Microsoft.KeyVault/vaults`)."""
REFUSED = "_sigmatiq_refused"
"""Set on a class whose statement raised: it stays among its bases' subclasses until it is collected,
and nothing reads its facts (`construct_classes`)."""


def class_problems(cls: type, classes: Iterable[type]) -> list[str]:
    """Every problem of the facts `cls` states itself (its own class attributes), each found by
    a validator of its own, so that one wrong type hides no other problem; `classes`: the
    construct classes defined so far, whose facts about a type are the one statement of it."""
    where = f"{cls.__module__}.{cls.__name__}"
    own = vars(cls)
    problems: list[str] = []
    if "facts" in own:
        problems += _facts_problems(cls, where, own["facts"], list(classes))
    if "arm_type" in own:
        check = Validator(cls.__name__, where)
        arm_type = own["arm_type"]
        if check.value_type("arm_type", arm_type, str) and arm_type:
            check.require(
                ARM_TYPE.fullmatch(arm_type) is not None, "arm_type", arm_type,
                "is not an ARM resource type (its resource provider namespace, a slash, its type)",
                "'<namespace>/<type>', e.g. 'Microsoft.ServiceBus/namespaces' (Microsoft Learn, \"Resolve errors "
                "for resource name and type mismatch\"); adoption builds import ids from it",
                "write the type as Azure's resource ids have it after /providers/, e.g. "
                "arm_type = 'Microsoft.ServiceBus/namespaces'",
            )
        problems += check.problems
    for name, item_type, example in (
        ("diagnostics", DiagnosticTarget, "DiagnosticTarget()"), ("identity_types", str, "'SystemAssigned'"),
    ):
        if name in own:
            found = _tuple_problems(cls, where, name, own[name], item_type, example)
            problems += found or (_diagnostics_problems(cls, where, own[name]) if name == "diagnostics" else [])
    if "alert_metrics" in own:
        problems += _alert_metrics_problems(cls, where, own["alert_metrics"])
    if "delete_operation" in own:
        problems += _delete_operation_problems(cls, where, own["delete_operation"])
    for name, hint in (("kind_text", str), ("private_link", PrivateLinkService | None)):
        if name in own:
            check = Validator(cls.__name__, where)
            check.value_type(name, own[name], hint)
            problems += check.problems
    return problems


def _tuple_problems(cls: type, where: str, name: str, value: Any, item_type: type, example: str) -> list[str]:
    """`value` of the class attribute `name` is a tuple of `item_type`: one of them alone (the
    trailing comma left out) says how to write the tuple."""
    check = Validator(cls.__name__, where)
    kind = item_type.__name__
    if isinstance(value, item_type):
        check.type_problem(
            name, value, f"is one {kind}, not a tuple of them", f"a tuple of {kind}",
            f"write {name} = ({example},): the trailing comma makes the tuple",
        )
    elif not isinstance(value, (tuple, list)):
        check.type_problem(
            name, value, f"has the type {type(value).__name__}", f"a tuple of {kind}",
            f"write {name} = ({example}, ...)",
        )
    else:
        for index, item in enumerate(value):
            if not isinstance(item, item_type):
                check.type_problem(
                    f"{name}[{index}]", item, f"has the type {type(item).__name__}", kind,
                    f"write {example} there",
                )
    return list(check.problems)


def _alert_metrics_problems(cls: type, where: str, metrics: Any) -> list[str]:
    """`alert_metrics`, which a `MetricAlert` on the class's resources reads: each metric's name (azurerm
    criteria.metric_name: not empty) and the aggregation it is read with by default (criteria.aggregation)."""
    check = Validator(cls.__name__, where)
    if not isinstance(metrics, Mapping):
        names = [metric for metric in metrics if isinstance(metric, str)][:2] if isinstance(
            metrics, (tuple, list, set, frozenset)) else []
        example = ", ".join(f"{name!r}: 'Average'" for name in names) or "'<metric>': 'Average'"
        check.type_problem(
            "alert_metrics", metrics, f"has the type {type(metrics).__name__}",
            "a mapping of each metric's name to the aggregation it is read with",
            f"write alert_metrics = {{{example}}} (each metric with one of {', '.join(METRIC_AGGREGATIONS)})",
        )
        return list(check.problems)
    if not check.value_type("alert_metrics", metrics, Mapping[str, str]):
        return list(check.problems)
    arm_type = getattr(cls, "arm_type", "") if isinstance(getattr(cls, "arm_type", ""), str) else ""
    for metric, aggregation in metrics.items():
        check.require(
            bool(metric.strip()), "alert_metrics name", metric, "is empty",
            f"a metric Azure Monitor lists for the resource type (Microsoft Learn, \"Supported metrics for "
            f"{arm_type or '<arm_type>'}\"; azurerm: not empty)", "write the metric's name, or leave it out",
        )
        check.one_of(
            f"alert_metrics[{metric!r}]", aggregation, METRIC_AGGREGATIONS,
            f"read {metric!r} with one of {', '.join(METRIC_AGGREGATIONS)} (azurerm's aggregations, in this case)",
        )
    return list(check.problems)


def _delete_operation_problems(cls: type, where: str, operation: Any) -> list[str]:
    """`delete_operation`, which a `DeleteAlert` on the class's resources matches in the activity log: an
    operation of another form is taken by Azure and never matches, so the alert never fires."""
    check = Validator(cls.__name__, where)
    if check.value_type("delete_operation", operation, str | None) and operation is not None:
        arm_type = vars(cls).get("arm_type")
        example = f"{arm_type}/delete" if isinstance(arm_type, str) and ARM_TYPE.fullmatch(arm_type) else (
            "Microsoft.ServiceBus/namespaces/delete")
        check.require(
            OPERATION.fullmatch(operation) is not None, "delete_operation", operation,
            "is not an activity log operation (its resource provider, resource type and operation)",
            "an operation of the form <resourceProvider>/<resourceType>/<operation> (azurerm, "
            f"monitor_activity_log_alert's operation_name), e.g. {example!r}; or None for '<arm_type>/delete'",
            f"write delete_operation = {example!r}, or leave it out",
        )
    return list(check.problems)


def _diagnostics_problems(cls: type, where: str, targets: Sequence[DiagnosticTarget]) -> list[str]:
    """The values of a class's `DiagnosticTarget`s, as `add_diagnostic_settings` writes each into an
    `azurerm_monitor_diagnostic_setting` (azurerm 4.x `monitor_diagnostic_setting_resource.go`: every
    `category` and `category_group` not empty; "At least one `enabled_log` or `enabled_metric` block must be
    specified", `monitor_diagnostic_setting.html.markdown`), each under a construct id of its own."""
    from sigmatiq_infra import typecheck  # the type checker loads with the first class or props

    check = Validator(cls.__name__, where)
    suffixes: dict[str, int] = {}
    for index, target in enumerate(targets):
        prop = f"diagnostics[{index}]"
        found = typecheck.problems_of(target)
        for problem in found:
            check.type_problem(*problem.message_parts(f"{prop}.{problem.prop}"))
        if found:
            continue
        for field_name, example in (("log_groups", "'allLogs'"), ("log_categories", "'AuditEvent'"),
                                    ("metrics", "'AllMetrics'")):
            for position, category in enumerate(getattr(target, field_name)):
                check.require(
                    bool(category.strip()), f"{prop}.{field_name}[{position}]", category, "is empty",
                    f"the name of a category Azure Monitor lists for the resource type, e.g. {example} (azurerm: "
                    "not empty)", "write the category's name, or leave it out",
                )
        check.require(
            bool(target.log_groups or target.log_categories or target.metrics), prop, target,
            "collects no log and no metric",
            "at least one log category group, log category or metric category (azurerm: \"At least one "
            "`enabled_log` or `enabled_metric` block must be specified\")",
            "name what the target collects, e.g. DiagnosticTarget(metrics=('AllMetrics',)), or leave the target out",
        )
        check.require(
            not target.sub_resource or CHILD_PATH.fullmatch(target.sub_resource) is not None,
            f"{prop}.sub_resource", target.sub_resource, "is not what a child resource's id adds to its parent's",
            "'' for the resource itself, or '/<child type>/<child name>' (Microsoft Learn, \"Set name and type "
            "for child resources\"), e.g. '/blobServices/default'",
            f"write sub_resource='/{target.sub_resource.strip('/')}'" if target.sub_resource.strip("/")
            else "leave sub_resource out for the resource itself",
        )
        first = suffixes.setdefault(target.id_suffix, index)
        check.require(
            first == index, f"{prop}.id_suffix", target.id_suffix, f"is the id_suffix of diagnostics[{first}] too",
            "an id_suffix of its own per target: it tells apart the construct ids of their diagnostic settings",
            f"give diagnostics[{index}] an id_suffix of its own, e.g. '-{_suffix_example(target)}'",
        )
    return list(check.problems)


def _suffix_example(target: DiagnosticTarget) -> str:
    """A likely id_suffix for `target`: the first type of its sub-resource path, e.g. `blobServices`."""
    segments = [segment for segment in target.sub_resource.split("/") if segment]
    return segments[0] if segments else "child"


def _facts_problems(cls: type, where: str, facts: Any, classes: list[type]) -> list[str]:
    problems = _tuple_problems(cls, where, "facts", facts, ResourceFacts, "ResourceFacts(...)")
    if problems:
        return problems
    from sigmatiq_infra import typecheck  # the type checker loads with the first class or props

    stated: dict[str, int] = {}
    for index, fact in enumerate(facts):
        prop = f"facts[{index}]"
        check = Validator(cls.__name__, where)
        for problem in typecheck.problems_of(fact):
            check.type_problem(*problem.message_parts(f"{prop}.{problem.prop}"))
        if check.problems:
            problems += check.problems
            continue
        first = stated.setdefault(fact.terraform_type, index)
        check.require(
            first == index, f"{prop}.terraform_type", fact.terraform_type, f"is stated already by facts[{first}]",
            "one ResourceFacts per Terraform type", "keep one of the two",
        )
        _value_problems(check, prop, fact)
        problems += [*check.problems, *_other_class_problems(cls, where, prop, fact, classes)]
    return problems


def _value_problems(check: Validator, prop: str, fact: ResourceFacts) -> None:
    """The values of one `ResourceFacts` whose types are right."""
    check.require(
        TERRAFORM_TYPE.fullmatch(fact.terraform_type) is not None, f"{prop}.terraform_type", fact.terraform_type,
        "is not a Terraform resource type", "the provider's name, an underscore and the type, e.g. "
        "'azurerm_servicebus_namespace'", "write the type as the binding's TF_RESOURCE_TYPE has it",
    )
    check.require(
        fact.holds is None or bool(fact.holds.strip()), f"{prop}.holds", fact.holds, "is empty",
        "what a deletion would lose, as text (e.g. 'queued messages'), or None for nothing",
        "say what the resource holds, or leave holds out",
    )
    # Microsoft Learn, "Use tags to organize your Azure resources" (Limitations): at most 50 tag
    # name-value pairs per resource, fewer on some types (15 on private DNS zones).
    check.in_range(
        f"{prop}.max_tags", fact.max_tags, 1, MAX_TAGS,
        f"give max_tags the number of tags Azure takes on the type (1 to {MAX_TAGS}), or leave it out for {MAX_TAGS}",
    )
    if fact.name_scope is not None:
        check.require(
            bool(fact.name_scope.within.strip()), f"{prop}.name_scope.within", fact.name_scope.within, "is empty",
            "where Azure keeps the names unique, as messages say it, e.g. 'its namespace'",
            "write within('its namespace', 'namespace_id')",
        )
    check.require(
        fact.arm_child is None or bool(fact.arm_child.strip("/ ")), f"{prop}.arm_child", fact.arm_child, "is empty",
        "the segment a child's ARM id adds to its parent's, e.g. 'queues', or None for a top-level resource",
        "write the segment, or leave arm_child out",
    )
    # Only a type that cannot be looked up ends the checks: a wrong max_tags or holds hides no misspelt argument.
    if TERRAFORM_TYPE.fullmatch(fact.terraform_type) is None or not fact.terraform_type.startswith("azurerm_"):
        return  # another provider's arguments are not known here
    current = fact.on(azurerm.MAJOR)
    arguments = binding_arguments(fact.terraform_type)
    if arguments is None:
        close = difflib.get_close_matches(fact.terraform_type, azurerm_types(), n=1)
        check.fail(
            f"{prop}.terraform_type", fact.terraform_type,
            f"is no resource of the azurerm {azurerm.VERSION} bindings" + (f" (did you mean {close[0]!r}?)" if close
                                                                          else ""),
            "the Terraform type of a resource the construct creates, e.g. 'azurerm_servicebus_namespace'",
            f"write {close[0]!r}" if close else "write the type the construct's binding has (its TF_RESOURCE_TYPE)",
        )
        return
    named = [
        *((f"{prop}.name_scope", argument) for argument in (current.name_scope.by if current.name_scope else ())),
        *((f"{prop}.replaced_when_changed", argument) for argument in current.replaced_when_changed),
        *((f"{prop}.replaced_when_lowered", argument) for argument in current.replaced_when_lowered),
    ]
    for naming, argument in named:
        if argument in arguments:
            continue
        close = difflib.get_close_matches(argument, sorted(arguments), n=1)
        check.fail(
            f"{naming} argument", argument,
            f"is not an argument of {fact.terraform_type}" + (f" (did you mean {close[0]!r}?)" if close else ""),
            f"the arguments the azurerm {azurerm.VERSION} bindings take for {fact.terraform_type} (a name scope "
            "names the ones that hold its parent's name or id)",
            f"write {close[0]!r}" if close else f"name one of the arguments of {fact.terraform_type}",
        )


def _other_class_problems(
    cls: type, where: str, prop: str, fact: ResourceFacts, classes: list[type],
) -> list[str]:
    """One Terraform type has one statement of facts: synth, the plan gate, `cost` and `diagram`
    read one, so another class's other facts about it would be dropped without a word."""
    mine = fact.declared or fact
    for other in classes:
        if other is cls or (other.__module__, other.__qualname__) == (cls.__module__, cls.__qualname__):
            continue  # itself, or an earlier statement of the same class (a module run again)
        stated = vars(other).get("facts", ())
        for theirs in stated if isinstance(stated, (tuple, list)) else ():
            if not isinstance(theirs, ResourceFacts) or theirs.terraform_type != fact.terraform_type:
                continue
            if (theirs.declared or theirs) == mine:
                continue
            check = Validator(cls.__name__, where)
            check.fail(
                f"{prop}.terraform_type", fact.terraform_type,
                f"has other facts than class {other.__module__}.{other.__name__} states about it",
                "one statement of facts per Terraform type (synth, the plan gate, cost and diagram read one)",
                f"reuse that statement: ResourceFacts.of({other.__name__}, {fact.terraform_type!r}) in facts (or "
                f"make {cls.__name__} a subclass of {other.__name__}, which inherits its facts)",
            )
            return list(check.problems)
    return []


def binding_arguments(terraform_type: str) -> set[str] | None:
    """The arguments the azurerm bindings in use take for `terraform_type` (their class's
    keywords); None when they have no such resource."""
    try:
        module = getattr(azurerm, terraform_type.removeprefix("azurerm_"))
    except AttributeError:
        return None
    for value in vars(module).values():
        if isinstance(value, type) and getattr(value, "TF_RESOURCE_TYPE", None) == terraform_type:
            return set(list(inspect.signature(value.__init__).parameters)[3:])  # after self, scope and id
    return None


def azurerm_types() -> list[str]:
    """The resource types of the azurerm bindings in use."""
    return _bindings.terraform_types()
