"""Every service that can have a private endpoint has one in a private environment."""

from __future__ import annotations

from constructs import IConstruct

from sigmatiq_infra.aspects.policy import Rule
from sigmatiq_infra.constructs.private_endpoint import PrivateLinkTarget


def missing_private_endpoint(node: IConstruct) -> str | None:
    if isinstance(node, PrivateLinkTarget) and node.private_endpoint is None:
        return f"has no private endpoint ({node.private_link.subresource})"
    return None


PRIVATE_ENDPOINT_REQUIRED = Rule(
    id="private-endpoint-required",
    check=missing_private_endpoint,
    allowed="every private-link service of a private environment reached through a private endpoint",
    fix="call add_private_endpoint(network) on it",
)
