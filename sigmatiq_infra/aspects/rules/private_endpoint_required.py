"""Every service that can have a private endpoint has one in a private environment."""

from __future__ import annotations

from constructs import IConstruct

from sigmatiq_infra.aspects.rule import Rule
from sigmatiq_infra.constructs._resource import AzureResource


def missing_private_endpoint(node: IConstruct) -> str | None:
    # A service whose add_private_endpoint() was refused has that problem reported already;
    # a lookup belongs to the stack that manages the resource.
    if (
        isinstance(node, AzureResource) and node.private_link is not None and node._managed is not None
        and not node.private_endpoints and not node.__dict__.get("_private_endpoint_refused")
    ):
        return f"has no private endpoint ({node.private_link.subresource})"
    return None


PRIVATE_ENDPOINT_REQUIRED = Rule(
    id="private-endpoint-required",
    check=missing_private_endpoint,
    allowed="every private-link service of a private environment reached through a private endpoint",
    fix="call add_private_endpoint(network) on it",
)
