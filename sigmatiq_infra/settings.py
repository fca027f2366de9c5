"""Sigmatiq's environments as data: every name, SKU, size and app lives here, once.

The reusable constructs know nothing about Sigmatiq; the stacks read these settings and
wire constructs together. Beta and prod differ only in the values below.

Overrides without editing code (environment variables, read by `load()`):

- `SIGMATIQ_LOCATION`             Azure region for every stack (default `centralus`).
- `SIGMATIQ_IMAGE_TAG`            image tag for the apps of every environment.
- `SIGMATIQ_<ENV>_IMAGE_TAG`      image tag for one environment, e.g. `SIGMATIQ_BETA_IMAGE_TAG`.
- `SIGMATIQ_<ENV>_VPN_ROOT_CERT_FILE`  P2S root certificate file of a private environment.
- `SIGMATIQ_<ENV>_BOOTSTRAP=1`    first deploy of a private environment from outside its VNet.
- `SIGMATIQ_<ENV>_ALERT_EMAILS`   alert receivers of one environment: `oncall=ops@example.com,...`.
- `SIGMATIQ_REMOTE_STATE=1`       keep state in the `state` stack's storage account.
- `SIGMATIQ_STATE_STORAGE_ACCOUNT`, `SIGMATIQ_STATE_RESOURCE_GROUP`, `SIGMATIQ_STATE_CONTAINER`,
  `SIGMATIQ_STATE_CI_PRINCIPAL_ID`  where that is, and who in CI may read it.

The Azure subscription and tenant are never settings: they come from the azurerm
provider's own authentication (`az login`, or `ARM_SUBSCRIPTION_ID`/`ARM_TENANT_ID`/...).

This module imports nothing heavy: reading settings never loads the azurerm bindings.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sigmatiq_infra import engine
from sigmatiq_infra.switches import read_switch
from sigmatiq_infra.validation import ValidationError, Validator

PRODUCT_TAGS: Mapping[str, str] = {"Product": "Trading", "ManagedBy": "cdktf"}


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


def api(service: str, port: int, **overrides: object) -> AppSettings:
    """The Sigmatiq naming convention for an API: `ca-<service>-api`, `sigmatiq-<service>-api`."""
    return AppSettings(f"ca-{service}-api", f"sigmatiq-{service}-api", port, **overrides)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Replacement:
    """A deliberate, reasoned opt-in to replace (or delete) one deployed resource, which synth
    otherwise refuses (see `sigmatiq_infra.deployed`). Recorded in settings, reviewed like a
    policy suppression; remove it once the change is deployed and the record updated."""

    resource: str
    """The deployed resource's Azure name, e.g. `psql-trading-beta`."""
    argument: str
    """The replacement-forcing argument that changes (e.g. `geo_redundant_backup_enabled`), or
    `delete` when the resource leaves the stack (removed or renamed)."""
    reason: str
    """Why losing the deployed resource (and what it holds) is acceptable: 20 characters or more."""


@dataclass(frozen=True)
class AdoptionSettings:
    """Take over resources that already exist in Azure (deployed by the seed's Bicep) with
    Terraform `import` blocks, instead of creating them."""

    enabled: bool = False
    subscription_id: str | None = None
    """Subscription of the existing resources. Default: `ARM_SUBSCRIPTION_ID` at synth; if
    neither is set, the deploy-time variable `subscription_id`."""
    role_assignments: Mapping[str, str] = field(default_factory=dict)
    """Existing role assignments: `"<role> on <target name>"` -> the assignment's GUID name,
    e.g. `"AcrPull on acrtradingshared": "8d3c...."`. Find them with
    `az role assignment list --assignee <principal id> --all
    --query "[].{role:roleDefinitionName, scope:scope, name:name}"`.
    Without them the first deploy fails with RoleAssignmentExists."""
    secret_versions: Mapping[str, str] = field(default_factory=dict)
    """Existing vault secrets: name -> current version (32 hex characters), from
    `az keyvault secret show --vault-name <vault> --name <name> --query id`."""
    replacements: tuple[Replacement, ...] = ()
    """Deployed resources this stack may replace or delete after all, each with its reason.
    Without one, synth stops when a setting would replace or delete a deployed resource, and
    adopted resources carry `prevent_destroy`."""


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


LOCATION = "centralus"

SHARED = SharedSettings(
    location=LOCATION,
    resource_group="rg-trading-shared",
    key_vault="kv-trading-shared",
    registry="acrtradingshared",
    registry_sku="Basic",
    # Basic registries cannot turn public access off (that needs Premium).
    registry_public_access=True,
    key_vault_soft_delete_days=90,
    # Beta's apps run on a public Container Apps environment and read provider keys here.
    key_vault_public_access=True,
    provider_secrets={
        "POLYGON_API_KEY": "Polygon-API-Key",
        "ALPACA_API_KEY": "Alpaca-API-Key",
        "ALPACA_SECRET_KEY": "Alpaca-Secret-Key",
        "ALPHA_VANTAGE_API_KEY": "AlphaVantage-API-Key",
    },
    tags={"Environment": "shared", **PRODUCT_TAGS},
    purpose="Shared resources (Key Vault, ACR)",
    # Deployed by the seed's steps 1-2.
    adoption=AdoptionSettings(enabled=True),
    logs=LogSettings("log-trading-shared", retention_days=90, daily_cap_gb=0.1),
)

SIGMATIQ_APIS: tuple[AppSettings, ...] = (
    api("auth", 8004),
    api("native", 8002, min_replicas=1),
    api("pilot", 8003),
    api("card", 8005),
    api("sim", 8084),
)

BETA = EnvironmentSettings(
    name="beta",
    location=LOCATION,
    data_resource_group="rg-trading-beta-data",
    apps_resource_group="rg-trading-beta-apps",
    postgres=PostgresSettings(
        name="psql-trading-beta",
        sku="B_Standard_B1ms",
        version="16",
        storage_mb=32768,
        backup_retention_days=7,
        geo_redundant_backup=False,
        # Beta has no VNet: the apps reach the server over its public endpoint.
        public_access=True,
        allow_azure_services=True,
        administrator_login="sqladmin",
        databases=(
            "sigmatiq_core", "sigmatiq_assistant", "sigmatiq_pilot", "sigmatiq_auth",
            "sigmatiq_cache", "sigmatiq_sim", "sigmatiq_card", "sigmatiq_native",
        ),
        connection_database="sigmatiq_core",
    ),
    # The -1023 suffix: Azure keeps soft-deleted vault/cache/store names reserved.
    redis=RedisSettings(name="redis-trading-beta-1023", sku="Basic", capacity=0, public_access=True),
    identity="mi-trading-beta",
    key_vault=KeyVaultSettings(
        name="kv-trading-beta-1023", soft_delete_days=7, purge_protection=False, public_access=True,
    ),
    app_configuration=AppConfigurationSettings(
        name="appconfig-trading-beta-1023", sku="free", public_access=True,
    ),
    container_environment="cae-trading-beta",
    logs=LogSettings("log-trading-beta", retention_days=30, daily_cap_gb=0.5),
    apps=SIGMATIQ_APIS,
    image_tag="beta",
    external_ingress=True,
    tags={"Environment": "beta", **PRODUCT_TAGS},
    data_purpose="Beta data layer (PostgreSQL, Redis)",
    apps_purpose="Beta Container Apps",
    # Deployed by the seed's steps 3-4 (step 5, the apps, is new).
    adoption=AdoptionSettings(enabled=True),
    alerts=AlertSettings(action_group="ag-trading-beta", short_name="beta"),
    budget=BudgetSettings("budget-trading-beta", amount=37),
)

PROD = EnvironmentSettings(
    name="prod",
    location=LOCATION,
    data_resource_group="rg-trading-prod-data",
    apps_resource_group="rg-trading-prod-apps",
    postgres=PostgresSettings(
        name="psql-trading-prod",
        sku="GP_Standard_D2ds_v4",
        version="16",
        storage_mb=65536,
        backup_retention_days=14,
        geo_redundant_backup=True,
        # "ZoneRedundant" adds a standby in another zone (about doubles the server's cost).
        high_availability_mode=None,
        administrator_login="sqladmin",
        databases=BETA.postgres.databases,
        connection_database="sigmatiq_core",
    ),
    # Azure Managed Redis (zone redundant with its default high availability): Azure Cache
    # for Redis retires on 2028-09-30. Balanced_B5 holds 6 GB, the seed's Premium P1 size.
    redis=RedisSettings(name="redis-trading-prod", service="managed-redis", sku="Balanced_B5"),
    identity="mi-trading-prod",
    key_vault=KeyVaultSettings(name="kv-trading-prod", soft_delete_days=90, purge_protection=True),
    app_configuration=AppConfigurationSettings(name="appconfig-trading-prod", sku="standard"),
    container_environment="cae-trading-prod",
    logs=LogSettings("log-trading-prod", retention_days=90, daily_cap_gb=2),
    apps=tuple(dataclasses.replace(app, min_replicas=2, max_replicas=5) for app in SIGMATIQ_APIS),
    image_tag="prod",
    # On an internal environment, "external" ingress means reachable from the VNet and VPN.
    external_ingress=True,
    tags={"Environment": "prod", **PRODUCT_TAGS},
    data_purpose="Production data layer (secure)",
    apps_purpose="Production Container Apps (secure)",
    network=NetworkSettings(
        name="vnet-trading-prod",
        address_space="10.20.0.0/16",
        subnets=(
            SubnetSettings("GatewaySubnet", "10.20.0.0/27", "GATEWAY"),
            SubnetSettings("snet-dns-inbound", "10.20.0.32/28", "DNS_RESOLVER_INBOUND"),
            SubnetSettings("snet-dns-outbound", "10.20.0.48/28", "DNS_RESOLVER_OUTBOUND"),
            SubnetSettings("snet-private-endpoints", "10.20.1.0/24", "PRIVATE_ENDPOINTS"),
            SubnetSettings("snet-container-apps", "10.20.2.0/23", "CONTAINER_APPS"),
        ),
        vpn=VpnSettings(
            name="vpngw-trading-prod",
            client_address_pool="172.16.0.0/24",
            root_certificate_name="SigmatiqP2SRoot",
            root_certificate_file="certs/p2s-root.cer",
        ),
        dns_resolver="dnsr-trading-prod",
        dns_resolver_inbound_ip="10.20.0.36",
    ),
    protect_data=True,
    alerts=AlertSettings(action_group="ag-trading-prod", short_name="prod"),
    budget=BudgetSettings("budget-trading-prod", amount=500),
)

STATE = StateSettings(
    location=LOCATION,
    resource_group="rg-trading-tfstate",
    storage_account="sttradingtfstate",
    container="tfstate",
    tags={"Environment": "shared", **PRODUCT_TAGS},
    logs=LogSettings("log-trading-tfstate", retention_days=90, daily_cap_gb=0.1),
)

DEFAULTS = Settings(shared=SHARED, environments={"beta": BETA, "prod": PROD}, state=STATE)


def load(environ: Mapping[str, str] | None = None, base: Settings = DEFAULTS) -> Settings:
    """The settings with the documented environment-variable overrides applied. Raises one
    ValidationError listing every bad override. (The settings themselves are checked when an
    app is built from them: `sigmatiq_infra.settings_checks.prepare`.)"""
    settings, problems = read_environment(os.environ if environ is None else environ, base)
    if problems:
        raise ValidationError(problems)
    return settings


def read_environment(environ: Mapping[str, str], base: Settings = DEFAULTS) -> tuple[Settings, list[str]]:
    """(the settings with the overrides applied, the problems of bad overrides): a bad value
    is reported and leaves the setting as it was."""
    problems: list[str] = []
    location = environ.get("SIGMATIQ_LOCATION") or None
    if location is not None:
        check = Validator("Environment variable", "SIGMATIQ_LOCATION")
        check.location("value", location)
        problems += check.problems
        location = location if check.problems == () else None
    subscription = environ.get("ARM_SUBSCRIPTION_ID") or None
    try:
        operator_ips = read_operator_ips(environ.get("SIGMATIQ_OPERATOR_IPS_FILE") or OPERATOR_IPS_FILE)
    except ValidationError as error:
        problems.extend(error.problems)
        operator_ips = {}
    shared = dataclasses.replace(
        base.shared, location=location or base.shared.location,
        adoption=_with_subscription(base.shared.adoption, subscription),
    )
    environments = {}
    for key, env in base.environments.items():
        tag = environ.get(f"SIGMATIQ_{key.upper()}_IMAGE_TAG") or environ.get("SIGMATIQ_IMAGE_TAG")
        bootstrap = read_switch(environ, f"SIGMATIQ_{key.upper()}_BOOTSTRAP", problems, default=env.bootstrap)
        env = dataclasses.replace(
            env, location=location or env.location, image_tag=tag or env.image_tag,
            bootstrap=bootstrap,
            adoption=_with_subscription(env.adoption, subscription),
        )
        emails = environ.get(f"SIGMATIQ_{key.upper()}_ALERT_EMAILS")
        if emails is not None and emails.strip():
            found, bad = read_alert_emails(f"SIGMATIQ_{key.upper()}_ALERT_EMAILS", emails, env)
            problems += bad
            if found and env.alerts is not None:
                env = dataclasses.replace(env, alerts=dataclasses.replace(env.alerts, emails=found))
        if operator_ips.get(key):
            env = dataclasses.replace(env, postgres=dataclasses.replace(
                env.postgres, operator_ips={**env.postgres.operator_ips, **operator_ips[key]},
            ))
        variable = f"SIGMATIQ_{key.upper()}_VPN_ROOT_CERT_FILE"
        certificate = environ.get(variable)
        if certificate and env.network:
            check = Validator("Environment variable", variable)
            check.require(
                Path(certificate).is_file(), "value", certificate, "is not a file",
                "the path of the P2S root certificate file (PEM, DER or base64 DER)",
                f"point it at the certificate, or unset it to use {env.network.vpn.root_certificate_file} "
                "(or the deploy-time input when that does not exist)",
            )
            problems += check.problems
            if not check.problems:
                vpn = dataclasses.replace(env.network.vpn, root_certificate_file=certificate)
                env = dataclasses.replace(env, network=dataclasses.replace(env.network, vpn=vpn))
        elif certificate:
            check = Validator("Environment variable", variable)
            check.fail("value", certificate, f"has no effect: environment {key!r} has no network (no VPN)",
                       "this variable only for an environment with network settings", f"unset {variable}")
            problems += check.problems
        environments[key] = env
    state = base.state
    if state is not None:
        state = dataclasses.replace(
            state,
            location=location or state.location,
            storage_account=environ.get("SIGMATIQ_STATE_STORAGE_ACCOUNT") or state.storage_account,
            resource_group=environ.get("SIGMATIQ_STATE_RESOURCE_GROUP") or state.resource_group,
            container=environ.get("SIGMATIQ_STATE_CONTAINER") or state.container,
            ci_principal_id=environ.get("SIGMATIQ_STATE_CI_PRINCIPAL_ID") or state.ci_principal_id,
        )
    remote = read_switch(environ, "SIGMATIQ_REMOTE_STATE", problems, default=base.remote_state)
    read_switch(environ, "SIGMATIQ_FULL_IMPORT", problems)  # read by the jsii start; checked here
    engine_problem = engine.problem(environ)  # read when the engine is imported; checked here
    if engine_problem:
        problems.append(engine_problem)
    problems += unknown_variables(environ, base)
    settings = Settings(shared=shared, environments=environments, state=state, remote_state=remote)
    return settings, problems


KNOWN_VARIABLES = (
    "SIGMATIQ_LOCATION", "SIGMATIQ_IMAGE_TAG", "SIGMATIQ_REMOTE_STATE", "SIGMATIQ_FULL_IMPORT",
    "SIGMATIQ_STATE_STORAGE_ACCOUNT", "SIGMATIQ_STATE_RESOURCE_GROUP", "SIGMATIQ_STATE_CONTAINER",
    "SIGMATIQ_STATE_CI_PRINCIPAL_ID", "SIGMATIQ_OPERATOR_IPS_FILE", "SIGMATIQ_CACHE_DIR",
    "SIGMATIQ_P2S_KEY_PASSPHRASE", "SIGMATIQ_P2S_PFX_PASSWORD", "SIGMATIQ_ENGINE",
)
PER_ENVIRONMENT = ("IMAGE_TAG", "BOOTSTRAP", "VPN_ROOT_CERT_FILE", "ALERT_EMAILS")
"""`SIGMATIQ_<ENV>_<name>`: variables that exist once per environment."""


_EMAIL_ADDRESS = re.compile(r"[^@\s,=]+@[^@\s,=]+\.[A-Za-z]{2,}")


def read_alert_emails(variable: str, text: str, env: EnvironmentSettings) -> tuple[dict[str, str], list[str]]:
    """`name=address,address,...` -> ({receiver name: address}, problems). A bare address is
    named after its part before the @."""
    found: dict[str, str] = {}
    problems: list[str] = []
    check = Validator("Environment variable", variable)
    check.require(
        env.alerts is not None, "value", text, f"has no effect: environment {env.name!r} has no alert settings",
        "this variable only for an environment with `alerts` settings", f"unset {variable}, or give {env.name} alerts",
    )
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        name, _, address = entry.rpartition("=")
        address = address.strip()
        name = name.strip() or address.split("@", 1)[0]
        if _EMAIL_ADDRESS.fullmatch(address) is None:
            check.fail(
                "entry", entry, "is not an e-mail address", "comma-separated entries `name=address` or `address`",
                "write e.g. SIGMATIQ_PROD_ALERT_EMAILS='oncall=ops@example.com,alice@example.com'",
            )
            continue
        found[name] = address
    problems += check.problems
    return found, problems


def unknown_variables(environ: Mapping[str, str], base: Settings = DEFAULTS) -> list[str]:
    """A `SIGMATIQ_` variable the project does not read is a typo (`SIGMATIQ_PRDO_BOOTSTRAP`):
    it would be ignored silently, so it is a problem, with the likely meant name."""
    import difflib

    known = list(KNOWN_VARIABLES) + [
        f"SIGMATIQ_{key.upper()}_{name}" for key in base.environments for name in PER_ENVIRONMENT
    ]
    problems = []
    for name in sorted(environ):
        if name.startswith("SIGMATIQ_") and name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            problems.append(
                f"Environment variable '{name}': it is not a setting this project reads"
                + (f" (did you mean {close[0]}?)" if close else "")
                + ". Allowed: the variables listed in the README's Settings section. Fix: "
                + (f"rename it to {close[0]}" if close else "unset it") + "."
            )
    return problems


def derive_environment(template: EnvironmentSettings, name: str) -> EnvironmentSettings:
    """A new environment shaped like `template`: every name, tag and purpose that says the
    template's name says `name` instead (`kv-trading-beta-1023` -> `kv-trading-qa-1023`).
    Nothing exists yet, so nothing is adopted. Adding an environment is then one line of
    settings: `environments={**DEFAULTS.environments, "qa": derive_environment(BETA, "qa")}`.
    """
    renamed = _renamed(template, template.name, name)
    return dataclasses.replace(renamed, name=name, adoption=AdoptionSettings())


def _renamed(value, old: str, new: str):  # type: ignore[no-untyped-def]
    if isinstance(value, str):
        return value.replace(old, new).replace(old.capitalize(), new.capitalize())
    if isinstance(value, tuple):
        return tuple(_renamed(item, old, new) for item in value)
    if isinstance(value, Mapping):
        return {key: _renamed(item, old, new) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{
            f.name: _renamed(getattr(value, f.name), old, new) for f in dataclasses.fields(value) if f.init
        })
    return value


OPERATOR_IPS_FILE = "config/operator-ips.json"


def read_operator_ips(path: str | os.PathLike[str]) -> dict[str, dict[str, str]]:
    """`{environment: {operator: ip}}` from the operator IP file, or `{}` when it is absent."""
    file = Path(path)
    if not file.exists():
        return {}
    try:
        data = json.loads(file.read_text())
        return {str(env): {str(k): str(v) for k, v in ips.items()} for env, ips in data.items()}
    except OSError as problem:
        raise ValidationError([
            f"Operator IP file '{file}': it cannot be read ({problem.strerror}). Allowed: a readable JSON file. "
            "Fix: point SIGMATIQ_OPERATOR_IPS_FILE at the file `sigmatiq-infra allow-ip` writes."
        ]) from None
    except (ValueError, AttributeError) as problem:
        raise ValidationError([
            f"Operator IP file '{file}': content is not valid ({problem}). Allowed: a JSON object "
            '{"<environment>": {"<operator>": "<IPv4>"}}. Fix: repair or delete the file, then '
            "record IPs with `sigmatiq-infra allow-ip`."
        ]) from None


def _with_subscription(adoption: AdoptionSettings, subscription: str | None) -> AdoptionSettings:
    if adoption.subscription_id or not subscription:
        return adoption
    return dataclasses.replace(adoption, subscription_id=subscription)
