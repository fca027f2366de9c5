"""The only module that imports `cdktf` itself, so a later switch (e.g. to `cdktn`) is one file."""

from cdktf import (
    App,
    Aspects,
    AzurermBackend,
    Fn,
    IAspect,
    ITerraformDependable,
    Precondition,
    TerraformDataSource,
    TerraformElement,
    TerraformOutput,
    TerraformResource,
    TerraformResourceLifecycle,
    TerraformStack,
    TerraformVariable,
    TerraformVariableValidationConfig,
    Token,
)

__all__ = [
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
