"""sigmatiq-infra: AWS-CDK-style Azure constructs on CDK for Terraform, and Sigmatiq's stacks.

Importing this package is cheap: the azurerm bindings load only when
`sigmatiq_infra.constructs` or `sigmatiq_infra.stacks` is imported (or `App`/`synth` are
used from here).
"""

from typing import Any

__version__ = "0.2.0"
"""The package version, its one source (pyproject.toml reads it; CHANGELOG.md names it)."""
__all__ = ["App", "synth"]


def __getattr__(name: str) -> Any:
    """`sigmatiq_infra.App` and `sigmatiq_infra.synth`, loaded on first use (PEP 562)."""
    if name in __all__:
        from sigmatiq_infra import stacks

        return getattr(stacks, name)
    raise AttributeError(f"module 'sigmatiq_infra' has no attribute {name!r}")
