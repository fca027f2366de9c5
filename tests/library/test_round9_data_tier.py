"""The data tier tried from outside, ninth round: what a hurried user gives PostgreSQL, Redis,
App Configuration, Key Vault and the deploy-time inputs, each mistake one line of the numbered
list (never a traceback), each value Azure takes passing."""

from __future__ import annotations

import pytest
from helpers import error_of, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.cdk import TerraformVariable
from sigmatiq_infra.stacks import App, AzureStack
from sigmatiq_infra.validation import ValidationError


def test_a_deploy_time_expression_where_a_secret_or_a_group_goes_is_a_problem_not_a_traceback(stack, group):
    password = c.WriteOnlySecret.from_inputs(stack, "db_password", "the database password")
    assert error_of(lambda: c.PostgresServer(stack, "Db", c.PostgresServerProps(
        "psql-test-9", group, "B_Standard_B1ms", "dbadminx", password.value,
    ))) == (
        "PostgresServer 'test/Db': administrator_password '<Terraform expression>' is a deploy-time expression, "
        "where WriteOnlySecret goes. Allowed: WriteOnlySecret. Fix: wrap it: WriteOnlySecret(<the expression>, "
        "version), or pass what WriteOnlySecret.from_inputs(...) returns itself, not its .value."
    )
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-9", group))
    assert error_of(lambda: vault.add_secret("Url", c.SecretProps("db-url", password.value)), vault) == (
        "KeyVault 'test/Vault/Url': value '<Terraform expression>' is a deploy-time expression, where "
        "WriteOnlySecret goes. Allowed: WriteOnlySecret. Fix: wrap it: WriteOnlySecret(<the expression>, "
        "version), or pass what WriteOnlySecret.from_inputs(...) returns itself, not its .value."
    )
    group_name = TerraformVariable(stack, "group_name", type="string").string_value
    assert error_of(lambda: c.KeyVault(stack, "Other", c.KeyVaultProps("kv-test-10", group_name))) == (
        "KeyVault 'test/Other': resource_group '<Terraform expression>' is a deploy-time expression, where "
        "IResourceGroup (an object with name and location) goes. Allowed: IResourceGroup (an object with name "
        "and location). Fix: give resource_group a value of type IResourceGroup (an object with name and location)."
    )


def test_a_vault_secret_with_more_than_15_tags_from_its_stack_is_refused_at_synth(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    stack = AzureStack(app, "svc", tags={f"t{i}": "v" for i in range(16)})
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-svc", "westeurope"))
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-svc-9", group, public_network_access_enabled=True))
    vault.add_secret("Url", c.SecretProps("db-url", c.WriteOnlySecret.from_inputs(stack, "db_url", "the URL")))
    with pytest.raises(ValidationError) as raised:
        app.synth()
    assert raised.value.problems == (
        "Key Vault secret 'svc/Vault/Url': tags '16 tags' are more than Azure takes on a Key Vault secret. Allowed: "
        "at most 15 tags on a Key Vault secret, the stack's tags included (Microsoft's tag limits). Fix: give the "
        "stack (or the construct) fewer tags.",
    )


def test_a_secret_content_type_longer_than_255_characters_is_refused_and_255_pass(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-9", group))
    value = c.WriteOnlySecret.from_inputs(stack, "db_url", "the URL")
    vault.add_secret("Fits", c.SecretProps("fits", value, content_type="t" * 255))
    assert error_of(lambda: vault.add_secret("Long", c.SecretProps("long", value, content_type="t" * 256)), vault) == (
        f"KeyVault 'test/Vault/Long': content_type '{'t' * 76}... has 256 characters. Allowed: a content type of at "
        "most 255 characters, e.g. 'text/plain'. Fix: shorten the content type."
    )


def test_a_deploy_input_name_taken_in_its_stack_is_one_problem_not_a_jsii_traceback(stack):
    c.WriteOnlySecret.from_inputs(stack, "db_password", "the database password")
    assert error_of(lambda: c.WriteOnlySecret.from_inputs(stack, "db_password", "the other password"), stack) == (
        "deploy input 'test/db_password': name 'db_password' is already the name of another input (or construct) in "
        "'test'. Allowed: one input per name in a stack (WriteOnlySecret.from_inputs(stack, name, ...) makes name "
        "and name_version). Fix: give this input a name of its own, or pass the first input's value where it is "
        "needed."
    )
    assert error_of(lambda: c.deploy_input(stack, "db_password_version", what="a counter", type="number"), stack) == (
        "deploy input 'test/db_password_version': name 'db_password_version' is already the name of another input "
        "(or construct) in 'test'. Allowed: one input per name in a stack (WriteOnlySecret.from_inputs(stack, name, "
        "...) makes name and name_version). Fix: give this input a name of its own, or pass the first input's value "
        "where it is needed."
    )


def test_firewall_rule_addresses_given_at_deploy_time_pass(stack, group):
    office = TerraformVariable(stack, "office_ip", type="string").string_value
    c.PostgresServer(stack, "Db", c.PostgresServerProps(
        "psql-test-9", group, "B_Standard_B1ms", "dbadminx", c.WriteOnlySecret.from_inputs(stack, "pw", "a password"),
        public_network_access_enabled=True, firewall_rules=[c.FirewallRule("office", office, office)],
    ))
    assert recorded(stack) == []


def test_a_database_or_firewall_rule_named_at_deploy_time_is_a_problem_not_a_jsii_traceback(stack, group):
    name = TerraformVariable(stack, "database_name", type="string").string_value
    office = "203.0.113.7"
    assert error_of(lambda: c.PostgresServer(stack, "Db", c.PostgresServerProps(
        "psql-test-9", group, "B_Standard_B1ms", "dbadminx", c.WriteOnlySecret.from_inputs(stack, "pw", "a password"),
        public_network_access_enabled=True, databases=[name, "orders"], firewall_rules=[
            c.FirewallRule(name, office, office),
        ],
    ))) == "\n".join(
        f"PostgresServer 'test/Db': {prop} '<Terraform expression>' is a deploy-time expression, but it names a "
        f"Terraform resource of the server. Allowed: a name written in code, e.g. 'orders'. Fix: write the {prop} in "
        "code."
        for prop in ("firewall rule name", "database")
    )


def test_a_version_past_the_largest_one_terraform_takes_says_the_bound_in_full(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-9", group))
    value = c.WriteOnlySecret.from_inputs(stack, "db_url", "the URL").value
    assert error_of(lambda: vault.add_secret("Url", c.SecretProps("url", c.WriteOnlySecret(value, 2**31))), vault) == (
        "KeyVault 'test/Vault/Url': value.version 2147483648 is out of range. Allowed: 1 to 2147483647. Fix: set "
        "value.version between 1 and 2147483647."
    )


def test_a_secret_id_or_name_or_a_connection_database_that_is_no_string_is_a_problem_not_a_traceback(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-9", group))
    value = c.WriteOnlySecret.from_inputs(stack, "db_url", "the URL")
    assert error_of(lambda: vault.add_secret(None, c.SecretProps("url", value)), vault) == (
        "KeyVault 'test/Vault': add_secret id None has the type NoneType. Allowed: str. Fix: give add_secret id a "
        "value of type str."
    )
    assert error_of(lambda: vault.add_secret("", c.SecretProps("url", value)), vault) == (
        "KeyVault 'test/Vault': add_secret id '' is empty. Allowed: a name for the secret's construct, unique in the "
        "vault (it is part of its Terraform address). Fix: give it an id, e.g. vault.add_secret('DatabaseUrl', ...)."
    )
    assert error_of(lambda: vault.secret(None), vault) == (
        "KeyVault 'test/Vault': secret name None has the type NoneType. Allowed: str. Fix: give secret name a value "
        "of type str."
    )
    database = c.PostgresServer(stack, "Db", c.PostgresServerProps(
        "psql-test-9", group, "B_Standard_B1ms", "dbadminx", value, databases=["orders"],
    ))
    assert error_of(lambda: database.connection_url(None), database) == (
        "PostgresServer 'test/Db': connection database None has the type NoneType. Allowed: str. Fix: give "
        "connection database a value of type str."
    )


def test_deploy_input_arguments_of_the_wrong_kind_are_problems_not_tracebacks(stack):
    assert error_of(lambda: c.WriteOnlySecret.from_inputs(
        stack, "db_password", "the password", rules=c.admin_password_rules,
    ), stack) == (
        "deploy input 'test/db_password': rules 'admin_password_rules' is a function, not the rules it makes. "
        "Allowed: a sequence of InputRule. Fix: call it: rules=admin_password_rules(...)."
    )
    rule = c.InputRule("length({value}) >= 12", "has fewer than 12 characters", "12 characters or more")
    assert error_of(lambda: c.secret_input(stack, "api_key", what="the API key", rules=rule), stack) == (
        "deploy input 'test/api_key': rules 'has fewer than 12 characters' is one InputRule, not a sequence of them. "
        "Allowed: a sequence of InputRule. Fix: give rules a list, even of one: rules=[InputRule(...)]."
    )
    assert error_of(lambda: c.WriteOnlySecret.from_inputs(stack, "token", None), stack) == (
        "deploy input 'test/token': what None has the type NoneType. Allowed: str. Fix: give what a value of type str."
    )


def test_password_rules_for_a_login_that_is_no_string_stop_with_one_problem_not_an_attribute_error():
    with pytest.raises(ValidationError) as raised:
        c.admin_password_rules(None)
    assert raised.value.problems == (
        "admin_password_rules 'login': login None has the type NoneType. Allowed: str. Fix: give login a value of "
        "type str.",
    )


def test_a_list_of_constructs_where_one_goes_shows_them_by_path_not_by_memory_address(stack, group):
    assert error_of(lambda: c.RedisCache(stack, "Cache", c.RedisCacheProps("redis-test-9", [group]))) == (
        "RedisCache 'test/Cache': resource_group [ResourceGroup 'test/Group'] has the type list. Allowed: "
        "IResourceGroup (an object with name and location). Fix: give resource_group a value of type IResourceGroup "
        "(an object with name and location)."
    )
