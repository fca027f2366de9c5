"""The application and platform tiers tried from outside, sixteenth round: what a hurried user's
own app gives container apps, registries, vaults, stores, workspaces and alerts that the library
passed and Azure refuses at apply (each now one line of the numbered list, naming the value, what
is allowed and the fix), and the values Azure takes, which still pass."""

from __future__ import annotations

import pytest
from helpers import error_of, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.testing import Template

# --- a metric alert looking back more than four hours, evaluated every minute -----------------------------


def alert(stack, group, window: str, frequency: str) -> c.MetricAlert:
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    action = c.ActionGroup(stack, "Alerts", c.ActionGroupProps("ag-test", group, "test"))
    return c.MetricAlert(stack, "Alert", c.MetricAlertProps(
        "alert-test", group, vault, "Availability", 99, action, operator="LessThan", window=window,
        frequency=frequency,
    ))


@pytest.mark.parametrize("window", ["PT6H", "PT12H", "P1D"])
def test_a_window_of_more_than_four_hours_evaluated_every_minute_is_refused_with_azures_words(stack, group, window):
    assert error_of(lambda: alert(stack, group, window, "PT1M"), stack) == (
        f"MetricAlert 'test/Alert': frequency 'PT1M' is shorter than five minutes, with a window of {window} (longer "
        "than four hours), which Azure refuses. Allowed: a frequency of PT5M or longer with a window of more than "
        "four hours (PT6H, PT12H, P1D); Azure: \"Evaluation frequency must be greater than or equal to five minutes "
        f"since the period is greater than four hours\". Fix: use frequency='PT5M' with window='{window}', or a "
        "window of PT1H or shorter."
    )


@pytest.mark.parametrize(("window", "frequency"), [
    ("PT1H", "PT1M"), ("PT6H", "PT5M"), ("P1D", "PT5M"), ("PT12H", "PT1H"), ("PT5M", "PT1M"),
])
def test_a_window_of_four_hours_or_less_every_minute_or_a_longer_one_every_five_minutes_passes(
    stack, group, window, frequency,
):
    alert(stack, group, window, frequency)
    assert recorded(stack) == []
    config = next(iter(Template.from_stack(stack).resources("azurerm_monitor_metric_alert").values()))
    assert (config["window_size"], config["frequency"]) == (window, frequency)


def test_a_long_window_with_a_frequency_of_no_known_length_is_one_problem_about_the_frequency(stack, group):
    problems = error_of(lambda: alert(stack, group, "P1D", "PT2M"), stack).splitlines()
    assert len(problems) == 1
    assert problems[0].startswith("MetricAlert 'test/Alert': frequency 'PT2M' is not supported")
