"""Assertions of `sigmatiq_infra.testing` that passed when they should have failed (a missing
key under `not_`, `True` against `1`, a template of an app changed after its synth, a
problem the stack's annotations left out, a snapshot written under CI), and messages that
hid what differs. Found by trying the testing module from outside the repository; each
case as AWS CDK's assertions decide it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sigmatiq_infra import App, AzureStack
from sigmatiq_infra import constructs as c
from sigmatiq_infra.testing import Annotations, Capture, Match, Template

REGISTRY = Template.from_json({"resource": {"azurerm_container_registry": {"Acr": {
    "name": "acrraw", "sku": "Premium", "tags": {"Team": "t"},
}}}}, "raw")
"""A registry written without `public_network_access_enabled` (Azure then makes it public)."""

APP = Template.from_json({"resource": {"azurerm_container_app": {"Api": {
    "name": "api",
    "template": {"min_replicas": 0, "max_replicas": 1, "container": [{"name": "api", "cpu": 0.5, "memory": "1Gi"}]},
    "ingress": {"traffic_weight": [{"latest_revision": True, "percentage": 100}]},
    "network_acls": {"bypass": "AzureServices", "default_action": "Allow"},
    "identity_ids": ["${azurerm_user_assigned_identity.Identity.id}"],
}}}}, "app")


def failure(check) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(AssertionError) as failed:
        check()
    return str(failed.value)


def vault_app(tmp_path: Path, stack_id: str = "own") -> tuple[App, AzureStack, c.ResourceGroup]:
    app = App(outdir=str(tmp_path / "cdktf.out"))
    stack = AzureStack(app, stack_id, tags={"Team": "orders"})
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-own", "westeurope"))
    return app, stack, group


# --- a key the resource does not have ------------------------------------------------------------

def test_not_fails_on_a_key_the_resource_does_not_have():
    pattern = {"public_network_access_enabled": Match.not_(True)}
    head = ("Template of stack 'raw': no azurerm_container_registry matches. The closest is 'Acr', which differs "
            "in 1 key:")
    assert failure(lambda: REGISTRY.has_resource("azurerm_container_registry", pattern)) == (
        f"{head}\n  public_network_access_enabled: expected not true, actual (not set)"
    )
    assert REGISTRY.find_resources("azurerm_container_registry", pattern) == {}
    misspelt = {"sku_nmae": Match.not_("Basic")}
    assert failure(lambda: REGISTRY.has_resource("azurerm_container_registry", misspelt)) == (
        f"{head}\n  sku_nmae: expected not 'Basic', actual (not set)"
    )
    REGISTRY.has_resource("azurerm_container_registry", {"sku": Match.not_("Basic")})


def test_only_absent_passes_on_a_missing_key_and_not_absent_means_set():
    REGISTRY.has_resource("azurerm_container_registry", {"admin_enabled": Match.absent(), "zone": None})
    REGISTRY.has_resource("azurerm_container_registry", {"sku": Match.not_(Match.absent())})
    for pattern, expected in (
        (Match.not_(Match.absent()), "set (not absent)"), (Match.any_value(), "any value"),
        (Capture(), "a value to capture"), ({"a": 1}, '{"a": 1}'),
    ):
        assert failure(lambda pattern=pattern: REGISTRY.has_resource(
            "azurerm_container_registry", {"admin_enabled": pattern},
        )).endswith(f"\n  admin_enabled: expected {expected}, actual (not set)")


# --- a boolean is not a number -------------------------------------------------------------------

def test_a_boolean_never_matches_a_number_in_a_pattern_an_exact_match_a_list_or_a_capture():
    cases = (
        ({"template": {"min_replicas": False}},
         "template.min_replicas: expected false (a boolean, not a number), actual 0"),
        ({"template": {"max_replicas": True}},
         "template.max_replicas: expected true (a boolean, not a number), actual 1"),
        ({"ingress": {"traffic_weight": [Match.exact({"latest_revision": 1, "percentage": 100})]}},
         "ingress.traffic_weight[0].latest_revision: expected 1 (a number, not a boolean), actual true"),
        ({"ingress": {"traffic_weight": Match.array_with([{"latest_revision": 1}])}},
         'ingress.traffic_weight: expected a list with {"latest_revision": 1} (in this order), '
         'actual [{"latest_revision": true, "percentage": 100}]'),
        ({"template": {"max_replicas": Capture(True)}},
         "template.max_replicas: expected true (a boolean, not a number), actual 1"),
    )
    for pattern, difference in cases:
        assert failure(lambda pattern=pattern: APP.has_resource("azurerm_container_app", pattern)).endswith(
            f"\n  {difference}",
        )
    APP.has_resource("azurerm_container_app", {"template": {"min_replicas": 0, "max_replicas": 1.0}})
    APP.has_resource("azurerm_container_app", {"ingress": {"traffic_weight": [{"latest_revision": True}]}})


# --- exact ---------------------------------------------------------------------------------------

def test_exact_hands_a_nested_matcher_its_part_and_takes_a_tuple_as_a_list():
    APP.has_resource("azurerm_container_app", {
        "network_acls": Match.exact({"bypass": Match.any_value(), "default_action": "Allow"}),
        "identity_ids": Match.exact(("${azurerm_user_assigned_identity.Identity.id}",)),
        "template": {"container": Match.exact([
            {"name": "api", "cpu": 0.5, "memory": Match.string_like_regexp("Gi$")},
        ])},
    })
    assert failure(lambda: APP.has_resource("azurerm_container_app", {
        "network_acls": Match.exact({"default_action": Match.any_value()}),
        "template": {"container": Match.exact([{"name": "api", "cpu": 0.5}])},
    })).endswith(
        "which differs in 2 keys:\n"
        "  network_acls.bypass: expected not set (an exact match has no other keys), actual 'AzureServices'\n"
        "  template.container[0].memory: expected not set (an exact match has no other keys), actual '1Gi'"
    )


# --- messages that show the difference -----------------------------------------------------------

def test_a_long_value_is_cut_where_both_are_the_same_so_the_difference_shows():
    role = "/subscriptions/${data.azurerm_client_config.ClientConfig.subscription_id}/providers/" \
           "Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6"
    document = Template.from_json({"resource": {"azurerm_role_assignment": {"Read": {"role_definition_id": role}}}})
    other = role[:-1] + "7"
    assert failure(lambda: document.has_resource("azurerm_role_assignment", {"role_definition_id": other})) == (
        "Template: no azurerm_role_assignment matches. The closest is 'Read', which differs in 1 key:\n"
        "  role_definition_id: expected ...ions/4633458b-17de-408a-b874-0445c86b69e7', "
        "actual ...ions/4633458b-17de-408a-b874-0445c86b69e6' (both start with the same 120 characters, left out)"
    )


def test_a_token_in_a_pattern_says_it_resolves_only_at_synth_and_what_to_write(tmp_path):
    _app, stack, group = vault_app(tmp_path)
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-own-1", group, public_network_access_enabled=True))
    secret = c.WriteOnlySecret.from_inputs(stack, "api_secret", "the API secret")
    vault.add_secret("Api", c.SecretProps("Api-Secret", secret))
    template = Template.from_stack(stack)
    hint = (
        " (an unresolved token: it resolves only at synth, so it never equals the template's value. "
        'Fix: write template.ref(construct, "attribute"), or the value the template holds)'
    )
    token = vault.resource.vault_uri  # a new token on every read
    uri = failure(lambda: template.has_resource("azurerm_key_vault", {"name": token}))
    assert uri.endswith(f"\n  name: expected {token!r}{hint}, actual 'kv-own-1'")
    version = failure(lambda: template.has_resource("azurerm_key_vault_secret", {"value_wo_version": secret.version}))
    assert version.endswith(
        f"\n  value_wo_version: expected {json.dumps(secret.version)}{hint}, actual '${{var.api_secret_version}}'",
    )
    template.has_resource("azurerm_key_vault_secret", {"key_vault_id": template.ref(vault, "id")})


def test_an_at_all_message_lists_what_its_own_section_has():
    document = Template.from_json({
        "data": {"azurerm_client_config": {"ClientConfig": {}}},
        "resource": {"azurerm_key_vault": {"Vault": {"name": "kv-a"}}},
    }, "doc")
    assert failure(lambda: document.has_data("azurerm_key_vault", {"name": "kv-a"})) == (
        "Template of stack 'doc': no data.azurerm_key_vault at all (its data source types: azurerm_client_config)"
    )
    assert failure(lambda: document.has_import(to="azurerm_key_vault.Vault")) == (
        "Template of stack 'doc': no import block at all (the stack has no import blocks)"
    )
    assert failure(lambda: document.has_moved(from_="azurerm_key_vault.Old")) == (
        "Template of stack 'doc': no moved block at all (the stack has no moved blocks)"
    )


def test_array_with_and_object_like_say_what_they_take():
    with pytest.raises(TypeError) as refused:
        Match.array_with("${a.b.id}")
    assert str(refused.value) == (
        "Match.array_with: takes a list of the items to find, not str '${a.b.id}'. "
        "Fix: Match.array_with(['${a.b.id}']) for a list holding that item."
    )
    with pytest.raises(TypeError) as refused:
        Match.array_with({"name": "database-url"})
    assert str(refused.value) == (
        'Match.array_with: takes a list of the items to find, not dict {"name": "database-url"}. '
        'Fix: Match.array_with([{"name": "database-url"}]) for a list holding that item.'
    )
    with pytest.raises(TypeError) as refused:
        Match.object_like(["name"])
    assert str(refused.value) == (
        'Match.object_like: takes a dict of keys and their patterns, not list ["name"]. '
        'Fix: Match.object_like({"name": "orders-api"}), or Match.any_value() for a key that must be set.'
    )


# --- an app changed after its synth --------------------------------------------------------------

CHANGED = (
    "{who}: the app's construct tree changed after it was synthesized for a test ({then} constructs then, {now} "
    "now). An app is synthesized once, as cdktf does, so the template and annotations would not show the change. "
    "Fix: build the whole app (in the test, or a fixture) before the first Template.from_stack or "
    "Annotations.from_stack, and use a new App for each variation."
)


def test_a_construct_added_after_the_first_synth_fails_the_next_template_and_annotations(tmp_path):
    app, stack, group = vault_app(tmp_path)
    Template.from_stack(stack).resource_count_is("azurerm_user_assigned_identity", 0)
    then = len(app.node.find_all())
    c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps("id-own", group))
    now = len(app.node.find_all())
    assert failure(lambda: Template.from_stack(stack)) == CHANGED.format(who="Template.from_stack", then=then, now=now)
    assert failure(lambda: Annotations.from_stack(stack)) == CHANGED.format(
        who="Annotations.from_stack", then=then, now=now,
    )


def test_a_bad_construct_or_a_stack_added_after_clean_annotations_is_not_missed(tmp_path):
    _app, stack, group = vault_app(tmp_path)
    Annotations.from_stack(stack).has_no_errors()
    c.KeyVault(stack, "Vault", c.KeyVaultProps("x", group, soft_delete_retention_days=3))
    assert failure(lambda: Annotations.from_stack(stack)).startswith("Annotations.from_stack: the app's construct tree")
    other_app, first, _ = vault_app(tmp_path / "other")
    Template.from_stack(first)
    second = AzureStack(other_app, "second")
    assert failure(lambda: Template.from_stack(second)).startswith("Template.from_stack: the app's construct tree")


# --- the problems that stop a stack's synth ------------------------------------------------------

def test_the_problems_of_a_stack_whose_id_was_rewritten_are_its_own(tmp_path):
    app = App(outdir=str(tmp_path / "cdktf.out"))
    stack = AzureStack(app, "bad id!", tags={"Team": "t"})
    assert stack.node.id == "bad-id"
    annotations = Annotations.from_stack(stack)
    assert annotations.problems == annotations.all_problems and len(annotations.problems) == 1
    assert annotations.problems[0].startswith("AzureStack 'bad id!': id 'bad id!' contains ' ', '!'.")
    with pytest.raises(AssertionError):
        annotations.has_no_errors()


def test_an_app_wide_problem_stops_every_stack_and_is_in_its_problems(tmp_path, monkeypatch):
    monkeypatch.setenv("SIGMATIQ_FULL_IMPORT", "maybe")
    _app, stack, _group = vault_app(tmp_path)
    annotations = Annotations.from_stack(stack)
    assert annotations.problems == annotations.all_problems and len(annotations.problems) == 1
    assert annotations.problems[0].startswith("Environment variable 'SIGMATIQ_FULL_IMPORT': value 'maybe' is not")
    with pytest.raises(AssertionError):
        annotations.has_no_errors()


def test_another_stacks_problem_is_its_own_unless_it_names_this_stack_too(tmp_path):
    app, one, group = vault_app(tmp_path, "one")
    c.KeyVault(one, "Vault", c.KeyVaultProps("kv-own-1", group, public_network_access_enabled=True))
    two = AzureStack(app, "two")
    other = c.ResourceGroup(two, "Group", c.ResourceGroupProps("rg-two", "westeurope"))
    c.KeyVault(two, "Vault", c.KeyVaultProps("kv-own-1", other, public_network_access_enabled=True))
    three = AzureStack(app, "three")
    c.KeyVault(three, "Vault", c.KeyVaultProps(
        "kv-own-3", c.ResourceGroup(three, "Group", c.ResourceGroupProps("rg-three", "westeurope")),
        soft_delete_retention_days=3,
    ))
    clash, retention = (Annotations.from_stack(two).problems[0], Annotations.from_stack(three).problems[0])
    assert clash.startswith("Key Vault 'two/Vault': name 'kv-own-1' is already the name of Key Vault 'one/Vault'")
    assert retention.startswith("KeyVault 'three/Vault': soft_delete_retention_days 3 is out of range.")
    assert Annotations.from_stack(one).problems == (clash,)  # the clash names it: renaming either fixes it
    assert Annotations.from_stack(two).problems == (clash,)
    assert Annotations.from_stack(three).problems == (retention,)


# --- snapshots -----------------------------------------------------------------------------------

@pytest.fixture
def snapshot_template(tmp_path):
    _app, stack, _group = vault_app(tmp_path, "snap")
    return Template.from_stack(stack)


def test_a_snapshot_keeps_the_state_path_of_the_folder_synth_ran_in(snapshot_template, tmp_path, monkeypatch):
    before = snapshot_template.to_snapshot()
    monkeypatch.chdir(tmp_path)
    assert snapshot_template.to_snapshot() == before
    assert json.loads(before)["terraform"]["backend"]["local"]["path"] == "terraform.snap.tfstate"


@pytest.mark.parametrize("ci", ["true", "1", "github"])
def test_a_snapshot_never_committed_fails_under_ci_and_is_not_written(snapshot_template, tmp_path, monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    monkeypatch.delenv("SIGMATIQ_UPDATE_SNAPSHOTS", raising=False)
    monkeypatch.chdir(tmp_path)
    assert failure(lambda: snapshot_template.assert_matches_snapshot("snapshots/snap.json")) == (
        f"Template of stack 'snap': no snapshot snapshots/snap.json (from the working folder: {tmp_path}/snapshots/"
        f"snap.json): it was never committed, and under CI (CI={ci}) none is written. Fix: run the test where CI is "
        "not set (or with SIGMATIQ_UPDATE_SNAPSHOTS=1), review the file it writes and commit it."
    )
    assert not (tmp_path / "snapshots").exists()


def test_a_missing_snapshot_is_written_off_ci_or_when_updating(snapshot_template, tmp_path, monkeypatch):
    monkeypatch.delenv("SIGMATIQ_UPDATE_SNAPSHOTS", raising=False)
    for name, ci in (("unset.json", None), ("false.json", "false"), ("empty.json", "")):
        if ci is None:
            monkeypatch.delenv("CI", raising=False)
        else:
            monkeypatch.setenv("CI", ci)
        snapshot_template.assert_matches_snapshot(tmp_path / name)
        assert (tmp_path / name).read_text() == snapshot_template.to_snapshot()
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("SIGMATIQ_UPDATE_SNAPSHOTS", "1")
    snapshot_template.assert_matches_snapshot(tmp_path / "updated.json")
    assert (tmp_path / "updated.json").exists()


# --- all resources, and a count of the matching ones ---------------------------------------------

def test_all_resources_properties_needs_every_resource_of_the_type_to_match():
    document = Template.from_json({"resource": {"azurerm_key_vault": {
        "A": {"name": "kv-a", "purge_protection_enabled": True},
        "B": {"name": "kv-b", "purge_protection_enabled": False},
        "C": {"name": "kv-c"},
    }}}, "doc")
    document.all_resources_properties("azurerm_key_vault", {"name": Match.string_like_regexp("^kv-")})
    protected = {"purge_protection_enabled": True}
    assert failure(lambda: document.all_resources_properties("azurerm_key_vault", protected)) == (
        "Template of stack 'doc': 2 of the 3 azurerm_key_vault do not match:\n"
        "  B:\n    purge_protection_enabled: expected true, actual false\n"
        "  C:\n    purge_protection_enabled: expected true, actual (not set)"
    )
    assert failure(lambda: document.all_resources_properties("azurerm_storage_account", {})) == (
        "Template of stack 'doc': no azurerm_storage_account at all (its resource types: azurerm_key_vault)"
    )


def test_resource_properties_count_is_counts_the_resources_that_match():
    document = Template.from_json({"resource": {"azurerm_key_vault": {
        "A": {"sku_name": "standard"}, "B": {"sku_name": "premium"}, "C": {"sku_name": "standard"},
    }}}, "doc")
    document.resource_properties_count_is("azurerm_key_vault", {"sku_name": "standard"}, 2)
    document.resource_properties_count_is("azurerm_key_vault", {"sku_name": "free"}, 0)
    assert failure(lambda: document.resource_properties_count_is("azurerm_key_vault", {"sku_name": "premium"}, 2)) == (
        "Template of stack 'doc': expected 2 azurerm_key_vault matching {\"sku_name\": \"premium\"}, found 1 "
        "(of the 3 azurerm_key_vault in the stack)"
    )
    with pytest.raises(TypeError, match=r"^Template.resource_properties_count_is: count '2' is a str"):
        document.resource_properties_count_is("azurerm_key_vault", {}, "2")


def test_exact_on_a_whole_resource_leaves_out_cdktfs_metadata():
    """"//" (the construct path) is cdktf's, no argument: an exact match of the arguments passes."""
    template = Template.from_json({"resource": {"azurerm_resource_group": {"Group_1": {
        "//": {"metadata": {"path": "orders/Group/Resource"}}, "name": "rg-orders", "location": "westeurope",
    }}}})
    template.has_resource("azurerm_resource_group", Match.exact({"name": "rg-orders", "location": "westeurope"}))
    with pytest.raises(AssertionError):
        template.has_resource("azurerm_resource_group", Match.exact({"name": "rg-orders"}))
