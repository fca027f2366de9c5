"""The real cdktf CLI (npm cdktf-cli@0.21.0) synthesizes the project through cdktf.json."""

import json
import os
import shutil
import subprocess

import pytest
from estate_helpers import ISOLATED
from helpers import CLI, ROOT, background, slow_fixture

CDKTF = CLI


def start_in_background(work):
    """`cdktf synth` into `work`, once as it is and once with a bad switch, started while the
    other tests run (see conftest)."""
    runs = {}
    for name, extra in (("good", {}), ("bad", {"SIGMATIQ_REMOTE_STATE": "enabled"})):
        outdir = work / f"{name}.out"
        outdir.mkdir(parents=True)
        env = {**os.environ, **ISOLATED, "CHECKPOINT_DISABLE": "1", "CI": "1", **extra}
        for variable in ("ARM_SUBSCRIPTION_ID", "SIGMATIQ_IMAGE_TAG", "SIGMATIQ_LOCATION"):
            env.pop(variable, None)
        runs[name] = subprocess.Popen(
            [str(CDKTF), "synth", "--output", str(outdir)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        ), outdir
    return runs


@pytest.fixture(scope="module")
@slow_fixture
def cli_runs(tmp_path_factory):
    if not CDKTF.exists():
        pytest.fail(f"{CDKTF} is missing: run bin/setup (bin/test does it)")
    results = {}
    started = background(__name__) or start_in_background(tmp_path_factory.mktemp("cli"))
    for name, (process, outdir) in started.items():
        stdout, stderr = process.communicate(timeout=300)
        results[name] = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr), outdir
    return results


@pytest.fixture(scope="module")
def cli_synth(cli_runs):
    return cli_runs["good"]


def test_cdktf_synth_with_a_bad_input_shows_the_numbered_list_and_no_traceback(cli_runs):
    result, outdir = cli_runs["bad"]
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "sigmatiq-infra: synth stopped, nothing was written (1 problem):" in output
    assert "1. Environment variable 'SIGMATIQ_REMOTE_STATE': value 'enabled' is not an on/off value." in output
    assert "Traceback" not in output
    assert not (outdir / "stacks").exists()


def test_cdktf_synth_exits_zero_and_writes_every_stack(cli_synth):
    result, outdir = cli_synth
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in (outdir / "stacks").iterdir()) == ["beta", "prod", "shared", "state"]


def test_the_cli_output_equals_the_in_process_synth(cli_synth, synthesized):
    _, outdir = cli_synth
    for name, stack in synthesized.items():
        written = json.loads((outdir / "stacks" / name / "cdk.tf.json").read_text())
        written["terraform"].pop("backend", None)
        expected = json.loads(json.dumps(stack.doc))
        expected["terraform"].pop("backend", None)
        assert written == expected


def test_the_cli_run_prints_no_jsii_end_of_life_banner(cli_synth):
    result, _ = cli_synth
    output = result.stdout + result.stderr
    assert "end-of-life" not in output
    assert "not supported" not in output


@pytest.mark.slow
def test_jsii_runs_on_a_supported_node_release():
    node = shutil.which("node")
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout
    assert int(version.lstrip("v").split(".")[0]) >= 22, (node, version)
