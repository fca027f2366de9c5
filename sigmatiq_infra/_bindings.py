"""Loading the azurerm bindings lean: only the parts the constructs use, on both sides.

The bindings cost seconds per process in two places, and both are avoided here without
editing anything installed:

- Python: `cdktf_cdktf_provider_azurerm/__init__.py` imports all ~1,500 submodules. The
  package is registered instead as a bare namespace over the same files, so
  `from cdktf_cdktf_provider_azurerm.key_vault import KeyVault` loads one submodule (the
  jsii runtime imports any other submodule on demand if a type from it ever turns up).
- Node.js: jsii loads the provider's npm package, whose `lib/index.js` `require`s all
  ~1,500 JavaScript modules. A copy of the package tarball whose `index.js` defines the
  same exports as lazy getters is built once into a cache folder; jsii loads that copy.
  The jsii assembly (types) and every module are byte-for-byte the originals.

The synthesized JSON is byte-identical to a normal import (tested). Any surprise (the
package's layout changes, the cache cannot be written) falls back to the normal import,
as does `SIGMATIQ_FULL_IMPORT=1`. `python -m sigmatiq_infra._bindings` builds the cache
ahead of time, and the optimized bytecode the `-O` synth uses (bin/setup does both).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import io
import os
import re
import sys
import tarfile
import tempfile
import types
from pathlib import Path

from sigmatiq_infra._kernel import cache_dir, direct_kernel, start_kernel
from sigmatiq_infra.switches import switch_is_on

PACKAGE = "cdktf_cdktf_provider_azurerm"
ASSEMBLY = "@cdktf/provider-azurerm"
INDEX = "package/lib/index.js"
_EXPORT = re.compile(rb'^exports\.([A-Za-z0-9_$]+) = require\("(\./[A-Za-z0-9_./-]+)"\);$', re.M)
_FORMAT = "lazy-index-1"  # bump when the rewrite changes, to rebuild cached copies


def load_lean() -> bool:
    """Register the lean package (once per process). True when the lean path is in use."""
    start_kernel()
    existing = sys.modules.get(PACKAGE)
    if existing is not None:
        return getattr(existing, "__sigmatiq_lean__", False)
    if switch_is_on(os.environ, "SIGMATIQ_FULL_IMPORT"):
        return False
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return False
    package = types.ModuleType(PACKAGE, "azurerm bindings, loaded lean by sigmatiq_infra._bindings")
    package.__path__ = list(spec.submodule_search_locations)
    package.__file__ = spec.origin
    package.__package__ = PACKAGE
    package.__spec__ = spec
    package.__sigmatiq_lean__ = True  # type: ignore[attr-defined]
    sys.modules[PACKAGE] = package
    try:
        _load_assembly(Path(package.__path__[0]) / "_jsii")
    except Exception:
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]
        return False  # the normal import takes over on first use
    return True


def _load_assembly(jsii_dir: Path) -> None:
    """Load the provider's jsii assembly, from the lazy-index copy when one can be had."""
    [original] = sorted(jsii_dir.glob("*.jsii.tgz"))
    version = original.name.removesuffix(".jsii.tgz").rsplit("@", 1)[1]
    try:
        tarball = lazy_tarball(original)
    except (OSError, ValueError, tarfile.TarError):
        tarball = None
    if tarball is None:
        importlib.import_module(f"{PACKAGE}._jsii")  # the package's own loader, original tarball
        return

    import cdktf._jsii  # noqa: F401  (dependencies load first, as in the package's _jsii)
    import constructs._jsii  # noqa: F401
    import jsii
    from jsii import _reference_map
    from jsii._runtime import kernel

    kernel.load(ASSEMBLY, version, os.fspath(tarball))
    _reference_map._assembly_to_module[ASSEMBLY] = PACKAGE
    module = types.ModuleType(f"{PACKAGE}._jsii")
    module.__path__ = [os.fspath(jsii_dir)]
    module.__jsii_assembly__ = jsii.JSIIAssembly(ASSEMBLY, version, PACKAGE, original.name)  # type: ignore[attr-defined]
    module.__all__ = ["__jsii_assembly__"]  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module


def lazy_tarball(original: Path) -> Path:
    """The cached copy of `original` with a lazy `lib/index.js`, built on first use."""
    stat = original.stat()
    key = hashlib.sha256(
        f"{_FORMAT}:{original.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode(),
    ).hexdigest()[:20]
    target = cache_dir() / "jsii" / key / original.name
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=target.parent, suffix=".partial")
    os.close(handle)
    try:
        with tarfile.open(original, "r:gz") as source, tarfile.open(partial, "w:gz", compresslevel=1) as copy:
            rewritten = False
            for member in source:
                data = source.extractfile(member) if member.isfile() else None
                if member.name == INDEX and data is not None:
                    content = lazy_index(data.read())
                    member.size = len(content)
                    data = io.BytesIO(content)
                    rewritten = True
                copy.addfile(member, data)
            if not rewritten:
                raise ValueError(f"{original.name} has no {INDEX}")
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return target


def lazy_index(index: bytes) -> bytes:
    """`exports.x = require("./x");` -> a getter that requires `./x` on first use."""
    exports = _EXPORT.findall(index)
    if not exports or len(exports) != index.count(b"require("):
        raise ValueError("lib/index.js does not have the expected `exports.x = require(...)` form")
    return _EXPORT.sub(
        rb'Object.defineProperty(exports, "\1", { enumerable: true, configurable: true, '
        rb'get: function () { return require("\2"); } });',
        index,
    )


def compile_optimized() -> int:
    """Write `-O` bytecode for every module a synth loads (cdktf.json runs `python -O`).

    Python writes bytecode as it imports, unless told not to (PYTHONDONTWRITEBYTECODE, a
    read-only install); doing it here once means the optimized synth never compiles the
    large binding modules on the fly. Returns how many modules were compiled.
    """
    import py_compile

    import sigmatiq_infra.app
    import sigmatiq_infra.stacks  # noqa: F401  (everything a synth imports)

    sources = {
        module.__file__ for module in list(sys.modules.values())
        if getattr(module, "__file__", None) and module.__file__.endswith(".py")
    }
    compiled = 0
    for source in sorted(sources):
        try:
            py_compile.compile(source, optimize=1, doraise=True)
            compiled += 1
        except (py_compile.PyCompileError, OSError):
            continue  # a read-only location: the module is compiled in memory instead
    return compiled


if __name__ == "__main__":
    print("direct jsii kernel:", direct_kernel()[1])
    print("lean bindings:", "in use" if load_lean() else "not available (normal import)")
    print("optimized bytecode:", compile_optimized(), "modules")
