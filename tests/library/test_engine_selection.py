"""Two engines, one library: cdktf 0.21 (the default) and CDK Terrain (`SIGMATIQ_ENGINE=cdktn`)
synthesize the same Terraform JSON apart from the azurerm version pin and the engine's own
metadata, both on the fast runtime, and a wrong or missing engine is one clear line."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys

import pytest
from helpers import ENGINE, ROOT, library_imports

from sigmatiq_infra import _bindings, engine

ENGINE_PACKAGES = {"cdktf", "cdktn", "cdktf_cdktf_provider_azurerm", "cdktn_provider_azurerm"}


CDKTF_INDEX = b'''"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.keyVault = exports.provider = void 0;
exports.provider = require("./provider");
exports.keyVault = require("./key-vault");
'''


CDKTN_INDEX = b'''"use strict";
var __importStar = (this && this.__importStar) || function (mod) { return mod; };
Object.defineProperty(exports, "__esModule", { value: true });
exports.keyVault = exports.provider = void 0;
exports.provider = __importStar(require("./provider/index"));
exports.keyVault = __importStar(require("./key-vault/index"));
'''


def test_a_value_that_names_no_engine_is_one_problem_naming_the_variable_and_the_fix() -> None:
    assert engine.problem({"SIGMATIQ_ENGINE": "terrain"}) == (
        "Environment variable 'SIGMATIQ_ENGINE': value 'terrain' is not an engine. Allowed: cdktf, cdktn "
        "(default cdktf). Fix: set SIGMATIQ_ENGINE=cdktn for CDK Terrain, or unset it."
    )
    assert [engine.problem({"SIGMATIQ_ENGINE": value}) for value in ("", "cdktf", "CDKTN", " cdktn ")] == [None] * 4
    assert engine.selected({"SIGMATIQ_ENGINE": " CDKTN "}).runtime == "cdktn"
    assert engine.selected({}).runtime == engine.selected({"SIGMATIQ_ENGINE": "terrain"}).runtime == "cdktf"


@pytest.mark.slow
def test_bin_setup_refuses_a_wrong_engine_before_installing_anything() -> None:
    result = subprocess.run(
        ["bash", str(ROOT / "bin" / "setup")], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "SIGMATIQ_ENGINE": "terraform"},
    )
    assert (result.returncode, result.stdout, result.stderr) == (2, "", (
        "bin/setup: SIGMATIQ_ENGINE 'terraform' is not an engine. Allowed: cdktf (the default), cdktn. "
        "Fix: set SIGMATIQ_ENGINE=cdktn, or unset it.\n"
    ))


def test_only_the_runtime_module_and_the_bindings_loader_import_an_engine() -> None:
    by_name, selected = {}, set()
    for path, nodes in library_imports():
        where = path.relative_to(ROOT).as_posix()
        for node in nodes:
            if isinstance(node, ast.Import):
                named = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                named = {node.module.split(".")[0]}
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
                argument = ast.unparse(node.args[0])
                named = {argument.strip("'\"").split(".")[0]} if isinstance(node.args[0], ast.Constant) else set()
                if "ENGINE" in argument or "PACKAGE" in argument:
                    selected.add(where)
            else:
                continue
            if named & ENGINE_PACKAGES:
                by_name.setdefault(where, set()).update(named & ENGINE_PACKAGES)
    assert by_name == {}  # no module names an engine package in an import
    assert selected == {"sigmatiq_infra/_bindings.py", "sigmatiq_infra/_cdktf.py"}  # the two import the selected one


def test_the_lean_index_turns_both_engines_exports_into_getters_that_load_the_same_module() -> None:
    assert _bindings.lazy_index(CDKTF_INDEX).splitlines()[-2:] == [
        b'Object.defineProperty(exports, "provider", { enumerable: true, configurable: true, '
        b'get: function () { return require("./provider"); } });',
        b'Object.defineProperty(exports, "keyVault", { enumerable: true, configurable: true, '
        b'get: function () { return require("./key-vault"); } });',
    ]
    assert _bindings.lazy_index(CDKTN_INDEX).splitlines()[-2:] == [
        b'Object.defineProperty(exports, "provider", { enumerable: true, configurable: true, '
        b'get: function () { return __importStar(require("./provider/index")); } });',
        b'Object.defineProperty(exports, "keyVault", { enumerable: true, configurable: true, '
        b'get: function () { return __importStar(require("./key-vault/index")); } });',
    ]


def test_the_lean_index_refuses_an_index_it_does_not_understand() -> None:
    with pytest.raises(ValueError, match="does not have the expected"):
        _bindings.lazy_index(CDKTF_INDEX + b'module.exports.extra = require("./extra")["x"];\n')


def test_the_bindings_module_of_each_engine_is_named_once_with_its_azurerm_version() -> None:
    assert {e.name: e.azurerm_major for e in engine.ENGINES.values()} == {"cdktf": 4, "cdktn": 5}
    assert {(e.name, e.runtime, e.provider, e.assembly, e.azurerm, e.cli) for e in engine.ENGINES.values()} == {
        ("cdktf", "cdktf", "cdktf_cdktf_provider_azurerm", "@cdktf/provider-azurerm", "4.55.0", "cdktf"),
        ("cdktn", "cdktn", "cdktn_provider_azurerm", "@cdktn/provider-azurerm", "5.10.0", "cdktn"),
    }
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "cdktf-cdktf-provider-azurerm>=14.23.1,<15" in project["dependencies"]  # ranges: the pins are below
    assert project["optional-dependencies"]["cdktn"] == ["cdktn>=0.24,<0.25", "cdktn-provider-azurerm>=18.9,<19"]
    for constraints, pinned in (
        ("constraints.txt", {"cdktf==0.21.0", "constructs==10.8.1"}),
        ("constraints-cdktn.txt", {"cdktn==0.24.0", "cdktn-provider-azurerm==18.9.0", "constructs==10.7.2"}),
    ):
        assert pinned <= set((ROOT / constraints).read_text().split()), constraints
    tools = json.loads((ROOT / "engines" / "cdktn" / "package.json").read_text())["devDependencies"]
    assert (tools["cdktn-cli"], tools["cdktn"], tools["node"].split(".")[0]) == ("0.24.0", "0.24.0", "22")


def test_an_own_app_reaches_the_selected_engines_names_and_bindings_through_the_library() -> None:
    import importlib

    from sigmatiq_infra import azurerm, cdk

    runtime = importlib.import_module(ENGINE.runtime)
    bindings = importlib.import_module(f"{ENGINE.provider}.key_vault")
    assert (cdk.TerraformOutput, cdk.Fn, cdk.Testing) == (runtime.TerraformOutput, runtime.Fn, runtime.Testing)
    assert azurerm.key_vault.KeyVault is bindings.KeyVault
    selects = f"^{ENGINE.runtime} \\(the engine SIGMATIQ_ENGINE selects\\) has no 'Nope'$"
    with pytest.raises(AttributeError, match=selects):
        cdk.Nope  # noqa: B018
    with pytest.raises(AttributeError, match=f"^the azurerm bindings \\({ENGINE.provider}\\) have no module 'nope'$"):
        azurerm.nope  # noqa: B018


@pytest.mark.slow
def test_importing_the_engine_facades_imports_no_engine() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import sys, sigmatiq_infra.cdk, sigmatiq_infra.azurerm, sigmatiq_infra.engine; "
         f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(ENGINE_PACKAGES | {'jsii'})!r}))"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    assert result.stdout == "[]\n"


@pytest.mark.slow
def test_the_shell_commands_read_the_engine_variable_as_python_does() -> None:
    def shell(value: str | None) -> str:
        env = {key: value for key, value in os.environ.items() if key != "SIGMATIQ_ENGINE"}
        if value is not None:
            env["SIGMATIQ_ENGINE"] = value
        return subprocess.run(
            ["bash", "-c", 'source bin/env.sh && echo "$sigmatiq_engine|$cdk|$sigmatiq_venv|${PATH%%:*}"'],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        ).stdout.strip()

    cdktn = f"cdktn|cdktn|.venv-cdktn|{ROOT}/engines/cdktn/node_modules/.bin"
    assert {value: shell(value) for value in (None, "", "cdktf", " CDKTN ", "Cdktn", "terrain")} == {
        None: f"|cdktf|.venv|{ROOT}/node_modules/.bin",
        "": f"|cdktf|.venv|{ROOT}/node_modules/.bin",
        "cdktf": f"cdktf|cdktf|.venv|{ROOT}/node_modules/.bin",
        " CDKTN ": cdktn,
        "Cdktn": cdktn,
        "terrain": f"terrain|cdktf|.venv|{ROOT}/node_modules/.bin",  # bin/setup and synth refuse it
    }
    assert [engine.selected({"SIGMATIQ_ENGINE": v}).name for v in ("", "cdktf", " CDKTN ", "Cdktn")] == [
        "cdktf", "cdktf", "cdktn", "cdktn",
    ]


