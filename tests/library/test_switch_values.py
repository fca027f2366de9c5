"""On/off environment variables: strict, one reader, and a bad value stops synth."""


import pytest

from sigmatiq_infra.switches import parse_switch


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "True", "yes", "Yes", "on", "ON"])
def test_a_switch_reads_every_documented_on_value_in_any_case_as_on(value):
    assert parse_switch(value) is True


@pytest.mark.parametrize("value", ["0", "false", "FALSE", "no", "No", "off", "OFF"])
def test_a_switch_reads_every_documented_off_value_in_any_case_as_off(value):
    assert parse_switch(value) is False


@pytest.mark.parametrize("value", [None, ""])
def test_an_unset_or_empty_switch_keeps_its_default(value):
    assert parse_switch(value) is None


@pytest.mark.parametrize("value", ["2", "enabled", "y", "1 1", "tru", "-1", "false!"])
def test_a_switch_refuses_anything_else(value):
    with pytest.raises(ValueError):
        parse_switch(value)


@pytest.mark.parametrize(("value", "direct"), [
    ("false", True), ("0", True), ("off", True), ("1", False), ("TRUE", False),
])
def test_sigmatiq_full_import_false_keeps_the_fast_runtime_and_true_turns_it_off(value, direct):
    from sigmatiq_infra import _kernel

    why = _kernel.why_not({"SIGMATIQ_FULL_IMPORT": value})
    assert (why != "SIGMATIQ_FULL_IMPORT is on") is direct


