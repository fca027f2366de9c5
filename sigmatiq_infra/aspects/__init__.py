"""Aspects applied to whole stacks at synth: tags everywhere, and policy packs."""

from sigmatiq_infra.aspects.policy import (
    PolicyAspect,
    Rule,
    check_every_construct,
    check_library_constructs,
    suppress,
    suppressions_of,
)
from sigmatiq_infra.aspects.tags import TagResources

__all__ = [
    "PolicyAspect",
    "Rule",
    "TagResources",
    "check_every_construct",
    "check_library_constructs",
    "suppress",
    "suppressions_of",
]
