"""A policy rule: a pure function of one construct, with what it accepts and how to comply.

Its own module so that the rules (`sigmatiq_infra.aspects.rules`) and the checks that run
them (`sigmatiq_infra.aspects.policy`, which also knows the library's rule ids) do not
import each other."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from constructs import IConstruct


@dataclass(frozen=True)
class Rule:
    id: str
    """Short stable name, used to suppress the rule."""
    check: Callable[[IConstruct], str | None]
    """Pure function of one construct: what is wrong with it, or None."""
    allowed: str
    """What the rule accepts, for the error message."""
    fix: str | Callable[[IConstruct], str]
    """How to comply, for the error message: a text, or a function of the construct that
    gives it where the way differs by kind."""
