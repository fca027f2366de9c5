"""Alerting and budgets as code: action groups, metric alerts, alerts on deletes, budgets.

A resource construct states the metrics worth alerting on (`alert_metrics`, with the
aggregation each is read with) and how Azure names its deletion in the activity log
(`delete_operation`); `MetricAlert` and `DeleteAlert` read them there, so a stack only
says which thresholds it wants.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from constructs import Construct

from sigmatiq_infra._cdktf import Token
from sigmatiq_infra.azurerm import (
    consumption_budget_subscription,
    monitor_activity_log_alert,
)
from sigmatiq_infra.azurerm import (
    monitor_action_group as action_group_binding,
)
from sigmatiq_infra.azurerm import (
    monitor_metric_alert as metric_alert_binding,
)
from sigmatiq_infra.constructs._context import subscription_id
from sigmatiq_infra.constructs._facts import METRIC_AGGREGATIONS
from sigmatiq_infra.constructs._resource import (
    RESOURCE_GROUP,
    SUBSCRIPTION,
    AzureResource,
    IResourceGroup,
    ResourceFacts,
)
from sigmatiq_infra.constructs.roles import BuiltInRole
from sigmatiq_infra.validation import NameRules, Validator, is_token, meant_choice, spaces_in

OPERATORS = ("GreaterThan", "GreaterThanOrEqual", "LessThan", "LessThanOrEqual", "Equals")
AGGREGATIONS = METRIC_AGGREGATIONS
FREQUENCIES = ("PT1M", "PT5M", "PT15M", "PT30M", "PT1H")
WINDOWS = ("PT1M", "PT5M", "PT15M", "PT30M", "PT1H", "PT6H", "PT12H", "P1D")
_LISTED_METRICS = 10
"""A target with more metrics than this has the first five listed in a message, and a count."""
_MINUTES = {"PT1M": 1, "PT5M": 5, "PT15M": 15, "PT30M": 30, "PT1H": 60, "PT6H": 360, "PT12H": 720, "P1D": 1440}
_LONGEST_MINUTELY_WINDOW = 240
_LONG_WINDOW_FREQUENCY = 5
"""A window of more than four hours is evaluated every five minutes or less often: the service refuses a
shorter frequency with 400 BadRequest "Evaluation frequency must be greater than or equal to five minutes since
the period is greater than four hours" (quoted from a failed apply of azurerm_monitor_metric_alert with
window_size PT6H, DFE-Digital/publish-teacher-training#4368)."""
ROLE_RECEIVERS = (
    BuiltInRole.OWNER, BuiltInRole.CONTRIBUTOR, BuiltInRole.READER,
    BuiltInRole.MONITORING_CONTRIBUTOR, BuiltInRole.MONITORING_READER,
)
"""The roles Azure notifies by e-mail as an action group's ARM role receiver."""
BUDGET_ROLES = ("Owner", "Contributor", "Reader")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_FIRST_BUDGET_MONTH = datetime.date(2017, 6, 1)


@dataclass(frozen=True)
class ActionGroupProps:
    name: str
    """Action group name, e.g. `ag-orders-prod`."""
    resource_group: IResourceGroup
    """Group the action group lives in."""
    short_name: str
    """The name in e-mails and texts: 1-12 characters."""
    email_receivers: Mapping[str, str] = field(default_factory=dict)
    """Receiver name -> e-mail address (an address, never a secret). Default: none."""
    role_receivers: Sequence[BuiltInRole] = (BuiltInRole.OWNER,)
    """Built-in roles whose members on the subscription are e-mailed (Owner, Contributor,
    Reader, Monitoring Contributor, Monitoring Reader). Default: the subscription's owners,
    so an alert reaches someone even before addresses are configured."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""


class ActionGroup(AzureResource):
    """An `azurerm_monitor_action_group` (global) that e-mails its receivers with the common
    alert schema."""

    arm_type = "Microsoft.Insights/actionGroups"
    kind_text = "action group"
    facts = (
        ResourceFacts(
            "azurerm_monitor_action_group", ("name", "resource_group_name", "location"), kind="action group",
            name_scope=RESOURCE_GROUP,
            billing=lambda config, usage: [("monitor.action-group-email", 0, "first 1,000 e-mails a month are free")],
        ),
    )

    def __init__(self, scope: Construct, id: str, props: ActionGroupProps) -> None:
        super().__init__(scope, id)
        # Sources: azurerm 4.55 `monitor_action_group.html.markdown` (short name 1-12); Azure Monitor
        # action group API and limits (receiver names unique per group, 1,000 e-mail receivers).
        check = Validator("ActionGroup", self)
        props = check.props(props, ActionGroupProps)
        check.name("name", props.name, NameRules.ACTION_GROUP)
        check.name("short_name", props.short_name, NameRules.ACTION_GROUP_SHORT_NAME)
        for receiver, address in props.email_receivers.items():
            check.name("e-mail receiver name", receiver, NameRules.ACTION_GROUP_RECEIVER)
            check.require(
                is_token(address) or _EMAIL.fullmatch(address) is not None, f"e-mail receiver {receiver!r}",
                address, "is not an e-mail address", "an address such as oncall@example.com",
                _email_fix(receiver, address, props.email_receivers),
            )
        for role in props.role_receivers:
            check.one_of(
                "role_receivers", role.display_name, tuple(r.display_name for r in ROLE_RECEIVERS),
                "use one of the roles Azure notifies as an ARM role receiver",
            )
        check.require(
            bool(props.email_receivers or props.role_receivers), "receivers", "none", "leave nobody to notify",
            "at least one e-mail or role receiver", "add an e-mail receiver, or keep the Owner role receiver",
        )
        # Azure Monitor: receiver names are unique across all receivers of a group (every
        # receiver type's API doc: "Names must be unique across all receivers within an action
        # group"), in any case; at most 1,000 e-mail receivers (Azure Monitor limits).
        seen: dict[str, str] = {}
        for receiver in [*props.email_receivers, *(role.display_name for role in props.role_receivers)]:
            if receiver.lower() in seen:
                check.fail(
                    "receiver name", receiver, f"is also the name of receiver {seen[receiver.lower()]!r}",
                    "one receiver per name in an action group (e-mail and role receivers alike, in any case)",
                    "rename the e-mail receiver, or list the role once",
                )
            seen.setdefault(receiver.lower(), receiver)
        check.in_range("email_receivers", len(props.email_receivers), 0, 1000,
                       "split the receivers over several action groups")
        check.done()
        self.resource = action_group_binding.MonitorActionGroup(
            self, "Resource",
            name=props.name,
            resource_group_name=props.resource_group.name,
            short_name=props.short_name,
            email_receiver=[
                action_group_binding.MonitorActionGroupEmailReceiver(
                    name=receiver, email_address=address, use_common_alert_schema=True,
                )
                for receiver, address in props.email_receivers.items()
            ] or None,
            arm_role_receiver=[
                action_group_binding.MonitorActionGroupArmRoleReceiver(
                    name=role.display_name, role_id=role.guid, use_common_alert_schema=True,
                )
                for role in props.role_receivers
            ] or None,
            tags=self.resource_tags(props.tags),
        )
        self.keep_props(props)


def _email_fix(receiver: str, address: str, receivers: Mapping[str, str]) -> str:
    """The fix for an e-mail receiver's address that is none: the address written alone when it is
    there, copied with spaces, a display name ('Ops <ops@example.com>') or 'mailto:'; a receiver for
    each address of a list ('a@example.com, b@example.com')."""
    found = [part for part in re.split(r"[\s,;<>]+", address) if part]
    addresses = [a for a in (part.removeprefix("mailto:") for part in found) if _EMAIL.fullmatch(a)]
    spaced = spaces_in(address)
    if spaced is not None and _EMAIL.fullmatch(spaced[0]):
        return f"write it without the spaces {spaced[1]} it: {spaced[0]!r}"
    if len(addresses) == 1:
        return f"write the address alone: {addresses[0]!r}"
    if len(addresses) > 1:
        taken = {name.casefold() for name in receivers}
        names = [receiver]
        for number in range(2, len(receivers) + len(addresses) + 2):
            if len(names) == len(addresses):
                break
            if f"{receiver}-{number}".casefold() not in taken:
                names.append(f"{receiver}-{number}")
        written = ", ".join(f"{name!r}: {a!r}" for name, a in zip(names, addresses, strict=True))
        return f"give each address a receiver of its own: {{{written}}}"
    return "write the receiver's e-mail address"


@dataclass(frozen=True)
class MetricAlertProps:
    name: str
    """Alert rule name, e.g. `alert-psql-orders-prod-cpu`."""
    resource_group: IResourceGroup
    """Group the rule lives in (keep it out of a locked group: a lock stops its deletion)."""
    target: AzureResource
    """The resource whose metric is watched; its class says which metrics it has."""
    metric: str
    """The metric, as Azure names it (one of the target class's `alert_metrics`), e.g. `cpu_percent`."""
    threshold: float
    """The value that fires the alert."""
    action_group: ActionGroup
    """Who is notified."""
    operator: str = "GreaterThan"
    """`GreaterThan`, `GreaterThanOrEqual`, `LessThan`, `LessThanOrEqual` or `Equals`."""
    aggregation: str | None = None
    """How the metric is aggregated over the window. Default: the one the target class states."""
    window: str = "PT15M"
    """The period looked at, ISO 8601: PT1M to P1D, at least as long as `frequency`. Default: PT15M."""
    frequency: str = "PT5M"
    """How often the rule is evaluated: PT1M, PT5M, PT15M, PT30M or PT1H; PT5M or longer with a window of
    more than four hours (PT6H, PT12H, P1D). Default: PT5M."""
    severity: int = 2
    """0 (critical) to 4 (verbose). Default: 2 (warning)."""
    dimensions: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Dimension name -> values to include, e.g. `{"statusCodeCategory": ["5xx"]}`. Default: none."""
    description: str = ""
    """What the alert means and what to do, shown in the notification. Default: generated."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""


def _timing_fix(prop: str, meant: str, other: object) -> str | None:
    """The fix for a frequency or window written in the wrong case ('pt30m') whose right spelling would
    fail with the rule's other one (a window of PT15M by default, a frequency of PT5M): `meant` with the
    other one Azure takes with it. The other one written wrongly too is read as the one it means. None
    when it would pass."""
    other_prop, choices = ("window", WINDOWS) if prop == "frequency" else ("frequency", FREQUENCIES)
    written = other if other in choices else _meant_timing(other, choices)
    if written is None:
        return None
    frequency, window = (meant, written) if prop == "frequency" else (written, meant)
    if _MINUTES[window] < _MINUTES[frequency]:
        why = "a window is at least as long as the frequency"
        needed = (
            next(w for w in WINDOWS if _MINUTES[w] >= _MINUTES[frequency]) if prop == "frequency"
            else [f for f in FREQUENCIES if _MINUTES[f] <= _MINUTES[window]][-1]
        )
    elif _MINUTES[window] > _LONGEST_MINUTELY_WINDOW and _MINUTES[frequency] < _LONG_WINDOW_FREQUENCY:
        why = "Azure evaluates a window of more than four hours every five minutes or less often"
        needed = "PT1H" if prop == "frequency" else "PT5M"
    else:
        return None
    return f"write {prop}={meant!r} with {other_prop}={needed!r} ({why})"


_ISO_DURATION = re.compile(
    r"P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?", re.IGNORECASE,
)
_SHORT_DURATION = re.compile(
    r"(\d+(?:\.\d+)?)\s*(m|mins?|minutes?|h|hrs?|hours?|d|days?)", re.IGNORECASE,
)
_UNIT_MINUTES = {"d": 1440, "h": 60, "m": 1}


def _duration_minutes(text: object) -> float | None:
    """The length in minutes of a duration as a hurried user writes one: ISO 8601 in any case and any
    units ('PT60M', 'pt1h', 'PT24H', 'PT0.5H', 'PT300S') or a short form ('15m', '1 hour'); None for
    anything else."""
    if not isinstance(text, str) or is_token(text):
        return None
    written = text.strip()
    iso = _ISO_DURATION.fullmatch(written)
    if iso and any(iso.groups()) and not written.upper().endswith("T"):
        days, hours, minutes, seconds = (float(part or 0) for part in iso.groups())
        return days * 1440 + hours * 60 + minutes + seconds / 60
    short = _SHORT_DURATION.fullmatch(written)
    if short:
        return float(short.group(1)) * _UNIT_MINUTES[short.group(2)[0].lower()]
    return None


def _meant_timing(value: object, choices: tuple[str, ...]) -> str | None:
    """The choice of the same length as `value` ('PT60M' is 'PT1H'), else the closest spelling."""
    minutes = _duration_minutes(value)
    if minutes is not None:
        return next((choice for choice in choices if _MINUTES[choice] == minutes), None)
    return meant_choice(value, choices)


def _check_timing(check: Validator, prop: str, value: str, other: object) -> None:
    """`frequency` or `window` against the lengths azurerm takes (`monitor_metric_alert_resource.go`:
    StringInSlice of PT1M ... P1D, case-sensitive). One of them written otherwise ('PT60M', 'pt1h',
    '15m') is told that one as azurerm spells it; a length azurerm has no spelling for ('PT10M') is
    told the nearest lengths it takes, not a spelling that looks alike ('PT1M')."""
    choices = FREQUENCIES if prop == "frequency" else WINDOWS
    if is_token(value) or value in choices:
        return
    minutes = _duration_minutes(value)
    meant = _meant_timing(value, choices)
    if minutes is None or meant is not None:
        respelt = meant is not None and minutes is not None and meant.casefold() != str(value).strip().casefold()
        check.one_of(
            prop, value, choices, meant=meant,
            fix_for_meant=lambda choice: _timing_fix(prop, choice, other) or (
                f"write {prop}={choice!r}, the same length as azurerm spells it" if respelt else None
            ),
        )
        return
    shorter = [c for c in choices if _MINUTES[c] < minutes][-1:]
    longer = [c for c in choices if _MINUTES[c] > minutes][:1]
    nearest = [c for c in shorter + longer if _timing_fix(prop, c, other) is None]
    fix = (
        f"use {' or '.join(repr(c) for c in nearest)}, the {'length' if len(nearest) == 1 else 'lengths'} "
        "nearest to it that azurerm takes"
    ) if nearest else _timing_fix(prop, (shorter or longer)[0], other)
    check.fail(
        prop, value, "is not supported (a length azurerm does not take)", ", ".join(repr(c) for c in choices), str(fix),
    )


class MetricAlert(AzureResource):
    """An `azurerm_monitor_metric_alert` on one metric of one resource."""

    arm_type = "Microsoft.Insights/metricAlerts"
    kind_text = "metric alert"
    facts = (
        ResourceFacts(
            "azurerm_monitor_metric_alert", ("name", "resource_group_name"), kind="metric alert",
            name_scope=RESOURCE_GROUP,
            billing=lambda config, usage: [
                ("monitor.metric-alert-time-series", 1, "one time series (the first 10 per subscription are free)"),
            ],
        ),
    )

    def __init__(self, scope: Construct, id: str, props: MetricAlertProps) -> None:
        super().__init__(scope, id)
        # Sources: azurerm 4.55 `monitor_metric_alert.html.markdown` (operators, aggregations,
        # frequencies PT1M-PT1H, windows PT1M-P1D, severity 0-4).
        check = Validator("MetricAlert", self)
        props = check.props(props, MetricAlertProps)
        check.name("name", props.name, NameRules.METRIC_ALERT)
        _check_name_with_group(check, props.name, props.resource_group.name)
        target = props.target
        metrics = type(target).alert_metrics
        check.one_of(
            "metric", props.metric, tuple(metrics), f"use a metric of the {target.kind_text} {target.name!r}",
            allowed_text=_metrics_text(target) or f"none (the {target.kind_text} states no metrics to alert on)",
            # A metric written in another case ('availability') is the one meant: the fix names it as listed.
            fix_for_meant=lambda metric: f"use {metric!r}" if metric.casefold() == props.metric.casefold() else None,
        )
        check.require(
            bool(target.arm_type) or not metrics, "target", target,
            f"is of class {type(target).__name__}, which states no arm_type, the namespace of its metrics",
            "a target whose class states its ARM type (Azure Monitor's metric namespace)",
            f"add arm_type = '<namespace>/<type>' to class {type(target).__name__}",
        )
        aggregation = props.aggregation or metrics.get(props.metric, "Average")
        check.one_of("aggregation", aggregation, AGGREGATIONS)
        check.one_of("operator", props.operator, OPERATORS)
        _check_timing(check, "frequency", props.frequency, props.window)
        _check_timing(check, "window", props.window, props.frequency)
        check.require(
            _MINUTES.get(props.window, 0) >= _MINUTES.get(props.frequency, 0) or props.window not in WINDOWS
            or props.frequency not in FREQUENCIES, "window", props.window,
            f"is shorter than the frequency {props.frequency}",
            "a window at least as long as how often the rule runs (Azure: windowSize >= evaluationFrequency)",
            "use a longer window (e.g. PT15M with PT5M) or a shorter frequency",
        )
        check.require(
            _MINUTES.get(props.window, 0) <= _LONGEST_MINUTELY_WINDOW
            or _MINUTES.get(props.frequency, _LONG_WINDOW_FREQUENCY) >= _LONG_WINDOW_FREQUENCY,
            "frequency", props.frequency, f"is shorter than five minutes, with a window of {props.window} (longer "
            "than four hours), which Azure refuses",
            "a frequency of PT5M or longer with a window of more than four hours (PT6H, PT12H, P1D); Azure: "
            "\"Evaluation frequency must be greater than or equal to five minutes since the period is greater than "
            "four hours\"",
            f"use frequency='PT5M' with window='{props.window}', or a window of PT1H or shorter",
        )
        check.in_range("severity", props.severity, 0, 4)
        _check_dimensions(check, props.dimensions)
        check.done()
        self.resource = metric_alert_binding.MonitorMetricAlert(
            self, "Resource",
            name=props.name,
            resource_group_name=props.resource_group.name,
            scopes=[target.id],
            description=props.description or (
                f"{props.metric} of {target.kind_text} {target.name} "
                f"{_OPERATOR_TEXT.get(props.operator, props.operator)} {_text(props.threshold)} "
                f"({aggregation if is_token(aggregation) else aggregation.lower()} over {props.window})"
            ),
            severity=props.severity,
            frequency=props.frequency,
            window_size=props.window,
            criteria=[metric_alert_binding.MonitorMetricAlertCriteria(
                metric_namespace=target.arm_type,
                metric_name=props.metric,
                aggregation=aggregation,
                operator=props.operator,
                threshold=props.threshold,
                dimension=[
                    metric_alert_binding.MonitorMetricAlertCriteriaDimension(
                        name=name, operator="Include", values=list(values),
                    )
                    for name, values in props.dimensions.items()
                ] or None,
            )],
            action=[metric_alert_binding.MonitorMetricAlertAction(action_group_id=props.action_group.id)],
            tags=self.resource_tags(props.tags),
        )
        self.keep_props(props)


_MAX_GROUP_AND_RULE_NAME = 252
"""Microsoft Learn, "Create or edit a metric alert rule" (Naming restrictions): "The combined
resource group name and alert rule name can't exceed 252 characters"."""


def _check_name_with_group(check: Validator, name: str, group_name: str) -> None:
    """A rule name that fits its own rule (at most 260 characters) may still pass 252 with its group's."""
    if is_token(name) or is_token(group_name) or len(name) > NameRules.METRIC_ALERT.max_length:
        return
    total = len(name) + len(group_name)
    check.require(
        total <= _MAX_GROUP_AND_RULE_NAME, "name", name,
        f"is {len(name)} characters long, {total} with its resource group's name {group_name!r}",
        f"a rule name and resource group name of at most {_MAX_GROUP_AND_RULE_NAME} characters together "
        "(Microsoft Learn, \"Create or edit a metric alert rule\")",
        f"shorten the name to {_MAX_GROUP_AND_RULE_NAME - len(group_name)} characters or fewer",
    )


def _check_dimensions(check: Validator, dimensions: Mapping[str, Sequence[str]]) -> None:
    """azurerm 4.55 (`monitor_metric_alert_resource.go`, criteria.dimension): a name that is not
    empty and at least one value (`values`: MinItems 1); `*` includes every value."""
    for name, values in dimensions.items():
        if is_token(name):
            continue
        check.require(
            bool(name), "dimensions name", name, "is empty",
            "the name of one of the metric's dimensions, e.g. 'ActivityType' (azurerm: not empty)",
            "name the dimension, or leave it out",
        )
        check.require(
            bool(values) or is_token(values), f"dimensions[{name!r}]", values, "lists no value",
            "at least one value to include, or '*' for every value (azurerm: values takes at least one item)",
            f"list the {name or 'dimension'} values to watch, e.g. ['*'], or leave the dimension out",
        )


def _metrics_text(target: AzureResource) -> str:
    """The metrics of `target`'s class as a message lists them: all of a short list; of a long
    one, the first few (the ones most alerted on) and how many more there are."""
    metrics = list(type(target).alert_metrics)
    if len(metrics) <= _LISTED_METRICS:
        return ", ".join(metrics)
    return (
        f"{', '.join(metrics[:5])} and {len(metrics) - 5} more metrics Azure Monitor lists for "
        f"{target.arm_type} (Microsoft Learn, \"Supported metrics for {target.arm_type}\")"
    )


_OPERATOR_TEXT = {
    "GreaterThan": "above", "GreaterThanOrEqual": "at or above", "LessThan": "below",
    "LessThanOrEqual": "at or below", "Equals": "at",
}


def _text(threshold: float) -> str:
    """A threshold as the description writes it; one known only at deploy time as its reference
    (formatted, a number token is its placeholder, about -8e298)."""
    return Token.as_string(threshold) if is_token(threshold) else f"{threshold:g}"


@dataclass(frozen=True)
class DeleteAlertProps:
    name: str
    """Alert rule name, e.g. `alert-psql-orders-prod-deleted`."""
    resource_group: IResourceGroup
    """Group the rule lives in; for a watched resource group, another group (a rule is
    deleted with its group)."""
    target: AzureResource
    """The resource whose deletion is reported."""
    action_group: ActionGroup
    """Who is notified."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""


class DeleteAlert(AzureResource):
    """An `azurerm_monitor_activity_log_alert` (global, free) on the subscription's activity
    log that fires when `target` is deleted, whoever deletes it."""

    arm_type = "Microsoft.Insights/activityLogAlerts"
    kind_text = "activity log alert"
    facts = (
        ResourceFacts(
            "azurerm_monitor_activity_log_alert", ("name", "resource_group_name", "location"),
            kind="activity log alert", name_scope=RESOURCE_GROUP,
        ),
    )

    def __init__(self, scope: Construct, id: str, props: DeleteAlertProps) -> None:
        super().__init__(scope, id)
        check = Validator("DeleteAlert", self)
        props = check.props(props, DeleteAlertProps)
        check.name("name", props.name, NameRules.ACTIVITY_LOG_ALERT)
        target = props.target
        check.require(
            target is not props.resource_group, "resource_group", props.resource_group.name,
            "is the watched group itself", "another group: a rule is deleted with its group",
            "put the alert on a group's deletion in another group",
        )
        # azurerm 4.55 `monitor_activity_log_alert.html.markdown`: criteria.operation_name "should be of
        # the form `<resourceProvider>/<resourceType>/<operation>`"; `/delete` alone would never match.
        kind = type(target).__name__
        check.require(
            bool(type(target).delete_operation or target.arm_type), "target", target,
            f"is of class {kind}, which states neither arm_type nor delete_operation, so the activity log "
            "operation of its deletion is unknown",
            "a target whose class states its ARM type (the operation is '<arm_type>/delete')",
            f"add arm_type = '<namespace>/<type>' to class {kind}, e.g. 'Microsoft.ServiceBus/namespaces'",
        )
        check.done()
        self.resource = monitor_activity_log_alert.MonitorActivityLogAlert(
            self, "Resource",
            name=props.name,
            resource_group_name=props.resource_group.name,
            location="global",
            scopes=[f"/subscriptions/{subscription_id(self)}"],
            description=f"The {target.kind_text} {target.name} was deleted.",
            criteria=monitor_activity_log_alert.MonitorActivityLogAlertCriteria(
                category="Administrative",
                operation_name=type(target).delete_operation or f"{target.arm_type}/delete",
                resource_id=target.id,
            ),
            action=[monitor_activity_log_alert.MonitorActivityLogAlertAction(action_group_id=props.action_group.id)],
            tags=self.resource_tags(props.tags),
        )
        self.keep_props(props)


@dataclass(frozen=True)
class BudgetProps:
    name: str
    """Budget name: 1-63 letters, digits, underscores and hyphens."""
    amount: float
    """Monthly amount in the billing currency (e.g. USD), at least 1 (no upper limit)."""
    start_date: str
    """First month counted, as `YYYY-MM-01`: fixed (a changed start re-creates the budget),
    on the first of a month, not before 2017-06-01."""
    resource_groups: Sequence[IResourceGroup]
    """The groups whose costs count (an environment's data and apps groups)."""
    action_group: ActionGroup | None = None
    """The action group notified as well. Default: none (only `notify_roles`)."""
    notify_roles: Sequence[str] = ("Owner",)
    """Subscription roles e-mailed as well (`Owner`, `Contributor`, `Reader`). Default: Owner."""
    actual_percent: int = 80
    """Notify when actual cost reaches this share of the amount. Default: 80."""
    forecast_percent: int = 100
    """Notify when forecast cost reaches this share of the amount. Default: 100."""


class Budget(AzureResource):
    """An `azurerm_consumption_budget_subscription` over some resource groups, notifying at
    a share of actual and forecast cost. Budgets are free."""

    arm_type = "Microsoft.Consumption/budgets"
    kind_text = "budget"
    facts = (
        ResourceFacts(
            "azurerm_consumption_budget_subscription", ("name", "subscription_id", "time_grain", "time_period"),
            # Unique in the subscription, the one every stack of an app deploys to (as resource groups):
            # its `subscription_id` is the stack's client config, known only at deploy time.
            kind="budget", name_scope=SUBSCRIPTION,
        ),
    )

    def __init__(self, scope: Construct, id: str, props: BudgetProps) -> None:
        super().__init__(scope, id)
        check = Validator("Budget", self)
        props = check.props(props, BudgetProps)
        check.name("name", props.name, NameRules.BUDGET)
        # azurerm 4.55 (`consumption/schema.go`): amount FloatAtLeast(1.0), with no upper limit (a
        # month's budget in a currency of small units, e.g. IDR or KRW, passes a billion).
        check.require(
            is_token(props.amount) or props.amount >= 1, "amount", props.amount, "is out of range",
            "at least 1, in the billing currency (azurerm sets no upper limit)", "set amount to 1 or more",
        )
        start = _check_start(check, props.start_date)
        check.require(
            bool(props.resource_groups), "resource_groups", [], "count no cost", "at least one resource group",
            "pass the groups whose costs the budget holds",
        )
        for role in () if is_token(props.notify_roles) else props.notify_roles:  # a list token: its reference
            check.one_of("notify_roles", role, BUDGET_ROLES)
        check.require(
            props.action_group is not None or bool(props.notify_roles), "notify_roles", [],
            "leave nobody to notify", "an action group or at least one role",
            "pass action_group, or keep notify_roles=('Owner',)",
        )
        # azurerm (`consumption/schema.go`): threshold IntBetween(0, 1000); Microsoft Learn,
        # BudgetNotification.Threshold: "CategoryType: Cost - Must be between 0 and 1000".
        check.in_range("actual_percent", props.actual_percent, 0, 1000)
        check.in_range("forecast_percent", props.forecast_percent, 0, 1000)
        check.done()
        contacts = {
            "contact_groups": [props.action_group.id] if props.action_group else None,
            "contact_roles": list(props.notify_roles) or None,
        }
        self.resource = consumption_budget_subscription.ConsumptionBudgetSubscription(
            self, "Resource",
            name=props.name,
            subscription_id=f"/subscriptions/{subscription_id(self)}",
            amount=props.amount,
            time_grain="Monthly",
            time_period=consumption_budget_subscription.ConsumptionBudgetSubscriptionTimePeriod(start_date=start),
            filter=consumption_budget_subscription.ConsumptionBudgetSubscriptionFilter(dimension=[
                consumption_budget_subscription.ConsumptionBudgetSubscriptionFilterDimension(
                    name="ResourceGroupName", operator="In", values=[group.name for group in props.resource_groups],
                ),
            ]),
            notification=[
                consumption_budget_subscription.ConsumptionBudgetSubscriptionNotification(
                    threshold=props.actual_percent, threshold_type="Actual", operator="GreaterThanOrEqualTo",
                    **contacts,
                ),
                consumption_budget_subscription.ConsumptionBudgetSubscriptionNotification(
                    threshold=props.forecast_percent, threshold_type="Forecasted", operator="GreaterThanOrEqualTo",
                    **contacts,
                ),
            ],
        )
        self.keep_props(props)
        self.amount = props.amount


def _check_start(check: Validator, text: str) -> str:
    """The start date as the RFC 3339 time the provider wants (`2026-12-01T00:00:00Z`)."""
    if is_token(text):
        return text
    day = _start_day(text)
    # A new budget starts this month or later: "Past start date should be selected within the
    # timegrain period" (azurerm's consumption_budget_subscription docs, time_period.start_date), so
    # a fix names this month, never a fixed date that goes stale (an existing budget keeps its start).
    this_month = datetime.date.today().replace(day=1)
    meant = _start_day(re.sub(r"[/.]", "-", text.strip())) if day is None else None
    check.require(
        day is not None, "start_date", text,
        "is not a date", "a date written YYYY-MM-01",
        f"write it as {meant.replace(day=1).isoformat()!r}" if meant and meant >= _FIRST_BUDGET_MONTH else
        f"write it as e.g. {this_month.isoformat()!r}",
    )
    if day is None:
        return text
    check.require(
        day.day == 1 and day >= _FIRST_BUDGET_MONTH, "start_date", text,
        "is not the first of a month from June 2017 on", "the first day of a month, 2017-06-01 or later",
        f"use {(day.replace(day=1) if day >= _FIRST_BUDGET_MONTH else this_month).isoformat()!r}",
    )
    # The Budgets API (time_period.start_date, as azurerm's docs quote it): "Future start
    # date should not be more than twelve months." azurerm warns about it; so does synth.
    if day.day == 1 and (day.year - this_month.year) * 12 + day.month - this_month.month > 12:
        check.warn(
            "start_date", text, "is more than twelve months ahead, which Azure does not take for a new budget",
            "a start within the next twelve months", f"use {this_month.isoformat()!r} or a later month within a year",
        )
    return f"{day.isoformat()}T00:00:00Z"


def _start_day(text: str) -> datetime.date | None:
    """The day `text` names: a date (`2026-12-01`), or its midnight UTC as azurerm takes an RFC 3339
    time (`validation.IsRFC3339Time`: `2026-12-01T00:00:00Z`, `...T00:00:00+00:00`,
    `...T00:00:00.000Z`); None for anything else."""
    try:
        if len(text) == 10:
            return datetime.date.fromisoformat(text)
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    midnight_utc = moment.utcoffset() == datetime.timedelta(0) and moment.time() == datetime.time()
    return moment.date() if text[10:11] == "T" and midnight_utc else None
