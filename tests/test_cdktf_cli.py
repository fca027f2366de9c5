"""The real cdktf CLI (npm cdktf-cli@0.21.0) synthesizes the project through cdktf.json."""

import json
import os
import shutil
import subprocess

import pytest
from conftest import ISOLATED, ROOT

CDKTF = ROOT / "node_modules" / ".bin" / "cdktf"


@pytest.fixture(scope="module")
def cli_synth(tmp_path_factory):
    if not CDKTF.exists():
        pytest.fail("node_modules/.bin/cdktf is missing: run bin/setup (bin/test does it)")
    outdir = tmp_path_factory.mktemp("cli.out")
    env = {**os.environ, **ISOLATED, "CHECKPOINT_DISABLE": "1", "CI": "1"}
    env.pop("ARM_SUBSCRIPTION_ID", None)
    env.pop("SIGMATIQ_IMAGE_TAG", None)
    env.pop("SIGMATIQ_LOCATION", None)
    result = subprocess.run(
        [str(CDKTF), "synth", "--output", str(outdir)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    return result, outdir


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


def test_jsii_runs_on_a_supported_node_release():
    node = shutil.which("node")
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout
    assert int(version.lstrip("v").split(".")[0]) >= 22, (node, version)
