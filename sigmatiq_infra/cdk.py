"""The selected engine's own names, for your code: `from sigmatiq_infra.cdk import
TerraformOutput, Fn` is cdktf's `TerraformOutput` and `Fn` on cdktf (the default) and CDK
Terrain's with `SIGMATIQ_ENGINE=cdktn`; every name either engine's Python package offers is
here. With `sigmatiq_infra.azurerm` (the engine's azurerm bindings), an app that imports
neither `cdktf` nor `cdktn` itself runs on both.

Importing this module imports nothing: a name is looked up, and the engine imported, when
it is first used (after the fast runtime is switched on, as for every jsii package)."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    from sigmatiq_infra import _cdktf

    try:
        return getattr(_cdktf.runtime, name)
    except AttributeError:
        raise AttributeError(f"{_cdktf.ENGINE.runtime} (the engine SIGMATIQ_ENGINE selects) has no {name!r}") from None
