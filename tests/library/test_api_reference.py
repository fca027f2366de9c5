"""The API reference is generated from the docstrings by pdoc, and a docstring pdoc cannot
use fails the build (and so CI)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import ROOT, background

TOOL = ROOT / "tools" / "api_reference.py"


def start_in_background(work):
    """The reference build, started while the other tests run (see conftest)."""
    work.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [sys.executable, str(TOOL), str(work)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    return process, work


@pytest.mark.slow
def test_the_api_reference_builds_without_a_warning_and_documents_every_public_module(tmp_path):
    process, tmp_path = background(__name__) or start_in_background(tmp_path / "api")
    stdout, stderr = process.communicate(timeout=300)
    result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == f"api reference: 14 modules -> {tmp_path}\n"
    pages = sorted(path.name for path in (tmp_path / "sigmatiq_infra").glob("*.html"))
    assert pages == [
        "adoption.html", "aspects.html", "certificates.html", "cli.html", "constructs.html", "deployed.html",
        "launch.html", "plan_gate.html", "plan_test.html", "runtime.html", "stacks.html", "synthesis.html",
        "testing.html", "validation.html",
    ]
    constructs = (tmp_path / "sigmatiq_infra" / "constructs.html").read_text()
    for documented in ("KeyVaultProps", "add_diagnostic_settings", "Forbid purging before the retention ends"):
        assert documented in constructs


@pytest.mark.slow
def test_a_module_whose_docs_do_not_resolve_fails_the_build_with_what_to_fix(tmp_path):
    package = tmp_path / "src" / "broken_docs"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('"""A module."""\n__all__ = ["missing_function"]\n')
    code = (
        f"import sys; sys.path[:0] = [{str(tmp_path / 'src')!r}, {str(ROOT / 'tools')!r}]\n"
        "import api_reference\n"
        f"found = api_reference.build(__import__('pathlib').Path({str(tmp_path / 'out')!r}), ('broken_docs',))\n"
        "print(found)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert "Found 'missing_function' in broken_docs.__all__, but it does not resolve" in result.stdout
