"""The fast runtime: the one explicit switch for the process-wide speed-ups.

Importing the library changes nothing about the process. `enable()` switches on, for this
process, two speed-ups that together make a synth about seven times faster:

- the direct jsii kernel (`sigmatiq_infra._kernel`): jsii's Node.js kernel without its
  relay process, and its requests built with less work (`sigmatiq_infra._messages`);
- the lean azurerm bindings (`sigmatiq_infra._bindings`): only the submodules a program
  uses are loaded, in Python and in Node.js; every submodule stays reachable;

and, for a program run without `-O`, the quick argument checks (`sigmatiq_infra._argument_checks`):
the bindings' per-argument checks without the work that cannot change them (their stubs'
hints are worked out once, and the checks that cannot fail pass at once; about a third of
such a synth), every other check and its message staying typeguard's own.

The first two must be in place before any jsii package (`cdktf`, `constructs`, the bindings)
is imported, so the usual way in is the launcher, which switches them on and then runs your
program, whatever the order of its imports:

    python -m sigmatiq_infra.launch main.py        # also as cdktf.json's "app"

Both need files that `python -m sigmatiq_infra.prepare` builds once per machine (`bin/setup`
runs it). Whatever prevents one (another jsii release, no prepared copy, no `node`, a
noexec cache folder, a jsii package imported first, `SIGMATIQ_FULL_IMPORT=1`), that part
stays off and one line on stderr says why; the synthesized JSON is the same either way.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from sigmatiq_infra import _argument_checks, _bindings, _kernel
from sigmatiq_infra.switches import switch_is_on


@dataclass(frozen=True)
class Status:
    direct_kernel: bool
    lean_bindings: bool
    why_not: tuple[str, ...] = ()
    """Why a part is off (empty when every part is on)."""
    quick_checks: bool = False
    """Whether the bindings' argument checks take the quick path (never under `-O`, where the
    bindings check nothing)."""


_status: Status | None = None


def enable(*, quiet: bool = False) -> Status:
    """Switch the fast runtime on for this process (once; later calls return the same
    status). A part that cannot be had stays off, with one line on stderr saying why,
    unless `quiet` or `SIGMATIQ_FULL_IMPORT` asked for the normal runtime."""
    global _status
    if _status is not None:
        return _status
    reasons = []
    kernel_problem = _kernel.why_not(os.environ)
    if kernel_problem is None:
        _kernel.start()
    else:
        reasons.append(f"direct kernel off: {kernel_problem}")
    bindings_problem = "SIGMATIQ_FULL_IMPORT is on" if switch_is_on(os.environ, "SIGMATIQ_FULL_IMPORT") else (
        _bindings.why_not()
    )
    if bindings_problem is None:
        _bindings.register()
    else:
        reasons.append(f"lean bindings off: {bindings_problem}")
    quick_checks = False
    if not sys.flags.optimize and not switch_is_on(os.environ, "SIGMATIQ_FULL_IMPORT"):
        checks_problem = _argument_checks.install()  # the stubs' hints are kept with any typeguard
        quick_checks = checks_problem is None
        if checks_problem is not None:
            reasons.append(f"quick argument checks partly off: {checks_problem}")
    _status = Status(kernel_problem is None, bindings_problem is None, tuple(reasons), quick_checks)
    if reasons and not quiet and not switch_is_on(os.environ, "SIGMATIQ_FULL_IMPORT"):
        part = "partly off" if kernel_problem is None or bindings_problem is None or quick_checks else "off"
        print(f"sigmatiq-infra: fast runtime {part} ({'; '.join(reasons)}); same output, slower synth", file=sys.stderr)
    return _status


def status() -> Status | None:
    """The fast runtime's status in this process, or None when `enable()` was never called."""
    return _status
