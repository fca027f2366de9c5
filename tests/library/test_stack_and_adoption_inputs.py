"""What a user passes to a stack, to adoption, to the tag aspect and to a suppression: two
stacks never share one state blob, adoption settings are checked where they are used, tag
names are compared as Azure compares them (in any case), and a call that cannot be honoured
is one line of the numbered list, not a traceback. Found by probing the stack-level features
from outside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import error_of, recorded

from sigmatiq_infra import constructs as c
from sigmatiq_infra.stacks import App, AzureStack, BlobStateBackend
from sigmatiq_infra.validation import ValidationError


def synth_problems(app: App, out: Path) -> list[str]:
    """The problems a real synth of `app` reports; [] when it wrote. Nothing is written on a refusal."""
    try:
        app.synth()
    except ValidationError as error:
        assert not out.exists()
        return list(error.problems)
    return []


def two_stacks(tmp_path: Path, first: BlobStateBackend, second: BlobStateBackend) -> list[str]:
    out = tmp_path / "out"
    app = App(outdir=str(out))
    for id, backend in (("s", first), ("t", second)):
        stack = AzureStack(app, id, backend=backend)
        c.ResourceGroup(stack, "Group", c.ResourceGroupProps(f"rg-{id}", "westeurope"))
    return synth_problems(app, out)


# --- 1. one state blob per stack ------------------------------------------------------------------


def test_two_stacks_whose_backends_name_one_blob_are_refused_naming_both(tmp_path):
    assert two_stacks(
        tmp_path, BlobStateBackend("rg-state", "ststate01", key="x.tfstate"),
        BlobStateBackend("rg-other", "ststate01", key="x.tfstate"),
    ) == [
        "AzureStack 't': backend.key 'x.tfstate' is already the state blob of stack 's' (storage account "
        "'ststate01', container 'tfstate'), so either stack's deploy would plan against the other's state and "
        "destroy what it deployed. Allowed: one state blob per stack. Fix: give one of the two its own key "
        "(leaving key out gives '<stack id>.tfstate').",
    ]


def test_a_key_that_is_another_stacks_default_blob_is_refused(tmp_path):
    assert two_stacks(
        tmp_path, BlobStateBackend("rg-state", "ststate01", key="t.tfstate"), BlobStateBackend("rg-state", "ststate01"),
    ) == [
        "AzureStack 't': backend.key 't.tfstate' is already the state blob of stack 's' (storage account "
        "'ststate01', container 'tfstate'), so either stack's deploy would plan against the other's state and "
        "destroy what it deployed. Allowed: one state blob per stack. Fix: give one of the two its own key "
        "(leaving key out gives '<stack id>.tfstate').",
    ]


@pytest.mark.parametrize(("first", "second"), [
    (BlobStateBackend("rg-state", "ststate01"), BlobStateBackend("rg-state", "ststate01")),  # one backend, two defaults
    (BlobStateBackend("rg-state", "ststate01", key="x.tfstate"), BlobStateBackend("rg-state", "ststate01", key="X.tfstate")),
    (BlobStateBackend("rg-state", "ststate01", key="x"), BlobStateBackend("rg-state", "ststate01", "other", key="x")),
    (BlobStateBackend("rg-state", "ststate01", key="x"), BlobStateBackend("rg-state", "ststate02", key="x")),
], ids=["default keys", "blob names are case-sensitive", "other container", "other account"])
def test_stacks_with_blobs_of_their_own_pass(tmp_path, first, second):
    assert two_stacks(tmp_path, first, second) == []


def test_an_empty_state_key_is_refused_with_the_default_to_use(stack):
    assert error_of(lambda: AzureStack(stack.node.root, "s", backend=BlobStateBackend("rg-state", "ststate01", key=""))) == (
        "AzureStack 's': backend.key '' is empty. Allowed: a blob name of 1 to 1,024 characters, or None for the "
        "default 's.tfstate'. Fix: leave key out for the default 's.tfstate', or name the blob."
    )


def test_a_state_key_longer_than_azures_1024_characters_is_refused_and_1024_pass(stack):
    root = stack.node.root
    AzureStack(root, "longest", backend=BlobStateBackend("rg-state", "ststate01", key="k" * 1024))
    assert recorded(stack) == []
    assert error_of(lambda: AzureStack(root, "t", backend=BlobStateBackend("rg-state", "ststate01", key="k" * 1025))) == (
        f"AzureStack 't': backend.key '{'k' * 76}... has 1025 characters. Allowed: a blob name of 1 to 1,024 "
        "characters. Fix: shorten the key, or leave it out for the default 't.tfstate'."
    )
