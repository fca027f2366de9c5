"""What every construct with one primary Terraform resource offers, and the facts each
construct class states about the Terraform resources it creates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from sigmatiq_infra._cdktf import TerraformResourceLifecycle

T = TypeVar("T")


@dataclass(frozen=True)
class ResourceFacts:
    """What a construct knows about one Terraform resource type it creates (azurerm 4.55)."""

    terraform_type: str
    replaced_when_changed: tuple[str, ...] = ()
    """Arguments whose change makes Terraform destroy and re-create the resource."""
    replaced_when_lowered: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    """Arguments that may move up but not down this order (e.g. a PostgreSQL version)."""
    holds: str | None = None
    """What the resource holds that a replacement or deletion would lose (data, secrets,
    state); the plan gate refuses both for such resources."""


class ResourceAttribute(Generic[T]):
    """An attribute of a construct's primary resource (or data source): a Terraform
    reference, read on first use, because each read is a jsii round trip and many are
    never needed."""

    def __init__(self, attribute: str | None = None) -> None:
        self.attribute = attribute
        """The binding's attribute, when it is not named as here (`ssl_port` for `tls_port`)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, construct: Any, owner: type | None = None) -> T:
        if construct is None:
            return self  # type: ignore[return-value]
        primary = construct.__dict__.get("resource") or construct.__dict__["data"]
        # Kept on the instance, where it is found before this (non-data) descriptor.
        value = construct.__dict__[self.name] = getattr(primary, self.attribute or self.name)
        return value


class PrimaryResource:
    """Mixin for constructs whose Terraform resource is `self.resource` (or, for lookups of
    existing resources, the data source `self.data`). A construct that already sets
    `ignore_changes` on its resource lists them in `_ignore_changes`, so they are kept."""

    _ignore_changes: list[str] | None = None
    facts: ClassVar[tuple[ResourceFacts, ...]] = ()
    """The facts about the Terraform resources this construct creates (its primary first)."""

    id = ResourceAttribute[str]()
    """The Azure resource id."""

    def protect_from_destroy(self) -> None:
        """Make Terraform refuse any plan that would destroy the resource."""
        resource = self.__dict__.get("resource")
        if resource is None:
            raise TypeError(f"{type(self).__name__}: only a resource this stack manages can be protected")
        resource.lifecycle = TerraformResourceLifecycle(
            prevent_destroy=True, ignore_changes=self._ignore_changes,
        )
