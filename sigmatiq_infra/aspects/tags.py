"""Tag every taggable resource, keeping tags a resource sets itself."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import jsii
from constructs import IConstruct

from sigmatiq_infra._cdktf import IAspect, TerraformResource
from sigmatiq_infra.validation import PROBLEM_LOG, Validator, merge_tags


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
    """The aspect form of `tag_resources`, for any scope in a stack: `Aspects.of(scope).add(...)`
    (cdktf runs no aspect added to the app itself: `App` reports one as a problem).

    `AzureStack` does not need it: it tags its resources once, just before synthesis,
    which costs one jsii callback per stack where an aspect costs one per construct.

    Its tags are checked against Azure's tag rules as a stack's are (`Validator.tags`) when
    it visits its scope, the first construct it sees: a problem in the app's list, and
    nothing tagged."""

    def __init__(self, tags: Mapping[str, str]) -> None:
        self.tags = dict(tags) if isinstance(tags, Mapping) else tags
        self._checked: bool | None = None
        """Whether the tags passed Azure's rules (None until the first visit)."""

    def visit(self, node: IConstruct) -> None:
        if self._checked is None:
            self._checked = self._check(node)
        if self._checked:
            tag_resources((node,), self.tags)

    def _check(self, scope: IConstruct) -> bool:
        check = Validator(
            "TagResources", scope, path=lambda: scope.node.path or "the app",
            log=scope.node.root.__dict__.get(PROBLEM_LOG),
        )
        if check.value_type("tags", self.tags, Mapping[str, str]):
            check.tags("tags", self.tags)
        return check.done()
