"""Two engines, one library: cdktf 0.21 (the default) and CDK Terrain (`SIGMATIQ_ENGINE=cdktn`)
synthesize the same Terraform JSON apart from the azurerm version pin and the engine's own
metadata, both on the fast runtime, and a wrong or missing engine is one clear line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from estate_helpers import ISOLATED, variant_root_pem
from helpers import ENGINE, ROOT, background, stack_files

from sigmatiq_infra import engine

OTHER = engine.ENGINES["cdktf" if ENGINE.name == "cdktn" else "cdktn"]
"""The engine the suite does not run on; its JSON is compared with the suite's."""

HAS_ENGINE = "import importlib.util, sys; sys.exit(importlib.util.find_spec({runtime!r}) is None)"


def python_with(runtime: str) -> str | None:
    """An interpreter of this project that has the engine package `runtime` installed: this
    one (the cdktn environment carries both engines), else the other engine's venv."""
    for python in (sys.executable, *(str(ROOT / venv / "bin" / "python") for venv in (".venv-cdktn", ".venv"))):
        if Path(python).exists() and subprocess.run(
            [python, "-c", HAS_ENGINE.format(runtime=runtime)], capture_output=True,
        ).returncode == 0:
            return python
    return None


SYNTH = """
import sys
from pathlib import Path
from sigmatiq_infra import runtime
status = runtime.enable()
sys.path[:0] = [{tests!r}, {tests!r} + "/estate", {tests!r} + "/.."]
from estate_helpers import variant_settings
from stacks.app import build_app, synthesize
from stacks.settings import load
out = Path(sys.argv[1])
synthesize(load(environ={environ!r}), str(out / "defaults"))
for name, settings in variant_settings(sys.argv[2]).items():
    build_app(settings=settings, outdir=str(out / name)).synth()
print(status.direct_kernel, status.lean_bindings)
"""


def start_in_background(work: Path) -> dict[str, Any]:
    """Synthesize the default settings and every settings variant with the other engine,
    beside the other tests."""
    python = python_with(OTHER.runtime)
    if python is None:
        return {"skip": f"{OTHER.runtime} is not installed here (SIGMATIQ_ENGINE={OTHER.name} bin/setup installs it)"}
    outdir = work / OTHER.name
    process = subprocess.Popen(
        [python, "-c", SYNTH.format(tests=str(ROOT / "tests"), environ=ISOLATED), str(outdir), variant_root_pem()],
        cwd=ROOT, env={**os.environ, engine.VARIABLE: OTHER.name},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    return {"process": process, "outdir": outdir}


@pytest.fixture(scope="module")
def other_engine(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    started = background(__name__) or start_in_background(tmp_path_factory.mktemp("engines"))
    if "skip" in started:
        pytest.skip(started["skip"])
    out, err = started["process"].communicate(timeout=600)
    assert started["process"].returncode == 0, err
    return {"outdir": started["outdir"], "stdout": out, "stderr": err}


def differences(left: Any, right: Any, path: tuple = ()) -> list[tuple[tuple, Any, Any]]:
    """Every place two JSON documents differ, as (path of keys, left value, right value)."""
    if isinstance(left, dict) and isinstance(right, dict):
        found = []
        for key in sorted(left.keys() | right.keys()):
            found += differences(left.get(key, "<absent>"), right.get(key, "<absent>"), (*path, key))
        return found
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        pairs = enumerate(zip(left, right, strict=True))
        return [found for i, (a, b) in pairs for found in differences(a, b, (*path, i))]
    return [] if left == right else [(path, left, right)]


def by_engine(this: Any, other: Any) -> dict[str, Any]:
    return {ENGINE.name: this, OTHER.name: other}


def test_both_engines_synthesize_the_same_json_but_the_azurerm_pin_and_the_engine_version(
    variant_dirs: dict[str, Path], other_engine,
) -> None:
    assert sorted(path.name for path in other_engine["outdir"].iterdir()) == sorted(variant_dirs)
    for variant, folder in variant_dirs.items():
        mine, theirs = stack_files(folder), stack_files(other_engine["outdir"] / variant)
        assert sorted(theirs) == sorted(mine), variant
        for name, path in mine.items():
            found = {
                where: by_engine(a, b)
                for where, a, b in differences(json.loads(path.read_text()), json.loads(theirs[name].read_text()))
            }
            assert found == {
                ("//", "metadata", "version"): by_engine(engine_version(ENGINE), engine_version(OTHER)),
                ("terraform", "required_providers", "azurerm", "version"): by_engine(ENGINE.azurerm, OTHER.azurerm),
            }, f"{variant}: {name}"
    assert {e.name: e.azurerm for e in (ENGINE, OTHER)} == {"cdktf": "4.55.0", "cdktn": "4.81.0"}
    assert sorted(stack_files(variant_dirs["defaults"])) == ["beta", "prod", "shared", "state"]


def engine_version(of: engine.Engine) -> str:
    """The engine's version as its JSON metadata states it."""
    return {"cdktf": "0.21.0", "cdktn": "0.24.0"}[of.name]


def test_the_other_engine_synthesizes_on_the_fast_runtime_with_no_fallback_line(other_engine) -> None:
    assert other_engine["stdout"].split() == ["True", "True"]
    assert "fast runtime" not in other_engine["stderr"]


def test_settings_report_a_wrong_engine_with_every_other_problem(tmp_path: Path) -> None:
    from sigmatiq_infra.validation import ValidationError
    from stacks.settings import load

    with pytest.raises(ValidationError) as raised:
        load(environ={**ISOLATED, "SIGMATIQ_ENGINE": "cdk", "SIGMATIQ_REMOTE_STATE": "maybe"})
    message = str(raised.value)
    assert "Environment variable 'SIGMATIQ_ENGINE': value 'cdk' is not an engine." in message
    assert "SIGMATIQ_REMOTE_STATE" in message


def test_the_app_with_a_wrong_engine_writes_nothing_and_prints_no_traceback(tmp_path: Path) -> None:
    out = tmp_path / "cdktf.out"
    env = {**os.environ, **ISOLATED, "SIGMATIQ_ENGINE": "terrain", "CDKTF_OUTDIR": str(out)}
    app = subprocess.run([str(ROOT / "bin" / "app")], cwd=ROOT, capture_output=True, text=True, env=env)
    assert (app.returncode, app.stdout, app.stderr) == (2, "", (  # cdktf.json's app: before any Python
        "bin/app: SIGMATIQ_ENGINE 'terrain' is not an engine. Allowed: cdktf (the default), cdktn. "
        "Fix: set SIGMATIQ_ENGINE=cdktn, or unset it.\n"
    ))
    launched = subprocess.run(
        [sys.executable, "-m", "sigmatiq_infra.launch", "main.py"], cwd=ROOT, capture_output=True, text=True, env=env,
    )
    assert launched.returncode == 1
    assert "Environment variable 'SIGMATIQ_ENGINE': value 'terrain' is not an engine." in launched.stderr
    assert "Traceback" not in launched.stderr
    assert not out.exists()


NOT_INSTALLED = (
    "SIGMATIQ_ENGINE=cdktn selects cdktn, which is not installed. Fix: "
    "pip install 'sigmatiq-infra[cdktn]' -c constraints-cdktn.txt, or bin/setup with SIGMATIQ_ENGINE=cdktn; "
    "or unset SIGMATIQ_ENGINE to use cdktf.\n"
)


def test_an_engine_that_is_not_installed_is_one_line_with_the_install_command(tmp_path: Path) -> None:
    python = next((p for p in (sys.executable, str(ROOT / ".venv" / "bin" / "python")) if Path(p).exists() and
                   subprocess.run([p, "-c", HAS_ENGINE.format(runtime="cdktn")], capture_output=True).returncode), None)
    if python is None:
        pytest.skip("every interpreter of this project has cdktn installed")
    env = {**os.environ, **ISOLATED, "SIGMATIQ_ENGINE": "cdktn", "CDKTF_OUTDIR": str(tmp_path / "out")}
    commands = (["-m", "sigmatiq_infra.launch", "main.py"], ["main.py"], ["-m", "sigmatiq_infra.cli", "cost", "beta"])
    found = {
        " ".join(command): subprocess.run([python, *command], cwd=ROOT, capture_output=True, text=True, env=env)
        for command in commands
    }
    assert {command: (result.returncode, result.stderr) for command, result in found.items()} == {
        "-m sigmatiq_infra.launch main.py": (2, "sigmatiq-infra: launch: " + NOT_INSTALLED),
        "main.py": (2, "sigmatiq-infra: " + NOT_INSTALLED),
        "-m sigmatiq_infra.cli cost beta": (2, "sigmatiq-infra: error: " + NOT_INSTALLED),
    }
    assert not (tmp_path / "out").exists()


def test_an_operator_command_refuses_a_wrong_engine_before_loading_anything() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sigmatiq_infra.cli", "cost", "beta"], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "SIGMATIQ_ENGINE": "cdkn"},
    )
    assert (result.returncode, result.stdout, result.stderr) == (2, "", (
        "sigmatiq-infra: error: Environment variable 'SIGMATIQ_ENGINE': value 'cdkn' is not an engine. "
        "Allowed: cdktf, cdktn (default cdktf). Fix: set SIGMATIQ_ENGINE=cdktn for CDK Terrain, or unset it.\n"
    ))


