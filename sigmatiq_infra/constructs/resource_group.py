"""Resource group: the container every other construct is placed in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from cdktf_cdktf_provider_azurerm.management_lock import ManagementLock
from cdktf_cdktf_provider_azurerm.resource_group import ResourceGroup as _ResourceGroup
from constructs import Construct

from sigmatiq_infra.constructs._context import AzureConstruct
from sigmatiq_infra.constructs._primary import PrimaryResource, ResourceFacts
from sigmatiq_infra.validation import NameRules, Validator


@runtime_checkable
class IResourceGroup(Protocol):
    """What a resource needs from its group: where it lives."""

    @property
    def name(self) -> str: ...

    @property
    def location(self) -> str: ...


@dataclass(frozen=True)
class ResourceGroupProps:
    name: str
    """Resource group name (1-90 characters; unique in the subscription)."""
    location: str
    """Azure region, e.g. `centralus`; every resource in the group defaults to it."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags on the group. Default: none."""


class ResourceGroup(PrimaryResource, AzureConstruct):
    """An `azurerm_resource_group`."""

    facts = (ResourceFacts("azurerm_resource_group", ("name", "location")),)

    def __init__(self, scope: Construct, id: str, props: ResourceGroupProps) -> None:
        super().__init__(scope, id)
        check = Validator("ResourceGroup", self)
        props = check.props(props)
        check.name("name", props.name, NameRules.RESOURCE_GROUP)
        check.location("location", props.location)
        check.done()

        self.resource = _ResourceGroup(
            self, "Resource", name=props.name, location=props.location, tags=self._resource_tags(props.tags),
        )
        self.name: str = props.name
        self.location: str = props.location

    def add_delete_lock(self, notes: str) -> ManagementLock:
        """A `CanNotDelete` lock: nobody (Terraform included) can delete the group or
        anything in it until the lock is removed; reading and changing still work."""
        return ManagementLock(
            self, "DeleteLock",
            name=f"lock-{self.name}"[:90],
            scope=self.id,
            lock_level="CanNotDelete",
            notes=notes[:512],
        )

