"""Alerts, budgets and diagnostics tried from outside, eighteenth round: what a hurried user gets
wrong in the action groups, budgets and alerts of `constructs/monitoring.py` and in the diagnostic
settings a construct class of their own states (`DiagnosticTarget`), each one line of the numbered
list, and the values at the edge of what Azure and azurerm take still passing as written.

Sources, each read for this round:
- azurerm 4.x `monitor/monitor_diagnostic_setting_resource.go` (`enabled_log.category` and
  `category_group`, `enabled_metric.category`: not empty; "at least one type of Log or Metric must
  be enabled") and `monitor_diagnostic_setting.html.markdown` ("At least one `enabled_log` or
  `enabled_metric` block must be specified").
- Microsoft Learn, "Set name and type for child resources" (a child's id is its parent's id and its
  type and name segments, e.g. `.../storageAccounts/<name>/blobServices/default`).
- azurerm 4.x `monitor_metric_alert_resource.go` (criteria.metric_name: not empty; criteria.aggregation:
  Average, Count, Minimum, Maximum or Total, case-sensitive).
- azurerm 4.x `monitor_activity_log_alert.html.markdown` (criteria.operation_name: "Supported operation
  should be of the form: `<resourceProvider>/<resourceType>/<operation>`").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pytest
from helpers import recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.azurerm import search_service
from sigmatiq_infra.constructs._context import construct_classes
from sigmatiq_infra.constructs._facts import REFUSED
from sigmatiq_infra.testing import Template
from sigmatiq_infra.validation import ValidationError

HERE = __name__


@pytest.fixture(autouse=True)
def forget_the_classes_a_test_defines():
    """A class a test defines states facts about `azurerm_search_service` for every later class: it is
    marked refused once the test ends, so that nothing reads its facts (as round 14's tests do)."""
    before = set(construct_classes())
    yield
    for cls in set(construct_classes()) - before:
        setattr(cls, REFUSED, True)


@dataclass(frozen=True)
class HubProps:
    name: str
    resource_group: c.IResourceGroup
    tags: Mapping[str, str] = field(default_factory=dict)


def hub_class(
    *targets: c.DiagnosticTarget, operation: str | None = None, metrics: object = None,
) -> type[c.AzureResource]:
    """A construct class of one's own, as docs/library/constructs.md shows one, with `targets`,
    `operation` as its deletion in the activity log and `metrics` to alert on."""

    class Hub(c.AzureResource):
        facts = (c.ResourceFacts(
            "azurerm_search_service", ("name", "location", "resource_group_name"), kind="search service",
        ),)
        arm_type = "Microsoft.Search/searchServices"
        kind_text = "search service"
        diagnostics = targets
        delete_operation = operation
        alert_metrics = metrics if metrics is not None else {}

        def __init__(self, scope, id: str, props: HubProps) -> None:
            super().__init__(scope, id)
            self.resource = search_service.SearchService(
                self, "Resource", name=props.name, resource_group_name=props.resource_group.name,
                location=props.resource_group.location, sku="standard", tags=self.resource_tags(props.tags),
            )
            self.keep_props(props)

    return Hub


def refusal(*targets) -> str:
    """The problems the class statement with `targets` raised, one per line."""
    with pytest.raises(ValidationError) as raised:
        hub_class(*targets)
    return str(raised.value)


def settings_of(stack, group, *targets) -> list[dict]:
    hub = hub_class(*targets)(stack, "Hub", HubProps("hub-round18", group))
    hub.add_diagnostic_settings(c.LogAnalyticsWorkspace(stack, "Logs", c.LogAnalyticsWorkspaceProps("log-r18", group)))
    assert recorded(stack) == []
    return list(Template.from_stack(stack).resources("azurerm_monitor_diagnostic_setting").values())


# --- the diagnostic settings a class of one's own states ----------------------------------------------


def test_log_categories_without_the_trailing_comma_are_refused_not_sent_one_letter_a_category():
    assert refusal(c.DiagnosticTarget(log_groups=(), log_categories=("ConnectivityLogs"))) == (
        f"Hub '{HERE}.Hub': diagnostics[0].log_categories 'ConnectivityLogs' has the type str. Allowed: a "
        "sequence of str. Fix: give diagnostics[0].log_categories a list, even of one: ['ConnectivityLogs']."
    )


def test_a_category_that_is_no_text_is_refused_at_the_class_not_a_traceback_at_the_call():
    assert refusal(c.DiagnosticTarget(metrics=(1,))) == (
        f"Hub '{HERE}.Hub': diagnostics[0].metrics[0] 1 has the type int. Allowed: str. Fix: give "
        "diagnostics[0].metrics[0] a value of type str: '1' in quotes."
    )


def test_an_empty_category_is_refused_as_azurerm_refuses_it():
    assert refusal(c.DiagnosticTarget(log_groups=("allLogs", " "))) == (
        f"Hub '{HERE}.Hub': diagnostics[0].log_groups[1] ' ' is empty. Allowed: the name of a category Azure "
        "Monitor lists for the resource type, e.g. 'allLogs' (azurerm: not empty). Fix: write the category's "
        "name, or leave it out."
    )


def test_a_target_that_collects_nothing_is_refused_with_azurerms_words():
    assert refusal(c.DiagnosticTarget(log_groups=(), metrics=())) == (
        f"Hub '{HERE}.Hub': diagnostics[0] DiagnosticTarget(log_groups=(), log_categories=(), metrics=(), "
        "sub_resource='... collects no log and no metric. Allowed: at least one log category group, log category "
        "or metric category (azurerm: \"At least one `enabled_log` or `enabled_metric` block must be "
        "specified\"). Fix: name what the target collects, e.g. DiagnosticTarget(metrics=('AllMetrics',)), or "
        "leave the target out."
    )


def test_a_sub_resource_without_its_leading_slash_is_refused_and_told_the_path_to_write():
    assert refusal(c.DiagnosticTarget(sub_resource="links/default", id_suffix="-link")) == (
        f"Hub '{HERE}.Hub': diagnostics[0].sub_resource 'links/default' is not what a child resource's id "
        "adds to its parent's. Allowed: '' for the resource itself, or '/<child type>/<child name>' (Microsoft "
        "Learn, \"Set name and type for child resources\"), e.g. '/blobServices/default'. Fix: write "
        "sub_resource='/links/default'."
    )


def test_two_targets_of_one_id_suffix_are_refused_not_jsiis_already_a_construct_with_name():
    assert refusal(c.DiagnosticTarget(), c.DiagnosticTarget(sub_resource="/links/default")) == (
        f"Hub '{HERE}.Hub': diagnostics[1].id_suffix '' is the id_suffix of diagnostics[0] too. Allowed: an "
        "id_suffix of its own per target: it tells apart the construct ids of their diagnostic settings. Fix: "
        "give diagnostics[1] an id_suffix of its own, e.g. '-links'."
    )


def test_every_problem_of_the_targets_is_reported_at_once():
    assert refusal(
        c.DiagnosticTarget(log_groups=(), metrics=()), c.DiagnosticTarget(metrics=("",), sub_resource="x"),
    ).count("\n") == 3


def test_a_class_of_a_target_with_logs_or_metrics_alone_and_one_below_it_sends_them_as_stated(stack, group):
    settings = settings_of(
        stack, group, c.DiagnosticTarget(log_groups=(), metrics=("AllMetrics",)),
        c.DiagnosticTarget(log_groups=["audit"], metrics=[], sub_resource="/links/default", id_suffix="-link"),
    )
    assert sorted((s["target_resource_id"], s.get("enabled_log"), s.get("enabled_metric")) for s in settings) == [
        ("${azurerm_search_service.Hub_C5CB2B3F.id}", None, [{"category": "AllMetrics"}]),
        ("${azurerm_search_service.Hub_C5CB2B3F.id}/links/default", [{"category_group": "audit"}], None),
    ]


def test_the_librarys_own_classes_state_targets_that_pass_these_checks():
    from sigmatiq_infra.constructs._facts import _diagnostics_problems

    stating = [cls for cls in construct_classes() if getattr(cls, "diagnostics", ()) and cls.__module__.startswith(
        "sigmatiq_infra.")]
    assert {cls.__name__ for cls in stating} >= {"StorageAccount", "RedisCache", "ContainerApp", "KeyVault"}
    assert [problem for cls in stating for problem in _diagnostics_problems(cls, cls.__name__, cls.diagnostics)] == []


# --- the activity log operation a class of one's own states for its deletion --------------------------


@pytest.mark.parametrize("operation", ["delete", "Microsoft.Search/searchServices"])
def test_a_delete_operation_without_its_provider_type_and_operation_is_refused_not_an_alert_that_never_fires(
    operation,
):
    with pytest.raises(ValidationError) as raised:
        hub_class(operation=operation)
    assert str(raised.value) == (
        f"Hub '{HERE}.Hub': delete_operation {operation!r} is not an activity log operation (its resource "
        "provider, resource type and operation). Allowed: an operation of the form "
        "<resourceProvider>/<resourceType>/<operation> (azurerm, monitor_activity_log_alert's operation_name), "
        "e.g. 'Microsoft.Search/searchServices/delete'; or None for '<arm_type>/delete'. Fix: write "
        "delete_operation = 'Microsoft.Search/searchServices/delete', or leave it out."
    )


def test_a_delete_operation_that_is_no_text_is_refused_at_the_class_not_a_traceback_at_the_alert():
    with pytest.raises(ValidationError) as raised:
        hub_class(operation=("Microsoft.Search/searchServices/delete",))
    assert str(raised.value) == (
        f"Hub '{HERE}.Hub': delete_operation ('Microsoft.Search/searchServices/delete',) has the type tuple. "
        "Allowed: str or None. Fix: give delete_operation a value of type str or None."
    )


@pytest.mark.parametrize("operation, synthesized", [
    (None, "Microsoft.Search/searchServices/delete"),
    ("Microsoft.Search/searchServices/links/delete", "Microsoft.Search/searchServices/links/delete"),
])
def test_a_delete_operation_of_the_documented_form_or_none_is_the_alerts_operation(
    stack, group, operation, synthesized,
):
    hub = hub_class(operation=operation)(stack, "Hub", HubProps("hub-round18", group))
    other = c.ResourceGroup(stack, "Alerts", c.ResourceGroupProps("rg-alerts", "centralus"))
    action_group = c.ActionGroup(stack, "Team", c.ActionGroupProps("ag-r18", other, "r18"))
    c.DeleteAlert(stack, "Deleted", c.DeleteAlertProps("alert-hub-deleted", other, hub, action_group))
    assert recorded(stack) == []
    [alert] = Template.from_stack(stack).resources("azurerm_monitor_activity_log_alert").values()
    assert (alert["criteria"]["category"], alert["criteria"]["operation_name"]) == ("Administrative", synthesized)


# --- the metrics a class of one's own offers to alert on ------------------------------------------------


def hub_alert(stack, group, metrics, metric: str) -> dict:
    hub = hub_class(metrics=metrics)(stack, "Hub", HubProps("hub-round18", group))
    action_group = c.ActionGroup(stack, "Team", c.ActionGroupProps("ag-r18", group, "r18"))
    c.MetricAlert(stack, "Latency", c.MetricAlertProps("alert-hub-latency", group, hub, metric, 2, action_group))
    assert recorded(stack) == []
    [alert] = Template.from_stack(stack).resources("azurerm_monitor_metric_alert").values()
    return alert["criteria"][0]


def test_alert_metrics_listed_without_their_aggregations_are_refused_not_a_traceback_at_the_alert():
    with pytest.raises(ValidationError) as raised:
        hub_class(metrics=("SearchLatency", "SearchQueriesPerSecond"))
    assert str(raised.value) == (
        f"Hub '{HERE}.Hub': alert_metrics ('SearchLatency', 'SearchQueriesPerSecond') has the type tuple. Allowed: "
        "a mapping of each metric's name to the aggregation it is read with. Fix: write alert_metrics = "
        "{'SearchLatency': 'Average', 'SearchQueriesPerSecond': 'Average'} (each metric with one of Average, Count, "
        "Minimum, Maximum, Total)."
    )


def test_an_aggregation_azurerm_does_not_take_or_an_empty_metric_is_refused_at_the_class():
    with pytest.raises(ValidationError) as raised:
        hub_class(metrics={"SearchLatency": "average", "": "Total"})
    assert str(raised.value) == "\n".join([
        f"Hub '{HERE}.Hub': alert_metrics['SearchLatency'] 'average' is not supported (did you mean 'Average'?). "
        "Allowed: 'Average', 'Count', 'Minimum', 'Maximum', 'Total'. Fix: read 'SearchLatency' with one of "
        "Average, Count, Minimum, Maximum, Total (azurerm's aggregations, in this case).",
        f"Hub '{HERE}.Hub': alert_metrics name '' is empty. Allowed: a metric Azure Monitor lists for the resource "
        "type (Microsoft Learn, \"Supported metrics for Microsoft.Search/searchServices\"; azurerm: not empty). "
        "Fix: write the metric's name, or leave it out.",
    ])


def test_a_metric_without_its_aggregation_is_refused_at_the_class_not_a_traceback_at_the_alert():
    with pytest.raises(ValidationError) as raised:
        hub_class(metrics={"SearchLatency": None})
    assert str(raised.value) == (
        f"Hub '{HERE}.Hub': alert_metrics['SearchLatency'] None has the type NoneType. Allowed: str. Fix: give "
        "alert_metrics['SearchLatency'] a value of type str."
    )


def test_alert_metrics_of_azurerms_aggregations_are_the_alerts_criteria(stack, group):
    metrics = {"SearchLatency": "Average", "SearchQueriesPerSecond": "Total"}
    assert hub_alert(stack, group, metrics, "SearchQueriesPerSecond") == {
        "aggregation": "Total", "metric_name": "SearchQueriesPerSecond",
        "metric_namespace": "Microsoft.Search/searchServices", "operator": "GreaterThan", "threshold": 2,
    }
