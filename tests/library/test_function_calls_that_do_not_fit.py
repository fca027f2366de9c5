"""The library's functions and static methods a user calls while building an app
(`WriteOnlySecret.from_inputs`, `RootCertificate.from_input`, `deploy_input`,
`admin_password_rules`, ...) called with arguments they do not take: one problem naming the
call, its scope and how to write it, as a construct's constructor gives, not Python's
TypeError with a traceback. Found by probing a user's own app from outside the repository."""

import pytest
from helpers import error_of

from sigmatiq_infra import constructs as c


def test_a_secret_input_without_what_it_is_names_the_missing_argument(stack):
    assert error_of(lambda: c.WriteOnlySecret.from_inputs(stack, "pgpw")) == (
        "WriteOnlySecret 'test/pgpw': from_inputs() arguments (2 by position, 0 by keyword) do not fit its "
        "signature: missing a required argument: 'what'. Allowed: from_inputs(scope, name, what, rules=(), how=''). "
        "Fix: call it as from_inputs(scope, name, what, rules=(), how='')."
    )


def test_a_deploy_input_given_its_keyword_only_arguments_by_position_says_to_name_them(stack):
    assert error_of(lambda: c.deploy_input(stack, "replicas", "the replica count", "number")) == (
        "deploy_input 'test/replicas': deploy_input() arguments (4 by position, 0 by keyword) do not fit its "
        "signature: too many positional arguments. Allowed: deploy_input(scope, name, *, what, type, rules=(), "
        "sensitive=False, ephemeral=False, default=None, how='', note=''). Fix: give what, type by keyword: "
        "deploy_input(<AzureStack 'test'>, 'replicas', what='the replica count', type='number')."
    )


def test_a_misspelt_keyword_of_a_root_certificate_input_names_the_right_one(stack):
    assert error_of(lambda: c.RootCertificate.from_input(stack, "root_cert", nme="P2SRoot")) == (
        "RootCertificate 'test/root_cert': from_input() arguments (2 by position, 1 by keyword) do not fit its "
        "signature: missing a required argument: 'name'. Allowed: from_input(scope, input_name, name, note=''). "
        "Fix: write name= instead of nme=."
    )


@pytest.mark.parametrize(("call", "expected"), [
    (lambda: c.admin_password_rules(), "admin_password_rules 'arguments': admin_password_rules() arguments (0 by "
     "position, 0 by keyword) do not fit its signature: missing a required argument: 'login'."),
    (lambda: c.subnet_role("apps", "extra"), "subnet_role 'arguments': subnet_role() arguments (2 by position, 0 by "
     "keyword) do not fit its signature: too many positional arguments."),
    (lambda: c.KeyVault.secret_import_id("kv-orders", "db-url"), "KeyVault 'arguments': secret_import_id() arguments "
     "(2 by position, 0 by keyword) do not fit its signature: missing a required argument: 'version'."),
])
def test_a_helper_without_a_scope_called_wrong_is_named_with_its_signature(call, expected):
    assert error_of(call).startswith(expected)


def test_a_role_name_that_is_not_text_is_the_roles_list_not_a_traceback():
    assert error_of(lambda: c.subnet_role(["PRIVATE_ENDPOINTS"])).startswith(
        "SubnetSpec: role ['PRIVATE_ENDPOINTS'] is not a subnet role. Allowed: ",
    )


def test_a_role_given_as_the_member_itself_is_that_role():
    assert c.subnet_role(c.SubnetRole.GATEWAY) is c.SubnetRole.GATEWAY
