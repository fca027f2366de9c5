"""Bad input fails before anything is written, naming the construct, value, rule and fix."""

import dataclasses

from estate_helpers import ISOLATED
from helpers import error_of

from sigmatiq_infra._cdktf import TerraformVariable
from sigmatiq_infra.constructs import (
    ContainerApp,
    ContainerAppEnvironment,
    ContainerAppEnvironmentProps,
    ContainerAppProps,
    ContainerRegistry,
    ContainerRegistryProps,
    KeyVault,
    KeyVaultProps,
    UserAssignedIdentity,
    UserAssignedIdentityProps,
    WriteOnlySecret,
)
from stacks.app import build_app
from stacks.settings import load

KEY_VAULT_RULE = (
    "Key Vault names have 3-24 characters; letters, digits and hyphens; starts with a letter; "
    "ends with a letter or digit; no consecutive hyphens; unique across Azure"
)
CPU_MEMORY_PAIRS = (
    "on the Consumption plan: 0.25/0.5Gi, 0.5/1Gi, 0.75/1.5Gi, 1/2Gi, 1.25/2.5Gi, 1.5/3Gi, "
    "1.75/3.5Gi, 2/4Gi"
)


def password(stack):
    variable = TerraformVariable(stack, "pw", type="string", sensitive=True)
    return WriteOnlySecret(variable.string_value)


# --- names ---------------------------------------------------------------------------



def test_a_valid_vault_name_passes(stack, group):
    assert KeyVault(stack, "Vault", KeyVaultProps("kv-trading-beta-1023", group)).name == (
        "kv-trading-beta-1023"
    )





def test_fails_when_the_container_app_name_is_longer_than_azure_allows(stack, group):
    app = _app_kwargs(stack, group)
    message = error_of(lambda: ContainerApp(stack, "App", ContainerAppProps(
        name="ca-" + "x" * 30, **app,
    )))
    assert message.startswith(f"ContainerApp 'test/App': name '{'ca-' + 'x' * 30}' has 33 characters.")
    assert "Allowed: container app names have 2-32 characters;" in message



REGIONS = (
    "a region's programmatic name such as 'centralus' or 'westeurope' (Microsoft's Azure regions list, "
    "regions-list.md of 2025-09-23)"
)






def test_a_bad_location_setting_fails_the_whole_app_before_synth():
    settings = load(environ=ISOLATED)
    settings = dataclasses.replace(settings, shared=dataclasses.replace(settings.shared, location="Centrl US"))
    assert error_of(lambda: build_app(settings)) == (
        "Settings 'shared': location 'Centrl US' is not an Azure region (did you mean 'centralus'?). "
        "Allowed: a region's programmatic name such as 'centralus' or 'westeurope', or its display name such as "
        "'West Europe' (Microsoft's Azure regions list, regions-list.md of 2025-09-23). Fix: use 'centralus'."
    )



# --- ranges and allowed values ---------------------------------------------------------












# --- container apps ----------------------------------------------------------------------

def _app_kwargs(stack, group):
    registry = ContainerRegistry(stack, "Registry", ContainerRegistryProps(
        "acrtest1", group, public_network_access_enabled=True,
    ))
    identity = UserAssignedIdentity(stack, "Identity", UserAssignedIdentityProps("mi-test", group))
    environment = ContainerAppEnvironment(
        stack, "Env", ContainerAppEnvironmentProps("cae-test", group),
    )
    return {
        "environment": environment, "identity": identity, "registry": registry,
        "repository": "svc-api", "image_tag": "beta", "target_port": 8000,
    }


def test_fails_when_cpu_and_memory_are_not_a_pair_azure_accepts(stack, group):
    assert error_of(lambda: ContainerApp(stack, "App", ContainerAppProps(
        name="ca-svc", cpu=0.5, memory="2Gi", **_app_kwargs(stack, group),
    ))) == (
        "ContainerApp 'test/App': cpu/memory '0.5/2Gi' is not a combination Azure accepts. "
        f"Allowed: {CPU_MEMORY_PAIRS}. Fix: use memory='1Gi' for cpu=0.5."
    )


def test_fails_when_cpu_is_not_a_quarter_step(stack, group):
    assert error_of(lambda: ContainerApp(stack, "App", ContainerAppProps(
        name="ca-svc", cpu=0.3, memory="0.6Gi", **_app_kwargs(stack, group),
    ))).endswith("Fix: pick a cpu of 0.25-2.0 in steps of 0.25.")


def test_fails_when_replicas_and_port_are_out_of_range_and_reports_all_of_them(stack, group):
    message = error_of(lambda: ContainerApp(stack, "App", ContainerAppProps(
        name="ca-svc", min_replicas=-1, max_replicas=301,
        **{**_app_kwargs(stack, group), "target_port": 70000},
    )))
    assert message.splitlines() == [
        "ContainerApp 'test/App': target_port 70000 is out of range. Allowed: 1 to 65535. "
        "Fix: set target_port between 1 and 65535.",
        "ContainerApp 'test/App': min_replicas -1 is out of range. Allowed: 0 to 300. "
        "Fix: set min_replicas between 0 and 300.",
        "ContainerApp 'test/App': max_replicas 301 is out of range. Allowed: 1 to 300. "
        "Fix: set max_replicas between 1 and 300.",
    ]


def test_fails_when_min_replicas_is_above_max_replicas(stack, group):
    assert error_of(lambda: ContainerApp(stack, "App", ContainerAppProps(
        name="ca-svc", min_replicas=4, max_replicas=3, **_app_kwargs(stack, group),
    ))) == (
        "ContainerApp 'test/App': min_replicas 4 is above max_replicas 3. "
        "Allowed: min_replicas <= max_replicas. Fix: lower min_replicas or raise max_replicas."
    )


def test_fails_when_the_image_tag_is_not_a_valid_tag(stack, group):
    assert error_of(lambda: ContainerApp(stack, "App", ContainerAppProps(
        name="ca-svc", **{**_app_kwargs(stack, group), "image_tag": "-beta"},
    ))) == (
        "ContainerApp 'test/App': image tag '-beta' is not a valid image tag. "
        "Allowed: 1-128 letters, digits, '_', '.', '-', not starting with '.' or '-'. "
        "Fix: use a tag such as 'staging' or '1.4.2'."
    )


def test_fails_when_a_variable_is_both_plain_and_secret(stack, group):
    kwargs = _app_kwargs(stack, group)
    vault = KeyVault(stack, "Vault", KeyVaultProps("kv-test", group))
    assert error_of(lambda: ContainerApp(stack, "App", ContainerAppProps(
        name="ca-svc", env={"API_KEY": "x"}, secret_env={"API_KEY": vault.secret("Api-Key")},
        **kwargs,
    ))) == (
        "ContainerApp 'test/App': environment variable 'API_KEY' is set both as plain env and "
        "as secret_env. Allowed: each variable once. Fix: keep only the secret_env entry."
    )




def test_settings_with_a_bad_app_fail_the_build_with_the_app_path():
    settings = load(environ=ISOLATED)
    beta = settings.environments["beta"]
    bad = dataclasses.replace(beta, apps=(dataclasses.replace(beta.apps[0], port=0),))
    settings = dataclasses.replace(settings, environments={"beta": bad})
    assert error_of(lambda: build_app(settings)) == (
        "ContainerApp 'beta/ca-auth-api': target_port 0 is out of range. Allowed: 1 to 65535. "
        "Fix: set target_port between 1 and 65535."
    )
