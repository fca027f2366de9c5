"""A construct of the engine or of the bindings (a `TerraformOutput`, an azurerm resource made
directly) under an id its scope already holds: jsii refuses it at the line that makes it. The
library's own constructs report a taken id and go on; these stop the program, and `with App()`
and the launcher report it as the same problem, after the ones found before it, with the
program's line: no traceback, nothing written. Found by probing a user's own app from outside
the repository."""

import pytest

from sigmatiq_infra.cdk import TerraformOutput
from sigmatiq_infra.constructs import KeyVault, KeyVaultProps, ResourceGroup, ResourceGroupProps
from sigmatiq_infra.stacks import App, AzureStack

TAKEN = (
    "TerraformStack 'svc': id 'url' is already the id of another construct in it (made at {file}, line {line}). "
    "Allowed: one construct per id in a scope (the id is part of every Terraform address below it). Fix: give "
    "this construct an id of its own."
)


def test_an_output_under_a_taken_id_in_a_with_block_is_the_last_problem_of_the_list(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped, App(outdir=str(tmp_path / "out")) as app:
        stack = AzureStack(app, "svc")
        group = ResourceGroup(stack, "Group", ResourceGroupProps("rg-svc", "westeurope"))
        KeyVault(stack, "Vault", KeyVaultProps("kv", group, public_network_access_enabled=True))
        TerraformOutput(stack, "url", value="https://a.example")
        line = _next_line()
        TerraformOutput(stack, "url", value="https://b.example")
    assert stopped.value.code == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "sigmatiq-infra: synth stopped, nothing was written (2 problems):"
    assert lines[1].startswith("  1. KeyVault 'svc/Vault': name 'kv' has 2 characters.")
    assert lines[2] == "  2. " + TAKEN.format(file=__file__, line=line)
    assert not (tmp_path / "out").exists()


def _next_line() -> int:
    """The line after the caller's."""
    import sys

    return sys._getframe(1).f_lineno + 1


@pytest.mark.slow
def test_an_azurerm_resource_under_a_taken_id_is_the_launchers_numbered_list_not_jsiis_traceback(tmp_path):
    from test_a_hurried_users_app import launched

    result = launched(tmp_path, """\
        from sigmatiq_infra.azurerm import resource_group
        from sigmatiq_infra.stacks import App, AzureStack

        app = App()
        stack = AzureStack(app, "svc")
        resource_group.ResourceGroup(stack, "url", name="rg-a", location="westeurope")
        resource_group.ResourceGroup(stack, "url", name="rg-b", location="westeurope")
        app.synth()
    """)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        "sigmatiq-infra: synth stopped, nothing was written (1 problem):",
        "  1. " + TAKEN.format(file="app.py", line=7),
    ]
    assert not (tmp_path / "cdktf.out").exists()
