"""A budget's notification thresholds are what azurerm (`IntBetween(0, 1000)` in
`consumption/schema.go`) and Azure's Cost Management API ("CategoryType: Cost - Must be
between 0 and 1000", Microsoft Learn, BudgetNotification.Threshold) take: 0 passes and is
written as given (it was refused, a false alarm); below 0 and above 1000 are one problem."""

from __future__ import annotations

import pytest
from helpers import fresh_stack, only_resource, recorded

from sigmatiq_infra import constructs as c


def budget(**thresholds):
    stack, group = fresh_stack()
    c.Budget(stack, "Budget", c.BudgetProps("budget-test", 40, "2026-12-01", [group], **thresholds))
    return stack


def test_thresholds_of_0_and_1000_pass_and_are_written_as_the_notifications_thresholds():
    stack = budget(actual_percent=0, forecast_percent=1000)
    assert recorded(stack) == []
    notifications = only_resource(stack, "azurerm_consumption_budget_subscription")["notification"]
    assert sorted((n["threshold_type"], n["threshold"]) for n in notifications) == [("Actual", 0), ("Forecasted", 1000)]


@pytest.mark.parametrize(("prop", "value"), [("actual_percent", -1), ("forecast_percent", 1001)])
def test_a_threshold_below_0_or_above_1000_is_one_problem(prop, value):
    (problem,) = recorded(budget(**{prop: value}))
    assert problem.startswith(f"Budget 'fixed/Budget': {prop} {value} is out of range. Allowed: 0 to 1000.")
