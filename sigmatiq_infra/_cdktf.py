"""The only module that imports `cdktf` itself, so a later switch (e.g. to `cdktn`) is one file."""

from sigmatiq_infra._kernel import start_kernel

start_kernel()  # before the first jsii package loads

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
