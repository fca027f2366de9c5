"""Round 28, from outside in: the app-level pieces a hurried user writes first (App, AzureStack,
BlobStateBackend). Each mistake is one problem of the numbered list, nothing is written, and the
values cdktf, Terraform and Azure take still pass."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from constructs import Construct
from helpers import ENGINE, NODE_BIN

from sigmatiq_infra.stacks import App, AzureStack, BlobStateBackend
from sigmatiq_infra.validation import ValidationError

CONTROL = (
    "a stack id without control characters (the id names the stack's folder, its state file and its state blob: "
    "Windows takes none in a file name, Azure none in a blob name, no system a NUL)"
)


def synth_problems(app: App) -> list[str]:
    with pytest.raises(ValidationError) as error:
        app.synth()
    return list(error.value.problems)


# --- stack ids: '.' and '..' name no folder of their own -------------------------------------------------


@pytest.mark.parametrize(("given", "where"), [(".", "the stacks folder itself"), ("..", "the output folder")])
def test_a_stack_id_of_a_dot_or_two_is_refused_as_it_names_no_folder_and_nothing_is_written(tmp_path, given, where):
    # Without the check cdktf wrote the stack's cdk.tf.json to stacks/. (the stacks folder) or stacks/.. (the
    # output folder, beside manifest.json), and its manifest named a stack '.' that `cdktf deploy` cannot reach.
    app = App(outdir=str(tmp_path / "out"))
    stack = AzureStack(app, given)
    assert stack.node.id == "app"
    assert synth_problems(app) == [
        f"AzureStack '{given}': id '{given}' names no folder of its own (cdktf would write the stack to "
        f"stacks/{given}, {where}). Allowed: a stack id that names a folder of its own. Fix: name the stack, "
        "e.g. 'app'.",
    ]
    assert not (tmp_path / "out").exists()


# --- stack ids: control characters -----------------------------------------------------------------------


@pytest.mark.parametrize(("given", "shown"), [("svc\x00prod", "'\\x00'"), ("svc\x01prod", "'\\x01'")])
def test_a_stack_id_with_a_control_character_is_one_problem_not_nodes_traceback(tmp_path, given, shown):
    # A NUL stopped synth with Node's "ERR_INVALID_ARG_VALUE ... without null bytes" traceback; the others went
    # into the default state blob `<id>.tfstate`, a name Azure refuses.
    app = App(outdir=str(tmp_path / "out"))
    AzureStack(app, given, backend=BlobStateBackend("rg-state", "ststate0001"))
    assert synth_problems(app) == [
        f"AzureStack '{given}': id {given!r} contains {shown}. Allowed: {CONTROL}. Fix: name the stack e.g. "
        "'svc-prod'.",
    ]
    assert not (tmp_path / "out").exists()


def test_a_control_character_and_a_space_in_one_stack_id_are_two_problems_with_one_fix(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    AzureStack(app, "svc prod\x02")
    assert synth_problems(app) == [
        f"AzureStack 'svc prod\x02': id 'svc prod\\x02' contains '\\x02'. Allowed: {CONTROL}. Fix: name the stack "
        "e.g. 'svc-prod'.",
        "AzureStack 'svc prod\x02': id 'svc prod\\x02' contains ' '. Allowed: a stack id without spaces, '/' (it "
        "separates construct paths) or the characters * ? [ ] { } ! (cdktf's CLI takes them as patterns, and the "
        "id names the stack's folder and its state). Fix: name the stack e.g. 'svc-prod'.",
    ]


# --- stack ids cdktf and Azure take pass, each in a folder of its own -----------------------------------


@pytest.mark.parametrize("given", ["prod.v1", ".hidden", "prod.", "prød-øst", "x" * 237, "svc_2", "Prod-EU"])
def test_stack_ids_with_dots_unicode_or_the_longest_length_pass_and_name_their_folder_and_blob(tmp_path, given):
    app = App(outdir=str(tmp_path / "out"))
    AzureStack(app, given, backend=BlobStateBackend("rg-state", "ststate0001"))
    app.synth()
    document = json.loads((tmp_path / "out" / "stacks" / given / "cdk.tf.json").read_text())
    assert document["terraform"]["backend"]["azurerm"]["key"] == f"{given}.tfstate"
    assert list(json.loads((tmp_path / "out" / "manifest.json").read_text())["stacks"]) == [given]


# --- the state backend: an account's root and website containers are containers Azure takes ------------


@pytest.mark.parametrize("container", ["$root", "$web"])
def test_state_in_an_accounts_root_or_website_container_passes_as_azurerm_takes_those_names(tmp_path, container):
    # Before, the backend held them to the rule of other containers ("contains '$'") though the library's own
    # StorageAccount makes them, as azurerm takes them (storage/validate/storage_container.go).
    app = App(outdir=str(tmp_path / "out"))
    AzureStack(app, "svc", backend=BlobStateBackend("rg-state", "ststate0001", container))
    app.synth()
    document = json.loads((tmp_path / "out" / "stacks" / "svc" / "cdk.tf.json").read_text())
    assert document["terraform"]["backend"]["azurerm"] == {
        "container_name": container, "key": "svc.tfstate", "resource_group_name": "rg-state",
        "storage_account_name": "ststate0001", "use_azuread_auth": True,
    }


def test_another_dollar_container_for_the_state_is_still_refused_by_the_container_rule(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    AzureStack(app, "svc", backend=BlobStateBackend("rg-state", "ststate0001", "$state"))
    assert synth_problems(app) == [
        "AzureStack 'svc': backend.container '$state' contains '$' and starts with '$'. Allowed: storage container "
        "names have 3-63 characters; lowercase letters, digits and hyphens; starts with a lowercase letter or digit; "
        "ends with a lowercase letter or digit; no consecutive hyphens. Fix: use 'state' or another storage "
        "container name that follows these rules.",
    ]
    assert not (tmp_path / "out").exists()


# --- App(outdir=...) -------------------------------------------------------------------------------------


def test_a_relative_outdir_after_the_program_changed_its_folder_is_written_there_and_nothing_is_left_behind(
    tmp_path, monkeypatch,
):
    # The engine's Node.js process keeps the working directory it started in: a relative staging folder was
    # made there, synth found nothing to move, "succeeded" and wrote nothing, and the staging folder stayed.
    monkeypatch.chdir(tmp_path)
    app = App(outdir="out")
    AzureStack(app, "svc")
    app.synth()
    assert json.loads((tmp_path / "out" / "stacks" / "svc" / "cdk.tf.json").read_text())["provider"]["azurerm"]
    assert list(json.loads((tmp_path / "out" / "manifest.json").read_text())["stacks"]) == ["svc"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out"]


def test_the_current_folder_as_outdir_gets_the_stacks_and_the_manifest(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = App(outdir=".")
    AzureStack(app, "svc")
    app.synth()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["manifest.json", "stacks"]
    assert (tmp_path / "stacks" / "svc" / "cdk.tf.json").is_file()


# --- BlobStateBackend(...) called as Terraform's backend block is written --------------------------------


def test_a_backend_with_terraforms_argument_names_is_told_the_fields_not_pythons_type_error():
    # Terraform's azurerm backend block says storage_account_name and container_name; the dataclass raised
    # "TypeError: BlobStateBackend.__init__() got an unexpected keyword argument" with a traceback.
    with pytest.raises(ValidationError) as raised:
        BlobStateBackend(resource_group="rg-state", storage_account_name="ststate0001", container_name="tfstate")
    assert raised.value.problems == (
        "BlobStateBackend 'arguments': keyword 'storage_account_name' is not one of its fields (did you mean "
        "'storage_account'?). Allowed: resource_group, storage_account, container, key. Fix: write "
        "storage_account=<value> instead.",
        "BlobStateBackend 'arguments': keyword 'container_name' is not one of its fields (did you mean "
        "'container'?). Allowed: resource_group, storage_account, container, key. Fix: write container=<value> "
        "instead.",
        "BlobStateBackend 'arguments': storage_account (not given) is required. Allowed: resource_group, "
        "storage_account always given. Fix: pass storage_account: BlobStateBackend(resource_group=..., "
        "storage_account=...).",
    )


def test_a_backend_without_its_storage_account_names_the_missing_field():
    with pytest.raises(ValidationError) as raised:
        BlobStateBackend("rg-state")
    assert raised.value.problems == (
        "BlobStateBackend 'arguments': storage_account (not given) is required. Allowed: resource_group, "
        "storage_account always given. Fix: pass storage_account: BlobStateBackend(resource_group=..., "
        "storage_account=...).",
    )


@pytest.mark.slow
def test_the_launcher_lists_a_dot_stack_and_a_backend_with_terraforms_names_without_a_traceback(tmp_path):
    program = textwrap.dedent("""\
        from sigmatiq_infra.stacks import App, AzureStack, BlobStateBackend

        app = App()
        AzureStack(app, ".")
        AzureStack(app, "svc", backend=BlobStateBackend("rg-state", storage_account_name="ststate0001"))
        app.synth()
    """)
    (tmp_path / "app.py").write_text(program)
    result = subprocess.run(
        [sys.executable, "-m", "sigmatiq_infra.launch", "app.py"], cwd=tmp_path, capture_output=True, text=True,
        env={"PATH": f"{NODE_BIN}:/usr/bin:/bin", "HOME": str(Path.home()), "SIGMATIQ_ENGINE": ENGINE.name},
        timeout=300,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        "sigmatiq-infra: synth stopped, nothing was written (3 problems):",
        "  1. AzureStack '.': id '.' names no folder of its own (cdktf would write the stack to stacks/., the "
        "stacks folder itself). Allowed: a stack id that names a folder of its own. Fix: name the stack, e.g. 'app'.",
        "  2. BlobStateBackend 'arguments': keyword 'storage_account_name' is not one of its fields (did you mean "
        "'storage_account'?). Allowed: resource_group, storage_account, container, key. Fix: write "
        "storage_account=<value> instead.",
        "  3. BlobStateBackend 'arguments': storage_account (not given) is required. Allowed: resource_group, "
        "storage_account always given. Fix: pass storage_account: BlobStateBackend(resource_group=..., "
        "storage_account=...).",
    ]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["app.py"]


# --- stack ids are unique in the app, wherever the stack sits ---------------------------------------------


def test_two_stacks_of_one_id_under_two_constructs_are_one_problem_as_cdktf_keeps_only_one(tmp_path):
    # cdktf names a stack's folder and manifest entry by its id alone: the manifest held one 'svc', the other
    # stack's document was lost without a word.
    app = App(outdir=str(tmp_path / "out"))
    AzureStack(Construct(app, "beta"), "svc")
    AzureStack(Construct(app, "prod"), "svc")
    assert synth_problems(app) == [
        "AzureStack 'svc': id 'svc' is already the id of the stack 'beta/svc'. Allowed: one stack per id in an "
        "app, wherever it sits in the construct tree (cdktf names the stack's folder, stacks/<id>, its manifest "
        "entry and its local state file by the id alone: the second would overwrite the first). Fix: give the "
        "stack an id of its own, e.g. 'prod-svc'.",
    ]
    assert not (tmp_path / "out").exists()


def test_a_stack_made_in_another_stack_under_its_id_in_another_case_is_refused(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    outer = AzureStack(app, "svc")
    AzureStack(outer, "SVC")
    assert synth_problems(app) == [
        "AzureStack 'SVC': id 'SVC' differs from the id of stack 'svc' only in case. Allowed: stack ids that differ "
        "in more than case (each names the stack's folder, stacks/<id>, and its local state file, "
        "terraform.<id>.tfstate: on a file system that compares names in any case, macOS's and Windows' default, "
        "the two stacks would share both and plan against each other's state). Fix: rename one of 'svc' and 'SVC'.",
    ]


def test_stacks_of_their_own_ids_under_grouping_constructs_are_each_written(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    AzureStack(Construct(app, "beta"), "beta-svc")
    AzureStack(Construct(app, "prod"), "prod-svc")
    app.synth()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())["stacks"]
    assert {name: stack["constructPath"] for name, stack in manifest.items()} == {
        "beta-svc": "beta/beta-svc", "prod-svc": "prod/prod-svc",
    }
