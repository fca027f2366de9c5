"""Per-stack singletons: facts about the subscription the stack is deployed with."""

from __future__ import annotations

from cdktf_cdktf_provider_azurerm.data_azurerm_client_config import DataAzurermClientConfig
from constructs import Construct

from sigmatiq_infra._cdktf import TerraformStack

_CLIENT_CONFIG_ID = "ClientConfig"


def client_config(scope: Construct) -> DataAzurermClientConfig:
    """The stack's `azurerm_client_config` (tenant, subscription and caller object id).

    These come from the provider's own authentication (`az login` or `ARM_*` variables),
    so no subscription or tenant id is ever written into code.
    """
    stack = TerraformStack.of(scope)
    existing = stack.node.try_find_child(_CLIENT_CONFIG_ID)
    if existing is not None:
        return existing  # type: ignore[return-value]
    return DataAzurermClientConfig(stack, _CLIENT_CONFIG_ID)
