"""The fast runtime's quick argument checks (`sigmatiq_infra._argument_checks`): the bindings'
checks that cannot fail pass at once, and every outcome stays typeguard's own. The tests run
on them (pytest runs without `-O`)."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
import types
import typing

import pytest
import typeguard
from helpers import ENGINE, NODE_BIN, VENV_BIN

from sigmatiq_infra import _argument_checks
from sigmatiq_infra.cdk import App, TerraformStack

BINDINGS = ("provider", "resource_group", "container_app", "key_vault", "subnet", "storage_account")
VALUES = (None, "text", 5, True, 1.5, b"bytes", [], ["text"], [5], {}, {"key": "text"}, {"key": 5}, object())


class Local:
    """A class only this module's names know (a forward reference resolves in the caller's)."""


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
        module = importlib.import_module(f"{ENGINE.provider}.{name}")
        # `publication` hides a binding module's private names; its classes' code still has them
        a_class = next(value for value in vars(module).values() if isinstance(value, type))
        for attribute, stub in a_class.__init__.__globals__.items():
            if attribute.startswith("_typecheckingstub__"):
                hints += [(f"{name}.{argument}", hint) for argument, hint in typing.get_type_hints(stub).items()]
    return hints


def test_every_argument_check_of_the_bindings_has_typeguards_own_outcome_for_every_kind_of_value():
    hints = stub_hints()
    assert len(hints) > 1000
    # An outcome depends on the type and the value only (the name is only printed), so each
    # distinct type is tried once, under the first argument that has it.
    types_checked = {hint: argname for argname, hint in reversed(hints)}
    assert len(types_checked) > 200
    quick, typeguards = typeguard.check_type, typeguard.check_type.__wrapped__
    outcomes = [(argname, value, outcome(quick, argname, value, hint), outcome(typeguards, argname, value, hint))
                for hint, argname in types_checked.items() for value in VALUES]
    assert [found for found in outcomes if found[2] != found[3]] == []
    # What passes at once: an unset argument (None) wherever it may be unset, and a string for a string.
    optional = [hint for hint in types_checked if type(None) in typing.get_args(hint)]
    assert len(optional) > 100
    assert all(type(None) in _argument_checks.classes_that_pass(hint) for hint in optional)
    assert str in _argument_checks.classes_that_pass(str)


def test_a_wrong_type_given_to_a_binding_still_fails_with_typeguards_message():
    resource_group = importlib.import_module(f"{ENGINE.provider}.resource_group")
    stack = TerraformStack(App(), "checks")
    with pytest.raises(TypeError) as wrong:
        resource_group.ResourceGroup(stack, "group", name=5, location="westeurope")
    with pytest.raises(TypeError) as missing:
        resource_group.ResourceGroup(stack, "group", name="rg", location=None)
    assert (str(wrong.value), str(missing.value)) == (
        "type of argument name must be str; got int instead",
        "type of argument location must be str; got NoneType instead",
    )


def test_a_forward_reference_still_resolves_in_the_callers_names():
    typeguard.check_type("argument value", Local(), typing.ForwardRef("Local"))
    with pytest.raises(TypeError) as wrong:
        typeguard.check_type("argument value", 5, typing.ForwardRef("Local"))
    assert str(wrong.value) == f"type of argument value must be {__name__}.Local; got int instead"


def test_the_quick_path_is_installed_once_and_keeps_the_signatures_and_docs():
    installed = typeguard.check_type, typing.get_type_hints
    _argument_checks.install()
    assert (typeguard.check_type, typing.get_type_hints) == installed
    for wrapper in installed:  # a caller passing any argument by name or by place gets the same
        own = inspect.signature(wrapper, follow_wrapped=False).parameters.values()
        assert [(p.name, p.kind, p.default) for p in own] == [
            (p.name, p.kind, p.default) for p in inspect.signature(wrapper.__wrapped__).parameters.values()
        ]
        assert wrapper.__doc__ == wrapper.__wrapped__.__doc__


def stub(name: str, annotation: str) -> types.FunctionType:
    """A function named as jsii names its stubs, with one deferred annotation."""
    namespace: dict = {}
    exec(f"from __future__ import annotations\ndef {name}(value: {annotation}) -> None: ...", namespace)
    return namespace[name]


def test_a_stubs_hints_are_worked_out_once_and_handed_out_as_copies():
    kept = stub(f"{_argument_checks.STUB_PREFIX}kept", "typing.Optional[Local]")
    kept.__globals__.update(typing=typing, Local=Local)
    first = typing.get_type_hints(kept)
    assert first == {"value": Local | None, "return": type(None)}
    first["value"] = int  # the caller's copy
    kept.__annotations__["value"] = "int"  # a stub's never changes: this one is still kept
    assert typing.get_type_hints(kept) == {"value": Local | None, "return": type(None)}


def test_every_other_objects_hints_are_worked_out_as_before():
    other = stub("not_a_stub", "int")
    assert typing.get_type_hints(other) == {"value": int, "return": type(None)}
    other.__annotations__["value"] = "str"
    assert typing.get_type_hints(other) == {"value": str, "return": type(None)}
    stubbed = stub(f"{_argument_checks.STUB_PREFIX}asked_otherwise", "Local")
    assert typing.get_type_hints(stubbed, globalns={"Local": Local}) == {"value": Local, "return": type(None)}
    assert typing.get_type_hints(stubbed, globalns={"Local": int}) == {"value": int, "return": type(None)}


def test_another_typeguard_release_keeps_its_own_checks_and_says_why(monkeypatch):
    def check_type(value, expected_type, *, argname="value"):  # typeguard 3's (4's has no argname)
        return value

    monkeypatch.setattr(typeguard, "check_type", check_type)
    monkeypatch.setattr(_argument_checks, "version", lambda package: {"typeguard": "3.0.2"}[package])
    assert _argument_checks.why_not() == (
        "typeguard 3.0.2 is installed, and the quick checks are for typeguard 2"
    )
    monkeypatch.setattr(_argument_checks, "version", lambda package: {"typeguard": "4.2.1"}[package])
    assert _argument_checks.why_not() == (
        "typeguard 4.2.1 is installed, and the quick checks are for typeguard 2"
    )


@pytest.mark.slow
@pytest.mark.parametrize(("flags", "environment", "expected"), [
    ([], {}, "True True True\n"),
    (["-O"], {}, "False False False\n"),  # the bindings check nothing under -O
    ([], {"SIGMATIQ_FULL_IMPORT": "1"}, "False False False\n"),  # the normal runtime, as asked
])
def test_the_quick_checks_are_on_only_where_the_bindings_check_and_the_fast_runtime_is_asked_for(
    flags, environment, expected,
):
    code = ("from sigmatiq_infra import runtime; status = runtime.enable(); import typeguard; "
            "import typing; print(status.quick_checks, hasattr(typeguard.check_type, '__wrapped__'), "
            "hasattr(typing.get_type_hints, '__wrapped__'))")
    result = subprocess.run(
        [sys.executable, *flags, "-c", code], capture_output=True, text=True, timeout=120,
        env={"PATH": f"{NODE_BIN}:{VENV_BIN}:/usr/bin:/bin", **environment},
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, expected, "")
