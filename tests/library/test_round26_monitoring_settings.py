"""Round 26, outside in: the optional settings a hurried user gives the monitoring constructs (ActionGroup,
MetricAlert, Budget, LogAnalyticsWorkspace). What azurerm or Azure refuses is one problem through the
construct's validator, naming the construct, the value, what is allowed and a fix that passes when
applied; the edge values Azure takes pass, with the exact values synthesized."""

from __future__ import annotations

import pytest
from helpers import error_of, fresh_stack, only_resource, recorded

from sigmatiq_infra import constructs as c

FREQUENCY = "Allowed: 'PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H'."
WINDOW = "Allowed: 'PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H', 'PT6H', 'PT12H', 'P1D'."


def alert(stack, group, **props) -> c.MetricAlert:
    action = c.ActionGroup(stack, "Alerts", c.ActionGroupProps("ag-test", group, "test"))
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    return c.MetricAlert(stack, "Alert", c.MetricAlertProps(
        "kv-availability", group, vault, "Availability", 99, action, operator="LessThan", **props,
    ))


def timing(stack) -> tuple[str, str]:
    config = only_resource(stack, "azurerm_monitor_metric_alert")
    return config["frequency"], config["window_size"]


# --- 1. a frequency or window written as another spelling of a length azurerm takes, or a length it lacks --
# azurerm 4.x `monitor_metric_alert_resource.go`: frequency StringInSlice("PT1M", "PT5M", "PT15M", "PT30M",
# "PT1H"), window_size StringInSlice("PT1M", ..., "PT6H", "PT12H", "P1D"), both case-sensitive. 'PT60M' was
# told "did you mean 'PT30M'?", 'PT24H' 'PT12H', 'PT1440M' 'PT1M', '15m' nothing; 'PT10M' was told 'PT1M'
# (a spelling that looks alike, a tenth of the length).


@pytest.mark.parametrize(("props", "message", "applied", "synthesized"), [
    ({"window": "PT60M"},
     f"window 'PT60M' is not supported (did you mean 'PT1H'?). {WINDOW} Fix: write window='PT1H', the same "
     "length as azurerm spells it.",
     {"window": "PT1H"}, ("PT5M", "PT1H")),
    ({"window": "PT24H"},
     f"window 'PT24H' is not supported (did you mean 'P1D'?). {WINDOW} Fix: write window='P1D', the same length "
     "as azurerm spells it.",
     {"window": "P1D"}, ("PT5M", "P1D")),
    ({"window": "PT1440M"},
     f"window 'PT1440M' is not supported (did you mean 'P1D'?). {WINDOW} Fix: write window='P1D', the same "
     "length as azurerm spells it.",
     {"window": "P1D"}, ("PT5M", "P1D")),
    ({"window": "15m"},
     f"window '15m' is not supported (did you mean 'PT15M'?). {WINDOW} Fix: write window='PT15M', the same "
     "length as azurerm spells it.",
     {"window": "PT15M"}, ("PT5M", "PT15M")),
    ({"frequency": "5 minutes"},
     f"frequency '5 minutes' is not supported (did you mean 'PT5M'?). {FREQUENCY} Fix: write frequency='PT5M', "
     "the same length as azurerm spells it.",
     {"frequency": "PT5M"}, ("PT5M", "PT15M")),
    ({"frequency": "PT60M"},
     f"frequency 'PT60M' is not supported (did you mean 'PT1H'?). {FREQUENCY} Fix: write frequency='PT1H' with "
     "window='PT1H' (a window is at least as long as the frequency).",
     {"frequency": "PT1H", "window": "PT1H"}, ("PT1H", "PT1H")),
    ({"frequency": "PT1M", "window": "PT360M"},
     f"window 'PT360M' is not supported (did you mean 'PT6H'?). {WINDOW} Fix: write window='PT6H' with "
     "frequency='PT5M' (Azure evaluates a window of more than four hours every five minutes or less often).",
     {"frequency": "PT5M", "window": "PT6H"}, ("PT5M", "PT6H")),
])
def test_a_frequency_or_window_spelt_otherwise_is_told_azurerms_spelling_of_that_length_which_passes(
    stack, group, props, message, applied, synthesized,
):
    assert error_of(lambda: alert(stack, group, **props)) == f"MetricAlert 'test/Alert': {message}"
    fixed, fixed_group = fresh_stack()
    alert(fixed, fixed_group, **applied)
    assert recorded(fixed) == []
    assert timing(fixed) == synthesized


@pytest.mark.parametrize(("props", "message", "applied", "synthesized"), [
    ({"window": "PT10M"},
     f"window 'PT10M' is not supported (a length azurerm does not take). "
     f"{WINDOW} Fix: use 'PT5M' or 'PT15M', the lengths "
     "nearest to it that azurerm takes.",
     {"window": "PT15M"}, ("PT5M", "PT15M")),
    ({"window": "PT2H"},
     f"window 'PT2H' is not supported (a length azurerm does not take). "
     f"{WINDOW} Fix: use 'PT1H' or 'PT6H', the lengths nearest "
     "to it that azurerm takes.",
     {"window": "PT6H"}, ("PT5M", "PT6H")),
    ({"window": "PT5H", "frequency": "PT1M"},
     f"window 'PT5H' is not supported (a length azurerm does not take). "
     f"{WINDOW} Fix: use 'PT1H', the length nearest to it that "
     "azurerm takes.",
     {"window": "PT1H", "frequency": "PT1M"}, ("PT1M", "PT1H")),
    ({"window": "P7D"},
     f"window 'P7D' is not supported (a length azurerm does not take). "
     f"{WINDOW} Fix: use 'P1D', the length nearest to it that "
     "azurerm takes.",
     {"window": "P1D"}, ("PT5M", "P1D")),
    ({"frequency": "PT2H"},
     f"frequency 'PT2H' is not supported (a length azurerm does not take). "
     f"{FREQUENCY} Fix: write frequency='PT1H' with "
     "window='PT1H' (a window is at least as long as the frequency).",
     {"frequency": "PT1H", "window": "PT1H"}, ("PT1H", "PT1H")),
])
def test_a_length_azurerm_has_no_spelling_for_is_told_the_nearest_ones_it_takes_not_a_look_alike(
    stack, group, props, message, applied, synthesized,
):
    assert error_of(lambda: alert(stack, group, **props)) == f"MetricAlert 'test/Alert': {message}"
    fixed, fixed_group = fresh_stack()
    alert(fixed, fixed_group, **applied)
    assert recorded(fixed) == []
    assert timing(fixed) == synthesized


def test_a_frequency_or_window_in_lowercase_is_still_told_the_choices_as_before(stack, group):
    assert error_of(lambda: alert(stack, group, frequency="pt15m")) == (
        f"MetricAlert 'test/Alert': frequency 'pt15m' is not supported (did you mean 'PT15M'?). {FREQUENCY} "
        "Fix: use one of 'PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H'."
    )


@pytest.mark.parametrize(("frequency", "window"), [
    ("PT1M", "PT1M"), ("PT1H", "PT1H"), ("PT5M", "P1D"), ("PT1M", "PT1H"), ("PT5M", "PT6H"), ("PT1H", "PT12H"),
])
def test_the_edge_lengths_azurerm_takes_pass_as_written(stack, group, frequency, window):
    alert(stack, group, frequency=frequency, window=window)
    assert recorded(stack) == []
    assert timing(stack) == (frequency, window)


# --- 2. an e-mail receiver's address copied with spaces, a display name or a list of addresses ------------
# The library refuses an address that is none (azurerm `monitor_action_group_resource.go` takes any text that
# is not empty; Azure Monitor sends to the address). The fix said "write the receiver's e-mail address"
# whatever was written; it now names the address to write, or a receiver for each of a list.


def action_group(stack, group, receivers) -> c.ActionGroup:
    return c.ActionGroup(stack, "Alerts", c.ActionGroupProps("ag-test", group, "test", email_receivers=receivers))


def emails(stack) -> list[tuple[str, str]]:
    config = only_resource(stack, "azurerm_monitor_action_group")
    return [(receiver["name"], receiver["email_address"]) for receiver in config["email_receiver"]]


@pytest.mark.parametrize(("receivers", "shown", "fix", "applied"), [
    ({"ops": " ops@example.com "}, "' ops@example.com '",
     "write it without the spaces around it: 'ops@example.com'", {"ops": "ops@example.com"}),
    ({"ops": "ops @example.com"}, "'ops @example.com'",
     "write it without the spaces in it: 'ops@example.com'", {"ops": "ops@example.com"}),
    ({"ops": "Ops Team <ops@example.com>"}, "'Ops Team <ops@example.com>'",
     "write the address alone: 'ops@example.com'", {"ops": "ops@example.com"}),
    ({"ops": "a@example.com, b@example.com"}, "'a@example.com, b@example.com'",
     "give each address a receiver of its own: {'ops': 'a@example.com', 'ops-2': 'b@example.com'}",
     {"ops": "a@example.com", "ops-2": "b@example.com"}),
    ({"ops": "a@example.com;b@example.com", "ops-2": "c@example.com"}, "'a@example.com;b@example.com'",
     "give each address a receiver of its own: {'ops': 'a@example.com', 'ops-3': 'b@example.com'}",
     {"ops": "a@example.com", "ops-3": "b@example.com", "ops-2": "c@example.com"}),
])
def test_an_address_copied_with_more_than_the_address_is_told_the_address_to_write_which_passes(
    stack, group, receivers, shown, fix, applied,
):
    assert error_of(lambda: action_group(stack, group, receivers)) == (
        f"ActionGroup 'test/Alerts': e-mail receiver 'ops' {shown} is not an e-mail address. Allowed: an address "
        f"such as oncall@example.com. Fix: {fix}."
    )
    fixed, fixed_group = fresh_stack()
    action_group(fixed, fixed_group, applied)
    assert recorded(fixed) == []
    assert emails(fixed) == list(applied.items())


def test_an_address_without_its_at_sign_is_still_told_to_write_the_address(stack, group):
    assert error_of(lambda: action_group(stack, group, {"ops": "ops.example.com"})) == (
        "ActionGroup 'test/Alerts': e-mail receiver 'ops' 'ops.example.com' is not an e-mail address. Allowed: an "
        "address such as oncall@example.com. Fix: write the receiver's e-mail address."
    )


def test_addresses_azure_takes_pass_as_written(stack, group):
    receivers = {"ops": "ops+alerts@example.co.uk", "Ops Team": "OPS@Example.com", "o": "o.n-call_1@sub.example.io"}
    action_group(stack, group, receivers)
    assert recorded(stack) == []
    assert emails(stack) == list(receivers.items())
