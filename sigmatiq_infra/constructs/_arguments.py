"""Props called with arguments they do not take: a problem in the app's list.

A props class is a dataclass, so a misspelled keyword (`locaton=`), a setting the library
does not offer, or a missing required field is Python's `TypeError` in the user's code, with
a traceback and without the problems found before it. `check_arguments(cls)` wraps the
class's `__init__`: such a call raises one `ValidationError` naming the props class, the
argument, the fields it has (the likely one first) and the fix, which `with App()` and the
launcher report with every other problem. Nothing runs at import but the wrapping.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import inspect
from typing import Any

from sigmatiq_infra.validation import ValidationError, Validator


class _NotGiven:
    def __repr__(self) -> str:
        return "(not given)"


NOT_GIVEN = _NotGiven()
"""An argument left out, as a message shows it."""


def check_arguments(*classes: type) -> None:
    """Report bad arguments to each dataclass in `classes` as problems (once per class)."""
    for cls in classes:
        own = cls.__dict__.get("__init__")
        if own is None or getattr(own, "_sigmatiq_checked", False):
            continue
        cls.__init__ = _checked(cls, own)  # type: ignore[misc]


def _checked(cls: type, own: Any) -> Any:
    @functools.wraps(own)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        try:
            own(self, *args, **kwargs)
        except TypeError:
            problems = argument_problems(cls, own, args, kwargs)
            if not problems:
                raise  # not the call's arguments: a genuine bug keeps its traceback
            raise ValidationError(problems) from None

    __init__._sigmatiq_checked = True  # type: ignore[attr-defined]
    return __init__


def argument_problems(cls: type, own: Any, args: tuple, kwargs: dict[str, Any]) -> list[str]:
    """What is wrong with calling `cls(*args, **kwargs)`: one problem per argument (none when
    the arguments bind)."""
    fields = [field.name for field in dataclasses.fields(cls) if field.init]
    required = [
        field.name for field in dataclasses.fields(cls)
        if field.init and field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
    ]
    check = Validator(cls.__name__, "arguments")
    listed = ", ".join(fields)
    for name in kwargs:
        if name not in fields:
            close = difflib.get_close_matches(name, fields, n=1)
            check.fail(
                "keyword", name, "is not one of its fields" + (f" (did you mean {close[0]!r}?)" if close else ""),
                listed, f"write {close[0]}=<value> instead" if close
                else f"remove {name}=<value> ({cls.__name__} has no such setting)",
            )
    if len(args) > len(fields):
        check.fail(
            "arguments", f"{len(args)} given by position", f"are more than its {len(fields)} fields", listed,
            "give the optional ones by keyword",
        )
    given = set(fields[:len(args)]) | set(kwargs)
    for name in fields[:len(args)]:
        if name in kwargs:
            check.fail("keyword", name, "is given twice (by position and by keyword)", listed, f"give {name} once")
    for name in required:
        if name not in given:
            check.fail(
                name, NOT_GIVEN, "is required", f"{', '.join(required)} always given",
                f"pass {name}: {cls.__name__}({', '.join(f'{n}=...' for n in required)})",
            )
    if check.problems:
        return list(check.problems)
    try:  # anything else the signature refuses: said as Python says it
        inspect.signature(own).bind(None, *args, **kwargs)
    except TypeError as problem:
        check.fail("arguments", str(problem), "do not fit", listed, f"call {cls.__name__} with its fields")
    return list(check.problems)
