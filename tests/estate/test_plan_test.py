"""The mocked-provider plan of every Sigmatiq stack (`sigmatiq-infra plan-test`, which CI runs
where Terraform reaches the registry): the same test file on every run, answering the
lookups of the shared stack as found, overriding every adopted resource, and giving every
deploy-time input a value its rules accept."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from helpers import ROOT, TERRAFORM, empty_provider_mirror

from sigmatiq_infra import azurerm
from sigmatiq_infra.plan_test import SAMPLE_CERTIFICATE, SAMPLE_SECRET, TEST_FILE, plan_test_file

STACKS = ("state", "shared", "beta", "prod")


@pytest.fixture(scope="module")
def out(synthesized, synthesized_dir, tmp_path_factory):
    """A copy of the session's synth output (the test files go beside each cdk.tf.json)."""
    copy = tmp_path_factory.mktemp("plan-test") / "cdktf.out"
    shutil.copytree(synthesized_dir / "stacks", copy / "stacks", ignore=shutil.ignore_patterns("checkov"))
    return copy


@pytest.mark.slow
def test_the_test_file_of_every_stack_is_the_same_in_another_process(out, synthesized):
    code = (
        "import sys; from sigmatiq_infra.plan_test import write_plan_test\n"
        f"for stack in {list(STACKS)!r}: write_plan_test(sys.argv[1], stack)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(out)], check=True, cwd=ROOT, timeout=120)
    for stack in STACKS:
        assert (out / "stacks" / stack / TEST_FILE).read_text() == plan_test_file(synthesized[stack].doc), stack


def test_beta_finds_the_shared_vault_and_registry_and_overrides_every_adopted_resource(beta):
    text = plan_test_file(beta.doc)
    for lookup in beta.data("azurerm_resources"):
        assert f"  target = data.azurerm_resources.{lookup}\n" in text
    assert '        resource_group_name = "rg-trading-shared"\n' in text
    assert '    vault_uri = "https://kv-trading-shared.vault.azure.net/"\n' in text
    assert text.count("override_resource {") == len(beta.doc["import"]) == 17
    assert f'  postgres_admin_password = "{SAMPLE_SECRET}"\n' in text
    assert '/subscriptions/00000000-0000-0000-0000-00000000a005/resourceGroups/rg-trading-beta-data"' in text


def test_prod_gets_a_root_certificate_its_rules_accept_and_no_adoption(prod):
    text = plan_test_file(prod.doc)
    assert f'  vpn_root_certificate    = "{SAMPLE_CERTIFICATE}"\n' in text
    assert "override_resource" not in text


@pytest.mark.slow
@pytest.mark.skipif(TERRAFORM is None, reason="terraform is not installed (CI and bin/test have it)")
def test_terraform_reads_every_test_file_and_without_a_provider_the_command_fails_in_one_line(out, tmp_path):
    env = empty_provider_mirror(tmp_path)
    for stack in STACKS:
        text = plan_test_file(__import__("json").loads((out / "stacks" / stack / "cdk.tf.json").read_text()))
        formatted = subprocess.run([TERRAFORM, "fmt", "-check", "-no-color", "-"], input=text, env=env,
                                   capture_output=True, text=True, timeout=60)
        assert formatted.returncode == 0, (stack, formatted.stdout + formatted.stderr)
    result = subprocess.run(
        [sys.executable, "-m", "sigmatiq_infra.cli", "plan-test", "shared", "--out", str(out)],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"sigmatiq-infra: plan-test shared: Terraform cannot install the azurerm provider (hashicorp/azurerm "
        f"{azurerm.VERSION}) that the mock needs: it reaches no registry and finds it in no mirror. Fix: run where "
        "Terraform reaches registry.terraform.io, or point TF_CLI_CONFIG_FILE at a configuration with a provider "
        f"mirror that holds azurerm {azurerm.VERSION}.\n"
    )
