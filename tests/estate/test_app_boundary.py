"""The Sigmatiq app stands on the library's public API only, and is drawn the way the
user's design card draws it: `main.py`, `cdktf.json`, `stacks/` with `BetaStack` and
`ProdStack` at the repository's top level."""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util

import pytest
from helpers import ROOT

APP_FILES = sorted([ROOT / "main.py", *(ROOT / "stacks").rglob("*.py"), *(ROOT / "bench").rglob("*.py")])


@functools.cache
def library_imports(path) -> tuple[tuple[str, str], ...]:
    """(module, name) of every name the file imports from the library (read once a session)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("sigmatiq_infra"):
            found += [(node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names if alias.name.startswith("sigmatiq_infra")]
    return tuple(found)


def test_the_app_imports_only_public_library_modules_and_names():
    private = [
        (path.relative_to(ROOT).as_posix(), module, name)
        for path in APP_FILES for module, name in library_imports(path)
        if any(part.startswith("_") for part in module.split(".")) or name.startswith("_")
    ]
    assert private == []


def test_every_library_name_the_app_imports_exists_and_is_exported_where_the_module_lists_its_exports():
    for path in APP_FILES:
        for module, name in library_imports(path):
            imported = importlib.import_module(module)
            submodule = hasattr(imported, "__path__") and importlib.util.find_spec(f"{module}.{name}") is not None
            if not name or submodule:
                continue
            assert hasattr(imported, name), (path, module, name)
            exported = getattr(imported, "__all__", None)
            if exported is not None:
                assert name in exported, (path.relative_to(ROOT).as_posix(), module, name)


def test_the_top_level_is_the_app_main_cdktf_json_and_the_stacks_package_not_in_the_wheel():
    assert (ROOT / "main.py").is_file() and (ROOT / "cdktf.json").is_file()
    packages = (ROOT / "pyproject.toml").read_text().split("[tool.setuptools.packages.find]")[1].split("\n\n")[0]
    assert packages.strip() == 'include = ["sigmatiq_infra*"]'
    from sigmatiq_infra.stacks import AzureStack
    from stacks import BetaStack, EnvironmentStack, ProdStack, SharedStack, StateStack

    assert issubclass(BetaStack, EnvironmentStack) and issubclass(ProdStack, EnvironmentStack)
    assert all(issubclass(cls, AzureStack) for cls in (SharedStack, StateStack, EnvironmentStack))
    for named in (BetaStack, ProdStack):  # a name and a docstring: what differs is settings data
        assert [key for key, value in vars(named).items() if callable(value) or isinstance(value, property)] == []
        assert named.__doc__


def test_main_builds_beta_and_prod_from_their_named_classes_on_one_recipe(main_app):
    from stacks import BetaStack, ProdStack, SharedStack, StateStack

    kinds = {stack.node.id: type(stack) for stack in main_app.node.children}
    assert kinds == {"state": StateStack, "shared": SharedStack, "beta": BetaStack, "prod": ProdStack}


def test_an_environment_added_in_settings_alone_is_an_environment_stack(tmp_path):
    import dataclasses

    from estate_helpers import ISOLATED

    from stacks import EnvironmentStack
    from stacks.app import build_app
    from stacks.settings import BETA, derive_environment, load

    settings = load(environ=ISOLATED)
    qa = derive_environment(BETA, "qa")
    settings = dataclasses.replace(settings, environments={**settings.environments, "qa": qa})
    app = build_app(settings, outdir=str(tmp_path / "out"), stacks=["qa"])
    [qa] = app.node.children
    assert type(qa) is EnvironmentStack and qa.node.id == "qa"


@pytest.mark.slow
@pytest.mark.parametrize("module", ["stacks", "stacks.settings", "stacks.settings.checks", "stacks.record"])
def test_importing_the_app_package_and_its_settings_loads_no_bindings(module):
    import subprocess
    import sys

    engines = ("jsii", "constructs", "cdktf", "cdktn")
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m.split('.')[0] in {engines!r}))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"


@pytest.mark.slow
def test_bin_plans_check_of_stack_names_loads_no_bindings():
    """bin/plan checks the names before any synth: in a process that starts no jsii kernel."""
    import subprocess
    import sys

    engines = ("jsii", "constructs", "cdktf", "cdktn")
    code = (
        "import sys; from stacks.app import exit_on_unknown_stacks; "
        "exit_on_unknown_stacks(['shared', 'beta'], 'bin/plan'); "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {engines!r}))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert (result.stdout, result.stderr) == ("[]\n", "")
