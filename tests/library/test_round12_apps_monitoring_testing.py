"""Round 12, a hurried user's own app: container apps, monitoring and `sigmatiq_infra.testing`
used the wrong way. A wrong call to the testing module says what to write instead (it never
fails later with Python's own words, or passes an assertion it cannot make), and a bad prop
is reported once, with the fix that applies to it. Found by trying the library from outside
the repository."""

from __future__ import annotations

import re

import pytest
from helpers import error_of, recorded

from sigmatiq_infra import App, AzureStack
from sigmatiq_infra import constructs as c
from sigmatiq_infra.cli import main
from sigmatiq_infra.deployed import parse_record
from sigmatiq_infra.testing import Annotations, Match, Template, plan_test

APP = Template.from_json({"resource": {"azurerm_container_app": {"Api": {"name": "api-orders"}}}}, "own")


def type_error(check) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError) as refused:
        check()
    return str(refused.value)


# --- sigmatiq_infra.testing: a wrong call says what to write ------------------------------------------


def test_a_template_made_from_a_stack_object_says_to_use_from_stack(stack):
    assert type_error(lambda: Template(stack)) == (
        "Template: takes a stack's document (a dict), not AzureStack. Fix: Template.from_stack(stack)."
    )
    assert type_error(lambda: Template("cdktf.out/stacks/own/cdk.tf.json")) == (
        "Template: takes a stack's document (a dict), not str. Fix: Template.from_json(...) or "
        "Template.from_file(path)."
    )


def test_a_construct_where_the_resource_type_goes_names_the_type_to_write(group):
    assert type_error(lambda: APP.has_resource(group, {"name": "rg-test"})) == (
        "Template: a resource type is its Terraform name, such as 'azurerm_container_app', not ResourceGroup "
        "'test/Group'. Fix: write 'azurerm_resource_group'."
    )
    assert type_error(lambda: APP.resource_count_is(type(group.resource), 1)) == (
        "Template: a resource type is its Terraform name, such as 'azurerm_container_app', not the class "
        "ResourceGroup. Fix: write 'azurerm_resource_group'."
    )
    assert type_error(lambda: APP.has_data(None)) == (
        "Template: a resource type is its Terraform name, such as 'azurerm_container_app', not None. Fix: write "
        "the type's name as the stack's JSON has it."
    )


def test_a_compiled_regular_expression_in_a_pattern_is_refused_not_compared_as_a_value():
    """Compared as a value it never matched: the assertion failed on a resource that has the name."""
    assert type_error(lambda: APP.has_resource("azurerm_container_app", {"name": re.compile("^api-")})) == (
        "A pattern holds the compiled regular expression re.compile('^api-') at name, which would be compared as "
        "a value and never match. Fix: wrap it, Match.string_like_regexp(re.compile('^api-'))."
    )
    assert type_error(lambda: Annotations((), ()).has_error(re.compile("name"))) == (
        "A pattern holds the compiled regular expression re.compile('name'), which would be compared as a value "
        "and never match. Fix: wrap it, Match.string_like_regexp(re.compile('name'))."
    )


def test_string_like_regexp_takes_a_compiled_expression_with_its_flags():
    APP.has_resource("azurerm_container_app", {"name": Match.string_like_regexp(re.compile("^API-", re.I))})


def test_string_like_regexp_says_what_it_takes_and_how_to_write_a_literal():
    assert type_error(lambda: Match.string_like_regexp("kv-[")) == (
        "Match.string_like_regexp: 'kv-[' is not a regular expression (unterminated character set at position 3). "
        "Fix: escape the characters meant literally, e.g. Match.string_like_regexp(re.escape('kv-['))."
    )
    assert type_error(lambda: Match.string_like_regexp(8080)) == (
        "Match.string_like_regexp: takes a regular expression as a string, not int 8080. "
        "Fix: Match.string_like_regexp('8080'), or the value itself for an exact match."
    )


# --- container apps -------------------------------------------------------------------------------------


def container_app_parts(stack, group):  # type: ignore[no-untyped-def]
    environment = c.ContainerAppEnvironment(stack, "Env", c.ContainerAppEnvironmentProps("cae-own", group))
    identity = c.UserAssignedIdentity(stack, "Id", c.UserAssignedIdentityProps("id-own", group))
    registry = c.ContainerRegistry(stack, "Acr", c.ContainerRegistryProps(
        "acrown01", group, public_network_access_enabled=True,
    ))
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-own-01", group, public_network_access_enabled=True))
    return environment, identity, registry, vault


def test_a_key_vault_secret_name_with_an_underscore_is_one_problem_with_key_vaults_rule(stack, group):
    """The app's own check said it again, with the fix for a name that starts or ends with '-'."""
    environment, identity, registry, vault = container_app_parts(stack, group)
    c.ContainerApp(stack, "Api", c.ContainerAppProps(
        "api", environment, identity, registry, "team/api", "1.0", 8080, secret_env={"DB": vault.secret("db_url")},
    ))
    assert recorded(stack) == [
        "KeyVault 'test/Vault': secret name 'db_url' contains '_'. Allowed: Key Vault secret names have 1-127 "
        "characters; letters, digits and hyphens. Fix: use 'db-url' or another Key Vault secret name that follows "
        "these rules.",
    ]


def test_a_key_vault_secret_name_ending_with_a_hyphen_is_still_the_apps_problem(stack, group):
    environment, identity, registry, vault = container_app_parts(stack, group)
    c.ContainerApp(stack, "Api", c.ContainerAppProps(
        "api", environment, identity, registry, "team/api", "1.0", 8080, secret_env={"DB": vault.secret("db-url-")},
    ))
    assert recorded(stack) == [
        "ContainerApp 'test/Api': secret_env['DB'] 'db-url-' names the app secret 'db-url-' (its name in "
        "lowercase), which ends with '-'. Allowed: container app secret names have 1-253 characters; lowercase "
        "letters, digits, '-' and '.'; starts with a lowercase letter or digit; ends with a lowercase letter or "
        "digit. Fix: rename the Key Vault secret (or read another) so that it starts and ends with a letter or digit.",
    ]


# --- the App ------------------------------------------------------------------------------------------


def test_an_outdir_of_the_wrong_type_is_one_problem_not_a_traceback():
    assert error_of(lambda: App(outdir=3)) == (
        "App 'outdir': outdir 3 has the type int. Allowed: a folder's path (str or pathlib.Path), or None for "
        "CDKTF_OUTDIR or cdktf.out. Fix: write the folder as text, e.g. outdir='cdktf.out'."
    )


def test_an_outdir_given_as_a_path_is_taken(tmp_path):
    app = App(outdir=tmp_path / "out")
    AzureStack(app, "own")
    app.synth()
    assert (tmp_path / "out" / "stacks" / "own" / "cdk.tf.json").is_file()


def test_a_second_synth_of_an_app_is_one_problem_not_cdktfs_missing_folder(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    AzureStack(app, "own")
    app.synth()
    assert error_of(app.synth) == (
        f"App 'the app': synth '{tmp_path / 'out'}' is called a second time, on an app synthesized already (by "
        "app.synth(), synth(app), Template.from_stack or the end of its `with` block). Allowed: one synth per App, "
        "as cdktf synthesizes an app once. Fix: call app.synth() once, at the end of the program (in a test, make "
        "a new App for each synth)."
    )


def test_a_synth_after_a_template_of_the_app_is_that_problem_too(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    stack = AzureStack(app, "own")
    Template.from_stack(stack)
    assert "is called a second time, on an app synthesized already" in error_of(app.synth)
    assert not (tmp_path / "out").exists()


def test_a_stack_id_too_long_for_its_state_file_is_one_problem_not_cdktfs_enametoolong(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    AzureStack(app, "s" * 238)
    assert list(app.problems.problems) == [
        f"AzureStack '{'s' * 238}': id '{'s' * 76}... has 238 bytes. Allowed: a stack id of at most 237 bytes (it "
        "names the stack's folder, stacks/<id>, and its local state file, terraform.<id>.tfstate: a file name has "
        "at most 255 bytes). Fix: give the stack a shorter id.",
    ]


def test_a_stack_id_of_237_bytes_is_synthesized(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    AzureStack(app, "é" * 118 + "s")
    app.synth()
    assert (tmp_path / "out" / "stacks" / ("é" * 118 + "s") / "cdk.tf.json").is_file()


def test_plan_test_given_a_stack_object_says_to_pass_its_id(stack):
    assert type_error(lambda: plan_test([stack])) == (
        "plan_test: stacks is a list of stack names, not of AzureStack. Fix: plan_test(['test']), the stack's id."
    )


# --- monitoring -------------------------------------------------------------------------------------


def test_send_diagnostics_given_a_name_is_one_problem_of_the_stack_not_one_per_resource(stack, group):
    c.LogAnalyticsWorkspace(stack, "Logs", c.LogAnalyticsWorkspaceProps("law-own", group))
    c.ContainerRegistry(stack, "Acr", c.ContainerRegistryProps("acrown01", group))
    stack.send_diagnostics("law-own")
    assert recorded(stack) == [
        "AzureStack 'test': send_diagnostics workspace 'law-own' has the type str. Allowed: IWorkspace (an object "
        "with name and id). Fix: give send_diagnostics workspace a value of type IWorkspace (an object with name "
        "and id).",
    ]


# --- lookups ----------------------------------------------------------------------------------------


def test_a_lookup_given_its_name_and_group_by_position_says_to_write_them_by_keyword(stack):
    assert error_of(lambda: c.KeyVault.from_existing(stack, "Shared", "kv-shared", "rg-shared")) == (
        "KeyVault 'test/Shared': from_existing ['kv-shared', 'rg-shared'] are given by position. Allowed: scope and "
        "id by position, then name= and resource_group_name= by keyword. Fix: write KeyVault.from_existing(scope, "
        "'Shared', name='kv-shared', resource_group_name='rg-shared')."
    )


def test_a_lookup_without_its_resource_group_is_one_problem_not_a_traceback(stack):
    assert error_of(lambda: c.ContainerRegistry.from_existing(stack, "Shared", name="acrshared")) == (
        "ContainerRegistry 'test/Shared': from_existing resource_group_name (not given) is required. Allowed: name= "
        "and resource_group_name= of the resource to look up. Fix: write ContainerRegistry.from_existing(scope, "
        "'Shared', name=..., resource_group_name=...)."
    )


# --- role grants and the methods every resource has: a call that does not fit ------------------------


def test_a_principal_by_id_given_its_id_and_type_by_position_says_to_write_them_by_keyword(stack):
    ci = "00000000-0000-0000-0000-000000000000"
    assert error_of(lambda: c.PrincipalById(stack, "Ci", ci, "ServicePrincipal")) == (
        "PrincipalById 'test/Ci': PrincipalById() arguments (4 by position, 0 by keyword) do not fit its signature: "
        "too many positional arguments. Allowed: PrincipalById(scope, id, *, principal_id, principal_type). Fix: give "
        "principal_id, principal_type by keyword: PrincipalById(<AzureStack 'test'>, 'Ci', "
        "principal_id='00000000-0000-0000-0000-000000000000', principal_type='ServicePrincipal')."
    )


def test_a_grant_given_used_by_by_position_or_misspelt_says_how_to_write_it(stack, group):
    environment, identity, registry, vault = container_app_parts(stack, group)
    assert registry.grant_pull(identity, environment) is None
    assert error_of(lambda: None, stack) == (
        "ContainerRegistry 'test/Acr': grant_pull() arguments (2 by position, 0 by keyword) do not fit its "
        "signature: too many positional arguments. Allowed: grant_pull(principal, *, used_by=None). Fix: give "
        "used_by by keyword: grant_pull(<UserAssignedIdentity 'test/Id'>, used_by=<ContainerAppEnvironment "
        "'test/Env'>)."
    )
    assert error_of(lambda: vault.grant(c.BuiltInRole.KEY_VAULT_SECRETS_USER, identity, use_by=environment), stack) == (
        "KeyVault 'test/Vault': grant() arguments (2 by position, 1 by keyword) do not fit its signature: got an "
        "unexpected keyword argument 'use_by'. Allowed: grant(role, principal, *, used_by=None). Fix: write used_by= "
        "instead of use_by=."
    )


def test_a_lock_or_diagnostic_setting_left_without_its_argument_says_what_the_call_takes(stack, group):
    workspace = c.LogAnalyticsWorkspace(stack, "Logs", c.LogAnalyticsWorkspaceProps("law-own", group))
    assert error_of(workspace.add_lock, stack) == (
        "LogAnalyticsWorkspace 'test/Logs': add_lock() arguments (0 by position, 0 by keyword) do not fit its "
        "signature: missing a required argument: 'notes'. Allowed: add_lock(notes, level='CanNotDelete'). Fix: call "
        "it as add_lock(notes, level='CanNotDelete')."
    )
    assert workspace.add_diagnostic_settings() == []
    assert "add_diagnostic_settings() arguments" in error_of(lambda: None, stack)


def test_a_grant_that_does_not_fit_is_recorded_and_the_run_goes_on_to_the_next_problem(stack, group):
    environment, identity, registry, _ = container_app_parts(stack, group)
    registry.grant_pull(identity, environment)
    c.UserAssignedIdentity(stack, "Other", c.UserAssignedIdentityProps("id", group))
    assert [problem.split(":")[0] for problem in recorded(stack)] == [
        "ContainerRegistry 'test/Acr'", "UserAssignedIdentity 'test/Other'",
    ]


def test_a_grant_that_fits_is_made_as_before(stack, group):
    environment, identity, registry, _ = container_app_parts(stack, group)
    assert registry.grant_pull(identity, used_by=environment) is registry.grant(c.BuiltInRole.ACR_PULL, identity)
    assert recorded(stack) == []


def test_the_props_fields_given_to_the_construct_itself_say_to_pass_them_in_its_props(stack, group):
    """As an AWS CDK construct in Python takes them: one problem, not Python's TypeError."""
    assert error_of(lambda: c.ActionGroup(stack, "Alerts", name="ag-own", resource_group=group, short_name="own")) == (
        "ActionGroup 'test/Alerts': ActionGroup() arguments (2 by position, 3 by keyword) do not fit its signature: "
        "missing a required argument: 'props'. Allowed: ActionGroup(scope, id, props). Fix: pass them in "
        "ActionGroupProps: ActionGroup(scope, 'Alerts', ActionGroupProps(name='ag-own', resource_group=<ResourceGroup "
        "'test/Group'>, short_name='own'))."
    )
    assert error_of(lambda: c.LogAnalyticsWorkspace(stack, "Logs", "law-own", group)) == (
        "LogAnalyticsWorkspace 'test/Logs': LogAnalyticsWorkspace() arguments (4 by position, 0 by keyword) do not "
        "fit its signature: too many positional arguments. Allowed: LogAnalyticsWorkspace(scope, id, props). Fix: "
        "pass them in LogAnalyticsWorkspaceProps: LogAnalyticsWorkspace(scope, 'Logs', "
        "LogAnalyticsWorkspaceProps('law-own', <ResourceGroup 'test/Group'>))."
    )


def test_a_construct_made_without_its_id_or_props_says_which_is_missing(stack, group):
    props = c.UserAssignedIdentityProps("id-own", group)
    assert error_of(lambda: c.UserAssignedIdentity(stack, props)).endswith(
        "Fix: give the construct an id before its props: UserAssignedIdentity(scope, 'MyId', "
        "UserAssignedIdentityProps(...))."
    )
    assert error_of(lambda: c.MetricAlert(stack, "Cpu")) == (
        "MetricAlert 'test/Cpu': MetricAlert() arguments (2 by position, 0 by keyword) do not fit its signature: "
        "missing a required argument: 'props'. Allowed: MetricAlert(scope, id, props). Fix: pass its "
        "MetricAlertProps: MetricAlert(scope, 'Cpu', MetricAlertProps(...))."
    )


def test_an_app_given_its_folder_by_position_or_a_misspelt_keyword_says_how_to_write_it():
    assert error_of(lambda: App("cdktf.out")) == (
        "App 'arguments': arguments ['cdktf.out'] are given by position. Allowed: keywords: outdir, context, "
        "hcl_output, skip_backend_validation, skip_validation, stack_traces. Fix: write App(outdir='cdktf.out')."
    )
    assert error_of(lambda: App(out_dir="cdktf.out")) == (
        "App 'arguments': keyword 'out_dir' is not one App takes (did you mean 'outdir'?). Allowed: outdir, context, "
        "hcl_output, skip_backend_validation, skip_validation, stack_traces. Fix: write outdir=<value> instead."
    )


def test_a_stack_without_its_id_or_with_a_misspelt_keyword_is_one_problem(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    assert error_of(lambda: AzureStack(app)).startswith(
        "AzureStack 'the app': AzureStack() arguments (1 by position, 0 by keyword) do not fit its signature: "
        "missing a required argument: 'id'."
    )
    assert error_of(lambda: AzureStack(app, "own", tag={"Team": "orders"})).endswith(
        "got an unexpected keyword argument 'tag'. Allowed: AzureStack(scope, id, tags=None, backend=None, *, "
        "resource_provider_registrations='legacy', resource_providers_to_register=()). Fix: write tags= instead of "
        "tag=."
    )


# --- the commands -------------------------------------------------------------------------------------


def test_plan_test_on_a_stack_file_that_is_not_json_is_one_line_as_for_diagram(tmp_path, capsys):
    folder = tmp_path / "out" / "stacks" / "own"
    folder.mkdir(parents=True)
    (folder / "cdk.tf.json").write_text("{\n")
    assert main(["plan-test", "own", "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: {folder / 'cdk.tf.json'} is not valid JSON (Expecting property name enclosed in "
        "double quotes: line 2 column 1 (char 2)). Fix: run `cdktf synth` again.\n"
    )


def test_a_record_with_a_misspelt_table_or_key_is_refused_not_read_as_guarding_less():
    with pytest.raises(ValueError) as refused:
        parse_record('[[resources]]\nstack = "own"\ntype = "azurerm_key_vault"\nname = "kv-own"\n')
    assert str(refused.value) == (
        "it has 'resources', and a record holds [[resource]] entries only (did you mean [[resource]]?)"
    )
    with pytest.raises(ValueError) as refused:
        parse_record('[[resource]]\nstack = "own"\ntype = "azurerm_key_vault"\nname = "kv-own"\n'
                     'argument = { location = "westeurope" }\n')
    assert str(refused.value) == (
        "[[resource]] 1 (kv-own) has the key 'argument' (did you mean 'arguments'?); an entry has stack, type, name, "
        "arguments, unset"
    )


def test_one_construct_or_role_where_a_list_goes_says_to_write_a_list_of_one(stack, group):
    action = c.ActionGroup(stack, "Alerts", c.ActionGroupProps(
        "ag-own", group, "own", role_receivers=c.BuiltInRole.OWNER,
    ))
    c.Budget(stack, "Budget", c.BudgetProps("budget-own", 40, "2026-12-01", group, action))
    assert recorded(stack) == [
        "ActionGroup 'test/Alerts': role_receivers BuiltInRole.OWNER has the type BuiltInRole. Allowed: a sequence "
        "of BuiltInRole. Fix: give role_receivers a list, even of one: [BuiltInRole.OWNER].",
        "Budget 'test/Budget': resource_groups ResourceGroup 'test/Group' has the type ResourceGroup. Allowed: a "
        "sequence of IResourceGroup (an object with name and location). Fix: give resource_groups a list, even of "
        "one: [<ResourceGroup 'test/Group'>].",
    ]


def test_a_warning_that_does_not_match_lists_the_warnings_one_per_line_as_errors_do():
    annotations = Annotations((), ("KeyVault 'own/Vault': first.", "KeyVault 'own/Vault': second."))
    with pytest.raises(AssertionError) as failed:
        annotations.has_warning("KeyVault 'own/Vault': third.")
    assert str(failed.value) == (
        "Annotations: no warning matches \"KeyVault 'own/Vault': third.\"; its warnings:\n"
        "  - KeyVault 'own/Vault': first.\n"
        "  - KeyVault 'own/Vault': second."
    )


def test_a_template_from_a_stacks_folder_or_a_missing_file_says_which_path_to_pass(tmp_path):
    folder = tmp_path / "stacks" / "own"
    folder.mkdir(parents=True)
    (folder / "cdk.tf.json").write_text('{"resource": {}}')
    with pytest.raises(FileNotFoundError) as refused:
        Template.from_file(folder)
    assert str(refused.value) == (
        f"Template.from_file: {folder} is a folder. Fix: Template.from_file('{folder}/cdk.tf.json')."
    )
    with pytest.raises(FileNotFoundError) as refused:
        Template.from_file(tmp_path / "cdk.tf.json")
    assert str(refused.value) == (
        f"Template.from_file: there is no file {tmp_path / 'cdk.tf.json'}. Fix: synthesize the app first (cdktf "
        "synth), or pass the path of its cdktf.out/stacks/<stack>/cdk.tf.json."
    )
    assert Template.from_file(folder / "cdk.tf.json").name == "own"


def test_a_snapshot_path_that_is_a_folder_says_to_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError) as refused:
        APP.assert_matches_snapshot(tmp_path)
    assert str(refused.value) == (
        f"Template.assert_matches_snapshot: {tmp_path} is a folder. Fix: name the snapshot's file in it, e.g. "
        f"'{tmp_path / 'own.json'}'."
    )


def test_an_app_writing_hcl_is_refused_as_its_stacks_would_pass_the_checks_unread(tmp_path, monkeypatch):
    """With HCL (cdk.tf) the checks that read cdk.tf.json found no stack: two groups of one name passed."""
    monkeypatch.delenv("SYNTH_HCL_OUTPUT", raising=False)
    assert error_of(lambda: App(outdir=str(tmp_path / "out"), hcl_output=True)) == (
        "App 'arguments': hcl_output True writes the stacks as HCL (cdk.tf), where the library's checks at synth "
        "and its commands read JSON (cdk.tf.json): the checks would find no stack and pass. Allowed: hcl_output left "
        "out (JSON stacks). Fix: leave hcl_output out."
    )


def test_an_app_option_of_the_wrong_type_is_one_problem_not_cdktfs_type_error(tmp_path):
    assert error_of(lambda: App(outdir=str(tmp_path / "out"), skip_validation="yes")) == (
        "App 'arguments': skip_validation 'yes' has the type str. Allowed: bool or None. Fix: give skip_validation "
        "a value of type bool or None."
    )


def test_cdktf_synth_with_hcl_is_refused_and_without_it_hcl_output_is_moot(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNTH_HCL_OUTPUT", "true")  # as `cdktf synth --hcl` runs the app
    assert error_of(lambda: App(outdir=str(tmp_path / "out"))) == (
        "App 'arguments': SYNTH_HCL_OUTPUT 'true' writes the stacks as HCL (cdk.tf), where the library's checks at "
        "synth and its commands read JSON (cdk.tf.json): the checks would find no stack and pass (cdktf synth --hcl "
        "sets it). Allowed: JSON stacks. Fix: run cdktf synth without --hcl."
    )
    monkeypatch.setenv("SYNTH_HCL_OUTPUT", "false")  # cdktf's App then writes JSON whatever hcl_output says
    assert list(App(outdir=str(tmp_path / "out"), hcl_output=True).problems.problems) == []
