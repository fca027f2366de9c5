"""sigmatiq-infra: AWS-CDK-style Azure constructs on CDK for Terraform (or CDK Terrain).

    from sigmatiq_infra import App, AzureStack
    from sigmatiq_infra.constructs import KeyVault, KeyVaultProps, ResourceGroup, ResourceGroupProps

Importing this package is cheap: the azurerm bindings load only when
`sigmatiq_infra.constructs` or `sigmatiq_infra.stacks` is imported (or `App`, `AzureStack`,
`BlobStateBackend` or `synth` are used from here).
"""

from typing import Any

__version__ = "0.3.0"
"""The package version, its one source (pyproject.toml reads it; CHANGELOG.md names it)."""
__all__ = ["ENVIRONMENT_VARIABLES", "App", "AzureStack", "BlobStateBackend", "synth"]
_LAZY = ("App", "AzureStack", "BlobStateBackend", "synth")

ENVIRONMENT_VARIABLES = (
    "SIGMATIQ_ENGINE", "SIGMATIQ_FULL_IMPORT", "SIGMATIQ_CACHE_DIR",
    "SIGMATIQ_P2S_KEY_PASSPHRASE", "SIGMATIQ_P2S_PFX_PASSWORD", "SIGMATIQ_UPDATE_SNAPSHOTS",
)
"""The environment variables the library itself reads: the engine (`cdktf` or `cdktn`), the
fast runtime's off switch and cache folder, the secrets `vpn-cert` asks for, and the switch
that rewrites `Template.assert_matches_snapshot`'s snapshots."""


def __getattr__(name: str) -> Any:
    """`sigmatiq_infra.App`, `.AzureStack`, `.BlobStateBackend` and `.synth`, loaded on first use (PEP 562)."""
    if name in _LAZY:
        from sigmatiq_infra import stacks

        return getattr(stacks, name)
    raise AttributeError(f"module 'sigmatiq_infra' has no attribute {name!r}")
