"""The library stands alone: it imports nothing of the Sigmatiq app, and its tests run in a
session where the app cannot be imported (`bin/test`'s first session)."""

from __future__ import annotations

import ast
import importlib.util
import pkgutil
import subprocess
import sys

import pytest
from helpers import ROOT, library_imports

import sigmatiq_infra

APP_MODULES = ("stacks", "main", "bench", "tests", "tools")
"""The repository's app, its tests and tools: never imported by the library."""


def library_modules() -> list[str]:
    return sorted(
        module.name for module in pkgutil.walk_packages(sigmatiq_infra.__path__, "sigmatiq_infra.")
    )


def test_no_library_module_imports_the_app_its_tests_or_its_tools():
    found = []
    for path, nodes in library_imports():
        for node in nodes:
            names = (
                [alias.name for alias in node.names] if isinstance(node, ast.Import)
                else [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
            )
            found += [(path.relative_to(ROOT).as_posix(), name) for name in names if name.split(".")[0] in APP_MODULES]
    assert found == []


@pytest.mark.slow
def test_every_library_module_imports_in_a_process_where_the_app_cannot_be_imported(tmp_path):
    code = (
        "import importlib, importlib.util, sys\n"
        "assert importlib.util.find_spec('stacks') is None, 'the app is importable here'\n"
        "from sigmatiq_infra import runtime; runtime.enable(quiet=True)\n"
        f"for name in {library_modules()!r}:\n"
        "    if not name.endswith(('__main__', '.prepare')):\n"
        "        importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('stacks', 'main', 'bench')))\n"
    )
    result = subprocess.run([sys.executable, "-P", "-c", code], cwd=tmp_path, capture_output=True, text=True,
                            timeout=300)
    assert (result.returncode, result.stdout) == (0, "[]\n"), result.stderr


def test_this_session_cannot_import_the_app_when_it_runs_the_library_alone(request):
    collected = {item.path.parent.name for item in request.session.items}
    if "estate" in collected:
        pytest.skip("this session also runs the estate's tests (bin/test runs the library's alone, first)")
    assert importlib.util.find_spec("stacks") is None
    with pytest.raises(ModuleNotFoundError):
        import stacks  # noqa: F401
