"""The Sigmatiq estate's test helpers: its settings as the code defines them, every stack
synthesized once a session (and each settings variant, in the background), the security
scans of what they synthesize."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, SCANS, background, on_collection, remember, stack_files, wanted

sys.path.insert(0, str(ROOT))  # the app: `stacks` (the estate) and `bench` are not installed
sys.path.insert(0, str(ROOT / "tools"))

import security_scan  # lives in tools/, not in the package

from sigmatiq_infra.testing import Template
from stacks.app import build_app
from stacks.settings import Settings, load

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Settings as the code defines them: no operator IP file, no subscription from the shell.
ISOLATED = {"SIGMATIQ_OPERATOR_IPS_FILE": str(ROOT / "tests" / "no-such-operator-ips.json")}


def synth(settings: Settings, outdir: Path) -> dict[str, Template]:
    """Synthesize every stack of `settings` into `outdir`; parsed per stack name."""
    build_app(settings=settings, outdir=str(outdir)).synth()
    return {
        stack.name: Template.from_file(stack / "cdk.tf.json")
        for stack in sorted((outdir / "stacks").iterdir())
    }


def scan_in_background(outdir: Path) -> None:
    if security_scan.TOOLS.exists():
        copies = security_scan.without_imports(stack_files(outdir), outdir / "checkov")
        SCANS["checkov"] = (security_scan.start_checkov(copies), copies)


# --- settings variants: every one is synthesized once a session, for the Terraform checks ----


def variant_root_pem() -> str:
    """The public P2S root certificate of the root-certificate variant: a fixed test
    certificate (its key was never kept), so every synth of the variants (on either engine)
    writes the same JSON as `fixtures/synth-digests.json` records."""
    return (FIXTURES / "p2s-root-test.pem").read_text()


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
runtime.enable()
sys.path.insert(0, {tests!r})
sys.path.insert(0, {estate!r})
from pathlib import Path
from estate_helpers import variant_settings
from stacks.app import build_app
for name, settings in variant_settings(sys.argv[2]).items():
    build_app(settings=settings, outdir=str(Path(sys.argv[1]) / name)).synth()
"""


def start_variants(work: Path) -> tuple[subprocess.Popen, Path]:
    """Synthesize every settings variant in a process of its own, beside the other tests,
    optimized (`-O`) as cdktf.json runs the app: the bindings' per-argument checks are left out
    (the CLI test shows the JSON is the same either way)."""
    outdir = work / "variants"
    process = subprocess.Popen(
        [sys.executable, "-O", "-c",
         VARIANTS_SYNTH.format(tests=str(ROOT / "tests"), estate=str(Path(__file__).parent)),
         str(outdir), variant_root_pem()],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    return process, outdir


def _start_variants_when_needed(session: pytest.Session, work: Path) -> None:
    if wanted("variant_dirs"):
        remember("variants", start_variants(work))


on_collection(_start_variants_when_needed)


def variants_done(synthesized_dir: Path, work: Path) -> dict[str, Path]:
    process, outdir = background("variants") or start_variants(work)
    _, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    return {"defaults": synthesized_dir} | {path.name: path for path in sorted(outdir.iterdir())}
