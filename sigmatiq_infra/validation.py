"""One place for input validation: Azure naming rules, ranges and allowed values.

Every construct validates its props here before it creates anything. An error names the
construct (its kind and path), the bad value, what Azure allows and how to fix it. Values
that are Terraform tokens (known only at apply time) are never validated.
"""

from __future__ import annotations

import ipaddress
import re
import struct
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

# While an app is built for synth, problems are collected here instead of raised one at a
# time, so that one run reports every bad value at once.
_collected: ContextVar[list[str] | None] = ContextVar("sigmatiq_collected_problems", default=None)


@contextmanager
def collect_problems() -> Iterator[list[str]]:
    """Within this block `Validator.done()` records problems instead of raising them."""
    problems: list[str] = []
    token = _collected.set(problems)
    try:
        yield problems
    finally:
        _collected.reset(token)


class ValidationError(ValueError):
    """Raised for bad construct props or settings; carries every problem found at once."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


_STRING_TOKEN = re.compile(r"\$\{TfToken\[[^\]]+\]\}")
_NUMBER_TOKEN_MARKER = 0xFDFF  # the top 16 bits of a number cdktf encodes a token in


def is_token(value: Any) -> bool:
    """True when `value` is (or contains) a cdktf token, i.e. unknown until apply.

    The same answer as `cdktf.Token.is_unresolved` for strings and numbers (tested), worked
    out in Python: validation asks this for nearly every prop, and a call into jsii each
    time would cost a round trip to Node.js.
    """
    if isinstance(value, str):
        return _STRING_TOKEN.search(value) is not None
    if isinstance(value, float):
        return struct.unpack(">Q", struct.pack(">d", value))[0] >> 48 == _NUMBER_TOKEN_MARKER
    return False


@dataclass(frozen=True)
class NameRule:
    """Azure's naming rule for one resource type (Microsoft's resource-name-rules page).

    `characters` is a regex character class body; `first` and `last` constrain the
    first and last character the same way.
    """

    resource: str
    min_length: int
    max_length: int
    characters: str
    characters_text: str
    first: str | None = None
    first_text: str = ""
    last: str | None = None
    last_text: str = ""
    no_double_hyphen: bool = False
    globally_unique: bool = False

    def describe(self) -> str:
        parts = [f"{self.min_length}-{self.max_length} characters", self.characters_text]
        if self.first_text:
            parts.append(f"starts with {self.first_text}")
        if self.last_text:
            parts.append(f"ends with {self.last_text}")
        if self.no_double_hyphen:
            parts.append("no consecutive hyphens")
        if self.globally_unique:
            parts.append("unique across Azure")
        return "; ".join(parts)

    def problems(self, name: str) -> list[str]:
        found = []
        if not self.min_length <= len(name) <= self.max_length:
            found.append(f"has {len(name)} characters")
        bad = sorted({c for c in name if not re.fullmatch(f"[{self.characters}]", c)})
        if bad:
            found.append("contains " + ", ".join(repr(c) for c in bad))
        if name and self.first and not re.fullmatch(f"[{self.first}]", name[0]):
            found.append(f"starts with {name[0]!r}")
        if name and self.last and not re.fullmatch(f"[{self.last}]", name[-1]):
            found.append(f"ends with {name[-1]!r}")
        if self.no_double_hyphen and "--" in name:
            found.append("contains consecutive hyphens")
        return found


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
    """Naming rules per Azure resource type; the stricter of Azure's and azurerm's rule."""

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
    KEY_VAULT_SECRET = NameRule(
        "Key Vault secret", 1, 127, r"a-zA-Z0-9\-", "letters, digits and hyphens",
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
    POSTGRES_DATABASE = NameRule(
        "PostgreSQL database", 1, 63, r"a-zA-Z0-9_", "letters, digits and underscores",
        first="a-zA-Z_", first_text="a letter or underscore",
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
    APP_CONFIGURATION = NameRule(
        "App Configuration store", 5, 50, r"a-zA-Z0-9\-", "letters, digits and hyphens",
        first=_ALNUM, first_text="a letter or digit", last=_ALNUM, last_text="a letter or digit",
        no_double_hyphen=True, globally_unique=True,
    )
    LOG_ANALYTICS_WORKSPACE = NameRule(
        "Log Analytics workspace", 4, 63, r"a-zA-Z0-9\-", "letters, digits and hyphens",
        first=_ALNUM, first_text="a letter or digit", last=_ALNUM, last_text="a letter or digit",
    )
    CONTAINER_APP_ENVIRONMENT = NameRule(
        "Container Apps environment", 2, 60, r"a-z0-9\-", "lowercase letters, digits and hyphens",
        first="a-z", first_text="a lowercase letter", last=_LOWER_ALNUM,
        last_text="a lowercase letter or digit", no_double_hyphen=True,
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
    MANAGED_REDIS = NameRule(
        "Azure Managed Redis", 1, 60, r"a-zA-Z0-9\-", "letters, digits and hyphens",
        first=_ALNUM, first_text="a letter or digit", last=_ALNUM, last_text="a letter or digit",
        no_double_hyphen=True, globally_unique=True,
    )
    ENVIRONMENT_VARIABLE = NameRule(
        "environment variable", 1, 256, r"a-zA-Z0-9_", "letters, digits and underscores",
        first="a-zA-Z_", first_text="a letter or underscore",
    )


class Validator:
    """Collects the problems of one construct's props, then raises them together.

    Usage::

        check = Validator("KeyVault", self)
        check.name("name", props.name, NameRules.KEY_VAULT)
        check.in_range("soft_delete_retention_days", props.soft_delete_retention_days, 7, 90)
        check.done()
    """

    def __init__(self, kind: str, where: Any) -> None:
        """`where` is the construct, a function returning the path, or the path: a construct's
        path costs a jsii round trip, so it is read only if a problem is found."""
        self.kind = kind
        self.where = where
        self._problems: list[str] = []

    @property
    def path(self) -> str:
        if isinstance(self.where, str):
            return self.where
        return self.where() if callable(self.where) else self.where.node.path

    def fail(self, prop: str, value: Any, problem: str, allowed: str, fix: str) -> None:
        self._problems.append(
            f"{self.kind} '{self.path}': {prop} {value!r} {problem}. "
            f"Allowed: {allowed}. Fix: {fix}."
        )

    def name(self, prop: str, value: str, rule: NameRule) -> None:
        if is_token(value):
            return
        found = rule.problems(value)
        if found:
            self.fail(
                prop, value, " and ".join(found), f"{rule.resource} names have {rule.describe()}",
                f"choose a {rule.resource} name that follows these rules",
            )

    def in_range(
        self, prop: str, value: float | None, low: float, high: float, fix: str | None = None,
    ) -> None:
        if value is None or is_token(value):
            return
        if isinstance(value, bool) or not low <= value <= high:
            self.fail(
                prop, value, "is out of range", f"{low:g} to {high:g}",
                fix or f"set {prop} between {low:g} and {high:g}",
            )

    def one_of(self, prop: str, value: Any, allowed: Collection[Any], fix: str | None = None) -> None:
        if value is None or is_token(value):
            return
        if value not in allowed:
            listed = ", ".join(repr(a) for a in allowed)
            self.fail(prop, value, "is not supported", listed, fix or f"use one of {listed}")

    def cidr(self, prop: str, value: str) -> ipaddress.IPv4Network | None:
        """The IPv4 network `value`, or None (and a problem) when it is not one."""
        if is_token(value):
            return None
        try:
            return ipaddress.IPv4Network(value)
        except ValueError as problem:
            self.fail(
                prop, value, f"is not an IPv4 network ({problem})",
                "CIDR notation with no host bits set, e.g. '10.20.1.0/24'",
                "write the network address and prefix length",
            )
            return None

    @property
    def problems(self) -> tuple[str, ...]:
        """The problems found so far."""
        return tuple(self._problems)

    def require(self, ok: bool, prop: str, value: Any, problem: str, allowed: str, fix: str) -> None:
        if not ok:
            self.fail(prop, value, problem, allowed, fix)

    def done(self) -> None:
        """Raise the problems found, or record them when an app build collects them."""
        if not self._problems:
            return
        collected = _collected.get()
        if collected is None:
            raise ValidationError(self._problems)
        collected.extend(self._problems)


def overlapping(networks: dict[str, ipaddress.IPv4Network]) -> list[tuple[str, str]]:
    """Pairs of names whose networks overlap, in the order given."""
    names = list(networks)
    return [
        (a, b)
        for i, a in enumerate(names)
        for b in names[i + 1:]
        if networks[a].overlaps(networks[b])
    ]
