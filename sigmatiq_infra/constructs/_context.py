"""Per-stack context kept on the Python side: the stack a construct is in, and facts about
the subscription the stack is deployed with.

Each lookup here would otherwise be a jsii round trip (`TerraformStack.of`,
`node.try_find_child`, a token read) repeated for every construct that needs it.
"""

from __future__ import annotations

from collections.abc import Mapping

import jsii
from cdktf_cdktf_provider_azurerm.data_azurerm_client_config import DataAzurermClientConfig
from constructs import Construct, IConstruct, IValidation

from sigmatiq_infra._cdktf import TerraformStack
from sigmatiq_infra.validation import PROBLEM_LOG, ProblemLog

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


def problem_log(scope: IConstruct) -> ProblemLog:
    """The `ProblemLog` of the app `scope` is in (one per app, found through its stack).

    The first time a stack asks, it also registers a cdktf validation that reports the log,
    so that even cdktf's own `App.synth()` (validations on) refuses to write a stack while
    a problem is recorded. `sigmatiq_infra.App` reports it itself, with nothing written.
    """
    stack = stack_of(scope)
    log = stack.__dict__.get(PROBLEM_LOG)
    if log is None:
        root = stack.node.root
        log = root.__dict__.setdefault(PROBLEM_LOG, ProblemLog())
        stack.__dict__[PROBLEM_LOG] = log
        stack.node.add_validation(_RecordedProblems(log))
    return log


@jsii.implements(IValidation)
class _RecordedProblems:
    def __init__(self, log: ProblemLog) -> None:
        self.log = log

    def validate(self) -> list[str]:
        self.log.run_deferred()
        return list(self.log.problems)


class AzureConstruct(Construct):
    """Base of this library's constructs: it remembers its stack and its app's problem log
    when it is created, and tags what it creates with its stack's tags as it creates it."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.__dict__[_STACK] = stack_of(scope)
        self.__dict__[PROBLEM_LOG] = problem_log(scope)

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
