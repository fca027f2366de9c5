"""The Sigmatiq app's stacks: `StateStack`, `SharedStack`, `BetaStack` and `ProdStack`, thin
assemblies of the sigmatiq-infra library's constructs driven by the estate's settings
(`stacks.settings`). `stacks.app` builds the app from them; `main.py` runs it.

This package is the app, not the library: it is not in the wheel, and it uses only the
library's public API. Importing it is cheap: the stacks (and the azurerm bindings) load when
one of them is first used, so `stacks.settings` can be read without them.
"""

from typing import Any

__all__ = ["BetaStack", "EnvironmentStack", "ProdStack", "SharedStack", "StateStack"]
_MODULES = {
    "BetaStack": "stacks.beta", "EnvironmentStack": "stacks.environment", "ProdStack": "stacks.prod",
    "SharedStack": "stacks.shared", "StateStack": "stacks.state",
}


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        import importlib

        return getattr(importlib.import_module(_MODULES[name]), name)
    raise AttributeError(f"module 'stacks' has no attribute {name!r}")
