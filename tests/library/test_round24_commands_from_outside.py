"""The commands and environment variables as a hurried user types them, each run as a real
process: a misspelt command, a path option left empty by an unset variable, a number that is
no number, files swapped or of the wrong kind, an HCL switch cdktf reads its own way. Each
mistake is one clear error (exit 2), no traceback, nothing written; values the tool can use
still work. Found by trying them from outside the repository (round 24); what round 13 and
test_cli.py cover is not repeated here."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers import ENGINE, NODE_BIN, PASSPHRASE, ROOT, VENV_BIN

PFX_PASSWORD = "aaaaaaaaaaaaaaaa"


def environment(**variables: str) -> dict[str, str]:
    """A user's shell: the engine under test, the vpn-cert secrets, and `variables`."""
    return {
        "PATH": f"{NODE_BIN}:/usr/bin:/bin", "HOME": str(Path.home()), "SIGMATIQ_ENGINE": ENGINE.name,
        "SIGMATIQ_P2S_KEY_PASSPHRASE": PASSPHRASE, "SIGMATIQ_P2S_PFX_PASSWORD": PFX_PASSWORD,
        "PYTHONDONTWRITEBYTECODE": "1", **variables,
    }


def command(folder: Path, *argv: str, **variables: str) -> subprocess.CompletedProcess:
    """The installed `sigmatiq-infra ARGV...`, run in `folder`."""
    return subprocess.run(
        [str(VENV_BIN / "sigmatiq-infra"), *argv], cwd=folder, capture_output=True, text=True, timeout=300,
        env=environment(**variables),
    )


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
