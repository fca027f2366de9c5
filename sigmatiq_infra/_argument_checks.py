"""Quick argument checks: the bindings' checks that cannot fail, passed at once.

Without `-O`, every binding call checks each of its arguments with `typeguard.check_type`,
the unset ones (None) too: an `AzurermProvider` alone checks about 65. Most of these checks
cannot fail: a None for a type that admits it (`Optional[...]`, `Any`, `object`), and a
value whose class is exactly one that typeguard checks with `isinstance` (alone or as a
member of a `Union`: `str` in `Union[str, IResolvable]`), since `isinstance` holds for an
exact class. `install()` wraps `typeguard.check_type` so that those pass at once (which
classes pass is worked out once per expected type); every other check is typeguard's own,
with its caller's names for forward references, so every failure and its message are too.
About a quarter of a synth's time without `-O`. Under `-O` the bindings check nothing, and
nothing is installed.

It is part of the fast runtime (`sigmatiq_infra.runtime.enable()`), for typeguard 2 (the
release jsii pins, whose `check_type` the bindings call with `argname`); another release
keeps its own checks.
"""

from __future__ import annotations

import sys
import typing
from importlib.metadata import version

_NONE = type(None)


def why_not() -> str | None:
    """Why the quick checks cannot be had in this process, or None."""
    import typeguard

    if getattr(typeguard.check_type, "__wrapped__", None) is not None:
        return None  # installed already
    installed = version("typeguard")
    if installed.split(".")[0] != "2":  # as the bindings tell the releases apart
        return f"typeguard {installed} is installed, and the quick checks are for typeguard 2"
    return None


def install() -> None:
    """Wrap `typeguard.check_type` (once per process; see the module's docstring)."""
    import typeguard

    if getattr(typeguard.check_type, "__wrapped__", None) is not None:
        return
    original = typeguard.check_type
    passing: dict[object, frozenset[type]] = {}  # by expected type: the exact classes that pass

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

    check_type.__wrapped__ = original  # type: ignore[attr-defined]
    check_type.__doc__ = original.__doc__
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
