"""PostgreSQL flexible server with its databases, firewall rules and enforced TLS."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from constructs import Construct

from sigmatiq_infra import regions
from sigmatiq_infra._cdktf import Fn, TerraformResourceLifecycle
from sigmatiq_infra.azurerm import (
    postgresql_flexible_server as pg,
)
from sigmatiq_infra.azurerm import (
    postgresql_flexible_server_configuration as pg_configuration,
)
from sigmatiq_infra.azurerm import (
    postgresql_flexible_server_database as pg_database,
)
from sigmatiq_infra.azurerm import (
    postgresql_flexible_server_firewall_rule as pg_firewall_rule,
)
from sigmatiq_infra.constructs._arguments import checked_function
from sigmatiq_infra.constructs._resource import (
    GLOBAL,
    AzureResource,
    DiagnosticTarget,
    IResourceGroup,
    ManagedIdentities,
    PrivateLinkService,
    ResourceAttribute,
    ResourceFacts,
    either,
    within,
)
from sigmatiq_infra.constructs.inputs import VALUE, InputRule
from sigmatiq_infra.constructs.write_only import WriteOnlySecret
from sigmatiq_infra.validation import NameRules, Validator, is_token

VERSIONS = ("13", "14", "15", "16", "17", "18")
"""The major versions azurerm 4.55 takes (11-18; 18 since 4.55.0, its CHANGELOG) that Azure
still creates servers on (Microsoft Learn, "Supported versions of PostgreSQL", ms.date
2025-12-08: 14-18, and 13 under extended support), in order: a server's version only goes up."""
# The sizes azurerm 4.55 takes per tier (internal/services/postgres/validate/
# flexible_server_sku_name.go), each tier on its own VM family (Microsoft Learn, "Compute
# options in Azure Database for PostgreSQL", ms.date 2026-01-13): Burstable on B-series,
# General Purpose on D-series, Memory Optimized on E-series.
SKU_TIERS = {
    "B": ("Burstable", "B", re.compile(r"B((1|2|4|8|12|16|20)ms|2s)")),
    "GP": ("General Purpose", "D", re.compile(
        r"D(((2|4|8|16|32|48|64)s_v3)|((2|4|8|16|32|48|64)ds_v4)|((2|4|8|16|32|48|64|96)ds_v5)"
        r"|((2|4|8|16|32|48|64|96)ads_v5)|(C(2|4|8|16|32|48|64|96)ads_v5))",
    )),
    "MO": ("Memory Optimized", "E", re.compile(
        r"E((((2|4|8|16|20|32|48|64)s)_v3)|((2|4|6|8|16|20|32|48|64)ds_v4)|((2|4|8|16|20|32|48|64|96)ds_v5)"
        r"|((2|4|8|16|32|48|64|96)ads_v5))",
    )),
}
_SKU = re.compile(r"(?P<tier>[A-Z]+)_Standard_(?P<size>[A-Za-z0-9_]+)")
_EXAMPLES = {"B": "B1ms, B2s, B2ms", "GP": "D2ds_v4, D2ds_v5, D2s_v3", "MO": "E2ds_v4, E2ds_v5, E2s_v3"}
STORAGE_MB = (
    32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304, 8388608,
    16777216, 33553408,
)
HIGH_AVAILABILITY_MODES = ("SameZone", "ZoneRedundant")
# Azure reserves these administrator logins (and any starting with pg_).
RESERVED_LOGINS = (
    "azure_superuser", "azure_pg_admin", "admin", "administrator", "root", "guest", "public",
)
PORT = 5432


@checked_function
def admin_password_rules(login: str) -> tuple[InputRule, ...]:
    """Azure's rules for a flexible server's administrator password, as Terraform checks them
    on a deploy-time input (see `WriteOnlySecret.from_inputs`): 8-128 characters from at
    least three of four classes, and not containing the administrator login."""
    if not isinstance(login, str):
        check = Validator("admin_password_rules", "login")
        check.value_type("login", login, str)
        check.done()  # raises: the rules name the login
    classes = ", ".join(f'can(regex("{pattern}", {VALUE}))' for pattern in ("[A-Z]", "[a-z]", "[0-9]", "[^A-Za-z0-9]"))
    rules = [
        InputRule(
            f"length({VALUE}) >= 8 && length({VALUE}) <= 128", "has fewer than 8 or more than 128 characters",
            "8 to 128 characters",
        ),
        InputRule(
            f"length([for present in [{classes}] : present if present]) >= 3",
            "has characters from fewer than three of the four kinds Azure counts",
            "characters from at least three of: uppercase letters, lowercase letters, digits, "
            "other characters such as ! $ # %",
        ),
    ]
    if not is_token(login):
        rules.append(InputRule(
            f'!strcontains(lower({VALUE}), "{login.lower()}")', "contains the administrator login",
            f"a password that does not contain the login {login!r}, in any case",
        ))
    return tuple(rules)


@dataclass(frozen=True)
class FirewallRule:
    name: str
    """Rule name: 1-128 letters, digits, '_' and '-'."""
    start_ip_address: str
    """First allowed IPv4 address."""
    end_ip_address: str
    """Last allowed IPv4 address (same as start for one address)."""


BUILT_IN_DATABASES = ("postgres", "azure_maintenance", "azure_sys")
"""The databases every flexible server is created with (PostgreSQL names are case-sensitive)."""
TEMPLATE_DATABASES = ("template0", "template1")
"""The template databases every PostgreSQL cluster is initialized with (PostgreSQL docs,
"Template Databases"): creating one again fails."""


@dataclass(frozen=True)
class PostgresServerProps:
    name: str
    """Server name: 3-63 lowercase letters, digits and hyphens, unique across Azure
    (`<name>.postgres.database.azure.com`)."""
    resource_group: IResourceGroup
    """Group the server lives in; its location is used."""
    sku: str
    """Tier and size, e.g. `B_Standard_B1ms` (Burstable), `GP_Standard_D2ds_v4`."""
    administrator_login: str
    """Administrator user; fixed at creation."""
    administrator_password: WriteOnlySecret
    """Sent through the write-only `administrator_password_wo`: never in state."""
    version: str = "16"
    """Major PostgreSQL version. Default: `16`."""
    storage_mb: int = 32768
    """Storage size in MB, one of the sizes Azure offers (32768 = 32 GiB). Default: 32768."""
    auto_grow_enabled: bool = True
    """Grow storage before it fills up. Default: on."""
    backup_retention_days: int = 7
    """Point-in-time restore window, 7-35 days. Default: 7."""
    geo_redundant_backup_enabled: bool = False
    """Copy backups to the paired region; fixed at creation. Default: off."""
    high_availability_mode: str | None = None
    """`ZoneRedundant` or `SameZone` standby; not available on Burstable SKUs. None for no
    standby (what the Azure API calls `Disabled`). Default: none."""
    public_network_access_enabled: bool = False
    """Reachable from public networks (still subject to firewall rules). Default: off."""
    allow_azure_services: bool = False
    """Add the 0.0.0.0 rule that admits every Azure service (any tenant). Needs public
    access. A rule of your own from 0.0.0.0 to 0.0.0.0 does the same. Default: off."""
    firewall_rules: Sequence[FirewallRule] = ()
    """Public IPv4 ranges allowed in. Needs public access. Default: none."""
    databases: Sequence[str] = ()
    """Databases to create (UTF8, en_US.utf8). Default: none."""
    require_secure_transport: bool = True
    """Reject non-TLS connections. Default: on."""
    managed_identities: ManagedIdentities | None = None
    """Identities the server itself uses (e.g. for customer-managed keys). Removing its
    user-assigned identities later re-creates the server. Default: none."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""


class PostgresServer(AzureResource):
    """An `azurerm_postgresql_flexible_server` with databases, firewall rules and TLS."""

    facts = (
        ResourceFacts(
            "azurerm_postgresql_flexible_server",
            (
                "name", "location", "resource_group_name", "administrator_login",
                "geo_redundant_backup_enabled", "create_mode", "delegated_subnet_id",
                "private_dns_zone_id",
            ),
            replaced_when_lowered={"version": VERSIONS, "storage_mb": STORAGE_MB},
            holds="the databases", kind="PostgreSQL flexible server", name_scope=GLOBAL, public_by_default=True,
            billing=lambda config, usage: _billing(config),
        ),
        ResourceFacts(
            "azurerm_postgresql_flexible_server_database", ("name", "server_id", "charset", "collation"),
            holds="data", kind="PostgreSQL database",
            name_scope=within("its server", "server_id"),
            arm_child="databases",
        ),
        ResourceFacts(
            "azurerm_postgresql_flexible_server_firewall_rule", ("name", "server_id"),
            kind="PostgreSQL firewall rule", name_scope=within("its server", "server_id"), arm_child="firewallRules",
        ),
        ResourceFacts(
            "azurerm_postgresql_flexible_server_configuration", ("name", "server_id"),
            kind="PostgreSQL setting", name_scope=within("its server", "server_id"), arm_child="configurations",
        ),
    )
    arm_type = "Microsoft.DBforPostgreSQL/flexibleServers"
    kind_text = "PostgreSQL flexible server"
    private_link = PrivateLinkService("postgresqlServer", "privatelink.postgres.database.azure.com")
    diagnostics = (DiagnosticTarget(),)
    identity_types = ("SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned")
    # Microsoft Learn, "Supported metrics for Microsoft.DBforPostgreSQL/flexibleServers" (ms.date 2025-04-16).
    alert_metrics = {  # noqa: RUF012
        "cpu_percent": "Average", "memory_percent": "Average", "storage_percent": "Average",
        "connections_failed": "Total", "active_connections": "Average",
        **dict.fromkeys((  # saturation
            "backup_storage_used", "cpu_credits_consumed", "cpu_credits_remaining",
            "disk_bandwidth_consumed_percentage", "disk_iops_consumed_percentage", "disk_queue_depth", "iops",
            "postmaster_process_cpu_usage_percent", "read_iops", "read_throughput", "storage_free", "storage_used",
            "txlogs_storage_used", "write_iops", "write_throughput", "database_size_bytes",
        ), "Average"),
        **dict.fromkeys((  # traffic, database activity and errors, counted
            "connections_succeeded", "network_bytes_egress", "network_bytes_ingress", "blks_hit", "blks_read",
            "deadlocks", "temp_bytes", "temp_files", "tup_deleted", "tup_fetched", "tup_inserted", "tup_returned",
            "tup_updated", "xact_commit", "xact_rollback", "xact_total",
        ), "Total"),
        **dict.fromkeys((  # the highest reading counts
            "max_connections", "maximum_used_transactionIDs", "tcp_connection_backlog", "numbackends", "tps",
            "longest_query_time_sec", "longest_transaction_time_sec", "oldest_backend_time_sec",
            "oldest_backend_xmin", "oldest_backend_xmin_age", "sessions_by_state", "sessions_by_wait_event_type",
            "analyze_count_user_tables", "autoanalyze_count_user_tables", "autovacuum_count_user_tables",
            "bloat_percent", "n_dead_tup_user_tables", "n_live_tup_user_tables", "n_mod_since_analyze_user_tables",
            "tables_analyzed_user_tables", "tables_autoanalyzed_user_tables", "tables_autovacuumed_user_tables",
            "tables_counter_user_tables", "tables_vacuumed_user_tables", "vacuum_count_user_tables",
            "logical_replication_delay_in_bytes", "physical_replication_delay_in_bytes",
            "physical_replication_delay_in_seconds", "client_connections_active", "client_connections_waiting",
            "num_pools", "server_connections_active", "server_connections_idle", "total_pooled_connections",
        ), "Maximum"),
        # the lowest reading counts: 0 is down
        "is_db_alive": "Minimum", "logical_replication_slot_sync_status": "Minimum",
    }
    fqdn = ResourceAttribute[str]()
    # Azure picks the zone and may swap zones on failover; neither is a change to undo.
    _ignore_changes = ["zone", "high_availability[0].standby_availability_zone"]  # noqa: RUF012

    def __init__(self, scope: Construct, id: str, props: PostgresServerProps) -> None:
        super().__init__(scope, id)
        props, identity = self._validate(props)

        ha = props.high_availability_mode
        self.resource = pg.PostgresqlFlexibleServer(
            self, "Resource",
            name=props.name,
            resource_group_name=props.resource_group.name,
            location=props.resource_group.location,
            version=props.version,
            sku_name=props.sku,
            storage_mb=props.storage_mb,
            auto_grow_enabled=props.auto_grow_enabled,
            backup_retention_days=props.backup_retention_days,
            geo_redundant_backup_enabled=props.geo_redundant_backup_enabled,
            public_network_access_enabled=props.public_network_access_enabled,
            administrator_login=props.administrator_login,
            administrator_password_wo=props.administrator_password.value,
            administrator_password_wo_version=props.administrator_password.version,
            authentication=pg.PostgresqlFlexibleServerAuthentication(
                password_auth_enabled=True, active_directory_auth_enabled=False,
            ),
            high_availability=pg.PostgresqlFlexibleServerHighAvailability(mode=ha) if ha else None,
            lifecycle=TerraformResourceLifecycle(ignore_changes=self._ignore_changes),
            identity=identity,
            tags=self.resource_tags(props.tags),
        )
        self.keep_props(props)
        self.administrator_login: str = props.administrator_login

        pg_configuration.PostgresqlFlexibleServerConfiguration(
            self, "RequireSecureTransport",
            server_id=self.id,
            name="require_secure_transport",
            value=either(props.require_secure_transport, "on", "off"),
        )
        rules = [r for r in props.firewall_rules if not (props.allow_azure_services and r.name == "AllowAzureServices")]
        if props.allow_azure_services:
            rules.insert(0, FirewallRule("AllowAzureServices", "0.0.0.0", "0.0.0.0"))
        self.firewall_rules: dict[str, pg_firewall_rule.PostgresqlFlexibleServerFirewallRule] = {}
        for rule in rules:
            if is_token(rule.name) or rule.name.lower() in (name.lower() for name in self.firewall_rules):
                continue  # reported by _validate
            self.firewall_rules[rule.name] = pg_firewall_rule.PostgresqlFlexibleServerFirewallRule(
                self, f"Firewall-{rule.name}",
                server_id=self.id,
                name=rule.name,
                start_ip_address=rule.start_ip_address,
                end_ip_address=rule.end_ip_address,
            )
        once: dict[str, str] = {}  # a repeat (in any case) is reported by _validate
        for name in props.databases:
            if not is_token(name):  # reported by _validate
                once.setdefault(name.lower(), name)
        self.databases: dict[str, pg_database.PostgresqlFlexibleServerDatabase] = {
            name: pg_database.PostgresqlFlexibleServerDatabase(
                self, f"Database-{name}",
                server_id=self.id, name=name, charset="UTF8", collation="en_US.utf8",
            )
            for name in once.values()
        }

    def _public_path(self) -> tuple[str, str] | None:
        if self.props.allow_azure_services or any(map(_admits_azure_services, self.props.firewall_rules)):
            return None
        return (
            "its firewall admits no Azure service (the client's outbound addresses are not known "
            "at synth, so only allow_azure_services, or a rule from 0.0.0.0 to 0.0.0.0, opens a path)",
            "set allow_azure_services=True, or give the environment a VNet and the server a private endpoint in it",
        )

    def connection_url(self, database: str) -> str:
        """`postgresql://{login}:{password}@{host}:5432/{database}?sslmode=require` as a Terraform
        expression; the password is URL-encoded. `database` is one of the server's databases, or `postgres`.
        Use it only as a write-only value."""
        check = Validator("PostgresServer", self)
        # `postgres` is on every server (BUILT_IN_DATABASES), "meant for use by users, utilities and
        # third party applications" (PostgreSQL docs, initdb): a URL to it needs no database of its own.
        if check.value_type("connection database", database, str) and database != "postgres":
            check.one_of(
                "connection database", database, tuple(self.databases),
                f"use one of the server's databases, or add {database!r} to its databases",
            )
        check.done()
        password = Fn.urlencode(self.props.administrator_password.value)
        return (
            f"postgresql://{self.administrator_login}:{password}@{self.fqdn}:{PORT}"
            f"/{database}?sslmode=require"
        )

    def _validate(self, props: PostgresServerProps) -> tuple[PostgresServerProps, Any]:
        check = Validator("PostgresServer", self)
        props = check.props(props, PostgresServerProps, choices={"version": VERSIONS})
        check.name("name", props.name, NameRules.POSTGRES_SERVER)
        check.one_of("version", props.version, VERSIONS)
        _check_sku(check, props.sku)
        check.one_of("storage_mb", props.storage_mb, STORAGE_MB)
        check.in_range("backup_retention_days", props.backup_retention_days, 7, 35)
        if isinstance(props.high_availability_mode, str) and props.high_availability_mode.lower() == "disabled":
            # ARM's mode for no standby (Microsoft Learn, .NET API PostgreSqlFlexibleServerHighAvailabilityMode:
            # "Disabled: High availability is disabled for the server"); azurerm takes only the two standby
            # modes (postgresql_flexible_server_resource.go) and writes no block for none.
            check.fail(
                "high_availability_mode", props.high_availability_mode,
                "is the Azure API's value for no standby, which azurerm does not take",
                "'SameZone' or 'ZoneRedundant' for a standby; None for none",
                "set high_availability_mode=None (the default) for a server without a standby",
            )
            props = replace(props, high_availability_mode=None)
        check.one_of(
            "high_availability_mode", props.high_availability_mode, HIGH_AVAILABILITY_MODES,
            fix_for_meant=lambda mode: _high_availability_fix(mode, props),
        )
        check.require(
            is_token(props.high_availability_mode) or not (props.high_availability_mode and props.sku.startswith("B_")),
            "high_availability_mode", props.high_availability_mode,
            f"is not available on the Burstable SKU {props.sku!r}",
            "high availability on General Purpose (GP_) or Memory Optimized (MO_) SKUs",
            "choose a GP_ or MO_ sku, or set high_availability_mode=None",
        )
        _check_region(check, props)
        check.name("administrator_login", props.administrator_login, NameRules.POSTGRES_ADMIN_LOGIN)
        login = props.administrator_login.lower()
        check.require(
            is_token(login) or not (login in RESERVED_LOGINS or login.startswith("pg_")),
            "administrator_login", props.administrator_login, "is reserved by Azure",
            "any login except " + ", ".join(RESERVED_LOGINS) + " and names starting with pg_",
            "choose another login, e.g. 'dbadmin'",
        )
        props.administrator_password.check(check, "administrator_password")
        if not check.known(
            "allow_azure_services", props.allow_azure_services,
            "it decides whether the server gets the AllowAzureServices firewall rule", "True or False written in code",
        ):
            props = replace(props, allow_azure_services=False)
        check.require(
            props.public_network_access_enabled or not props.firewall_rules,
            "firewall_rules", [r.name for r in props.firewall_rules],
            "need public network access",
            "firewall rules only with public_network_access_enabled=True",
            "remove the rules, or opt in to public access",
        )
        # A switch of its own: the rule it adds is no rule the user wrote, to remove.
        check.require(
            props.public_network_access_enabled or not props.allow_azure_services,
            "allow_azure_services", True,
            "needs public network access (it adds the firewall rule AllowAzureServices)",
            "allow_azure_services=True only with public_network_access_enabled=True",
            "leave allow_azure_services out (False), or opt in to public access with "
            "public_network_access_enabled=True",
        )
        for rule in props.firewall_rules:
            _check_known_name(check, "firewall rule name", rule.name)
            check.name("firewall rule name", rule.name, NameRules.POSTGRES_FIREWALL_RULE)
            _check_ip_range(check, rule)
            check.require(
                not (props.allow_azure_services and rule.name.lower() == "allowazureservices"),
                "firewall rule name", rule.name, "is the rule allow_azure_services=True adds itself",
                "another name for a rule of your own", "remove the rule (allow_azure_services adds it), or rename it",
            )
        # Rule and database names are ARM resource names, which Azure compares in any case.
        _check_once(check, "firewall rule name", [rule.name for rule in props.firewall_rules])
        if not check.known(
            "databases", props.databases, "each database is a Terraform resource of the server, named by its name",
            "a list of names written in code, e.g. ['orders']",
        ):
            props = replace(props, databases=())
        for database in props.databases:
            _check_known_name(check, "database", database)
            check.name("database", database, NameRules.POSTGRES_DATABASE)
            check.require(
                database.lower() not in BUILT_IN_DATABASES, "database", database,
                "exists on every flexible server already" + ("" if database in BUILT_IN_DATABASES else (
                    f" as {database.lower()!r} (Azure compares names in any case)"
                )),
                "databases of your own, not " + ", ".join(BUILT_IN_DATABASES) + " (Azure creates them with the "
                "server; azurerm would stop the deploy asking to import it)",
                f"remove {database!r} from databases: it is there without it",
            )
            check.require(
                database not in TEMPLATE_DATABASES, "database", database,
                "is a template database PostgreSQL creates on every server",
                "databases of your own, not " + ", ".join(TEMPLATE_DATABASES) + " (new databases are copied from "
                "them; the server has them from the start)",
                f"remove {database!r} from databases, or name your database otherwise, e.g. 'app'",
            )
        _check_once(check, "database", props.databases)
        identity = self.identity_block(pg.PostgresqlFlexibleServerIdentity, props.managed_identities, check)
        check.done()
        return props, identity


def _check_known_name(check: Validator, prop: str, name: str) -> None:
    """A database's or firewall rule's name is part of its Terraform address (`Database-orders`),
    which Terraform needs before it runs: it cannot be a deploy-time expression."""
    if check.typed:
        check.known(prop, name, "it names a Terraform resource of the server", "a name written in code, e.g. 'orders'")


def _check_sku(check: Validator, sku: str) -> None:
    """`<tier>_Standard_<size>`, with a size of the tier's VM family that azurerm 4.55 takes."""
    if is_token(sku):
        return
    match = _SKU.fullmatch(sku)
    tier = SKU_TIERS.get(match["tier"]) if match else None
    if match is None or tier is None:
        written = _sku_written_as(sku)
        check.fail(
            "sku", sku, "is not a flexible server SKU",
            "<tier>_Standard_<size> with tier B (Burstable), GP (General Purpose) or MO (Memory Optimized), "
            "e.g. 'B_Standard_B1ms', 'GP_Standard_D2ds_v4'",
            f"write it as {written!r}" if written else
            "put the tier before a SKU of `az postgres flexible-server list-skus --location <region>`, which lists "
            "them without it: B_ for Burstable, GP_ for General Purpose, MO_ for Memory Optimized (its "
            "'Standard_B1ms' is 'B_Standard_B1ms')",
        )
        return
    name, family, sizes = tier
    size = match["size"]
    owner = next((key for key, (_, letter, _) in SKU_TIERS.items() if size.startswith(letter)), None)
    if owner is not None and owner != match["tier"] and SKU_TIERS[owner][2].fullmatch(size):
        check.fail(
            "sku", sku, f"pairs the {name} tier with the {SKU_TIERS[owner][0]} size {size}",
            f"{name} ({match['tier']}_) sizes from the {family}-series", f"use {owner}_Standard_{size}",
        )
    elif not sizes.fullmatch(size):
        example = _EXAMPLES[match["tier"]].split(", ")[0]
        check.fail(
            "sku", sku, f"is not a {name} size azurerm 4.55 takes",
            f"{name} ({match['tier']}_) sizes from the {family}-series, e.g. {_EXAMPLES[match['tier']]}",
            f"use one of those sizes, e.g. {match['tier'] + '_Standard_' + example!r}",
        )


def _sku_written_as(sku: str) -> str | None:
    """The SKU `sku` names, as azurerm takes it, when it is written without its tier (as `az postgres
    flexible-server list-skus` and the Portal show it: `Standard_B1ms`) or in another case
    (`b_standard_b1ms`); None when it names no size azurerm takes."""
    parts = sku.strip().split("_")
    if len(parts) >= 2 and parts[0].upper() in SKU_TIERS and parts[1].lower() == "standard":
        parts = parts[1:]  # a tier in another case: read again from the size, which decides it
    if len(parts) < 2 or parts[0].lower() != "standard":
        return None
    size = "_".join(parts[1:]).lower()
    size = size[:1].upper() + size[1:]
    size = "DC" + size[2:] if size.startswith("Dc") else size  # the confidential-compute DC-series
    tier = next((key for key, (_, letter, sizes) in SKU_TIERS.items() if size.startswith(letter)
                 and sizes.fullmatch(size)), None)
    return f"{tier}_Standard_{size}" if tier else None


def _high_availability_fix(mode: str, props: PostgresServerProps) -> str | None:
    """The fix for a mode in another case (`'zoneredundant'`) when the mode meant would fail next on
    the region: one without zone-redundant HA takes `SameZone` only. (A Burstable SKU, which has no
    standby at all, is its own problem in the same run.)"""
    location = props.resource_group.location
    region = None if is_token(location) else regions.canonical(location)
    if mode == "ZoneRedundant" and region in regions.POSTGRES_NO_ZONE_REDUNDANT_HA:
        return (f"write high_availability_mode='SameZone' ({region} offers no zone-redundant high availability), "
                "or 'ZoneRedundant' in a region that offers it")
    return None


def _check_region(check: Validator, props: PostgresServerProps) -> None:
    """What the server's region offers (`sigmatiq_infra/data/regions.toml`)."""
    location = props.resource_group.location
    if is_token(location) or regions.canonical(location) is None:
        return
    region = regions.canonical(location)
    check.require(
        props.high_availability_mode != "ZoneRedundant" or region not in regions.POSTGRES_NO_ZONE_REDUNDANT_HA,
        "high_availability_mode", "ZoneRedundant", f"is not offered in {region}",
        f"ZoneRedundant in a region that offers it ({regions.POSTGRES_SOURCE}); SameZone everywhere",
        "use high_availability_mode='SameZone', or a region with availability zones",
    )
    check.require(
        is_token(props.geo_redundant_backup_enabled) or not props.geo_redundant_backup_enabled
        or region not in regions.POSTGRES_NO_GEO_BACKUP,
        "geo_redundant_backup_enabled", True, f"is not offered in {region}",
        f"geo-redundant backup in a region that offers it ({regions.POSTGRES_SOURCE})",
        "set geo_redundant_backup_enabled=False, or choose another region",
    )
    _check_compute(check, props.sku, region)


# A General Purpose or Memory Optimized size's compute generation, as the regions table lists
# them (`D2ds_v5` Intel v5, `D2ads_v5` AMD v5, `DC2ads_v5` Confidential v5), and its sizes by
# their cores, in the order a size of another generation is suggested.
_GENERATION = re.compile(r"[DE](?P<confidential>C?)(?P<cores>\d+)(?P<kind>s|ds|ads)_v(?P<version>\d+)")
_GENERATION_SIZES = {
    "intel-v5": "{cores}ds_v5", "intel-v4": "{cores}ds_v4", "intel-v3": "{cores}s_v3", "intel-v6": "{cores}ds_v6",
    "amd-v5": "{cores}ads_v5", "amd-v6": "{cores}ads_v6", "confidential-v5": "C{cores}ads_v5",
}


def _generation(size: str) -> tuple[str, str]:
    """The compute generation (`intel-v5`, `amd-v5`, `confidential-v5`, ...) of a General
    Purpose or Memory Optimized size, and its cores."""
    match = _GENERATION.fullmatch(size)
    maker = "confidential" if match["confidential"] else "amd" if match["kind"] == "ads" else "intel"
    return f"{maker}-v{match['version']}", match["cores"]


def _generation_text(generation: str) -> str:
    maker, version = generation.split("-")
    return f"{'AMD' if maker == 'amd' else maker.capitalize()} {version}"


def _check_compute(check: Validator, sku: str, region: str) -> None:
    """A General Purpose or Memory Optimized size of a compute generation the region offers
    (eastus2: Intel v3 and v4 only; AMD and Confidential compute in some regions): Azure
    refuses the server otherwise."""
    match = _SKU.fullmatch(sku) if not is_token(sku) else None
    tier = SKU_TIERS.get(match["tier"]) if match else None
    offered = regions.POSTGRES_COMPUTE.get(region)
    if tier is None or match["tier"] == "B" or offered is None or not tier[2].fullmatch(match["size"]):
        return  # a wrong SKU is reported by _check_sku; Burstable sizes are not in the table
    generation, cores = _generation(match["size"])
    if generation in offered:
        return
    name, family, sizes = tier

    def size(other: str, cores: str | int) -> str | None:
        """The tier's size of `cores` in the generation `other`, if azurerm 4.55 takes it."""
        text = family + _GENERATION_SIZES[other].format(cores=cores)
        return text if sizes.fullmatch(text) else None

    # The region's generations the tier has sizes of, and this size's cores in them.
    usable = [other for other in _GENERATION_SIZES if other in offered and (size(other, 2) or size(other, 4))]
    others = [f"{match['tier']}_Standard_{size(other, cores)}" for other in usable if size(other, cores)]
    texts = [_generation_text(other) for other in usable]
    check.fail(
        "sku", sku, f"is of {_generation_text(generation)} compute, which {region} does not offer",
        f"in {region}, {name} sizes of " + ", ".join(texts[:-1]) + (" or " if len(texts) > 1 else "") + texts[-1]
        + f" compute ({regions.POSTGRES_SOURCE})",
        (f"use {others[0]}" if others else f"choose a size from `az postgres flexible-server list-skus --location "
         f"{region}`") + f", or a region that offers {_generation_text(generation)} compute",
    )


def _billing(config: Mapping[str, Any]) -> list[tuple[str, float, str]]:
    """Compute per server (a high-availability standby is a second one) and storage per GB."""
    servers = 2 if config.get("high_availability") else 1
    storage = config.get("storage_mb", 32768)  # a deploy-time size stays its expression: not estimated
    return [
        (f"postgres.compute.{config['sku_name']}", servers, "with HA standby" if servers == 2 else ""),
        ("postgres.storage.gb", storage / 1024 * servers if isinstance(storage, (int, float)) else storage,
         "GB-month"),
    ]


def _check_once(check: Validator, prop: str, values: Sequence[str]) -> None:
    """Each name once, compared in any case; names that differ only in case are said to be one."""
    by_key: dict[str, list[str]] = {}
    for value in values:
        by_key.setdefault(value.lower(), []).append(value)
    for key in sorted(key for key, found in by_key.items() if len(found) > 1):
        spellings = list(dict.fromkeys(by_key[key]))
        if len(spellings) == 1:
            check.fail(prop, spellings[0], "is listed twice", "each once", "remove the repeat")
        else:
            check.fail(
                prop, spellings[0], "is listed again as " + " and ".join(repr(s) for s in spellings[1:])
                + ": one name to Azure, which compares names in any case", "each once, in any case",
                "keep one of them",
            )


def _admits_azure_services(rule: FirewallRule) -> bool:
    """Whether a rule of the user's own lets in a client on Azure whose outbound address is not
    known: the rule from 0.0.0.0 to 0.0.0.0, which "does the equivalent of the Allow public
    access from any Azure service within Azure to this server option in the portal" (Microsoft
    Learn, "Firewall rules in Azure Database for PostgreSQL flexible server"), as
    allow_azure_services adds it, or a range over every IPv4 address."""
    if is_token(rule.start_ip_address) or is_token(rule.end_ip_address):
        return False  # known at deploy time: which addresses it admits is not known here
    try:
        ends = (ipaddress.IPv4Address(rule.start_ip_address), ipaddress.IPv4Address(rule.end_ip_address))
    except ValueError:
        return False  # reported by _check_ip_range
    every = (ipaddress.IPv4Address("0.0.0.0"), ipaddress.IPv4Address("255.255.255.255"))
    return ends in ((every[0], every[0]), every)


def _check_ip_range(check: Validator, rule: FirewallRule) -> None:
    if is_token(rule.start_ip_address) or is_token(rule.end_ip_address):
        return  # known at deploy time (e.g. an office address given as an input): Azure checks it
    try:
        start = ipaddress.IPv4Address(rule.start_ip_address)
        end = ipaddress.IPv4Address(rule.end_ip_address)
    except ValueError:
        check.fail(
            f"firewall rule {rule.name!r}", (rule.start_ip_address, rule.end_ip_address),
            "is not a pair of IPv4 addresses", "IPv4 addresses such as '203.0.113.7'",
            "write both ends as dotted IPv4 addresses",
        )
        return
    check.require(
        start <= end, f"firewall rule {rule.name!r}", (str(start), str(end)),
        "starts after it ends", "start_ip_address <= end_ip_address", "swap the two addresses",
    )
