"""No resource of a private environment may be reachable from public networks."""

from __future__ import annotations

from constructs import IConstruct

from sigmatiq_infra._cdktf import TerraformResource
from sigmatiq_infra.aspects.policy import Rule

# Resources that Azure makes public when the argument is left unset.
_PUBLIC_BY_DEFAULT = (
    "azurerm_key_vault", "azurerm_container_registry", "azurerm_postgresql_flexible_server",
    "azurerm_redis_cache", "azurerm_managed_redis", "azurerm_app_configuration",
    "azurerm_container_app_environment",
)


def public_network_access(node: IConstruct) -> str | None:
    if not isinstance(node, TerraformResource):
        return None
    if hasattr(type(node), "public_network_access_enabled_input"):
        value = node.public_network_access_enabled_input  # type: ignore[attr-defined]
        if value is True:
            return "enables public network access"
        if value is None and node.terraform_resource_type in _PUBLIC_BY_DEFAULT:
            return "leaves public network access at Azure's default (enabled)"
    if hasattr(type(node), "public_network_access_input"):
        value = node.public_network_access_input  # type: ignore[attr-defined]
        if value == "Enabled":
            return "enables public network access"
        if value is None and node.terraform_resource_type in _PUBLIC_BY_DEFAULT:
            return "leaves public network access at Azure's default (enabled)"
    return None


NO_PUBLIC_NETWORK_ACCESS = Rule(
    id="public-network-access",
    check=public_network_access,
    allowed="public network access disabled on every resource of a private environment",
    fix="turn public network access off (the constructs' default) and use a private endpoint",
)
