"""Quick argument checks: the bindings' checks without the work that cannot change them.

Without `-O`, every binding call checks each of its arguments, the unset ones (None) too
(an `AzurermProvider` alone checks about 65), against `typing.get_type_hints(<a stub
function>)`. Two parts of that work give the same answer every time:

- **The stubs' hints.** Python 3.11 works a function's hints out anew on every call, and
  the bindings' annotations are text (deferred: PEP 563), so every call compiles each
  argument's type again (about a third of such a synth). A stub's hints never change:
  `install()` keeps them per stub (`_typecheckingstub__...`) and hands out a copy; every
  other object's hints are worked out as before.
- **The checks that cannot fail** (typeguard 2, the release jsii pins): a None for a type
  that admits it (`Optional[...]`, `Any`, `object`), and a value whose class is exactly one
  that typeguard checks with `isinstance` (alone or as a member of a `Union`: `str` in
  `Union[str, IResolvable]`), since `isinstance` holds for an exact class. Those pass at
  once (which classes pass is worked out once per expected type); every other check is
  typeguard's own, with its caller's names for forward references, so every failure and
  its message are too. Another typeguard release keeps its own checks.

It is part of the fast runtime (`sigmatiq_infra.runtime.enable()`). Under `-O` the bindings
check nothing, and nothing is installed.
"""

from __future__ import annotations

import functools
import sys
import types
import typing
from importlib.metadata import version

_NONE = type(None)
STUB_PREFIX = "_typecheckingstub__"
"""How jsii names the functions whose hints its bindings check arguments against."""


def why_not() -> str | None:
    """Why the checks that cannot fail cannot be passed at once in this process, or None."""
    installed = version("typeguard")
    if installed.split(".")[0] != "2":  # as the bindings tell the releases apart
        return f"typeguard {installed} is installed, and the quick checks are for typeguard 2"
    return None


def install() -> str | None:
    """Keep the stubs' hints and, with typeguard 2, pass the checks that cannot fail at once
    (once per process; see the module's docstring). Why the checks themselves stay
    typeguard's own, or None."""
    _keep_the_stubs_hints()
    problem = why_not()
    if problem is None:
        _pass_what_cannot_fail()
    return problem


def _keep_the_stubs_hints() -> None:
    if getattr(typing.get_type_hints, "__wrapped__", None) is not None:
        return
    original = typing.get_type_hints
    kept: dict[types.FunctionType, dict[str, typing.Any]] = {}

    @functools.wraps(original)
    def get_type_hints(obj, globalns=None, localns=None, include_extras=False):  # type: ignore[no-untyped-def]
        if (type(obj) is not types.FunctionType or not obj.__name__.startswith(STUB_PREFIX)
                or (globalns, localns, include_extras) != (None, None, False)):
            return original(obj, globalns, localns, include_extras)
        try:
            hints = kept[obj]
        except KeyError:
            hints = kept[obj] = original(obj)
        return dict(hints)  # a copy: the caller may change it

    typing.get_type_hints = get_type_hints


def _pass_what_cannot_fail() -> None:
    import typeguard

    if getattr(typeguard.check_type, "__wrapped__", None) is not None:
        return
    original = typeguard.check_type
    passing: dict[object, frozenset[type]] = {}  # by expected type: the exact classes that pass

    @functools.wraps(original)
    def check_type(argname, value, expected_type, memo=None, *, globals=None, locals=None):  # type: ignore[no-untyped-def]
        try:
            classes = passing[expected_type]
        except KeyError:
            classes = passing[expected_type] = classes_that_pass(expected_type)
        except TypeError:  # an unhashable expected type
            classes = frozenset()
        if type(value) in classes:
            return None
        if memo is None:  # typeguard resolves forward references in its caller's names
            caller = sys._getframe(1)
            globals = caller.f_globals if globals is None else globals
            locals = caller.f_locals if locals is None else locals
        return original(argname, value, expected_type, memo, globals=globals, locals=locals)

    typeguard.check_type = check_type


def classes_that_pass(expected: object) -> frozenset[type]:
    """The classes whose exact instances typeguard 2 passes for `expected`, every time (the
    ones it checks with `isinstance`, and None where the type admits it); other values go to
    typeguard."""
    if expected is typing.Any or expected is object or expected is None:
        return frozenset({_NONE})
    if typing.get_origin(expected) is typing.Union:
        return frozenset(arg for arg in typing.get_args(expected) if _checked_by_isinstance(arg))
    return frozenset({expected}) if _checked_by_isinstance(expected) else frozenset()


def _checked_by_isinstance(cls: object) -> bool:
    """Whether typeguard 2 checks a value against `cls` with `isinstance` alone (not a tuple,
    number, IO, TypedDict or protocol, which have checks of their own)."""
    return (
        isinstance(cls, type) and typing.get_origin(cls) is None
        and not issubclass(cls, (tuple, float, complex, typing.IO))
        and not typing.is_typeddict(cls) and not getattr(cls, "_is_protocol", False)
    )
