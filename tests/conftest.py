"""Shared fixtures: every stack is synthesized once per test session, not per test."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from sigmatiq_infra import runtime
from sigmatiq_infra.app import build_app
from sigmatiq_infra.engine import selected as selected_engine
from sigmatiq_infra.settings import Settings, load
from sigmatiq_infra.validation import ValidationError

ROOT = Path(__file__).resolve().parent.parent
ENGINE = selected_engine()
"""The engine the suite runs on (SIGMATIQ_ENGINE): its venv, its Node.js tools, its CLI."""
VENV_BIN = ROOT / (".venv-cdktn" if ENGINE.name == "cdktn" else ".venv") / "bin"
NODE_BIN = ROOT / ("engines/cdktn/node_modules" if ENGINE.name == "cdktn" else "node_modules") / ".bin"
CLI = NODE_BIN / ENGINE.cli
sys.path.insert(0, str(ROOT / "tools"))

import security_scan  # noqa: E402  (lives in tools/, not in the package)


def pytest_configure(config: pytest.Config) -> None:
    """The tests run on the fast runtime, as cdktf.json's app does (the output is the same:
    tested), switched on before any test module imports jsii."""
    runtime.enable()


# Settings as the code defines them: no operator IP file, no subscription from the shell.
ISOLATED = {"SIGMATIQ_OPERATOR_IPS_FILE": str(ROOT / "tests" / "no-such-operator-ips.json")}


class Synth:
    """One synthesized stack (`cdk.tf.json`) with small helpers for assertions."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.doc = document

    def resources(self, tf_type: str) -> dict[str, dict[str, Any]]:
        return self.doc.get("resource", {}).get(tf_type, {})

    def data(self, tf_type: str) -> dict[str, dict[str, Any]]:
        return self.doc.get("data", {}).get(tf_type, {})

    def named(self, tf_type: str, name: str) -> tuple[str, dict[str, Any]]:
        """(logical id, config) of the one resource of `tf_type` with this `name`."""
        found = [(k, v) for k, v in self.resources(tf_type).items() if v.get("name") == name]
        assert len(found) == 1, f"expected one {tf_type} named {name!r}, found {len(found)}"
        return found[0]

    def ref(self, tf_type: str, name: str, attribute: str = "id") -> str:
        """`${tf_type.logical_id.attribute}` for the resource with this `name`."""
        logical_id, _ = self.named(tf_type, name)
        return f"${{{tf_type}.{logical_id}.{attribute}}}"

    def data_ref(self, tf_type: str, name: str, attribute: str = "id") -> str:
        found = [k for k, v in self.data(tf_type).items() if v.get("name") == name]
        assert len(found) == 1, f"expected one data.{tf_type} named {name!r}"
        return f"${{data.{tf_type}.{found[0]}.{attribute}}}"


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


def synth(settings: Settings, outdir: Path) -> dict[str, Synth]:
    """Synthesize every stack of `settings` into `outdir`; parsed per stack name."""
    build_app(settings=settings, outdir=str(outdir)).synth()
    return {
        stack.name: Synth(json.loads((stack / "cdk.tf.json").read_text()))
        for stack in sorted((outdir / "stacks").iterdir())
    }


SCANS: dict[str, object] = {}
"""Security scans started as soon as the stacks exist, so they run beside the other tests."""


@pytest.fixture(scope="session")
def synthesized_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cdktf.out")


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


FULL_IMPORT_SYNTH = """
import os, sys
sys.path.insert(0, {tests!r})
from conftest import node_children
from sigmatiq_infra.app import synthesize
from sigmatiq_infra.settings import load
synthesize(load(environ={environ!r}), sys.argv[1])
print(*node_children(os.getpid()), sep="\\n")
"""


@pytest.fixture(scope="session")
def synthesized(synthesized_dir: Path) -> dict[str, Synth]:
    # The same synth without the fast runtime (the normal, eager azurerm import and jsii's own
    # launcher), in the background, to compare.
    full = synthesized_dir.parent / "full-import.out"
    SCANS["full-import"] = (subprocess.Popen(
        [sys.executable, "-c", FULL_IMPORT_SYNTH.format(tests=str(ROOT / "tests"), environ=ISOLATED), str(full)],
        cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ), full)
    stacks = synth(load(environ=ISOLATED), synthesized_dir)
    if security_scan.TOOLS.exists():
        copies = security_scan.without_imports(stack_files(synthesized_dir), synthesized_dir / "checkov")
        SCANS["checkov"] = (security_scan.start_checkov(copies), copies)
    return stacks


def stack_files(outdir: Path) -> dict[str, Path]:
    return {path.parent.name: path for path in sorted(outdir.glob("stacks/*/cdk.tf.json"))}


def pytest_terminal_summary(terminalreporter) -> None:
    for line in SCANS.get("summary", []):
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def shared(synthesized: dict[str, Synth]) -> Synth:
    return synthesized["shared"]


@pytest.fixture(scope="session")
def beta(synthesized: dict[str, Synth]) -> Synth:
    return synthesized["beta"]


@pytest.fixture(scope="session")
def prod(synthesized: dict[str, Synth]) -> Synth:
    return synthesized["prod"]


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


@pytest.fixture
def stack():
    """A fresh, empty stack for construct tests (cheap: nothing is synthesized)."""
    from sigmatiq_infra._cdktf import App
    from sigmatiq_infra.stacks import AzureStack

    return AzureStack(App(), "test")


@pytest.fixture
def group(stack):
    from sigmatiq_infra.constructs import ResourceGroup, ResourceGroupProps

    return ResourceGroup(stack, "Group", ResourceGroupProps(name="rg-test", location="centralus"))


# --- settings variants: every one is synthesized once a session, for the Terraform checks ----

_ROOT_PEM: list[str] = []


def variant_root_pem() -> str:
    """The public P2S root certificate of the root-certificate variant, made once a session,
    so every synth of the variants (on either engine) writes the same JSON."""
    if not _ROOT_PEM:
        from cryptography.hazmat.primitives.serialization import Encoding

        _ROOT_PEM.append(self_signed_root().public_bytes(Encoding.PEM).decode())
    return _ROOT_PEM[0]


def variant_settings(pem: str) -> dict[str, Settings]:
    """The settings variants Terraform must accept, besides the defaults (which adopt without
    ARM_SUBSCRIPTION_ID: the import ids then use the `subscription_id` input). `pem`: the
    root certificate of the root-certificate variant (`variant_root_pem()`)."""
    import dataclasses

    sys.path.insert(0, str(ROOT / "bench"))
    from scaled import scaled_settings

    base = load(environ=ISOLATED)
    prod = base.environments["prod"]
    with_prod = lambda prod: dataclasses.replace(base, environments={**base.environments, "prod": prod})  # noqa: E731
    return {
        "remote-state": load(environ={**ISOLATED, "SIGMATIQ_REMOTE_STATE": "1"}),
        "prod-bootstrap": load(environ={**ISOLATED, "SIGMATIQ_PROD_BOOTSTRAP": "1"}),
        "managed-redis": with_prod(dataclasses.replace(
            prod, redis=dataclasses.replace(prod.redis, service="managed-redis", sku="Balanced_B5"),
        )),
        "adoption-with-subscription": load(
            environ={**ISOLATED, "ARM_SUBSCRIPTION_ID": "11111111-2222-3333-4444-555555555555"},
        ),
        "root-certificate-in-settings": with_prod(dataclasses.replace(prod, network=dataclasses.replace(
            prod.network, vpn=dataclasses.replace(prod.network.vpn, root_certificate=pem),
        ))),
        "ten-environments": scaled_settings(environments=10, apps=50),
    }


VARIANTS_SYNTH = """
import sys
from sigmatiq_infra import runtime
from sigmatiq_infra.engine import selected as selected_engine
runtime.enable()
sys.path.insert(0, {tests!r})
from pathlib import Path
from conftest import variant_settings
from sigmatiq_infra.app import build_app
for name, settings in variant_settings(sys.argv[2]).items():
    build_app(settings=settings, outdir=str(Path(sys.argv[1]) / name)).synth()
"""


def start_variants(work: Path) -> tuple[subprocess.Popen, Path]:
    """Synthesize every settings variant in a process of its own, beside the other tests."""
    outdir = work / "variants"
    process = subprocess.Popen(
        [sys.executable, "-c", VARIANTS_SYNTH.format(tests=str(ROOT / "tests")), str(outdir), variant_root_pem()],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    return process, outdir


@pytest.fixture(scope="session")
def variant_dirs(synthesized_dir: Path, synthesized, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Synth output folder per settings variant, `defaults` included."""
    process, outdir = background("variants") or start_variants(tmp_path_factory.mktemp("variants"))
    _, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    return {"defaults": synthesized_dir} | {path.name: path for path in sorted(outdir.iterdir())}


# --- slow subprocesses, started as soon as the tests that wait for them are collected -----------

_BACKGROUND: dict[str, object] = {}
_WORK: list[Path] = []


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the slow subprocesses (the real cdktf CLI, the settings variants) when the tests
    that wait for them are collected, so they run beside the rest of the suite. A module asks
    for it with a `start_in_background(work_folder)` function."""
    modules = {item.module for item in session.items}
    if not modules:
        return
    work = Path(tempfile.mkdtemp(prefix="sigmatiq-tests-"))
    _WORK.append(work)
    if {m.__name__ for m in modules} & {"test_terraform", "test_deploy_inputs", "test_engines"}:
        _BACKGROUND["variants"] = start_variants(work)
    for module in modules:
        start = getattr(module, "start_in_background", None)
        if start is not None:
            _BACKGROUND[module.__name__] = start(work / module.__name__)


def background(name: str):
    """What `start_in_background` (or the hook) started for `name`, or None."""
    return _BACKGROUND.get(name)


def pytest_sessionfinish(session: pytest.Session) -> None:
    for work in _WORK:
        shutil.rmtree(work, ignore_errors=True)


def empty_provider_mirror(folder: Path) -> dict[str, str]:
    """Environment for Terraform with a CLI configuration whose only provider source is an
    empty folder: `init` parses the whole configuration, then fails only to find providers."""
    (folder / "none").mkdir(parents=True, exist_ok=True)
    config = folder / "terraform.rc"
    config.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{folder / "none"}"\n  }}\n}}\n')
    return {**os.environ, "TF_CLI_CONFIG_FILE": str(config), "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
