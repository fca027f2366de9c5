"""One policy rule per module; a pack is a tuple of rules.

- `PRIVATE_ENVIRONMENT` (an aspect over every construct): nothing public, every private-link
  service behind a private endpoint.
- `OPERABLE` (checked on the library's constructs, `check_library_constructs`): diagnostics
  everywhere Azure Monitor collects from, and an environment with alerts and a budget.
"""

from sigmatiq_infra.aspects.rules.diagnostics_required import DIAGNOSTICS_REQUIRED
from sigmatiq_infra.aspects.rules.monitoring_required import MONITORING_REQUIRED
from sigmatiq_infra.aspects.rules.no_public_network_access import NO_PUBLIC_NETWORK_ACCESS
from sigmatiq_infra.aspects.rules.private_endpoint_required import PRIVATE_ENDPOINT_REQUIRED

PRIVATE_ENVIRONMENT = (NO_PUBLIC_NETWORK_ACCESS, PRIVATE_ENDPOINT_REQUIRED)
OPERABLE = (DIAGNOSTICS_REQUIRED, MONITORING_REQUIRED)

__all__ = [
    "DIAGNOSTICS_REQUIRED",
    "MONITORING_REQUIRED",
    "NO_PUBLIC_NETWORK_ACCESS",
    "OPERABLE",
    "PRIVATE_ENDPOINT_REQUIRED",
    "PRIVATE_ENVIRONMENT",
]
