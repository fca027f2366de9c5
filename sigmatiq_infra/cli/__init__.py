"""`sigmatiq-infra`: operator commands for the chores the seed's scripts did by hand.

Every command has `--help`. Errors print one clean line (`sigmatiq-infra: error: ...`) and
exit non-zero: 2 for bad input, 1 when the work itself failed; never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sigmatiq_infra import engine, runtime
from sigmatiq_infra.cli.errors import CliError
from sigmatiq_infra.engine import EngineMissing
from sigmatiq_infra.validation import ValidationError

LOADS_CONSTRUCTS = ("plan-gate", "record-deployed", "diagram", "cost")
"""Commands that read facts from the construct classes (and so start jsii)."""


def parser() -> argparse.ArgumentParser:
    from sigmatiq_infra.cli import allow_ip, cost, diagram, plan_gate, record, vpn_cert

    root = argparse.ArgumentParser(
        prog="sigmatiq-infra",
        description="Operator tools for the Sigmatiq Azure estate (certificates, firewall, diagrams, costs).",
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (vpn_cert, allow_ip, diagram, cost, plan_gate, record):
        module.register(commands)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    if arguments.command in LOADS_CONSTRUCTS:
        trouble = engine.problem() or engine.missing()  # SIGMATIQ_ENGINE names no engine, or one not installed
        if trouble:
            print(f"sigmatiq-infra: error: {trouble}", file=sys.stderr)
            return 2
        runtime.enable()  # before the command imports the constructs (and so jsii)
    try:
        return arguments.run(arguments) or 0
    except ValidationError as error:
        for problem in error.problems:
            print(f"sigmatiq-infra: error: {problem}", file=sys.stderr)
        return 2
    except CliError as error:
        print(f"sigmatiq-infra: error: {error}", file=sys.stderr)
        return error.exit_code
    except EngineMissing as error:
        print(f"sigmatiq-infra: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
