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
    found = stack.__dict__.get("_sigmatiq_client_config")
    if found is None:
        found = stack.node.try_find_child(_CLIENT_CONFIG_ID) or DataAzurermClientConfig(stack, _CLIENT_CONFIG_ID)
        stack.__dict__["_sigmatiq_client_config"] = found
        # The subscription id is read for every role assignment: keep the token in Python.
        stack.__dict__["_sigmatiq_subscription_id"] = found.subscription_id
    return found  # type: ignore[return-value]


def subscription_id(scope: Construct) -> str:
    """`data.azurerm_client_config...subscription_id` of the stack, without a jsii round trip
    after the first call."""
    stack = TerraformStack.of(scope)
    if "_sigmatiq_subscription_id" not in stack.__dict__:
        client_config(stack)
    return stack.__dict__["_sigmatiq_subscription_id"]
