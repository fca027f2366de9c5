"""Reusable Azure constructs (L2, AWS-CDK style): typed props, secure defaults, grants.

Nothing here knows about Sigmatiq; the platform's values live in `sigmatiq_infra.settings`.
"""

from sigmatiq_infra.constructs._primary import PrimaryResource, ResourceFacts
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
from sigmatiq_infra.constructs.network import (
    InboundRule,
    SubnetRole,
    SubnetSpec,
    VirtualNetwork,
    VirtualNetworkProps,
)
from sigmatiq_infra.constructs.postgres import FirewallRule, PostgresServer, PostgresServerProps
from sigmatiq_infra.constructs.private_dns import DnsResolver, DnsResolverProps, PrivateDnsZones
from sigmatiq_infra.constructs.private_endpoint import (
    PrivateEndpoint,
    PrivateEndpointProps,
    PrivateLinkService,
    PrivateLinkServices,
    PrivateNetwork,
)
from sigmatiq_infra.constructs.redis import (
    ManagedRedis,
    ManagedRedisProps,
    RedisCache,
    RedisCacheProps,
)
from sigmatiq_infra.constructs.resource_group import (
    IResourceGroup,
    ResourceGroup,
    ResourceGroupProps,
)
from sigmatiq_infra.constructs.roles import BuiltInRole, DeployingPrincipal, Principal, PrincipalById, grant
from sigmatiq_infra.constructs.storage_account import StorageAccount, StorageAccountProps
from sigmatiq_infra.constructs.vpn import RootCertificate, VpnGateway, VpnGatewayProps
from sigmatiq_infra.constructs.write_only import WriteOnlySecret


def resource_facts() -> dict[str, ResourceFacts]:
    """Every construct class's facts, by Terraform type."""
    found: dict[str, ResourceFacts] = {}
    pending: list[type] = [PrimaryResource]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        for facts in cls.__dict__.get("facts", ()):
            found[facts.terraform_type] = facts
    return found


__all__ = [
    "AppConfiguration",
    "AppConfigurationProps",
    "BuiltInRole",
    "ContainerApp",
    "ContainerAppEnvironment",
    "ContainerAppEnvironmentProps",
    "ContainerAppProps",
    "ContainerRegistry",
    "ContainerRegistryBase",
    "ContainerRegistryProps",
    "DeployingPrincipal",
    "DnsResolver",
    "DnsResolverProps",
    "FirewallRule",
    "IResourceGroup",
    "InboundRule",
    "KeyVault",
    "KeyVaultBase",
    "KeyVaultProps",
    "LogAnalyticsWorkspace",
    "LogAnalyticsWorkspaceProps",
    "ManagedRedis",
    "ManagedRedisProps",
    "PostgresServer",
    "PostgresServerProps",
    "Principal",
    "PrincipalById",
    "PrivateDnsZones",
    "PrivateEndpoint",
    "PrivateEndpointProps",
    "PrivateLinkService",
    "PrivateLinkServices",
    "PrivateNetwork",
    "RedisCache",
    "RedisCacheProps",
    "ResourceFacts",
    "ResourceGroup",
    "ResourceGroupProps",
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
    "grant",
    "resource_facts",
]
