"""The `beta` stack: Sigmatiq's public beta environment in `centralus`."""

from __future__ import annotations

from stacks.environment import EnvironmentStack


class BetaStack(EnvironmentStack):
    """Beta: PostgreSQL and Redis on public endpoints behind their firewalls, a public Key
    Vault and App Configuration store, and the five APIs on a Container Apps environment
    without a VNet. The seed deployed its data tier and app infrastructure (steps 3-4),
    which this stack adopts with `import` blocks. It is built from the same recipe as
    `ProdStack`; what differs is settings data (`stacks.settings.values.BETA`)."""
