"""Per-stack context kept on the Python side: the stack a construct is in, and facts about
the subscription the stack is deployed with.

Each lookup here would otherwise be a jsii round trip (`TerraformStack.of`,
`node.try_find_child`, a token read) repeated for every construct that needs it.
"""

from __future__ import annotations

from collections.abc import Mapping

from cdktf_cdktf_provider_azurerm.data_azurerm_client_config import DataAzurermClientConfig
from constructs import Construct, IConstruct

from sigmatiq_infra._cdktf import TerraformStack

_CLIENT_CONFIG_ID = "ClientConfig"
_STACK = "_sigmatiq_stack"
_CLIENT_CONFIG = "_sigmatiq_client_config"
_SUBSCRIPTION_ID = "_sigmatiq_subscription_id"
STACK_TAGS = "_sigmatiq_stack_tags"
"""Where a stack keeps the tags its resources get (`AzureStack` sets them)."""


def stack_of(scope: IConstruct) -> TerraformStack:
    """The stack `scope` is in: known at once for stacks and `AzureConstruct`s, looked up
    (once, then remembered) for any other construct."""
    found = scope.__dict__.get(_STACK)
    if found is None:
        found = scope if isinstance(scope, TerraformStack) else TerraformStack.of(scope)
        scope.__dict__[_STACK] = found
    return found


class AzureConstruct(Construct):
    """Base of this library's constructs: it remembers its stack when it is created, and
    tags what it creates with its stack's tags as it creates it."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.__dict__[_STACK] = stack_of(scope)

    def _resource_tags(self, own: Mapping[str, str] | None = None) -> dict[str, str]:
        """Tags for a resource this construct creates: the stack's, then `own` (which win)."""
        return {**self.__dict__[_STACK].__dict__.get(STACK_TAGS, {}), **(own or {})}


def client_config(scope: IConstruct) -> DataAzurermClientConfig:
    """The stack's `azurerm_client_config` (tenant, subscription and caller object id), one
    per stack.

    These come from the provider's own authentication (`az login` or `ARM_*` variables),
    so no subscription or tenant id is ever written into code.
    """
    stack = stack_of(scope)
    found = stack.__dict__.get(_CLIENT_CONFIG)
    if found is None:
        found = stack.__dict__[_CLIENT_CONFIG] = DataAzurermClientConfig(stack, _CLIENT_CONFIG_ID)
        # The subscription id is read for every role assignment: keep the token in Python.
        stack.__dict__[_SUBSCRIPTION_ID] = found.subscription_id
    return found


def subscription_id(scope: IConstruct) -> str:
    """`data.azurerm_client_config...subscription_id` of the stack, without a jsii round trip
    after the first call."""
    stack = stack_of(scope)
    if _SUBSCRIPTION_ID not in stack.__dict__:
        client_config(stack)
    return stack.__dict__[_SUBSCRIPTION_ID]
