"""The fast runtime: speed behind one explicit switch, with byte-identical output, and a
library that changes nothing about a process that merely imports it."""

import base64
import hashlib
import importlib.machinery
import io
import json
import math
import os
import subprocess
import sys
import tarfile
import typing
from pathlib import Path

import pytest
from helpers import NODE_BIN, ROOT, VENV_BIN

from sigmatiq_infra import _bindings, _kernel, runtime
from sigmatiq_infra._cdktf import App, TerraformStack, TerraformVariable, Token
from sigmatiq_infra.validation import is_token

PATH = f"{NODE_BIN}:{VENV_BIN}:/usr/bin:/bin"



def run_with_prologue(tmp_path, code: bytes) -> subprocess.CompletedProcess:
    script = tmp_path / "kernel.js"
    script.write_bytes(_kernel.PROLOGUE + code)
    return subprocess.run(
        ["node", str(script)], capture_output=True, timeout=60,
        env={**os.environ, "PATH": f"{NODE_BIN}:{os.environ['PATH']}"},
    )


def test_the_tests_run_on_the_fast_runtime_with_every_part_on():
    assert runtime.status() == runtime.Status(direct_kernel=True, lean_bindings=True, quick_checks=True)


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


def test_every_submodule_of_the_lean_bindings_is_reachable_as_an_attribute():
    import importlib

    from sigmatiq_infra.engine import selected

    azurerm = importlib.import_module(selected().provider)
    assert f"{selected().provider}.linux_virtual_machine" not in sys.modules
    assert azurerm.linux_virtual_machine.LinuxVirtualMachine.TF_RESOURCE_TYPE == "azurerm_linux_virtual_machine"
    with pytest.raises(AttributeError, match="has no attribute 'no_such_thing'"):
        azurerm.no_such_thing  # noqa: B018


def installed_defers(module) -> bool:
    """Does the installed source of the binding `module` defer its annotations itself?"""
    return _bindings.DEFERRED in Path(module.__file__).read_bytes()  # CDK Terrain's 18.x bindings do


def test_the_binding_modules_a_synth_loads_run_with_their_annotations_deferred():
    from sigmatiq_infra import azurerm

    module = azurerm.container_app
    # CDK Terrain's bindings defer their annotations themselves: they load as installed.
    loader = importlib.machinery.SourceFileLoader if installed_defers(module) else _bindings.DeferredAnnotationsLoader
    assert type(module.__loader__) is loader
    assert module.ContainerApp.__init__.__annotations__["name"] == "builtins.str"  # kept as text
    assert typing.get_type_hints(module.ContainerApp.__init__)["name"] is str  # evaluated when asked
    group = azurerm.resource_group
    assert type(group.__loader__) is loader
    with pytest.raises(TypeError, match=r"^type of argument name must be str; got int instead$"):
        group.ResourceGroup(TerraformStack(App(), "checks"), "group", name=1, location="centralus")


def test_a_binding_module_without_kept_code_loads_as_installed():
    from sigmatiq_infra import azurerm

    module = azurerm.dns_zone  # no library construct uses it: prepare kept no code for it
    assert type(module.__loader__) is importlib.machinery.SourceFileLoader
    assert module.DnsZone.__init__.__annotations__["name"] == ("builtins.str" if installed_defers(module) else str)


def test_kept_code_is_used_only_while_its_source_is_unchanged(tmp_path, monkeypatch):
    from sigmatiq_infra import prepare

    monkeypatch.setenv("SIGMATIQ_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(_bindings, "code_root", lambda: tmp_path / "package")
    source = tmp_path / "package" / "thing" / "__init__.py"
    source.parent.mkdir(parents=True)
    source.write_text("def f(x: not_defined_anywhere) -> None:\n    return x\n")
    assert _bindings.kept_code(source, 1) is None

    namespace: dict = {}
    exec(prepare.deferred_code(source, 1), namespace)  # no NameError: the annotation is text
    assert namespace["f"].__annotations__ == {"x": "not_defined_anywhere", "return": "None"}
    assert [path.name for path in _bindings.code_folder().iterdir()] == ["thing.__init__.opt-1.code"]
    assert _bindings.kept_code(source, 1) is not None
    assert _bindings.kept_code(source, 0) is None  # kept per optimization level
    source.write_text("def f(x: int) -> int:\n    return x\n")  # a changed source
    assert _bindings.kept_code(source, 1) is None
    exec(prepare.deferred_code(source, 1), namespace)
    assert namespace["f"].__annotations__ == {"x": "int", "return": "int"}


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


@pytest.mark.parametrize(("setting", "why"), [
    ({"SIGMATIQ_FULL_IMPORT": "1"}, "SIGMATIQ_FULL_IMPORT is on"),
    ({"JSII_NODE": "/opt/node/bin/node"}, "JSII_NODE is set, so jsii's own runtime is asked for"),
    ({"JSII_RUNTIME": "/opt/runtime.js"}, "JSII_RUNTIME is set, so jsii's own runtime is asked for"),
])
def test_the_normal_jsii_runtime_is_kept_when_asked_for_or_configured(setting, why):
    environ = {"PATH": PATH, **setting}
    assert _kernel.why_not(environ) == why


def test_once_jsii_runs_the_direct_kernel_can_no_longer_be_had_and_says_how_to_get_it():
    assert _kernel.why_not({"PATH": PATH}) == (  # this process started jsii long ago
        "jsii was started before the fast runtime was switched on (a jsii package such as cdktf was "
        "imported first); run the app with `python -m sigmatiq_infra.launch <app.py>`"
    )


def test_the_direct_kernel_is_refused_for_another_jsii_release_without_node_or_on_noexec(monkeypatch):
    monkeypatch.delitem(sys.modules, "constructs")  # as if jsii had not started
    monkeypatch.setattr(_kernel, "_jsii_version", lambda: "1.143.0")
    assert _kernel.why_not({"PATH": PATH}) == (
        f"jsii 1.143.0 is installed, and the direct kernel is tested with jsii {_kernel.TESTED_JSII}"
    )
    monkeypatch.setattr(_kernel, "_jsii_version", lambda: _kernel.TESTED_JSII)
    assert _kernel.why_not({"PATH": "/nonexistent"}) == "no `node` on PATH"
    monkeypatch.setattr(_kernel, "_noexec", lambda path: True)
    node, _ = _kernel.kernel_copy()
    assert _kernel.why_not({"PATH": PATH}) == f"{node} cannot be executed (its file system is mounted noexec?)"


def test_jsii_is_pinned_to_the_release_the_direct_kernel_is_tested_with_and_the_package_takes_a_range():
    import tomllib

    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert "jsii>=1.141,<2" in dependencies
    for constraints in ("constraints.txt", "constraints-cdktn.txt"):
        assert f"jsii=={_kernel.TESTED_JSII}" in (ROOT / constraints).read_text().split(), constraints


HASHING = b"function digestFile(e,...p){return readFileChunks(e,()=>{},...p)}"
TYPE_CHECK = b"(0,B.default)(null!=e,`Kernel error: expected type information, got ${(0,K.inspect)(e)}`)"


def test_the_direct_kernel_is_jsiis_program_with_only_its_channel_hashing_and_one_assertion_changed():
    program = b'var a=1;const ee=new V.SyncStdio({errorFD:2,readFD:3,writeFD:3}),te=2;' + HASHING + TYPE_CHECK
    assert _kernel.direct_program(program) == (
        _kernel.PROLOGUE + b'var a=1;const ee=new V.SyncStdio({errorFD:2,readFD:0,writeFD:1}),te=2;'
        b"function digestFile(e,...p){return sigmatiqInfraDigest(e,p,()=>readFileChunks(e,()=>{},...p))}"
        b"null!=e||" + TYPE_CHECK
    )


@pytest.mark.parametrize(("program", "what"), [
    (b"const io = new SyncStdio({ fd: 3 });" + HASHING + TYPE_CHECK, "open its channel"),
    (b"const io = new V.SyncStdio({errorFD:2,readFD:3,writeFD:3});" + TYPE_CHECK, "hash its packages"),
    (b"const io = new V.SyncStdio({errorFD:2,readFD:3,writeFD:3});" + HASHING, "check its type information"),
])
def test_a_program_of_another_shape_is_refused_so_jsiis_own_runtime_is_used(program, what):
    with pytest.raises(ValueError, match=f"does not {what} the expected way"):
        _kernel.direct_program(program)


def test_the_kernels_assertion_still_fails_with_its_message_when_the_type_is_missing(tmp_path):
    check = _kernel.LAZY_TYPE_CHECK.decode()
    result = run_with_prologue(tmp_path, (
        'const B = { default: require("assert") }, K = require("util");'
        f"function checked(e) {{ {check}; return 'ok'; }}"
        'let message; try { checked(undefined); } catch (e) { message = e.message; }'
        'require("fs").writeSync(1, JSON.stringify([checked({ type: "string" }), message]));'
    ).encode())
    assert json.loads(result.stdout) == ["ok", "Kernel error: expected type information, got undefined"]


HASH_ONCE = b"""
const fs = require("fs");
const file = process.argv[2];
let computed = 0;
const digest = sigmatiqInfraDigest(file, ["salt"], () => {
  computed += 1;
  return require("crypto").createHash("sha256").update(fs.readFileSync(file)).digest();
});
fs.writeSync(1, JSON.stringify([digest.toString("hex"), computed]));
"""


def test_the_kernel_hashes_a_package_once_and_again_only_when_the_file_changes(tmp_path):
    (tmp_path / "lib").mkdir()
    kernel = tmp_path / "lib" / "program.js"
    kernel.write_bytes(_kernel.PROLOGUE + HASH_ONCE)
    tarball = tmp_path / "package.jsii.tgz"
    tarball.write_bytes(b"first")

    def hashed_in_a_new_kernel():
        result = subprocess.run(
            ["node", str(kernel), str(tarball)], capture_output=True, timeout=60, check=True,
            env={**os.environ, "PATH": f"{NODE_BIN}:{os.environ['PATH']}"},
        )
        return json.loads(result.stdout)

    first = hashlib.sha256(b"first").hexdigest()
    assert hashed_in_a_new_kernel() == [first, 1]
    assert hashed_in_a_new_kernel() == [first, 0]  # kept in ../digests: the file is not read again
    tarball.write_bytes(b"second")  # same size, new change time
    assert hashed_in_a_new_kernel() == [hashlib.sha256(b"second").hexdigest(), 1]
    assert len(list((tmp_path / "digests").iterdir())) == 2


def test_the_prepared_kernel_is_built_from_the_installed_jsii():
    node, program = _kernel.kernel_copy()
    embedded = _kernel.embedded_runtime()
    assert program.read_bytes() == _kernel.direct_program((embedded / "lib__program.js").read_bytes())
    assert (program.parent / "runtime-index-worker.js").read_bytes() == (
        embedded / "lib__runtime-index-worker.js"
    ).read_bytes()
    assert os.access(node, os.X_OK)


def test_what_the_kernels_code_prints_reaches_the_host_the_way_jsiis_relay_sends_it(tmp_path):
    result = run_with_prologue(
        tmp_path, b'console.log("hello"); console.error("careful"); require("fs").writeSync(1, "{\\"ok\\":1}\\n");',
    )
    assert result.stdout == b'{"ok":1}\n'  # the protocol channel carries protocol only
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert [{k: base64.b64decode(v) for k, v in line.items()} for line in lines] == [
        {"stdout": b"hello\n"}, {"stderr": b"careful\n"},
    ]


def test_errors_in_the_kernel_keep_their_stack_traces_and_creation_stacks_are_not_formatted(tmp_path):
    result = run_with_prologue(tmp_path, (
        b'const creation = { stack: "" }; Error.captureStackTrace(creation);'
        b'let error; try { null.x; } catch (e) { error = e; }'
        b'require("fs").writeSync(1, JSON.stringify([creation.stack, error.stack.split("\\n").slice(0, 2)]));'
    ))
    creation, error = json.loads(result.stdout)
    assert creation == ""
    assert error[0] == "TypeError: Cannot read properties of null (reading 'x')"
    assert error[1].startswith("    at ") and str(tmp_path / "kernel.js") in error[1]


CAPTURES = b"""
function made() { const e = new Error("made"); Error.captureStackTrace(e); return e.stack.split("\\n")[1]; }
function below() { const e = new Error("below"); Error.captureStackTrace(e, below); return e.stack.split("\\n")[1]; }
function outer() { return below(); }
const stacks = [made(), outer()];
const plain = { stack: "" };
Error.captureStackTrace(plain);
const before = [plain.stack, Object.keys(Object.getOwnPropertyDescriptor(plain, "stack"))];
Error.prepareStackTrace = (target, frames) => "own format: " + frames.length + " frames";
const again = {};
Error.captureStackTrace(again);
require("fs").writeSync(1, JSON.stringify([...stacks, before, again.stack]));
"""


def test_a_captured_error_stack_starts_where_it_would_and_a_creation_stack_is_not_collected(tmp_path):
    made, below, plain, formatted = json.loads(run_with_prologue(tmp_path, CAPTURES).stdout)
    assert made.startswith("    at made (") and "captureStackTrace" not in made
    assert below.startswith("    at outer (")  # frames from `below` up are left out, as V8 does
    assert plain == ["", ["value", "writable", "enumerable", "configurable"]]  # V8's capture (Node 22) defines get/set
    assert formatted.startswith("own format: ")  # another stack formatter: V8 collects the frames again


def test_an_error_raised_in_the_kernel_reaches_python_with_its_message(tmp_path):
    stack = TerraformStack(App(outdir=str(tmp_path)), "twice")
    TerraformVariable(stack, "same", type="string")
    with pytest.raises(RuntimeError, match="There is already a Construct with name 'same' in TerraformStack"):
        TerraformVariable(stack, "same", type="string")




def test_prepare_removes_only_the_cache_entries_whose_source_is_gone(tmp_path, monkeypatch):
    from sigmatiq_infra import prepare

    monkeypatch.setenv("SIGMATIQ_CACHE_DIR", str(tmp_path / "cache"))
    present = tmp_path / "venv" / "provider.jsii.tgz"
    present.parent.mkdir()
    present.write_bytes(b"tarball")
    entries = {
        "gone": ("jsii", tmp_path / "deleted-venv" / "provider.jsii.tgz"),
        "kept": ("jsii", present),
        "gone-kernel": ("jsii-kernel", tmp_path / "deleted-venv" / "lib__program.js"),
        "gone-code": ("python", tmp_path / "deleted-venv" / "cdktf_cdktf_provider_azurerm"),
    }
    for name, (kind, source) in entries.items():
        (tmp_path / "cache" / kind / name).mkdir(parents=True)
        prepare._record(tmp_path / "cache" / kind / name, source)
    (tmp_path / "cache" / "jsii" / "older-release").mkdir()  # no record: left alone

    assert prepare.prune() == [
        tmp_path / "cache" / "jsii" / "gone", tmp_path / "cache" / "jsii-kernel" / "gone-kernel",
        tmp_path / "cache" / "python" / "gone-code",
    ]
    assert sorted(path.name for path in (tmp_path / "cache" / "jsii").iterdir()) == ["kept", "older-release"]
    assert list((tmp_path / "cache" / "jsii-kernel").iterdir()) == []
    assert prepare.prune() == []


def test_the_prepared_entries_name_what_they_were_built_from():
    _, program = _kernel.kernel_copy()
    built_from = (_kernel.embedded_runtime() / "lib__program.js").resolve()
    assert (program.parents[1] / "source").read_text() == f"{built_from}\n"
    original = _bindings.assembly_tarball()
    assert (_bindings.lazy_tarball_path(original).parent / "source").read_text() == f"{original.resolve()}\n"
    if installed_defers(_bindings.submodule("container_app")):  # nothing to keep: no code folder
        assert not _bindings.code_folder().exists()
    else:
        assert (_bindings.code_folder() / "source").read_text() == f"{_bindings.code_root().resolve()}\n"


def test_the_lean_copy_of_a_tarball_is_the_same_bytes_in_every_environment(tmp_path, monkeypatch):
    from sigmatiq_infra import prepare

    original = tmp_path / "site-packages" / "provider-azurerm@1.0.0.jsii.tgz"
    original.parent.mkdir()
    with tarfile.open(original, "w:gz") as tarball:
        for name, content in (
            (_bindings.INDEX, b'"use strict";\nexports.keyVault = require("./key-vault");\n'),
            ("package/lib/key-vault/index.js", b"exports.KeyVault = class {};\n"),
        ):
            member = tarfile.TarInfo(name)
            member.size, member.mtime = len(content), 1_700_000_000
            tarball.addfile(member, io.BytesIO(content))
    monkeypatch.setattr(_bindings, "assembly_tarball", lambda: original)
    copies = []
    for environment in ("first", "second"):
        monkeypatch.setenv("SIGMATIQ_CACHE_DIR", str(tmp_path / environment))
        copies.append(prepare.build_lazy_bindings().read_bytes())
    assert copies[0] == copies[1]  # one digest, so jsii extracts it once for every environment
    assert copies[0][3] & 0x08 == 0 and copies[0][4:8] == b"\0\0\0\0"  # no file name, no time in the gzip header
    with tarfile.open(fileobj=io.BytesIO(copies[0])) as copy:
        index = copy.extractfile(_bindings.INDEX).read()
    assert b"get: function () { return require(\"./key-vault\"); }" in index
