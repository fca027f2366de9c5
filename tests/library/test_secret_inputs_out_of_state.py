"""A deploy-time secret input (WriteOnlySecret.from_inputs: an ephemeral Terraform variable)
reaches Azure only through write-only arguments. A user who puts one, or a value built from it
(a connection URL), anywhere Terraform keeps in state and plan (a container app's plain env, a
stack output) gets one problem at synth, as Terraform would refuse it at validate. Found by
probing a user's own app from outside the repository."""

import json
import re
import subprocess

import pytest
from helpers import TERRAFORM, empty_provider_mirror, error_of

from sigmatiq_infra.synth_checks import check_documents


def _database(stack, group):
    from sigmatiq_infra.constructs import PostgresServer, PostgresServerProps, WriteOnlySecret

    password = WriteOnlySecret.from_inputs(stack, "db_password", "the database password")
    return PostgresServer(stack, "Db", PostgresServerProps(
        "psql-orders-x13", group, "B_Standard_B1ms", "ordersadmin", password, databases=["orders"],
        public_network_access_enabled=True,
    )), password


def test_a_connection_url_in_a_container_apps_plain_env_is_one_problem_and_nothing_is_written(tmp_path):
    from helpers import stacks_with_groups

    from sigmatiq_infra.constructs import (
        ContainerApp,
        ContainerAppEnvironment,
        ContainerAppEnvironmentProps,
        ContainerAppProps,
        ContainerRegistry,
        ContainerRegistryProps,
        UserAssignedIdentity,
        UserAssignedIdentityProps,
    )

    app, (stack,), (group,) = stacks_with_groups(tmp_path, "orders")
    database, _password = _database(stack, group)
    identity = UserAssignedIdentity(stack, "Identity", UserAssignedIdentityProps("id-orders", group))
    registry = ContainerRegistry(stack, "Registry", ContainerRegistryProps(
        "acrordersx13", group, sku="Basic", public_network_access_enabled=True,
    ))
    environment = ContainerAppEnvironment(stack, "Environment", ContainerAppEnvironmentProps("cae-orders", group))
    ContainerApp(stack, "Api", ContainerAppProps(
        "orders-api", environment, identity, registry, "orders/api", "1.0.0", 8080,
        env={"LOG_LEVEL": "info", "DATABASE_URL": database.connection_url("orders")},
    ))
    assert error_of(app.synth) == (
        "AzureStack 'orders': orders/Api argument template.container[0].env[1].value 'db_password' reads a "
        "deploy-time secret input (ephemeral) in an argument Terraform keeps in state and plan: Terraform refuses it "
        "('Invalid use of ephemeral value'). Allowed: a secret input in a write-only argument only (azurerm names "
        "them <argument>_wo, such as a Key Vault secret's value_wo). Fix: store the value as a Key Vault secret, "
        "vault.add_secret(id, SecretProps(name, WriteOnlySecret(<the value>, <its version>))), and pass the secret "
        "instead (a container app reads it through secret_env), or make the value of no secret input."
    )
    assert not (tmp_path / "out").exists()


def test_an_output_of_a_secret_input_or_of_a_value_built_from_it_is_refused(tmp_path):
    from helpers import stacks_with_groups

    from sigmatiq_infra.cdk import TerraformOutput

    app, (stack,), (group,) = stacks_with_groups(tmp_path, "orders")
    database, password = _database(stack, group)
    TerraformOutput(stack, "database_url", value=database.connection_url("orders"))
    TerraformOutput(stack, "password", value=password.value)
    assert error_of(app.synth).splitlines() == [
        f"TerraformOutput 'orders/{name}': value 'db_password' reads a deploy-time secret input (ephemeral), which a "
        "stack's output cannot hold: Terraform refuses it ('Ephemeral value not allowed'). Allowed: an output of "
        "values Terraform keeps (no secret input). Fix: leave the secret input out of the output (Terraform "
        "keeps no ephemeral value after a run)."
        for name in ("database_url", "password")
    ]


def test_a_secret_input_in_write_only_arguments_passes_and_an_output_of_its_version_too(tmp_path):
    from helpers import stacks_with_groups, synthesized_documents

    from sigmatiq_infra.cdk import TerraformOutput
    from sigmatiq_infra.constructs import KeyVault, KeyVaultProps, SecretProps, WriteOnlySecret

    app, (stack,), (group,) = stacks_with_groups(tmp_path, "orders")
    database, password = _database(stack, group)
    vault = KeyVault(stack, "Vault", KeyVaultProps("kv-orders-x13", group, public_network_access_enabled=True))
    vault.add_secret("Url", SecretProps("database-url", WriteOnlySecret(database.connection_url("orders"),
                                                                         password.version)))
    TerraformOutput(stack, "password_version", value=password.version)  # an ordinary input
    app.synth()
    document = synthesized_documents(tmp_path)["orders"]
    (server,) = document["resource"]["azurerm_postgresql_flexible_server"].values()
    (secret,) = document["resource"]["azurerm_key_vault_secret"].values()
    assert server["administrator_password_wo"] == "${var.db_password}"
    assert "urlencode(var.db_password)" in secret["value_wo"]
    assert document["output"]["password_version"] == {"value": "${var.db_password_version}"}


def test_a_sensitive_input_in_an_output_not_marked_sensitive_is_refused_and_marked_it_passes(tmp_path):
    from helpers import stacks_with_groups, synthesized_documents

    from sigmatiq_infra.cdk import TerraformOutput
    from sigmatiq_infra.constructs import deploy_input

    app, (stack,), _groups = stacks_with_groups(tmp_path, "orders")
    key = deploy_input(stack, "partner_key", what="the partner's API key", type="string", sensitive=True)
    TerraformOutput(stack, "partner", value=f"key={key.string_value}")
    assert error_of(app.synth) == (
        "TerraformOutput 'orders/partner': value reads the sensitive deploy-time input partner_key and is not marked "
        "sensitive: Terraform refuses it ('Output refers to sensitive values'). Allowed: a sensitive value in an "
        "output marked sensitive. Fix: mark the output sensitive: TerraformOutput(stack, 'partner', value=..., "
        "sensitive=True)."
    )

    app, (stack,), _groups = stacks_with_groups(tmp_path, "orders")
    key = deploy_input(stack, "partner_key", what="the partner's API key", type="string", sensitive=True)
    TerraformOutput(stack, "partner", value=f"key={key.string_value}", sensitive=True)
    app.synth()
    assert synthesized_documents(tmp_path)["orders"]["output"]["partner"]["sensitive"] is True


def test_an_access_key_in_an_output_not_marked_sensitive_is_refused(tmp_path):
    from helpers import stacks_with_groups

    from sigmatiq_infra.cdk import TerraformOutput
    from sigmatiq_infra.constructs import RedisCache, RedisCacheProps

    app, (stack,), (group,) = stacks_with_groups(tmp_path, "orders")
    cache = RedisCache(stack, "Cache", RedisCacheProps("redis-orders-x13", group, public_network_access_enabled=True))
    TerraformOutput(stack, "cache_key", value=cache.resource.primary_access_key)
    assert error_of(app.synth) == (
        "TerraformOutput 'orders/cache_key': value reads the primary_access_key of Azure Cache for Redis "
        "'orders/Cache' and is not marked sensitive: Terraform refuses it ('Output refers to sensitive values'). "
        "Allowed: a sensitive value in an output marked sensitive. Fix: mark the output sensitive: "
        "TerraformOutput(stack, 'cache_key', value=..., sensitive=True)."
    )


_PROVIDER_FREE = {
    "variable": {
        "pw": {"type": "string", "ephemeral": True, "default": "x"},
        "key": {"type": "string", "sensitive": True, "default": "x"},
    },
    "locals": {
        "url": "p://${urlencode(var.pw)}@host", "url_again": "${local.url}/db", "plain": "y",
        "keyed": "k=${var.key}",
    },
    "resource": {"terraform_data": {
        "direct": {"input": "p://${urlencode(var.pw)}@host"},
        "through_locals": {"input": "${local.url_again}"},
        "nested": {"input": {"k": ["${var.pw}"]}},
        "nulled": {"input": "${ephemeralasnull(var.pw)}"},
        "checked": {"input": "x", "lifecycle": {
            "precondition": [{"condition": "${length(var.pw) > 0}", "error_message": "empty"}],
        }},
        "provisioned": {"input": "${local.plain}", "provisioner": [{"local-exec": {"command": "echo ${var.pw}"}}]},
        "keyed": {"input": "${local.keyed}"},
    }},
    "output": {
        "url": {"value": "${local.url}"},
        "nulled": {"value": "${ephemeralasnull(local.url)}"},
        "plain": {"value": "${local.plain}"},
        "keyed": {"value": "${local.keyed}"},
        "key_length": {"value": "${length(var.key)}"},
        "key_marked": {"value": "${var.key}", "sensitive": True},
        "key_cleared": {"value": "${nonsensitive(var.key)}"},
    },
}
_REFUSED = {
    "resource.terraform_data.direct", "resource.terraform_data.through_locals", "resource.terraform_data.nested",
    "output.url", "output.keyed", "output.key_length",
}
"""What Terraform 1.11 refuses in `_PROVIDER_FREE` at validate (a condition, a provisioner and
`ephemeralasnull(...)` may read an ephemeral value, `nonsensitive(...)` and an output marked
sensitive a sensitive one): the slow test below asks Terraform."""


def test_the_check_refuses_the_blocks_terraform_refuses_through_locals_and_nested_blocks():
    problems = check_documents({"svc": _PROVIDER_FREE}, {})
    refused = set()
    for problem in problems:
        resource = re.match(r"AzureStack 'svc': svc/(\w+) argument ", problem)
        output = re.match(r"TerraformOutput 'svc/(\w+)': ", problem)
        refused.add(f"resource.terraform_data.{resource[1]}" if resource else f"output.{output[1]}")
    assert refused == _REFUSED
    assert len(problems) == len(_REFUSED)
    assert "svc/nested argument input.k[0] 'pw' reads a deploy-time secret input" in problems[2]


@pytest.mark.slow
@pytest.mark.skipif(TERRAFORM is None, reason="terraform is not on PATH")
def test_terraform_validate_refuses_exactly_those_blocks(tmp_path):
    text = json.dumps(_PROVIDER_FREE, indent=1)  # one output name per line: Terraform names the line
    (tmp_path / "main.tf.json").write_text(text)
    environment = empty_provider_mirror(tmp_path)  # terraform_data is built in: nothing to download
    subprocess.run([TERRAFORM, "init", "-backend=false", "-input=false", "-no-color"], cwd=tmp_path,
                   env=environment, capture_output=True, check=True, timeout=120)
    result = subprocess.run([TERRAFORM, "validate", "-json", "-no-color"], cwd=tmp_path, env=environment,
                            capture_output=True, text=True, timeout=120)
    lines = text.splitlines()
    refused = set()
    for diagnostic in json.loads(result.stdout)["diagnostics"]:
        context = diagnostic["snippet"]["context"]
        if context == "output":  # "Output refers to sensitive values" names the output by its line
            context = "output." + lines[diagnostic["range"]["start"]["line"] - 1].split('"')[1]
        refused.add(context)
    assert refused == _REFUSED


def test_a_secret_given_as_a_plain_env_value_is_shown_without_placeholders_and_sent_to_secret_env(stack, group):
    from sigmatiq_infra.constructs import (
        ContainerApp,
        ContainerAppEnvironment,
        ContainerAppEnvironmentProps,
        ContainerAppProps,
        ContainerRegistry,
        ContainerRegistryProps,
        UserAssignedIdentity,
        UserAssignedIdentityProps,
        WriteOnlySecret,
    )

    identity = UserAssignedIdentity(stack, "Identity", UserAssignedIdentityProps("id-orders", group))
    registry = ContainerRegistry(stack, "Registry", ContainerRegistryProps(
        "acrordersx13", group, sku="Basic", public_network_access_enabled=True,
    ))
    environment = ContainerAppEnvironment(stack, "Environment", ContainerAppEnvironmentProps("cae-orders", group))
    token = WriteOnlySecret.from_inputs(stack, "api_token", "the API token")
    assert error_of(lambda: ContainerApp(stack, "Api", ContainerAppProps(
        "orders-api", environment, identity, registry, "orders/api", "1.0.0", 8080, env={"API_TOKEN": token},
    )), stack) == (
        "ContainerApp 'test/Api': env['API_TOKEN'] WriteOnlySecret(value='<Terraform expression>', "
        "version='<Terraform expressio... has the type WriteOnlySecret. Allowed: str. Fix: keep the secret out of "
        "env['API_TOKEN'] (Terraform keeps it in state and plan): store it as a vault secret, vault.add_secret(id, "
        "SecretProps(name, <the WriteOnlySecret>)), and pass that secret instead (a container app reads it through "
        "secret_env)."
    )


def test_props_in_a_message_show_their_members_by_name_as_a_user_writes_them(stack, group):
    from sigmatiq_infra.constructs import KeyVault, KeyVaultProps, SubnetRole, SubnetSpec

    spec = SubnetSpec("snet-pe", "10.0.0.0/24", SubnetRole.PRIVATE_ENDPOINTS)
    assert error_of(lambda: KeyVault(stack, "Vault", KeyVaultProps("kv-orders-x13", group, tags={"Spec": spec})),
                    stack).startswith(
        "KeyVault 'test/Vault': tags['Spec'] SubnetSpec(name='snet-pe', cidr='10.0.0.0/24', "
        "role=SubnetRole.PRIVATE_ENDPOI... has the type SubnetSpec.",
    )
