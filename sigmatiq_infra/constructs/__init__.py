"""Reusable Azure constructs (L2, AWS-CDK style): typed props, secure defaults, grants.

Every resource construct is an `AzureResource` and offers one interface: tags,
`add_lock`, `grant(role, principal)`, `add_private_endpoint(network)`,
`add_diagnostic_settings(workspace)` and `ManagedIdentities` where Azure supports them.
Nothing here knows about any one estate: an app passes its names, SKUs and sizes as props.
"""

import dataclasses as _dataclasses

from sigmatiq_infra import azurerm as _azurerm
from sigmatiq_infra.constructs._arguments import check_arguments
from sigmatiq_infra.constructs._context import AzureConstruct, construct_classes
from sigmatiq_infra.constructs._docs import document_fields
from sigmatiq_infra.constructs._resource import (
    GLOBAL,
    LOCK_LEVELS,
    RESOURCE_GROUP,
    SUBSCRIPTION,
    AzureResource,
    DiagnosticTarget,
    IIdentity,
    IResourceGroup,
    IWorkspace,
    ManagedIdentities,
    NameScope,
    PrivateLinkService,
    ResourceAttribute,
    ResourceFacts,
    resource_classes_with_lookups,
    within,
)
from sigmatiq_infra.constructs.app_configuration import AppConfiguration, AppConfigurationProps
from sigmatiq_infra.constructs.container_app import ContainerApp, ContainerAppProps
from sigmatiq_infra.constructs.container_app_environment import (
    ContainerAppEnvironment,
    ContainerAppEnvironmentProps,
)
from sigmatiq_infra.constructs.container_registry import (
    ContainerRegistry,
    ContainerRegistryBase,
    ContainerRegistryProps,
)
from sigmatiq_infra.constructs.identity import UserAssignedIdentity, UserAssignedIdentityProps
from sigmatiq_infra.constructs.inputs import InputRule, deploy_input, secret_input
from sigmatiq_infra.constructs.key_vault import (
    KeyVault,
    KeyVaultBase,
    KeyVaultProps,
    SecretProps,
    SecretReference,
)
from sigmatiq_infra.constructs.log_analytics import (
    LogAnalyticsWorkspace,
    LogAnalyticsWorkspaceProps,
)
from sigmatiq_infra.constructs.monitoring import (
    ActionGroup,
    ActionGroupProps,
    Budget,
    BudgetProps,
    DeleteAlert,
    DeleteAlertProps,
    MetricAlert,
    MetricAlertProps,
)
from sigmatiq_infra.constructs.network import (
    InboundRule,
    SubnetRole,
    SubnetSpec,
    VirtualNetwork,
    VirtualNetworkProps,
    subnet_role,
)
from sigmatiq_infra.constructs.postgres import FirewallRule, PostgresServer, PostgresServerProps, admin_password_rules
from sigmatiq_infra.constructs.private_dns import (
    DnsResolver,
    DnsResolverProps,
    PrivateDnsZones,
    PrivateDnsZonesProps,
)
from sigmatiq_infra.constructs.private_endpoint import (
    PrivateEndpoint,
    PrivateEndpointProps,
    PrivateNetwork,
)
from sigmatiq_infra.constructs.redis import (
    ManagedRedis,
    ManagedRedisProps,
    RedisCache,
    RedisCacheProps,
)
from sigmatiq_infra.constructs.resource_group import ResourceGroup, ResourceGroupProps
from sigmatiq_infra.constructs.roles import (
    BuiltInRole,
    DeployingPrincipal,
    Principal,
    PrincipalById,
    RoleDefinition,
    grant,
)
from sigmatiq_infra.constructs.storage_account import StorageAccount, StorageAccountProps
from sigmatiq_infra.constructs.vpn import RootCertificate, VpnGateway, VpnGatewayProps
from sigmatiq_infra.constructs.write_only import WriteOnlySecret, version_input

# `help(KeyVaultProps)` shows each field's doc (composed when first read, not now); a call
# with an argument a props class does not take is a problem in the list, not a traceback.
_PROPS_CLASSES = [
    value for value in list(globals().values()) if isinstance(value, type) and _dataclasses.is_dataclass(value)
]
document_fields(*_PROPS_CLASSES)
check_arguments(*_PROPS_CLASSES)


def resource_facts() -> dict[str, ResourceFacts]:
    """Every construct class's facts, by Terraform type (a user's own construct classes
    included, once they are defined), as the azurerm major of the bindings in use has them."""
    return {
        facts.terraform_type: facts.on(_azurerm.MAJOR)
        for cls in construct_classes() for facts in cls.__dict__.get("facts", ())
    }


__all__ = [
    "GLOBAL",
    "LOCK_LEVELS",
    "RESOURCE_GROUP",
    "SUBSCRIPTION",
    "ActionGroup",
    "ActionGroupProps",
    "AppConfiguration",
    "AppConfigurationProps",
    "AzureConstruct",
    "AzureResource",
    "Budget",
    "BudgetProps",
    "BuiltInRole",
    "ContainerApp",
    "ContainerAppEnvironment",
    "ContainerAppEnvironmentProps",
    "ContainerAppProps",
    "ContainerRegistry",
    "ContainerRegistryBase",
    "ContainerRegistryProps",
    "DeleteAlert",
    "DeleteAlertProps",
    "DeployingPrincipal",
    "DiagnosticTarget",
    "DnsResolver",
    "DnsResolverProps",
    "FirewallRule",
    "IIdentity",
    "IResourceGroup",
    "IWorkspace",
    "InboundRule",
    "InputRule",
    "KeyVault",
    "KeyVaultBase",
    "KeyVaultProps",
    "LogAnalyticsWorkspace",
    "LogAnalyticsWorkspaceProps",
    "ManagedIdentities",
    "ManagedRedis",
    "ManagedRedisProps",
    "MetricAlert",
    "MetricAlertProps",
    "NameScope",
    "PostgresServer",
    "PostgresServerProps",
    "Principal",
    "PrincipalById",
    "PrivateDnsZones",
    "PrivateDnsZonesProps",
    "PrivateEndpoint",
    "PrivateEndpointProps",
    "PrivateLinkService",
    "PrivateNetwork",
    "RedisCache",
    "RedisCacheProps",
    "ResourceAttribute",
    "ResourceFacts",
    "ResourceGroup",
    "ResourceGroupProps",
    "RoleDefinition",
    "RootCertificate",
    "SecretProps",
    "SecretReference",
    "StorageAccount",
    "StorageAccountProps",
    "SubnetRole",
    "SubnetSpec",
    "UserAssignedIdentity",
    "UserAssignedIdentityProps",
    "VirtualNetwork",
    "VirtualNetworkProps",
    "VpnGateway",
    "VpnGatewayProps",
    "WriteOnlySecret",
    "admin_password_rules",
    "deploy_input",
    "grant",
    "resource_classes_with_lookups",
    "resource_facts",
    "secret_input",
    "subnet_role",
    "version_input",
    "within",
]
