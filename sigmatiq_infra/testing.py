"""Test your own stacks: templates, matchers, annotations and a mocked-provider plan.

The AWS CDK's `assertions` model, in this library's terms::

    from sigmatiq_infra.testing import Annotations, Capture, Match, Template

    template = Template.from_stack(stack)         # synthesized as `cdktf synth` would, nothing written
    template.has_resource("azurerm_key_vault", {
        "name": "kv-orders-dev",
        "rbac_authorization_enabled": True,
        "network_acls": Match.absent(),           # partial match by default; absent: not set at all
    })
    template.resource_count_is("azurerm_role_assignment", 3)
    template.has_output("database_fqdn")
    uri = Capture()
    template.has_resource("azurerm_container_app", {"name": "orders-api", "secret": Match.array_with([
        {"key_vault_secret_id": uri},
    ])})
    assert uri.as_string().startswith("${azurerm_key_vault_secret.")
    Annotations.from_stack(stack).has_no_errors()  # problems and policy findings, inspectable

A template comes from a real synth of the whole app (aspects, policy packs, the library's
checks of names and limits, the app's own checks), made once per app: the templates of all
its stacks share it, and a construct added after it fails the next `from_stack` (build the
whole app first). When the app has problems, `Template.from_stack` fails with all of them
as one numbered list; `Annotations.from_stack` lists them instead.

A failing assertion names the closest resource of the type and each key that differs,
expected against actual (a key a pattern names must be set, unless the pattern is `absent()`;
a boolean never matches a number). `template.to_snapshot()` is the whole stack with stable
ordering, for review; `assert_matches_snapshot(path)` keeps it in a file (under CI a missing
one fails).

`plan_test(stacks)` (the `sigmatiq-infra plan-test` command) runs Terraform itself on what
the stacks synthesized: `terraform test` with a mocked azurerm provider, so the provider's
argument checks, the stacks' preconditions and every deploy-time input rule run with no Azure
account (Terraform must be able to install or find the azurerm provider).
"""

from __future__ import annotations

import difflib
import functools
import inspect
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from sigmatiq_infra.plan_test import PlanTestResult, plan_test, write_plan_test
from sigmatiq_infra.tokens import is_token
from sigmatiq_infra.validation import format_problems

__all__ = [
    "Annotations", "Capture", "Match", "Matcher", "PlanTestResult", "Template", "plan_test", "write_plan_test",
]

_MISSING = object()
"""A key that is not in the actual document."""


# --- matchers ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mismatch:
    """One place where the actual value differs from the pattern."""

    path: str
    expected: str
    actual: Any
    hint: str = ""
    """Said after the expected value, whole (`_TOKEN_HINT`)."""

    def __str__(self) -> str:
        actual = "(not set)" if self.actual is _MISSING else _text(self.actual)
        expected, actual, same = _cut_pair(self.expected, actual)
        note = f" (both start with the same {same} characters, left out)" if same else ""
        return f"{self.path or '(the value)'}: expected {expected}{self.hint}, actual {actual}{note}"


class Matcher:
    """A pattern that decides itself whether a value matches (`Match.*`, `Capture`)."""

    def mismatches(self, actual: Any, path: str) -> list[Mismatch]:
        raise NotImplementedError

    def describe(self) -> str:
        return type(self).__name__


_LONGEST = 160
"""The most characters a message shows of one value."""

_TOKEN_HINT = (
    " (an unresolved token: it resolves only at synth, so it never equals the template's value. "
    "Fix: write template.ref(construct, \"attribute\"), or the value the template holds)"
)


def _show(value: Any) -> str:
    return _cut(_text(value)) + _token_hint(value)


def _text(value: Any) -> str:
    """The value as a message shows it, whole."""
    if isinstance(value, Matcher):
        return value.describe()
    return json.dumps(value, sort_keys=True, default=_unjson) if not isinstance(value, str) else repr(value)


def _cut(text: str) -> str:
    return text if len(text) <= _LONGEST else text[:_LONGEST - 3] + "..."


def _cut_pair(expected: str, actual: str) -> tuple[str, str, int]:
    """Both texts cut to a message's length, so that where they differ stays in view: a
    long start they share is left out (how many characters, the third value)."""
    if len(expected) <= _LONGEST and len(actual) <= _LONGEST:
        return expected, actual, 0
    same = 0
    while same < min(len(expected), len(actual)) and expected[same] == actual[same]:
        same += 1
    skip = same - 40 if expected != actual and same > 40 else 0  # keep some of the shared start
    if skip:
        expected, actual = "..." + expected[skip:], "..." + actual[skip:]
    return _cut(expected), _cut(actual), skip


def _token_hint(pattern: Any) -> str:
    return _TOKEN_HINT if _holds_token(pattern) else ""


def _holds_token(value: Any, *, in_matchers: bool = False) -> bool:
    """Whether a pattern is, or holds, a cdktf token (a value the template holds resolved);
    with `in_matchers`, in what its matchers hold too (`Match.not_(vault.resource.name)`)."""
    if in_matchers and isinstance(value, Matcher):
        return _holds_token(getattr(value, "pattern", None), in_matchers=True)
    if isinstance(value, Mapping):
        return any(_holds_token(key, in_matchers=in_matchers) or _holds_token(item, in_matchers=in_matchers)
                   for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return any(_holds_token(item, in_matchers=in_matchers) for item in value)
    if is_dataclass(value) and not isinstance(value, type):  # a WriteOnlySecret, props
        return any(_holds_token(getattr(value, part.name), in_matchers=in_matchers) for part in fields(value))
    return not isinstance(value, Matcher) and is_token(value)


def _foreign(value: Any) -> Any:
    """The first value in a pattern, in what its matchers hold too, that JSON has no form of (a
    construct, a set): compared as a value, it never matches. None when there is none."""
    if isinstance(value, Matcher):
        return _foreign(getattr(value, "pattern", None))
    if isinstance(value, Mapping):
        return next((found for item in value.values() if (found := _foreign(item)) is not None), None)
    if isinstance(value, (list, tuple)):
        return next((found for item in value if (found := _foreign(item)) is not None), None)
    return None if value is None or isinstance(value, (str, int, float, re.Pattern)) else value


def _unmatchable(pattern: Any) -> str:
    """Why `pattern` can match no value of any template, as a message's note after it ("": it
    can): it holds a token, or a value JSON has no form of. `not_` of it would pass on anything,
    a lookup of it find nothing, and a count of 0 of it pass whatever the stack holds."""
    if _holds_token(pattern, in_matchers=True):
        return _TOKEN_HINT
    foreign = _foreign(pattern)
    if foreign is None:
        return ""
    uncalled = _uncalled(foreign)
    if uncalled:
        what, why, fix = uncalled
        return f" ({what}{f', {why}' if why else ''}: it never equals the template's value. Fix: {fix})"
    path = getattr(getattr(foreign, "node", None), "path", None)
    if isinstance(path, str):
        return (f" ({type(foreign).__name__} '{path}' is a construct: it never equals the template's value. Fix: "
                'write template.ref(construct, "id"), the reference the template holds)')
    listed = ", a list in its order" if isinstance(foreign, (set, frozenset)) else ""
    return (f" ({type(foreign).__name__} {_cut(repr(foreign))} is no JSON value: it never equals the template's "
            f"value. Fix: write the value the template holds{listed})")


def _refuse_unmatchable(pattern: Any, who: str) -> None:
    """A TypeError for a lookup (or a count) by a pattern that can match nothing (`_unmatchable`)."""
    why = _unmatchable(pattern)
    if why:
        raise TypeError(f"{who}: no resource could match {_cut(_text(pattern))}{why}.")


def _unjson(value: Any) -> str:
    """A value JSON has no form for, as a message shows it (a matcher, a construct, a set)."""
    if isinstance(value, Matcher):
        return value.describe()
    if _uncalled(value):
        return value.__qualname__
    node = getattr(value, "node", None)
    path = getattr(node, "path", None) if node is not None else None
    if isinstance(path, str):
        return f"<{type(value).__name__} '{path}': use template.ref(...) for a reference to it>"
    return repr(value)


def _describe(pattern: Any) -> str:
    return pattern.describe() if isinstance(pattern, Matcher) else _show(pattern)


_CAPTURED: list[list[tuple[Capture, Any]]] = []
"""The values each match in progress has captured (innermost last): kept only by a match
that succeeds as a whole, so a `Capture` never holds a value from a resource (or a list
item) that did not match."""


def mismatches(pattern: Any, actual: Any, path: str = "", *, partial: bool = True) -> list[Mismatch]:
    """Where `actual` differs from `pattern`: objects partially (the pattern's keys only, at
    every depth; with `partial=False` no other keys either), lists element by element and of
    the same length, anything else by equality, a boolean never equal to a number; a
    `Matcher` decides itself. A key the pattern names must be set unless its pattern is
    `Match.absent()` or `None` (not set), as in AWS CDK's assertions."""
    _CAPTURED.append([])
    try:
        found = _mismatches(pattern, actual, path, partial)
    finally:
        captured = _CAPTURED.pop()
    if not found:
        if _CAPTURED:
            _CAPTURED[-1].extend(captured)  # the enclosing match decides
        else:
            for capture, value in captured:
                capture._values.append(value)
    return found


def _mismatches(pattern: Any, actual: Any, path: str, partial: bool) -> list[Mismatch]:
    if isinstance(pattern, Matcher):
        return pattern.mismatches(actual, path)
    _refuse_misplaced(pattern, path)
    if pattern is None:
        return Match.absent().mismatches(actual, path)
    if isinstance(pattern, Mapping):
        if not isinstance(actual, Mapping):
            return [Mismatch(path, "an object", actual, _shape_hint(actual))]
        found = [
            Mismatch(f"{path}.{key}" if path else str(key), "not set (an exact match has no other keys)", value)
            # "//" is cdktf's metadata (the construct path), no argument of the resource.
            for key, value in sorted(actual.items()) if not partial and key not in pattern and key != "//"
        ]
        for key, expected in pattern.items():
            where, value = f"{path}.{key}" if path else str(key), actual.get(key, _MISSING)
            if value is _MISSING and not (expected is None or isinstance(expected, _Absent)):
                # AWS CDK's ObjectMatch: a missing key fails every pattern but absent(), not_ too.
                close = difflib.get_close_matches(str(key), [str(k) for k in actual if k not in pattern], n=1)
                close = close or [k for k in actual if str(k).lower() == str(key).lower() and k not in pattern]
                # A key written short of the provider's longer name (`sku` for `sku_name`).
                close = close or sorted(str(k) for k in actual if str(k).startswith(f"{key}_") and k not in pattern)
                meant = f"{close[0]!r}" if len(close) == 1 else f"one of {', '.join(map(repr, close))}"
                hint = _token_hint(expected) + (f" (did you mean {meant}?)" if close else "")
                found.append(Mismatch(where, _describe_whole(expected), _MISSING, hint))
            else:
                found += mismatches(expected, value, where, partial=partial)
        return found
    if isinstance(pattern, (list, tuple)):
        if not isinstance(actual, list):
            return [Mismatch(path, f"a list of {len(pattern)}", actual, _shape_hint(actual))]
        if len(pattern) != len(actual):
            return [Mismatch(path, f"{len(pattern)} items {_text(list(pattern))}", actual, _token_hint(pattern))]
        pairs = enumerate(zip(pattern, actual, strict=True))
        return [m for i, (p, a) in pairs for m in mismatches(p, a, f"{path}[{i}]", partial=partial)]
    if actual is _MISSING or not _same_literal(pattern, actual):
        return [Mismatch(path, _describe_whole(pattern) + _type_note(pattern, actual), actual, _token_hint(pattern))]
    return []


def _refuse_misplaced(pattern: Any, path: str = "") -> None:
    """A compiled regular expression, or a matcher not called (`Match.any_value`, `Capture`),
    where a pattern goes is compared as a value, and never matches: a TypeError saying what to
    write instead."""
    at = f" at {path}" if path else ""
    if isinstance(pattern, re.Pattern):
        raise TypeError(
            f"A pattern holds the compiled regular expression {pattern!r}{at}, which "
            f"would be compared as a value and never match. Fix: wrap it, Match.string_like_regexp({pattern!r})."
        )
    uncalled = _uncalled(pattern)
    if uncalled:
        what, why, fix = uncalled
        raise TypeError(f"A pattern holds {what}{at}{f' ({why})' if why else ''}, which would be compared as a "
                        f"value and never match. Fix: {fix}.")


def _uncalled(value: Any) -> tuple[str, str, str] | None:
    """What a function or a matcher class standing where a pattern goes is, why it is no
    pattern and the fix (write `Match.any_value()`, `Capture()`); None for any other value."""
    if isinstance(value, type) and issubclass(value, Matcher):
        return f"the class {value.__name__}", "not a matcher made of it", f"write {value.__name__}()"
    name = getattr(value, "__qualname__", None)
    if isinstance(value, type) or not callable(value) or not isinstance(name, str):
        return None
    if name.startswith("Match."):
        called = f"{name}()" if not inspect.signature(value).parameters else f"{name}(...)"
        return f"the function {name}", "not called", f"call it, {called}"
    return (f"the function {name}", "", "write the value the template holds, or a Match (a function is no "
            "pattern: filter what find_resources returns in Python)")


def _kind(value: Any) -> str:
    return f"{type(value).__name__} {_show(value)}"


def _describe_whole(pattern: Any) -> str:
    return pattern.describe() if isinstance(pattern, Matcher) else _text(pattern)


def _same_literal(pattern: Any, actual: Any) -> bool:
    # JSON's true is no number, as for AWS CDK's LiteralMatch (Python has True == 1).
    if isinstance(pattern, bool) or isinstance(actual, bool):
        return type(pattern) is type(actual) and pattern == actual
    return bool(pattern == actual)


def _type_note(pattern: Any, actual: Any) -> str:
    if is_token(pattern):
        return ""  # a number token is no number: the token's own note says what it is
    kinds = [
        "a boolean" if isinstance(value, bool) else "a number" if isinstance(value, (int, float))
        else "a string" if isinstance(value, str) else None
        for value in (pattern, actual)
    ]
    return f" ({kinds[0]}, not {kinds[1]})" if None not in kinds and kinds[0] != kinds[1] else ""


def _shape_hint(actual: Any) -> str:
    """Where a pattern has an object and the stack a list (or the other way round): how the
    stack writes the block. cdktf writes a block the provider allows once as one object
    (`identity`, `ingress`), and one it allows more often as a list, even of one (`registry`)."""
    if isinstance(actual, Mapping):
        return " (the stack writes this block as one object: write the object itself, not in a list)"
    if isinstance(actual, list) and all(isinstance(item, Mapping) for item in actual) and actual:
        return (f" (the stack writes this block as a list of {len(actual)}: write [{{...}}], or "
                "Match.array_with([{...}]) for the items to find)")
    return ""


class _Exact(Matcher):
    def __init__(self, pattern: Any) -> None:
        self.pattern = pattern

    def mismatches(self, actual: Any, path: str) -> list[Mismatch]:
        # AWS CDK's exact: no other keys at any depth; a matcher inside decides its part.
        return mismatches(self.pattern, actual, path, partial=False)

    def describe(self) -> str:
        return f"exactly {_show(self.pattern)}"


class _ObjectLike(Matcher):
    def __init__(self, pattern: Mapping[str, Any]) -> None:
        self.pattern = pattern

    def mismatches(self, actual: Any, path: str) -> list[Mismatch]:
        return mismatches(dict(self.pattern), actual, path)

    def describe(self) -> str:
        return f"an object like {_show({k: _describe(v) for k, v in self.pattern.items()})}"


class _ArrayWith(Matcher):
    def __init__(self, pattern: Sequence[Any]) -> None:
        self.pattern = list(pattern)

    def mismatches(self, actual: Any, path: str) -> list[Mismatch]:
        if not isinstance(actual, list):
            return [Mismatch(path, self.describe(), actual, _shape_hint(actual))]
        position = 0
        for element in self.pattern:  # in order, not necessarily next to each other
            while position < len(actual) and mismatches(element, actual[position], path):
                position += 1
            if position == len(actual):
                return [Mismatch(path, self.describe(), actual)]
            position += 1  # (a Capture in `element` kept the value that matched)
        return []

    def describe(self) -> str:
        if not self.pattern:
            return "a list"
        return f"a list with {', '.join(_describe(p) for p in self.pattern)} (in this order)"


class _Absent(Matcher):
    def mismatches(self, actual: Any, path: str) -> list[Mismatch]:
        return [] if actual is _MISSING else [Mismatch(path, "not set", actual)]

    def describe(self) -> str:
        return "not set"


class _AnyValue(Matcher):
    def mismatches(self, actual: Any, path: str) -> list[Mismatch]:
        return [] if actual is not _MISSING and actual is not None else [Mismatch(path, "any value", actual)]

    def describe(self) -> str:
        return "any value"


class _Regexp(Matcher):
    def __init__(self, pattern: str) -> None:
        self.pattern = re.compile(pattern)

    def mismatches(self, actual: Any, path: str) -> list[Mismatch]:
        ok = isinstance(actual, str) and self.pattern.search(actual) is not None
        return [] if ok else [Mismatch(path, self.describe(), actual)]

    def describe(self) -> str:
        return f"a string like /{self.pattern.pattern}/"


class _Not(Matcher):
    def __init__(self, pattern: Any) -> None:
        self.pattern = pattern

    def mismatches(self, actual: Any, path: str) -> list[Mismatch]:
        # A token (or a construct) never equals the template's value: "not" one would pass on
        # anything, even on the very value it stands for.
        why = _unmatchable(self.pattern)
        if why:
            return [Mismatch(path, f"not {_describe_whole(self.pattern)}", actual, why)]
        return [Mismatch(path, self.describe(), actual)] if not mismatches(self.pattern, actual, path) else []

    def describe(self) -> str:
        if self.pattern is None or isinstance(self.pattern, _Absent):
            return "set (not absent)"
        return f"not {_describe(self.pattern)}"


class Match:
    """Patterns beyond a literal value (AWS CDK's `Match`)."""

    @staticmethod
    def object_like(pattern: Mapping[str, Any]) -> Matcher:
        """An object with at least these keys, each matching (the default for a dict)."""
        if not isinstance(pattern, Mapping):
            raise TypeError(
                f"Match.object_like: takes a dict of keys and their patterns, not {_kind(pattern)}. "
                'Fix: Match.object_like({"name": "orders-api"}), or Match.any_value() for a key that must be set.'
            )
        return _ObjectLike(pattern)

    @staticmethod
    def exact(pattern: Any) -> Matcher:
        """Exactly this value: no other keys, lists of the same items."""
        return _Exact(pattern)

    @staticmethod
    def array_with(pattern: Sequence[Any]) -> Matcher:
        """A list that holds items matching these, in this order (others may sit between)."""
        if isinstance(pattern, (str, bytes, Mapping)) or not isinstance(pattern, Sequence):
            raise TypeError(
                f"Match.array_with: takes a list of the items to find, not {_kind(pattern)}. "
                f"Fix: Match.array_with([{_show(pattern)}]) for a list holding that item."
            )
        return _ArrayWith(pattern)

    @staticmethod
    def absent() -> Matcher:
        """The key is not in the synthesized JSON at all. cdktf leaves out what a construct
        leaves unset (`None`); a key written as `null`, `[]` or `{}` is set, and fails."""
        return _Absent()

    @staticmethod
    def any_value() -> Matcher:
        """The key is set, to anything but null."""
        return _AnyValue()

    @staticmethod
    def string_like_regexp(pattern: str) -> Matcher:
        """A string in which the regular expression (a string, or a compiled `re.Pattern`, its
        flags kept) finds a match (`re.search`)."""
        if not isinstance(pattern, (str, re.Pattern)):
            raise TypeError(
                f"Match.string_like_regexp: takes a regular expression as a string, not {_kind(pattern)}. "
                f"Fix: Match.string_like_regexp({str(pattern)!r}), or the value itself for an exact match."
            )
        try:
            return _Regexp(pattern)
        except re.error as problem:
            raise TypeError(
                f"Match.string_like_regexp: {pattern!r} is not a regular expression ({problem}). "
                f"Fix: escape the characters meant literally, e.g. Match.string_like_regexp(re.escape({pattern!r}))."
            ) from None

    @staticmethod
    def not_(pattern: Any) -> Matcher:
        """Anything that does not match `pattern`."""
        return _Not(pattern)


class Capture(Matcher):
    """Matches (anything, or `pattern`) and keeps the value matched, to assert on it after."""

    def __init__(self, pattern: Any = None) -> None:
        self.pattern = pattern
        self._values: list[Any] = []

    def mismatches(self, actual: Any, path: str) -> list[Mismatch]:
        if actual is _MISSING:
            return [Mismatch(path, self.describe(), actual)]
        found = mismatches(self.pattern, actual, path) if self.pattern is not None else []
        if not found:
            if _CAPTURED:
                _CAPTURED[-1].append((self, actual))  # kept if the whole match succeeds
            else:
                self._values.append(actual)
        return found

    def describe(self) -> str:
        return "a value to capture" + (f" matching {_describe(self.pattern)}" if self.pattern is not None else "")

    @property
    def value(self) -> Any:
        """The value captured last."""
        if not self._values:
            raise AssertionError("Capture: nothing was captured (the pattern it is in did not match)")
        return self._values[-1]

    @property
    def values(self) -> list[Any]:
        return list(self._values)

    def as_string(self) -> str:
        return self._typed(str)

    def as_number(self) -> float:
        value = self.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AssertionError(f"Capture: captured {_show(value)}, not a number")
        return value

    def as_object(self) -> dict[str, Any]:
        return self._typed(dict)

    def as_array(self) -> list[Any]:
        return self._typed(list)

    def _typed(self, kind: type) -> Any:
        value = self.value
        if not isinstance(value, kind):
            what = {str: "string", dict: "object", list: "list"}[kind]
            raise AssertionError(f"Capture: captured {_show(value)}, not a {what}")
        return value


# --- templates ---------------------------------------------------------------------------------

class Template:
    """One synthesized stack (its `cdk.tf.json`), with assertions on it."""

    def __init__(self, document: Mapping[str, Any], name: str = "") -> None:
        if not isinstance(document, Mapping):
            source = "from_stack(stack)" if hasattr(document, "node") else "from_json(...) or Template.from_file(path)"
            raise TypeError(
                f"Template: takes a stack's document (a dict), not {type(document).__name__}. "
                f"Fix: Template.{source}."
            )
        self.doc: dict[str, Any] = dict(document)
        self.name = name
        self._folder = os.getcwd()  # what a local state path is made relative to (to_snapshot)
        self._app: Mapping[str, Mapping[str, Any]] = {}  # every stack's document, from from_stack

    @classmethod
    def from_stack(cls, stack: Any, *, allow_problems: bool = False) -> Template:
        """The stack as its app synthesizes it (once per app; nothing written). An app with
        problems fails here with all of them, unless `allow_problems` (then read them with
        `Annotations.from_stack`)."""
        assembly = _assembly(stack)
        if assembly.problems and not allow_problems:
            raise AssertionError(format_problems(list(assembly.problems)))
        name = stack.node.id
        if name not in assembly.stacks and assembly.problems:  # the engine stopped synth (an error annotation)
            raise AssertionError(
                f"Template.from_stack: synth stopped before it made stack {name!r}, so there is no template of it, "
                "allow_problems or not. Fix: read the problems with Annotations.from_stack(stack), or fix them:\n"
                + format_problems(list(assembly.problems))
            )
        if name not in assembly.stacks:
            raise AssertionError(f"Template: the app synthesized no stack {name!r} (it has {sorted(assembly.stacks)})")
        template = cls(assembly.stacks[name], name)
        template._folder = stack.node.root.__dict__[_SYNTHESIZED].folder
        template._app = assembly.stacks
        return template

    @classmethod
    def from_json(cls, document: Mapping[str, Any] | str, name: str = "") -> Template:
        """A stack's document, as a mapping or its JSON text (`from_file` reads a file)."""
        if isinstance(document, str):
            try:
                document = json.loads(document)
            except ValueError as problem:
                hint = " (a path? use Template.from_file)" if document.endswith(".json") else ""
                raise TypeError(f"Template.from_json: the text is not JSON{hint}: {problem}") from None
        if not isinstance(document, Mapping):
            raise TypeError(f"Template.from_json: a stack's document is a JSON object, not {type(document).__name__}. "
                            "Fix: pass cdk.tf.json's content (or use Template.from_file with its path).")
        _check_blocks(document, "Template.from_json: the document")
        return cls(document, name)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Template:
        """A stack synthesized before (`cdktf.out/stacks/<name>/cdk.tf.json`)."""
        file = Path(path)
        if file.is_dir():
            inside = file / "cdk.tf.json"
            raise FileNotFoundError(
                f"Template.from_file: {file} is a folder. Fix: "
                + (f"Template.from_file('{inside}')." if inside.is_file()
                   else "pass the path of a stack's cdk.tf.json (cdktf.out/stacks/<stack>/cdk.tf.json).")
            )
        if not file.is_file():
            raise FileNotFoundError(
                f"Template.from_file: there is no file {file}" + (f" (from the working folder: {file.resolve()})"
                                                                  if not file.is_absolute() else "")
                + ". Fix: synthesize the app first (cdktf synth), or pass the path of its cdktf.out/stacks/<stack>/"
                "cdk.tf.json."
            )
        text = file.read_text()
        try:
            document = json.loads(text)
        except ValueError:
            document = None  # not JSON: from_json says so
        _check_blocks(document, f"Template.from_file: {file}")
        return cls.from_json(text, file.parent.name)

    # --- lookups ---------------------------------------------------------------------------

    def resources(self, tf_type: str) -> dict[str, dict[str, Any]]:
        """Every resource of the type, by logical id."""
        return dict(self.doc.get("resource", {}).get(self._known(_terraform_type(tf_type), "resource"), {}))

    def data(self, tf_type: str) -> dict[str, dict[str, Any]]:
        """Every data source (lookup) of the type, by logical id."""
        return dict(self.doc.get("data", {}).get(self._known(_terraform_type(tf_type), "data"), {}))

    def find_resources(self, tf_type: str, props: Any = None) -> dict[str, dict[str, Any]]:
        """The resources of the type that match `props` (all of them without), by logical id."""
        _resource_props(props, "find_resources", tf_type)
        _refuse_unmatchable(props, "Template.find_resources")
        found = self.resources(tf_type)
        self._arguments_of(props, tf_type, found, "resource")
        return {k: v for k, v in found.items() if props is None or not mismatches(props, v)}

    def named(self, tf_type: str, name: str) -> tuple[str, dict[str, Any]]:
        """(logical id, config) of the one resource of the type that Azure calls `name`."""
        if not isinstance(name, str):
            names = sorted(str(v.get("name")) for v in self.resources(tf_type).values())
            shown = _unjson(name) if hasattr(name, "node") else _kind(name)
            raise TypeError(
                f"Template.named: name is the resource's Azure name, a string, not {shown}. Fix: "
                + (f"named({tf_type!r}, {names[0]!r})" if names else f"named({tf_type!r}, '<name>')")
                + (", or template.ref(construct, \"id\") for a construct's reference." if hasattr(name, "node")
                   else ".")
            )
        found = [(k, v) for k, v in self.resources(tf_type).items() if v.get("name") == name]
        if len(found) != 1:
            names = sorted(str(v.get("name")) for v in self.resources(tf_type).values())
            raise AssertionError(f"Template{self._of}: expected one {tf_type} named {name!r}, found {len(found)} "
                                 f"(its {tf_type} names: {', '.join(names) or 'none'})")
        return found[0]

    def ref(self, target: Any, attribute_or_name: str | None = None, attribute: str = "id") -> str:
        """`${type.logical_id.attribute}`, as the stack's other resources refer to it: for a
        construct (`template.ref(vault, "vault_uri")`: a library construct, its primary
        resource, or any Terraform resource), or for a type and an Azure name
        (`template.ref("azurerm_key_vault", "kv-orders-dev", "id")`); for a lookup
        (`from_existing`), `${data.type.logical_id.attribute}`; for a deploy-time input
        (`TerraformVariable`), `${var.name}`. For a resource of
        another stack of the app, the remote-state output this stack reads it through
        (`${data.terraform_remote_state.cross-stack-reference-input-<stack>.outputs....}`)."""
        if isinstance(target, str):
            if attribute_or_name is None:  # ("azurerm_key_vault") alone would look for a resource named "id"
                names = sorted(str(v.get("name")) for v in self.resources(target).values())
                raise TypeError(
                    f"Template.ref: a type takes the resource's Azure name after it (its {target} names: "
                    f"{', '.join(names) or 'none'}). Fix: ref({target!r}, {(names or ['<name>'])[0]!r}, \"id\"), "
                    "or ref(construct, \"id\")."
                )
            elsewhere = [
                (stack, logical_id) for stack, document in self._app.items() if stack != self.name
                for logical_id, config in document.get("resource", {}).get(target, {}).items()
                if config.get("name") == attribute_or_name
            ]
            if len(elsewhere) == 1 and not any(
                config.get("name") == attribute_or_name for config in self.resources(target).values()
            ):
                (stack, logical_id), = elsewhere
                return self._read_from(stack, f"${{{target}.{logical_id}.{attribute}}}")
            logical_id, _ = self.named(target, attribute_or_name)
            return f"${{{target}.{logical_id}.{attribute}}}"
        from sigmatiq_infra._cdktf import TerraformDataSource, TerraformVariable

        if isinstance(target, TerraformVariable):  # a deploy-time input: `${var.<name>}`
            return f"${{var.{target.friendly_unique_id}}}"
        kept = target.__dict__ if hasattr(target, "__dict__") else {}
        resource = kept.get("resource", kept.get("data", target))  # a construct's resource, a lookup's data source
        if not hasattr(resource, "terraform_resource_type"):
            raise TypeError(
                f"Template.ref: {type(target).__name__} is not a resource: pass a construct with a Terraform resource "
                "(a library construct, or a binding's resource), or a type and an Azure name: "
                "ref('azurerm_key_vault', 'kv-name', 'id')."
            )
        data = "data." if isinstance(resource, TerraformDataSource) else ""
        attribute = attribute_or_name or "id"
        plain = f"${{{data}{resource.terraform_resource_type}.{resource.friendly_unique_id}.{attribute}}}"
        home = _stack_of(resource)
        return plain if home is None or not self.name or home == self.name else self._read_from(home, plain)

    def _read_from(self, stack: str, plain: str) -> str:
        """The expression this stack reads `plain`, a value of the app's stack `stack`, with:
        cdktf passes it as an output of that stack and a `terraform_remote_state` of this one."""
        if stack not in self._app:
            raise AssertionError(
                f"Template{self._of}: {plain} is a value of stack {stack!r}, which this template cannot see (it was "
                "not made with Template.from_stack). Fix: use Template.from_stack(stack), or write the "
                "terraform_remote_state expression the stack holds."
            )
        outputs = self._app[stack].get("output", {})
        output = next((
            name for name, config in outputs.items()
            if name.startswith("cross-stack-output-") and isinstance(config, Mapping) and config.get("value") == plain
        ), None)
        expression = f"${{data.terraform_remote_state.cross-stack-reference-input-{stack}.outputs.{output}}}"
        if output is None or expression not in json.dumps(self.doc):
            raise AssertionError(
                f"Template{self._of}: the stack reads no {plain} of stack {stack!r} (cdktf passes another stack's "
                "value as a remote-state output only to a stack that uses it). Fix: assert on the stack whose "
                f"resources use it, or on stack {stack!r} itself."
            )
        return expression

    def data_ref(self, tf_type: str, name: str, attribute: str = "id") -> str:
        """`${data.type.logical_id.attribute}` of the one lookup of the type named `name`."""
        found = [k for k, v in self.data(tf_type).items() if v.get("name") == name]
        if len(found) != 1:
            raise AssertionError(f"Template{self._of}: expected one data.{tf_type} named {name!r}, found {len(found)}")
        return f"${{data.{tf_type}.{found[0]}.{attribute}}}"

    # --- assertions ------------------------------------------------------------------------

    def has_resource(self, tf_type: str, props: Any = None) -> None:
        """A resource of the type matches `props` (partially: the keys given, at every depth)."""
        found = self.resources(tf_type)
        self._has(found, tf_type, self._arguments_of(_resource_props(props, "has_resource", tf_type), tf_type,
                                                     found, "resource"), "resource")

    has_resource_properties = has_resource

    def all_resources_properties(self, tf_type: str, props: Any) -> None:
        """Every resource of the type matches `props`, and there is one at least (AWS CDK's
        `allResourcesProperties`)."""
        found = self.resources(tf_type)
        self._arguments_of(_resource_props(props, "all_resources_properties", tf_type, required=True), tf_type, found,
                           "resource")
        if not found:
            self._has(found, tf_type, props, "resource")
        results = {key: mismatches(props, config) for key, config in found.items()}
        failing = sorted(key for key, result in results.items() if result)
        if failing:
            lines = [f"Template{self._of}: {len(failing)} of the {len(found)} {tf_type} do not match:"]
            for key in failing:
                path = found[key].get("//", {}).get("metadata", {}).get("path", "")
                lines += [f"  {key}" + (f" ({path})" if path else "") + ":", *(f"    {d}" for d in results[key])]
            raise AssertionError("\n".join(lines))

    def has_data(self, tf_type: str, props: Any = None) -> None:
        """A data source (lookup) of the type matches `props`."""
        found = self.data(tf_type)
        self._has(found, f"data.{tf_type}", self._arguments_of(_resource_props(props, "has_data", tf_type), tf_type,
                                                                found, "data"), "data")

    def resource_count_is(self, tf_type: str, count: int) -> None:
        _whole_count(count, "resource_count_is", tf_type)
        found = len(self.resources(tf_type))
        if found != count:
            raise AssertionError(f"Template{self._of}: expected {count} {tf_type}, found {found}")

    def resource_properties_count_is(self, tf_type: str, props: Any, count: int) -> None:
        """Exactly `count` resources of the type match `props` (AWS CDK's `resourcePropertiesCountIs`)."""
        _whole_count(count, "resource_properties_count_is", tf_type)
        _resource_props(props, "resource_properties_count_is", tf_type)
        _refuse_unmatchable(props, "Template.resource_properties_count_is")
        found, total = len(self.find_resources(tf_type, props)), len(self.resources(tf_type))
        if found != count:
            raise AssertionError(f"Template{self._of}: expected {count} {tf_type} matching {_describe(props)}, found "
                                 f"{found} (of the {total} {tf_type} in the stack)")

    def has_output(self, name: str, props: Any = None) -> None:
        _block_props(props, "has_output", name, "value")
        outputs = self.doc.get("output", {})
        if name not in outputs:
            listed = ", ".join(sorted(outputs)) or "none"
            raise AssertionError(f"Template{self._of}: no output {name!r} (outputs: {listed})")
        self._check_one(outputs[name], f"output {name!r}", props)

    def has_variable(self, name: str, props: Any = None) -> None:
        """A variable (deploy-time input) with `props`, e.g. its type, `sensitive`, and its
        `validation` rules (`Match.array_with([{"error_message": Match.string_like_regexp(...)}])`)."""
        _block_props(props, "has_variable", name, "default")
        variables = self.doc.get("variable", {})
        if name not in variables:
            raise AssertionError(
                f"Template{self._of}: no variable {name!r} (variables: {', '.join(sorted(variables)) or 'none'})"
            )
        self._check_one(variables[name], f"variable {name!r}", props)

    def has_import(self, to: Any = None, id: Any = None) -> None:
        """An `import` block adopting `to` (the construct, its resource, `azurerm_x.<logical id>`
        or a pattern) with id `id`."""
        blocks = self.doc.get("import", [])
        pattern = _pattern(to=_address(to), id=id)
        self._has({str(i): block for i, block in enumerate(blocks)}, "import block", pattern, "import")

    def has_moved(self, from_: Any = None, to: Any = None) -> None:
        """A `moved` block from address `from_` to `to` (the construct, its resource, or an address)."""
        blocks = self.doc.get("moved", [])
        pattern = _pattern(**{"from": from_, "to": _address(to)})
        self._has({str(i): block for i, block in enumerate(blocks)}, "moved block", pattern, "moved")

    # --- snapshots -------------------------------------------------------------------------

    def to_snapshot(self) -> str:
        """The whole stack as JSON with sorted keys (the engine's version left out, a local
        state path, its own or another stack's it reads, relative to the working folder synth ran
        in), the same text on every run and machine: for review, and for `assert_matches_snapshot`."""
        document = json.loads(json.dumps(self.doc))
        document.get("//", {}).get("metadata", {}).pop("version", None)
        local = document.get("terraform", {}).get("backend", {}).get("local", {})
        remote = [  # another stack's local state, read for its outputs
            state.get("config", {}) for state in document.get("data", {}).get("terraform_remote_state", {}).values()
            if isinstance(state, dict) and state.get("backend") == "local"
        ]
        for config in (local, *remote):
            if isinstance(config, dict) and isinstance(config.get("path"), str) and os.path.isabs(config["path"]):
                # cdktf writes the state path from the folder synth ran in: the same file anywhere.
                config["path"] = os.path.relpath(config["path"], self._folder)
        return json.dumps(document, indent=2, sort_keys=True) + "\n"

    def assert_matches_snapshot(self, path: str | os.PathLike[str]) -> None:
        """Compare with the snapshot in `path` (a relative path is from the working folder:
        `Path(__file__).parent / "snapshots" / ...` is the same from anywhere). A missing file
        is written (commit it), except under CI, where it fails; every snapshot is written
        when `SIGMATIQ_UPDATE_SNAPSHOTS=1`."""
        from sigmatiq_infra.switches import OFF, read_switch

        file, now = Path(path), self.to_snapshot()
        if file.is_dir():
            raise FileNotFoundError(
                f"Template.assert_matches_snapshot: {file} is a folder. Fix: name the snapshot's file in it, e.g. "
                f"'{file / ((self.name or 'stack') + '.json')}'."
            )
        problems: list[str] = []  # a misspelt switch would compare (and fail) instead of writing
        ci, update = os.environ.get("CI", "").strip(), read_switch(os.environ, "SIGMATIQ_UPDATE_SNAPSHOTS", problems)
        if problems:
            raise ValueError(f"Template.assert_matches_snapshot: {problems[0]}")
        if not file.exists() and ci and ci.lower() not in OFF and not update:
            # A snapshot written on the CI machine would be compared with itself: the test could not fail.
            raise AssertionError(
                f"Template{self._of}: no snapshot {file}" + (f" (from the working folder: {file.resolve()})"
                                                             if not file.is_absolute() else "")
                + f": it was never committed, and under CI (CI={ci}) none is written. Fix: run the test where CI "
                "is not set (or with SIGMATIQ_UPDATE_SNAPSHOTS=1), review the file it writes and commit it."
            )
        if not file.exists() or update:
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(now)
            return
        before = file.read_text()
        if before != now:
            diff = "".join(difflib.unified_diff(before.splitlines(True), now.splitlines(True), str(file), "now", n=2))
            raise AssertionError(
                f"Template{self._of}: differs from the snapshot {file} (review the change; when deliberate, run "
                f"with SIGMATIQ_UPDATE_SNAPSHOTS=1):\n{diff}"
            )

    # --- helpers ---------------------------------------------------------------------------

    def _known(self, tf_type: str, section: str) -> str:
        """`tf_type`, when the stack has it or the azurerm provider it pins has such a type: a
        misspelt one has no resource, so a count of 0 of it, or a lookup finding none, would pass
        whatever the stack holds. Judged only for a stack pinning the azurerm of the bindings in
        use (the provider's types are theirs), never for another provider's types; a name that is
        no Terraform identifier (an ARM type) for every stack."""
        from sigmatiq_infra import _bindings

        kind = "resource" if section == "resource" else "data source"
        if tf_type in self.doc.get(section, {}):
            return tf_type
        if not _IDENTIFIER.fullmatch(tf_type):  # an ARM type, a path: no stack has such a type
            meant = _from_arm_type(tf_type)
            raise ValueError(
                f"Template{self._of}: {tf_type!r} is no Terraform {kind} type (a type's name is letters, digits, "
                "underscores and dashes), so the stack can have none: an assertion of none would pass whatever it "
                "holds. Fix: write the type as the provider names it"
                + (f", {meant!r}." if meant else ", as the stack's JSON has it (e.g. 'azurerm_key_vault').")
            )
        required = self.doc.get("terraform", {}).get("required_providers", {})
        pinned = required.get("azurerm", {}) if isinstance(required, Mapping) else {}
        if (
            not tf_type.startswith("azurerm_") and isinstance(pinned, Mapping)
            and pinned.get("version") == _bindings.ENGINE.azurerm and tf_type.split("_")[0] not in required
        ):
            # Terraform takes a type's first word as its provider's local name: "key_vault" or
            # "AzureRM_Key_Vault" is no azurerm type, and the stack requires no such provider.
            meant = _azurerm_spelling(tf_type, section)
            if meant:
                raise ValueError(
                    f"Template{self._of}: {tf_type} is no {kind} type of the stack's providers (an azurerm type is in "
                    "lower case, with the provider's prefix), so the stack can have none: an assertion of none would "
                    f"pass whatever it holds. Fix: write {meant!r}."
                )
        if (
            not tf_type.startswith("azurerm_")
            or not isinstance(pinned, Mapping) or pinned.get("version") != _bindings.ENGINE.azurerm
            or _words(tf_type) in _azurerm_types(section)[1]
        ):
            return tf_type
        other = "data" if section == "resource" else "resource"
        other_kind = "data source" if section == "resource" else "resource"
        names = [*self.doc.get(section, {}), *sorted(_azurerm_types(section)[0])]
        if _words(tf_type) in _azurerm_types(other)[1]:
            close = difflib.get_close_matches(tf_type, names, n=1, cutoff=0.9)  # a letter or two off
            mean = f" (did you mean {close[0]!r}?)" if close else ""
            use = "has_data / data" if section == "resource" else "has_resource / resources"
            raise ValueError(
                f"Template{self._of}: {tf_type} is a {other_kind} type of azurerm {pinned['version']}, not a {kind} "
                f"type{mean}. Fix: " + (f"write {close[0]!r}, or " if close else "") + f"use template.{use}."
            )
        close = difflib.get_close_matches(tf_type, names, n=1)
        mean = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(
            f"Template{self._of}: {tf_type} is not a {kind} type of azurerm {pinned['version']}, so the stack can "
            f"have none: an assertion of none would pass whatever it holds{mean}. Fix: write the type as the "
            "provider names it" + (f", {close[0]!r}." if close else ", as the stack's JSON has it.")
        )

    def _arguments_of(self, props: Any, tf_type: str, found: Mapping[str, Mapping[str, Any]], section: str) -> Any:
        """`props`, when each key it names at the top is set by a resource of the type or is an
        argument of the type in the azurerm the stack pins (the bindings': judged only then): a
        misspelt key is set by none, so `absent()` of it, a count of none or a negation would
        pass whatever the stack holds."""
        from sigmatiq_infra import _bindings

        pattern = props
        while isinstance(pattern, (_ObjectLike, _Exact, _Not)):  # a whole-resource matcher: its object
            pattern = pattern.pattern
        required = self.doc.get("terraform", {}).get("required_providers", {})
        pinned = required.get("azurerm", {}) if isinstance(required, Mapping) else {}
        if (
            not isinstance(pattern, Mapping) or not tf_type.startswith("azurerm_") or not isinstance(pinned, Mapping)
            or pinned.get("version") != _bindings.ENGINE.azurerm
        ):
            return props
        written = {key for config in found.values() for key in config}
        unknown = [key for key in pattern if isinstance(key, str) and not key.startswith("//") and key not in written]
        arguments = _arguments(tf_type, section) if unknown else None
        for key in unknown:
            if arguments is not None and _words(key) not in arguments[1]:
                kind = "resource" if section == "resource" else "data source"
                close = difflib.get_close_matches(key, sorted(arguments[0]), n=1)
                close = close or sorted(name for name in arguments[0] if name.startswith(f"{key}_"))[:1]
                raise ValueError(
                    f"Template{self._of}: {key!r} is no argument of the {kind} {tf_type} in azurerm "
                    f"{pinned['version']}" + (f" (did you mean {close[0]!r}?)" if close else "") + ", so no "
                    f"{tf_type} sets it: an assertion that it is absent, or of none with it, would pass whatever "
                    "the stack holds. Fix: write the argument as the provider names it"
                    + (f", {close[0]!r}." if close else " (its page in the azurerm provider's documentation).")
                )
        return props

    @property
    def _of(self) -> str:
        return f" of stack {self.name!r}" if self.name else ""

    def _has(self, found: Mapping[str, Mapping[str, Any]], what: str, props: Any, section: str) -> None:
        if not found:
            if section in ("resource", "data"):
                listed = ", ".join(sorted(self.doc.get(section, {}))) or "none"
                there = f"its {'resource' if section == 'resource' else 'data source'} types: {listed}"
            else:
                there = f"the stack has no {section} blocks"
            raise AssertionError(f"Template{self._of}: no {what} at all ({there})")
        if props is None:
            return
        results = {key: mismatches(props, config) for key, config in found.items()}
        if any(not result for result in results.values()):
            return
        closest = min(results, key=lambda key: (len(results[key]), key))
        config = found[closest]
        path = config.get("//", {}).get("metadata", {}).get("path", "")
        differences = results[closest]
        lines = [
            f"Template{self._of}: no {what} matches. The closest is {closest!r}"
            + (f" ({path})" if path else "")
            + f", which differs in {len(differences)} {'key' if len(differences) == 1 else 'keys'}:",
            *(f"  {difference}" for difference in differences),
        ]
        if len(found) > 1:
            lines.append(f"  ({len(found)} {what} in the stack: {', '.join(sorted(found))})")
        raise AssertionError("\n".join(lines))

    def _check_one(self, config: Any, what: str, props: Any) -> None:
        if props is None:
            return
        differences = mismatches(props, config)
        if differences:
            lines = [f"Template{self._of}: {what} does not match:", *(f"  {d}" for d in differences)]
            raise AssertionError("\n".join(lines))


_BLOCKS = frozenset({
    "//", "check", "data", "ephemeral", "import", "locals", "module", "moved", "output", "provider", "removed",
    "resource", "terraform", "variable",
})
"""The top-level block types of Terraform's JSON syntax, and its comment key
(https://developer.hashicorp.com/terraform/language/syntax/json)."""


def _check_blocks(document: Any, what: str) -> None:
    """A ValueError for a JSON object with keys but none of them a Terraform block (cdktf's
    `manifest.json`, a plan's JSON): every assertion of none would pass on it."""
    if isinstance(document, Mapping) and document and not _BLOCKS.intersection(document):
        keys = ", ".join(repr(key) for key in sorted(map(str, document))[:6])
        raise ValueError(
            f"{what} is no stack's document (cdk.tf.json): it has none of Terraform's top-level blocks (resource, "
            f"data, output, terraform, ...), only the keys {keys}, so an assertion of none would pass whatever the "
            "stack holds. Fix: read the stack's own file, cdktf.out/stacks/<stack>/cdk.tf.json."
        )


def _resource_props(props: Any, who: str, tf_type: Any, *, required: bool = False) -> Any:
    """`props`, a pattern of a whole resource: a dict of its arguments, or a matcher (`None`:
    any, unless `required`). Anything else (a name, a list, a construct's props dataclass) can
    match no resource, whose configuration is an object: a TypeError naming the argument."""
    if (props is None and not required) or isinstance(props, (Mapping, Matcher, re.Pattern)) or _uncalled(props):
        return props  # a compiled expression or a matcher not called: refused with its own fix
    if is_dataclass(props) and not isinstance(props, type):
        got = (f"{type(props).__name__} (a construct's props: the template holds the resource's Terraform arguments, "
               "as its JSON names them)")
    else:
        got = "None" if props is None else _kind(props)
    shown = repr(tf_type) if isinstance(tf_type, str) else "'azurerm_key_vault'"
    example = f"{{'name': {props!r}}}" if isinstance(props, str) else "{'name': ...}"
    raise TypeError(f"Template.{who}: props is a dict of the resource's arguments and their patterns (or a Match), "
                    f"not {got}. Fix: {who}({shown}, {example}" + (", 1)." if "count" in who else ")."))


def _block_props(props: Any, who: str, name: Any, key: str) -> None:
    """A TypeError for `props` of an output or a variable that is neither a dict of its keys nor
    a matcher: the block is an object, so a bare value (`has_output("fqdn", "${...}")`) never matches."""
    if props is None or isinstance(props, (Mapping, Matcher, re.Pattern)) or _uncalled(props):
        return
    raise TypeError(f"Template.{who}: props is a dict of the block's keys and their patterns (or a Match), not "
                    f"{_kind(props)}. Fix: {who}({name!r}, {{{key!r}: {props!r}}}).")


def _whole_count(count: Any, who: str, tf_type: Any) -> None:
    """A TypeError for a count that is no whole number (a ValueError for one below 0, which no
    stack has), naming the argument; the type and the count the other way round say so."""
    swapped = isinstance(count, str) and not isinstance(tf_type, str)
    shown = repr(count if swapped else tf_type if isinstance(tf_type, str) else "azurerm_key_vault")
    fix = f"Fix: {who}({shown}, " + ("{...}, " if who == "resource_properties_count_is" else "") + "1)"
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError(f"Template.{who}: count {count!r} is a {type(count).__name__}, not a whole number. {fix}"
                        + (", the type first." if swapped else "."))
    if count < 0:
        raise ValueError(f"Template.{who}: count {count} is below 0, so the assertion could never pass. {fix}.")


def _terraform_type(tf_type: Any) -> str:
    """`tf_type`, a Terraform type name; for anything else (a construct, a binding class, None) a
    TypeError naming the type to write where it can tell."""
    if isinstance(tf_type, str):
        return tf_type
    kind = tf_type if isinstance(tf_type, type) else type(tf_type)
    facts = getattr(kind, "facts", ())
    named = getattr(facts[0], "terraform_type", None) if facts else getattr(kind, "TF_RESOURCE_TYPE", None)
    got = (
        f"{kind.__name__} '{tf_type.node.path}'" if not isinstance(tf_type, type) and hasattr(tf_type, "node")
        else f"the class {kind.__name__}" if isinstance(tf_type, type) else "None" if tf_type is None
        else _kind(tf_type)
    )
    raise TypeError(
        f"Template: a resource type is its Terraform name, such as 'azurerm_container_app', not {got}. Fix: "
        + (f"write {named!r}." if isinstance(named, str) else "write the type's name as the stack's JSON has it.")
    )


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
"""A Terraform identifier, as a resource type's name is one
(https://developer.hashicorp.com/terraform/language/syntax/configuration#identifiers)."""


def _azurerm_spelling(tf_type: str, section: str) -> str | None:
    """The azurerm type `tf_type` is written for, in another case, camelCase or without the
    provider's prefix (`AzureRM_Key_Vault`, `azurermKeyVault`, `key_vault`); None for none."""
    lower = tf_type.lower().replace("-", "_")
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", tf_type).lower().replace("-", "_")
    for candidate in (lower, f"azurerm_{lower}", snake, f"azurerm_{snake}"):
        if candidate.startswith("azurerm_") and _words(candidate) in _azurerm_types(section)[1]:
            return next(name for name in _azurerm_types(section)[0] if _words(name) == _words(candidate))
    return None


def _from_arm_type(arm_type: str) -> str | None:
    """The Terraform type of the library's construct for an ARM type (`Microsoft.KeyVault/vaults`),
    when one construct class states it; None otherwise."""
    from sigmatiq_infra.constructs._context import construct_classes

    found = {
        facts[0].terraform_type for kind in construct_classes()
        if (facts := kind.__dict__.get("facts")) and str(getattr(kind, "arm_type", "")).lower() == arm_type.lower()
    }
    return found.pop() if len(found) == 1 else None


@functools.cache
def _arguments(tf_type: str, section: str) -> tuple[frozenset[str], frozenset[str]] | None:
    """The arguments (and meta-arguments) of an azurerm resource (`section` "resource") or
    data source ("data") type, as its binding's config class names them, and each as `_words`
    has it; None when the bindings have no config class of it. A binding names an argument that
    clashes with its own members `<name>_attribute`: both are kept."""
    from sigmatiq_infra import _bindings

    modules = [name for name in _azurerm_types(section)[0] if _words(name) == _words(tf_type)]
    if not modules:
        return None
    module = _bindings.submodule(modules[0].removeprefix("azurerm_") if section == "resource" else f"data_{modules[0]}")
    kinds = [kind for kind in vars(module).values()
             if isinstance(kind, type) and getattr(kind, "TF_RESOURCE_TYPE", None) == tf_type]
    config = getattr(module, f"{kinds[0].__name__}Config", None) if kinds else None
    if config is None:
        return None
    names = [name for name in inspect.signature(config.__init__).parameters if name != "self"]
    names += [name.removesuffix("_attribute") for name in names if name.endswith("_attribute")]
    return frozenset(names), frozenset(_words(name) for name in names)


@functools.cache
def _azurerm_types(section: str) -> tuple[frozenset[str], frozenset[str]]:
    """The resource (`section` "resource") or data source ("data") types of the azurerm
    bindings in use, by their module names (nothing imported), and each as `_words` has it."""
    from sigmatiq_infra import _bindings

    types = frozenset(_bindings.terraform_types(section))
    return types, frozenset(_words(name) for name in types)


def _words(tf_type: str) -> str:
    """A type's name without the underscores next to a digit, where a binding's module splits
    it its own way (`aadb2_c_directory` is `azurerm_aadb2c_directory`, `..._dynamics365` is
    `..._dynamics_365`): checked against every type the bindings' assemblies name."""
    return re.sub(r"(?<=\d)_|_(?=\d)", "", tf_type)


def _address(target: Any) -> Any:
    """`<type>.<logical id>` of a construct (its primary resource) or a binding's resource, as
    `import` and `moved` blocks name it (the logical id ends in a hash of its path); anything
    else as it is."""
    kept = target.__dict__ if hasattr(target, "__dict__") and not isinstance(target, Matcher) else {}
    resource = kept.get("resource", target)
    if isinstance(getattr(resource, "terraform_resource_type", None), str):
        return f"{resource.terraform_resource_type}.{resource.friendly_unique_id}"
    return target


def _pattern(**keys: Any) -> dict[str, Any]:
    return {key: value for key, value in keys.items() if value is not None}


_SYNTHESIZED = "_sigmatiq_synthesized"
"""Where an app keeps its synthesis for tests (`_Synthesized`)."""


@dataclass(frozen=True)
class _Synthesized:
    """An app's one synthesis for tests, with the size of its construct tree then and the
    working folder synth ran in."""

    assembly: Any
    constructs: int
    folder: str


def _assembly(stack: Any, who: str = "Template.from_stack") -> Any:
    """The app's synthesis, made once and kept on the app: refused once the construct tree
    has changed since (it would not show the change)."""
    _check_stack(stack, who)
    app = stack.node.root
    kept: _Synthesized | None = app.__dict__.get(_SYNTHESIZED)
    if kept is None:
        if not hasattr(app, "assemble"):
            raise TypeError(
                f"{who}: the stack's app is not sigmatiq_infra's App (from sigmatiq_infra import App); "
                "for another app, synthesize it and use Template.from_file"
            )
        if app.__dict__.get("_sigmatiq_finished"):  # cdktf would stop with ENOENT on its staging folder
            raise AssertionError(
                f"{who}: the app was synthesized already (app.synth(), synth(app) or the end of its `with` block), "
                "and an app is synthesized once, as cdktf does. Fix: call it before the app is synthesized (inside "
                "its `with` block, or on an App the test does not synthesize), or read the written stack with "
                "Template.from_file"
            )
        assembly = app.assemble()  # synth may add constructs (aspects): counted after it
        kept = app.__dict__[_SYNTHESIZED] = _Synthesized(assembly, len(app.node.find_all()), os.getcwd())
        return kept.assembly
    now = len(app.node.find_all())  # about 10 ms for the 300 constructs of a large app
    if now != kept.constructs:
        raise AssertionError(
            f"{who}: the app's construct tree changed after it was synthesized for a test ({kept.constructs} "
            f"constructs then, {now} now). An app is synthesized once, as cdktf does, so the template and "
            "annotations would not show the change. Fix: build the whole app (in the test, or a fixture) before "
            "the first Template.from_stack or Annotations.from_stack, and use a new App for each variation."
        )
    return kept.assembly


def _stack_of(resource: Any) -> str | None:
    """The id of the stack a construct is in (None for one in no stack)."""
    from sigmatiq_infra._cdktf import TerraformStack

    node = getattr(resource, "node", None)
    stacks = [scope for scope in getattr(node, "scopes", ()) if isinstance(scope, TerraformStack)]
    return stacks[-1].node.id if stacks else None


def _check_stack(stack: Any, who: str) -> None:
    """A TypeError saying what to pass, for anything but a stack (a name, the app, a construct)."""
    from sigmatiq_infra._cdktf import TerraformStack

    if isinstance(stack, TerraformStack):
        return
    node = getattr(stack, "node", None) if not isinstance(stack, (str, bytes)) else None
    if node is None:
        got = f"{stack!r} ({type(stack).__name__})"
    elif node.scope is None:
        got = "the app itself"
    else:
        got = f"{type(stack).__name__} '{node.path}', a construct in a stack"
    raise TypeError(f"{who}: takes a stack, not {got}. Fix: pass the stack object, e.g. {who}(stack) "
                    "with stack = AzureStack(app, 'my-service').")


# --- annotations -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Annotations:
    """The problems (validation, policy findings, the app's checks) and warnings of a stack's
    app, as a synth reports them: `problems` are those that stop this stack's synth (its own,
    and the app's: an environment variable, a stack id; not those of another stack only),
    `all_problems` the app's."""

    problems: tuple[str, ...]
    warnings: tuple[str, ...]
    all_problems: tuple[str, ...] = field(default=())

    @classmethod
    def from_stack(cls, stack: Any) -> Annotations:
        from sigmatiq_infra._cdktf import TerraformStack

        assembly = _assembly(stack, "Annotations.from_stack")
        others = {
            child.node.id for child in stack.node.root.node.children
            if isinstance(child, TerraformStack) and child is not stack
        }
        mentioned = re.compile(rf"'{re.escape(stack.node.id)}(/[^']*)?'")

        def stops_it(message: str) -> bool:
            # A message names the construct first ("KeyVault 'orders/Vault': ..."); one that
            # names no other stack (an app-wide problem, a stack id quoted as written) counts.
            first = re.match(r"[^']*'([^'/]*)", message)
            return first is None or first.group(1) not in others or mentioned.search(message) is not None

        return cls(
            tuple(p for p in assembly.problems if stops_it(p)),
            tuple(w for w in assembly.warnings if stops_it(w)),
            assembly.problems,
        )

    def has_error(self, pattern: Any) -> None:
        """A problem of the stack matches `pattern` (a string: the whole message; or a
        matcher such as `Match.string_like_regexp`)."""
        _refuse_misplaced(pattern)
        if not any(not mismatches(pattern, problem) for problem in self.problems):
            listed = "\n".join(f"  - {p}" for p in self.problems) or "  (none)"
            raise AssertionError(f"Annotations: no problem matches {_describe(pattern)}; its problems:\n{listed}")

    def has_no_errors(self) -> None:
        if self.problems:
            raise AssertionError(format_problems(list(self.problems)))

    def has_warning(self, pattern: Any) -> None:
        _refuse_misplaced(pattern)
        if not any(not mismatches(pattern, warning) for warning in self.warnings):
            listed = "\n".join(f"  - {w}" for w in self.warnings) or "  (none)"
            raise AssertionError(f"Annotations: no warning matches {_describe(pattern)}; its warnings:\n{listed}")

    def has_no_error(self, pattern: Any) -> None:
        """No problem of the stack matches `pattern` (AWS CDK's `hasNoError`)."""
        self._has_none(self.problems, pattern, "problem")

    def has_no_warning(self, pattern: Any) -> None:
        """No warning of the stack matches `pattern` (AWS CDK's `hasNoWarning`)."""
        self._has_none(self.warnings, pattern, "warning")

    def has_no_warnings(self) -> None:
        """The stack has no warning at all."""
        if self.warnings:
            listed = "\n".join(f"  - {w}" for w in self.warnings)
            raise AssertionError(f"Annotations: {len(self.warnings)} warning(s), where none was expected:\n{listed}")

    def find_errors(self, pattern: Any = None) -> list[str]:
        """The stack's problems that match `pattern` (all of them without one), in order (AWS
        CDK's `findError`)."""
        return self._found(self.problems, pattern)

    def find_warnings(self, pattern: Any = None) -> list[str]:
        """The stack's warnings that match `pattern` (all of them without one), in order."""
        return self._found(self.warnings, pattern)

    @staticmethod
    def _found(messages: tuple[str, ...], pattern: Any) -> list[str]:
        if pattern is None:
            return list(messages)
        _refuse_misplaced(pattern)
        return [message for message in messages if not mismatches(pattern, message)]

    def _has_none(self, messages: tuple[str, ...], pattern: Any, kind: str) -> None:
        found = self._found(messages, pattern) if pattern is not None else None
        if found is None:
            raise TypeError(
                f"Annotations.has_no_{'error' if kind == 'problem' else kind}: pattern None matches no message, so "
                f"the assertion could never fail. Fix: pass the message or a matcher (Match.string_like_regexp(...)), "
                f"or call has_no_{'errors' if kind == 'problem' else 'warnings'}() for none at all."
            )
        if not found and isinstance(pattern, str):  # part of a message: a string is the whole message
            found = [message for message in messages if pattern in message]
            if found:
                listed = "\n".join(f"  - {m}" for m in found)
                raise AssertionError(
                    f"Annotations: no {kind} is {pattern!r} as a whole, but {len(found)} contain(s) it (a string "
                    f"matches a whole message, so this would pass beside them):\n{listed}\nFix: write the whole "
                    f"message, or Match.string_like_regexp({re.escape(pattern)!r}) for any {kind} that contains it."
                )
            return
        if found:
            listed = "\n".join(f"  - {m}" for m in found)
            raise AssertionError(f"Annotations: {len(found)} {kind}(s) match {_describe(pattern)}:\n{listed}")

