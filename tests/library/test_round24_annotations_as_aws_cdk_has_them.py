"""`Annotations` has AWS CDK's negative and find assertions (`hasNoError`, `hasNoWarning`,
`findError`), and a string that is only part of a message cannot make a negative assertion
pass beside the message it was meant to catch."""

from __future__ import annotations

import re

import pytest
from helpers import fresh_stack

from sigmatiq_infra import constructs as c
from sigmatiq_infra.testing import Annotations, Match


@pytest.fixture
def annotations(stack, group) -> Annotations:
    """A stack with one problem: a soft-delete retention Key Vault refuses."""
    c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-orders-1", group, soft_delete_retention_days=3))
    return Annotations.from_stack(stack)


def test_find_errors_gives_every_problem_or_those_a_pattern_matches_in_order(annotations):
    assert annotations.find_errors() == list(annotations.problems)
    (problem,) = annotations.problems
    assert problem.startswith("KeyVault 'test/Vault': soft_delete_retention_days 3 ")
    assert annotations.find_errors(Match.string_like_regexp("soft_delete")) == [problem]
    assert annotations.find_errors(problem) == [problem]
    assert annotations.find_errors(Match.string_like_regexp("purge")) == []
    assert annotations.find_warnings() == list(annotations.warnings)


def test_has_no_error_passes_for_a_pattern_no_problem_matches_and_fails_listing_those_that_do(annotations):
    annotations.has_no_error(Match.string_like_regexp("purge_protection"))
    (problem,) = annotations.problems
    with pytest.raises(AssertionError) as failed:
        annotations.has_no_error(Match.string_like_regexp("soft_delete_retention_days"))
    assert str(failed.value) == (
        "Annotations: 1 problem(s) match a string like /soft_delete_retention_days/:\n  - " + problem
    )


def test_has_no_error_with_part_of_a_problem_as_a_string_fails_instead_of_passing_beside_it(annotations):
    (problem,) = annotations.problems
    with pytest.raises(AssertionError) as failed:
        annotations.has_no_error("soft_delete_retention_days 3")
    assert str(failed.value) == (
        "Annotations: no problem is 'soft_delete_retention_days 3' as a whole, but 1 contain(s) it (a string matches "
        "a whole message, so this would pass beside them):\n  - " + problem + "\nFix: write the whole message, or "
        f"Match.string_like_regexp({re.escape('soft_delete_retention_days 3')!r}) for any problem that contains it."
    )
    annotations.has_no_error("a problem no construct reports")


def test_has_no_error_without_a_pattern_is_refused_naming_the_assertion_for_none_at_all(annotations):
    with pytest.raises(TypeError) as refused:
        annotations.has_no_error(None)
    assert str(refused.value) == (
        "Annotations.has_no_error: pattern None matches no message, so the assertion could never fail. Fix: pass the "
        "message or a matcher (Match.string_like_regexp(...)), or call has_no_errors() for none at all."
    )


def test_has_no_warnings_and_has_no_warning_read_the_stacks_warnings(stack, group):
    quiet, _ = fresh_stack()
    Annotations.from_stack(quiet).has_no_warnings()
    vnet = c.VirtualNetwork(stack, "Net", c.VirtualNetworkProps("vnet-test", group, "10.20.0.0/16", [
        c.SubnetSpec("snet-pe", "10.20.1.0/24", c.SubnetRole.PRIVATE_ENDPOINTS),
    ]))
    zones = c.PrivateDnsZones(stack, "Zones", c.PrivateDnsZonesProps(group, vnet))
    zones.add_a_record(stack, "Rec", zones.zone("corp.internal"), name="www.corp.internal", records=["10.20.1.4"])
    found = Annotations.from_stack(stack)
    (warning,) = found.warnings
    assert "www.corp.internal" in warning
    found.has_no_warning(Match.string_like_regexp("nothing like this"))
    with pytest.raises(AssertionError) as failed:
        found.has_no_warnings()
    assert str(failed.value) == f"Annotations: 1 warning(s), where none was expected:\n  - {warning}"
    with pytest.raises(AssertionError):
        found.has_no_warning(Match.string_like_regexp("www"))
