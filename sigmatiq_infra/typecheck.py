"""Type checks of props and settings against their annotations, with beartype.

Every field of a props or settings dataclass is checked before any rule runs: a port given
as `"8004"` or a replica count of `1.5` is reported as a type problem naming the field, the
value and the expected type, instead of failing later inside a rule or the bindings.
Dataclasses nested in fields (a list of subnets, a mapping of environments) are checked
field by field, so a problem names `apps[2].port`, not a whole list. Terraform tokens (values
known only at deploy time) pass where a value of their kind goes (a string token where a string
goes, a number token where a number goes), never where an object goes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import enum
import functools
import math
import sys
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from beartype import BeartypeConf, BeartypeStrategy
from beartype.door import is_bearable
from beartype.roar import BeartypeException

from sigmatiq_infra.tokens import TOKEN_SHOWN, is_token

_CONF = BeartypeConf(strategy=BeartypeStrategy.On, is_pep484_tower=True)
"""Check every item of a container (not one sample), and let an int stand for a float."""


@dataclass(frozen=True)
class TypeProblem:
    owner: str
    """The dataclass whose field it is, e.g. `AppSettings`."""
    trail: str
    """Where that dataclass sits below the checked one, e.g. `apps[2]` (empty at the top)."""
    field: str
    value: Any
    hint: Any

    @property
    def prop(self) -> str:
        """The field as seen from the checked dataclass, e.g. `apps[2].port`."""
        return f"{self.trail}.{self.field}" if self.trail else self.field

    def message_parts(self, prop: str | None = None) -> tuple[str, Any, str, str, str]:
        """(prop, value, problem, allowed, fix) for `Validator.fail`."""
        prop = prop or self.prop
        expected = describe(self.hint)
        if is_token(self.value):
            wrap = f"give {prop} a value of type {expected}"
            if hasattr(self.hint, "from_inputs"):
                wrap = (f"wrap it: {expected}(<the expression>, version), or pass what "
                        f"{expected}.from_inputs(...) returns itself, not its .value")
            # A text token, a number token, or an opaque one (`TerraformVariable.value`, any type).
            elif not isinstance(self.value, (float, list, tuple)) and _bearable(0, self.hint):
                # Terraform converts "8080" to 8080
                wrap = "read it as a number: Token.as_number(<the expression>) (from sigmatiq_infra.cdk import Token)"
            elif not isinstance(self.value, (str, list, tuple)) and _bearable("", self.hint):
                wrap = "read it as text: Token.as_string(<the expression>) (from sigmatiq_infra.cdk import Token)"
            elif isinstance(self.value, str) and _bearable(True, self.hint):  # Terraform converts "true" to true
                wrap = "read it as a bool: Fn.tobool(<the expression>) (from sigmatiq_infra.cdk import Fn)"
            return prop, TOKEN_SHOWN, f"is a deploy-time expression, where {expected} goes", expected, wrap
        if _holds_secret(self.hint):
            # Never echo what was given where a secret goes: it is most likely the secret itself.
            shown = "<literal string>" if isinstance(self.value, str) else "<literal value>"
            return (
                prop, shown, f"is a literal {type(self.value).__name__}, where a secret goes", expected,
                f"pass a deploy-time input, e.g. {expected}.from_inputs(stack, 'db_password', 'the database "
                "password') (TF_VAR_db_password at deploy time); never the secret as text"
                if hasattr(self.hint, "from_inputs") else f"give {prop} a value of type {expected}",
            )
        fix = f"give {prop} a value of type {expected}"
        number = _number(self.value) if isinstance(self.value, str) else None
        switch = _switch(self.value)
        text = str in (_simple(self.hint) or ())  # where text goes (not a list of anything, which "" is too)
        attribute = _attribute_meant(prop, self.value) if text else None
        if isinstance(self.value, enum.Enum) and _bearable(self.value.value, self.hint):  # an app's own IntEnum
            fix = f"give {prop} the member's value: {as_code(self.value)}.value"
        elif attribute is not None:  # a construct where its name or id goes
            fix = f"give {prop} the construct's {attribute}: {as_code(self.value)}.{attribute}"
        elif text and isinstance(self.value, enum.Enum) and isinstance(getattr(self.value, "guid", None), str) and (
            prop.endswith("guid")
        ):
            fix = f"give {prop} the role's GUID: {self.value.guid!r}"  # a BuiltInRole where its GUID goes
        elif text and isinstance(self.value, enum.Enum) and isinstance(getattr(self.value, "display_name", None), str):
            fix = f"give {prop} the role's name: {self.value.display_name!r}"  # a BuiltInRole where its name goes
        elif number is not None and _bearable(number, self.hint):
            fix += f": {self.value} without quotes"
        elif switch is not None and _bearable(switch, self.hint):  # 'true' or 1 where a bool goes
            fix += f": {switch}" + (" without quotes" if isinstance(self.value, str) else "")
        elif isinstance(self.value, str) and isinstance(self.hint, type) and issubclass(self.hint, enum.Enum):
            fix = _enum_fix(prop, self.value, self.hint)  # a member's name as text, as settings spell it
        elif isinstance(self.value, str) and _bearable([self.value], self.hint):
            fix = f"give {prop} a list, even of one: [{self.value!r}]"
        elif isinstance(self.value, str) and _bearable((self.value,), self.hint):
            fix = f"give {prop} a tuple, even of one: ({self.value!r},)"
        elif not isinstance(self.value, (str, bytes)) and _bearable([self.value], self.hint):  # e.g. one construct
            fix = f"give {prop} a list, even of one: [{as_code(self.value)}]"
        elif isinstance(self.value, list) and all(isinstance(item, (str, int)) for item in self.value) and _bearable(
            tuple(self.value), self.hint,
        ):
            fix = f"give {prop} a tuple, in parentheses: {tuple(self.value)!r}"  # e.g. an NSG rule's ports
        elif isinstance(self.value, (int, float)) and not isinstance(self.value, bool) and _bearable(
            str(self.value), self.hint,
        ):
            fix += f": '{self.value}' in quotes"
        elif getattr(type(self.value), "holds_secret", False) is True:  # a WriteOnlySecret where no secret goes
            fix = (f"keep the secret out of {prop} (Terraform keeps it in state and plan): store it as a vault "
                   f"secret, vault.add_secret(id, SecretProps(name, <the {type(self.value).__name__}>)), and pass "
                   "that secret instead (a container app reads it through secret_env)")
        elif type(self.value) is datetime.date and _bearable(self.value.isoformat(), self.hint):
            fix += f": '{self.value.isoformat()}' in quotes"  # e.g. a budget's start_date
        elif type(self.value) is datetime.datetime and self.value.time() == datetime.time() and _bearable(
            "", self.hint,
        ):
            fix += f": '{self.value.date().isoformat()}' in quotes"  # a midnight's day, as a date is written
        if type(self.value) is float and not math.isfinite(self.value):
            return prop, self.value, "is not a finite number", expected, f"give {prop} a number"
        if _beyond_float(self.value) and _bearable(0.0, self.hint):
            return prop, self.value, f"is beyond the range of a number (±{sys.float_info.max:.1e})", expected, (
                f"give {prop} a number")
        return prop, self.value, f"has the type {type(self.value).__name__}", expected, fix


def _attribute_meant(prop: str, value: Any) -> str | None:
    """The attribute of the construct `value` that a text field `prop` means: `target_id` its `id`,
    `location` its `location`, a name (`name`, a backend's `resource_group`) its `name`; None when
    `value` is no construct or the field means none of them."""
    if getattr(getattr(value, "node", None), "path", None) is None or isinstance(value, (str, int, float)):
        return None
    field = prop.rsplit(".", 1)[-1]
    attribute = (
        "id" if field == "id" or field.endswith("_id") else "location" if field == "location"
        else "name" if field.endswith(("name", "resource_group", "storage_account")) else None
    )
    return attribute if attribute is not None and isinstance(getattr(value, attribute, None), str) else None


def _enum_fix(prop: str, text: str, members: type[enum.Enum]) -> str:
    """How to give the member of `members` that `text` names (in any case, '-' or ' ' for '_'), or
    which members there are."""
    wanted = text.strip().upper().replace("-", "_").replace(" ", "_")
    kind = members.__name__
    if wanted in members.__members__:
        return f"give {prop} the member itself, not its name: {kind}.{wanted} (from sigmatiq_infra.constructs)"
    return f"give {prop} one of {', '.join(f'{kind}.{name}' for name in members.__members__)}"


def _switch(value: Any) -> bool | None:
    """The bool `value` is written as, in another type: 'true' or 'False' as text, 1 or 0."""
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if type(value) in (int, float) and value in (0, 1):
        return bool(value)
    return None


def _holds_secret(hint: Any) -> bool:
    """Whether `hint` is, or is a union with, a type that states it holds a secret
    (`holds_secret = True`, e.g. `WriteOnlySecret`)."""
    options = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else (hint,)
    return any(getattr(option, "holds_secret", False) is True for option in options)


def _number(text: str) -> int | float | None:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return None


def value_problems(path: str, value: Any, hint: Any) -> list[TypeProblem]:
    """Every type problem of `value` against `hint` (looking into dataclasses)."""
    return list(_problems("", "", value, hint, path))


def problems_of(instance: Any) -> list[TypeProblem]:
    """Every type problem of a dataclass instance and the dataclasses inside it."""
    return [p for field, hint in _fields(type(instance)) for p in _field_problems(instance, "", field.name, hint)]


def check_dataclass(instance: Any) -> tuple[list[TypeProblem], Any]:
    """(problems, a copy safe to build with, or None when a bad field cannot be replaced)."""
    problems: list[TypeProblem] = []
    replacements: dict[str, Any] = {}
    safe = True
    for field, hint in _fields(type(instance)):
        found = list(_field_problems(instance, "", field.name, hint))
        if not found:
            continue
        problems += found
        replacement = _neutral(field, hint)
        if replacement is _NONE:
            safe = False
        else:
            replacements[field.name] = replacement
    if not problems:
        return [], instance
    return problems, dataclasses.replace(instance, **replacements) if safe else None


def _field_problems(owner: Any, trail: str, name: str, hint: Any):
    yield from _problems(type(owner).__name__, trail, getattr(owner, name), hint, name)


def _problems(owner: str, trail: str, value: Any, hint: Any, name: str):
    """Problems of `value` (field `name` of an `owner` at `trail`) against `hint`. Containers
    are checked item by item (a problem names `containers[2]` or `env['PORT']`), every item,
    and a string is not taken for a sequence of strings."""
    if hint is Any:
        return
    if is_token(value):
        if not _token_fits(value, hint):
            yield TypeProblem(owner, trail, name, value, hint)
        return
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        yield from _union_problems(owner, trail, value, hint, name)
        return
    if dataclasses.is_dataclass(hint) and isinstance(value, hint):
        here = f"{trail}.{name}" if trail else name
        for field, field_hint in _fields(hint):
            yield from _field_problems(value, here, field.name, field_hint)
        return
    if origin in _SEQUENCES and arguments:
        if not _is_container(value, origin):
            yield TypeProblem(owner, trail, name, value, hint)
        elif origin is tuple and arguments[-1] is not Ellipsis:
            if len(value) != len(arguments):
                yield TypeProblem(owner, trail, name, value, hint)
                return
            for index, (item, item_hint) in enumerate(zip(value, arguments, strict=True)):
                yield from _problems(owner, trail, item, item_hint, f"{name}[{index}]")
        else:
            for index, item in enumerate(value):
                yield from _problems(owner, trail, item, arguments[0], f"{name}[{index}]")
        return
    if origin in _MAPPINGS and len(arguments) == 2:
        if not _is_container(value, origin):
            yield TypeProblem(owner, trail, name, value, hint)
            return
        for key, item in value.items():
            if not is_token(key) and not _bearable(key, arguments[0]):
                yield TypeProblem(owner, trail, f"{name} key", key, arguments[0])
            yield from _problems(owner, trail, item, arguments[1], f"{name}[{key!r}]")
        return
    if not _bearable(value, hint):
        yield TypeProblem(owner, trail, name, value, hint)


def _token_fits(token: Any, hint: Any) -> bool:
    """A token stands for a value of its own kind only: a string token (`var.x.string_value`)
    where a string goes, a number token where a number goes. Where an object goes (a
    `WriteOnlySecret`, a resource group) a bare expression is no such object: the construct
    would fail on it later (`'str' object has no attribute 'name'`). A list token (a list of
    one encoded string) stands for a list of strings; other tokens (a boolean, a map or `any`
    value) reach here as jsii proxies and stand where a boolean goes."""
    if isinstance(token, str):
        return _bearable("", hint)
    if isinstance(token, float):
        return _bearable(0, hint) or _bearable(0.0, hint)
    if isinstance(token, (list, tuple)):  # a list token: a list of strings, length unknown
        # Where a tuple of strings goes too (an NSG rule's ports): it is written as Terraform's list.
        return _bearable([""], hint) or _bearable(("",), hint)
    return _bearable(True, hint)


_SEQUENCES = (tuple, Sequence, list)
_MAPPINGS = (Mapping, dict)


def _is_container(value: Any, origin: Any) -> bool:
    """`value` is of the container type `origin` (a string is no sequence here: `"data"`
    for `containers` is a mistake, not four one-letter containers)."""
    if origin in _MAPPINGS:
        return isinstance(value, origin)
    return isinstance(value, origin) and not isinstance(value, (str, bytes))


def _union_problems(owner: str, trail: str, value: Any, hint: Any, name: str):
    """No problems when an option takes `value`; else the problems of the option of the
    value's own kind (its items named), or one problem for the whole value."""
    kindred = None
    for option in typing.get_args(hint):
        found = list(_problems(owner, trail, value, option, name))
        if not found:
            return
        origin = typing.get_origin(option) or option
        own_kind = (
            _is_container(value, origin) if origin in (*_SEQUENCES, *_MAPPINGS)
            else isinstance(origin, type) and dataclasses.is_dataclass(origin) and isinstance(value, origin)
        )
        if own_kind and kindred is None:
            kindred = found
    if kindred is not None:
        yield from kindred
    else:
        yield TypeProblem(owner, trail, name, value, hint)


_SIMPLE: dict[Any, tuple[type, ...]] = {
    str: (str,), bool: (bool,), int: (int,), float: (int, float), type(None): (type(None),),
}
"""Hints checked with `isinstance` alone, as beartype checks them (`float` takes an `int`)."""
_UNCHECKABLE: set[Any] = set()
"""Hints beartype said it cannot check at run time (asked once, not per value)."""


def as_code(value: Any) -> str:
    """A value as a fix writes it in code: a construct as `<Kind 'path'>`, an enum member by its
    name (`BuiltInRole.OWNER`), anything else as repr."""
    node = getattr(value, "node", None)
    if node is not None and isinstance(getattr(node, "path", None), str):
        return f"<{type(value).__name__} '{node.path}'>"
    return f"{type(value).__name__}.{value.name}" if isinstance(value, enum.Enum) else repr(value)


def _bearable(value: Any, hint: Any) -> bool:
    simple = _simple(hint)
    if simple is not None:
        # True is an int to Python, not a number to Azure or jsii: a bool passes a bool hint only.
        # A member of an app's own number enum (an IntEnum) is an int to Python, but jsii sends an
        # enum member as one of its own enums and fails (`AttributeError: __jsii_type__`); a str
        # enum's member is sent as its text.
        # NaN and infinity are floats to Python, but no JSON number: jsii cannot send them; nor an
        # int beyond a float's range where a float goes (Node.js reads it as infinity, written as null).
        return isinstance(value, simple) and (type(value) is not bool or bool in simple) and (
            type(value) is not float or math.isfinite(value)
        ) and (not isinstance(value, enum.Enum) or isinstance(value, str)) and (
            float not in simple or not _beyond_float(value)
        )
    try:
        if hint in _UNCHECKABLE:
            return True
    except TypeError:  # an unhashable hint
        pass
    try:
        return is_bearable(value, hint, conf=_CONF)
    except BeartypeException:
        with contextlib.suppress(TypeError):  # an unhashable hint is asked again next time
            _UNCHECKABLE.add(hint)
        return True  # a hint beartype cannot check at run time (e.g. a jsii interface)


def _beyond_float(value: Any) -> bool:
    """An int too large (or too small) for a float: `float(value)` fails with OverflowError."""
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) > sys.float_info.max


@functools.lru_cache(maxsize=512)
def _simple_cached(hint: Any) -> tuple[type, ...] | None:
    if hint in _SIMPLE:
        return _SIMPLE[hint]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        options = [_SIMPLE.get(option) for option in typing.get_args(hint)]
        if all(options):
            return tuple(kind for option in options for kind in option)  # type: ignore[union-attr]
    return None


def _simple(hint: Any) -> tuple[type, ...] | None:
    """The types `hint` is made of when it is a simple type or a union of them, else None."""
    try:
        return _simple_cached(hint)
    except TypeError:  # an unhashable hint
        return None


@functools.cache
def _fields(cls: type) -> tuple[tuple[dataclasses.Field, Any], ...]:
    try:
        hints = typing.get_type_hints(cls)
    except NameError as error:  # an app's own props class annotated with a name its module lacks
        error.add_note(
            f"in the annotations of {cls.__module__}.{cls.__qualname__}, which the type checks read: import "
            f"{error.name or 'that name'} in its module (the library's types: from sigmatiq_infra.constructs)"
        )
        raise
    return tuple((field, hints[field.name]) for field in dataclasses.fields(cls) if field.init)


_NONE = object()


def _neutral(field: dataclasses.Field, hint: Any) -> Any:
    """A value of the right type for a badly typed field: its default, else an empty one."""
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return _empty(hint)


def _empty(hint: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return None if type(None) in typing.get_args(hint) else _empty(typing.get_args(hint)[0])
    base = origin or hint
    for kind, empty in ((bool, False), (str, ""), (int, 0), (float, 0.0)):
        if base is kind:
            return empty
    if base in (tuple, Sequence, list):
        return ()
    if base in (Mapping, dict):
        return {}
    if getattr(base, "_is_runtime_protocol", False):
        # e.g. IResourceGroup: an object with the protocol's attributes, all empty
        members = [name for name in vars(base) if not name.startswith("_")]
        return types.SimpleNamespace(**dict.fromkeys(members, ""))
    return _NONE


def describe(hint: Any) -> str:
    """An annotation as a reader knows it: `int`, `str or None`, `tuple of AppSettings`."""
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return " or ".join("None" if a is type(None) else describe(a) for a in arguments)
    if origin is tuple and arguments and arguments[-1] is not Ellipsis:
        return f"a tuple of {len(arguments)} ({', '.join(describe(a) for a in arguments)})"
    if origin in (tuple, Sequence, list) and arguments:
        return f"a {'tuple' if origin is tuple else 'sequence'} of {describe(arguments[0])}"
    if origin in (Mapping, dict) and len(arguments) == 2:
        return f"a mapping of {describe(arguments[0])} to {describe(arguments[1])}"
    if getattr(hint, "_is_runtime_protocol", False):
        members = " and ".join(name for name in vars(hint) if not name.startswith("_"))
        return f"{hint.__name__} (an object with {members})"
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "")
