"""Sigmatiq's environments as data: every name, SKU, size and app lives here, once.

The stacks read these values (through `stacks.settings.environ.load`, which applies the
documented environment-variable overrides) and wire the library's constructs together.
Beta and prod differ only in the values below.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from sigmatiq_infra.deployed import AdoptionSettings
from stacks.settings.schema import (
    AlertSettings,
    AppConfigurationSettings,
    AppSettings,
    BudgetSettings,
    EnvironmentSettings,
    KeyVaultSettings,
    LogSettings,
    NetworkSettings,
    PostgresSettings,
    RedisSettings,
    Settings,
    SharedSettings,
    StateSettings,
    SubnetSettings,
    VpnSettings,
)

PRODUCT_TAGS: Mapping[str, str] = {"Product": "Trading", "ManagedBy": "cdktf"}


def api(service: str, port: int, **overrides: object) -> AppSettings:
    """The Sigmatiq naming convention for an API: `ca-<service>-api`, `sigmatiq-<service>-api`."""
    return AppSettings(f"ca-{service}-api", f"sigmatiq-{service}-api", port, **overrides)  # type: ignore[arg-type]


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
