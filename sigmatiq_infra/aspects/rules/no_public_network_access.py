"""No resource of a private environment may be reachable from public networks."""

from __future__ import annotations

from constructs import IConstruct

from sigmatiq_infra._cdktf import TerraformResource
from sigmatiq_infra.aspects.rule import Rule
from sigmatiq_infra.constructs import resource_facts
from sigmatiq_infra.tokens import is_token

_KNOWN: dict[str, bool] = {}


def _public_by_default(terraform_type: str) -> bool:
    """Whether Azure makes a resource of this type public when the argument is left unset
    (as the construct classes state it in their `facts`; remembered once a class states it)."""
    if terraform_type not in _KNOWN:
        facts = resource_facts().get(terraform_type)
        if facts is None:
            return False
        _KNOWN[terraform_type] = facts.public_by_default
    return _KNOWN[terraform_type]


DEPLOY_TIME = (
    "sets public network access to a value known only at deploy time (a Terraform expression, which may turn it "
    "on)"
)


def public_network_access(node: IConstruct) -> str | None:
    if not isinstance(node, TerraformResource):
        return None
    if hasattr(type(node), "public_network_access_enabled_input"):
        value = node.public_network_access_enabled_input  # type: ignore[attr-defined]
        if value is True:
            return "enables public network access"
        if is_token(value):  # a deploy-time input: nothing in the code keeps it off
            return DEPLOY_TIME
        if value is None and _public_by_default(node.terraform_resource_type):
            return "leaves public network access at Azure's default (enabled)"
    if hasattr(type(node), "public_network_access_input"):
        value = node.public_network_access_input  # type: ignore[attr-defined]
        if value == "Enabled":
            return "enables public network access"
        if is_token(value):  # `either(flag, "Enabled", "Disabled")` of a deploy-time flag
            return DEPLOY_TIME
        if value is None and _public_by_default(node.terraform_resource_type):
            return "leaves public network access at Azure's default (enabled)"
    return None


def how_to_close(node: IConstruct) -> str:
    """The fix: a Container Apps environment is public without a VNet, whatever its props say
    (ContainerAppEnvironmentProps.public_network_access_enabled: None is off only with one),
    where every other construct of the library is private by default."""
    if getattr(node, "terraform_resource_type", None) == "azurerm_container_app_environment":
        return (
            "give the environment a virtual_network and leave public_network_access_enabled unset (or False): "
            "without a VNet it runs on an Azure-managed public network"
        )
    if public_network_access(node) == DEPLOY_TIME:
        return "write public_network_access_enabled=False in code (the constructs' default) and use a private endpoint"
    return "turn public network access off (the constructs' default) and use a private endpoint"


NO_PUBLIC_NETWORK_ACCESS = Rule(
    id="public-network-access",
    check=public_network_access,
    allowed="public network access disabled on every resource of a private environment",
    fix=how_to_close,
)
