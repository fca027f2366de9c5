"""Running jsii's Node.js kernel without its relay process.

jsii's Python runtime starts `node bin/jsii-runtime.js`, and that script only spawns a
second Node.js process, `lib/program.js` (the kernel), and relays every message between the
two. Each construct, property read and callback is such a message, so every one of them
crosses an extra process and event loop; on a two-core machine the relay also competes for
the CPU with Python and the kernel. Synthesis spends most of its time in those round trips.

`start_kernel()` starts jsii (through its `JSII_NODE` and `JSII_RUNTIME` settings) with a
copy of the same kernel that speaks the protocol on its own stdin and stdout, started with the
flags the relay would have given it. Nothing installed is edited: the copy is built once in
the cache folder (`bin/setup` does it ahead of time), and it is byte-for-byte jsii's
`lib/program.js` apart from the two file descriptors it reads and writes, plus a prologue
that sends anything the kernel's code prints to the host the way the relay does, and that
leaves unformatted the creation stacks cdktf records for every token (see `PROLOGUE`).

The library's modules call `start_kernel()` before they import any jsii package. The
normal runtime is used whenever the copy cannot be had, on Windows, when `JSII_NODE` or
`JSII_RUNTIME` is set, when something imported a jsii package first, and with
`SIGMATIQ_FULL_IMPORT=1`. The synthesized JSON is identical either way (tested).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

from sigmatiq_infra.switches import switch_is_on

FORMAT = "direct-kernel-2"  # bump when the way the copy is made changes, to rebuild cached copies
KERNEL_FDS = b"readFD:3,writeFD:3"
"""How jsii's relay talks to the kernel: one socket, file descriptor 3, both ways."""
HOST_FDS = b"readFD:0,writeFD:1"

PROLOGUE = b"""/* sigmatiq-infra: jsii's lib/program.js, reading the host on stdin and answering on
 * stdout instead of through bin/jsii-runtime.js. What the kernel's code prints goes to the
 * host as the relay would send it: one {"stdout"|"stderr": base64} line on stderr.
 * cdktf records a "creation stack" (captured on a plain object, not an Error) for every
 * token and attribute reference; in this process those stacks only ever show the kernel's
 * own JavaScript frames, never the host's code, so they are not formatted. Errors keep
 * their stack traces. */
(function () {
  "use strict";
  const format = Error.prepareStackTrace;
  Error.prepareStackTrace = function (target, frames) {
    if (!(target instanceof Error)) return "";
    return format ? format(target, frames) : String(target) + frames.map((f) => "\\n    at " + f).join("");
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
})();
"""

NODE_WRAPPER = """#!/bin/sh
# sigmatiq-infra: starts jsii's kernel with the flag jsii's relay would have added.
exec node --preserve-symlinks "$@"
"""


def start_kernel() -> bool:
    """Start jsii's kernel, the direct one when it can be had, unless jsii has started it
    already. True when the direct kernel was started.

    jsii reads `JSII_NODE` and `JSII_RUNTIME` when it starts its kernel, which it does when
    the first jsii package (`constructs`, which every other one imports first) loads; they
    are set for that moment only, so no other process this one starts inherits them.
    """
    if "constructs" in sys.modules:
        return False  # jsii is (being) started already, the normal way or this one
    environment = direct_environment()
    if not environment:
        return False
    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    try:
        import constructs  # noqa: F401  (loading its assembly starts the kernel)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return True


def direct_environment() -> dict[str, str]:
    """The jsii settings that select the direct kernel; empty when it is not to be used."""
    if (
        os.name != "posix"
        or switch_is_on(os.environ, "SIGMATIQ_FULL_IMPORT")
        or "JSII_NODE" in os.environ
        or "JSII_RUNTIME" in os.environ
    ):
        return {}
    try:
        node, program = direct_kernel()
    except (OSError, ValueError):
        return {}
    return {"JSII_NODE": os.fspath(node), "JSII_RUNTIME": os.fspath(program)}


def direct_kernel() -> tuple[Path, Path]:
    """(node wrapper, kernel) in the cache folder, built on first use."""
    embedded = _embedded_runtime()
    program = embedded / "lib__program.js"
    stat = program.stat()
    key = hashlib.sha256(
        f"{FORMAT}:{program.resolve()}:{stat.st_size}:{stat.st_mtime_ns}:{NODE_WRAPPER}".encode() + PROLOGUE,
    ).hexdigest()[:20]
    target = cache_dir() / "jsii-kernel" / key
    node, kernel = target / "bin" / "node", target / "lib" / "program.js"
    if not (node.exists() and kernel.exists()):
        _build(embedded, target)
    return node, kernel


def _embedded_runtime() -> Path:
    """jsii's bundled runtime files (found without importing jsii, which is not cheap)."""
    spec = importlib.util.find_spec("jsii")
    if spec is None or not spec.submodule_search_locations:
        raise OSError("jsii is not installed")
    return Path(spec.submodule_search_locations[0]) / "_embedded" / "jsii"


def _build(embedded: Path, target: Path) -> None:
    """Write the copy beside a temporary name, then move it into place (concurrent builds
    of the same copy are harmless)."""
    import shutil

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".partial-"))
    try:
        for source in embedded.iterdir():  # jsii's own layout: `lib__program.js` is lib/program.js
            if source.name.startswith("__") or "__" not in source.name:
                continue
            relative = source.name.replace("__", "/", 1)
            content = source.read_bytes()
            if relative == "lib/program.js":
                content = direct_program(content)
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            (staging / relative).write_bytes(content)
        wrapper = staging / "bin" / "node"
        wrapper.parent.mkdir(parents=True, exist_ok=True)
        wrapper.write_text(NODE_WRAPPER)
        wrapper.chmod(0o755)
        if not (staging / "lib" / "program.js").exists():
            raise ValueError(f"{embedded} has no lib__program.js")
        try:
            os.replace(staging, target)
        except OSError:
            if not target.exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def direct_program(program: bytes) -> bytes:
    """jsii's `lib/program.js`, reading fd 0 and writing fd 1, behind the prologue."""
    if program.count(KERNEL_FDS) != 1:
        raise ValueError("jsii's lib/program.js does not open its channel the expected way")
    return PROLOGUE + program.replace(KERNEL_FDS, HOST_FDS)


def cache_dir() -> Path:
    """Where sigmatiq-infra keeps what it builds once per machine (`SIGMATIQ_CACHE_DIR`)."""
    root = os.environ.get("SIGMATIQ_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "sigmatiq-infra",
    )
    return Path(root)
