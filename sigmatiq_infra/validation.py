"""One place for input validation: Azure naming rules, ranges and allowed values.

Every construct validates its props here before it creates anything: first their types
(against the props' annotations), then Azure's rules. A problem names the construct (its
kind and path), the bad value, what Azure allows and how to fix it. Values that are
Terraform tokens (known only at apply time) are never validated.

A construct does not raise for bad input: `Validator.done()` records the problems in the
app's `ProblemLog`, the construct goes on with values that are safe to build with, and
synthesis refuses to write anything while the log holds a problem (see
`sigmatiq_infra.synthesis`). So one run reports every problem, across every stack. A
validator bound to a plain path (settings, command-line input) raises instead, and the
code that reads those collects its `problems` first. A genuine bug is never caught here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import enum
import ipaddress
import re
import sys
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sigmatiq_infra.tokens import TOKEN_SHOWN, is_token

PROBLEM_LOG = "_sigmatiq_problem_log"
"""Where a construct (or a stack, or an app) keeps the `ProblemLog` its validators record in."""
LIBRARY_APP = "_sigmatiq_library_app"
"""Set on `sigmatiq_infra.App` (by its constructor): an app that checks and reports its problems
itself, so its stacks need no cdktf validation."""


class ValidationError(ValueError):
    """Bad input: carries every problem found at once (and any warnings)."""

    def __init__(self, problems: Iterable[str] | str, warnings: Iterable[str] | str = ()) -> None:
        # one problem given as text (`raise ValidationError("...")` in an app's own code) is
        # one problem, not one per character
        self.problems = tuple(dict.fromkeys([problems] if isinstance(problems, str) else problems))
        self.warnings = tuple(dict.fromkeys([warnings] if isinstance(warnings, str) else warnings))
        super().__init__("\n".join(self.problems))


def format_problems(problems: tuple[str, ...] | list[str]) -> str:
    """The report printed when synth stops: every problem, numbered, one per line."""
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    lines = [f"sigmatiq-infra: synth stopped, nothing was written ({count}):"]
    lines += [f"  {i}. {problem}" for i, problem in enumerate(problems, 1)]
    return "\n".join(lines)


@dataclass
class ProblemLog:
    """The problems and warnings of one app, recorded as its constructs are created, plus
    the checks that can only run once the whole app exists (e.g. reachability)."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    deferred: dict[Callable[[list[Any]], Iterable[str]], list[Any]] = field(default_factory=dict)
    """Each deferred check, with the subjects it looks at."""
    tags_counted: set[str] = field(default_factory=set)
    """The paths (stacks, constructs) whose tag count is reported already: synth's check of
    every resource's tags leaves them out, so one cause is one line."""
    inputs_reported: set[str] = field(default_factory=set)
    """The secret inputs (`<stack>/<name>`) reported as used in another stack already: synth's
    check of what stacks pass to each other leaves them out."""
    raised: list[BaseException] = field(default_factory=list)
    """Errors raised in code the engine called back during synthesis (a user's policy rule in
    a `PolicyAspect`): jsii hands back only their message, so synth raises them again, each with
    its own traceback."""
    kept: list[Validator] = field(default_factory=list)
    """The validators of an app's own code (its construct classes) that found a problem: one whose
    `done()` was never called still has its problems reported (`run_deferred`), not dropped."""

    def add(self, problems: Iterable[str], warnings: Iterable[str] = ()) -> None:
        self.problems += [p for p in problems if p not in self.problems]
        self.warnings += [w for w in warnings if w not in self.warnings]

    def defer(self, check: Callable[[list[Any]], Iterable[str]], subject: Any) -> None:
        """Run `check` on all its subjects once the whole app exists (before synth writes)."""
        self.deferred.setdefault(check, []).append(subject)

    def run_deferred(self) -> None:
        """Run the checks that wait for the whole app (once each), and report what an app's own
        validators found and never reported (`Validator.done()` left out)."""
        for check in self.kept:
            self.add(check.problems, check.warnings)
        self.kept = []
        checks, self.deferred = self.deferred, {}
        for check, subjects in checks.items():
            self.add(check(subjects))


@dataclass(frozen=True)
class NameRule:
    """Azure's naming rule for one resource type (Microsoft's resource-name-rules page).

    `characters` is a regex character class body; `first` and `last` constrain the
    first and last character the same way.
    """

    resource: str
    min_length: int
    max_length: int | None
    """None: Azure sets no upper bound."""
    characters: str
    characters_text: str
    first: str | None = None
    first_text: str = ""
    last: str | None = None
    last_text: str = ""
    no_double_hyphen: bool = False
    no_triple_hyphen: bool = False
    """Two hyphens in a row are fine, three are not (App Configuration)."""
    globally_unique: bool = False
    last_at_max: str | None = None
    """What the last character of a name of `max_length` characters may be, when that is less than
    `last` (the construct checks it; a name suggested is kept within it)."""

    def describe(self) -> str:
        if self.max_length is None:
            length = f"at least {self.min_length} character" + ("s" if self.min_length != 1 else "")
        else:
            length = f"{self.min_length}-{self.max_length} characters"
        parts = [length, self.characters_text]
        if self.first_text:
            parts.append(f"starts with {self.first_text}")
        if self.last_text:
            parts.append(f"ends with {self.last_text}")
        if self.no_double_hyphen:
            parts.append("no consecutive hyphens")
        if self.no_triple_hyphen:
            parts.append("no more than two hyphens in a row")
        if self.globally_unique:
            parts.append("unique across Azure")
        return "; ".join(parts)

    def problems(self, name: str) -> list[str]:
        found = []
        if len(name) < self.min_length or (self.max_length is not None and len(name) > self.max_length):
            found.append(f"has {len(name)} characters")
        allowed = re.compile(f"[{self.characters}]").fullmatch
        bad = sorted(c for c in set(name) if not allowed(c))
        if bad:
            found.append("contains " + ", ".join(repr(c) for c in bad))
        if name and self.first and not re.fullmatch(f"[{self.first}]", name[0]):
            found.append(f"starts with {name[0]!r}")
        if name and self.last and not re.fullmatch(f"[{self.last}]", name[-1]):
            found.append(f"ends with {name[-1]!r}")
        if self.no_double_hyphen and "--" in name:
            found.append("contains consecutive hyphens")
        if self.no_triple_hyphen and "---" in name:
            found.append("contains three hyphens in a row")
        return found

    def reserved_word(self, name: str) -> str | None:
        """The reserved word a name with a public endpoint (`globally_unique`) may not hold, as a
        problem (`is the reserved word 'azure'`), or None."""
        if not self.globally_unique:
            return None
        upper = name.upper()
        if upper in RESERVED_NAMES:
            return f"is the reserved word {name!r}"
        inside = next((word for word in RESERVED_ANYWHERE if word in upper), None)
        if inside:
            return f"contains the reserved word {inside.lower()!r}"
        start = next((word for word in RESERVED_AT_START if upper.startswith(word)), None)
        return f"starts with the reserved word {start.lower()!r}" if start else None


# Microsoft Learn, "Resolve errors for reserved resource names" (ms.date 2023-04-05): a resource
# with an accessible endpoint (a DNS name) is refused with ReservedResourceName when its name is
# one of these words, holds MICROSOFT or WINDOWS anywhere, or starts with LOGIN.
RESERVED_NAMES = frozenset((
    "ACCESS", "APP_CODE", "APP_THEMES", "APP_DATA", "APP_GLOBALRESOURCES", "APP_LOCALRESOURCES",
    "APP_WEBREFERENCES", "APP_BROWSERS", "AZURE", "BING", "BIZSPARK", "BIZTALK", "CORTANA", "DIRECTX",
    "DOTNET", "DYNAMICS", "EXCEL", "EXCHANGE", "FOREFRONT", "GROOVE", "HOLOLENS", "HYPERV", "KINECT", "LYNC",
    "MSDN", "O365", "OFFICE", "OFFICE365", "ONEDRIVE", "ONENOTE", "OUTLOOK", "POWERPOINT", "SHAREPOINT",
    "SKYPE", "VISIO", "VISUALSTUDIO", "WEB.CONFIG", "XBOX",
))
RESERVED_ANYWHERE = ("MICROSOFT", "WINDOWS")
RESERVED_AT_START = ("LOGIN",)


_ALNUM = "a-zA-Z0-9"
_LOWER_ALNUM = "a-z0-9"


def _network_rule(resource: str, min_length: int, max_length: int) -> NameRule:
    """Microsoft.Network names share one rule; only their lengths differ."""
    return NameRule(
        resource, min_length, max_length, r"a-zA-Z0-9_.\-",
        "letters, digits, underscores, periods and hyphens",
        first=_ALNUM, first_text="a letter or digit",
        last=r"a-zA-Z0-9_", last_text="a letter, digit or underscore",
    )


class NameRules:
    """Naming rules per Azure resource type; the stricter of Azure's and azurerm's rule.

    Sources: Microsoft Learn, "Naming rules and restrictions for Azure resources" (ms.date
    2025-03-14), and azurerm 4.55's name validators (`internal/services/*/validate`); where a
    type is not on Microsoft's page, the REST API's pattern. Where each name must be unique
    is a fact of the construct class (`ResourceFacts.name_scope`, checked at synth).
    """

    RESOURCE_GROUP = NameRule(
        "resource group", 1, 90, r"a-zA-Z0-9_().\-",
        "letters, digits, underscores, parentheses, hyphens and periods",
        last=r"a-zA-Z0-9_()\-", last_text="anything but a period",
    )
    KEY_VAULT = NameRule(
        "Key Vault", 3, 24, r"a-zA-Z0-9\-", "letters, digits and hyphens",
        first="a-zA-Z", first_text="a letter", last=_ALNUM, last_text="a letter or digit",
        no_double_hyphen=True, globally_unique=True,
    )
    STORAGE_ACCOUNT = NameRule(
        "storage account", 3, 24, _LOWER_ALNUM, "lowercase letters and digits only",
        globally_unique=True,
    )
    STORAGE_CONTAINER = NameRule(
        "storage container", 3, 63, r"a-z0-9\-", "lowercase letters, digits and hyphens",
        first=_LOWER_ALNUM, first_text="a lowercase letter or digit",
        last=_LOWER_ALNUM, last_text="a lowercase letter or digit", no_double_hyphen=True,
    )
    # azurerm (`keyvault/validate/nested_item_name.go`: ^[0-9a-zA-Z-]+$, "20202020" valid) and
    # Azure's API error quote the same pattern: 1-127 letters, digits and '-', a digit first too
    # (Microsoft Learn's "About keys, secrets, and certificates" says "starts with a letter").
    KEY_VAULT_SECRET = NameRule(
        "Key Vault secret", 1, 127, r"a-zA-Z0-9\-", "letters, digits and hyphens",
    )
    # Action group receivers: azurerm takes any name that is not empty; unique in the group.
    ACTION_GROUP_RECEIVER = NameRule(
        "action group receiver", 1, 260, r"^\x00-\x1f\x7f", "any characters but control characters",
    )
    CONTAINER_REGISTRY = NameRule(
        "container registry", 5, 50, _ALNUM, "letters and digits only",
        globally_unique=True,
    )
    POSTGRES_SERVER = NameRule(
        "PostgreSQL flexible server", 3, 63, r"a-z0-9\-", "lowercase letters, digits and hyphens",
        first=_LOWER_ALNUM, first_text="a lowercase letter or digit",
        last=_LOWER_ALNUM, last_text="a lowercase letter or digit", globally_unique=True,
    )
    # azurerm's rule (`postgres/validate/flexible_server_database_name.go`); Azure takes more.
    POSTGRES_DATABASE = NameRule(
        "PostgreSQL database", 1, 63, r"a-zA-Z0-9_\-", "letters, digits, underscores and hyphens",
        first=r"a-zA-Z_\-", first_text="a letter, '_' or '-'",
    )
    POSTGRES_FIREWALL_RULE = NameRule(
        "PostgreSQL firewall rule", 1, 128, r"a-zA-Z0-9_\-",
        "letters, digits, underscores and hyphens",
    )
    POSTGRES_ADMIN_LOGIN = NameRule(
        "PostgreSQL administrator login", 1, 63, r"a-zA-Z0-9_", "letters, digits and underscores",
        first="a-zA-Z_", first_text="a letter or underscore",
    )
    REDIS_CACHE = NameRule(
        "Azure Cache for Redis", 1, 63, r"a-zA-Z0-9\-", "letters, digits and hyphens",
        first=_ALNUM, first_text="a letter or digit", last=_ALNUM, last_text="a letter or digit",
        no_double_hyphen=True, globally_unique=True,
    )
    USER_ASSIGNED_IDENTITY = NameRule(
        "user-assigned identity", 3, 128, r"a-zA-Z0-9_\-",
        "letters, digits, hyphens and underscores",
        first=_ALNUM, first_text="a letter or digit",
    )
    # Microsoft's rule: "Can't contain a sequence of more than two hyphens" (so `--` is fine).
    APP_CONFIGURATION = NameRule(
        "App Configuration store", 5, 50, r"a-zA-Z0-9\-", "letters, digits and hyphens",
        first=_ALNUM, first_text="a letter or digit", last=_ALNUM, last_text="a letter or digit",
        no_triple_hyphen=True, globally_unique=True,
    )
    LOG_ANALYTICS_WORKSPACE = NameRule(
        "Log Analytics workspace", 4, 63, r"a-zA-Z0-9\-", "letters, digits and hyphens",
        first=_ALNUM, first_text="a letter or digit", last=_ALNUM, last_text="a letter or digit",
    )
    # azurerm 4.x (`containerapps/validate/validate.go` ManagedEnvironmentName:
    # ^[a-zA-Z][a-zA-Z0-9-]{0,58}[a-z]?$, not ending in '-'; its acceptance tests create
    # "acctest-CAEnv<n>" in Azure). Azure takes '--' too (microsoft/vscode-azurecontainerapps#66)
    # and a digit first, which azurerm 4.x refuses (hashicorp/terraform-provider-azurerm#32054).
    CONTAINER_APP_ENVIRONMENT = NameRule(
        "Container Apps environment", 2, 60, r"a-zA-Z0-9\-", "letters, digits and hyphens",
        first="a-zA-Z", first_text="a letter", last=_ALNUM, last_text="a letter or digit", last_at_max="a-z",
    )
    CONTAINER_APP = NameRule(
        "container app", 2, 32, r"a-z0-9\-", "lowercase letters, digits and hyphens",
        first="a-z", first_text="a lowercase letter", last=_LOWER_ALNUM,
        last_text="a lowercase letter or digit", no_double_hyphen=True,
    )
    CONTAINER_APP_SECRET = NameRule(
        "container app secret", 1, 253, r"a-z0-9.\-", "lowercase letters, digits, '-' and '.'",
        first=_LOWER_ALNUM, first_text="a lowercase letter or digit",
        last=_LOWER_ALNUM, last_text="a lowercase letter or digit",
    )
    VIRTUAL_NETWORK = _network_rule("virtual network", 2, 64)
    SUBNET = _network_rule("subnet", 1, 80)
    NETWORK_RESOURCE = _network_rule("network resource", 1, 80)
    PRIVATE_ENDPOINT = _network_rule("private endpoint", 2, 64)
    DNS_RESOLVER = NameRule(
        "DNS private resolver", 1, 80, r"a-zA-Z0-9_\-", "letters, digits, underscores and hyphens",
        first=_ALNUM, first_text="a letter or digit", last=_ALNUM, last_text="a letter or digit",
    )
    # azurerm (`managedredis/validate/managed_redis_name.go`): 3-63; Microsoft Learn: at most 60.
    MANAGED_REDIS = NameRule(
        "Azure Managed Redis", 3, 60, r"a-zA-Z0-9\-", "letters, digits and hyphens",
        first=_ALNUM, first_text="a letter or digit", last=_ALNUM, last_text="a letter or digit",
        no_double_hyphen=True, globally_unique=True,
    )
    # Microsoft.Insights names are free text but for a few characters (azurerm: not empty).
    ACTION_GROUP = NameRule(
        "action group", 1, 260, r"^:<>+/&%\\?\x00-\x1f\x7f", "anything but : < > + / & % \\ ? and control characters",
        last=r"^ .", last_text="a character other than a space or a period",
    )
    # azurerm: 1-12 characters (the display name in SMS and e-mail); spaces are fine.
    ACTION_GROUP_SHORT_NAME = NameRule(
        "action group short", 1, 12, r"^\x00-\x1f\x7f", "any characters but control characters",
    )
    METRIC_ALERT = NameRule(
        "metric alert", 1, 260, r"^*#&+:<>?@%{}\\/\x00-\x1f\x7f",
        "anything but * # & + : < > ? @ % { } \\ / and control characters",
        last=r"^ .", last_text="a character other than a space or a period",
    )
    ACTIVITY_LOG_ALERT = NameRule(
        "activity log alert", 1, 260, r"^<>*%{}&:\\?+/#|\x00-\x1f\x7f",
        "anything but < > * % { } & : \\ ? + / # | and control characters",
        last=r"^ .", last_text="a character other than a space or a period",
    )
    BUDGET = NameRule("budget", 1, 63, r"a-zA-Z0-9_\-", "letters, digits, underscores and hyphens")
    DNS_FORWARDING = NameRule(
        "DNS forwarding ruleset or rule", 1, 80, r"a-zA-Z0-9_\-", "letters, digits, underscores and hyphens",
        first=_ALNUM, first_text="a letter or digit", last=_ALNUM, last_text="a letter or digit",
    )
    # Azure's own rule for a container app's variables (its ContainerAppInvalidEnvVarName
    # error quotes it: `^[-._a-zA-Z][-._a-zA-Z0-9]*$`, microsoft/aspire#1779; azurerm checks only
    # that it is not empty). It bounds no length: a name of more than 1,000 characters deploys
    # (microsoft/vscode-azurecontainerapps#824).
    ENVIRONMENT_VARIABLE = NameRule(
        "environment variable", 1, None, r"a-zA-Z0-9_.\-", "letters, digits, '_', '.' and '-'",
        first=r"a-zA-Z_.\-", first_text="anything but a digit",
    )


class Validator:
    """Collects the problems of one construct's props (or one piece of input), then reports them.

    Usage::

        check = Validator("KeyVault", self)
        props = check.props(props)   # types first; a badly typed value is reported and replaced
        check.name("name", props.name, NameRules.KEY_VAULT)
        check.in_range("soft_delete_retention_days", props.soft_delete_retention_days, 7, 90)
        check.done()                 # records them in the app's ProblemLog; True when there were none

    Once a type is wrong, the rules are skipped: they would only repeat the problem.
    """

    def __init__(
        self, kind: str, where: Any, path: str | Callable[[], str] | None = None, log: ProblemLog | None = None,
    ) -> None:
        """`where` is the construct (whose app's log records the problems) or, for input that
        is not a construct (settings, a command line), its path. `path` overrides the path
        shown (a construct's path costs a jsii round trip, so it is read only if needed);
        `log` is the log to record in, for a construct that does not carry its own."""
        self.kind = kind
        self.where = where
        self._path = path
        self._log_given = log
        self._problems: list[str] = []
        self._warnings: list[str] = []
        self._tags_counted: list[str] = []
        self.typed = True
        """False once a value had the wrong type (the rules are then skipped)."""
        # Made by an app's own code (a construct class of its own), whose problems reach the app's
        # list even if it never calls done(): kept in the log with its first problem.
        self._keep = not sys._getframe(1).f_globals.get("__name__", "").startswith("sigmatiq_infra.")

    @property
    def path(self) -> str:
        where = self._path if self._path is not None else self.where
        if isinstance(where, str):
            return where
        return where() if callable(where) else where.node.path

    @property
    def problems(self) -> tuple[str, ...]:
        """The problems found so far."""
        return tuple(self._problems)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(self._warnings)

    def fail(self, prop: str, value: Any, problem: str, allowed: str, fix: str) -> None:
        """Record a problem a rule found (skipped once a type was wrong)."""
        if self.typed:
            self._found(self._message(prop, value, problem, allowed, fix))

    def type_problem(self, prop: str, value: Any, problem: str, allowed: str, fix: str) -> None:
        """Record a value of the wrong type; the rules that follow are then skipped."""
        self._found(self._message(prop, value, problem, allowed, fix))
        self.typed = False

    def _found(self, problem: str) -> None:
        self._problems.append(problem)
        if self._keep:
            self._keep = False
            with contextlib.suppress(KeyError):  # a construct not made yet (super().__init__ not called): none
                log = self._log()
                if log is not None:
                    log.kept.append(self)

    def include(self, other: Validator, *, warnings: bool = True) -> None:
        """Add the problems (and, unless told not to, the warnings) another validator found: a
        check run by a helper with its own subject."""
        self._problems += [p for p in other.problems if p not in self._problems]
        if warnings:
            self._warnings += [w for w in other.warnings if w not in self._warnings]

    def warn(self, prop: str, value: Any, problem: str, allowed: str, fix: str) -> None:
        """A problem that does not stop synth (e.g. a certificate that expires soon)."""
        self._warnings.append(self._message(prop, value, problem, allowed, fix))

    def _message(self, prop: str, value: Any, problem: str, allowed: str, fix: str) -> str:
        shown = _shown(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        return (
            f"{self.kind} '{self.path}': {prop} {shown} {problem}. "
            f"Allowed: {allowed or 'nothing (the list to choose from is empty)'}. Fix: {fix}."
        )

    def props(
        self, props: Any, expected: type | None = None, *, choices: Mapping[str, Collection[str]] | None = None,
    ) -> Any:
        """Check every field of `props` (a dataclass; an `expected` one, when given) against its
        annotation, before any rule. Returns `props`, or a copy whose badly typed fields hold
        their defaults (or neutral values of the right type) so the construct can still be built;
        the rules that follow are then skipped. A field that cannot be replaced (a required
        construct) raises, as do props of another kind (another construct's: their fields differ).
        `choices` names the texts a field takes (`{"version": ("13", ..., "18")}`): a number given
        there is told the choice it means, not its own digits in quotes when those are none."""
        from sigmatiq_infra import typecheck  # the type checker loads only with the first props

        wanted = expected.__name__ if expected is not None else f"{self.kind}Props"
        kind = type(props)
        if (
            not dataclasses.is_dataclass(kind) and kind.__module__ != "builtins" and not isinstance(props, type)
            and getattr(props, "node", None) is None and (expected is None or isinstance(props, expected))
        ):  # an app's own props class, written without @dataclass: its fields cannot be checked
            self.type_problem(
                "props class", kind.__name__, "is no dataclass, so its fields cannot be checked against their types",
                "props as a dataclass, as the library's",
                f"put @dataclass(frozen=True) above class {kind.__name__} (from dataclasses import dataclass), its "
                "fields annotated",
            )
            raise ValidationError(self._problems)
        if (
            not dataclasses.is_dataclass(props) or isinstance(props, type)
            or (expected is not None and not isinstance(props, expected))
        ):
            self.type_problem(
                "props", props, f"has the type {type(props).__name__}", wanted, f"pass {wanted}(...) as the props",
            )
            raise ValidationError(self._problems)
        found, safe = typecheck.check_dataclass(props)
        for problem in found:
            self.type_problem(*_number_for_a_choice(problem.message_parts(), problem.value, (choices or {}).get(
                problem.prop,
            )))
        if found:
            if safe is None:
                raise ValidationError(self._problems)
            return safe
        tags = getattr(props, "tags", None)
        if isinstance(tags, Mapping):
            # Azure's tag rules on the construct's own tags, counted with the stack's (unless the
            # stack's alone are too many: the stack says so, once).
            merged = getattr(self.where, "resource_tags", None)
            counted = dict(merged(tags)) if merged is not None else tags
            too_many_already = merged is not None and len(merged()) > MAX_TAGS
            self.tags(
                "tags", tags, max_key_length=getattr(self.where, "max_tag_name_length", 512),
                count=0 if too_many_already else len(counted),
            )
        return props

    def value_type(self, prop: str, value: Any, hint: Any) -> bool:
        """Check one value against a type annotation; True when it fits (tokens always do)."""
        from sigmatiq_infra import typecheck

        found = typecheck.value_problems(prop, value, hint)  # every one: a backend's two bad fields, two lines
        for problem in found:
            self.type_problem(*problem.message_parts())
        return not found

    def name(self, prop: str, value: str, rule: NameRule, *, created: bool = True) -> None:
        """`value` against `rule`; the reserved words too for a resource this app creates
        (`created`): Azure checks them at creation only, so a lookup of one that exists passes."""
        if not self.typed or is_token(value):
            return
        found = rule.problems(value)
        if found:
            written = _name_written_in(value, rule)
            suggested = None if written else _suggested_name(value, rule, created=created)
            if written:
                fix = f"write the name alone, not {written[0]}: {written[1]!r}"
            elif suggested:
                fix = f"use {suggested!r} or another {rule.resource} name that follows these rules"
            else:
                fix = f"choose {_article(rule.resource)} {rule.resource} name that follows these rules"
            self.fail(prop, value, " and ".join(found), f"{rule.resource} names have {rule.describe()}", fix)
            return
        reserved = rule.reserved_word(value) if created else None
        if reserved:
            self.fail(
                prop, value, f"{reserved}, which Azure refuses in a name with a public endpoint "
                "(ReservedResourceName)", "a name that is not a reserved word such as 'azure' or 'office', holds "
                "neither 'microsoft' nor 'windows', and does not start with 'login' (Microsoft Learn, \"Resolve "
                "errors for reserved resource names\")", f"choose another {rule.resource} name",
            )

    def derived_name(self, prop: str, value: str, derived: str, resource: str, max_length: int) -> None:
        """A name the library derives from `value` (an NSG's `nsg-<subnet name>`) within the
        `max_length` Azure takes for a `resource`: else one problem naming the derived name, its
        length and how long `value` may be. A `value` longer than that is its own rule's problem."""
        if not self.typed or is_token(value) or len(derived) <= max_length or len(value) > max_length:
            return
        longest = max_length - (len(derived) - len(value))
        self.fail(
            prop, value, f"makes the {resource} name {derived!r} {len(derived)} characters long",
            f"{resource} names of at most {max_length} characters, so a {prop} of at most {longest}",
            f"shorten the {prop} to {longest} characters or fewer",
        )

    def in_range(
        self, prop: str, value: float | None, low: float, high: float, fix: str | None = None,
    ) -> None:
        if not self.typed or value is None or is_token(value):
            return
        if isinstance(value, bool) or not low <= value <= high:
            low_text, high_text = _number_text(low), _number_text(high)
            self.fail(
                prop, value, "is out of range", f"{low_text} to {high_text}",
                fix or f"set {prop} between {low_text} and {high_text}",
            )

    def one_of(
        self, prop: str, value: Any, allowed: Collection[Any], fix: str | None = None, allowed_text: str | None = None,
        *, meant: str | None = None, fix_for_meant: Callable[[str], str | None] | None = None,
    ) -> None:
        """`value` is one of `allowed` (`allowed_text` says so in fewer words, for long lists).
        One text is one choice (`("Standard")` without its comma), never its letters: else any part
        of it would pass (`'Stand' in 'Standard'`). The problem suggests the choice `value` most
        likely means ("did you mean 'Basic'?"): `meant` when the caller knows it better than the
        spelling does (the next size of a tier), else the same text in another case or the closest
        spelling. `fix_for_meant` gives the fix for that choice when it says more than the list
        (`sku='Basic'` with `public_network_access_enabled=True`), else None."""
        if not self.typed or value is None or is_token(value):
            return
        if isinstance(allowed, str):
            allowed = (allowed,)
        if value not in allowed:
            listed = allowed_text or ", ".join(repr(a) for a in allowed)
            meant = meant if meant is not None else meant_choice(value, allowed)
            hint = f" (did you mean {meant!r}?)" if meant is not None else ""
            meant_fix = fix_for_meant(meant) if fix_for_meant is not None and meant is not None else None
            self.fail(
                prop, value, f"is not supported{hint}", listed,
                meant_fix or fix or (f"use one of {listed}" if allowed else f"first add {value!r} to the choices"),
            )

    def cidr(self, prop: str, value: str) -> ipaddress.IPv4Network | None:
        """The IPv4 network `value` in CIDR notation (`cidr_network`), or None and a problem:
        a bare address or a netmask is named as a prefix length missing or in the wrong form."""
        if not self.typed or is_token(value):
            return None
        network = cidr_network(value)
        if network is not None:
            return network
        address, _, length = value.partition("/")
        try:
            if not length:
                start = int(ipaddress.IPv4Address(address))
                zeros = (start & -start).bit_length() - 1 if start else 32
                example = f"{address}/{max(32 - zeros, 16)}"  # a network the address starts, /16 at most
                problem, fix = "has no prefix length", f"add the prefix length, e.g. {example!r}"
            elif not length.isdigit():
                written = ipaddress.IPv4Network(value)  # a netmask Python reads, e.g. 255.255.0.0
                problem, fix = "gives its prefix length as a netmask", f"write it as {str(written)!r}"
            else:
                ipaddress.IPv4Network(value)
                raise ValueError(f"{value} is not written as CIDR")  # e.g. 10.0.0.0/016
        except ValueError as reason:
            problem, fix = f"is not an IPv4 network ({reason})", "write the network address and prefix length"
            with contextlib.suppress(ValueError):  # host bits set: name the network it lies in
                if length.isdigit() and len(length) <= 2:
                    fix += f": {str(ipaddress.IPv4Network(value, strict=False))!r}"
            spaced = spaces_in(value)  # '10.0.0.0 /16', ' 10.0.0.0/16': spaces Azure does not take
            if spaced is not None and cidr_network(spaced[0]) is not None:
                problem, fix = f"has spaces {spaced[1]} it", f"write it without spaces: {spaced[0]!r}"
            with contextlib.suppress(ValueError):
                ipaddress.IPv6Network(value.strip(), strict=False)
                problem, fix = "is an IPv6 range", f"give {prop} an IPv4 range: it takes IPv4 only"
        self.fail(prop, value, problem, "CIDR notation with no host bits set, e.g. '10.20.1.0/24'", fix)
        return None

    def require(self, ok: bool, prop: str, value: Any, problem: str, allowed: str, fix: str) -> None:
        if self.typed and not ok:
            self.fail(prop, value, problem, allowed, fix)

    def known(self, prop: str, value: Any, use: str, allowed: str, fix: str | None = None) -> bool:
        """Refuse a deploy-time expression where the value must be known at synth (`use` says
        why: it names a construct, it decides what is made); True when `value` is known."""
        if is_token(value):
            self.fail(
                prop, TOKEN_SHOWN, f"is a deploy-time expression, but {use}", allowed,
                fix or f"write the {prop} in code",
            )
        return not is_token(value)

    def tags(
        self, prop: str, tags: Mapping[str, str], *, max_key_length: int = 512, count: int | None = None,
    ) -> None:
        """Azure's tag rules: at most 50 tags (`count`: how many the resource ends up with, the
        stack's included), names of at most `max_key_length` characters (128 on storage
        accounts) without `< > % & \\ ? /` or control characters, values of at most 256."""
        if not self.typed:
            return
        count = len(tags) if count is None else count
        if count > MAX_TAGS:
            self.fail(
                prop, f"{count} tags", "are more than Azure allows on one resource",
                f"at most {MAX_TAGS} tags per resource (the stack's tags included)",
                "merge or drop tags",
            )
            self._tags_counted.append(self.path)
        seen: dict[str, str] = {}
        for key, value in tags.items():
            if is_token(key) or is_token(value):
                continue
            first = seen.setdefault(key.lower(), key)
            if first != key:
                self.fail(
                    f"{prop} name", key, f"differs from {first!r} only in case",
                    "tag names that differ in more than case (Azure compares tag names in any case, so the "
                    "resource would keep one of the two)", f"keep one of {first!r} and {key!r}",
                )
            bad = sorted({c for c in key if c in FORBIDDEN_TAG_CHARACTERS or ord(c) < 32 or ord(c) == 127})
            if bad:
                self.fail(
                    f"{prop} name", key, "contains " + ", ".join(repr(c) for c in bad),
                    "tag names without < > % & \\ ? / or control characters",
                    "rename the tag, e.g. with '-' or '_' instead",
                )
            if not key:
                self.fail(f"{prop} name", key, "is empty", f"1 to {max_key_length} characters", "give the tag a name")
            elif (too_long := long_tag_name(key, max_key_length)) is not None:
                self.fail(f"{prop} name", key, *too_long, "shorten the tag name")
            if isinstance(value, str) and _tag_length(value) > MAX_TAG_VALUE:
                self.fail(
                    f"{prop} {key!r} value", value, _tag_size(value),
                    f"at most {MAX_TAG_VALUE} characters" + _bytes_note(value),
                    "shorten the value",
                )

    def location(self, prop: str, value: str) -> None:
        """An Azure region by its programmatic name (`data/regions.toml`) or its display name
        (`West Europe`), which azurerm normalizes the same way (`regions.canonical`)."""
        if not self.typed or is_token(value):
            return
        from sigmatiq_infra import regions

        if regions.canonical(value) is None:
            close = regions.closest(value)
            self.fail(
                prop, value, "is not an Azure region" + (f" (did you mean {close!r}?)" if close else ""),
                f"a region's programmatic name such as 'centralus' or 'westeurope', or its display name such as "
                f"'West Europe' ({regions.SOURCE})",
                f"use {close!r}" if close else
                "use the name `az account list-locations -o table` shows in its Name column",
            )

    def zones(self, prop: str, value: Any, location: str, fix: str) -> None:
        """`value` of `prop` is zone-redundant, which needs a region with availability zones
        (`data/regions.toml`); nothing to say for a region that has them, or one that is no
        region (its own check says so)."""
        if not self.typed or is_token(location):
            return
        from sigmatiq_infra import regions

        if regions.has_zones(location) is False:
            self.fail(
                prop, value, f"needs availability zones, which {regions.canonical(location)} does not have",
                f"zone redundancy in a region with availability zones ({regions.ZONES_SOURCE})", fix,
            )

    def done(self) -> bool:
        """Report the problems found: a construct's validator records them (and its warnings)
        in the app's `ProblemLog` and says whether there were none; a validator bound to a
        plain path raises ValidationError when it found any."""
        log = self._log()
        self._keep = False
        if log is None:
            if self._problems:
                raise ValidationError(self._problems, self._warnings)
            return True
        if self in log.kept:
            log.kept.remove(self)
        log.add(self._problems, self._warnings)
        log.tags_counted.update(self._tags_counted)
        return not self._problems

    def _log(self) -> ProblemLog | None:
        if self._log_given is not None:
            return self._log_given
        if isinstance(self.where, str) or callable(self.where):
            return None
        # Constructs of this library (and the App) say where their app's problems go.
        return getattr(self.where, "problem_log", None)


def _number_for_a_choice(
    parts: tuple[str, Any, str, str, str], value: Any, allowed: Collection[str] | None,
) -> tuple[str, Any, str, str, str]:
    """A type problem's parts, with the fix for a number where one of the texts `allowed` goes
    (`version=16.0`, `redis_version=6.0`, `minimum_tls_version=1.0`) told as the choice it means
    (its whole part: '16', '6') or the choices: its own digits in quotes would be refused next."""
    if allowed is None or isinstance(value, bool) or not isinstance(value, (int, float)) or str(value) in allowed:
        return parts
    prop, shown, problem, expected, _ = parts
    listed = ", ".join(repr(choice) for choice in allowed)
    whole = str(value).split(".")[0]
    fix = (f"write {prop}={whole!r}, as text in quotes (the choices: {listed})" if whole in allowed
           else f"give {prop} one of {listed}, as text in quotes")
    return prop, shown, problem, expected, fix


def meant_choice(value: Any, allowed: Collection[Any]) -> str | None:
    """The choice of `allowed` a text that is none of them most likely means: the same in another case
    (`'PREMIUM'`, `'lrs'`), else the closest spelling; None when none is close."""
    choices = [str(a) for a in ((allowed,) if isinstance(allowed, str) else allowed)]
    if not isinstance(value, str) or is_token(value) or len(choices) < 2:
        return None
    same = [c for c in choices if c.casefold() == value.casefold()]
    close = same or difflib.get_close_matches(value, choices, n=1)
    return close[0] if close else None


def _shown(value: Any) -> str:
    """A value as a message shows it: a construct by its kind and path (in a list too), a value
    known only at deploy time as such (not its placeholder), anything else as repr."""
    if is_token(value):
        return repr(TOKEN_SHOWN)
    if isinstance(value, (list, tuple)) and any(_construct_path(item) is not None for item in value):
        shown = ", ".join(_shown(item) for item in value)
        return f"[{shown}]" if isinstance(value, list) else f"({shown}{',' if len(value) == 1 else ''})"
    path = _construct_path(value)
    if path is None and isinstance(value, enum.Enum):  # a member by its name, not its value's repr
        return f"{type(value).__name__}.{value.name}"
    if path is None and dataclasses.is_dataclass(value) and not isinstance(value, type):  # its fields shown so too
        shown = ", ".join(f"{f.name}={_shown(getattr(value, f.name))}" for f in dataclasses.fields(value) if f.repr)
        return f"{type(value).__name__}({shown})"
    return f"{type(value).__name__} '{path}'" if path is not None else repr(value)


def _construct_path(value: Any) -> str | None:
    """The path of a construct; None for anything else."""
    node = getattr(value, "node", None) if not isinstance(value, (str, int, float, Mapping, list, tuple)) else None
    path = getattr(node, "path", None) if node is not None else None
    return path if isinstance(path, str) else None


def _number_text(number: float) -> str:
    """A bound as a reader writes it: whole numbers in full (2147483647, not 2.14748e+09)."""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


_AZURE_DOMAIN = re.compile(r"(?i)(?:[a-z0-9-]+\.)*(?:azure|windows|azurecr|azconfig)\.[a-z]+\.?")
"""The domain of an Azure service's address: `vault.azure.net`, `azurecr.io`, `blob.core.windows.net`."""


def _name_written_in(value: str, rule: NameRule) -> tuple[str, str] | None:
    """(what `value` is, the name it holds) when `value` is a resource id (copied from the Portal,
    `/subscriptions/.../vaults/kv-orders`), a service's address (`acrorders.azurecr.io`,
    `https://kv-orders.vault.azure.net/`; a blob container's, `https://<account>.blob.core.windows.net/
    tfstate`, holds the container's after the account's) or a name with slashes or spaces around it,
    and the name it holds follows `rule`; else None."""
    text = value.strip()
    if text.lower().startswith("/subscriptions/"):
        parts = [part for part in text.split("/") if part]
        lowered = [part.lower() for part in parts]
        at = lowered.index("resourcegroups") + 1 if "resourcegroups" in lowered else len(parts)
        # A group's name follows `resourceGroups/` in any id below it; any other name ends the id.
        name = parts[at] if rule.resource == "resource group" and at < len(parts) else parts[-1]
        what = "its resource id"
    else:
        host, _, path = text.split("://", 1)[-1].strip("/").partition("/")
        first, _, domain = host.partition(".")
        address = _AZURE_DOMAIN.fullmatch(domain) is not None
        if address and rule.resource == "storage container":
            # A container's address is its account's with the container after it
            # (`https://<account>.blob.core.windows.net/<container>`): the account is no container name.
            first = path.split("/", 1)[0]
        name, what = (first, "its address") if address else (text.strip("/"), "with slashes or spaces around it")
        if "/" in name:
            return None
    return (what, name) if name and name != value and not rule.problems(name) else None


_SEPARATORS = " -_."
"""Characters that already part a name's words: a bad character next to one is dropped, not replaced."""


def _suggested_name(value: str, rule: NameRule, *, created: bool = True) -> str | None:
    """A name made from `value` that follows `rule`, for a user to paste: lowercased where the
    rule takes lowercase only, each run of characters it refuses written as the name's separator
    ('-', else '_'; none: dropped) or as their plain letter ('ö' as 'o'), a run of hyphens the
    rule refuses shortened, characters it refuses first or last taken off and the rest cut to its
    length, a number at the end kept (`St_Orders` as a storage account: `storders`; `my--app`:
    `my-app`). None when nothing of `value` is left that follows it (an empty name, one too
    short, all digits for a name that starts with a letter), `value` is an address or a path (it
    holds a '/') or, for a name this app creates, what is left is a reserved word. Whether the
    name is free in its scope (unique across Azure) is not checked."""
    allowed = re.compile(f"[{rule.characters}]").fullmatch
    if not isinstance(value, str) or ("/" in value and not allowed("/")):
        return None  # an address or a path whose name `_name_written_in` did not find: no name to make
    lowercase = not allowed("A") and allowed("a")
    text = value.strip().lower() if lowercase else value.strip()
    # The name's own separator where it has one ('my_var x' as 'my_var_x'); else '_' in a name in
    # capitals ('ORDERS API' as 'ORDERS_API'), '-' in any other; a rule that takes neither: none.
    preferred = ("_", "-") if text.isupper() else ("-", "_")
    used = [c for c in preferred if c in text and allowed(c)]
    separator = next(iter(used + [c for c in preferred if allowed(c)]), "")
    pieces = [char if allowed(char) else _plain(char, allowed, lowercase) for char in text]
    kept: list[str] = []
    repeated = ""
    for at, piece in enumerate(pieces):
        if piece is not None:
            if piece != repeated:
                kept.append(piece)
            repeated = ""
        elif at and pieces[at - 1] is not None:
            # A run of refused characters parts two words (`orders api`, `kv_orders`), unless a
            # separator of the name's own already does (`ops: alerts`, `cpu > 80`: one space
            # kept) or the run ends the name.
            following = next((p for p in pieces[at + 1:] if p is not None), None)
            if following and kept[-1][-1] in _SEPARATORS:
                repeated = kept[-1][-1]
            elif separator and following and following[0] not in _SEPARATORS:
                kept.append(separator)
    name = "".join(kept)
    if rule.no_double_hyphen:
        name = re.sub(r"-{2,}", "-", name)
    elif rule.no_triple_hyphen:
        name = re.sub(r"-{3,}", "--", name)
    first = re.compile(f"[{rule.first}]").fullmatch if rule.first else None
    last = re.compile(f"[{rule.last}]").fullmatch if rule.last else None
    while name and first and not first(name[0]):
        name = name[1:]
    whole = name
    name = _cut(whole, rule.max_length, last)
    if rule.last_at_max and name and len(name) == rule.max_length and not re.fullmatch(
        f"[{rule.last_at_max}]", name[-1],
    ):
        name = _cut(whole, rule.max_length - 1, last)  # one shorter: its last character is one it may not end with
    if not name or name == value or rule.problems(name) or (created and rule.reserved_word(name)):
        return None
    return name


def _cut(name: str, longest: int | None, last: Callable[[str], Any] | None) -> str:
    """`name` cut to `longest` characters, a number at its end (an instance's, `-01`) kept (the
    name is cut before it), then ended with a character `last` takes."""
    if longest is not None and len(name) > longest:
        number = re.search(r"[-_. ]?[0-9]+$", name)
        tail = number.group() if number and len(number.group()) <= longest // 3 else ""
        head = name[:longest - len(tail)]
        name = head.rstrip(_SEPARATORS) + tail if tail else head
    while name and last and not last(name[-1]):
        name = name[:-1]
    return name


def _plain(char: str, allowed: Callable[[str], Any], lowercase: bool) -> str | None:
    """`char` as the plain letters a rule takes ('ö' as 'o', 'é' as 'e'), or None."""
    plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
    plain = plain.lower() if lowercase else plain
    return plain if plain and all(allowed(c) for c in plain) else None


def _article(noun: str) -> str:
    # A 'u' read as "you" takes "a": a user-assigned identity.
    return "an" if noun[:1] in "AEIOUaeiou" and not noun.lower().startswith(("us", "uni")) else "a"


MAX_TAGS = 50
MAX_TAG_VALUE = 256

FORBIDDEN_TAG_CHARACTERS = frozenset("<>%&\\?/")
"""Azure's tag rules (Microsoft's "Use tags to organize your Azure resources", 2025-02-06).
Tag names compare in any case (Az.Resources' New-AzTag and Set-AzTag: "The tag name can have
a maximum of 512 characters and is case insensitive")."""


def merge_tags(base: Mapping[str, str], own: Mapping[str, str] | None) -> dict[str, str]:
    """`base` (a stack's tags), then `own` (a resource's), which win. Names compare as Azure
    compares them, in any case: a name of `base` that differs from one of `own` only in case
    gives way to it, as an equal name does (Azure would keep only one of the two)."""
    if not own:
        return dict(base)
    lowered = {key.lower() for key in own}
    return {**{key: value for key, value in base.items() if key in own or key.lower() not in lowered}, **own}


_CIDR = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}")


def cidr_network(text: object) -> ipaddress.IPv4Network | None:
    """The IPv4 network `text` writes in CIDR notation (`10.20.1.0/24`: the network address and a
    prefix length), or None. Azure takes address ranges only so ("Each subnet must have a unique
    address range, specified in CIDR format", Microsoft Learn, Azure Virtual Network FAQ; its REST
    API: "address blocks ... in CIDR notation"), and azurerm passes the text on as it is: a bare
    address or a netmask (`10.0.0.0/255.255.0.0`), which Python reads, is no range here."""
    if not isinstance(text, str) or _CIDR.fullmatch(text) is None:
        return None
    try:
        return ipaddress.IPv4Network(text)
    except ValueError:
        return None


# azurerm checks a tag's name and value by their length in bytes (Go's `len` of the UTF-8 text, in
# internal/tags/validation.go and storage/validate/storage_account_tags.go): a value of 200 'é' is
# 400 bytes, refused at plan. ASCII text is one byte a character, so its message is unchanged.
def _tag_length(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _tag_size(text: str) -> str:
    size = _tag_length(text)
    return f"has {len(text)} characters" if size == len(text) else f"has {size} bytes in UTF-8 ({len(text)} characters)"


def _bytes_note(text: str) -> str:
    """How azurerm counts, said where it differs from the characters: for text beyond ASCII."""
    if text.isascii():
        return ""
    return " (azurerm counts bytes of UTF-8: a letter such as 'é' takes two, others up to four)"


def long_tag_name(key: str, longest: int) -> tuple[str, str] | None:
    """(what is wrong, what is allowed) for a tag name longer than `longest` as azurerm counts it
    (bytes of UTF-8), or None when it is not."""
    if _tag_length(key) <= longest:
        return None
    return _tag_size(key), f"1 to {longest} characters" + _bytes_note(key)


def spaces_in(text: str) -> tuple[str, str] | None:
    """(`text` without its spaces, 'around' or 'in': where they are) for text copied with spaces
    (' 10.0.0.0/16', 'ops @example.com'); None when it has none."""
    squeezed = "".join(text.split())
    if squeezed == text:
        return None
    return squeezed, "around" if squeezed == text.strip() else "in"


def lies_in(text: object) -> ipaddress.IPv4Network | None:
    """The IPv4 network a range written with host bits set or with spaces lies in (`10.0.1.5/24`:
    10.0.1.0/24), which `Validator.cidr` reports as such; None for anything else. The checks that
    follow (inside the VNet, no overlaps) still judge it, so that the fix offered for the way it is
    written is not met by another problem on the next run."""
    text = "".join(text.split()) if isinstance(text, str) else text
    if not isinstance(text, str) or _CIDR.fullmatch(text) is None:
        return None
    try:
        return ipaddress.IPv4Network(text, strict=False)
    except ValueError:
        return None


def overlapping(networks: dict[str, ipaddress.IPv4Network]) -> list[tuple[str, str]]:
    """Pairs of names whose networks overlap, in the order given."""
    names = list(networks)
    return [
        (a, b)
        for i, a in enumerate(names)
        for b in names[i + 1:]
        if networks[a].overlaps(networks[b])
    ]
