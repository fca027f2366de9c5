"""The only module that imports the CDK engine's runtime: cdktf 0.21 by default, CDK Terrain
(`cdktn`) with `SIGMATIQ_ENGINE=cdktn` (see `sigmatiq_infra.engine`). Both offer the same
names; the rest of the library imports them from here."""

import importlib

from sigmatiq_infra import engine as _engine

ENGINE = _engine.selected()
"""The engine this process runs on."""

try:  # the engine's Python package itself (`sigmatiq_infra.cdk` offers its every name)
    runtime = importlib.import_module(ENGINE.runtime)
except ModuleNotFoundError as _missing:
    if _missing.name != ENGINE.runtime:
        raise
    raise _engine.EngineMissing(ENGINE) from None

App = runtime.App
Aspects = runtime.Aspects
AzurermBackend = runtime.AzurermBackend
Fn = runtime.Fn
IAspect = runtime.IAspect
ITerraformDependable = runtime.ITerraformDependable
Precondition = runtime.Precondition
TerraformDataSource = runtime.TerraformDataSource
TerraformElement = runtime.TerraformElement
TerraformOutput = runtime.TerraformOutput
TerraformResource = runtime.TerraformResource
TerraformResourceLifecycle = runtime.TerraformResourceLifecycle
TerraformStack = runtime.TerraformStack
TerraformVariable = runtime.TerraformVariable
TerraformVariableValidationConfig = runtime.TerraformVariableValidationConfig
Token = runtime.Token

__all__ = [
    "ENGINE",
    "App",
    "Aspects",
    "AzurermBackend",
    "Fn",
    "IAspect",
    "ITerraformDependable",
    "Precondition",
    "TerraformDataSource",
    "TerraformElement",
    "TerraformOutput",
    "TerraformResource",
    "TerraformResourceLifecycle",
    "TerraformStack",
    "TerraformVariable",
    "TerraformVariableValidationConfig",
    "Token",
]
