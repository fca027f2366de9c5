"""`python -m sigmatiq_infra.prepare`: build, once per machine, what the fast runtime uses.

- the direct jsii kernel: a copy of the installed jsii's `lib/program.js` (`_kernel`);
- the lean azurerm bindings: a copy of the provider package tarball whose `index.js`
  requires its modules lazily (`_bindings`);
- the bytecode of every module a synth loads, plain and optimized (`-O`, as cdktf.json runs the
  app), since Python would otherwise compile the large binding modules on the fly (installers
  such as uv leave the bytecode out; the rest of the bindings, which a synth never loads, stays
  uncompiled); for the binding modules among them, also their code with the type annotations
  deferred, which the lean bindings run (`_bindings.DeferredAnnotations`).

Everything goes to the cache folder (`SIGMATIQ_CACHE_DIR`, else `$XDG_CACHE_HOME/sigmatiq-infra`,
else `~/.cache/sigmatiq-infra`; about 45 MB per installation of the packages) and is safe to
build again or from several processes at once. Each entry records what it was built from; an
entry whose source is gone (a deleted virtual environment or clone) is removed the next time
this runs. Nothing imports this module at run time; `bin/setup` runs it.
"""

from __future__ import annotations
import __future__

import compileall
import gzip
import io
import marshal
import os
import shutil
import sys
import tarfile
import tempfile
import types
from pathlib import Path

from sigmatiq_infra import _bindings, _kernel

SOURCE = "source"
"""The file in each cache entry that names what the entry was built from."""


def build_direct_kernel() -> Path:
    """The kernel copy for the installed jsii (built unless it is there); its program.js."""
    node, program = _kernel.kernel_copy()
    target = program.parents[1]
    embedded = _kernel.embedded_runtime()
    if node.exists() and program.exists():
        _record(target, embedded / "lib__program.js")
        return program
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".partial-"))
    try:
        for source in embedded.iterdir():  # jsii's own layout: `lib__program.js` is lib/program.js
            if source.name.startswith("__") or "__" not in source.name:
                continue
            relative = source.name.replace("__", "/", 1)
            content = source.read_bytes()
            if relative == "lib/program.js":
                content = _kernel.direct_program(content)
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            (staging / relative).write_bytes(content)
        wrapper = staging / "bin" / "node"
        wrapper.parent.mkdir(parents=True, exist_ok=True)
        wrapper.write_text(_kernel.NODE_WRAPPER)
        wrapper.chmod(0o755)
        if not (staging / "lib" / "program.js").exists():
            raise ValueError(f"{embedded} has no lib__program.js")
        _record(staging, embedded / "lib__program.js")
        try:
            os.replace(staging, target)
        except OSError:
            if not target.exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return program


def build_lazy_bindings() -> Path:
    """The provider tarball with a lazy `lib/index.js` (built unless it is there).

    The copy's bytes depend only on the original's: jsii extracts every tarball it has not
    seen into its package cache (about 290 MB for the azurerm bindings), keyed by the
    tarball's digest, so every virtual environment's copy of the same release shares one
    extraction."""
    original = _bindings.assembly_tarball()
    if original is None:
        raise OSError(f"{_bindings.PACKAGE} is not installed")
    target = _bindings.lazy_tarball_path(original)
    if target.exists():
        _record(target.parent, original)
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=target.parent, suffix=".partial")
    os.close(handle)
    try:
        with (
            tarfile.open(original, "r:gz") as source,
            open(partial, "wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=1, mtime=0) as compressed,
            tarfile.open(fileobj=compressed, mode="w", format=tarfile.PAX_FORMAT) as copy,
        ):
            rewritten = False
            for member in source:
                data = source.extractfile(member) if member.isfile() else None
                if member.name == _bindings.INDEX and data is not None:
                    content = _bindings.lazy_index(data.read())
                    member.size = len(content)
                    data = io.BytesIO(content)
                    rewritten = True
                copy.addfile(member, data)
            if not rewritten:
                raise ValueError(f"{original.name} has no {_bindings.INDEX}")
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    _record(target.parent, original)
    return target


def _record(entry: Path, source: Path) -> None:
    """Write into the cache entry what it was built from (unless it says so already)."""
    record = entry / SOURCE
    text = f"{source.resolve()}\n"
    try:
        if record.read_text() == text:
            return
    except OSError:
        pass
    record.write_text(text)


def prune() -> list[Path]:
    """Remove the cache entries built from files that no longer exist: every installation of
    the packages (each virtual environment, each clone set up with `bin/setup`) adds its own
    entries, which nothing else removes. An entry that names no source (built by an older
    release, or being built now) is left alone. Returns the entries removed."""
    removed = []
    for kind in ("jsii", "jsii-kernel", "python"):
        folder = _kernel.cache_dir() / kind
        for entry in sorted(folder.iterdir()) if folder.is_dir() else ():
            try:
                source = Path((entry / SOURCE).read_text().strip())
            except OSError:
                continue
            if not source.exists():
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
    return removed


def compile_bytecode() -> int:
    """Write the plain and the `-O` bytecode of every module a synth loads; returns how many
    modules were compiled."""
    from sigmatiq_infra import runtime

    runtime.enable(quiet=True)
    # Everything of the library a synth imports (an app's own modules compile on first run).
    import sigmatiq_infra.adoption
    import sigmatiq_infra.aspects.rules
    import sigmatiq_infra.constructs
    import sigmatiq_infra.stacks
    import sigmatiq_infra.typecheck  # noqa: F401

    sources = {
        module.__file__ for module in list(sys.modules.values())
        if getattr(module, "__file__", None) and module.__file__.endswith(".py")
    }
    compiled = 0
    for source in sorted(sources):
        # Skipped where the bytecode is current; a read-only location is left alone (the module
        # is then compiled in memory when imported).
        compiled += bool(compileall.compile_file(source, quiet=2, optimize=[0, 1]))
    return compiled


def compile_deferred_bindings() -> int:
    """Keep the deferred-annotation code of every binding module a synth loads, plain and
    `-O` (`_bindings.DeferredAnnotations`; run after `compile_bytecode`, which imports them);
    returns how many modules."""
    if _bindings.DeferredAnnotations not in sys.meta_path:
        return 0  # the lean bindings are off: the modules load as installed
    root = _bindings.code_root()
    sources = sorted(
        source for source in {
            Path(module.__file__) for name, module in list(sys.modules.items())
            if name.startswith(_bindings.PACKAGE + ".") and str(getattr(module, "__file__", "")).endswith(".py")
        }
        if root in source.parents and _bindings.DEFERRED not in source.read_bytes()  # CDK Terrain's defer them
    )
    for source in sources:
        for optimize in (0, 1):
            deferred_code(source, optimize)
    if sources:
        _record(_bindings.code_folder(), root)
    return len(sources)


def deferred_code(source: Path, optimize: int) -> types.CodeType:
    """Compile the binding module `source` with its annotations deferred, keep the code in
    the cache folder (unless it is current there already) and return it."""
    current = _bindings.kept_code(source, optimize)
    if current is not None:
        return marshal.loads(current)
    code = compile(
        source.read_bytes(), os.fspath(source), "exec",
        flags=__future__.annotations.compiler_flag, dont_inherit=True, optimize=optimize,
    )
    kept, stamp = _bindings.kept_path(source, optimize)
    kept.parent.mkdir(parents=True, exist_ok=True)
    partial = kept.with_name(f"{kept.name}.{os.getpid()}.partial")
    partial.write_bytes(stamp + marshal.dumps(code))
    os.replace(partial, kept)
    return code


def _cache_problem() -> str | None:
    """Why the cache folder cannot be made, naming the variable that chose it; else None
    (each part would otherwise say 'not prepared' and the app 'run prepare', in a loop)."""
    folder = _kernel.cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as problem:
        variable = _kernel.cache_source()
        why = "is a file" if isinstance(problem, FileExistsError) else f"cannot be made ({problem.strerror or problem})"
        return (
            f"the cache folder {folder} (from {variable}) {why}. Allowed: a folder this user can write, made if it "
            "does not exist. Fix: set SIGMATIQ_CACHE_DIR to the absolute path of such a folder."
        )
    return None


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return 0
    if arguments:  # e.g. `--force`: building is always safe to repeat, so nothing to ask for
        print(f"sigmatiq-infra: prepare: takes no arguments (got {' '.join(arguments)}). Fix: run "
              "`python -m sigmatiq_infra.prepare`; it builds what is missing or out of date.", file=sys.stderr)
        return 2
    problem = _cache_problem()
    if problem:
        print(f"sigmatiq-infra: prepare: {problem}", file=sys.stderr)
        return 2
    for what, build in (("direct jsii kernel", build_direct_kernel), ("lean azurerm bindings", build_lazy_bindings)):
        try:
            print(f"{what}: {build()}")
        except (OSError, ValueError, tarfile.TarError) as problem:
            print(f"{what}: not prepared ({problem}); the fast runtime runs without it", file=sys.stderr)
    print(f"bytecode (plain and -O): {compile_bytecode()} modules")
    print(f"azurerm binding modules with deferred annotations (plain and -O): {compile_deferred_bindings()}")
    removed = prune()
    if removed:
        print(f"cache: removed {len(removed)} entries whose virtual environment is gone")
    return 0


if __name__ == "__main__":
    sys.exit(main())
