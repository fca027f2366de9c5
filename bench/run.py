"""Synth benchmark on both engines: the naive floor, the project, the project scaled up.

    .venv/bin/python bench/run.py            # (bin/bench sets up both engines and runs this)

On cdktf (the default engine):
(a) a process that imports the azurerm bindings the normal way and synthesizes an empty
    stack; (b) the project's synth, exactly as cdktf.json runs it (`bin/app`: `python -O -m
    sigmatiq_infra.launch main.py`, on the fast runtime);
    (c) the same launcher and interpreter flags with the estate scaled up from settings alone:
    10 environments with 50 container apps; (d) the example app (`examples/orders-service`),
    as its own cdktf.json runs it (`python -m sigmatiq_infra.launch main.py`).
On CDK Terrain (`SIGMATIQ_ENGINE=cdktn`, when `.venv-cdktn` is set up):
(e) the naive floor of (a) with cdktn and its azurerm 5.10 bindings; (f) the project's synth
    as (b), through the same `bin/app`.
Each case runs in its own process, once to warm up and then `--runs` times, in rounds (a, b,
c, d, e, f, a, b, ...); the median wall time and the peak memory of each case are reported,
with the ratios b/a, c/b, d/a, f/e (the fast runtime on cdktn) and f/b (cdktn against cdktf).
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
ENGINES = {
    # engine: (its interpreter, its Node.js tools, the runtime and bindings packages)
    "cdktf": (
        ROOT / ".venv" / "bin" / "python", ROOT / "node_modules" / ".bin", "cdktf", "cdktf_cdktf_provider_azurerm",
    ),
    "cdktn": (
        ROOT / ".venv-cdktn" / "bin" / "python", ROOT / "engines" / "cdktn" / "node_modules" / ".bin",
        "cdktn", "cdktn_provider_azurerm",
    ),
}

NAIVE = """
import {provider}  # the normal import (cdktf's imports every submodule; cdktn's is lazy)
from {runtime} import App, TerraformStack
from {provider}.provider import AzurermProvider, AzurermProviderFeatures
app = App(outdir={outdir!r})
stack = TerraformStack(app, "empty")
AzurermProvider(stack, "azurerm", features=[AzurermProviderFeatures()])
app.synth()
"""

SCALED = """
import sys
sys.path.insert(0, {bench!r})
from scaled import scaled_settings
from stacks.app import synthesize
synthesize(scaled_settings(environments=10, apps=50), {outdir!r})
"""


EXAMPLE = ROOT / "examples" / "orders-service"


def measure(command: list[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[float, float]:
    """(wall seconds, peak RSS in MiB of the largest process in the tree)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    return wall, usage.ru_maxrss / 1024


def _write(path: Path, text: str) -> str:
    """The program `text`, as a file the launcher runs (as cdktf.json runs main.py)."""
    path.write_text(text)
    return str(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    base = {key: value for key, value in os.environ.items() if key not in ("SIGMATIQ_FULL_IMPORT", "SIGMATIQ_ENGINE")}

    def environment(engine: str, **extra: str) -> dict[str, str]:
        node = ENGINES[engine][1]
        return {**base, "SIGMATIQ_ENGINE": engine, "PATH": f"{node}{os.pathsep}{base['PATH']}", **extra}

    python, _, runtime, provider = ENGINES["cdktf"]
    app = shlex.split(json.loads((ROOT / "cdktf.json").read_text())["app"])  # bin/app
    with tempfile.TemporaryDirectory() as tmp:
        cases = {  # name: (command, environment, folder)
            "a naive floor (normal import, empty stack)": (
                [str(python), "-c", NAIVE.format(runtime=runtime, provider=provider, outdir=f"{tmp}/a")],
                environment("cdktf"), ROOT,
            ),
            "b project, all stacks": (
                [str(ROOT / app[0]), *app[1:]], environment("cdktf", CDKTF_OUTDIR=f"{tmp}/b"), ROOT,
            ),
            "c project, 10 environments / 50 apps": (
                [str(ROOT / app[0]), *app[1:], _write(Path(tmp) / "scaled.py", SCALED.format(
                    bench=str(ROOT / "bench"), outdir=f"{tmp}/c",
                ))],
                environment("cdktf"), ROOT,
            ),
            "d example app (examples/orders-service)": (
                [str(python), *shlex.split(json.loads((EXAMPLE / "cdktf.json").read_text())["app"])[1:]],
                environment("cdktf", CDKTF_OUTDIR=f"{tmp}/d"), EXAMPLE,
            ),
        }
        cdktn_python, _, cdktn_runtime, cdktn_provider = ENGINES["cdktn"]
        on_cdktn = cdktn_python.exists()
        if on_cdktn:
            cases["e cdktn: naive floor (normal import, empty stack)"] = (
                [str(cdktn_python), "-c", NAIVE.format(
                    runtime=cdktn_runtime, provider=cdktn_provider, outdir=f"{tmp}/e",
                )],
                environment("cdktn"), ROOT,
            )
            cases["f cdktn: project, all stacks"] = (
                [str(ROOT / app[0]), *app[1:]], environment("cdktn", CDKTF_OUTDIR=f"{tmp}/f"), ROOT,
            )
        for command, env, folder in cases.values():
            measure(command, env, folder)  # warm-up: caches, .pyc files
        # Rounds of one run per case, so a machine that slows down or speeds up during the
        # benchmark weighs on every case alike (and not on the ratios).
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        for _ in range(arguments.runs):
            for name, (command, env, folder) in cases.items():
                runs[name].append(measure(command, env, folder))
        results = {
            name[0]: (name, statistics.median(r[0] for r in found), max(r[1] for r in found))
            for name, found in runs.items()
        }
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")
    for name, wall, memory in results.values():
        print(f"{name:<50} {wall:6.2f} s  {memory:7.0f} MiB peak")
    wall = {case: found[1] for case, found in results.items()}
    print(f"b/a = {wall['b'] / wall['a']:.2f} (target <= 0.15)   c/b = {wall['c'] / wall['b']:.2f} (target <= 1.5)   "
          f"d/a = {wall['d'] / wall['a']:.2f} (the example on the same fast path)")
    if on_cdktn:
        print(f"f/e = {wall['f'] / wall['e']:.2f} (the fast runtime on cdktn)   f/b = {wall['f'] / wall['b']:.2f} "
              "(cdktn against cdktf)")
    else:
        print("e, f (CDK Terrain): not measured, .venv-cdktn is not set up (SIGMATIQ_ENGINE=cdktn bin/setup)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
