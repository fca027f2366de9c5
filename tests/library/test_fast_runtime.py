"""The fast runtime sits behind one explicit switch: importing the library changes nothing
about the process, the launcher gets the speed-ups whatever the order of a program's
imports, and a part that cannot be had is off with one line saying why."""

from __future__ import annotations

import ast
import functools
import inspect
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import ENGINE, NODE_BIN, ROOT, VENV_BIN, background, library_imports, node_children, slow_fixture

from sigmatiq_infra._kernel import cache_dir

PACKAGE = ROOT / "sigmatiq_infra"
PATH = f"{NODE_BIN}:{VENV_BIN}:/usr/bin:/bin"
NODE_CHILDREN = "from pathlib import Path\n" + inspect.getsource(node_children) + "\n"
"""conftest's `node_children`, as source text for the programs (which must not import conftest)."""

EXAMPLE_SYNTH = f'''
def synthesize_the_example(outdir):
    """The example app (examples/orders-service), synthesized in this process."""
    sys.path.insert(0, {str(ROOT / "examples" / "orders-service")!r})
    from main import OrdersStack
    from sigmatiq_infra import App
    with App(outdir=outdir) as example:
        OrdersStack(example, "orders")
'''
"""The same app for both runtimes: the normal import's output and the fast runtime's are compared."""

IMPORT_EVERYTHING = NODE_CHILDREN + EXAMPLE_SYNTH + '''
import importlib, json, os, pkgutil, sys
before = dict(os.environ)
import sigmatiq_infra
found = pkgutil.walk_packages(sigmatiq_infra.__path__, "sigmatiq_infra.")
modules = sorted(m.name for m in found if not m.name.endswith("__main__"))  # __main__ would run the CLI
for name in modules:
    importlib.import_module(name)
import cdktf_cdktf_provider_azurerm as azurerm
synthesize_the_example(sys.argv[1])
print(json.dumps({
    "modules": len(modules),
    "environment unchanged": dict(os.environ) == before,
    "node": node_children(os.getpid()),
    "bindings package": getattr(azurerm, "__file__", "").endswith("__init__.py"),
    "any submodule": azurerm.linux_virtual_machine.LinuxVirtualMachine.TF_RESOURCE_TYPE,
    "cache written": sorted(os.listdir(os.environ["SIGMATIQ_CACHE_DIR"])),
}))
'''

ISORT_ORDER_APP = NODE_CHILDREN + EXAMPLE_SYNTH + '''
import json
import os
import sys

import cdktf_cdktf_provider_azurerm as azurerm
from cdktf import App  # isort puts cdktf first: the launcher still gets the fast runtime

from sigmatiq_infra import runtime
from sigmatiq_infra.constructs import ResourceGroup, ResourceGroupProps
from sigmatiq_infra.stacks import App as LibraryApp
from sigmatiq_infra.stacks import AzureStack

App(outdir=sys.argv[1] + "-engine")  # the engine's own app, made first
app = LibraryApp(outdir=sys.argv[1])  # the library's stacks go in the library's App
ResourceGroup(AzureStack(app, "svc"), "Group", ResourceGroupProps("rg-svc", "centralus"))
app.synth()
synthesize_the_example(sys.argv[2])
print(json.dumps({
    "status": [runtime.status().direct_kernel, runtime.status().lean_bindings],
    "node": node_children(os.getpid()),
    "any submodule": azurerm.linux_virtual_machine.LinuxVirtualMachine.TF_RESOURCE_TYPE,
}))
'''
UNPREPARED_APP = NODE_CHILDREN + '''
import json
import os
import sys

from cdktf import App

from sigmatiq_infra import runtime

App(outdir=sys.argv[1])  # the kernel starts: jsii's own launcher, since nothing is prepared
print(json.dumps({
    "status": [runtime.status().direct_kernel, runtime.status().lean_bindings],
    "node": node_children(os.getpid()),
}))
'''
# The programs name the engine's own packages (cdktf's, or CDK Terrain's with SIGMATIQ_ENGINE=cdktn).
IMPORT_EVERYTHING = IMPORT_EVERYTHING.replace("cdktf_cdktf_provider_azurerm", ENGINE.provider)
ISORT_ORDER_APP = ISORT_ORDER_APP.replace("cdktf_cdktf_provider_azurerm", ENGINE.provider).replace(
    "from cdktf import App", f"from {ENGINE.runtime} import App",
)
UNPREPARED_APP = UNPREPARED_APP.replace("from cdktf import App", f"from {ENGINE.runtime} import App")


def start(code: str, work: Path, name: str, *arguments: str, launcher: bool, **environ: str):
    work.mkdir(parents=True, exist_ok=True)
    script = work / f"{name}.py"
    script.write_text(textwrap.dedent(code))
    command = [sys.executable, *(["-m", "sigmatiq_infra.launch"] if launcher else []), str(script), *arguments]
    return subprocess.Popen(
        command, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={"PATH": PATH, "HOME": os.environ.get("HOME", "/root"), **environ},
    )


def start_in_background(work: Path):
    """The three programs (one on the normal import, so slow), run beside the other tests; the
    example app is synthesized on the normal import and on the fast runtime, to compare."""
    empty_cache = work / "empty-cache"
    empty_cache.mkdir(parents=True)
    prepared = {"SIGMATIQ_CACHE_DIR": str(cache_dir())}
    return work, {
        "import everything": start(IMPORT_EVERYTHING, work, "imports", str(work / "example-normal"), launcher=False,
                                   SIGMATIQ_CACHE_DIR=str(empty_cache)),
        "launcher": start(ISORT_ORDER_APP, work, "app", str(work / "out"), str(work / "example-fast"), launcher=True,
                          **prepared),
        "unprepared": start(UNPREPARED_APP, work, "app2", str(work / "out2"), launcher=True,
                            SIGMATIQ_CACHE_DIR=str(work / "nothing-prepared")),
    }


@pytest.fixture(scope="module")
@slow_fixture
def runs(tmp_path_factory):
    work, started = background(__name__) or start_in_background(tmp_path_factory.mktemp("fast-runtime"))
    results = {"work": work}
    for key, process in started.items():
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        results[key] = (json.loads(out.splitlines()[-1]), err)
    return results


def test_importing_every_module_of_the_library_changes_nothing_about_the_process(runs):
    found, err = runs["import everything"]
    assert found["modules"] > 40
    assert found["environment unchanged"] is True
    assert found["bindings package"] is True  # the real package, not a namespace put in its place
    assert found["any submodule"] == "azurerm_linux_virtual_machine"
    assert found["cache written"] == []  # nothing built or written at run time
    [node] = found["node"]  # jsii's own launcher: the library did not start a kernel of its own
    assert node.endswith("bin/jsii-runtime.js") and "sigmatiq-infra" not in node
    assert err == ""


def test_the_fast_runtime_synthesizes_byte_for_byte_what_the_normal_import_does(runs):
    work = runs["work"]
    normal, fast = (work / f"example-{kind}" / "stacks" / "orders" / "cdk.tf.json" for kind in ("normal", "fast"))
    assert normal.read_bytes() == fast.read_bytes()
    assert b"azurerm_container_app" in fast.read_bytes()


def test_the_launcher_gets_the_fast_runtime_whatever_the_order_of_the_imports(runs):
    found, err = runs["launcher"]
    assert found["status"] == [True, True]
    [node] = found["node"]
    assert "sigmatiq-infra/jsii-kernel/" in node and node.endswith("lib/program.js")
    assert found["any submodule"] == "azurerm_linux_virtual_machine"
    assert err == ""


def test_without_the_prepared_files_the_runtime_falls_back_with_one_line_saying_why(runs, tmp_path_factory):
    found, err = runs["unprepared"]
    assert found["status"] == [False, False]
    [line] = err.splitlines()
    assert line.startswith(  # partly: the quick argument checks need no prepared files
        "sigmatiq-infra: fast runtime partly off (direct kernel off: the direct kernel is not prepared in ",
    )
    assert "run `python -m sigmatiq_infra.prepare`; lean bindings off: the lean bindings are not prepared in " in line
    assert line.endswith("); same output, slower synth")
    [node] = found["node"]
    assert node.endswith("bin/jsii-runtime.js")


@pytest.mark.slow
def test_the_launcher_says_when_the_program_does_not_exist(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "sigmatiq_infra.launch", str(tmp_path / "nope.py")],
        capture_output=True, text=True, timeout=120, env={"PATH": PATH, "SIGMATIQ_CACHE_DIR": str(tmp_path)},
    )
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        f"sigmatiq-infra: launch: {tmp_path / 'nope.py'} does not exist. Fix: pass the app's main file, e.g. main.py."
    )
    relative = subprocess.run(  # as typed in the app's folder (Python reports the path absolute)
        [sys.executable, "-m", "sigmatiq_infra.launch", "mian.py"], cwd=tmp_path,
        capture_output=True, text=True, timeout=120, env={"PATH": PATH, "SIGMATIQ_CACHE_DIR": str(tmp_path)},
    )
    assert (relative.returncode, relative.stderr.splitlines()[-1]) == (
        2, "sigmatiq-infra: launch: mian.py does not exist. Fix: pass the app's main file, e.g. main.py.",
    )


@pytest.mark.slow
@pytest.mark.parametrize(("ending", "status", "stderr"), [
    ("pass", 0, ""), ("sys.exit(3)", 3, ""), ("sys.exit('stopped: see above')", 1, "stopped: see above\n"),
])
def test_the_launcher_ends_the_program_as_python_would(tmp_path, ending, status, stderr):
    """atexit handlers run, files left open are flushed, the exit status and message are kept
    (the launcher only skips the interpreter's teardown)."""
    program = tmp_path / "app.py"
    program.write_text(
        "import atexit, sys\n"
        "atexit.register(lambda: print('atexit ran'))\n"
        f"kept = open({str(tmp_path / 'unclosed.txt')!r}, 'w')\n"
        "kept.write('written, never closed')\n"
        f"{ending}\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "sigmatiq_infra.launch", str(program)], capture_output=True, text=True, timeout=120,
        env={**os.environ, "PATH": PATH},
    )
    assert (result.returncode, result.stdout) == (status, "atexit ran\n")
    assert result.stderr.endswith(stderr)
    assert (tmp_path / "unclosed.txt").read_text() == "written, never closed"


# --- the import structure ----------------------------------------------------------------------------------

@functools.cache
def module_graph() -> dict[str, set[str]]:
    """Which library module imports which, at any depth of its code (`from package import
    module` is an import of that module)."""
    modules = {}
    for path, nodes in library_imports():
        parts = path.relative_to(ROOT).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = nodes
    graph = {}
    for name, nodes in modules.items():
        found = set()
        for node in nodes:
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                submodules = {f"{node.module}.{alias.name}" for alias in node.names} & set(modules)
                found |= submodules or {node.module}
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def test_no_module_of_the_library_imports_a_module_that_imports_it_back():
    graph = module_graph()

    def reaches(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for target in graph[todo.pop()] - seen:
                seen.add(target)
                todo.append(target)
        return seen

    assert sorted(name for name in graph if name in reaches(name)) == []


def test_the_setup_module_is_imported_by_nothing():
    graph = module_graph()
    assert [name for name, targets in graph.items() if "sigmatiq_infra.prepare" in targets] == []
