"""User-assigned managed identity: what apps authenticate as, instead of keys."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from constructs import Construct

from sigmatiq_infra.azurerm import user_assigned_identity
from sigmatiq_infra.constructs._resource import (
    RESOURCE_GROUP,
    AzureResource,
    IResourceGroup,
    ResourceAttribute,
    ResourceFacts,
)
from sigmatiq_infra.validation import NameRules, Validator


@dataclass(frozen=True)
class UserAssignedIdentityProps:
    name: str
    """Identity name (3-128 characters)."""
    resource_group: IResourceGroup
    """Group the identity lives in; its location is used."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""


class UserAssignedIdentity(AzureResource):
    """An `azurerm_user_assigned_identity`; a `Principal` that roles can be granted to, and
    one of a resource's `ManagedIdentities`."""

    facts = (
        ResourceFacts(
            "azurerm_user_assigned_identity", ("name", "location", "resource_group_name"),
            kind="managed identity", name_scope=RESOURCE_GROUP,
        ),
    )
    arm_type = "Microsoft.ManagedIdentity/userAssignedIdentities"
    kind_text = "managed identity"
    principal_type = "ServicePrincipal"
    principal_id = ResourceAttribute[str]()
    client_id = ResourceAttribute[str]()

    def __init__(self, scope: Construct, id: str, props: UserAssignedIdentityProps) -> None:
        super().__init__(scope, id)
        # Source: Microsoft Learn, resource-name-rules (userAssignedIdentities: 3-128, resource group).
        check = Validator("UserAssignedIdentity", self)
        props = check.props(props, UserAssignedIdentityProps)
        check.name("name", props.name, NameRules.USER_ASSIGNED_IDENTITY)
        check.done()

        self.resource = user_assigned_identity.UserAssignedIdentity(
            self, "Resource",
            name=props.name,
            resource_group_name=props.resource_group.name,
            location=props.resource_group.location,
            tags=self.resource_tags(props.tags),
        )
        self.keep_props(props)
