"""What every test shares, library and estate alike (`tests/conftest.py` turns the hooks and
fixtures here on): the project's tools, the helpers to read synthesized stacks and reported
problems, and slow subprocesses started in the background. Nothing here imports the Sigmatiq
estate (`stacks/`): the library's tests (`tests/library/`) run without it (`bin/test` runs
them in a session of their own, where it cannot be imported); the estate's (`tests/estate/`)
have their own helpers (`tests/estate/estate_helpers.py`)."""

from __future__ import annotations

import ast
import functools
import gc
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from sigmatiq_infra import runtime
from sigmatiq_infra.engine import selected as selected_engine
from sigmatiq_infra.validation import ValidationError

ROOT = Path(__file__).resolve().parent.parent
ENGINE = selected_engine()
"""The engine the suite runs on (SIGMATIQ_ENGINE): its venv, its Node.js tools, its CLI."""
VENV_BIN = ROOT / (".venv-cdktn" if ENGINE.name == "cdktn" else ".venv") / "bin"
NODE_BIN = ROOT / ("engines/cdktn/node_modules" if ENGINE.name == "cdktn" else "node_modules") / ".bin"
CLI = NODE_BIN / ENGINE.cli


def pytest_configure(config: pytest.Config) -> None:
    """The tests run on the fast runtime, as cdktf.json's app does (the output is the same:
    tested), switched on before any test module imports jsii."""
    config.addinivalue_line(
        "markers",
        "slow: an integration test (a real tool or process: cdktf, terraform, a wheel, a scanner, a "
        "settings variant); `bin/test -m 'not slow'` runs every other test, for the edit-test loop",
    )
    runtime.enable()  # with the quick argument checks: pytest runs without -O


def stacks_with_groups(tmp_path: Path, *names: str):
    """An app of the library writing to `tmp_path/out`, with a stack per name, each with its
    resource group `rg-<name>` (westeurope): (app, stacks, groups)."""
    from sigmatiq_infra.constructs import ResourceGroup, ResourceGroupProps
    from sigmatiq_infra.stacks import App, AzureStack

    app = App(outdir=str(tmp_path / "out"))
    stacks = [AzureStack(app, name) for name in names]
    groups = [ResourceGroup(stack, "Group", ResourceGroupProps(f"rg-{name}", "westeurope"))
              for stack, name in zip(stacks, names, strict=True)]
    return app, stacks, groups


def synthesized_documents(tmp_path: Path) -> dict[str, dict]:
    """Each stack's cdk.tf.json that the app of `stacks_with_groups` wrote, by stack name."""
    import json

    return {path.parent.name: json.loads(path.read_text()) for path in (tmp_path / "out").glob("stacks/*/cdk.tf.json")}


@functools.cache
def library_imports() -> tuple[tuple[Path, tuple[ast.Import | ast.ImportFrom | ast.Call, ...]], ...]:
    """Every module of the library with what it imports, at any depth of its code: its import
    statements and its `importlib.import_module` calls, in order. Parsed and walked once per
    session (the tests of the import structure each read them all)."""
    def imports(tree: ast.Module) -> tuple[ast.Import | ast.ImportFrom | ast.Call, ...]:
        return tuple(
            node for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            or (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module")
        )

    return tuple(
        (path, imports(ast.parse(path.read_text()))) for path in sorted((ROOT / "sigmatiq_infra").rglob("*.py"))
    )


SLOW_FIXTURES: set[str] = set()
"""Fixtures that wait for slow shared work (a real tool's run, the settings variants): a test
that uses one is marked slow (`slow_fixture`)."""


def slow_fixture(function):  # type: ignore[no-untyped-def]
    """Declare a fixture as waiting for slow work: every test using it is marked `slow`."""
    SLOW_FIXTURES.add(function.__name__)
    return function


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    # The slow tests run last, each in the order it was collected: while the tools they wait for
    # run (started at collection), the session runs the rest instead of waiting for them.
    items.sort(key=lambda item: item.get_closest_marker("slow") is not None)
    # `-m` deselects after this hook (pytest's own, which runs last): `pytest_collection_finish`
    # sees only what runs.


def error_of(build, scope=None) -> str:
    """Every problem `build()` reports, one per line: raised as a ValidationError (settings,
    synth), or recorded in the app's problem log (constructs; read through `scope`, or
    through the construct `build()` returns). The log is emptied for the next check."""
    try:
        result = build()
    except ValidationError as error:
        return str(error)
    holder = scope if scope is not None else result
    log = getattr(holder, "problem_log", None)  # the App, a stack or a library construct
    assert log is not None and log.problems, f"no problem was reported by {build}"
    message = "\n".join(log.problems)
    log.problems.clear()
    return message


def recorded(scope) -> list[str]:
    """The problems recorded so far in the app of `scope` (a construct or stack)."""
    from sigmatiq_infra.constructs._context import problem_log  # here: jsii starts after pytest_configure

    return list(problem_log(scope).problems)


SCANS: dict[str, object] = {}
"""Security scans started as soon as the stacks exist, so they run beside the other tests."""


def node_children(pid: int) -> list[str]:
    """Command lines of the Node.js processes that process `pid` started (read from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = [part.decode() for part in (stat.parent / "cmdline").read_bytes().split(b"\0") if part]
        except (OSError, ValueError, IndexError):
            continue  # the process ended while we looked
        if parent == pid and command and Path(command[0]).name == "node":
            found.append(" ".join(command))
    return found


def fresh_stack():
    """A stack of a new app and its group `rg-test` (westeurope), where a test applies a fix as
    written: (stack, group)."""
    from sigmatiq_infra.constructs import ResourceGroup, ResourceGroupProps
    from sigmatiq_infra.stacks import App, AzureStack

    stack = AzureStack(App(), "fixed")
    return stack, ResourceGroup(stack, "Group", ResourceGroupProps("rg-test", "westeurope"))


def only_resource(stack, terraform_type: str) -> dict:
    """The one resource of `terraform_type` the stack synthesizes."""
    from sigmatiq_infra.testing import Template

    (config,) = Template.from_stack(stack).resources(terraform_type).values()
    return config


def container_app(stack, group, *, logs: bool = False, **props):
    """A container app `api` (image team/api:1.0, port 8080) with its environment (sending its
    logs to a workspace `log-test` with `logs`), a public Basic registry and an identity, in
    `group`; `props` replace the app's own."""
    from sigmatiq_infra import constructs as c

    workspace = (
        c.LogAnalyticsWorkspace(stack, "Logs", c.LogAnalyticsWorkspaceProps("log-test", group)) if logs else None
    )
    environment = c.ContainerAppEnvironment(stack, "Env", c.ContainerAppEnvironmentProps(
        "cae-test", group, log_analytics_workspace=workspace,
    ))
    registry = c.ContainerRegistry(stack, "Registry", c.ContainerRegistryProps(
        "acrtest1", group, sku="Basic", public_network_access_enabled=True,
    ))
    identity = c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps("id-test", group))
    return c.ContainerApp(stack, "Api", c.ContainerAppProps(**{
        "name": "api", "environment": environment, "identity": identity, "registry": registry,
        "repository": "team/api", "image_tag": "1.0", "target_port": 8080, **props,
    }))


def stack_files(outdir: Path) -> dict[str, Path]:
    return {path.parent.name: path for path in sorted(outdir.glob("stacks/*/cdk.tf.json"))}


def pytest_terminal_summary(terminalreporter) -> None:
    for line in SCANS.get("summary", []):
        terminalreporter.write_line(line)


def self_signed_root(common_name: str = "SigmatiqP2SRoot"):
    """A throw-away root certificate made in memory for tests (its key is never stored)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )


PASSPHRASE = "correct horse battery staple"  # test-only passphrase for a throw-away key


@pytest.fixture
def secrets_env(monkeypatch):
    """The passphrases the certificate commands read, set to the test-only one."""
    monkeypatch.setenv("SIGMATIQ_P2S_KEY_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("SIGMATIQ_P2S_PFX_PASSWORD", PASSPHRASE)


@pytest.fixture
def stack():
    """A fresh, empty stack for construct tests (cheap: nothing is synthesized), in the
    library's App, as a user builds one (the engine's own App would add the validation that
    refuses to write the library's stacks unchecked: two more kernel calls per test)."""
    from sigmatiq_infra.stacks import App, AzureStack

    return AzureStack(App(), "test")


@pytest.fixture
def group(stack):
    from sigmatiq_infra.constructs import ResourceGroup, ResourceGroupProps

    return ResourceGroup(stack, "Group", ResourceGroupProps(name="rg-test", location="centralus"))


# --- slow subprocesses, started as soon as the tests that wait for them are collected -----------

_BACKGROUND: dict[str, object] = {}
_WORK: list[Path] = []


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the slow subprocesses (the real cdktf CLI, the settings variants) when the slow
    tests that wait for them are selected, so they run beside the rest of the suite. A module
    asks for it with a `start_in_background(work_folder)` function."""
    # What collection made (the modules, the bindings, the tests) lives until the session ends:
    # the garbage collector's full passes no longer walk it (about a third of their time).
    gc.freeze()
    slow_modules = {item.module for item in session.items if item.get_closest_marker("slow")}
    _FIXTURES_IN_USE.update(name for item in session.items for name in getattr(item, "fixturenames", ()))
    if not slow_modules:
        return  # the quick mode (`-m 'not slow'`): nothing slow to start
    work = Path(tempfile.mkdtemp(prefix="sigmatiq-tests-"))
    _WORK.append(work)
    for start in _SESSION_STARTS:
        start(session, work)
    for module in slow_modules:
        start = getattr(module, "start_in_background", None)
        if start is not None:
            _BACKGROUND[module.__name__] = start(work / module.__name__)


_FIXTURES_IN_USE: set[str] = set()


def wanted(fixture: str) -> bool:
    """Whether a test selected in this run uses `fixture` (for work started before it is asked for)."""
    return fixture in _FIXTURES_IN_USE


_SESSION_STARTS: list = []
"""Starters a conftest below registers (`on_collection`): called with the session and a work
folder once the tests are collected (the estate's settings variants)."""


def on_collection(start) -> None:  # type: ignore[no-untyped-def]
    _SESSION_STARTS.append(start)


def remember(name: str, started: object) -> None:
    _BACKGROUND[name] = started


def background(name: str):
    """What `start_in_background` (or the hook) started for `name`, or None."""
    return _BACKGROUND.get(name)


def pytest_sessionfinish(session: pytest.Session) -> None:
    # A session that ends early (-x, a deselected waiter) leaves background work running: a
    # script waiting for a file in the folder removed below would wait forever.
    for process in _processes(list(_BACKGROUND.values())):
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
    for work in _WORK:
        shutil.rmtree(work, ignore_errors=True)


def _processes(found: object):
    """Every subprocess in what the background starters returned (nested tuples and dicts)."""
    if isinstance(found, subprocess.Popen):
        yield found
    elif isinstance(found, dict):
        for value in found.values():
            yield from _processes(value)
    elif isinstance(found, (list, tuple)):
        for value in found:
            yield from _processes(value)


def empty_provider_mirror(folder: Path) -> dict[str, str]:
    """Environment for Terraform with a CLI configuration whose only provider source is an
    empty folder: `init` parses the whole configuration, then fails only to find providers."""
    (folder / "none").mkdir(parents=True, exist_ok=True)
    config = folder / "terraform.rc"
    config.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{folder / "none"}"\n  }}\n}}\n')
    return {**os.environ, "TF_CLI_CONFIG_FILE": str(config), "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}


UV = ROOT / ".uv" / "bin" / "uv"
"""The installer bin/setup brings (constraints-setup.txt): the tests build their throw-away
virtual environments with it."""

INSTALL_WHEEL = """
set -euo pipefail
cd {work}
trap '[ -e installed ] || touch failed' EXIT
export UV_NO_CONFIG=1 UV_PYTHON_DOWNLOADS=never
{python} -m build --no-isolation --outdir dist {root} >build.log 2>&1
{uv} venv --quiet --python {python} venv
site=$(venv/bin/python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
echo {dependencies} > "$site/deps.pth"
{uv} pip install --quiet --python venv/bin/python --no-deps dist/*.whl
venv/bin/python -m sigmatiq_infra.prepare >prepare.log 2>&1
touch installed
"""
"""Build the sdist and wheel once a session, and install the wheel into a fresh virtual
environment prepared for the fast runtime. The dependencies (cdktf, the azurerm bindings) come
from the project's environment, read-only, as a .pth file; the package itself only from the
wheel."""


def _start_wheel_when_wanted(session: pytest.Session, work: Path) -> None:
    if wanted("dist") or wanted("installed_wheel"):
        folder = work / "wheel"
        folder.mkdir()
        where = "import sigmatiq_infra._cdktf as e, os; print(os.path.dirname(os.path.dirname(e.runtime.__file__)))"
        dependencies = subprocess.run([sys.executable, "-c", where], capture_output=True, text=True, check=True)
        script = INSTALL_WHEEL.format(work=folder, python=sys.executable, root=ROOT, uv=UV,
                                      dependencies=dependencies.stdout.strip())
        remember("wheel", (subprocess.Popen(["bash", "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                            text=True), folder))


on_collection(_start_wheel_when_wanted)


def wheel_done() -> Path:
    """The folder of the session's wheel build and installation (`dist/`, `venv/`), once done."""
    process, folder = background("wheel")
    _, err = process.communicate(timeout=600)
    logs = "".join(log.read_text() for log in (folder / "build.log", folder / "prepare.log") if log.exists())
    assert process.returncode == 0, err + logs
    return folder


@pytest.fixture(scope="session")
@slow_fixture
def dist() -> Path:
    """The sdist and the wheel, built once a session."""
    return wheel_done() / "dist"


@pytest.fixture(scope="session")
@slow_fixture
def installed_wheel() -> Path:
    """A fresh virtual environment with the session's wheel installed and prepared for the fast
    runtime (its python)."""
    return wheel_done() / "venv" / "bin" / "python"


TERRAFORM = shutil.which("terraform")
PROVIDER_LOOKUP = "Error: Failed to query available provider packages"
"""The one error an empty provider mirror allows: the configuration parsed, the provider is absent."""


def terraform_init(folder: Path, environment: dict[str, str]) -> str:
    result = subprocess.run(
        [TERRAFORM, "init", "-backend=false", "-input=false", "-no-color"],
        cwd=folder, env=environment, capture_output=True, text=True, timeout=120,
    )
    return result.stdout + result.stderr


def configuration_errors(output: str) -> list[str]:
    errors = {line for line in output.splitlines() if line.startswith("Error: ")}
    errors.discard("Error: Terraform encountered problems during initialisation, including problems")
    return sorted(errors - {PROVIDER_LOOKUP})
