"""Benchmarks: synth on both engines (the naive floor, the project, the project scaled up),
set-up from a fresh clone, and the test suite, full and quick.

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

Set-up and tests, in a fresh clone of the last commit (as CI and a new user start), `--rounds`
times each (medians):
(g) `bin/setup` with empty package caches (uv's, npm's, pip's and the fast runtime's: every
    package downloaded), once (`--cold-rounds`); (h) `bin/setup` with the caches warm (what a
    user pays for a second project); (i) the full `bin/test` after set-up; (j) the quick mode,
    `bin/test -m 'not slow'`.
`--only synth`, `--only setup,tests`: run some groups (default: all).

Before and after, the machine's speed: the CPU seconds a fixed Python loop takes (lower is
faster), since a shared machine's speed moves with its host's load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
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

SCALED = ROOT / "bench" / "scaled.py"  # run as a program: its docstring says how


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


def machine() -> str:
    """The machine, as the numbers' source: architecture, cores, memory, CPU, OS, Python."""
    fields = {}
    for path, key in (("/proc/meminfo", "MemTotal"), ("/proc/cpuinfo", "model name")):
        try:
            line = next(line for line in Path(path).read_text().splitlines() if line.startswith(key))
            fields[key] = line.split(":", 1)[1].strip()
        except (OSError, StopIteration):
            fields[key] = "?"
    memory = f"{int(fields['MemTotal'].split()[0]) / 2**20:.0f} GiB" if fields["MemTotal"] != "?" else "?"
    return (f"machine: {platform.machine()}, {os.cpu_count()} cores ({fields['model name']}), {memory}, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}")


SPEED_GAUGE = "total = 0\nfor number in range(20_000_000):\n    total += number\n"
"""A fixed single-threaded Python workload: the CPU seconds it takes say how fast the machine is
at the moment (on a shared 2-core VM the same commit's suite took from 60 s to 130 s across
one day), so benches taken at different hours can be compared."""


def speed(env: dict[str, str]) -> float:
    """CPU seconds of `SPEED_GAUGE` in a fresh interpreter (lower is faster), median of three."""
    return statistics.median(run_shell([sys.executable, "-c", SPEED_GAUGE], ROOT, env)[1] for _ in range(3))


def run_shell(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of its whole process tree) of one command, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output, _ = process.communicate()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"benchmark command failed in {cwd}: {' '.join(command)}\n{output.decode()[-4000:]}")
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def setup_and_tests(groups: set[str], rounds: int, cold_rounds: int) -> list[str]:
    """The set-up and test cases (g-j), each in a fresh clone of the last commit."""
    lines = []
    base = {key: value for key, value in os.environ.items()
            if key not in ("SIGMATIQ_ENGINE", "VIRTUAL_ENV") and not key.startswith(("CDKTF_", "UV_", "npm_config_"))}
    results: dict[str, list[tuple[float, float]]] = {}

    def timed(name: str, command: list[str], folder: Path, env: dict[str, str]) -> None:
        results.setdefault(name, []).append(run_shell(command, folder, env))

    with tempfile.TemporaryDirectory() as tmp:
        def clone(name: str) -> Path:
            folder = Path(tmp) / name
            subprocess.run(["git", "clone", "--quiet", str(ROOT), str(folder)], check=True)
            return folder

        if "setup" in groups:
            for round_ in range(cold_rounds):
                caches = Path(tmp) / f"empty-caches-{round_}"
                empty = {"UV_CACHE_DIR": str(caches / "uv"), "npm_config_cache": str(caches / "npm"),
                         "PIP_CACHE_DIR": str(caches / "pip"), "PIP_NO_CACHE_DIR": "1",
                         "SIGMATIQ_CACHE_DIR": str(caches / "sigmatiq-infra")}
                timed("g", ["bin/setup"], clone(f"cold-{round_}"), {**base, **empty})
        folders = []
        for round_ in range(rounds):
            folder = clone(f"warm-{round_}")
            folders.append(folder)
            if "setup" in groups or "tests" in groups:
                timed("h", ["bin/setup"], folder, base)
        if "tests" in groups:
            for folder in folders:  # in rounds: the full suite, then the quick mode
                timed("i", ["bin/test", "-q", "-p", "no:cacheprovider"], folder, base)
                timed("j", ["bin/test", "-q", "-p", "no:cacheprovider", "-m", "not slow"], folder, base)
    names = {
        "g": "g bin/setup, fresh clone, empty package caches",
        "h": "h bin/setup, fresh clone, warm package caches",
        "i": "i bin/test, full (after set-up)",
        "j": "j bin/test -m 'not slow' (quick mode)",
    }
    targets = {"g": None, "h": 60, "i": 60, "j": 15}
    for key in "ghij":
        if key in results and (key != "h" or "setup" in groups):
            found = results[key]
            wall = statistics.median(w for w, _ in found)
            cpu = statistics.median(c for _, c in found)
            target = f"   (target <= {targets[key]} s)" if targets[key] else ""
            lines.append(f"{names[key]:<50} {wall:6.1f} s  {cpu:6.1f} s CPU  {len(found)} round(s){target}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds of the synth cases (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of the warm set-up and the test cases (default: %(default)s)")
    parser.add_argument("--cold-rounds", type=int, default=1,
                        help="rounds of the set-up with empty caches (default: %(default)s)")
    parser.add_argument("--only", default="synth,setup,tests",
                        help="comma-separated groups: synth, setup, tests (default: %(default)s)")
    arguments = parser.parse_args()
    groups = {group.strip() for group in arguments.only.split(",") if group.strip()}
    unknown = groups - {"synth", "setup", "tests"}
    if unknown:
        parser.error(f"--only: unknown group(s) {', '.join(sorted(unknown))}; allowed: synth, setup, tests")
    print(machine())
    print(f"machine speed at the start: {speed(dict(os.environ)):.2f} s of CPU for a fixed Python loop "
          "(lower is faster; it moves with the host's load)", flush=True)
    if "synth" in groups:
        synth_cases(arguments.runs)
    if groups & {"setup", "tests"}:
        for line in setup_and_tests(groups, arguments.rounds, arguments.cold_rounds):
            print(line)
    print(f"machine speed at the end: {speed(dict(os.environ)):.2f} s of CPU for the same loop")
    return 0


def synth_cases(runs_per_case: int) -> None:
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
                [str(ROOT / app[0]), *app[1:], str(SCALED), "10", "50", f"{tmp}/c"],
                environment("cdktf", PYTHONPATH=str(ROOT)), ROOT,
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
        for _ in range(runs_per_case):
            for name, (command, env, folder) in cases.items():
                runs[name].append(measure(command, env, folder))
        results = {
            name[0]: (name, statistics.median(r[0] for r in found), max(r[1] for r in found))
            for name, found in runs.items()
        }
    for name, wall, memory in results.values():
        print(f"{name:<50} {wall:6.2f} s  {memory:7.0f} MiB peak")
    wall = {case: found[1] for case, found in results.items()}
    print(f"b/a = {wall['b'] / wall['a']:.2f} (target <= 0.15)   c/b = {wall['c'] / wall['b']:.2f} (target <= 1.3)   "
          f"d/a = {wall['d'] / wall['a']:.2f} (the example on the same fast path)")
    if on_cdktn:
        print(f"f/e = {wall['f'] / wall['e']:.2f} (the fast runtime on cdktn)   f/b = {wall['f'] / wall['b']:.2f} "
              "(cdktn against cdktf)")
    else:
        print("e, f (CDK Terrain): not measured, .venv-cdktn is not set up (SIGMATIQ_ENGINE=cdktn bin/setup)")


if __name__ == "__main__":
    sys.exit(main())
