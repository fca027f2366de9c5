"""Running jsii's Node.js kernel without its relay process (part of the fast runtime).

jsii's Python runtime starts `node bin/jsii-runtime.js`, and that script only spawns a
second Node.js process, `lib/program.js` (the kernel), and relays every message between the
two. Each construct, property read and callback is such a message, so every one of them
crosses an extra process and event loop; on a two-core machine the relay also competes for
the CPU with Python and the kernel. Synthesis spends most of its time in those round trips.

The fast runtime (`sigmatiq_infra.runtime.enable`) starts jsii, through its `JSII_NODE` and
`JSII_RUNTIME` settings, with a copy of the same kernel that speaks the protocol on its own
stdin and stdout, with the flags the relay would have given it. Nothing installed is
edited: the copy is built ahead of time into the cache folder by `sigmatiq_infra.prepare`
(`bin/setup` runs it), and it is byte-for-byte jsii's `lib/program.js` apart from the two
file descriptors it reads and writes, the way it hashes a package it loads and one
assertion whose message it built before every check (see `REWRITES`), plus a prologue that
sends anything the kernel's code prints to the host the way the relay does, that neither
collects nor formats the creation stacks cdktf records for every token, and that keeps each
package's digest so it is not hashed again on every start (see `PROLOGUE`). On the Python
side, jsii's requests are built with less work (`sigmatiq_infra._messages`).

Nothing here runs at import. The synthesized JSON is identical on either kernel (tested).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from sigmatiq_infra import _messages
from sigmatiq_infra.switches import switch_is_on

TESTED_JSII = "1.142.0"
"""The jsii release the direct kernel is built and tested for (the package pins it)."""
FORMAT = "direct-kernel-4"  # bump when the way the copy is made changes, to rebuild cached copies
KERNEL_FDS = b"readFD:3,writeFD:3"
"""How jsii's relay talks to the kernel: one socket, file descriptor 3, both ways."""
HOST_FDS = b"readFD:0,writeFD:1"
DIGEST_FILE = b"function digestFile(e,...p){return readFileChunks(e,()=>{},...p)}"
"""How the kernel hashes a package's tarball on every load, to find the copy jsii's package
cache extracted before: the whole file, every time (41 MB for the azurerm bindings)."""
KEPT_DIGEST = b"function digestFile(e,...p){return sigmatiqInfraDigest(e,p,()=>readFileChunks(e,()=>{},...p))}"
TYPE_CHECK = b"(0,B.default)(null!=e,`Kernel error: expected type information, got ${(0,K.inspect)(e)}`)"
"""An assertion the kernel makes for every value it converts, whose message (an
`util.inspect` of the type) is built each time, before the check."""
LAZY_TYPE_CHECK = b"null!=e||" + TYPE_CHECK
REWRITES = (
    (KERNEL_FDS, HOST_FDS, "open its channel"),
    (DIGEST_FILE, KEPT_DIGEST, "hash its packages"),
    (TYPE_CHECK, LAZY_TYPE_CHECK, "check its type information"),
)
"""(jsii's text, the copy's, what it does): each found exactly once, or the copy is not made."""

PROLOGUE = b"""/* sigmatiq-infra: jsii's lib/program.js, reading the host on stdin and answering on
 * stdout instead of through bin/jsii-runtime.js. What the kernel's code prints goes to the
 * host as the relay would send it: one {"stdout"|"stderr": base64} line on stderr.
 * cdktf records a "creation stack" (captured on a plain object, not an Error) for every
 * token and attribute reference; in this process those stacks only ever show the kernel's
 * own JavaScript frames, never the host's code, so they are neither collected nor
 * formatted. Errors keep their stack traces. jsii hashes each package's tarball on every
 * load to find the copy its package cache extracted before (41 MB for the azurerm
 * bindings); the digest is kept in ../digests, under the file's path, size, inode and
 * times, so a tarball is hashed again only when it changes. */
(function () {
  "use strict";
  const format = Error.prepareStackTrace;
  const prepare = function (target, frames) {
    if (!(target instanceof Error)) return "";
    return format ? format(target, frames) : String(target) + frames.map((f) => "\\n    at " + f).join("");
  };
  Error.prepareStackTrace = prepare;
  const capture = Error.captureStackTrace;
  Error.captureStackTrace = function captureStackTrace(target, below) {
    if (target instanceof Error || Error.prepareStackTrace !== prepare) {
      return capture(target, typeof below === "function" ? below : captureStackTrace);  // the frames it would have
    }
    // formatted as "" by prepare: so not collected either (cdktf asks for every frame)
    Object.defineProperty(target, "stack", { value: "", writable: true, configurable: true });
  };
  const fs = require("fs");
  const { Writable } = require("stream");
  for (const key of ["stdout", "stderr"]) {
    const stream = new Writable({
      write(chunk, _encoding, callback) {
        fs.writeSync(2, JSON.stringify({ [key]: chunk.toString("base64") }) + "\\n");
        callback();
      },
    });
    Object.defineProperty(process, key, { configurable: true, enumerable: true, get: () => stream });
  }
  const path = require("path");
  const crypto = require("crypto");
  const digests = path.join(__dirname, "..", "digests");
  globalThis.sigmatiqInfraDigest = function (file, salt, compute) {
    let kept = null;
    try {
      const stat = fs.statSync(file);
      const key = [path.resolve(file), stat.size, stat.ino, stat.mtimeMs, stat.ctimeMs, salt];
      kept = path.join(digests, crypto.createHash("sha256").update(JSON.stringify(key)).digest("hex"));
      const digest = fs.readFileSync(kept);
      if (digest.length === 32) return digest;
    } catch (_) {
      // not kept yet (or the file is gone: jsii's own hashing reports that)
    }
    const digest = compute();
    if (kept !== null) {
      try {
        fs.mkdirSync(digests, { recursive: true });
        fs.writeFileSync(kept + "." + process.pid, digest);
        fs.renameSync(kept + "." + process.pid, kept);
      } catch (_) {
        // a read-only cache folder: hashed again next time
      }
    }
    return digest;
  };
})();
"""

NODE_WRAPPER = """#!/bin/sh
# sigmatiq-infra: starts jsii's kernel with the flag jsii's relay would have added.
exec node --preserve-symlinks "$@"
"""


def why_not(environ: Mapping[str, str]) -> str | None:
    """Why the direct kernel cannot be used in this process (None: it can)."""
    if os.name != "posix":
        return "the direct kernel runs on Linux and macOS only"
    if switch_is_on(environ, "SIGMATIQ_FULL_IMPORT"):
        return "SIGMATIQ_FULL_IMPORT is on"
    for name in ("JSII_NODE", "JSII_RUNTIME"):
        if name in environ:
            return f"{name} is set, so jsii's own runtime is asked for"
    if "constructs" in sys.modules:
        return (
            "jsii was started before the fast runtime was switched on (a jsii package such as cdktf was "
            "imported first); run the app with `python -m sigmatiq_infra.launch <app.py>`"
        )
    installed = _jsii_version()
    if installed != TESTED_JSII:
        return f"jsii {installed} is installed, and the direct kernel is tested with jsii {TESTED_JSII}"
    try:
        node, program = kernel_copy()
    except OSError as problem:
        return str(problem)
    if not (node.exists() and program.exists()):
        return f"the direct kernel is not prepared in {program.parents[1]}; run `python -m sigmatiq_infra.prepare`"
    if not os.access(node, os.X_OK) or _noexec(node):
        return f"{node} cannot be executed (its file system is mounted noexec?)"
    if shutil.which("node", path=environ.get("PATH")) is None:
        return "no `node` on PATH"
    return None


def start(environ: Mapping[str, str] | None = None) -> None:
    """Start jsii's kernel on the prepared copy (`why_not()` said it can be). jsii reads
    `JSII_NODE` and `JSII_RUNTIME` when the first jsii package (`constructs`, which every
    other imports first) loads; they are set for that moment only, so no process this one
    starts later inherits them."""
    node, program = kernel_copy()
    settings = {"JSII_NODE": os.fspath(node), "JSII_RUNTIME": os.fspath(program)}
    saved = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        import constructs  # noqa: F401  (loading its assembly starts the kernel)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    _messages.install()


def kernel_copy() -> tuple[Path, Path]:
    """Where the prepared (node wrapper, kernel) for the installed jsii are, built or not."""
    program = embedded_runtime() / "lib__program.js"
    stat = program.stat()
    key = hashlib.sha256(
        f"{FORMAT}:{program.resolve()}:{stat.st_size}:{stat.st_mtime_ns}:{NODE_WRAPPER}".encode() + PROLOGUE,
    ).hexdigest()[:20]
    target = cache_dir() / "jsii-kernel" / key
    return target / "bin" / "node", target / "lib" / "program.js"


def embedded_runtime() -> Path:
    """jsii's bundled runtime files (found without importing jsii, which is not cheap)."""
    spec = importlib.util.find_spec("jsii")
    if spec is None or not spec.submodule_search_locations:
        raise OSError("jsii is not installed")
    return Path(spec.submodule_search_locations[0]) / "_embedded" / "jsii"


def direct_program(program: bytes) -> bytes:
    """jsii's `lib/program.js`, reading fd 0 and writing fd 1, keeping its packages' digests
    and building an assertion's message only when it fails, behind the prologue."""
    for original, replacement, what in REWRITES:
        if program.count(original) != 1:
            raise ValueError(f"jsii's lib/program.js does not {what} the expected way")
        program = program.replace(original, replacement)
    return PROLOGUE + program


def cache_dir() -> Path:
    """Where sigmatiq-infra keeps what `prepare` builds once per machine (`SIGMATIQ_CACHE_DIR`,
    else `$XDG_CACHE_HOME/sigmatiq-infra`, else `~/.cache/sigmatiq-infra`). A value of only
    spaces counts as unset, as for the switches; so does a relative `XDG_CACHE_HOME`, which
    the XDG Base Directory Specification calls invalid, to be ignored (else `prepare` and the
    app would each use a cache under their own working folder)."""
    source = cache_source()
    if source == "SIGMATIQ_CACHE_DIR":
        return Path(os.environ[source])
    return Path(os.environ[source] if source == "XDG_CACHE_HOME" else os.path.expanduser("~/.cache"), "sigmatiq-infra")


def cache_source() -> str:
    """The environment variable `cache_dir()` is made from: `SIGMATIQ_CACHE_DIR`, `XDG_CACHE_HOME`
    (an absolute one) or `HOME`."""
    if os.environ.get("SIGMATIQ_CACHE_DIR", "").strip():
        return "SIGMATIQ_CACHE_DIR"
    return "XDG_CACHE_HOME" if os.path.isabs(os.environ.get("XDG_CACHE_HOME", "")) else "HOME"


def _jsii_version() -> str:
    try:
        return importlib.metadata.version("jsii")
    except importlib.metadata.PackageNotFoundError:
        return "(none)"


def _noexec(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & getattr(os, "ST_NOEXEC", 0))
    except OSError:
        return False
