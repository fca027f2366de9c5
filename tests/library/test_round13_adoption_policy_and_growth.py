"""A user's app as it grows, tried from outside, thirteenth round: adopting what exists, the
deployed record, policy rules and tags, and more stacks. Each mistake is one line of the
numbered list (never a traceback, never silence), each value Azure takes passes."""

from __future__ import annotations

import pytest
from helpers import error_of, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.deployed import DeployedRecord, load_record
from sigmatiq_infra.testing import Match, Template
from sigmatiq_infra.validation import ValidationError

# --- the deployed record ---------------------------------------------------------------------------


def test_a_record_file_that_is_missing_is_one_problem_not_a_traceback(tmp_path):
    missing = tmp_path / "deployed.toml"
    assert error_of(lambda: load_record(missing)) == (
        f"Deployed record '{missing}': file '{missing}' cannot be read (No such file or directory). Allowed: the "
        "app's record file (TOML), as record-deployed prints its entries. Fix: point load_record at the record "
        "file; for an app with nothing deployed yet, pass DeployedRecord() instead."
    )


def test_a_record_that_is_no_toml_or_no_record_is_one_problem_naming_where(tmp_path):
    record = tmp_path / "deployed.toml"
    record.write_text('[[resource]\nstack = "svc"\n')
    assert error_of(lambda: load_record(record, "deployed.toml")) == (
        "Deployed record 'deployed.toml': file '" + str(record) + "' is not a record: Expected ']]' at the end of "
        "an array declaration (at line 1, column 11). Allowed: [[resource]] entries with stack, type, name, "
        "arguments, unset, as record-deployed prints them. Fix: repair the line or entry it names, or write the "
        "record again with sigmatiq-infra record-deployed."
    )
    record.write_text('[[resource]]\nstack = "svc"\nname = "kv-svc"\n')
    with pytest.raises(ValidationError) as refused:
        load_record(record, "deployed.toml")
    assert "is not a record: [[resource]] 1 has no type (a string)." in str(refused.value)


def test_a_good_record_file_loads_as_before(tmp_path):
    record = tmp_path / "deployed.toml"
    record.write_text('[[resource]]\nstack = "svc"\ntype = "azurerm_key_vault"\nname = "kv-svc"\n'
                      'arguments = { location = "westeurope" }\n')
    loaded = load_record(record)
    assert [(entry.stack, entry.name, dict(entry.arguments)) for entry in loaded] == [
        ("svc", "kv-svc", {"location": "westeurope"}),
    ]
    assert loaded.source == str(record) and isinstance(loaded, DeployedRecord)


# --- lookups of existing resources -----------------------------------------------------------------

SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
GROUP_ID = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-shared"
RESOURCE_GROUP_RULE = (
    "Allowed: resource group names have 1-90 characters; letters, digits, underscores, parentheses, hyphens and "
    "periods; ends with anything but a period."
)


def test_a_lookup_given_its_groups_resource_id_is_told_the_group_name_it_holds(stack):
    assert error_of(lambda: c.KeyVault.from_existing(
        stack, "Shared", name="kv-shared", resource_group_name=GROUP_ID,
    )) == (
        f"KeyVault.from_existing 'test/Shared': resource_group_name '{GROUP_ID}' contains '/'. "
        f"{RESOURCE_GROUP_RULE} Fix: write the name alone, not its resource id: 'rg-shared'."
    )


def test_a_lookups_group_with_a_slash_after_it_is_told_the_name_without_it(stack):
    assert error_of(lambda: c.ContainerRegistry.from_existing(
        stack, "Shared", name="acrshared", resource_group_name="rg-shared/",
    )) == (
        "ContainerRegistry.from_existing 'test/Shared': resource_group_name 'rg-shared/' contains '/' and ends "
        f"with '/'. {RESOURCE_GROUP_RULE} Fix: write the name alone, not with slashes or spaces around it: "
        "'rg-shared'."
    )


def test_a_lookup_given_the_resources_id_or_address_is_told_the_name_it_holds(stack):
    vault_id = f"{GROUP_ID}/providers/Microsoft.KeyVault/vaults/kv-shared"
    assert error_of(lambda: c.KeyVault.from_existing(
        stack, "Vault", name=vault_id, resource_group_name="rg-shared",
    )).endswith("Fix: write the name alone, not its resource id: 'kv-shared'.")
    assert error_of(lambda: c.KeyVault.from_existing(
        stack, "Uri", name="https://kv-shared.vault.azure.net/", resource_group_name="rg-shared",
    )).endswith("Fix: write the name alone, not its address: 'kv-shared'.")
    assert error_of(lambda: c.ContainerRegistry.from_existing(
        stack, "Registry", name="acrshared.azurecr.io", resource_group_name="rg-shared",
    )) == (
        "ContainerRegistry.from_existing 'test/Registry': name 'acrshared.azurecr.io' contains '.'. Allowed: "
        "container registry names have 5-50 characters; letters and digits only; unique across Azure. Fix: "
        "write the name alone, not its address: 'acrshared'."
    )


def test_a_name_that_is_no_azure_address_is_offered_a_name_made_of_it(stack, group):
    # Not an Azure address, so no name is read out of it: the fix makes one of it (round 20).
    assert error_of(lambda: c.KeyVault(stack, "Vault", c.KeyVaultProps("kv.orders.example", group))).endswith(
        "Fix: use 'kv-orders-example' or another Key Vault name that follows these rules.",
    )


def test_lookups_in_groups_named_as_azure_and_azurerm_take_them_pass(stack):
    # resourcegroups.ValidateName (go-azure-helpers), which azurerm's data sources use: ^[-\w._()]+$, 1-90
    # characters, not ending in a period; names compare in any case.
    for index, name in enumerate(("RG-Shared", "rg.shared(1)", "rg_shared", "r", "g" * 90)):
        c.KeyVault.from_existing(stack, f"Vault{index}", name="kv-shared", resource_group_name=name)
    assert recorded(stack) == []


# --- adoption ----------------------------------------------------------------------------------------


def adoption_of(stack, record: str = "", **settings):
    from sigmatiq_infra.adoption import Adoption
    from sigmatiq_infra.deployed import AdoptionSettings, parse_record

    return Adoption(stack, AdoptionSettings(enabled=True, subscription_id=SUBSCRIPTION, **settings),
                    parse_record(record, "deployed.toml"))


def server(stack, group, id: str, name: str, databases=("orders",)):
    password = c.WriteOnlySecret.from_inputs(stack, f"{id.lower()}_password", "the password")
    return c.PostgresServer(stack, id, c.PostgresServerProps(
        name, group, "B_Standard_B1ms", "ordersadmin", password, databases=list(databases),
        public_network_access_enabled=True,
    ))


DATABASES = "".join(
    f'[[resource]]\nstack = "test"\ntype = "azurerm_postgresql_flexible_server_database"\nname = "{name}"\n'
    for name in ("orders", "billing")
)


def test_adopting_a_database_under_another_servers_construct_is_one_problem_naming_its_server(stack, group):
    one, two = server(stack, group, "One", "psql-orders-one"), server(stack, group, "Two", "psql-orders-two")
    adoption = adoption_of(stack, DATABASES)
    assert error_of(lambda: adoption.child(one.databases["orders"], two, "orders"), stack) == (
        "Adoption 'test': child() parent PostgresServer 'test/Two' is not the parent of 'test/One/Database-orders', "
        "which 'test/One' made. Allowed: the construct that made the child. Fix: pass 'test/One' as the parent."
    )
    assert "import" not in Template.from_stack(stack).doc


def test_adopting_a_child_under_another_name_than_it_writes_is_one_problem_with_its_name(stack, group):
    one = server(stack, group, "One", "psql-orders-one", ("orders", "billing"))
    adoption = adoption_of(stack, DATABASES)
    assert error_of(lambda: adoption.child(one.databases["billing"], one, "orders"), stack) == (
        "Adoption 'test': child() name 'orders' is not the name 'test/One/Database-billing' writes ('billing'). "
        "Allowed: the child's own name, which its import id ends with. Fix: pass 'billing': "
        "adoption.child(resource, parent, 'billing')."
    )


def test_adopting_another_stacks_child_is_one_problem_and_imports_nothing(tmp_path):
    from sigmatiq_infra.stacks import App, AzureStack

    app = App(outdir=str(tmp_path / "out"))
    mine, theirs = AzureStack(app, "test"), AzureStack(app, "other")
    their_server = server(theirs, c.ResourceGroup(theirs, "Group", c.ResourceGroupProps("rg-other", "westeurope")),
                          "Db", "psql-other")
    my_server = server(mine, c.ResourceGroup(mine, "Group", c.ResourceGroupProps("rg-test", "westeurope")),
                       "Db", "psql-test")
    adoption = adoption_of(mine, DATABASES)
    assert error_of(lambda: adoption.child(their_server.databases["orders"], my_server, "orders"), mine) == (
        "Adoption 'test': child() resource 'orders' is made in stack 'other', not in this one. Allowed: a child "
        "resource of this stack. Fix: adopt it with the Adoption of its own stack."
    )


def test_adopting_a_child_of_its_own_parent_by_its_own_name_imports_it(stack, group):
    one = server(stack, group, "One", "psql-orders-one", ("orders", "billing"))
    adoption_of(stack, DATABASES).child(one.databases["billing"], one, "billing")
    assert recorded(stack) == []
    Template.from_stack(stack).has_import(
        to=Match.string_like_regexp(r"^azurerm_postgresql_flexible_server_database\.One_Database-billing_"),
        id=f"{GROUP_ID.replace('rg-shared', 'rg-test')}/providers/Microsoft.DBforPostgreSQL/flexibleServers/"
        "psql-orders-one/databases/billing",
    )


ASSIGNMENT = "11111111-1111-1111-1111-111111111111"


def vault_granted_to_an_identity(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-orders-7c1", group, public_network_access_enabled=True))
    vault.grant_secrets_read(c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps("id-orders", group)))
    return vault


def test_an_existing_assignment_keyed_by_a_misspelt_role_is_one_problem_with_the_key_to_write(stack, group):
    vault_granted_to_an_identity(stack, group)
    adoption = adoption_of(stack, role_assignments={"Key Vault Secret User on kv-orders-7c1": ASSIGNMENT})
    assert error_of(adoption.role_assignments, stack) == (
        "Adoption 'test': role_assignments key 'Key Vault Secret User on kv-orders-7c1' names no grant of this "
        "stack, so no assignment is imported for it (did you mean 'Key Vault Secrets User on kv-orders-7c1'?). "
        "Allowed: '<role> on <target name>' of a grant the stack makes: 'Key Vault Secrets User on kv-orders-7c1'. "
        "Fix: use 'Key Vault Secrets User on kv-orders-7c1'."
    )


def test_an_existing_assignment_listed_before_its_grant_is_made_says_to_adopt_after_the_grants(stack, group):
    adoption = adoption_of(stack, role_assignments={"AcrPull on acrorders": ASSIGNMENT})
    assert error_of(adoption.role_assignments, stack) == (
        "Adoption 'test': role_assignments key 'AcrPull on acrorders' names no grant of this stack, so no "
        "assignment is imported for it. Allowed: '<role> on <target name>' of a grant the stack makes: it makes "
        "none. Fix: name a grant the stack makes, and call role_assignments() after the grants."
    )


def test_an_existing_assignment_keyed_as_its_grant_is_imported(stack, group):
    vault = vault_granted_to_an_identity(stack, group)
    adoption_of(stack, role_assignments={"Key Vault Secrets User on kv-orders-7c1": ASSIGNMENT}).role_assignments()
    assert recorded(stack) == []
    Template.from_stack(stack).has_import(
        id=f"{GROUP_ID.replace('rg-shared', 'rg-test')}/providers/Microsoft.KeyVault/vaults/{vault.name}"
        f"/providers/Microsoft.Authorization/roleAssignments/{ASSIGNMENT}",
    )


# --- stacks of one app ---------------------------------------------------------------------------------


def test_two_stacks_whose_ids_differ_only_in_case_are_one_problem_naming_both(tmp_path):
    from sigmatiq_infra.stacks import App, AzureStack

    app = App(outdir=str(tmp_path / "out"))
    AzureStack(app, "prod")
    AzureStack(app, "Prod")
    assert error_of(app.synth) == (
        "AzureStack 'Prod': id 'Prod' differs from the id of stack 'prod' only in case. Allowed: stack ids that "
        "differ in more than case (each names the stack's folder, stacks/<id>, and its local state file, "
        "terraform.<id>.tfstate: on a file system that compares names in any case, macOS's and Windows' default, "
        "the two stacks would share both and plan against each other's state). Fix: rename one of 'prod' and 'Prod'."
    )
    assert not (tmp_path / "out").exists()


def test_stacks_of_an_app_with_ids_of_their_own_pass(tmp_path):
    from sigmatiq_infra.stacks import App, AzureStack

    app = App(outdir=str(tmp_path / "out"))
    for id in ("prod", "prod-eu", "Beta"):
        AzureStack(app, id)
    app.synth()
    assert sorted(path.name for path in (tmp_path / "out" / "stacks").iterdir()) == ["Beta", "prod", "prod-eu"]


# --- a user's own policy rules -------------------------------------------------------------------------


def vault_with_rule(tmp_path, check, *, as_aspect: bool):
    from sigmatiq_infra.aspects import PolicyAspect, Rule, check_every_construct
    from sigmatiq_infra.cdk import Aspects
    from sigmatiq_infra.stacks import App, AzureStack

    app = App(outdir=str(tmp_path / "out"))
    stack = AzureStack(app, "svc")
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-svc", "westeurope"))
    c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-svc-7c1", group, public_network_access_enabled=True))
    rule = Rule("vault-prefix", check, "vault names starting with kv-", "rename the vault")
    if as_aspect:
        Aspects.of(stack).add(PolicyAspect([rule]))
    else:
        check_every_construct(stack, [rule])
    return app


def raises_on_most_constructs(node):
    return node.name.startswith("x")  # no `name` on a stack: the rule's own bug


@pytest.mark.parametrize("as_aspect", [True, False])
def test_a_rule_that_raises_keeps_its_own_error_and_traceback_naming_the_rule(tmp_path, as_aspect):
    app = vault_with_rule(tmp_path, raises_on_most_constructs, as_aspect=as_aspect)
    with pytest.raises(AttributeError) as raised:
        app.synth()
    assert str(raised.value) == "'AzureStack' object has no attribute 'name'"
    assert raised.value.__notes__ == ["in policy rule 'vault-prefix', checking AzureStack 'svc'"]
    assert raised.traceback[-1].name == "raises_on_most_constructs"  # jsii handed back only the message
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("as_aspect", [True, False])
def test_a_rule_that_answers_true_instead_of_what_is_wrong_is_one_problem_saying_what_to_return(tmp_path, as_aspect):
    app = vault_with_rule(tmp_path, lambda node: getattr(node, "name", "") == "kv-svc-7c1", as_aspect=as_aspect)
    assert error_of(app.synth) == (
        "Policy rule 'vault-prefix': check's result True is of type bool, which says nothing of what is wrong. "
        "Allowed: a text saying what is wrong with the construct (e.g. 'has public network access enabled'), or "
        "None when nothing is. Fix: return a sentence or None from the rule's check."
    )


def test_a_rule_that_says_what_is_wrong_is_reported_as_before(tmp_path):
    app = vault_with_rule(
        tmp_path, lambda node: "is named kv-svc-7c1" if getattr(node, "name", "") == "kv-svc-7c1" else None,
        as_aspect=True,
    )
    assert error_of(app.synth) == (
        "Policy 'svc/Vault': rule 'vault-prefix': 'KeyVault' is named kv-svc-7c1. Allowed: vault names starting "
        "with kv-. Fix: rename the vault, or suppress it with sigmatiq_infra.aspects.suppress(construct, "
        "'vault-prefix', reason)."
    )


# --- tags and aspects ----------------------------------------------------------------------------------


def test_an_aspect_added_to_the_app_which_cdktf_never_runs_is_one_problem_not_silence(tmp_path):
    from sigmatiq_infra.aspects import PolicyAspect, TagResources
    from sigmatiq_infra.aspects.rules import PRIVATE_ENVIRONMENT
    from sigmatiq_infra.cdk import Aspects
    from sigmatiq_infra.stacks import App, AzureStack

    app = App(outdir=str(tmp_path / "out"))
    c.ResourceGroup(AzureStack(app, "svc"), "Group", c.ResourceGroupProps("rg-svc", "westeurope"))
    Aspects.of(app).add(TagResources({"CostCenter": "4711"}))
    Aspects.of(app).add(PolicyAspect(PRIVATE_ENVIRONMENT))
    assert error_of(app.synth).splitlines() == [
        f"App 'the app': aspect {kind!r} is added to the app, whose aspects cdktf never runs (it runs each stack's, "
        "from the stack down), so it would tag or check nothing. Allowed: aspects on a stack, or on a construct in "
        f"one. Fix: add it to each stack instead: for stack in stacks: Aspects.of(stack).add({kind}(...))."
        for kind in ("TagResources", "PolicyAspect")
    ]
    assert not (tmp_path / "out").exists()


def test_an_aspect_added_to_each_stack_tags_its_resources(tmp_path):
    from sigmatiq_infra.aspects import TagResources
    from sigmatiq_infra.cdk import Aspects
    from sigmatiq_infra.stacks import App, AzureStack

    app = App(outdir=str(tmp_path / "out"))
    stacks = [AzureStack(app, name) for name in ("svc", "ops")]
    for stack in stacks:
        c.ResourceGroup(stack, "Group", c.ResourceGroupProps(f"rg-{stack.node.id}", "westeurope"))
        Aspects.of(stack).add(TagResources({"CostCenter": "4711"}))
    for stack in stacks:
        Template.from_stack(stack).has_resource_properties("azurerm_resource_group", {"tags": {"CostCenter": "4711"}})


# --- replacement opt-ins and the guard -------------------------------------------------------------

REASON = "The vault moves to West Europe with the service."
VAULT_RECORD = (
    '[[resource]]\nstack = "svc"\ntype = "azurerm_key_vault"\nname = "kv-svc-7c1"\n'
    'arguments = { location = "northeurope" }\n'
)


def guarded_vault(tmp_path, replacements, record=None):
    from sigmatiq_infra import deployed
    from sigmatiq_infra.stacks import App, AzureStack

    app = App(outdir=str(tmp_path / "out"))
    stack = AzureStack(app, "svc")
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-svc", "westeurope"))
    c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-svc-7c1", group, public_network_access_enabled=True))
    deployed.guard(app, deployed.parse_record(VAULT_RECORD, "deployed.toml") if record is None else record,
                   replacements)
    return app


def test_an_opt_in_for_an_argument_written_as_no_argument_name_is_told_the_name_to_write(tmp_path):
    from sigmatiq_infra.deployed import AdoptionSettings, Replacement

    assert AdoptionSettings(replacements=(Replacement("kv-svc-7c1", "Location", REASON),)).problems("svc") == (
        "AdoptionSettings 'svc': replacements[0].argument 'Location' is not an argument name, so no change would "
        "match it. Allowed: 'delete', 'replace', or the argument that forces the replacement as azurerm names it "
        "(lowercase letters, digits and underscores, e.g. 'geo_redundant_backup_enabled'). Fix: write 'location'.",
    )
    assert AdoptionSettings(replacements=(Replacement("psql", "geo redundant-backup", REASON),)).problems("svc")[0] \
        .endswith("Fix: write 'geo_redundant_backup'.")
    assert error_of(guarded_vault(tmp_path, {"svc": (Replacement("kv-svc-7c1", "Location", REASON),)}).synth) \
        .splitlines()[0].startswith("AdoptionSettings 'svc': replacements[0].argument 'Location' is not an argument")


def test_opt_ins_whose_fields_have_the_wrong_type_are_problems_not_attribute_errors(tmp_path):
    from sigmatiq_infra.deployed import AdoptionSettings, Replacement

    settings = AdoptionSettings(replacements=(Replacement("kv-svc-7c1", 5, None),))  # type: ignore[arg-type]
    assert settings.problems("svc") == (
        "AdoptionSettings 'svc': replacements[0].argument 5 has the type int. Allowed: str. Fix: give "
        "replacements[0].argument a value of type str: '5' in quotes.",
        "AdoptionSettings 'svc': replacements[0].reason None has the type NoneType. Allowed: str. Fix: give "
        "replacements[0].reason a value of type str.",
    )
    assert error_of(guarded_vault(tmp_path, {"svc": (Replacement("kv-svc-7c1", "location", None),)}).synth) \
        .splitlines()[0] == (
        "AdoptionSettings 'svc': replacements[0].reason None has the type NoneType. Allowed: str. Fix: give "
        "replacements[0].reason a value of type str."
    )


def test_one_opt_in_where_the_guard_takes_a_list_of_them_is_one_problem_with_the_list_to_write(tmp_path):
    from sigmatiq_infra.deployed import Replacement

    problems = error_of(guarded_vault(tmp_path, {"svc": Replacement("kv-svc-7c1", "location", REASON)}).synth)
    assert problems.splitlines()[0] == (
        "AdoptionSettings 'svc': replacements Replacement(resource='kv-svc-7c1', argument='location', "
        "reason='The vault mov... has the type Replacement. Allowed: a sequence of Replacement. Fix: give replacements "
        f"a list, even of one: [Replacement(resource='kv-svc-7c1', argument='location', reason={REASON!r}, type=None)]."
    )


def test_the_guard_given_the_records_path_or_opt_ins_not_keyed_by_stack_says_what_to_pass(tmp_path):
    from pathlib import Path

    from sigmatiq_infra.deployed import Replacement

    app = guarded_vault(tmp_path, (Replacement("kv-svc-7c1", "location", REASON),), Path("deployed.toml"))
    assert error_of(app.synth).splitlines() == [
        "deployed.guard 'arguments': record PosixPath('deployed.toml') has the type PosixPath. Allowed: the app's "
        "DeployedRecord. Fix: pass the loaded record: deployed.guard(app, "
        "deployed.load_record(Path('deployed.toml')), replacements).",
        "deployed.guard 'arguments': replacements (Replacement(resource='kv-svc-7c1', argument='location', "
        "reason='The vault mo... has the type tuple. Allowed: a mapping of each stack's id to its opt-ins, e.g. "
        "{'prod': (Replacement(...),)}. Fix: key the opt-ins by the id of their stack: "
        "replacements={'<stack id>': (Replacement(...),)}.",
    ]


def test_an_opt_in_in_a_list_with_its_argument_as_azurerm_names_it_lets_the_change_through(tmp_path):
    from sigmatiq_infra.deployed import Replacement

    guarded_vault(tmp_path, {"svc": [Replacement("kv-svc-7c1", "location", REASON)]}).synth()
    assert (tmp_path / "out" / "stacks" / "svc" / "cdk.tf.json").exists()


def test_adoption_given_the_records_path_is_one_problem_not_a_type_error_at_its_first_call(stack, group):
    from pathlib import Path

    from sigmatiq_infra.adoption import Adoption
    from sigmatiq_infra.deployed import AdoptionSettings

    adoption = Adoption(stack, AdoptionSettings(enabled=True, subscription_id=SUBSCRIPTION), Path("deployed.toml"))
    adoption.group(group)
    assert recorded(stack) == [
        "Adoption 'test': record PosixPath('deployed.toml') has the type PosixPath. Allowed: the app's "
        "DeployedRecord. Fix: pass the loaded record: Adoption(stack, settings, "
        "deployed.load_record(Path('deployed.toml'))).",
    ]
