"""The commands and environment variables as a hurried user types them, each run as a real
process: a misspelt command, a path option left empty by an unset variable, a number that is
no number, files swapped or of the wrong kind, an HCL switch cdktf reads its own way. Each
mistake is one clear error (exit 2), no traceback, nothing written; values the tool can use
still work. Found by trying them from outside the repository (round 24); what round 13 and
test_cli.py cover is not repeated here."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from helpers import ENGINE, NODE_BIN, PASSPHRASE, ROOT, VENV_BIN

import sigmatiq_infra
from sigmatiq_infra import _kernel
from sigmatiq_infra.cli import main

PFX_PASSWORD = "aaaaaaaaaaaaaaaa"


def environment(**variables: str) -> dict[str, str]:
    """A user's shell: the engine under test, the vpn-cert secrets, and `variables`."""
    return {
        "PATH": f"{NODE_BIN}:/usr/bin:/bin", "HOME": str(Path.home()), "SIGMATIQ_ENGINE": ENGINE.name,
        "SIGMATIQ_P2S_KEY_PASSPHRASE": PASSPHRASE, "SIGMATIQ_P2S_PFX_PASSWORD": PFX_PASSWORD,
        "PYTHONDONTWRITEBYTECODE": "1", **variables,
    }


def installed(folder: Path, *argv: str, **variables: str) -> subprocess.CompletedProcess:
    """The installed `sigmatiq-infra ARGV...`, run in `folder` as a process of its own."""
    return subprocess.run(
        [str(VENV_BIN / "sigmatiq-infra"), *argv], cwd=folder, capture_output=True, text=True, timeout=300,
        env=environment(**variables),
    )


def command(folder: Path, *argv: str, **variables: str) -> subprocess.CompletedProcess:
    """`sigmatiq-infra ARGV...` in `folder`, as the installed script runs it (`sys.exit(main())`),
    in this process with the user's environment (a process each would cost the quick mode about
    0.2 s; `installed` runs the real script, in the slow tests). A traceback fails the test."""
    saved_environment, saved_folder = dict(os.environ), os.getcwd()
    out, err = io.StringIO(), io.StringIO()
    os.environ.clear()
    os.environ.update(environment(**variables))
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = main(list(argv))
            except SystemExit as stop:  # argparse's usage errors, and sys.exit('message') as Python ends it
                status = stop.code if isinstance(stop.code, int) or stop.code is None else 1
                if isinstance(stop.code, str):
                    print(stop.code, file=sys.stderr)
    finally:
        os.chdir(saved_folder)
        os.environ.clear()
        os.environ.update(saved_environment)
    return subprocess.CompletedProcess(["sigmatiq-infra", *argv], status or 0, out.getvalue(), err.getvalue())


def launch(folder: Path, *argv: str, **variables: str) -> subprocess.CompletedProcess:
    """`python -m sigmatiq_infra.launch ARGV...` in `folder`, on this checkout's library."""
    return subprocess.run(
        [str(VENV_BIN / "python"), "-m", "sigmatiq_infra.launch", *argv], cwd=folder, capture_output=True,
        text=True, timeout=300, env=environment(PYTHONPATH=str(ROOT), **variables),
    )


def usage_error(result: subprocess.CompletedProcess) -> tuple[int, str, str]:
    """(exit status, stdout, the last line of stderr) of an argparse refusal, after checking
    that stderr is the usage and that one line, with no traceback."""
    lines = result.stderr.splitlines()
    assert lines[0].startswith("usage: sigmatiq-infra") and "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stdout, lines[-1]


def synthesized(out: Path, name: str = "svc") -> Path:
    folder = out / "stacks" / name
    folder.mkdir(parents=True)
    (folder / "cdk.tf.json").write_text('{"resource": {}}')
    return folder


# --- a misspelt or wrongly cased command ------------------------------------------------------------

COMMANDS = "vpn-cert, diagram, cost, plan-gate, plan-test, record-deployed"


@pytest.mark.parametrize(("argv", "refusal"), [
    (["dagram", "svc"], "sigmatiq-infra: error: argument COMMAND: invalid choice: 'dagram' (did you mean "
                        f"'diagram'?). Allowed: {COMMANDS}. Fix: write 'diagram' instead."),
    (["COST", "svc"], "sigmatiq-infra: error: argument COMMAND: invalid choice: 'COST' (did you mean 'cost'?). "
                      f"Allowed: {COMMANDS}. Fix: write 'cost' instead."),
    (["plangate", "svc"], "sigmatiq-infra: error: argument COMMAND: invalid choice: 'plangate' (did you mean "
                          f"'plan-gate'?). Allowed: {COMMANDS}. Fix: write 'plan-gate' instead."),
    (["deploy"], f"sigmatiq-infra: error: argument COMMAND: invalid choice: 'deploy'. Allowed: {COMMANDS}. Fix: "
                 "pass one of those (see sigmatiq-infra --help)."),
    (["vpn-cert", "Root"], "sigmatiq-infra vpn-cert: error: argument KIND: invalid choice: 'Root' (did you mean "
                           "'root'?). Allowed: root, client. Fix: write 'root' instead."),
    (["vpn-cert", "clinet", "alice"], "sigmatiq-infra vpn-cert: error: argument KIND: invalid choice: 'clinet' (did "
                                      "you mean 'client'?). Allowed: root, client. Fix: write 'client' instead."),
])
def test_a_misspelt_or_wrongly_cased_command_is_refused_naming_the_likely_one_the_allowed_ones_and_the_fix(
    tmp_path, argv, refusal,
):
    """argparse listed the choices only: 'dagram' said nothing of 'diagram'."""
    assert usage_error(command(tmp_path, *argv)) == (2, "", refusal)


@pytest.mark.parametrize("argv", [["-h"], ["plan-test", "-h"], ["vpn-cert", "client", "-h"]])
def test_the_short_help_option_shows_the_help_of_every_level(tmp_path, argv):
    result = command(tmp_path, *argv)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith(f"usage: sigmatiq-infra {' '.join(argv[:-1])}".rstrip() + " [-h]")


# --- a path option given as an empty text (an unset shell variable) ---------------------------------

EMPTY = "the path '' is empty (an unset shell variable?). Allowed: a file or folder path. Fix: give the path (is the " \
        "variable set?)."


@pytest.mark.parametrize(("argv", "prog", "option"), [
    (["cost", "svc", "--out", ""], "cost", "--out"),
    (["cost", "svc", "--assumptions", ""], "cost", "--assumptions"),
    (["diagram", "svc", "--out-dir", ""], "diagram", "--out-dir"),
    (["plan-gate", "svc", "--plan-json", ""], "plan-gate", "--plan-json"),
    (["plan-gate", "svc", "--record", ""], "plan-gate", "--record"),
    (["plan-gate", "svc", "--summary", ""], "plan-gate", "--summary"),
    (["record-deployed", "svc", "--state", ""], "record-deployed", "--state"),
    (["vpn-cert", "root", "--cert-out", ""], "vpn-cert root", "--cert-out"),
    (["vpn-cert", "root", "--key-out", ""], "vpn-cert root", "--key-out"),
    (["vpn-cert", "client", "alice", "--root-cert", ""], "vpn-cert client", "--root-cert"),
    (["vpn-cert", "client", "alice", "--root-key", ""], "vpn-cert client", "--root-key"),
    (["vpn-cert", "client", "alice", "--out-dir", ""], "vpn-cert client", "--out-dir"),
])
def test_a_path_option_given_as_an_empty_text_is_refused_instead_of_meaning_the_working_folder(
    tmp_path, argv, prog, option,
):
    """`Path("")` is the working folder: `--out-dir "$KEYS"` with KEYS unset wrote the client's
    private keys into it, `--summary "$GITHUB_STEP_SUMMARY"` said '. (Is a directory)'."""
    synthesized(tmp_path)
    assert usage_error(command(tmp_path, *argv)) == (2, "", f"sigmatiq-infra {prog}: error: argument {option}: {EMPTY}")
    assert sorted(os.listdir(tmp_path)) == ["stacks"]


def test_an_empty_program_is_refused_by_the_launcher_in_one_line(tmp_path):
    """It was runpy's ImportError traceback (can't find '__main__' module in '')."""
    result = launch(tmp_path, "")
    assert (result.returncode, result.stdout, result.stderr) == (2, "", (
        "sigmatiq-infra: launch: the program '' is an empty path (an unset shell variable?). Fix: pass the app's "
        "main file, e.g. main.py.\n"
    ))


# --- vpn-cert: numbers that are no numbers, files swapped -------------------------------------------

@pytest.mark.parametrize(("kind", "days"), [("root", "abc"), ("root", ""), ("client", "1.5"), ("client", "ten")])
def test_days_that_are_no_whole_number_are_refused_with_the_range_and_the_fix(tmp_path, kind, days):
    name = ["alice"] if kind == "client" else []
    assert usage_error(command(tmp_path, "vpn-cert", kind, *name, "--days", days)) == (
        2, "", f"sigmatiq-infra vpn-cert {kind}: error: argument --days: {days!r} is not a whole number of days. "
               "Allowed: 1 to 7300. Fix: give a number such as 730.",
    )
    assert os.listdir(tmp_path) == []


@pytest.fixture
def root_files(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """A root certificate and its encrypted key, as `vpn-cert root` writes them."""
    monkeypatch.setenv("SIGMATIQ_P2S_KEY_PASSPHRASE", PASSPHRASE)
    cert, key = tmp_path / "p2s-root.cer", tmp_path / "keys" / "root.key.pem"
    assert main(["vpn-cert", "root", "--cert-out", str(cert), "--key-out", str(key)]) == 0
    return cert, key


@pytest.mark.parametrize("wrong_key", ["the certificate", "a text file"])
def test_a_root_key_that_is_no_private_key_is_named_as_such_not_as_a_wrong_passphrase(
    tmp_path, root_files, capsys, wrong_key,
):
    """Passing the certificate as --root-key too (or any file without a key) said 'cannot
    decrypt: set the passphrase', and the passphrase was right."""
    capsys.readouterr()
    cert, _ = root_files
    if wrong_key == "a text file":
        key = tmp_path / "notes.txt"
        key.write_text("root key: see the password manager\n")
    else:
        key = cert
    result = command(tmp_path, "vpn-cert", "client", "alice", "--root-cert", str(cert), "--root-key", str(key),
                     "--out-dir", str(tmp_path / "clients"))
    assert (result.returncode, result.stdout, result.stderr) == (2, "", (
        f"sigmatiq-infra: error: vpn-cert client: the root key {key} holds no PEM private key (no -----BEGIN ... "
        "PRIVATE KEY----- line). Fix: pass --root-key, the key file `vpn-cert root` wrote (--key-out), and "
        "--root-cert, its certificate.\n"
    ))
    assert not (tmp_path / "clients").exists()


def test_a_root_key_kept_in_openssls_traditional_encrypted_form_still_signs_clients(tmp_path, root_files):
    """No false alarm: `-----BEGIN RSA PRIVATE KEY-----` with Proc-Type: 4,ENCRYPTED (as
    `openssl genrsa -aes256` writes it) is a key the passphrase opens."""
    cert, key = root_files
    loaded = serialization.load_pem_private_key(key.read_bytes(), PASSPHRASE.encode())
    traditional = tmp_path / "root-traditional.pem"
    traditional.write_bytes(loaded.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.BestAvailableEncryption(PASSPHRASE.encode()),
    ))
    assert traditional.read_text().startswith("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED")
    result = command(tmp_path, "vpn-cert", "client", "alice", "--root-cert", str(cert), "--root-key",
                     str(traditional), "--out-dir", str(tmp_path / "clients"), "--days", "0730")
    assert (result.returncode, result.stderr) == (0, "")
    assert sorted(os.listdir(tmp_path / "clients")) == ["alice.pem", "alice.pfx"]


# --- record-deployed and plan-gate: a folder or text where a JSON file goes ----------------------------

@pytest.mark.parametrize("case", ["state is a folder", "state is text", "plan is a folder"])
def test_a_folder_or_text_where_a_json_file_goes_is_one_line_with_the_fix(tmp_path, case):
    stack = synthesized(tmp_path / "out")
    (tmp_path / "state").mkdir()
    (tmp_path / "state.txt").write_text("terraform show said: no state\n")
    (stack / "plans").mkdir()
    argv, refusal = {
        "state is a folder": (
            ["record-deployed", "svc", "--state", "state"],
            "record-deployed: state is a folder, where a JSON file goes. Fix: run `terraform show -json > "
            "state.json` in cdktf.out/stacks/svc and pass that file.",
        ),
        "state is text": (
            ["record-deployed", "svc", "--state", "state.txt"],
            "record-deployed: state.txt is not JSON (Expecting value: line 1 column 1 (char 0)). Fix: pass the "
            "output of `terraform show -json` (run in cdktf.out/stacks/svc after the deploy).",
        ),
        "plan is a folder": (
            ["plan-gate", "svc", "--plan-json", "plans"],
            "plan-gate: out/stacks/svc/plans is a folder, where a JSON file goes. Fix: run `cdktf diff <stack>`, "
            "then `terraform show -json plan > plan.json` in out/stacks/svc.",
        ),
    }[case]
    result = command(tmp_path, *argv, "--out", "out")
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"sigmatiq-infra: error: {refusal}\n")


@pytest.mark.slow
def test_values_the_commands_can_use_work_in_any_case_with_spaces_and_an_option_given_twice(tmp_path):
    """No false alarm: the engine's name in another case with spaces, an off switch so
    written, and `--out` given twice (the last one counts, as in argparse everywhere)."""
    synthesized(tmp_path / "out")
    result = installed(
        tmp_path, "cost", "svc", "--out", "elsewhere", "--out", "out",
        SIGMATIQ_ENGINE=f" {ENGINE.name.upper()} ", SIGMATIQ_FULL_IMPORT=" Off ",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Monthly cost estimate for svc")


# --- environment variables ------------------------------------------------------------------------------

APP = """\
from sigmatiq_infra import constructs as c
from sigmatiq_infra.stacks import App, AzureStack

with App() as app:
    stack = AzureStack(app, "svc")
    c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-svc", "westeurope"))
"""


@pytest.mark.slow
@pytest.mark.parametrize("value", ["1", "TRUE"])
def test_synth_hcl_output_1_which_cdktfs_stacks_read_as_true_is_refused_and_other_values_write_json(
    tmp_path, value,
):
    """cdktf's App reads only SYNTH_HCL_OUTPUT=true, each stack also '1' (lib/terraform-stack.js):
    with '1' the stacks wrote HCL into cdk.tf.json and the library's check at synth failed
    with json's traceback. 'TRUE' is neither: JSON stacks, as before."""
    (tmp_path / "main.py").write_text(APP)
    result = launch(tmp_path, "main.py", SYNTH_HCL_OUTPUT=value)
    if value == "1":
        assert (result.returncode, result.stderr) == (1, (
            "sigmatiq-infra: synth stopped, nothing was written (1 problem):\n"
            "  1. App 'arguments': SYNTH_HCL_OUTPUT '1' makes the stacks write HCL into cdk.tf.json (cdktf's stacks "
            "take '1' for 'true', its App does not), where the library's checks at synth, its commands and "
            "Terraform read JSON. Allowed: SYNTH_HCL_OUTPUT unset or false (JSON stacks). Fix: unset "
            "SYNTH_HCL_OUTPUT.\n"
        ))
        assert os.listdir(tmp_path) == ["main.py"]
    else:
        assert result.returncode == 0, result.stderr
        document = json.loads((tmp_path / "cdktf.out" / "stacks" / "svc" / "cdk.tf.json").read_text())
        assert [group["name"] for group in document["resource"]["azurerm_resource_group"].values()] == ["rg-svc"]


@pytest.mark.parametrize(("variables", "cache"), [
    ({"XDG_CACHE_HOME": "cache"}, "{home}/.cache/sigmatiq-infra"),
    ({"XDG_CACHE_HOME": ""}, "{home}/.cache/sigmatiq-infra"),
    ({"SIGMATIQ_CACHE_DIR": "   "}, "{home}/.cache/sigmatiq-infra"),
    ({"XDG_CACHE_HOME": "/var/cache/u"}, "/var/cache/u/sigmatiq-infra"),
    ({"SIGMATIQ_CACHE_DIR": "/opt/sigmatiq-cache", "XDG_CACHE_HOME": "/var/cache/u"}, "/opt/sigmatiq-cache"),
    ({"SIGMATIQ_CACHE_DIR": "relative/cache"}, "relative/cache"),
])
def test_a_relative_xdg_cache_home_or_a_cache_dir_of_spaces_counts_as_unset(tmp_path, monkeypatch, variables, cache):
    """The XDG Base Directory Specification: "All paths set in these environment variables
    must be absolute. If an implementation encounters a relative path in any of these
    variables it should consider the path invalid and ignore it." A relative one made
    `prepare` and the app each use a cache below their own working folder (the app then ran
    without the fast runtime); SIGMATIQ_CACHE_DIR of spaces made a folder named by spaces. The
    library's own SIGMATIQ_CACHE_DIR is taken as given otherwise."""
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("SIGMATIQ_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert _kernel.cache_dir() == Path(cache.format(home=tmp_path))


def test_every_sigmatiq_variable_the_library_reads_is_in_its_list_of_environment_variables():
    """An app that flags unknown SIGMATIQ_ variables with this list (as the estate does)
    refused SIGMATIQ_UPDATE_SNAPSHOTS=1, which Template.assert_matches_snapshot reads."""
    read = {
        name for path in (ROOT / "sigmatiq_infra").rglob("*.py")
        for name in re.findall(r"[\"'](SIGMATIQ_[A-Z0-9_]+)[\"']", path.read_text())
    }
    assert "SIGMATIQ_UPDATE_SNAPSHOTS" in read
    assert read - set(sigmatiq_infra.ENVIRONMENT_VARIABLES) == set()


@pytest.mark.parametrize(("variables", "refusal"), [
    ({"SIGMATIQ_CACHE_DIR": "notes.txt"}, "the cache folder notes.txt (from SIGMATIQ_CACHE_DIR) is a file"),
    ({"SIGMATIQ_CACHE_DIR": "notes.txt/cache"},
     "the cache folder notes.txt/cache (from SIGMATIQ_CACHE_DIR) cannot be made (Not a directory)"),
    ({"XDG_CACHE_HOME": "{folder}/notes.txt"},
     "the cache folder {folder}/notes.txt/sigmatiq-infra (from XDG_CACHE_HOME) cannot be made (Not a directory)"),
])
def test_prepare_refuses_a_cache_folder_it_cannot_make_naming_the_variable_before_building(
    tmp_path, variables, refusal,
):
    """Each part said 'not prepared ([Errno 20] Not a directory: ...)', exit 0, and the app
    then said 'run prepare': the variable that chose the folder was never named."""
    (tmp_path / "notes.txt").write_text("")
    result = subprocess.run(
        [str(VENV_BIN / "python"), "-m", "sigmatiq_infra.prepare"], cwd=tmp_path, capture_output=True, text=True,
        timeout=300, env=environment(
            PYTHONPATH=str(ROOT), **{name: value.format(folder=tmp_path) for name, value in variables.items()},
        ),
    )
    assert (result.returncode, result.stdout, result.stderr) == (2, "", (
        f"sigmatiq-infra: prepare: {refusal.format(folder=tmp_path)}. Allowed: a folder this user can write, made if "
        "it does not exist. Fix: set SIGMATIQ_CACHE_DIR to the absolute path of such a folder.\n"
    ))
    assert os.listdir(tmp_path) == ["notes.txt"]
