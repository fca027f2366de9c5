"""Which CDK engine the library runs on: cdktf 0.21 (the default) or CDK Terrain, its
maintained continuation (`SIGMATIQ_ENGINE=cdktn`).

This module only names the engines and finds whether one is installed; it imports neither.
`sigmatiq_infra._cdktf` imports the selected engine's runtime and `sigmatiq_infra._bindings`
its azurerm bindings, and no other module imports either engine.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass

VARIABLE = "SIGMATIQ_ENGINE"


@dataclass(frozen=True)
class Engine:
    name: str
    runtime: str
    """The engine's Python package (`cdktf`, `cdktn`)."""
    provider: str
    """Its azurerm bindings' Python package."""
    assembly: str
    """The bindings' jsii assembly (and npm package) name."""
    azurerm: str
    """The azurerm provider version the bindings were generated for (and pin)."""
    cli: str
    """The command-line tool (`cdktf`, `cdktn`); both read `cdktf.json` and write `cdktf.out`."""
    install: str
    """How to install it."""

    @property
    def azurerm_major(self) -> int:
        """The provider's major version (4 or 5), which construct facts are keyed by where
        the two differ."""
        return int(self.azurerm.split(".", 1)[0])


ENGINES = {
    "cdktf": Engine(
        "cdktf", "cdktf", "cdktf_cdktf_provider_azurerm", "@cdktf/provider-azurerm", "4.55.0", "cdktf",
        "pip install sigmatiq-infra (cdktf 0.21 is a dependency)",
    ),
    "cdktn": Engine(
        "cdktn", "cdktn", "cdktn_provider_azurerm", "@cdktn/provider-azurerm", "5.10.0", "cdktn",
        "pip install 'sigmatiq-infra[cdktn]' -c constraints-cdktn.txt, or bin/setup with SIGMATIQ_ENGINE=cdktn",
    ),
}
DEFAULT = "cdktf"


def problem(environ: Mapping[str, str] | None = None) -> str | None:
    """What is wrong with `SIGMATIQ_ENGINE`, as one problem line, or None."""
    value = (os.environ if environ is None else environ).get(VARIABLE, "")
    if value.strip().lower() in ("", *ENGINES):
        return None
    return (
        f"Environment variable '{VARIABLE}': value {value!r} is not an engine. Allowed: "
        + ", ".join(ENGINES) + f" (default {DEFAULT}). Fix: set {VARIABLE}=cdktn for CDK Terrain, or unset it."
    )


def selected(environ: Mapping[str, str] | None = None) -> Engine:
    """The engine `SIGMATIQ_ENGINE` names (unset: cdktf). A value that names no engine
    selects the default; `problem()` reports it, and the app refuses to synthesize."""
    value = (os.environ if environ is None else environ).get(VARIABLE, "").strip().lower()
    return ENGINES.get(value) or ENGINES[DEFAULT]


def missing(environ: Mapping[str, str] | None = None) -> EngineMissing | None:
    """The error for the selected engine when it is not installed (found without importing it)."""
    chosen = selected(environ)
    return EngineMissing(chosen) if importlib.util.find_spec(chosen.runtime) is None else None


def exit_if_missing(program: str) -> None:
    """For a program's first lines, before it imports the library's constructs: when the
    selected engine is not installed, one line on stderr (`<program>: ...`) and exit status 2,
    instead of an import traceback."""
    not_installed = missing()
    if not_installed is not None:
        print(f"{program}: {not_installed}", file=sys.stderr)
        raise SystemExit(2)


class EngineMissing(ImportError):
    """The selected engine is not installed."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(
            f"{VARIABLE}={engine.name} selects {engine.runtime}, which is not installed. Fix: {engine.install}; "
            f"or unset {VARIABLE} to use {DEFAULT}.",
        )
        self.engine = engine
