"""Loading the azurerm bindings lean: only the parts a program uses, on both sides (part of
the fast runtime).

The bindings cost seconds per process in two places, and both are avoided here without
editing anything installed:

- Python: cdktf's `cdktf_cdktf_provider_azurerm/__init__.py` imports all ~1,500 submodules
  (CDK Terrain's is lazy already). The package is registered instead as a namespace over the
  same files that imports a submodule when it is first used, as an attribute
  (`azurerm.key_vault`) or by an import (`from <package>.key_vault import KeyVault`). The
  jsii runtime imports any other submodule on demand if a type from it ever turns up. The
  submodules a synth loads run with their type annotations deferred, from code `prepare`
  keeps in the cache folder (`DeferredAnnotations`).
- Node.js: jsii loads the provider's npm package, whose `lib/index.js` `require`s all
  ~1,500 JavaScript modules. `sigmatiq_infra.prepare` builds a copy of the package tarball
  whose `index.js` defines the same exports as lazy getters; jsii loads that copy. The jsii
  assembly (types) and every module are byte-for-byte the originals.

This module and `sigmatiq_infra._cdktf` are the only ones that import the engine (its
bindings here, its runtime there); `submodule()` is how the library reaches the bindings
(`sigmatiq_infra.azurerm`). Nothing here runs at import. The synthesized JSON is
byte-identical to a normal import (tested).
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.machinery
import importlib.util
import marshal
import os
import pkgutil
import re
import sys
import types
from pathlib import Path

from sigmatiq_infra import engine
from sigmatiq_infra._kernel import cache_dir

ENGINE = engine.selected()
PACKAGE = ENGINE.provider
ASSEMBLY = ENGINE.assembly
INDEX = "package/lib/index.js"
EXPORT = re.compile(
    rb'^exports\.([A-Za-z0-9_$]+) = (?:require\("(\./[A-Za-z0-9_./-]+)"\)'
    rb'|__importStar\(require\("(\./[A-Za-z0-9_./-]+)"\)\));$',
    re.M,
)
"""One export of the bindings' `lib/index.js`: `exports.x = require("./x");` (cdktf's) or
`exports.x = __importStar(require("./x/index"));` (CDK Terrain's)."""
FORMAT = "lazy-index-3"  # bump when the rewrite changes, to rebuild cached copies
CODE_FORMAT = "deferred-annotations-1"  # bump when the way binding modules are compiled changes
DEFERRED = b"from __future__ import annotations"
"""How a module that defers its annotations itself says so (CDK Terrain's bindings do)."""


def submodule(name: str) -> types.ModuleType:
    """The engine's bindings module `name` (`key_vault`), imported on first use."""
    if name.startswith("__"):
        raise AttributeError(name)
    try:
        return importlib.import_module(f"{PACKAGE}.{name}")
    except ModuleNotFoundError as problem:
        if problem.name == PACKAGE:
            raise engine.EngineMissing(ENGINE) from None
        raise AttributeError(f"the azurerm bindings ({PACKAGE}) have no module {name!r}") from None


def package_path() -> list[str]:
    """Where the bindings' submodules are (one per resource and data source), without importing them."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None:
        raise engine.EngineMissing(ENGINE)
    return list(spec.submodule_search_locations or ())


def terraform_types(section: str = "resource") -> list[str]:
    """The Terraform types of the bindings' resources (`section` "resource") or data sources
    ("data"), by their submodules' names (nothing imported): `key_vault` is `azurerm_key_vault`,
    `data_azurerm_key_vault` the data source `azurerm_key_vault`."""
    names = [module.name for module in pkgutil.iter_modules(package_path())]
    if section == "data":
        return [name.removeprefix("data_") for name in names if name.startswith("data_azurerm_")]
    return [f"azurerm_{name}" for name in names if not name.startswith(("_", "data_azurerm_", "provider"))]


def why_not() -> str | None:
    """Why the lean bindings cannot be used in this process (None: they can)."""
    if PACKAGE in sys.modules:
        return "the azurerm bindings were imported before the fast runtime was switched on"
    original = assembly_tarball()
    if original is None:
        return f"{PACKAGE} is not installed"
    if not lazy_tarball_path(original).exists():
        return f"the lean bindings are not prepared in {cache_dir()}; run `python -m sigmatiq_infra.prepare`"
    return None


def register() -> None:
    """Register the lean package (`why_not()` said it can be), then load its assembly from
    the prepared copy."""
    spec = importlib.util.find_spec(PACKAGE)
    package = types.ModuleType(PACKAGE, "azurerm bindings, loaded lean by sigmatiq_infra's fast runtime")
    package.__path__ = list(spec.submodule_search_locations)
    package.__file__ = spec.origin
    package.__package__ = PACKAGE
    package.__spec__ = spec
    package.__getattr__ = _submodule  # type: ignore[attr-defined]
    sys.modules[PACKAGE] = package
    if DeferredAnnotations not in sys.meta_path:
        sys.meta_path.insert(0, DeferredAnnotations)
    original = assembly_tarball()
    version = original.name.removesuffix(".jsii.tgz").rsplit("@", 1)[1]

    importlib.import_module(f"{ENGINE.runtime}._jsii")  # dependencies load first, as in the package's _jsii
    import constructs._jsii  # noqa: F401
    import jsii
    from jsii import _reference_map
    from jsii._runtime import kernel

    kernel.load(ASSEMBLY, version, os.fspath(lazy_tarball_path(original)))
    _reference_map._assembly_to_module[ASSEMBLY] = PACKAGE
    # Newer bindings name the Python module of each jsii submodule (CDK Terrain's do); jsii
    # reads the map when the package's own _jsii loads, which the lean path skips.
    _reference_map._submodule_fqn_map.update(submodule_map(original.parent / "__init__.py"))
    module = types.ModuleType(f"{PACKAGE}._jsii")
    module.__path__ = [os.fspath(original.parent)]
    module.__jsii_assembly__ = jsii.JSIIAssembly(ASSEMBLY, version, PACKAGE, original.name)  # type: ignore[attr-defined]
    module.__all__ = ["__jsii_assembly__"]  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module


class DeferredAnnotations:
    """Finds the bindings' submodules, and loads those `prepare` compiled with their
    annotations deferred from that code.

    Each binding module spells out a type annotation for every argument and property of
    every class, and Python evaluates them all when the module runs (`typing.Optional[...]`,
    `typing.Union[...]`, thousands of them): about two thirds of the time the binding modules
    a synth loads take to run. Compiled as if they began with `from __future__ import
    annotations` (PEP 563), they keep the annotations as text, which `typing.get_type_hints`
    evaluates when something asks (the bindings' own argument checks ask for their stubs'
    hints; `-O` skips those checks). Nothing else about the modules changes (CDK Terrain's
    bindings defer their annotations themselves, so theirs load as installed). The code is kept
    in the cache folder (`code_folder()`), not beside the installed files, for the modules
    `sigmatiq_infra.prepare` finds a synth loads; a module without current kept code (another
    one, or a changed source file) loads as installed."""

    @staticmethod
    def find_spec(fullname: str, path=None, target=None):  # type: ignore[no-untyped-def]
        if not fullname.startswith(PACKAGE + "."):
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is not None and type(spec.loader) is importlib.machinery.SourceFileLoader:
            code = kept_code(Path(spec.origin), sys.flags.optimize)
            if code is not None:
                spec.loader = DeferredAnnotationsLoader(fullname, spec.origin, code)
        return spec


class DeferredAnnotationsLoader(importlib.machinery.SourceFileLoader):
    """A binding module's loader that runs the kept code with its annotations deferred."""

    def __init__(self, fullname: str, path: str, code: bytes) -> None:
        super().__init__(fullname, path)
        self._code = code

    def get_code(self, fullname: str) -> types.CodeType:
        return marshal.loads(self._code)


def kept_path(source: Path, optimize: int) -> tuple[Path, bytes]:
    """(where the deferred-annotation code of `source` is kept, the stamp it must start with)."""
    stat = source.stat()
    stamp = f"{CODE_FORMAT}:{stat.st_mtime_ns}:{stat.st_size}:{optimize}\n".encode()
    relative = source.relative_to(code_root()).with_suffix("")
    return code_folder() / f"{'.'.join(relative.parts)}.opt-{optimize}.code", stamp


def kept_code(source: Path, optimize: int) -> bytes | None:
    """The kept deferred-annotation code (marshalled) of the binding module `source`, when it
    is current; else None."""
    try:
        kept, stamp = kept_path(source, optimize)
        data = kept.read_bytes()
    except (OSError, ValueError):
        return None
    return data[len(stamp):] if data.startswith(stamp) else None


def code_root() -> Path:
    """The installed bindings package's folder."""
    spec = importlib.util.find_spec(PACKAGE) if PACKAGE not in sys.modules else sys.modules[PACKAGE].__spec__
    if spec is None or not spec.submodule_search_locations:
        raise OSError(f"{PACKAGE} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def code_folder() -> Path:
    """Where the deferred-annotation code of the installed bindings' modules is kept."""
    key = hashlib.sha256(
        f"{CODE_FORMAT}:{code_root().resolve()}:{sys.implementation.cache_tag}:"
        f"{importlib.util.MAGIC_NUMBER.hex()}".encode(),
    ).hexdigest()[:20]
    return cache_dir() / "python" / key


def _submodule(name: str) -> types.ModuleType:
    """`azurerm.<name>` on the lean package: `submodule(name)`, with the message Python gives
    for a module's missing attribute."""
    try:
        return submodule(name)
    except AttributeError:
        raise AttributeError(f"module {PACKAGE!r} has no attribute {name!r}") from None


def submodule_map(jsii_init: Path) -> dict[str, str]:
    """The `_SUBMODULE_FQN_MAP` a bindings package's `_jsii/__init__.py` defines (read, not
    run: running it would load the assembly the slow way); empty when it defines none."""
    try:
        tree = ast.parse(jsii_init.read_text())
    except (OSError, SyntaxError):
        return {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == "_SUBMODULE_FQN_MAP"
        ):
            return dict(ast.literal_eval(node.value))
    return {}


def assembly_tarball() -> Path | None:
    """The provider package's own jsii tarball, found without importing the package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    found = sorted((Path(spec.submodule_search_locations[0]) / "_jsii").glob("*.jsii.tgz"))
    return found[0] if len(found) == 1 else None


def lazy_tarball_path(original: Path) -> Path:
    """Where the prepared copy of `original` with a lazy `lib/index.js` is, built or not."""
    stat = original.stat()
    key = hashlib.sha256(
        f"{FORMAT}:{original.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode(),
    ).hexdigest()[:20]
    return cache_dir() / "jsii" / key / original.name


def lazy_index(index: bytes) -> bytes:
    """`exports.x = require("./x");` (or `__importStar(require(...))`) -> a getter that
    requires the module (through the same wrapper) on first use."""
    exports = EXPORT.findall(index)
    if not exports or len(exports) != index.count(b"require("):
        raise ValueError("lib/index.js does not have the expected `exports.x = require(...)` form")

    def getter(match: re.Match[bytes]) -> bytes:
        name, plain, wrapped = match.groups()
        load = b'require("' + plain + b'")' if plain else b'__importStar(require("' + wrapped + b'"))'
        return (
            b'Object.defineProperty(exports, "' + name + b'", { enumerable: true, configurable: true, '
            b"get: function () { return " + load + b"; } });"
        )

    return EXPORT.sub(getter, index)
