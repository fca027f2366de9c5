"""The estate's settings schema: what an environment, the shared stack and the state stack are
made of, as frozen dataclasses. The values are in `stacks.settings.values`; reading the
environment variables and files that override them is `stacks.settings.environ`.

This module imports nothing heavy: reading settings never loads the azurerm bindings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sigmatiq_infra.deployed import AdoptionSettings


@dataclass(frozen=True)
class AppSettings:
    """One API as a container app."""

    name: str
    """Container app name, e.g. `ca-auth-api`."""
    repository: str
    """Image repository in the shared registry, e.g. `sigmatiq-auth-api`."""
    port: int
    """Port the API listens on; ingress and the liveness probe use it."""
    cpu: float = 0.5
    memory: str = "1Gi"
    min_replicas: int = 0
    max_replicas: int = 3


@dataclass(frozen=True)
class LogSettings:
    """The Log Analytics workspace a stack's resources send their logs and metrics to."""

    workspace: str
    """Workspace name, e.g. `log-trading-prod`."""
    retention_days: int = 30
    """Days logs are kept, 30-730 (31 are included in the ingestion price)."""
    daily_cap_gb: float | None = None
    """Ingestion stops for the rest of the day at this many GB: the bound on its cost. None:
    no cap."""


@dataclass(frozen=True)
class AlertThresholds:
    """When an environment's metric alerts fire (each over its window, see the stack)."""

    postgres_cpu_percent: float = 80
    """PostgreSQL CPU, average over 15 minutes."""
    postgres_storage_percent: float = 85
    """PostgreSQL storage used (auto-grow adds room, but only in steps)."""
    postgres_failed_connections: int = 10
    """Failed PostgreSQL connections in 15 minutes (wrong passwords, exhausted slots)."""
    redis_server_load_percent: float = 80
    """Redis server load, the highest over 15 minutes."""
    redis_memory_percent: float = 85
    """Redis memory used, the highest over 15 minutes."""
    app_restarts: int = 3
    """Restarts of one replica of a container app (Azure counts them per replica, from its
    start): more means a crash loop."""
    app_5xx_responses: int = 10
    """5xx responses of one container app in 5 minutes."""
    vpn_p2s_connections: int = 100
    """Point-to-site VPN connections at once (VpnGw1AZ carries up to 250; 128 are included
    in its price)."""
    key_vault_availability_percent: float = 99
    """Key Vault availability, average over 15 minutes: the alert fires below it."""


@dataclass(frozen=True)
class AlertSettings:
    """An environment's action group and metric alerts, and the alerts on protected deletes."""

    action_group: str
    """Action group name, e.g. `ag-trading-prod`."""
    short_name: str
    """Its name in e-mails: 1-12 characters."""
    emails: Mapping[str, str] = field(default_factory=dict)
    """Receiver name -> e-mail address (addresses only, never secrets; also
    `SIGMATIQ_<ENV>_ALERT_EMAILS="oncall=ops@example.com,..."`)."""
    notify_roles: tuple[str, ...] = ("Owner",)
    """Subscription roles whose members are e-mailed too (so alerts reach someone before any
    address is configured)."""
    thresholds: AlertThresholds = field(default_factory=AlertThresholds)


@dataclass(frozen=True)
class BudgetSettings:
    """A monthly Cost Management budget over an environment's resource groups."""

    name: str
    """Budget name (unique in the subscription), e.g. `budget-trading-prod`."""
    amount: float
    """USD a month (the seed's targets: beta 37, prod 500)."""
    start_date: str = "2026-12-01"
    """The first month counted, fixed: a changed start date re-creates the budget."""
    actual_percent: int = 80
    """Notify when actual cost reaches this share."""
    forecast_percent: int = 100
    """Notify when forecast cost reaches this share."""


@dataclass(frozen=True)
class SharedSettings:
    """The `shared` stack: registry and provider-key vault used by every environment."""

    location: str
    resource_group: str
    key_vault: str
    registry: str
    registry_sku: str = "Basic"
    registry_public_access: bool = False
    key_vault_soft_delete_days: int = 90
    key_vault_public_access: bool = False
    provider_secrets: Mapping[str, str] = field(default_factory=dict)
    """Env var an app reads -> secret in the shared vault, set by operators out of band."""
    tags: Mapping[str, str] = field(default_factory=dict)
    purpose: str = ""
    adoption: AdoptionSettings = field(default_factory=AdoptionSettings)
    logs: LogSettings | None = None
    """Where the vault and registry send their logs (a workspace of the shared stack's own)."""


@dataclass(frozen=True)
class PostgresSettings:
    name: str
    sku: str
    version: str = "16"
    storage_mb: int = 32768
    backup_retention_days: int = 7
    geo_redundant_backup: bool = False
    high_availability_mode: str | None = None
    public_access: bool = False
    allow_azure_services: bool = False
    administrator_login: str = "sqladmin"
    databases: tuple[str, ...] = ()
    connection_database: str = ""
    """Database in the `PostgreSQL-ConnectionString` secret (the apps' DATABASE_URL)."""
    operator_ips: Mapping[str, str] = field(default_factory=dict)
    """Operator name -> public IPv4 address allowed through the firewall (`sigmatiq-infra
    allow-ip` records them in `config/operator-ips.json`)."""


REDIS_SERVICES = ("azure-cache-for-redis", "managed-redis")


@dataclass(frozen=True)
class RedisSettings:
    name: str
    service: str = "azure-cache-for-redis"
    """`azure-cache-for-redis` (retires 2028-09-30) or `managed-redis` (its successor)."""
    sku: str = "Basic"
    """`Basic`/`Standard`/`Premium` for Azure Cache for Redis; e.g. `Balanced_B1` for
    Azure Managed Redis."""
    capacity: int = 0
    """Azure Cache for Redis size within the SKU (C0-C6, P1-P5)."""
    high_availability: bool = True
    """Azure Managed Redis: a second node, zone redundant (fixed at creation; half the price
    without)."""
    public_access: bool = False


@dataclass(frozen=True)
class KeyVaultSettings:
    name: str
    soft_delete_days: int = 90
    purge_protection: bool = True
    public_access: bool = False


@dataclass(frozen=True)
class AppConfigurationSettings:
    name: str
    sku: str = "standard"
    public_access: bool = False


@dataclass(frozen=True)
class SubnetSettings:
    name: str
    cidr: str
    role: str
    """PRIVATE_ENDPOINTS, CONTAINER_APPS, GATEWAY, DNS_RESOLVER_INBOUND or DNS_RESOLVER_OUTBOUND
    (the `SubnetRole` names)."""


@dataclass(frozen=True)
class VpnSettings:
    name: str
    client_address_pool: str
    root_certificate_name: str
    root_certificate_file: str
    """Where the root certificate is read from (PEM, DER or base64 DER); relative paths are
    relative to the working directory. When the file does not exist, the certificate is a
    deploy-time variable (`TF_VAR_vpn_root_certificate`) instead."""
    root_certificate: str | None = None
    """The root certificate itself (PEM or base64 DER), instead of a file. Preparing the
    settings (`load()`) reads the file into it when the file exists, as base64 DER."""
    sku: str = "VpnGw1AZ"
    generation: str = "Generation1"


@dataclass(frozen=True)
class NetworkSettings:
    """A private network: VNet, subnets, VPN, DNS resolver and private endpoints."""

    name: str
    address_space: str
    subnets: tuple[SubnetSettings, ...]
    vpn: VpnSettings
    dns_resolver: str
    dns_resolver_inbound_ip: str
    dns_forwarding_rules: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Domain (ending with a dot, e.g. `corp.example.com.`) -> DNS servers (IPv4) that answer
    for it: the resolver gets an outbound endpoint (about $180 a month) and a forwarding
    ruleset only when there are rules. Default: none."""
    public_app_ingress: bool = False
    """Expose the apps on a public IP instead of only inside the VNet: an exception to the
    private-environment policy, so it needs `public_app_ingress_reason`."""
    public_app_ingress_reason: str = ""
    """Why the apps are public (recorded as the policy suppression's reason)."""


@dataclass(frozen=True)
class EnvironmentSettings:
    """One application environment (a stack named `name`)."""

    name: str
    location: str
    data_resource_group: str
    apps_resource_group: str
    postgres: PostgresSettings
    redis: RedisSettings
    identity: str
    key_vault: KeyVaultSettings
    app_configuration: AppConfigurationSettings
    container_environment: str
    logs: LogSettings
    """The environment's workspace: its resources' diagnostics and its apps' logs."""
    apps: tuple[AppSettings, ...]
    image_tag: str
    external_ingress: bool = False
    postgres_secret: str = "PostgreSQL-ConnectionString"
    redis_secret: str = "Redis-ConnectionString"
    redis_password_secret: str = "Redis-Password"
    """The cache's access key alone (what the apps read as REDIS_PASSWORD)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    data_purpose: str = ""
    apps_purpose: str = ""
    network: NetworkSettings | None = None
    """A private network; without one, services are public (and must opt in to that)."""
    protect_data: bool = False
    """`prevent_destroy` on the database, cache and vault, and a CanNotDelete lock on the
    data resource group."""
    adoption: AdoptionSettings = field(default_factory=AdoptionSettings)
    bootstrap: bool = False
    """First deploy of a private environment from outside its VNet: create everything but
    the vault secrets and the apps (a private vault's data plane is reachable only through
    the VPN). Set by `SIGMATIQ_<ENV>_BOOTSTRAP=1`."""
    alerts: AlertSettings | None = None
    """The action group and alerts; None: none (the operable-environment policy refuses that
    for an environment that runs apps)."""
    budget: BudgetSettings | None = None
    """The monthly budget; None: none (refused the same way)."""


@dataclass(frozen=True)
class StateSettings:
    """Where Terraform state lives when shared with a team (the `state` stack creates it)."""

    location: str
    resource_group: str
    storage_account: str
    container: str = "tfstate"
    ci_principal_id: str | None = None
    """Object id of CI's service principal, granted blob access to read state for
    `cdktf diff`. Set with `SIGMATIQ_STATE_CI_PRINCIPAL_ID`."""
    tags: Mapping[str, str] = field(default_factory=dict)
    logs: LogSettings | None = None
    """Where the state account sends its logs and metrics (a workspace of its own: the state
    stack is deployed first, alone)."""


@dataclass(frozen=True)
class Settings:
    shared: SharedSettings
    environments: Mapping[str, EnvironmentSettings]
    state: StateSettings | None = None
    """The state storage (the `state` stack); None leaves it out."""
    remote_state: bool = False
    """Keep the shared/beta/prod stacks' state in `state`'s storage account (azurerm
    backend, one key per stack, locked by blob lease) instead of local files. Turned on by
    `SIGMATIQ_REMOTE_STATE=1`; local state stays the default for development."""
    warnings: tuple[str, ...] = ()
    """What preparing the settings found worth saying that does not stop synth (e.g. a VPN
    root certificate that expires within 30 days)."""
