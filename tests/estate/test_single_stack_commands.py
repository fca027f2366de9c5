"""The documented single-stack commands, run with the real cdktf CLI as a user types them.

A stand-in `terraform`, first on PATH, records every call (working folder and arguments) and
answers like Terraform would for a plan or apply with nothing to do, so the test sees what
cdktf hands to Terraform without touching Azure.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest
from estate_helpers import ISOLATED
from helpers import ENGINE, ROOT, background, slow_fixture

STANDIN = """#!/bin/sh
# stand-in terraform: record the call, answer like Terraform with nothing to do
printf '%s\\t%s\\n' "$PWD" "$*" >> "$STANDIN_LOG"
case "$1" in
  version) printf '{"terraform_version": "1.11.4", "platform": "linux_amd64", "provider_selections": {}}\\n' ;;
  -v) printf 'Terraform v1.11.4\\non linux_amd64\\n' ;;
  output) printf '{}\\n' ;;
esac
exit 0
"""


def run_cdktf(command: str, tmp_path: Path, name: str, out: Path | None = None) -> tuple[subprocess.Popen, Path, Path]:
    """Start `command` in the project folder through `bin/env.sh`, as the README says to;
    with `out`, on that earlier synth's output (`--skip-synth`)."""
    bin_dir = tmp_path / name / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "terraform").write_text(STANDIN)
    (bin_dir / "terraform").chmod(0o755)
    log = tmp_path / name / "terraform.log"
    log.touch()
    skip = " --skip-synth" if out else ""
    out = out or tmp_path / name / "cdktf.out"
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("CDKTF_", "ARM_"))}
    environment.update(ISOLATED, STANDIN_LOG=str(log), CI="1")
    script = f'source bin/env.sh && export PATH="{bin_dir}:$PATH" && {command}{skip} --output {shlex.quote(str(out))}'
    process = subprocess.Popen(
        ["bash", "-c", script], cwd=ROOT, env=environment, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    return process, log, out


# As the README says to type them, with the engine's CLI (`cdktf`, or `cdktn` on CDK Terrain).
AS_TYPED = {"deploy beta": f"{ENGINE.cli} deploy beta --auto-approve", "diff beta": f"{ENGINE.cli} diff beta"}
ON_THAT_SYNTH = {
    "deploy prod": f"{ENGINE.cli} deploy prod --auto-approve",
    "diff prod": f"{ENGINE.cli} diff prod",
    "deploy shared": f"{ENGINE.cli} deploy shared --auto-approve",
    "deploy shared beta": f"{ENGINE.cli} deploy shared beta --auto-approve",
}


def start_in_background(work):
    """The two commands the issue names, run exactly as typed (synth included), started while
    the other tests run (see conftest)."""
    return {key: run_cdktf(command, work, key.replace(" ", "-")) for key, command in AS_TYPED.items()}


@pytest.fixture(scope="module")
@slow_fixture
def runs(tmp_path_factory):
    """Every documented single-stack command; (exit status, output, terraform calls, outdir).
    The others reuse the first one's synth (`--skip-synth`), which changes nothing about how
    cdktf picks the stacks."""
    work = tmp_path_factory.mktemp("cdktf-commands")
    results = finish(background(__name__) or start_in_background(work))
    synthesized = results["deploy beta"][3]
    return results | finish({
        key: run_cdktf(command, work, key.replace(" ", "-"), synthesized) for key, command in ON_THAT_SYNTH.items()
    })


def finish(started):
    results = {}
    for key, (process, log, out) in started.items():
        output, _ = process.communicate(timeout=300)
        calls = [line.split("\t", 1) for line in log.read_text().splitlines()]
        results[key] = (process.returncode, output, [(Path(folder), arguments) for folder, arguments in calls], out)
    return results


def stack_calls(calls, out: Path) -> list[tuple[str, str]]:
    """(stack, the Terraform subcommand) for each call made in a stack folder."""
    return [
        (folder.name, arguments.split()[0]) for folder, arguments in calls
        if folder.parent == out / "stacks" and arguments.split()[0] in ("init", "plan", "apply")
    ]


@pytest.mark.parametrize("command", ["deploy beta", "diff beta", "deploy prod", "diff prod", "deploy shared"])
def test_a_single_stack_command_runs_with_no_usage_error(runs, command):
    returncode, output, _, _ = runs[command]
    assert "Usage Error" not in output
    assert "dependencies are not included" not in output
    assert returncode == 0, output


@pytest.mark.parametrize(("command", "stack"), [
    ("deploy beta", "beta"), ("deploy prod", "prod"), ("deploy shared", "shared"),
])
def test_cdktf_deploy_hands_exactly_that_stack_to_terraform_init_and_apply(runs, command, stack):
    _, _, calls, out = runs[command]
    assert stack_calls(calls, out) == [(stack, "init"), (stack, "apply")]
    [apply] = [arguments for folder, arguments in calls if arguments.startswith("apply")]
    assert apply.split()[:2] == ["apply", "-auto-approve"]


@pytest.mark.parametrize(("command", "stack"), [("diff beta", "beta"), ("diff prod", "prod")])
def test_cdktf_diff_hands_the_stack_to_terraform_plan_and_saves_the_plan(runs, command, stack):
    _, _, calls, out = runs[command]
    assert stack_calls(calls, out) == [(stack, "init"), (stack, "plan")]
    [plan] = [arguments for folder, arguments in calls if arguments.startswith("plan")]
    assert plan.endswith("-out plan")


def test_deploy_shared_beta_applies_shared_before_beta_starts_applying(runs):
    returncode, output, calls, out = runs["deploy shared beta"]
    assert returncode == 0, output
    assert [call for call in stack_calls(calls, out) if call[1] == "apply"] == [("shared", "apply"), ("beta", "apply")]


def test_bin_env_sh_runs_the_stacks_of_one_command_one_after_another():
    script = (ROOT / "bin" / "env.sh").read_text()
    assert "export CDKTF_PARALLELISM=1" in script.splitlines()
