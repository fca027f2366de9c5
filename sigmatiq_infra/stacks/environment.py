"""An application environment stack (`beta`, `prod`): data tier, app infrastructure, apps.

Environments differ only in their settings: one with `network` settings gets a private
network (VNet, VPN, DNS resolver, private endpoints, VNet-integrated apps); one without
has public services that opted in to public access.
"""

from __future__ import annotations

from constructs import Construct

from sigmatiq_infra._cdktf import Aspects, Fn, TerraformOutput, Token
from sigmatiq_infra.aspects import PolicyAspect, suppress
from sigmatiq_infra.aspects.rules import NO_PUBLIC_NETWORK_ACCESS, PRIVATE_ENVIRONMENT
from sigmatiq_infra.constructs import (
    AppConfiguration,
    AppConfigurationProps,
    ContainerApp,
    ContainerAppEnvironment,
    ContainerAppEnvironmentProps,
    ContainerAppProps,
    ContainerRegistry,
    FirewallRule,
    KeyVault,
    KeyVaultProps,
    LogAnalyticsWorkspace,
    LogAnalyticsWorkspaceProps,
    ManagedRedis,
    ManagedRedisProps,
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
from sigmatiq_infra.constructs.network import (
    InboundRule,
    SubnetSpec,
    VirtualNetwork,
    VirtualNetworkProps,
    subnet_role,
)
from sigmatiq_infra.constructs.postgres import admin_password_rules
from sigmatiq_infra.constructs.private_dns import DnsResolver, DnsResolverProps, PrivateDnsZones
from sigmatiq_infra.constructs.private_endpoint import PrivateNetwork
from sigmatiq_infra.constructs.vpn import RootCertificate, VpnGateway, VpnGatewayProps
from sigmatiq_infra.constructs.write_only import version_input
from sigmatiq_infra.settings import EnvironmentSettings, SharedSettings, StateSettings, VpnSettings
from sigmatiq_infra.stacks.adoption import Adoption
from sigmatiq_infra.stacks.base import AzureStack

PASSWORD_VARIABLE = "postgres_admin_password"
REDIS_SECRET_VERSION_VARIABLE = "redis_connection_string_version"
ROOT_CERTIFICATE_VARIABLE = "vpn_root_certificate"


class EnvironmentStack(AzureStack):
    def __init__(
        self, scope: Construct, settings: EnvironmentSettings, shared: SharedSettings,
        state: StateSettings | None = None,
    ) -> None:
        super().__init__(scope, settings.name, tags=settings.tags, state=state)
        env = settings
        data_group = ResourceGroup(self, "DataGroup", ResourceGroupProps(
            name=env.data_resource_group, location=env.location,
            tags={"Purpose": env.data_purpose},
        ))
        apps_group = ResourceGroup(self, "AppsGroup", ResourceGroupProps(
            name=env.apps_resource_group, location=env.location,
            tags={"Purpose": env.apps_purpose},
        ))

        network = self._private_network(env, apps_group) if env.network else None
        if network:
            Aspects.of(self).add(PolicyAspect(PRIVATE_ENVIRONMENT))

        pg = env.postgres
        password = WriteOnlySecret.from_inputs(
            self, PASSWORD_VARIABLE, "the PostgreSQL administrator password",
            rules=admin_password_rules(pg.administrator_login),
        )
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
            firewall_rules=[
                FirewallRule(f"operator-{name}", ip, ip) for name, ip in pg.operator_ips.items()
            ],
            administrator_login=pg.administrator_login,
            administrator_password=password,
            databases=pg.databases,
        ))
        cache = self._cache(env, data_group)

        identity = UserAssignedIdentity(self, "Identity", UserAssignedIdentityProps(
            name=env.identity, resource_group=apps_group,
        ))
        vault = KeyVault(self, "Vault", KeyVaultProps(
            name=env.key_vault.name,
            resource_group=apps_group,
            soft_delete_retention_days=env.key_vault.soft_delete_days,
            purge_protection_enabled=env.key_vault.purge_protection,
            public_network_access_enabled=env.key_vault.public_access,
        ))
        app_config = AppConfiguration(self, "AppConfiguration", AppConfigurationProps(
            name=env.app_configuration.name,
            resource_group=apps_group,
            sku=env.app_configuration.sku,
            public_network_access_enabled=env.app_configuration.public_access,
        ))
        app_config.grant_data_read(identity)
        if network:
            for service in (postgres, cache, vault, app_config):
                service.add_private_endpoint(network)
        if env.protect_data:
            for resource in (postgres, cache, vault):
                resource.protect_from_destroy()
            data_group.add_delete_lock(f"Protects the {env.name} databases and cache from deletion.")

        workspace = LogAnalyticsWorkspace(self, "Logs", LogAnalyticsWorkspaceProps(
            name=env.log_analytics_workspace, resource_group=apps_group,
        ))
        internal = bool(env.network and not env.network.public_app_ingress)
        environment = ContainerAppEnvironment(self, "AppEnvironment", ContainerAppEnvironmentProps(
            name=env.container_environment,
            resource_group=apps_group,
            log_analytics_workspace=workspace,
            virtual_network=network.virtual_network if network else None,
            internal=internal,
        ))
        if network and internal:
            environment.add_private_dns(network.zones)
        if network and not internal:
            suppress(environment, NO_PUBLIC_NETWORK_ACCESS.id, env.network.public_app_ingress_reason)

        # What the seed deployed (steps 3-4) is imported, not created, when settings say so.
        adoption = Adoption(self, env.adoption)
        for group in (data_group, apps_group):
            adoption.group(group)
        for existing in (postgres, cache, identity, vault, app_config, environment):
            adoption.resource(existing)
        for name, database in postgres.databases.items():
            adoption.child(database, postgres, "databases", name)
        if pg.allow_azure_services:
            adoption.child(
                postgres.firewall_rules["AllowAzureServices"], postgres, "firewallRules", "AllowAzureServices",
            )

        self.postgres = postgres
        self.cache = cache
        self.identity = identity
        self.vault = vault
        self.app_configuration = app_config
        self.environment = environment
        self.network = network
        self.apps: dict[str, ContainerApp] = {}
        TerraformOutput(self, "postgres_fqdn", value=postgres.fqdn)
        TerraformOutput(self, "redis_hostname", value=cache.hostname)
        TerraformOutput(self, "identity_client_id", value=identity.client_id)
        if env.bootstrap:
            adoption.role_assignments()
            return  # the vault's data plane (secrets) and the apps come in the second deploy

        database_url = vault.add_secret("PostgresConnectionString", SecretProps(
            name=env.postgres_secret,
            value=WriteOnlySecret(postgres.connection_url(pg.connection_database), password.version),
            content_type="application/x-postgresql-url",
        ))
        redis_url = vault.add_secret("RedisConnectionString", SecretProps(
            name=env.redis_secret,
            value=WriteOnlySecret(
                cache.connection_url(),
                version_input(self, REDIS_SECRET_VERSION_VARIABLE, "the Redis connection string"),
            ),
            content_type="application/x-redis-url",
        ))
        for reference in (database_url, redis_url):
            adoption.secret(reference.dependency, vault.name, reference.name)
        deploy_shared_first = (
            f"The shared stack is not deployed yet: run `cdktf deploy shared` first "
            f"(or `cdktf deploy shared {env.name}`, which deploys both in that order)."
        )
        shared_vault = KeyVault.from_existing(
            self, "SharedVault", name=shared.key_vault, resource_group_name=shared.resource_group,
            missing_hint=deploy_shared_first,
        )
        registry = ContainerRegistry.from_existing(
            self, "SharedRegistry", name=shared.registry, resource_group_name=shared.resource_group,
            missing_hint=deploy_shared_first,
        )
        # The contract every Sigmatiq API reads its configuration from.
        plain_env = {
            "REDIS_HOST": cache.hostname,
            "REDIS_PORT": Token.as_string(cache.tls_port),
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
                dependencies={"DATABASE_URL": postgres, "REDIS_URL": cache, "AZURE_APP_CONFIG_ENDPOINT": app_config},
            ))
        # One output for all apps (a JSON object of name -> FQDN), however many there are.
        TerraformOutput(self, "app_fqdns", value=Fn.jsonencode({
            name: app.fqdn for name, app in self.apps.items()
        }))
        adoption.role_assignments()

    def _private_network(
        self, env: EnvironmentSettings, group: ResourceGroup,
    ) -> PrivateNetwork:
        """VNet, NSGs, private DNS zones, DNS resolver (the VNet's DNS) and the P2S VPN."""
        settings = env.network
        if settings is None:
            raise ValueError(f"{env.name}: _private_network needs network settings")
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
        zones = PrivateDnsZones(self, "PrivateDns", resource_group=group, virtual_network=vnet)
        resolver = DnsResolver(self, "DnsResolver", DnsResolverProps(
            name=settings.dns_resolver,
            resource_group=group,
            virtual_network=vnet,
            inbound_ip=settings.dns_resolver_inbound_ip,
        ))
        vpn = settings.vpn
        VpnGateway(self, "Vpn", VpnGatewayProps(
            name=vpn.name,
            resource_group=group,
            virtual_network=vnet,
            client_address_pool=vpn.client_address_pool,
            root_certificates=[self._root_certificate(vpn)],
            sku=vpn.sku,
            generation=vpn.generation,
            # VPN client profiles carry the VNet's DNS servers as they are when downloaded.
            depends_on=[resolver.vnet_dns_servers] if resolver.vnet_dns_servers else (),
        ))
        TerraformOutput(self, "dns_resolver_inbound_ip", value=resolver.inbound_ip)
        return PrivateNetwork(vnet, zones)

    def _root_certificate(self, vpn: VpnSettings) -> RootCertificate:
        """As the settings hold it (read from its file when they were prepared), else a
        deploy-time input."""
        if vpn.root_certificate:
            return RootCertificate(vpn.root_certificate_name, vpn.root_certificate)
        return RootCertificate.from_input(
            self, ROOT_CERTIFICATE_VARIABLE, vpn.root_certificate_name,
            note=f"Or put the certificate at {vpn.root_certificate_file} before synth.",
        )

    def _cache(
        self, env: EnvironmentSettings, group: ResourceGroup,
    ) -> RedisCache | ManagedRedis:
        redis = env.redis
        if redis.service == "managed-redis":
            return ManagedRedis(self, "Redis", ManagedRedisProps(
                name=redis.name,
                resource_group=group,
                sku_name=redis.sku_name,
                # The apps authenticate with the key in Redis-ConnectionString.
                access_keys_authentication_enabled=True,
                public_network_access_enabled=redis.public_access,
            ))
        return RedisCache(self, "Redis", RedisCacheProps(
            name=redis.name,
            resource_group=group,
            sku_name=redis.sku_name,
            capacity=redis.capacity,
            public_network_access_enabled=redis.public_access,
        ))
