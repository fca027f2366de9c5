"""Tag every taggable resource of a stack, keeping tags a resource sets itself."""

from __future__ import annotations

from collections.abc import Mapping

import jsii
from constructs import IConstruct

from sigmatiq_infra._cdktf import IAspect, TerraformResource


@jsii.implements(IAspect)
class TagResources:
    """Adds `tags` to every resource that has a `tags` argument; a resource's own tags win
    (e.g. a resource group's `Purpose`)."""

    def __init__(self, tags: Mapping[str, str]) -> None:
        self.tags = dict(tags)

    def visit(self, node: IConstruct) -> None:
        if isinstance(node, TerraformResource) and hasattr(type(node), "tags_input"):
            node.tags = {**self.tags, **(node.tags_input or {})}  # type: ignore[attr-defined]
