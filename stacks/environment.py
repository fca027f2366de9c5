"""An application environment stack (`beta`, `prod`): data tier, app infrastructure, apps.

Environments differ only in their settings: one with `network` settings gets a private
network (VNet, VPN, DNS resolver, private endpoints, VNet-integrated apps); one without
has public services that opted in to public access.
"""

from __future__ import annotations

from constructs import Construct

from sigmatiq_infra.adoption import Adoption
from sigmatiq_infra.aspects import check_every_construct, check_library_constructs, suppress
from sigmatiq_infra.aspects.rules import NO_PUBLIC_NETWORK_ACCESS, OPERABLE, PRIVATE_ENVIRONMENT
from sigmatiq_infra.cdk import Fn, TerraformOutput, Token
from sigmatiq_infra.constructs import (
    ActionGroup,
    ActionGroupProps,
    AppConfiguration,
    AppConfigurationProps,
    AzureResource,
    Budget,
    BudgetProps,
    BuiltInRole,
    ContainerApp,
    ContainerAppEnvironment,
    ContainerAppEnvironmentProps,
    ContainerAppProps,
    ContainerRegistry,
    ContainerRegistryBase,
    DeleteAlert,
    DeleteAlertProps,
    DnsResolver,
    DnsResolverProps,
    FirewallRule,
    InboundRule,
    KeyVault,
    KeyVaultBase,
    KeyVaultProps,
    LogAnalyticsWorkspace,
    LogAnalyticsWorkspaceProps,
    ManagedRedis,
    ManagedRedisProps,
    MetricAlert,
    MetricAlertProps,
    PostgresServer,
    PostgresServerProps,
    PrivateDnsZones,
    PrivateDnsZonesProps,
    PrivateNetwork,
    RedisCache,
    RedisCacheProps,
    ResourceGroup,
    ResourceGroupProps,
    RootCertificate,
    SecretProps,
    SecretReference,
    SubnetSpec,
    UserAssignedIdentity,
    UserAssignedIdentityProps,
    VirtualNetwork,
    VirtualNetworkProps,
    VpnGateway,
    VpnGatewayProps,
    WriteOnlySecret,
    admin_password_rules,
    subnet_role,
    version_input,
)
from sigmatiq_infra.deployed import DeployedRecord
from sigmatiq_infra.stacks import AzureStack, BlobStateBackend
from stacks.settings import AlertSettings, EnvironmentSettings, SharedSettings

PASSWORD_VARIABLE = "postgres_admin_password"
REDIS_SECRET_VERSION_VARIABLE = "redis_connection_string_version"
ROOT_CERTIFICATE_VARIABLE = "vpn_root_certificate"


class EnvironmentStack(AzureStack):
    """The one recipe of every application environment, tier by tier (`BetaStack`,
    `ProdStack`, and any environment added to the settings). Its parts are attributes, for
    tests and for stacks built on this one."""

    settings: EnvironmentSettings
    shared: SharedSettings
    adoption: Adoption
    data_group: ResourceGroup
    apps_group: ResourceGroup
    network: PrivateNetwork | None
    postgres: PostgresServer
    cache: RedisCache | ManagedRedis
    identity: UserAssignedIdentity
    vault: KeyVault
    app_configuration: AppConfiguration
    workspace: LogAnalyticsWorkspace
    environment: ContainerAppEnvironment
    apps: dict[str, ContainerApp]
    vpn: VpnGateway | None
    action_group: ActionGroup | None

    def __init__(
        self, scope: Construct, settings: EnvironmentSettings, shared: SharedSettings,
        backend: BlobStateBackend | None = None, record: DeployedRecord | None = None,
    ) -> None:
        """`settings` of the environment, `shared` those of the shared stack it reads from,
        `backend` where its state lives, `record` what is deployed (its adoption imports
        exactly that)."""
        super().__init__(scope, settings.name, tags=settings.tags, backend=backend)
        self.settings, self.shared = settings, shared
        self.adoption = Adoption(self, settings.adoption, record or DeployedRecord())
        self.apps, self.vpn, self.action_group = {}, None, None
        self._resource_groups()
        self.network = self._private_network() if settings.network else None
        self._data_tier()
        self._app_services()
        self._private_endpoints()
        self._data_protection()
        self._app_environment()
        self._adopt_existing()
        self._outputs()
        if not settings.bootstrap:  # the vault's data plane and the apps come in the second deploy
            self._apps(self._app_secrets())
        self._monitoring()
        self.adoption.role_assignments()
        check_library_constructs(self, OPERABLE)

    def _resource_groups(self) -> None:
        env = self.settings
        self.data_group = ResourceGroup(self, "DataGroup", ResourceGroupProps(
            name=env.data_resource_group, location=env.location, tags={"Purpose": env.data_purpose},
        ))
        self.apps_group = ResourceGroup(self, "AppsGroup", ResourceGroupProps(
            name=env.apps_resource_group, location=env.location, tags={"Purpose": env.apps_purpose},
        ))

    def _private_network(self) -> PrivateNetwork:
        """VNet, NSGs, private DNS zones, DNS resolver (the VNet's DNS) and the P2S VPN;
        the private-environment policy pack checks the whole stack."""
        settings = self.settings.network
        assert settings is not None
        group = self.apps_group
        public_ingress = (
            InboundRule("allow-https-from-internet", 100, "Internet", ("443", "80")),
        ) if settings.public_app_ingress else ()
        vnet = VirtualNetwork(self, "Network", VirtualNetworkProps(
            name=settings.name,
            resource_group=group,
            address_space=settings.address_space,
            subnets=[
                SubnetSpec(
                    subnet.name, subnet.cidr, subnet_role(subnet.role),
                    public_ingress if subnet.role == "CONTAINER_APPS" else (),
                )
                for subnet in settings.subnets
            ],
        ))
        zones = PrivateDnsZones(self, "PrivateDns", PrivateDnsZonesProps(resource_group=group, virtual_network=vnet))
        resolver = DnsResolver(self, "DnsResolver", DnsResolverProps(
            name=settings.dns_resolver,
            resource_group=group,
            virtual_network=vnet,
            inbound_ip=settings.dns_resolver_inbound_ip,
            forwarding_rules=settings.dns_forwarding_rules,
        ))
        vpn = settings.vpn
        # The certificate as the settings hold it (read from its file while they loaded),
        # else a deploy-time input.
        certificate = RootCertificate(vpn.root_certificate_name, vpn.root_certificate) if vpn.root_certificate else (
            RootCertificate.from_input(
                self, ROOT_CERTIFICATE_VARIABLE, vpn.root_certificate_name,
                note=f"Or put the certificate at {vpn.root_certificate_file} before synth.",
            )
        )
        self.vpn = VpnGateway(self, "Vpn", VpnGatewayProps(
            name=vpn.name,
            resource_group=group,
            virtual_network=vnet,
            client_address_pool=vpn.client_address_pool,
            root_certificates=[certificate],
            sku=vpn.sku,
            generation=vpn.generation,
            # VPN client profiles carry the VNet's DNS servers as they are when downloaded.
            depends_on=[resolver.vnet_dns_servers] if resolver.vnet_dns_servers else (),
        ))
        TerraformOutput(self, "dns_resolver_inbound_ip", value=resolver.inbound_ip)
        check_every_construct(self, PRIVATE_ENVIRONMENT)
        return PrivateNetwork(vnet, zones)

    def _data_tier(self) -> None:
        """The PostgreSQL server (its password a deploy-time input) and the Redis cache."""
        pg = self.settings.postgres
        self.password = WriteOnlySecret.from_inputs(
            self, PASSWORD_VARIABLE, "the PostgreSQL administrator password",
            rules=admin_password_rules(pg.administrator_login),
        )
        self.postgres = PostgresServer(self, "Postgres", PostgresServerProps(
            name=pg.name,
            resource_group=self.data_group,
            sku=pg.sku,
            version=pg.version,
            storage_mb=pg.storage_mb,
            auto_grow_enabled=True,
            backup_retention_days=pg.backup_retention_days,
            geo_redundant_backup_enabled=pg.geo_redundant_backup,
            high_availability_mode=pg.high_availability_mode,
            public_network_access_enabled=pg.public_access,
            allow_azure_services=pg.allow_azure_services,
            firewall_rules=[FirewallRule(f"operator-{name}", ip, ip) for name, ip in pg.operator_ips.items()],
            administrator_login=pg.administrator_login,
            administrator_password=self.password,
            databases=pg.databases,
        ))
        redis = self.settings.redis
        if redis.service == "managed-redis":
            self.cache = ManagedRedis(self, "Redis", ManagedRedisProps(
                name=redis.name,
                resource_group=self.data_group,
                sku=redis.sku,
                high_availability_enabled=redis.high_availability,
                # The apps authenticate with the key in Redis-ConnectionString.
                access_keys_authentication_enabled=True,
                public_network_access_enabled=redis.public_access,
            ))
        else:
            self.cache = RedisCache(self, "Redis", RedisCacheProps(
                name=redis.name,
                resource_group=self.data_group,
                sku=redis.sku,
                capacity=redis.capacity,
                public_network_access_enabled=redis.public_access,
            ))

    def _app_services(self) -> None:
        """The apps' identity, their vault and their App Configuration store."""
        env = self.settings
        self.identity = UserAssignedIdentity(self, "Identity", UserAssignedIdentityProps(
            name=env.identity, resource_group=self.apps_group,
        ))
        self.vault = KeyVault(self, "Vault", KeyVaultProps(
            name=env.key_vault.name,
            resource_group=self.apps_group,
            soft_delete_retention_days=env.key_vault.soft_delete_days,
            purge_protection_enabled=env.key_vault.purge_protection,
            public_network_access_enabled=env.key_vault.public_access,
        ))
        self.app_configuration = AppConfiguration(self, "AppConfiguration", AppConfigurationProps(
            name=env.app_configuration.name,
            resource_group=self.apps_group,
            sku=env.app_configuration.sku,
            public_network_access_enabled=env.app_configuration.public_access,
        ))
        self.app_configuration.grant_data_read(self.identity)

    def _private_endpoints(self) -> None:
        if self.network:
            for service in (self.postgres, self.cache, self.vault, self.app_configuration):
                service.add_private_endpoint(self.network)

    def _data_protection(self) -> None:
        if self.settings.protect_data:
            for resource in (self.data_group, self.postgres, self.cache, self.vault):
                resource.protect_from_destroy()
            self.data_group.add_lock(f"Protects the {self.settings.name} databases and cache from deletion.")

    def _app_environment(self) -> None:
        """The Log Analytics workspace and the Container Apps environment (inside the VNet
        when there is one, internal unless the settings make app ingress public)."""
        network = self.settings.network
        logs = self.settings.logs
        self.workspace = LogAnalyticsWorkspace(self, "Logs", LogAnalyticsWorkspaceProps(
            name=logs.workspace, resource_group=self.apps_group,
            retention_in_days=logs.retention_days, daily_quota_gb=logs.daily_cap_gb,
        ))
        self.environment = ContainerAppEnvironment(self, "AppEnvironment", ContainerAppEnvironmentProps(
            name=self.settings.container_environment,
            resource_group=self.apps_group,
            log_analytics_workspace=self.workspace,
            virtual_network=self.network.virtual_network if self.network else None,
            public_network_access_enabled=network.public_app_ingress if network else None,
        ))
        if self.network and self.environment.internal:
            self.environment.add_private_dns(self.network.zones)
        if network and network.public_app_ingress:
            suppress(self.environment, NO_PUBLIC_NETWORK_ACCESS.id, network.public_app_ingress_reason)

    def _adopt_existing(self) -> None:
        """What the seed deployed (steps 3-4) is imported, not created, when settings say so."""
        adoption = self.adoption
        for group in (self.data_group, self.apps_group):
            adoption.group(group)
        for existing in (
            self.postgres, self.cache, self.identity, self.vault, self.app_configuration, self.environment,
        ):
            adoption.resource(existing)
        for name, database in self.postgres.databases.items():
            adoption.child(database, self.postgres, name)
        if self.settings.postgres.allow_azure_services:
            adoption.child(self.postgres.firewall_rules["AllowAzureServices"], self.postgres, "AllowAzureServices")

    def _outputs(self) -> None:
        TerraformOutput(self, "postgres_fqdn", value=self.postgres.fqdn)
        TerraformOutput(self, "redis_hostname", value=self.cache.hostname)
        TerraformOutput(self, "identity_client_id", value=self.identity.client_id)

    def _app_secrets(self) -> dict[str, SecretReference]:
        """The connection strings, written to the environment's vault, and the provider keys
        in the shared vault: what the apps read as Key Vault references."""
        env = self.settings
        database_url = self.vault.add_secret("PostgresConnectionString", SecretProps(
            name=env.postgres_secret,
            value=WriteOnlySecret(
                self.postgres.connection_url(env.postgres.connection_database), self.password.version,
            ),
            content_type="application/x-postgresql-url",
        ))
        redis_version = version_input(self, REDIS_SECRET_VERSION_VARIABLE, "the Redis connection string and key")
        redis_url = self.vault.add_secret("RedisConnectionString", SecretProps(
            name=env.redis_secret,
            value=WriteOnlySecret(self.cache.connection_url(), redis_version),
            content_type="application/x-redis-url",
        ))
        redis_password = self.vault.add_secret("RedisPassword", SecretProps(
            name=env.redis_password_secret,
            value=WriteOnlySecret(self.cache.access_key(), redis_version),
            content_type="text/plain",
        ))
        for reference in (database_url, redis_url, redis_password):
            self.adoption.secret(reference.dependency, self.vault.name, reference.name)
        shared_vault = self._shared_vault()
        return {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "REDIS_PASSWORD": redis_password,
            **{var: shared_vault.secret(name) for var, name in self.shared.provider_secrets.items()},
        }

    def _shared_vault(self) -> KeyVaultBase:
        return KeyVault.from_existing(
            self, "SharedVault", name=self.shared.key_vault, resource_group_name=self.shared.resource_group,
            missing_hint=self._deploy_shared_first,
        )

    def _shared_registry(self) -> ContainerRegistryBase:
        return ContainerRegistry.from_existing(
            self, "SharedRegistry", name=self.shared.registry, resource_group_name=self.shared.resource_group,
            missing_hint=self._deploy_shared_first,
        )

    @property
    def _deploy_shared_first(self) -> str:
        return (
            f"The shared stack is not deployed yet: run `cdktf deploy shared` first "
            f"(or `cdktf deploy shared {self.settings.name}`, which deploys both in that order)."
        )

    def _apps(self, secret_env: dict[str, SecretReference]) -> None:
        """One container app per app in settings, all reading the same configuration (the
        contract every Sigmatiq API reads), and one output of their FQDNs."""
        env = self.settings
        registry = self._shared_registry()
        plain_env = {
            "REDIS_HOST": self.cache.hostname,
            "REDIS_PORT": Token.as_string(self.cache.tls_port),
            "USE_REDIS_CACHE": "true",
            "AZURE_CLIENT_ID": self.identity.client_id,
            "AZURE_APP_CONFIG_ENDPOINT": self.app_configuration.endpoint,
        }
        for app in env.apps:
            self.apps[app.name] = ContainerApp(self, app.name, ContainerAppProps(
                name=app.name,
                environment=self.environment,
                identity=self.identity,
                registry=registry,
                repository=app.repository,
                image_tag=env.image_tag,
                target_port=app.port,
                cpu=app.cpu,
                memory=app.memory,
                min_replicas=app.min_replicas,
                max_replicas=app.max_replicas,
                external_ingress_enabled=env.external_ingress,
                env=plain_env,
                secret_env=secret_env,
                dependencies={
                    "DATABASE_URL": self.postgres, "REDIS_URL": self.cache,
                    "AZURE_APP_CONFIG_ENDPOINT": self.app_configuration,
                },
            ))
        # One output for all apps (a JSON object of name -> FQDN), however many there are.
        TerraformOutput(self, "app_fqdns", value=Fn.jsonencode({name: app.fqdn for name, app in self.apps.items()}))

    def _monitoring(self) -> None:
        """Diagnostics of every resource to the workspace; the action group, the metric
        alerts, an alert on deleting any protected resource, and the budget."""
        self.send_diagnostics(self.workspace)
        alerts, budget = self.settings.alerts, self.settings.budget
        if alerts is not None:
            self.action_group = ActionGroup(self, "Alerts", ActionGroupProps(
                name=alerts.action_group, resource_group=self.apps_group, short_name=alerts.short_name,
                email_receivers=alerts.emails,
                role_receivers=[role for role in BuiltInRole if role.display_name in alerts.notify_roles],
            ))
            self._metric_alerts(alerts)
            for resource in self.resources():
                if resource.protected and resource._managed is not None:
                    # An alert on a group's deletion lives in the environment's other group.
                    home = self.data_group if resource is self.apps_group else self.apps_group
                    DeleteAlert(resource, "DeleteAlert", DeleteAlertProps(
                        name=f"alert-{resource.name}-deleted"[:260], resource_group=home,
                        target=resource, action_group=self.action_group,
                    ))
        if budget is not None:
            Budget(self, "Budget", BudgetProps(
                name=budget.name,
                amount=budget.amount, start_date=budget.start_date,
                resource_groups=[self.data_group, self.apps_group], action_group=self.action_group,
                notify_roles=alerts.notify_roles if alerts else ("Owner",),
                actual_percent=budget.actual_percent, forecast_percent=budget.forecast_percent,
            ))

    def _metric_alerts(self, alerts: AlertSettings) -> None:
        """The thresholds of the settings, on the metrics each construct class names."""
        t = alerts.thresholds
        watched: list[tuple[AzureResource, str, str, str, float, dict]] = [
            (self.postgres, "cpu", "cpu_percent", "GreaterThan", t.postgres_cpu_percent, {}),
            (self.postgres, "storage", "storage_percent", "GreaterThan", t.postgres_storage_percent, {}),
            (self.postgres, "failed-connections", "connections_failed", "GreaterThan",
             t.postgres_failed_connections, {}),
            (self.cache, "server-load", "serverLoad", "GreaterThan", t.redis_server_load_percent, {}),
            (self.cache, "memory", "usedmemorypercentage", "GreaterThan", t.redis_memory_percent, {}),
            (self.vault, "availability", "Availability", "LessThan", t.key_vault_availability_percent, {}),
        ]
        if self.vpn is not None and self.vpn._managed is not None:
            watched.append(
                (self.vpn, "p2s-connections", "P2SConnectionCount", "GreaterThan", t.vpn_p2s_connections, {}),
            )
        for app in self.apps.values():
            watched.append((app, "restarts", "RestartCount", "GreaterThan", t.app_restarts, {}))
            watched.append((app, "5xx", "Requests", "GreaterThan", t.app_5xx_responses, {
                "window": "PT5M", "frequency": "PT1M", "dimensions": {"statusCodeCategory": ["5xx"]},
            }))
        for target, short, metric, operator, threshold, extra in watched:
            MetricAlert(target, f"Alert-{short}", MetricAlertProps(
                name=f"alert-{target.name}-{short}", resource_group=self.apps_group, target=target, metric=metric,
                operator=operator, threshold=threshold, action_group=self.action_group, **extra,
            ))
