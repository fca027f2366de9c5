"""Sigmatiq's stacks: thin assemblies of `sigmatiq_infra.constructs` driven by settings."""

from sigmatiq_infra.stacks.base import AzureStack
from sigmatiq_infra.stacks.environment import EnvironmentStack
from sigmatiq_infra.stacks.shared import SharedStack
from sigmatiq_infra.stacks.state import StateStack
from sigmatiq_infra.synthesis import App, synth

__all__ = ["App", "AzureStack", "EnvironmentStack", "SharedStack", "StateStack", "synth"]
