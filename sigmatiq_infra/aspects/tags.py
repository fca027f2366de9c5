"""Tag every taggable resource, keeping tags a resource sets itself."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import jsii
from constructs import IConstruct

from sigmatiq_infra._cdktf import IAspect, TerraformResource
from sigmatiq_infra.validation import merge_tags


def tag_resources(nodes: Iterable[IConstruct], tags: Mapping[str, str]) -> None:
    """Add `tags` to each of `nodes` that has a `tags` argument; a resource's own tags win
    (e.g. a resource group's `Purpose`), names compared in any case as Azure compares them.
    Resources that already carry every tag are left as they are."""
    names = {key.lower() for key in tags}
    for node in nodes:
        if isinstance(node, TerraformResource) and hasattr(type(node), "tags_input"):
            own = node.tags_input or {}  # type: ignore[attr-defined]
            if not names <= {key.lower() for key in own}:
                node.tags = merge_tags(tags, own)  # type: ignore[attr-defined]


@jsii.implements(IAspect)
class TagResources:
    """The aspect form of `tag_resources`, for any scope: `Aspects.of(scope).add(...)`.

    `AzureStack` does not need it: it tags its resources once, just before synthesis,
    which costs one jsii callback per stack where an aspect costs one per construct."""

    def __init__(self, tags: Mapping[str, str]) -> None:
        self.tags = dict(tags)

    def visit(self, node: IConstruct) -> None:
        tag_resources((node,), self.tags)
