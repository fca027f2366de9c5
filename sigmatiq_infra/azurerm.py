"""The azurerm provider bindings of the selected engine: `from sigmatiq_infra.azurerm import
key_vault` is `cdktf_cdktf_provider_azurerm.key_vault` on cdktf (azurerm 4.55.0) and
`cdktn_provider_azurerm.key_vault` on CDK Terrain (azurerm 5.10.0). A submodule is imported
when it is first used; `sigmatiq_infra._bindings` does the importing."""

from __future__ import annotations

from types import ModuleType

from sigmatiq_infra import _bindings

VERSION: str = _bindings.ENGINE.azurerm
"""The azurerm version the bindings were generated for (and the stacks pin)."""
MAJOR: int = _bindings.ENGINE.azurerm_major
"""Its major version, 4 or 5: what construct facts are keyed by where the two differ
(`ResourceFacts.on_azurerm`)."""


def __getattr__(name: str) -> ModuleType:
    return _bindings.submodule(name)
