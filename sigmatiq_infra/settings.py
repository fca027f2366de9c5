"""Sigmatiq's environments as data: every name, SKU, size and app lives here, once.

The reusable constructs know nothing about Sigmatiq; the stacks read these settings and
wire constructs together. Beta and prod differ only in the values below.

Overrides without editing code (environment variables, read by `load()`):

- `SIGMATIQ_LOCATION`             Azure region for every stack (default `centralus`).
- `SIGMATIQ_IMAGE_TAG`            image tag for the apps of every environment.
- `SIGMATIQ_<ENV>_IMAGE_TAG`      image tag for one environment, e.g. `SIGMATIQ_BETA_IMAGE_TAG`.

The Azure subscription and tenant are never settings: they come from the azurerm
provider's own authentication (`az login`, or `ARM_SUBSCRIPTION_ID`/`ARM_TENANT_ID`/...).

This module imports nothing heavy: reading settings never loads the azurerm bindings.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from sigmatiq_infra.validation import ValidationError

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


@dataclass(frozen=True)
class PostgresSettings:
    name: str
    sku_name: str
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


@dataclass(frozen=True)
class RedisSettings:
    name: str
    sku_name: str = "Basic"
    capacity: int = 0
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
    log_analytics_workspace: str
    apps: tuple[AppSettings, ...]
    image_tag: str
    external_ingress: bool = False
    postgres_secret: str = "PostgreSQL-ConnectionString"
    redis_secret: str = "Redis-ConnectionString"
    tags: Mapping[str, str] = field(default_factory=dict)
    data_purpose: str = ""
    apps_purpose: str = ""

    def __post_init__(self) -> None:
        names = [app.name for app in self.apps]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValidationError([
                f"EnvironmentSettings '{self.name}': apps {duplicates!r} appear more than once. "
                "Allowed: each app name once. Fix: remove or rename the duplicate entries."
            ])


@dataclass(frozen=True)
class Settings:
    shared: SharedSettings
    environments: Mapping[str, EnvironmentSettings]


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
        sku_name="B_Standard_B1ms",
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
    redis=RedisSettings(name="redis-trading-beta-1023", sku_name="Basic", capacity=0, public_access=True),
    identity="mi-trading-beta",
    key_vault=KeyVaultSettings(
        name="kv-trading-beta-1023", soft_delete_days=7, purge_protection=False, public_access=True,
    ),
    app_configuration=AppConfigurationSettings(
        name="appconfig-trading-beta-1023", sku="free", public_access=True,
    ),
    container_environment="cae-trading-beta",
    log_analytics_workspace="log-trading-beta",
    apps=SIGMATIQ_APIS,
    image_tag="beta",
    external_ingress=True,
    tags={"Environment": "beta", **PRODUCT_TAGS},
    data_purpose="Beta data layer (PostgreSQL, Redis)",
    apps_purpose="Beta Container Apps",
)

DEFAULTS = Settings(shared=SHARED, environments={"beta": BETA})


def load(environ: Mapping[str, str] | None = None, base: Settings = DEFAULTS) -> Settings:
    """The settings with the documented environment-variable overrides applied."""
    environ = os.environ if environ is None else environ
    location = environ.get("SIGMATIQ_LOCATION") or None
    shared = base.shared
    if location:
        shared = dataclasses.replace(shared, location=location)
    environments = {}
    for key, env in base.environments.items():
        tag = environ.get(f"SIGMATIQ_{key.upper()}_IMAGE_TAG") or environ.get("SIGMATIQ_IMAGE_TAG")
        env = dataclasses.replace(
            env, location=location or env.location, image_tag=tag or env.image_tag,
        )
        environments[key] = env
    return Settings(shared=shared, environments=environments)
