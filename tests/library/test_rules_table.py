"""Every public construct, written as a hurried user writes an own app: per rule, one value
Azure takes (accepted: no problem) and one it refuses (rejected: the exact message, naming the
construct, the value, what is allowed and the fix). Rules that only the whole app can see
(names unique in their Azure scope, per-type tag limits) are checked by a real synth, which
writes nothing when it refuses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from sigmatiq_infra import cdk
from sigmatiq_infra import constructs as c
from sigmatiq_infra.stacks import App, AzureStack, BlobStateBackend
from sigmatiq_infra.validation import ValidationError

GUID = "8d3c2b1a-0f4e-4d5c-9b6a-7e8f9a0b1c2d"


class Own:
    """A user's own app, one stack and one group (`westeurope`, which has availability
    zones), with every construct a rule needs built from its required props."""

    def __init__(self, app: App, location: str = "westeurope") -> None:
        self.app = app
        self.stack = AzureStack(app, "own")
        self.group = c.ResourceGroup(self.stack, "Group", c.ResourceGroupProps("rg-own", location))
        self._made: dict[str, object] = {}

    def once(self, key: str, make: Callable[[], object]):
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]

    def other_stack(self, location: str = "westeurope") -> Own:
        other = Own.__new__(Own)
        other.app, other._made = self.app, {}
        other.stack = AzureStack(self.app, "other")
        other.group = c.ResourceGroup(other.stack, "Group", c.ResourceGroupProps("rg-other", location))
        return other

    def group_in(self, location: str, name: str = "rg-own-2", id: str = "Group2") -> c.ResourceGroup:
        return c.ResourceGroup(self.stack, id, c.ResourceGroupProps(name, location))

    def vault(self, id: str = "Vault", **props) -> c.KeyVault:
        return c.KeyVault(self.stack, id, c.KeyVaultProps(**{
            "name": "kv-own-1", "resource_group": self.group, "public_network_access_enabled": True, **props,
        }))

    def registry(self, id: str = "Registry", **props) -> c.ContainerRegistry:
        return c.ContainerRegistry(self.stack, id, c.ContainerRegistryProps(**{
            "name": "acrown1", "resource_group": self.group, "sku": "Basic", "public_network_access_enabled": True,
            **props,
        }))

    def identity(self, id: str = "Identity", **props) -> c.UserAssignedIdentity:
        return c.UserAssignedIdentity(self.stack, id, c.UserAssignedIdentityProps(**{
            "name": "mi-own", "resource_group": self.group, **props,
        }))

    def workspace(self, **props) -> c.LogAnalyticsWorkspace:
        return c.LogAnalyticsWorkspace(self.stack, "Logs", c.LogAnalyticsWorkspaceProps(**{
            "name": "log-own", "resource_group": self.group, **props,
        }))

    def network(self, id: str = "Network", group=None, subnets=None, **props) -> c.VirtualNetwork:
        return c.VirtualNetwork(self.stack, id, c.VirtualNetworkProps(**{
            "name": "vnet-own", "resource_group": group or self.group, "address_space": "10.20.0.0/16",
            "subnets": subnets if subnets is not None else [
                c.SubnetSpec("GatewaySubnet", "10.20.0.0/27", c.SubnetRole.GATEWAY),
                c.SubnetSpec("snet-dns-in", "10.20.0.32/28", c.SubnetRole.DNS_RESOLVER_INBOUND),
                c.SubnetSpec("snet-pe", "10.20.1.0/24", c.SubnetRole.PRIVATE_ENDPOINTS),
                c.SubnetSpec("snet-apps", "10.20.2.0/23", c.SubnetRole.CONTAINER_APPS),
            ],
            **props,
        }))

    def private_network(self) -> c.PrivateNetwork:
        def make():
            vnet = self.network()
            zones = c.PrivateDnsZones(self.stack, "Zones", c.PrivateDnsZonesProps(self.group, vnet))
            return c.PrivateNetwork(vnet, zones)
        return self.once("private network", make)

    def environment(self, id: str = "Environment", **props) -> c.ContainerAppEnvironment:
        return c.ContainerAppEnvironment(self.stack, id, c.ContainerAppEnvironmentProps(**{
            "name": "cae-own", "resource_group": self.group, **props,
        }))

    def container_app(self, id: str = "Api", environment=None, **props) -> c.ContainerApp:
        environment = environment or self.once("environment", self.environment)
        return c.ContainerApp(self.stack, id, c.ContainerAppProps(**{
            "name": "ca-own-api", "environment": environment,
            "identity": self.once("identity", self.identity), "registry": self.once("registry", self.registry),
            "repository": "own/api", "image_tag": "1.0.0", "target_port": 8080, **props,
        }))

    def password(self) -> c.WriteOnlySecret:
        def make():
            variable = cdk.TerraformVariable(self.stack, "pw", type="string", sensitive=True)
            return c.WriteOnlySecret(variable.string_value)
        return self.once("password", make)

    def server(self, id: str = "Database", **props) -> c.PostgresServer:
        return c.PostgresServer(self.stack, id, c.PostgresServerProps(**{
            "name": "psql-own", "resource_group": self.group, "sku": "B_Standard_B1ms",
            "administrator_login": "ownadmin", "administrator_password": self.password(), **props,
        }))

    def storage(self, **props) -> c.StorageAccount:
        return c.StorageAccount(self.stack, "Storage", c.StorageAccountProps(**{
            "name": "stown1", "resource_group": self.group, "public_network_access_enabled": True, **props,
        }))

    def action_group(self, **props) -> c.ActionGroup:
        return c.ActionGroup(self.stack, "Alerts", c.ActionGroupProps(**{
            "name": "ag-own", "resource_group": self.group, "short_name": "own", **props,
        }))

    def root_certificate(self) -> c.RootCertificate:
        return c.RootCertificate.from_input(self.stack, "root", "OwnRoot")

    def private_vault(self) -> c.KeyVault:
        vault = self.vault(public_network_access_enabled=False)
        vault.add_private_endpoint(self.private_network())
        return vault

    def redis(self, **props) -> c.RedisCache:
        return c.RedisCache(self.stack, "Cache", c.RedisCacheProps(**{
            "name": "redis-own-1", "resource_group": self.group, "public_network_access_enabled": True, **props,
        }))


@dataclass(frozen=True)
class Rule:
    construct: str
    rule: str
    accepted: Callable[[Own], object]
    rejected: Callable[[Own], object]
    message: str
    synth: bool = False
    """Only the whole app shows it: checked by a real synth."""


def problems(tmp_path: Path, make: Callable[[Own], object], synth: bool) -> list[str]:
    app = App(outdir=str(tmp_path / "cdktf.out"))
    make(Own(app))
    if synth:
        try:
            app.synth()
        except ValidationError as error:
            assert not (tmp_path / "cdktf.out").exists()  # nothing written
            return list(error.problems)
        return []
    app.problems.run_deferred()
    return list(app.problems.problems)


def with_tags(count: int) -> Callable[[Own], object]:
    def make(own: Own) -> object:
        stack = AzureStack(own.app, "tagged", tags={f"tag{n:02d}": "x" for n in range(count)})
        group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-tagged", "westeurope"))
        vnet = c.VirtualNetwork(stack, "Network", c.VirtualNetworkProps("vnet-tagged", group, "10.30.0.0/16", [
            c.SubnetSpec("snet-pe", "10.30.1.0/24", c.SubnetRole.PRIVATE_ENDPOINTS),
        ]))
        zones = c.PrivateDnsZones(stack, "Zones", c.PrivateDnsZonesProps(group, vnet))
        return zones.zone("privatelink.vaultcore.azure.net")
    return make


def resolver_network(own: Own) -> c.VirtualNetwork:
    """A VNet with both resolver subnets (forwarding rules need the outbound one)."""
    return own.network(subnets=[
        c.SubnetSpec("snet-dns-in", "10.20.0.32/28", c.SubnetRole.DNS_RESOLVER_INBOUND),
        c.SubnetSpec("snet-dns-out", "10.20.0.48/28", c.SubnetRole.DNS_RESOLVER_OUTBOUND),
    ])


def twice(first: Callable[[Own], object], second: Callable[[Own], object]) -> Callable[[Own], object]:
    def make(own: Own) -> object:
        first(own)
        return second(own)
    return make


RULES = [
    # --- every construct: ids, names in their Azure scope --------------------------------------
    Rule("any construct", "one construct per id in a scope",
         lambda own: own.vault(id="Vault"),
         twice(lambda own: own.vault(id="Vault"), lambda own: own.identity(id="Vault")),
         ("UserAssignedIdentity 'own/Vault': id 'Vault' is already the id of another construct in 'own'. "
          'Allowed: one construct per id in a scope (the id is part of every Terraform address below it). Fix: '
          'give this construct an id of its own.')),
    Rule("ResourceGroup", "names unique in the subscription, in any case",
         lambda own: own.group_in("westeurope", "rg-own-2"),
         lambda own: own.group_in("westeurope", "RG-Own"),
         ("resource group 'own/Group': name 'rg-own' is already the name of resource group 'own/Group2' (Azure "
          'compares names in any case). Allowed: one resource group per name in the subscription. Fix: rename '
          'one of the two (a name the library derives follows the name you give its construct).'), synth=True),
    Rule("ResourceGroup", "a region by its display name",
         lambda own: own.group_in("West Europe"),
         lambda own: own.group_in("Wst Europe"),
         ("ResourceGroup 'own/Group2': location 'Wst Europe' is not an Azure region (did you mean "
          "'westeurope'?). Allowed: a region's programmatic name such as 'centralus' or 'westeurope', or its "
          "display name such as 'West Europe' (Microsoft's Azure regions list, regions-list.md of 2025-09-23). "
          "Fix: use 'westeurope'.")),
    Rule("KeyVault", "names unique across all of Azure, across the app's stacks",
         lambda own: (own.vault(), own.other_stack().vault(name="kv-own-2")),
         lambda own: (own.vault(), own.other_stack().vault(name="KV-Own-1")),
         ("Key Vault 'own/Vault': name 'kv-own-1' is already the name of Key Vault 'other/Vault' (Azure "
          'compares names in any case). Allowed: one Key Vault per name in all of Azure. Fix: rename one of '
          'the two (a name the library derives follows the name you give its construct).'), synth=True),
    Rule("KeyVault", "soft delete 7-90 days",
         lambda own: own.vault(soft_delete_retention_days=7),
         lambda own: own.vault(soft_delete_retention_days=6),
         ("KeyVault 'own/Vault': soft_delete_retention_days 6 is out of range. Allowed: 7 to 90. Fix: set "
          'soft_delete_retention_days between 7 and 90.')),
    Rule("KeyVault", "secret names of letters, digits and hyphens, a digit first too (azurerm, Azure's API)",
         lambda own: own.vault().secret("1password-key"),
         lambda own: own.vault().secret("Orders_Url"),
         ("KeyVault 'own/Vault': secret name 'Orders_Url' contains '_'. Allowed: Key Vault secret names "
          "have 1-127 characters; letters, digits and hyphens. Fix: use 'Orders-Url' or "
          'another Key Vault secret name that follows these rules.')),
    Rule("KeyVault", "secret names unique in their vault, in any case",
         lambda own: (v := own.vault(), v.add_secret("A", c.SecretProps("Orders-Url", own.password())),
                      v.add_secret("B", c.SecretProps("Orders-Key", own.password()))),
         lambda own: (v := own.vault(), v.add_secret("A", c.SecretProps("Orders-Url", own.password())),
                      v.add_secret("B", c.SecretProps("orders-url", own.password()))),
         ("Key Vault secret 'own/Vault/B': name 'orders-url' is already the name of Key Vault secret "
          "'own/Vault/A' (Azure compares names in any case). Allowed: one Key Vault secret per name in its Key "
          'Vault. Fix: rename one of the two (a name the library derives follows the name you give its '
          'construct).'), synth=True),
    Rule("KeyVault", "add_secret once per id",
         lambda own: (v := own.vault(), v.add_secret("A", c.SecretProps("Orders-Url", own.password()))),
         lambda own: (v := own.vault(), v.add_secret("A", c.SecretProps("Orders-Url", own.password())),
                      v.add_secret("A", c.SecretProps("Orders-Key", own.password()))),
         ("KeyVault 'own/Vault': add_secret 'A' is added twice. Allowed: each once. Fix: give each secret its "
          'own id (and name).')),
    Rule("any resource", "add_lock: the same lock again is the same lock",
         lambda own: (g := own.group, g.add_lock("Holds the databases."), g.add_lock("Holds the databases.")),
         lambda own: (g := own.group, g.add_lock("Holds the databases."), g.add_lock("Another reason.")),
         ("ResourceGroup 'own/Group': add_lock 'CanNotDelete' adds a second CanNotDelete lock (the first says "
          "'Holds the databases.'). Allowed: one lock per level on a resource. Fix: call add_lock once per "
          'level.')),
    Rule("ContainerRegistry", "names of letters and digits",
         lambda own: own.registry(name="acrOwn1"),
         lambda own: own.registry(name="acr-own-1"),
         ("ContainerRegistry 'own/Registry': name 'acr-own-1' contains '-'. Allowed: container registry names "
          "have 5-50 characters; letters and digits only; unique across Azure. Fix: use 'acrown1' or "
          'another container registry name that follows these rules.')),
    Rule("ContainerRegistry", "public access off only on Premium",
         lambda own: own.registry(sku="Premium", public_network_access_enabled=False),
         lambda own: own.registry(sku="Basic", public_network_access_enabled=False),
         ("ContainerRegistry 'own/Registry': public_network_access_enabled False is not available on the Basic "
          "SKU. Allowed: public_network_access_enabled=False only with sku='Premium'. Fix: use sku='Premium', "
          'or opt in to public access with public_network_access_enabled=True.')),
    Rule("UserAssignedIdentity", "names unique in their resource group",
         lambda own: (own.identity(), own.identity(id="Identity2", name="mi-own-2")),
         lambda own: (own.identity(), own.identity(id="Identity2", name="MI-OWN")),
         ("managed identity 'own/Identity': name 'mi-own' is already the name of managed identity "
          "'own/Identity2' (Azure compares names in any case). Allowed: one managed identity per name in its "
          'resource group. Fix: rename one of the two (a name the library derives follows the name you give '
          'its construct).'), synth=True),
    Rule("AppConfiguration", "two hyphens in a row, not three",
         lambda own: c.AppConfiguration(own.stack, "Config", c.AppConfigurationProps(
             "appcs--own", own.group, sku="free", public_network_access_enabled=True)),
         lambda own: c.AppConfiguration(own.stack, "Config", c.AppConfigurationProps(
             "appcs---own", own.group, sku="free", public_network_access_enabled=True)),
         ("AppConfiguration 'own/Config': name 'appcs---own' contains three hyphens in a row. Allowed: App "
          'Configuration store names have 5-50 characters; letters, digits and hyphens; starts with a letter '
          'or digit; ends with a letter or digit; no more than two hyphens in a row; unique across Azure. Fix: '
          "use 'appcs--own' or another App Configuration store name that follows these rules.")),
    Rule("LogAnalyticsWorkspace", "retention 30-730 days",
         lambda own: own.workspace(retention_in_days=730),
         lambda own: own.workspace(retention_in_days=731),
         ("LogAnalyticsWorkspace 'own/Logs': retention_in_days 731 is out of range. Allowed: 30 to 730. Fix: "
          'set retention_in_days between 30 and 730.')),
    # --- PostgreSQL -------------------------------------------------------------------------------
    Rule("PostgresServer", "versions azurerm 4.55 takes and Azure creates",
         lambda own: own.server(version="18"),
         lambda own: own.server(version="12"),
         ("PostgresServer 'own/Database': version '12' is not supported. Allowed: '13', '14', '15', '16', "
          "'17', '18'. Fix: use one of '13', '14', '15', '16', '17', '18'.")),
    Rule("PostgresServer", "the SKU tier matches its size family",
         lambda own: own.server(sku="GP_Standard_D2ds_v4"),
         lambda own: own.server(sku="GP_Standard_B1ms"),
         ("PostgresServer 'own/Database': sku 'GP_Standard_B1ms' pairs the General Purpose tier with the "
          'Burstable size B1ms. Allowed: General Purpose (GP_) sizes from the D-series. Fix: use '
          'B_Standard_B1ms.')),
    Rule("PostgresServer", "a size azurerm 4.55 takes",
         lambda own: own.server(sku="MO_Standard_E4ds_v5"),
         lambda own: own.server(sku="MO_Standard_E3ds_v5"),
         ("PostgresServer 'own/Database': sku 'MO_Standard_E3ds_v5' is not a Memory Optimized size azurerm "
          '4.55 takes. Allowed: Memory Optimized (MO_) sizes from the E-series, e.g. E2ds_v4, E2ds_v5, E2s_v3. '
          "Fix: use one of those sizes, e.g. 'MO_Standard_E2ds_v4'.")),
    Rule("PostgresServer", "zone-redundant high availability where Azure offers it",
         lambda own: own.server(sku="GP_Standard_D2ds_v4", high_availability_mode="SameZone",
                                resource_group=own.group_in("westus")),
         lambda own: own.server(sku="GP_Standard_D2ds_v4", high_availability_mode="ZoneRedundant",
                                resource_group=own.group_in("westus")),
         ("PostgresServer 'own/Database': high_availability_mode 'ZoneRedundant' is not offered in westus. "
          "Allowed: ZoneRedundant in a region that offers it (Microsoft's PostgreSQL flexible server regions "
          'table, regions-table.md of 2025-12-22); SameZone everywhere. Fix: use '
          "high_availability_mode='SameZone', or a region with availability zones.")),
    Rule("PostgresServer", "geo-redundant backup where Azure offers it",
         lambda own: own.server(geo_redundant_backup_enabled=True),
         lambda own: own.server(geo_redundant_backup_enabled=True, resource_group=own.group_in("westus3")),
         ("PostgresServer 'own/Database': geo_redundant_backup_enabled True is not offered in westus3. "
          "Allowed: geo-redundant backup in a region that offers it (Microsoft's PostgreSQL flexible server "
          'regions table, regions-table.md of 2025-12-22). Fix: set geo_redundant_backup_enabled=False, or '
          'choose another region.')),
    Rule("PostgresServer", "each database once, in any case",
         lambda own: own.server(databases=["orders", "billing"]),
         lambda own: own.server(databases=["orders", "Orders"]),
         ("PostgresServer 'own/Database': database 'orders' is listed again as 'Orders': one name to Azure, which "
          "compares names in any case. Allowed: each once, in any case. Fix: keep one of them.")),
    Rule("PostgresServer", "the Azure-services rule is the library's",
         lambda own: own.server(public_network_access_enabled=True, allow_azure_services=True,
                                firewall_rules=[c.FirewallRule("office", "203.0.113.7", "203.0.113.7")]),
         lambda own: own.server(public_network_access_enabled=True, allow_azure_services=True,
                                firewall_rules=[c.FirewallRule("AllowAzureServices", "0.0.0.0", "0.0.0.0")]),
         ("PostgresServer 'own/Database': firewall rule name 'AllowAzureServices' is the rule "
          'allow_azure_services=True adds itself. Allowed: another name for a rule of your own. Fix: remove '
          'the rule (allow_azure_services adds it), or rename it.')),
    Rule("PostgresServer", "backups 7-35 days",
         lambda own: own.server(backup_retention_days=35),
         lambda own: own.server(backup_retention_days=36),
         ("PostgresServer 'own/Database': backup_retention_days 36 is out of range. Allowed: 7 to 35. Fix: set "
          'backup_retention_days between 7 and 35.')),
    Rule("RedisCache", "TLS 1.2 only",
         lambda own: own.redis(minimum_tls_version="1.2"),
         lambda own: own.redis(minimum_tls_version="1.0"),
         ("RedisCache 'own/Cache': minimum_tls_version '1.0' is not supported. Allowed: '1.2'. Fix: use one of "
          "'1.2'.")),
    # --- regions ------------------------------------------------------------------------------------
    Rule("StorageAccount", "zone-redundant storage needs a region with zones",
         lambda own: own.storage(resource_group=own.group_in("westus"), replication="LRS"),
         lambda own: own.storage(resource_group=own.group_in("westus")),
         ("StorageAccount 'own/Storage': replication 'ZRS' needs availability zones, which westus does not "
          "have. Allowed: zone redundancy in a region with availability zones (Microsoft's Azure regions list, "
          "regions-list.md of 2025-09-23 (availability zone support)). Fix: use replication='LRS' (or 'GRS' "
          'for a copy in the paired region) in this region.')),
    Rule("StorageAccount", "the root and static website containers by their own names",
         lambda own: own.storage(containers=["$root", "$web", "state"]),
         lambda own: own.storage(containers=["$logs"]),
         ("StorageAccount 'own/Storage': container '$logs' contains '$' and starts with '$'. Allowed: storage "
          "container names have 3-63 characters; lowercase letters, digits and hyphens; starts with a lowercase "
          "letter or digit; ends with a lowercase letter or digit; no consecutive hyphens. Fix: use 'logs' or another "
          "storage container name that follows these rules.")),
    Rule("StorageAccount", "each container once",
         lambda own: own.storage(containers=["state", "logs"]),
         lambda own: own.storage(containers=["state", "state"]),
         ("StorageAccount 'own/Storage': container 'state' is listed twice. Allowed: each container once. Fix: "
          'remove the repeat.')),
    Rule("ContainerAppEnvironment", "zone redundancy needs a region with zones",
         lambda own: own.environment(virtual_network=own.network(), zone_redundant=True),
         lambda own: own.environment(
             resource_group=(g := own.group_in("westus")), zone_redundant=True,
             virtual_network=own.network(group=g)),
         ("ContainerAppEnvironment 'own/Environment': zone_redundant True needs availability zones, which "
          "westus does not have. Allowed: zone redundancy in a region with availability zones (Microsoft's "
          'Azure regions list, regions-list.md of 2025-09-23 (availability zone support)). Fix: set '
          'zone_redundant=False in this region, or choose a region with availability zones.')),
    Rule("ContainerAppEnvironment", "the VNet in the environment's region",
         lambda own: own.environment(virtual_network=own.network()),
         lambda own: own.environment(virtual_network=own.network(group=own.group_in("northeurope"))),
         ("ContainerAppEnvironment 'own/Environment': virtual_network 'vnet-own' is in northeurope, the "
          "environment in westeurope. Allowed: a VNet in the environment's region. Fix: put the environment's "
          'resource group and the VNet in one region.')),
    Rule("VpnGateway", "only zone-redundant SKUs are created",
         lambda own: c.VpnGateway(own.stack, "Vpn", c.VpnGatewayProps(
             "vpngw-own", own.group, own.network(), "172.16.0.0/24", [own.root_certificate()],
             sku="VpnGw1AZ")),
         lambda own: c.VpnGateway(own.stack, "Vpn", c.VpnGatewayProps(
             "vpngw-own", own.group, own.network(), "172.16.0.0/24", [own.root_certificate()],
             sku="VpnGw1")),
         ("VpnGateway 'own/Vpn': sku 'VpnGw1' can no longer be created (non-zonal SKUs retired 2025-01-01). "
          "Allowed: 'VpnGw1AZ', 'VpnGw2AZ', 'VpnGw3AZ', 'VpnGw4AZ', 'VpnGw5AZ'. Fix: use 'VpnGw1AZ'.")),
    Rule("VpnGateway", "each generation with the SKUs azurerm lists for it",
         lambda own: c.VpnGateway(own.stack, "Vpn", c.VpnGatewayProps(
             "vpngw-own", own.group, own.network(), "172.16.0.0/24", [own.root_certificate()],
             sku="VpnGw3AZ", generation="Generation1")),
         lambda own: c.VpnGateway(own.stack, "Vpn", c.VpnGatewayProps(
             "vpngw-own", own.group, own.network(), "172.16.0.0/24", [own.root_certificate()],
             sku="VpnGw1AZ", generation="Generation2")),
         ("VpnGateway 'own/Vpn': generation 'Generation2' is not available for VpnGw1AZ. Allowed: Generation2 "
          "with VpnGw2AZ, VpnGw3AZ, VpnGw4AZ, VpnGw5AZ. Fix: use generation='Generation1'.")),
    # --- container apps ------------------------------------------------------------------------------
    Rule("ContainerApp", "names of 2-32 characters",
         lambda own: own.container_app(name="ca-" + "x" * 29),
         lambda own: own.container_app(name="ca-" + "x" * 30),
         ("ContainerApp 'own/Api': name 'ca-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' has 33 characters. Allowed: "
          'container app names have 2-32 characters; lowercase letters, digits and hyphens; starts with a '
          'lowercase letter; ends with a lowercase letter or digit; no consecutive hyphens. Fix: use '
          "'ca-xxxxxxxxxxxxxxxxxxxxxxxxxxxxx' or another container app name that follows these rules.")),
    Rule("ContainerApp", "Azure's environment variable names",
         lambda own: own.container_app(env={"Orleans.Cluster-Id": "orders", "_PORT": "8080"}),
         lambda own: own.container_app(env={"1PORT": "8080"}),
         ("ContainerApp 'own/Api': environment variable '1PORT' starts with '1'. Allowed: environment variable "
          "names have at least 1 character; letters, digits, '_', '.' and '-'; starts with anything but a digit. "
          "Fix: use 'PORT' or another environment variable name that follows these rules.")),
    Rule("ContainerApp", "cpu and memory as Azure pairs them",
         lambda own: own.container_app(cpu=0.5, memory="1Gi"),
         lambda own: own.container_app(cpu=0.5, memory="3Gi"),
         ("ContainerApp 'own/Api': cpu/memory '0.5/3Gi' is not a combination Azure accepts. Allowed: on the "
          'Consumption plan: 0.25/0.5Gi, 0.5/1Gi, 0.75/1.5Gi, 1/2Gi, 1.25/2.5Gi, 1.5/3Gi, 1.75/3.5Gi, 2/4Gi. '
          "Fix: use memory='1Gi' for cpu=0.5.")),
    Rule("ContainerApp", "up to 4 vCPU / 8 GiB on the Consumption workload profile (an environment with a VNet)",
         lambda own: own.container_app(environment=own.environment(virtual_network=own.network()), cpu=4.0,
                                       memory="8Gi"),
         lambda own: own.container_app(cpu=4.0, memory="8Gi"),
         ("ContainerApp 'own/Api': cpu/memory '4/8Gi' is not a combination Azure accepts. Allowed: on the "
          'Consumption plan: 0.25/0.5Gi, 0.5/1Gi, 0.75/1.5Gi, 1/2Gi, 1.25/2.5Gi, 1.5/3Gi, 1.75/3.5Gi, 2/4Gi. '
          "Fix: pick a cpu of 0.25-2.0 in steps of 0.25.")),
    Rule("ContainerApp", "names unique in their resource group, across environments",
         lambda own: (own.container_app(), own.container_app(id="Api2", name="ca-own-api-2",
                                                             environment=own.environment(id="Env2", name="cae-own-2"))),
         lambda own: (own.container_app(), own.container_app(id="Api2",
                                                             environment=own.environment(id="Env2", name="cae-own-2"))),
         ("container app 'own/Api': name 'ca-own-api' is already the name of container app 'own/Api2' (Azure "
          'compares names in any case). Allowed: one container app per name in its resource group. Fix: rename '
          'one of the two (a name the library derives follows the name you give its construct).'), synth=True),
    # --- networks -------------------------------------------------------------------------------------
    Rule("VirtualNetwork", "one inbound rule per priority",
         lambda own: own.network(subnets=[c.SubnetSpec("snet-pe", "10.20.1.0/24", c.SubnetRole.PRIVATE_ENDPOINTS, [
             c.InboundRule("https", 100, "Internet", ("443",)), c.InboundRule("http", 110, "Internet", ("80",))])]),
         lambda own: own.network(subnets=[c.SubnetSpec("snet-pe", "10.20.1.0/24", c.SubnetRole.PRIVATE_ENDPOINTS, [
             c.InboundRule("https", 100, "Internet", ("443",)), c.InboundRule("http", 100, "Internet", ("80",))])]),
         ("VirtualNetwork 'own/Network': subnet 'snet-pe' inbound rule 'http' priority 100 is also the "
          "priority of inbound rule 'https'. Allowed: one inbound rule per priority in a network security "
          'group (Azure refuses the second). Fix: give each rule its own priority.')),
    Rule("VirtualNetwork", "ports 0-65535",
         lambda own: own.network(subnets=[c.SubnetSpec("snet-pe", "10.20.1.0/24", c.SubnetRole.PRIVATE_ENDPOINTS, [
             c.InboundRule("app", 100, "VirtualNetwork", ("8000-8080", "65535"))])]),
         lambda own: own.network(subnets=[c.SubnetSpec("snet-pe", "10.20.1.0/24", c.SubnetRole.PRIVATE_ENDPOINTS, [
             c.InboundRule("app", 100, "VirtualNetwork", ("65536",))])]),
         ("VirtualNetwork 'own/Network': subnet 'snet-pe' inbound rule 'app' port '65536' is not a port or "
          "range Azure takes. Allowed: a port 0-65535, a range such as '8000-8080' (low to high), or '*'. Fix: "
          'use ports from 0 to 65535.')),
    Rule("VirtualNetwork", "sources as addresses, ranges or service tags",
         lambda own: own.network(subnets=[c.SubnetSpec("snet-pe", "10.20.1.0/24", c.SubnetRole.PRIVATE_ENDPOINTS, [
             c.InboundRule("office", 100, "203.0.113.0/24", ("443",)),
             c.InboundRule("vpn", 110, "AzureCloud.westeurope", ("443",))])]),
         lambda own: own.network(subnets=[c.SubnetSpec("snet-pe", "10.20.1.0/24", c.SubnetRole.PRIVATE_ENDPOINTS, [
             c.InboundRule("office", 100, "203.0.113/24", ("443",))])]),
         ("VirtualNetwork 'own/Network': subnet 'snet-pe' inbound rule 'office' source '203.0.113/24' is not "
          "an address, CIDR range or service tag. Allowed: '*', an IP address or CIDR range such as "
          "'172.16.0.0/24', or a service tag such as 'Internet' or 'VirtualNetwork'. Fix: write the range as "
          "address/prefix length, e.g. '10.1.0.0/24'.")),
    Rule("VirtualNetwork", "subnet names unique in their VNet, in any case",
         lambda own: own.network(subnets=[c.SubnetSpec("snet-pe", "10.20.1.0/24", c.SubnetRole.PRIVATE_ENDPOINTS),
                                          c.SubnetSpec("snet-pe2", "10.20.3.0/24", c.SubnetRole.PRIVATE_ENDPOINTS)]),
         lambda own: own.network(subnets=[c.SubnetSpec("snet-pe", "10.20.1.0/24", c.SubnetRole.PRIVATE_ENDPOINTS),
                                          c.SubnetSpec("SNET-PE", "10.20.3.0/24", c.SubnetRole.PRIVATE_ENDPOINTS)]),
         ("VirtualNetwork 'own/Network': subnet name 'snet-pe' is used twice. Allowed: unique subnet names. "
          'Fix: rename one.')),
    Rule("VirtualNetwork", "the NSGs it derives from subnet names, unique in their group",
         lambda own: (own.network(), own.network(id="Network2", name="vnet-own-2", subnets=[
             c.SubnetSpec("snet-pe-2", "10.20.1.0/24", c.SubnetRole.PRIVATE_ENDPOINTS)])),
         lambda own: (own.network(), own.network(id="Network2", name="vnet-own-2", subnets=[
             c.SubnetSpec("snet-pe", "10.20.1.0/24", c.SubnetRole.PRIVATE_ENDPOINTS)])),
         ("network security group 'own/Network/Nsg-snet-pe': name 'nsg-snet-pe' is already the name of network "
          "security group 'own/Network2/Nsg-snet-pe' (Azure compares names in any case). Allowed: one network "
          "security group per name in its resource group. Fix: rename one of the two subnets (a subnet's network "
          "security group is named nsg-<subnet name>), or put one VNet in another resource group."), synth=True),
    Rule("PrivateDnsZones", "the zones it derives, unique in their group",
         lambda own: own.private_vault(),
         lambda own: (own.private_vault(), c.PrivateDnsZones(own.stack, "Zones2", c.PrivateDnsZonesProps(
             own.group, own.network(id="Network2", name="vnet-own-2", subnets=[
                 c.SubnetSpec("snet-pe-2", "10.20.1.0/24", c.SubnetRole.PRIVATE_ENDPOINTS)]),
         )).zone("privatelink.vaultcore.azure.net")),
         ("private DNS zone 'own/Zones/privatelink.vaultcore.azure.net': name "
          "'privatelink.vaultcore.azure.net' is already the name of private DNS zone "
          "'own/Zones2/privatelink.vaultcore.azure.net' (Azure compares names in any case). Allowed: one "
          'private DNS zone per name in its resource group. Fix: give one of the two PrivateDnsZones another '
          "resource group (a privatelink zone's name is its service's, and each PrivateDnsZones links its zones to "
          'its own VNet).'), synth=True),
    Rule("PrivateDnsZones", "at most 15 tags on a private DNS zone, the stack's included",
         with_tags(15),
         with_tags(16),
         ("private DNS zone 'tagged/Zones/privatelink.vaultcore.azure.net': tags '16 tags' are more than Azure "
          "takes on a private DNS zone. Allowed: at most 15 tags on a private DNS zone, the stack's tags "
          "included (Microsoft's tag limits). Fix: give the stack (or the construct) fewer tags."), synth=True),
    # --- access --------------------------------------------------------------------------------------
    Rule("PrincipalById", "an object id is a GUID",
         lambda own: c.PrincipalById(own.stack, "Ci", principal_id=GUID.upper(), principal_type="ServicePrincipal"),
         lambda own: c.PrincipalById(own.stack, "Ci", principal_id="ci-pipeline", principal_type="ServicePrincipal"),
         ("PrincipalById 'own/Ci': principal_id 'ci-pipeline' is not an object id. Allowed: a GUID such as "
          "00000000-0000-0000-0000-000000000000. Fix: use the principal's object id (`az ad sp show --id <app "
          'id> --query id -o tsv`).')),
    Rule("PrincipalById", "a principal type in Azure's case",
         lambda own: c.PrincipalById(own.stack, "Ci", principal_id=GUID, principal_type="Group"),
         lambda own: c.PrincipalById(own.stack, "Ci", principal_id=GUID, principal_type="servicePrincipal"),
         ("PrincipalById 'own/Ci': principal_type 'servicePrincipal' is not supported (did you mean "
          "'ServicePrincipal'?). Allowed: 'User', 'Group', 'ServicePrincipal'. Fix: write it as "
          "'ServicePrincipal' (Azure reads it in this case only).")),
    # --- monitoring ----------------------------------------------------------------------------------
    Rule("ActionGroup", "receiver names unique across receivers, in any case",
         lambda own: own.action_group(email_receivers={"oncall": "ops@example.com"}),
         lambda own: own.action_group(email_receivers={"owner": "ops@example.com"}),
         ("ActionGroup 'own/Alerts': receiver name 'Owner' is also the name of receiver 'owner'. Allowed: one "
          'receiver per name in an action group (e-mail and role receivers alike, in any case). Fix: rename '
          'the e-mail receiver, or list the role once.')),
    Rule("ActionGroup", "a short name of 1-12 characters",
         lambda own: own.action_group(short_name="orders prod"),
         lambda own: own.action_group(short_name="orders-prod-1"),
         ("ActionGroup 'own/Alerts': short_name 'orders-prod-1' has 13 characters. Allowed: action group short "
          "names have 1-12 characters; any characters but control characters. Fix: use 'orders-pro-1' or "
          'another action group short name that follows these rules.')),
    Rule("Budget", "a start on the first of a month",
         lambda own: c.Budget(own.stack, "Budget", c.BudgetProps("budget-own", 100, "2026-12-01", [own.group])),
         lambda own: c.Budget(own.stack, "Budget", c.BudgetProps("budget-own", 100, "2026-12-15", [own.group])),
         ("Budget 'own/Budget': start_date '2026-12-15' is not the first of a month from June 2017 on. "
          "Allowed: the first day of a month, 2017-06-01 or later. Fix: use '2026-12-01'.")),
    Rule("MetricAlert", "a metric the target has",
         lambda own: c.MetricAlert(own.stack, "Alert", c.MetricAlertProps(
             "alert-own-cpu", own.group, own.server(), "cpu_percent", 80, own.action_group())),
         lambda own: c.MetricAlert(own.stack, "Alert", c.MetricAlertProps(
             "alert-own-cpu", own.group, own.server(), "cpu", 80, own.action_group())),
         ("MetricAlert 'own/Alert': metric 'cpu' is not supported. Allowed: cpu_percent, memory_percent, "
          'storage_percent, connections_failed, active_connections and 68 more metrics Azure Monitor lists for '
          'Microsoft.DBforPostgreSQL/flexibleServers (Microsoft Learn, "Supported metrics for '
          'Microsoft.DBforPostgreSQL/flexibleServers"). Fix: use a metric of the PostgreSQL '
          "flexible server 'psql-own'.")),
    Rule("DeleteAlert", "a resource group's deletion alert lives in another group",
         lambda own: c.DeleteAlert(own.stack, "Deleted", c.DeleteAlertProps(
             "alert-own-deleted", own.group_in("westeurope"), own.group, own.action_group())),
         lambda own: c.DeleteAlert(own.stack, "Deleted", c.DeleteAlertProps(
             "alert-own-deleted", own.group, own.group, own.action_group())),
         ("DeleteAlert 'own/Deleted': resource_group 'rg-own' is the watched group itself. Allowed: another "
          "group: a rule is deleted with its group. Fix: put the alert on a group's deletion in another group.")),
    Rule("ManagedRedis", "an Azure Managed Redis SKU",
         lambda own: c.ManagedRedis(own.stack, "Cache", c.ManagedRedisProps(
             "amr-own", own.group, sku="Balanced_B5", public_network_access_enabled=True)),
         lambda own: c.ManagedRedis(own.stack, "Cache", c.ManagedRedisProps(
             "amr-own", own.group, sku="Premium_P1", public_network_access_enabled=True)),
         ("ManagedRedis 'own/Cache': sku 'Premium_P1' is not supported. Allowed: Balanced_B0 to _B1000, "
          'MemoryOptimized_M10 to _M2000, ComputeOptimized_X3 to _X700 or FlashOptimized_A250 to _A4500, in '
          "Azure's steps (redis.MANAGED_SKUS). Fix: pick a size from the Azure Managed Redis pricing page, "
          "e.g. 'Balanced_B5' (6 GB).")),
    Rule("PrivateEndpoint", "on a SKU with private endpoints, public access on or off; asking again is the same one",
         lambda own: (n := own.private_network(), v := own.vault(public_network_access_enabled=False),
                      v.add_private_endpoint(n), v.add_private_endpoint(n),
                      own.registry(sku="Premium").add_private_endpoint(n)),
         lambda own: own.registry(sku="Basic").add_private_endpoint(own.private_network()),
         ("ContainerRegistry 'own/Registry': sku 'Basic' cannot have a private endpoint. Allowed: private endpoints "
          "on sku 'Premium'. Fix: use sku='Premium'.")),
    Rule("DnsResolver", "an inbound address Azure does not reserve",
         lambda own: c.DnsResolver(own.stack, "Dns", c.DnsResolverProps(
             "dnsr-own", own.group, own.network(), "10.20.0.36")),
         lambda own: c.DnsResolver(own.stack, "Dns", c.DnsResolverProps(
             "dnsr-own", own.group, own.network(), "10.20.0.35")),
         ("DnsResolver 'own/Dns': inbound_ip '10.20.0.35' is not a usable address of the inbound subnet "
          '10.20.0.32/28. Allowed: 10.20.0.36 to 10.20.0.46 (Azure reserves the first four and the last '
          'address). Fix: pick an address such as 10.20.0.36.')),
    Rule("DnsResolver", "forwarding rules for a domain, or for every domain ('.')",
         lambda own: c.DnsResolver(own.stack, "Dns", c.DnsResolverProps(
             "dnsr-own", own.group, resolver_network(own), "10.20.0.36",
             forwarding_rules={".": ["10.1.0.4"], "corp.example.com.": ["10.1.0.5"]})),
         lambda own: c.DnsResolver(own.stack, "Dns", c.DnsResolverProps(
             "dnsr-own", own.group, resolver_network(own), "10.20.0.36",
             forwarding_rules={"corp.example.com": ["10.1.0.5"]})),
         ("DnsResolver 'own/Dns': forwarding rule domain 'corp.example.com' is not a domain name ending with a dot. "
          "Allowed: a domain such as 'corp.example.com.' (the trailing dot included), or '.' for every domain. "
          "Fix: write it as 'corp.example.com.'.")),
    # --- the stack ----------------------------------------------------------------------------------------
    Rule("AzureStack", "a state backend Azure can hold",
         lambda own: AzureStack(own.app, "remote", backend=BlobStateBackend("rg-state", "stownstate")),
         lambda own: AzureStack(own.app, "remote", backend=BlobStateBackend("rg-state", "st-own-state")),
         ("AzureStack 'remote': backend.storage_account 'st-own-state' contains '-'. Allowed: storage account "
          'names have 3-24 characters; lowercase letters and digits only; unique across Azure. Fix: use '
          "'stownstate' or another storage account name that follows these rules.")),
    Rule("AzureStack", "a resource provider set the provider knows",
         lambda own: AzureStack(own.app, "least", resource_provider_registrations="none"),
         lambda own: AzureStack(own.app, "least", resource_provider_registrations="Legacy"),
         ("AzureStack 'least': resource_provider_registrations 'Legacy' is not supported (did you mean 'legacy'?). "
          "Allowed: 'legacy', 'core', 'extended', 'all', 'none'. Fix: use 'legacy' (4.x's set), 'none' with "
          "resource_providers_to_register, or a larger set.")),
    Rule("AzureStack", "resource providers named by namespace",
         lambda own: AzureStack(own.app, "least", resource_provider_registrations="none",
                                resource_providers_to_register=["Microsoft.App", "Microsoft.OperationalInsights"]),
         lambda own: AzureStack(own.app, "least", resource_provider_registrations="none",
                                resource_providers_to_register=["Microsoft.App/containerApps"]),
         ("AzureStack 'least': resource_providers_to_register 'Microsoft.App/containerApps' is not a resource "
          "provider namespace. Allowed: names such as 'Microsoft.App', 'Microsoft.KeyVault'. Fix: give the "
          "namespace, without a resource type ('Microsoft.App', not 'Microsoft.App/containerApps').")),
    Rule("AzureStack", "each resource provider once",
         lambda own: AzureStack(own.app, "least", resource_providers_to_register=["Microsoft.App"]),
         lambda own: AzureStack(own.app, "least", resource_providers_to_register=["Microsoft.App", "microsoft.app"]),
         ("AzureStack 'least': resource_providers_to_register 'microsoft.app' is listed twice. Allowed: each "
          "namespace once (Azure compares them in any case). Fix: remove the repeat.")),
    Rule("AzureStack", "resource providers as a list",
         lambda own: AzureStack(own.app, "least", resource_providers_to_register=("Microsoft.App",)),
         lambda own: AzureStack(own.app, "least", resource_providers_to_register="Microsoft.App"),
         ("AzureStack 'least': resource_providers_to_register 'Microsoft.App' is one string, not a list. "
          "Allowed: a list of namespaces. Fix: write ['Microsoft.App'].")),
]


@pytest.mark.parametrize("rule", RULES, ids=[f"{r.construct}: {r.rule}" for r in RULES])
def test_each_rule_accepts_what_azure_takes_and_refuses_what_it_does_not_with_the_exact_message(rule, tmp_path):
    assert problems(tmp_path / "accepted", rule.accepted, rule.synth) == []
    assert problems(tmp_path / "rejected", rule.rejected, rule.synth) == [rule.message]


def test_the_table_covers_every_public_construct():
    covered = {rule.construct for rule in RULES}
    public = {
        name for name in c.__all__
        if isinstance(getattr(c, name), type) and issubclass(getattr(c, name), c.AzureConstruct)
        and not name.endswith("Base") and name not in ("AzureConstruct", "AzureResource", "DeployingPrincipal")
    }
    assert public - covered - {"any construct", "any resource"} == set()


# --- adding the same thing twice: the same thing, or one problem; never jsii's traceback ------------

def test_asking_twice_for_what_exists_returns_the_same_lock_endpoint_and_dns_record(tmp_path):
    own = Own(App(outdir=str(tmp_path / "out")))
    assert own.group.add_lock("Holds the databases.") is own.group.add_lock("Holds the databases.")
    network = own.private_network()
    vault = own.vault(public_network_access_enabled=False)
    assert vault.add_private_endpoint(network) is vault.add_private_endpoint(network)
    assert len(vault.private_endpoints) == 1
    environment = own.environment(virtual_network=network.virtual_network)
    assert environment.add_private_dns(network.zones) is environment.add_private_dns(network.zones)
    own.app.synth()
    document = (tmp_path / "out" / "stacks" / "own" / "cdk.tf.json").read_text()
    assert document.count('"lock_level"') == 1 and document.count('"private_service_connection"') == 1


@pytest.mark.slow
def test_a_duplicate_id_in_an_own_app_is_the_numbered_list_with_no_traceback(tmp_path):
    import subprocess
    import sys

    (tmp_path / "app.py").write_text(
        "from sigmatiq_infra import App, AzureStack\n"
        "from sigmatiq_infra.constructs import ResourceGroup, ResourceGroupProps\n"
        "with App() as app:\n"
        "    stack = AzureStack(app, 'own')\n"
        "    ResourceGroup(stack, 'Group', ResourceGroupProps('rg-own', 'westeurope'))\n"
        "    ResourceGroup(stack, 'Group', ResourceGroupProps('rg-own-2', 'westeurope'))\n"
    )
    result = subprocess.run([sys.executable, "-m", "sigmatiq_infra.launch", "app.py"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert result.stderr.endswith(
        "sigmatiq-infra: synth stopped, nothing was written (1 problem):\n"
        "  1. ResourceGroup 'own/Group': id 'Group' is already the id of another construct in 'own'. Allowed: one "
        "construct per id in a scope (the id is part of every Terraform address below it). Fix: give this "
        "construct an id of its own.\n"
    )
    assert "Traceback" not in result.stderr and not (tmp_path / "cdktf.out").exists()


# --- what a region offers: adapted where Azure allows no choice, warned where it is for later -------

def test_the_vpn_gateways_public_ip_is_zone_redundant_only_where_the_region_has_zones(tmp_path):
    for location, zones in (("westeurope", ["1", "2", "3"]), ("westus", None)):
        own = Own(App(outdir=str(tmp_path / location)), location)
        gateway = c.VpnGateway(own.stack, "Vpn", c.VpnGatewayProps(
            "vpngw-own", own.group, own.network(), "172.16.0.0/24",
            [c.RootCertificate.from_input(own.stack, "root", "OwnRoot")],
        ))
        own.app.synth()
        import json

        document = json.loads((tmp_path / location / "stacks" / "own" / "cdk.tf.json").read_text())
        [ip] = document["resource"]["azurerm_public_ip"].values()
        assert ip.get("zones") == zones, location
        assert gateway.public_ip is not None


def test_a_budget_starting_more_than_a_year_ahead_is_a_warning_not_a_stop(tmp_path):
    import datetime

    start = datetime.date.today().replace(day=1)
    later = start.replace(year=start.year + 2).isoformat()
    own = Own(App(outdir=str(tmp_path / "out")))
    c.Budget(own.stack, "Budget", c.BudgetProps("budget-own", 100, later, [own.group]))
    own.app.synth()
    assert own.app.problems.warnings == [
        f"Budget 'own/Budget': start_date {later!r} is more than twelve months ahead, which Azure does not take "
        f"for a new budget. Allowed: a start within the next twelve months. Fix: use {start.isoformat()!r} or a "
        "later month within a year."
    ]
