"""Resource group: the container every other construct is placed in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from constructs import Construct

from sigmatiq_infra import regions
from sigmatiq_infra.azurerm import resource_group
from sigmatiq_infra.constructs._resource import (
    SUBSCRIPTION,
    AzureResource,
    IResourceGroup,
    ResourceFacts,
)
from sigmatiq_infra.validation import NameRules, Validator, is_token

__all__ = ["IResourceGroup", "ResourceGroup", "ResourceGroupProps"]


@dataclass(frozen=True)
class ResourceGroupProps:
    name: str
    """Resource group name (1-90 characters; unique in the subscription)."""
    location: str
    """Azure region, e.g. `westeurope` (or its display name, `West Europe`, written as
    `westeurope`); every resource in the group is placed there."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags on the group. Default: none."""


class ResourceGroup(AzureResource):
    """An `azurerm_resource_group`. `add_lock()` on it protects everything inside."""

    arm_type = "Microsoft.Resources/resourceGroups"
    kind_text = "resource group"
    delete_operation = "Microsoft.Resources/subscriptions/resourceGroups/delete"
    facts = (
        ResourceFacts("azurerm_resource_group", ("name", "location"), kind="resource group", name_scope=SUBSCRIPTION),
    )

    def __init__(self, scope: Construct, id: str, props: ResourceGroupProps) -> None:
        super().__init__(scope, id)
        check = Validator("ResourceGroup", self)
        props = check.props(props, ResourceGroupProps)
        check.name("name", props.name, NameRules.RESOURCE_GROUP)
        check.location("location", props.location)
        check.done()

        # azurerm compares regions after lowercasing and dropping spaces; one form is written.
        location = props.location if is_token(props.location) else regions.canonical(props.location) or props.location
        self.resource = resource_group.ResourceGroup(
            self, "Resource", name=props.name, location=location, tags=self.resource_tags(props.tags),
        )
        self.keep_props(props)
        self.location: str = location
