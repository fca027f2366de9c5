"""The test sessions pass the bindings' argument checks that cannot fail at once
(`helpers._pass_the_bindings_checks_that_cannot_fail`): every outcome stays typeguard's own."""

from __future__ import annotations

import importlib
import typing

import pytest
import typeguard

from sigmatiq_infra.cdk import App, TerraformStack
from sigmatiq_infra.engine import selected

BINDINGS = ("provider", "resource_group", "container_app", "key_vault", "subnet", "storage_account")
VALUES = (None, "text", 5, True, 1.5, b"bytes", [], ["text"], [5], {}, {"key": "text"}, {"key": 5}, object())


def outcome(check: typing.Callable, argname: str, value: object, expected: object) -> str:
    try:
        check(argname=argname, value=value, expected_type=expected)
    except TypeError as error:
        return f"TypeError: {error}"
    return "passes"


def stub_hints() -> list[tuple[str, object]]:
    """(module.argument, its type) for every argument the bindings' stubs check."""
    hints = []
    for name in BINDINGS:
        module = importlib.import_module(f"{_provider_package()}.{name}")
        # `publication` hides a binding module's private names; its classes' code still has them
        a_class = next(value for value in vars(module).values() if isinstance(value, type))
        for attribute, stub in a_class.__init__.__globals__.items():
            if attribute.startswith("_typecheckingstub__"):
                hints += [(f"{name}.{argument}", hint) for argument, hint in typing.get_type_hints(stub).items()]
    return hints


def _provider_package() -> str:
    return selected().provider


def test_every_argument_check_of_the_bindings_has_typeguards_own_outcome_for_every_kind_of_value():
    hints = stub_hints()
    assert len(hints) > 1000
    differing = [(argname, value, outcome(typeguard.check_type, argname, value, hint),
                  outcome(typeguard.check_type.__wrapped__, argname, value, hint))
                 for argname, hint in hints for value in VALUES
                 if outcome(typeguard.check_type, argname, value, hint)
                 != outcome(typeguard.check_type.__wrapped__, argname, value, hint)]
    assert differing == []


def test_a_wrong_type_given_to_a_binding_still_fails_with_typeguards_message():
    resource_group = importlib.import_module(f"{_provider_package()}.resource_group")
    stack = TerraformStack(App(), "checks")
    with pytest.raises(TypeError) as wrong:
        resource_group.ResourceGroup(stack, "group", name=5, location="westeurope")
    with pytest.raises(TypeError) as missing:
        resource_group.ResourceGroup(stack, "group", name="rg", location=None)
    assert (str(wrong.value), str(missing.value)) == (
        "type of argument name must be str; got int instead",
        "type of argument location must be str; got NoneType instead",
    )
