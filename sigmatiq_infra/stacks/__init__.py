"""Stacks: `AzureStack`, the base of every stack an app builds (the provider, tags, state
backend), and the `App` that synthesizes them with every problem reported at once."""

from sigmatiq_infra.stacks.base import AzureStack, BlobStateBackend
from sigmatiq_infra.synthesis import App, synth

__all__ = ["App", "AzureStack", "BlobStateBackend", "synth"]
