"""A program with bad input and then a bug of its own (a misspelt name): the bug keeps its
traceback, and the problems found before it come first, as the numbered list, so that one run
shows both (they used to appear only after the bug was fixed)."""

import pytest

from sigmatiq_infra.constructs import KeyVault, KeyVaultProps, ResourceGroup, ResourceGroupProps
from sigmatiq_infra.stacks import App, AzureStack

FOUND_BEFORE = [
    "sigmatiq-infra: synth stopped, nothing was written (1 problem):",
    "  1. KeyVault 'svc/Vault': name 'kv' has 2 characters. Allowed: Key Vault names have 3-24 characters; "
    "letters, digits and hyphens; starts with a letter; ends with a letter or digit; no consecutive hyphens; "
    "unique across Azure. Fix: choose a Key Vault name that follows these rules.",
]


def test_a_bug_in_a_with_block_keeps_its_error_after_the_problems_found_before_it(tmp_path, capsys):
    with pytest.raises(ZeroDivisionError), App(outdir=str(tmp_path / "out")) as app:
        stack = AzureStack(app, "svc")
        group = ResourceGroup(stack, "Group", ResourceGroupProps("rg-svc", "westeurope"))
        KeyVault(stack, "Vault", KeyVaultProps("kv", group, public_network_access_enabled=True))
        _ = 1 / 0
    assert capsys.readouterr().err.splitlines() == FOUND_BEFORE
    assert not (tmp_path / "out").exists()


def test_a_bug_with_nothing_found_before_it_prints_only_its_traceback(tmp_path, capsys):
    with pytest.raises(ZeroDivisionError), App(outdir=str(tmp_path / "out")) as app:
        AzureStack(app, "svc")
        _ = 1 / 0
    assert capsys.readouterr().err == ""


@pytest.mark.slow
def test_the_launcher_shows_what_an_app_found_before_a_bug_then_the_bugs_traceback(tmp_path):
    from test_a_hurried_users_app import launched

    result = launched(tmp_path, """\
        from sigmatiq_infra import constructs as c
        from sigmatiq_infra.stacks import App, AzureStack

        app = App()
        stack = AzureStack(app, "svc")
        group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-svc", "westeurope"))
        c.KeyVault(stack, "Vault", c.KeyVaultProps("kv", group, public_network_access_enabled=True))
        print(undefined_name)
        app.synth()
    """)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[:2] == FOUND_BEFORE
    assert lines[2] == "Traceback (most recent call last):"
    assert lines[-1] == "NameError: name 'undefined_name' is not defined"
