"""`python -m sigmatiq_infra.launch PROGRAM [ARGS...]`: run a program on the fast runtime.

The fast runtime (`sigmatiq_infra.runtime`) has to be switched on before the program
imports any jsii package; this launcher does that first, then runs the program as
`__main__`, whatever the order of its imports. cdktf.json runs the app this way:
`"app": "python -m sigmatiq_infra.launch main.py"`.
"""

from __future__ import annotations

import runpy
import sys

from sigmatiq_infra import runtime


def main(argv: list[str]) -> None:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[0].strip("`") if argv else __doc__, file=sys.stderr)
        raise SystemExit(0 if argv else 2)
    program = argv[0]
    runtime.enable()
    sys.argv = list(argv)
    try:
        runpy.run_path(program, run_name="__main__")
    except FileNotFoundError as problem:
        if problem.filename != program:
            raise
        print(f"sigmatiq-infra: launch: {program} does not exist. Fix: pass the app's main file, e.g. main.py.",
              file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main(sys.argv[1:])
