"""An application environment stack (`beta`, ...): data tier, app infrastructure, apps."""

from __future__ import annotations

from constructs import Construct

from sigmatiq_infra._cdktf import TerraformOutput, TerraformVariable, Token
from sigmatiq_infra.constructs import (
    AppConfiguration,
    AppConfigurationProps,
    ContainerApp,
    ContainerAppEnvironment,
    ContainerAppEnvironmentProps,
    ContainerAppProps,
    ContainerRegistry,
    KeyVault,
    KeyVaultProps,
    LogAnalyticsWorkspace,
    LogAnalyticsWorkspaceProps,
    PostgresServer,
    PostgresServerProps,
    RedisCache,
    RedisCacheProps,
    ResourceGroup,
    ResourceGroupProps,
    SecretProps,
    UserAssignedIdentity,
    UserAssignedIdentityProps,
    WriteOnlySecret,
)
from sigmatiq_infra.settings import EnvironmentSettings, SharedSettings
from sigmatiq_infra.stacks.base import AzureStack

PASSWORD_VARIABLE = "postgres_admin_password"
PASSWORD_VERSION_VARIABLE = "postgres_admin_password_version"
REDIS_SECRET_VERSION_VARIABLE = "redis_connection_string_version"


class EnvironmentStack(AzureStack):
    def __init__(
        self, scope: Construct, settings: EnvironmentSettings, shared: SharedSettings,
    ) -> None:
        super().__init__(scope, settings.name)
        env = settings
        tags = dict(env.tags)
        data_group = ResourceGroup(self, "DataGroup", ResourceGroupProps(
            name=env.data_resource_group, location=env.location,
            tags={**tags, "Purpose": env.data_purpose},
        ))
        apps_group = ResourceGroup(self, "AppsGroup", ResourceGroupProps(
            name=env.apps_resource_group, location=env.location,
            tags={**tags, "Purpose": env.apps_purpose},
        ))

        password = WriteOnlySecret(
            self._secret_variable(PASSWORD_VARIABLE, "PostgreSQL administrator password"),
            self._version_variable(PASSWORD_VERSION_VARIABLE, "the PostgreSQL password"),
        )
        pg = env.postgres
        postgres = PostgresServer(self, "Postgres", PostgresServerProps(
            name=pg.name,
            resource_group=data_group,
            sku_name=pg.sku_name,
            version=pg.version,
            storage_mb=pg.storage_mb,
            auto_grow_enabled=True,
            backup_retention_days=pg.backup_retention_days,
            geo_redundant_backup_enabled=pg.geo_redundant_backup,
            high_availability_mode=pg.high_availability_mode,
            public_network_access_enabled=pg.public_access,
            allow_azure_services=pg.allow_azure_services,
            administrator_login=pg.administrator_login,
            administrator_password=password,
            databases=pg.databases,
            tags=tags,
        ))
        redis = RedisCache(self, "Redis", RedisCacheProps(
            name=env.redis.name,
            resource_group=data_group,
            sku_name=env.redis.sku_name,
            capacity=env.redis.capacity,
            public_network_access_enabled=env.redis.public_access,
            tags=tags,
        ))

        identity = UserAssignedIdentity(self, "Identity", UserAssignedIdentityProps(
            name=env.identity, resource_group=apps_group, tags=tags,
        ))
        vault = KeyVault(self, "Vault", KeyVaultProps(
            name=env.key_vault.name,
            resource_group=apps_group,
            soft_delete_retention_days=env.key_vault.soft_delete_days,
            purge_protection_enabled=env.key_vault.purge_protection,
            public_network_access_enabled=env.key_vault.public_access,
            tags=tags,
        ))
        database_url = vault.add_secret("PostgresConnectionString", SecretProps(
            name=env.postgres_secret,
            value=WriteOnlySecret(postgres.connection_url(pg.connection_database), password.version),
            content_type="application/x-postgresql-url",
        ))
        redis_url = vault.add_secret("RedisConnectionString", SecretProps(
            name=env.redis_secret,
            value=WriteOnlySecret(
                redis.connection_url(),
                self._version_variable(REDIS_SECRET_VERSION_VARIABLE, "the Redis connection string"),
            ),
            content_type="application/x-redis-url",
        ))
        app_config = AppConfiguration(self, "AppConfiguration", AppConfigurationProps(
            name=env.app_configuration.name,
            resource_group=apps_group,
            sku=env.app_configuration.sku,
            public_network_access_enabled=env.app_configuration.public_access,
            tags=tags,
        ))
        app_config.grant_data_read(identity)

        workspace = LogAnalyticsWorkspace(self, "Logs", LogAnalyticsWorkspaceProps(
            name=env.log_analytics_workspace, resource_group=apps_group, tags=tags,
        ))
        environment = ContainerAppEnvironment(self, "AppEnvironment", ContainerAppEnvironmentProps(
            name=env.container_environment,
            resource_group=apps_group,
            log_analytics_workspace=workspace,
            tags=tags,
        ))

        shared_vault = KeyVault.from_existing(
            self, "SharedVault", name=shared.key_vault, resource_group_name=shared.resource_group,
        )
        registry = ContainerRegistry.from_existing(
            self, "SharedRegistry", name=shared.registry, resource_group_name=shared.resource_group,
        )
        # The contract every Sigmatiq API reads its configuration from.
        plain_env = {
            "REDIS_HOST": redis.hostname,
            "REDIS_PORT": Token.as_string(redis.ssl_port),
            "USE_REDIS_CACHE": "true",
            "AZURE_CLIENT_ID": identity.client_id,
            "AZURE_APP_CONFIG_ENDPOINT": app_config.endpoint,
        }
        secret_env = {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "REDIS_PASSWORD": redis_url,
            **{var: shared_vault.secret(name) for var, name in shared.provider_secrets.items()},
        }
        self.apps: dict[str, ContainerApp] = {}
        for app in env.apps:
            self.apps[app.name] = ContainerApp(self, app.name, ContainerAppProps(
                name=app.name,
                environment=environment,
                identity=identity,
                registry=registry,
                repository=app.repository,
                image_tag=env.image_tag,
                target_port=app.port,
                cpu=app.cpu,
                memory=app.memory,
                min_replicas=app.min_replicas,
                max_replicas=app.max_replicas,
                external_ingress=env.external_ingress,
                env=plain_env,
                secret_env=secret_env,
                tags=tags,
            ))
            TerraformOutput(self, f"{app.name}_fqdn", value=self.apps[app.name].fqdn)

        self.postgres = postgres
        self.redis = redis
        self.identity = identity
        self.vault = vault
        self.app_configuration = app_config
        self.environment = environment
        TerraformOutput(self, "postgres_fqdn", value=postgres.fqdn)
        TerraformOutput(self, "redis_hostname", value=redis.hostname)
        TerraformOutput(self, "identity_client_id", value=identity.client_id)

    def _secret_variable(self, name: str, what: str) -> str:
        """A sensitive, ephemeral input: given at deploy time, kept out of state and plan."""
        variable = TerraformVariable(
            self, name, type="string", sensitive=True, nullable=False,
            description=f"{what}; set TF_VAR_{name} when running cdktf deploy/diff.",
        )
        variable.add_override("ephemeral", True)
        return variable.string_value

    def _version_variable(self, name: str, what: str) -> float:
        variable = TerraformVariable(
            self, name, type="number", default=1, nullable=False,
            description=f"Bump to send a new value of {what} to Azure (write-only).",
        )
        return variable.number_value
