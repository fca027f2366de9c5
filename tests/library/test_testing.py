"""`sigmatiq_infra.testing`: templates from a real synth, matchers, the failure messages a user
reads, annotations, snapshots, and the mocked-provider plan (`plan-test`)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import TERRAFORM, empty_provider_mirror

from sigmatiq_infra import App, AzureStack
from sigmatiq_infra import constructs as c
from sigmatiq_infra.cli import main as cli
from sigmatiq_infra.testing import Annotations, Capture, Match, Template, plan_test, write_plan_test


def own_app(tmp_path: Path, *, vault_name: str = "kv-own-1", soft_delete: int = 90):
    app = App(outdir=str(tmp_path / "cdktf.out"))
    stack = AzureStack(app, "own", tags={"Team": "orders"})
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-own", "westeurope"))
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps(
        vault_name, group, public_network_access_enabled=True, soft_delete_retention_days=soft_delete,
    ))
    identity = c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps("mi-own", group))
    vault.grant_secrets_read(identity)
    other = AzureStack(app, "other")
    c.ResourceGroup(other, "Group", c.ResourceGroupProps("rg-other", "westeurope"))
    return app, stack, vault, identity


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return own_app(tmp_path_factory.mktemp("own"))


@pytest.fixture(scope="module")
def template(built):
    return Template.from_stack(built[1])


# --- a template from a real synth ---------------------------------------------------------------

def test_a_template_is_the_stack_as_synth_makes_it_with_nothing_written(built, template, tmp_path):
    app = built[0]
    assert template.name == "own"
    template.has_resource("azurerm_key_vault", {"name": "kv-own-1", "tags": {"Team": "orders"}})
    assert not Path(app.target).exists()  # nothing in the app's cdktf.out


def test_the_templates_of_an_apps_stacks_share_one_synth(built, template, monkeypatch):
    app = built[0]
    monkeypatch.setattr(type(app), "assemble", lambda self: pytest.fail("synthesized twice"))
    other = Template.from_stack(app.node.find_child("other"))
    other.resource_count_is("azurerm_resource_group", 1)
    assert Template.from_stack(built[1]).doc == template.doc


def test_lookups_counts_and_references(template, built):
    _app, _stack, vault, identity = built
    template.resource_count_is("azurerm_role_assignment", 1)
    logical_id = vault.resource.friendly_unique_id
    assert list(template.find_resources("azurerm_key_vault", {"sku_name": "standard"})) == [logical_id]
    assert template.find_resources("azurerm_key_vault", {"sku_name": "premium"}) == {}
    assert template.ref(vault, "vault_uri") == f"${{azurerm_key_vault.{logical_id}.vault_uri}}"
    by_name = template.ref("azurerm_user_assigned_identity", "mi-own", "principal_id")
    assert by_name == template.ref(identity, "principal_id")
    template.has_resource("azurerm_role_assignment", {
        "scope": template.ref(vault), "principal_id": template.ref(identity, "principal_id"),
    })


# --- matchers -----------------------------------------------------------------------------------

def test_dicts_match_partially_at_every_depth_and_lists_item_by_item(template):
    template.has_resource("azurerm_key_vault", {"network_acls": {"default_action": "Allow"}})
    with pytest.raises(AssertionError):
        template.has_resource("azurerm_key_vault", {"network_acls": Match.exact({"default_action": "Allow"})})


def test_absent_passes_only_for_a_key_that_is_not_there(template):
    template.has_resource("azurerm_key_vault", {"access_policy": Match.absent(), "enabled_for_disk_encryption": None})
    document = Template.from_json({"resource": {"azurerm_x": {"a": {"name": "a", "empty": [], "null": None}}}})
    for key in ("empty", "null"):  # a key written as [] or null is set: absent() fails on it
        with pytest.raises(AssertionError) as failed:
            document.has_resource("azurerm_x", {key: Match.absent()})
        assert f"{key}: expected not set, actual" in str(failed.value)
    with pytest.raises(AssertionError):
        document.has_resource("azurerm_x", {"null": None})  # None in a pattern means absent() too


def test_any_value_regexp_not_array_with_and_capture():
    document = Template.from_json({"resource": {"azurerm_x": {"a": {
        "name": "ca-orders", "ports": [80, 443, 8080], "tags": {"Team": "orders"}, "none": None,
    }}}})
    document.has_resource("azurerm_x", {"name": Match.string_like_regexp("^ca-"), "tags": Match.any_value()})
    document.has_resource("azurerm_x", {"ports": Match.array_with([80, 8080]), "name": Match.not_("ca-billing")})
    with pytest.raises(AssertionError):
        document.has_resource("azurerm_x", {"ports": Match.array_with([8080, 80])})  # order matters
    with pytest.raises(AssertionError):
        document.has_resource("azurerm_x", {"none": Match.any_value()})
    port, tags = Capture(), Capture()
    document.has_resource("azurerm_x", {"ports": Match.array_with([Capture(443), port]), "tags": tags})
    assert (port.as_number(), tags.as_object()) == (8080, {"Team": "orders"})
    with pytest.raises(AssertionError, match="not a string"):
        port.as_string()


def test_a_failure_names_the_closest_resource_and_each_key_that_differs(tmp_path, built):
    second = own_app(tmp_path, vault_name="kv-own-2", soft_delete=7)
    template = Template.from_stack(second[1])
    with pytest.raises(AssertionError) as failed:
        template.has_resource("azurerm_key_vault", {
            "name": "kv-own-2", "soft_delete_retention_days": 90, "purge_protection_enabled": True,
            "sku_name": "premium",
        })
    logical_id = second[2].resource.friendly_unique_id
    assert str(failed.value) == (
        f"Template of stack 'own': no azurerm_key_vault matches. The closest is {logical_id!r} (own/Vault/Resource), "
        "which differs in 2 keys:\n"
        "  soft_delete_retention_days: expected 90, actual 7\n"
        "  sku_name: expected 'premium', actual 'standard'"
    )
    with pytest.raises(AssertionError) as failed:
        template.has_resource("azurerm_storage_account", {"name": "x"})
    assert str(failed.value).startswith(
        "Template of stack 'own': no azurerm_storage_account at all (its resource types: ",
    )


# --- problems surface in the test ---------------------------------------------------------------

def test_validation_problems_and_policy_findings_fail_the_template_and_can_be_read(tmp_path):
    from sigmatiq_infra.aspects import check_library_constructs
    from sigmatiq_infra.aspects.rules import OPERABLE

    app = App(outdir=str(tmp_path / "cdktf.out"))
    stack = AzureStack(app, "own")
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-own", "westeurope"))
    c.KeyVault(stack, "Vault", c.KeyVaultProps("kv--own", group, public_network_access_enabled=True))
    check_library_constructs(stack, OPERABLE)
    with pytest.raises(AssertionError) as failed:
        Template.from_stack(stack)
    message = str(failed.value)
    assert message.startswith(
        "sigmatiq-infra: synth stopped, nothing was written (2 problems):\n  1. KeyVault 'own/Vault'",
    )
    assert "  2. Policy 'own/Vault': rule 'diagnostics-required'" in message
    annotations = Annotations.from_stack(stack)
    assert len(annotations.problems) == 2
    annotations.has_error(Match.string_like_regexp("name 'kv--own' contains consecutive hyphens"))
    with pytest.raises(AssertionError):
        annotations.has_no_errors()
    Template.from_stack(stack, allow_problems=True).has_resource("azurerm_key_vault", {"name": "kv--own"})
    assert not (tmp_path / "cdktf.out").exists()


def test_outputs_variables_imports_and_moved_blocks():
    document = Template.from_json({
        "output": {"fqdn": {"value": "${azurerm_x.a.fqdn}"}},
        "variable": {"pw": {"type": "string", "sensitive": True, "validation": [
            {"condition": "${length(var.pw) >= 8}", "error_message": "The deploy-time input pw is short."},
        ]}},
        "import": [{"to": "azurerm_x.a", "id": "/subscriptions/x/resourceGroups/rg"}],
        "moved": [{"from": "azurerm_x.old", "to": "azurerm_x.a"}],
        "resource": {"azurerm_x": {"a": {"name": "a"}}},
    }, "own")
    document.has_output("fqdn", {"value": Match.string_like_regexp("fqdn")})
    document.has_variable("pw", {"sensitive": True, "validation": Match.array_with([
        {"error_message": Match.string_like_regexp("short")},
    ])})
    document.has_import(to="azurerm_x.a", id=Match.string_like_regexp("^/subscriptions/"))
    document.has_moved(from_="azurerm_x.old", to="azurerm_x.a")
    with pytest.raises(AssertionError, match="no output 'url' \\(outputs: fqdn\\)"):
        document.has_output("url")
    with pytest.raises(AssertionError, match="no import block matches"):
        document.has_import(to="azurerm_x.b")


# --- snapshots ----------------------------------------------------------------------------------

def test_a_snapshot_is_stable_written_once_and_then_compared(template, tmp_path, monkeypatch):
    monkeypatch.delenv("SIGMATIQ_UPDATE_SNAPSHOTS", raising=False)
    monkeypatch.delenv("CI", raising=False)  # under CI a missing snapshot fails instead of being written
    text = template.to_snapshot()
    assert text == template.to_snapshot() and json.loads(text)["//"]["metadata"].get("version") is None
    assert list(json.loads(text)) == sorted(json.loads(text))
    file = tmp_path / "own.json"
    template.assert_matches_snapshot(file)
    template.assert_matches_snapshot(file)
    file.write_text(text.replace('"kv-own-1"', '"kv-own-9"'))
    with pytest.raises(AssertionError) as failed:
        template.assert_matches_snapshot(file)
    assert re.search(r'\n- +"name": "kv-own-9",\n\+ +"name": "kv-own-1",\n', str(failed.value))
    monkeypatch.setenv("SIGMATIQ_UPDATE_SNAPSHOTS", "1")
    template.assert_matches_snapshot(file)
    assert file.read_text() == text


# --- the mocked-provider plan -------------------------------------------------------------------

@pytest.fixture(scope="module")
def synthesized(tmp_path_factory):
    """The own app as `cdktf synth` writes it (an app of its own: `built`'s stays unwritten)."""
    out = tmp_path_factory.mktemp("synth") / "cdktf.out"
    app, *_ = own_app(out.parent)
    app.synth()
    return out


@pytest.mark.slow
def test_the_plan_test_file_is_the_same_on_every_run_and_terraform_reads_it(synthesized):
    first = write_plan_test(synthesized, "own").read_text()
    second = write_plan_test(synthesized, "own").read_text()
    assert first == second
    assert 'mock_provider "azurerm" {' in first and 'run "plan" {\n  command = plan\n}' in first
    if TERRAFORM is None:
        pytest.skip("terraform is not installed (CI and bin/test have it)")
    formatted = subprocess.run([TERRAFORM, "fmt", "-check", "-no-color", "-"], input=first, capture_output=True,
                               text=True, env=empty_provider_mirror(synthesized.parent / "tf"))
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr  # valid HCL, formatted as Terraform does


def test_without_a_provider_plan_test_fails_with_one_line_naming_what_is_missing(synthesized, capsys, monkeypatch):
    if TERRAFORM is None:
        pytest.skip("terraform is not installed (CI and bin/test have it)")
    for name, value in empty_provider_mirror(synthesized.parent / "tf").items():
        monkeypatch.setenv(name, value)
    assert cli(["plan-test", "own", "--out", str(synthesized)]) == 1
    document = json.loads((synthesized / "stacks/own/cdk.tf.json").read_text())
    version = document["terraform"]["required_providers"]["azurerm"]["version"]
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: plan-test own: Terraform cannot install the azurerm provider (hashicorp/azurerm {version}) "
        "that the mock needs: it reaches no registry and finds it in no mirror. Fix: run where Terraform reaches "
        "registry.terraform.io, or point TF_CLI_CONFIG_FILE at a configuration with a provider mirror that holds "
        f"azurerm {version}.\n"
    )


def test_plan_test_names_a_stack_that_was_not_synthesized(tmp_path, capsys):
    assert cli(["plan-test", "own", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"sigmatiq-infra: error: plan-test: own not synthesized in {tmp_path}. Fix: run `cdktf synth` first, or "
        "pass --out with your app's output folder.\n"
    )


LOCAL_MIRROR = Path("/opt/tf-plugins/registry.terraform.io/hashicorp/aws")


@pytest.mark.slow
@pytest.mark.skipif(TERRAFORM is None or not LOCAL_MIRROR.is_dir(), reason="no local provider mirror here")
def test_terraform_runs_the_generated_test_mocks_imports_and_checks_every_input_rule(tmp_path):
    """End to end with a provider that a mirror on this machine holds (the generation does
    not depend on the provider): the plan passes with the sample values, and a value the
    input's rule refuses fails it."""
    version = sorted(p.name for p in LOCAL_MIRROR.iterdir())[-1]
    folder = tmp_path / "cdktf.out" / "stacks" / "mine"
    folder.mkdir(parents=True)
    (folder / "cdk.tf.json").write_text(json.dumps({
        "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": version}}},
        "provider": {"aws": [{"region": "eu-west-1"}]},
        "variable": {"db_password": {"type": "string", "sensitive": True, "validation": [
            {"condition": "${length(var.db_password) >= 8}", "error_message": "The password is short."},
        ]}},
        "resource": {"aws_s3_bucket": {"b": {"bucket": "mine-${length(var.db_password)}"}}},
        "import": [{"to": "aws_s3_bucket.b", "id": "mine"}],
    }))
    config = tmp_path / "terraform.rc"
    mirror = LOCAL_MIRROR.parents[2]
    config.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n')
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(config), "CHECKPOINT_DISABLE": "1"}
    [passed] = plan_test(["mine"], tmp_path / "cdktf.out", env=env)
    assert passed.passed and passed.missing is None, passed.output
    assert "Success! 1 passed, 0 failed." in passed.output
    [failed] = plan_test(["mine"], tmp_path / "cdktf.out", env=env, variables={"db_password": "short"})
    assert not failed.passed and "The password is short." in failed.output
    shutil.rmtree(folder / ".terraform", ignore_errors=True)
