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
from collections.abc import Callable
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


def checked_call(function: Any = None, *, nothing: Callable[[], Any] | None = None) -> Any:
    """A construct's constructor or method whose call with arguments it does not take (a
    keyword-only one given by position, one left out, one it has not) is one problem naming
    the construct, the call and how to write it, not Python's `TypeError`: a constructor
    raises it as a `ValidationError` (there is no construct to go on with); a method given
    `nothing` (what it returns when it made nothing, e.g. `list`) records it in the app's list
    and returns `nothing()`, so the run goes on to find every other problem. The arguments are
    bound only when the call fails: a call that fits costs nothing, and a `TypeError` from
    inside keeps its traceback."""
    if function is None:
        return functools.partial(checked_call, nothing=nothing)
    signature = inspect.signature(function)

    @functools.wraps(function)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return function(self, *args, **kwargs)
        except TypeError as error:
            try:
                signature.bind(self, *args, **kwargs)
            except TypeError as problem:
                check = _call_problem(function, signature, self, args, kwargs, problem)
                if nothing is None:
                    raise ValidationError(check.problems) from None
                check.done()
                return nothing()
            raise error

    return call


def checked_function(function: Any) -> Any:
    """A library function or static method (`deploy_input`, `WriteOnlySecret.from_inputs`) whose
    call does not fit its signature is one `ValidationError` naming it, its scope and how to
    write the call, not Python's `TypeError`; as `checked_call`, bound only when the call fails."""
    signature = inspect.signature(function)

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except TypeError as error:
            try:
                signature.bind(*args, **kwargs)
            except TypeError as problem:
                owner, _, name = function.__qualname__.rpartition(".")
                scope, given = [*args, None, None][:2]
                node = getattr(scope, "node", None)
                where = node.path if node is not None and isinstance(node.path, str) and node.path else "arguments"
                if node is not None and isinstance(given, str) and given:
                    where = f"{where}/{given}" if where != "arguments" else given
                check = _fit_problem(
                    owner or name, where, name, list(signature.parameters.values()), args, kwargs, problem, None,
                )
                raise ValidationError(check.problems) from None
            raise error

    return call


def made_nothing() -> None:
    """What a checked method that returns an optional result gives for a call that does not fit."""
    return None


def _call_problem(
    function: Any, signature: inspect.Signature, self: Any, args: tuple, kwargs: dict[str, Any], problem: TypeError,
) -> Validator:
    kind = type(self).__name__
    constructor = function.__name__ == "__init__"
    name = kind if constructor else function.__name__
    if constructor:  # the construct is not made yet: its path is its scope's and its id
        scope, id = [*args, None, None][:2]
        node = getattr(scope, "node", None)
        scope_path = None if node is None else node.path or "the app"
        if not isinstance(id, str):
            where = scope_path
        else:
            where = id if scope_path in (None, "the app") else f"{scope_path}/{id}"
    else:
        where = self
    props = _props_class(function, signature) if constructor else None
    parameters = list(signature.parameters.values())[1:]  # without self
    return _fit_problem(kind, where, name, parameters, args, kwargs, problem, props)


def _fit_problem(
    kind: str, where: Any, name: str, parameters: list[inspect.Parameter], args: tuple, kwargs: dict[str, Any],
    problem: TypeError, props: type | None,
) -> Validator:
    """The problem of a call of `name` (of `kind`, at `where`) whose arguments do not fit
    `parameters`, with how to write it; `props`: the props class a constructor takes."""
    from sigmatiq_infra.typecheck import as_code  # loaded with the first problem, as with the first props

    # The signature as code reads it (no annotations: they are text here).
    plain = inspect.Signature([p.replace(annotation=p.empty) for p in parameters])
    written_signature = f"{name}{plain}"
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    keyword_only = [p for p in parameters if p.kind is p.KEYWORD_ONLY]
    extra = args[len(positional):]
    unknown = [key for key in kwargs if key not in {p.name for p in parameters}]
    close = difflib.get_close_matches(unknown[0], [p.name for p in parameters], n=1) if unknown else []
    if props is not None and "props" not in kwargs and (
        len(args) > len(positional) or (kwargs and set(kwargs) <= {f.name for f in dataclasses.fields(props)})
    ):  # the props' fields given to the construct itself, as an AWS CDK construct in Python takes them
        settings = [as_code(value) for value in args[2:]] + [f"{key}={as_code(value)}" for key, value in kwargs.items()]
        fix = f"pass them in {props.__name__}: {name}(scope, {as_code(args[1]) if len(args) > 1 else 'id'}, " \
              f"{props.__name__}({', '.join(settings)}))"
    elif props is not None and len(args) == 2 and isinstance(args[1], props):  # the id left out
        fix = f"give the construct an id before its props: {name}(scope, 'MyId', {props.__name__}(...))"
    elif props is not None and len(args) < 3 and "props" not in kwargs:
        fix = f"pass its {props.__name__}: {name}(scope, {as_code(args[1]) if len(args) > 1 else 'id'}, " \
              f"{props.__name__}(...))"
    elif extra and len(extra) <= len(keyword_only):
        written = [as_code(value) for value in args[:len(positional)]]
        written += [f"{p.name}={as_code(value)}" for p, value in zip(keyword_only, extra, strict=False)]
        written += [f"{key}={as_code(value)}" for key, value in kwargs.items()]
        fix = f"give {', '.join(p.name for p in keyword_only[:len(extra)])} by keyword: {name}({', '.join(written)})"
    elif close:
        fix = f"write {close[0]}= instead of {unknown[0]}="
    else:
        fix = f"call it as {written_signature}"
    check = Validator(kind, where)
    check.fail(
        f"{name}() arguments", _Written(f"{len(args)} by position, {len(kwargs)} by keyword"),
        f"do not fit its signature: {problem}", written_signature, fix,
    )
    return check


def _props_class(function: Any, signature: inspect.Signature) -> type | None:
    """The props dataclass a construct's constructor takes (its `props` parameter), or None."""
    parameter = signature.parameters.get("props")
    hint = None if parameter is None else parameter.annotation
    if isinstance(hint, str):  # `from __future__ import annotations`: the class by its name
        hint = inspect.unwrap(function).__globals__.get(hint)  # the module of the constructor itself
    return hint if isinstance(hint, type) and dataclasses.is_dataclass(hint) else None


class _Written(str):
    def __repr__(self) -> str:
        return f"({self})"
