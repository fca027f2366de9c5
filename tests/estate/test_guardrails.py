"""Guardrails: every problem reported at once, policy and tagging aspects, safe synth output."""

import dataclasses
import json

import pytest
from estate_helpers import ISOLATED
from helpers import error_of, stack_files

from sigmatiq_infra._cdktf import App, Aspects
from sigmatiq_infra.aspects import PolicyAspect, suppress, suppressions_of
from sigmatiq_infra.aspects.rules import PRIVATE_ENVIRONMENT
from sigmatiq_infra.constructs import (
    KeyVault,
    KeyVaultProps,
    PrivateDnsZones,
    PrivateDnsZonesProps,
    PrivateNetwork,
    ResourceGroup,
    ResourceGroupProps,
    SubnetRole,
    SubnetSpec,
    VirtualNetwork,
    VirtualNetworkProps,
)
from sigmatiq_infra.stacks import App as SigmatiqApp
from sigmatiq_infra.stacks import AzureStack
from sigmatiq_infra.validation import ValidationError
from stacks.app import build_app, main, synthesize
from stacks.settings import load

EXPECTED_TAGS = {
    "shared": {"Environment": "shared", "Product": "Trading", "ManagedBy": "cdktf"},
    "beta": {"Environment": "beta", "Product": "Trading", "ManagedBy": "cdktf"},
    "prod": {"Environment": "prod", "Product": "Trading", "ManagedBy": "cdktf"},
}


# --- tags --------------------------------------------------------------------------------

@pytest.mark.parametrize("stack_name", ["shared", "beta", "prod"])
def test_every_taggable_resource_carries_the_environment_product_and_managedby_tags(
    synthesized, stack_name,
):
    tagged = 0
    for tf_type, resources in synthesized[stack_name].doc["resource"].items():
        for key, resource in resources.items():
            if "tags" in resource:
                tagged += 1
                assert resource["tags"].items() >= EXPECTED_TAGS[stack_name].items(), (tf_type, key)
    assert tagged >= 3


def has_tags_argument(tf_type: str) -> bool:
    """Whether the azurerm resource `tf_type` has a `tags` argument (read from its binding)."""
    from sigmatiq_infra import azurerm

    module = getattr(azurerm, tf_type.removeprefix("azurerm_"))
    [binding] = [c for c in vars(module).values() if getattr(c, "TF_RESOURCE_TYPE", None) == tf_type]
    return hasattr(binding, "tags_input")


@pytest.mark.parametrize("stack_name", ["state", "shared", "beta", "prod"])
def test_every_resource_with_a_tags_argument_is_tagged(synthesized, stack_name):
    untagged = {
        tf_type for tf_type, resources in synthesized[stack_name].doc["resource"].items()
        for resource in resources.values() if "tags" not in resource
    }
    assert [tf_type for tf_type in sorted(untagged) if has_tags_argument(tf_type)] == []


def test_only_resources_without_a_tags_argument_are_untagged(prod):
    untagged = {t for t, rs in prod.doc["resource"].items() for r in rs.values() if "tags" not in r}
    assert untagged == {  # none of these has a `tags` argument in azurerm
        "azurerm_consumption_budget_subscription", "azurerm_management_lock",
        "azurerm_monitor_diagnostic_setting", "azurerm_postgresql_flexible_server_configuration",
        "azurerm_postgresql_flexible_server_database", "azurerm_role_assignment", "azurerm_subnet",
        "azurerm_subnet_network_security_group_association", "azurerm_virtual_network_dns_servers",
    }


def test_a_resources_own_tags_win_over_the_stack_tags(beta):
    _, group = beta.named("azurerm_resource_group", "rg-trading-beta-data")
    assert group["tags"]["Purpose"] == "Beta data layer (PostgreSQL, Redis)"
    assert group["tags"]["Environment"] == "beta"


def tagged_stack(outdir):
    """An AzureStack with tags, and resources added straight to it (not by a library construct)."""
    from constructs import Construct

    from sigmatiq_infra.azurerm import resource_group

    app = SigmatiqApp(outdir=str(outdir))
    stack = AzureStack(app, "tagged", tags={"Environment": "qa", "Product": "Trading"})
    resource_group.ResourceGroup(stack, "Plain", name="rg-plain", location="centralus")
    resource_group.ResourceGroup(stack, "Own", name="rg-own", location="centralus", tags={"Environment": "sandbox"})
    resource_group.ResourceGroup(Construct(stack, "Group"), "Nested", name="rg-nested", location="centralus")
    ResourceGroup(stack, "Library", ResourceGroupProps("rg-library", "centralus", tags={"Purpose": "Tests"}))
    app.synth()
    document = json.loads((outdir / "stacks" / "tagged" / "cdk.tf.json").read_text())
    return {r["name"]: r.get("tags") for r in document["resource"]["azurerm_resource_group"].values()}


def test_resources_added_to_a_stack_any_way_get_its_tags_and_keep_their_own(tmp_path):
    assert tagged_stack(tmp_path) == {
        "rg-plain": {"Environment": "qa", "Product": "Trading"},
        "rg-own": {"Environment": "sandbox", "Product": "Trading"},
        "rg-nested": {"Environment": "qa", "Product": "Trading"},
        "rg-library": {"Environment": "qa", "Product": "Trading", "Purpose": "Tests"},
    }


def test_the_tag_resources_aspect_tags_any_scope(tmp_path):
    from sigmatiq_infra._cdktf import TerraformStack
    from sigmatiq_infra.aspects import TagResources
    from sigmatiq_infra.azurerm import resource_group

    app = App(outdir=str(tmp_path), skip_validation=True)  # no provider: only tags matter here
    stack = TerraformStack(app, "plain")
    resource_group.ResourceGroup(stack, "Group", name="rg-plain", location="centralus", tags={"Purpose": "Tests"})
    Aspects.of(stack).add(TagResources({"Product": "Trading", "Purpose": "Overridden?"}))
    app.synth()
    document = json.loads((tmp_path / "stacks" / "plain" / "cdk.tf.json").read_text())
    [group] = document["resource"]["azurerm_resource_group"].values()
    assert group["tags"] == {"Product": "Trading", "Purpose": "Tests"}


# --- policy aspect -----------------------------------------------------------------------

def private_stack(outdir):
    app = SigmatiqApp(outdir=str(outdir))
    stack = AzureStack(app, "private")
    Aspects.of(stack).add(PolicyAspect(PRIVATE_ENVIRONMENT))
    group = ResourceGroup(stack, "Group", ResourceGroupProps("rg-private", "centralus"))
    vnet = VirtualNetwork(stack, "Net", VirtualNetworkProps("vnet-private", group, "10.9.0.0/16", [
        SubnetSpec("snet-pe", "10.9.1.0/24", SubnetRole.PRIVATE_ENDPOINTS),
    ]))
    zones = PrivateDnsZones(stack, "Zones", PrivateDnsZonesProps(group, vnet))
    return app, stack, group, PrivateNetwork(vnet, zones)


def synth_problems(app):
    """The problems the app's synth reports (policy findings included); [] when it wrote."""
    try:
        app.synth()
    except ValidationError as error:
        return list(error.problems)
    return []


def test_the_policy_fails_a_private_environment_resource_with_public_access(tmp_path):
    app, stack, group, _ = private_stack(tmp_path)
    KeyVault(stack, "Vault", KeyVaultProps("kv-private", group, public_network_access_enabled=True))
    assert synth_problems(app) == [
        "Policy 'private/Vault': rule 'private-endpoint-required': 'KeyVault' has no private endpoint "
        "(vault). Allowed: every private-link service of a private environment reached through a "
        "private endpoint. Fix: call add_private_endpoint(network) on it, or suppress it with "
        "sigmatiq_infra.aspects.suppress(construct, 'private-endpoint-required', reason).",
        "Policy 'private/Vault/Resource': rule 'public-network-access': 'azurerm_key_vault' enables "
        "public network access. Allowed: public network access disabled on every resource of a "
        "private environment. Fix: turn public network access off (the constructs' default) and use "
        "a private endpoint, or suppress it with sigmatiq_infra.aspects.suppress(construct, "
        "'public-network-access', reason).",
    ]


def test_a_private_service_with_its_endpoint_passes_the_policy(tmp_path):
    app, stack, group, network = private_stack(tmp_path)
    KeyVault(stack, "Vault", KeyVaultProps("kv-private", group)).add_private_endpoint(network)
    assert synth_problems(app) == []


def test_a_suppression_with_a_reason_accepts_a_finding_and_is_kept_on_the_construct(tmp_path):
    app, stack, group, _ = private_stack(tmp_path)
    vault = KeyVault(stack, "Vault", KeyVaultProps("kv-private", group))
    reason = "Reached only by the deployment pipeline's runner."
    suppress(vault, "private-endpoint-required", reason)
    assert suppressions_of(vault.resource) == {"private-endpoint-required": reason}
    assert synth_problems(app) == []


def test_public_app_ingress_in_prod_needs_a_written_reason():
    settings = load(environ=ISOLATED)
    prod = settings.environments["prod"]
    prod = dataclasses.replace(prod, network=dataclasses.replace(prod.network, public_app_ingress=True))
    settings = dataclasses.replace(settings, environments={"prod": prod})
    assert "Policy suppression 'prod/AppEnvironment': reason '' is too short." in error_of(
        lambda: build_app(settings),
    )


# --- all problems together, clean failure, output kept intact ---------------------------------

def bad_settings():
    settings = load(environ=ISOLATED)
    beta, prod = settings.environments["beta"], settings.environments["prod"]
    beta = dataclasses.replace(
        beta, key_vault=dataclasses.replace(beta.key_vault, name="kv-trading-beta-1023-way-too-long"),
    )
    prod = dataclasses.replace(prod, apps=(dataclasses.replace(prod.apps[0], cpu=0.5, memory="3Gi"),))
    return dataclasses.replace(settings, environments={"beta": beta, "prod": prod})


def test_two_independent_errors_in_one_app_are_both_reported():
    problems = error_of(lambda: build_app(bad_settings())).splitlines()
    assert len(problems) == 2
    assert problems[0].startswith("KeyVault 'beta/Vault': name 'kv-trading-beta-1023-way-too-long'")
    assert problems[1].startswith("ContainerApp 'prod/ca-auth-api': cpu/memory '0.5/3Gi'")


def test_a_failed_synth_leaves_the_previous_output_untouched(tmp_path):
    outdir = tmp_path / "cdktf.out"
    (outdir / "stacks" / "beta").mkdir(parents=True)
    (outdir / "stacks" / "beta" / "cdk.tf.json").write_text('{"good": true}')
    with pytest.raises(ValidationError):
        synthesize(bad_settings(), outdir)
    assert (outdir / "stacks" / "beta" / "cdk.tf.json").read_text() == '{"good": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["cdktf.out"]  # no staging folder left


def test_main_exits_1_with_a_numbered_list_and_no_traceback(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CDKTF_OUTDIR", str(tmp_path / "out"))
    monkeypatch.setenv("SIGMATIQ_OPERATOR_IPS_FILE", ISOLATED["SIGMATIQ_OPERATOR_IPS_FILE"])
    monkeypatch.delenv("ARM_SUBSCRIPTION_ID", raising=False)
    monkeypatch.setenv("SIGMATIQ_BETA_IMAGE_TAG", "-beta")
    monkeypatch.setenv("SIGMATIQ_PROD_BOOTSTRAP", "sure")
    with pytest.raises(SystemExit) as exit_status:
        main([])
    assert exit_status.value.code == 1
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert lines[0] == "sigmatiq-infra: synth stopped, nothing was written (6 problems):"
    assert lines[1].startswith(
        "  1. Environment variable 'SIGMATIQ_PROD_BOOTSTRAP': value 'sure' is not an on/off value.",
    )
    assert [line.split(": image tag")[0] for line in lines[2:]] == [
        f"  {n}. ContainerApp 'beta/{app}'" for n, app in enumerate(
            ("ca-auth-api", "ca-native-api", "ca-pilot-api", "ca-card-api", "ca-sim-api"), 2,
        )
    ]
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_good_synth_replaces_the_stack_files_and_keeps_terraforms_own_files(tmp_path):
    outdir = tmp_path / "cdktf.out"
    kept = outdir / "stacks" / "shared" / ".terraform" / "providers.txt"
    kept.parent.mkdir(parents=True)
    kept.write_text("cached provider")
    settings = load(environ=ISOLATED)
    settings = dataclasses.replace(settings, environments={}, state=None)
    assert synthesize(settings, outdir) == ["shared"]
    assert kept.read_text() == "cached provider"
    assert json.loads(stack_files(outdir)["shared"].read_text())["resource"]["azurerm_key_vault"]


# --- SKU and feature combinations --------------------------------------------------------------


