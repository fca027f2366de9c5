"""The `prod` stack: Sigmatiq's private production environment."""

from __future__ import annotations

from stacks.environment import EnvironmentStack


class ProdStack(EnvironmentStack):
    """Prod: everything private. A VNet with NSGs, private endpoints and DNS zones for the
    data services, vault and store, a DNS private resolver that the VNet and the
    point-to-site VPN clients use, a VNet-integrated internal Container Apps environment,
    Azure Managed Redis, and the databases protected from deletion. It is built from the
    same recipe as `BetaStack`; what differs is settings data (`stacks.settings.values.PROD`)."""
