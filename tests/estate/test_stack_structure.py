"""Stacks are thin: an environment is a short sequence of tier methods, reads no file, and
keeps what its constructs share in one typed context object."""

from __future__ import annotations

import ast
import inspect

from sigmatiq_infra.constructs._context import StackContext, context_of
from stacks import environment
from stacks.environment import EnvironmentStack


def _method(name: str) -> ast.FunctionDef:
    tree = ast.parse(inspect.getsource(EnvironmentStack))
    return next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name)


def _position(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def test_the_environment_stack_reads_as_a_short_sequence_of_tier_methods():
    init = _method("__init__")
    assert init.end_lineno - init.lineno + 1 <= 25
    called = [
        node.func.attr for node in sorted(ast.walk(init), key=_position)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name) and node.func.value.id == "self"
    ]
    assert called == [
        "_resource_groups", "_private_network", "_data_tier", "_app_services", "_private_endpoints",
        "_data_protection", "_app_environment", "_adopt_existing", "_outputs", "_apps", "_app_secrets",
        "_monitoring",
    ]


def test_the_stacks_read_no_file_the_certificate_is_read_while_the_settings_load():
    source = inspect.getsource(environment)
    for file_access in ("open(", "read_text", "read_bytes", "Path(", "read_public_cert_data"):
        assert file_access not in source, file_access


def test_what_a_stacks_constructs_share_is_one_typed_context_object(main_app):
    for stack in main_app.node.children:
        keys = [key for key in stack.__dict__ if key.startswith("_sigmatiq")]
        assert keys == ["_sigmatiq_context"], (stack.node.id, keys)
        context = context_of(stack)
        assert isinstance(context, StackContext) and context.stack is stack
        assert context.problems is main_app.problems
    beta = next(stack for stack in main_app.node.children if stack.node.id == "beta")
    assert context_of(beta).tags == beta.tags and context_of(beta.vault) is context_of(beta)
    assert len(context_of(beta).grants) == len(
        [child for child in beta.node.find_all() if type(child).__name__ == "RoleAssignment"]
    )
