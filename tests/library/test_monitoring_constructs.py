"""Operable and within budget: every stack sends its resources' logs and metrics to a
workspace, every environment has an action group, metric alerts, alerts on deleting what is
protected, and a budget; the policy pack refuses a stack without them."""

from __future__ import annotations

from helpers import error_of

from sigmatiq_infra import constructs as c


def test_a_budget_must_start_on_the_first_of_a_month(stack, group):
    action = c.ActionGroup(stack, "Alerts", c.ActionGroupProps("ag-test", group, "test"))
    assert error_of(lambda: c.Budget(stack, "Budget", c.BudgetProps(
        "budget-test", 40, "2026-12-15", [group], action,
    ))) == (
        "Budget 'test/Budget': start_date '2026-12-15' is not the first of a month from June 2017 on. Allowed: "
        "the first day of a month, 2017-06-01 or later. Fix: use '2026-12-01'."
    )


def test_an_alert_on_a_metric_the_resource_does_not_have_names_the_ones_it_has(stack, group):
    action = c.ActionGroup(stack, "Alerts", c.ActionGroupProps("ag-test", group, "test"))
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    assert error_of(lambda: c.MetricAlert(stack, "Alert", c.MetricAlertProps(
        "alert-kv", group, vault, "Availabilty", 99, action, operator="LessThan", window="PT5M", frequency="PT15M",
    ))).splitlines() == [
        "MetricAlert 'test/Alert': metric 'Availabilty' is not supported (did you mean 'Availability'?). "
        "Allowed: Availability, ServiceApiLatency, SaturationShoebox, ServiceApiHit, ServiceApiResult. Fix: use a "
        "metric of the Key Vault 'kv-test-1'.",
        "MetricAlert 'test/Alert': window 'PT5M' is shorter than the frequency PT15M. Allowed: a window at least as "
        "long as how often the rule runs (Azure: windowSize >= evaluationFrequency). Fix: use a longer window "
        "(e.g. PT15M with PT5M) or a shorter frequency.",
    ]


