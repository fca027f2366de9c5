"""Speed without surprises: the lean azurerm import gives byte-identical output."""

import math
import subprocess
import sys

import pytest
from conftest import ROOT, SCANS, stack_files

from sigmatiq_infra import _bindings
from sigmatiq_infra._cdktf import App, TerraformStack, TerraformVariable, Token
from sigmatiq_infra.validation import is_token


def test_the_lean_path_is_in_use_and_loaded_only_a_few_submodules(synthesized):
    assert _bindings.load_lean() is True
    loaded = [m for m in sys.modules if m.startswith(_bindings.PACKAGE + ".") and m.count(".") == 1]
    assert 10 < len(loaded) < 80  # of about 1,500


def test_synth_with_the_lean_import_is_byte_identical_to_the_normal_import(synthesized, synthesized_dir):
    process, full = SCANS["full-import"]
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    lean_files, full_files = stack_files(synthesized_dir), stack_files(full)
    assert sorted(lean_files) == sorted(full_files) == ["beta", "prod", "shared", "state"]
    for name, path in lean_files.items():
        assert path.read_bytes() == full_files[name].read_bytes(), name


def test_the_lazy_index_defines_the_same_exports_as_getters():
    index = b'"use strict";\nexports.a = exports.b = void 0;\nexports.keyVault = require("./key-vault");\n'
    assert _bindings.lazy_index(index) == (
        b'"use strict";\nexports.a = exports.b = void 0;\n'
        b'Object.defineProperty(exports, "keyVault", { enumerable: true, configurable: true, '
        b'get: function () { return require("./key-vault"); } });\n'
    )


def test_an_index_of_another_shape_is_refused_so_the_normal_loader_is_used():
    with pytest.raises(ValueError, match="expected"):
        _bindings.lazy_index(b'module.exports = require("./all");\nconst x = require("y");\n')


def test_without_a_usable_cache_folder_the_package_loads_its_own_assembly(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code = (
        "from sigmatiq_infra import _bindings; import sys; print(_bindings.load_lean()); "
        "from cdktf_cdktf_provider_azurerm.resource_group import ResourceGroup; "
        "print(type(sys.modules['cdktf_cdktf_provider_azurerm._jsii'].__jsii_assembly__).__name__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={"PATH": f"{ROOT / 'node_modules' / '.bin'}:/usr/bin:/bin", "SIGMATIQ_CACHE_DIR": str(blocker)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "JSIIAssembly"]


@pytest.mark.parametrize("kind", ["string", "number", "list"])
def test_is_token_agrees_with_cdktf_on_tokens_and_plain_values(tmp_path, kind):
    stack = TerraformStack(App(outdir=str(tmp_path)), "tokens")
    types = {"string": "string", "number": "number", "list": "list(string)"}
    variable = TerraformVariable(stack, "v", type=types[kind])
    samples = {
        "string": [variable.string_value, f"prefix-{variable.string_value}-suffix", "${var.x}", "plain"],
        "number": [variable.number_value, 1.5, 0.0, -1.0e300, math.pi],
        "list": [*variable.list_value, "#{TfToken[TOKEN.1]}"],
    }[kind]
    for value in samples:
        assert is_token(value) == Token.is_unresolved(value), value


def test_a_new_environment_is_one_line_of_settings():
    from sigmatiq_infra.settings import BETA, derive_environment

    qa = derive_environment(BETA, "qa")
    assert qa.name == "qa"
    assert qa.key_vault.name == "kv-trading-qa-1023"
    assert qa.postgres.name == "psql-trading-qa"
    assert qa.data_resource_group == "rg-trading-qa-data"
    assert qa.tags["Environment"] == "qa"
    assert qa.adoption.enabled is False
    assert [app.name for app in qa.apps] == [app.name for app in BETA.apps]


def test_the_benchmarks_scaled_estate_is_settings_only_10_environments_and_50_apps():
    sys.path.insert(0, str(ROOT / "bench"))
    from scaled import scaled_settings

    from sigmatiq_infra.app import build_app
    from sigmatiq_infra.stacks import EnvironmentStack

    app = build_app(scaled_settings(environments=10, apps=50), outdir=str(ROOT / "bench" / ".never-written"))
    environments = [stack for stack in app.node.children if isinstance(stack, EnvironmentStack)]
    assert len(environments) == 10
    assert sum(len(stack.apps) for stack in environments) == 50
