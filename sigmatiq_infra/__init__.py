"""sigmatiq-infra: AWS-CDK-style Azure constructs on CDK for Terraform, and Sigmatiq's stacks.

Importing this package is cheap: the azurerm bindings load only when
`sigmatiq_infra.constructs` or `sigmatiq_infra.stacks` is imported.
"""

__version__ = "0.1.0"
