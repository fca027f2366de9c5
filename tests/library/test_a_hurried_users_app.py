"""Mistakes a hurried user makes in an app of their own, and values Azure takes that must pass:
each mistake is one line of the numbered list (never jsii's or Python's traceback), each
accepted value passes. Found by trying the library from outside the repository."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import ENGINE, NODE_BIN, error_of, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.cdk import TerraformVariable
from sigmatiq_infra.stacks import App, AzureStack
from sigmatiq_infra.validation import NameRules, ValidationError


def problems_of(app: App) -> list[str]:
    return list(app.problems.problems)


# --- every item of a list or mapping is checked, and named ------------------------------------------


def test_a_wrong_item_anywhere_in_a_list_is_named_by_its_index(stack, group):
    assert error_of(lambda: c.StorageAccount(stack, "Files", c.StorageAccountProps(
        "stfiles01", group, containers=["data", "logs", 3],
    ))) == (
        "StorageAccount 'test/Files': containers[2] 3 has the type int. Allowed: str. "
        "Fix: give containers[2] a value of type str: '3' in quotes."
    )


def test_a_wrong_value_anywhere_in_a_mapping_is_named_by_its_key(stack):
    assert error_of(lambda: AzureStack(stack.node.root, "other", tags={"Team": "x", "Env": 1})) == (
        "AzureStack 'other': tags['Env'] 1 has the type int. Allowed: str. "
        "Fix: give tags['Env'] a value of type str: '1' in quotes."
    )


def test_the_check_of_a_list_is_the_same_on_every_run(stack, group):
    """beartype samples one item of a container; every item is checked here, every time."""
    action = c.ActionGroup(stack, "Alerts", c.ActionGroupProps("ag-test", group, "test"))
    for number in range(8):
        c.Budget(stack, f"Budget{number}", c.BudgetProps(
            f"budget-test-{number}", 40, "2026-12-01", [group, "rg-other"], action,
        ))
    assert recorded(stack) == [
        f"Budget 'test/Budget{number}': resource_groups[1] 'rg-other' has the type str. Allowed: IResourceGroup (an "
        "object with name and location). Fix: give resource_groups[1] a value of type IResourceGroup (an object "
        "with name and location)."
        for number in range(8)
    ]


def test_one_string_where_a_list_goes_is_one_problem_with_the_list_to_write(stack, group):
    assert error_of(lambda: c.StorageAccount(stack, "Files", c.StorageAccountProps(
        "stfiles01", group, containers="data",
    ))) == (
        "StorageAccount 'test/Files': containers 'data' has the type str. Allowed: a sequence of str. "
        "Fix: give containers a list, even of one: ['data']."
    )


# --- the construct tree: ids and scopes ---------------------------------------------------------------


def test_two_stacks_with_one_id_are_a_problem_and_the_run_goes_on(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    AzureStack(app, "svc")
    second = AzureStack(app, "svc", tags={"Team": 7})
    assert second.node.id == "svc-2"
    assert problems_of(app) == [
        "AzureStack 'svc': id 'svc' is already the id of another construct in 'the app'. Allowed: one "
        "construct per id in a scope (the id is part of every Terraform address below it). Fix: give this "
        "construct an id of its own.",
        "AzureStack 'svc-2': tags['Team'] 7 has the type int. Allowed: str. Fix: give tags['Team'] a value "
        "of type str: '7' in quotes.",
    ]


@pytest.mark.parametrize(("given", "found", "suggested"), [
    ("my stack", "' '", "my-stack"), ("prod*", "'*'", "prod"), ("svc[1]", "'[', ']'", "svc-1"),
    ("svc/orders", "'/'", "svc-orders"),  # written as svc--orders: `cdktf deploy svc/orders` found no stack
])
def test_a_stack_id_cdktf_refuses_is_a_problem_with_one_it_takes(tmp_path, given, found, suggested):
    app = App(outdir=str(tmp_path / "out"))
    AzureStack(app, given)
    assert problems_of(app) == [
        f"AzureStack '{given}': id {given!r} contains {found}. Allowed: a stack id without spaces, '/' (it "
        "separates construct paths) or the characters * ? [ ] { } ! (cdktf's CLI takes them as patterns, and the "
        f"id names the stack's folder and its state). Fix: name the stack e.g. {suggested!r}.",
    ]


def test_a_construct_made_on_the_app_instead_of_a_stack_stops_the_app_with_one_problem(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    AzureStack(app, "svc")
    assert error_of(lambda: c.ResourceGroup(app, "Group", c.ResourceGroupProps("rg-svc", "westeurope"))) == (
        "ResourceGroup 'Group': scope 'the app' is the app, not a stack. Allowed: a stack (AzureStack) or a "
        "construct in one: every resource belongs to one stack's Terraform. Fix: create the stack first and "
        "pass it: ResourceGroup(stack, 'Group', ...)."
    )


def test_a_scope_that_is_no_construct_is_named_with_its_type():
    assert error_of(lambda: c.ResourceGroup(None, "Group", c.ResourceGroupProps("rg-svc", "westeurope"))) == (
        "ResourceGroup 'Group': scope None has the type NoneType. Allowed: a stack (AzureStack) or a construct "
        "in one. Fix: pass the stack it belongs in first: ResourceGroup(stack, 'Group', ...)."
    )


@pytest.mark.parametrize(("given", "problem"), [
    (None, "has the type NoneType"), ("", "is empty"), (3, "has the type int"),
])
def test_an_id_that_is_no_name_is_a_problem_and_the_construct_is_built_under_a_numbered_one(stack, given, problem):
    made = c.ResourceGroup(stack, given, c.ResourceGroupProps("rg-svc", "westeurope"))
    again = c.ResourceGroup(stack, None, c.ResourceGroupProps("rg-svc-2", "westeurope"))
    assert (made.node.id, again.node.id) == ("ResourceGroup", "ResourceGroup-2")
    assert error_of(lambda: made).splitlines()[0] == (
        f"ResourceGroup 'test/ResourceGroup': id {given!r} {problem}. Allowed: a name (str), unique among its "
        "scope's children: it is part of every Terraform address below it. Fix: give it a name: "
        "ResourceGroup(scope, 'ResourceGroup', ...)."
    )


# --- grants -------------------------------------------------------------------------------------------


def test_granting_to_a_name_instead_of_an_identity_says_what_a_principal_is(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    assert error_of(lambda: vault.grant_secrets_read("my-identity"), scope=vault) == (
        "KeyVault 'test/Vault': grant principal 'my-identity' has the type str. Allowed: a principal: the library's "
        "UserAssignedIdentity, a DeployingPrincipal or a PrincipalById. Fix: pass the identity construct "
        "itself; for an object id, PrincipalById(stack, 'Ci', principal_id=..., principal_type='ServicePrincipal')."
    )


def test_granting_a_role_by_its_name_asks_for_the_built_in_role(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    identity = c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps("mi-test", group))
    assert error_of(lambda: vault.grant("Key Vault Secrets User", identity), scope=vault) == (
        "KeyVault 'test/Vault': grant role 'Key Vault Secrets User' has the type str. Allowed: a BuiltInRole, or a "
        "RoleDefinition for a role it does not list. Fix: pass BuiltInRole.KEY_VAULT_SECRETS_USER, the built-in "
        "role 'Key Vault Secrets User'."
    )


# --- names and values Azure takes, and ones it refuses ------------------------------------------------


@pytest.mark.parametrize(("rule", "name"), [
    ("POSTGRES_DATABASE", "orders-db"),  # azurerm: ^[a-zA-Z0-9-_]+$, starting with a letter, '-' or '_'
    ("ACTION_GROUP", "Ops Team Alerts"),  # Microsoft.Insights: anything but :<>+/&%\? and control characters
    ("ACTION_GROUP_SHORT_NAME", "Ops Team"),  # azurerm: 1-12 characters
    ("METRIC_ALERT", "Vault availability low"),
    ("ACTIVITY_LOG_ALERT", "Orders group deleted"),
])
def test_names_azure_takes_pass(rule, name):
    assert getattr(NameRules, rule).problems(name) == []


@pytest.mark.parametrize(("rule", "name", "found"), [
    ("POSTGRES_DATABASE", "9orders", ["starts with '9'"]),
    ("ACTION_GROUP", "ops: alerts", ["contains ':'"]),
    ("ACTION_GROUP", "ops alerts.", ["ends with '.'"]),
    ("METRIC_ALERT", "cpu {high}", ["contains '{', '}'"]),
    ("METRIC_ALERT", "cpu high ", ["ends with ' '"]),
    ("ACTIVITY_LOG_ALERT", "deleted|moved", ["contains '|'"]),
    ("ACTION_GROUP_SHORT_NAME", "orders-alerts", ["has 13 characters"]),
])
def test_names_azure_refuses_are_refused_with_what_is_wrong(rule, name, found):
    assert getattr(NameRules, rule).problems(name) == found


def test_a_metric_alert_window_as_long_as_its_frequency_passes_and_a_shorter_one_does_not(stack, group):
    action = c.ActionGroup(stack, "Alerts", c.ActionGroupProps("ag-test", group, "test"))
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    c.MetricAlert(stack, "Same", c.MetricAlertProps(
        "kv availability", group, vault, "Availability", 99, action, operator="LessThan", window="PT5M",
        frequency="PT5M",
    ))
    assert error_of(lambda: c.MetricAlert(stack, "Shorter", c.MetricAlertProps(
        "kv availability 2", group, vault, "Availability", 99, action, operator="LessThan", window="PT5M",
        frequency="PT15M",
    ))) == (
        "MetricAlert 'test/Shorter': window 'PT5M' is shorter than the frequency PT15M. Allowed: a window at least "
        "as long as how often the rule runs (Azure: windowSize >= evaluationFrequency). Fix: use a longer window "
        "(e.g. PT15M with PT5M) or a shorter frequency."
    )


def test_a_database_every_server_has_already_is_refused(stack, group):
    password = c.WriteOnlySecret(TerraformVariable(stack, "pw", type="string", sensitive=True).string_value)
    message = error_of(lambda: c.PostgresServer(stack, "Db", c.PostgresServerProps(
        "psql-test-1", group, "B_Standard_B1ms", "sqladmin", password, databases=["orders-db", "postgres"],
    )))
    assert message == (
        "PostgresServer 'test/Db': database 'postgres' exists on every flexible server already. Allowed: databases "
        "of your own, not postgres, azure_maintenance, azure_sys (Azure creates them with the server; azurerm would "
        "stop the deploy asking to import it). Fix: remove 'postgres' from databases: it is there without it."
    )


@pytest.mark.parametrize(("space", "reserved"), [
    ("224.0.0.0/16", "224.0.0.0/4 (multicast)"), ("127.0.0.0/16", "127.0.0.0/8 (loopback)"),
    ("169.254.0.0/16", "169.254.0.0/16 (link-local)"), ("168.63.0.0/16", "168.63.129.16/32 (Azure's DNS, DHCP and "
                                                                         "health probes)"),
])
def test_a_vnet_on_a_range_azure_keeps_for_itself_is_refused(stack, group, space, reserved):
    assert error_of(lambda: c.VirtualNetwork(stack, "Net", c.VirtualNetworkProps("vnet-test", group, space, ()))) == (
        f"VirtualNetwork 'test/Net': address_space {space!r} overlaps {reserved}, which Azure keeps for itself. "
        "Allowed: an address space outside 224.0.0.0/4, 255.255.255.255/32, 127.0.0.0/8, 169.254.0.0/16, "
        "168.63.129.16/32. Fix: choose another range, e.g. a private one (10.0.0.0/8, 172.16.0.0/12 or "
        "192.168.0.0/16)."
    )


@pytest.mark.parametrize("space", ["100.64.0.0/16", "20.30.0.0/16", "10.0.0.0/8"])
def test_a_vnet_on_a_shared_or_public_range_passes(stack, group, space):
    c.VirtualNetwork(stack, "Net", c.VirtualNetworkProps("vnet-test", group, space, ()))
    assert list(stack.problem_log.problems) == []


# --- a program that calls synth itself ----------------------------------------------------------------


@pytest.mark.slow
def test_a_program_that_calls_synth_itself_gets_the_numbered_list_from_the_launcher(tmp_path):
    (tmp_path / "app.py").write_text(textwrap.dedent("""\
        from sigmatiq_infra.constructs import KeyVault, KeyVaultProps, ResourceGroup, ResourceGroupProps
        from sigmatiq_infra.stacks import App, AzureStack

        app = App()
        stack = AzureStack(app, "svc")
        group = ResourceGroup(stack, "Group", ResourceGroupProps("rg-svc", "westeurope"))
        KeyVault(stack, "Vault", KeyVaultProps("kv", group, public_network_access_enabled=True))
        app.synth()
    """))
    result = launched(tmp_path, (tmp_path / "app.py").read_text())
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[:2] == [
        "sigmatiq-infra: synth stopped, nothing was written (1 problem):",
        "  1. KeyVault 'svc/Vault': name 'kv' has 2 characters. Allowed: Key Vault names have 3-24 characters; "
        "letters, digits and hyphens; starts with a letter; ends with a letter or digit; no consecutive hyphens; "
        "unique across Azure. Fix: choose a Key Vault name that follows these rules.",
    ]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "cdktf.out").exists()


def launched(folder: Path, program: str) -> subprocess.CompletedProcess:
    (folder / "app.py").write_text(textwrap.dedent(program))
    return subprocess.run(
        [sys.executable, "-m", "sigmatiq_infra.launch", "app.py"], cwd=folder, capture_output=True, text=True,
        env={"PATH": f"{NODE_BIN}:/usr/bin:/bin", "HOME": str(Path.home()), "SIGMATIQ_ENGINE": ENGINE.name},
        timeout=300,
    )


@pytest.mark.slow
def test_a_program_that_forgets_synth_gets_its_problems_or_a_warning_from_the_launcher(tmp_path):
    (tmp_path / "bad").mkdir()
    bad = launched(tmp_path / "bad", """\
        from sigmatiq_infra.constructs import KeyVault, KeyVaultProps, ResourceGroup, ResourceGroupProps
        from sigmatiq_infra.stacks import App, AzureStack

        app = App()
        stack = AzureStack(app, "svc")
        group = ResourceGroup(stack, "Group", ResourceGroupProps("rg-svc", "westeurope"))
        KeyVault(stack, "Vault", KeyVaultProps("kv", group, public_network_access_enabled=True))
    """)
    assert (bad.returncode, bad.stderr.splitlines()[0]) == (
        1, "sigmatiq-infra: synth stopped, nothing was written (1 problem):",
    )
    assert "  1. KeyVault 'svc/Vault': name 'kv' has 2 characters." in bad.stderr
    (tmp_path / "good").mkdir()
    good = launched(tmp_path / "good", """\
        from sigmatiq_infra.constructs import ResourceGroup, ResourceGroupProps
        from sigmatiq_infra.stacks import App, AzureStack

        app = App()
        ResourceGroup(AzureStack(app, "svc"), "Group", ResourceGroupProps("rg-svc", "westeurope"))
    """)
    assert (good.returncode, good.stderr) == (0, (
        "sigmatiq-infra: warning: the program made an App and never synthesized it, so nothing was written. "
        "Fix: build the app in `with App() as app:`, or end the program with `app.synth()`.\n"
    ))
    assert not (tmp_path / "good" / "cdktf.out").exists()


CDKTF_APP = (
    f"App 'the app': type '{ENGINE.runtime}.App' writes the stacks without the library's checks across constructs "
    "(names unique in their Azure scope, tag limits, the deployed record). Allowed: sigmatiq_infra's App, which runs "
    "them and writes nothing while a problem stands. Fix: from sigmatiq_infra import App, and build the stacks in "
    "`with App() as app:`."
)


@pytest.mark.slow
def test_the_library_stacks_in_the_engines_own_app_are_refused_as_one_list_whether_or_not_it_validates(tmp_path):
    program = """\
        from sigmatiq_infra.cdk import App  # the engine's own (cdktf's, or CDK Terrain's)
        from sigmatiq_infra.constructs import KeyVault, KeyVaultProps, ResourceGroup, ResourceGroupProps
        from sigmatiq_infra.stacks import AzureStack

        app = App({options})
        stack = AzureStack(app, "svc")
        group = ResourceGroup(stack, "Group", ResourceGroupProps("rg-svc", "westeurope"))
        KeyVault(stack, "Vault", KeyVaultProps("kv", group, public_network_access_enabled=True))
        app.synth()
    """
    vault = (
        "KeyVault 'svc/Vault': name 'kv' has 2 characters. Allowed: Key Vault names have 3-24 characters; letters, "
        "digits and hyphens; starts with a letter; ends with a letter or digit; no consecutive hyphens; unique "
        "across Azure. Fix: choose a Key Vault name that follows these rules."
    )
    (tmp_path / "checked").mkdir()
    checked = launched(tmp_path / "checked", program.format(options=""))  # cdktf's validations: its traceback before
    assert (checked.returncode, checked.stderr.splitlines()) == (1, [
        "sigmatiq-infra: synth stopped, nothing was written (2 problems):", f"  1. {vault}", f"  2. {CDKTF_APP}",
    ])
    assert not list((tmp_path / "checked").glob("cdktf.out/stacks/*/cdk.tf.json"))
    (tmp_path / "unchecked").mkdir()
    unchecked = launched(tmp_path / "unchecked", program.format(options="skip_validation=True"))  # written silently
    assert (unchecked.returncode, unchecked.stderr.splitlines()) == (1, [
        "sigmatiq-infra: the stacks were written unchecked, do not deploy them (2 problems):",
        f"  1. {vault}", f"  2. {CDKTF_APP}",
    ])


def test_a_validation_error_is_what_app_synth_raises_for_a_program_to_catch(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    c.ResourceGroup(AzureStack(app, "svc"), "Group", c.ResourceGroupProps("rg-svc", "westeurop"))
    with pytest.raises(ValidationError):
        app.synth()


# --- one cause, one line ------------------------------------------------------------------------------


def test_too_many_stack_tags_are_one_problem_however_many_resources_get_them(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    stack = AzureStack(app, "svc", tags={f"t{i}": "v" for i in range(51)})
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-svc", "westeurope"))
    c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-svc-1", group, public_network_access_enabled=True))
    with pytest.raises(ValidationError) as raised:
        app.synth()
    assert raised.value.problems == (
        "AzureStack 'svc': tags '51 tags' are more than Azure allows on one resource. Allowed: at most 50 tags per "
        "resource (the stack's tags included). Fix: merge or drop tags.",
    )


def test_a_construct_whose_own_tags_tip_the_count_is_one_problem_at_its_path(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    stack = AzureStack(app, "svc", tags={f"t{i}": "v" for i in range(30)})
    own = {f"g{i}": "v" for i in range(30)}
    c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-svc", "westeurope", tags=own))
    with pytest.raises(ValidationError) as raised:
        app.synth()
    assert raised.value.problems == (
        "ResourceGroup 'svc/Group': tags '60 tags' are more than Azure allows on one resource. Allowed: at most 50 "
        "tags per resource (the stack's tags included). Fix: merge or drop tags.",
    )


@pytest.mark.parametrize(("kind", "props"), [
    (c.ContainerRegistry, lambda group: c.ContainerRegistryProps("acrtest01", group, sku="premium")),
    (c.AppConfiguration, lambda group: c.AppConfigurationProps("appcs-test-1", group, sku="Standard")),
], ids=["registry", "app configuration"])
def test_a_sku_written_in_the_wrong_case_is_one_problem_not_a_second_about_what_that_sku_lacks(
    stack, group, kind, props,
):
    problems = error_of(lambda: kind(stack, "It", props(group))).splitlines()
    assert len(problems) == 1 and "sku" in problems[0] and "is not supported" in problems[0], problems


# --- methods given the wrong kind of thing ------------------------------------------------------------


def test_a_name_instead_of_an_identity_in_managed_identities_is_named_by_its_index(stack, group):
    assert error_of(lambda: c.ContainerRegistry(stack, "Registry", c.ContainerRegistryProps(
        "acrtest01", group, managed_identities=c.ManagedIdentities(user_assigned=["id-probe"]),
    ))) == (
        "ContainerRegistry 'test/Registry': managed_identities.user_assigned[0] 'id-probe' has the type str. "
        "Allowed: IIdentity (an object with id). Fix: give managed_identities.user_assigned[0] a value of type "
        "IIdentity (an object with id)."
    )


def test_a_vnet_instead_of_a_private_network_is_shown_by_its_path_with_what_to_pass(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    vnet = c.VirtualNetwork(stack, "Net", c.VirtualNetworkProps("vnet-test", group, "10.20.0.0/16", ()))
    assert vault.add_private_endpoint(vnet) is None
    assert error_of(lambda: vault) == (
        "KeyVault 'test/Vault': add_private_endpoint network VirtualNetwork 'test/Net' has the type VirtualNetwork. "
        "Allowed: a PrivateNetwork: a VNet with a PRIVATE_ENDPOINTS subnet, and its PrivateDnsZones. Fix: pass "
        "PrivateNetwork(virtual_network=vnet, zones=zones)."
    )


def test_a_workspace_name_and_lock_notes_of_none_are_type_problems(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group))
    assert vault.add_diagnostic_settings("log-test") == []
    assert group.add_lock(None) is None
    assert error_of(lambda: vault).splitlines() == [
        "KeyVault 'test/Vault': add_diagnostic_settings workspace 'log-test' has the type str. Allowed: IWorkspace "
        "(an object with name and id). Fix: give add_diagnostic_settings workspace a value of type IWorkspace (an "
        "object with name and id).",
        "ResourceGroup 'test/Group': lock notes None has the type NoneType. Allowed: str. Fix: give lock notes a "
        "value of type str.",
    ]


def test_an_output_folder_that_is_a_file_or_cannot_be_made_stops_the_app(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("a-file").write_text("")
    assert error_of(lambda: App(outdir="a-file")) == (
        "App 'outdir': folder 'a-file' is a file. Allowed: a folder, made if it does not exist. "
        "Fix: point outdir at a folder, or move the file away."
    )
    monkeypatch.setenv("CDKTF_OUTDIR", "a-file/below/out")
    assert error_of(lambda: App()) == (
        "App 'CDKTF_OUTDIR': folder 'a-file/below/out' cannot be made (Not a directory). "
        "Allowed: a folder this process can write, made if it does not exist. Fix: point CDKTF_OUTDIR at a "
        "writable place, e.g. cdktf.out in the project."
    )


# --- the testing module, used wrongly -----------------------------------------------------------------


def test_the_testing_module_says_what_to_pass_instead_of_failing_inside(stack, group, tmp_path):
    from sigmatiq_infra.testing import Annotations, Template

    app = App(outdir=str(tmp_path / "out"))
    own = AzureStack(app, "own")
    c.ResourceGroup(own, "Group", c.ResourceGroupProps("rg-own", "westeurope"))
    fix = "Fix: pass the stack object, e.g. {0}(stack) with stack = AzureStack(app, 'my-service')."
    for given, got in (("own", "'own' (str)"), (app, "the app itself")):
        with pytest.raises(TypeError) as raised:
            Template.from_stack(given)
        assert str(raised.value) == f"Template.from_stack: takes a stack, not {got}. " + fix.format(
            "Template.from_stack",
        )
    with pytest.raises(TypeError, match=r"^Annotations.from_stack: takes a stack, not 'own' \(str\)"):
        Annotations.from_stack("own")
    template = Template.from_stack(own)
    with pytest.raises(TypeError, match=r"^Template.ref: AzureStack is not a resource"):
        template.ref(own, "id")
    with pytest.raises(TypeError) as raised:
        template.resource_count_is("azurerm_resource_group", "1")
    assert str(raised.value) == (
        "Template.resource_count_is: count '1' is a str, not a whole number. Fix: "
        "resource_count_is('azurerm_resource_group', 1)."
    )


def test_a_repository_with_the_registry_host_in_front_says_to_drop_it(stack, group):
    registry = c.ContainerRegistry(stack, "Registry", c.ContainerRegistryProps(
        "acrtest01", group, sku="Basic", public_network_access_enabled=True,
    ))
    identity = c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps("mi-test", group))
    environment = c.ContainerAppEnvironment(stack, "Env", c.ContainerAppEnvironmentProps("cae-test", group))
    assert error_of(lambda: c.ContainerApp(stack, "Api", c.ContainerAppProps(
        "ca-test", environment, identity, registry, "acrtest01.azurecr.io/team/api", "1.0.0", 8080,
    ))) == (
        "ContainerApp 'test/Api': repository 'acrtest01.azurecr.io/team/api' starts with the registry host "
        "'acrtest01.azurecr.io'. Allowed: the repository path inside the registry, e.g. 'team/service-api' (the "
        "registry is the app's `registry`, its login server added for you). Fix: write repository='team/api'."
    )


def test_a_budget_starting_before_june_2017_is_told_this_month_where_a_new_budget_can_start(stack, group):
    this_month = datetime.date.today().replace(day=1).isoformat()  # a past month Azure refuses for a new budget
    assert error_of(lambda: c.Budget(stack, "Budget", c.BudgetProps("budget-test", 40, "2017-05-01", [group]))) == (
        "Budget 'test/Budget': start_date '2017-05-01' is not the first of a month from June 2017 on. Allowed: the "
        f"first day of a month, 2017-06-01 or later. Fix: use '{this_month}'."
    )


# --- third round: one problem never hides the next ----------------------------------------------------


def test_true_where_a_number_goes_is_a_type_problem_not_a_jsii_error(stack, group):
    assert error_of(lambda: c.KeyVault(stack, "Vault", c.KeyVaultProps(
        "kv-test-1", group, soft_delete_retention_days=True,
    ))) == (
        "KeyVault 'test/Vault': soft_delete_retention_days True has the type bool. Allowed: int. Fix: give "
        "soft_delete_retention_days a value of type int."
    )


def test_a_grant_to_a_name_and_a_literal_secret_do_not_hide_the_problems_after_them(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    stack = AzureStack(app, "svc")
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-svc", "westeurope"))
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-svc-1", group, public_network_access_enabled=True))
    assert vault.grant_secrets_read("my-identity") is None
    reference = vault.add_secret("Url", c.SecretProps("Db-Url", "postgres://literal"))
    assert reference.name == "Db-Url"
    c.ResourceGroup(stack, "Other", c.ResourceGroupProps("rg_bad2.", "westeurope"))
    problems = problems_of(app)
    assert [problem.split(":")[0] for problem in problems] == [
        "KeyVault 'svc/Vault'", "KeyVault 'svc/Vault/Url'", "ResourceGroup 'svc/Other'",
    ]
    assert "value '<literal string>' is a literal str, where a secret goes" in problems[1]
    assert "postgres://literal" not in problems[1]


def test_a_deploy_input_name_terraform_refuses_is_a_problem_not_quietly_changed(stack):
    c.secret_input(stack, "db password", what="the database password")
    c.deploy_input(stack, "count", what="a count", type="number")
    assert error_of(lambda: stack).splitlines() == [
        "deploy input 'test/db password': name 'db password' is not a name Terraform takes for an input. Allowed: "
        "a letter or '_' first, then letters, digits, '_' or '-'; none of source, version, providers, count, "
        "for_each, lifecycle, depends_on, locals. Fix: name it e.g. 'db_password'.",
        "deploy input 'test/count': name 'count' is not a name Terraform takes for an input. Allowed: a letter or "
        "'_' first, then letters, digits, '_' or '-'; none of source, version, providers, count, for_each, "
        "lifecycle, depends_on, locals. Fix: name it e.g. 'count_input'.",
    ]


def test_an_e_mail_receiver_may_be_named_as_its_address_is_written(stack, group):
    c.ActionGroup(stack, "Alerts", c.ActionGroupProps(
        "ag-test", group, "test", email_receivers={"ops+alerts": "ops+alerts@example.co.uk"},
    ))
    assert recorded(stack) == []


# --- fourth round: props called wrongly, numbers that are no numbers ----------------------------------


def test_a_misspelled_or_unknown_props_keyword_is_a_problem_after_the_ones_before_it(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    stack = AzureStack(app, "svc")
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-svc", "westeurope"))
    c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-svc-7c1", group, soft_delete_retention_days=3))
    with pytest.raises(ValidationError) as raised:
        c.LogAnalyticsWorkspaceProps("log-svc-1", group, retention_days=60, sku="PerGB2018")
    assert raised.value.problems == (
        "LogAnalyticsWorkspaceProps 'arguments': keyword 'retention_days' is not one of its fields (did you mean "
        "'retention_in_days'?). Allowed: name, resource_group, retention_in_days, daily_quota_gb, tags. Fix: write "
        "retention_in_days=<value> instead.",
        "LogAnalyticsWorkspaceProps 'arguments': keyword 'sku' is not one of its fields. Allowed: name, "
        "resource_group, retention_in_days, daily_quota_gb, tags. Fix: remove sku=<value> "
        "(LogAnalyticsWorkspaceProps has no such setting).",
    )
    assert problems_of(app) == [
        "KeyVault 'svc/Vault': soft_delete_retention_days 3 is out of range. Allowed: 7 to 90. Fix: set "
        "soft_delete_retention_days between 7 and 90.",
    ]  # with App() reports both, in order (see synthesis.App.__exit__)


def test_a_props_call_without_a_required_field_names_it():
    with pytest.raises(ValidationError) as raised:
        c.KeyVaultProps("kv-svc-7c1")
    assert raised.value.problems == (
        "KeyVaultProps 'arguments': resource_group (not given) is required. Allowed: name, resource_group always "
        "given. Fix: pass resource_group: KeyVaultProps(name=..., resource_group=...).",
    )


def test_infinity_or_nan_where_a_number_goes_is_a_type_problem_before_jsii_sees_it(stack, group):
    workspace = c.LogAnalyticsWorkspace(stack, "Logs", c.LogAnalyticsWorkspaceProps(
        "log-test-1", group, daily_quota_gb=float("inf"),
    ))
    assert error_of(lambda: workspace) == (
        "LogAnalyticsWorkspace 'test/Logs': daily_quota_gb inf is not a finite number. Allowed: float or None. "
        "Fix: give daily_quota_gb a number."
    )


def test_a_daily_quota_of_minus_one_is_azurerms_no_cap_and_passes(stack, group):
    c.LogAnalyticsWorkspace(stack, "Logs", c.LogAnalyticsWorkspaceProps("log-test-1", group, daily_quota_gb=-1))
    assert recorded(stack) == []


# --- fifth round: tests of one's own stacks, tokens of every kind -------------------------------------


def test_a_capture_keeps_only_the_values_of_what_matched(tmp_path):
    from sigmatiq_infra.testing import Capture, Template

    app = App(outdir=str(tmp_path / "out"))
    stack = AzureStack(app, "svc")
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-svc", "westeurope"))
    for number, days in ((1, 90), (2, 30)):
        c.KeyVault(stack, f"Vault{number}", c.KeyVaultProps(
            f"kv-svc-{number}", group, soft_delete_retention_days=days, public_network_access_enabled=True,
        ))
    template = Template.from_stack(stack)
    retention = Capture()
    template.has_resource("azurerm_key_vault", {"name": "kv-svc-1", "soft_delete_retention_days": retention})
    assert retention.values == [90] and retention.as_number() == 90
    missed = Capture()
    with pytest.raises(AssertionError):
        template.has_resource("azurerm_key_vault", {"name": "kv-svc-3", "soft_delete_retention_days": missed})
    assert missed.values == []


def test_a_construct_in_a_pattern_says_to_use_ref_and_a_document_that_is_no_object_says_what_to_pass(stack, group):
    from sigmatiq_infra.testing import Template

    template = Template.from_json({"resource": {"azurerm_key_vault": {"v": {"name": "kv-1"}}}})
    with pytest.raises(AssertionError, match=r"<ResourceGroup 'test/Group': use template.ref\(...\) for a reference"):
        template.has_resource("azurerm_key_vault", {"name": group})
    with pytest.raises(TypeError, match=r"^Template.from_json: a stack's document is a JSON object, not list"):
        Template.from_json([1, 2])
    with pytest.raises(TypeError, match=r"^Template.from_json: the text is not JSON \(a path\? use "):
        Template.from_json("cdktf.out/stacks/svc/cdk.tf.json")


def test_plan_test_says_it_takes_a_list_and_a_synthesized_folder(tmp_path):
    from sigmatiq_infra.testing import plan_test

    with pytest.raises(TypeError, match=r"^plan_test: stacks is a list of stack names, not one string"):
        plan_test("svc", tmp_path)
    with pytest.raises(FileNotFoundError, match=r"^plan_test: no synthesized svc in "):
        plan_test(["svc"], tmp_path)


def test_plan_test_refuses_a_variable_the_stack_does_not_have(tmp_path):
    """A misspelt name would be dropped and the plan run with the sample value instead."""
    from sigmatiq_infra.testing import plan_test

    folder = tmp_path / "stacks" / "svc"
    folder.mkdir(parents=True)
    (folder / "cdk.tf.json").write_text(json.dumps({"variable": {"db_password": {"type": "string"}}}))
    with pytest.raises(ValueError) as raised:
        plan_test(["svc"], tmp_path, variables={"db_pasword": "x" * 16}, terraform="/nonexistent/terraform")
    assert str(raised.value) == (
        "plan_test: variables db_pasword: no such input in svc (its inputs: db_password). Fix: name an input the "
        "stack has, or leave it out."
    )


def test_a_boolean_token_passes_where_a_bool_goes(stack, group):
    from sigmatiq_infra.cdk import TerraformVariable

    public = TerraformVariable(stack, "public", type="bool").boolean_value
    c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group, public_network_access_enabled=public))
    assert recorded(stack) == []


def test_plan_test_samples_list_and_map_inputs_and_refuses_a_var_the_stack_does_not_have(tmp_path, capsys):
    from sigmatiq_infra.cli import main as cli
    from sigmatiq_infra.plan_test import plan_test_file

    document = {"variable": {
        "allowed_ips": {"type": "list(string)"}, "labels": {"type": "map(string)"}, "name": {"type": "string"},
    }}
    text = plan_test_file(document)
    assert "allowed_ips = []" in text and "labels      = {}" in text and 'name        = "plan-test"' in text
    folder = tmp_path / "stacks" / "svc"
    folder.mkdir(parents=True)
    (folder / "cdk.tf.json").write_text('{"variable": {"db_password": {"type": "string"}}}')
    assert cli(["plan-test", "svc", "--out", str(tmp_path), "--var", "db_pasword=x"]) == 2
    assert capsys.readouterr().err == (
        "sigmatiq-infra: error: plan-test: --var db_pasword: no such input in svc (its inputs: db_password). Fix: "
        "name an input the stack has, or leave --var out.\n"
    )


def test_a_choice_in_the_wrong_case_is_offered_in_the_right_one(stack, group):
    """azurerm compares SKU names case-sensitively: 'PREMIUM' and 'lrs' are refused there too."""
    assert error_of(lambda: c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-case-01", group, sku="PREMIUM"))) == (
        "KeyVault 'test/Vault': sku 'PREMIUM' is not supported (did you mean 'premium'?). "
        "Allowed: 'standard', 'premium'. Fix: use one of 'standard', 'premium'."
    )
    assert error_of(lambda: c.StorageAccount(stack, "Files", c.StorageAccountProps(
        "stcase01", group, replication="lrs",
    ))) == (
        "StorageAccount 'test/Files': replication 'lrs' is not supported (did you mean 'LRS'?). "
        "Allowed: 'LRS', 'ZRS', 'GRS', 'GZRS', 'RAGRS', 'RAGZRS'. Fix: use one of 'LRS', 'ZRS', 'GRS', 'GZRS', "
        "'RAGRS', 'RAGZRS'."
    )


def test_soft_delete_settings_on_a_store_without_soft_delete_are_refused_not_dropped(stack, group):
    """Microsoft Learn, "Soft delete in Azure App Configuration": not in the free and developer tiers."""
    assert error_of(lambda: c.AppConfiguration(stack, "Config", c.AppConfigurationProps(
        "appcs-soft-01", group, sku="developer", public_network_access_enabled=True,
        purge_protection_enabled=True, soft_delete_retention_days=3,
    ))) == (
        "AppConfiguration 'test/Config': purge_protection_enabled True is not available on the 'developer' SKU (it "
        "has no soft delete). Allowed: purge_protection_enabled only with sku 'standard' or 'premium'. Fix: leave "
        "purge_protection_enabled out, or use sku='standard'.\n"
        "AppConfiguration 'test/Config': soft_delete_retention_days 3 is not available on the 'developer' SKU (it "
        "has no soft delete). Allowed: soft_delete_retention_days only with sku 'standard' or 'premium'. Fix: leave "
        "soft_delete_retention_days out, or use sku='standard'."
    )


def test_a_store_gets_purge_protection_and_seven_days_by_default_where_its_sku_has_them(stack, group):
    standard = c.AppConfiguration(stack, "Standard", c.AppConfigurationProps("appcs-soft-02", group)).resource
    free = c.AppConfiguration(stack, "Free", c.AppConfigurationProps(
        "appcs-soft-03", group, sku="free", public_network_access_enabled=True, purge_protection_enabled=False,
    )).resource
    assert (standard.purge_protection_enabled_input, standard.soft_delete_retention_days_input) == (True, 7)
    assert (free.purge_protection_enabled_input, free.soft_delete_retention_days_input) == (None, None)


def test_a_managed_redis_name_shorter_than_azurerm_takes_is_refused(stack, group):
    """azurerm `managedredis/validate/managed_redis_name.go`: at least 3 characters."""
    assert error_of(lambda: c.ManagedRedis(stack, "Cache", c.ManagedRedisProps("ab", group))) == (
        "ManagedRedis 'test/Cache': name 'ab' has 2 characters. Allowed: Azure Managed Redis names have 3-60 "
        "characters; letters, digits and hyphens; starts with a letter or digit; ends with a letter or digit; no "
        "consecutive hyphens; unique across Azure. Fix: choose an Azure Managed Redis name that follows these rules."
    )


def test_database_names_are_compared_in_any_case_and_the_message_says_so(stack, group):
    """ARM resource names compare in any case: 'Orders' and 'orders' are one database to Azure."""
    password = c.WriteOnlySecret.from_inputs(stack, "pw", "the password")
    assert error_of(lambda: c.PostgresServer(stack, "Db", c.PostgresServerProps(
        "psql-case-01", group, "B_Standard_B1ms", "dbadminx", password, databases=["Orders", "orders", "Postgres"],
    ))).splitlines() == [
        "PostgresServer 'test/Db': database 'Postgres' exists on every flexible server already as 'postgres' (Azure "
        "compares names in any case). Allowed: databases of your own, not postgres, azure_maintenance, azure_sys "
        "(Azure creates them with the server; azurerm would stop the deploy asking to import it). Fix: remove "
        "'Postgres' from databases: it is there without it.",
        "PostgresServer 'test/Db': database 'Orders' is listed again as 'orders': one name to Azure, which compares "
        "names in any case. Allowed: each once, in any case. Fix: keep one of them.",
    ]


def test_a_lookup_on_a_class_without_one_says_which_classes_have_one(stack):
    with pytest.raises(ValidationError) as raised:
        c.StorageAccount.from_existing(stack, "Files", name="stfiles01", resource_group_name="rg-data")
    assert list(raised.value.problems) == [
        "StorageAccount 'Files': from_existing 'StorageAccount' has no lookup of existing resources. Allowed: "
        "from_existing on ContainerRegistry, KeyVault. Fix: look it up with the azurerm binding's data source "
        "(sigmatiq_infra.azurerm.data_azurerm_...), or pass its id or name where it is used.",
    ]


def test_library_constructs_in_a_stack_without_the_azurerm_provider_are_refused_naming_the_fix(tmp_path):
    from sigmatiq_infra.cdk import TerraformStack

    app = App(outdir=str(tmp_path / "out"))
    c.ResourceGroup(TerraformStack(app, "plain"), "Group", c.ResourceGroupProps("rg-svc", "westeurope"))
    with pytest.raises(ValidationError) as raised:
        app.synth()  # written before: no provider block, so the newest azurerm, unpinned, and a refused plan
    assert list(raised.value.problems) == [
        "TerraformStack 'plain': provider 'azurerm' is missing, yet the stack holds azurerm_resource_group (Terraform "
        "would install the newest azurerm, unpinned, and refuse the plan without the provider's features block). "
        "Allowed: a stack with the azurerm provider: an AzureStack (its provider pinned and configured, its tags and "
        "state). Fix: make the stack with AzureStack(app, 'plain') from sigmatiq_infra, or add AzurermProvider(stack, "
        "'azurerm', features=[AzurermProviderFeatures()]) to it.",
    ]
    assert not (tmp_path / "out").exists()


def test_library_constructs_in_an_own_stack_with_its_own_azurerm_provider_pass(tmp_path):
    from sigmatiq_infra.azurerm import provider
    from sigmatiq_infra.cdk import TerraformStack

    app = App(outdir=str(tmp_path / "out"))
    stack = TerraformStack(app, "own")
    provider.AzurermProvider(stack, "azurerm", features=[provider.AzurermProviderFeatures()])
    c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-svc", "westeurope"))
    app.synth()
    assert (tmp_path / "out/stacks/own/cdk.tf.json").exists()
