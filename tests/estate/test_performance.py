"""The fast runtime: speed behind one explicit switch (its output is compared byte for byte with
the normal import's by the library's tests/library/test_fast_runtime.py), and a
library that changes nothing about a process that merely imports it."""

import collections
import json
import os
import subprocess
import sys

import pytest
from estate_helpers import ISOLATED
from helpers import ENGINE, NODE_BIN, ROOT, node_children

from sigmatiq_infra import _bindings, _kernel


def test_the_lean_path_is_in_use_and_loaded_only_a_few_submodules(synthesized):
    assert getattr(sys.modules[_bindings.PACKAGE], "__getattr__", None) is not None
    loaded = [m for m in sys.modules if m.startswith(_bindings.PACKAGE + ".") and m.count(".") == 1]
    assert 10 < len(loaded) < 80  # of about 1,500


def test_a_new_environment_is_one_line_of_settings():
    from stacks.settings import BETA, derive_environment

    qa = derive_environment(BETA, "qa")
    assert qa.name == "qa"
    assert qa.key_vault.name == "kv-trading-qa-1023"
    assert qa.postgres.name == "psql-trading-qa"
    assert qa.data_resource_group == "rg-trading-qa-data"
    assert qa.tags["Environment"] == "qa"
    assert qa.adoption.enabled is False
    assert [app.name for app in qa.apps] == [app.name for app in BETA.apps]


@pytest.mark.slow
def test_the_benchmarks_scaled_estate_is_settings_only_10_environments_and_50_apps():
    sys.path.insert(0, str(ROOT / "bench"))
    from scaled import scaled_settings

    from stacks import EnvironmentStack
    from stacks.app import build_app

    app = build_app(scaled_settings(environments=10, apps=50), outdir=str(ROOT / "bench" / ".never-written"))
    environments = [stack for stack in app.node.children if isinstance(stack, EnvironmentStack)]
    assert len(environments) == 10
    assert sum(len(stack.apps) for stack in environments) == 50


@pytest.mark.slow
def test_the_benchmarks_scaled_estate_runs_as_bin_bench_runs_it_through_bin_app(tmp_path):
    out = tmp_path / "out"
    result = subprocess.run(  # bench/run.py's case (c), smaller: 4 environments, 8 apps
        [str(ROOT / "bin" / "app"), "bench/scaled.py", "4", "8", str(out)], cwd=ROOT, capture_output=True,
        text=True, timeout=120, env={
            **os.environ, "SIGMATIQ_ENGINE": ENGINE.name, "PYTHONPATH": str(ROOT),
            "PATH": f"{NODE_BIN}{os.pathsep}{os.environ['PATH']}", **ISOLATED,
        },
    )
    assert (result.returncode, result.stderr) == (0, "")
    stacks = json.loads((out / "manifest.json").read_text())["stacks"]
    assert sorted(stacks) == ["beta", "env01", "env02", "prod", "shared", "state"]
    apps = {name: sorted(json.loads((out / stack["synthesizedStackPath"]).read_text())["resource"].get(
        "azurerm_container_app", {})) for name, stack in stacks.items()}
    assert {name: len(found) for name, found in apps.items()} == {
        "beta": 2, "env01": 2, "env02": 2, "prod": 2, "shared": 0, "state": 0,
    }


def test_the_projects_build_and_synth_make_no_more_jsii_calls_than_measured(tmp_path, monkeypatch):
    """Each jsii call is a round trip to Node.js (about 0.3 ms on the CI machine): the project's
    build and synth made 549 of them when last measured in a fresh process (a stack made in the
    app no longer asks the kernel for its app, nor a subnet for its network's name; fewer in
    the test session, whose caches are warm; `bin/bench` times them), and 2 more since the app
    asks the kernel for the aspects added to it (cdktf runs none of them: each is a problem).
    A change that adds a call per resource (a property read in a check, a jsii lookup of a
    construct's stack) shows here, with the calls it makes most; one that needs more calls for a
    reason raises the bound."""
    import jsii._kernel.providers.process as process

    from stacks.app import build_app
    from stacks.settings import load

    calls: collections.Counter[str] = collections.Counter()
    send = process._NodeProcess.send

    def counted(self, request, response_type):
        what = getattr(request, "property", None) or getattr(request, "method", None) or getattr(request, "fqn", "")
        calls[f"{type(request).__name__} {what}"] += 1
        return send(self, request, response_type)

    monkeypatch.setattr(process._NodeProcess, "send", counted)
    build_app(load(), outdir=str(tmp_path / "out")).synth()
    assert sum(calls.values()) <= 561, calls.most_common(12)


# --- the direct jsii kernel ----------------------------------------------------------------

def test_the_tests_run_on_the_direct_kernel_one_node_process_without_the_relay(synthesized):
    # `--preserve-symlinks` is what jsii's relay passes to the kernel; the rest is jsii's own.
    assert node_children(os.getpid()) == [
        f"node --preserve-symlinks --max-old-space-size=4069 {_kernel.kernel_copy()[1]}",
    ]


def test_jsii_settings_are_set_only_while_the_kernel_starts(synthesized):
    assert "JSII_NODE" not in os.environ
    assert "JSII_RUNTIME" not in os.environ
