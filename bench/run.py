"""Synth benchmark: (a) the naive floor, (b) the project, (c) the project scaled up.

    .venv/bin/python bench/run.py            # (bin/bench sets up and runs this)

(a) a process that imports the azurerm bindings the normal way and synthesizes an empty
    stack; (b) the project's synth, exactly as cdktf.json runs it (`python -O main.py`);
    (c) the same code and interpreter flags with the estate scaled up from settings alone:
    10 environments with 50 container apps. Each case runs in its
    own process; wall time and the peak memory of the process tree are measured, the median
    of `--runs` runs is reported, with the ratios b/a and c/b.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

NAIVE = """
import cdktf_cdktf_provider_azurerm  # the normal, eager import of every submodule
from cdktf import App, TerraformStack
from cdktf_cdktf_provider_azurerm.provider import AzurermProvider, AzurermProviderFeatures
app = App(outdir={outdir!r})
stack = TerraformStack(app, "empty")
AzurermProvider(stack, "azurerm", features=[AzurermProviderFeatures()])
app.synth()
"""

SCALED = """
import sys
sys.path.insert(0, {bench!r})
from scaled import scaled_settings
from sigmatiq_infra.app import synthesize
synthesize(scaled_settings(environments=10, apps=50), {outdir!r})
"""


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MiB of the largest process in the tree)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    return wall, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    env = {**os.environ, "PATH": f"{ROOT / 'node_modules' / '.bin'}{os.pathsep}{os.environ['PATH']}"}
    env.pop("SIGMATIQ_FULL_IMPORT", None)
    with tempfile.TemporaryDirectory() as tmp:
        app = shlex.split(json.loads((ROOT / "cdktf.json").read_text())["app"])
        flags = [argument for argument in app[1:] if argument.startswith("-")]
        cases = {
            "a naive floor (normal import, empty stack)": [PYTHON, "-c", NAIVE.format(outdir=f"{tmp}/a")],
            "b project, all stacks": [str(ROOT / app[0]), *app[1:]],
            "c project, 10 environments / 50 apps": [
                str(ROOT / app[0]), *flags, "-c", SCALED.format(bench=str(ROOT / "bench"), outdir=f"{tmp}/c"),
            ],
        }
        results = {}
        for name, command in cases.items():
            case_env = {**env, "CDKTF_OUTDIR": f"{tmp}/b"} if name.startswith("b") else env
            measure(command, case_env)  # warm-up: caches, .pyc files
            runs = [measure(command, case_env) for _ in range(arguments.runs)]
            results[name] = (statistics.median(r[0] for r in runs), max(r[1] for r in runs))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")
    for name, (wall, memory) in results.items():
        print(f"{name:<45} {wall:6.2f} s  {memory:7.0f} MiB peak")
    a, b, c = (results[name][0] for name in cases)
    print(f"b/a = {b / a:.2f} (target <= 0.35)   c/b = {c / b:.2f} (target <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
