"""`python -m sigmatiq_infra.launch PROGRAM [ARGS...]`: run a program on the fast runtime.

The fast runtime (`sigmatiq_infra.runtime`) has to be switched on before the program
imports any jsii package; this launcher does that first, then runs the program as
`__main__`, whatever the order of its imports, as `python PROGRAM [ARGS...]` would (its
folder first on `sys.path`, its arguments in `sys.argv`). cdktf.json runs the app this way:
`"app": "python -m sigmatiq_infra.launch main.py"`. A program that does not exist, cannot be
read or is a folder without `__main__.py` is one line on stderr and exit status 2.

A `ValidationError` the program lets escape (it called `app.synth()` itself, outside a
`with App()` block) is reported as `with App()` would: the numbered list on stderr, exit 1,
no traceback. Any other exception keeps its traceback, after the numbered list of what the
program's apps found before it. An `App` the program made but never
synthesized (no `with`, no `app.synth()`) is reported too: its problems as the numbered list
(exit 1), or, with none, one warning that nothing was written.

When the program is done, the launcher ends the process as Python would (the program's
`atexit` handlers run, open files are flushed, the exit status is the program's), but
without tearing the interpreter down object by object, which takes about 0.2 s once the
bindings are loaded and changes nothing on disk.
"""

from __future__ import annotations

import atexit
import gc
import io
import os
import re
import runpy
import sys

from sigmatiq_infra import engine, runtime
from sigmatiq_infra._taken_ids import duplicate_id_problem
from sigmatiq_infra.validation import ValidationError

USAGE = "python -m sigmatiq_infra.launch PROGRAM [ARGS...]"


def main(argv: list[str]) -> None:
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__)
        raise SystemExit(0)
    if not argv:
        _refuse("no program given. Fix: pass the app's main file and its arguments: " + USAGE)
    program = argv[0]
    if not program:  # runpy would raise ImportError (no __main__ module in '') with a traceback
        _refuse("the program '' is an empty path (an unset shell variable?). Fix: pass the app's main file, e.g. "
                "main.py.")
    if os.path.isdir(program) and not os.path.isfile(os.path.join(program, "__main__.py")):
        _refuse(f"{program} is a folder without __main__.py. Fix: pass the app's main file, e.g. "
                f"{os.path.join(program, 'main.py')}.")
    engine.exit_if_missing("sigmatiq-infra: launch")  # before the fast runtime, which would say it less clearly
    runtime.enable()
    sys.argv = list(argv)
    if os.path.isfile(program) and not sys.flags.safe_path:
        # As `python PROGRAM` would: the program's own folder first on the path (so it imports the
        # modules beside it from any working folder), not the working folder `-m` put there.
        sys.path[0] = os.path.dirname(os.path.realpath(program))
    try:
        runpy.run_path(program, run_name="__main__")
    except engine.EngineMissing as problem:
        print(f"sigmatiq-infra: launch: {problem}", file=sys.stderr)
        raise SystemExit(2) from None
    except OSError as problem:
        if problem.filename is None or os.path.abspath(problem.filename) != os.path.abspath(program):
            raise  # a file the program itself opens: the program's own error
        _refuse(f"{program} does not exist. Fix: pass the app's main file, e.g. main.py."
                if isinstance(problem, FileNotFoundError) else
                f"{program} cannot be read ({problem.strerror}). Fix: pass the app's main file, e.g. main.py.")
    except ValidationError as error:
        _finish(_reported(_with_recorded(error)))
    except SystemExit as done:
        _finish(_status(done.code))
    except RuntimeError as error:  # cdktf's App refusing the library's stacks: its validation, as a traceback
        taken = duplicate_id_problem(error)  # or a construct of the engine or the bindings under a taken id
        if taken is not None:
            _finish(_reported(_with_recorded(ValidationError([taken]))))
        found = _CDKTF_VALIDATION.match(str(error))
        if found is None:
            _show_recorded()
            raise
        _finish(_reported(ValidationError(_CDKTF_PROBLEM.findall(found.group(1)))))
    except Exception:  # a genuine bug keeps its traceback, after what the apps found before it
        _show_recorded()
        raise
    _finish(_unfinished_apps() or _other_apps())


def _refuse(problem: str) -> None:
    """One line on stderr, `sigmatiq-infra: launch: <problem>`, and exit status 2 (as Python
    exits when it cannot run a program)."""
    print(f"sigmatiq-infra: launch: {problem}", file=sys.stderr)
    raise SystemExit(2) from None


_CDKTF_VALIDATION = re.compile(r"Error: Validation failed with the following errors:\n(.*?)\n\n", re.DOTALL)
_CDKTF_PROBLEM = re.compile(r"^  \[[^\]]*\] (.*)$", re.MULTILINE)
"""cdktf's (and CDK Terrain's) `appValidationFailure`/stack validation error: one line per
problem, `  [<construct path>] <message>`."""


def _other_apps() -> int:
    """0, or 1 with the numbered list, when an app that is not sigmatiq_infra's App (cdktf's,
    with its validations skipped) wrote the library's stacks: unchecked, they are not to be
    deployed."""
    context = sys.modules.get("sigmatiq_infra.constructs._context")
    problems = context.other_apps_problems() if context is not None else []
    if not problems:
        return 0
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    print(f"sigmatiq-infra: the stacks were written unchecked, do not deploy them ({count}):", file=sys.stderr)
    for number, problem in enumerate(problems, 1):
        print(f"  {number}. {problem}", file=sys.stderr)
    return 1


def _with_recorded(error: ValidationError) -> ValidationError:
    """`error` after what the program's apps recorded before it was raised: a construct that
    cannot be built at all (props of another kind) stops the program, and the problems found
    until then belong in the same list."""
    synthesis = sys.modules.get("sigmatiq_infra.synthesis")
    apps = synthesis.unfinished() if synthesis is not None else []
    return ValidationError(
        [*(problem for app in apps for problem in app.problems.problems), *error.problems],
        [*(warning for app in apps for warning in app.problems.warnings), *error.warnings],
    )


def _show_recorded() -> None:
    """Print what the program's unfinished apps recorded (a `with App()` block shows its own),
    as the numbered list: the bug's traceback follows it."""
    recorded = _with_recorded(ValidationError([]))
    if recorded.problems:
        from sigmatiq_infra.validation import format_problems

        print(format_problems(recorded.problems), file=sys.stderr)


def _unfinished_apps() -> int:
    """0, or 1 with the numbered list, for the apps the program never synthesized."""
    synthesis = sys.modules.get("sigmatiq_infra.synthesis")
    if synthesis is None:
        return 0  # the program made no App of this library
    apps = synthesis.unfinished()
    problems = [problem for app in apps for problem in app.problems.problems]
    if problems:
        return _reported(ValidationError(problems, [w for app in apps for w in app.problems.warnings]))
    if apps:
        print(
            "sigmatiq-infra: warning: the program made an App and never synthesized it, so nothing was written. "
            "Fix: build the app in `with App() as app:`, or end the program with `app.synth()`.",
            file=sys.stderr,
        )
    return 0


def _reported(error: ValidationError) -> int:
    """Print `error` as the app's numbered list; the exit status that goes with it."""
    from sigmatiq_infra.synthesis import report  # loaded here: the program has loaded jsii by now

    try:
        report(error)
    except SystemExit as done:
        return _status(done.code)
    return 1


def _status(code: object) -> int:
    """The exit status Python gives `SystemExit(code)` (printing a message code, as it does)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _finish(status: int) -> None:
    """End the process: the `atexit` handlers run (jsii's among them, which stops its
    kernel), every open file is flushed, then the process exits without the interpreter's
    teardown."""
    atexit._run_exitfuncs()
    for found in gc.get_objects():
        try:
            if isinstance(found, io.IOBase) and not found.closed and found.writable():
                found.flush()
        except (OSError, ValueError):
            continue  # a stream that cannot take a flush now (a closed pipe): as Python would ignore it
    os._exit(status)


if __name__ == "__main__":
    main(sys.argv[1:])
