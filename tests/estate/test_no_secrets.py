"""No synthesized value is a literal password, key or connection string with credentials."""

import re

import pytest

# `scheme://{user}:{password}@{host}`, where the password part is not a Terraform expression.
CREDENTIAL_URL = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:(?!\$\{)[^@\s]+@", re.IGNORECASE)
SECRET_KEYS = re.compile(r"(password|secret|access_key|connection_string|client_secret)", re.I)
# Azure connection strings: `AccountKey=...`, `password=...` with a literal value.
KEY_VALUE_SECRET = re.compile(r"(AccountKey|SharedAccessKey|password|pwd)=(?!\$\{)[^,;\s]+", re.I)


def walk(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}[{index}]")
    else:
        yield path, node


def literal_secrets(document):
    found = []
    for path, value in walk(document):
        if not isinstance(value, str):
            continue
        if CREDENTIAL_URL.search(value) or KEY_VALUE_SECRET.search(value):
            found.append(path)
        last_key = path.rsplit(".", 1)[-1]
        if SECRET_KEYS.search(last_key) and not last_key.endswith(("_version", "_id", "_name", "_type")) and (
            not value.startswith("${") and "description" not in path
        ):
            found.append(path)
    return found


@pytest.mark.parametrize("stack_name", ["shared", "beta", "prod"])
def test_no_synthesized_value_is_a_literal_secret(synthesized, stack_name):
    assert literal_secrets(synthesized[stack_name].doc) == []


def test_every_secret_bearing_argument_is_write_only_or_a_key_vault_reference(synthesized):
    for stack in synthesized.values():
        for secret in stack.resources("azurerm_key_vault_secret").values():
            assert "value" not in secret and "value_wo" in secret
        for server in stack.resources("azurerm_postgresql_flexible_server").values():
            assert "administrator_password" not in server
        for app in stack.resources("azurerm_container_app").values():
            assert all("value" not in s and "key_vault_secret_id" in s for s in app["secret"])
            assert all("password_secret_name" not in r for r in app["registry"])


def test_the_scanner_itself_flags_a_literal_credential():
    # Deliberately fake credentials, to prove the scan catches them (allow-listed for detect-secrets).
    document = {"resource": {"x": {"y": {
        "value_wo": "postgresql://sqladmin:hunter2@host:5432/db",  # pragma: allowlist secret
        "administrator_password": "hunter2",
        "conn": "Server=x;password=hunter2",
    }}}}
    assert literal_secrets(document) == [
        ".resource.x.y.value_wo", ".resource.x.y.administrator_password",
        ".resource.x.y.conn",
    ]


def test_the_scanner_accepts_a_connection_string_built_from_a_sensitive_variable():
    document = {"value_wo": "postgresql://sqladmin:${urlencode(var.pw)}@host:5432/db"}
    assert literal_secrets(document) == []
