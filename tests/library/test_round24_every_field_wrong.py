"""Round 24: every field of every props class the library exports, given a value of the wrong type
as a hurried user writes one (a number as text, a bool for a number, a construct for its name, a set
for a list, a dict, None where a value is required), with every other field right. Each is one
problem naming the construct, the field, the value and what is allowed: never a traceback, never
taken into the synthesized JSON. The types the library takes on purpose (a tuple or any sequence
where a list goes, an int where a float goes, a str enum's member where text goes) pass and are
written as given.

Before this round, a member of an app's own `IntEnum` where a number goes failed inside jsii
(`AttributeError: __jsii_type__`), an int beyond a float's range where a float goes failed with
`OverflowError` (a container app's cpu, a metric alert's threshold) or was written as `null` (a
budget's amount), a state backend's second badly typed field was left out of the list, and a
construct where its id or name goes, or a `BuiltInRole` where a role's name goes, was told only
"give it a value of type str"."""

from __future__ import annotations

import collections
import dataclasses
import enum
import textwrap
import types
import typing
from collections.abc import Mapping, Sequence

import pytest
from helpers import error_of, fresh_stack, only_resource, recorded
from test_a_hurried_users_app import launched

import sigmatiq_infra
from sigmatiq_infra import constructs as c
from sigmatiq_infra import stacks
from sigmatiq_infra.stacks import AzureStack, BlobStateBackend
from sigmatiq_infra.testing import Template
from sigmatiq_infra.typecheck import describe

R = c.SubnetRole


# --- how a user builds each props class (its required props alone) -------------------------------------


def _vnet(stack, group, *extra):
    return c.VirtualNetwork(stack, "Net", c.VirtualNetworkProps("vnet-test", group, "10.20.0.0/16", [
        c.SubnetSpec("snet-pe", "10.20.1.0/24", R.PRIVATE_ENDPOINTS), *extra,
    ]))


def _zones(stack, group, vnet):
    return c.PrivateDnsZones(stack, "Zones", c.PrivateDnsZonesProps(group, vnet))


def _vault(stack, group, id="Vault", name="kv-test-1"):
    return c.KeyVault(stack, id, c.KeyVaultProps(name, group))


def _actions(stack, group):
    return c.ActionGroup(stack, "Alerts", c.ActionGroupProps("ag-test", group, "test"))


def _password(stack):
    return c.WriteOnlySecret.from_inputs(stack, "pg_password", "the password")


def _endpoint(stack, group):
    vnet = _vnet(stack, group)
    return {"name": "pe-custom", "resource_group": group, "network": c.PrivateNetwork(vnet, _zones(stack, group, vnet)),
            "target_id": _vault(stack, group).id, "service": c.KeyVault.private_link}


REQUIRED = {
    # props class: (the construct it builds, its required props alone in a stack with the group `rg-test`)
    c.ResourceGroupProps: (c.ResourceGroup, lambda s, g: {"name": "rg-two", "location": "westeurope"}),
    c.KeyVaultProps: (c.KeyVault, lambda s, g: {"name": "kv-test-1", "resource_group": g}),
    c.ContainerRegistryProps: (c.ContainerRegistry, lambda s, g: {"name": "acrtest1", "resource_group": g}),
    c.PostgresServerProps: (c.PostgresServer, lambda s, g: {
        "name": "psql-test", "resource_group": g, "sku": "B_Standard_B1ms", "administrator_login": "pgadmin",
        "administrator_password": _password(s),
    }),
    c.RedisCacheProps: (c.RedisCache, lambda s, g: {"name": "redis-test-1", "resource_group": g}),
    c.ManagedRedisProps: (c.ManagedRedis, lambda s, g: {"name": "amr-test-1", "resource_group": g}),
    c.AppConfigurationProps: (c.AppConfiguration, lambda s, g: {"name": "appcs-test", "resource_group": g}),
    c.StorageAccountProps: (c.StorageAccount, lambda s, g: {"name": "sttest1", "resource_group": g}),
    c.LogAnalyticsWorkspaceProps: (c.LogAnalyticsWorkspace, lambda s, g: {"name": "log-test", "resource_group": g}),
    c.UserAssignedIdentityProps: (c.UserAssignedIdentity, lambda s, g: {"name": "id-test", "resource_group": g}),
    c.VirtualNetworkProps: (c.VirtualNetwork, lambda s, g: {
        "name": "vnet-test", "resource_group": g, "address_space": "10.20.0.0/16",
        "subnets": [c.SubnetSpec("snet-pe", "10.20.1.0/24", R.PRIVATE_ENDPOINTS)],
    }),
    c.ContainerAppEnvironmentProps: (c.ContainerAppEnvironment, lambda s, g: {"name": "cae-test", "resource_group": g}),
    c.ContainerAppProps: (c.ContainerApp, lambda s, g: {
        "name": "app-test",
        "environment": c.ContainerAppEnvironment(s, "Env", c.ContainerAppEnvironmentProps("cae-test", g)),
        "identity": c.UserAssignedIdentity(s, "Identity", c.UserAssignedIdentityProps("id-test", g)),
        "registry": c.ContainerRegistry(s, "Public", c.ContainerRegistryProps(
            "acrtest2", g, sku="Basic", public_network_access_enabled=True,
        )),
        "repository": "team/app", "image_tag": "1.0.0", "target_port": 8080,
    }),
    c.ActionGroupProps: (c.ActionGroup, lambda s, g: {"name": "ag-two", "resource_group": g, "short_name": "two"}),
    c.BudgetProps: (c.Budget, lambda s, g: {
        "name": "budget-test", "amount": 40, "start_date": "2026-12-01", "resource_groups": [g],
    }),
    c.MetricAlertProps: (c.MetricAlert, lambda s, g: {
        "name": "alert-test", "resource_group": g, "target": _vault(s, g), "metric": "Availability", "threshold": 80,
        "action_group": _actions(s, g),
    }),
    c.DeleteAlertProps: (c.DeleteAlert, lambda s, g: {
        "name": "alert-deleted", "resource_group": g, "target": _vault(s, g), "action_group": _actions(s, g),
    }),
    c.PrivateDnsZonesProps: (c.PrivateDnsZones, lambda s, g: {"resource_group": g, "virtual_network": _vnet(s, g)}),
    c.DnsResolverProps: (c.DnsResolver, lambda s, g: {
        "name": "dnsr-test", "resource_group": g, "inbound_ip": "10.20.0.36", "virtual_network": _vnet(
            s, g, c.SubnetSpec("snet-dns-in", "10.20.0.32/28", R.DNS_RESOLVER_INBOUND),
            c.SubnetSpec("snet-dns-out", "10.20.0.48/28", R.DNS_RESOLVER_OUTBOUND),
        ),
    }),
    c.VpnGatewayProps: (c.VpnGateway, lambda s, g: {
        "name": "vpngw-test", "resource_group": g, "client_address_pool": "172.16.0.0/24",
        "virtual_network": _vnet(s, g, c.SubnetSpec("GatewaySubnet", "10.20.0.0/27", R.GATEWAY)),
        "root_certificates": [c.RootCertificate.from_input(s, "root", "Root")],
    }),
    c.PrivateEndpointProps: (c.PrivateEndpoint, _endpoint),
}


def _with_subnet(s, g, spec):
    return c.VirtualNetwork(s, "Subject", c.VirtualNetworkProps("vnet-test", g, "10.20.0.0/16", [spec]))


def _with_secret(s, g, props):
    vault = _vault(s, g, "Subject")
    vault.add_secret("Secret", props)
    return vault


def _with_private_endpoint(s, g, network):
    vault = _vault(s, g, "Subject")
    vault.add_private_endpoint(network)
    return vault


def _postgres(s, g, **props):
    required = REQUIRED[c.PostgresServerProps][1](s, g)
    return c.PostgresServer(s, "Subject", c.PostgresServerProps(**{**required, **props}))


NESTED = {
    # a props class inside another: (valid fields, how it is built in, (kind, path, prefix) its problems name)
    c.SubnetSpec: (
        lambda s, g: {"name": "snet-pe", "cidr": "10.20.1.0/24", "role": R.PRIVATE_ENDPOINTS}, _with_subnet,
        ("VirtualNetwork", "test/Subject", "subnets[0]."),
    ),
    c.InboundRule: (
        lambda s, g: {"name": "https", "priority": 100, "source": "10.0.0.0/8", "ports": ("443",)},
        lambda s, g, rule: _with_subnet(s, g, c.SubnetSpec("snet-apps", "10.20.2.0/23", R.CONTAINER_APPS, [rule])),
        ("VirtualNetwork", "test/Subject", "subnets[0].inbound_rules[0]."),
    ),
    c.FirewallRule: (
        lambda s, g: {"name": "office", "start_ip_address": "203.0.113.1", "end_ip_address": "203.0.113.9"},
        lambda s, g, rule: _postgres(s, g, public_network_access_enabled=True, firewall_rules=[rule]),
        ("PostgresServer", "test/Subject", "firewall_rules[0]."),
    ),
    c.RootCertificate: (
        lambda s, g: {
            "name": "Root", "public_cert_data": c.RootCertificate.from_input(s, "given", "Root").public_cert_data,
        },
        lambda s, g, root: c.VpnGateway(s, "Subject", c.VpnGatewayProps(
            **{**REQUIRED[c.VpnGatewayProps][1](s, g), "root_certificates": [root]},
        )),
        ("VpnGateway", "test/Subject", "root_certificates[0]."),
    ),
    c.ManagedIdentities: (
        lambda s, g: {"system_assigned": True},
        lambda s, g, identities: c.StorageAccount(s, "Subject", c.StorageAccountProps(
            "sttest1", g, managed_identities=identities,
        )),
        ("StorageAccount", "test/Subject", "managed_identities."),
    ),
    c.SecretProps: (
        lambda s, g: {"name": "api-key", "value": c.WriteOnlySecret.from_inputs(s, "api_key", "the key")}, _with_secret,
        ("KeyVault", "test/Subject/Secret", ""),
    ),
    c.WriteOnlySecret: (
        lambda s, g: {"value": c.WriteOnlySecret.from_inputs(s, "pw", "the password").value},
        lambda s, g, secret: _postgres(s, g, administrator_password=secret),
        ("PostgresServer", "test/Subject", "administrator_password."),
    ),
    c.PrivateNetwork: (
        lambda s, g: (lambda vnet: {"virtual_network": vnet, "zones": _zones(s, g, vnet)})(_vnet(s, g)),
        _with_private_endpoint, ("PrivateEndpoint", "test/Subject/PrivateEndpoint", "network."),
    ),
    c.PrivateLinkService: (
        lambda s, g: {"subresource": "vault", "zone": "privatelink.vaultcore.azure.net"},
        lambda s, g, service: c.PrivateEndpoint(s, "Subject", c.PrivateEndpointProps(
            **{**_endpoint(s, g), "service": service},
        )),
        ("PrivateEndpoint", "test/Subject", "service."),
    ),
    BlobStateBackend: (
        lambda s, g: {"resource_group": "rg-state", "storage_account": "ststate1"},
        lambda s, g, backend: AzureStack(s.node.root, "other", backend=backend), ("AzureStack", "other", "backend."),
    ),
}

NOT_SWEPT = {
    # exported dataclasses a user's construct class states (checked when the class is defined, see
    # test_round14_own_constructs), or that the library hands out
    c.ResourceFacts: "a construct class's facts", c.NameScope: "part of ResourceFacts",
    c.DiagnosticTarget: "a construct class's diagnostics", c.InputRule: "a deploy input's rule",
    c.RoleDefinition: "checked by grant()", c.SecretReference: "what vault.add_secret returns",
}


def _exported_dataclasses() -> set[type]:
    return {
        value for module in (sigmatiq_infra, c, stacks) for value in map(module.__dict__.get, module.__all__)
        if isinstance(value, type) and dataclasses.is_dataclass(value)
    }


def test_the_sweep_covers_every_props_dataclass_the_library_exports():
    assert _exported_dataclasses() == {*REQUIRED, *NESTED, *NOT_SWEPT}


# --- the sweep: each field given each kind of wrong value ---------------------------------------------

GROUP = object()
"""Stands for the stack's resource group (a construct) where a value goes."""


def _wrong_values(hint, required: bool) -> list[tuple[str, object]]:
    optional = typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in typing.get_args(hint)
    if optional:
        (hint,) = [option for option in typing.get_args(hint) if option is not type(None)]
    origin = typing.get_origin(hint)
    if hint is str:
        wrong = [("int", 5), ("construct", GROUP), ("list", ["x"])]
    elif hint is bool:
        wrong = [("text", "true"), ("int", 1), ("list", [True])]
    elif hint is int:
        wrong = [("text", "5"), ("bool", True), ("float", 1.5), ("list", [5])]
    elif hint is float:
        wrong = [("text", "5"), ("bool", True)]
    elif origin in (Sequence, list, tuple):
        wrong = [("text", "abc"), ("set", {"a"}), ("dict", {"a": "b"})]
        wrong += [("list", ["443"])] if origin is tuple else []
    elif origin in (Mapping, dict):
        wrong = [("pairs", [("a", "b")]), ("text", "a=b")]
    else:  # a construct or an object of the library
        wrong = [("name", "name"), ("dict", {"name": "x"})]
    return wrong + ([("None", None)] if required or not optional else [])


def _cases():
    for cls in [*REQUIRED, *NESTED]:
        hints = typing.get_type_hints(cls)
        for position, field in enumerate(dataclasses.fields(cls)):
            required = field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
            for index, (label, value) in enumerate(_wrong_values(hints[field.name], required)):
                # The quick mode tries each class's first field with its first wrong kind (the
                # mechanism is one for every field); the full run, every field with every kind.
                marks = [pytest.mark.slow] if position or index else []
                yield pytest.param(
                    cls, field.name, hints[field.name], value, id=f"{cls.__name__}.{field.name}-{label}", marks=marks,
                )


SECRETS = {(c.PostgresServerProps, "administrator_password"), (c.SecretProps, "value")}
"""Where a secret goes the value given is never shown (it is most likely the secret itself)."""


@pytest.mark.parametrize(("cls", "field", "hint", "value"), list(_cases()))
def test_a_field_of_the_wrong_type_is_one_problem_naming_the_construct_the_field_and_what_is_allowed(
    stack, group, cls, field, hint, value,
):
    value = group if value is GROUP else value
    if cls in REQUIRED:
        construct, required = REQUIRED[cls]
        kind, path, prefix = construct.__name__, "test/Subject", ""
        build = lambda: construct(stack, "Subject", cls(**{**required(stack, group), field: value}))  # noqa: E731
    else:
        fields, embed, (kind, path, prefix) = NESTED[cls]
        build = lambda: embed(stack, group, cls(**{**fields(stack, group), field: value}))  # noqa: E731
    shown = "ResourceGroup 'test/Group'" if value is group else repr(value)
    found = f"is a literal {type(value).__name__}, where a secret goes" if (cls, field) in SECRETS else (
        f"has the type {type(value).__name__}"
    )
    if (cls, field) in SECRETS:
        shown = "'<literal string>'" if isinstance(value, str) else "'<literal value>'"
    (problem,) = error_of(build).splitlines()
    assert problem.startswith(
        f"{kind} '{path}': {prefix}{field} {shown} {found}. Allowed: {describe(hint)}. Fix: "
    ), problem


# --- what the library takes on purpose passes, written as given ----------------------------------------


class Region(enum.StrEnum):
    WEST_EUROPE = "westeurope"


def test_a_tuple_a_deque_or_any_sequence_where_a_list_goes_passes_and_is_written_in_order():
    stack, group = fresh_stack()
    c.StorageAccount(stack, "Files", c.StorageAccountProps(
        "stfiles01", group, containers=collections.deque(["data", "logs"]),
    ))
    _postgres(stack, group, databases=("orders", "billing"))
    c.VirtualNetwork(stack, "Net", c.VirtualNetworkProps("vnet-test", group, "10.20.0.0/16", (
        c.SubnetSpec("snet-pe", "10.20.1.0/24", R.PRIVATE_ENDPOINTS),
    )))
    assert recorded(stack) == []
    doc = Template.from_stack(stack)
    assert sorted(r["name"] for r in doc.resources("azurerm_storage_container").values()) == ["data", "logs"]
    assert sorted(r["name"] for r in doc.resources("azurerm_postgresql_flexible_server_database").values()) == [
        "billing", "orders",
    ]
    assert only_resource(stack, "azurerm_subnet")["address_prefixes"] == ["10.20.1.0/24"]


def test_an_int_where_a_float_goes_passes_and_is_written_as_that_number():
    stack, group = fresh_stack()
    c.Budget(stack, "Budget", c.BudgetProps("budget-test", 40, "2026-12-01", [group]))
    c.LogAnalyticsWorkspace(stack, "Logs", c.LogAnalyticsWorkspaceProps("log-test", group, daily_quota_gb=2))
    assert recorded(stack) == []
    assert only_resource(stack, "azurerm_consumption_budget_subscription")["amount"] == 40
    assert only_resource(stack, "azurerm_log_analytics_workspace")["daily_quota_gb"] == 2


def test_a_str_enum_member_where_text_goes_and_a_read_only_mapping_where_tags_go_pass_as_text():
    stack, _ = fresh_stack()
    c.ResourceGroup(stack, "Other", c.ResourceGroupProps(
        "rg-other", Region.WEST_EUROPE, tags=types.MappingProxyType({"Region": Region.WEST_EUROPE}),
    ))
    assert recorded(stack) == []
    groups = {r["name"]: (r["location"], r.get("tags"))
              for r in Template.from_stack(stack).resources("azurerm_resource_group").values()}
    assert groups["rg-other"] == ("westeurope", {"Region": "westeurope"})


# --- what this round fixed: exact messages --------------------------------------------------------------


class Replicas(enum.IntEnum):
    ONE = 1
    MANY = 10


class Severity(enum.IntEnum):
    ERROR = 1


def test_an_int_enum_member_where_a_number_goes_is_told_to_pass_its_value_not_a_jsii_attribute_error(stack, group):
    alert = {**REQUIRED[c.MetricAlertProps][1](stack, group), "severity": Severity.ERROR}
    assert error_of(lambda: c.MetricAlert(stack, "Subject", c.MetricAlertProps(**alert))) == (
        "MetricAlert 'test/Subject': severity Severity.ERROR has the type Severity. Allowed: int. "
        "Fix: give severity the member's value: Severity.ERROR.value."
    )
    fixed, fixed_group = fresh_stack()
    c.MetricAlert(fixed, "Subject", c.MetricAlertProps(
        **{**REQUIRED[c.MetricAlertProps][1](fixed, fixed_group), "severity": Severity.ERROR.value},
    ))
    assert recorded(fixed) == []
    assert only_resource(fixed, "azurerm_monitor_metric_alert")["severity"] == 1


@pytest.mark.parametrize(("field", "value", "allowed"), [
    ("min_replicas", Replicas.ONE, "int"), ("max_replicas", Replicas.MANY, "int"), ("cpu", Replicas.ONE, "float"),
])
def test_an_int_enum_member_in_any_number_field_of_a_container_app_is_one_problem(stack, group, field, value, allowed):
    assert error_of(lambda: c.ContainerApp(stack, "Subject", c.ContainerAppProps(
        **{**REQUIRED[c.ContainerAppProps][1](stack, group), field: value},
    ))) == (
        f"ContainerApp 'test/Subject': {field} Replicas.{value.name} has the type Replicas. Allowed: {allowed}. "
        f"Fix: give {field} the member's value: Replicas.{value.name}.value."
    )


@pytest.mark.parametrize(("make", "kind", "prop", "sign"), [
    (lambda s, g, n: c.Budget(s, "Subject", c.BudgetProps("budget-test", n, "2026-12-01", [g])), "Budget", "amount", 1),
    (lambda s, g, n: c.MetricAlert(s, "Subject", c.MetricAlertProps(
        **{**REQUIRED[c.MetricAlertProps][1](s, g), "threshold": n},
    )), "MetricAlert", "threshold", 1),
    (lambda s, g, n: c.ContainerApp(s, "Subject", c.ContainerAppProps(
        **{**REQUIRED[c.ContainerAppProps][1](s, g), "cpu": n},
    )), "ContainerApp", "cpu", -1),
], ids=["budget-written-as-null", "alert-overflow-error", "app-overflow-error"])
def test_an_int_beyond_the_range_of_a_float_where_a_float_goes_is_one_problem(stack, group, make, kind, prop, sign):
    huge = sign * 10**400
    assert error_of(lambda: make(stack, group, huge)) == (
        f"{kind} 'test/Subject': {prop} {repr(huge)[:77]}... is beyond the range of a number (±1.8e+308). "
        f"Allowed: float. Fix: give {prop} a number."
    )


def test_a_construct_where_its_id_goes_is_told_to_pass_its_id(stack, group):
    endpoint = _endpoint(stack, group)
    other = _vault(stack, group, "Other", "kv-test-2")
    assert error_of(lambda: c.PrivateEndpoint(stack, "Subject", c.PrivateEndpointProps(
        **{**endpoint, "target_id": other},
    ))) == (
        "PrivateEndpoint 'test/Subject': target_id KeyVault 'test/Other' has the type KeyVault. Allowed: str. "
        "Fix: give target_id the construct's id: <KeyVault 'test/Other'>.id."
    )


def test_a_state_backend_of_constructs_is_told_to_pass_their_names_both_at_once(stack, group):
    account = c.StorageAccount(stack, "State", c.StorageAccountProps("ststate1", group))
    assert error_of(lambda: AzureStack(stack.node.root, "other", backend=BlobStateBackend(group, account))) == (
        "AzureStack 'other': backend.resource_group ResourceGroup 'test/Group' has the type ResourceGroup. "
        "Allowed: str. Fix: give backend.resource_group the construct's name: <ResourceGroup 'test/Group'>.name.\n"
        "AzureStack 'other': backend.storage_account StorageAccount 'test/State' has the type StorageAccount. "
        "Allowed: str. Fix: give backend.storage_account the construct's name: <StorageAccount 'test/State'>.name."
    )


def test_the_names_the_backend_fix_gives_pass():
    stack, group = fresh_stack()
    account = c.StorageAccount(stack, "State", c.StorageAccountProps("ststate1", group))
    AzureStack(stack.node.root, "other", backend=BlobStateBackend(group.name, account.name))
    assert recorded(stack) == []


def test_a_built_in_role_where_a_budget_role_name_goes_is_told_the_roles_name_and_that_passes(stack, group):
    assert error_of(lambda: c.Budget(stack, "Subject", c.BudgetProps(
        "budget-test", 40, "2026-12-01", [group], notify_roles=[c.BuiltInRole.OWNER],
    ))) == (
        "Budget 'test/Subject': notify_roles[0] BuiltInRole.OWNER has the type BuiltInRole. Allowed: str. "
        "Fix: give notify_roles[0] the role's name: 'Owner'."
    )
    fixed, fixed_group = fresh_stack()
    c.Budget(fixed, "Subject", c.BudgetProps("budget-test", 40, "2026-12-01", [fixed_group], notify_roles=["Owner"]))
    assert recorded(fixed) == []
    notifications = only_resource(fixed, "azurerm_consumption_budget_subscription")["notification"]
    assert {n["contact_roles"][0] for n in notifications} == {"Owner"}


# --- through the launcher: the numbered list, exit 1, nothing written ------------------------------------


@pytest.mark.slow
def test_a_users_app_with_wrongly_typed_fields_gets_one_numbered_list_from_the_launcher(tmp_path):
    result = launched(tmp_path, textwrap.dedent("""\
        import enum

        from sigmatiq_infra.constructs import (
            Budget, BudgetProps, ContainerApp, ContainerAppEnvironment, ContainerAppEnvironmentProps,
            ContainerAppProps, ContainerRegistry, ContainerRegistryProps, ResourceGroup, ResourceGroupProps,
            UserAssignedIdentity, UserAssignedIdentityProps,
        )
        from sigmatiq_infra.stacks import App, AzureStack


        class Port(enum.IntEnum):
            HTTP = 8080


        app = App()
        stack = AzureStack(app, "svc")
        group = ResourceGroup(stack, "Group", ResourceGroupProps("rg-svc", "westeurope"))
        environment = ContainerAppEnvironment(stack, "Env", ContainerAppEnvironmentProps("cae-svc", group))
        identity = UserAssignedIdentity(stack, "Identity", UserAssignedIdentityProps("id-svc", group))
        registry = ContainerRegistry(stack, "Acr", ContainerRegistryProps(
            "acrsvc1", group, sku="Basic", public_network_access_enabled=True,
        ))
        ContainerApp(stack, "Api", ContainerAppProps(
            "api", environment, identity, registry, "team/api", "1.0", Port.HTTP, min_replicas="1",
        ))
        Budget(stack, "Budget", BudgetProps("budget-svc", 10**400, "2026-12-01", [group], notify_roles="Owner"))
        app.synth()
    """))
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        "sigmatiq-infra: synth stopped, nothing was written (4 problems):",
        "  1. ContainerApp 'svc/Api': target_port Port.HTTP has the type Port. Allowed: int. Fix: give target_port "
        "the member's value: Port.HTTP.value.",
        "  2. ContainerApp 'svc/Api': min_replicas '1' has the type str. Allowed: int. Fix: give min_replicas a "
        "value of type int: 1 without quotes.",
        "  3. Budget 'svc/Budget': amount " + repr(10**400)[:77] + "... is beyond the range of a number "
        "(±1.8e+308). Allowed: float. Fix: give amount a number.",
        "  4. Budget 'svc/Budget': notify_roles 'Owner' has the type str. Allowed: a sequence of str. Fix: give "
        "notify_roles a list, even of one: ['Owner'].",
    ]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "cdktf.out").exists()
