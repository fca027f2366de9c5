"""Synth benchmark: (a) the naive floor, (b) the project, (c) the project scaled up.

    .venv/bin/python bench/run.py            # (bin/bench sets up and runs this)

(a) a process that imports the azurerm bindings the normal way and synthesizes an empty
    stack; (b) the project's synth, exactly as cdktf.json runs it (`python -O -m
    sigmatiq_infra.launch main.py`, on the fast runtime);
    (c) the same launcher and interpreter flags with the estate scaled up from settings alone:
    10 environments with 50 container apps; (d) the example app (`examples/orders-service`),
    as its own cdktf.json runs it (`python -m sigmatiq_infra.launch main.py`). Each case
    runs in its own process, once to warm up and then `--runs` times, in rounds (a, b, c, d,
    a, b, c, d, ...); the median wall time and
    the peak memory of each case are reported, with the ratios b/a, c/b and d/a.
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
    env = {**os.environ, "PATH": f"{ROOT / 'node_modules' / '.bin'}{os.pathsep}{os.environ['PATH']}"}
    env.pop("SIGMATIQ_FULL_IMPORT", None)
    with tempfile.TemporaryDirectory() as tmp:
        app = shlex.split(json.loads((ROOT / "cdktf.json").read_text())["app"])  # ... -m launch main.py
        cases = {
            "a naive floor (normal import, empty stack)": [PYTHON, "-c", NAIVE.format(outdir=f"{tmp}/a")],
            "b project, all stacks": [str(ROOT / app[0]), *app[1:]],
            "c project, 10 environments / 50 apps": [
                str(ROOT / app[0]), *app[1:-1], _write(Path(tmp) / "scaled.py", SCALED.format(
                    bench=str(ROOT / "bench"), outdir=f"{tmp}/c",
                )),
            ],
            "d example app (examples/orders-service)": [
                PYTHON, *shlex.split(json.loads((EXAMPLE / "cdktf.json").read_text())["app"])[1:],
            ],
        }
        outdirs = {"b": f"{tmp}/b", "d": f"{tmp}/d"}
        environments = {
            name: {**env, "CDKTF_OUTDIR": outdirs[name[0]]} if name[0] in outdirs else env for name in cases
        }
        folders = {name: EXAMPLE if name.startswith("d") else ROOT for name in cases}
        for name, command in cases.items():
            measure(command, environments[name], folders[name])  # warm-up: caches, .pyc files
        # Rounds of one run per case, so a machine that slows down or speeds up during the
        # benchmark weighs on every case alike (and not on the ratios).
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        for _ in range(arguments.runs):
            for name, command in cases.items():
                runs[name].append(measure(command, environments[name], folders[name]))
        results = {
            name: (statistics.median(r[0] for r in found), max(r[1] for r in found)) for name, found in runs.items()
        }
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")
    for name, (wall, memory) in results.items():
        print(f"{name:<45} {wall:6.2f} s  {memory:7.0f} MiB peak")
    a, b, c, d = (results[name][0] for name in cases)
    print(f"b/a = {b / a:.2f} (target <= 0.15)   c/b = {c / b:.2f} (target <= 1.5)   d/a = {d / a:.2f} "
          "(the example on the same fast path)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
