"""One policy rule per module; `PRIVATE_ENVIRONMENT` is the pack for private environments."""

from sigmatiq_infra.aspects.rules.no_public_network_access import NO_PUBLIC_NETWORK_ACCESS
from sigmatiq_infra.aspects.rules.private_endpoint_required import PRIVATE_ENDPOINT_REQUIRED

PRIVATE_ENVIRONMENT = (NO_PUBLIC_NETWORK_ACCESS, PRIVATE_ENDPOINT_REQUIRED)

__all__ = ["NO_PUBLIC_NETWORK_ACCESS", "PRIVATE_ENDPOINT_REQUIRED", "PRIVATE_ENVIRONMENT"]
